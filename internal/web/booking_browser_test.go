package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/apptest"
	"jiedai/internal/booking"
	"jiedai/internal/browsertest"
	"jiedai/internal/clock"
	"jiedai/internal/demo"
	"jiedai/internal/server"
	"jiedai/internal/storetest"
)

// TestBrowserBooking loads the demo business centre at Tuesday 10:40,
// signs in as the office, looks at the day grid, books a free slot by
// clicking it, meets a conflict with its alternatives, takes one, and
// opens a confirmation letter; screenshots of each go to
// JIEDAI_SCREENSHOTS (or a temporary directory).
func TestBrowserBooking(t *testing.T) {
	br := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clk := clock.NewFake(time.Date(2026, 3, 3, 10, 40, 0, 0, loc))
	db := storetest.NewTestDB(t, "sqlite")
	a, err := app.New(ctx, db, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Demo: true, DemoPassword: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, a); err != nil {
		t.Fatal(err)
	}
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

	// The day grid.
	br.Navigate(srv.URL + "/bookings")
	br.WaitVisible(".daygrid")
	if !strings.Contains(br.HTML(), "dg-now") {
		t.Errorf("no now-line on today's grid")
	}
	t.Logf("screenshot %s", br.Screenshot("booking-day-grid.png"))

	// Book a room by clicking a free slot of the Poyang room.
	br.Click(`a.dg-free[href$="venue_id=10"]`)
	br.WaitVisible("form.booking-form")
	br.SetValue("input[name=title]", "猎头公司面谈")
	br.SetValue("input[name=headcount]", "3")
	br.Click("form.booking-form .actions button.primary")
	br.WaitVisible(".flash.ok")
	if loc := br.Location(); !strings.Contains(loc, "/bookings/") || !strings.Contains(br.Text("h1"), "猎头公司面谈") {
		t.Fatalf("after booking: %s %q", loc, br.Text("h1"))
	}

	// A taken slot: the Yangtze Hall has the project kick-off this afternoon.
	br.Navigate(srv.URL + "/bookings/new?venue_id=1&date=2026-03-03&start=14:00&end=16:00")
	br.WaitVisible("form.booking-form")
	br.SetValue("input[name=title]", "客户答谢会彩排")
	br.SetValue("input[name=headcount]", "40")
	br.Click("input[name=equipment][value=projector]")
	br.Click("input[name=equipment][value=microphone]")
	br.Click("form.booking-form .actions button.primary")
	br.WaitVisible(".refusal")
	if txt := br.Text(".refusal"); !strings.Contains(txt, "中联建设集团项目启动会") || !strings.Contains(txt, "黄河厅") {
		t.Errorf("refusal shows %q", txt)
	}
	t.Logf("screenshot %s", br.Screenshot("booking-form-conflict.png"))
	br.Click(".refusal .alt")
	br.WaitVisible(".flash.ok")
	if h := br.Text("h1"); !strings.Contains(h, "客户答谢会彩排") {
		t.Errorf("alternative not booked: %q", h)
	}

	// A confirmation letter awaiting the client's reply.
	list, err := a.Bookings.List(ctx, access.SystemActor(), booking.Filter{Statuses: []string{booking.StatusApproved}})
	if err != nil || len(list) == 0 {
		t.Fatalf("no booking awaiting a reply: %v", err)
	}
	br.Navigate(srv.URL + "/bookings/" + strconv.FormatInt(list[len(list)-1].ID, 10) + "/letter")
	br.WaitVisible(".letter")
	t.Logf("screenshot %s", br.Screenshot("booking-confirmation-letter.png"))

	// The other pages people use, looked at once.
	settled, err := a.Bookings.List(ctx, access.SystemActor(), booking.Filter{Statuses: []string{booking.StatusCompleted}, Limit: 1})
	if err != nil || len(settled) == 0 {
		t.Fatalf("no completed booking: %v", err)
	}
	inUse, err := a.Bookings.List(ctx, access.SystemActor(), booking.Filter{Statuses: []string{booking.StatusInUse}, Limit: 1})
	if err != nil || len(inUse) == 0 {
		t.Fatalf("no booking in use: %v", err)
	}
	for _, pg := range []struct{ path, wait, file string }{
		{"/bookings/" + strconv.FormatInt(inUse[0].ID, 10), ".detail-grid", "booking-detail.png"},
		{"/bookings/approvals", "main h1", "booking-approvals.png"},
		{"/bookings/" + strconv.FormatInt(settled[0].ID, 10) + "/statement", ".statement", "booking-statement.png"},
		{"/venues/1/week?date=2026-03-03", ".daygrid", "booking-week.png"},
		{"/venues/1", ".door-card", "venue-detail.png"},
		{"/reports/venues?month=2026-02", ".chart", "booking-report.png"},
		{"/lobby", ".lobby", "booking-lobby.png"},
		{"/rates", ".rate-table", "venue-rates.png"},
	} {
		br.Navigate(srv.URL + pg.path)
		br.WaitVisible(pg.wait)
		br.Screenshot(pg.file)
	}
}

// TestLapsedRequestInBrowser: a request still waiting for the office at its
// start lapses on the next sweep: its page says so and offers no approval,
// and it leaves the office's today page and the approvals page alike.
func TestLapsedRequestInBrowser(t *testing.T) {
	br := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"))
	a, clk := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	ctx := context.Background()
	pending, err := a.Bookings.List(ctx, access.SystemActor(), booking.Filter{Statuses: []string{booking.StatusPending}, From: clk.Now(), Limit: 500})
	if err != nil || len(pending) == 0 {
		t.Fatalf("no pending demo booking: %v", err)
	}
	b := pending[0]
	for _, p := range pending {
		if p.Start.Before(b.Start) {
			b = p
		}
	}
	clk.Set(b.Start.Add(time.Minute))
	if res, err := a.Bookings.SweepDue(ctx, clk.Now()); err != nil || res.Lapsed == 0 {
		t.Fatalf("sweep at the start of booking %d: %+v %v", b.ID, res, err)
	}
	br.Navigate(srv.URL + "/login")
	br.SetValue("input[name=username]", "office")
	br.SetValue("input[name=password]", demo.Password)
	br.Click("form[action='/login'] button[type=submit]")
	br.WaitVisible("header.topbar")
	link := "/bookings/" + strconv.FormatInt(b.ID, 10)
	if strings.Contains(br.HTML(), "href=\""+link+"\"") {
		t.Errorf("the lapsed request is still on the today page")
	}
	br.Navigate(srv.URL + "/bookings/approvals")
	br.WaitVisible("main h1")
	if strings.Contains(br.HTML(), "href=\""+link+"\"") {
		t.Errorf("the lapsed request is still on the approvals page")
	}
	br.Navigate(srv.URL + link)
	br.WaitVisible(".flash.err")
	if got := br.Text(".flash.err"); !strings.Contains(got, "自动失效") {
		t.Errorf("lapsed booking page: %q", got)
	}
	if strings.Contains(br.HTML(), link+"/approve") {
		t.Errorf("a lapsed request still offers approval")
	}
	t.Logf("lapsed request: %s", br.Screenshot("booking-lapsed.png"))
}
