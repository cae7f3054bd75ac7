package approval_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

type fixture struct {
	db    *store.DB
	users map[string]access.Actor
	dept  int64
}

// addUser inserts a user with roles in a department and returns its actor.
func (f *fixture) addUser(t *testing.T, name string, dept int64, roles ...string) access.Actor {
	t.Helper()
	ctx := context.Background()
	id, err := store.InsertID(ctx, f.db, `INSERT INTO users (username, display_name, password_hash, department_id, created_at, updated_at) VALUES (?, ?, 'x', ?, 0, 0)`, name, name, store.IDOrNil(dept))
	if err != nil {
		t.Fatalf("add user %s: %v", name, err)
	}
	for _, r := range roles {
		if _, err := f.db.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, id, r); err != nil {
			t.Fatalf("add role: %v", err)
		}
	}
	a := access.Actor{UserID: id, Username: name, Roles: roles, DepartmentID: dept}
	f.users[name] = a
	return a
}

// newFixture makes: a sales department managed by "boss"; requester
// "alice" in it; reviewers for each contract role; "eve" a second auditor.
func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, users: map[string]access.Actor{}}
	ctx := context.Background()
	var err error
	f.dept, err = store.InsertID(ctx, db, `INSERT INTO departments (code, name, created_at) VALUES ('sales', 'Sales', 0)`)
	if err != nil {
		t.Fatal(err)
	}
	boss := f.addUser(t, "boss", f.dept, access.Manager)
	if _, err := db.Exec(ctx, `UPDATE departments SET manager_id = ? WHERE id = ?`, boss.UserID, f.dept); err != nil {
		t.Fatal(err)
	}
	f.addUser(t, "alice", f.dept, access.Staff, access.Audit)
	f.addUser(t, "otherboss", 0, access.Manager)
	f.addUser(t, "aud", 0, access.Audit)
	f.addUser(t, "eve", 0, access.Audit)
	f.addUser(t, "fin", 0, access.Finance)
	f.addUser(t, "law", 0, access.Legal)
	f.addUser(t, "exec", 0, access.Executive)
	f.addUser(t, "root", 0, access.Admin)
	f.addUser(t, "nobody", 0, access.Staff)
	return f
}

func (f *fixture) resolve(ctx context.Context, userID int64) (int64, error) {
	var m int64
	err := f.db.QueryRow(ctx, `SELECT COALESCE(d.manager_id, 0) FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ?`, userID).Scan(&m)
	if store.IsNoRows(err) {
		return 0, nil
	}
	return m, err
}

var contractSteps = []approval.StepSpec{{Manager: true}, {Role: access.Audit}, {Role: access.Finance}, {Role: access.Legal}, {Role: access.Executive}}

func (f *fixture) start(t *testing.T, who string, entityID int64, steps []approval.StepSpec) approval.Chain {
	t.Helper()
	var c approval.Chain
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = approval.Start(context.Background(), tx, t0, f.users[who], "contract", entityID, "Lease 12F", "/contracts/1", steps, f.resolve)
		return err
	})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return c
}

func (f *fixture) decide(who string, chainID int64, action, comment string) (approval.Chain, error) {
	var c approval.Chain
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = approval.Decide(context.Background(), tx, t0.Add(time.Hour), f.users[who], chainID, action, comment)
		return err
	})
	return c, err
}

