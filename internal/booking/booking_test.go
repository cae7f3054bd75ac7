package booking_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/jobs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
	"jiedai/internal/venue"
)

// TestRaceOneWinner races 64 goroutines for overlapping slots of one venue:
// exactly one booking may hold the venue, the others are refused as conflicts.
func TestRaceOneWinner(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const n = 64
		var wg sync.WaitGroup
		results := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := e.req("2026-03-03", "10:00", "11:00")
				r.Start = r.Start.Add(time.Duration(i%4) * 15 * time.Minute) // all overlap 10:45–11:00
				_, results[i] = e.svc.Create(context.Background(), e.staff, r)
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for i, err := range results {
			switch {
			case err == nil:
				ok++
			case kindOf(err) != errs.Conflict:
				t.Errorf("goroutine %d: want conflict, got %v", i, err)
			}
		}
		if ok != 1 {
			t.Errorf("%d bookings succeeded, want exactly 1", ok)
		}
		if got := countActive(t, db, e.room.ID); got != 1 {
			t.Errorf("%d active bookings, want 1", got)
		}
	})
}

// TestDatabaseRefusesOverlap writes an overlapping active row behind the
// service's back: the database itself must refuse it.
func TestDatabaseRefusesOverlap(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		ins := `INSERT INTO bookings (venue_id, title, start_ms, end_ms, block_start, block_end, active, status, created_at, updated_at) VALUES (?, 'x', ?, ?, ?, ?, ?, 'pending', 0, 0)`
		bs, be := store.Ms(b.BlockStart)+60000, store.Ms(b.BlockEnd)+60000
		_, err := db.Exec(context.Background(), ins, e.room.ID, bs, be, bs, be, true)
		if !errorsIsConflict(err) {
			t.Fatalf("overlapping insert: want conflict, got %v", err)
		}
		// An inactive row may overlap, and cannot be re-activated.
		if _, err := db.Exec(context.Background(), ins, e.room.ID, bs, be, bs, be, false); err != nil {
			t.Fatalf("inactive overlapping insert: %v", err)
		}
		_, err = db.Exec(context.Background(), `UPDATE bookings SET active = ? WHERE venue_id = ? AND active = ?`, true, e.room.ID, false)
		if !errorsIsConflict(err) {
			t.Fatalf("re-activating an overlapping row: want conflict, got %v", err)
		}
		// Another venue at the same time is fine.
		if _, err := db.Exec(context.Background(), ins, e.hall.ID, bs, be, bs, be, true); err != nil {
			t.Fatalf("other venue: %v", err)
		}
	})
}

func errorsIsConflict(err error) bool { return errors.Is(store.MapError(err), store.ErrConflict) }

func TestConflictCarriesDetailsAndAlternatives(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		first := e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		tests := []struct {
			name      string
			a         access.Actor
			wantTitle bool
		}{
			{"same requester sees the title", e.staff, true},
			{"other department sees only busy", e.other, false},
			{"office sees the title", e.office, true},
		}
		for _, tc := range tests {
			a := tc.a
			_, err := e.svc.Create(context.Background(), a, e.req("2026-03-03", "10:30", "11:30"))
			if kindOf(err) != errs.Conflict {
				t.Fatalf("%s: want conflict, got %v", tc.name, err)
			}
			r := booking.RefusalOf(err)
			if r == nil || len(r.Conflicts) != 1 || r.Conflicts[0].BookingID != first.ID {
				t.Fatalf("%s: conflicts = %+v", tc.name, r)
			}
			if got := r.Conflicts[0].Title != ""; got != tc.wantTitle {
				t.Errorf("%s: title shown = %v, want %v", tc.name, got, tc.wantTitle)
			}
			var venues, slots int
			for _, alt := range r.Alternatives {
				switch alt.Kind {
				case "venue":
					venues++
					if alt.VenueID == e.room.ID || alt.VenueID == e.small.ID {
						t.Errorf("%s: unsuitable venue offered: %+v", tc.name, alt)
					}
				case "slot":
					slots++
					if alt.VenueID != e.room.ID || alt.End.Sub(alt.Start) != time.Hour {
						t.Errorf("%s: bad slot %+v", tc.name, alt)
					}
					// The slot must really be free: 11:30 is the first start after 10:00–11:00 plus buffers.
					if alt.Start.Before(e.at("2026-03-03", "11:30")) && alt.Start.After(e.at("2026-03-03", "08:30")) {
						t.Errorf("%s: slot %v overlaps the booking and its buffers", tc.name, alt.Start)
					}
				}
			}
			if venues != 1 || slots == 0 {
				t.Errorf("%s: %d venue and %d slot alternatives, want 1 and some", tc.name, venues, slots)
			}
		}
	})
}

