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
	"jiedai/internal/store"
)

// Party names who a source's charge is billed to: a client organisation, a
// department (internal), or else a walk-in guest with the source's origin
// (e.g. "booking:12"), who gets a one-off account.
type Party struct {
	OrgID        int64
	DepartmentID int64
	Origin       string
	Name         string
	ContactName  string
	Phone        string
	Email        string
}

const accountCols = `a.id, a.kind, COALESCE(a.org_id, 0), COALESCE(a.department_id, 0), a.name, a.origin, a.contact_name, a.phone, a.email,
 a.postal_address, a.fapiao_type, a.buyer_name, a.buyer_tax_id, a.buyer_address_phone, a.buyer_bank_account, a.fapiao_email, a.closed_at, a.created_at`

func scanAccount(sc interface{ Scan(...any) error }) (Account, error) {
	var x Account
	var closed sql.NullInt64
	var created int64
	err := sc.Scan(&x.ID, &x.Kind, &x.OrgID, &x.DepartmentID, &x.Name, &x.Origin, &x.ContactName, &x.Phone, &x.Email,
		&x.PostalAddress, &x.FapiaoType, &x.BuyerName, &x.BuyerTaxID, &x.BuyerAddressPhone, &x.BuyerBankAccount, &x.FapiaoEmail, &closed, &created)
	x.Closed, x.CreatedAt = closed.Valid, store.Time(created)
	return x, err
}

// getAccount reads an account.
func getAccount(ctx context.Context, q store.Querier, id int64) (Account, error) {
	x, err := scanAccount(q.QueryRow(ctx, `SELECT `+accountCols+` FROM billing_accounts a WHERE a.id = ?`, id))
	return x, wrap(err, "read billing account")
}

