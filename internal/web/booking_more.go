package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"rsc.io/qr"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/recur"
	"jiedai/internal/store"
	"jiedai/internal/task"
	"jiedai/internal/venue"
)

// Recurring bookings, the departments' run-sheet queue, the lobby board,
// the utilisation report, calendar feeds and the door check-in.
func (s *Server) routesBookingMore(mux *http.ServeMux) {
	mux.HandleFunc("GET /bookings/runsheet", s.authed(s.runSheetQueue, booking.RunSheetRoles...))
	mux.HandleFunc("POST /runsheet/{task}/done", s.authed(s.runSheetDone, booking.RunSheetRoles...))
	mux.HandleFunc("GET /lobby", s.lobby)
	mux.HandleFunc("GET /reports/venues", s.authed(s.utilReport, access.Office, access.Executive, access.Finance, access.Audit, access.Supervisor))
	mux.HandleFunc("GET /reports/venues.xlsx", s.authed(s.utilExcel, access.Office, access.Executive, access.Finance, access.Audit, access.Supervisor))
	mux.HandleFunc("GET /calendar/{file}", s.userFeed)
	mux.HandleFunc("GET /door/{token}", s.authed(s.doorPage))
	mux.HandleFunc("POST /door/{token}", s.authed(s.doorCheckIn))
}

// occurrencePreview is one date in the recurrence preview.
type occurrencePreview struct {
	booking.Occurrence
	Date    string
	Weekday string
}

// parseRule reads the repeat fields of the booking form.
func (s *Server) parseRule(r *http.Request, start time.Time) (recur.Rule, error) {
	f := r.PostForm
	var l errs.List
	rule := recur.Rule{Freq: f.Get("repeat_freq"), SkipHolidays: f.Get("repeat_skip_holidays") == "on"}
	var err error
	if rule.Interval, err = strconv.Atoi(strings.TrimSpace(f.Get("repeat_interval"))); err != nil {
		l.Add("repeat_interval", "err.number")
	}
	switch rule.Freq {
	case recur.Weekly:
		for _, d := range f["repeat_days"] {
			n, err := strconv.Atoi(d)
			if err != nil || n < 0 || n > 6 {
				l.Add("repeat_days", "err.invalid")
				break
			}
			rule.Weekdays = append(rule.Weekdays, time.Weekday(n))
		}
	case recur.Monthly:
		rule.MonthlyBy = f.Get("repeat_monthly_by")
		if rule.MonthlyBy == recur.ByWeekday {
			ord, wd := recur.OrdinalOf(start.In(s.app.Loc))
			rule.Ordinal, rule.Weekdays = ord, []time.Weekday{wd}
		}
	default:
		l.Add("repeat_freq", "err.required")
	}
	switch f.Get("repeat_end") {
	case "count":
		if rule.Count, err = strconv.Atoi(strings.TrimSpace(f.Get("repeat_count"))); err != nil {
			l.Add("repeat_count", "err.number")
		}
	default:
		u := strings.TrimSpace(f.Get("repeat_until"))
		if _, err := time.Parse("2006-01-02", u); err != nil {
			l.Add("repeat_until", "err.bad_date")
		}
		rule.Until = u
	}
	if err := l.Err(); err != nil {
		return rule, err
	}
	return rule, booking.RecurError(rule.Validate())
}

// seriesSubmit previews a recurring booking (listing the conflicting
// dates) or, when confirmed, books it.
func (s *Server) seriesSubmit(w http.ResponseWriter, r *http.Request, a access.Actor, in booking.Request, p *Page, d *formData) {
	d.Repeat = true
	rule, err := s.parseRule(r, in.Start)
	if err != nil {
		s.failBooking(w, r, err, p, d)
		return
	}
	skip := r.PostForm.Get("repeat_skip_conflicts") == "on"
	if r.PostForm.Get("repeat_go") == "" {
		occs, err := s.app.Bookings.PreviewSeries(r.Context(), a, in, rule)
		if err != nil {
			s.failBooking(w, r, err, p, d)
			return
		}
		for _, o := range occs {
			lt := o.Start.In(s.app.Loc)
			d.Preview = append(d.Preview, occurrencePreview{Occurrence: o, Date: lt.Format("2006-01-02"), Weekday: p.L.T("weekday." + strconv.Itoa(int(lt.Weekday())))})
		}
		p.Form = r.PostForm
		s.render(w, r, http.StatusOK, "booking_form", p)
		return
	}
	id, _, err := s.app.Bookings.CreateSeries(r.Context(), a, in, rule, skip)
	if err != nil {
		s.failBooking(w, r, err, p, d)
		return
	}
	list, err := s.app.Bookings.List(r.Context(), a, booking.Filter{SeriesID: id, Limit: 1})
	if err != nil || len(list) == 0 {
		redirect(w, r, "/bookings/mine", "booking_series_created")
		return
	}
	redirect(w, r, fmt.Sprintf("/bookings/%d", list[0].ID), "booking_series_created")
}

