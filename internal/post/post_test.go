package post_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/auth"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/post"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
)

var sh = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

type env struct {
	db    *store.DB
	clk   *clock.Fake
	posts *post.Service
	auth  *auth.Service
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 2, 10, 9, 0, 0, 0, sh))
	return &env{db: db, clk: clk, posts: post.New(db, clk, sh), auth: auth.New(db, clk)}
}

func (e *env) user(t *testing.T, name string, roles ...string) access.Actor {
	t.Helper()
	u, err := e.auth.Create(context.Background(), access.SystemActor(), auth.UserInput{Username: name, Password: "password-123", Roles: roles})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u.Actor("127.0.0.1")
}

// actor re-reads a user as a request would: with the posts held now.
func (e *env) actor(t *testing.T, a access.Actor) access.Actor {
	t.Helper()
	u, err := e.auth.Get(context.Background(), a.UserID)
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor("127.0.0.1")
}

func (e *env) postID(t *testing.T, code string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM posts WHERE code = ?`, code).Scan(&id); err != nil {
		t.Fatalf("post %s: %v", code, err)
	}
	return id
}

func field(err error) string {
	if err == nil {
		return ""
	}
	return errs.As(err).Field
}

func TestPostsAndHolders(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		admin := e.user(t, "admin", access.Admin)
		office := e.user(t, "office", access.Office)
		li := e.user(t, "lina", access.Service)
		wang := e.user(t, "wang", access.Service)

		// The seeds' posts are there from the start.
		list, err := e.posts.List(ctx, office)
		if err != nil || len(list) < 7 {
			t.Fatalf("seed posts: %d %v", len(list), err)
		}
		if _, err := e.posts.Create(ctx, office, post.Input{Code: "night_guard", Name: "夜班保安"}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("office creates a post: %v", err)
		}
		ng, err := e.posts.Create(ctx, admin, post.Input{Code: "night_guard", Name: "夜班保安", NameHant: "夜班保安", NameEn: "Night guard"})
		if err != nil || ng.Label("en") != "Night guard" {
			t.Fatalf("create post: %+v %v", ng, err)
		}
		if _, err := e.posts.Create(ctx, admin, post.Input{Code: "night_guard", Name: "另一个"}); field(err) != "code" {
			t.Fatalf("duplicate code: %v", err)
		}
		if _, err := e.posts.Create(ctx, admin, post.Input{Code: "Bad Code", Name: ""}); field(err) != "code" {
			t.Fatalf("bad code: %v", err)
		}

		cs := e.postID(t, post.CSSupervisor)
		// 李娜 is 客服主管 for January and February 2026 (days in Shanghai).
		if _, err := e.posts.Assign(ctx, office, cs, post.AssignInput{UserID: li.UserID, From: "2026-01-01"}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("office assigns: %v", err)
		}
		h, err := e.posts.Assign(ctx, admin, cs, post.AssignInput{UserID: li.UserID, From: "2026-01-01", To: "2026-02-28"})
		if err != nil || !h.Current {
			t.Fatalf("assign: %+v %v", h, err)
		}
		for _, c := range []struct {
			at   time.Time
			want bool
		}{
			{time.Date(2025, 12, 31, 23, 59, 0, 0, sh), false},
			{time.Date(2026, 1, 1, 0, 0, 0, 0, sh), true},
			{time.Date(2026, 2, 28, 23, 59, 0, 0, sh), true},
			{time.Date(2026, 3, 1, 0, 0, 0, 0, sh), false},
		} {
			got, err := post.HoldsPost(ctx, db, li.UserID, post.CSSupervisor, c.at)
			if err != nil || got != c.want {
				t.Errorf("HoldsPost at %s = %v (%v), want %v", c.at, got, err, c.want)
			}
		}
		// An overlapping holding of the same post is refused; the next day is fine.
		if _, err := e.posts.Assign(ctx, admin, cs, post.AssignInput{UserID: li.UserID, From: "2026-02-28"}); field(err) != "from" {
			t.Fatalf("overlap: %v", err)
		}
		if _, err := e.posts.Assign(ctx, admin, cs, post.AssignInput{UserID: li.UserID, From: "2026-03-01", To: "2026-02-01"}); field(err) != "to" {
			t.Fatalf("to before from: %v", err)
		}
		if _, err := e.posts.Assign(ctx, admin, cs, post.AssignInput{UserID: li.UserID, From: "2026-13-01"}); field(err) != "from" {
			t.Fatalf("bad date: %v", err)
		}
		later, err := e.posts.Assign(ctx, admin, cs, post.AssignInput{UserID: wang.UserID, From: "2026-03-01"})
		if err != nil || later.Current {
			t.Fatalf("future holding: %+v %v", later, err)
		}
		// Holders at a time route the post's duties.
		if got, _ := post.Holders(ctx, db, post.CSSupervisor, e.clk.Now()); !slices.Equal(got, []int64{li.UserID}) {
			t.Fatalf("holders now: %v", got)
		}
		if got, _ := post.Holders(ctx, db, post.CSSupervisor, time.Date(2026, 3, 2, 9, 0, 0, 0, sh)); !slices.Equal(got, []int64{wang.UserID}) {
			t.Fatalf("holders in March: %v", got)
		}
		// The request's actor carries the posts held now.
		if a := e.actor(t, li); !a.HoldsPost(post.CSSupervisor) || a.HoldsPost(post.Cleaner) {
			t.Fatalf("actor posts: %v", a.Posts)
		}
		if a := e.actor(t, wang); a.HoldsPost(post.CSSupervisor) {
			t.Fatalf("wang holds the post before March: %v", a.Posts)
		}
		// Ending a holding early: not before its first day.
		if _, err := e.posts.End(ctx, admin, h.ID, "2025-12-01"); field(err) != "to" {
			t.Fatalf("end before start: %v", err)
		}
		ended, err := e.posts.End(ctx, admin, h.ID, "2026-02-09")
		if err != nil || ended.Current || ended.To != "2026-02-09" {
			t.Fatalf("end: %+v %v", ended, err)
		}
		mine, err := e.posts.UserPosts(ctx, li, li.UserID)
		if err != nil || len(mine) != 1 || mine[0].PostCode != post.CSSupervisor {
			t.Fatalf("own posts: %+v %v", mine, err)
		}
		var audits int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = ?`, post.EntityHolding).Scan(&audits); err != nil || audits != 3 {
			t.Fatalf("audit rows for holdings: %d %v", audits, err)
		}
		// A post named by a task cannot change its code.
		if _, err := task.Create(ctx, db, e.clk.Now(), admin, task.Input{Title: "夜巡", Post: "night_guard"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.posts.Update(ctx, admin, ng.ID, post.Input{Code: "night_patrol", Name: "夜班保安"}); field(err) != "code" {
			t.Fatalf("rename a post in use: %v", err)
		}
	})
}

