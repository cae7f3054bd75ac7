package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// Two instances on one database share sessions: a login on one is valid on
// the other, and a logout on the other ends it everywhere.
func TestSessionsSharedAcrossInstances(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a1, _ := apptest.New(t, db)
		other, err := store.Open(t.Context(), db.DSN())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		a2, _ := apptest.New(t, other)
		s1, s2 := apptest.Serve(t, a1), apptest.Serve(t, a2)

		c := apptest.Login(t, s1, "supervisor")
		u1, _ := url.Parse(s1.URL)
		u2, _ := url.Parse(s2.URL)
		c.Jar.SetCookies(u2, c.Jar.Cookies(u1))
		if code, _ := apptest.Get(t, c, s2.URL+"/"); code != http.StatusOK {
			t.Fatalf("session from instance 1 on instance 2: %d", code)
		}
		resp, err := c.PostForm(s2.URL+"/logout", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		c.Jar.SetCookies(u1, c.Jar.Cookies(u1)) // the cookie the browser still holds for instance 1
		if code, _ := apptest.Get(t, c, s1.URL+"/"); code != http.StatusSeeOther {
			t.Fatalf("after logout on instance 2, instance 1 still accepts the session: %d", code)
		}
	})
}
