package billing

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// ReportLine is one group of a report: its label and the amount.
type ReportLine struct {
	Label     string `json:"label"`
	Count     int    `json:"count"`
	AmountFen int64  `json:"amount_fen"`
}

// ReasonLine is a discount or credit with its reason.
type ReasonLine struct {
	Day       string `json:"day"`
	Kind      string `json:"kind" enum:"discount,credit"`
	Number    string `json:"number,omitempty"`
	Account   string `json:"account"`
	Item      string `json:"item"`
	Reason    string `json:"reason"`
	AmountFen int64  `json:"amount_fen"`
}

// DepositHeld is what an account has on deposit.
type DepositHeld struct {
	Account string `json:"account"`
	Count   int    `json:"count"`
	HeldFen int64  `json:"held_fen"`
}

// FinanceReport is the finance analysis of a date range (BIL-12): income (charges
// less credits, by the day they were raised) by source, venue, item, client
// and month; discounts and credits with reasons; cancellation fees;
// deposits held; unpaid by age; internal charge-backs by department.
type FinanceReport struct {
	From        string        `json:"from"`
	To          string        `json:"to"`
	IncomeFen   int64         `json:"income_fen"`
	BySource    []ReportLine  `json:"by_source"`
	ByVenue     []ReportLine  `json:"by_venue"`
	ByItem      []ReportLine  `json:"by_item"`
	ByClient    []ReportLine  `json:"by_client"`
	ByMonth     []ReportLine  `json:"by_month"`
	Reasons     []ReasonLine  `json:"discounts_credits"`
	CancelFees  []ReportLine  `json:"cancellation_fees" doc:"By venue"`
	Deposits    []DepositHeld `json:"deposits_held"`
	Ageing      Ageing        `json:"ageing"`
	ChargeBacks []ReportLine  `json:"charge_backs" doc:"Internal charges by department"`
}

// MaxReportDays bounds a report's range.
const MaxReportDays = 366

// ParseRange reads a report's from/to dates (YYYY-MM-DD), defaulting to
// the current month of today.
func ParseRange(from, to, today string) (string, string, error) {
	if from == "" && to == "" {
		t, _ := time.Parse(time.DateOnly, today)
		first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly), nil
	}
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	var l errs.List
	if err1 != nil {
		l.Add("from", "err.bad_date")
	}
	if err2 != nil {
		l.Add("to", "err.bad_date")
	}
	if err := l.Err(); err != nil {
		return "", "", err
	}
	if t.Before(f) || t.Sub(f) > MaxReportDays*24*time.Hour {
		return "", "", errs.Field("to", "err.billing_range", "days", MaxReportDays)
	}
	return from, to, nil
}

// Report builds the analysis of [from, to] (dates in the site zone) for
// the books' readers.
func (b *Books) Report(ctx context.Context, a access.Actor, from, to string) (FinanceReport, error) {
	if !CanReadBooks(a) {
		return FinanceReport{}, errs.Forbid()
	}
	from, to, err := ParseRange(from, to, b.day(b.Clock.Now()))
	if err != nil {
		return FinanceReport{}, err
	}
	start, _ := time.ParseInLocation(time.DateOnly, from, b.Loc)
	end, _ := time.ParseInLocation(time.DateOnly, to, b.Loc)
	lo, hi := store.Ms(start), store.Ms(end.AddDate(0, 0, 1))
	rep := FinanceReport{From: from, To: to}
	// income: each charge's amount less its credits, raised in the range
	net := `c.amount_fen - COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.charge_id = c.id AND x.credit_id IS NOT NULL), 0)`
	fromSQL := ` FROM billing_charges c JOIN billing_accounts a ON a.id = c.account_id`
	inRange := ` WHERE c.created_at >= ? AND c.created_at < ? AND a.kind <> 'department'`
	group := func(label, joins, extra string) ([]ReportLine, error) {
		q := `SELECT ` + label + `, COUNT(*), SUM(` + net + `)` + fromSQL + joins + inRange + extra + ` GROUP BY ` + label + ` ORDER BY 3 DESC, 1`
		return reportLines(ctx, b.DB, q, lo, hi)
	}
	if rep.BySource, err = group("c.source", "", ""); err != nil {
		return rep, err
	}
	for _, l := range rep.BySource {
		rep.IncomeFen += l.AmountFen
	}
	venueJoin := ` LEFT JOIN bookings bk ON c.source = 'booking' AND bk.id = c.source_id LEFT JOIN venues v ON v.id = bk.venue_id`
	if rep.ByVenue, err = group("v.name", venueJoin, " AND v.name IS NOT NULL"); err != nil {
		return rep, err
	}
	if rep.ByItem, err = group("c.description", "", ""); err != nil {
		return rep, err
	}
	if rep.ByClient, err = group("a.name", "", ""); err != nil {
		return rep, err
	}
	if rep.ByMonth, err = b.incomeByMonth(ctx, lo, hi, net); err != nil {
		return rep, err
	}
	if rep.Reasons, err = b.reasons(ctx, lo, hi); err != nil {
		return rep, err
	}
	if rep.CancelFees, err = reportLines(ctx, b.DB, `SELECT v.name, COUNT(*), SUM(bk.cancel_fee) FROM bookings bk JOIN venues v ON v.id = bk.venue_id
 JOIN booking_settlements s ON s.booking_id = bk.id WHERE bk.cancel_fee > 0 AND s.settled_at >= ? AND s.settled_at < ? GROUP BY v.name ORDER BY SUM(bk.cancel_fee) DESC, v.name`, lo, hi); err != nil {
		return rep, err
	}
	if rep.Deposits, err = depositsHeld(ctx, b.DB); err != nil {
		return rep, err
	}
	if rep.Ageing, err = b.AgeingReport(ctx, a); err != nil {
		return rep, err
	}
	rep.ChargeBacks, err = reportLines(ctx, b.DB, `SELECT COALESCE(d.name, a.name), COUNT(*), SUM(`+net+`) FROM billing_charges c JOIN billing_accounts a ON a.id = c.account_id
 LEFT JOIN departments d ON d.id = a.department_id WHERE c.created_at >= ? AND c.created_at < ? AND a.kind = 'department' GROUP BY COALESCE(d.name, a.name) ORDER BY 3 DESC, 1`, lo, hi)
	return rep, err
}

