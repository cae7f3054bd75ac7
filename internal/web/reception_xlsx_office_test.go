package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiedai/internal/apptest"
	"jiedai/internal/storetest"
	"jiedai/internal/web"
)

// office finds LibreOffice; the test skips without it (CI does not install it).
func office(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("LibreOffice not installed (apt-get install libreoffice-calc-nogui): spreadsheet-program check skipped")
	return ""
}

// The four attachments exported to Excel open in a real spreadsheet
// program: LibreOffice converts each to CSV, and the cells are the seed
// form's headings and the case's data, in Chinese and in English.
func TestReceptionXlsxOpensInLibreOffice(t *testing.T) {
	soffice := office(t)
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	r := closedPremiumCase(t, a.Reception)
	dir := t.TempDir()
	var files []string
	for _, lang := range []string{"zh-Hans", "en"} {
		c := apptest.Login(t, srv, "office")
		postForm(t, c, srv.URL+"/lang", url.Values{"lang": {lang}, "next": {"/"}})
		for _, doc := range web.Docs {
			resp, err := c.Get(fmt.Sprintf("%s/receptions/%d/export/%s.xlsx", srv.URL, r.ID, doc))
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s %s: status %d", lang, doc, resp.StatusCode)
			}
			name := filepath.Join(dir, lang+"-"+doc+".xlsx")
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, name)
		}
	}

	// One LibreOffice run converts all eight; a private profile keeps it
	// apart from any other LibreOffice on the machine. The filter options
	// ask for comma-separated, quoted, UTF-8 (76) text.
	out := filepath.Join(dir, "csv")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", out}, files...)
	if msg, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	sheet := func(lang, doc string) [][]string {
		t.Helper()
		f, err := os.Open(filepath.Join(out, lang+"-"+doc+".csv"))
		if err != nil {
			t.Fatalf("LibreOffice did not convert %s %s: %v", lang, doc, err)
		}
		defer f.Close()
		rd := csv.NewReader(f)
		rd.FieldsPerRecord = -1
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("%s %s: csv: %v", lang, doc, err)
		}
		return rows
	}
	// has finds a row whose non-empty cells, in order, start with want.
	has := func(what string, rows [][]string, want ...string) {
		t.Helper()
		for _, row := range rows {
			var cells []string
			for _, c := range row {
				if c != "" {
					cells = append(cells, c)
				}
			}
			if len(cells) >= len(want) && strings.Join(cells[:len(want)], "|") == strings.Join(want, "|") {
				return
			}
		}
		t.Errorf("%s: no row starting %q in\n%s", what, want, csvDump(rows))
	}
	cell := func(what string, rows [][]string, row, col int, want string) {
		t.Helper()
		if row >= len(rows) || col >= len(rows[row]) || rows[row][col] != want {
			t.Errorf("%s: cell %c%d is not %q in\n%s", what, 'A'+col, row+1, want, csvDump(rows))
		}
	}

	app := sheet("zh-Hans", "application")
	cell("application", app, 0, 0, "接待申请单")
	cell("application", app, 3, 0, "申请人")
	has("application", app, "申请人", "林小明", "申请部门", "市场销售部", "对接人", "林小明")
	has("application", app, "来宾单位", r.OrgName)
	has("application", app, "来访日期", r.VisitDate, "到达时间", "09:30", "预算")
	has("application", app, "是否派车接送", "● 是　○ 否", "需要车型", "七座商务车")
	has("application", app, "接待申请单（二）")
	has("application", app, "部门负责人是否已批准本次接待", "● 是　○ 否")

	duties := sheet("zh-Hans", "duties")
	cell("duties", duties, 0, 0, "分工推进表")
	has("duties", duties, "分类", "完成时间", "工作项目", "责任人", "辅助人", "职责", "进度")
	has("duties", duties, "来宾单位", r.OrgName)
	has("duties", duties, "前期")
	has("duties", duties, "收尾")

	mats := sheet("zh-Hans", "materials")
	cell("materials", mats, 0, 0, "物品清单表")
	has("materials", mats, "会议时间", r.VisitDate+" 09:30")
	has("materials", mats, "序号", "分类", "物品名称", "数量", "负责人", "归还与否", "检查", "备注")
	has("materials", mats, "1", "茶水", "茶具（套）", "2", "周敏", "是", "✓ 王静")

	sv := sheet("zh-Hans", "survey")
	cell("survey", sv, 0, 0, "接待满意度调查表")
	has("survey", sv, "评议内容", "参照分值", "评分")
	has("survey", sv, "客户对此次来访的满意度", "10", "9")
	has("survey", sv, "合计", "100")

	has("application (en)", sheet("en", "application"), "Applicant")
	has("duties (en)", sheet("en", "duties"), "Phase", "Due", "Work item", "Owner", "Assistant", "Duty", "Progress")
	has("materials (en)", sheet("en", "materials"), "No.", "Category", "Item", "Qty", "Owner", "Returned", "Checked", "Notes")
	has("survey (en)", sheet("en", "survey"), "Criterion")
}

func csvDump(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.String()
}
