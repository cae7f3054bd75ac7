package task_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
	"jiedai/internal/workday"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

type fixture struct {
	db    *store.DB
	users map[string]access.Actor
	depts map[string]int64
}

func (f *fixture) addUser(t *testing.T, name, dept string, roles ...string) {
	t.Helper()
	ctx := context.Background()
	id, err := store.InsertID(ctx, f.db, `INSERT INTO users (username, password_hash, department_id, created_at, updated_at) VALUES (?, 'x', ?, 0, 0)`, name, store.IDOrNil(f.depts[dept]))
	if err != nil {
		t.Fatalf("add user %s: %v", name, err)
	}
	for _, r := range roles {
		if _, err := f.db.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, id, r); err != nil {
			t.Fatal(err)
		}
	}
	f.users[name] = access.Actor{UserID: id, Username: name, Roles: roles, DepartmentID: f.depts[dept]}
}

// newFixture: the service department (manager "svcboss") with "sam" and
// "sue"; the engineering department with "eng"; "sup" a supervisor,
// "creator" on office staff, "stranger" in no department.
func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, users: map[string]access.Actor{}, depts: map[string]int64{}}
	ctx := context.Background()
	for _, code := range []string{"service", "engineering", "office"} {
		id, err := store.InsertID(ctx, db, `INSERT INTO departments (code, name, created_at) VALUES (?, ?, 0)`, code, code)
		if err != nil {
			t.Fatal(err)
		}
		f.depts[code] = id
	}
	f.addUser(t, "svcboss", "service", access.Manager, access.Service)
	if _, err := db.Exec(ctx, `UPDATE departments SET manager_id = ? WHERE id = ?`, f.users["svcboss"].UserID, f.depts["service"]); err != nil {
		t.Fatal(err)
	}
	f.addUser(t, "sam", "service", access.Service)
	f.addUser(t, "sue", "service", access.Service)
	f.addUser(t, "eng", "engineering", access.Engineering)
	f.addUser(t, "sup", "", access.Supervisor)
	f.addUser(t, "creator", "office", access.Office)
	f.addUser(t, "stranger", "", access.Staff)
	f.addUser(t, "root", "", access.Admin)
	return f
}

func (f *fixture) create(t *testing.T, in task.Input) task.Task {
	t.Helper()
	var out task.Task
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = task.Create(context.Background(), tx, t0, f.users["creator"], in)
		return err
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return out
}

func (f *fixture) do(who string, fn func(ctx context.Context, q store.Querier, now time.Time, a access.Actor) (task.Task, error)) (task.Task, error) {
	var out task.Task
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = fn(context.Background(), tx, t0.Add(time.Hour), f.users[who])
		return err
	})
	return out, err
}

func wantErr(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("error = %v, want %s %s", err, kind, key)
	}
}

