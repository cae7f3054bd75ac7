package caldav_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/apptest"
	"jiedai/internal/booking"
	"jiedai/internal/clock"
	"jiedai/internal/ics/icstest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// env is a served app with the demo data and a staff user's feed token.
type env struct {
	app   *app.App
	clock *clock.Fake
	srv   *httptest.Server
	staff access.Actor
	token string // staff's calendar feed token
	room  venue.Venue
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	a, fc := apptest.New(t, db)
	e := &env{app: a, clock: fc, srv: apptest.Serve(t, a)}
	ctx := context.Background()
	u, err := a.Auth.GetByUsername(ctx, "staff")
	if err != nil {
		t.Fatal(err)
	}
	e.staff = u.Actor("127.0.0.1")
	if e.token, err = a.Bookings.FeedToken(ctx, e.staff); err != nil {
		t.Fatal(err)
	}
	vs, err := a.Venues.List(ctx, e.staff, venue.Filter{InService: true})
	if err != nil || len(vs) == 0 {
		t.Fatalf("venues: %v (%d)", err, len(vs))
	}
	e.room = vs[0]
	return e
}

// book makes a booking of staff's in the room, days ahead at 10:00.
func (e *env) book(t *testing.T, days int, title string) booking.Booking {
	t.Helper()
	d := e.clock.Now().In(e.app.Loc).AddDate(0, 0, days)
	start := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, e.app.Loc)
	b, err := e.app.Bookings.Create(context.Background(), e.staff, booking.Request{VenueID: e.room.ID, Start: start, End: start.Add(time.Hour), Title: title, Headcount: 2})
	if err != nil {
		t.Fatalf("book %s: %v", title, err)
	}
	return b
}

// dav sends a WebDAV request as user with password and returns status and body.
func (e *env) dav(t *testing.T, method, path, user, pass, depth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	if depth != "" {
		req.Header.Set("Depth", depth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	}
	res, err := apptest.Client(t).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data)
}

