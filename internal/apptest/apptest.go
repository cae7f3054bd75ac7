// Package apptest builds a whole App on a fresh test database with a fake
// clock and the demo organisation, and serves it over httptest.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiedai/internal/app"
	"jiedai/internal/clock"
	"jiedai/internal/demo"
	"jiedai/internal/server"
	"jiedai/internal/store"
)

// Start is the fake clock's default time: Monday 2026-03-02 09:00 in Shanghai.
var Start = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// New builds an App on db with a fake clock at Start and the demo data loaded.
func New(t testing.TB, db *store.DB) (*app.App, *clock.Fake) {
	t.Helper()
	fc := clock.NewFake(Start)
	a, err := app.New(context.Background(), db, fc, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Demo: true, DemoPassword: demo.Password})
	if err != nil {
		t.Fatalf("build app: %v", err)
	}
	if err := demo.Load(context.Background(), a); err != nil {
		t.Fatalf("load demo data: %v", err)
	}
	return a, fc
}

// Serve starts the whole HTTP handler on 127.0.0.1.
func Serve(t testing.TB, a *app.App) *httptest.Server {
	t.Helper()
	h, err := server.Handler(a)
	if err != nil {
		t.Fatalf("build handler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// Client returns an HTTP client with a cookie jar that does not follow redirects.
func Client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Login signs in through the login form and returns a client holding the
// session cookie.
func Login(t testing.TB, srv *httptest.Server, username string) *http.Client {
	t.Helper()
	c := Client(t)
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"username": {username}, "password": {demo.Password}})
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", username, resp.StatusCode)
	}
	return c
}

// Token gets an API token for a demo user.
func Token(t testing.TB, srv *httptest.Server, username string) string {
	t.Helper()
	body := `{"username":"` + username + `","password":"` + demo.Password + `"}`
	resp, err := http.Post(srv.URL+"/api/v1/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("token for %s: %v", username, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("token for %s: status %d: %s", username, resp.StatusCode, data)
	}
	s := string(data)
	i := strings.Index(s, `"token":"`)
	if i < 0 {
		t.Fatalf("token for %s: no token in %s", username, data)
	}
	s = s[i+len(`"token":"`):]
	return s[:strings.IndexByte(s, '"')]
}

// Get fetches a URL and returns status and body.
func Get(t testing.TB, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// API sends a JSON request with a bearer token and returns status and body.
func API(t testing.TB, method, u, token, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