func auditActions(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id`, task.AuditEntity, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestCreateValidation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		closed := f.create(t, task.Input{Title: "closed parent", OwnerID: f.users["sam"].UserID, AutoAccept: true})
		if _, err := f.do("sam", func(ctx context.Context, q store.Querier, now time.Time, a access.Actor) (task.Task, error) {
			return task.Submit(ctx, q, now, a, closed.ID, "done")
		}); err != nil {
			t.Fatal(err)
		}
		long := make([]rune, task.MaxTitle+1)
		for i := range long {
			long[i] = '字'
		}
		sam := f.users["sam"].UserID
		tests := []struct {
			name  string
			in    task.Input
			field string
			key   string
		}{
			{"no title", task.Input{Title: "  ", OwnerID: sam}, "title", "err.required"},
			{"long title", task.Input{Title: string(long), OwnerID: sam}, "title", "err.too_long"},
			{"nobody", task.Input{Title: "x"}, "owner_id", "err.task.no_assignee"},
			{"same person", task.Input{Title: "x", OwnerID: sam, AssistantID: sam}, "assistant_id", "err.task.same_person"},
			{"unknown owner", task.Input{Title: "x", OwnerID: 9999}, "owner_id", "err.task.unknown_user"},
			{"unknown assistant", task.Input{Title: "x", OwnerID: sam, AssistantID: 9999}, "assistant_id", "err.task.unknown_user"},
			{"unknown department", task.Input{Title: "x", DepartmentID: 9999}, "department_id", "err.task.unknown_department"},
			{"bad role", task.Input{Title: "x", Role: "wizard"}, "role", "err.unknown_role"},
			{"client role", task.Input{Title: "x", Role: access.Client}, "role", "err.unknown_role"},
			{"entity without id", task.Input{Title: "x", OwnerID: sam, Entity: "booking"}, "entity", "err.invalid"},
			{"bad kind", task.Input{Title: "x", OwnerID: sam, Kind: "Run Sheet"}, "kind", "err.invalid"},
			{"unknown parent", task.Input{Title: "x", OwnerID: sam, ParentID: 9999}, "parent_id", "err.task.unknown_parent"},
			{"closed parent", task.Input{Title: "x", OwnerID: sam, ParentID: closed.ID}, "parent_id", "err.task.parent_closed"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := db.InTx(context.Background(), func(tx *store.Tx) error {
					_, err := task.Create(context.Background(), tx, t0, f.users["creator"], tc.in)
					return err
				})
				var e *errs.Error
				if !errors.As(err, &e) || e.Field != tc.field || e.Key != tc.key {
					t.Fatalf("error = %v, want %s on %s", err, tc.key, tc.field)
				}
			})
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM tasks`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("tasks = %d, %v; want only the closed parent", n, err)
		}
		err := db.InTx(context.Background(), func(tx *store.Tx) error {
			_, err := task.Create(context.Background(), tx, t0, access.Actor{UserID: f.users["sam"].UserID, Roles: []string{access.Client}}, task.Input{Title: "x", OwnerID: sam})
			return err
		})
		wantErr(t, err, errs.Forbidden, "err.forbidden")
	})
}

type step struct {
	who     string
	op      string // progress, submit, accept, sendback, cancel
	arg     string
	n       int
	status  string // expected status after, or "" when refused
	errKind errs.Kind
}

