package booking_test

import (
	"context"
	"testing"

	"jiedai/internal/billing"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestPaidHasOneSource (BIL-15): a booking's paid amount is what the
// billing ledger holds against its charge. Settling posts the charge in
// the same transaction; a payment reversed in the ledger makes the
// statement unpaid again; settling twice keeps one charge.
func TestPaidHasOneSource(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-02", "10:00", "12:00")
		r.Purpose, r.ClientName, r.UnderContract, r.Approve = "client", "王先生", true, true
		b := e.mustCreate(t, e.office, r)
		e.clk.Set(e.at("2026-03-02", "12:00"))
		if _, err := e.svc.Complete(ctx, e.office, b.ID); err != nil {
			t.Fatal(err)
		}
		st, err := e.svc.Settle(ctx, e.office, b.ID, booking.SettleInput{PaidFen: 20000, PayMethod: "cash"})
		if err != nil {
			t.Fatal(err)
		}
		if st.TotalFen != 60000 || st.PaidFen != 20000 || st.Paid() || st.PayMethod != "cash" || st.ChargeID == 0 {
			t.Fatalf("statement after a part payment: %+v", st)
		}
		led := billing.New(db, e.clk, e.loc)
		c, err := led.Charge(ctx, e.office, st.ChargeID)
		if err != nil || c.Status != billing.ChargePartlyPaid || c.AmountFen != 60000 || c.Source != billing.SourceBooking || c.SourceID != b.ID {
			t.Fatalf("charge = %+v (%v)", c, err)
		}
		acc, err := led.Account(ctx, e.office, c.AccountID)
		if err != nil || acc.Kind != billing.AccountWalkIn || acc.Name != "王先生" {
			t.Fatalf("walk-in account = %+v (%v)", acc, err)
		}
		// The rest is paid in the ledger: the statement sees it.
		p, err := led.RecordPayment(ctx, e.office, billing.PaymentInput{AccountID: c.AccountID, AmountFen: 40000, Method: "card", Reference: "8812",
			Shares: []billing.Share{{ChargeID: c.ID, AmountFen: 40000}}})
		if err != nil {
			t.Fatal(err)
		}
		if st, _ = e.svc.Statement(ctx, e.office, b.ID); !st.Paid() || st.PaidFen != 60000 || st.PayMethod != "card" {
			t.Fatalf("statement after paying in the ledger: %+v", st)
		}
		// Reversed in the ledger: unpaid again, nothing stored elsewhere to disagree.
		if _, err := led.ReversePayment(ctx, e.office, p.ID, "刷卡失败"); err != nil {
			t.Fatal(err)
		}
		if st, _ = e.svc.Statement(ctx, e.office, b.ID); st.Paid() || st.PaidFen != 20000 || st.PayMethod != "cash" {
			t.Fatalf("statement after the reversal: %+v", st)
		}
		// Settling again updates the one charge; below what is paid is refused.
		in := booking.SettleInput{DiscountFen: 50000, DiscountReason: "场地故障"}
		if _, err := e.svc.Settle(ctx, e.office, b.ID, in); errs.As(err).Key != "err.billing.below_paid" {
			t.Fatalf("settling below the paid amount: %v", err)
		}
		in.DiscountFen = 10000
		if st, err = e.svc.Settle(ctx, e.office, b.ID, in); err != nil || st.TotalFen != 50000 || st.PaidFen != 20000 {
			t.Fatalf("re-settled: %+v (%v)", st, err)
		}
		var charges int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM billing_charges WHERE source = 'booking' AND source_id = ?`, b.ID).Scan(&charges); err != nil || charges != 1 {
			t.Fatalf("charges of the booking = %d (%v)", charges, err)
		}
		// Office may not put more on a booking than it owes (no account credit from office).
		if _, err := e.svc.Settle(ctx, e.office, b.ID, booking.SettleInput{DiscountFen: 10000, DiscountReason: "场地故障", PaidFen: 40000, PayMethod: "cash"}); errs.As(err).Key != "err.billing.over_outstanding" {
			t.Fatalf("office overpaying: %v", err)
		}
	})
}
