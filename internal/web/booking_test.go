package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/apptest"
	"jiedai/internal/auth"
	"jiedai/internal/booking"
	"jiedai/internal/client"
	"jiedai/internal/clock"
	"jiedai/internal/server"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

type webEnv struct {
	srv   *httptest.Server
	app   *app.App
	clk   *clock.Fake
	users map[string]access.Actor
	room  venue.Venue
	hall  venue.Venue
}

func newWebEnv(t *testing.T) *webEnv { return newWebEnvIn(t, "") }

// newWebEnvIn is newWebEnv with the site in time zone zone ("" = default).
func newWebEnvIn(t *testing.T, zone string) *webEnv {
	t.Helper()
	ctx := context.Background()
	db := storetest.NewTestDB(t, "sqlite")
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 40, 0, 0, loc))
	a, err := app.New(ctx, db, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{TimeZone: zone})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(a)
	if err != nil {
		t.Fatal(err)
	}
	e := &webEnv{srv: httptest.NewServer(h), app: a, clk: clk, users: map[string]access.Actor{}}
	t.Cleanup(e.srv.Close)
	for _, u := range []struct{ name, role string }{{"office", access.Office}, {"staff", access.Staff}, {"service", access.Service}, {"finance", access.Finance}} {
		user, err := a.Auth.Create(ctx, access.SystemActor(), auth.UserInput{Username: u.name, DisplayName: u.name, Password: "password-123", Roles: []string{u.role}, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		e.users[u.name] = user.Actor("")
	}
	in := venue.Defaults()
	in.Name, in.NameEn, in.Capacity, in.Equipment, in.BufferAfter = "长江厅", "Yangtze Room", 16, []string{"projector"}, 15
	in.Rates.Client = venue.Rate{Hour: 30000, HalfDay: 100000, FullDay: 180000}
	if e.room, err = a.Venues.Create(ctx, e.users["office"], in); err != nil {
		t.Fatal(err)
	}
	in = venue.Defaults()
	in.Name, in.Kind, in.Capacity, in.Equipment = "黄河多功能厅", venue.KindMultiHall, 80, []string{"projector", "sound"}
	if e.hall, err = a.Venues.Create(ctx, e.users["office"], in); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Venues.SaveAddon(ctx, e.users["office"], 0, venue.Addon{Code: "tea", Name: "茶歇", Kind: "service", Unit: "person", Internal: 1500, Client: 3000, Key: 2500, Active: true}); err != nil {
		t.Fatal(err)
	}
	return e
}

// client returns an HTTP client signed in as user.
func (e *webEnv) client(t *testing.T, user string) *http.Client {
	t.Helper()
	tok, err := e.app.Auth.StartSession(context.Background(), e.users[user].UserID)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(e.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "jiedai_session", Value: tok, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var rawKey = regexp.MustCompile(`>[^<]*\b(booking|venue|err)\.[a-z_]+\.?[a-z_]*[^<]*<`)

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", strings.TrimSuffix(u[:strings.Index(u[8:], "/")+8], "/"))
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// TestBookingPages renders every booking and venue page for the roles
// that use them: no error, no untranslated catalogue key.
func TestBookingPages(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	office, staff := e.users["office"], e.users["staff"]
	at := func(d, hm string) time.Time {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", d+" "+hm, e.app.Loc)
		return tm
	}
	b1, err := e.app.Bookings.Create(ctx, staff, booking.Request{VenueID: e.room.ID, Start: at("2026-03-02", "10:00"), End: at("2026-03-02", "11:30"), Title: "季度销售例会", Headcount: 8})
	if err != nil {
		t.Fatal(err)
	}
	b2, err := e.app.Bookings.Create(ctx, office, booking.Request{VenueID: e.hall.ID, Start: at("2026-03-05", "14:00"), End: at("2026-03-05", "17:00"), Title: "新品发布会",
		Headcount: 60, Purpose: "client", ClientName: "华信科技有限公司", ContactName: "张伟", ContactPhone: "13800001234", Approve: true,
		Items: []booking.ItemInput{{AddonID: 1, Qty: 60}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Venues.ReportRepair(ctx, staff, venue.RepairInput{VenueID: e.room.ID, Equipment: "projector", Description: "投影仪偏色"}); err != nil {
		t.Fatal(err)
	}
	oc, sc := e.client(t, "office"), e.client(t, "staff")
	pages := []struct {
		c    *http.Client
		path string
		want string
	}{
		{oc, "/bookings", "季度销售例会"},
		{oc, "/bookings?date=2026-03-05", "新品发布会"},
		{sc, "/bookings?date=2026-03-05", "已占用"},
		{sc, "/bookings/new?venue_id=1&date=2026-03-03&start=10:00&end=11:00", "预订会议室"},
		{sc, "/bookings/mine", "季度销售例会"},
		{oc, "/bookings/approvals", "季度销售例会"},
		{oc, fmt.Sprintf("/bookings/%d", b1.ID), "批准"},
		{oc, fmt.Sprintf("/bookings/%d", b2.ID), "华信科技有限公司"},
		{oc, fmt.Sprintf("/bookings/%d/letter", b2.ID), "Booking Confirmation"},
		{oc, fmt.Sprintf("/bookings/%d/statement", b2.ID), "费用明细"},
		{e.client(t, "service"), "/bookings/runsheet", "会务分工"},
		{oc, "/reports/venues?month=2026-03", "会场使用率报表"},
		{oc, "/venues", "长江厅"},
		{sc, fmt.Sprintf("/venues/%d/week?date=2026-03-02", e.room.ID), "季度销售例会"},
		{oc, fmt.Sprintf("/venues/%d", e.room.ID), "投影仪偏色"},
		{oc, "/venues/new", "新增会场"},
		{oc, fmt.Sprintf("/venues/%d/edit", e.room.ID), "长江厅"},
		{oc, "/venues/setup", "会务分工模板"},
		{sc, "/repairs", "投影仪偏色"},
		{nil, e.srv.URL + "/rates", "会场收费标准"},
		{nil, e.srv.URL + "/lobby", "会场使用情况"},
		{oc, "/", "季度销售例会"},
	}
	for _, pg := range pages {
		u := pg.path
		if !strings.HasPrefix(u, "http") {
			u = e.srv.URL + u
		}
		st, body := get(t, pg.c, u)
		if st != 200 {
			t.Errorf("GET %s: %d\n%.400s", pg.path, st, body)
			continue
		}
		if !strings.Contains(body, pg.want) {
			t.Errorf("GET %s: %q not found", pg.path, pg.want)
		}
		if m := rawKey.FindString(body); m != "" {
			t.Errorf("GET %s: untranslated key in %q", pg.path, m)
		}
	}
	// The lobby board shows no meeting or personal details.
	if _, body := get(t, nil, e.srv.URL+"/lobby"); strings.Contains(body, "季度销售例会") || strings.Contains(body, "华信科技") || strings.Contains(body, "staff") {
		t.Errorf("the lobby board shows meeting details")
	}
	// It is a kiosk: opened in a signed-in browser on the lobby screen it
	// shows no menu, no user and no sign-out, and refreshes itself.
	if _, body := get(t, oc, e.srv.URL+"/lobby"); strings.Contains(body, `class="topbar"`) || strings.Contains(body, `action="/logout"`) || !strings.Contains(body, `data-refresh=`) {
		t.Errorf("the lobby board shows the session chrome or does not refresh:\n%.600s", body)
	} else if !strings.Contains(body, "空闲，至 ") {
		t.Errorf("no free room says until when it is free:\n%s", body)
	}
	// The utilisation report exports to Excel.
	res, err := oc.Get(e.srv.URL + "/reports/venues.xlsx?month=2026-03")
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	if v, _ := x.GetCellValue("Sheet1", "A4"); v != "长江厅" {
		t.Errorf("xlsx A4 = %q", v)
	}
	x.Close()
	if st, _ := get(t, sc, e.srv.URL+"/reports/venues.xlsx"); st != 403 {
		t.Errorf("staff exporting the report: %d", st)
	}
	// The other department sees the slot taken, not the client's name.
	if _, body := get(t, sc, fmt.Sprintf("%s/bookings/%d", e.srv.URL, b2.ID)); strings.Contains(body, "华信科技") {
		t.Errorf("staff sees another department's client")
	}
	// The public confirmation link shows the letter and confirms it.
	l, err := e.app.Bookings.Letter(ctx, office, b2.ID)
	if err != nil || l.ConfirmPath == "" {
		t.Fatalf("letter: %v %+v", err, l)
	}
	if st, body := get(t, nil, e.srv.URL+l.ConfirmPath); st != 200 || !strings.Contains(body, "确认预订") {
		t.Fatalf("confirmation page: %d", st)
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if st, loc, _ := post(t, anon, e.srv.URL+l.ConfirmPath, url.Values{}); st != 303 || !strings.Contains(loc, "ok=booking_confirm") {
		t.Fatalf("confirm by link: %d %s", st, loc)
	}
	if b, _ := e.app.Bookings.Get(ctx, office, b2.ID); b.Status != booking.StatusConfirmed {
		t.Errorf("after the link: %s", b.Status)
	}
}

// TestBookingFormConflict posts an overlapping request: the form comes back
// with the conflict and the alternatives, and choosing one books it.
func TestBookingFormConflict(t *testing.T) {
	e := newWebEnv(t)
	sc := e.client(t, "staff")
	form := url.Values{"venue_id": {fmt.Sprint(e.room.ID)}, "date": {"2026-03-03"}, "start": {"10:00"}, "end": {"11:00"}, "title": {"客户来访"}, "headcount": {"8"},
		"purpose": {"internal"}, "channel": {"online"}, "priority": {"normal"}, "equipment": {"projector"}}
	st, loc, _ := post(t, sc, e.srv.URL+"/bookings/new", form)
	if st != 303 || !strings.HasPrefix(loc, "/bookings/") {
		t.Fatalf("first booking: %d %s", st, loc)
	}
	form.Set("start", "10:30")
	form.Set("end", "11:30")
	st, _, body := post(t, sc, e.srv.URL+"/bookings/new", form)
	if st != 409 || !strings.Contains(body, "该时段已被占用") || !strings.Contains(body, "黄河多功能厅") || !strings.Contains(body, `name="alt"`) {
		t.Fatalf("conflict form: %d\n%.600s", st, body)
	}
	if !strings.Contains(body, `value="客户来访"`) {
		t.Errorf("the form lost its values")
	}
	alt := regexp.MustCompile(`name="alt" value="(` + fmt.Sprint(e.hall.ID) + `\|[0-9]+\|[0-9]+)"`).FindStringSubmatch(body)
	if alt == nil {
		t.Fatalf("no alternative for the hall")
	}
	form.Set("alt", alt[1])
	st, loc, _ = post(t, sc, e.srv.URL+"/bookings/new", form)
	if st != 303 {
		t.Fatalf("booking the alternative: %d", st)
	}
	list, _ := e.app.Bookings.List(context.Background(), e.users["office"], booking.Filter{VenueID: e.hall.ID})
	if len(list) != 1 || list[0].Title != "客户来访" {
		t.Errorf("alternative booked: %+v", list)
	}
	// Bad input re-renders the form with the field marked, never 500.
	form.Del("alt")
	form.Set("start", "25:99")
	if st, _, body := post(t, sc, e.srv.URL+"/bookings/new", form); st != 422 || !strings.Contains(body, "field-err") {
		t.Errorf("bad time: %d", st)
	}
}

// TestBookingFormPicksRegisteredOrg: the booking form offers the client
// register; a registered organisation is saved, an unknown one is refused
// on its field with a translated message and nothing is booked.
func TestBookingFormPicksRegisteredOrg(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	org, err := e.app.Clients.Create(ctx, e.users["office"], client.OrgInput{Name: "东方明珠文化传播有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(t, "office")
	_, page := get(t, c, e.srv.URL+"/bookings/new")
	if !strings.Contains(page, fmt.Sprintf(`<option value="%d">东方明珠文化传播有限公司</option>`, org.ID)) {
		t.Fatal("the booking form does not offer the registered organisation")
	}
	form := url.Values{"venue_id": {fmt.Sprint(e.room.ID)}, "date": {"2026-03-03"}, "start": {"14:00"}, "end": {"15:00"}, "title": {"客户洽谈"},
		"headcount": {"4"}, "purpose": {"client"}, "org_id": {fmt.Sprint(org.ID + 1000)}}
	code, _, body := post(t, c, e.srv.URL+"/bookings/new", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "客户档案中没有这个客户单位") {
		t.Fatalf("unknown organisation: %d", code)
	}
	form.Set("org_id", fmt.Sprint(org.ID))
	if code, loc, _ := post(t, c, e.srv.URL+"/bookings/new", form); code != http.StatusSeeOther {
		t.Fatalf("registered organisation: %d %s", code, loc)
	}
	list, err := e.app.Bookings.List(ctx, e.users["office"], booking.Filter{})
	if err != nil || len(list) != 1 || list[0].OrgID != org.ID {
		t.Fatalf("bookings: %v %+v", err, list)
	}
}

// TestCapacityAndPlaceReadAlike: a venue's capacity and place read the same
// on the grid, the week view, the venue list and the booking form, and an
// equipment refusal names the equipment in words.
func TestCapacityAndPlaceReadAlike(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	vs, err := a.Venues.All(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var v venue.Venue
	for _, x := range vs {
		if x.MaxCapacity() > x.Capacity && x.Location != "" && x.Floor != "" && x.InService {
			v = x
			break
		}
	}
	if v.ID == 0 {
		t.Fatal("no demo venue with layouts holding more than its usual seats")
	}
	seats := fmt.Sprintf("%d 座（最多 %d）", v.Capacity, v.MaxCapacity())
	c := apptest.Login(t, srv, "office")
	for _, page := range []string{"/bookings", fmt.Sprintf("/venues/%d/week", v.ID), "/venues", "/bookings/new"} {
		body := checkPage(t, c, srv.URL+page, 200)
		if !strings.Contains(body, seats) || !strings.Contains(body, html.EscapeString(v.Place())) {
			t.Errorf("%s: %q or %q missing", page, seats, v.Place())
		}
	}
	body := checkPage(t, c, srv.URL+"/bookings/new", 200)
	if strings.Contains(body, `value="interpretation"`) && !slices.ContainsFunc(vs, func(x venue.Venue) bool { return slices.Contains(x.Equipment, "interpretation") }) {
		t.Error("the form offers equipment no venue has")
	}
}