func reportLines(ctx context.Context, q store.Querier, query string, args ...any) ([]ReportLine, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	defer rows.Close()
	out := []ReportLine{}
	for rows.Next() {
		var l ReportLine
		if err := rows.Scan(&l.Label, &l.Count, &l.AmountFen); err != nil {
			return nil, fmt.Errorf("scan report line: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// incomeByMonth groups income by the month (site zone) the charge was raised.
func (b *Books) incomeByMonth(ctx context.Context, lo, hi int64, net string) ([]ReportLine, error) {
	rows, err := b.DB.Query(ctx, `SELECT c.created_at, `+net+` FROM billing_charges c JOIN billing_accounts a ON a.id = c.account_id
 WHERE c.created_at >= ? AND c.created_at < ? AND a.kind <> 'department' ORDER BY c.created_at`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("income by month: %w", err)
	}
	defer rows.Close()
	out := []ReportLine{}
	for rows.Next() {
		var at, fen int64
		if err := rows.Scan(&at, &fen); err != nil {
			return nil, err
		}
		m := store.Time(at).In(b.Loc).Format("2006-01")
		if n := len(out); n == 0 || out[n-1].Label != m {
			out = append(out, ReportLine{Label: m})
		}
		out[len(out)-1].Count++
		out[len(out)-1].AmountFen += fen
	}
	return out, rows.Err()
}

// reasons lists the booking discounts and the applied credits of the
// range, each with its reason.
func (b *Books) reasons(ctx context.Context, lo, hi int64) ([]ReasonLine, error) {
	rows, err := b.DB.Query(ctx, `SELECT s.settled_at, 'discount', '', COALESCE(o.name, bk.client_name), bk.title, s.discount_reason, s.discount_fen
 FROM booking_settlements s JOIN bookings bk ON bk.id = s.booking_id LEFT JOIN client_orgs o ON o.id = bk.org_id
 WHERE s.discount_fen > 0 AND s.settled_at >= ? AND s.settled_at < ?
 UNION ALL
 SELECT k.decided_at, 'credit', k.number, a.name, c.description, k.reason, k.amount_fen
 FROM billing_credits k JOIN billing_charges c ON c.id = k.charge_id JOIN billing_accounts a ON a.id = c.account_id
 WHERE k.status = 'applied' AND k.decided_at >= ? AND k.decided_at < ? ORDER BY 1`, lo, hi, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("discounts and credits: %w", err)
	}
	defer rows.Close()
	out := []ReasonLine{}
	for rows.Next() {
		var l ReasonLine
		var at int64
		if err := rows.Scan(&at, &l.Kind, &l.Number, &l.Account, &l.Item, &l.Reason, &l.AmountFen); err != nil {
			return nil, err
		}
		l.Day = b.day(store.Time(at))
		out = append(out, l)
	}
	return out, rows.Err()
}

// depositsHeld sums what each account still has on deposit: received,
// less applied to charges, less refunded.
func depositsHeld(ctx context.Context, q store.Querier) ([]DepositHeld, error) {
	rows, err := q.Query(ctx, `SELECT a.name, COUNT(*), SUM(d.amount_fen
 - COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.deposit_id = d.id), 0)
 - COALESCE((SELECT SUM(r.amount_fen) FROM billing_deposit_refunds r WHERE r.deposit_id = d.id), 0))
 FROM billing_deposits d JOIN billing_accounts a ON a.id = d.account_id GROUP BY a.name ORDER BY a.name`)
	if err != nil {
		return nil, fmt.Errorf("deposits held: %w", err)
	}
	defer rows.Close()
	out := []DepositHeld{}
	for rows.Next() {
		var d DepositHeld
		if err := rows.Scan(&d.Account, &d.Count, &d.HeldFen); err != nil {
			return nil, err
		}
		if d.HeldFen > 0 {
			out = append(out, d)
		}
	}
	return out, rows.Err()
}
