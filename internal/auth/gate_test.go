package auth

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// One slot and one waiting place: the second caller waits for the slot,
// the third is refused at once, and a waiter gives up after the wait.
func TestHashGate(t *testing.T) {
	g := newHashGate(1, 1, time.Hour)
	ctx := context.Background()
	hold, held := make(chan struct{}), make(chan struct{})
	go func() { _ = g.do(ctx, func() { close(held); <-hold }) }()
	<-held
	second := make(chan error)
	go func() { second <- g.do(ctx, func() {}) }()
	for len(g.waiting) < 2 {
		time.Sleep(time.Millisecond)
	}
	if err := g.do(ctx, func() { t.Error("third caller ran") }); errs.As(err).Key != "err.login_busy" {
		t.Fatalf("third caller: %v", err)
	}
	close(hold)
	if err := <-second; err != nil {
		t.Fatalf("waiting caller: %v", err)
	}
	short := newHashGate(1, 1, 10*time.Millisecond)
	short.slots <- struct{}{}
	if err := short.do(ctx, func() { t.Error("ran without a slot") }); errs.As(err).Kind != errs.TooMany {
		t.Fatalf("waiter past its wait: %v", err)
	}
}

// A disabled account is refused after the same password hash as a wrong
// password: with places but no hash slot, it is refused as busy (it went
// for the hash), not at once as a wrong password.
func TestDisabledAccountCostsAHash(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s := New(db, clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)))
		ctx := context.Background()
		u, err := s.Create(ctx, access.SystemActor(), UserInput{Username: "sun", Password: "correct-horse", Roles: []string{access.Staff}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, access.SystemActor(), u.ID, UserInput{Username: "sun", Roles: []string{access.Staff}, Active: false}); err != nil {
			t.Fatal(err)
		}
		s.hashes.Store(newHashGate(0, 4, 10*time.Millisecond))
		for _, pw := range []string{"correct-horse", "wrong-horse"} {
			if _, err := s.Authenticate(ctx, "sun", pw, "10.0.0.1"); errs.As(err).Key != "err.login_busy" {
				t.Fatalf("disabled account, %s: %v; want the hash to be tried (busy)", pw, err)
			}
		}
		s.SetHashLimit(2)
		if _, err := s.Authenticate(ctx, "sun", "correct-horse", "10.0.0.1"); errs.As(err).Kind != errs.Unauthorized {
			t.Fatalf("disabled account: %v", err)
		}
	})
}
