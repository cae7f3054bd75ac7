package billing

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Books is the finance desk's side of billing beyond the ledger: fapiao
// (BIL-09), credits (BIL-10), receivables and reminders (BIL-11), reports
// (BIL-12) and audit periods with their lock (BIL-13), and what a client
// sees of them in the portal (BIL-14).
type Books struct {
	DB    *store.DB
	Clock clock.Clock
	Loc   *time.Location
	// Notify sends an in-app (and opted-in email) message; nil in tests
	// that do not look at messages.
	Notify func(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error
	// ManagerOf finds a user's department manager for approval chains.
	ManagerOf func(ctx context.Context, userID int64) (int64, error)
}

// Audit entity names of the books.
const (
	AuditFapiao = "billing_fapiao"
	AuditCredit = "billing_credit"
	AuditPeriod = "billing_period"
)

// CanKeepBooks reports whether the actor records fapiao, credits and
// periods: finance (and admin).
func CanKeepBooks(a access.Actor) bool { return a.Has(access.Finance) }

// CanReadBooks reports whether the actor reads every account's fapiao,
// credits and reports: finance, office (who settle bookings), audit and
// executives.
func CanReadBooks(a access.Actor) bool {
	return a.IsStaff() && a.Has(access.Finance, access.Office, access.Audit, access.Executive)
}

// CanReadAccount reports whether the actor may read an account's billing:
// the books' readers, and client users of the account's organisation.
func CanReadAccount(a access.Actor, acc Account) bool {
	if a.IsClient() {
		return a.OrgID != 0 && acc.Kind == AccountOrg && acc.OrgID == a.OrgID
	}
	return CanReadBooks(a)
}

// loadAccount reads an account's name, organisation and billing profile.
func loadAccount(ctx context.Context, q store.Querier, id int64) (Account, error) {
	var acc Account
	var org, closed *int64
	err := q.QueryRow(ctx, `SELECT id, kind, org_id, name, email, postal_address, fapiao_type, buyer_name, buyer_tax_id, buyer_address_phone,
 buyer_bank_account, fapiao_email, closed_at FROM billing_accounts WHERE id = ?`, id).Scan(&acc.ID, &acc.Kind, &org, &acc.Name, &acc.Email,
		&acc.PostalAddress, &acc.FapiaoType, &acc.BuyerName, &acc.BuyerTaxID, &acc.BuyerAddressPhone, &acc.BuyerBankAccount, &acc.FapiaoEmail, &closed)
	if err != nil {
		return Account{}, errs.Wrap(store.MapError(err), fmt.Sprintf("read account %d", id))
	}
	if org != nil {
		acc.OrgID = *org
	}
	acc.Closed = closed != nil
	return acc, nil
}

// readableAccount loads an account the actor may read, or answers as if
// it did not exist.
func readableAccount(ctx context.Context, q store.Querier, a access.Actor, id int64) (Account, error) {
	acc, err := loadAccount(ctx, q, id)
	if err != nil {
		return Account{}, err
	}
	if !CanReadAccount(a, acc) {
		return Account{}, errs.Missing()
	}
	return acc, nil
}

// OrgAccount returns the account of the actor's client organisation (for
// the portal), or of orgID for staff who read the books.
func (b *Books) OrgAccount(ctx context.Context, a access.Actor, orgID int64) (Account, error) {
	if a.IsClient() {
		orgID = a.OrgID
	}
	var id int64
	err := b.DB.QueryRow(ctx, `SELECT id FROM billing_accounts WHERE kind = 'org' AND org_id = ?`, orgID).Scan(&id)
	if err != nil {
		return Account{}, errs.Wrap(store.MapError(err), "find org account")
	}
	return readableAccount(ctx, b.DB, a, id)
}

// orgUsers returns the client users of an account's organisation, who
// receive its reminders and fapiao news.
func orgUsers(ctx context.Context, q store.Querier, acc Account) ([]int64, error) {
	if acc.OrgID == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE org_id = ? AND active ORDER BY id`, acc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("client users of org %d: %w", acc.OrgID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// roleUsers returns the active holders of a role.
func roleUsers(ctx context.Context, q store.Querier, role string) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.active ORDER BY u.id`, role)
	if err != nil {
		return nil, fmt.Errorf("holders of %s: %w", role, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (b *Books) tell(ctx context.Context, q store.Querier, now time.Time, ids []int64, key string, args map[string]any, link string) error {
	if b.Notify == nil || len(ids) == 0 {
		return nil
	}
	return b.Notify(ctx, q, now, ids, key, args, link)
}

// day is the date of t in the site zone.
func (b *Books) day(t time.Time) string { return t.In(b.Loc).Format(time.DateOnly) }
