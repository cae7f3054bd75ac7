package billing

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/jobs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func TestCreditsAndApproval(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newBooksFixture(t, db)
		b := f.books
		small := f.charge(t, f.account, SourceBooking, "会议室 半天", 80000, 600, "2026-03-10")
		big := f.charge(t, f.account, SourceBooking, "多功能厅 全天", 500000, 600, "2026-03-10")

		if _, err := b.ProposeCredit(ctx, f.finance, CreditInput{ChargeID: small, AmountFen: 10000}); err == nil {
			t.Fatal("a credit without reason")
		} else if field, key := errKey(err); field != "reason" || key != "err.billing_credit_reason" {
			t.Fatalf("no reason: %v", err)
		}
		if _, err := b.ProposeCredit(ctx, f.client, CreditInput{ChargeID: small, AmountFen: 100, Reason: "x"}); err == nil {
			t.Fatal("a client credited a charge")
		}
		if _, err := b.ProposeCredit(ctx, f.finance, CreditInput{ChargeID: small, AmountFen: 80001, Reason: "x"}); err == nil {
			t.Fatal("a credit beyond the charge")
		}
		// Below the threshold: applied at once; the whole charge cancels it.
		k, err := b.ProposeCredit(ctx, f.office, CreditInput{ChargeID: small, AmountFen: 80000, Reason: "设备故障，会议改期，全额减免"})
		if err != nil || k.Status != CreditApplied || k.Number != "CR-2026-000001" {
			t.Fatalf("small credit %+v, %v", k, err)
		}
		var status string
		if err := db.QueryRow(ctx, `SELECT status FROM billing_charges WHERE id = ?`, small).Scan(&status); err != nil || status != ChargeCancelled {
			t.Fatalf("charge after full credit: %s, %v", status, err)
		}
		// Above it: waits for the manager, then finance.
		if err := settings.Set(ctx, db, f.clk.Now(), access.SystemActor(), SettingCreditThreshold, int64(50000)); err != nil {
			t.Fatal(err)
		}
		k, err = b.ProposeCredit(ctx, f.office, CreditInput{ChargeID: big, AmountFen: 100000, Reason: "长期客户折让"})
		if err != nil || k.Status != CreditPending || k.Chain.ID == 0 {
			t.Fatalf("big credit %+v, %v", k, err)
		}
		if _, _, owed, _ := chargeOwed(ctx, db, big); owed != 400000 {
			t.Fatalf("owed while pending %d", owed)
		}
		if _, err := b.DecideCredit(ctx, f.finance, k.ID, approval.Approve, ""); err == nil {
			t.Fatal("finance decided the manager's step")
		}
		if k, err = b.DecideCredit(ctx, f.manager, k.ID, approval.Approve, "同意"); err != nil || k.Status != CreditPending {
			t.Fatalf("manager step: %+v, %v", k, err)
		}
		if k, err = b.DecideCredit(ctx, f.finance, k.ID, approval.Approve, ""); err != nil || k.Status != CreditApplied {
			t.Fatalf("finance step: %+v, %v", k, err)
		}
		if err := db.QueryRow(ctx, `SELECT status FROM billing_charges WHERE id = ?`, big).Scan(&status); err != nil || status != ChargeOpen { // a partial credit leaves it open (the ledger's rule)
			t.Fatalf("charge after partial credit: %s, %v", status, err)
		}
		// A rejected credit leaves the charge alone.
		k, err = b.ProposeCredit(ctx, f.office, CreditInput{ChargeID: big, AmountFen: 60000, Reason: "再次折让"})
		if err != nil {
			t.Fatal(err)
		}
		if k, err = b.DecideCredit(ctx, f.manager, k.ID, approval.Reject, "不同意"); err != nil || k.Status != CreditRejected {
			t.Fatalf("reject: %+v, %v", k, err)
		}
		if _, _, owed, _ := chargeOwed(ctx, db, big); owed != 400000 {
			t.Fatalf("owed after rejection %d", owed)
		}
		list, err := b.ListCredits(ctx, f.audit, "")
		if err != nil || len(list) != 3 {
			t.Fatalf("credits %d, %v", len(list), err)
		}
		if _, err := b.ListCredits(ctx, f.client, ""); err == nil {
			t.Fatal("a client listed credits")
		}
	})
}