func auditCount(t *testing.T, db *store.DB, chainID int64, action string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action = ?`, approval.AuditEntity, chainID, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantKind(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want errs.Error %s/%s", err, kind, key)
	}
	if e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("error = %s/%s, want %s/%s", e.Kind, e.Key, kind, key)
	}
}

func TestContractChainRunsInOrder(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.start(t, "alice", 1, contractSteps)
		if c.Status != approval.StatusPending || c.CurrentStep != 1 || len(c.Steps) != 5 {
			t.Fatalf("started chain = %+v", c)
		}
		if s := c.Steps[0]; s.Kind != approval.KindManager || s.UserID != f.users["boss"].UserID {
			t.Fatalf("manager step = %+v, want resolved to boss", s)
		}
		order := []struct {
			who, wrong string
		}{{"boss", "otherboss"}, {"aud", "fin"}, {"fin", "law"}, {"law", "exec"}, {"exec", "nobody"}}
		for i, o := range order {
			if _, err := f.decide(o.wrong, c.ID, approval.Approve, ""); err == nil {
				t.Fatalf("step %d: %s approved out of turn", i+1, o.wrong)
			} else {
				wantKind(t, err, errs.Forbidden, "err.forbidden")
			}
			got, err := f.decide(o.who, c.ID, approval.Approve, "ok")
			if err != nil {
				t.Fatalf("step %d by %s: %v", i+1, o.who, err)
			}
			if i < len(order)-1 && (got.Status != approval.StatusPending || got.CurrentStep != i+2) {
				t.Fatalf("after step %d: status %s step %d", i+1, got.Status, got.CurrentStep)
			}
			if got.Steps[i].Decision != approval.StatusApproved || got.Steps[i].DecidedBy != f.users[o.who].UserID || got.Steps[i].DecidedAt.IsZero() {
				t.Fatalf("step %d record = %+v", i+1, got.Steps[i])
			}
			c = got
		}
		if c.Status != approval.StatusApproved || c.ClosedAt.IsZero() {
			t.Fatalf("final chain = %+v", c)
		}
		if _, err := f.decide("exec", c.ID, approval.Approve, ""); err == nil {
			t.Fatal("decided a closed chain")
		} else {
			wantKind(t, err, errs.Conflict, "err.bad_transition")
		}
		if n := auditCount(t, db, c.ID, "start"); n != 1 {
			t.Fatalf("start audit rows = %d", n)
		}
		if n := auditCount(t, db, c.ID, "approve"); n != 5 {
			t.Fatalf("approve audit rows = %d, want 5", n)
		}
	})
}

func TestDecidePermissions(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		steps := []approval.StepSpec{{Role: access.Audit}, {UserID: 0, Role: access.Finance}}
		tests := []struct {
			name    string
			who     string
			action  string
			comment string
			kind    errs.Kind
			key     string
		}{
			{"requester holding the role", "alice", approval.Approve, "", errs.Forbidden, "err.approval.own_request"},
			{"role not held", "fin", approval.Approve, "", errs.Forbidden, "err.forbidden"},
			{"unknown action", "aud", "maybe", "", errs.Invalid, "err.approval.bad_decision"},
			{"reject without comment", "aud", approval.Reject, "  ", errs.Invalid, "err.approval.comment_required"},
			{"return without comment", "aud", approval.Return, "", errs.Invalid, "err.approval.comment_required"},
			{"system without user", "", approval.Approve, "", errs.Forbidden, "err.forbidden"},
		}
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				c := f.start(t, "alice", int64(100+i), steps)
				_, err := f.decide(tc.who, c.ID, tc.action, tc.comment)
				wantKind(t, err, tc.kind, tc.key)
				got, err := approval.GetByID(context.Background(), db, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != approval.StatusPending || got.CurrentStep != 1 || got.Steps[0].Decision != "" {
					t.Fatalf("refused decision changed the chain: %+v", got)
				}
				if n := auditCount(t, db, c.ID, tc.action); n != 0 {
					t.Fatalf("refused decision wrote %d audit rows", n)
				}
			})
		}
		t.Run("admin may decide own chain and named steps", func(t *testing.T) {
			c := f.start(t, "root", 200, []approval.StepSpec{{UserID: f.users["fin"].UserID}})
			got, err := f.decide("root", c.ID, approval.Approve, "")
			if err != nil || got.Status != approval.StatusApproved {
				t.Fatalf("admin decide = %+v, %v", got.Status, err)
			}
		})
		t.Run("named user step only for that user", func(t *testing.T) {
			c := f.start(t, "alice", 201, []approval.StepSpec{{UserID: f.users["law"].UserID}})
			if _, err := f.decide("exec", c.ID, approval.Approve, ""); err == nil {
				t.Fatal("executive decided a step named for the legal reviewer")
			}
			if _, err := f.decide("law", c.ID, approval.Approve, ""); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestRejectReturnRestart(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.start(t, "alice", 1, []approval.StepSpec{{Role: access.Finance}, {Role: access.Executive}})
		if _, err := f.decide("fin", c.ID, approval.Approve, ""); err != nil {
			t.Fatal(err)
		}
		c, err := f.decide("exec", c.ID, approval.Return, "add the deposit terms")
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != approval.StatusReturned || c.CurrentStep != 2 || c.Steps[1].Comment != "add the deposit terms" {
			t.Fatalf("returned chain = %+v", c)
		}
		if _, err := f.decide("exec", c.ID, approval.Approve, ""); err == nil {
			t.Fatal("approved a returned chain")
		}
		// A second chain for the same record is refused while one is open.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := approval.Start(ctx, tx, t0, f.users["alice"], "contract", 1, "again", "", []approval.StepSpec{{Role: access.Finance}}, nil)
			return err
		})
		wantKind(t, err, errs.Conflict, "err.approval.in_progress")

		restart := func(who string) (approval.Chain, error) {
			var out approval.Chain
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				out, err = approval.Restart(ctx, tx, t0.Add(2*time.Hour), f.users[who], c.ID, "deposit added")
				return err
			})
			return out, err
		}
		if _, err := restart("fin"); err == nil {
			t.Fatal("a reviewer restarted someone else's chain")
		} else {
			wantKind(t, err, errs.Forbidden, "")
		}
		c, err = restart("alice")
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != approval.StatusPending || c.Round != 2 || c.CurrentStep != 1 || len(c.Steps) != 2 || len(c.History) != 2 {
			t.Fatalf("restarted chain = %+v", c)
		}
		if c.Steps[0].Decision != "" || c.History[1].Decision != approval.StatusReturned {
			t.Fatalf("steps %+v history %+v", c.Steps, c.History)
		}
		if _, err := restart("alice"); err == nil {
			t.Fatal("restarted a pending chain")
		} else {
			wantKind(t, err, errs.Conflict, "err.bad_transition")
		}
		if _, err := f.decide("fin", c.ID, approval.Approve, ""); err != nil {
			t.Fatal(err)
		}
		c, err = f.decide("exec", c.ID, approval.Reject, "too expensive")
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != approval.StatusRejected || c.ClosedAt.IsZero() {
			t.Fatalf("rejected chain = %+v", c)
		}
		// Closed: a new chain may start for the record; Get returns the newest.
		n := f.start(t, "alice", 1, []approval.StepSpec{{Role: access.Finance}})
		got, err := approval.Get(ctx, db, "contract", 1)
		if err != nil || got.ID != n.ID {
			t.Fatalf("Get = %d, %v; want newest chain %d", got.ID, err, n.ID)
		}
		if _, err := approval.Get(ctx, db, "contract", 999); !errors.Is(err, store.ErrNotFound) {
			wantKind(t, err, errs.NotFound, "err.not_found")
		}
		for action, want := range map[string]int{"start": 1, "approve": 2, "return": 1, "restart": 1, "reject": 1} {
			if got := auditCount(t, db, c.ID, action); got != want {
				t.Errorf("audit %s rows = %d, want %d", action, got, want)
			}
		}
	})
}

func TestCancel(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.start(t, "alice", 1, []approval.StepSpec{{Role: access.Finance}})
		cancel := func(who string) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := approval.Cancel(ctx, tx, t0, f.users[who], c.ID, "booking withdrawn")
				return err
			})
		}
		if err := cancel("fin"); err == nil {
			t.Fatal("reviewer cancelled the chain")
		}
		if err := cancel("alice"); err != nil {
			t.Fatal(err)
		}
		if err := cancel("alice"); err == nil {
			t.Fatal("cancelled twice")
		}
		got, _ := approval.GetByID(ctx, db, c.ID)
		if got.Status != approval.StatusCancelled {
			t.Fatalf("status = %s", got.Status)
		}
		if w, _ := approval.WaitingFor(ctx, db, f.users["fin"]); len(w) != 0 {
			t.Fatalf("cancelled chain still waiting: %+v", w)
		}
	})
}

func TestManagerFallback(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.addUser(t, "loner", 0, access.Staff)
		tests := []struct {
			who      string
			resolver bool
			wantUser string
			wantRole string
		}{
			{"alice", true, "boss", ""},
			{"alice", false, "", access.Manager},
			{"loner", true, "", access.Manager},
			{"boss", true, "", access.Manager}, // the manager's own request goes to other managers
		}
		for i, tc := range tests {
			t.Run(fmt.Sprintf("%s/resolver=%v", tc.who, tc.resolver), func(t *testing.T) {
				var c approval.Chain
				err := db.InTx(context.Background(), func(tx *store.Tx) error {
					var res func(context.Context, int64) (int64, error)
					if tc.resolver {
						res = f.resolve
					}
					var err error
					c, err = approval.Start(context.Background(), tx, t0, f.users[tc.who], "booking", int64(i+1), "Room", "", []approval.StepSpec{{Manager: true}}, res)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				s := c.Steps[0]
				if s.UserID != f.users[tc.wantUser].UserID || s.Role != tc.wantRole {
					t.Fatalf("step = %+v, want user %q role %q", s, tc.wantUser, tc.wantRole)
				}
				if tc.who == "boss" {
					if _, err := f.decide("boss", c.ID, approval.Approve, ""); err == nil {
						t.Fatal("manager approved own request")
					}
					if _, err := f.decide("otherboss", c.ID, approval.Approve, ""); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
		t.Run("resolver error", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.InTx(context.Background(), func(tx *store.Tx) error {
				_, err := approval.Start(context.Background(), tx, t0, f.users["alice"], "booking", 99, "Room", "", []approval.StepSpec{{Manager: true}},
					func(context.Context, int64) (int64, error) { return 0, boom })
				return err
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v", err)
			}
		})
	})
}

func TestStartValidation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		many := make([]approval.StepSpec, approval.MaxSteps+1)
		for i := range many {
			many[i].Role = access.Finance
		}
		tests := []struct {
			name  string
			who   string
			title string
			steps []approval.StepSpec
			kind  errs.Kind
			key   string
		}{
			{"no steps", "alice", "T", nil, errs.Invalid, "err.approval.no_steps"},
			{"no title", "alice", " ", []approval.StepSpec{{Role: access.Finance}}, errs.Invalid, "err.required"},
			{"unknown role", "alice", "T", []approval.StepSpec{{Role: "wizard"}}, errs.Invalid, "err.approval.step_invalid"},
			{"client role", "alice", "T", []approval.StepSpec{{Role: access.Client}}, errs.Invalid, "err.approval.step_invalid"},
			{"two targets", "alice", "T", []approval.StepSpec{{Role: access.Finance, UserID: 1}}, errs.Invalid, "err.approval.step_invalid"},
			{"empty step", "alice", "T", []approval.StepSpec{{}}, errs.Invalid, "err.approval.step_invalid"},
			{"unknown user", "alice", "T", []approval.StepSpec{{UserID: 9999}}, errs.Invalid, "err.approval.step_user"},
			{"negative user id", "fin", "T", []approval.StepSpec{{Role: access.Audit}, {UserID: -1}}, errs.Invalid, "err.approval.step_invalid"},
			{"too many", "alice", "T", many, errs.Invalid, "err.approval.too_many_steps"},
			{"anonymous", "", "T", []approval.StepSpec{{Role: access.Finance}}, errs.Forbidden, "err.forbidden"},
		}
		tests = append(tests, struct {
			name  string
			who   string
			title string
			steps []approval.StepSpec
			kind  errs.Kind
			key   string
		}{"self as reviewer", "fin", "T", []approval.StepSpec{{Role: access.Audit}, {UserID: f.users["fin"].UserID}}, errs.Invalid, "err.approval.step_self"})
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := db.InTx(context.Background(), func(tx *store.Tx) error {
					_, err := approval.Start(context.Background(), tx, t0, f.users[tc.who], "x", int64(i+1), tc.title, "", tc.steps, f.resolve)
					return err
				})
				wantKind(t, err, tc.kind, tc.key)
			})
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM approval_chains`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("chains after refused starts = %d, %v", n, err)
		}
	})
}

