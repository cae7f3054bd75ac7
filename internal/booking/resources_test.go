package booking_test

import (
	"context"
	"testing"

	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// TestNonMeetingResources books a temporary office and the service lift
// through the same engine: no overlap, the lift has no layouts, and
// a resource that is not client-bookable is refused to client users.
func TestNonMeetingResources(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		in := venue.Defaults()
		in.Name, in.Code, in.Kind, in.Capacity, in.ClientBookable = "B 座货梯", "LIFT", venue.KindServiceLift, 6, false
		in.Capacities = venue.Capacities{Theatre: 10}
		if _, err := e.venues.Create(ctx, e.office, in); errs.As(err).Field != "cap_theatre" {
			t.Fatalf("lift with a seating layout: %v", err)
		}
		in.Capacities = venue.Capacities{}
		lift := mustVenue(t, e, in)
		if lift.Seated() {
			t.Fatal("a lift is seated")
		}
		office := venue.Defaults()
		office.Name, office.Code, office.Kind, office.Capacity = "临时办公室 1206", "TO1", venue.KindOffice, 4
		office.Rates.Client = venue.Rate{Hour: 8000, HalfDay: 26000, FullDay: 45000}
		to := mustVenue(t, e, office)

		move := e.req("2026-03-03", "19:00", "21:00")
		move.VenueID, move.Title, move.Headcount = lift.ID, "入驻搬运", 4
		move.Layout = venue.LayoutTheatre
		if _, err := e.svc.Create(ctx, e.office, move); errs.As(err).Field != "layout" {
			t.Fatalf("lift booked with a layout: %v", err)
		}
		move.Layout = ""
		e.mustCreate(t, e.office, move)
		clash := move
		clash.Start, clash.End = e.at("2026-03-03", "20:00"), e.at("2026-03-03", "20:30")
		if _, err := e.svc.Create(ctx, e.office, clash); kindOf(err) != errs.Conflict {
			t.Fatalf("overlapping move: %v", err)
		}
		if _, err := e.svc.Create(ctx, e.client, move); err == nil {
			t.Fatal("a client user booked the lift")
		}
		if n := countActive(t, db, lift.ID); n != 1 {
			t.Fatalf("%d active lift bookings", n)
		}

		rent := e.req("2026-03-04", "09:00", "13:00")
		rent.VenueID, rent.Title, rent.Headcount = to.ID, "短期驻场办公", 2
		e.mustCreate(t, e.office, rent)
		rent.Start, rent.End = e.at("2026-03-04", "12:00"), e.at("2026-03-04", "15:00")
		if _, err := e.svc.Create(ctx, e.office, rent); kindOf(err) != errs.Conflict {
			t.Fatalf("overlapping office rental: %v", err)
		}
	})
}
