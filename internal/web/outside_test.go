package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiedai/internal/apptest"
	"jiedai/internal/reception"
	"jiedai/internal/storetest"
)

// The site settings page warns while no public URL is set, saves one
// (refusing a bad one with the field named), and then stops warning.
func TestPublicURLSetting(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	admin := apptest.Login(t, srv, "admin")
	if _, body := apptest.Get(t, admin, srv.URL+"/admin/settings"); !strings.Contains(body, `id="public-url-unset"`) || !strings.Contains(body, `name="base_url"`) {
		t.Fatalf("no warning or field while the public URL is unset:\n%s", body)
	}
	form := url.Values{"name": {""}, "time_zone": {"Asia/Shanghai"}, "currency": {"CNY"}, "base_url": {"jiedai.example.cn"}}
	resp, err := admin.PostForm(srv.URL+"/admin/settings", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/settings" {
		t.Fatalf("address without scheme: %d", resp.StatusCode)
	}
	form.Set("base_url", "https://jiedai.example.cn/")
	resp, err = admin.PostForm(srv.URL+"/admin/settings", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	_, body := apptest.Get(t, admin, srv.URL+"/admin/settings")
	if strings.Contains(body, `id="public-url-unset"`) || !strings.Contains(body, `value="https://jiedai.example.cn"`) {
		t.Fatalf("after saving:\n%s", body)
	}
	if got := a.PublicURL(t.Context()); got != "https://jiedai.example.cn" {
		t.Fatalf("PublicURL = %q", got)
	}
}

// In the Excel exports money, percentages and counts are numbers with a
// number format, not text, and every sheet (the materials list too) names
// its case and client under the title.
func TestExcelNumbersAndCase(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	c := apptest.Login(t, srv, "office")
	r := closedPremiumCase(t, a.Reception)
	open := func(doc string, id int64) (*excelize.File, string) {
		t.Helper()
		resp, err := c.Get(fmt.Sprintf("%s/receptions/%d/export/%s.xlsx", srv.URL, id, doc))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		f, err := excelize.OpenReader(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", doc, resp.StatusCode, err)
		}
		t.Cleanup(func() { f.Close() })
		return f, f.GetSheetName(0)
	}
	// find returns the cell holding text, or "".
	find := func(f *excelize.File, sheet, text string) string {
		t.Helper()
		cells, err := f.SearchSheet(sheet, text)
		if err != nil || len(cells) == 0 {
			return ""
		}
		return cells[0]
	}
	// numeric fails unless the cell holds a number shown with a format
	// containing want.
	numeric := func(f *excelize.File, sheet, cell, want string) {
		t.Helper()
		raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if _, err := strconv.ParseFloat(raw, 64); err != nil {
			t.Errorf("%s %s = %q, not a number", sheet, cell, raw)
		}
		if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s %s is a text cell", sheet, cell)
		}
		id, _ := f.GetCellStyle(sheet, cell)
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, want) {
			t.Errorf("%s %s: number format %+v, want one with %q", sheet, cell, st, want)
		}
	}
	caseLine := "接待编号 " + r.Code + " · 客户 " + r.OrgName
	for _, doc := range []string{"application", "duties", "materials", "survey"} {
		f, sheet := open(doc, r.ID)
		if find(f, sheet, caseLine) == "" {
			t.Errorf("%s: the sheet does not name the case and client (%q)", doc, caseLine)
		}
	}
	app, sheet := open("application", r.ID)
	numeric(app, sheet, right(t, find(app, sheet, "¥1,360.00"), 0), "¥")
	mats, sheet := open("materials", r.ID)
	numeric(mats, sheet, right(t, find(mats, sheet, "茶具（套）"), 1), "0")

	// An open duty's progress is a percentage.
	duties, sheet := open("duties", demoCase(t, a.Reception, reception.StatusOngoing).ID)
	rows, _ := duties.GetRows(sheet)
	pct := ""
	for i, row := range rows {
		if len(row) == 7 && strings.HasSuffix(row[6], "%") {
			pct, _ = excelize.CoordinatesToCellName(7, i+1)
			break
		}
	}
	if pct == "" {
		t.Fatalf("no duty with a progress percentage in %q", rows)
	}
	numeric(duties, sheet, pct, "%")
}

// right is the cell n columns right of cell.
func right(t *testing.T, cell string, n int) string {
	t.Helper()
	if cell == "" {
		t.Fatal("cell not found")
	}
	c, r, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := excelize.CoordinatesToCellName(c+n, r)
	return name
}

// The venue utilisation workbook shows the share booked as a percentage
// and the amount quoted as money, both numbers.
func TestUtilisationExcelFormats(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	c := apptest.Login(t, srv, "office")
	resp, err := c.Get(srv.URL + "/reports/venues.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	f, err := excelize.OpenReader(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"D4": "%", "I4": "¥", "B4": "0.0"} {
		raw, _ := f.GetCellValue("Sheet1", cell, excelize.Options{RawCellValue: true})
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || (cell == "D4" && v > 1) {
			t.Errorf("%s = %q, want a number (a share of 1 for D4)", cell, raw)
		}
		id, _ := f.GetCellStyle("Sheet1", cell)
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, want) {
			t.Errorf("%s: number format %+v, want one with %q", cell, st, want)
		}
	}
}
