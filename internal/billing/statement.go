package billing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// StatementLine is one line of an account statement: a charge (with its
// source's detail, e.g. a discount and its reason), a payment or a reversal.
type StatementLine struct {
	Date      string `json:"date"`
	Kind      string `json:"kind" enum:"charge,payment,credit"`
	Ref       string `json:"ref" doc:"e.g. a receipt number"`
	Text      string `json:"text"`
	Detail    string `json:"detail,omitempty"`
	ChargeFen int64  `json:"charge_fen,omitempty"`
	PaidFen   int64  `json:"paid_fen,omitempty"`
	Balance   int64  `json:"balance_fen" doc:"Owed after this line; negative is credit"`
}

// AccountStatement is the consolidated statement (费用明细清单) of an account
// for a period (BIL-08c): the opening balance, every charge and payment
// of the period, the closing balance, and the deposits held (not income).
type AccountStatement struct {
	Account     Account         `json:"account"`
	From        string          `json:"from"`
	To          string          `json:"to"`
	OpeningFen  int64           `json:"opening_fen"`
	Lines       []StatementLine `json:"lines"`
	ChargedFen  int64           `json:"charged_fen"`
	PaidFen     int64           `json:"paid_fen"`
	ClosingFen  int64           `json:"closing_fen"`
	DepositsFen int64           `json:"deposits_held_fen"`
	Issued      time.Time       `json:"issued_at"`
}