const (
	propfindHome = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/">
<d:prop><d:resourcetype/><d:displayname/><cs:getctag/><d:sync-token/><d:supported-report-set/><d:current-user-privilege-set/><c:supported-calendar-component-set/></d:prop></d:propfind>`
	syncReport = `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:sync-token>%s</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/><c:calendar-data/></d:prop></d:sync-collection>`
)

var syncTokenRE = regexp.MustCompile(`<sync-token[^>]*>([^<]+)</sync-token>`)

func TestCalDAV(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		lib := icstest.New(t)
		first := e.book(t, 3, "季度例会 CalDAV")
		uid := e.staff.UserID
		home := "/dav/u" + itoa(uid) + "/calendars/"
		mine := home + "mine/"

		t.Run("discovery", func(t *testing.T) {
			req, _ := http.NewRequest("PROPFIND", e.srv.URL+"/.well-known/caldav", nil)
			res, err := apptest.Client(t).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/dav/" {
				t.Fatalf("well-known: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			code, body := e.dav(t, "PROPFIND", "/dav/", "staff", e.token, "0", `<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>`)
			if code != http.StatusMultiStatus || !strings.Contains(body, "/dav/u"+itoa(uid)+"/") {
				t.Fatalf("principal: %d %s", code, body)
			}
			code, body = e.dav(t, "PROPFIND", "/dav/u"+itoa(uid)+"/", "staff", e.token, "0", `<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/></d:prop></d:propfind>`)
			if code != http.StatusMultiStatus || !strings.Contains(body, home) {
				t.Fatalf("home set: %d %s", code, body)
			}
		})

		t.Run("listing", func(t *testing.T) {
			code, body := e.dav(t, "PROPFIND", home, "staff", e.token, "1", propfindHome)
			if code != http.StatusMultiStatus {
				t.Fatalf("home: %d %s", code, body)
			}
			for _, want := range []string{mine, home + "venue-" + itoa(e.room.ID) + "/", "getctag", "sync-collection", "<read/>", "VEVENT"} {
				if !strings.Contains(body, want) {
					t.Errorf("home listing lacks %q:\n%s", want, body)
				}
			}
			code, body = e.dav(t, "PROPFIND", mine, "staff", e.token, "1", `<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>`)
			if code != http.StatusMultiStatus || !strings.Contains(body, mine+"booking-"+itoa(first.ID)+".ics") {
				t.Fatalf("calendar listing: %d %s", code, body)
			}
			code, body = e.dav(t, "GET", mine+"booking-"+itoa(first.ID)+".ics", "staff", e.token, "", "")
			if code != http.StatusOK || !strings.Contains(body, "SUMMARY:季度例会 CalDAV") {
				t.Fatalf("get: %d %s", code, body)
			}
			lib.Check(t, "object.ics", []byte(body))
		})

		t.Run("reports", func(t *testing.T) {
			day := e.clock.Now().AddDate(0, 0, 3).UTC().Format("20060102")
			query := `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="` + day + `T000000Z" end="` + day + `T235959Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
			code, body := e.dav(t, "REPORT", mine, "staff", e.token, "1", query)
			if code != http.StatusMultiStatus || !strings.Contains(body, "booking-"+itoa(first.ID)+".ics") || !strings.Contains(body, "季度例会 CalDAV") {
				t.Fatalf("calendar-query: %d %s", code, body)
			}
			lib.Check(t, "query.ics", []byte(calendarData(t, body)))
			away := strings.ReplaceAll(query, day, e.clock.Now().AddDate(0, 0, 60).UTC().Format("20060102"))
			if code, body = e.dav(t, "REPORT", mine, "staff", e.token, "1", away); code != http.StatusMultiStatus || strings.Contains(body, "booking-"+itoa(first.ID)) {
				t.Fatalf("calendar-query out of range: %d %s", code, body)
			}
			multi := `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>` + mine + "booking-" + itoa(first.ID) + `.ics</d:href><d:href>` + mine + `booking-999999.ics</d:href></c:calendar-multiget>`
			code, body = e.dav(t, "REPORT", mine, "staff", e.token, "1", multi)
			if code != http.StatusMultiStatus || !strings.Contains(body, "季度例会 CalDAV") || !strings.Contains(body, "404") {
				t.Fatalf("calendar-multiget: %d %s", code, body)
			}
		})

		t.Run("sync", func(t *testing.T) {
			code, body := e.dav(t, "REPORT", mine, "staff", e.token, "0", sprintf(syncReport, ""))
			if code != http.StatusMultiStatus || !strings.Contains(body, "booking-"+itoa(first.ID)+".ics") {
				t.Fatalf("initial sync: %d %s", code, body)
			}
			lib.Check(t, "sync.ics", []byte(calendarData(t, body)))
			tok := syncTokenRE.FindStringSubmatch(body)[1]
			// Nothing changed: nothing sent, the same token.
			code, body = e.dav(t, "REPORT", mine, "staff", e.token, "0", sprintf(syncReport, tok))
			if code != http.StatusMultiStatus || strings.Contains(body, "<response>") || syncTokenRE.FindStringSubmatch(body)[1] != tok {
				t.Fatalf("idle sync: %d %s", code, body)
			}
			second := e.book(t, 5, "第二次预订")
			if _, err := e.app.Bookings.Cancel(context.Background(), e.staff, first.ID, "改期", false); err != nil {
				t.Fatal(err)
			}
			code, body = e.dav(t, "REPORT", mine, "staff", e.token, "0", sprintf(syncReport, tok))
			if code != http.StatusMultiStatus || !strings.Contains(body, "booking-"+itoa(second.ID)+".ics") || !strings.Contains(body, "第二次预订") {
				t.Fatalf("sync after a new booking: %d %s", code, body)
			}
			gone := regexp.MustCompile(`<response><href>` + regexp.QuoteMeta(mine+"booking-"+itoa(first.ID)+".ics") + `</href><status>HTTP/1.1 404 Not Found</status></response>`)
			if !gone.MatchString(body) {
				t.Fatalf("the cancelled booking is not reported gone:\n%s", body)
			}
			next := syncTokenRE.FindStringSubmatch(body)[1]
			if next == tok {
				t.Fatal("the token did not change with the calendar")
			}
			// The token is kept in the database: a new instance on the same
			// database answers it (and knows nothing changed since).
			other := apptest.Serve(t, e.app)
			req, _ := http.NewRequest("REPORT", other.URL+mine, strings.NewReader(sprintf(syncReport, next)))
			req.SetBasicAuth("staff", e.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusMultiStatus || strings.Contains(string(data), "<response>") {
				t.Fatalf("sync on another instance: %d %s", res.StatusCode, data)
			}
			// A token that is not this calendar's: start over (RFC 6578 §3.2).
			code, body = e.dav(t, "REPORT", home+"venue-"+itoa(e.room.ID)+"/", "staff", e.token, "0", sprintf(syncReport, next))
			if code != http.StatusForbidden || !strings.Contains(body, "valid-sync-token") {
				t.Fatalf("foreign token: %d %s", code, body)
			}
		})

		t.Run("authorisation", func(t *testing.T) {
			probe := `<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>`
			if code, _ := e.dav(t, "PROPFIND", mine, "", "", "0", probe); code != http.StatusUnauthorized {
				t.Errorf("no credentials: %d", code)
			}
			if code, _ := e.dav(t, "PROPFIND", mine, "office", e.token, "0", probe); code != http.StatusUnauthorized {
				t.Errorf("another user's name with staff's token: %d", code)
			}
			api := apptest.Token(t, e.srv, "staff")
			if code, _ := e.dav(t, "PROPFIND", mine, "staff", api, "0", probe); code != http.StatusMultiStatus {
				t.Errorf("API token as app password: %d", code)
			}
			office := apptest.Token(t, e.srv, "office")
			if code, _ := e.dav(t, "PROPFIND", mine, "office", office, "0", probe); code != http.StatusNotFound {
				t.Errorf("office reading staff's calendar: %d", code)
			}
			if code, _ := e.dav(t, "PUT", mine+"x.ics", "staff", e.token, "", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"); code < 400 || code >= 500 {
				t.Errorf("PUT on a read-only calendar: %d", code)
			}
			if code, _ := e.dav(t, "DELETE", mine+"booking-"+itoa(first.ID)+".ics", "staff", e.token, "", ""); code < 400 || code >= 500 {
				t.Errorf("DELETE on a read-only calendar: %d", code)
			}
			if err := e.app.Bookings.RevokeFeedToken(context.Background(), e.staff); err != nil {
				t.Fatal(err)
			}
			if code, _ := e.dav(t, "PROPFIND", mine, "staff", e.token, "0", probe); code != http.StatusUnauthorized {
				t.Errorf("revoked feed token: %d", code)
			}
		})
	})
}

// calendarData returns the first calendar-data of a multistatus, unescaped.
func calendarData(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<calendar-data[^>]*>(.*?)</calendar-data>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no calendar-data in %s", body)
	}
	return strings.NewReplacer("&#xD;", "\r", "&#xA;", "\n", "&#13;", "\r", "&#10;", "\n", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(m[1])
}
