package meeting_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/jobs"
	"jiedai/internal/meeting"
	"jiedai/internal/notify"
	"jiedai/internal/store"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a time in Shanghai.
func at(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, shanghai)
}

// sent is one notification the fake notifier received.
type sent struct {
	Key   string
	Users []int64
	Args  map[string]any
	Link  string
}

// fixture is a meeting service on a fresh database with a fake clock, the
// notify engine (watched, to assert who was told what) and the jobs engine.
type fixture struct {
	t     *testing.T
	db    *store.DB
	clock *clock.Fake
	svc   *meeting.Service
	users map[string]access.Actor
	depts map[string]int64
	org   int64 // the client of baseInput, in the client register

	mu     sync.Mutex
	msgs   []sent
	runner *jobs.Runner
}

func newFixture(t *testing.T, db *store.DB, now time.Time) *fixture {
	t.Helper()
	curT = t
	f := &fixture{t: t, db: db, clock: clock.NewFake(now), users: map[string]access.Actor{}, depts: map[string]int64{}}
	f.svc = meeting.New(db, f.clock, shanghai)
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	// the real notify engine (inbox rows, catalogue check), watched
	inbox := &notify.Service{DB: db, Clock: f.clock, I18n: bundle}
	f.svc.Notify = func(ctx context.Context, q store.Querier, now time.Time, users []int64, key string, args map[string]any, link string) error {
		f.mu.Lock()
		f.msgs = append(f.msgs, sent{Key: key, Users: append([]int64(nil), users...), Args: args, Link: link})
		f.mu.Unlock()
		return inbox.Notify(ctx, q, now, users, key, args, link)
	}
	f.svc.Schedule, f.svc.Reschedule = jobs.Schedule, jobs.Reschedule
	f.runner = jobs.NewRunner(db, f.clock, nil)
	for _, kind := range meeting.JobKinds {
		f.runner.Register(kind, func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
			return f.svc.RunJob(ctx, tx, j.Kind, j.Payload)
		})
	}
	ctx := context.Background()
	for _, d := range []string{"sales", "reception", "finance", "executive", "engineering"} {
		id, err := store.InsertID(ctx, db, `INSERT INTO departments (code, name, created_at) VALUES (?, ?, 0)`, d, d)
		if err != nil {
			t.Fatal(err)
		}
		f.depts[d] = id
	}
	org, err := store.InsertID(ctx, db, `INSERT INTO client_orgs (name, name_key, created_at, updated_at) VALUES (?, ?, 0, 0)`, "华润置地（深圳）有限公司", "华润置地深圳")
	if err != nil {
		t.Fatal(err)
	}
	f.org = org
	f.addUser("convener", "sales", access.Staff)
	f.addUser("host", "sales", access.Manager, access.Staff)
	f.addUser("leader", "executive", access.Executive)
	f.addUser("recorder", "reception", access.Receptionist)
	f.addUser("owner1", "sales", access.Staff)
	f.addUser("owner2", "engineering", access.Engineering)
	f.addUser("attendee", "sales", access.Staff)
	f.addUser("sub", "sales", access.Staff)
	f.addUser("outsider", "engineering", access.Staff)
	f.addUser("fin", "finance", access.Finance)
	f.addUser("desk", "reception", access.Receptionist)
	f.addUser("root", "", access.Admin)
	f.addUser("auditor", "", access.Audit)
	if _, err := db.Exec(ctx, `UPDATE departments SET manager_id = ? WHERE id = ?`, f.users["host"].UserID, f.depts["sales"]); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) addUser(name, dept string, roles ...string) access.Actor {
	f.t.Helper()
	ctx := context.Background()
	id, err := store.InsertID(ctx, f.db, `INSERT INTO users (username, display_name, password_hash, department_id, email, created_at, updated_at) VALUES (?, ?, 'x', ?, ?, 0, 0)`,
		name, name, store.IDOrNil(f.depts[dept]), name+"@example.cn")
	if err != nil {
		f.t.Fatalf("add user %s: %v", name, err)
	}
	for _, r := range roles {
		if _, err := f.db.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, id, r); err != nil {
			f.t.Fatal(err)
		}
	}
	a := access.Actor{UserID: id, Username: name, Name: name, Roles: roles, DepartmentID: f.depts[dept]}
	f.users[name] = a
	return a
}

func (f *fixture) u(name string) access.Actor {
	a, ok := f.users[name]
	if !ok {
		f.t.Fatalf("no user %s", name)
	}
	return a
}

func (f *fixture) id(name string) int64 { return f.u(name).UserID }

// runDue runs every job due at the current fake time through the jobs
// engine, and returns the kinds that ran; a failed job fails the test.
func (f *fixture) runDue() []string {
	f.t.Helper()
	ctx := context.Background()
	done := func() map[string]bool {
		rows, err := f.db.Query(ctx, `SELECT kind, key FROM jobs WHERE done_at IS NOT NULL`)
		if err != nil {
			f.t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var k, key string
			if err := rows.Scan(&k, &key); err != nil {
				f.t.Fatal(err)
			}
			out[k+"/"+key] = true
		}
		return out
	}
	before := done()
	if _, err := f.runner.RunDue(ctx, 100); err != nil {
		f.t.Fatalf("run due jobs: %v", err)
	}
	var failed string
	if err := f.db.QueryRow(ctx, `SELECT COALESCE(MAX(last_error), '') FROM jobs`).Scan(&failed); err != nil || failed != "" {
		f.t.Fatalf("a job failed: %q %v", failed, err)
	}
	var ran []string
	for k := range done() {
		if !before[k] {
			ran = append(ran, strings.SplitN(k, "/", 2)[0])
		}
	}
	sort.Strings(ran)
	return ran
}

