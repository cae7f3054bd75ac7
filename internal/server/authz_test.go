package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/apptest"
	"jiedai/internal/auth"
	"jiedai/internal/booking"
	"jiedai/internal/clock"
	"jiedai/internal/demo"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// The authorisation matrix: every API operation of the OpenAPI document and
// every page route registered in internal/web is called as every role, as a
// client user of the records' organisation, as a client user of another
// organisation and without a session, and the answer is checked against the
// one policy table in policy_test.go. A route without a row fails the test.

// Subjects besides the roles.
const (
	anon    = "anon"         // no session, no token
	clientA = "client_own"   // client user of orgA, which owns the records
	clientB = "client_other" // client user of orgB
	orgA    = 101
	orgB    = 102
)

// subject is one caller of the matrix.
type subject struct {
	name   string
	user   auth.User
	actor  access.Actor
	token  string // API bearer token
	cookie string // web session
}

// outcome classes of an answer.
const (
	allowed = "allowed" // passed authorisation (2xx, 3xx, 400, 409, 422, 429)
	denied  = "denied"  // 401, 403, or the login page
	hidden  = "hidden"  // 404 on a record that exists: not yours to see
)

// authzEnv is the app under test with its fixtures.
type authzEnv struct {
	t        *testing.T
	app      *app.App
	clk      *clock.Fake
	srv      *httptest.Server
	subjects []*subject
	by       map[string]*subject
	room     venue.Venue   // the venue the venue routes are called on
	rooms    []venue.Venue // fixture venues: client bookable, open all day, every day
	slot     int           // next free slot among them
	user     int64         // a staff user to read and edit
	shared   map[string]int64
	refused  bool // the policy refuses the call being made (fixtures may share a record it cannot change)
	http     *http.Client
}

// call is one concrete request of a rule for a subject.
type call struct {
	path  string
	body  string // JSON for the API, URL-encoded form for pages
	ctype string // another content type (a multipart upload)
	// basic: HTTP Basic credentials sent instead of the session or token
	// (CalDAV); an anonymous subject sends none.
	basic *[2]string
}

