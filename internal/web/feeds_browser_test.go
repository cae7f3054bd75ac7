package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiedai/internal/apptest"
	"jiedai/internal/browsertest"
	"jiedai/internal/demo"
	"jiedai/internal/server"
	"jiedai/internal/storetest"
)

// TestBrowserFeedLinks opens the pages that show calendar feed addresses
// (a venue's for the office, one's own bookings) at desktop and phone
// width, with the feed on and turned off (with it, the CalDAV set-up); screenshots go to
// JIEDAI_SCREENSHOTS (or a temporary directory).
func TestBrowserFeedLinks(t *testing.T) {
	for _, w := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(w.name, func(t *testing.T) {
			br := browsertest.New(t, browsertest.WithWindow(w.width, w.height), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
			a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
			h, err := server.Handler(a)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			br.Navigate(srv.URL + "/login")
			br.SetValue("input[name=username]", "office")
			br.SetValue("input[name=password]", demo.Password)
			br.Click("form[action='/login'] button[type=submit]")
			br.WaitVisible("header.topbar")

			vs, err := a.Venues.All(context.Background(), nil)
			if err != nil || len(vs) == 0 {
				t.Fatal(err)
			}
			venuePage := srv.URL + "/venues/" + strconv.FormatInt(vs[0].ID, 10)
			for _, step := range []struct{ url, shot, want string }{
				{venuePage, "feed-venue-on", "form[action$='/feed/revoke']"},
				{srv.URL + "/bookings/mine", "feed-mine-on", "form[action='/bookings/mine/feed/revoke']"},
			} {
				br.Navigate(step.url)
				br.WaitVisible(step.want)
				if strings.HasSuffix(step.url, "/bookings/mine") && !strings.Contains(br.HTML(), srv.URL+"/dav/") {
					t.Errorf("%s: no CalDAV server address", step.url)
				}
				t.Logf("screenshot %s", br.Screenshot(step.shot+"-"+w.name+".png"))
			}
			office, _ := a.Auth.GetByUsername(context.Background(), "office")
			if err := a.Bookings.RevokeFeedToken(context.Background(), office.Actor("")); err != nil {
				t.Fatal(err)
			}
			if err := a.Venues.RevokeFeed(context.Background(), office.Actor(""), vs[0].ID); err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct{ url, shot string }{{venuePage, "feed-venue-off"}, {srv.URL + "/bookings/mine", "feed-mine-off"}} {
				br.Navigate(step.url)
				br.WaitVisible("form[action$='/feed/rotate']")
				if !strings.Contains(br.HTML(), "日历订阅已关闭") || strings.Contains(br.HTML(), "/dav/u") {
					t.Errorf("%s: no notice that the feed is off", step.url)
				}
				t.Logf("screenshot %s", br.Screenshot(step.shot+"-"+w.name+".png"))
			}
		})
	}
}
