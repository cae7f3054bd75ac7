package ack_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/ack"
	"jiedai/internal/attachment"
	"jiedai/internal/auth"
	"jiedai/internal/clock"
	"jiedai/internal/doctemplate"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

type env struct {
	t                         *testing.T
	tpl                       *doctemplate.Service
	acks                      *ack.Service
	clk                       *clock.Fake
	office, legal, staff      access.Actor
	office2                   access.Actor // reviews handbooks (office submits them)
	tenant, tenant2, stranger access.Actor
	notified                  map[int64]int
}

func newEnv(t *testing.T, db *store.DB) *env {
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 5, 6, 2, 0, 0, 0, time.UTC))
	au := auth.New(db, clk)
	e := &env{t: t, tpl: doctemplate.New(db, clk), acks: ack.New(db, clk), clk: clk, notified: map[int64]int{}}
	e.acks.Notify = func(_ context.Context, _ store.Querier, _ time.Time, ids []int64, key string, _ map[string]any, _ string) error {
		for _, id := range ids {
			e.notified[id]++
		}
		return nil
	}
	e.tpl.OnPublish = e.acks.OnPublish
	_, err := db.Exec(ctx, `INSERT INTO client_orgs (id, name, name_key, created_at, updated_at) VALUES (7, '华信科技', 'hx', 0, 0)`)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name, role string, org int64) access.Actor {
		u, err := au.Create(ctx, access.SystemActor(), auth.UserInput{Username: name, DisplayName: name, Password: "password-123", Roles: []string{role}, OrgID: org, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		return u.Actor("10.1.2.3")
	}
	e.office, e.legal, e.staff = mk("office", access.Office, 0), mk("legal", access.Legal, 0), mk("staff", access.Staff, 0)
	e.office2 = mk("office2", access.Office, 0)
	e.tenant, e.tenant2, e.stranger = mk("tenant", access.Client, 7), mk("tenant2", access.Client, 7), mk("stranger", access.Client, 7)
	return e
}

// publish drafts, submits and approves a version of a new template.
func (e *env) publish(ctx context.Context, code string, in doctemplate.Input) doctemplate.Template {
	e.t.Helper()
	in.Code = code
	t, err := e.tpl.Create(ctx, e.office, in)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.tpl.Submit(ctx, e.office, t.Latest().ID); err != nil {
		e.t.Fatal(err)
	}
	reviewer := e.legal
	if in.Kind == "handbook" {
		reviewer = e.office2
	}
	if err := e.tpl.Decide(ctx, reviewer, t.Latest().ID, "approve", ""); err != nil {
		e.t.Fatal(err)
	}
	t, _ = e.tpl.Get(ctx, e.office, t.ID)
	return t
}

func TestTemplateVersions(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		in := doctemplate.Input{Kind: "confidentiality_agreement", Title: "保密协议", BodyZhHans: "甲方：{{site.name}}\n乙方：{{org.name}}", BodyEn: "Party B: {{org.name}}"}

		// Refusals: who, and what.
		if _, err := e.tpl.Create(ctx, e.staff, doctemplate.Input{Code: "x", Kind: "handbook", Title: "x", BodyZhHans: "x"}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("staff creates: %v", err)
		}
		bad := in
		bad.Code, bad.BodyZhHans, bad.Kind = "Bad Code", "{{org.ceo}}", "poem"
		err := errs.As(func() error { _, err := e.tpl.Create(ctx, e.office, bad); return err }())
		fields := map[string]bool{}
		for _, fe := range err.Extra.([]*errs.Error) {
			fields[fe.Field] = true
		}
		if !fields["code"] || !fields["kind"] || !fields["body_zh_hans"] {
			t.Fatalf("bad input fields %v (%v)", fields, err)
		}

		in.Code = "nda"
		tp, err2 := e.tpl.Create(ctx, e.office, in)
		if err2 != nil {
			t.Fatal(err2)
		}
		if _, err := e.tpl.Create(ctx, e.office, in); errs.As(err).Key != "err.code_taken" {
			t.Fatalf("duplicate code: %v", err)
		}
		v1 := tp.Latest()
		if v1.Version != 1 || v1.Status != doctemplate.Draft || v1.Body("en") != "Party B: {{org.name}}" || v1.Body("zh-Hant") != v1.BodyZhHans {
			t.Fatalf("first version %+v", v1)
		}
		if _, err := e.tpl.PublishedByCode(ctx, "nda"); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("a draft is used: %v", err)
		}
		// Editing a draft edits it; a submitted one is locked.
		in.Title = "保密协议（2026版）"
		if v, err := e.tpl.Edit(ctx, e.office, tp.ID, in); err != nil || v.ID != v1.ID || v.Title != in.Title {
			t.Fatalf("edit draft: %+v %v", v, err)
		}
		if err := e.tpl.Submit(ctx, e.office, v1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.tpl.Edit(ctx, e.office, tp.ID, in); errs.As(err).Kind != errs.Conflict {
			t.Fatalf("edit submitted: %v", err)
		}
		// Only the reviewer of the kind (legal) decides; a return sends it back to draft.
		if err := e.tpl.Decide(ctx, e.office, v1.ID, "approve", ""); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("office approves a contract: %v", err)
		}
		if err := e.tpl.Decide(ctx, e.legal, v1.ID, "return", "第三条违约责任写清楚"); err != nil {
			t.Fatal(err)
		}
		if v, _ := e.tpl.Version(ctx, e.office, v1.ID); v.Status != doctemplate.Draft {
			t.Fatalf("returned: %s", v.Status)
		}
		if err := e.tpl.Submit(ctx, e.office, v1.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.tpl.Decide(ctx, e.legal, v1.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		if v, err := e.tpl.PublishedByCode(ctx, "nda"); err != nil || v.ID != v1.ID {
			t.Fatalf("published: %+v %v", v, err)
		}
		// Editing the published template makes draft v2; v1 stays in use until v2 is published.
		in.BodyZhHans += "\n第五条 保密期限为合同终止后三年。"
		v2, err3 := e.tpl.Edit(ctx, e.office, tp.ID, in)
		if err3 != nil || v2.Version != 2 || v2.Status != doctemplate.Draft {
			t.Fatalf("edit published: %+v %v", v2, err3)
		}
		if v, _ := e.tpl.PublishedByCode(ctx, "nda"); v.ID != v1.ID {
			t.Fatalf("in use while v2 is a draft: %+v", v)
		}
		if err := e.tpl.Submit(ctx, e.office, v2.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.tpl.Decide(ctx, e.legal, v2.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		got, _ := e.tpl.Get(ctx, e.office, tp.ID)
		if got.Versions[0].Status != doctemplate.Published || got.Versions[1].Status != doctemplate.Retired {
			t.Fatalf("after publishing v2: %+v", got.Versions)
		}
		if _, err := e.tpl.Get(ctx, e.tenant, tp.ID); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("client reads templates: %v", err)
		}
	})
}

func TestAcknowledgements(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		tp := e.publish(ctx, "handbook", doctemplate.Input{Kind: "handbook", Title: "用户手册", BodyZhHans: "欢迎入驻 {{site.name}}。"})
		v1 := tp.Latest()

		// Asking: only requesters; only published versions; nobody twice.
		if _, err := e.acks.Request(ctx, e.staff, ack.RequestInput{VersionID: v1.ID, UserIDs: []int64{e.tenant.UserID}}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("staff requests: %v", err)
		}
		if _, err := e.acks.Request(ctx, e.office, ack.RequestInput{VersionID: v1.ID, UserIDs: []int64{e.tenant.UserID, 999}}); errs.As(err).Key != "ack.err.no_user" {
			t.Fatalf("unknown user: %v", err)
		}
		if n, _ := e.acks.Pending(ctx, e.tenant, e.tenant.UserID); len(n) != 0 {
			t.Fatalf("half-written request: %v", n)
		}
		ks, err := e.acks.Request(ctx, e.office, ack.RequestInput{VersionID: v1.ID, UserIDs: []int64{e.tenant.UserID, e.tenant2.UserID, e.tenant.UserID}, SubjectEntity: "unit", SubjectID: 3})
		if err != nil || len(ks) != 2 || ks[0].Status != ack.Pending || ks[0].SubjectEntity != "unit" {
			t.Fatalf("request: %+v %v", ks, err)
		}
		if again, err := e.acks.Request(ctx, e.office, ack.RequestInput{VersionID: v1.ID, UserIDs: []int64{e.tenant.UserID}}); err != nil || len(again) != 0 {
			t.Fatalf("asked twice: %+v %v", again, err)
		}
		if e.notified[e.tenant.UserID] != 1 {
			t.Fatalf("notified %v", e.notified)
		}
		mine := ks[0]
		p, err := e.acks.Pending(ctx, e.tenant, e.tenant.UserID)
		if err != nil || len(p) != 1 || p[0].ID != mine.ID || p[0].Title != "用户手册" {
			t.Fatalf("pending %+v %v", p, err)
		}
		if _, err := e.acks.Pending(ctx, e.tenant, e.tenant2.UserID); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("reads another's pending: %v", err)
		}

		// Signing: only the person, with their name; once.
		if _, err := e.acks.Sign(ctx, e.stranger, mine.ID, "某人"); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("another signs: %v", err)
		}
		if _, err := e.acks.Sign(ctx, e.tenant, mine.ID, " "); errs.As(err).Field != "name" {
			t.Fatalf("no name: %v", err)
		}
		signed, err := e.acks.Sign(ctx, e.tenant, mine.ID, "张伟")
		if err != nil || signed.Status != ack.Signed || signed.Method != ack.Click || signed.SignedName != "张伟" || signed.IP != "10.1.2.3" || signed.SignedAt.IsZero() {
			t.Fatalf("signed %+v %v", signed, err)
		}
		if _, err := e.acks.Sign(ctx, e.tenant, mine.ID, "张伟"); errs.As(err).Kind != errs.Conflict {
			t.Fatalf("signed twice: %v", err)
		}
		// Paper: staff record it with a scan attached to the acknowledgement.
		if _, err := e.acks.RecordScan(ctx, e.office, ks[1].ID, 12345); errs.As(err).Key != "ack.err.no_scan" {
			t.Fatalf("scan not attached: %v", err)
		}
		files := attachment.New(db, e.clk)
		files.Guard(ack.Entity, func(context.Context, access.Actor, int64) (bool, error) { return true, nil })
		scan, err := files.Add(ctx, e.office, ack.Entity, ks[1].ID, "签字页.pdf", []byte("%PDF-1.4\nsigned"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.acks.RecordScan(ctx, e.tenant, ks[1].ID, scan.ID); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("client records a scan: %v", err)
		}
		paper, err := e.acks.RecordScan(ctx, e.office, ks[1].ID, scan.ID)
		if err != nil || paper.Status != ack.Signed || paper.Method != ack.Scan || paper.AttachmentID != scan.ID {
			t.Fatalf("paper signature: %+v %v", paper, err)
		}

		st, err := e.acks.Status(ctx, e.office, v1.ID)
		if err != nil || len(st) != 2 || st[0].Status != ack.Signed || st[1].Status != ack.Signed {
			t.Fatalf("status %+v %v", st, err)
		}

		late, err := e.acks.Request(ctx, e.office, ack.RequestInput{VersionID: v1.ID, UserIDs: []int64{e.stranger.UserID}})
		if err != nil || len(late) != 1 {
			t.Fatalf("ask a third: %+v %v", late, err)
		}

		// v2 marked re-sign: both are asked again, the open v1 request is superseded.
		in := doctemplate.Input{Title: "用户手册", BodyZhHans: "欢迎入驻 {{site.name}}。新增：装修须提前申报。", Resign: true}
		v2, err := e.tpl.Edit(ctx, e.office, tp.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.tpl.Submit(ctx, e.office, v2.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.tpl.Decide(ctx, e.office2, v2.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		p, _ = e.acks.Pending(ctx, e.tenant, e.tenant.UserID)
		if len(p) != 1 || p[0].VersionID != v2.ID {
			t.Fatalf("re-sign: %+v", p)
		}
		p2, _ := e.acks.Pending(ctx, e.tenant2, e.tenant2.UserID)
		if len(p2) != 1 || p2[0].VersionID != v2.ID {
			t.Fatalf("re-sign of the paper signer: %+v", p2)
		}
		if old, _ := e.acks.Get(ctx, e.stranger, late[0].ID); old.Status != ack.Superseded {
			t.Fatalf("the unsigned v1 request: %s", old.Status)
		}
		// Who has not signed v2: all three, listed before anyone who has.
		if st, _ := e.acks.Status(ctx, e.office, v2.ID); len(st) != 3 || st[0].Status != ack.Pending || st[2].Status != ack.Pending {
			t.Fatalf("v2 status %+v", st)
		}
	})
}
