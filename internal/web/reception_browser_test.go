package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/browsertest"
	"jiedai/internal/reception"
	"jiedai/internal/storetest"
)

// demoCase finds a demo reception in a status.
func demoCase(t *testing.T, svc *reception.Service, status string) reception.Reception {
	t.Helper()
	list, _, err := svc.List(context.Background(), access.SystemActor(), reception.Filter{Status: status, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no demo reception in %s: %v", status, err)
	}
	return list[0]
}

func browserLogin(t *testing.T, b *browsertest.Browser, base, user string) {
	t.Helper()
	b.Navigate(base + "/login")
	b.WaitVisible("form[action='/login']")
	b.SetValue("input[name=username]", user)
	b.SetValue("input[name=password]", "jiedai-demo")
	b.Click("form[action='/login'] button[type=submit]")
	b.WaitVisible(".page-head")
}

// A receptionist signs a guest in at the desk on a tablet-sized window:
// finds her by name, records her business card, sees the count go up.
// Screenshots of the desk, the application form, the division of labour
// and the client's survey are taken on the way.
func TestBrowserSignInDesk(t *testing.T) {
	b := browsertest.New(t, browsertest.WithWindow(1024, 768), browsertest.WithLang("zh-CN"))
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	ongoing := demoCase(t, a.Reception, reception.StatusOngoing)

	browserLogin(t, b, srv.URL, "receptionist")
	b.Navigate(fmt.Sprintf("%s/receptions/%d/desk", srv.URL, ongoing.ID))
	b.WaitVisible("#desk-q")
	before := b.Text("#desk-arrived")
	b.Screenshot("reception/desk-1024x768.png")

	// The companion still on the way: 孙悦.
	b.SetValue("#desk-q", "孙悦")
	b.Submit("#desk-q")
	// Wait for the search's own page: the desk page before it has guest
	// cards too.
	for deadline := time.Now().Add(15 * time.Second); !strings.Contains(b.Location(), "q="); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the search never loaded: %s", b.Location())
		}
	}
	b.WaitVisible(".guest-card")
	if got := b.Text(".desk-grid"); !strings.Contains(got, "孙悦") || strings.Contains(got, "赵晓东") {
		t.Fatalf("search result: %q", got)
	}
	b.Click(".guest-card details summary")
	b.WaitVisible(".card-form input[name=mobile]")
	b.SetValue(".card-form input[name=mobile]", "13912340000")
	b.SetValue(".card-form input[name=email]", "sunyue@example.cn")
	b.Screenshot("reception/desk-card-1024x768.png")
	b.Click(".card-form button[type=submit]")
	b.WaitVisible(".guest-card.arrived")
	if got := b.Text(".flash.ok"); !strings.Contains(got, "签到成功") {
		t.Fatalf("flash after sign-in: %q", got)
	}
	after := b.Text("#desk-arrived")
	if before == after {
		t.Fatalf("arrived count did not change: %s → %s", before, after)
	}
	b.Screenshot("reception/desk-signed-in-1024x768.png")
	gs, err := a.Reception.Guests(context.Background(), access.SystemActor(), ongoing.ID, "孙悦")
	if err != nil || len(gs) != 1 || gs[0].ArrivedAt.IsZero() || gs[0].Mobile != "13912340000" {
		t.Fatalf("guest after sign-in: %+v %v", gs, err)
	}

	// A walk-in at the desk.
	b.Navigate(fmt.Sprintf("%s/receptions/%d/desk", srv.URL, ongoing.ID))
	b.WaitVisible(".walk-in")
	b.SetValue(".walk-in input[name=name]", "钱宇")
	b.Click(".walk-in button[type=submit]")
	b.WaitText(".desk-grid", "钱宇")
}

