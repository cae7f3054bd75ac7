package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/booking"
	"jiedai/internal/reception"
	"jiedai/internal/storetest"
	"jiedai/internal/web"
)

// untranslated finds catalogue keys that reached the page untranslated.
var untranslated = regexp.MustCompile(`\b(reception|client|err|flash|role)\.[a-z_]+(\.[a-z_]+)*\b`)

func checkPage(t *testing.T, c *http.Client, u string, want int) string {
	t.Helper()
	code, body := apptest.Get(t, c, u)
	if code != want {
		t.Fatalf("GET %s: status %d, want %d: %.400s", u, code, want, body)
	}
	if m := untranslated.FindString(stripAttrs(body)); m != "" {
		t.Errorf("GET %s: untranslated key %q", u, m)
	}
	return body
}

// stripAttrs drops tag markup, so class names and URLs are not taken for keys.
func stripAttrs(s string) string {
	return regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(s, " ")
}

// Every page of every demo case renders for the office, in every language.
func TestReceptionPagesRender(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	list, _, err := a.Reception.List(context.Background(), access.SystemActor(), reception.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"zh-Hans", "zh-Hant", "en"} {
		c := apptest.Login(t, srv, "office")
		postForm(t, c, srv.URL+"/lang", url.Values{"lang": {lang}, "next": {"/"}})
		for _, p := range []string{"/receptions", "/receptions?status=", "/receptions/new", "/reception-items", "/receptions/report", "/receptions/report?by=tier",
			"/receptions/report?by=department", "/receptions/settings", "/clients", "/clients/duplicates", "/"} {
			checkPage(t, c, srv.URL+p, 200)
		}
		for _, r := range list {
			for _, tab := range []string{"", "/plan", "/duties", "/materials", "/guests", "/wrapup", "/survey", "/board", "/desk"} {
				checkPage(t, c, fmt.Sprintf("%s/receptions/%d%s", srv.URL, r.ID, tab), 200)
			}
			for _, doc := range web.Docs {
				checkPage(t, c, fmt.Sprintf("%s/receptions/%d/print/%s", srv.URL, r.ID, doc), 200)
			}
			if r.Editable() {
				checkPage(t, c, fmt.Sprintf("%s/receptions/%d/edit", srv.URL, r.ID), 200)
			}
			checkPage(t, c, fmt.Sprintf("%s/clients/%d", srv.URL, r.OrgID), 200)
		}
	}
}

// closedPremiumCase is the demo's closed 高端 case: every attachment filled in.
func closedPremiumCase(t *testing.T, svc *reception.Service) reception.Reception {
	t.Helper()
	list, _, _ := svc.List(context.Background(), access.SystemActor(), reception.Filter{Status: reception.StatusClosed})
	for _, x := range list {
		if x.Tier == reception.TierHigh {
			return x
		}
	}
	t.Fatal("no closed premium demo case")
	return reception.Reception{}
}