func (f *fixture) run(t *testing.T, id int64, s step) {
	t.Helper()
	got, err := f.do(s.who, func(ctx context.Context, q store.Querier, now time.Time, a access.Actor) (task.Task, error) {
		switch s.op {
		case "progress":
			return task.SetProgress(ctx, q, now, a, id, s.n)
		case "submit":
			return task.Submit(ctx, q, now, a, id, s.arg)
		case "accept":
			return task.Accept(ctx, q, now, a, id)
		case "sendback":
			return task.SendBack(ctx, q, now, a, id, s.arg)
		case "cancel":
			return task.Cancel(ctx, q, now, a, id, s.arg)
		}
		return task.Task{}, fmt.Errorf("unknown op %s", s.op)
	})
	if s.errKind != "" {
		if err == nil || errs.As(err).Kind != s.errKind {
			t.Fatalf("%s %s: error = %v, want %s", s.who, s.op, err, s.errKind)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s %s: %v", s.who, s.op, err)
	}
	if got.Status != s.status {
		t.Fatalf("%s %s: status = %s, want %s", s.who, s.op, got.Status, s.status)
	}
}

func TestStateMachine(t *testing.T) {
	tests := []struct {
		name   string
		in     func(f *fixture) task.Input
		steps  []step
		audit  []string
		result string
	}{
		{
			name: "work, submit, send back, resubmit, accept",
			in: func(f *fixture) task.Input {
				return task.Input{Title: "Set up hall", OwnerID: f.users["sam"].UserID, AssistantID: f.users["sue"].UserID}
			},
			steps: []step{
				{who: "stranger", op: "progress", n: 10, errKind: errs.Forbidden},
				{who: "sam", op: "progress", n: 101, errKind: errs.Invalid},
				{who: "sam", op: "accept", errKind: errs.Forbidden},
				{who: "creator", op: "accept", errKind: errs.Conflict},
				{who: "sue", op: "progress", n: 40, status: task.StatusInProgress},
				{who: "sam", op: "submit", arg: "  ", errKind: errs.Invalid},
				{who: "sam", op: "submit", arg: "chairs ready", status: task.StatusSubmitted},
				{who: "sam", op: "progress", n: 50, errKind: errs.Conflict},
				{who: "sam", op: "accept", errKind: errs.Forbidden}, // owner may not accept own work
				{who: "creator", op: "sendback", arg: "", errKind: errs.Invalid},
				{who: "creator", op: "sendback", arg: "projector missing", status: task.StatusInProgress},
				{who: "sam", op: "submit", arg: "projector added", status: task.StatusSubmitted},
				{who: "svcboss", op: "accept", errKind: errs.Forbidden}, // no queue: the service manager is no reviewer
				{who: "creator", op: "accept", status: task.StatusDone},
			},
			audit:  []string{"create", "progress", "submit", "send_back", "submit", "accept"},
			result: "projector added",
		},
		{
			name: "creator accepts",
			in: func(f *fixture) task.Input {
				return task.Input{Title: "Print badges", OwnerID: f.users["sam"].UserID}
			},
			steps: []step{
				{who: "sam", op: "submit", arg: "printed", status: task.StatusSubmitted},
				{who: "creator", op: "accept", status: task.StatusDone},
				{who: "creator", op: "cancel", errKind: errs.Conflict},
				{who: "sam", op: "progress", n: 10, errKind: errs.Conflict},
			},
			audit:  []string{"create", "submit", "accept"},
			result: "printed",
		},
		{
			name: "department queue: member works, manager reviews",
			in: func(f *fixture) task.Input {
				return task.Input{Title: "Clean room 3", DepartmentID: f.depts["service"]}
			},
			steps: []step{
				{who: "eng", op: "progress", n: 10, errKind: errs.Forbidden},
				{who: "sue", op: "submit", arg: "clean", status: task.StatusSubmitted},
				{who: "svcboss", op: "sendback", arg: "bins not emptied", status: task.StatusInProgress},
				{who: "sue", op: "submit", arg: "bins emptied", status: task.StatusSubmitted},
				{who: "svcboss", op: "accept", status: task.StatusDone},
			},
			audit:  []string{"create", "submit", "send_back", "submit", "accept"},
			result: "bins emptied",
		},
		{
			name: "auto accept and cancel rights",
			in: func(f *fixture) task.Input {
				return task.Input{Title: "Read meter", Role: access.Engineering, AutoAccept: true}
			},
			steps: []step{
				{who: "sam", op: "cancel", arg: "no", errKind: errs.Forbidden},
				{who: "eng", op: "submit", arg: "1234 kWh", status: task.StatusDone},
			},
			audit:  []string{"create", "submit"},
			result: "1234 kWh",
		},
		{
			name: "supervisor cancels",
			in: func(f *fixture) task.Input {
				return task.Input{Title: "Buy flowers", OwnerID: f.users["sam"].UserID}
			},
			steps: []step{
				{who: "sam", op: "cancel", arg: "not needed", errKind: errs.Forbidden},
				{who: "sup", op: "cancel", arg: "visit called off", status: task.StatusCancelled},
				{who: "sam", op: "submit", arg: "bought", errKind: errs.Conflict},
			},
			audit:  []string{"create", "cancel"},
			result: "",
		},
	}
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tk := f.create(t, tc.in(f))
				if tk.Status != task.StatusOpen || tk.CreatedBy != f.users["creator"].UserID {
					t.Fatalf("created = %+v", tk)
				}
				for _, s := range tc.steps {
					f.run(t, tk.ID, s)
				}
				got, err := task.Get(context.Background(), db, tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Result != tc.result {
					t.Errorf("result = %q, want %q", got.Result, tc.result)
				}
				if got.Status == task.StatusDone && (got.Progress != 100 || got.ClosedAt.IsZero()) {
					t.Errorf("done task = %+v", got)
				}
				if a := auditActions(t, db, tk.ID); fmt.Sprint(a) != fmt.Sprint(tc.audit) {
					t.Errorf("audit = %v, want %v", a, tc.audit)
				}
			})
		}
	})
}

