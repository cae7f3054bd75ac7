package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/i18n"
	"jiedai/internal/reception"
)

// Reception settings (tiers, lead time, ID retention, approvers), the
// division-of-labour template, the survey template, the materials
// inventory, and the satisfaction report with its SVG chart.
func (s *Server) routesReceptionAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /receptions/settings", s.authed(s.rcSettings, access.Office))
	mux.HandleFunc("POST /receptions/settings/config", s.authed(s.rcSaveConfig, access.Admin))
	mux.HandleFunc("POST /receptions/settings/template", s.authed(s.rcSaveTemplate, access.Office))
	mux.HandleFunc("POST /receptions/settings/criteria", s.authed(s.rcSaveCriteria, access.Office))
	mux.HandleFunc("GET /reception-items", s.authed(s.rcItems))
	mux.HandleFunc("POST /reception-items", s.authed(s.rcSaveItem, access.Office, access.Supervisor))
	mux.HandleFunc("POST /reception-items/{item}", s.authed(s.rcSaveItem, access.Office, access.Supervisor))
	mux.HandleFunc("GET /receptions/report", s.authed(s.rcReport))
}

type settingsData struct {
	Config    reception.Config
	Template  []reception.TemplateLine
	Criteria  []reception.Criterion
	Groups    []string
	Phases    []string
	Approvers []string
	IsAdmin   bool
}

func (s *Server) settingsPage(r *http.Request, a access.Actor) (*Page, error) {
	ctx := r.Context()
	cfg, err := s.app.Reception.Config(ctx)
	if err != nil {
		return nil, err
	}
	tpl, err := s.app.Reception.Template(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := s.app.Reception.Criteria(ctx)
	if err != nil {
		return nil, err
	}
	d := &settingsData{Config: cfg, Template: append(tpl, reception.TemplateLine{Group: "process", Phase: "before", At: "18:00", Active: true}),
		Criteria: append(cs, reception.Criterion{MaxPoints: 10, Audience: reception.AudienceAll, Active: true}), Groups: reception.Groups, Phases: reception.Phases,
		Approvers: []string{access.Office, access.Supervisor, access.Executive, access.Manager, access.Admin}, IsAdmin: a.Has(access.Admin)}
	p := s.newPage(r, "reception.settings.title", "receptions", d)
	p.Form = url.Values{"tier_high": {rcYuan(cfg.TierHighFen)}, "tier_business": {rcYuan(cfg.TierBusinessFen)}, "tier_simple": {rcYuan(cfg.TierSimpleFen)},
		"min_workdays": {strconv.Itoa(cfg.MinWorkdays)}, "retention_days": {strconv.Itoa(cfg.RetentionDays)}, "plan_role": {cfg.PlanRole}, "late_role": {cfg.LateRole}}
	return p, nil
}

func (s *Server) rcSettings(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.settingsPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "reception_settings", p)
}

func (s *Server) settingsFail(w http.ResponseWriter, r *http.Request, a access.Actor, err error) {
	p, perr := s.settingsPage(r, a)
	if perr != nil {
		s.fail(w, r, perr, "", nil)
		return
	}
	s.fail(w, r, err, "reception_settings", p)
}

func (s *Server) rcSaveConfig(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	cfg := reception.Config{MinWorkdays: formInt(f, "min_workdays"), RetentionDays: formInt(f, "retention_days"), PlanRole: f.Get("plan_role"), LateRole: f.Get("late_role")}
	var err error
	for _, m := range []struct {
		field string
		dst   *int64
	}{{"tier_high", &cfg.TierHighFen}, {"tier_business", &cfg.TierBusinessFen}, {"tier_simple", &cfg.TierSimpleFen}} {
		if *m.dst, err = parseYuanField(f, m.field); err != nil {
			s.settingsFail(w, r, a, err)
			return
		}
	}
	if err := s.app.Reception.SaveConfig(r.Context(), a, cfg); err != nil {
		s.settingsFail(w, r, a, err)
		return
	}
	redirect(w, r, "/receptions/settings", "saved")
}

// rcSaveTemplate reads the template table: one row per line, rows without
// a title are dropped.
func (s *Server) rcSaveTemplate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	var lines []reception.TemplateLine
	for i, title := range f["title"] {
		if strings.TrimSpace(title) == "" {
			continue
		}
		at := func(k string) string {
			if i < len(f[k]) {
				return f[k][i]
			}
			return ""
		}
		off, _ := strconv.Atoi(strings.TrimSpace(at("offset")))
		lines = append(lines, reception.TemplateLine{Group: at("group"), Phase: at("phase"), Offset: off, At: at("at"), Title: title, Duty: at("duty"),
			DefaultOwner: at("default_owner"), Active: at("active") != "0"})
	}
	if err := s.app.Reception.SaveTemplate(r.Context(), a, lines); err != nil {
		s.settingsFail(w, r, a, err)
		return
	}
	redirect(w, r, "/receptions/settings", "saved")
}

func (s *Server) rcSaveCriteria(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	var cs []reception.Criterion
	for i, text := range f["text"] {
		if strings.TrimSpace(text) == "" {
			continue
		}
		at := func(k string) string {
			if i < len(f[k]) {
				return f[k][i]
			}
			return ""
		}
		mp, _ := strconv.Atoi(strings.TrimSpace(at("max_points")))
		cs = append(cs, reception.Criterion{Text: text, MaxPoints: mp, Audience: at("audience"), Active: at("active") != "0"})
	}
	if err := s.app.Reception.SaveCriteria(r.Context(), a, cs); err != nil {
		s.settingsFail(w, r, a, err)
		return
	}
	redirect(w, r, "/receptions/settings", "saved")
}