func TestWaitingFor(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.start(t, "alice", 1, []approval.StepSpec{{Role: access.Audit}})
		b := f.start(t, "nobody", 2, []approval.StepSpec{{Role: access.Audit}})
		c := f.start(t, "nobody", 3, []approval.StepSpec{{UserID: f.users["law"].UserID}, {Role: access.Audit}})
		tests := []struct {
			who  string
			want []int64
		}{
			{"aud", []int64{a.ID, b.ID}},
			{"alice", []int64{b.ID}}, // holds audit, but not for her own request
			{"law", []int64{c.ID}},
			{"fin", nil},
			{"root", []int64{a.ID, b.ID, c.ID}},
		}
		for _, tc := range tests {
			got, err := approval.WaitingFor(ctx, db, f.users[tc.who])
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range got {
				ids = append(ids, p.ChainID)
				if p.Title != "Lease 12F" || p.Link != "/contracts/1" || p.Since.IsZero() {
					t.Errorf("pending = %+v", p)
				}
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
				t.Errorf("%s waits for %v, want %v", tc.who, ids, tc.want)
			}
		}
		if _, err := f.decide("law", c.ID, approval.Approve, ""); err != nil {
			t.Fatal(err)
		}
		got, _ := approval.WaitingFor(ctx, db, f.users["law"])
		if len(got) != 0 {
			t.Fatalf("law still waits for %+v", got)
		}
		got, _ = approval.WaitingFor(ctx, db, f.users["eve"])
		if len(got) != 3 || got[2].ChainID != c.ID || got[2].Step.Seq != 2 || !got[2].Since.Equal(t0.Add(time.Hour)) {
			t.Fatalf("eve waits for %+v", got)
		}
	})
}

// TestConcurrentDecisions has two auditors approve the same step at once:
// exactly one decision counts.
func TestConcurrentDecisions(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for round := 0; round < 5; round++ {
			c := f.start(t, "nobody", int64(round+1), []approval.StepSpec{{Role: access.Audit}, {Role: access.Finance}})
			var wg sync.WaitGroup
			errsCh := make(chan error, 2)
			for _, who := range []string{"aud", "eve"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.decide(who, c.ID, approval.Approve, "")
					errsCh <- err
				}()
			}
			wg.Wait()
			close(errsCh)
			ok := 0
			for err := range errsCh {
				if err == nil {
					ok++
				} else if k := errs.As(err).Kind; k != errs.Conflict && k != errs.Forbidden {
					t.Fatalf("unexpected error: %v", err)
				}
			}
			got, _ := approval.GetByID(context.Background(), db, c.ID)
			if ok != 1 || got.CurrentStep != 2 || auditCount(t, db, c.ID, approval.Approve) != 1 {
				t.Fatalf("round %d: %d successes, step %d", round, ok, got.CurrentStep)
			}
		}
	})
}