func TestLockedPeriodRefusesPayment(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newBooksFixture(t, db)
		b := f.books
		if _, err := b.OpenPeriod(ctx, f.finance, "2026-02"); err == nil {
			t.Fatal("finance opened an audit period")
		}
		for _, bad := range []string{"2026-13", "2026-Q5", "26-02", "", "2026-02-01"} {
			if _, err := b.OpenPeriod(ctx, f.audit, bad); err == nil {
				t.Fatalf("period %q accepted", bad)
			}
		}
		p, err := b.OpenPeriod(ctx, f.audit, "2026-02")
		if err != nil || p.StartOn != "2026-02-01" || p.EndOn != "2026-02-28" || p.Label != "2026-02" {
			t.Fatalf("period %+v, %v", p, err)
		}
		if _, err := b.OpenPeriod(ctx, f.audit, "2026-Q1"); err == nil {
			t.Fatal("an overlapping quarter")
		}
		var dept int64
		if err := db.QueryRow(ctx, `SELECT id FROM departments ORDER BY id LIMIT 1`).Scan(&dept); err != nil {
			dept, err = store.InsertID(ctx, db, `INSERT INTO departments (code, name, created_at) VALUES ('fin', '财务部', 0)`)
			if err != nil {
				t.Fatal(err)
			}
		}
		p, err = b.AddFinding(ctx, f.audit, p.ID, FindingInput{Severity: "high", Text: "2月7日收据 SJ-2026-000003 作废未注明原因", DepartmentID: dept})
		if err != nil || len(p.Findings) != 1 || p.Findings[0].TaskID == 0 {
			t.Fatalf("finding %+v, %v", p, err)
		}
		if _, err := b.SignOff(ctx, f.audit, p.ID, approval.Approve, ""); err == nil {
			t.Fatal("signed off an open period")
		}
		if p, err = b.SubmitPeriod(ctx, f.audit, p.ID, "收入、付款、冲减已核对；一项发现。"); err != nil || p.Status != PeriodReview {
			t.Fatalf("submit %+v, %v", p, err)
		}
		feb := time.Date(2026, 2, 20, 2, 0, 0, 0, time.UTC)
		// Until the sign-off, February still takes payments.
		if err := CheckOpenDate(ctx, db, feb, "received_at"); err != nil {
			t.Fatalf("open period refused: %v", err)
		}
		if p, err = b.SignOff(ctx, f.audit, p.ID, approval.Approve, "签核"); err != nil || p.Status != PeriodLocked {
			t.Fatalf("sign off %+v, %v", p, err)
		}
		// Locked: a payment dated in February is refused, one dated in March
		// (the open period, where corrections go) is not. 1 March 07:00 in
		// Shanghai is still 28 February in UTC: the site's day decides.
		err = CheckOpenDate(ctx, db, feb, "received_at")
		if field, key := errKey(err); field != "received_at" || key != "err.billing_period_locked" {
			t.Fatalf("locked period took a payment: %v", err)
		}
		if err := CheckOpenDate(ctx, db, time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC), "received_at"); err != nil {
			t.Fatalf("1 March refused: %v", err)
		}
		if err := CheckOpenDate(ctx, db, time.Date(2026, 2, 28, 15, 0, 0, 0, time.UTC), "received_at"); err == nil {
			t.Fatal("28 February 23:00 in Shanghai accepted")
		}
		// The ledger's payments go through the lock.
		svc := New(db, f.clk, shanghai)
		_, err = svc.RecordPayment(ctx, f.finance, PaymentInput{AccountID: f.account, AmountFen: 10000, Method: "cash", ReceivedAt: feb})
		if field, key := errKey(err); field != "received_at" || key != "err.billing_period_locked" {
			t.Fatalf("payment dated in the locked period: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM billing_payments`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the refused payment left %d rows (%v)", n, err)
		}
		if _, err := svc.RecordPayment(ctx, f.finance, PaymentInput{AccountID: f.account, AmountFen: 10000, Method: "cash"}); err != nil {
			t.Fatalf("payment dated today (March, open): %v", err)
		}
	})
}

