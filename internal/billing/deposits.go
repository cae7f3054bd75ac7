package billing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
)

// DepositInput is a deposit taken on an account for a purpose (BIL-06). It
// is always receipted; it is a liability, never income.
type DepositInput struct {
	AccountID   int64
	Purpose     string
	PurposeID   int64
	Description string
	PriceID     int64 // the deposit item of the price list it follows, if any
	AmountFen   int64
	Method      string
	Reference   string
	ReceivedAt  time.Time
}

// TakeDeposit records a deposit and issues its receipt (finance; office
// for a venue booking's deposit).
func (s *Service) TakeDeposit(ctx context.Context, a access.Actor, in DepositInput) (Deposit, error) {
	if !CanKeep(a) && !(CanRecordBooking(a) && in.Purpose == PurposeBooking) {
		return Deposit{}, errs.Forbid()
	}
	now := s.Clock.Now()
	var l errs.List
	if !slices.Contains(Purposes, in.Purpose) {
		l.Add("purpose", "err.invalid")
	}
	in.Description = checkText(&l, "description", in.Description, 200, in.Purpose == PurposeOther)
	if in.AmountFen <= 0 {
		l.Add("amount", "err.billing.amount_positive")
	}
	money.Check(&l, "amount", in.AmountFen)
	in.Reference = checkText(&l, "reference", in.Reference, 60, in.Method == "cheque")
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = now
	}
	if in.ReceivedAt.After(now.Add(time.Minute)) {
		l.Add("received_at", "err.billing.future")
	}
	var out Deposit
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := checkMethod(ctx, tx, &l, "method", in.Method); err != nil {
			return err
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := getAccount(ctx, tx, in.AccountID); err != nil {
			return errs.Field("account", "err.not_found")
		}
		if in.PriceID != 0 {
			p, err := effectivePrice(ctx, tx, in.PriceID, s.day(now))
			if err != nil {
				return err
			}
			if p.Section != SectionDeposit {
				return errs.Field("price", "err.invalid")
			}
		}
		id, err := store.InsertID(ctx, tx, `INSERT INTO billing_deposits (account_id, purpose, purpose_id, description, price_id, amount_fen, method, reference, received_at, received_by, created_by, created_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.AccountID, in.Purpose, store.IDOrNil(in.PurposeID), in.Description, store.IDOrNil(in.PriceID), in.AmountFen,
			in.Method, in.Reference, store.Ms(in.ReceivedAt), store.IDOrNil(a.UserID), store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert deposit: %w", err)
		}
		if _, err := issueReceipt(ctx, tx, now, a, 0, id); err != nil {
			return err
		}
		if out, err = getDeposit(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditDeposit, id, "take", nil, out)
	})
	return out, err
}

const depositCols = `d.id, d.account_id, a.name, d.purpose, COALESCE(d.purpose_id, 0), d.description, COALESCE(d.price_id, 0), d.amount_fen, d.method, d.reference,
 d.received_at, COALESCE(u.display_name, ''),
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.deposit_id = d.id), 0),
 COALESCE((SELECT SUM(r.amount_fen) FROM billing_deposit_refunds r WHERE r.deposit_id = d.id), 0),
 COALESCE((SELECT rc.id FROM billing_receipts rc WHERE rc.deposit_id = d.id AND rc.voided_at IS NULL), 0),
 COALESCE((SELECT rc.number FROM billing_receipts rc WHERE rc.deposit_id = d.id AND rc.voided_at IS NULL), '')`

const depositFrom = ` FROM billing_deposits d JOIN billing_accounts a ON a.id = d.account_id LEFT JOIN users u ON u.id = d.received_by`

func scanDeposit(sc interface{ Scan(...any) error }) (Deposit, error) {
	var d Deposit
	var at int64
	err := sc.Scan(&d.ID, &d.AccountID, &d.AccountName, &d.Purpose, &d.PurposeID, &d.Description, &d.PriceID, &d.AmountFen, &d.Method, &d.Reference,
		&at, &d.ReceivedBy, &d.AppliedFen, &d.RefundedFen, &d.ReceiptID, &d.ReceiptNo)
	d.ReceivedAt = store.Time(at)
	d.HeldFen = d.AmountFen - d.AppliedFen - d.RefundedFen
	return d, err
}

func getDeposit(ctx context.Context, q store.Querier, id int64) (Deposit, error) {
	d, err := scanDeposit(q.QueryRow(ctx, `SELECT `+depositCols+depositFrom+` WHERE d.id = ?`, id))
	if err != nil {
		return d, wrap(err, "read deposit")
	}
	rows, err := q.Query(ctx, `SELECT r.id, r.amount_fen, r.method, r.reference, r.note, r.refunded_at, COALESCE(u.display_name, '')
 FROM billing_deposit_refunds r LEFT JOIN users u ON u.id = r.refunded_by WHERE r.deposit_id = ? ORDER BY r.id`, id)
	if err != nil {
		return d, fmt.Errorf("read refunds: %w", err)
	}
	defer rows.Close()
	d.Refunds = []Refund{}
	for rows.Next() {
		x := Refund{DepositID: id}
		var at int64
		if err := rows.Scan(&x.ID, &x.AmountFen, &x.Method, &x.Reference, &x.Note, &at, &x.RefundedBy); err != nil {
			return d, fmt.Errorf("read refund: %w", err)
		}
		x.RefundedAt = store.Time(at)
		d.Refunds = append(d.Refunds, x)
	}
	return d, rows.Err()
}

// Deposit returns a deposit the actor may read.
func (s *Service) Deposit(ctx context.Context, a access.Actor, id int64) (Deposit, error) {
	d, err := getDeposit(ctx, s.DB, id)
	if err != nil {
		return d, err
	}
	if _, err := s.Account(ctx, a, d.AccountID); err != nil {
		return Deposit{}, err
	}
	if a.IsClient() {
		d.ReceivedBy = ""
		for i := range d.Refunds {
			d.Refunds[i].RefundedBy, d.Refunds[i].Note = "", ""
		}
	}
	return d, nil
}

// Deposits lists deposits: of one account, or (accountID 0) all still held.
func (s *Service) Deposits(ctx context.Context, a access.Actor, accountID int64) ([]Deposit, error) {
	where, args := "d.account_id = ?", []any{accountID}
	if accountID == 0 {
		if !CanRead(a) {
			return nil, errs.Forbid()
		}
		where, args = "1=1", nil
	} else if _, err := s.Account(ctx, a, accountID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+depositCols+depositFrom+` WHERE `+where+` ORDER BY d.received_at DESC, d.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("list deposits: %w", err)
	}
	defer rows.Close()
	var out []Deposit
	for rows.Next() {
		d, err := scanDeposit(rows)
		if err != nil {
			return nil, fmt.Errorf("read deposit: %w", err)
		}
		if accountID == 0 && d.HeldFen <= 0 {
			continue
		}
		if a.IsClient() {
			d.ReceivedBy = ""
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// changeDeposit runs fn on a deposit the actor keeps: finance, or office
// for a venue booking's deposit.
func (s *Service) changeDeposit(ctx context.Context, a access.Actor, id int64, action string, fn func(tx *store.Tx, d Deposit, now time.Time) error) (Deposit, error) {
	now := s.Clock.Now()
	var out Deposit
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockRow(ctx, tx, "billing_deposits", id); err != nil {
			return err
		}
		d, err := getDeposit(ctx, tx, id)
		if err != nil {
			return err
		}
		acc, err := getAccount(ctx, tx, d.AccountID)
		if err != nil {
			return err
		}
		if !CanKeep(a) && !(CanRecordBooking(a) && d.Purpose == PurposeBooking) {
			return errs.Refuse(canReadAccount(a, acc))
		}
		if err := fn(tx, d, now); err != nil {
			return err
		}
		if out, err = getDeposit(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditDeposit, id, action, d, out)
	})
	return out, err
}

