package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/auth"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func kindOf(err error) errs.Kind { return errs.As(err).Kind }

func newService(t *testing.T, db *store.DB) (*auth.Service, *clock.Fake) {
	fc := clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	s := auth.New(db, fc)
	// A slowed-down log-in advances the fake clock instead of waiting.
	s.Sleep = func(_ context.Context, d time.Duration) error { fc.Advance(d); return nil }
	return s, fc
}

func TestCreateUserValidation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		sys := access.SystemActor()
		cases := []struct {
			name  string
			in    auth.UserInput
			field string
		}{
			{"bad username", auth.UserInput{Username: "a b", Password: "longenough", Roles: []string{"staff"}}, "username"},
			{"short password", auth.UserInput{Username: "wang", Password: "short", Roles: []string{"staff"}}, "password"},
			{"no roles", auth.UserInput{Username: "wang", Password: "longenough"}, "roles"},
			{"unknown role", auth.UserInput{Username: "wang", Password: "longenough", Roles: []string{"king"}}, "roles"},
			{"client without org", auth.UserInput{Username: "wang", Password: "longenough", Roles: []string{"client"}}, "org_id"},
			{"missing department", auth.UserInput{Username: "wang", Password: "longenough", Roles: []string{"staff"}, DepartmentID: 999}, "department_id"},
		}
		for _, c := range cases {
			_, err := s.Create(ctx, sys, c.in)
			e := errs.As(err)
			if e.Kind != errs.Invalid || e.Field != c.field {
				t.Errorf("%s: got %v (field %q), want invalid %q", c.name, err, e.Field, c.field)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("invalid input wrote %d users (%v)", n, err)
		}
		if _, err := s.Create(ctx, sys, auth.UserInput{Username: "wang", Password: "longenough", Roles: []string{"staff", "office"}}); err != nil {
			t.Fatalf("valid user: %v", err)
		}
		_, err := s.Create(ctx, sys, auth.UserInput{Username: "wang", Password: "longenough", Roles: []string{"staff"}})
		if e := errs.As(err); e.Field != "username" || e.Key != "err.username_taken" {
			t.Fatalf("duplicate username: %v", err)
		}
	})
}

func TestOnlyAdminsManageUsers(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		office := access.Actor{UserID: 5, Roles: []string{access.Office}}
		if _, err := s.Create(ctx, office, auth.UserInput{Username: "x1", Password: "longenough", Roles: []string{"staff"}}); kindOf(err) != errs.Forbidden {
			t.Fatalf("office creating a user: %v", err)
		}
		if _, err := s.SaveDepartment(ctx, office, 0, auth.DepartmentInput{Code: "x", Name: "X"}); kindOf(err) != errs.Forbidden {
			t.Fatalf("office creating a department: %v", err)
		}
	})
}

func TestLoginSessionsAndThrottle(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, fc := newService(t, db)
		ctx := context.Background()
		u, err := s.Create(ctx, access.SystemActor(), auth.UserInput{Username: "li", Password: "correct-horse", Roles: []string{"staff"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "li", "wrong", "10.0.0.1"); kindOf(err) != errs.Unauthorized {
			t.Fatalf("wrong password: %v", err)
		}
		got, err := s.Authenticate(ctx, "li", "correct-horse", "10.0.0.1")
		if err != nil || got.ID != u.ID {
			t.Fatalf("right password: %v", err)
		}
		tok, err := s.StartSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if su, err := s.SessionUser(ctx, tok); err != nil || su.ID != u.ID {
			t.Fatalf("session user: %v", err)
		}
		if _, err := s.SessionUser(ctx, tok+"x"); kindOf(err) != errs.Unauthorized {
			t.Fatalf("forged session: %v", err)
		}
		fc.Advance(auth.SessionTTL + time.Minute)
		if _, err := s.SessionUser(ctx, tok); kindOf(err) != errs.Unauthorized {
			t.Fatalf("expired session still valid: %v", err)
		}
		// Five failures from one address: the sixth try from there is
		// refused even with the right password, until the window is over.
		for i := 0; i < 5; i++ {
			_, _ = s.Authenticate(ctx, "li", "wrong", "10.0.0.2")
		}
		if _, err := s.Authenticate(ctx, "li", "correct-horse", "10.0.0.2"); kindOf(err) != errs.TooMany {
			t.Fatalf("throttled user and address: got %v, want rate_limited", err)
		}
		fc.Advance(16 * time.Minute)
		if _, err := s.Authenticate(ctx, "li", "correct-horse", "10.0.0.2"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// Disabling a user ends their sessions.
		tok2, _ := s.StartSession(ctx, u.ID)
		if _, err := s.Update(ctx, access.SystemActor(), u.ID, auth.UserInput{Username: "li", Roles: []string{"staff"}, Active: false}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, tok2); kindOf(err) != errs.Unauthorized {
			t.Fatalf("disabled user's session still valid: %v", err)
		}
		entries, err := audit.List(ctx, db, access.SystemActor(), audit.Filter{Entity: "user", EntityID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range entries {
			actions[e.Action] = true
		}
		for _, want := range []string{"create", "login", "update"} {
			if !actions[want] {
				t.Errorf("no audit row for %s (have %v)", want, actions)
			}
		}
	})
}

func TestTokensAndPasswordChange(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		u, err := s.Create(ctx, access.SystemActor(), auth.UserInput{Username: "zhao", Password: "first-pass", Roles: []string{"engineering"}})
		if err != nil {
			t.Fatal(err)
		}
		a := u.Actor("127.0.0.1")
		tok, id, err := s.IssueToken(ctx, a, "脚本")
		if err != nil {
			t.Fatal(err)
		}
		if tu, err := s.TokenUser(ctx, tok); err != nil || tu.ID != u.ID {
			t.Fatalf("token user: %v", err)
		}
		var stored string
		if err := db.QueryRow(ctx, `SELECT token_hash FROM api_tokens WHERE id = ?`, id).Scan(&stored); err != nil || stored == tok {
			t.Fatalf("token stored in clear (%v)", err)
		}
		other := access.Actor{UserID: u.ID + 100}
		if err := s.RevokeToken(ctx, other, id); !errors.Is(err, errs.Missing()) && kindOf(err) != errs.NotFound {
			t.Fatalf("someone else revoking: %v", err)
		}
		if err := s.RevokeToken(ctx, a, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, tok); kindOf(err) != errs.Unauthorized {
			t.Fatalf("revoked token accepted: %v", err)
		}
		if err := s.ChangePassword(ctx, a, "wrong", "second-pass", ""); errs.As(err).Field != "old_password" {
			t.Fatalf("wrong old password: %v", err)
		}
		if err := s.ChangePassword(ctx, a, "first-pass", "second-pass", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "zhao", "second-pass", "1.1.1.1"); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
	})
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("密码-secret")
	if err != nil {
		t.Fatal(err)
	}
	if !auth.CheckPassword(h, "密码-secret") || auth.CheckPassword(h, "密码-secreT") {
		t.Fatal("argon2id check is wrong")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA"} {
		if auth.CheckPassword(bad, "x") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}
