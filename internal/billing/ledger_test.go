package billing_test

import (
	"context"
	"testing"

	"jiedai/internal/billing"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestPaymentsAllocateAndDeriveStatus: a payment may cover part of one
// charge and all of another; the rest is credit on the account; the
// charge's status follows the allocations; nothing can be over-allocated.
func TestPaymentsAllocateAndDeriveStatus(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		c1 := e.post(t, billing.ChargeInput{Source: billing.SourceManual, Description: "复印", UnitFen: 50, QtyMilli: 200000}) // 200 pages × ¥0.50
		c2 := e.post(t, billing.ChargeInput{Source: billing.SourceKeyFee, SourceID: 9, Description: "配钥匙", UnitFen: 3000})
		if c1.AmountFen != 10000 || c1.Status != billing.ChargeOpen {
			t.Fatalf("charge = %+v", c1)
		}
		p, err := e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c1.AccountID, AmountFen: 20000, Method: "cash",
			Shares: []billing.Share{{ChargeID: c1.ID, AmountFen: 4000}, {ChargeID: c2.ID, AmountFen: 3000}}, Receipt: true})
		if err != nil {
			t.Fatal(err)
		}
		if p.UnallocFen != 13000 || p.ReceiptNo != "SJ-2026-000001" {
			t.Fatalf("payment = %+v", p)
		}
		if c := e.charge(t, c1.ID); c.Status != billing.ChargePartlyPaid || c.PaidFen != 4000 || c.Outstanding() != 6000 {
			t.Fatalf("c1 = %+v", c)
		}
		if c := e.charge(t, c2.ID); c.Status != billing.ChargePaid {
			t.Fatalf("c2 = %+v", c)
		}
		// Over-allocating the charge, or beyond the payment, is refused and writes nothing.
		before := count(t, db, `SELECT COUNT(*) FROM billing_payments`)
		_, err = e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c1.AccountID, AmountFen: 9000, Method: "cash",
			Shares: []billing.Share{{ChargeID: c1.ID, AmountFen: 9000}}})
		wantErr(t, err, errs.Invalid, "err.billing.over_outstanding")
		_, err = e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c1.AccountID, AmountFen: 100, Method: "cash",
			Shares: []billing.Share{{ChargeID: c1.ID, AmountFen: 200}}})
		wantErr(t, err, errs.Invalid, "err.billing.over_payment")
		_, err = e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c1.AccountID, AmountFen: 100, Method: "bitcoin"})
		wantErr(t, err, errs.Invalid, "err.billing.method")
		if n := count(t, db, `SELECT COUNT(*) FROM billing_payments`); n != before {
			t.Fatalf("refused payments wrote %d rows", n-before)
		}
		// The credit on the account settles the rest later.
		if _, err := e.svc.AllocatePayment(ctx, e.finance, p.ID, billing.Share{ChargeID: c1.ID, AmountFen: 6000}); err != nil {
			t.Fatal(err)
		}
		if c := e.charge(t, c1.ID); c.Status != billing.ChargePaid {
			t.Fatalf("c1 after allocation = %+v", c)
		}
		b, err := billing.AccountBalance(ctx, db, c1.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if b != (billing.Balance{ChargedFen: 13000, PaidFen: 13000, CreditFen: 7000}) {
			t.Fatalf("balance = %+v", b)
		}
	})
}

