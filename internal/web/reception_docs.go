package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/reception"
)

// The four attachments of the seed (附件一 接待申请单, 附件二 分工推进表, 附件三
// 物品清单表, 附件四 接待满意度调查表) print as HTML pages laid out like the
// paper forms and export to Excel with the same grid, in the reader's
// language. Both come from one Document, so they cannot drift apart.

// Docs are the printable documents, by URL name.
var Docs = []string{"application", "duties", "materials", "survey"}

// DocCell is one cell of a document grid.
type DocCell struct {
	Text  string
	Label bool // a printed label (shaded)
	Span  int  // columns spanned, at least 1
	// NumFmt, when set, makes the Excel cell the number Num shown with
	// this number format (money, percentages, counts), not the text.
	NumFmt string
	Num    float64
}

// Excel number formats of numeric cells.
const (
	fmtMoney   = `"¥"#,##0.00`
	fmtPercent = `0%`
	fmtCount   = `0`
)

// DocTable is one table of a document: optional key/value lines above it,
// a header row and body rows of Cols columns.
type DocTable struct {
	Title  string
	Meta   [][2]string
	Header []string
	Rows   [][]DocCell
	Cols   int
	Widths []float64 // Excel column widths
}

// Document is a printable attachment.
type Document struct {
	Name     string // application, duties, materials, survey
	Title    string
	Tables   []DocTable
	Sign     []string // signature lines under the form
	Subject  string   // the case: code and guest organisation
	CaseLine string   // the case and client named under the title of the Excel sheet
	CaseID   int64
	Colon    string // between a label and its value, in the reader's language
}

func (s *Server) routesReceptionDocs(mux *http.ServeMux) {
	mux.HandleFunc("GET /receptions/{id}/print/{doc}", s.authed(s.rcPrint))
	mux.HandleFunc("GET /receptions/{id}/export/{file}", s.authed(s.rcExport))
}

func (s *Server) rcPrint(w http.ResponseWriter, r *http.Request, a access.Actor) {
	doc, err := s.document(r, a, pathInt(r, "id"), r.PathValue("doc"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "", "receptions", doc)
	p.Title = doc.Title
	s.render(w, r, http.StatusOK, "reception_print", p)
}

func (s *Server) rcExport(w http.ResponseWriter, r *http.Request, a access.Actor) {
	name := r.PathValue("file")
	doc, err := s.document(r, a, pathInt(r, "id"), trimSuffix(name, ".xlsx"))
	if err != nil || len(name) < 6 || name[len(name)-5:] != ".xlsx" {
		if err == nil {
			err = errs.Missing()
		}
		s.fail(w, r, err, "", nil)
		return
	}
	data, err := doc.XLSX()
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	file := doc.Subject + " " + doc.Title + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\""+doc.Name+".xlsx\"; filename*=UTF-8''"+url.PathEscape(file))
	_, _ = w.Write(data)
}

func trimSuffix(s, suf string) string {
	if len(s) >= len(suf) && s[len(s)-len(suf):] == suf {
		return s[:len(s)-len(suf)]
	}
	return s
}

// document builds one attachment of a case for the reader.
func (s *Server) document(r *http.Request, a access.Actor, id int64, name string) (*Document, error) {
	if !slices.Contains(Docs, name) {
		return nil, errs.Missing()
	}
	ctx := r.Context()
	svc := s.app.Reception
	rc, err := svc.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if a.IsClient() {
		return nil, errs.Forbid()
	}
	users, err := s.userNames(ctx, a)
	if err != nil {
		return nil, err
	}
	l := s.app.I18n.For(langFrom(r))
	doc := &Document{Name: name, Subject: rc.Code + " " + rc.OrgName, CaseID: rc.ID, Colon: l.T("common.colon"),
		CaseLine: l.T("outside.doc_case", "code", rc.Code, "org", rc.OrgName)}
	switch name {
	case "application":
		names, _, err := s.deptNames(r)
		if err != nil {
			return nil, err
		}
		appChain, _, err := svc.Chains(ctx, a, id)
		if err != nil {
			return nil, err
		}
		headOK := false
		for _, st := range append(appChain.History, appChain.Steps...) {
			if st.Seq == 1 && st.Decision == approval.StatusApproved && appChain.Round == st.Round {
				headOK = true
			}
		}
		cfg, err := svc.Config(ctx)
		if err != nil {
			return nil, err
		}
		docApplication(doc, l, cfg, rc, users, names[rc.DepartmentID], headOK)
	case "duties":
		ds, err := svc.Duties(ctx, a, id)
		if err != nil {
			return nil, err
		}
		s.docDuties(doc, l, rc, ds, users)
	case "materials":
		ms, err := svc.Materials(ctx, a, id)
		if err != nil {
			return nil, err
		}
		its, err := svc.Itinerary(ctx, a, id)
		if err != nil {
			return nil, err
		}
		s.docMaterials(doc, l, rc, ms, its, users)
	case "survey":
		svs, err := svc.Surveys(ctx, a, id)
		if err != nil {
			return nil, err
		}
		cs, err := svc.Criteria(ctx)
		if err != nil {
			return nil, err
		}
		docSurvey(doc, l, rc, svs, cs)
	}
	return doc, nil
}