// TestAlternativesFitTheMeeting: a request too big for its busy room, or
// needing equipment it lacks, is offered no other time in that room and
// only venues that hold the headcount with the equipment.
func TestAlternativesFitTheMeeting(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-03", "10:00", "11:00")
		r.VenueID, r.Headcount = e.small.ID, 4
		e.mustCreate(t, e.staff, r)
		wants := []booking.Want{
			{VenueID: e.small.ID, Start: e.at("2026-03-03", "10:30"), End: e.at("2026-03-03", "11:30"), Headcount: 30},
			{VenueID: e.small.ID, Start: e.at("2026-03-03", "10:30"), End: e.at("2026-03-03", "11:30"), Headcount: 4, Equipment: []string{"sound"}},
		}
		for _, w := range wants {
			alts, err := e.svc.Alternatives(ctx, e.staff, w)
			if err != nil {
				t.Fatal(err)
			}
			if len(alts) == 0 {
				t.Errorf("%+v: no alternative at all, want the hall", w)
			}
			for _, alt := range alts {
				if alt.VenueID != e.hall.ID {
					t.Errorf("%+v: offered %s (%s), which cannot hold the meeting", w, alt.VenueName, alt.Kind)
				}
			}
		}
	})
}

func TestBuffersAndFit(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		ctx := context.Background()
		tests := []struct {
			name  string
			mod   func(r *booking.Request)
			kind  errs.Kind
			field string
		}{
			{"touching the teardown buffer", func(r *booking.Request) { r.Start, r.End = e.at("2026-03-03", "11:15"), e.at("2026-03-03", "12:00") }, errs.Conflict, ""},
			{"after both buffers", func(r *booking.Request) { r.Start, r.End = e.at("2026-03-03", "11:30"), e.at("2026-03-03", "12:00") }, "", ""},
			{"too many people", func(r *booking.Request) {
				r.Start, r.End, r.Headcount = e.at("2026-03-04", "09:00"), e.at("2026-03-04", "10:00"), 13
			}, errs.Invalid, "headcount"},
			{"missing equipment", func(r *booking.Request) {
				r.Start, r.End, r.Equipment = e.at("2026-03-04", "09:00"), e.at("2026-03-04", "10:00"), []string{"video_conference"}
			}, errs.Invalid, "equipment"},
			{"before opening", func(r *booking.Request) { r.Start, r.End = e.at("2026-03-04", "07:00"), e.at("2026-03-04", "09:00") }, errs.Invalid, "start"},
			{"end before start", func(r *booking.Request) { r.Start, r.End = e.at("2026-03-04", "10:00"), e.at("2026-03-04", "09:00") }, errs.Invalid, "end"},
			{"in the past", func(r *booking.Request) { r.Start, r.End = e.at("2026-03-01", "10:00"), e.at("2026-03-01", "11:00") }, errs.Invalid, "start"},
			{"no title", func(r *booking.Request) {
				r.Start, r.End, r.Title = e.at("2026-03-04", "09:00"), e.at("2026-03-04", "10:00"), " "
			}, errs.Invalid, "title"},
			{"unknown venue", func(r *booking.Request) {
				r.Start, r.End, r.VenueID = e.at("2026-03-04", "09:00"), e.at("2026-03-04", "10:00"), 9999
			}, errs.Invalid, "venue_id"},
			{"unknown equipment", func(r *booking.Request) {
				r.Start, r.End, r.Equipment = e.at("2026-03-04", "09:00"), e.at("2026-03-04", "10:00"), []string{"teleporter"}
			}, errs.Invalid, "equipment"},
			{"client without client", func(r *booking.Request) {
				r.Start, r.End, r.Purpose = e.at("2026-03-04", "09:00"), e.at("2026-03-04", "10:00"), "client"
			}, errs.Invalid, "client_name"},
			{"bump by staff", func(r *booking.Request) {
				r.Start, r.End, r.Priority, r.Bump = e.at("2026-03-04", "09:00"), e.at("2026-03-04", "10:00"), "urgent", true
			}, errs.Invalid, "priority"},
		}
		for _, tc := range tests {
			r := e.req("2026-03-03", "10:00", "11:00")
			tc.mod(&r)
			_, err := e.svc.Create(ctx, e.staff, r)
			if kindOf(err) != tc.kind {
				t.Errorf("%s: kind %q, want %q (%v)", tc.name, kindOf(err), tc.kind, err)
				continue
			}
			if err != nil && errs.As(err).Field != tc.field {
				t.Errorf("%s: field %q, want %q", tc.name, errs.As(err).Field, tc.field)
			}
		}
		// A venue that does not suit still gets alternatives.
		r := e.req("2026-03-04", "09:00", "10:00")
		r.Headcount = 40
		_, err := e.svc.Create(ctx, e.staff, r)
		if rf := booking.RefusalOf(err); rf == nil || len(rf.Alternatives) == 0 || rf.Alternatives[0].VenueID != e.hall.ID {
			t.Errorf("capacity refusal: want the hall as alternative, got %+v", rf)
		}
	})
}

