package api_test

import (
	"net/http"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestTextTheDatabaseCannotStore: a NUL character or bytes that are not
// UTF-8, in a body member, a query or a path parameter, get a 422 naming
// the field on every database (PostgreSQL answered 500 before).
func TestTextTheDatabaseCannotStore(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		u := srv.URL + "/api/v1"
		tok := apptest.Token(t, srv, "office")
		admin := apptest.Token(t, srv, "admin")
		tests := []struct {
			name, method, url, token, body, field string
		}{
			{"NUL in a body member", "POST", u + "/venues", tok, `{"name":"长江\u0000厅","capacity":10}`, "name"},
			{"NUL in a nested member", "POST", u + "/venues", tok, `{"name":"长江厅","capacity":10,"equipment":["projector\u0000"]}`, "equipment"},
			{"NUL in the login name", "POST", u + "/tokens", "", `{"username":"a\u0000b","password":"x"}`, "username"},
			{"NUL in a query parameter", "GET", u + "/audit?entity=%00", admin, "", "entity"},
			{"bad UTF-8 in a query parameter", "GET", u + "/venues?kind=%FF", tok, "", "kind"},
		}
		for _, tc := range tests {
			code, body := apptest.API(t, tc.method, tc.url, tc.token, tc.body)
			if code != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d: %s", tc.name, code, body)
				continue
			}
			if e := decodeErr(t, body); e.Error.Field != tc.field || e.Error.Code != "invalid" {
				t.Errorf("%s: %+v, want field %s", tc.name, e.Error, tc.field)
			}
		}
		code, body := apptest.API(t, "POST", u+"/venues", tok, `{"name":"长江厅","capacity":10,"sort":2147483648}`)
		if code != http.StatusUnprocessableEntity {
			t.Errorf("sort beyond a 32-bit column: %d %s", code, body)
		}
	})
}
