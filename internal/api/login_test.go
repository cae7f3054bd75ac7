package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"jiedai/internal/api"
	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// tokenLogin posts to /api/v1/tokens as a client at addr.
func tokenLogin(h http.Handler, addr, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/tokens", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Token log-ins are throttled by the client's own address, not one shared
// bucket: failures from one address do not lock out anyone elsewhere.
func TestTokenLoginThrottledPerAddress(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		h := api.New(a)
		for i := range 25 {
			rec := tokenLogin(h, "198.51.100.1:4000", fmt.Sprintf(`{"username":"staff%d","password":"wrong-guess"}`, i))
			if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusTooManyRequests {
				t.Fatalf("bad attempt %d: %d %s", i, rec.Code, rec.Body)
			}
		}
		rec := tokenLogin(h, "198.51.100.1:4000", `{"username":"office","password":"jiedai-demo"}`)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || decodeErr(t, rec.Body.String()).Error.Code != "rate_limited" {
			t.Fatalf("the failing address: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
		rec = tokenLogin(h, "[2001:db8::7]:4000", `{"username":"office","password":"jiedai-demo"}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("another address: %d %s", rec.Code, rec.Body)
		}
		var ip string
		if err := db.QueryRow(t.Context(), `SELECT ip FROM login_attempts WHERE ok = TRUE ORDER BY id DESC LIMIT 1`).Scan(&ip); err != nil || ip != "2001:db8::7" {
			t.Fatalf("recorded address %q (%v)", ip, err)
		}
	})
}

// With no hash slot free the API answers 429 with Retry-After at once;
// over-long fields are refused before anything is stored.
func TestTokenLoginBusyAndLimits(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		h := api.New(a)
		rec := tokenLogin(h, "192.0.2.1:1", `{"username":"`+strings.Repeat("u", 5000)+`","password":"x"}`)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("long user name: %d %s", rec.Code, rec.Body)
		}
		var n int
		if err := db.QueryRow(t.Context(), `SELECT (SELECT COUNT(*) FROM login_attempts) + (SELECT COUNT(*) FROM login_throttle)`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused log-in stored %d rows (%v)", n, err)
		}
		a.Auth.SetHashLimit(0)
		rec = tokenLogin(h, "192.0.2.1:1", `{"username":"office","password":"jiedai-demo"}`)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" || decodeErr(t, rec.Body.String()).Error.Code != "rate_limited" {
			t.Fatalf("busy: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
	})
}

// Tokens carry an expiry (default 90 days or as asked), listed with their
// last use, and are revoked one by one.
func TestTokenExpiryAndRevokeOne(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		u := srv.URL + "/api/v1"
		code, body := apptest.API(t, "POST", u+"/tokens", "", `{"username":"office","password":"jiedai-demo","expires_in_days":30}`)
		if code != http.StatusCreated {
			t.Fatalf("token for 30 days: %d %s", code, body)
		}
		var made struct {
			Token string `json:"token"`
			ID    int64  `json:"id"`
		}
		_ = json.Unmarshal([]byte(body), &made)
		if code, body = apptest.API(t, "POST", u+"/tokens", "", `{"username":"office","password":"jiedai-demo","expires_in_days":400}`); code != http.StatusUnprocessableEntity {
			t.Fatalf("400 days: %d %s", code, body)
		}
		other := apptest.Token(t, srv, "office")
		code, body = apptest.API(t, "GET", u+"/tokens", other, "")
		if code != 200 || !strings.Contains(body, `"expires_at":"2026-04-01T01:00:00Z"`) || !strings.Contains(body, `"expires_at":"2026-05-31T01:00:00Z"`) || !strings.Contains(body, `"last_used_at"`) {
			t.Fatalf("token list: %d %s", code, body)
		}
		if code, body = apptest.API(t, "DELETE", fmt.Sprintf("%s/tokens/%d", u, made.ID), other, ""); code != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", code, body)
		}
		if code, _ = apptest.API(t, "GET", u+"/me", made.Token, ""); code != http.StatusUnauthorized {
			t.Fatalf("revoked token: %d", code)
		}
		if code, _ = apptest.API(t, "GET", u+"/me", other, ""); code != http.StatusOK {
			t.Fatalf("the other token: %d", code)
		}
	})
}