// ApplyDeposit applies part of a held deposit to a charge of the same
// account at settlement. Only then does the money become income (of the charge).
func (s *Service) ApplyDeposit(ctx context.Context, a access.Actor, id int64, sh Share) (Deposit, error) {
	return s.changeDeposit(ctx, a, id, "apply", func(tx *store.Tx, d Deposit, now time.Time) error {
		if sh.AmountFen <= 0 || sh.AmountFen > d.HeldFen {
			return errs.Field("amount", "err.billing.over_held", "held", Yuan(d.HeldFen))
		}
		return allocate(ctx, tx, now, a, d.AccountID, sh, "deposit_id", id)
	})
}

// RefundInput pays back (part of) a held deposit.
type RefundInput struct {
	AmountFen  int64
	Method     string
	Reference  string
	Note       string
	RefundedAt time.Time
}

// RefundDeposit records a refund out of a held deposit.
func (s *Service) RefundDeposit(ctx context.Context, a access.Actor, id int64, in RefundInput) (Deposit, error) {
	return s.changeDeposit(ctx, a, id, "refund", func(tx *store.Tx, d Deposit, now time.Time) error {
		var l errs.List
		if in.AmountFen <= 0 || in.AmountFen > d.HeldFen {
			l.Add("amount", "err.billing.over_held", "held", Yuan(d.HeldFen))
		}
		if err := checkMethod(ctx, tx, &l, "method", in.Method); err != nil {
			return err
		}
		in.Reference = checkText(&l, "reference", in.Reference, 60, false)
		in.Note = checkText(&l, "note", in.Note, 200, false)
		if in.RefundedAt.IsZero() {
			in.RefundedAt = now
		}
		if in.RefundedAt.After(now.Add(time.Minute)) {
			l.Add("refunded_at", "err.billing.future")
		}
		if err := l.Err(); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO billing_deposit_refunds (deposit_id, amount_fen, method, reference, note, refunded_at, refunded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, in.AmountFen, in.Method, in.Reference, in.Note, store.Ms(in.RefundedAt), store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert refund: %w", err)
		}
		return nil
	})
}

// DepositsHeld returns the total of deposits held, a liability, for reports.
func DepositsHeld(ctx context.Context, q store.Querier) (int64, error) {
	var total int64
	err := q.QueryRow(ctx, `SELECT COALESCE((SELECT SUM(amount_fen) FROM billing_deposits), 0) - COALESCE((SELECT SUM(amount_fen) FROM billing_allocations WHERE deposit_id IS NOT NULL), 0)
 - COALESCE((SELECT SUM(amount_fen) FROM billing_deposit_refunds), 0)`).Scan(&total)
	return total, wrap(err, "deposits held")
}