// TestPaymentIsReversedNeverEdited: a wrong payment is reversed by a new,
// negated entry; the original stays as it was, its receipt is voided and
// keeps its number, and the right payment is entered afresh.
func TestPaymentIsReversedNeverEdited(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		c := e.post(t, billing.ChargeInput{Source: billing.SourceManual, Description: "传真", AmountFen: 5000})
		p, err := e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c.AccountID, AmountFen: 5000, Method: "card", Reference: "1234",
			Shares: []billing.Share{{ChargeID: c.ID, AmountFen: 5000}}, Receipt: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.ReversePayment(ctx, e.finance, p.ID, " ")
		wantErr(t, err, errs.Invalid, "err.required")
		_, err = e.svc.ReversePayment(ctx, e.client, p.ID, "误录")
		wantErr(t, err, errs.Forbidden, "")
		_, err = e.svc.ReversePayment(ctx, e.other, p.ID, "误录")
		wantErr(t, err, errs.NotFound, "")
		r, err := e.svc.ReversePayment(ctx, e.finance, p.ID, "刷错卡")
		if err != nil {
			t.Fatal(err)
		}
		if r.AmountFen != -5000 || r.ReversesID != p.ID || r.Reason != "刷错卡" {
			t.Fatalf("reversal = %+v", r)
		}
		orig, err := e.svc.Payment(ctx, e.finance, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if orig.AmountFen != 5000 || orig.Method != "card" || orig.ReversedByID != r.ID || orig.ReceiptID != 0 {
			t.Fatalf("original after reversal = %+v", orig)
		}
		if got := e.charge(t, c.ID); got.Status != billing.ChargeOpen || got.PaidFen != 0 {
			t.Fatalf("charge after reversal = %+v", got)
		}
		rc, err := e.svc.Receipts(ctx, e.finance, c.AccountID)
		if err != nil || len(rc) != 1 || !rc[0].Voided || rc[0].Number != "SJ-2026-000001" || rc[0].VoidReason != "刷错卡" {
			t.Fatalf("receipts = %+v (%v)", rc, err)
		}
		_, err = e.svc.ReversePayment(ctx, e.finance, p.ID, "again")
		wantErr(t, err, errs.Conflict, "err.billing.already_reversed")
		_, err = e.svc.ReversePayment(ctx, e.finance, r.ID, "undo")
		wantErr(t, err, errs.Conflict, "err.billing.reverse_reversal")
		// Re-entered correctly: a new receipt number, no gap, no reuse.
		p2, err := e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c.AccountID, AmountFen: 5000, Method: "cash",
			Shares: []billing.Share{{ChargeID: c.ID, AmountFen: 5000}}, Receipt: true})
		if err != nil {
			t.Fatal(err)
		}
		if p2.ReceiptNo != "SJ-2026-000002" || e.charge(t, c.ID).Status != billing.ChargePaid {
			t.Fatalf("re-entered = %+v", p2)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action = 'reverse'`, billing.AuditPayment, p.ID); n != 1 {
			t.Fatalf("reverse audited %d times", n)
		}
	})
}

// TestOfficeRecordsOnlyVenueBookings: office takes payments for venue
// bookings only; clients read only their own organisation's account.
func TestOfficeRecordsOnlyVenueBookings(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		bk := e.post(t, billing.ChargeInput{Source: billing.SourceBooking, SourceID: 41, Description: "年会 · 多功能厅", AmountFen: 180000})
		key := e.post(t, billing.ChargeInput{Source: billing.SourceKeyFee, SourceID: 3, Description: "配钥匙", AmountFen: 3000})
		_, err := e.svc.RecordPayment(ctx, e.office, billing.PaymentInput{AccountID: key.AccountID, AmountFen: 3000, Method: "cash",
			Shares: []billing.Share{{ChargeID: key.ID, AmountFen: 3000}}})
		wantErr(t, err, errs.Invalid, "err.billing.office_bookings")
		_, err = e.svc.RecordPayment(ctx, e.office, billing.PaymentInput{AccountID: bk.AccountID, AmountFen: 200000, Method: "transfer",
			Shares: []billing.Share{{ChargeID: bk.ID, AmountFen: 180000}}})
		wantErr(t, err, errs.Invalid, "err.billing.office_bookings")
		if _, err := e.svc.RecordPayment(ctx, e.office, billing.PaymentInput{AccountID: bk.AccountID, AmountFen: 180000, Method: "transfer",
			Shares: []billing.Share{{ChargeID: bk.ID, AmountFen: 180000}}}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.RecordPayment(ctx, e.staff, billing.PaymentInput{AccountID: bk.AccountID, AmountFen: 1, Method: "cash"})
		wantErr(t, err, errs.Forbidden, "")
		if _, err := e.svc.Account(ctx, e.client, bk.AccountID); err != nil {
			t.Fatalf("client reads own account: %v", err)
		}
		_, err = e.svc.Account(ctx, e.other, bk.AccountID)
		wantErr(t, err, errs.NotFound, "")
		_, err = e.svc.Charges(ctx, e.other, billing.ChargeFilter{AccountID: bk.AccountID})
		wantErr(t, err, errs.NotFound, "")
		ps, err := e.svc.Payments(ctx, e.client, bk.AccountID)
		if err != nil || len(ps) != 1 || ps[0].ReceivedBy != "" {
			t.Fatalf("client's view of payments = %+v (%v)", ps, err)
		}
		_, _, err = e.svc.Accounts(ctx, e.client, billing.AccountFilter{})
		wantErr(t, err, errs.Forbidden, "")
	})
}

// TestPostChargeIsIdempotentAndNeverBelowPaid: a source posting again
// updates its one charge; it cannot go below what is paid on it.
func TestPostChargeIsIdempotentAndNeverBelowPaid(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		in := billing.ChargeInput{Party: billing.Party{OrgID: e.org}, Source: billing.SourceManagementFee, SourceID: 5, Period: "2026-03", Description: "管理费 2026-03", UnitFen: 1500, QtyMilli: 120500, DueOn: "2026-03-31"}
		c := e.post(t, in)
		if c.AmountFen != 180750 { // 120.5 m² × ¥15.00
			t.Fatalf("amount = %d", c.AmountFen)
		}
		in.UnitFen = 1600
		c2 := e.post(t, in)
		if c2.ID != c.ID || c2.AmountFen != 192800 {
			t.Fatalf("repost = %+v", c2)
		}
		if _, err := e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c.AccountID, AmountFen: 100000, Method: "transfer",
			Shares: []billing.Share{{ChargeID: c.ID, AmountFen: 100000}}}); err != nil {
			t.Fatal(err)
		}
		in.UnitFen, in.QtyMilli = 500, 1000
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := billing.PostCharge(ctx, tx, e.clk.Now(), e.finance, in)
			return err
		})
		wantErr(t, err, errs.Invalid, "err.billing.below_paid")
		in.Period = "2026-04"
		if c3 := e.post(t, in); c3.ID == c.ID {
			t.Fatal("another period reused the charge")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM billing_accounts WHERE org_id = ?`, e.org); n != 1 {
			t.Fatalf("organisation has %d accounts", n)
		}
	})
}

