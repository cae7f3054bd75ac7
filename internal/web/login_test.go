package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// With no hash slot free the log-in form answers 429 with Retry-After at
// once; over-long fields are refused before anything is stored.
func TestLoginBusyAndLimits(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		anon := apptest.Client(t)
		code, _ := postForm(t, anon, srv.URL+"/login", url.Values{"username": {strings.Repeat("u", 8<<20)}, "password": {"x"}})
		if code != http.StatusRequestEntityTooLarge {
			t.Fatalf("8 MiB user name: %d", code)
		}
		code, body := postFollow(t, anon, srv.URL+"/login", url.Values{"username": {strings.Repeat("u", 100)}, "password": {"x"}})
		if code != http.StatusOK || !strings.Contains(body, "64") {
			t.Fatalf("100-character user name: %d", code)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM login_attempts) + (SELECT COUNT(*) FROM login_throttle)`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused log-ins stored %d rows (%v)", n, err)
		}
		a.Auth.SetHashLimit(0)
		resp, err := anon.PostForm(srv.URL+"/login", url.Values{"username": {"office"}, "password": {"jiedai-demo"}})
		if err != nil {
			t.Fatal(err)
		}
		b := new(strings.Builder)
		_, _ = bufCopy(b, resp)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" || !strings.Contains(b.String(), "同时登录的请求过多") {
			t.Fatalf("busy: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		a.Auth.SetHashLimit(2)
		apptest.Login(t, srv, "office")
	})
}

// Changing one's password on the account page keeps this session, ends the
// others and revokes the tokens; weak passwords are refused; tokens show
// their expiry.
func TestAccountPasswordChangeAndTokens(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		here, there := apptest.Login(t, srv, "office"), apptest.Login(t, srv, "office")
		tok := apptest.Token(t, srv, "office")
		code, body := postForm(t, here, srv.URL+"/account/tokens", url.Values{"name": {"月报脚本"}, "expires_in_days": {"30"}})
		if code != 200 || !strings.Contains(body, "月报脚本") || !strings.Contains(body, "2026-04-01 09:00") || !strings.Contains(body, "2026-05-31 09:00") {
			t.Fatalf("token with 30 days (and one with the default 90): %d", code)
		}
		code, body = postFollow(t, here, srv.URL+"/account/tokens", url.Values{"name": {"x"}, "expires_in_days": {"400"}})
		if code != 200 || !strings.Contains(body, "365") {
			t.Fatalf("400 days: %d", code)
		}
		code, body = postFollow(t, here, srv.URL+"/account/password", url.Values{"old_password": {"jiedai-demo"}, "new_password": {"office-2026-new"}})
		if code != 200 || !strings.Contains(body, "密码不能等于或包含用户名") {
			t.Fatalf("password with the user name: %d", code)
		}
		code, _ = postForm(t, here, srv.URL+"/account/password", url.Values{"old_password": {"jiedai-demo"}, "new_password": {"lantern-river-42"}})
		if code != http.StatusSeeOther {
			t.Fatalf("change password: %d", code)
		}
		if code, _ := apptest.Get(t, here, srv.URL+"/account"); code != 200 {
			t.Fatalf("this session after the change: %d", code)
		}
		if code, _ := apptest.Get(t, there, srv.URL+"/account"); code != http.StatusSeeOther {
			t.Fatalf("another session after the change: %d", code)
		}
		if code, _ := apptest.API(t, "GET", srv.URL+"/api/v1/me", tok, ""); code != http.StatusUnauthorized {
			t.Fatalf("token after the change: %d", code)
		}
	})
}