// ColWidths gives the printed column widths as percentages, in proportion
// to the Excel widths, so both layouts share one set of numbers. (They go
// in <col width>, as the content security policy forbids inline styles.)
func (t DocTable) ColWidths() []string {
	if len(t.Widths) != t.Cols {
		return nil
	}
	sum := 0.0
	for _, w := range t.Widths {
		sum += w
	}
	out := make([]string, len(t.Widths))
	for i, w := range t.Widths {
		out[i] = strconv.FormatFloat(100*w/sum, 'f', 1, 64) + "%"
	}
	return out
}

// MetaSpan is how many columns the label of a key/value line above the
// table spans: enough for a four-character label. It is 0 when the first
// column alone is a third of the table (the survey's criterion column):
// then label and value share one cell across the table.
func (t DocTable) MetaSpan() int {
	total := 0.0
	for _, w := range t.Widths {
		total += w
	}
	if len(t.Widths) > 0 && 3*t.Widths[0] >= total {
		return 0
	}
	sum := 0.0
	for i, w := range t.Widths {
		sum += w
		if sum >= 12 || i+2 >= t.Cols {
			return i + 1
		}
	}
	return 1
}

// MetaValueSpan is how many columns the value of a key/value line spans.
func (t DocTable) MetaValueSpan() int { return t.Cols - t.MetaSpan() }

func label(l *i18n.Localizer, key string, span int) DocCell {
	return DocCell{Text: l.T(key), Label: true, Span: span}
}

func val(text string, span int) DocCell { return DocCell{Text: text, Span: span} }

// choice renders a yes/no question as the seed's radio marks.
func choice(l *i18n.Localizer, yes bool) string {
	y, n := "○", "●"
	if yes {
		y, n = "●", "○"
	}
	return y + " " + l.T("common.yes") + "　" + n + " " + l.T("common.no")
}

func money(fen int64) string {
	if fen == 0 {
		return ""
	}
	return fmt.Sprintf("¥%d.%02d", fen/100, fen%100)
}

// moneyCell is an amount in fen: text on the page, a number in yuan with
// a money format in Excel; empty when zero.
func moneyCell(fen int64, span int) DocCell {
	if fen == 0 {
		return val("", span)
	}
	return DocCell{Text: money(fen), Span: span, NumFmt: fmtMoney, Num: float64(fen) / 100}
}

// countCell is a whole number; empty when zero unless always.
func countCell(n int, span int, always bool) DocCell {
	if n == 0 && !always {
		return val("", span)
	}
	return DocCell{Text: strconv.Itoa(n), Span: span, NumFmt: fmtCount, Num: float64(n)}
}

