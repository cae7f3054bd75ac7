package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/task"
	"jiedai/internal/venue"
	"jiedai/internal/wallclock"
)

func (s *Server) routesBooking(mux *http.ServeMux) {
	mux.HandleFunc("GET /bookings", s.authed(s.bookingGrid))
	mux.HandleFunc("GET /bookings/new", s.authed(s.bookingNew))
	mux.HandleFunc("POST /bookings/new", s.authed(s.bookingCreate))
	mux.HandleFunc("GET /bookings/mine", s.authed(s.bookingMine))
	mux.HandleFunc("GET /bookings/approvals", s.authed(s.bookingApprovals, access.Office))
	mux.HandleFunc("GET /bookings/{id}", s.authed(s.bookingDetail))
	mux.HandleFunc("GET /venues/{id}/week", s.authed(s.bookingWeek))
	mux.HandleFunc("GET /bookings/{id}/edit", s.authed(s.bookingEdit))
	mux.HandleFunc("POST /bookings/{id}/edit", s.authed(s.bookingUpdate))
	mux.HandleFunc("POST /bookings/{id}/{action}", s.authed(s.bookingAction))
	s.routesBookingDocs(mux)
	s.routesBookingMore(mux)
	s.routesVenue(mux)
}

// label helpers for templates: enum codes to catalogue keys.
func statusBadge(st string) string {
	switch st {
	case booking.StatusPending:
		return "amber"
	case booking.StatusApproved:
		return "blue"
	case booking.StatusConfirmed:
		return "green"
	case booking.StatusInUse:
		return "purple"
	case booking.StatusCompleted:
		return "gray"
	}
	return "red"
}

// gridData is the day grid: venues × quarter hours of one day.
type gridData struct {
	Date      string
	Prev      string
	Next      string
	Today     string
	Weekday   string
	DayKind   string
	DayName   string
	Quarters  int
	Hours     []gridHour
	Rows      []gridRow
	NowCol    int // quarter column of the now-line (0 = not today)
	NowOff    int // minutes into that quarter
	MinCap    int
	Statuses  []string
	IsOffice  bool
	FirstHour int
}

type gridHour struct {
	Label string
	Col   int
}

type gridRow struct {
	Venue    venue.Venue
	Name     string
	Seats    string // "n seats", translated
	Closed   bool
	Items    []gridItem
	Free     []gridFree
	Disabled bool
	Off      bool          // disabled or closed
	Track    template.HTML // the row's free slots, buffers and bookings, see track()
}

// track writes a grid row's free-slot links, buffer bands and bookings.
// A busy building's grid has thousands of these; written here, with every
// value escaped, they cost a fraction of one template action each.
func (row *gridRow) track() template.HTML {
	var b strings.Builder
	b.Grow(len(row.Free)*160 + len(row.Items)*300)
	esc := html.EscapeString
	cell := func(class string, col, span int) {
		b.WriteString(class)
		b.WriteString(" gc-")
		b.WriteString(strconv.Itoa(col))
		b.WriteString(" gw-")
		b.WriteString(strconv.Itoa(span))
	}
	// One tab stop per row: the first link; the arrow keys move within the
	// row and between rows (app.js), so a keyboard goes a room at a time.
	stop := ""
	next := func() string {
		t := stop
		stop = ` tabindex="-1"`
		return t
	}
	for _, f := range row.Free {
		b.WriteString(`<a class="`)
		cell("dg-free", f.Col, f.Span)
		b.WriteString(`" href="` + esc(f.Link) + `" title="` + esc(f.Title) + `"` + next() + `><span class="sr">` + esc(f.Title) + "</span></a>")
	}
	for _, it := range row.Items {
		if it.Buf {
			b.WriteString(`<span class="`)
			cell("dg-buf", it.BufCol, it.BufSpan)
			b.WriteString(`" aria-hidden="true"></span>`)
		}
	}
	for _, it := range row.Items {
		b.WriteString(`<a class="`)
		cell("dg-bk", it.Col, it.Span)
		if it.Span <= 4 {
			b.WriteString(" dg-narrow") // an hour or less: the title wraps, the time is in the tooltip
		}
		b.WriteString(" " + esc(it.Class) + `" href="` + esc(it.Link) + `" title="` + esc(it.Time+" "+it.Label) + `"` + next() + `><b>` + esc(it.Label) +
			"</b><small>" + esc(it.Sub) + "</small></a>")
	}
	return template.HTML(b.String())
}