func TestMaintenanceBlocksBooking(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if _, err := e.venues.AddMaintenance(ctx, e.office, e.room.ID, e.at("2026-03-05", "08:00"), e.at("2026-03-05", "12:00"), "投影仪更换"); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Create(ctx, e.staff, e.req("2026-03-05", "10:00", "11:00"))
		r := booking.RefusalOf(err)
		if kindOf(err) != errs.Conflict || r == nil || len(r.Conflicts) != 1 || r.Conflicts[0].Kind != "maintenance" {
			t.Fatalf("want maintenance conflict, got %v %+v", err, r)
		}
		e.mustCreate(t, e.staff, e.req("2026-03-05", "13:00", "14:00"))
		if _, err := e.venues.AddMaintenance(ctx, e.staff, e.room.ID, e.at("2026-03-05", "08:00"), e.at("2026-03-05", "12:00"), "x"); kindOf(err) != errs.Forbidden {
			t.Errorf("staff adding maintenance: %v", err)
		}
	})
}

func TestInternalApprovalConfirms(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		b := e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		if b.Status != booking.StatusPending || !b.Active {
			t.Fatalf("new booking: %s active=%v", b.Status, b.Active)
		}
		if _, err := e.svc.Approve(ctx, e.staff, b.ID, ""); kindOf(err) != errs.Forbidden {
			t.Errorf("staff approving: %v", err)
		}
		if _, err := e.svc.Reject(ctx, e.office, b.ID, ""); kindOf(err) != errs.Invalid {
			t.Errorf("reject without reason: %v", err)
		}
		waiting, err := approval.WaitingFor(ctx, db, e.office)
		if err != nil || len(waiting) != 1 || waiting[0].EntityID != b.ID || waiting[0].Entity != "booking" {
			t.Fatalf("office's approval queue: %v %+v", err, waiting)
		}
		b, err = e.svc.Approve(ctx, e.office, b.ID, "")
		if err != nil || b.Status != booking.StatusConfirmed || !b.ReplyBy.IsZero() {
			t.Fatalf("approve internal: %v %s", err, b.Status)
		}
		if b, err = e.svc.Confirm(ctx, e.staff, b.ID, ""); err != nil || b.Status != booking.StatusConfirmed {
			t.Errorf("confirming a confirmed booking should change nothing: %v %s", err, b.Status)
		}
		if _, err := e.svc.Approve(ctx, e.office, b.ID, ""); kindOf(err) != errs.Conflict {
			t.Errorf("approving twice: %v", err)
		}
		if waiting, _ := approval.WaitingFor(ctx, db, e.office); len(waiting) != 0 {
			t.Errorf("still in the approval queue: %+v", waiting)
		}
		if c, err := approval.Get(ctx, db, "booking", b.ID); err != nil || c.Status != approval.StatusApproved {
			t.Errorf("review chain: %v %s", err, c.Status)
		}
		if !slices.Contains(e.notes, "booking.msg.confirmed") {
			t.Errorf("requester not told: %v", e.notes)
		}
	})
}

