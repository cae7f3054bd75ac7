package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// mpost submits a form and returns the status and the redirect target.
func mpost(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if strings.HasPrefix(loc, "/login") {
		t.Fatalf("POST %s: signed out (session expired?)", u)
	}
	return resp.StatusCode, loc
}

// TestMeetingPagesEndToEnd drives the web forms: create a meeting with a
// too-long agenda (warning) and a bad field (form re-rendered with values
// kept), submit, approve as the leader, notice, ask for leave, hold it,
// write and submit the minutes, approve and send them, split a resolution
// into a task, report and accept it, and fill in the wrap-up.
func TestMeetingPagesEndToEnd(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, fc := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		ctx := t.Context()
		uid := func(n string) string {
			u, err := a.Auth.GetByUsername(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(u.ID)
		}
		start := fc.Now().In(a.Loc).Add(26 * time.Hour).Truncate(time.Hour)
		form := url.Values{"type": {"new_client"}, "title": {"远景能源会议场地洽谈"}, "client_name": {"远景能源有限公司"}, "level": {"internal"},
			"start_at": {start.Format("2006-01-02T15:04")}, "end_at": {start.Add(time.Hour).Format("2006-01-02T15:04")},
			"host_id": {uid("manager")}, "recorder_id": {uid("receptionist")}, "leader_id": {uid("executive")}, "place": {"18 楼 2 号会议室"},
			"agenda_id": {"", "", ""}, "agenda_topic": {"需求介绍", "方案与报价", ""}, "agenda_presenter": {"", "", ""}, "agenda_presenter_name": {"", "", ""},
			"agenda_minutes": {"30", "45", ""}, "agenda_notes": {"", "", ""},
			"att_kind": {"required", "invited", "required"}, "att_user": {uid("leasing"), "", ""}, "att_name": {"", "周总", ""}, "att_org": {"", "远景能源", ""}, "att_title": {"", "副总裁", ""},
			"cc": {}}
		staff := apptest.Login(t, srv, "staff")
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("end_at", start.Add(-time.Hour).Format("2006-01-02T15:04"))
		code, body := postFollow(t, staff, srv.URL+"/meetings/new", bad)
		if code != 200 || !strings.Contains(body, "远景能源会议场地洽谈") || !strings.Contains(body, "结束时间必须晚于开始时间") {
			t.Fatalf("bad form: %d", code)
		}
		code, loc := mpost(t, staff, srv.URL+"/meetings/new", form)
		if code != 303 || !strings.HasPrefix(loc, "/meetings/") {
			t.Fatalf("create: %d %s", code, loc)
		}
		page := srv.URL + strings.SplitN(loc, "?", 2)[0]
		code, body = apptest.Get(t, staff, page)
		if code != 200 || !strings.Contains(body, "议程合计时长超过会议时长") || !strings.Contains(body, "周总") {
			t.Fatalf("meeting page: %d", code)
		}
		if code, _ := mpost(t, staff, page+"/submit", nil); code != 303 {
			t.Fatalf("submit: %d", code)
		}
		exec := apptest.Login(t, srv, "executive")
		if code, _ := mpost(t, exec, page+"/decide", url.Values{"decision": {"approve"}, "comment": {"同意"}}); code != 303 {
			t.Fatalf("approve: %d", code)
		}
		if code, _ := mpost(t, staff, page+"/notice", nil); code != 303 {
			t.Fatalf("notice: %d", code)
		}
		code, ics := apptest.Get(t, staff, page+"/invite.ics")
		if code != 200 || !strings.Contains(ics, "METHOD:REQUEST") {
			t.Fatalf("ics: %d", code)
		}
		leasing := apptest.Login(t, srv, "leasing")
		if code, _ := mpost(t, leasing, page+"/reply", url.Values{"reply": {"accepted"}, "note": {"准时到"}}); code != 303 {
			t.Fatalf("reply: %d", code)
		}
		fc.Set(start.Add(-10 * time.Minute))
		leasing = apptest.Login(t, srv, "leasing") // sessions last 12 hours
		if code, _ := mpost(t, leasing, page+"/sign-in", url.Values{"attendee_id": {"0"}}); code != 303 {
			t.Fatalf("self sign-in: %d", code)
		}
		host := apptest.Login(t, srv, "manager")
		fc.Set(start)
		if code, _ := mpost(t, host, page+"/start", nil); code != 303 {
			t.Fatalf("start: %d", code)
		}
		rec := apptest.Login(t, srv, "receptionist")
		if code, _ := mpost(t, rec, page+"/decision", url.Values{"text": {"按九五折报价"}}); code != 303 {
			t.Fatalf("decision: %d", code)
		}
		fc.Set(start.Add(time.Hour))
		if code, _ := mpost(t, host, page+"/end", nil); code != 303 {
			t.Fatalf("end: %d", code)
		}

		// the minutes editor: save and submit in one go
		host, rec = apptest.Login(t, srv, "manager"), apptest.Login(t, srv, "receptionist")
		code, body = apptest.Get(t, rec, page+"/minutes")
		if code != 200 || !strings.Contains(body, `id="minutes-editor"`) {
			t.Fatalf("editor: %d", code)
		}
		id := strings.TrimPrefix(page, srv.URL+"/meetings/")
		d, err := a.Meetings.Get(ctx, access.SystemActor(), atoi(t, id))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := a.Meetings.Track(ctx, access.SystemActor(), d.ID, "test")
		if err != nil || len(tr.Resolutions) != 1 {
			t.Fatalf("recorded decision: %v", err)
		}
		mf := url.Values{"topic": {"远景能源洽谈会议纪要"}, fmt.Sprintf("point_%d", d.Agenda[0].ID): {"客户计划每季度举办两次发布会。"},
			"dec_id": {fmt.Sprint(tr.Resolutions[0].Resolution.ID), ""}, "dec_agenda": {"0", "0"}, "dec_text": {"按九五折报价", "三天内发送正式报价"}, "level": {"internal"}, "do": {"submit"}}
		if code, _ := mpost(t, rec, page+"/minutes", mf); code != 303 {
			t.Fatalf("save and submit minutes: %d", code)
		}
		if code, _ := mpost(t, host, page+"/minutes/approve", url.Values{"comment": {"同意"}}); code != 303 {
			t.Fatalf("approve minutes: %d", code)
		}
		for _, p := range []string{"/minutes", "/minutes/print", "/minutes/export", "/minutes/v/1", "/actions", "/wrapup"} {
			if code, _ := apptest.Get(t, host, page+p); code != 200 {
				t.Errorf("GET %s: %d", p, code)
			}
		}
		tr, _ = a.Meetings.Track(ctx, access.SystemActor(), d.ID, "test")
		day := fc.Now().In(a.Loc).Format("2006-01-02")
		due := fc.Now().In(a.Loc).AddDate(0, 0, 3).Format("2006-01-02")
		af := url.Values{"resolution_id": {fmt.Sprint(tr.Resolutions[1].Resolution.ID)}, "goal": {"发送正式报价函"}, "standard": {"报价函经主持人确认后发出"},
			"owner_id": {uid("leasing")}, "assistant_id": {""}, "start_on": {day}, "due_on": {due}}
		if code, _ := mpost(t, rec, page+"/actions", af); code != 303 {
			t.Fatalf("add action: %d", code)
		}
		if code, _ := mpost(t, host, page+"/minutes/distribute", nil); code != 303 {
			t.Fatalf("distribute: %d", code)
		}
		items, err := a.Meetings.Actions(ctx, access.SystemActor(), meeting.ActionFilter{MeetingID: d.ID}, "test")
		if err != nil || len(items) != 1 || items[0].Status != meeting.ActionOpen {
			t.Fatalf("action after distribution: %+v %v", items, err)
		}
		item := fmt.Sprintf("%s/action-items/%d", srv.URL, items[0].ID)
		leasing = apptest.Login(t, srv, "leasing")
		if code, _ := mpost(t, leasing, item+"/progress", url.Values{"progress": {"60"}, "note": {"报价已测算"}}); code != 303 {
			t.Fatalf("progress: %d", code)
		}
		if code, _ := mpost(t, leasing, item+"/result", url.Values{"result": {"报价函已发出"}}); code != 303 {
			t.Fatalf("result: %d", code)
		}
		code, body = apptest.Get(t, host, srv.URL+"/action-items")
		if code != 200 || !strings.Contains(body, "发送正式报价函") {
			t.Fatalf("board: %d", code)
		}
		if code, _ := mpost(t, host, item+"/accept", url.Values{"comment": {"合格"}}); code != 303 {
			t.Fatalf("accept: %d", code)
		}
		if d, _ := a.Meetings.Get(ctx, access.SystemActor(), d.ID); d.Status != meeting.StatusClosed {
			t.Fatalf("meeting after acceptance: %s", d.Status)
		}
		// wrap-up forms
		for _, c := range []struct {
			path string
			form url.Values
		}{
			{"/wrapup/negotiation", url.Values{"goals": {"季度发布会场地"}, "bottom_line": {"九折"}, "quoted": {"12,000.50"}, "outcome": {"agreed"}, "agreement_no": {"HT-2026-040"}, "agreement_signed_on": {day}}},
			{"/wrapup/archive", nil},
			{"/wrapup/review", url.Values{"summary": {"顺利"}, "satisfaction": {"5"}, "do": {"submit"}}},
			{"/wrapup/task", url.Values{"kind": {"improvement"}, "goal": {"提前发送会议资料"}, "standard": {"纳入流程"}, "owner_id": {uid("supervisor")}, "start_on": {day}, "due_on": {due}}},
			{"/wrapup/revisit", url.Values{"revisit_on": {due}, "owner_id": {uid("leasing")}, "purpose": {"回访满意度"}}},
		} {
			if code, loc := mpost(t, host, page+c.path, c.form); code != 303 {
				t.Fatalf("POST %s: %d %s", c.path, code, loc)
			}
		}
		// A revisit is marked made from its own meeting's page only.
		rvs, err := a.Meetings.Revisits(ctx, access.SystemActor(), d.ID)
		if err != nil || len(rvs) != 1 {
			t.Fatalf("revisits: %v %d", err, len(rvs))
		}
		var other int64
		if err := a.DB.QueryRow(ctx, `SELECT id FROM meetings WHERE id <> ? ORDER BY id LIMIT 1`, d.ID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		admin := apptest.Login(t, srv, "admin")
		done := url.Values{"revisit_id": {fmt.Sprint(rvs[0].ID)}, "note": {"电话回访"}}
		if code, _ := mpost(t, admin, fmt.Sprintf("%s/meetings/%d/wrapup/revisit-done", srv.URL, other), done); code != 404 {
			t.Fatalf("revisit marked through another meeting's page: %d", code)
		}
		if code, _ := mpost(t, admin, page+"/wrapup/revisit-done", done); code != 303 {
			t.Fatalf("revisit done: %d", code)
		}
		if code, body := postFollow(t, host, page+"/wrapup/negotiation", url.Values{"quoted": {"abc"}}); code != 200 || !strings.Contains(body, `class="flash err"`) {
			t.Fatalf("bad amount after archive: %d %.300s", code, body)
		}
		// templates page for office
		office, staff := apptest.Login(t, srv, "office"), apptest.Login(t, srv, "staff")
		tf := url.Values{"name": {"发布会筹备会"}, "type": {"internal"}, "duration_min": {"45"}, "active": {"on"}, "agenda_topic": {"筹备分工", ""}, "agenda_minutes": {"45", ""},
			"att_kind": {"required"}, "att_user": {uid("service")}}
		if code, _ := mpost(t, office, srv.URL+"/meetings/templates", tf); code != 303 {
			t.Fatalf("save template: %d", code)
		}
		if code, body := apptest.Get(t, office, srv.URL+"/meetings/templates"); code != 200 || !strings.Contains(body, "发布会筹备会") {
			t.Fatalf("templates page: %d", code)
		}
		if code, _ := apptest.Get(t, staff, srv.URL+"/meetings/templates"); code != 403 {
			t.Fatalf("templates page for staff: %d", code)
		}
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}