func newAuthzEnv(t *testing.T) *authzEnv {
	t.Helper()
	ctx := context.Background()
	a, clk := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	e := &authzEnv{t: t, app: a, clk: clk, srv: apptest.Serve(t, a), by: map[string]*subject{}, shared: map[string]int64{},
		http: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	sys := access.SystemActor()
	for _, c := range []struct {
		name string
		org  int64
	}{{clientA, orgA}, {clientB, orgB}} {
		if _, err := a.Auth.Create(ctx, sys, auth.UserInput{Username: c.name, DisplayName: "客户" + c.name, Password: demo.Password,
			Roles: []string{access.Client}, OrgID: c.org, Active: true}); err != nil {
			t.Fatalf("client user: %v", err)
		}
	}
	u, err := a.Auth.Create(ctx, sys, auth.UserInput{Username: "zhouwen", DisplayName: "周文", Password: demo.Password, Roles: []string{access.Staff}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	e.user = u.ID
	names := []string{anon}
	for _, r := range access.AllRoles {
		if r != access.Client {
			names = append(names, r)
		}
	}
	names = append(names, clientA, clientB)
	for _, n := range names {
		s := &subject{name: n}
		if n != anon {
			if s.user, err = a.Auth.GetByUsername(ctx, n); err != nil {
				t.Fatalf("subject %s: %v", n, err)
			}
			s.actor = s.user.Actor("127.0.0.1")
			e.fresh(s)
		}
		e.subjects = append(e.subjects, s)
		e.by[n] = s
	}
	for i := 0; i < fixtureRooms; i++ {
		in := venue.Defaults()
		in.Name, in.Code, in.Capacity, in.OpenFrom, in.OpenTo, in.OpenDays, in.ClientBookable = fmt.Sprintf("授权测试厅%d", i+1), fmt.Sprintf("AUTHZ%d", i+1), 40, 0, 1440, 127, true
		v, err := a.Venues.Create(ctx, e.by[access.Office].actor, in)
		if err != nil {
			t.Fatalf("fixture venue: %v", err)
		}
		e.rooms = append(e.rooms, v)
	}
	e.room = e.rooms[0]
	return e
}

// fresh gives a subject a new token and session (after a route that ends them).
func (e *authzEnv) fresh(s *subject) {
	ctx := context.Background()
	var err error
	if s.token, _, err = e.app.Auth.IssueToken(ctx, s.actor, "authz"); err != nil {
		e.t.Fatalf("token for %s: %v", s.name, err)
	}
	if s.cookie, err = e.app.Auth.StartSession(ctx, s.user.ID); err != nil {
		e.t.Fatalf("session for %s: %v", s.name, err)
	}
}

// do sends one request as s and classifies the answer.
func (e *authzEnv) do(s *subject, method string, api bool, c call) (string, int, string) {
	var body io.Reader
	if c.body != "" || method != http.MethodGet {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(method, e.srv.URL+c.path, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, c.path, err)
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	} else if method != http.MethodGet && method != http.MethodDelete {
		if api {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if s.name != anon && c.basic != nil {
		req.SetBasicAuth(c.basic[0], c.basic[1])
	} else if s.name != anon {
		if api {
			req.Header.Set("Authorization", "Bearer "+s.token)
		} else {
			req.AddCookie(&http.Cookie{Name: "jiedai_session", Value: s.cookie})
		}
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s as %s: %v", method, c.path, s.name, err)
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	st := resp.StatusCode
	switch {
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		return denied, st, string(data)
	case st == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?next="):
		return denied, st, "→ " + resp.Header.Get("Location")
	case st == http.StatusNotFound:
		return hidden, st, string(data)
	}
	return allowed, st, string(data)
}

// roleSubjects are the staff subjects (every role but client).
func (e *authzEnv) roleSubjects() []string {
	var out []string
	for _, s := range e.subjects {
		if s.name != anon && s.name != clientA && s.name != clientB {
			out = append(out, s.name)
		}
	}
	return out
}

// fixtureRooms venues with slotsPerRoom half-hour slots each, between
// 09:30 and 19:30 of the fake clock's day: the clock is moved to the
// fixtures' times and must stay within the sessions' 12-hour lifetime.
const (
	fixtureRooms = 40
	slotsPerRoom = 17
)

// nextSlot returns a free half hour in one of the fixture venues, within
// the hours after the fake clock's start.
func (e *authzEnv) nextSlot() (venue.Venue, time.Time) {
	e.slot++
	if e.slot >= fixtureRooms*slotsPerRoom {
		e.t.Fatal("out of fixture slots: add rooms")
	}
	return e.rooms[e.slot%fixtureRooms], apptest.Start.Add(30*time.Minute + time.Duration(e.slot/fixtureRooms)*35*time.Minute)
}

// webRoutes lists the page routes registered by internal/web and the
// operational routes of internal/server.
func webRoutes(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"../web", "."} {
		r, err := apptest.WebRoutes(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range r {
			if x != "/" { // server.go mounts the pages there
				out = append(out, x)
			}
		}
	}
	return out
}

var paramsRE = regexp.MustCompile(`\{([^}.$]+)(\.\.\.)?\}`)

// TestAuthorisationMatrix checks every route as every subject against
// the policy table.
func TestAuthorisationMatrix(t *testing.T) {
	e := newAuthzEnv(t)
	oa := loadOpenAPI(t, e.srv.URL)
	routes := map[string]bool{}
	for _, op := range oa.ops {
		routes[op.Method+" "+op.Path] = true
	}
	for _, r := range webRoutes(t) {
		routes[r] = true
	}
	table := policy()
	ruled := map[string]bool{}
	for _, r := range table {
		if !routes[r.route] {
			t.Errorf("policy row for %q, which is not a route", r.route)
		}
		ruled[r.route] = true
	}
	var missing []string
	for r := range routes {
		if !ruled[r] {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	for _, r := range missing {
		t.Errorf("route %q has no row in the policy table (policy_test.go): declare who may call it", r)
	}

	dump := os.Getenv("JIEDAI_AUTHZ_DUMP") != ""
	calls := 0
	for _, r := range table {
		method, pattern, _ := strings.Cut(r.route, " ")
		api := strings.HasPrefix(pattern, "/api/")
		allow := r.allow(e)
		var got []string
		for _, s := range e.subjects {
			c := call{path: pattern}
			if r.make != nil {
				c = r.make(e, s, pattern)
			}
			if strings.Contains(c.path, "{") {
				t.Fatalf("%s: path %q still has parameters", r.name(), c.path)
			}
			calls++
			hiddenRead := e.readHidden(r, s, c, routes)
			class, st, body := e.do(s, method, api, c)
			if hiddenRead && st != http.StatusNotFound {
				t.Errorf("%s as %s: %d where %s answers 404: a record the caller may not read is hidden from all its routes: %.200s",
					r.name(), s.name, st, readPattern(r.route, routes), body)
			}
			if r.after != nil {
				r.after(e, s)
			}
			if st >= 500 {
				t.Errorf("%s as %s: status %d: %.300s", r.name(), s.name, st, body)
				continue
			}
			want := allow[s.name]
			if class == allowed {
				got = append(got, s.name)
			}
			switch {
			case want && class != allowed:
				t.Errorf("%s as %s: %s (%d), policy allows it: %.200s", r.name(), s.name, class, st, body)
			case !want && class == allowed:
				t.Errorf("%s as %s: allowed (%d), policy forbids it: %.200s", r.name(), s.name, st, body)
			case r.content != "" && class == allowed && strings.Contains(body, r.content) != r.sees(e)[s.name]:
				t.Errorf("%s as %s: the answer carries %q: %v, policy says %v", r.name(), s.name, r.content, !r.sees(e)[s.name], r.sees(e)[s.name])
			}
		}
		if dump {
			fmt.Printf("%-60s %v\n", r.name(), got)
		}
	}
	t.Logf("%d routes, %d rows, %d calls as %d subjects", len(routes), len(table), calls, len(e.subjects))
}

// count returns how many rows a query finds (fixture helper).
func (e *authzEnv) id(q string, args ...any) int64 {
	e.t.Helper()
	var id int64
	if err := e.app.DB.QueryRow(context.Background(), q, args...).Scan(&id); err != nil {
		e.t.Fatalf("fixture query %q: %v", q, err)
	}
	return id
}

// exec runs a fixture statement.
func (e *authzEnv) exec(q string, args ...any) int64 {
	e.t.Helper()
	id, err := store.InsertID(context.Background(), e.app.DB, q, args...)
	if err != nil {
		e.t.Fatalf("fixture %q: %v", q, err)
	}
	return id
}

// newBooking makes a booking of orgA requested by its client user, brought
// to the given status; the clock is moved next to its start for the
// statuses that need it (and left there for the call).
func (e *authzEnv) newBooking(status string) booking.Booking {
	e.t.Helper()
	ctx := context.Background()
	office := e.by[access.Office].actor
	e.clk.Set(apptest.Start)
	room, start := e.nextSlot()
	b, err := e.app.Bookings.Create(ctx, e.by[clientA].actor, booking.Request{VenueID: room.ID, Start: start, End: start.Add(30 * time.Minute),
		Title: "授权测试会议", Headcount: 6, ContactName: "张伟", ContactPhone: "138 0000 0000"})
	if err != nil {
		e.t.Fatalf("fixture booking: %v", err)
	}
	step := func(name string, err error) {
		if err != nil {
			e.t.Fatalf("fixture booking, %s: %v", name, err)
		}
	}
	if status == booking.StatusPending {
		return b
	}
	_, err = e.app.Bookings.Approve(ctx, office, b.ID, "")
	step("approve", err)
	if status == booking.StatusApproved {
		return e.load(b.ID)
	}
	_, err = e.app.Bookings.Confirm(ctx, e.by[clientA].actor, b.ID, "")
	step("confirm", err)
	if status == booking.StatusConfirmed {
		return e.load(b.ID)
	}
	e.clk.Set(start.Add(-5 * time.Minute))
	if status == "due" { // confirmed, check-in open
		return e.load(b.ID)
	}
	_, err = e.app.Bookings.CheckIn(ctx, office, b.ID)
	step("check in", err)
	if status == booking.StatusInUse {
		return e.load(b.ID)
	}
	e.clk.Set(start.Add(time.Hour))
	_, err = e.app.Bookings.Complete(ctx, office, b.ID)
	step("complete", err)
	return e.load(b.ID)
}

func (e *authzEnv) load(id int64) booking.Booking {
	e.t.Helper()
	b, err := e.app.Bookings.Get(context.Background(), access.SystemActor(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// once returns a fixture id made the first time it is asked for.
func (e *authzEnv) once(key string, make func() int64) int64 {
	if id, ok := e.shared[key]; ok {
		return id
	}
	id := make()
	e.shared[key] = id
	return id
}

// fill replaces the pattern's parameters by name.
func fillParams(pattern string, values map[string]string) string {
	return paramsRE.ReplaceAllStringFunc(pattern, func(m string) string {
		name := paramsRE.FindStringSubmatch(m)[1]
		if v, ok := values[name]; ok {
			return url.PathEscape(v)
		}
		return m
	})
}