// sentTo reports whether a message with key went to the user since mark.
func (f *fixture) sentTo(mark int, key string, user int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.msgs[mark:] {
		if m.Key != key {
			continue
		}
		for _, u := range m.Users {
			if u == user {
				return true
			}
		}
	}
	return false
}

func (f *fixture) mark() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.msgs) }

// curT is the test the current fixture belongs to (tests here do not run
// in parallel), so must can take a call's two results directly.
var curT *testing.T

func must[T any](v T, err error) T {
	curT.Helper()
	if err != nil {
		curT.Fatalf("unexpected error: %v", err)
	}
	return v
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantKind checks err is a domain error of the kind.
func wantKind(t *testing.T, err error, kind errs.Kind) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("want %s error, got %v", kind, err)
	}
}

// baseInput is a key-account meeting tomorrow 10:00–11:30 with three
// agenda items and four attendees.
func (f *fixture) baseInput(start time.Time) meeting.Input {
	return meeting.Input{
		Type: meeting.TypeKeyAccount, Title: "华润置地年度合作洽谈", Purpose: "确认 2026 年度会议场地包年合作方案",
		ClientOrgID: f.org, ClientName: "华润置地（深圳）有限公司",
		HostID: f.id("host"), RecorderID: f.id("recorder"), LeaderID: f.id("leader"),
		StartAt: start, EndAt: start.Add(90 * time.Minute), Place: "18 楼 1 号会议室", Level: access.Internal,
		Agenda: []meeting.AgendaInput{
			{Topic: "双方介绍与合作回顾", PresenterID: f.id("host"), Minutes: 20},
			{Topic: "包年方案与价格", PresenterID: f.id("owner1"), Minutes: 50},
			{Topic: "服务保障与下一步安排", PresenterName: "张总（华润置地）", Minutes: 30},
		},
		Attendees: []meeting.AttendeeInput{
			{Kind: meeting.KindRequired, UserID: f.id("attendee")},
			{Kind: meeting.KindRequired, UserID: f.id("owner1")},
			{Kind: meeting.KindRequired, UserID: f.id("owner2")},
			{Kind: meeting.KindInvited, GuestName: "张伟", GuestOrg: "华润置地", GuestTitle: "行政总监"},
		},
		CC: []int64{f.depts["finance"]},
	}
}

// notified convenes the base meeting at start and level, has the leader
// approve it and sends the notice.
func (f *fixture) notified(start time.Time, level string) meeting.Detail {
	f.t.Helper()
	ctx := context.Background()
	s := f.svc
	in := f.baseInput(start)
	in.Level = level
	d := must(s.Create(ctx, f.u("convener"), in))
	must(s.Submit(ctx, f.u("convener"), d.ID))
	must(s.Decide(ctx, f.u("leader"), d.ID, "approve", ""))
	return must(s.SendNotice(ctx, f.u("convener"), d.ID))
}

// wantReads checks whether read (a read of meeting id by a) is allowed, and
// that a's search for its client finds it exactly then.
func (f *fixture) wantReads(a access.Actor, id int64, read func() error, want bool, when string) {
	f.t.Helper()
	err := read()
	if want && err != nil {
		f.t.Fatalf("%s: %s cannot read meeting %d: %v", when, a.Username, id, err)
	}
	if !want {
		wantKind(f.t, err, errs.Forbidden)
	}
	hits := must(f.svc.Search(context.Background(), a, meeting.Filter{Text: "华润"}))
	if (len(hits) == 1) != want {
		f.t.Fatalf("%s: %s's search found %d", when, a.Username, len(hits))
	}
}

// held runs a meeting of the given level up to distributed minutes (at
// minutesLevel) with one resolution and one started action item owned by
// owner1. The clock ends 50 hours after the meeting ended.
func (f *fixture) held(level, minutesLevel string) (meeting.Detail, meeting.ActionItem) {
	f.t.Helper()
	ctx := context.Background()
	s := f.svc
	start := f.clock.Now().Add(24 * time.Hour)
	d := f.notified(start, level)
	f.clock.Set(start)
	must(s.Start(ctx, f.u("host"), d.ID))
	f.clock.Set(start.Add(90 * time.Minute))
	d = must(s.End(ctx, f.u("host"), d.ID))
	must(s.SaveMinutes(ctx, f.u("recorder"), d.ID, meeting.MinutesInput{
		Topic: "保密项目洽谈纪要", Level: minutesLevel,
		Points:    map[int64]string{d.Agenda[1].ID: "底价不低于每平米 180 元，代号青松计划。"},
		Decisions: []meeting.DecisionInput{{Text: "青松计划按底价 180 元推进"}},
	}))
	tr := must(s.Track(ctx, f.u("host"), d.ID, "page"))
	it := must(s.AddAction(ctx, f.u("recorder"), d.ID, meeting.ActionInput{
		ResolutionID: tr.Resolutions[0].Resolution.ID, Goal: "青松计划报价单", Standard: "报价经总经理确认",
		StartAt: f.clock.Now(), DueAt: f.clock.Now().Add(7 * 24 * time.Hour), OwnerID: f.id("owner1"),
	}))
	must(s.SubmitMinutes(ctx, f.u("recorder"), d.ID))
	must(s.ApproveMinutes(ctx, f.u("host"), d.ID, ""))
	must(s.Distribute(ctx, f.u("host"), d.ID))
	return must(s.Get(ctx, f.u("host"), d.ID)), it
}
