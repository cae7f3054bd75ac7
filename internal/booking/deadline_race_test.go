package booking_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestDeadlineRaceLosesQuietly: two instances' sweeps and jobs may reach
// the same due deadline at once. The one that loses must find nothing to
// do, not fail (which made the job retry and aborted the other sweep).
func TestDeadlineRaceLosesQuietly(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-10", "14:00", "16:00")
		r.Purpose, r.ClientName, r.Approve = "client", "远景资本", true
		b := e.mustCreate(t, e.office, r)
		if b.Status != booking.StatusApproved || b.ReplyBy.IsZero() {
			t.Fatalf("booking is %s, reply by %v", b.Status, b.ReplyBy)
		}
		e.clk.Set(b.ReplyBy.Add(time.Minute))

		// The other instance forfeits the booking in a transaction that is
		// still open while this instance's job reads it.
		held := make(chan struct{})
		release := make(chan struct{})
		otherDone := make(chan error, 1)
		go func() {
			otherDone <- db.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `UPDATE bookings SET status = ?, active = ? WHERE id = ?`, booking.StatusForfeited, false, b.ID); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		type result struct {
			done bool
			err  error
		}
		mine := make(chan result, 1)
		go func() {
			done, err := e.svc.Expire(ctx, access.SystemActor(), b.ID, e.clk.Now())
			mine <- result{done, err}
		}()
		time.Sleep(300 * time.Millisecond) // let Expire reach the locked row
		close(release)
		if err := <-otherDone; err != nil {
			t.Fatalf("other instance: %v", err)
		}
		res := <-mine
		if res.err != nil || res.done {
			t.Fatalf("losing Expire = %v, %v; want false, nil", res.done, res.err)
		}
	})
}

// TestCompleteChecksPermissionFirst: completing a booking one may not
// touch is refused whatever its state, so a client user of another
// organisation learns nothing of it (it answered "wrong state" before).
func TestCompleteChecksPermissionFirst(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.mustCreate(t, e.staff, e.req("2026-03-10", "14:00", "15:00")) // pending
		other := e.client
		if _, err := e.svc.Complete(t.Context(), other, b.ID); kindOf(err) != errs.NotFound {
			t.Errorf("client of another organisation: %v, want not found", err)
		}
		if _, err := e.svc.Complete(t.Context(), e.other, b.ID); kindOf(err) != errs.Forbidden {
			t.Errorf("staff of another department: %v, want forbidden", err)
		}
		if _, err := e.svc.Complete(t.Context(), e.office, b.ID); kindOf(err) != errs.Conflict {
			t.Errorf("office on a pending booking: %v, want conflict", err)
		}
	})
}