func TestApprovalStepAndTaskQueueByPost(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		admin := e.user(t, "admin", access.Admin)
		staff := e.user(t, "zhou", access.Staff)
		deputy := e.user(t, "deputy", access.Leasing)
		other := e.user(t, "other", access.Leasing)
		if _, err := e.posts.Assign(ctx, admin, e.postID(t, post.LeasingDeputy), post.AssignInput{UserID: deputy.UserID, From: "2026-01-01"}); err != nil {
			t.Fatal(err)
		}
		deputy, other = e.actor(t, deputy), e.actor(t, other)
		now := e.clk.Now()

		var chain approval.Chain
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := approval.Start(ctx, tx, now, staff, "contract", 1, "付款通知", "", []approval.StepSpec{{Post: "no_such_post"}}, nil); field(err) != "steps" {
				t.Errorf("unknown post step: %v", err)
			}
			var err error
			chain, err = approval.Start(ctx, tx, now, staff, "contract", 1, "付款通知", "", []approval.StepSpec{{Post: post.LeasingDeputy}, {Role: access.Finance}}, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if s, _ := chain.Current(); s.Kind != approval.KindPost || s.Post != post.LeasingDeputy {
			t.Fatalf("post step: %+v", s)
		}
		if approval.CanDecide(other, chain) || !approval.CanDecide(deputy, chain) {
			t.Fatal("only the post's holder decides its step")
		}
		w, err := approval.WaitingFor(ctx, db, deputy)
		if err != nil || len(w) != 1 || w[0].ChainID != chain.ID {
			t.Fatalf("deputy's approval inbox: %+v %v", w, err)
		}
		if w, _ := approval.WaitingFor(ctx, db, other); len(w) != 0 {
			t.Fatalf("non-holder's inbox: %+v", w)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := approval.Decide(ctx, tx, now, other, chain.ID, approval.Approve, ""); errs.As(err).Kind != errs.Forbidden {
				t.Errorf("non-holder decides: %v", err)
			}
			c, err := approval.Decide(ctx, tx, now, deputy, chain.ID, approval.Approve, "")
			if err == nil && c.CurrentStep != 2 {
				t.Errorf("chain did not advance: %+v", c)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// A task in the post's queue reaches its holder, not others.
		tk, err := task.Create(ctx, db, now, staff, task.Input{Title: "起草付款通知", Post: post.LeasingDeputy, DueAt: now.Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := task.Create(ctx, db, now, staff, task.Input{Title: "x", Post: "nope"}); field(err) != "post" {
			t.Fatalf("unknown post queue: %v", err)
		}
		due, err := task.DueFor(ctx, db, deputy, now.Add(72*time.Hour))
		if err != nil || len(due) != 1 || due[0].ID != tk.ID || due[0].Post != post.LeasingDeputy {
			t.Fatalf("deputy's work: %+v %v", due, err)
		}
		if due, _ := task.DueFor(ctx, db, other, now.Add(72*time.Hour)); len(due) != 0 {
			t.Fatalf("non-holder's work: %+v", due)
		}
		if ok, _ := task.CanWork(ctx, db, deputy, tk); !ok {
			t.Fatal("holder cannot work the post's task")
		}
		if ok, _ := task.CanWork(ctx, db, other, tk); ok {
			t.Fatal("non-holder works the post's task")
		}
	})
}
