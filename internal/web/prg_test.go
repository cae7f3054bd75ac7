package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// No POST route answers 200 with a page: every one redirects (after a
// success, or back to its form after a refusal) or answers an error
// status. Each is posted empty and with nonsense, by the admin and by the
// office, with the path's ids taken from the demo.
func TestNoPostAnswersWithAPage(t *testing.T) {
	routes, err := apptest.WebRoutes(".")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	param := regexp.MustCompile(`\{[a-z_]+\.{0,3}\}`)
	n := 0
	for _, who := range []string{"office", "admin"} {
		c := apptest.Login(t, srv, who)
		for _, rt := range routes {
			path, ok := strings.CutPrefix(rt, "POST ")
			// A new API token is shown once, in the answer to its POST: a
			// redirect would have to keep the secret somewhere to show it.
			if !ok || path == "/logout" || path == "/account/tokens" {
				continue
			}
			path = param.ReplaceAllString(path, "1")
			for _, form := range []url.Values{{}, {"date": {"not-a-date"}, "start": {"25:99"}, "name": {strings.Repeat("长", 300)}, "qty": {"-3"}, "id": {"x"}}} {
				resp, err := c.PostForm(srv.URL+path, form)
				if err != nil {
					t.Fatalf("POST %s: %v", path, err)
				}
				resp.Body.Close()
				n++
				if resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s: POST %s %v answered 200 with a page", who, path, form)
				}
				if resp.StatusCode >= 500 {
					t.Errorf("%s: POST %s %v: %d", who, path, form, resp.StatusCode)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d posts tried", n)
	}
}

// A refused form comes back at the form's own address with the values
// typed in and the message, and a reload shows the plain form again.
func TestRefusedFormRedirectsBack(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) { refusedFormRedirectsBack(t, db) })
}

func refusedFormRedirectsBack(t *testing.T, db *store.DB) {
	a, _ := apptest.New(t, db)
	srv := apptest.Serve(t, a)
	c := apptest.Login(t, srv, "admin")
	req, _ := http.NewRequest("POST", srv.URL+"/admin/settings", strings.NewReader(url.Values{"name": {"半途"}, "time_zone": {"Nowhere/City"}, "currency": {"CNY"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", srv.URL+"/admin/settings?ok=saved")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/settings" {
		t.Fatalf("refused settings: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := apptest.Get(t, c, srv.URL+"/admin/settings")
	if !strings.Contains(body, `value="Nowhere/City"`) || !strings.Contains(body, `value="半途"`) || !strings.Contains(body, "field-err") {
		t.Fatalf("the form came back without its values or message")
	}
	if _, again := apptest.Get(t, c, srv.URL+"/admin/settings"); strings.Contains(again, "Nowhere/City") || strings.Contains(again, "field-err") {
		t.Fatalf("the refusal showed twice")
	}
	// A password is never kept.
	lc := apptest.Client(t)
	resp, err = lc.PostForm(srv.URL+"/login", url.Values{"username": {"office"}, "password": {"wrong-password-1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("failed login: %d", resp.StatusCode)
	}
	_, page := apptest.Get(t, lc, srv.URL+resp.Header.Get("Location"))
	if strings.Contains(page, "wrong-password-1") || !strings.Contains(page, `value="office"`) {
		t.Fatalf("login page after a failure: password kept or username lost")
	}
}