// seriesCancel cancels a series from the booking's date (or from the
// date given) on.
func (s *Server) seriesCancel(r *http.Request, a access.Actor, id int64) error {
	b, err := s.app.Bookings.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	if b.SeriesID == 0 || b.Redacted {
		return errs.Missing()
	}
	_, err = s.app.Bookings.CancelSeries(r.Context(), a, b.SeriesID, b.Start, r.PostForm.Get("reason"))
	return err
}

// runSheetData is a department's queue of run-sheet duties.
type runSheetData struct {
	Tasks   []task.Task
	Overdue map[int64]bool
	Role    string
	Roles   []string
	Done    bool
}

func (s *Server) runSheetQueue(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	now := s.app.Clock.Now()
	d := &runSheetData{Overdue: map[int64]bool{}, Role: r.URL.Query().Get("role"), Done: r.URL.Query().Get("done") == "1"}
	for _, role := range booking.RunSheetRoles {
		if a.Has(role) {
			d.Roles = append(d.Roles, role)
		}
	}
	if d.Role == "" || !a.Has(d.Role) {
		d.Role = d.Roles[0]
		for _, role := range d.Roles {
			if containsRole(a.Roles, role) {
				d.Role = role
				break
			}
		}
	}
	st := []string{task.StatusOpen, task.StatusInProgress, task.StatusSubmitted}
	if d.Done {
		st = []string{task.StatusDone}
	}
	list, err := task.List(ctx, s.app.DB, task.Filter{Kind: booking.TaskKind, Role: d.Role, Status: st, Limit: 300})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	for _, t := range list {
		d.Overdue[t.ID] = t.Overdue(now)
	}
	d.Tasks = list
	s.render(w, r, http.StatusOK, "booking_runsheet", s.newPage(r, "booking.runsheet.title", "bookings", d))
}

func containsRole(list []string, r string) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// runSheetDone marks a duty done (submitting an auto-accepted task).
func (s *Server) runSheetDone(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("task"), 10, 64)
	_ = r.ParseForm()
	err := s.app.DB.InTx(r.Context(), func(tx *store.Tx) error {
		t, err := task.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if t.Kind != booking.TaskKind {
			return errs.Missing()
		}
		note := strings.TrimSpace(r.PostForm.Get("result"))
		if note == "" {
			note = "✓"
		}
		_, err = task.Submit(r.Context(), tx, s.app.Clock.Now(), a, id, note)
		return err
	})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	next := "/bookings/runsheet?role=" + r.PostForm.Get("role")
	if n := r.PostForm.Get("next"); strings.HasPrefix(n, "/bookings/") && !strings.HasPrefix(n, "//") {
		next = n
	}
	redirect(w, r, next, "booking_duty_done")
}

// lobbyData is the public availability board: venues and their next
// slots, no personal data.
type lobbyData struct {
	Rows []lobbyRow
	Time string
	Date string
}

type lobbyRow struct {
	Name     string
	Location string
	Seats    string
	Busy     bool
	Until    string
	Next     []string // the later bookings of today, "HH:MM–HH:MM"
	FreeTo   string   // free now until the next booking starts, "HH:MM"
	Closed   bool
}