type gridItem struct {
	Col, Span       int
	BufCol, BufSpan int
	Booking         booking.Booking
	Maintenance     bool
	Buf             bool   // show the buffer band (bookings)
	Class           string // status classes
	Label           string
	Time            string
	Sub             string // time, and the requester where shown
	Link            string
}

type gridFree struct {
	Col, Span int
	Link      string
	Label     string
	Title     string // "book from …", translated
}

func (s *Server) dayOf(r *http.Request, param string) time.Time {
	now := s.app.Clock.Now().In(s.app.Loc)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.app.Loc)
	if v := r.URL.Query().Get(param); v != "" {
		if t, err := time.ParseInLocation("2006-01-02", v, s.app.Loc); err == nil && t.Year() > 2000 && t.Year() < 2200 {
			day = t
		}
	}
	return day
}

// bookingGrid shows the day grid: a row per venue, a column per quarter
// hour, bookings coloured by status, a now-line, and every free half hour
// a link to book it.
func (s *Server) bookingGrid(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p := s.newPage(r, "booking.grid.title", "bookings", nil)
	s.cachedRender(w, r, p, "booking_grid", func() bool { return s.buildGrid(w, r, a, p) })
}

// buildGrid reads the day grid's venues, bookings and maintenance into
// p.Data; false when it has answered with an error.
func (s *Server) buildGrid(w http.ResponseWriter, r *http.Request, a access.Actor, p *Page) bool {
	ctx := r.Context()
	day := s.dayOf(r, "date")
	minCap, _ := strconv.Atoi(r.URL.Query().Get("capacity"))
	venues, err := s.app.Venues.List(ctx, a, venue.Filter{MinCapacity: minCap})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return false
	}
	first, last := 24*60, 0
	for _, v := range venues {
		if v.InService {
			first, last = min(first, v.OpenFrom), max(last, v.OpenTo)
		}
	}
	if first >= last {
		first, last = 8*60, 22*60
	}
	first, last = first/60*60, (last+59)/60*60
	dayStart := day.Add(time.Duration(first) * time.Minute)
	dayEnd := day.Add(time.Duration(last) * time.Minute)
	d := &gridData{Date: day.Format("2006-01-02"), Prev: day.AddDate(0, 0, -1).Format("2006-01-02"), Next: day.AddDate(0, 0, 1).Format("2006-01-02"),
		Quarters: (last - first) / 15, MinCap: minCap, IsOffice: booking.IsOffice(a), FirstHour: first / 60,
		Statuses: []string{booking.StatusPending, booking.StatusApproved, booking.StatusConfirmed, booking.StatusInUse, booking.StatusCompleted}}
	now := s.app.Clock.Now().In(s.app.Loc)
	d.Today = now.Format("2006-01-02")
	d.Weekday = p.L.T("weekday." + strconv.Itoa(int(day.Weekday())))
	d.DayKind, d.DayName = s.app.Calendar.DayInfo(day)
	for h := first; h < last; h += 60 {
		d.Hours = append(d.Hours, gridHour{Label: fmt.Sprintf("%02d:00", h/60), Col: (h-first)/15 + 1})
	}
	if !now.Before(dayStart) && now.Before(dayEnd) {
		m := int(now.Sub(dayStart) / time.Minute)
		d.NowCol, d.NowOff = m/15+1, m%15
	}
	f := booking.Filter{From: dayStart.Add(-4 * time.Hour), To: dayEnd.Add(4 * time.Hour), ActiveOnly: true, Limit: 2000, Brief: true}
	if minCap > 0 {
		// Only the shown venues' bookings (a filtered grid of a large building).
		for _, v := range venues {
			f.VenueIDs = append(f.VenueIDs, v.ID)
		}
		if len(f.VenueIDs) == 0 {
			f.VenueIDs = []int64{0}
		}
	}
	list, err := s.app.Bookings.List(ctx, a, f)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return false
	}
	maint, err := s.app.Venues.Maintenance(ctx, nil, 0, dayStart, dayEnd)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return false
	}
	for _, v := range venues {
		row := s.gridRow(p, v, day, first, last, list, maint, now)
		row.Name = v.DisplayName(p.L.Lang)
		d.Rows = append(d.Rows, row)
	}
	p.Data = d
	return true
}