func TestAgeingAndReminders(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newBooksFixture(t, db)
		b := f.books
		var notes []string
		b.Notify = func(_ context.Context, _ store.Querier, _ time.Time, ids []int64, key string, args map[string]any, _ string) error {
			for range ids {
				notes = append(notes, key)
			}
			return nil
		}
		// Today is 2026-03-02 in Shanghai.
		f.charge(t, f.account, SourceBooking, "未到期", 10000, 600, "2026-03-05")
		f.charge(t, f.account, SourceBooking, "逾期10天", 20000, 600, "2026-02-20")
		part := f.charge(t, f.account, SourceBooking, "逾期45天", 30000, 600, "2026-01-16")
		f.charge(t, f.otherAccount, SourceBooking, "逾期120天", 40000, 600, "2025-11-02")
		paid := f.charge(t, f.otherAccount, SourceBooking, "已付", 50000, 600, "2025-11-02")
		f.pay(t, f.otherAccount, paid, 50000, f.clk.Now())
		pid, err := store.InsertID(ctx, db, `INSERT INTO billing_payments (account_id, amount_fen, method, received_at, created_at) VALUES (?, 5000, 'cash', 0, 0)`, f.account)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO billing_allocations (charge_id, payment_id, amount_fen, created_at) VALUES (?, ?, 5000, 0)`, part, pid); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE billing_charges SET status = 'partly_paid' WHERE id = ?`, part); err != nil {
			t.Fatal(err)
		}
		rep, err := b.AgeingReport(ctx, f.finance)
		if err != nil {
			t.Fatal(err)
		}
		want := [ageBuckets]int64{10000, 20000, 25000, 0, 40000}
		if rep.AsOf != "2026-03-02" || rep.Total.Buckets != want || rep.Total.TotalFen != 95000 || len(rep.Rows) != 2 {
			t.Fatalf("ageing %+v", rep)
		}
		if _, err := b.AgeingReport(ctx, f.client); err == nil {
			t.Fatal("a client read the ageing report")
		}
		if rs, err := b.OpenCharges(ctx, f.client, f.otherAccount); err == nil {
			t.Fatalf("a client read another org's charges: %v", rs)
		}
		if rs, err := b.OpenCharges(ctx, f.client, f.account); err != nil || len(rs) != 3 {
			t.Fatalf("own open charges %d, %v", len(rs), err)
		}
		for _, c := range []struct {
			due, today string
			want       int
		}{{"2026-03-02", "2026-03-02", AgeCurrent}, {"2026-03-01", "2026-03-02", Age1to30}, {"2026-01-31", "2026-03-02", Age1to30},
			{"2026-01-30", "2026-03-02", Age31to60}, {"2025-12-02", "2026-03-02", Age61to90}, {"2025-12-01", "2026-03-02", AgeOver90}} {
			if got := AgeBucket(c.due, c.today); got != c.want {
				t.Errorf("AgeBucket(%s, %s) = %d, want %d", c.due, c.today, got, c.want)
			}
		}

		// Reminders: the sweep schedules before/due/after jobs once; they
		// fire on the fake clock, and a charge paid meanwhile is not reminded.
		r := jobs.NewRunner(db, f.clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := b.RegisterJobs(ctx, r); err != nil {
			t.Fatal(err)
		}
		run := func() {
			t.Helper()
			if _, err := r.RunDue(ctx, 100); err != nil {
				t.Fatal(err)
			}
		}
		run()
		run() // a second round schedules nothing twice
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, JobReminder).Scan(&n); err != nil {
			t.Fatal(err)
		}
		// 未到期 (due 03-05): before (03-02), due, after; 逾期10天: after (02-27) is past: none;
		// 逾期45天: none. The other org's charge has no client user... it has one: after is past.
		if n != 3 {
			t.Fatalf("%d reminder jobs", n)
		}
		f.clk.Set(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)) // 10:00: the 09:00 reminder is due
		run()
		if len(notes) != 1 || notes[0] != "billing.msg.reminder_before" {
			t.Fatalf("notes %v", notes)
		}
		due := f.charge(t, f.account, SourceBooking, "即将到期", 1000, 600, "2026-03-06")
		f.clk.Set(time.Date(2026, 3, 5, 23, 0, 0, 0, time.UTC)) // 03-06 07:00
		f.pay(t, f.account, due, 1000, f.clk.Now())
		run() // the sweep of 03-03..03-06 and the 03-05 due reminder
		f.clk.Set(time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC))
		run()
		for _, k := range notes[1:] {
			if k != "billing.msg.reminder_due" {
				t.Fatalf("notes %v", notes)
			}
		}
		if len(notes) != 2 {
			t.Fatalf("notes %v (the paid charge must not be reminded)", notes)
		}
	})
}

func TestFinanceReport(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newBooksFixture(t, db)
		now := store.Ms(f.clk.Now())
		a := f.charge(t, f.account, SourceBooking, "会议室", 100000, 600, "2026-03-10")
		f.charge(t, f.account, SourceServiceOrder, "打印", 5000, 600, "2026-03-10")
		f.charge(t, f.otherAccount, SourceBooking, "会议室", 30000, 600, "2026-03-10")
		if _, err := db.Exec(ctx, `UPDATE billing_charges SET created_at = ?`, now); err != nil {
			t.Fatal(err)
		}
		if _, err := f.books.ProposeCredit(ctx, f.finance, CreditInput{ChargeID: a, AmountFen: 20000, Reason: "老客户折让"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.books.Report(ctx, f.client, "", ""); err == nil {
			t.Fatal("a client read the finance report")
		}
		if _, err := f.books.Report(ctx, f.finance, "2026-03-31", "2026-03-01"); err == nil {
			t.Fatal("a range that ends before it starts")
		}
		rep, err := f.books.Report(ctx, f.audit, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if rep.From != "2026-03-01" || rep.To != "2026-03-31" || rep.IncomeFen != 115000 {
			t.Fatalf("report %s..%s income %d", rep.From, rep.To, rep.IncomeFen)
		}
		if len(rep.BySource) != 2 || rep.BySource[0].Label != SourceBooking || rep.BySource[0].AmountFen != 110000 {
			t.Fatalf("by source %+v", rep.BySource)
		}
		if len(rep.ByClient) != 2 || len(rep.ByMonth) != 1 || rep.ByMonth[0].Label != "2026-03" {
			t.Fatalf("by client %+v, by month %+v", rep.ByClient, rep.ByMonth)
		}
		if len(rep.Reasons) != 1 || rep.Reasons[0].Reason != "老客户折让" || rep.Reasons[0].Kind != "credit" {
			t.Fatalf("reasons %+v", rep.Reasons)
		}
	})
}
