package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"jiedai/internal/access"
	"jiedai/internal/billing"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
)

// fen is a money cell of a workbook: written as yuan with the money format.
type fen int64

// bkSheet is one sheet of an exported workbook: a title, the headings
// (catalogue keys) and rows of text, counts and fen.
type bkSheet struct {
	Name  string
	Title string
	Heads []string
	Rows  [][]any
}

// bkWorkbook writes sheets as an Excel workbook whose amounts are numbers
// with the money format.
func bkWorkbook(l *i18n.Localizer, sheets []bkSheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtMoneyStr})
	if err != nil {
		return nil, fmt.Errorf("money style: %w", err)
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	for i, sh := range sheets {
		name := sheetName(sh.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		_ = f.SetCellValue(name, "A1", sh.Title)
		_ = f.SetCellStyle(name, "A1", "A1", bold)
		for c, h := range sh.Heads {
			cell, _ := excelize.CoordinatesToCellName(c+1, 3)
			_ = f.SetCellValue(name, cell, l.T(h))
			_ = f.SetCellStyle(name, cell, cell, bold)
		}
		for r, row := range sh.Rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+4)
				if m, ok := v.(fen); ok {
					_ = f.SetCellValue(name, cell, float64(m)/100)
					_ = f.SetCellStyle(name, cell, cell, money)
					continue
				}
				_ = f.SetCellValue(name, cell, v)
			}
		}
		last, _ := excelize.ColumnNumberToName(max(len(sh.Heads), 1))
		_ = f.SetColWidth(name, "A", "A", 28)
		if last != "A" {
			_ = f.SetColWidth(name, "B", last, 16)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

var fmtMoneyStr = fmtMoney

func (s *Server) sendWorkbook(w http.ResponseWriter, r *http.Request, name string, sheets []bkSheet) {
	data, err := bkWorkbook(s.app.I18n.For(langFrom(r)), sheets)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
	_, _ = w.Write(data)
}

func ageingSheet(l *i18n.Localizer, rep billing.Ageing) bkSheet {
	sh := bkSheet{Name: l.T("books.ageing.title"), Title: l.T("books.ageing.title") + " " + rep.AsOf,
		Heads: append(append([]string{"books.account"}, billing.AgeBucketKeys[:]...), "books.total")}
	for _, row := range append(rep.Rows, rep.Total) {
		name := row.AccountName
		if row.AccountID == 0 {
			name = l.T("books.total")
		}
		line := []any{name}
		for _, v := range row.Buckets {
			line = append(line, fen(v))
		}
		sh.Rows = append(sh.Rows, append(line, fen(row.TotalFen)))
	}
	return sh
}

func (s *Server) bkAgeingExcel(w http.ResponseWriter, r *http.Request, a access.Actor) {
	rep, err := s.app.Books.AgeingReport(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.sendWorkbook(w, r, "ageing-"+rep.AsOf, []bkSheet{ageingSheet(s.app.I18n.For(langFrom(r)), rep)})
}

type bkReportData struct {
	Rep    billing.FinanceReport
	Groups []bkGroup
	Keys   []string
}

// bkGroup is one "income by …" table of the report.
type bkGroup struct {
	Key   string
	Lines []billing.ReportLine
}

func reportGroups(rep billing.FinanceReport) []bkGroup {
	return []bkGroup{{"books.report.by_source", rep.BySource}, {"books.report.by_venue", rep.ByVenue}, {"books.report.by_item", rep.ByItem},
		{"books.report.by_client", rep.ByClient}, {"books.report.by_month", rep.ByMonth}, {"books.report.cancel_fees", rep.CancelFees},
		{"books.report.charge_backs", rep.ChargeBacks}}
}

func (s *Server) bkReportData(r *http.Request, a access.Actor) (*bkReportData, error) {
	q := r.URL.Query()
	rep, err := s.app.Books.Report(r.Context(), a, q.Get("from"), q.Get("to"))
	if err != nil {
		return nil, err
	}
	return &bkReportData{Rep: rep, Groups: reportGroups(rep), Keys: billing.AgeBucketKeys[:]}, nil
}

func (s *Server) bkReport(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.bkReportData(r, a)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.Invalid {
			p := s.newPage(r, "books.report.title", "billing", &bkReportData{})
			p.Form = r.URL.Query()
			p.Errors = map[string]string{e.Field: p.L.TArgs(e.Key, e.Args)}
			s.render(w, r, http.StatusUnprocessableEntity, "books_report", p)
			return
		}
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "books.report.title", "billing", d)
	p.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "books_report", p)
}

