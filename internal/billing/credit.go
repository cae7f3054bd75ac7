package billing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/numbering"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// Credit statuses: pending (waiting for approval), applied, rejected.
const (
	CreditPending  = "pending"
	CreditApplied  = "applied"
	CreditRejected = "rejected"
)

// EntityCredit is the approval entity of credits above the threshold.
const EntityCredit = "billing_credit"

// Settings of credits.
const (
	SettingCreditThreshold = "billing.credit_threshold_fen"
	// DefaultCreditThreshold: credits above 1,000.00 yuan need approval.
	DefaultCreditThreshold int64 = 100000
)

// Credit (冲减) reduces or cancels an open charge, with its reason.
type Credit struct {
	ID          int64          `json:"id"`
	Number      string         `json:"number" doc:"CR-YYYY-NNNNNN"`
	ChargeID    int64          `json:"charge_id"`
	Charge      string         `json:"charge" doc:"The charge's description"`
	AccountID   int64          `json:"account_id"`
	AccountName string         `json:"account_name"`
	AmountFen   int64          `json:"amount_fen"`
	Reason      string         `json:"reason"`
	Status      string         `json:"status" enum:"pending,applied,rejected"`
	RequestedBy string         `json:"requested_by,omitempty"`
	RequestedAt time.Time      `json:"requested_at"`
	DecidedAt   time.Time      `json:"decided_at,omitzero"`
	Chain       approval.Chain `json:"approval,omitzero"`
}

// CreditInput asks to reduce a charge by an amount, for a reason.
type CreditInput struct {
	ChargeID  int64  `json:"charge_id"`
	AmountFen int64  `json:"amount_fen"`
	Reason    string `json:"reason"`
}

// CanCredit reports whether the actor proposes credits: finance and office.
func CanCredit(a access.Actor) bool { return a.IsStaff() && a.Has(access.Finance, access.Office) }

// CreditThreshold returns the amount above which a credit needs approval.
func CreditThreshold(ctx context.Context, q store.Querier) (int64, error) {
	return settings.Value(ctx, q, SettingCreditThreshold, DefaultCreditThreshold)
}

// chargeOwed returns a charge's account, description, amount and what is
// still owed on it after payments, credits and pending credits (negative
// when pending credits exceed it).
func chargeOwed(ctx context.Context, q store.Querier, id int64) (account int64, desc string, owed int64, err error) {
	var amount, settled, pending int64
	var status string
	err = q.QueryRow(ctx, `SELECT c.account_id, c.description, c.amount_fen, c.status,
 COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.charge_id = c.id), 0),
 COALESCE((SELECT SUM(k.amount_fen) FROM billing_credits k WHERE k.charge_id = c.id AND k.status = 'pending'), 0)
 FROM billing_charges c WHERE c.id = ?`, id).Scan(&account, &desc, &amount, &status, &settled, &pending)
	if err != nil {
		return 0, "", 0, errs.Wrap(store.MapError(err), "read charge")
	}
	if status == ChargeCancelled {
		return account, desc, 0, nil
	}
	return account, desc, amount - settled - pending, nil
}

