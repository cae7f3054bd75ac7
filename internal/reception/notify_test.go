package reception_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"jiedai/internal/approval"
	"jiedai/internal/jobs"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

type note struct {
	to  []int64
	key string
}

// People hear about their cases, and a duty still open at its deadline is
// flagged to the supervisors exactly once by a durable job.
func TestNotificationsAndOverdueJob(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 2, 24, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u
		var notes []note
		svc.Notify = func(ctx context.Context, q store.Querier, now time.Time, ids []int64, key string, args map[string]any, link string) error {
			notes = append(notes, note{ids, key})
			return nil
		}
		sent := func(key string, who int64) bool {
			for _, n := range notes {
				if n.key == key && slices.Contains(n.to, who) {
					return true
				}
			}
			return false
		}
		r, err := svc.Create(ctx, u["xiaoming"], f.application("2026-03-02"))
		f.must(err)
		_, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		f.must(err)
		if !sent("reception.msg.review", u["boss"].UserID) {
			t.Fatalf("department head not told: %+v", notes)
		}
		_, err = svc.Decide(ctx, u["boss"], r.ID, approval.Approve, "")
		f.must(err)
		if !sent("reception.msg.approved", u["xiaoming"].UserID) || !sent("reception.msg.approved", u["wang"].UserID) {
			t.Fatalf("applicant and office not told: %+v", notes)
		}
		ds, _ := svc.Duties(ctx, u["wang"], r.ID)
		var first reception.Duty
		for _, d := range ds {
			if d.Offset == -4 && d.Task.OwnerID == 0 {
				first = d
			}
		}
		f.must(svc.AssignDuty(ctx, u["wang"], first.ID, u["zhao"].UserID, 0, first.Offset, first.At))
		if !sent("reception.msg.duty_assigned", u["zhao"].UserID) {
			t.Fatalf("owner not told: %+v", notes)
		}

		runner := jobs.NewRunner(db, f.clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
		svc.RegisterJobs(runner)
		// T-4 of 2026-03-02 is Wednesday 2026-02-25 18:00.
		f.clk.Set(at(2026, 2, 25, 17, 59))
		if _, err := runner.RunDue(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if sent("reception.msg.duty_overdue", u["li"].UserID) {
			t.Fatal("flagged before the deadline")
		}
		f.clk.Set(at(2026, 2, 25, 18, 1))
		if _, err := runner.RunDue(ctx, 100); err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, n := range notes {
			if n.key == "reception.msg.duty_overdue" {
				count++
				if !slices.Contains(n.to, u["li"].UserID) {
					t.Errorf("overdue note not to the supervisor: %+v", n)
				}
			}
		}
		if count != 2 { // both T-4 lines are open
			t.Fatalf("overdue notes after the deadline: %d", count)
		}
		if n, _ := runner.RunDue(ctx, 100); n != 0 {
			t.Fatalf("a job ran twice")
		}
		over, err := svc.OverdueDuties(ctx, u["li"])
		if err != nil || len(over) != 2 {
			t.Fatalf("overdue duties: %d %v", len(over), err)
		}
	})
}
