package billing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// AccountView is an account's billing as its reader may see it (the
// client portal's 我的账单, and the staff's view of one account): open
// charges with due dates, payments with their receipts, deposits held,
// fapiao, and the charges a fapiao may still be asked for.
type AccountView struct {
	Account     Account      `json:"account"`
	Open        []Receivable `json:"open_charges"`
	OwedFen     int64        `json:"owed_fen"`
	Payments    []Payment    `json:"payments"`
	Deposits    []Deposit    `json:"deposits"`
	Fapiao      []Fapiao     `json:"fapiao"`
	Invoiceable []Charge     `json:"invoiceable" doc:"Charges a fapiao may be requested for"`
}

// ForReader is what the actor may see of an account: client users do not
// see the staff names on payments.
func (v AccountView) ForReader(a access.Actor) AccountView {
	if a.IsClient() {
		v.Account.Origin = ""
		for i := range v.Payments {
			v.Payments[i].ReceivedBy = ""
		}
		for i := range v.Deposits {
			v.Deposits[i].ReceivedBy = ""
		}
	}
	return v
}

// View returns an account's billing to a reader of it.
func (b *Books) View(ctx context.Context, a access.Actor, account int64) (AccountView, error) {
	acc, err := readableAccount(ctx, b.DB, a, account)
	if err != nil {
		return AccountView{}, err
	}
	v := AccountView{Account: acc}
	if v.Open, err = b.OpenCharges(ctx, a, account); err != nil {
		return v, err
	}
	for _, r := range v.Open {
		v.OwedFen += r.OwedFen
	}
	if v.Payments, err = accountPayments(ctx, b.DB, account); err != nil {
		return v, err
	}
	if v.Deposits, err = accountDeposits(ctx, b.DB, account); err != nil {
		return v, err
	}
	if v.Fapiao, err = b.ListFapiao(ctx, a, FapiaoFilter{AccountID: account, Limit: 100}); err != nil {
		return v, err
	}
	if v.Invoiceable, err = invoiceableCharges(ctx, b.DB, account); err != nil {
		return v, err
	}
	return v.ForReader(a), nil
}

func accountPayments(ctx context.Context, q store.Querier, account int64) ([]Payment, error) {
	rows, err := q.Query(ctx, `SELECT p.id, p.amount_fen, p.method, p.reference, p.received_at, COALESCE(u.display_name, ''), COALESCE(p.reverses_id, 0),
 COALESCE(r.number, ''), COALESCE(r.id, 0) FROM billing_payments p LEFT JOIN users u ON u.id = p.received_by
 LEFT JOIN billing_receipts r ON r.payment_id = p.id AND r.voided_at IS NULL WHERE p.account_id = ? ORDER BY p.received_at DESC, p.id DESC LIMIT 100`, account)
	if err != nil {
		return nil, fmt.Errorf("account payments: %w", err)
	}
	defer rows.Close()
	out := []Payment{}
	for rows.Next() {
		var p Payment
		var at int64
		if err := rows.Scan(&p.ID, &p.AmountFen, &p.Method, &p.Reference, &at, &p.ReceivedBy, &p.ReversesID, &p.ReceiptNo, &p.ReceiptID); err != nil {
			return nil, fmt.Errorf("scan payment: %w", err)
		}
		p.AccountID, p.ReceivedAt, p.Allocations = account, store.Time(at), []Allocation{}
		out = append(out, p)
	}
	return out, rows.Err()
}

func accountDeposits(ctx context.Context, q store.Querier, account int64) ([]Deposit, error) {
	rows, err := q.Query(ctx, `SELECT d.id, d.purpose, d.description, d.amount_fen, d.method, d.received_at, COALESCE(u.display_name, ''),
 COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.deposit_id = d.id), 0),
 COALESCE((SELECT SUM(r.amount_fen) FROM billing_deposit_refunds r WHERE r.deposit_id = d.id), 0),
 COALESCE((SELECT MAX(r.number) FROM billing_receipts r WHERE r.deposit_id = d.id AND r.voided_at IS NULL), '')
 FROM billing_deposits d LEFT JOIN users u ON u.id = d.received_by WHERE d.account_id = ? ORDER BY d.received_at DESC, d.id DESC LIMIT 100`, account)
	if err != nil {
		return nil, fmt.Errorf("account deposits: %w", err)
	}
	defer rows.Close()
	out := []Deposit{}
	for rows.Next() {
		var d Deposit
		var at int64
		if err := rows.Scan(&d.ID, &d.Purpose, &d.Description, &d.AmountFen, &d.Method, &at, &d.ReceivedBy, &d.AppliedFen, &d.RefundedFen, &d.ReceiptNo); err != nil {
			return nil, fmt.Errorf("scan deposit: %w", err)
		}
		d.AccountID, d.ReceivedAt, d.Refunds = account, store.Time(at), []Refund{}
		d.HeldFen = max(d.AmountFen-d.AppliedFen-d.RefundedFen, 0)
		out = append(out, d)
	}
	return out, rows.Err()
}

