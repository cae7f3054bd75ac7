package auth_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/demo"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func mustUser(t *testing.T, s *auth.Service, name, pw string) auth.User {
	t.Helper()
	u, err := s.Create(context.Background(), access.SystemActor(), auth.UserInput{Username: name, Password: pw, Roles: []string{access.Staff}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// ended returns a check that a session or token call was refused as
// unauthorised (what says which, in the failure).
func ended(t *testing.T, what string) func(auth.User, error) {
	return func(_ auth.User, err error) {
		t.Helper()
		if kindOf(err) != errs.Unauthorized {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Fifty parallel wrong passwords on one user from one address: the attempt
// is counted before the hash, atomically, so at most the limit are checked.
func TestThrottleHoldsUnderConcurrency(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		s.SetHashLimit(64) // no attempt is refused for lack of a hash slot
		mustUser(t, s, "li", "correct-horse")
		ctx := context.Background()
		var wg sync.WaitGroup
		var mu sync.Mutex
		kinds := map[errs.Kind]int{}
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Authenticate(ctx, "li", "wrong-guess", "10.0.0.9")
				mu.Lock()
				kinds[kindOf(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if kinds[errs.Unauthorized] > 5 || kinds[errs.Unauthorized]+kinds[errs.TooMany] != 50 {
			t.Fatalf("50 parallel attempts: %v; want at most 5 checked (unauthorized), the rest rate_limited", kinds)
		}
		if n := countRows(t, db, "login_attempts"); n > 5 {
			t.Fatalf("%d attempts checked and recorded, want at most 5", n)
		}
	})
}

// Guessing a user's name from elsewhere locks that user and address pair
// only: the user still gets in from an address that has not failed, slowed
// down at most maxSlowdown. One address failing on many names is locked.
func TestThrottleByAddressAndUser(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, fc := newService(t, db)
		var slept []time.Duration
		s.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
		mustUser(t, s, "li", "correct-horse")
		mustUser(t, s, "wang", "battery-staple")
		ctx := context.Background()
		for i := 0; i < 12; i++ {
			_, _ = s.Authenticate(ctx, "li", "guess", "198.51.100.7")
		}
		_, err := s.Authenticate(ctx, "li", "correct-horse", "198.51.100.7")
		if e := errs.As(err); e.Kind != errs.TooMany || e.RetryAfter() < 1 || e.RetryAfter() > 15*60 {
			t.Fatalf("the guessing address: %v (retry after %d s), want rate_limited", err, e.RetryAfter())
		}
		if _, err := s.Authenticate(ctx, "li", "correct-horse", "10.1.1.1"); err != nil {
			t.Fatalf("the user from a clean address: %v", err)
		}
		if len(slept) == 0 || slept[len(slept)-1] > 10*time.Second {
			t.Fatalf("slowdowns %v: want the clean-address log-in slowed, by at most 10 s", slept)
		}
		// Twenty failures from one address on any names lock that address.
		for i := 0; i < 20; i++ {
			_, _ = s.Authenticate(ctx, "nobody"+strings.Repeat("x", i), "guess", "203.0.113.5")
		}
		if _, err := s.Authenticate(ctx, "wang", "battery-staple", "203.0.113.5"); kindOf(err) != errs.TooMany {
			t.Fatalf("the spraying address: %v, want rate_limited", err)
		}
		if _, err := s.Authenticate(ctx, "wang", "battery-staple", "10.1.1.2"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		// Successes are no failures: an office behind one address signs in all day.
		fc.Advance(16 * time.Minute)
		for i := 0; i < 30; i++ {
			if _, err := s.Authenticate(ctx, "wang", "battery-staple", "192.0.2.1"); err != nil {
				t.Fatalf("success %d from one address: %v", i+1, err)
			}
		}
		if err := s.PurgeExpired(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// Log-in fields are bounded before anything is stored.
func TestLoginFieldLengths(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		cases := []struct{ user, pw, field string }{
			{strings.Repeat("a", 65), "x", "username"},
			{strings.Repeat("名", 8<<20/3), "x", "username"},
			{"li", strings.Repeat("p", 257), "password"},
		}
		for _, c := range cases {
			_, err := s.Authenticate(ctx, c.user, c.pw, "10.0.0.1")
			if e := errs.As(err); e.Kind != errs.Invalid || e.Field != c.field {
				t.Errorf("user of %d bytes, password of %d: %v, want invalid %s", len(c.user), len(c.pw), err, c.field)
			}
		}
		if n, m := countRows(t, db, "login_attempts"), countRows(t, db, "login_throttle"); n+m != 0 {
			t.Fatalf("over-long fields stored: %d attempts, %d counts", n, m)
		}
	})
}

// A password change ends one's other sessions and revokes one's tokens;
// an admin's reset ends them all.
func TestPasswordChangeEndsSessionsAndTokens(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		a := mustUser(t, s, "zhao", "first-pass-word").Actor("10.0.0.1")
		here, _ := s.StartSession(ctx, a.UserID)
		there, _ := s.StartSession(ctx, a.UserID)
		tok, _, err := s.IssueToken(ctx, a, "script")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ChangePassword(ctx, a, "first-pass-word", "second-pass-word", here); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, here); err != nil {
			t.Fatalf("the current session ended: %v", err)
		}
		ended(t, "another session outlived the change")(s.SessionUser(ctx, there))
		ended(t, "a token outlived the change")(s.TokenUser(ctx, tok))
		tok2, _, _ := s.IssueToken(ctx, a, "script 2")
		if _, err := s.Update(ctx, access.SystemActor(), a.UserID, auth.UserInput{Username: "zhao", Password: "third-pass-word", Roles: []string{access.Staff}, Active: true}); err != nil {
			t.Fatal(err)
		}
		ended(t, "a session outlived the admin's reset")(s.SessionUser(ctx, here))
		ended(t, "a token outlived the admin's reset")(s.TokenUser(ctx, tok2))
	})
}

// Tokens expire (90 days by default, or as asked) and are revoked one by one.
func TestTokenExpiry(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, fc := newService(t, db)
		ctx := context.Background()
		a := mustUser(t, s, "qian", "first-pass-word").Actor("10.0.0.1")
		long, _, err := s.IssueToken(ctx, a, "default")
		if err != nil {
			t.Fatal(err)
		}
		short, _, err := s.IssueTokenFor(ctx, a, "a week", 7)
		if err != nil {
			t.Fatal(err)
		}
		other, otherID, _ := s.IssueToken(ctx, a, "other")
		for _, days := range []int{-1, 366} {
			if _, _, err := s.IssueTokenFor(ctx, a, "bad", days); errs.As(err).Field != "expires_in_days" {
				t.Errorf("%d days: %v", days, err)
			}
		}
		toks, err := s.Tokens(ctx, a)
		if err != nil || len(toks) != 3 {
			t.Fatalf("tokens: %v %v", toks, err)
		}
		for _, tk := range toks {
			want := 90
			if tk.Name == "a week" {
				want = 7
			}
			if got := tk.ExpiresAt.Sub(tk.CreatedAt); got != time.Duration(want)*24*time.Hour {
				t.Errorf("%s: lives %v, want %d days", tk.Name, got, want)
			}
		}
		if err := s.RevokeToken(ctx, a, otherID); err != nil {
			t.Fatal(err)
		}
		ended(t, "revoked token")(s.TokenUser(ctx, other))
		fc.Advance(8 * 24 * time.Hour)
		ended(t, "expired token accepted")(s.TokenUser(ctx, short))
		if _, err := s.TokenUser(ctx, long); err != nil {
			t.Fatalf("revoking and expiring others ended this one: %v", err)
		}
		fc.Advance(83 * 24 * time.Hour)
		ended(t, "token older than 90 days accepted")(s.TokenUser(ctx, long))
	})
}

// Weak passwords are refused wherever a password is set; the demo
// accounts' password passes for every demo name.
func TestWeakPasswords(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		cases := []struct {
			user, pw, key string
		}{
			{"wangwei", "short-pw", "err.password_short"},
			{"wangwei", strings.Repeat(" ", 12), "err.password_blank"},
			{"wangwei", "\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000", "err.password_blank"},
			{"wangwei", strings.Repeat("x", 257), "err.too_long"},
			{"wangwei1234", "WangWei1234", "err.password_has_username"},
			{"wangwei", "my-wangwei-2026", "err.password_has_username"},
			{"wangwei", "qwertyuiop", "err.password_common"},
			{"wangwei", "Password123", "err.password_common"},
			{"wangwei", "1q2w3e4r5t", "err.password_common"},
			{"li", "reliable-horse-7", ""}, // a two-letter name is only compared whole
			{"wangwei", "sunrise over xihu", ""},
		}
		for _, c := range cases {
			_, err := s.Create(ctx, access.SystemActor(), auth.UserInput{Username: c.user, Password: c.pw, Roles: []string{access.Staff}})
			if c.key == "" {
				if err != nil {
					t.Errorf("%q for %s refused: %v", c.pw, c.user, err)
				}
				continue
			}
			if e := errs.As(err); e.Field != "password" || e.Key != c.key {
				t.Errorf("%q for %s: %v, want %s", c.pw, c.user, err, c.key)
			}
		}
		u := mustUser(t, s, "zhou", "first-pass-word")
		if err := s.ChangePassword(ctx, u.Actor(""), "first-pass-word", "password123", ""); errs.As(err).Key != "err.password_common" || errs.As(err).Field != "new_password" {
			t.Fatalf("common new password: %v", err)
		}
		for _, name := range []string{"admin", "office", "supervisor", "receptionist", "engineering", "security", "service", "leasing", "finance", "audit", "legal", "executive", "manager", "staff", "client"} {
			if _, err := s.Create(ctx, access.SystemActor(), auth.UserInput{Username: name, Password: demo.Password, Roles: []string{access.Staff}}); err != nil {
				t.Errorf("demo account %s: %v", name, err)
			}
		}
	})
}

// With every hash slot taken, a log-in is refused at once with a
// rate-limited error that says when to retry, and is not counted as a
// failure: the user gets in when a slot is free.
func TestBusyHashesRefusedFast(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ctx := context.Background()
		mustUser(t, s, "li", "correct-horse")
		s.SetHashLimit(0)
		for i := 0; i < 10; i++ {
			t0 := time.Now()
			_, err := s.Authenticate(ctx, "li", "correct-horse", "10.0.0.1")
			e := errs.As(err)
			if e.Kind != errs.TooMany || e.Key != "err.login_busy" || e.RetryAfter() != 1 {
				t.Fatalf("no slot: %v (retry after %d)", err, e.RetryAfter())
			}
			if d := time.Since(t0); d > 5*time.Second {
				t.Fatalf("refusal took %v", d)
			}
		}
		s.SetHashLimit(2)
		if _, err := s.Authenticate(ctx, "li", "correct-horse", "10.0.0.1"); err != nil {
			t.Fatalf("after the busy refusals: %v", err)
		}
	})
}