// TestForfeit: a client booking accepted on Monday 09:00 must be confirmed
// within 2 working days; otherwise it is forfeited and the slot released.
func TestForfeit(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-10", "14:00", "16:00")
		r.Purpose, r.ClientName, r.ContactName = "client", "华信科技有限公司", "张伟"
		b := e.mustCreate(t, e.office, r)
		b, err := e.svc.Approve(ctx, e.office, b.ID, "")
		if err != nil || b.Status != booking.StatusApproved {
			t.Fatalf("approve: %v %s", err, b.Status)
		}
		if want := e.at("2026-03-04", "18:00"); !b.ReplyBy.Equal(want) {
			t.Fatalf("reply by %v, want %v", b.ReplyBy.In(e.loc), want)
		}
		if b.QuoteFen == 0 {
			t.Errorf("client booking has no quote")
		}
		// Not yet due.
		e.clk.Set(e.at("2026-03-04", "17:59"))
		if res, err := e.svc.SweepDue(ctx, e.clk.Now()); err != nil || res.Forfeited != 0 {
			t.Fatalf("early sweep: %+v %v", res, err)
		}
		// Due: the durable job forfeits it.
		e.clk.Set(e.at("2026-03-04", "18:00"))
		runner := jobs.NewRunner(db, e.clk, nil)
		e.svc.RegisterJobs(runner)
		if n, err := runner.RunDue(ctx, 10); err != nil || n != 1 {
			t.Fatalf("run due jobs: %d %v", n, err)
		}
		b, _ = e.svc.Get(ctx, e.office, b.ID)
		if b.Status != booking.StatusForfeited || b.Active {
			t.Fatalf("after deadline: %s active=%v", b.Status, b.Active)
		}
		if _, err := e.svc.Confirm(ctx, e.office, b.ID, "phone"); kindOf(err) != errs.Conflict {
			t.Errorf("confirming a forfeited booking: %v", err)
		}
		if !slices.Contains(e.notes, "booking.msg.forfeited") {
			t.Errorf("owners not told: %v", e.notes)
		}
		e.mustCreate(t, e.staff, e.req("2026-03-10", "14:00", "16:00"))
	})
}

func TestReplyByNeverLaterThan24hBefore(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-03", "14:00", "15:00") // tomorrow
		r.Purpose, r.ClientName = "client", "远景资本"
		r.Approve = true
		b := e.mustCreate(t, e.office, r)
		if want := e.at("2026-03-02", "14:00"); b.Status != booking.StatusApproved || !b.ReplyBy.Equal(want) {
			t.Fatalf("reply by %v (%s), want %v", b.ReplyBy.In(e.loc), b.Status, want)
		}
		_, err := e.svc.Confirm(ctx, e.client, b.ID, "")
		if kindOf(err) != errs.NotFound {
			t.Errorf("client of another organisation: %v", err)
		}
		b, err = e.svc.ConfirmByToken(ctx, confirmToken(t, db, b.ID))
		if err != nil || b.Status != booking.StatusConfirmed || b.ConfirmedVia != "link" {
			t.Fatalf("confirm by link: %v %s", err, b.Status)
		}
	})
}