func docApplication(doc *Document, l *i18n.Localizer, cfg reception.Config, rc reception.Reception, users map[int64]string, dept string, headOK bool) {
	doc.Title = l.T("reception.doc.application")
	f := rc.Form
	mode := ""
	if f.ArrivalMode != "" {
		mode = l.T("reception.mode." + f.ArrivalMode)
	}
	one := DocTable{Title: l.T("reception.doc.application_1"), Cols: 8, Widths: []float64{12, 14, 10, 14, 10, 12, 10, 14}}
	one.Rows = [][]DocCell{
		{label(l, "reception.f.applicant", 1), val(users[rc.ApplicantID], 1), label(l, "reception.f.department", 1), val(dept, 2), label(l, "reception.f.liaison", 1), val(users[rc.LiaisonID], 2)},
		{label(l, "reception.f.org", 1), val(rc.OrgName, 7)},
		{label(l, "reception.f.purpose", 1), val(rc.Purpose, 7)},
		{label(l, "reception.f.visit_date", 1), val(rc.VisitDate, 1), label(l, "reception.f.arrival_time", 1), val(rc.ArrivalTime, 2), label(l, "reception.f.budget", 1), moneyCell(rc.BudgetFen, 2)},
		{label(l, "reception.f.companions", 1), countCell(f.Companions, 1, false), label(l, "reception.f.arrival_mode", 1), val(mode, 2), label(l, "reception.f.plate_no", 1), val(f.PlateNo, 2)},
		{label(l, "reception.f.guest_name", 1), val(rc.Guest.Name, 3), label(l, "reception.f.title", 1), val(rc.Guest.Title, 3)},
	}
	people := func(key string, ps []reception.Person) {
		for i, p := range padPeople(ps, 2) {
			first := DocCell{Label: true, Span: 1}
			if i == 0 {
				first = label(l, key, 1)
			}
			one.Rows = append(one.Rows, []DocCell{first, label(l, "reception.f.name", 1), val(p.Name, 2), label(l, "reception.f.title", 1), val(p.Title, 3)})
		}
	}
	people("reception.f.companion_people", rc.Companions)
	people("reception.f.helpers", f.Helpers)
	one.Rows = append(one.Rows,
		[]DocCell{label(l, "reception.f.car_pickup", 2), val(choice(l, f.CarPickup), 2), label(l, "reception.f.vehicle_type", 1), val(f.VehicleType, 3)},
		[]DocCell{label(l, "reception.f.tickets", 2), val(choice(l, f.Tickets), 2), label(l, "reception.f.train_no", 1), val(f.TrainNo, 1), label(l, "reception.f.ticket_count", 1), countCell(f.TicketCount, 1, false)},
	)
	arr := func(key, placeKey string, a reception.Arrangement, hotel bool) {
		one.Rows = append(one.Rows, []DocCell{label(l, key, 2), val(choice(l, a.Need), 2), label(l, placeKey, 1), val(a.Place, 3)})
		second := []DocCell{val("", 2)}
		if hotel {
			second = append(second, label(l, "reception.f.room", 1), val(a.Room, 1))
		} else {
			second = append(second, label(l, "reception.f.headcount", 1), countCell(a.Headcount, 1, false))
		}
		second = append(second, label(l, "reception.f.budget", 1), moneyCell(a.BudgetFen, 1), label(l, "reception.f.liaison", 1), val(a.Liaison, 1))
		one.Rows = append(one.Rows, second)
	}
	arr("reception.f.hotel", "reception.f.hotel_name", f.Hotel, true)
	arr("reception.f.lunch", "reception.f.restaurant", f.Lunch, false)
	arr("reception.f.dinner", "reception.f.restaurant", f.Dinner, false)
	arr("reception.f.entertainment", "reception.f.place", f.Entertainment, false)

	two := DocTable{Title: l.T("reception.doc.application_2"), Cols: 8, Widths: one.Widths}
	tiers := ""
	for _, t := range reception.Tiers {
		mark := "○"
		if t == rc.Tier {
			mark = "●"
		}
		tiers += mark + " " + l.T("reception.tier."+t) + l.T("reception.tier.per_person", "price", fmt.Sprintf("%d", cfg.Price(t)/100)) + "　"
	}
	withDetail := func(key string, yes bool, detailKey, detail string) []DocCell {
		row := []DocCell{label(l, key, 3), val(choice(l, yes), 2)}
		if detailKey != "" {
			row = append(row, label(l, detailKey, 1), val(detail, 2))
		} else {
			row = append(row, val("", 3))
		}
		return row
	}
	levelText := func(v string) string {
		if v == "" {
			return ""
		}
		return l.T("reception.level." + v)
	}
	list := func(prefix string, vs []string) string {
		out := ""
		for i, v := range vs {
			if i > 0 {
				out += "、"
			}
			out += l.T(prefix + v)
		}
		return out
	}
	two.Rows = [][]DocCell{
		{label(l, "reception.f.liaison", 1), val(users[rc.LiaisonID], 7)},
		{label(l, "reception.f.tier", 1), val(tiers, 7)},
		withDetail("reception.f.parking", f.Parking, "", ""),
		withDetail("reception.f.red_carpet", f.RedCarpet, "", ""),
		withDetail("reception.f.welcome", f.Welcome, "reception.f.content", f.WelcomeText),
		withDetail("reception.f.fruit", f.Fruit, "reception.f.spec", levelText(f.FruitLevel)),
		withDetail("reception.f.tea", f.Tea, "reception.f.tea_types", list("reception.tea.", f.TeaTypes)),
		withDetail("reception.f.meeting_room", f.MeetingRoom, "reception.f.room_items", list("reception.item.", f.RoomItems)),
		withDetail("reception.f.catering", f.Catering, "", ""),
		withDetail("reception.f.gifts", f.Gifts, "reception.f.spec", levelText(f.GiftLevel)),
		withDetail("reception.f.leader", f.LeaderAppointment, "reception.f.name", f.LeaderName),
		withDetail("reception.f.head_approved", headOK, "", ""),
		{label(l, "reception.f.other_materials", 3), val(f.OtherMaterials, 5)},
	}
	if rc.Late {
		two.Rows = append(two.Rows, []DocCell{label(l, "reception.f.late_reason", 3), val(rc.LateReason, 5)})
	}
	doc.Tables = []DocTable{one, two}
	doc.Sign = []string{l.T("reception.doc.sign_applicant"), l.T("reception.doc.sign_head"), l.T("reception.doc.sign_office")}
}

