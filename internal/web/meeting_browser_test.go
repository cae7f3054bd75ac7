package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/apptest"
	"jiedai/internal/browsertest"
	"jiedai/internal/demo"
	"jiedai/internal/meeting"
	"jiedai/internal/storetest"
)

// demoServer starts the whole server on a fresh SQLite database holding the
// demo organisation, on the fake clock (Monday 09:00).
func demoServer(t *testing.T) (*app.App, *httptest.Server) {
	t.Helper()
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	return a, apptest.Serve(t, a)
}

// meetingID finds a demo meeting by a word of its title.
func meetingID(t *testing.T, a *app.App, word string) int64 {
	t.Helper()
	hits, err := a.Meetings.Search(context.Background(), access.SystemActor(), meeting.Filter{Text: word})
	if err != nil || len(hits) != 1 {
		t.Fatalf("find meeting %q: %v (%d hits)", word, err, len(hits))
	}
	return hits[0].ID
}

func login(b *browsertest.Browser, base, user string) {
	b.Navigate(base + "/login")
	b.SetValue("input[name=username]", user)
	b.SetValue("input[name=password]", demo.Password)
	b.Click("form[action='/login'] button[type=submit]")
	b.WaitVisible(".topbar")
}

func logout(b *browsertest.Browser) {
	b.Click("form[action='/logout'] button")
	b.WaitVisible("input[name=username]")
}

// TestMinutesApprovedInBrowser signs in as the recorder to look at the
// minutes editor, then as the host: the overdue view, the tracking table,
// and approving submitted minutes, which then wait to be sent.
func TestMinutesApprovedInBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"))
	a, srv := demoServer(t)
	late := meetingID(t, a, "南山国际物流季度回访会")
	waiting := meetingID(t, a, "嘉禾医疗器械会议服务合作洽谈")
	tracked := meetingID(t, a, "腾飞电子华南总部入驻服务沟通会")

	login(b, srv.URL, "receptionist")
	b.Navigate(fmt.Sprintf("%s/meetings/%d/minutes", srv.URL, late))
	b.WaitVisible("#minutes-editor")
	if got := b.Text(".deadlines"); !strings.Contains(got, "已逾期") {
		t.Errorf("late draft not shown as late: %q", got)
	}
	t.Logf("minutes editor: %s", b.Screenshot("meeting-minutes-editor.png"))
	logout(b)

	login(b, srv.URL, "manager")
	if os.Getenv(browsertest.EnvScreenshots) != "" { // more pages, for the record
		b.Navigate(srv.URL + "/meetings")
		b.WaitVisible("table.meetings")
		t.Logf("meeting list: %s", b.Screenshot("meeting-list.png"))
		b.Navigate(fmt.Sprintf("%s/meetings/%d", srv.URL, meetingID(t, a, "云栖数据年度大客户接待会")))
		b.WaitVisible(".facts")
		t.Logf("meeting page: %s", b.Screenshot("meeting-page.png"))
		b.Navigate(fmt.Sprintf("%s/meetings/%d/wrapup", srv.URL, meetingID(t, a, "华瑞置业年度会议场地合作洽谈")))
		b.WaitVisible("#review")
		t.Logf("wrap-up: %s", b.Screenshot("meeting-wrapup.png"))
	}
	b.Navigate(srv.URL + "/action-items")
	b.WaitVisible("#board-overdue")
	if got := b.Text("#board-overdue"); !strings.Contains(got, "开通千兆专线并完成机柜安装") || !strings.Contains(got, "已逾期") {
		t.Errorf("overdue view: %q", got)
	}
	if got := b.Text("#board-soon"); !strings.Contains(got, "制作 60 张员工门禁卡") {
		t.Errorf("due-soon section: %q", got)
	}
	t.Logf("host's overdue view: %s", b.Screenshot("meeting-host-overdue.png"))

	b.Navigate(fmt.Sprintf("%s/meetings/%d/actions", srv.URL, tracked))
	b.WaitVisible("#tracking")
	if got := b.Text("#tracking"); !strings.Contains(got, "已验收") || !strings.Contains(got, "待验收") || !strings.Contains(got, "退回整改") {
		t.Errorf("tracking table: %q", got)
	}
	t.Logf("tracking table: %s", b.Screenshot("meeting-tracking-table.png"))

	b.Navigate(fmt.Sprintf("%s/meetings/%d/minutes", srv.URL, waiting))
	b.WaitVisible("#approve-box")
	b.SetValue("#approve-comment", "内容准确，同意发布。")
	b.Click("#m-approve")
	b.WaitVisible("#m-distribute")
	if got := b.Text(".flash.ok"); !strings.Contains(got, "审批通过") {
		t.Errorf("after approving: flash %q", got)
	}
	if got := b.Text("h1"); !strings.Contains(got, "已审批待发送") {
		t.Errorf("after approving: heading %q", got)
	}
	t.Logf("approved minutes: %s", b.Screenshot("meeting-minutes-approved.png"))
	v, err := a.Meetings.ReadMinutes(context.Background(), access.SystemActor(), waiting, "test")
	if err != nil || v.Minutes.Status != meeting.MinutesApproved || v.Minutes.ApprovedBy == 0 {
		t.Fatalf("minutes after the browser approved them: %+v, %v", v.Minutes, err)
	}
}

// TestMeetingStartWindowInBrowser: the host of tomorrow's meeting sees no
// start button today; half an hour before its time the button is there and
// opens the meeting.
func TestMeetingStartWindowInBrowser(t *testing.T) {
	b := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"))
	a, clk := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	id := meetingID(t, a, "云栖数据年度大客户接待会")
	d, err := a.Meetings.Get(context.Background(), access.SystemActor(), id)
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("%s/meetings/%d", srv.URL, id)
	start := fmt.Sprintf("form[action='/meetings/%d/start']", id)

	login(b, srv.URL, "executive")
	b.Navigate(page)
	b.WaitVisible(".facts")
	if strings.Contains(b.HTML(), fmt.Sprintf("/meetings/%d/start", id)) {
		t.Fatalf("a meeting set for %s can be started at %s", d.StartAt.In(a.Loc).Format("01-02 15:04"), clk.Now().In(a.Loc).Format("01-02 15:04"))
	}
	clk.Set(d.StartAt.Add(-25 * time.Minute)) // the next morning: the session has lapsed
	login(b, srv.URL, "executive")
	b.Navigate(page)
	b.WaitVisible(start)
	t.Logf("meeting in its start window: %s", b.Screenshot("meeting-start-window.png"))
	b.Click(start + " button")
	b.WaitVisible(fmt.Sprintf("form[action='/meetings/%d/end']", id))
	if got, _ := a.Meetings.Get(context.Background(), access.SystemActor(), id); got.Status != meeting.StatusInProgress {
		t.Fatalf("after the click the meeting is %s", got.Status)
	}
}