func confirmToken(t *testing.T, db *store.DB, id int64) string {
	var tok string
	if err := db.QueryRow(context.Background(), `SELECT confirm_token FROM bookings WHERE id = ?`, id).Scan(&tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestNoShowAndCheckIn(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-02", "10:00", "11:00")
		r.Approve = true
		a := e.mustCreate(t, e.office, r)
		r = e.req("2026-03-02", "14:00", "15:00")
		r.Approve = true
		b := e.mustCreate(t, e.office, r)
		if a.NoShowMin != 15 {
			t.Fatalf("no-show minutes %d", a.NoShowMin)
		}
		if _, err := e.svc.CheckIn(ctx, e.staff, b.ID); kindOf(err) != errs.Conflict {
			t.Errorf("check-in hours early: %v", err)
		}
		e.clk.Set(e.at("2026-03-02", "13:45"))
		if b2, err := e.svc.CheckIn(ctx, e.staff, b.ID); err != nil || b2.Status != booking.StatusInUse {
			t.Fatalf("check-in 15 min early: %v", err)
		}
		res, err := e.svc.SweepDue(ctx, e.clk.Now())
		if err != nil || res.NoShows != 1 {
			t.Fatalf("sweep: %+v %v", res, err)
		}
		a, _ = e.svc.Get(ctx, e.office, a.ID)
		if a.Status != booking.StatusNoShow || a.Active {
			t.Errorf("unused morning booking: %s active=%v", a.Status, a.Active)
		}
		// Finishing early releases the rest of the slot.
		e.clk.Set(e.at("2026-03-02", "14:20"))
		if b, err = e.svc.Complete(ctx, e.office, b.ID); err != nil || b.Status != booking.StatusCompleted {
			t.Fatalf("complete: %v", err)
		}
		e.mustCreate(t, e.staff, e.req("2026-03-02", "14:50", "15:30"))
	})
}

func TestBump(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		low := e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		r := e.req("2026-03-03", "10:00", "12:00")
		r.Title, r.Priority, r.Bump = "董事会临时会议", "urgent", true
		hi := e.mustCreate(t, e.office, r)
		low, _ = e.svc.Get(ctx, e.office, low.ID)
		if low.Status != booking.StatusBumped || low.Active || low.BumpedBy != hi.ID {
			t.Fatalf("displaced booking: %s active=%v by=%d", low.Status, low.Active, low.BumpedBy)
		}
		if !slices.Contains(e.notes, "booking.msg.bumped_alts") { // the hall is free at that time: an alternative
			t.Errorf("owner not told: %v", e.notes)
		}
		r.Priority, r.Title = "important", "不能顶替更高级别"
		if _, err := e.svc.Create(ctx, e.office, r); kindOf(err) != errs.Conflict {
			t.Errorf("important over urgent: %v", err)
		}
		if got := countActive(t, db, e.room.ID); got != 1 {
			t.Errorf("%d active", got)
		}
	})
}