func (s *Server) docDuties(doc *Document, l *i18n.Localizer, rc reception.Reception, ds []reception.Duty, users map[int64]string) {
	doc.Title = l.T("reception.doc.duties")
	t := DocTable{Cols: 7, Widths: []float64{10, 18, 34, 12, 12, 30, 12},
		Header: []string{l.T("reception.d.phase"), l.T("reception.d.due"), l.T("reception.d.item"), l.T("reception.d.owner"), l.T("reception.d.assistant"), l.T("reception.d.duty"), l.T("reception.d.progress")},
		Meta:   [][2]string{{l.T("reception.f.org"), rc.OrgName}, {l.T("reception.f.visit_date"), rc.VisitDate + " " + rc.ArrivalTime}}}
	for _, d := range ds {
		status := val(l.T("reception.task."+d.Task.Status), 1)
		if d.Task.Status == "open" || d.Task.Status == "in_progress" {
			status = DocCell{Text: fmt.Sprintf("%d%%", d.Task.Progress), Span: 1, NumFmt: fmtPercent, Num: float64(d.Task.Progress) / 100}
		}
		t.Rows = append(t.Rows, []DocCell{
			val(l.T("reception.phase."+d.Phase), 1),
			val(d.Task.DueAt.In(s.app.Loc).Format("01-02 15:04")+" ("+offsetLabel(l, d.Offset)+")", 1),
			val(d.Task.Title, 1),
			val(users[d.Task.OwnerID], 1),
			val(users[d.Task.AssistantID], 1),
			val(l.T("reception.group."+d.Group)+l.T("common.colon")+d.Task.Description, 1),
			status,
		})
	}
	doc.Tables = []DocTable{t}
}

// offsetLabel writes a working-day offset the way the seed does: T-4, 当天, T+1.
func offsetLabel(l *i18n.Localizer, n int) string {
	if n == 0 {
		return l.T("reception.d.day_of")
	}
	return fmt.Sprintf("T%+d", n)
}

