package reception_test

import (
	"testing"
	"time"

	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/wallclock"
	"jiedai/internal/workday"
)

// TestScheduleDaylightSaving: with the site in New York, an arrival or an
// itinerary line at 02:30 on the spring-forward day (2026-03-08) is refused
// on its field, and 10:00 that day is 10:00 on the wall clock.
func TestScheduleDaylightSaving(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ny := mustLoc("America/New_York")
		f := newFixture(t, db, time.Date(2026, 2, 2, 15, 0, 0, 0, time.UTC))
		cal, err := workday.New(ny, nil)
		if err != nil {
			t.Fatal(err)
		}
		f.svc = reception.New(db, f.clk, cal, ny)
		app := f.application("2026-03-08")
		app.ArrivalTime = "02:30"
		_, err = f.svc.Create(f.ctx, f.u["xiaoming"], app)
		if fe := fieldErrs(err); fe["arrival_time"] != wallclock.KeyNoSuchTime {
			t.Fatalf("arrival at 02:30 on the change day: %v", err)
		}
		app.ArrivalTime = "10:00"
		r, err := f.svc.Create(f.ctx, f.u["xiaoming"], app)
		f.must(err)
		if got := r.ArrivalAt(ny).UTC(); !got.Equal(time.Date(2026, 3, 8, 14, 0, 0, 0, time.UTC)) {
			t.Errorf("arrival 10:00 EDT at %s UTC", got)
		}
		r = f.planning("2026-03-08")
		err = f.svc.AddItinerary(f.ctx, f.u["wang"], r.ID, reception.ItineraryInput{Kind: "tour", Date: "2026-03-08", Start: "02:30", End: "04:00"})
		if fe := fieldErrs(err); fe["start"] != wallclock.KeyNoSuchTime {
			t.Fatalf("itinerary at 02:30 on the change day: %v", err)
		}
		f.must(f.svc.AddItinerary(f.ctx, f.u["wang"], r.ID, reception.ItineraryInput{Kind: "tour", Date: "2026-03-08", Start: "10:00", End: "11:00"}))
		its, err := f.svc.Itinerary(f.ctx, f.u["wang"], r.ID)
		f.must(err)
		found := false
		for _, it := range its {
			found = found || (it.Kind == "tour" && it.StartsAt.UTC().Equal(time.Date(2026, 3, 8, 14, 0, 0, 0, time.UTC)))
		}
		if !found {
			t.Fatalf("10:00 tour not at 14:00 UTC: %+v", its)
		}
	})
}
