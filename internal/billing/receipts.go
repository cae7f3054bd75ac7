package billing

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/numbering"
	"jiedai/internal/store"
)

// issueReceipt numbers a receipt for a payment or a deposit (one of the
// two) in the caller's transaction, with its lines frozen: the charges the
// payment went to and any rest as account credit, or the deposit.
func issueReceipt(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, paymentID, depositID int64) (Receipt, error) {
	var accountID, amount int64
	var method string
	var lines []ReceiptLine
	col, ref := "payment_id", paymentID
	if paymentID != 0 {
		if err := lockRow(ctx, tx, "billing_payments", paymentID); err != nil {
			return Receipt{}, err
		}
		p, err := getPayment(ctx, tx, paymentID)
		if err != nil {
			return Receipt{}, err
		}
		if p.ReversesID != 0 || p.ReversedByID != 0 {
			return Receipt{}, errs.New(errs.Conflict, "err.billing.already_reversed")
		}
		accountID, amount, method = p.AccountID, p.AmountFen, p.Method
		for _, x := range p.Allocations {
			lines = append(lines, ReceiptLine{Description: x.Description, AmountFen: x.AmountFen})
		}
		if p.UnallocFen > 0 {
			lines = append(lines, ReceiptLine{Description: "预收款 / Advance payment", AmountFen: p.UnallocFen})
		}
	} else {
		col, ref = "deposit_id", depositID
		d, err := getDeposit(ctx, tx, depositID)
		if err != nil {
			return Receipt{}, err
		}
		accountID, amount, method = d.AccountID, d.AmountFen, d.Method
		desc := "押金 / Deposit"
		if d.Description != "" {
			desc += ": " + d.Description
		}
		lines = append(lines, ReceiptLine{Description: desc, AmountFen: d.AmountFen})
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM billing_receipts WHERE `+col+` = ? AND voided_at IS NULL`, ref).Scan(&n); err != nil {
		return Receipt{}, fmt.Errorf("find receipt: %w", err)
	}
	if n > 0 {
		return Receipt{}, errs.New(errs.Conflict, "err.billing.receipt_exists")
	}
	acc, err := getAccount(ctx, tx, accountID)
	if err != nil {
		return Receipt{}, err
	}
	notice, err := ReceiptNotice(ctx, tx)
	if err != nil {
		return Receipt{}, err
	}
	no, err := numbering.Next(ctx, tx, numbering.Receipt, now)
	if err != nil {
		return Receipt{}, err
	}
	payer := acc.Name
	if acc.BuyerName != "" {
		payer = acc.BuyerName
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO billing_receipts (number, account_id, payment_id, deposit_id, payer, amount_fen, method, notice, issued_at, issued_by)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, no, accountID, store.IDOrNil(paymentID), store.IDOrNil(depositID), payer, amount, method, notice, store.Ms(now), store.IDOrNil(a.UserID))
	if err != nil {
		return Receipt{}, fmt.Errorf("insert receipt: %w", err)
	}
	for i, ln := range lines {
		if _, err := tx.Exec(ctx, `INSERT INTO billing_receipt_lines (receipt_id, seq, description, amount_fen) VALUES (?, ?, ?, ?)`, id, i+1, ln.Description, ln.AmountFen); err != nil {
			return Receipt{}, fmt.Errorf("insert receipt line: %w", err)
		}
	}
	r, err := getReceipt(ctx, tx, id)
	if err != nil {
		return r, err
	}
	return r, audit.Record(ctx, tx, now, a, AuditReceipt, id, "issue", nil, r)
}

const receiptCols = `r.id, r.number, r.account_id, a.name, COALESCE(r.payment_id, 0), COALESCE(r.deposit_id, 0), r.payer, r.amount_fen, r.method, r.notice,
 r.issued_at, COALESCE(ui.display_name, ''), r.print_count, r.voided_at, COALESCE(uv.display_name, ''), r.void_reason`

const receiptFrom = ` FROM billing_receipts r JOIN billing_accounts a ON a.id = r.account_id LEFT JOIN users ui ON ui.id = r.issued_by LEFT JOIN users uv ON uv.id = r.voided_by`

func scanReceipt(sc interface{ Scan(...any) error }) (Receipt, error) {
	var r Receipt
	var issued int64
	var voided sql.NullInt64
	err := sc.Scan(&r.ID, &r.Number, &r.AccountID, &r.AccountName, &r.PaymentID, &r.DepositID, &r.Payer, &r.AmountFen, &r.Method, &r.Notice,
		&issued, &r.IssuedBy, &r.PrintCount, &voided, &r.VoidedBy, &r.VoidReason)
	r.IssuedAt, r.VoidedAt, r.Voided = store.Time(issued), store.NullMs(voided), voided.Valid
	return r, err
}

func getReceipt(ctx context.Context, q store.Querier, id int64) (Receipt, error) {
	r, err := scanReceipt(q.QueryRow(ctx, `SELECT `+receiptCols+receiptFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return r, wrap(err, "read receipt")
	}
	rows, err := q.Query(ctx, `SELECT seq, description, amount_fen FROM billing_receipt_lines WHERE receipt_id = ? ORDER BY seq`, id)
	if err != nil {
		return r, fmt.Errorf("read receipt lines: %w", err)
	}
	defer rows.Close()
	r.Lines = []ReceiptLine{}
	for rows.Next() {
		var ln ReceiptLine
		if err := rows.Scan(&ln.Seq, &ln.Description, &ln.AmountFen); err != nil {
			return r, fmt.Errorf("read receipt line: %w", err)
		}
		r.Lines = append(r.Lines, ln)
	}
	return r, rows.Err()
}

// Receipt returns a receipt the actor may read.
func (s *Service) Receipt(ctx context.Context, a access.Actor, id int64) (Receipt, error) {
	r, err := getReceipt(ctx, s.DB, id)
	if err != nil {
		return r, err
	}
	if _, err := s.Account(ctx, a, r.AccountID); err != nil {
		return Receipt{}, err
	}
	if a.IsClient() {
		r.IssuedBy, r.VoidedBy = "", ""
	}
	return r, nil
}

// Receipts lists an account's receipts, newest first.
func (s *Service) Receipts(ctx context.Context, a access.Actor, accountID int64) ([]Receipt, error) {
	if _, err := s.Account(ctx, a, accountID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+receiptCols+receiptFrom+` WHERE r.account_id = ? ORDER BY r.issued_at DESC, r.id DESC LIMIT 500`, accountID)
	if err != nil {
		return nil, fmt.Errorf("list receipts: %w", err)
	}
	defer rows.Close()
	var out []Receipt
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, fmt.Errorf("read receipt: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// IssueReceipt issues the receipt of a payment taken without one (finance,
// or office for venue-booking payments).
func (s *Service) IssueReceipt(ctx context.Context, a access.Actor, paymentID int64) (Receipt, error) {
	now := s.Clock.Now()
	var out Receipt
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		_, _, err := changeablePayment(ctx, tx, a, paymentID)
		if err != nil {
			return err
		}
		out, err = issueReceipt(ctx, tx, now, a, paymentID, 0)
		return err
	})
	return out, err
}

// voidReceipt voids a receipt with a reason; its number stays taken.
func voidReceipt(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, id int64, reason string) error {
	before, err := getReceipt(ctx, tx, id)
	if err != nil {
		return err
	}
	if before.Voided {
		return errs.New(errs.Conflict, "err.billing.receipt_voided")
	}
	if _, err := tx.Exec(ctx, `UPDATE billing_receipts SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?`, store.Ms(now), store.IDOrNil(a.UserID), reason, id); err != nil {
		return fmt.Errorf("void receipt: %w", err)
	}
	after, err := getReceipt(ctx, tx, id)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, a, AuditReceipt, id, "void", before, after)
}

// VoidReceipt voids a receipt issued in error (finance). It keeps its
// number; the payment stands and may get a new receipt.
func (s *Service) VoidReceipt(ctx context.Context, a access.Actor, id int64, reason string) (Receipt, error) {
	var l errs.List
	reason = checkText(&l, "reason", reason, 200, true)
	now := s.Clock.Now()
	var out Receipt
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := getReceipt(ctx, tx, id)
		if err != nil {
			return err
		}
		acc, err := getAccount(ctx, tx, r.AccountID)
		if err != nil {
			return err
		}
		if !CanKeep(a) {
			return errs.Refuse(canReadAccount(a, acc))
		}
		if err := l.Err(); err != nil {
			return err
		}
		if err := voidReceipt(ctx, tx, now, a, id, reason); err != nil {
			return err
		}
		out, err = getReceipt(ctx, tx, id)
		return err
	})
	return out, err
}

// PrintReceipt counts a print of the receipt and returns it with its print
// number: the first print is the original, any later one is a reprint
// (补打), audited as such. Finance and office print; a voided receipt
// prints only for finance, marked void.
func (s *Service) PrintReceipt(ctx context.Context, a access.Actor, id int64) (Receipt, error) {
	now := s.Clock.Now()
	var out Receipt
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := getReceipt(ctx, tx, id)
		if err != nil {
			return err
		}
		acc, err := getAccount(ctx, tx, before.AccountID)
		if err != nil {
			return err
		}
		if !CanRecordBooking(a) {
			return errs.Refuse(canReadAccount(a, acc))
		}
		if _, err := tx.Exec(ctx, `UPDATE billing_receipts SET print_count = print_count + 1 WHERE id = ?`, id); err != nil {
			return fmt.Errorf("count print: %w", err)
		}
		if out, err = getReceipt(ctx, tx, id); err != nil {
			return err
		}
		action := "print"
		if out.PrintCount > 1 {
			action = "reprint"
		}
		return audit.Record(ctx, tx, now, a, AuditReceipt, id, action, map[string]int{"print_count": before.PrintCount}, map[string]int{"print_count": out.PrintCount})
	})
	return out, err
}