// Screenshots of the application form, the division-of-labour table, the
// day board and the survey page, for review.
func TestBrowserReceptionScreens(t *testing.T) {
	b := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"))
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	browserLogin(t, b, srv.URL, "staff")

	// The application form: a late visit shows the warning; saving a
	// draft with a bad plate number keeps the values and marks the field.
	b.Navigate(srv.URL + "/receptions/new")
	b.WaitVisible("form.rc-form")
	b.Screenshot("reception/application-form.png")
	b.SetValue("input[name=org_name]", "杭州云栖数据科技有限公司")
	b.SetValue("textarea[name=purpose]", "考察会议中心")
	if _, err := chromedp.Run(b.Ctx(), chromedp.SetValue("input[name=visit_date]", "2026-03-04")); err != nil {
		t.Fatal(err)
	}
	b.SetValue("input[name=plate_no]", "??")
	b.Click("button[name=do][value=save]")
	b.WaitVisible(".field-err")
	if got := b.Text(".flash.err"); got == "" {
		t.Fatal("no form error shown")
	}
	if got := b.Text(".flash.warn"); !strings.Contains(got, "逾期") {
		t.Fatalf("no late warning for a visit two working days ahead: %q", got)
	}
	b.Screenshot("reception/application-form-errors.png")

	b.Click("form[action='/logout'] button")
	b.WaitVisible("form[action='/login']")
	browserLogin(t, b, srv.URL, "office")
	ready := demoCase(t, a.Reception, reception.StatusReady)
	b.Navigate(fmt.Sprintf("%s/receptions/%d/duties", srv.URL, ready.ID))
	b.WaitVisible("table.duties")
	b.Screenshot("reception/division-of-labour.png")

	// Moving a duty's time with the row's Save button keeps its owner and
	// assistant (the selects belong to the row's form).
	ds, err := a.Reception.Duties(context.Background(), access.SystemActor(), ready.ID)
	if err != nil {
		t.Fatal(err)
	}
	var moved reception.Duty
	for _, d := range ds {
		if d.Task.Active() && d.Task.OwnerID != 0 && d.Task.AssistantID != 0 {
			moved = d
			break
		}
	}
	if moved.ID == 0 {
		t.Fatal("no active duty with an owner and an assistant")
	}
	row := fmt.Sprintf("[form=dt-%d]", moved.ID)
	if _, err := chromedp.Run(b.Ctx(), chromedp.SetValue("input[name=at]"+row, "16:30")); err != nil {
		t.Fatal(err)
	}
	b.Click(fmt.Sprintf("#dt-%d button[type=submit]", moved.ID)) // the row's one save button
	b.WaitVisible(".flash.ok")
	ds, _ = a.Reception.Duties(context.Background(), access.SystemActor(), ready.ID)
	for _, d := range ds {
		if d.ID == moved.ID && (d.At != "16:30" || d.Task.OwnerID != moved.Task.OwnerID || d.Task.AssistantID != moved.Task.AssistantID) {
			t.Fatalf("duty after saving a new time: at %s owner %d assistant %d, want 16:30 %d %d", d.At, d.Task.OwnerID, d.Task.AssistantID, moved.Task.OwnerID, moved.Task.AssistantID)
		}
	}
	b.Navigate(fmt.Sprintf("%s/receptions/%d/print/duties", srv.URL, ready.ID))
	b.WaitVisible(".print-doc")
	b.Screenshot("reception/print-duties.png")
	b.Navigate(fmt.Sprintf("%s/receptions/%d", srv.URL, ready.ID))
	b.WaitVisible(".doc-card")
	b.Screenshot("reception/case-application.png")
	for _, tab := range []string{"plan", "materials", "guests"} {
		b.Navigate(fmt.Sprintf("%s/receptions/%d/%s", srv.URL, ready.ID, tab))
		b.WaitVisible(".tabs")
		b.Screenshot("reception/case-" + tab + ".png")
	}
	closed := demoCase(t, a.Reception, reception.StatusClosed)
	for _, tab := range []string{"wrapup", "survey"} {
		b.Navigate(fmt.Sprintf("%s/receptions/%d/%s", srv.URL, closed.ID, tab))
		b.WaitVisible(".tabs")
		b.Screenshot("reception/case-" + tab + ".png")
	}
	ongoing := demoCase(t, a.Reception, reception.StatusOngoing)
	b.Navigate(fmt.Sprintf("%s/receptions/%d/board", srv.URL, ongoing.ID))
	b.WaitVisible(".board")
	b.Screenshot("reception/day-board.png")
	b.Navigate(fmt.Sprintf("%s/receptions/%d/print/application", srv.URL, ready.ID))
	b.WaitVisible(".print-doc")
	b.Screenshot("reception/print-application.png")
	for _, doc := range []string{"materials", "survey"} {
		b.Navigate(fmt.Sprintf("%s/receptions/%d/print/%s", srv.URL, closed.ID, doc))
		b.WaitVisible(".print-doc")
		b.Screenshot("reception/print-" + doc + ".png")
	}
	b.Navigate(srv.URL + "/receptions/report")
	b.WaitVisible("h1")
	b.Screenshot("reception/survey-report.png")

	// The client's survey link, no login.
	wrap := demoCase(t, a.Reception, reception.StatusWrapUp)
	svs, err := a.Reception.Surveys(context.Background(), access.SystemActor(), wrap.ID)
	if err != nil || len(svs) == 0 {
		t.Fatalf("surveys: %v", err)
	}
	guest := browsertest.New(t, browsertest.WithWindow(800, 1000), browsertest.WithLang("zh-CN"))
	guest.Navigate(srv.URL + "/s/" + svs[0].Token)
	guest.WaitVisible("form.survey-form")
	guest.Screenshot("reception/survey-page.png")
	guest.Click(".criterion .scale label:nth-child(10) span")
	guest.Click("form.survey-form button[type=submit]")
	guest.WaitVisible(".field-err")
	guest.Screenshot("reception/survey-page-errors.png")
}