func (s *Server) docMaterials(doc *Document, l *i18n.Localizer, rc reception.Reception, ms []reception.Material, its []reception.ItineraryItem, users map[int64]string) {
	doc.Title = l.T("reception.doc.materials")
	place := ""
	for _, it := range its {
		if it.Kind == "negotiation" || it.Kind == "intro" {
			if it.Place != "" {
				place = it.Place
				break
			}
		}
	}
	t := DocTable{Cols: 8, Widths: []float64{8, 12, 24, 8, 12, 12, 14, 28},
		Meta:   [][2]string{{l.T("reception.doc.meeting_time"), rc.VisitDate + " " + rc.ArrivalTime}, {l.T("reception.doc.meeting_place"), place}},
		Header: []string{l.T("reception.m.seq"), l.T("reception.m.category"), l.T("reception.m.name"), l.T("reception.m.qty"), l.T("reception.m.owner"), l.T("reception.m.returned"), l.T("reception.m.checked"), l.T("reception.m.note")}}
	for i, m := range ms {
		ret := ""
		switch {
		case m.Purchase:
			ret = l.T("reception.m.purchase")
		case !m.ReturnedAt.IsZero() && (m.DamagedQty > 0 || m.MissingQty > 0):
			ret = l.T("reception.m.returned_part", "ok", m.ReturnedQty, "damaged", m.DamagedQty, "missing", m.MissingQty)
		case !m.ReturnedAt.IsZero():
			ret = l.T("common.yes")
		case !m.BorrowedAt.IsZero():
			ret = l.T("common.no")
		}
		chk := ""
		if !m.CheckedAt.IsZero() {
			chk = "✓ " + users[m.CheckedBy]
		}
		note := m.Note
		if m.Purchase && m.UnitCostFen > 0 {
			note = strings.TrimSpace(l.T("reception.m.cost", "amount", money(m.CostFen())) + " " + note)
		}
		t.Rows = append(t.Rows, []DocCell{countCell(i+1, 1, true), val(m.Category, 1), val(m.Name, 1), countCell(m.Qty, 1, true), val(users[m.OwnerID], 1), val(ret, 1), val(chk, 1), val(note, 1)})
	}
	doc.Tables = []DocTable{t}
	doc.Sign = []string{l.T("reception.doc.sign_keeper"), l.T("reception.doc.sign_checker")}
}

func docSurvey(doc *Document, l *i18n.Localizer, rc reception.Reception, svs []reception.Survey, cs []reception.Criterion) {
	doc.Title = l.T("reception.doc.survey")
	header := []string{l.T("reception.s.criterion"), l.T("reception.s.max"), l.T("reception.s.score")}
	table := func(titleKey string, sv *reception.Survey) DocTable {
		t := DocTable{Title: l.T(titleKey), Cols: 3, Widths: []float64{48, 12, 12}, Header: header}
		if sv == nil {
			for _, c := range cs {
				if c.Active {
					t.Rows = append(t.Rows, []DocCell{val(c.Text, 1), countCell(c.MaxPoints, 1, true), val("", 1)})
				}
			}
			return t
		}
		for _, an := range sv.Answers {
			score := val("", 1)
			if an.Answered {
				score = countCell(an.Score, 1, true)
			}
			t.Rows = append(t.Rows, []DocCell{val(an.Criterion, 1), countCell(an.MaxPoints, 1, true), score})
		}
		total := val("", 1)
		if !sv.SubmittedAt.IsZero() {
			total = countCell(sv.Score, 1, true)
		}
		t.Rows = append(t.Rows, []DocCell{label(l, "reception.s.total", 1), countCell(sv.MaxScore, 1, true), total})
		if sv.Respondent != "" || sv.Comment != "" {
			t.Meta = [][2]string{{l.T("reception.s.respondent"), sv.Respondent}, {l.T("reception.s.comment"), sv.Comment}}
		}
		return t
	}
	var internal, clientSv *reception.Survey
	for i := range svs {
		switch svs[i].Kind {
		case reception.SurveyInternal:
			internal = &svs[i]
		case reception.SurveyClient:
			clientSv = &svs[i]
		}
	}
	first := table("reception.s.internal", internal)
	first.Meta = append([][2]string{{l.T("reception.f.org"), rc.OrgName}, {l.T("reception.f.visit_date"), rc.VisitDate}}, first.Meta...)
	doc.Tables = []DocTable{first}
	if clientSv != nil {
		doc.Tables = append(doc.Tables, table("reception.s.client", clientSv))
	}
}