// gridRow lays out one venue on one day: its bookings (with their setup
// and teardown buffers), its maintenance, and a link for every free half
// hour. first and last bound the grid in minutes after midnight.
func (s *Server) gridRow(p *Page, v venue.Venue, day time.Time, first, last int, list []booking.Booking, maint []venue.Maintenance, now time.Time) gridRow {
	dayStart := day.Add(time.Duration(first) * time.Minute)
	dayEnd := day.Add(time.Duration(last) * time.Minute)
	quarters := (last - first) / 15
	col := func(t time.Time) int {
		m := int(t.Sub(dayStart) / time.Minute)
		return min(max(m/15, 0), quarters) + 1
	}
	colEnd := func(t time.Time) int {
		m := int((t.Sub(dayStart) + 14*time.Minute) / time.Minute)
		return min(max(m/15, 0), quarters) + 1
	}
	row := gridRow{Venue: v, Disabled: !v.InService, Closed: !v.OpenOn(day, s.app.Loc), Seats: seatsText(p.L, v)}
	row.Off = row.Disabled || row.Closed
	type blocked struct{ s, e time.Time }
	var busy []blocked
	for _, b := range list {
		if b.VenueID != v.ID {
			continue
		}
		busy = append(busy, blocked{b.BlockStart, b.BlockEnd})
		if !b.End.After(dayStart) || !b.Start.Before(dayEnd) {
			continue
		}
		it := gridItem{Booking: b, Col: col(b.Start), BufCol: col(b.BlockStart), Link: fmt.Sprintf("/bookings/%d", b.ID),
			Time: b.Start.In(s.app.Loc).Format("15:04") + "–" + b.End.In(s.app.Loc).Format("15:04")}
		it.Span = max(colEnd(b.End)-it.Col, 1)
		it.BufSpan = max(colEnd(b.BlockEnd)-it.BufCol, 1)
		it.Label, it.Buf, it.Class, it.Sub = b.Title, true, "st-"+b.Status, it.Time
		if b.Redacted {
			it.Label, it.Class = p.L.T("booking.busy"), it.Class+" dg-hidden"
		} else if b.RequesterName != "" {
			it.Sub += " · " + b.RequesterName
		}
		row.Items = append(row.Items, it)
	}
	for _, m := range maint {
		if m.VenueID != v.ID || !m.End.After(dayStart) || !m.Start.Before(dayEnd) {
			continue
		}
		busy = append(busy, blocked{m.Start, m.End})
		it := gridItem{Maintenance: true, Col: col(m.Start), Label: p.L.T("booking.grid.maintenance"), Time: m.Reason, Sub: m.Reason, Class: "dg-maint", Link: fmt.Sprintf("/venues/%d", v.ID)}
		it.Span = max(colEnd(m.End)-it.Col, 1)
		it.BufCol, it.BufSpan = it.Col, it.Span
		row.Items = append(row.Items, it)
	}
	if !v.InService || row.Closed {
		row.Track = row.track()
		return row
	}
	open, closeAt := v.OpenWindow(day, s.app.Loc)
	date := day.Format("2006-01-02")
	bookAt := p.L.T("booking.grid.book_at", "room", v.DisplayName(p.L.Lang), "time", "\x00") // translated once for the row
	venueID := strconv.FormatInt(v.ID, 10)
	for t := open; t.Add(30*time.Minute).Compare(closeAt) <= 0; t = t.Add(30 * time.Minute) {
		if t.Add(30 * time.Minute).Before(now) {
			continue
		}
		bs, be := v.Block(t, t.Add(30*time.Minute))
		free := true
		for _, b := range busy {
			if b.s.UnixMilli() < be && bs < b.e.UnixMilli() {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		end := t.Add(time.Hour)
		if end.After(closeAt) {
			end = closeAt
		}
		label := t.Format("15:04")
		// As url.Values{…}.Encode() would write it, without its cost.
		link := "/bookings/new?date=" + date + "&end=" + url.QueryEscape(end.Format("15:04")) + "&start=" + url.QueryEscape(label) + "&venue_id=" + venueID
		row.Free = append(row.Free, gridFree{Col: col(t), Span: 2, Link: link, Label: label, Title: strings.Replace(bookAt, "\x00", label, 1)})
	}
	row.Track = row.track()
	return row
}

// weekData is one venue's week: a row per day.
type weekData struct {
	gridData
	Venue  venue.Venue
	Name   string
	Days   []string
	NowRow int
}

// bookingWeek shows one venue's week, Monday to Sunday, in the day grid's form.
func (s *Server) bookingWeek(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	v, err := s.app.Venues.Get(ctx, nil, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if a.IsClient() && !v.ClientBookable {
		s.renderError(w, r, http.StatusNotFound, "err.not_found")
		return
	}
	day := s.dayOf(r, "date")
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	first, last := v.OpenFrom/60*60, (v.OpenTo+59)/60*60
	p := s.newPage(r, "booking.week.title", "bookings", nil)
	d := &weekData{Venue: v, Name: v.DisplayName(p.L.Lang)}
	d.Date, d.Prev, d.Next = monday.Format("2006-01-02"), monday.AddDate(0, 0, -7).Format("2006-01-02"), monday.AddDate(0, 0, 7).Format("2006-01-02")
	d.Quarters, d.FirstHour = (last-first)/15, first/60
	d.Statuses = []string{booking.StatusPending, booking.StatusApproved, booking.StatusConfirmed, booking.StatusInUse, booking.StatusCompleted}
	for h := first; h < last; h += 60 {
		d.Hours = append(d.Hours, gridHour{Label: fmt.Sprintf("%02d:00", h/60), Col: (h-first)/15 + 1})
	}
	now := s.app.Clock.Now().In(s.app.Loc)
	d.Today = now.Format("2006-01-02")
	end := monday.AddDate(0, 0, 7)
	list, err := s.app.Bookings.List(ctx, a, booking.Filter{VenueID: id, From: monday.Add(-4 * time.Hour), To: end.Add(4 * time.Hour), ActiveOnly: true, Limit: 2000})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	maint, err := s.app.Venues.Maintenance(ctx, nil, id, monday, end)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	for i := 0; i < 7; i++ {
		dd := monday.AddDate(0, 0, i)
		row := s.gridRow(p, v, dd, first, last, list, maint, now)
		kind, name := s.app.Calendar.DayInfo(dd)
		row.Name = dd.Format("01-02") + " " + p.L.T("weekday."+strconv.Itoa(int(dd.Weekday())))
		if name != "" && (kind == "holiday" || kind == "makeup") {
			row.Name += " · " + name
		}
		dayStart, dayEnd := dd.Add(time.Duration(first)*time.Minute), dd.Add(time.Duration(last)*time.Minute)
		if !now.Before(dayStart) && now.Before(dayEnd) {
			m := int(now.Sub(dayStart) / time.Minute)
			d.NowRow, d.NowCol, d.NowOff = i+1, m/15+1, m%15
		}
		d.Rows = append(d.Rows, row)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "booking_week", p)
}

// formData feeds the booking form.
type formData struct {
	ID         int64
	Venues     []venue.Venue
	Addons     []venue.Addon
	Layouts    []string
	Equipment  []string
	Channels   []string
	Priorities []string
	Tiers      []string
	IsOffice   bool
	IsClient   bool
	Refusal    *booking.Refusal
	Conflicts  []booking.Conflict
	Alts       []booking.Alternative
	Preview    []occurrencePreview
	Repeat     bool
	Series     bool         // editing an occurrence of a recurring booking
	Orgs       []client.Org // the client register, for staff
}

func (s *Server) bookingFormPage(r *http.Request, a access.Actor, title string, id int64) (*Page, *formData, error) {
	ctx := r.Context()
	venues, err := s.app.Venues.List(ctx, a, venue.Filter{InService: true})
	if err != nil {
		return nil, nil, err
	}
	addons, err := s.app.Venues.Addons(ctx, nil, true)
	if err != nil {
		return nil, nil, err
	}
	d := &formData{ID: id, Venues: venues, Addons: addons, Layouts: venue.Layouts, Equipment: venue.EquipmentOf(venues), Channels: booking.Channels,
		Priorities: booking.Priorities, Tiers: venue.Tiers, IsOffice: booking.IsOffice(a), IsClient: a.IsClient()}
	if !d.IsClient {
		if d.Orgs, err = s.orgChoices(r.Context(), a); err != nil {
			return nil, nil, err
		}
	}
	return s.newPage(r, title, "bookings", d), d, nil
}

// bookingNew shows an empty form, prefilled from the grid's free cell.
func (s *Server) bookingNew(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, _, err := s.bookingFormPage(r, a, "booking.new.title", 0)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	q := r.URL.Query()
	venueID, _ := strconv.ParseInt(q.Get("venue_id"), 10, 64)
	from, to, err := s.app.Bookings.SuggestSlot(r.Context(), venueID, s.dayOf(r, "date"), time.Hour)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	loc := s.app.Loc
	p.Form = url.Values{"date": {from.In(loc).Format("2006-01-02")}, "start": {from.In(loc).Format("15:04")}, "end": {to.In(loc).Format("15:04")}, "headcount": {"6"},
		"purpose": {"internal"}, "channel": {"online"}, "priority": {"normal"}}
	if q.Get("start") != "" {
		p.Form.Set("date", s.dayOf(r, "date").Format("2006-01-02")) // a cell of the grid: its own day and time
	}
	for _, k := range []string{"venue_id", "start", "end", "headcount"} {
		if v := q.Get(k); v != "" {
			p.Form.Set(k, v)
		}
	}
	if a.IsClient() {
		p.Form.Set("purpose", "client")
	}
	if booking.IsOffice(a) {
		p.Form.Set("approve", "on")
	}
	s.render(w, r, http.StatusOK, "booking_form", p)
}

// parseBookingForm reads the form into a request; field errors are
// collected for the form.
func (s *Server) parseBookingForm(r *http.Request) (booking.Request, error) {
	_ = r.ParseForm()
	f := r.PostForm
	var l errs.List
	in := booking.Request{Title: f.Get("title"), Layout: f.Get("layout"), Equipment: f["equipment"], Purpose: f.Get("purpose"),
		Channel: f.Get("channel"), Priority: f.Get("priority"), ClientName: f.Get("client_name"), ContactName: f.Get("contact_name"),
		ContactPhone: f.Get("contact_phone"), ContactEmail: f.Get("contact_email"), RateTier: f.Get("rate_tier"),
		UnderContract: f.Get("under_contract") == "on", ContractNo: f.Get("contract_no"), Notes: f.Get("notes"),
		Bump: f.Get("bump") == "on", Approve: f.Get("approve") == "on"}
	var err error
	if in.VenueID, err = strconv.ParseInt(f.Get("venue_id"), 10, 64); err != nil || in.VenueID <= 0 {
		l.Add("venue_id", "err.required")
	}
	if in.Headcount, err = strconv.Atoi(strings.TrimSpace(f.Get("headcount"))); err != nil {
		l.Add("headcount", "err.number")
	}
	if v := strings.TrimSpace(f.Get("org_id")); v != "" {
		if in.OrgID, err = strconv.ParseInt(v, 10, 64); err != nil {
			l.Add("org_id", "err.number")
		}
	}
	// An alternative chosen from a refusal replaces venue and time.
	if alt := f.Get("alt"); alt != "" {
		parts := strings.Split(alt, "|")
		if len(parts) == 3 {
			id, _ := strconv.ParseInt(parts[0], 10, 64)
			st, _ := strconv.ParseInt(parts[1], 10, 64)
			en, _ := strconv.ParseInt(parts[2], 10, 64)
			if id > 0 && st > 0 && en > st {
				in.VenueID = id
				t0, t1 := time.UnixMilli(st).In(s.app.Loc), time.UnixMilli(en).In(s.app.Loc)
				f.Set("venue_id", strconv.FormatInt(id, 10))
				f.Set("date", t0.Format("2006-01-02"))
				f.Set("start", t0.Format("15:04"))
				f.Set("end", t1.Format("15:04"))
			}
		}
	}
	date := f.Get("date")
	_, derr := wallclock.ParseDate(date)
	if derr != nil {
		l.Add("date", "err.bad_date")
	}
	// Times are read on the site's wall clock for that date: on a
	// daylight-saving change day a skipped time is refused, not shifted.
	hm := func(field string) time.Time {
		v := strings.TrimSpace(f.Get(field))
		if field == "end" && v == "00:00" {
			v = "24:00" // the midnight that ends the day
		}
		if _, _, err := wallclock.ParseClock(v); err != nil || (field == "start" && v == "24:00") {
			l.Add(field, "err.booking_hhmm")
			return time.Time{}
		}
		if derr != nil {
			return time.Time{}
		}
		t, err := wallclock.Parse(date, v, s.app.Loc)
		if err != nil {
			l.Add(field, wallclock.Key(err, "err.booking_hhmm"))
		}
		return t
	}
	in.Start, in.End = hm("start"), hm("end")
	for k, vals := range f {
		id, ok := strings.CutPrefix(k, "addon_")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" || vals[0] == "0" {
			continue
		}
		aid, err1 := strconv.ParseInt(id, 10, 64)
		qty, err2 := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err1 != nil || err2 != nil {
			l.Add("items", "err.booking_item")
			continue
		}
		in.Items = append(in.Items, booking.ItemInput{AddonID: aid, Qty: qty})
	}
	slices.SortFunc(in.Items, func(x, y booking.ItemInput) int { return int(x.AddonID - y.AddonID) })
	return in, l.Err()
}

// failBooking re-renders the form with the error, and for a refusal the
// conflicts and the alternatives to choose from.
func (s *Server) failBooking(w http.ResponseWriter, r *http.Request, err error, p *Page, d *formData) {
	if rf := booking.RefusalOf(err); rf != nil {
		d.Refusal, d.Conflicts, d.Alts = rf, rf.Conflicts, rf.Alternatives
	}
	r.PostForm.Del("alt")
	s.fail(w, r, err, "booking_form", p)
}

func (s *Server) bookingCreate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, d, err := s.bookingFormPage(r, a, "booking.new.title", 0)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	in, err := s.parseBookingForm(r)
	if err == nil && r.PostForm.Get("repeat") == "on" {
		s.seriesSubmit(w, r, a, in, p, d)
		return
	}
	if err != nil {
		s.failBooking(w, r, err, p, d)
		return
	}
	b, err := s.app.Bookings.Create(r.Context(), a, in)
	if err != nil {
		s.failBooking(w, r, err, p, d)
		return
	}
	redirect(w, r, fmt.Sprintf("/bookings/%d", b.ID), "booking_created")
}

func (s *Server) bookingEdit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	b, err := s.app.Bookings.Get(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if b.Redacted || !booking.CanManage(a, b) {
		s.fail(w, r, errs.Forbid(), "", nil)
		return
	}
	p, _, err := s.bookingFormPage(r, a, "booking.edit.title", id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Form = formOf(b, s.app.Loc)
	p.Data.(*formData).Series = b.SeriesID != 0
	s.render(w, r, http.StatusOK, "booking_form", p)
}

// formOf fills the form from a booking.
func formOf(b booking.Booking, loc *time.Location) url.Values {
	f := url.Values{"venue_id": {strconv.FormatInt(b.VenueID, 10)}, "date": {b.Start.In(loc).Format("2006-01-02")},
		"start": {b.Start.In(loc).Format("15:04")}, "end": {b.End.In(loc).Format("15:04")}, "title": {b.Title},
		"headcount": {strconv.Itoa(b.Headcount)}, "layout": {b.Layout}, "equipment": b.Equipment, "purpose": {b.Purpose},
		"channel": {b.Channel}, "priority": {b.Priority}, "client_name": {b.ClientName}, "contact_name": {b.ContactName},
		"contact_phone": {b.ContactPhone}, "contact_email": {b.ContactEmail}, "rate_tier": {b.RateTier}, "contract_no": {b.ContractNo},
		"notes": {b.Notes}}
	if b.OrgID != 0 {
		f.Set("org_id", strconv.FormatInt(b.OrgID, 10))
	}
	if b.UnderContract {
		f.Set("under_contract", "on")
	}
	for _, it := range b.Items {
		f.Set(fmt.Sprintf("addon_%d", it.AddonID), strconv.Itoa(it.Qty))
	}
	return f
}

func (s *Server) bookingUpdate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p, d, err := s.bookingFormPage(r, a, "booking.edit.title", id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if cur, err := s.app.Bookings.Get(r.Context(), a, id); err == nil {
		d.Series = cur.SeriesID != 0
	}
	in, err := s.parseBookingForm(r)
	if err == nil && r.PostForm.Get("series_from_here") == "on" {
		var b booking.Booking
		if b, err = s.app.Bookings.Get(r.Context(), a, id); err == nil && b.SeriesID != 0 {
			_, err = s.app.Bookings.UpdateSeries(r.Context(), a, b.SeriesID, b.Start, in)
			if err == nil {
				redirect(w, r, fmt.Sprintf("/bookings/%d", id), "saved")
				return
			}
		}
	}
	if err == nil {
		_, err = s.app.Bookings.Update(r.Context(), a, id, in)
	}
	if err != nil {
		s.failBooking(w, r, err, p, d)
		return
	}
	redirect(w, r, fmt.Sprintf("/bookings/%d", id), "saved")
}

// listData feeds the booking lists.
type listData struct {
	Bookings []booking.Booking
	Upcoming []booking.Booking
	Past     []booking.Booking
	Feed     string
	Approved []booking.Booking
}

func (s *Server) bookingMine(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	now := s.app.Clock.Now()
	f := booking.Filter{RequestedBy: a.UserID, From: now.AddDate(0, 0, -60), Limit: 500}
	if a.IsClient() {
		f.RequestedBy = 0
	}
	list, err := s.app.Bookings.List(ctx, a, f)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &listData{}
	for _, b := range list {
		if b.End.After(now) {
			d.Upcoming = append(d.Upcoming, b)
		} else {
			d.Past = append([]booking.Booking{b}, d.Past...)
		}
	}
	tok, err := s.app.Bookings.FeedToken(ctx, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if tok != "" {
		d.Feed = siteBase(r) + "/calendar/" + tok + ".ics"
	}
	s.render(w, r, http.StatusOK, "booking_mine", s.newPage(r, "booking.mine.title", "bookings", d))
}

func (s *Server) bookingApprovals(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	now := s.app.Clock.Now()
	pending, err := s.app.Bookings.List(ctx, a, booking.Filter{Statuses: []string{booking.StatusPending}, From: now, Limit: 500})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	waiting, err := s.app.Bookings.List(ctx, a, booking.Filter{Statuses: []string{booking.StatusApproved}, From: now, Limit: 500})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "booking_approvals", s.newPage(r, "booking.approvals.title", "bookings", &listData{Bookings: pending, Approved: waiting}))
}

// detailData feeds the booking detail page.
type detailData struct {
	B          booking.Booking
	Venue      venue.Venue
	VenueName  string
	History    []booking.History
	Tasks      []task.Task
	Can        map[string]bool
	Alts       []booking.Alternative
	Maint      []venue.Maintenance
	Statement  *booking.Statement
	IsOffice   bool
	Series     []booking.Booking
	Overdue    map[int64]bool
	ConfirmURL string
}

func (s *Server) bookingDetail(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	b, err := s.app.Bookings.Get(ctx, a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	v, err := s.app.Venues.Get(ctx, nil, b.VenueID)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "booking.detail.title", "bookings", nil)
	d := &detailData{B: b, Venue: v, VenueName: v.DisplayName(p.L.Lang), IsOffice: booking.IsOffice(a), Can: map[string]bool{}, Overdue: map[int64]bool{}}
	if !b.Redacted {
		if d.History, err = s.app.Bookings.History(ctx, a, id); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		if d.Tasks, err = s.app.Bookings.RunSheet(ctx, a, id); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		now := s.app.Clock.Now()
		for _, t := range d.Tasks {
			d.Overdue[t.ID] = t.Overdue(now)
		}
		if d.Maint, err = s.app.Venues.Maintenance(ctx, nil, b.VenueID, b.Start, b.End); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		if b.Status == booking.StatusBumped || b.Status == booking.StatusForfeited || b.Status == booking.StatusLapsed || b.Status == booking.StatusNoShow {
			alts, err := s.app.Bookings.Alternatives(ctx, a, booking.Want{VenueID: b.VenueID, Start: b.Start, End: b.End, Headcount: b.Headcount, Layout: b.Layout, Equipment: b.Equipment, ExcludeID: b.ID})
			if err == nil && b.Start.After(now) {
				d.Alts = alts
			}
		}
		if st, err := s.app.Bookings.Statement(ctx, a, id); err == nil {
			d.Statement = &st
		}
		if b.SeriesID != 0 {
			d.Series, _ = s.app.Bookings.List(ctx, a, booking.Filter{SeriesID: b.SeriesID, Limit: 500})
		}
		for _, act := range []string{booking.ActApprove, booking.ActReject, booking.ActConfirm, booking.ActCancel, booking.ActCheckIn, booking.ActComplete} {
			d.Can[act] = booking.Can(b.Status, act)
		}
		d.Can["approve"] = d.IsOffice && booking.CanDecide(b, now)
		d.Can["reject"] = d.IsOffice && booking.CanDecide(b, now)
		d.Can["edit"] = slices.Contains([]string{booking.StatusPending, booking.StatusApproved, booking.StatusConfirmed}, b.Status) && booking.CanManage(a, b)
		d.Can["settle"] = d.IsOffice || a.Has(access.Finance)
		if l, err := s.app.Bookings.Letter(ctx, a, id); err == nil && l.ConfirmPath != "" {
			d.ConfirmURL = l.ConfirmPath
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "booking_detail", p)
}

// bookingAction runs a state change from the detail page.
func (s *Server) bookingAction(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_ = r.ParseForm()
	f := r.PostForm
	var err error
	flash := "booking_" + strings.ReplaceAll(r.PathValue("action"), "-", "_")
	switch r.PathValue("action") {
	case "approve":
		_, err = s.app.Bookings.Approve(ctx, a, id, f.Get("reason"))
	case "reject":
		_, err = s.app.Bookings.Reject(ctx, a, id, f.Get("reason"))
	case "confirm":
		_, err = s.app.Bookings.Confirm(ctx, a, id, f.Get("via"))
	case "cancel":
		_, err = s.app.Bookings.Cancel(ctx, a, id, f.Get("reason"), f.Get("waive_fee") == "on")
	case "check-in":
		_, err = s.app.Bookings.CheckIn(ctx, a, id)
	case "complete":
		_, err = s.app.Bookings.Complete(ctx, a, id)
	case "cancel-series":
		err = s.seriesCancel(r, a, id)
	default:
		s.renderError(w, r, http.StatusNotFound, "err.page_not_found")
		return
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	next := fmt.Sprintf("/bookings/%d", id)
	if n := f.Get("next"); strings.HasPrefix(n, "/bookings") && !strings.HasPrefix(n, "//") {
		next = n
	}
	redirect(w, r, next, flash)
}

// bookingFuncs are the template helpers of the booking and venue pages.
// seatsText states a venue's capacity the same way on every page: its
// usual seats, and the most any layout holds when that is more
// ("80 座（最多 120）").
func seatsText(l *i18n.Localizer, v venue.Venue) string {
	if m := v.MaxCapacity(); m > v.Capacity {
		return l.T("venue.seats_up_to", "n", v.Capacity, "max", m)
	}
	return l.T("booking.grid.seats", "n", v.Capacity)
}

func bookingFuncs() template.FuncMap {
	return template.FuncMap{
		"statusBadge": statusBadge,
		"ms":          func(t time.Time) int64 { return t.UnixMilli() },
		"bkList":      func(v ...any) []any { return v },
		"weekday":     func(t time.Time, loc *time.Location) int { return int(t.In(loc).Weekday()) },
		"hhmm":        hhmmOf,
		"seats":       seatsText,
		"yuanIn":      yuanInput,
		"rate": func(fen int64) string {
			if fen <= 0 {
				return "—"
			}
			return fmt.Sprintf("¥%d", fen/100) + map[bool]string{true: "", false: fmt.Sprintf(".%02d", fen%100)}[fen%100 == 0]
		},
		"newTemplate": func() booking.Template {
			return booking.Template{Role: access.Service, Phase: "before", Anchor: "start", Active: true, Sort: 500}
		},
		"policyField": func(p booking.Policy, f string) int {
			return map[string]int{"reply_workdays": p.ReplyWorkdays, "reply_min_hours": p.ReplyMinHours, "checkin_early_min": p.CheckInEarlyMin,
				"noshow_min": p.NoShowMin, "noshow_client_min": p.NoShowClientMin, "cancel_free_hours": p.CancelFreeHours,
				"cancel_fee_percent": p.CancelFeePercent, "max_advance_days": p.MaxAdvanceDays}[f]
		},
	}
}
