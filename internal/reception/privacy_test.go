package reception_test

import (
	"testing"

	"jiedai/internal/approval"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// caseIn makes a case for a visit on date (at least five working days
// ahead) and brings it to the status: planning, ready, ongoing or wrapup.
func (f *fixture) caseIn(date, status string) reception.Reception {
	f.t.Helper()
	ctx, svc, u := f.ctx, f.svc, f.u
	r, err := svc.Create(ctx, u["xiaoming"], f.application(date))
	f.must(err)
	_, err = svc.Submit(ctx, u["xiaoming"], r.ID)
	f.must(err)
	r, err = svc.Decide(ctx, u["boss"], r.ID, approval.Approve, "")
	f.must(err)
	if r.Status != reception.StatusPlanning {
		f.t.Fatalf("case %d: %s after approval", r.ID, r.Status)
	}
	steps := []struct {
		to string
		do func() (reception.Reception, error)
	}{
		{reception.StatusPlanReview, func() (reception.Reception, error) {
			ds, err := svc.Duties(ctx, u["wang"], r.ID)
			f.must(err)
			for _, d := range ds {
				f.must(svc.AssignDuty(ctx, u["wang"], d.ID, u["zhao"].UserID, 0, d.Offset, d.At))
			}
			return svc.SubmitPlan(ctx, u["wang"], r.ID)
		}},
		{reception.StatusReady, func() (reception.Reception, error) { return svc.Decide(ctx, u["liu"], r.ID, approval.Approve, "") }},
		{reception.StatusOngoing, func() (reception.Reception, error) { return svc.Start(ctx, u["wang"], r.ID) }},
		{reception.StatusWrapUp, func() (reception.Reception, error) { return svc.Finish(ctx, u["wang"], r.ID) }},
	}
	for _, st := range steps {
		if r.Status == status {
			break
		}
		r, err = st.do()
		f.must(err)
		if r.Status != st.to {
			f.t.Fatalf("case %d: %s, want %s", r.ID, r.Status, st.to)
		}
	}
	return r
}

// TestIDNumberRetention: an ID number can no longer be added once the
// visit is over, and the purge erases every ID number past retention, also
// of a case it purged before.
func TestIDNumberRetention(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 3, 2, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u
		r := f.caseIn("2026-03-10", reception.StatusReady)
		g, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "周敏", IDNumber: "330106198803150018"})
		f.must(err)
		// A second case is never started: its visit date passes all the same.
		idle := f.caseIn("2026-03-11", reception.StatusReady)
		_, err = svc.AddGuest(ctx, u["wang"], idle.ID, reception.GuestInput{Name: "孙悦", IDNumber: "330106198803150018"})
		f.must(err)
		f.clk.Set(at(2026, 3, 10, 9, 0))
		_, err = svc.SignIn(ctx, u["chen"], g.ID, reception.GuestInput{})
		f.must(err)
		_, err = svc.Finish(ctx, u["wang"], r.ID)
		f.must(err)

		// The visit is over: no new ID number, by adding or editing a guest.
		if _, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "钱进", IDNumber: "11010519491231002X"}); fieldErrs(err)["id_number"] != "err.privacy.id_after_visit" {
			t.Fatalf("adding a guest's ID number after the visit: %v", err)
		}
		if err := svc.UpdateGuest(ctx, u["wang"], g.ID, reception.GuestInput{Name: "周敏", IDNumber: "11010519491231002X"}); fieldErrs(err)["id_number"] != "err.privacy.id_after_visit" {
			t.Fatalf("changing a guest's ID number after the visit: %v", err)
		}
		// Editing other details keeps the number on file.
		f.must(svc.UpdateGuest(ctx, u["wang"], g.ID, reception.GuestInput{Name: "周敏", Title: "经理"}))
		_, err = svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "钱进"})
		f.must(err)

		// Past retention the number is erased; one written later (here
		// straight into the table, as an older version allowed) is erased
		// by the next run although the case is marked purged.
		f.clk.Set(at(2026, 4, 20, 9, 0))
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 2 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if _, err := db.Exec(ctx, `UPDATE reception_guests SET id_number = '11010519491231002X' WHERE id = ?`, g.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 1 {
			t.Fatalf("second purge: %d %v", n, err)
		}
		var left int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM reception_guests WHERE id_number <> ''`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Fatalf("%d ID numbers kept past retention", left)
		}
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 0 {
			t.Fatalf("nothing left to purge: %d %v", n, err)
		}
	})
}
