package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

var feedLinkRE = regexp.MustCompile(`http://[^"<\s]+/calendar/[0-9a-f]+\.ics`)

// TestFeedLinksRotateAndRevoke: a person's calendar address is given a
// new one or turned off from the page that shows it, and the old address
// stops answering; the office does the same for a venue's feed, which
// other staff may not.
func TestFeedLinksRotateAndRevoke(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		staff := apptest.Login(t, srv, "staff")
		post := func(c *http.Client, path string) int {
			t.Helper()
			resp, err := c.PostForm(srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		link := func() string {
			t.Helper()
			_, body := apptest.Get(t, staff, srv.URL+"/bookings/mine")
			return feedLinkRE.FindString(body)
		}
		first := link()
		if first == "" {
			t.Fatal("no calendar address on /bookings/mine")
		}
		if code := post(staff, "/bookings/mine/feed/rotate"); code != http.StatusSeeOther {
			t.Fatalf("rotate: %d", code)
		}
		second := link()
		if second == "" || second == first {
			t.Fatalf("address after rotation: %q (was %q)", second, first)
		}
		if code, _ := apptest.Get(t, apptest.Client(t), first); code != http.StatusNotFound {
			t.Errorf("old address: %d", code)
		}
		if code, _ := apptest.Get(t, apptest.Client(t), second); code != http.StatusOK {
			t.Errorf("new address: %d", code)
		}
		if code := post(staff, "/bookings/mine/feed/revoke"); code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", code)
		}
		_, body := apptest.Get(t, staff, srv.URL+"/bookings/mine")
		if feedLinkRE.MatchString(body) || !strings.Contains(body, "日历订阅已关闭") {
			t.Errorf("page after revocation still shows an address or no notice")
		}
		if code, _ := apptest.Get(t, apptest.Client(t), second); code != http.StatusNotFound {
			t.Errorf("revoked address: %d", code)
		}

		vs, err := a.Venues.All(context.Background(), nil)
		if err != nil || len(vs) == 0 {
			t.Fatal(err)
		}
		v := vs[0]
		id := strconv.FormatInt(v.ID, 10)
		if code := post(staff, "/venues/"+id+"/feed/revoke"); code != http.StatusForbidden {
			t.Errorf("staff revokes a venue feed: %d", code)
		}
		office := apptest.Login(t, srv, "office")
		_, body = apptest.Get(t, office, srv.URL+"/venues/"+id)
		if !strings.Contains(body, v.FeedToken) {
			t.Fatal("venue page does not show the feed address to the office")
		}
		if code := post(office, "/venues/"+id+"/feed/rotate"); code != http.StatusSeeOther {
			t.Fatalf("office rotates: %d", code)
		}
		_, body = apptest.Get(t, office, srv.URL+"/venues/"+id)
		if strings.Contains(body, v.FeedToken) {
			t.Error("venue page shows the old feed address")
		}
		if code, _ := apptest.Get(t, apptest.Client(t), srv.URL+"/api/v1/venues/"+id+"/calendar.ics?token="+v.FeedToken); code != http.StatusNotFound {
			t.Errorf("old venue feed: %d", code)
		}
		if code := post(office, "/venues/"+id+"/feed/revoke"); code != http.StatusSeeOther {
			t.Fatalf("office revokes: %d", code)
		}
		if _, body = apptest.Get(t, office, srv.URL+"/venues/"+id); !strings.Contains(body, "日历订阅已关闭") {
			t.Error("venue page does not say the feed is off")
		}
	})
}