// AccountFor returns the account a party is billed to, opening it when it
// has none: one per client organisation, one per department, one per
// walk-in origin. Call it in the source's transaction.
func AccountFor(ctx context.Context, q store.Querier, now time.Time, p Party) (int64, error) {
	var kind, where string
	var arg any
	switch {
	case p.OrgID != 0:
		kind, where, arg = AccountOrg, "org_id = ?", p.OrgID
	case p.DepartmentID != 0:
		kind, where, arg = AccountDepartment, "department_id = ?", p.DepartmentID
	case p.Origin != "":
		kind, where, arg = AccountWalkIn, "origin = ?", p.Origin
	default:
		return 0, fmt.Errorf("billing: a party needs an organisation, a department or an origin")
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM billing_accounts WHERE kind = ? AND `+where+` ORDER BY id LIMIT 1`, kind, arg).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !store.IsNoRows(err) {
		return 0, fmt.Errorf("find billing account: %w", err)
	}
	name := p.Name
	switch kind {
	case AccountOrg:
		if err := q.QueryRow(ctx, `SELECT name FROM client_orgs WHERE id = ?`, p.OrgID).Scan(&name); err != nil {
			return 0, fmt.Errorf("read organisation %d: %w", p.OrgID, err)
		}
	case AccountDepartment:
		if err := q.QueryRow(ctx, `SELECT name FROM departments WHERE id = ?`, p.DepartmentID).Scan(&name); err != nil {
			return 0, fmt.Errorf("read department %d: %w", p.DepartmentID, err)
		}
	}
	if name == "" {
		name = p.Origin
	}
	id, err = store.InsertID(ctx, q, `INSERT INTO billing_accounts (kind, org_id, department_id, name, origin, contact_name, phone, email, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, kind, store.IDOrNil(p.OrgID), store.IDOrNil(p.DepartmentID), name, p.Origin, p.ContactName, p.Phone, p.Email, store.Ms(now), store.Ms(now))
	if err != nil {
		return 0, fmt.Errorf("open billing account: %w", err)
	}
	return id, nil
}

// AccountInput opens an account by hand (individual or walk-in) or edits
// an account's contact details and billing profile (开票信息).
type AccountInput struct {
	Kind              string // individual or walkin, when opening
	Name              string
	ContactName       string
	Phone             string
	Email             string
	PostalAddress     string
	FapiaoType        string
	BuyerName         string
	BuyerTaxID        string
	BuyerAddressPhone string
	BuyerBankAccount  string
	FapiaoEmail       string
}

// FapiaoTypes are the default fapiao types an account may ask for.
var FapiaoTypes = []string{"", "normal", "special", "digital_normal", "digital_special"}

func (in *AccountInput) check(opening bool) error {
	var l errs.List
	if opening && in.Kind != AccountIndividual && in.Kind != AccountWalkIn {
		l.Add("kind", "err.invalid")
	}
	in.Name = checkText(&l, "name", in.Name, 100, opening)
	in.ContactName = checkText(&l, "contact_name", in.ContactName, 60, false)
	in.Phone = checkText(&l, "phone", in.Phone, 40, false)
	in.Email = checkText(&l, "email", in.Email, 120, false)
	in.PostalAddress = checkText(&l, "postal_address", in.PostalAddress, 200, false)
	if !slices.Contains(FapiaoTypes, in.FapiaoType) {
		l.Add("fapiao_type", "err.invalid")
	}
	in.BuyerName = checkText(&l, "buyer_name", in.BuyerName, 100, false)
	in.BuyerTaxID = checkText(&l, "buyer_tax_id", in.BuyerTaxID, 20, false)
	in.BuyerAddressPhone = checkText(&l, "buyer_address_phone", in.BuyerAddressPhone, 200, false)
	in.BuyerBankAccount = checkText(&l, "buyer_bank_account", in.BuyerBankAccount, 200, false)
	in.FapiaoEmail = checkText(&l, "fapiao_email", in.FapiaoEmail, 120, false)
	return l.Err()
}

// OpenAccount opens an account for an individual or a walk-in guest (finance).
func (s *Service) OpenAccount(ctx context.Context, a access.Actor, in AccountInput) (Account, error) {
	if !CanKeep(a) {
		return Account{}, errs.Forbid()
	}
	if err := in.check(true); err != nil {
		return Account{}, err
	}
	now := s.Clock.Now()
	var out Account
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err := store.InsertID(ctx, tx, `INSERT INTO billing_accounts (kind, name, contact_name, phone, email, postal_address, fapiao_type, buyer_name, buyer_tax_id,
 buyer_address_phone, buyer_bank_account, fapiao_email, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Kind, in.Name, in.ContactName, in.Phone, in.Email, in.PostalAddress, in.FapiaoType, in.BuyerName, in.BuyerTaxID,
			in.BuyerAddressPhone, in.BuyerBankAccount, in.FapiaoEmail, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("open account: %w", err)
		}
		if out, err = getAccount(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditAccount, id, "open", nil, out)
	})
	return out, err
}

// UpdateAccount edits an account's contacts and billing profile (finance).
// The name of an organisation's account follows the organisation.
func (s *Service) UpdateAccount(ctx context.Context, a access.Actor, id int64, in AccountInput) (Account, error) {
	if !CanKeep(a) {
		return Account{}, s.refuseAccount(ctx, a, id)
	}
	if err := in.check(false); err != nil {
		return Account{}, err
	}
	now := s.Clock.Now()
	var out Account
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := getAccount(ctx, tx, id)
		if err != nil {
			return err
		}
		name := in.Name
		if name == "" || before.Kind == AccountOrg || before.Kind == AccountDepartment {
			name = before.Name
		}
		if _, err := tx.Exec(ctx, `UPDATE billing_accounts SET name = ?, contact_name = ?, phone = ?, email = ?, postal_address = ?, fapiao_type = ?, buyer_name = ?,
 buyer_tax_id = ?, buyer_address_phone = ?, buyer_bank_account = ?, fapiao_email = ?, updated_at = ? WHERE id = ?`,
			name, in.ContactName, in.Phone, in.Email, in.PostalAddress, in.FapiaoType, in.BuyerName, in.BuyerTaxID, in.BuyerAddressPhone,
			in.BuyerBankAccount, in.FapiaoEmail, store.Ms(now), id); err != nil {
			return fmt.Errorf("update account: %w", err)
		}
		if out, err = getAccount(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditAccount, id, "update", before, out)
	})
	return out, err
}

// refuseAccount is the answer to a change the actor may not make.
func (s *Service) refuseAccount(ctx context.Context, a access.Actor, id int64) error {
	acc, err := getAccount(ctx, s.DB, id)
	if err != nil {
		return errs.Missing()
	}
	return errs.Refuse(canReadAccount(a, acc))
}

// Account returns an account the actor may read.
func (s *Service) Account(ctx context.Context, a access.Actor, id int64) (Account, error) {
	acc, err := getAccount(ctx, s.DB, id)
	if err != nil {
		return Account{}, err
	}
	if !canReadAccount(a, acc) {
		return Account{}, errs.Missing()
	}
	return acc, nil
}

// AccountForOrg returns the account of a client organisation (0 if none),
// e.g. for a client user's portal.
func (s *Service) AccountForOrg(ctx context.Context, a access.Actor, orgID int64) (Account, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id FROM billing_accounts WHERE kind = 'org' AND org_id = ?`, orgID).Scan(&id)
	if err != nil {
		return Account{}, wrap(err, "find organisation account")
	}
	return s.Account(ctx, a, id)
}

// Balance sums an account: charged (net of credits), paid, outstanding,
// unallocated payments (credit on the account) and deposits held.
type Balance struct {
	ChargedFen     int64 `json:"charged_fen"`
	PaidFen        int64 `json:"paid_fen"`
	OutstandingFen int64 `json:"outstanding_fen"`
	CreditFen      int64 `json:"credit_fen" doc:"Payments not yet allocated to a charge"`
	DepositsFen    int64 `json:"deposits_held_fen" doc:"A liability, not income"`
}

// AccountRow is an account in the list, with its balance.
type AccountRow struct {
	Account
	Balance
}

// AccountFilter selects accounts: by name, or only those owing money.
type AccountFilter struct {
	Q      string
	Owing  bool
	Limit  int
	Offset int
}

// balanceSQL computes the balance columns of account a.
const balanceSQL = `
 COALESCE((SELECT SUM(c.amount_fen) FROM billing_charges c WHERE c.account_id = a.id), 0),
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l JOIN billing_charges c ON c.id = l.charge_id WHERE c.account_id = a.id AND l.credit_id IS NULL), 0),
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l JOIN billing_charges c ON c.id = l.charge_id WHERE c.account_id = a.id AND l.credit_id IS NOT NULL), 0),
 COALESCE((SELECT SUM(p.amount_fen) FROM billing_payments p WHERE p.account_id = a.id), 0)
   - COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l JOIN billing_payments p ON p.id = l.payment_id WHERE p.account_id = a.id), 0),
 COALESCE((SELECT SUM(d.amount_fen) FROM billing_deposits d WHERE d.account_id = a.id), 0)
   - COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l JOIN billing_deposits d ON d.id = l.deposit_id WHERE d.account_id = a.id), 0)
   - COALESCE((SELECT SUM(r.amount_fen) FROM billing_deposit_refunds r JOIN billing_deposits d ON d.id = r.deposit_id WHERE d.account_id = a.id), 0)`

func scanBalance(charged, paid, credited, credit, held int64) Balance {
	b := Balance{ChargedFen: charged - credited, PaidFen: paid, CreditFen: credit, DepositsFen: held}
	b.OutstandingFen = max(b.ChargedFen-b.PaidFen, 0)
	return b
}

// Accounts lists accounts with their balances (staff who read the ledger).
func (s *Service) Accounts(ctx context.Context, a access.Actor, f AccountFilter) ([]AccountRow, int, error) {
	if !CanRead(a) {
		return nil, 0, errs.Forbid()
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where, args := "1=1", []any{}
	if f.Q != "" {
		where += " AND a.name LIKE ?"
		args = append(args, "%"+f.Q+"%")
	}
	if f.Owing {
		where += ` AND EXISTS (SELECT 1 FROM billing_charges c WHERE c.account_id = a.id AND c.status IN ('open', 'partly_paid'))`
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM billing_accounts a WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count accounts: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+accountCols+`,`+balanceSQL+` FROM billing_accounts a WHERE `+where+` ORDER BY a.name, a.id LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []AccountRow
	for rows.Next() {
		var r AccountRow
		var closed sql.NullInt64
		var created, charged, paid, credited, credit, held int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.OrgID, &r.DepartmentID, &r.Name, &r.Origin, &r.ContactName, &r.Phone, &r.Email,
			&r.PostalAddress, &r.FapiaoType, &r.BuyerName, &r.BuyerTaxID, &r.BuyerAddressPhone, &r.BuyerBankAccount, &r.FapiaoEmail, &closed, &created,
			&charged, &paid, &credited, &credit, &held); err != nil {
			return nil, 0, fmt.Errorf("read account: %w", err)
		}
		r.Closed, r.CreatedAt = closed.Valid, store.Time(created)
		r.Balance = scanBalance(charged, paid, credited, credit, held)
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// AccountBalance returns the balance of one account.
func AccountBalance(ctx context.Context, q store.Querier, id int64) (Balance, error) {
	var charged, paid, credited, credit, held int64
	err := q.QueryRow(ctx, `SELECT `+balanceSQL[1:]+` FROM billing_accounts a WHERE a.id = ?`, id).Scan(&charged, &paid, &credited, &credit, &held)
	if err != nil {
		return Balance{}, wrap(err, "account balance")
	}
	return scanBalance(charged, paid, credited, credit, held), nil
}