// XLSX writes the document as one worksheet: each table's title, its
// key/value lines, header and rows, with merged cells for spans.
func (d *Document) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(d.Title)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("name sheet: %w", err)
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1}, {Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	subStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	headStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF1F5"}}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	labelStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F7F7F7"}}, Border: border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	cellStyle, _ := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	caseStyle, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center"}})
	numStyles := map[string]int{}
	numStyle := func(format string) int {
		if id, ok := numStyles[format]; ok {
			return id
		}
		id, _ := f.NewStyle(&excelize.Style{Border: border, CustomNumFmt: &format, Alignment: &excelize.Alignment{Vertical: "center"}})
		numStyles[format] = id
		return id
	}
	cols := 1
	for _, t := range d.Tables {
		cols = max(cols, t.Cols)
	}
	cell := func(c, r int) string { n, _ := excelize.CoordinatesToCellName(c, r); return n }
	row := 1
	if err := f.SetCellValue(sheet, cell(1, row), d.Title); err != nil {
		return nil, err
	}
	_ = f.MergeCell(sheet, cell(1, row), cell(cols, row))
	_ = f.SetCellStyle(sheet, cell(1, row), cell(cols, row), titleStyle)
	_ = f.SetRowHeight(sheet, row, 28)
	row++
	if d.CaseLine != "" {
		_ = f.SetCellValue(sheet, cell(1, row), d.CaseLine)
		_ = f.MergeCell(sheet, cell(1, row), cell(cols, row))
		_ = f.SetCellStyle(sheet, cell(1, row), cell(cols, row), caseStyle)
	}
	row++
	for ti, t := range d.Tables {
		if ti == 0 {
			for i, w := range t.Widths {
				colName, _ := excelize.ColumnNumberToName(i + 1)
				_ = f.SetColWidth(sheet, colName, colName, w)
			}
		}
		if t.Title != "" {
			_ = f.SetCellValue(sheet, cell(1, row), t.Title)
			_ = f.SetCellStyle(sheet, cell(1, row), cell(1, row), subStyle)
			row++
		}
		span := t.MetaSpan()
		for _, m := range t.Meta {
			if span == 0 {
				_ = f.SetCellValue(sheet, cell(1, row), m[0]+d.Colon+m[1])
				_ = f.MergeCell(sheet, cell(1, row), cell(t.Cols, row))
				_ = f.SetCellStyle(sheet, cell(1, row), cell(t.Cols, row), cellStyle)
				row++
				continue
			}
			_ = f.SetCellValue(sheet, cell(1, row), m[0])
			if span > 1 {
				_ = f.MergeCell(sheet, cell(1, row), cell(span, row))
			}
			_ = f.SetCellStyle(sheet, cell(1, row), cell(span, row), labelStyle)
			_ = f.SetCellValue(sheet, cell(span+1, row), m[1])
			_ = f.MergeCell(sheet, cell(span+1, row), cell(t.Cols, row))
			_ = f.SetCellStyle(sheet, cell(span+1, row), cell(t.Cols, row), cellStyle)
			row++
		}
		if len(t.Header) > 0 {
			for i, h := range t.Header {
				_ = f.SetCellValue(sheet, cell(i+1, row), h)
			}
			_ = f.SetCellStyle(sheet, cell(1, row), cell(len(t.Header), row), headStyle)
			row++
		}
		for _, cells := range t.Rows {
			c := 1
			for _, dc := range cells {
				span := max(dc.Span, 1)
				var v any = dc.Text
				style := cellStyle
				switch {
				case dc.Label:
					style = labelStyle
				case dc.NumFmt != "":
					v, style = dc.Num, numStyle(dc.NumFmt)
				}
				if err := f.SetCellValue(sheet, cell(c, row), v); err != nil {
					return nil, err
				}
				if span > 1 {
					_ = f.MergeCell(sheet, cell(c, row), cell(c+span-1, row))
				}
				_ = f.SetCellStyle(sheet, cell(c, row), cell(c+span-1, row), style)
				c += span
			}
			row++
		}
		row++
	}
	for _, sg := range d.Sign {
		_ = f.SetCellValue(sheet, cell(1, row), sg+d.Colon)
		row++
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// sheetName makes a valid worksheet name (31 characters, no []:*?/\).
func sheetName(s string) string {
	r := []rune(s)
	out := make([]rune, 0, len(r))
	for _, c := range r {
		switch c {
		case '[', ']', ':', '*', '?', '/', '\\':
			continue
		}
		out = append(out, c)
	}
	if len(out) > 31 {
		out = out[:31]
	}
	if len(out) == 0 {
		return "Sheet1"
	}
	return string(out)
}