// Statement returns the statement of an account for [from, to] (dates in
// the site zone). Charges count on their due date, payments on the day
// received; credits reduce the charge they were given on.
func (s *Service) Statement(ctx context.Context, a access.Actor, accountID int64, from, to, lang string) (AccountStatement, error) {
	var l errs.List
	from = parseDate(&l, "from", from, true)
	to = parseDate(&l, "to", to, true)
	if from != "" && to != "" && to < from {
		l.Add("to", "err.billing.to_before_from")
	}
	if err := l.Err(); err != nil {
		return AccountStatement{}, err
	}
	acc, err := s.Account(ctx, a, accountID)
	if err != nil {
		return AccountStatement{}, err
	}
	st := AccountStatement{Account: acc, From: from, To: to, Issued: s.Clock.Now(), Lines: []StatementLine{}}
	fromT, _ := time.ParseInLocation("2006-01-02", from, s.Loc)
	toT, _ := time.ParseInLocation("2006-01-02", to, s.Loc)
	fromMs, toMs := store.Ms(fromT), store.Ms(toT.AddDate(0, 0, 1))
	q := s.DB
	// Opening: charges due before the period (net of credits) minus payments received before it.
	var chargedBefore, creditedBefore, paidBefore int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM billing_charges WHERE account_id = ? AND due_on < ?`, accountID, from).Scan(&chargedBefore); err != nil {
		return st, fmt.Errorf("opening charges: %w", err)
	}
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(l.amount_fen), 0) FROM billing_allocations l JOIN billing_charges c ON c.id = l.charge_id
 WHERE c.account_id = ? AND c.due_on < ? AND l.credit_id IS NOT NULL`, accountID, from).Scan(&creditedBefore); err != nil {
		return st, fmt.Errorf("opening credits: %w", err)
	}
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM billing_payments WHERE account_id = ? AND received_at < ?`, accountID, fromMs).Scan(&paidBefore); err != nil {
		return st, fmt.Errorf("opening payments: %w", err)
	}
	var appliedBefore int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(l.amount_fen), 0) FROM billing_allocations l JOIN billing_deposits d ON d.id = l.deposit_id
 WHERE d.account_id = ? AND l.created_at < ?`, accountID, fromMs).Scan(&appliedBefore); err != nil {
		return st, fmt.Errorf("opening deposits applied: %w", err)
	}
	st.OpeningFen = chargedBefore - creditedBefore - paidBefore - appliedBefore
	charges, err := listCharges(ctx, q, ChargeFilter{AccountID: accountID, Limit: 500})
	if err != nil {
		return st, err
	}
	details := map[string]map[int64]string{}
	bySource := map[string][]int64{}
	for _, c := range charges {
		if c.DueOn >= from && c.DueOn <= to && c.SourceID != 0 {
			bySource[c.Source] = append(bySource[c.Source], c.SourceID)
		}
	}
	for src, ids := range bySource {
		if f := s.details[src]; f != nil {
			if details[src], err = f(ctx, q, lang, ids); err != nil {
				return st, err
			}
		}
	}
	var lines []StatementLine
	for _, c := range charges {
		if c.DueOn < from || c.DueOn > to {
			continue
		}
		ln := StatementLine{Date: c.DueOn, Kind: "charge", Text: c.Description, ChargeFen: c.AmountFen, Detail: details[c.Source][c.SourceID]}
		if c.Period != "" {
			ln.Ref = c.Period
		}
		lines = append(lines, ln)
		if c.CreditedFen > 0 {
			lines = append(lines, StatementLine{Date: c.DueOn, Kind: "credit", Text: c.Description, PaidFen: c.CreditedFen})
		}
	}
	rows, err := q.Query(ctx, `SELECT p.received_at, p.amount_fen, p.method, p.reference, COALESCE(p.reverses_id, 0),
 COALESCE((SELECT rc.number FROM billing_receipts rc WHERE rc.payment_id = p.id AND rc.voided_at IS NULL), '')
 FROM billing_payments p WHERE p.account_id = ? AND p.received_at >= ? AND p.received_at < ? ORDER BY p.received_at, p.id`, accountID, fromMs, toMs)
	if err != nil {
		return st, fmt.Errorf("statement payments: %w", err)
	}
	for rows.Next() {
		var at, amount, rev int64
		var method, ref, no string
		if err := rows.Scan(&at, &amount, &method, &ref, &rev, &no); err != nil {
			rows.Close()
			return st, fmt.Errorf("read payment: %w", err)
		}
		ln := StatementLine{Date: s.day(store.Time(at)), Kind: "payment", Text: "pay." + method, Ref: no, PaidFen: amount}
		if rev != 0 {
			ln.Text = "reversal"
		}
		if no == "" {
			ln.Ref = ref
		}
		lines = append(lines, ln)
	}
	rows.Close()
	drows, err := q.Query(ctx, `SELECT l.created_at, l.amount_fen, d.description FROM billing_allocations l JOIN billing_deposits d ON d.id = l.deposit_id
 WHERE d.account_id = ? AND l.created_at >= ? AND l.created_at < ? ORDER BY l.created_at, l.id`, accountID, fromMs, toMs)
	if err != nil {
		return st, fmt.Errorf("statement deposits applied: %w", err)
	}
	for drows.Next() {
		var at, amount int64
		var desc string
		if err := drows.Scan(&at, &amount, &desc); err != nil {
			drows.Close()
			return st, fmt.Errorf("read deposit applied: %w", err)
		}
		lines = append(lines, StatementLine{Date: s.day(store.Time(at)), Kind: "payment", Text: "deposit_applied", Detail: desc, PaidFen: amount})
	}
	drows.Close()
	sortLines(lines)
	bal := st.OpeningFen
	for i := range lines {
		if lines[i].Kind == "charge" {
			st.ChargedFen += lines[i].ChargeFen
			bal += lines[i].ChargeFen
		} else {
			if lines[i].Kind == "payment" {
				st.PaidFen += lines[i].PaidFen
			} else {
				st.ChargedFen -= lines[i].PaidFen
			}
			bal -= lines[i].PaidFen
		}
		lines[i].Balance = bal
	}
	st.Lines = append(st.Lines, lines...)
	st.ClosingFen = bal
	b, err := AccountBalance(ctx, q, accountID)
	if err != nil {
		return st, err
	}
	st.DepositsFen = b.DepositsFen
	return st, nil
}

// sortLines orders statement lines by date, charges before payments of a day.
func sortLines(ls []StatementLine) {
	rank := map[string]int{"charge": 0, "credit": 1, "payment": 2}
	slices.SortStableFunc(ls, func(a, b StatementLine) int {
		if c := strings.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		return rank[a.Kind] - rank[b.Kind]
	})
}
