package billing

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
)

// Share is part of a payment or deposit allocated to a charge.
type Share struct {
	ChargeID  int64 `json:"charge_id"`
	AmountFen int64 `json:"amount_fen" minimum:"1"`
}

// PaymentInput is money received on an account, allocated to charges of
// the account (partial allowed); the rest stays on the account as credit.
type PaymentInput struct {
	AccountID  int64
	AmountFen  int64
	Method     string
	Reference  string // cheque number, bank reference, card last 4
	ReceivedAt time.Time
	Note       string
	Source     string // where it was taken, e.g. booking
	SourceID   int64
	Shares     []Share
	Receipt    bool // issue a receipt with it
}

// RecordPayment records a payment: finance for any charge; office only for
// venue-booking charges, and all of it allocated to them.
func (s *Service) RecordPayment(ctx context.Context, a access.Actor, in PaymentInput) (Payment, error) {
	if !CanRecordBooking(a) {
		return Payment{}, s.refuseAccount(ctx, a, in.AccountID)
	}
	now := s.Clock.Now()
	var out Payment
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = RecordPaymentTx(ctx, tx, now, a, in)
		return err
	})
	return out, err
}

// RecordPaymentTx records a payment in the caller's transaction (booking
// settlement takes the payment with the statement). It checks the actor
// as RecordPayment does.
func RecordPaymentTx(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, in PaymentInput) (Payment, error) {
	if !CanRecordBooking(a) {
		return Payment{}, errs.Forbid()
	}
	var l errs.List
	if in.AmountFen <= 0 {
		l.Add("amount", "err.billing.amount_positive")
	}
	money.Check(&l, "amount", in.AmountFen)
	if err := checkMethod(ctx, tx, &l, "method", in.Method); err != nil {
		return Payment{}, err
	}
	in.Reference = checkText(&l, "reference", in.Reference, 60, in.Method == "cheque")
	in.Note = checkText(&l, "note", in.Note, 200, false)
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = now
	}
	if in.ReceivedAt.After(now.Add(time.Minute)) {
		l.Add("received_at", "err.billing.future")
	}
	if len(in.Shares) > 100 {
		l.Add("shares", "err.invalid")
	}
	var sum int64
	for _, sh := range in.Shares {
		if sh.AmountFen <= 0 || !money.Valid(sh.AmountFen) {
			l.Add("shares", "err.billing.amount_positive")
			break
		}
		sum += sh.AmountFen
	}
	if len(l) == 0 && sum > in.AmountFen {
		l.Add("shares", "err.billing.over_payment")
	}
	if err := l.Err(); err != nil {
		return Payment{}, err
	}
	if err := CheckOpenDate(ctx, tx, in.ReceivedAt, "received_at"); err != nil {
		return Payment{}, err
	}
	acc, err := getAccount(ctx, tx, in.AccountID)
	if err != nil {
		return Payment{}, errs.Field("account", "err.not_found")
	}
	if !CanKeep(a) {
		// Office: venue bookings only, and all of the money on them.
		if len(in.Shares) == 0 || sum != in.AmountFen {
			return Payment{}, errs.Field("shares", "err.billing.office_bookings")
		}
		for _, sh := range in.Shares {
			c, err := getCharge(ctx, tx, sh.ChargeID)
			if err != nil || c.Source != SourceBooking {
				return Payment{}, errs.Field("shares", "err.billing.office_bookings")
			}
		}
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO billing_payments (account_id, amount_fen, method, reference, source, source_id, note, received_at, received_by, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, acc.ID, in.AmountFen, in.Method, in.Reference, in.Source, store.IDOrNil(in.SourceID), in.Note,
		store.Ms(in.ReceivedAt), store.IDOrNil(a.UserID), store.IDOrNil(a.UserID), store.Ms(now))
	if err != nil {
		return Payment{}, fmt.Errorf("insert payment: %w", err)
	}
	for _, sh := range in.Shares {
		if err := allocate(ctx, tx, now, a, acc.ID, sh, "payment_id", id); err != nil {
			return Payment{}, err
		}
	}
	if in.Receipt {
		if _, err := issueReceipt(ctx, tx, now, a, id, 0); err != nil {
			return Payment{}, err
		}
	}
	p, err := getPayment(ctx, tx, id)
	if err != nil {
		return p, err
	}
	return p, audit.Record(ctx, tx, now, a, AuditPayment, id, "record", nil, p)
}