// ProposeCredit records a credit on an open charge (finance, office). Up
// to the threshold it is applied at once; above it, it waits for the
// approval chain [the requester's manager, finance].
func (b *Books) ProposeCredit(ctx context.Context, a access.Actor, in CreditInput) (Credit, error) {
	if !CanCredit(a) {
		return Credit{}, errs.Forbid()
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var l errs.List
	if in.Reason == "" {
		l.Add("reason", "err.billing_credit_reason")
	} else if utf8.RuneCountInString(in.Reason) > maxRemarks {
		l.Add("reason", "err.too_long", "max", maxRemarks)
	}
	money.Check(&l, "amount", in.AmountFen)
	if in.AmountFen == 0 {
		l.Add("amount", "err.must_be_positive")
	}
	if err := l.Err(); err != nil {
		return Credit{}, err
	}
	now := b.Clock.Now()
	var id int64
	err := b.DB.InTx(ctx, func(tx *store.Tx) error {
		_, desc, owed, err := chargeOwed(ctx, tx, in.ChargeID)
		if err != nil {
			return errs.Field("charge_id", "err.fapiao_charge_unknown", "id", in.ChargeID)
		}
		if in.AmountFen > owed {
			return errs.Field("amount", "err.billing_credit_too_big", "owed", Yuan(owed))
		}
		limit, err := CreditThreshold(ctx, tx)
		if err != nil {
			return err
		}
		no, err := numbering.Next(ctx, tx, numbering.Credit, now)
		if err != nil {
			return err
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO billing_credits (number, charge_id, amount_fen, reason, status, requested_by, requested_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
			no, in.ChargeID, in.AmountFen, in.Reason, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert credit: %w", err)
		}
		if in.AmountFen <= limit {
			if err := applyCredit(ctx, tx, now, a, id, in.ChargeID, in.AmountFen); err != nil {
				return err
			}
		} else {
			title := fmt.Sprintf("%s %s ¥%s", no, desc, Yuan(in.AmountFen))
			ch, err := approval.Start(ctx, tx, now, a, EntityCredit, id, title, "/billing/credits", []approval.StepSpec{{Manager: true}, {Role: access.Finance}}, b.ManagerOf)
			if err != nil {
				return err
			}
			if st, ok := ch.Current(); ok {
				ids := []int64{st.UserID}
				if st.UserID == 0 {
					if ids, err = roleUsers(ctx, tx, st.Role); err != nil {
						return err
					}
				}
				if err := b.tell(ctx, tx, now, ids, "billing.msg.credit_review", map[string]any{"number": no}, "/billing/credits"); err != nil {
					return err
				}
			}
		}
		after, err := loadCredit(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditCredit, id, "propose", nil, after)
	})
	if err != nil {
		return Credit{}, err
	}
	return loadCredit(ctx, b.DB, id)
}

func applyCredit(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, id, charge, fen int64) error {
	if _, err := AllocateCredit(ctx, tx, now, a, charge, id, fen); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE billing_credits SET status = 'applied', decided_at = ? WHERE id = ?`, store.Ms(now), id); err != nil {
		return fmt.Errorf("apply credit: %w", err)
	}
	return nil
}

// DecideCredit records a decision ("approve" or "reject") on a pending
// credit's current step; the last approval applies it, a rejection closes it.
func (b *Books) DecideCredit(ctx context.Context, a access.Actor, id int64, action, comment string) (Credit, error) {
	if !a.IsStaff() {
		return Credit{}, errs.Missing()
	}
	if action != approval.Approve && action != approval.Reject {
		return Credit{}, errs.Field("decision", "err.invalid")
	}
	now := b.Clock.Now()
	err := b.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadCredit(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status != CreditPending || before.Chain.ID == 0 {
			return errs.State(before.Status, action)
		}
		ch, err := approval.Decide(ctx, tx, now, a, before.Chain.ID, action, comment)
		if err != nil {
			return err
		}
		switch ch.Status {
		case approval.StatusApproved:
			_, _, owed, err := chargeOwed(ctx, tx, before.ChargeID)
			if err != nil {
				return err
			}
			if owed < 0 { // payments came in while it waited
				owed += before.AmountFen
				return errs.Field("amount", "err.billing_credit_too_big", "owed", Yuan(owed))
			}
			if err := applyCredit(ctx, tx, now, a, id, before.ChargeID, before.AmountFen); err != nil {
				return err
			}
		case approval.StatusRejected:
			if _, err := tx.Exec(ctx, `UPDATE billing_credits SET status = 'rejected', decided_at = ? WHERE id = ?`, store.Ms(now), id); err != nil {
				return fmt.Errorf("reject credit: %w", err)
			}
		}
		after, err := loadCredit(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditCredit, id, action, before, after)
	})
	if err != nil {
		return Credit{}, err
	}
	return loadCredit(ctx, b.DB, id)
}

const creditCols = `k.id, k.number, k.charge_id, c.description, c.account_id, a.name, k.amount_fen, k.reason, k.status,
 COALESCE(u.display_name, ''), k.requested_at, k.decided_at FROM billing_credits k JOIN billing_charges c ON c.id = k.charge_id
 JOIN billing_accounts a ON a.id = c.account_id LEFT JOIN users u ON u.id = k.requested_by`

func scanCredit(sc interface{ Scan(...any) error }) (Credit, error) {
	var k Credit
	var req int64
	var decided *int64
	if err := sc.Scan(&k.ID, &k.Number, &k.ChargeID, &k.Charge, &k.AccountID, &k.AccountName, &k.AmountFen, &k.Reason, &k.Status, &k.RequestedBy, &req, &decided); err != nil {
		return k, err
	}
	k.RequestedAt = store.Time(req)
	if decided != nil {
		k.DecidedAt = store.Time(*decided)
	}
	return k, nil
}

func loadCredit(ctx context.Context, q store.Querier, id int64) (Credit, error) {
	k, err := scanCredit(q.QueryRow(ctx, `SELECT `+creditCols+` WHERE k.id = ?`, id))
	if err != nil {
		return Credit{}, errs.Wrap(store.MapError(err), "read credit")
	}
	ch, err := approval.Get(ctx, q, EntityCredit, id)
	if err != nil && errs.As(err).Kind != errs.NotFound {
		return Credit{}, err
	}
	k.Chain = ch
	return k, nil
}

// GetCredit returns a credit to the books' readers.
func (b *Books) GetCredit(ctx context.Context, a access.Actor, id int64) (Credit, error) {
	if !CanReadBooks(a) {
		return Credit{}, errs.Missing()
	}
	return loadCredit(ctx, b.DB, id)
}

// ListCredits returns credits newest first (the books' readers), with
// their approval chains.
func (b *Books) ListCredits(ctx context.Context, a access.Actor, status string) ([]Credit, error) {
	if !CanReadBooks(a) {
		return nil, errs.Forbid()
	}
	where, args := "1 = 1", []any{}
	if status != "" {
		where, args = "k.status = ?", append(args, status)
	}
	rows, err := b.DB.Query(ctx, `SELECT `+creditCols+` WHERE `+where+` ORDER BY k.requested_at DESC, k.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("list credits: %w", err)
	}
	var out []Credit
	for rows.Next() {
		k, err := scanCredit(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan credit: %w", err)
		}
		out = append(out, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Status != CreditPending {
			continue
		}
		if out[i].Chain, err = approval.Get(ctx, b.DB, EntityCredit, out[i].ID); err != nil && errs.As(err).Kind != errs.NotFound {
			return nil, err
		}
	}
	return out, nil
}
