package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/jobs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

func effects(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `CREATE TABLE IF NOT EXISTS job_effects (id `+map[store.Dialect]string{store.SQLite: "INTEGER PRIMARY KEY AUTOINCREMENT", store.Postgres: "BIGSERIAL PRIMARY KEY"}[db.Dialect()]+`, job_key TEXT NOT NULL, runner TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func schedule(t *testing.T, db *store.DB, kind, key string, due time.Time, payload any) {
	t.Helper()
	if err := jobs.Schedule(context.Background(), db, kind, key, due, payload); err != nil {
		t.Fatal(err)
	}
}

func insertEffect(runner string) jobs.Handler {
	return func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
		_, err := tx.Exec(ctx, `INSERT INTO job_effects (job_key, runner) VALUES (?, ?)`, j.Key, runner)
		return err
	}
}

// TestRaceExactlyOnce has two database handles on one database, two
// goroutines each, racing over 200 due jobs: every job's effect happens once.
func TestRaceExactlyOnce(t *testing.T) {
	for _, kind := range storetest.TestDSNs() {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.TestDSN(t, kind)
			var dbs [2]*store.DB
			for i := range dbs {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs[i] = db
			}
			effects(t, dbs[0])
			clk := clock.NewFake(t0)
			const n = 200
			err := dbs[0].InTx(ctx, func(tx *store.Tx) error {
				for i := 0; i < n; i++ {
					if err := jobs.Schedule(ctx, tx, "test.effect", fmt.Sprintf("job-%03d", i), t0.Add(-time.Duration(i)*time.Second), map[string]int{"i": i}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var handled atomic.Int64
			errc := make(chan error, 4)
			for i := 0; i < 4; i++ {
				r := jobs.NewRunner(dbs[i%2], clk, nil)
				r.ID = fmt.Sprintf("runner-%d", i)
				r.Register("test.effect", insertEffect(r.ID))
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						got, err := r.RunDue(ctx, 7)
						if err != nil {
							errc <- err
							return
						}
						handled.Add(int64(got))
						if got == 0 {
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatalf("RunDue: %v", err)
			}
			db := dbs[1]
			if got := count(t, db, `SELECT COUNT(*) FROM job_effects`); got != n {
				t.Fatalf("effect rows = %d, want %d", got, n)
			}
			if got := count(t, db, `SELECT COUNT(DISTINCT job_key) FROM job_effects`); got != n {
				t.Fatalf("distinct jobs with effects = %d, want %d", got, n)
			}
			if got := count(t, db, `SELECT COUNT(*) FROM jobs WHERE done_at IS NOT NULL AND attempts = 1 AND last_error = ''`); got != n {
				t.Fatalf("jobs done once = %d, want %d", got, n)
			}
			if handled.Load() != n {
				t.Fatalf("handled = %d, want %d", handled.Load(), n)
			}
			if got := count(t, db, `SELECT COUNT(*) FROM jobs j JOIN job_effects e ON e.job_key = j.key AND e.runner = j.locked_by`); got != n {
				t.Fatalf("jobs whose locked_by names the runner that ran them = %d", got)
			}
		})
	}
}

func TestRetryWithBackoff(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		effects(t, db)
		clk := clock.NewFake(t0)
		r := jobs.NewRunner(db, clk, nil)
		var calls atomic.Int32
		r.Register("flaky", func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
			if err := insertEffect("r")(ctx, tx, j); err != nil {
				return err
			}
			if calls.Add(1) <= 2 {
				return errors.New("remote down")
			}
			return nil
		})
		schedule(t, db, "flaky", "k", t0, nil)
		steps := []struct {
			advance  time.Duration
			handled  int
			attempts int
			due      time.Time
			done     bool
		}{
			{0, 1, 1, t0.Add(30 * time.Second), false},
			{10 * time.Second, 0, 1, t0.Add(30 * time.Second), false},
			{20 * time.Second, 1, 2, t0.Add(90 * time.Second), false},
			{59 * time.Second, 0, 2, t0.Add(90 * time.Second), false},
			{1 * time.Second, 1, 3, t0.Add(90 * time.Second), true},
			{time.Hour, 0, 3, t0.Add(90 * time.Second), true},
		}
		for i, s := range steps {
			clk.Advance(s.advance)
			n, err := r.RunDue(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			j, err := jobs.Get(ctx, db, "flaky", "k")
			if err != nil {
				t.Fatal(err)
			}
			if n != s.handled || j.Attempts != s.attempts || !j.DueAt.Equal(s.due) || j.DoneAt.IsZero() == s.done {
				t.Fatalf("step %d: handled %d, job %+v; want handled %d attempts %d due %v done %v", i, n, j, s.handled, s.attempts, s.due, s.done)
			}
			if !s.done && j.LastError != "remote down" {
				t.Fatalf("step %d: last_error = %q", i, j.LastError)
			}
			if s.done && (j.LastError != "" || !j.FailedAt.IsZero()) {
				t.Fatalf("step %d: done job = %+v", i, j)
			}
		}
		if got := count(t, db, `SELECT COUNT(*) FROM job_effects`); got != 1 {
			t.Fatalf("effects = %d: failed attempts were not rolled back", got)
		}
	})
}

func TestGiveUpAndRetry(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		effects(t, db)
		clk := clock.NewFake(t0)
		r := jobs.NewRunner(db, clk, nil)
		r.MaxAttempts = 3
		r.Backoff = func(n int) time.Duration { return time.Duration(n) * time.Minute }
		broken := atomic.Bool{}
		broken.Store(true)
		r.Register("fragile", func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
			if broken.Load() {
				panic("nil map")
			}
			return insertEffect("r")(ctx, tx, j)
		})
		schedule(t, db, "fragile", "x", t0, nil)
		for i := 0; i < 3; i++ {
			if n, err := r.RunDue(ctx, 10); err != nil || n != 1 {
				t.Fatalf("attempt %d: handled %d, %v", i+1, n, err)
			}
			clk.Advance(time.Hour)
		}
		j, _ := jobs.Get(ctx, db, "fragile", "x")
		if j.FailedAt.IsZero() || j.Attempts != 3 || !strings.Contains(j.LastError, "panic: nil map") {
			t.Fatalf("job after 3 failures = %+v", j)
		}
		if n, _ := r.RunDue(ctx, 10); n != 0 {
			t.Fatal("a failed job ran again")
		}
		admin := access.Actor{UserID: 0, Username: "root", Roles: []string{access.Admin}}
		staff := access.Actor{UserID: 5, Roles: []string{access.Staff}}
		if _, err := jobs.Failed(ctx, db, staff, 10); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("staff listed failed jobs: %v", err)
		}
		failed, err := jobs.Failed(ctx, db, admin, 10)
		if err != nil || len(failed) != 1 || failed[0].Key != "x" {
			t.Fatalf("Failed = %+v, %v", failed, err)
		}
		if err := jobs.Retry(ctx, db, clk.Now(), staff, j.ID); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("staff retried: %v", err)
		}
		broken.Store(false)
		if err := jobs.Retry(ctx, db, clk.Now(), admin, j.ID); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Retry(ctx, db, clk.Now(), admin, j.ID); errs.As(err).Key != "err.jobs.not_failed" {
			t.Fatalf("retry of a pending job: %v", err)
		}
		if err := jobs.Retry(ctx, db, clk.Now(), admin, 999); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("retry of a missing job: %v", err)
		}
		if n, err := r.RunDue(ctx, 10); err != nil || n != 1 {
			t.Fatalf("after retry: handled %d, %v", n, err)
		}
		j, _ = jobs.Get(ctx, db, "fragile", "x")
		if j.DoneAt.IsZero() || j.Attempts != 1 || count(t, db, `SELECT COUNT(*) FROM job_effects`) != 1 {
			t.Fatalf("job after retry = %+v", j)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action = 'retry'`, jobs.AuditEntity, j.ID); got != 1 {
			t.Fatalf("retry audit rows = %d", got)
		}
	})
}