func TestAssignAndClaim(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tk := f.create(t, task.Input{Title: "Repair AC", Role: access.Engineering})
		assign := func(who string, owner, assistant int64) (task.Task, error) {
			return f.do(who, func(ctx context.Context, q store.Querier, now time.Time, a access.Actor) (task.Task, error) {
				return task.Assign(ctx, q, now, a, tk.ID, owner, assistant)
			})
		}
		if _, err := assign("sam", f.users["sam"].UserID, 0); err == nil {
			t.Fatal("non-engineer claimed an engineering task")
		}
		if _, err := assign("stranger", f.users["eng"].UserID, 0); err == nil {
			t.Fatal("stranger assigned a task")
		}
		got, err := assign("eng", f.users["eng"].UserID, 0)
		if err != nil || got.OwnerID != f.users["eng"].UserID {
			t.Fatalf("claim = %+v, %v", got, err)
		}
		if _, err := assign("sam", f.users["sam"].UserID, 0); err == nil {
			t.Fatal("claimed an owned task")
		}
		if _, err := assign("sup", f.users["sam"].UserID, f.users["sam"].UserID); err == nil {
			t.Fatal("owner and assistant the same person")
		} else {
			wantErr(t, err, errs.Invalid, "err.task.same_person")
		}
		got, err = assign("sup", f.users["sam"].UserID, f.users["sue"].UserID)
		if err != nil || got.OwnerID != f.users["sam"].UserID || got.AssistantID != f.users["sue"].UserID {
			t.Fatalf("supervisor assign = %+v, %v", got, err)
		}
		due := t0.Add(48 * time.Hour)
		if _, err := f.do("sam", func(ctx context.Context, q store.Querier, now time.Time, a access.Actor) (task.Task, error) {
			return task.Reschedule(ctx, q, now, a, tk.ID, due)
		}); err == nil {
			t.Fatal("owner rescheduled their own deadline")
		}
		got, err = f.do("creator", func(ctx context.Context, q store.Querier, now time.Time, a access.Actor) (task.Task, error) {
			return task.Reschedule(ctx, q, now, a, tk.ID, due)
		})
		if err != nil || !got.DueAt.Equal(due) {
			t.Fatalf("reschedule = %v, %v", got.DueAt, err)
		}
		if a := auditActions(t, db, tk.ID); fmt.Sprint(a) != "[create assign assign reschedule]" {
			t.Fatalf("audit = %v", a)
		}
	})
}

func TestDueForListOverdue(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		mk := func(title string, due time.Time, in task.Input) task.Task {
			in.Title, in.DueAt, in.Entity, in.EntityID = title, due, "booking", 7
			return f.create(t, in)
		}
		sam, sue := f.users["sam"].UserID, f.users["sue"].UserID
		a := mk("a owned late", h(-5), task.Input{OwnerID: sam})
		b := mk("b assisted", h(3), task.Input{OwnerID: sue, AssistantID: sam})
		mk("c dept queue", h(1), task.Input{DepartmentID: f.depts["service"]})
		mk("d role queue", h(2), task.Input{Role: access.Service})
		mk("e sue only", h(1), task.Input{OwnerID: sue})
		mk("f engineering", h(1), task.Input{Role: access.Engineering})
		mk("g far", h(100), task.Input{OwnerID: sam})
		cancelled := mk("h cancelled", h(-1), task.Input{OwnerID: sam})
		if _, err := f.do("creator", func(ctx context.Context, q store.Querier, now time.Time, ac access.Actor) (task.Task, error) {
			return task.Cancel(ctx, q, now, ac, cancelled.ID, "")
		}); err != nil {
			t.Fatal(err)
		}
		mk("i no due", time.Time{}, task.Input{OwnerID: sam})
		sub := mk("j owned submitted", h(-3), task.Input{OwnerID: sam, ParentID: a.ID})
		if _, err := f.do("sam", func(ctx context.Context, q store.Querier, now time.Time, ac access.Actor) (task.Task, error) {
			return task.Submit(ctx, q, now, ac, sub.ID, "ok")
		}); err != nil {
			t.Fatal(err)
		}

		ids := func(ts []task.Task) string {
			var out []string
			for _, t := range ts {
				out = append(out, t.Title[:1])
			}
			return fmt.Sprint(out)
		}
		got, err := task.DueFor(ctx, db, f.users["sam"], h(24))
		if err != nil {
			t.Fatal(err)
		}
		if s := ids(got); s != "[a j c d b]" {
			t.Fatalf("DueFor(sam) = %s", s)
		}
		got, _ = task.DueFor(ctx, db, f.users["sam"], h(200))
		if s := ids(got); s != "[a j c d b g]" {
			t.Fatalf("DueFor(sam, later) = %s", s)
		}
		got, _ = task.DueFor(ctx, db, f.users["eng"], h(24))
		if s := ids(got); s != "[f]" {
			t.Fatalf("DueFor(eng) = %s", s)
		}
		got, _ = task.DueFor(ctx, db, f.users["stranger"], h(24))
		if len(got) != 0 {
			t.Fatalf("DueFor(stranger) = %s", ids(got))
		}

		over, err := task.Overdue(ctx, db, t0)
		if err != nil {
			t.Fatal(err)
		}
		if s := ids(over); s != "[a]" || !over[0].Overdue(t0) || b.Overdue(t0) {
			t.Fatalf("Overdue = %s", s)
		}
		filters := []struct {
			f    task.Filter
			want string
		}{
			{task.Filter{Entity: "booking", EntityID: 7, Status: []string{task.StatusOpen}}, "[a c e f d b g i]"},
			{task.Filter{OwnerID: sam}, "[a j h g i]"},
			{task.Filter{DepartmentID: f.depts["service"]}, "[c]"},
			{task.Filter{Role: access.Service}, "[d]"},
			{task.Filter{ParentID: a.ID}, "[j]"},
			{task.Filter{DueBefore: h(2)}, "[a j h c e f]"},
			{task.Filter{Status: []string{task.StatusSubmitted, task.StatusCancelled}}, "[j h]"},
			{task.Filter{Overdue: true, Now: h(2), OwnerID: sam}, "[a]"},
			{task.Filter{Entity: "booking", EntityID: 8}, "[]"},
		}
		for _, tc := range filters {
			got, err := task.List(ctx, db, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if s := ids(got); s != tc.want {
				t.Errorf("List(%+v) = %s, want %s", tc.f, s, tc.want)
			}
		}
		if _, err := task.List(ctx, db, task.Filter{Overdue: true}); err == nil {
			t.Fatal("Overdue without Now accepted")
		}
		rev, _ := task.ToReview(ctx, db, f.users["creator"])
		if s := ids(rev); s != "[j]" {
			t.Fatalf("ToReview = %s", s)
		}
	})
}