func (s *Server) lobby(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.app.Clock.Now().In(s.app.Loc)
	venues, err := s.app.Venues.All(ctx, nil)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.app.Loc)
	list, err := s.app.Bookings.List(ctx, access.SystemActor(), booking.Filter{From: now, To: day.AddDate(0, 0, 1), ActiveOnly: true, Limit: 2000})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "booking.lobby.title", "", nil)
	p.Kiosk = true
	d := &lobbyData{Time: now.Format("15:04"), Date: now.Format("2006-01-02") + " " + p.L.T("weekday."+strconv.Itoa(int(now.Weekday())))}
	for _, v := range venues {
		if !v.InService {
			continue
		}
		row := lobbyRow{Name: v.DisplayName(p.L.Lang), Location: v.Place(), Seats: seatsText(p.L, v), Closed: !v.OpenOn(now, s.app.Loc)}
		_, closeAt := v.OpenWindow(now, s.app.Loc)
		if !now.Before(closeAt) {
			row.Closed = true
		}
		for _, b := range list {
			if b.VenueID != v.ID || b.Status == booking.StatusCompleted {
				continue
			}
			if !b.Start.After(now) && b.End.After(now) {
				row.Busy, row.Until = true, b.End.In(s.app.Loc).Format("15:04")
				continue
			}
			if len(row.Next) < 4 {
				row.Next = append(row.Next, b.Start.In(s.app.Loc).Format("15:04")+"–"+b.End.In(s.app.Loc).Format("15:04"))
			}
		}
		if !row.Busy && !row.Closed && len(row.Next) > 0 {
			row.FreeTo = row.Next[0][:5]
		}
		d.Rows = append(d.Rows, row)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "booking_lobby", p)
}

// reportData feeds the utilisation report with its SVG chart.
type reportData struct {
	Month string
	Prev  string
	Next  string
	Rows  []booking.UtilRow
	Names []string
	Chart template.HTML
	Total booking.UtilRow
}

func (s *Server) utilRows(r *http.Request, a access.Actor) (*reportData, error) {
	month := s.app.Clock.Now().In(s.app.Loc)
	if v := r.URL.Query().Get("month"); v != "" {
		t, err := time.ParseInLocation("2006-01", v, s.app.Loc)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			return nil, errs.Field("month", "err.bad_date")
		}
		month = t
	}
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, s.app.Loc)
	rows, err := s.app.Bookings.Utilisation(r.Context(), a, first)
	if err != nil {
		return nil, err
	}
	d := &reportData{Month: first.Format("2006-01"), Prev: first.AddDate(0, -1, 0).Format("2006-01"), Next: first.AddDate(0, 1, 0).Format("2006-01"), Rows: rows}
	lang := langFrom(r)
	for _, row := range rows {
		name := row.VenueName
		if lang == "en" && row.VenueNameEn != "" {
			name = row.VenueNameEn
		}
		d.Names = append(d.Names, name)
		d.Total.OpenHours += row.OpenHours
		d.Total.BookedHours += row.BookedHours
		d.Total.Bookings += row.Bookings
		d.Total.NoShows += row.NoShows
		d.Total.Cancelled += row.Cancelled
		d.Total.QuotedFen += row.QuotedFen
		d.Total.ClientHours += row.ClientHours
	}
	if d.Total.OpenHours > 0 {
		d.Total.Percent = d.Total.BookedHours * 100 / d.Total.OpenHours
	}
	d.Chart = utilChart(d.Names, rows)
	return d, nil
}

