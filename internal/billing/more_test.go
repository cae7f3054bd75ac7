package billing_test

import (
	"context"
	"testing"

	"jiedai/internal/billing"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// publish drafts and publishes a version effective from day with prices.
func (e *env) publish(t *testing.T, day string, prices ...billing.PriceInput) billing.PriceList {
	t.Helper()
	ctx := context.Background()
	l, err := e.svc.CreateDraft(ctx, e.finance, billing.ListInput{Title: "收费标准 " + day, EffectiveFrom: day})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prices {
		if l, err = e.svc.SavePrice(ctx, e.finance, l.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	if l, err = e.svc.Publish(ctx, e.finance, l.ID); err != nil {
		t.Fatal(err)
	}
	return l
}

var keyCut = billing.PriceInput{Section: billing.SectionKeys, Code: "key_cut", NameZh: "配钥匙", NameEn: "Key cutting", Unit: "key", UnitFen: 3000, TaxRateBP: 600, ClientBookable: true}

// TestIssuedChargesKeepTheirPrice: a published version is never edited;
// a new version replaces it from its date on; charges issued under the old
// price keep the unit price they used.
func TestIssuedChargesKeepTheirPrice(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		v1 := e.publish(t, "2026-03-03", keyCut, billing.PriceInput{Section: billing.SectionDeposit, Code: "dep_office", NameZh: "临时办公室押金", Unit: "item", UnitFen: 200000, ClientBookable: true},
			billing.PriceInput{Section: billing.SectionDamage, Code: "door_lock", NameZh: "门锁损坏", Unit: "item", UnitFen: 50000})
		_, err := e.svc.SavePrice(ctx, e.finance, v1.ID, billing.PriceInput{Section: billing.SectionKeys, Code: "key_cut", NameZh: "配钥匙", Unit: "key", UnitFen: 1})
		wantErr(t, err, errs.Conflict, "err.billing.published_frozen")
		acc, err := e.svc.OpenAccount(ctx, e.finance, billing.AccountInput{Kind: billing.AccountIndividual, Name: "李女士"})
		if err != nil {
			t.Fatal(err)
		}
		price := v1.Prices[0]
		for _, p := range v1.Prices {
			if p.Code == "key_cut" {
				price = p
			}
		}
		c, err := e.svc.ChargeFromPrice(ctx, e.finance, billing.PriceChargeInput{AccountID: acc.ID, PriceID: price.ID, QtyMilli: 2000})
		if err != nil {
			t.Fatal(err)
		}
		if c.UnitFen != 3000 || c.AmountFen != 6000 || c.PriceID != price.ID || c.TaxRateBP != 600 {
			t.Fatalf("charge = %+v", c)
		}
		// Publishing into the past, or before the current version, is refused.
		d, err := e.svc.CreateDraft(ctx, e.finance, billing.ListInput{Title: "2026 调价", EffectiveFrom: "2026-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateDraft(ctx, e.finance, billing.ListInput{Title: "second", EffectiveFrom: "2026-05-01"})
		wantErr(t, err, errs.Conflict, "err.billing.draft_exists")
		up := keyCut
		up.UnitFen = 4000
		if d, err = e.svc.SavePrice(ctx, e.finance, d.ID, up); err != nil {
			t.Fatal(err)
		}
		if len(d.Prices) != 3 {
			t.Fatalf("draft copied %d prices, want 3", len(d.Prices))
		}
		_, err = e.svc.Publish(ctx, e.finance, d.ID)
		wantErr(t, err, errs.Invalid, "err.billing.from_past")
		if _, err := e.svc.DeletePrice(ctx, e.finance, d.ID, "nope"); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("delete unknown price: %v", err)
		}
		if _, err := db.Exec(ctx, `UPDATE billing_price_lists SET effective_from = '2026-04-01' WHERE id = ?`, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Publish(ctx, e.finance, d.ID); err != nil {
			t.Fatal(err)
		}
		cur, ok, err := e.svc.Current(ctx, e.client)
		if err != nil || !ok || cur.ID != v1.ID || cur.EffectiveTo != "2026-03-31" {
			t.Fatalf("current before April = %+v %v %v", cur.ID, cur.EffectiveTo, err)
		}
		for _, p := range cur.Prices {
			if p.Code == "door_lock" {
				t.Fatal("a client sees an item that is not client-bookable")
			}
		}
		e.clk.Set(e.at("2026-04-01 09:00"))
		cur, _, err = e.svc.Current(ctx, e.client)
		if err != nil || cur.ID != d.ID {
			t.Fatalf("current in April = %d (%v)", cur.ID, err)
		}
		// The old price no longer bills; the issued charge is unchanged.
		_, err = e.svc.ChargeFromPrice(ctx, e.finance, billing.PriceChargeInput{AccountID: acc.ID, PriceID: price.ID})
		wantErr(t, err, errs.Invalid, "err.billing.price_not_current")
		if got := e.charge(t, c.ID); got.UnitFen != 3000 || got.AmountFen != 6000 {
			t.Fatalf("issued charge changed: %+v", got)
		}
		p2, err := billing.PriceByCode(ctx, db, "key_cut", "2026-04-01")
		if err != nil || p2.UnitFen != 4000 {
			t.Fatalf("new price = %+v (%v)", p2, err)
		}
		_, err = e.svc.CreateDraft(ctx, e.client, billing.ListInput{Title: "x", EffectiveFrom: "2026-05-01"})
		wantErr(t, err, errs.Forbidden, "")
	})
}

// TestDepositIsNeverIncome: a deposit is receipted and held as a
// liability; it counts as paid only once applied to a charge; the rest is
// refunded; it never enters charged or paid totals while held.
func TestDepositIsNeverIncome(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		c := e.post(t, billing.ChargeInput{Source: billing.SourceRental, SourceID: 8, Description: "临时办公室 3 天", AmountFen: 60000})
		d, err := e.svc.TakeDeposit(ctx, e.finance, billing.DepositInput{AccountID: c.AccountID, Purpose: billing.PurposeRental, PurposeID: 8,
			Description: "临时办公室押金", AmountFen: 100000, Method: "cash"})
		if err != nil {
			t.Fatal(err)
		}
		if d.ReceiptNo != "SJ-2026-000001" || d.HeldFen != 100000 {
			t.Fatalf("deposit = %+v", d)
		}
		b, _ := billing.AccountBalance(ctx, db, c.AccountID)
		if b.PaidFen != 0 || b.ChargedFen != 60000 || b.DepositsFen != 100000 || b.CreditFen != 0 {
			t.Fatalf("balance with a deposit held = %+v", b)
		}
		rep, err := e.svc.Receivables(ctx, e.finance, "2026-03", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.PaidFen != 0 || rep.Total.ChargedFen != 60000 || rep.Deposits != 100000 {
			t.Fatalf("report counts the deposit: %+v", rep)
		}
		_, err = e.svc.ApplyDeposit(ctx, e.finance, d.ID, billing.Share{ChargeID: c.ID, AmountFen: 70000})
		wantErr(t, err, errs.Invalid, "err.billing.over_outstanding")
		if d, err = e.svc.ApplyDeposit(ctx, e.finance, d.ID, billing.Share{ChargeID: c.ID, AmountFen: 60000}); err != nil {
			t.Fatal(err)
		}
		if e.charge(t, c.ID).Status != billing.ChargePaid || d.HeldFen != 40000 {
			t.Fatalf("after applying: %+v", d)
		}
		_, err = e.svc.RefundDeposit(ctx, e.finance, d.ID, billing.RefundInput{AmountFen: 50000, Method: "cash"})
		wantErr(t, err, errs.Invalid, "err.billing.over_held")
		if d, err = e.svc.RefundDeposit(ctx, e.finance, d.ID, billing.RefundInput{AmountFen: 40000, Method: "transfer", Reference: "退押金"}); err != nil {
			t.Fatal(err)
		}
		if d.HeldFen != 0 || len(d.Refunds) != 1 {
			t.Fatalf("after refund: %+v", d)
		}
		if held, _ := billing.DepositsHeld(ctx, db); held != 0 {
			t.Fatalf("held = %d", held)
		}
		_, err = e.svc.TakeDeposit(ctx, e.office, billing.DepositInput{AccountID: c.AccountID, Purpose: billing.PurposeRental, AmountFen: 1, Method: "cash"})
		wantErr(t, err, errs.Forbidden, "")
		if n := count(t, db, `SELECT COUNT(*) FROM billing_charges WHERE description LIKE '%押金%'`); n != 0 {
			t.Fatal("a deposit became a charge")
		}
	})
}

// TestReceiptPrintsAndReprints: the first print is the original, every
// later one a reprint (补打), audited; voiding keeps the number.
func TestReceiptPrintsAndReprints(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		c := e.post(t, billing.ChargeInput{Source: billing.SourceServiceOrder, SourceID: 1, Description: "打印 20 页", AmountFen: 2000})
		p, err := e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: c.AccountID, AmountFen: 2000, Method: "cash",
			Shares: []billing.Share{{ChargeID: c.ID, AmountFen: 2000}}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.svc.IssueReceipt(ctx, e.finance, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Number != "SJ-2026-000001" || r.Notice != billing.DefaultReceiptNotice || len(r.Lines) != 1 || r.Lines[0].Description != "打印 20 页" {
			t.Fatalf("receipt = %+v", r)
		}
		_, err = e.svc.IssueReceipt(ctx, e.finance, p.ID)
		wantErr(t, err, errs.Conflict, "err.billing.receipt_exists")
		for i := 1; i <= 2; i++ {
			if r, err = e.svc.PrintReceipt(ctx, e.finance, r.ID); err != nil || r.PrintCount != i {
				t.Fatalf("print %d: %+v (%v)", i, r.PrintCount, err)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action = 'reprint'`, billing.AuditReceipt, r.ID); n != 1 {
			t.Fatalf("reprints audited: %d", n)
		}
		_, err = e.svc.PrintReceipt(ctx, e.client, r.ID)
		wantErr(t, err, errs.Forbidden, "")
		_, err = e.svc.VoidReceipt(ctx, e.finance, r.ID, "")
		wantErr(t, err, errs.Invalid, "err.required")
		if r, err = e.svc.VoidReceipt(ctx, e.finance, r.ID, "抬头写错"); err != nil || !r.Voided || r.Number != "SJ-2026-000001" {
			t.Fatalf("void: %+v (%v)", r, err)
		}
		r2, err := e.svc.IssueReceipt(ctx, e.finance, p.ID)
		if err != nil || r2.Number != "SJ-2026-000002" {
			t.Fatalf("new receipt = %+v (%v)", r2, err)
		}
	})
}

// TestAccountStatementBalances: opening balance, the period's charges and
// payments, closing balance; deposits shown apart.
func TestAccountStatementBalances(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		old := e.post(t, billing.ChargeInput{Source: billing.SourceManual, Description: "二月服务费", AmountFen: 10000, DueOn: "2026-02-20"})
		mar := e.post(t, billing.ChargeInput{Source: billing.SourceManual, Description: "三月服务费", AmountFen: 30000, DueOn: "2026-03-03"})
		e.svc.Describe(billing.SourceManual, nil)
		if _, err := e.svc.RecordPayment(ctx, e.finance, billing.PaymentInput{AccountID: old.AccountID, AmountFen: 25000, Method: "transfer",
			Shares: []billing.Share{{ChargeID: old.ID, AmountFen: 10000}, {ChargeID: mar.ID, AmountFen: 15000}}, Receipt: true}); err != nil {
			t.Fatal(err)
		}
		st, err := e.svc.Statement(ctx, e.client, old.AccountID, "2026-03-01", "2026-03-31", "zh-Hans")
		if err != nil {
			t.Fatal(err)
		}
		if st.OpeningFen != 10000 || st.ChargedFen != 30000 || st.PaidFen != 25000 || st.ClosingFen != 15000 || len(st.Lines) != 2 {
			t.Fatalf("statement = %+v", st)
		}
		if st.Lines[1].Ref != "SJ-2026-000001" || st.Lines[1].Balance != 15000 {
			t.Fatalf("payment line = %+v", st.Lines[1])
		}
		_, err = e.svc.Statement(ctx, e.other, old.AccountID, "2026-03-01", "2026-03-31", "zh-Hans")
		wantErr(t, err, errs.NotFound, "")
		_, err = e.svc.Statement(ctx, e.finance, old.AccountID, "2026-03-31", "2026-03-01", "zh-Hans")
		wantErr(t, err, errs.Invalid, "err.billing.to_before_from")
	})
}
