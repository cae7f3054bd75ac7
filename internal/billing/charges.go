package billing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
)

// ChargeInput is an amount owed, written by its source in the source's own
// transaction. (Source, SourceID, Period) names it: posting it again
// updates the same charge (idempotent). Amount is QtyMilli × UnitFen / 1000
// rounded to the fen, unless AmountFen is given (a settlement total).
type ChargeInput struct {
	AccountID   int64 // the account billed, or else Party's
	Party       Party
	Source      string
	SourceID    int64
	Period      string // YYYY-MM for periodic charges
	Description string
	PriceID     int64 // the published price it used, if any
	QtyMilli    int64 // 0 means 1
	Unit        string
	UnitFen     int64
	AmountFen   int64 // used when UnitFen is 0
	TaxRateBP   int
	DueOn       string // YYYY-MM-DD
}

const chargeCols = `c.id, c.account_id, a.name, c.source, COALESCE(c.source_id, 0), c.period, c.description, COALESCE(c.price_id, 0), c.qty_milli, c.unit,
 c.unit_fen, c.amount_fen, c.tax_rate_bp, c.due_on, c.status, c.created_at,
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.charge_id = c.id AND l.credit_id IS NULL), 0),
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.charge_id = c.id AND l.credit_id IS NOT NULL), 0)`

const chargeFrom = ` FROM billing_charges c JOIN billing_accounts a ON a.id = c.account_id`

func scanCharge(sc interface{ Scan(...any) error }) (Charge, error) {
	var c Charge
	var created int64
	err := sc.Scan(&c.ID, &c.AccountID, &c.AccountName, &c.Source, &c.SourceID, &c.Period, &c.Description, &c.PriceID, &c.QtyMilli, &c.Unit,
		&c.UnitFen, &c.AmountFen, &c.TaxRateBP, &c.DueOn, &c.Status, &created, &c.PaidFen, &c.CreditedFen)
	c.CreatedAt = store.Time(created)
	return c, err
}

// getCharge reads a charge with its paid and credited sums.
func getCharge(ctx context.Context, q store.Querier, id int64) (Charge, error) {
	c, err := scanCharge(q.QueryRow(ctx, `SELECT `+chargeCols+chargeFrom+` WHERE c.id = ?`, id))
	return c, wrap(err, "read charge")
}

// lineAmount is round(qtyMilli × unit / 1000), within money.Max.
func lineAmount(qtyMilli, unit int64) (int64, bool) {
	if qtyMilli <= 0 || !money.Valid(unit) || (unit != 0 && qtyMilli > (money.Max*1000+999)/unit) {
		return 0, false
	}
	fen := (qtyMilli*unit + 500) / 1000
	return fen, money.Valid(fen)
}

func (in *ChargeInput) check() error {
	var l errs.List
	if !slices.Contains(Sources, in.Source) {
		l.Add("source", "err.invalid")
	}
	in.Description = checkText(&l, "description", in.Description, 200, true)
	if in.QtyMilli == 0 {
		in.QtyMilli = 1000
	}
	if in.QtyMilli < 0 || in.QtyMilli > 1_000_000_000 {
		l.Add("qty", "err.invalid")
	}
	if in.Unit == "" {
		in.Unit = "item"
	}
	money.Check(&l, "unit_price", in.UnitFen)
	money.Check(&l, "amount", in.AmountFen)
	if in.TaxRateBP < 0 || in.TaxRateBP > 10000 {
		l.Add("tax_rate", "err.invalid")
	}
	if in.Period != "" {
		if _, err := time.Parse("2006-01", in.Period); err != nil {
			l.Add("period", "err.billing.period")
		}
	}
	in.DueOn = parseDate(&l, "due_on", in.DueOn, true)
	if err := l.Err(); err != nil {
		return err
	}
	if in.UnitFen != 0 || in.AmountFen == 0 {
		fen, ok := lineAmount(in.QtyMilli, in.UnitFen)
		if !ok {
			return money.TooLarge("amount")
		}
		in.AmountFen = fen
	} else {
		in.QtyMilli, in.UnitFen = 1000, in.AmountFen
	}
	return nil
}