// utilChart draws horizontal bars of the utilisation per venue as SVG.
func utilChart(names []string, rows []booking.UtilRow) template.HTML {
	const rowH, left, width = 26, 150, 560
	h := len(rows)*rowH + 30
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg">`, left+width+60, h)
	for _, pct := range []int{0, 25, 50, 75, 100} {
		x := left + width*pct/100
		fmt.Fprintf(&b, `<line x1="%d" y1="0" x2="%d" y2="%d" stroke="#e3e6eb"/><text x="%d" y="%d" font-size="11" fill="#6b7280" text-anchor="middle">%d%%</text>`, x, x, h-20, x, h-6, pct)
	}
	for i, r := range rows {
		y := i * rowH
		w := int(r.Percent * width / 100)
		color := "#15803d"
		switch {
		case r.Percent < 20:
			color = "#9ca3af"
		case r.Percent > 80:
			color = "#b3261e"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1f2430" text-anchor="end">%s</text>`, left-8, y+17, template.HTMLEscapeString(names[i]))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" rx="3" fill="%s"><title>%.1f%%</title></rect>`, left, y+5, max(w, 1), color, r.Percent)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#374151">%.1f%%</text>`, left+max(w, 1)+6, y+17, r.Percent)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func (s *Server) utilReport(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.utilRows(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "booking_report", s.newPage(r, "booking.report.title", "bookings", d))
}

// utilExcel exports the utilisation report as an Excel workbook.
func (s *Server) utilExcel(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.utilRows(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	l := s.app.I18n.For(langFrom(r))
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	heads := []string{"booking.report.venue", "booking.report.open_hours", "booking.report.booked_hours", "booking.report.percent",
		"booking.report.bookings", "booking.report.client_hours", "booking.report.no_shows", "booking.report.cancelled", "booking.report.quoted"}
	_ = f.SetCellValue(sheet, "A1", l.T("booking.report.title")+" "+d.Month)
	for i, h := range heads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		_ = f.SetCellValue(sheet, cell, l.T(h))
	}
	for i, row := range d.Rows {
		vals := []any{d.Names[i], round1(row.OpenHours), round1(row.BookedHours), row.Percent / 100, row.Bookings, round1(row.ClientHours), row.NoShows, row.Cancelled, float64(row.QuotedFen) / 100}
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+4)
			_ = f.SetCellValue(sheet, cell, v)
		}
	}
	// Hours, the share booked and the amount quoted are numbers with a
	// number format, so a spreadsheet can add them up.
	if last := len(d.Rows) + 3; last > 3 {
		for col, format := range map[string]string{"B": "0.0", "C": "0.0", "D": "0.0%", "E": "0", "F": "0.0", "G": "0", "H": "0", "I": fmtMoney} {
			style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
			if err == nil {
				_ = f.SetCellStyle(sheet, col+"4", fmt.Sprintf("%s%d", col, last), style)
			}
		}
	}
	_ = f.SetColWidth(sheet, "A", "A", 24)
	_ = f.SetColWidth(sheet, "B", "I", 14)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	_ = f.SetRowStyle(sheet, 3, 3, bold)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		s.fail(w, r, fmt.Errorf("write workbook: %w", err), "", nil)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="venues-%s.xlsx"`, d.Month))
	_, _ = w.Write(buf.Bytes())
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }

// userFeed serves a user's calendar by its secret token: /calendar/TOKEN.ics.
func (s *Server) userFeed(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "err.page_not_found")
		return
	}
	data, err := s.app.Bookings.UserFeed(r.Context(), tok)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	_, _ = w.Write(data)
}

// doorData is the page behind the QR code at a room's door.
type doorData struct {
	Venue   venue.Venue
	Name    string
	Booking *booking.Booking
	QR      template.HTML
}

func (s *Server) doorPage(w http.ResponseWriter, r *http.Request, a access.Actor) {
	v, err := s.app.Venues.ByToken(r.Context(), "door_token", r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "booking.door.title", "bookings", nil)
	d := &doorData{Venue: v, Name: v.DisplayName(p.L.Lang)}
	if b, err := s.app.Bookings.DoorBooking(r.Context(), v.ID); err == nil {
		if g, err := s.app.Bookings.Get(r.Context(), a, b.ID); err == nil {
			d.Booking = &g
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "booking_door", p)
}

func (s *Server) doorCheckIn(w http.ResponseWriter, r *http.Request, a access.Actor) {
	tok := r.PathValue("token")
	v, err := s.app.Venues.ByToken(r.Context(), "door_token", tok)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	b, err := s.app.Bookings.DoorBooking(r.Context(), v.ID)
	if err == nil {
		_, err = s.app.Bookings.CheckIn(r.Context(), a, b.ID)
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/door/"+tok, "booking_check_in")
}

// qrSVG draws text as a QR code in SVG (no inline styles, CSP-safe).
func qrSVG(text string) template.HTML {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return ""
	}
	n := c.Size
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg class="qr" viewBox="-4 -4 %d %d" xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges"><rect x="-4" y="-4" width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+8, n+8, n+8, n+8)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if c.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}