type itemsData struct {
	Items   []reception.StockItem
	CanEdit bool
}

func (s *Server) itemsPage(r *http.Request, a access.Actor) (*Page, error) {
	items, err := s.app.Reception.Items(r.Context(), a, false)
	if err != nil {
		return nil, err
	}
	return s.newPage(r, "reception.items.title", "receptions", &itemsData{Items: items, CanEdit: a.Has(access.Office, access.Supervisor)}), nil
}

func (s *Server) rcItems(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.itemsPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Form = url.Values{"active": {"1"}}
	s.render(w, r, http.StatusOK, "reception_items", p)
}

func (s *Server) rcSaveItem(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	in := reception.StockItemInput{Name: f.Get("name"), Category: f.Get("category"), Unit: f.Get("unit"), Stock: formInt(f, "stock"), Consumable: f.Get("consumable") == "1",
		Note: f.Get("note"), Active: f.Get("active") == "1"}
	if _, err := s.app.Reception.SaveItem(r.Context(), a, pathInt(r, "item"), in); err != nil {
		p, perr := s.itemsPage(r, a)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "reception_items", p)
		return
	}
	redirect(w, r, "/reception-items", "saved")
}

type rcReportData struct {
	By     string
	Rows   []reception.ReportRow
	Labels map[string]string // row key → label in the reader's language
	Chart  template.HTML
}

func (s *Server) rcReport(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	by, from, to := q.Get("by"), q.Get("from"), q.Get("to")
	if by == "" {
		by = reception.ByMonth
	}
	if from == "" && to == "" {
		now := s.app.Clock.Now().In(s.app.Loc)
		from = now.AddDate(-1, 0, 1).Format("2006-01-02")
		to = now.Format("2006-01-02")
	}
	rows, err := s.app.Reception.SurveyReport(r.Context(), a, by, from, to)
	p := s.newPage(r, "reception.report.title", "receptions", nil)
	p.Form = url.Values{"by": {by}, "from": {from}, "to": {to}}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	names, _, err := s.deptNames(r)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &rcReportData{By: by, Rows: rows, Labels: map[string]string{}}
	for _, row := range rows {
		d.Labels[row.Key] = reportLabel(p.L, by, row, names)
	}
	d.Chart = template.HTML(reportChart(p.L, by, rows, names))
	p.Data = d
	s.render(w, r, http.StatusOK, "reception_report", p)
}

// reportLabel names a report row for the reader.
func reportLabel(l *i18n.Localizer, by string, row reception.ReportRow, depts map[int64]string) string {
	switch by {
	case reception.ByTier:
		return l.T("reception.tier." + row.Key)
	case reception.ByDepartment:
		id, _ := strconv.ParseInt(row.Key, 10, 64)
		if n, ok := depts[id]; ok {
			return n
		}
		return l.T("common.none")
	}
	if t, err := time.Parse("2006-01", row.Key); err == nil {
		return l.T("reception.report.month", "year", t.Year(), "month", int(t.Month()))
	}
	return row.Key
}

// reportChart draws the average satisfaction of each group as SVG bars
// (client and internal side by side) on a 0–100 % scale.
func reportChart(l *i18n.Localizer, by string, rows []reception.ReportRow, depts map[int64]string) string {
	if len(rows) == 0 {
		return ""
	}
	const (
		left, top, h, barW, gap = 48, 18, 220, 26, 64
	)
	width := left + len(rows)*(2*barW+gap) + 20
	width = max(width, 420)
	height := top + h + 56
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, width, height, width, height, template.HTMLEscapeString(l.T("reception.report.chart")))
	for _, v := range []int{0, 25, 50, 75, 100} {
		y := top + h - v*h/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="grid"/><text x="%d" y="%d" class="axis" text-anchor="end">%d%%</text>`, left, y, width-10, y, left-6, y+4, v)
	}
	for i, row := range rows {
		x := left + 12 + i*(2*barW+gap)
		for j, v := range []float64{row.Client, row.Internal} {
			bh := int(v * h / 100)
			cls := "bar-client"
			if j == 1 {
				cls = "bar-internal"
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" class="%s"><title>%.1f%%</title></rect>`, x+j*barW, top+h-bh, barW-2, bh, cls, v)
			if v > 0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" class="val" text-anchor="middle">%.0f</text>`, x+j*barW+barW/2-1, top+h-bh-3, v)
			}
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label" text-anchor="middle">%s</text>`, x+barW, top+h+16, template.HTMLEscapeString(reportLabel(l, by, row, depts)))
	}
	ly := top + h + 40
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" class="bar-client"/><text x="%d" y="%d" class="label">%s</text>`, left, ly-10, left+16, ly, template.HTMLEscapeString(l.T("reception.s.client")))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" class="bar-internal"/><text x="%d" y="%d" class="label">%s</text>`, left+140, ly-10, left+156, ly, template.HTMLEscapeString(l.T("reception.s.internal")))
	b.WriteString(`</svg>`)
	return b.String()
}