// PostCharge writes the charge of a source event in the source's
// transaction, or updates it when the source posts it again (a booking
// settled a second time). A charge cannot fall below what is already paid
// and credited on it, and a cancelled charge stays cancelled.
func PostCharge(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, in ChargeInput) (Charge, error) {
	if err := in.check(); err != nil {
		return Charge{}, err
	}
	acct := in.AccountID
	if acct == 0 {
		var err error
		if acct, err = AccountFor(ctx, tx, now, in.Party); err != nil {
			return Charge{}, err
		}
	}
	var id int64
	found := false
	if in.SourceID != 0 {
		err := tx.QueryRow(ctx, `SELECT id FROM billing_charges WHERE source = ? AND source_id = ? AND period = ?`, in.Source, in.SourceID, in.Period).Scan(&id)
		if err != nil && !store.IsNoRows(err) {
			return Charge{}, fmt.Errorf("find charge: %w", err)
		}
		found = err == nil
	}
	var before any
	var err error
	if found {
		if err := lockRow(ctx, tx, "billing_charges", id); err != nil {
			return Charge{}, err
		}
		old, err := getCharge(ctx, tx, id)
		if err != nil {
			return Charge{}, err
		}
		if old.Status == ChargeCancelled {
			return Charge{}, errs.New(errs.Conflict, "err.billing.charge_cancelled")
		}
		if in.AmountFen < old.PaidFen+old.CreditedFen {
			return Charge{}, errs.Field("amount", "err.billing.below_paid", "paid", Yuan(old.PaidFen+old.CreditedFen))
		}
		before = old
		if _, err := tx.Exec(ctx, `UPDATE billing_charges SET account_id = ?, description = ?, price_id = ?, qty_milli = ?, unit = ?, unit_fen = ?, amount_fen = ?,
 tax_rate_bp = ?, due_on = ?, updated_at = ? WHERE id = ?`, acct, in.Description, store.IDOrNil(in.PriceID), in.QtyMilli, in.Unit, in.UnitFen, in.AmountFen,
			in.TaxRateBP, in.DueOn, store.Ms(now), id); err != nil {
			return Charge{}, fmt.Errorf("update charge: %w", err)
		}
	} else {
		id, err = store.InsertID(ctx, tx, `INSERT INTO billing_charges (account_id, source, source_id, period, description, price_id, qty_milli, unit, unit_fen, amount_fen,
 tax_rate_bp, due_on, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
			acct, in.Source, store.IDOrNil(in.SourceID), in.Period, in.Description, store.IDOrNil(in.PriceID), in.QtyMilli, in.Unit, in.UnitFen, in.AmountFen,
			in.TaxRateBP, in.DueOn, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
		if err != nil {
			return Charge{}, fmt.Errorf("insert charge: %w", err)
		}
	}
	c, err := refreshStatus(ctx, tx, now, id)
	if err != nil {
		return Charge{}, err
	}
	action := "post"
	if found {
		action = "repost"
	}
	return c, audit.Record(ctx, tx, now, a, AuditCharge, id, action, before, c)
}

// statusOf derives a charge's status from its amount and allocations.
func statusOf(c Charge) string {
	switch {
	case c.CreditedFen > 0 && c.CreditedFen >= c.AmountFen:
		return ChargeCancelled
	case c.PaidFen+c.CreditedFen >= c.AmountFen:
		return ChargePaid
	case c.PaidFen > 0:
		return ChargePartlyPaid
	}
	return ChargeOpen
}

// refreshStatus stores the status derived from the charge's allocations.
func refreshStatus(ctx context.Context, q store.Querier, now time.Time, id int64) (Charge, error) {
	c, err := getCharge(ctx, q, id)
	if err != nil {
		return c, err
	}
	if st := statusOf(c); st != c.Status {
		if _, err := q.Exec(ctx, `UPDATE billing_charges SET status = ?, updated_at = ? WHERE id = ?`, st, store.Ms(now), id); err != nil {
			return c, fmt.Errorf("update charge status: %w", err)
		}
		c.Status = st
	}
	return c, nil
}

// AllocateCredit settles fen of a charge by a credit (credit notes are
// kept by the credits of this package), in the credit's transaction. A
// charge credited in full becomes cancelled; nothing else cancels one.
func AllocateCredit(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, chargeID, creditID, fen int64) (Charge, error) {
	if err := lockRow(ctx, tx, "billing_charges", chargeID); err != nil {
		return Charge{}, err
	}
	c, err := getCharge(ctx, tx, chargeID)
	if err != nil {
		return c, err
	}
	if creditID == 0 || fen <= 0 || fen > c.Outstanding() {
		return c, errs.Field("amount", "err.billing.over_outstanding", "outstanding", Yuan(c.Outstanding()))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO billing_allocations (charge_id, credit_id, amount_fen, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		chargeID, creditID, fen, store.IDOrNil(a.UserID), store.Ms(now)); err != nil {
		return c, fmt.Errorf("allocate credit: %w", err)
	}
	after, err := refreshStatus(ctx, tx, now, chargeID)
	if err != nil {
		return after, err
	}
	return after, audit.Record(ctx, tx, now, a, AuditCharge, chargeID, "credit", c, after)
}

// Paid is what was paid on a source's charge: the sum of its payment and
// deposit allocations, the method and time of the latest payment.
type Paid struct {
	ChargeID  int64
	AccountID int64
	AmountFen int64
	PaidFen   int64
	Method    string
	At        time.Time
}

// SourcePaid returns what was paid on the charge of a source record (the
// zero Paid when it has no charge). This is the one source of "paid".
func SourcePaid(ctx context.Context, q store.Querier, source string, sourceID int64) (Paid, error) {
	var p Paid
	err := q.QueryRow(ctx, `SELECT c.id, c.account_id, c.amount_fen, COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.charge_id = c.id AND l.credit_id IS NULL), 0)
 FROM billing_charges c WHERE c.source = ? AND c.source_id = ? AND c.period = ''`, source, sourceID).Scan(&p.ChargeID, &p.AccountID, &p.AmountFen, &p.PaidFen)
	if store.IsNoRows(err) {
		return Paid{}, nil
	}
	if err != nil {
		return p, fmt.Errorf("read paid of %s %d: %w", source, sourceID, err)
	}
	var at sql.NullInt64
	err = q.QueryRow(ctx, `SELECT p.method, p.received_at FROM billing_allocations l JOIN billing_payments p ON p.id = l.payment_id
 WHERE l.charge_id = ? AND l.amount_fen > 0 AND p.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM billing_payments r WHERE r.reverses_id = p.id)
 ORDER BY p.received_at DESC, p.id DESC LIMIT 1`, p.ChargeID).Scan(&p.Method, &at)
	if err != nil && !store.IsNoRows(err) {
		return p, fmt.Errorf("read last payment: %w", err)
	}
	p.At = store.NullMs(at)
	return p, nil
}

// ChargeFilter selects charges.
type ChargeFilter struct {
	AccountID int64
	Status    string // "" all, "unpaid" open or partly paid, or a status
	Source    string
	Limit     int
}

// Charges lists charges the actor may read, oldest due first.
func (s *Service) Charges(ctx context.Context, a access.Actor, f ChargeFilter) ([]Charge, error) {
	if f.AccountID != 0 {
		if _, err := s.Account(ctx, a, f.AccountID); err != nil {
			return nil, err
		}
	} else if !CanRead(a) {
		return nil, errs.Forbid()
	}
	return listCharges(ctx, s.DB, f)
}

func listCharges(ctx context.Context, q store.Querier, f ChargeFilter) ([]Charge, error) {
	where, args := "1=1", []any{}
	if f.AccountID != 0 {
		where += " AND c.account_id = ?"
		args = append(args, f.AccountID)
	}
	switch f.Status {
	case "":
	case "unpaid":
		where += " AND c.status IN ('open', 'partly_paid')"
	default:
		where += " AND c.status = ?"
		args = append(args, f.Status)
	}
	if f.Source != "" {
		where += " AND c.source = ?"
		args = append(args, f.Source)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := q.Query(ctx, `SELECT `+chargeCols+chargeFrom+` WHERE `+where+` ORDER BY c.due_on, c.id LIMIT `+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list charges: %w", err)
	}
	defer rows.Close()
	var out []Charge
	for rows.Next() {
		c, err := scanCharge(rows)
		if err != nil {
			return nil, fmt.Errorf("read charge: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Charge returns one charge the actor may read.
func (s *Service) Charge(ctx context.Context, a access.Actor, id int64) (Charge, error) {
	c, err := getCharge(ctx, s.DB, id)
	if err != nil {
		return c, err
	}
	if _, err := s.Account(ctx, a, c.AccountID); err != nil {
		return Charge{}, err
	}
	return c, nil
}

// PriceChargeInput bills an item of the published price list to an account
// by hand (finance): key cutting, a lost key, damage, a parking month.
type PriceChargeInput struct {
	AccountID   int64
	PriceID     int64
	QtyMilli    int64
	Description string // defaults to the price's name
	Period      string
	DueOn       string
}

// ChargeFromPrice bills a published, effective price to an account; the
// charge keeps the unit price it used, so a later price list never changes it.
func (s *Service) ChargeFromPrice(ctx context.Context, a access.Actor, in PriceChargeInput) (Charge, error) {
	if !CanKeep(a) {
		return Charge{}, errs.Forbid()
	}
	now := s.Clock.Now()
	if in.DueOn == "" {
		in.DueOn = s.day(now)
	}
	var out Charge
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := getAccount(ctx, tx, in.AccountID); err != nil {
			return errs.Field("account", "err.not_found")
		}
		p, err := effectivePrice(ctx, tx, in.PriceID, s.day(now))
		if err != nil {
			return err
		}
		if p.Section == SectionDeposit {
			return errs.Field("price", "err.billing.deposit_not_charge")
		}
		desc := in.Description
		if desc == "" {
			desc = p.NameZh
		}
		out, err = PostCharge(ctx, tx, now, a, ChargeInput{AccountID: in.AccountID, Source: SourceManual, Description: desc, PriceID: p.ID,
			QtyMilli: in.QtyMilli, Unit: p.Unit, UnitFen: p.UnitFen, TaxRateBP: p.TaxRateBP, Period: in.Period, DueOn: in.DueOn})
		return err
	})
	return out, err
}
