package reception_test

import (
	"testing"

	"jiedai/internal/approval"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
)

// TestSaveDutyRow: one save of a row assigns the owner, moves the deadline
// and records the progress together; a row refused in part (a bad time)
// saves nothing; the owner saves progress and completion from the same row
// but cannot reassign it.
func TestSaveDutyRow(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 2, 24, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u
		r, err := svc.Create(ctx, u["xiaoming"], f.application("2026-03-02"))
		f.must(err)
		_, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		f.must(err)
		_, err = svc.Decide(ctx, u["boss"], r.ID, approval.Approve, "")
		f.must(err)
		ds, err := svc.Duties(ctx, u["wang"], r.ID)
		f.must(err)
		d := ds[0]
		reload := func() reception.Duty {
			ds, err := svc.Duties(ctx, u["wang"], r.ID)
			f.must(err)
			for _, x := range ds {
				if x.ID == d.ID {
					return x
				}
			}
			t.Fatal("duty gone")
			return reception.Duty{}
		}
		bad := reception.DutyRow{Assign: true, OwnerID: u["zhao"].UserID, Offset: d.Offset, At: "25:99", Progress: 50}
		if err := svc.SaveDuty(ctx, u["wang"], d.ID, bad); err == nil {
			t.Fatal("a bad time was saved")
		}
		if got := reload(); got.Task.OwnerID != 0 || got.Task.Progress != 0 {
			t.Fatalf("a refused row was half-saved: owner %d, progress %d", got.Task.OwnerID, got.Task.Progress)
		}
		good := reception.DutyRow{Assign: true, OwnerID: u["chen"].UserID, AssistantID: u["zhao"].UserID, Offset: d.Offset - 1, At: "10:00", Progress: 25}
		f.must(svc.SaveDuty(ctx, u["wang"], d.ID, good))
		got := reload()
		if got.Task.OwnerID != u["chen"].UserID || got.Task.AssistantID != u["zhao"].UserID || got.Offset != d.Offset-1 || got.At != "10:00" || got.Task.Progress != 25 {
			t.Fatalf("row saved as %+v", got)
		}
		// The owner may not reassign the row, but finishes it from it.
		if err := svc.SaveDuty(ctx, u["chen"], d.ID, reception.DutyRow{Assign: true, OwnerID: u["chen"].UserID, Offset: d.Offset, At: "10:00", Progress: -1}); err == nil {
			t.Error("the owner reassigned the duty")
		}
		f.must(svc.SaveDuty(ctx, u["chen"], d.ID, reception.DutyRow{Progress: -1, Done: true, Result: "已与客户确认"}))
		if got := reload(); got.Task.Status != task.StatusSubmitted && got.Task.Status != task.StatusDone {
			t.Errorf("after done the duty is %s", got.Task.Status)
		}
	})
}
