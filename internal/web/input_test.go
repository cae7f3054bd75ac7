package web_test

import (
	"net/http"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestInputTheDatabaseCannotStore: a NUL or bytes that are not UTF-8 in the
// path, the query or a form, and a form that cannot be decoded, get a 400
// page before any handler (PostgreSQL answered 500 before).
func TestInputTheDatabaseCannotStore(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		admin := apptest.Login(t, srv, "admin")
		anon := apptest.Client(t)
		tests := []struct {
			name   string
			c      *http.Client
			method string
			path   string
			form   string
		}{
			{"NUL in the login name", anon, "POST", "/login", "username=a%00b&password=x"},
			{"bad UTF-8 in a form", admin, "POST", "/admin/departments", "code=x&name=%FF%FE"},
			{"undecodable form", admin, "POST", "/admin/departments", "code=%zz"},
			{"NUL in a query", admin, "GET", "/admin/audit?entity=%00", ""},
			{"bad UTF-8 in a query", admin, "GET", "/admin/audit?action=%C3%28", ""},
			{"NUL in the path", admin, "GET", "/admin/users/1%00", ""},
		}
		for _, tc := range tests {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.form))
			if tc.form != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := tc.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", tc.name, resp.StatusCode)
			}
		}
		if code, _ := apptest.Get(t, admin, srv.URL+"/admin/audit?entity=booking&action=%E5%88%9B%E5%BB%BA"); code != http.StatusOK {
			t.Errorf("a proper query: %d", code)
		}
	})
}