func TestScheduleIdempotent(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		effects(t, db)
		clk := clock.NewFake(t0)
		r := jobs.NewRunner(db, clk, nil)
		var payloads []string
		r.Register("remind", func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
			var p struct{ Booking int }
			if err := j.Decode(&p); err != nil {
				return err
			}
			payloads = append(payloads, fmt.Sprint(p.Booking))
			return insertEffect("r")(ctx, tx, j)
		})
		schedule(t, db, "remind", "booking:1", t0, map[string]int{"Booking": 1})
		schedule(t, db, "remind", "booking:1", t0.Add(-time.Hour), map[string]int{"Booking": 2})
		schedule(t, db, "other", "booking:1", t0, nil) // same key, other kind: a separate job
		if got := count(t, db, `SELECT COUNT(*) FROM jobs`); got != 2 {
			t.Fatalf("jobs = %d, want 2", got)
		}
		if n, _ := r.RunDue(ctx, 10); n != 1 {
			t.Fatalf("handled %d, want 1 (the unregistered kind stays)", n)
		}
		schedule(t, db, "remind", "booking:1", t0, map[string]int{"Booking": 3})
		if n, _ := r.RunDue(ctx, 10); n != 0 {
			t.Fatal("a done job ran again after Schedule")
		}
		if fmt.Sprint(payloads) != "[1]" {
			t.Fatalf("payloads = %v", payloads)
		}
		// Reschedule re-arms it with the new payload and time.
		if err := jobs.Reschedule(ctx, db, "remind", "booking:1", t0.Add(time.Hour), map[string]int{"Booking": 4}); err != nil {
			t.Fatal(err)
		}
		if n, _ := r.RunDue(ctx, 10); n != 0 {
			t.Fatal("rescheduled job ran early")
		}
		clk.Advance(time.Hour)
		if n, _ := r.RunDue(ctx, 10); n != 1 || fmt.Sprint(payloads) != "[1 4]" {
			t.Fatalf("after reschedule: handled %d, payloads %v", n, payloads)
		}
		// Cancel removes a pending job, not a done one.
		schedule(t, db, "remind", "booking:2", t0.Add(2*time.Hour), map[string]int{"Booking": 5})
		for _, c := range []struct {
			key  string
			want bool
		}{{"booking:2", true}, {"booking:2", false}, {"booking:1", false}} {
			got, err := jobs.Cancel(ctx, db, "remind", c.key)
			if err != nil || got != c.want {
				t.Fatalf("Cancel(%s) = %v, %v; want %v", c.key, got, err, c.want)
			}
		}
		clk.Advance(5 * time.Hour)
		if n, _ := r.RunDue(ctx, 10); n != 0 {
			t.Fatal("cancelled job ran")
		}
		bad := []struct{ kind, key string }{{"", "k"}, {"k", ""}, {" k", "x"}, {"k", strings.Repeat("x", 201)}}
		for _, b := range bad {
			if err := jobs.Schedule(ctx, db, b.kind, b.key, t0, nil); err == nil {
				t.Errorf("Schedule(%q, %q) accepted", b.kind, b.key)
			}
		}
		if err := jobs.Schedule(ctx, db, "k", "x", t0, func() {}); err == nil {
			t.Error("unmarshallable payload accepted")
		}
	})
}

