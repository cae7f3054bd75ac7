package booking_test

import (
	"context"
	"testing"

	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// TestSettleRefusesOverflow: a line of 2^62 fen × 3 used to store a negative
// total; every product and sum is now bounded by money.Max and refused on
// the field, with nothing written.
func TestSettleRefusesOverflow(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-02", "10:00", "12:00")
		r.Purpose, r.ClientName, r.UnderContract, r.Approve = "client", "华信科技有限公司", true, true
		b := e.mustCreate(t, e.office, r)
		e.clk.Set(e.at("2026-03-02", "12:00"))
		if _, err := e.svc.Complete(ctx, e.office, b.ID); err != nil {
			t.Fatal(err)
		}
		for name, in := range map[string]booking.SettleInput{
			"2^62 × 3":       {Lines: []booking.ActualLine{{Name: "x", Qty: 3, UnitFen: 1 << 62}}},
			"max × 2":        {Lines: []booking.ActualLine{{Name: "x", Qty: 2, UnitFen: money.Max}}},
			"sum beyond max": {Lines: []booking.ActualLine{{Name: "x", Qty: 1, UnitFen: money.Max}, {Name: "y", Qty: 1, UnitFen: money.Max}}},
			"room plus max":  {Lines: []booking.ActualLine{{Name: "x", Qty: 1, UnitFen: money.Max}}},
		} {
			_, err := e.svc.Settle(ctx, e.office, b.ID, in)
			if e := errs.As(err); err == nil || e.Kind != errs.Invalid || e.Field != "lines" || e.Key != "err.input.money_range" {
				t.Errorf("%s: %v", name, err)
			}
		}
		for name, in := range map[string]booking.SettleInput{
			"paid":     {PaidFen: money.Max + 1, PayMethod: "cash"},
			"discount": {DiscountFen: 1 << 62, DiscountReason: "x"},
		} {
			_, err := e.svc.Settle(ctx, e.office, b.ID, in)
			if e := errs.As(err); err == nil || e.Field != name || e.Key != "err.input.money_range" {
				t.Errorf("%s: %v", name, err)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM booking_settlements) + (SELECT COUNT(*) FROM booking_items WHERE phase = 'actual')`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("half-written settlement: %d rows, %v", n, err)
		}
		st, err := e.svc.Settle(ctx, e.office, b.ID, booking.SettleInput{Lines: []booking.ActualLine{{Name: "x", Qty: 1, UnitFen: money.Max - 60000}}})
		if err != nil || st.TotalFen != money.Max {
			t.Fatalf("a total of exactly money.Max: %v %+v", err, st)
		}
	})
}

// TestQuoteRefusesOverflow: add-on prices are bounded, and a quote whose
// lines add up beyond money.Max is refused on "items" with no booking made.
func TestQuoteRefusesOverflow(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if _, err := e.venues.SaveAddon(ctx, e.office, 0, venue.Addon{Code: "gold", Name: "金", Kind: venue.AddonService, Unit: "unit", Client: 1 << 62, Active: true}); errs.As(err).Field != "price_client" {
			t.Errorf("add-on price 2^62: %v", err)
		}
		big, err := e.venues.SaveAddon(ctx, e.office, 0, venue.Addon{Code: "gold", Name: "金", Kind: venue.AddonService, Unit: "unit", Client: money.Max, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		r := e.req("2026-03-03", "10:00", "12:00")
		r.Purpose, r.ClientName, r.RateTier = "client", "华信科技有限公司", venue.TierClient
		r.Items = []booking.ItemInput{{AddonID: big, Qty: 3}}
		_, err = e.svc.Create(ctx, e.office, r)
		if e := errs.As(err); err == nil || e.Field != "items" || e.Key != "err.input.money_range" {
			t.Fatalf("quote of 3 × money.Max: %v", err)
		}
		if n := countActive(t, db, e.room.ID); n != 0 {
			t.Fatalf("%d bookings written", n)
		}
		in := venue.Defaults()
		in.Name, in.Code, in.Capacity = "贵宾厅", "V9", 10
		in.Rates.Client.Hour = venue.MaxRateFen + 1
		if _, err := e.venues.Create(ctx, e.office, in); errs.As(err).Key != "err.input.money_range" {
			t.Errorf("hourly rate beyond the bound: %v", err)
		}
	})
}