func TestDue(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	cal, err := workday.New(sh, nil)
	if err != nil {
		t.Fatal(err)
	}
	visit := time.Date(2026, 5, 7, 10, 0, 0, 0, sh) // Thursday after the May Day holiday
	tests := []struct {
		name     string
		anchor   time.Time
		workdays int
		at       string
		want     time.Time
		wantErr  bool
	}{
		{"application T-5 across May Day", visit, -5, "18:00", time.Date(2026, 4, 27, 18, 0, 0, 0, sh), false},
		{"division of labour T-4", visit, -4, "17:30", time.Date(2026, 4, 28, 17, 30, 0, 0, sh), false},
		{"slides T-2", visit, -2, "12:00", time.Date(2026, 4, 30, 12, 0, 0, 0, sh), false},
		{"survey T+1", visit, 1, "12:00", time.Date(2026, 5, 8, 12, 0, 0, 0, sh), false},
		{"T+2 on the make-up Saturday", visit, 2, "09:00", time.Date(2026, 5, 9, 9, 0, 0, 0, sh), false},
		{"same day, time kept", visit, 0, "", visit, false},
		{"same day at 08:00", visit, 0, "08:00", time.Date(2026, 5, 7, 8, 0, 0, 0, sh), false},
		{"UTC anchor late evening is next local day", time.Date(2026, 5, 6, 20, 0, 0, 0, time.UTC), 1, "09:00", time.Date(2026, 5, 8, 9, 0, 0, 0, sh), false},
		{"bad hour", visit, 1, "25:00", time.Time{}, true},
		{"short form", visit, 1, "9:00", time.Time{}, true},
		{"garbage", visit, 1, "noon", time.Time{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := task.Due(tc.anchor, tc.workdays, tc.at, cal, sh)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Due = %v, want error", got)
				}
				wantErr(t, err, errs.Invalid, "err.task.bad_time_of_day")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Fatalf("Due = %v, want %v (UTC)", got, tc.want.UTC())
			}
		})
	}
	if _, err := task.Due(visit, 1, "", nil, sh); err == nil {
		t.Fatal("nil calendar accepted")
	}
}