// The four attachments export to Excel with the seed's columns.
func TestReceptionExcelExports(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	c := apptest.Login(t, srv, "office")
	r := closedPremiumCase(t, a.Reception)
	open := func(doc string) *excelize.File {
		t.Helper()
		resp, err := c.Get(fmt.Sprintf("%s/receptions/%d/export/%s.xlsx", srv.URL, r.ID, doc))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("%s: status %d %s", doc, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		data, _ := io.ReadAll(resp.Body)
		f, err := excelize.OpenReader(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("%s: not a workbook: %v", doc, err)
		}
		return f
	}
	// rows returns the sheet's non-empty rows, cells joined by "|".
	rows := func(f *excelize.File) []string {
		t.Helper()
		sheet := f.GetSheetName(0)
		all, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range all {
			var cells []string
			for _, c := range row {
				if c != "" {
					cells = append(cells, c)
				}
			}
			if len(cells) > 0 {
				out = append(out, strings.Join(cells, "|"))
			}
		}
		return out
	}
	has := func(doc string, lines []string, want string) {
		t.Helper()
		for _, l := range lines {
			if strings.Contains(l, want) {
				return
			}
		}
		t.Errorf("%s: no row containing %q in %q", doc, want, lines)
	}

	app := open("application")
	if got := app.GetSheetName(0); got != "接待申请单" {
		t.Errorf("application sheet = %q", got)
	}
	lines := rows(app)
	if lines[0] != "接待申请单" {
		t.Errorf("title row %q", lines[0])
	}
	has("application", lines, "申请人|林小明|申请部门|市场销售部|对接人|林小明")
	has("application", lines, "来宾单位|"+r.OrgName)
	has("application", lines, "来访日期|"+r.VisitDate+"|到达时间|09:30|预算|")
	has("application", lines, "是否派车接送|● 是　○ 否|需要车型|七座商务车")
	has("application", lines, "接待类型|● 高端（荐 150 元/人）")
	has("application", lines, "部门负责人是否已批准本次接待|● 是　○ 否")
	has("application", lines, "是否预定房间|● 是　○ 否|酒店|会所酒店")
	has("application", lines, "房间号|806、808|预算|¥1,360.00|对接人|前厅部 郑主管")
	if v, _ := app.GetCellValue(app.GetSheetName(0), "A4"); v != "申请人" {
		t.Errorf("A4 = %q, want 申请人", v)
	}

	duties := rows(open("duties"))
	has("duties", duties, "分类|完成时间|工作项目|责任人|辅助人|职责|进度")
	has("duties", duties, "前期|")
	has("duties", duties, "(T-4)|确认场地、时间及接待流程|王静|李娜|流程组：负责确认场地、时间、流程等|已完成")

	mats := rows(open("materials"))
	has("materials", mats, "会议时间|"+r.VisitDate+" 09:30")
	has("materials", mats, "会议地点|会所一号会议室")
	has("materials", mats, "序号|分类|物品名称|数量|负责人|归还与否|检查|备注")
	has("materials", mats, "1|茶水|茶具（套）|2|周敏|是|✓ 王静")

	sv := rows(open("survey"))
	has("survey", sv, "评议内容|参照分值|评分")
	has("survey", sv, "客户对此次来访的满意度|10|9")
	has("survey", sv, "工作分配明确、到位|10|9")
	has("survey", sv, "合计|100|")

	// In English the same grid has English headings.
	en := apptest.Login(t, srv, "office")
	postForm(t, en, srv.URL+"/lang", url.Values{"lang": {"en"}, "next": {"/"}})
	c = en
	has("duties (en)", rows(open("duties")), "Phase|Due|Work item|Owner|Assistant|Duty|Progress")
	has("materials (en)", rows(open("materials")), "No.|Category|Item|Qty|Owner|Returned|Checked|Notes")
}

func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// A case that needs a meeting room books it through the booking module:
// internal use, approved with the case (no letter, no client, no invoice).
func TestReceptionBooksMeetingRoom(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	ctx := context.Background()
	list, _, _ := a.Reception.List(ctx, access.SystemActor(), reception.Filter{Status: reception.StatusPlanning, Limit: 1})
	if len(list) == 0 {
		t.Fatal("no planning case")
	}
	r := list[0]
	vs, err := a.Venues.All(ctx, nil)
	if err != nil || len(vs) == 0 {
		t.Fatalf("venues: %v", err)
	}
	c := apptest.Login(t, srv, "office")
	body := checkPage(t, c, fmt.Sprintf("%s/receptions/%d/plan", srv.URL, r.ID), 200)
	if !strings.Contains(body, "book-room") {
		t.Fatal("no room request form on the plan tab")
	}
	code, page := postFollow(t, c, fmt.Sprintf("%s/receptions/%d/book-room", srv.URL, r.ID), url.Values{"venue_id": {"0"}, "room_start": {"10:00"}, "room_end": {"11:30"}})
	if code != 200 || !strings.Contains(page, "field-err") {
		t.Fatalf("request without a room: %d", code)
	}
	var venueID int64
	for _, v := range vs {
		if v.Capacity >= r.Headcount+2 && v.Kind != "" {
			venueID = v.ID
			break
		}
	}
	code, page = postForm(t, c, fmt.Sprintf("%s/receptions/%d/book-room", srv.URL, r.ID), url.Values{"venue_id": {fmt.Sprint(venueID)}, "room_start": {"10:00"}, "room_end": {"11:30"}})
	if code != 303 {
		t.Fatalf("room request: %d %.600s", code, stripAttrs(page))
	}
	got, _ := a.Reception.Get(ctx, access.SystemActor(), r.ID)
	if got.BookingID == 0 {
		t.Fatal("booking not linked")
	}
	b, err := a.Bookings.Get(ctx, access.SystemActor(), got.BookingID)
	if err != nil || b.VenueID != venueID || b.OrgID != 0 || b.Purpose != booking.PurposeInternal || b.Status != booking.StatusConfirmed || !b.ReplyBy.IsZero() {
		t.Fatalf("booking: %+v %v", b, err)
	}
	if sheet := checkPage(t, c, fmt.Sprintf("%s/bookings/%d", srv.URL, b.ID), 200); strings.Contains(sheet, "开具发票") || strings.Contains(sheet, "/letter") {
		t.Fatal("the case's room shows a client letter or an invoice duty")
	}
	body = checkPage(t, c, fmt.Sprintf("%s/receptions/%d/plan", srv.URL, r.ID), 200)
	if !strings.Contains(body, fmt.Sprintf("/bookings/%d", b.ID)) {
		t.Fatal("plan tab does not show the booking")
	}
	if strings.Contains(body, "/book-room") {
		t.Fatal("a second room request is offered while the first is held")
	}

	// The booking office lets the room go: the case shows it and may book
	// again, and the new booking replaces the old one.
	if _, err := a.Bookings.Cancel(ctx, access.SystemActor(), b.ID, "会议室设备检修", true); err != nil {
		t.Fatal(err)
	}
	body = checkPage(t, c, fmt.Sprintf("%s/receptions/%d/plan", srv.URL, r.ID), 200)
	if !strings.Contains(body, fmt.Sprintf("/bookings/%d", b.ID)) || !strings.Contains(body, "/book-room") {
		t.Fatal("after the room was let go the plan tab should show the old booking and offer a new request")
	}
	code, page = postForm(t, c, fmt.Sprintf("%s/receptions/%d/book-room", srv.URL, r.ID), url.Values{"venue_id": {fmt.Sprint(venueID)}, "room_start": {"14:00"}, "room_end": {"15:30"}})
	if code != 303 {
		t.Fatalf("second room request: %d %.600s", code, stripAttrs(page))
	}
	again, _ := a.Reception.Get(ctx, access.SystemActor(), r.ID)
	if again.BookingID == 0 || again.BookingID == b.ID {
		t.Fatalf("booking after the second request: %d (first %d)", again.BookingID, b.ID)
	}

	// The visit is called off: the room it holds is let go with it, and
	// the first booking, let go before, stays as it was.
	ou, err := a.Auth.GetByUsername(ctx, "office")
	if err != nil {
		t.Fatal(err)
	}
	office := ou.Actor("")
	if _, err := a.Reception.Cancel(ctx, office, r.ID, "客户行程取消"); err != nil {
		t.Fatal(err)
	}
	nb, err := a.Bookings.Get(ctx, access.SystemActor(), again.BookingID)
	if err != nil || nb.Status != booking.StatusCancelled || !strings.Contains(nb.CancelReason, "客户行程取消") {
		t.Fatalf("the case's booking after the case was cancelled: %s %q %v", nb.Status, nb.CancelReason, err)
	}
	if ob, _ := a.Bookings.Get(ctx, access.SystemActor(), b.ID); ob.Status != booking.StatusCancelled || ob.CancelReason != "会议室设备检修" {
		t.Fatalf("the first booking became %s %q", ob.Status, ob.CancelReason)
	}
}

// TestNewApplicationStaysNewAfterAnError: submitting a new application
// that cannot go up yet keeps it as a draft; the form that comes back is
// still titled as a new application and says the draft was kept, and it
// posts to the draft (no second draft on the next try).
func TestNewApplicationStaysNewAfterAnError(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	c := apptest.Login(t, srv, "staff")
	code, page := postFollow(t, c, srv.URL+"/receptions/new", url.Values{"org_name": {"北京华信科技有限公司"}, "visit_date": {"2026-03-20"}, "do": {"submit"}})
	if code != 200 {
		t.Fatalf("submit of an incomplete application: %d", code)
	}
	if !strings.Contains(page, "<h1>新建接待申请</h1>") || strings.Contains(page, "<h1>修改申请单</h1>") || !strings.Contains(page, "草稿已保存") {
		t.Errorf("form after the error: %.400s", stripAttrs(page))
	}
	list, total, err := a.Reception.List(context.Background(), access.SystemActor(), reception.Filter{Status: reception.StatusDraft, Q: "北京华信科技有限公司", Limit: 10})
	if err != nil || total != 1 || !strings.Contains(page, fmt.Sprintf(`action="/receptions/%d/edit"`, list[0].ID)) {
		t.Errorf("drafts %d (%v); the form should post to the draft", total, err)
	}
}