// TestRunSheet: confirming a client booking generates the departments'
// duties with the seed's offsets (会议前2天, 会议前1天: calendar days, so a
// Monday meeting is prepared on the weekend; T-1 hour).
func TestRunSheet(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-09", "14:00", "16:00") // Monday
		r.Purpose, r.ClientName, r.UnderContract = "client", "华信科技有限公司", true
		r.Approve = true
		b := e.mustCreate(t, e.office, r)
		if b.Status != booking.StatusConfirmed {
			t.Fatalf("under contract: %s", b.Status)
		}
		tasks, err := e.svc.RunSheet(ctx, e.office, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]time.Time{
			"service 10:00":     e.at("2026-03-07", "10:00"), // T-2 days: Saturday
			"engineering 16:00": e.at("2026-03-08", "16:00"), // T-1 day: Sunday
			"security":          e.at("2026-03-09", "13:00"), // T-1 hour
			"service after":     e.at("2026-03-09", "16:30"),
		}
		found := map[string]bool{}
		for _, tk := range tasks {
			for k, due := range want {
				if tk.DueAt.Equal(due) && tk.Role == roleOf(k) {
					found[k] = true
				}
			}
		}
		if len(tasks) != 10 || len(found) != len(want) {
			t.Fatalf("%d tasks, found %v", len(tasks), found)
		}
		// Security is reminded an hour before its duty (T-1 hour: 13:00), once.
		runner := jobs.NewRunner(db, e.clk, nil)
		e.svc.RegisterJobs(runner)
		e.clk.Set(e.at("2026-03-09", "11:59"))
		e.notes = nil
		if _, err := runner.RunDue(ctx, 100); err != nil {
			t.Fatal(err)
		}
		before := len(e.notes)
		e.clk.Set(e.at("2026-03-09", "12:00"))
		if _, err := runner.RunDue(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if len(e.notes) != before+1 || e.notes[len(e.notes)-1] != "booking.msg.duty_due" {
			t.Errorf("reminders at 12:00: %v (before %d)", e.notes, before)
		}
		if n, _ := runner.RunDue(ctx, 100); n != 0 {
			t.Errorf("a reminder ran twice")
		}
		e.clk.Set(e.at("2026-03-08", "17:01"))
		over, err := task.List(ctx, db, task.Filter{Entity: "booking", EntityID: b.ID, Overdue: true, Now: e.clk.Now()})
		if err != nil || len(over) != 4 {
			t.Errorf("overdue on Sunday evening: %d %v", len(over), err)
		}
		// Cancelling drops the open duties.
		if _, err := e.svc.Cancel(ctx, e.office, b.ID, "客户改期", true); err != nil {
			t.Fatal(err)
		}
		open, _ := task.List(ctx, db, task.Filter{Entity: "booking", EntityID: b.ID, Status: []string{task.StatusOpen}})
		if len(open) != 0 {
			t.Errorf("%d tasks still open after cancel", len(open))
		}
	})
}

// TestRunSheetAfterHoliday: a meeting the day after the National Day
// holiday is set up on the holiday's last days (calendar days), not ten
// days early as a working-day count would put it.
func TestRunSheetAfterHoliday(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.clk.Set(e.at("2026-09-01", "09:00"))
		r := e.req("2026-10-08", "14:00", "16:00") // first working day after 国庆节
		r.Purpose, r.ClientName, r.UnderContract, r.Approve = "client", "华信科技有限公司", true, true
		b := e.mustCreate(t, e.office, r)
		tasks, err := e.svc.RunSheet(context.Background(), e.office, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]time.Time{
			"service 10:00":     e.at("2026-10-06", "10:00"), // 会议前2天
			"service 15:00":     e.at("2026-10-07", "15:00"), // 会议前1天
			"engineering 16:00": e.at("2026-10-07", "16:00"), // 会议前1天
		}
		for _, tk := range tasks {
			for k, due := range want {
				if tk.DueAt.Equal(due) && tk.Role == roleOf(k) {
					delete(want, k)
				}
			}
		}
		if len(want) != 0 {
			t.Errorf("duties not due on the calendar days before the meeting: %v", want)
		}
	})
}

func roleOf(k string) string {
	for _, r := range []string{"service", "engineering", "security"} {
		if len(k) >= len(r) && k[:len(r)] == r {
			return r
		}
	}
	return ""
}

func TestCancelFee(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-03", "08:00", "10:00") // 23 hours ahead: late
		r.Purpose, r.ClientName, r.UnderContract = "client", "远景资本", true
		b := e.mustCreate(t, e.staff, r)
		if b.QuoteFen != 60000 {
			t.Fatalf("quote %d, want 2 h × ¥300", b.QuoteFen)
		}
		if _, err := e.svc.Approve(ctx, e.office, b.ID, ""); err != nil {
			t.Fatal(err)
		}
		b, err := e.svc.Cancel(ctx, e.staff, b.ID, "", false)
		if err != nil || b.CancelFee != 30000 || b.Active {
			t.Fatalf("late cancel: %v fee=%d", err, b.CancelFee)
		}
		if _, err := e.svc.Cancel(ctx, e.office, b.ID, "", false); kindOf(err) != errs.Conflict {
			t.Errorf("cancel twice: %v", err)
		}
	})
}