// invoiceableCharges lists an account's charges that a fapiao may be asked
// for: not cancelled, not fully credited, not deposits, not on a live fapiao.
func invoiceableCharges(ctx context.Context, q store.Querier, account int64) ([]Charge, error) {
	rows, err := q.Query(ctx, `SELECT c.id, c.source, c.description, c.amount_fen, c.tax_rate_bp, c.due_on, c.status,
 COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.charge_id = c.id AND x.credit_id IS NULL), 0),
 COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.charge_id = c.id AND x.credit_id IS NOT NULL), 0)
 FROM billing_charges c LEFT JOIN billing_prices p ON p.id = c.price_id
 WHERE c.account_id = ? AND c.status <> 'cancelled' AND COALESCE(p.section, '') <> 'deposit'
 AND NOT EXISTS (SELECT 1 FROM billing_fapiao_lines l JOIN billing_fapiao f ON f.id = l.fapiao_id
   WHERE l.charge_id = c.id AND NOT f.red AND f.status IN ('requested', 'issued', 'delivered'))
 ORDER BY c.due_on DESC, c.id DESC LIMIT 500`, account)
	if err != nil {
		return nil, fmt.Errorf("invoiceable charges: %w", err)
	}
	defer rows.Close()
	out := []Charge{}
	for rows.Next() {
		var c Charge
		if err := rows.Scan(&c.ID, &c.Source, &c.Description, &c.AmountFen, &c.TaxRateBP, &c.DueOn, &c.Status, &c.PaidFen, &c.CreditedFen); err != nil {
			return nil, fmt.Errorf("scan charge: %w", err)
		}
		if c.AmountFen-c.CreditedFen > 0 {
			c.AccountID = account
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// ProfileInput is the billing profile (开票信息) a client keeps: the buyer
// block, default fapiao type and the address fapiao are emailed to.
type ProfileInput struct {
	FapiaoType  string `json:"fapiao_type" enum:"normal,special,digital_normal,digital_special" doc:"Default type and medium of requests"`
	Buyer       Buyer  `json:"buyer"`
	FapiaoEmail string `json:"fapiao_email,omitempty"`
}

// SaveProfile updates an account's billing profile: a client user of its
// organisation, or finance. It applies to future requests only: requests
// already made keep the buyer they were made with.
func (b *Books) SaveProfile(ctx context.Context, a access.Actor, account int64, in ProfileInput) (Account, error) {
	in.Buyer = in.Buyer.Normalize()
	in.FapiaoEmail = strings.TrimSpace(in.FapiaoEmail)
	now := b.Clock.Now()
	err := b.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := readableAccount(ctx, tx, a, account)
		if err != nil {
			return err
		}
		if !a.IsClient() && !CanKeepBooks(a) {
			return errs.Forbid()
		}
		var l errs.List
		if in.FapiaoType == "" || !slices.Contains(FapiaoTypes, in.FapiaoType) {
			l.Add("fapiao_type", "err.invalid")
		}
		kind, _ := ProfileKind(in.FapiaoType)
		in.Buyer.Validate(kind, "buyer_", &l)
		if in.FapiaoEmail != "" {
			checkEmail(&l, "fapiao_email", in.FapiaoEmail)
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE billing_accounts SET fapiao_type = ?, buyer_name = ?, buyer_tax_id = ?, buyer_address_phone = ?, buyer_bank_account = ?,
 fapiao_email = ?, updated_at = ? WHERE id = ?`, in.FapiaoType, in.Buyer.Name, in.Buyer.TaxID, in.Buyer.AddressPhone, in.Buyer.BankAccount, in.FapiaoEmail, store.Ms(now), account); err != nil {
			return fmt.Errorf("save billing profile: %w", err)
		}
		after, err := loadAccount(ctx, tx, account)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditAccount, account, "profile", before, after)
	})
	if err != nil {
		return Account{}, err
	}
	return loadAccount(ctx, b.DB, account)
}
