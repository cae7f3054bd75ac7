package billing

import (
	"context"
	"fmt"
	"sort"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
)

// SumRow is charged, paid and outstanding for a month or an account.
type SumRow struct {
	Key            string `json:"key" doc:"YYYY-MM, or the account id"`
	Name           string `json:"name,omitempty"`
	ChargedFen     int64  `json:"charged_fen" doc:"Net of credits"`
	PaidFen        int64  `json:"paid_fen"`
	OutstandingFen int64  `json:"outstanding_fen"`
}

// Receivables is the settlement report: charges due in a range of months,
// what of them is paid and what is outstanding, per month and per account.
type Receivables struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	ByMonth   []SumRow `json:"by_month"`
	ByAccount []SumRow `json:"by_account"`
	Total     SumRow   `json:"total"`
	Deposits  int64    `json:"deposits_held_fen" doc:"A liability, not in the totals"`
}

// Receivables reports the months from..to (YYYY-MM) for those who read the ledger.
func (s *Service) Receivables(ctx context.Context, a access.Actor, from, to string) (Receivables, error) {
	if !CanRead(a) {
		return Receivables{}, errs.Forbid()
	}
	var l errs.List
	f, err1 := time.Parse("2006-01", from)
	t, err2 := time.Parse("2006-01", to)
	if err1 != nil {
		l.Add("from", "err.billing.period")
	}
	if err2 != nil {
		l.Add("to", "err.billing.period")
	}
	if err1 == nil && err2 == nil && (t.Before(f) || t.After(f.AddDate(5, 0, 0))) {
		l.Add("to", "err.billing.to_before_from")
	}
	if err := l.Err(); err != nil {
		return Receivables{}, err
	}
	out := Receivables{From: from, To: to, ByMonth: []SumRow{}, ByAccount: []SumRow{}}
	rows, err := s.DB.Query(ctx, `SELECT c.due_on, c.account_id, a.name, c.amount_fen,
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.charge_id = c.id AND l.credit_id IS NULL), 0),
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.charge_id = c.id AND l.credit_id IS NOT NULL), 0)
 FROM billing_charges c JOIN billing_accounts a ON a.id = c.account_id WHERE c.due_on >= ? AND c.due_on < ?`, from+"-01", t.AddDate(0, 1, 0).Format("2006-01")+"-01")
	if err != nil {
		return out, fmt.Errorf("receivables: %w", err)
	}
	defer rows.Close()
	months, accounts := map[string]*SumRow{}, map[string]*SumRow{}
	for m := f; !m.After(t); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		months[k] = &SumRow{Key: k}
	}
	for rows.Next() {
		var due, name string
		var acct, amount, paid, credited int64
		if err := rows.Scan(&due, &acct, &name, &amount, &paid, &credited); err != nil {
			return out, fmt.Errorf("read receivable: %w", err)
		}
		net := amount - credited
		owe := max(net-paid, 0)
		ak := fmt.Sprint(acct)
		if accounts[ak] == nil {
			accounts[ak] = &SumRow{Key: ak, Name: name}
		}
		for _, r := range []*SumRow{months[due[:7]], accounts[ak], &out.Total} {
			if r != nil {
				r.ChargedFen += net
				r.PaidFen += paid
				r.OutstandingFen += owe
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	for _, r := range months {
		out.ByMonth = append(out.ByMonth, *r)
	}
	sort.Slice(out.ByMonth, func(i, j int) bool { return out.ByMonth[i].Key < out.ByMonth[j].Key })
	for _, r := range accounts {
		out.ByAccount = append(out.ByAccount, *r)
	}
	sort.Slice(out.ByAccount, func(i, j int) bool {
		if out.ByAccount[i].OutstandingFen != out.ByAccount[j].OutstandingFen {
			return out.ByAccount[i].OutstandingFen > out.ByAccount[j].OutstandingFen
		}
		return out.ByAccount[i].Name < out.ByAccount[j].Name
	})
	out.Total.Key = "total"
	if out.Deposits, err = DepositsHeld(ctx, s.DB); err != nil {
		return out, err
	}
	return out, nil
}