func TestRoomFee(t *testing.T) {
	v := venue.Venue{Rates: venue.Rates{Client: venue.Rate{Hour: 30000, HalfDay: 100000, FullDay: 180000}}}
	tests := []struct {
		d     time.Duration
		fee   int64
		basis string
	}{
		{time.Hour, 30000, venue.BasisHour},
		{90 * time.Minute, 45000, venue.BasisHour},
		{61 * time.Minute, 45000, venue.BasisHour},
		{4 * time.Hour, 100000, venue.BasisHalfDay},
		{6 * time.Hour, 180000, venue.BasisHour},
		{8 * time.Hour, 180000, venue.BasisFullDay},
		{10 * time.Hour, 240000, venue.BasisFullDayPlus},
	}
	for _, tc := range tests {
		fee, basis := v.RoomFee(venue.TierClient, tc.d)
		if fee != tc.fee || basis != tc.basis {
			t.Errorf("%v: %d %s, want %d %s", tc.d, fee, basis, tc.fee, tc.basis)
		}
	}
}

func TestClientSeesOnlyOwnOrganisation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		mine, err := e.svc.Create(ctx, e.client, booking.Request{VenueID: e.hall.ID, Start: e.at("2026-03-04", "09:00"), End: e.at("2026-03-04", "12:00"), Title: "产品发布会", Headcount: 60})
		if err != nil || mine.OrgID != 7 || mine.Purpose != "client" || mine.Channel != "portal" {
			t.Fatalf("client request: %v %+v", err, mine)
		}
		theirs := e.mustCreate(t, e.staff, e.req("2026-03-04", "09:00", "10:00"))
		list, err := e.svc.List(ctx, e.client, booking.Filter{})
		if err != nil || len(list) != 1 || list[0].ID != mine.ID {
			t.Fatalf("client list: %v %d", err, len(list))
		}
		if _, err := e.svc.Get(ctx, e.client, theirs.ID); kindOf(err) != errs.NotFound {
			t.Errorf("client reading another's booking: %v", err)
		}
		if b, err := e.svc.Get(ctx, e.other, theirs.ID); err != nil || !b.Redacted || b.Title != "" {
			t.Errorf("other department: %v %+v", err, b)
		}
		if _, err := e.svc.Cancel(ctx, e.other, theirs.ID, "", false); kindOf(err) != errs.Forbidden {
			t.Errorf("other department cancelling: %v", err)
		}
	})
}

func TestAvailability(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		free, err := e.svc.Availability(ctx, e.staff, booking.Want{Start: e.at("2026-03-03", "10:30"), End: e.at("2026-03-03", "11:30"), Headcount: 5, Equipment: []string{"projector"}})
		if err != nil || len(free) != 1 || free[0].ID != e.hall.ID {
			t.Fatalf("availability: %v %+v", err, free)
		}
		_, err = e.svc.Availability(ctx, e.staff, booking.Want{Start: e.at("2026-03-03", "10:30"), End: e.at("2026-03-03", "10:00")})
		if kindOf(err) != errs.Invalid {
			t.Errorf("reversed window: %v", err)
		}
	})
}