func TestStartLoop(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		effects(t, db)
		clk := clock.NewFake(t0)
		r := jobs.NewRunner(db, clk, nil)
		r.Timeout = 5 * time.Second
		var deadlineLeft atomic.Int64
		r.Register("e", func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
			d, ok := ctx.Deadline()
			if !ok {
				return errors.New("no deadline")
			}
			deadlineLeft.Store(int64(time.Until(d)))
			return insertEffect("loop")(ctx, tx, j)
		})
		ticks := make(chan struct{}, 100)
		r.Tick("count", func(ctx context.Context) error {
			select {
			case ticks <- struct{}{}:
			default:
			}
			return nil
		})
		for i := 0; i < 150; i++ { // more than one batch
			schedule(t, db, "e", fmt.Sprint(i), t0, nil)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Start(ctx, 10*time.Millisecond); close(done) }()
		<-ticks
		if got := count(t, db, `SELECT COUNT(*) FROM job_effects`); got != 150 {
			t.Fatalf("effects after first round = %d", got)
		}
		schedule(t, db, "e", "later", t0.Add(time.Minute), nil)
		clk.Advance(time.Minute)
		deadline := time.After(10 * time.Second)
		for count(t, db, `SELECT COUNT(*) FROM job_effects`) != 151 {
			select {
			case <-deadline:
				t.Fatal("loop did not pick up the new job")
			case <-ticks:
			}
		}
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Start did not return after cancel")
		}
		if left := time.Duration(deadlineLeft.Load()); left <= 0 || left > 5*time.Second {
			t.Fatalf("handler deadline in %v, want within the 5s timeout", left)
		}
	})
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, 64 * time.Minute}, {12, 6 * time.Hour}, {100, 6 * time.Hour}}
	for _, tc := range tests {
		if got := jobs.Backoff(tc.n, 30*time.Second, 6*time.Hour); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}