// TestCreditCancelsOnlyInFull: credits (kept by the credits of this
// package) reduce a charge; it is cancelled when credited in full.
func TestCreditCancelsOnlyInFull(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		c := e.post(t, billing.ChargeInput{Source: billing.SourceCompensation, SourceID: 2, Description: "门锁损坏赔偿", AmountFen: 20000})
		credit := func(fen int64) (billing.Charge, error) {
			var out billing.Charge
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				out, err = billing.AllocateCredit(ctx, tx, e.clk.Now(), e.finance, c.ID, 77, fen)
				return err
			})
			return out, err
		}
		got, err := credit(5000)
		if err != nil || got.Status != billing.ChargeOpen || got.Outstanding() != 15000 {
			t.Fatalf("after partial credit: %+v (%v)", got, err)
		}
		_, err = credit(20000)
		wantErr(t, err, errs.Invalid, "err.billing.over_outstanding")
		if got, err = credit(15000); err != nil || got.Status != billing.ChargeCancelled {
			t.Fatalf("after full credit: %+v (%v)", got, err)
		}
		_, err = e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c.AccountID, AmountFen: 100, Method: "cash",
			Shares: []billing.Share{{ChargeID: c.ID, AmountFen: 100}}})
		wantErr(t, err, errs.Invalid, "err.billing.charge_cancelled")
	})
}
