package billing_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/billing"
	"jiedai/internal/client"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// env is one test's ledger and people.
type env struct {
	db      *store.DB
	clk     *clock.Fake
	loc     *time.Location
	svc     *billing.Service
	finance access.Actor
	office  access.Actor
	staff   access.Actor
	client  access.Actor // of org
	other   access.Actor // client of another organisation
	org     int64
	org2    int64
}

func (e *env) at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, e.loc)
	if err != nil {
		panic(err)
	}
	return t
}

// newEnv builds the ledger on db with the clock at Tuesday 3 March 2026, 10:00.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, loc: loc}
	e.clk = clock.NewFake(e.at("2026-03-03 10:00"))
	e.svc = billing.New(db, e.clk, loc)
	au := auth.New(db, e.clk)
	sys := access.SystemActor()
	mk := func(name string, org int64, roles ...string) access.Actor {
		u, err := au.Create(ctx, sys, auth.UserInput{Username: name, DisplayName: name, Password: "password-123", Roles: roles, OrgID: org, Active: true})
		if err != nil {
			t.Fatalf("create user %s: %v", name, err)
		}
		return u.Actor("127.0.0.1")
	}
	e.finance = mk("finance", 0, access.Finance)
	e.office = mk("office", 0, access.Office)
	e.staff = mk("staff", 0, access.Staff)
	cl := client.New(db, e.clk)
	o1, err := cl.Create(ctx, e.office, client.OrgInput{Name: "华信科技有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	o2, err := cl.Create(ctx, e.office, client.OrgInput{Name: "远东贸易公司"})
	if err != nil {
		t.Fatal(err)
	}
	e.org, e.org2 = o1.ID, o2.ID
	e.client = mk("client", o1.ID, access.Client)
	e.other = mk("other", o2.ID, access.Client)
	return e
}

// post writes a charge for the org as its source would, in a transaction.
func (e *env) post(t *testing.T, in billing.ChargeInput) billing.Charge {
	t.Helper()
	if in.Party == (billing.Party{}) && in.AccountID == 0 {
		in.Party = billing.Party{OrgID: e.org}
	}
	if in.DueOn == "" {
		in.DueOn = "2026-03-03"
	}
	var c billing.Charge
	err := e.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = billing.PostCharge(context.Background(), tx, e.clk.Now(), e.finance, in)
		return err
	})
	if err != nil {
		t.Fatalf("post charge: %v", err)
	}
	return c
}

func (e *env) charge(t *testing.T, id int64) billing.Charge {
	t.Helper()
	c, err := e.svc.Charge(context.Background(), e.finance, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantErr fails unless err is a domain error of kind (and key, if given).
func wantErr(t *testing.T, err error, kind errs.Kind, key string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s %s, got nil", kind, key)
	}
	e := errs.As(err)
	if e.Kind != kind || (key != "" && e.Key != key) {
		t.Fatalf("want %s %s, got %v", kind, key, err)
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