// allocate puts part of a payment or deposit (col names which) on a charge
// of the same account, at most what is outstanding on it.
func allocate(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, accountID int64, sh Share, col string, from int64) error {
	if err := lockRow(ctx, tx, "billing_charges", sh.ChargeID); err != nil {
		return errs.Field("shares", "err.billing.charge_of_account")
	}
	c, err := getCharge(ctx, tx, sh.ChargeID)
	if err != nil || c.AccountID != accountID {
		return errs.Field("shares", "err.billing.charge_of_account")
	}
	if c.Status == ChargeCancelled {
		return errs.Field("shares", "err.billing.charge_cancelled")
	}
	if sh.AmountFen > c.Outstanding() {
		return errs.Field("shares", "err.billing.over_outstanding", "outstanding", Yuan(c.Outstanding()))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO billing_allocations (charge_id, `+col+`, amount_fen, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		c.ID, from, sh.AmountFen, store.IDOrNil(a.UserID), store.Ms(now)); err != nil {
		return fmt.Errorf("allocate: %w", err)
	}
	_, err = refreshStatus(ctx, tx, now, c.ID)
	return err
}

const paymentCols = `p.id, p.account_id, a.name, p.amount_fen, p.method, p.reference, p.source, COALESCE(p.source_id, 0), p.note, p.received_at,
 COALESCE(u.display_name, ''), COALESCE(p.reverses_id, 0), COALESCE((SELECT r.id FROM billing_payments r WHERE r.reverses_id = p.id), 0), p.reason, p.created_at,
 COALESCE((SELECT rc.id FROM billing_receipts rc WHERE rc.payment_id = p.id AND rc.voided_at IS NULL), 0),
 COALESCE((SELECT rc.number FROM billing_receipts rc WHERE rc.payment_id = p.id AND rc.voided_at IS NULL), '')`

const paymentFrom = ` FROM billing_payments p JOIN billing_accounts a ON a.id = p.account_id LEFT JOIN users u ON u.id = p.received_by`

func scanPayment(sc interface{ Scan(...any) error }) (Payment, error) {
	var p Payment
	var at, created int64
	err := sc.Scan(&p.ID, &p.AccountID, &p.AccountName, &p.AmountFen, &p.Method, &p.Reference, &p.Source, &p.SourceID, &p.Note, &at,
		&p.ReceivedBy, &p.ReversesID, &p.ReversedByID, &p.Reason, &created, &p.ReceiptID, &p.ReceiptNo)
	p.ReceivedAt, p.CreatedAt = store.Time(at), store.Time(created)
	return p, err
}

// getPayment reads a payment with its allocations.
func getPayment(ctx context.Context, q store.Querier, id int64) (Payment, error) {
	p, err := scanPayment(q.QueryRow(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE p.id = ?`, id))
	if err != nil {
		return p, wrap(err, "read payment")
	}
	rows, err := q.Query(ctx, `SELECT l.id, l.charge_id, c.description, l.amount_fen, l.created_at FROM billing_allocations l JOIN billing_charges c ON c.id = l.charge_id
 WHERE l.payment_id = ? ORDER BY l.id`, id)
	if err != nil {
		return p, fmt.Errorf("read allocations: %w", err)
	}
	defer rows.Close()
	p.Allocations = []Allocation{}
	var alloc int64
	for rows.Next() {
		x := Allocation{PaymentID: id}
		var at int64
		if err := rows.Scan(&x.ID, &x.ChargeID, &x.Description, &x.AmountFen, &at); err != nil {
			return p, fmt.Errorf("read allocation: %w", err)
		}
		x.CreatedAt = store.Time(at)
		alloc += x.AmountFen
		p.Allocations = append(p.Allocations, x)
	}
	p.UnallocFen = p.AmountFen - alloc
	return p, rows.Err()
}

// clientView hides what a client user does not see of a payment: who in
// the company took it, and the internal note.
func clientView(a access.Actor, p Payment) Payment {
	if a.IsClient() {
		p.ReceivedBy, p.Note = "", ""
	}
	return p
}

// Payment returns a payment the actor may read.
func (s *Service) Payment(ctx context.Context, a access.Actor, id int64) (Payment, error) {
	p, err := getPayment(ctx, s.DB, id)
	if err != nil {
		return p, err
	}
	if _, err := s.Account(ctx, a, p.AccountID); err != nil {
		return Payment{}, err
	}
	return clientView(a, p), nil
}

// Payments lists an account's payments (and reversals), newest first.
func (s *Service) Payments(ctx context.Context, a access.Actor, accountID int64) ([]Payment, error) {
	if _, err := s.Account(ctx, a, accountID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE p.account_id = ? ORDER BY p.received_at DESC, p.id DESC LIMIT 500`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	var ids []int64
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read payment: %w", err)
		}
		ids = append(ids, p.ID)
	}
	rows.Close()
	out := make([]Payment, 0, len(ids))
	for _, id := range ids {
		p, err := getPayment(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, clientView(a, p))
	}
	return out, nil
}

// canChange reports whether the actor may reverse or re-allocate p: finance
// always, office when all of it went to venue bookings.
// changeablePayment reads payment id and its account for a change by a:
// refused unless a may change that payment.
func changeablePayment(ctx context.Context, tx *store.Tx, a access.Actor, id int64) (Payment, Account, error) {
	p, err := getPayment(ctx, tx, id)
	if err != nil {
		return Payment{}, Account{}, err
	}
	acc, err := getAccount(ctx, tx, p.AccountID)
	if err != nil {
		return Payment{}, Account{}, err
	}
	ok, err := canChange(ctx, tx, a, p)
	if err != nil {
		return Payment{}, Account{}, err
	}
	if !ok {
		return Payment{}, Account{}, errs.Refuse(canReadAccount(a, acc))
	}
	return p, acc, nil
}

func canChange(ctx context.Context, q store.Querier, a access.Actor, p Payment) (bool, error) {
	if CanKeep(a) {
		return true, nil
	}
	if !CanRecordBooking(a) || len(p.Allocations) == 0 {
		return false, nil
	}
	for _, x := range p.Allocations {
		c, err := getCharge(ctx, q, x.ChargeID)
		if err != nil {
			return false, err
		}
		if c.Source != SourceBooking {
			return false, nil
		}
	}
	return true, nil
}

// ReversePayment reverses a payment entered wrongly: a new payment of the
// negated amount with negated allocations, and its receipt voided with the
// reason (keeping its number). The payment itself is never edited; enter
// the right one afresh.
func (s *Service) ReversePayment(ctx context.Context, a access.Actor, id int64, reason string) (Payment, error) {
	var l errs.List
	reason = checkText(&l, "reason", reason, 200, true)
	now := s.Clock.Now()
	var out Payment
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockRow(ctx, tx, "billing_payments", id); err != nil {
			return err
		}
		p, _, err := changeablePayment(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := l.Err(); err != nil {
			return err
		}
		if err := CheckOpenDate(ctx, tx, now, "reason"); err != nil { // the reversal is dated now
			return err
		}
		if p.ReversesID != 0 {
			return errs.New(errs.Conflict, "err.billing.reverse_reversal")
		}
		if p.ReversedByID != 0 {
			return errs.New(errs.Conflict, "err.billing.already_reversed")
		}
		rid, err := store.InsertID(ctx, tx, `INSERT INTO billing_payments (account_id, amount_fen, method, reference, source, source_id, note, received_at, received_by,
 reverses_id, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.AccountID, -p.AmountFen, p.Method, p.Reference, p.Source,
			store.IDOrNil(p.SourceID), "", store.Ms(now), store.IDOrNil(a.UserID), id, reason, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert reversal: %w", err)
		}
		for _, x := range p.Allocations {
			if _, err := tx.Exec(ctx, `INSERT INTO billing_allocations (charge_id, payment_id, amount_fen, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
				x.ChargeID, rid, -x.AmountFen, store.IDOrNil(a.UserID), store.Ms(now)); err != nil {
				return fmt.Errorf("reverse allocation: %w", err)
			}
			if _, err := refreshStatus(ctx, tx, now, x.ChargeID); err != nil {
				return err
			}
		}
		if p.ReceiptID != 0 {
			if err := voidReceipt(ctx, tx, now, a, p.ReceiptID, reason); err != nil {
				return err
			}
		}
		if out, err = getPayment(ctx, tx, rid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPayment, id, "reverse", p, out)
	})
	return out, err
}

// AllocatePayment puts unallocated money of a payment (credit on the
// account) on a charge of the same account.
func (s *Service) AllocatePayment(ctx context.Context, a access.Actor, id int64, sh Share) (Payment, error) {
	now := s.Clock.Now()
	var out Payment
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockRow(ctx, tx, "billing_payments", id); err != nil {
			return err
		}
		p, err := getPayment(ctx, tx, id)
		if err != nil {
			return err
		}
		acc, err := getAccount(ctx, tx, p.AccountID)
		if err != nil {
			return err
		}
		if !CanKeep(a) {
			return errs.Refuse(canReadAccount(a, acc))
		}
		if p.ReversesID != 0 || p.ReversedByID != 0 {
			return errs.New(errs.Conflict, "err.billing.already_reversed")
		}
		if sh.AmountFen <= 0 || sh.AmountFen > p.UnallocFen {
			return errs.Field("amount", "err.billing.over_payment")
		}
		if err := allocate(ctx, tx, now, a, p.AccountID, sh, "payment_id", id); err != nil {
			return err
		}
		if out, err = getPayment(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPayment, id, "allocate", p, out)
	})
	return out, err
}
