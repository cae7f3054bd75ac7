package billing

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// booksFixture is a database with an org account, a second org, users of
// each role the books need and a few charges.
type booksFixture struct {
	books                           *Books
	clk                             *clock.Fake
	finance, office, manager, audit access.Actor
	client, otherClient             access.Actor
	orgID, otherOrg                 int64
	account, otherAccount           int64
	db                              *store.DB
}

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func newBooksFixture(t *testing.T, db *store.DB) *booksFixture {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	as := auth.New(db, clk)
	f := &booksFixture{db: db, clk: clk, books: &Books{DB: db, Clock: clk, Loc: shanghai}}
	org := func(name string) int64 {
		id, err := store.InsertID(ctx, db, `INSERT INTO client_orgs (name, name_key, created_at, updated_at) VALUES (?, ?, 0, 0)`, name, name)
		if err != nil {
			t.Fatalf("org: %v", err)
		}
		return id
	}
	f.orgID, f.otherOrg = org("上海星河科技有限公司"), org("北京远山咨询有限公司")
	user := func(name string, org int64, roles ...string) access.Actor {
		u, err := as.Create(ctx, access.SystemActor(), auth.UserInput{Username: name, Password: "password-123", Roles: roles, OrgID: org})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		return u.Actor("127.0.0.1")
	}
	f.finance, f.office, f.manager, f.audit = user("fin", 0, access.Finance), user("off", 0, access.Office), user("mgr", 0, access.Manager), user("aud", 0, access.Audit)
	f.client, f.otherClient = user("cli", f.orgID, access.Client), user("cli2", f.otherOrg, access.Client)
	acct := func(org int64, name string) int64 {
		id, err := store.InsertID(ctx, db, `INSERT INTO billing_accounts (kind, org_id, name, buyer_name, buyer_tax_id, fapiao_email, created_at, updated_at)
 VALUES ('org', ?, ?, ?, '91350100M000100Y43', 'finance@example.com', 0, 0)`, org, name, name)
		if err != nil {
			t.Fatalf("account: %v", err)
		}
		return id
	}
	f.account, f.otherAccount = acct(f.orgID, "上海星河科技有限公司"), acct(f.otherOrg, "北京远山咨询有限公司")
	return f
}

// charge adds a charge to an account: amount fen, rate, due date.
func (f *booksFixture) charge(t *testing.T, account int64, source, desc string, fen int64, rate int, due string) int64 {
	t.Helper()
	id, err := store.InsertID(context.Background(), f.db, `INSERT INTO billing_charges (account_id, source, description, unit_fen, amount_fen, tax_rate_bp, due_on, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)`, account, source, desc, fen, fen, rate, due)
	if err != nil {
		t.Fatalf("charge: %v", err)
	}
	return id
}

// pay allocates a payment of fen to a charge, dated at.
func (f *booksFixture) pay(t *testing.T, account, charge, fen int64, at time.Time) {
	t.Helper()
	ctx := context.Background()
	pid, err := store.InsertID(ctx, f.db, `INSERT INTO billing_payments (account_id, amount_fen, method, received_at, created_at) VALUES (?, ?, 'transfer', ?, ?)`,
		account, fen, store.Ms(at), store.Ms(at))
	if err != nil {
		t.Fatalf("payment: %v", err)
	}
	if _, err := f.db.Exec(ctx, `INSERT INTO billing_allocations (charge_id, payment_id, amount_fen, created_at) VALUES (?, ?, ?, ?)`, charge, pid, fen, store.Ms(at)); err != nil {
		t.Fatalf("allocation: %v", err)
	}
	if _, err := f.db.Exec(ctx, `UPDATE billing_charges SET status = 'paid' WHERE id = ?`, charge); err != nil {
		t.Fatal(err)
	}
}

func errKey(err error) (field, key string) {
	if err == nil {
		return "", ""
	}
	e := errs.As(err)
	return e.Field, e.Key
}