func (s *Server) bkReportExcel(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.bkReportData(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	l := s.app.I18n.For(langFrom(r))
	span := d.Rep.From + " – " + d.Rep.To
	var sheets []bkSheet
	for _, g := range d.Groups {
		sh := bkSheet{Name: l.T(g.Key), Title: l.T(g.Key) + " " + span, Heads: []string{"books.report.group", "books.report.count", "books.report.amount"}}
		for _, ln := range g.Lines {
			label := ln.Label
			if g.Key == "books.report.by_source" {
				label = l.T("books.source." + ln.Label)
			}
			sh.Rows = append(sh.Rows, []any{label, ln.Count, fen(ln.AmountFen)})
		}
		sheets = append(sheets, sh)
	}
	rs := bkSheet{Name: l.T("books.report.reasons"), Title: l.T("books.report.reasons") + " " + span,
		Heads: []string{"books.report.day", "books.report.kind", "books.account", "books.report.item", "books.reason", "books.report.amount"}}
	for _, x := range d.Rep.Reasons {
		rs.Rows = append(rs.Rows, []any{x.Day, l.T("books.report.kind_" + x.Kind), x.Account, x.Item, x.Reason, fen(x.AmountFen)})
	}
	ds := bkSheet{Name: l.T("books.report.deposits"), Title: l.T("books.report.deposits"), Heads: []string{"books.account", "books.report.count", "books.report.held"}}
	for _, x := range d.Rep.Deposits {
		ds.Rows = append(ds.Rows, []any{x.Account, x.Count, fen(x.HeldFen)})
	}
	sheets = append(sheets, rs, ds, ageingSheet(l, d.Rep.Ageing))
	s.sendWorkbook(w, r, "finance-"+d.Rep.From+"-"+d.Rep.To, sheets)
}

type bkPeriodsData struct {
	List     []billing.Period
	CanAudit bool
}

func (s *Server) bkPeriodsPage(r *http.Request, a access.Actor) (*Page, error) {
	list, err := s.app.Books.ListPeriods(r.Context(), a)
	if err != nil {
		return nil, err
	}
	return s.newPage(r, "books.periods.title", "billing", &bkPeriodsData{List: list, CanAudit: billing.CanAudit(a)}), nil
}

func (s *Server) bkPeriods(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.bkPeriodsPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "books_periods", p)
}

func (s *Server) bkPeriodOpen(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.app.Books.OpenPeriod(r.Context(), a, r.FormValue("period"))
	if err != nil {
		page, e := s.bkPeriodsPage(r, a)
		if e != nil {
			s.fail(w, r, e, "", nil)
			return
		}
		s.fail(w, r, err, "books_periods", page)
		return
	}
	redirect(w, r, "/billing/periods/"+strconv.FormatInt(p.ID, 10), "saved")
}

type bkPeriodData struct {
	P          billing.Period
	CanAudit   bool
	CanSign    bool
	Depts      []deptChoice
	Severities []string
}

type deptChoice struct {
	ID   int64
	Name string
}

func (s *Server) bkPeriodPage(r *http.Request, a access.Actor) (*Page, error) {
	p, err := s.app.Books.GetPeriod(r.Context(), a, pathInt(r, "id"))
	if err != nil {
		return nil, err
	}
	d := &bkPeriodData{P: p, CanAudit: billing.CanAudit(a), Severities: billing.Severities}
	d.CanSign = p.Status == billing.PeriodReview && d.CanAudit
	rows, err := s.app.DB.Query(r.Context(), `SELECT id, name FROM departments ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("departments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c deptChoice
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, err
		}
		d.Depts = append(d.Depts, c)
	}
	page := s.newPage(r, "books.periods.one", "billing", d)
	page.Title = page.L.T("books.periods.one") + " " + p.Label
	return page, rows.Err()
}

func (s *Server) bkPeriod(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.bkPeriodPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "books_period", p)
}

func (s *Server) bkPeriodPrint(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.bkPeriodPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := p.Data.(*bkPeriodData)
	rep, err := s.app.Books.Report(r.Context(), a, d.P.StartOn, d.P.EndOn)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Data = &struct {
		*bkPeriodData
		Rep billing.FinanceReport
	}{d, rep}
	s.render(w, r, http.StatusOK, "books_period_print", p)
}

func (s *Server) bkPeriodAct(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx, id, b := r.Context(), pathInt(r, "id"), s.app.Books
	_ = r.ParseForm()
	var err error
	switch r.PathValue("action") {
	case "findings":
		dept, _ := parseID(r.PostForm.Get("department_id"))
		_, err = b.AddFinding(ctx, a, id, billing.FindingInput{Severity: r.PostForm.Get("severity"), Text: r.PostForm.Get("text"), DepartmentID: dept, DueOn: r.PostForm.Get("due_on")})
	case "submit":
		_, err = b.SubmitPeriod(ctx, a, id, r.PostForm.Get("summary"))
	case "signoff":
		_, err = b.SignOff(ctx, a, id, r.PostForm.Get("decision"), r.PostForm.Get("comment"))
	default:
		err = errs.Missing()
	}
	if err != nil {
		p, perr := s.bkPeriodPage(r, a)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "books_period", p)
		return
	}
	redirect(w, r, "/billing/periods/"+strconv.FormatInt(id, 10), "saved")
}