// TestOrgMustBeRegistered: staff pick a client organisation from the
// register; an unknown or merged one is refused on its field, on create
// and on edit, and nothing is written.
func TestOrgMustBeRegistered(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		org, err := store.InsertID(ctx, db, `INSERT INTO client_orgs (name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?)`, "华东实业", "华东实业", 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		in := e.req("2026-03-04", "09:00", "10:00")
		in.OrgID = org + 100
		if _, err := e.svc.Create(ctx, e.office, in); errs.As(err).Field != "org_id" {
			t.Fatalf("unknown organisation: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM bookings`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d bookings written (%v)", n, err)
		}
		in.OrgID = org
		b, err := e.svc.Create(ctx, e.office, in)
		if err != nil || b.OrgID != org {
			t.Fatalf("registered organisation: %v %+v", err, b)
		}
		survivor, err := store.InsertID(ctx, db, `INSERT INTO client_orgs (name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?)`, "华东实业集团", "华东实业集团", 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE client_orgs SET merged_into = ? WHERE id = ?`, survivor, org); err != nil {
			t.Fatal(err)
		}
		in.Title = "改了标题"
		if _, err := e.svc.Update(ctx, e.office, b.ID, in); err != nil {
			t.Fatalf("edit keeping its (since merged) organisation: %v", err)
		}
		in.OrgID = org + 100
		if _, err := e.svc.Update(ctx, e.office, b.ID, in); errs.As(err).Field != "org_id" {
			t.Fatalf("edit to an unknown organisation: %v", err)
		}
		in.OrgID = survivor
		if b, err = e.svc.Update(ctx, e.office, b.ID, in); err != nil || b.OrgID != survivor {
			t.Fatalf("edit to the surviving organisation: %v %+v", err, b)
		}
	})
}

// TestUndecidedRequestLapses: a request the office has not decided by its
// start can no longer be approved; the sweep lets it go (review closed,
// slot released, requester told), once.
func TestUndecidedRequestLapses(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		b := e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		if b.Status != booking.StatusPending {
			t.Fatalf("status %s", b.Status)
		}
		e.clk.Set(e.at("2026-03-03", "09:59"))
		if res, err := e.svc.SweepDue(ctx, e.clk.Now()); err != nil || res.Lapsed != 0 {
			t.Fatalf("lapsed before its start: %+v %v", res, err)
		}
		e.clk.Set(e.at("2026-03-03", "10:00"))
		if _, err := e.svc.Approve(ctx, e.office, b.ID, ""); errs.As(err).Key != "err.booking_lapsed" {
			t.Fatalf("approved at its start: %v", err)
		}
		e.notes = nil
		res, err := e.svc.SweepDue(ctx, e.clk.Now())
		if err != nil || res.Lapsed != 1 {
			t.Fatalf("sweep at the start: %+v %v", res, err)
		}
		got, err := e.svc.Get(ctx, e.office, b.ID)
		if err != nil || got.Status != booking.StatusLapsed {
			t.Fatalf("after the sweep: %s %v", got.Status, err)
		}
		if len(e.notes) != 1 || e.notes[0] != "booking.msg.lapsed" {
			t.Errorf("requester told: %v", e.notes)
		}
		if ch, err := approval.Get(ctx, db, booking.AuditEntity, b.ID); err != nil || ch.Status == approval.StatusPending {
			t.Errorf("review still open after the lapse: %+v %v", ch, err)
		}
		if res, err := e.svc.SweepDue(ctx, e.clk.Now()); err != nil || res.Lapsed != 0 {
			t.Errorf("lapsed twice: %+v %v", res, err)
		}
		// The slot is free again.
		r := e.req("2026-03-03", "10:30", "11:00")
		r.Approve = true
		e.mustCreate(t, e.office, r)
	})
}

// TestSuggestSlot: the new-booking form offers the next free half hour of
// the day (not 09:00 at five in the afternoon), after the room's bookings
// and buffers, and the next open day once the day is over.
func TestSuggestSlot(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		day := e.at("2026-03-03", "00:00")
		r := e.req("2026-03-03", "17:30", "18:30")
		e.mustCreate(t, e.staff, r)
		for _, c := range []struct {
			now, from string
			venue     int64
		}{
			{"2026-03-02 09:00", "2026-03-03 08:00", e.room.ID}, // the room opens at 08:00
			{"2026-03-03 17:00", "2026-03-03 19:00", e.room.ID}, // 17:30–18:30 taken, buffers 15 min each side
			{"2026-03-03 17:00", "2026-03-03 17:00", 0},
			{"2026-03-03 17:10", "2026-03-04 09:00", 0}, // nothing of an hour left before 18:00
		} {
			e.clk.Set(e.at(c.now[:10], c.now[11:]))
			from, to, err := e.svc.SuggestSlot(ctx, c.venue, day, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if want := e.at(c.from[:10], c.from[11:]); !from.Equal(want) || to.Sub(from) != time.Hour {
				t.Errorf("at %s, venue %d: suggested %s, want %s", c.now, c.venue, from.In(e.loc).Format("01-02 15:04"), c.from)
			}
		}
	})
}
