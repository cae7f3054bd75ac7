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
	"jiedai/internal/billing"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/venue"
	"jiedai/internal/wallclock"
)

// Venue pages: directory and detail, the office's venue editor with
// maintenance, repairs (报修), the rate card's add-ons, run-sheet templates
// and booking rules, and the public rate card.
func (s *Server) routesVenue(mux *http.ServeMux) {
	mux.HandleFunc("GET /venues", s.authed(s.venueList))
	mux.HandleFunc("GET /venues/new", s.authed(s.venueForm, access.Office))
	mux.HandleFunc("POST /venues/new", s.authed(s.venueSave, access.Office))
	mux.HandleFunc("GET /venues/{id}", s.authed(s.venueDetail))
	mux.HandleFunc("GET /venues/{id}/edit", s.authed(s.venueForm, access.Office))
	mux.HandleFunc("POST /venues/{id}/edit", s.authed(s.venueSave, access.Office))
	mux.HandleFunc("POST /venues/{id}/maintenance", s.authed(s.maintenanceAdd, access.Office, access.Engineering))
	mux.HandleFunc("POST /venues/maintenance/{mid}/end", s.authed(s.maintenanceEnd, access.Office, access.Engineering))
	mux.HandleFunc("POST /venues/{id}/repairs", s.authed(s.repairReport))
	mux.HandleFunc("GET /repairs", s.authed(s.repairList))
	mux.HandleFunc("POST /repairs/{id}/resolve", s.authed(s.repairResolve, access.Office, access.Engineering))
	mux.HandleFunc("GET /venues/setup", s.authed(s.venueSetup, access.Office))
	mux.HandleFunc("POST /venues/setup/addon", s.authed(s.addonSave, access.Office))
	mux.HandleFunc("POST /venues/setup/template", s.authed(s.templateSave, access.Office))
	mux.HandleFunc("POST /venues/setup/policy", s.authed(s.policySave, access.Office))
	mux.HandleFunc("GET /rates", s.rateCard)
}

type venueListData struct {
	Venues   []venue.Venue
	IsOffice bool
}

func (s *Server) venueList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.app.Venues.List(r.Context(), a, venue.Filter{})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "venue_list", s.newPage(r, "venue.list.title", "venues", &venueListData{Venues: list, IsOffice: venue.CanManage(a)}))
}

type venueDetailData struct {
	V         venue.Venue
	Name      string
	Maint     []venue.Maintenance
	Hits      map[int64][]booking.Booking
	Repairs   []venue.Repair
	IsOffice  bool
	CanRepair bool
	DoorURL   string
	FeedURL   string
	QR        template.HTML
	Equipment []string
}

func (s *Server) venueDetail(w http.ResponseWriter, r *http.Request, a access.Actor) {
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
	p := s.newPage(r, "venue.detail.title", "venues", nil)
	now := s.app.Clock.Now()
	d := &venueDetailData{V: v, Name: v.DisplayName(p.L.Lang), IsOffice: venue.CanManage(a), CanRepair: venue.CanHandleRepairs(a), Hits: map[int64][]booking.Booking{}, Equipment: venue.Equipment}
	if d.Maint, err = s.app.Venues.Maintenance(ctx, nil, id, now.Add(-24*time.Hour), now.AddDate(1, 0, 0)); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	for _, m := range d.Maint {
		hits, err := s.app.Bookings.List(ctx, a, booking.Filter{VenueID: id, From: m.Start, To: m.End, ActiveOnly: true})
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		d.Hits[m.ID] = hits
	}
	if d.Repairs, err = s.app.Venues.Repairs(ctx, a, id, ""); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.IsOffice {
		base := siteBase(r)
		d.DoorURL = base + "/door/" + v.DoorToken
		if !v.FeedRevoked {
			d.FeedURL = base + "/api/v1/venues/" + strconv.FormatInt(v.ID, 10) + "/calendar.ics?token=" + v.FeedToken
		}
		d.QR = qrSVG(d.DoorURL)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "venue_detail", p)
}

type venueFormData struct {
	ID        int64
	Kinds     []string
	Equipment []string
	Tiers     []string
	Days      []int
}

func (s *Server) venueFormPage(r *http.Request, id int64) *Page {
	title := "venue.new.title"
	if id != 0 {
		title = "venue.edit.title"
	}
	return s.newPage(r, title, "venues", &venueFormData{ID: id, Kinds: venue.Kinds, Equipment: venue.Equipment, Tiers: venue.Tiers, Days: []int{1, 2, 3, 4, 5, 6, 0}})
}

func hhmmOf(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

func (s *Server) venueForm(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p := s.venueFormPage(r, id)
	in := venue.Defaults()
	if id != 0 {
		v, err := s.app.Venues.Get(r.Context(), nil, id)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		in = venue.FromVenue(v)
	}
	f := url.Values{"code": {in.Code}, "name": {in.Name}, "name_en": {in.NameEn}, "kind": {in.Kind}, "location": {in.Location}, "floor": {in.Floor},
		"capacity": {itoaZ(in.Capacity)}, "cap_boardroom": {itoaZ(in.Capacities.Boardroom)}, "cap_theatre": {itoaZ(in.Capacities.Theatre)},
		"cap_classroom": {itoaZ(in.Capacities.Classroom)}, "cap_ushape": {itoaZ(in.Capacities.UShape)}, "equipment": in.Equipment,
		"buffer_before": {strconv.Itoa(in.BufferBefore)}, "buffer_after": {strconv.Itoa(in.BufferAfter)},
		"open_from": {hhmmOf(in.OpenFrom)}, "open_to": {hhmmOf(in.OpenTo)}, "description": {in.Description}, "sort": {strconv.Itoa(in.Sort)}}
	for d := 0; d < 7; d++ {
		if in.OpenDays&(1<<d) != 0 {
			f.Add("open_days", strconv.Itoa(d))
		}
	}
	if in.InService {
		f.Set("in_service", "on")
	}
	if in.ClientBookable {
		f.Set("client_bookable", "on")
	}
	for _, t := range venue.Tiers {
		r := in.Rates.For(t)
		f.Set("rate_hour_"+t, yuanInput(r.Hour))
		f.Set("rate_half_"+t, yuanInput(r.HalfDay))
		f.Set("rate_day_"+t, yuanInput(r.FullDay))
	}
	p.Form = f
	s.render(w, r, http.StatusOK, "venue_form", p)
}

func itoaZ(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func (s *Server) venueSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p := s.venueFormPage(r, id)
	_ = r.ParseForm()
	f := r.PostForm
	var l errs.List
	num := func(field string) int {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			l.Add(field, "err.number")
		}
		return n
	}
	hm := func(field string) int {
		v := strings.TrimSpace(f.Get(field))
		if v == "24:00" {
			return 1440
		}
		t, err := time.Parse("15:04", v)
		if err != nil {
			l.Add(field, "err.booking_hhmm")
			return 0
		}
		return t.Hour()*60 + t.Minute()
	}
	money := func(field string) int64 {
		v, ok := parseYuan(f.Get(field))
		if !ok {
			l.Add(field, "err.booking_money")
		}
		return v
	}
	in := venue.Input{Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), Kind: f.Get("kind"), Location: f.Get("location"),
		Floor: f.Get("floor"), Capacity: num("capacity"), Equipment: f["equipment"], BufferBefore: num("buffer_before"), BufferAfter: num("buffer_after"),
		OpenFrom: hm("open_from"), OpenTo: hm("open_to"), InService: f.Get("in_service") == "on", ClientBookable: f.Get("client_bookable") == "on",
		Description: f.Get("description"), Sort: num("sort")}
	in.Capacities = venue.Capacities{Boardroom: num("cap_boardroom"), Theatre: num("cap_theatre"), Classroom: num("cap_classroom"), UShape: num("cap_ushape")}
	for _, d := range f["open_days"] {
		if n, err := strconv.Atoi(d); err == nil && n >= 0 && n < 7 {
			in.OpenDays |= 1 << n
		}
	}
	rate := func(t string) venue.Rate {
		return venue.Rate{Hour: money("rate_hour_" + t), HalfDay: money("rate_half_" + t), FullDay: money("rate_day_" + t)}
	}
	in.Rates = venue.Rates{Internal: rate(venue.TierInternal), Client: rate(venue.TierClient), Key: rate(venue.TierKey)}
	err := l.Err()
	var v venue.Venue
	if err == nil {
		if id == 0 {
			v, err = s.app.Venues.Create(r.Context(), a, in)
		} else {
			v, err = s.app.Venues.Update(r.Context(), a, id, in)
		}
	}
	if err != nil {
		s.fail(w, r, err, "venue_form", p)
		return
	}
	redirect(w, r, fmt.Sprintf("/venues/%d", v.ID), "saved")
}

func (s *Server) maintenanceAdd(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_ = r.ParseForm()
	f := r.PostForm
	start, err1 := wallclock.Parse(f.Get("start_date"), f.Get("start_time"), s.app.Loc)
	end, err2 := wallclock.Parse(f.Get("end_date"), f.Get("end_time"), s.app.Loc)
	var err error
	switch {
	case err1 != nil:
		err = errs.Field("start", wallclock.Key(err1, "err.bad_date"))
	case err2 != nil:
		err = errs.Field("end", wallclock.Key(err2, "err.bad_date"))
	default:
		_, err = s.app.Venues.AddMaintenance(r.Context(), a, id, start, end, f.Get("reason"))
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, fmt.Sprintf("/venues/%d", id), "venue_maintenance")
}

func (s *Server) maintenanceEnd(w http.ResponseWriter, r *http.Request, a access.Actor) {
	mid, _ := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	_ = r.ParseForm()
	if err := s.app.Venues.CancelMaintenance(r.Context(), a, mid); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	vid, _ := strconv.ParseInt(r.PostForm.Get("venue_id"), 10, 64)
	redirect(w, r, fmt.Sprintf("/venues/%d", vid), "saved")
}

func (s *Server) repairReport(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_ = r.ParseForm()
	f := r.PostForm
	in := venue.RepairInput{VenueID: id, Equipment: f.Get("equipment"), Description: f.Get("description")}
	if d := strings.TrimSpace(f.Get("maintenance_until")); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, s.app.Loc)
		if err != nil {
			s.fail(w, r, errs.Field("maintenance_until", "err.bad_date"), "", nil)
			return
		}
		in.MaintenanceUntil = t.AddDate(0, 0, 1)
	}
	if _, err := s.app.Venues.ReportRepair(r.Context(), a, in); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, fmt.Sprintf("/venues/%d", id), "venue_repair_reported")
}

type repairListData struct {
	Repairs  []venue.Repair
	Names    map[int64]string
	Status   string
	CanFix   bool
	Statuses []string
}

func (s *Server) repairList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	status := r.URL.Query().Get("status")
	if status == "" {
		status = venue.RepairOpen
	}
	if status == "all" {
		status = ""
	}
	list, err := s.app.Venues.Repairs(ctx, a, 0, status)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	venues, err := s.app.Venues.All(ctx, nil)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &repairListData{Repairs: list, Names: map[int64]string{}, Status: r.URL.Query().Get("status"), CanFix: venue.CanHandleRepairs(a),
		Statuses: []string{venue.RepairOpen, venue.RepairFixed, venue.RepairCancelled}}
	lang := langFrom(r)
	for _, v := range venues {
		d.Names[v.ID] = v.DisplayName(lang)
	}
	s.render(w, r, http.StatusOK, "venue_repairs", s.newPage(r, "venue.repairs.title", "venues", d))
}

func (s *Server) repairResolve(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_ = r.ParseForm()
	if err := s.app.Venues.ResolveRepair(r.Context(), a, id, r.PostForm.Get("status"), r.PostForm.Get("resolution")); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/repairs", "saved")
}

type setupData struct {
	Addons    []venue.Addon
	Templates []booking.Template
	Policy    booking.Policy
	Kinds     []string
	Roles     []string
	Phases    []string
	Units     []string
}

func (s *Server) setupPage(r *http.Request) (*Page, error) {
	ctx := r.Context()
	addons, err := s.app.Venues.Addons(ctx, nil, false)
	if err != nil {
		return nil, err
	}
	tpls, err := s.app.Bookings.Templates(ctx, nil)
	if err != nil {
		return nil, err
	}
	pol, err := s.app.Bookings.Policy(ctx, nil)
	if err != nil {
		return nil, err
	}
	return s.newPage(r, "venue.setup.title", "venues", &setupData{Addons: addons, Templates: tpls, Policy: pol, Kinds: venue.Kinds,
		Roles: booking.RunSheetRoles, Phases: booking.Phases, Units: venue.Units}), nil
}

func (s *Server) venueSetup(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.setupPage(r)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "venue_setup", p)
}

func (s *Server) setupFail(w http.ResponseWriter, r *http.Request, err error) {
	p, perr := s.setupPage(r)
	if perr != nil {
		s.fail(w, r, perr, "", nil)
		return
	}
	s.fail(w, r, err, "venue_setup", p)
}

func (s *Server) addonSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	sort, _ := strconv.Atoi(f.Get("sort"))
	in := venue.Addon{Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), Kind: f.Get("kind"), Unit: f.Get("unit"), Active: f.Get("active") == "on", Sort: sort}
	var ok1, ok2, ok3 bool
	in.Internal, ok1 = parseYuan(f.Get("price_internal"))
	in.Client, ok2 = parseYuan(f.Get("price_client"))
	in.Key, ok3 = parseYuan(f.Get("price_key"))
	var err error
	if !ok1 || !ok2 || !ok3 {
		err = errs.Field("price_client", "err.booking_money")
	} else {
		_, err = s.app.Venues.SaveAddon(r.Context(), a, id, in)
	}
	if err != nil {
		s.setupFail(w, r, err)
		return
	}
	redirect(w, r, "/venues/setup", "saved")
}

func (s *Server) templateSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	wd, err1 := strconv.Atoi(strings.TrimSpace(f.Get("offset_days")))
	om, err2 := strconv.Atoi(strings.TrimSpace(f.Get("offset_min")))
	sort, _ := strconv.Atoi(f.Get("sort"))
	if err1 != nil || err2 != nil {
		s.setupFail(w, r, errs.Field("offset_min", "err.number"))
		return
	}
	t := booking.Template{VenueKind: f.Get("venue_kind"), Purpose: f.Get("purpose"), Role: f.Get("role"), Phase: f.Get("phase"), Anchor: f.Get("anchor"),
		OffsetDays: wd, OffsetMin: om, AtTime: strings.TrimSpace(f.Get("at_time")), Title: f.Get("title"), TitleEn: f.Get("title_en"), Sort: sort, Active: f.Get("active") == "on"}
	if _, err := s.app.Bookings.SaveTemplate(r.Context(), a, id, t); err != nil {
		s.setupFail(w, r, err)
		return
	}
	redirect(w, r, "/venues/setup", "saved")
}

func (s *Server) policySave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	var l errs.List
	num := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(k)))
		if err != nil {
			l.Add(k, "err.number")
		}
		return n
	}
	p := booking.Policy{ReplyWorkdays: num("reply_workdays"), ReplyMinHours: num("reply_min_hours"), CheckInEarlyMin: num("checkin_early_min"),
		NoShowMin: num("noshow_min"), NoShowClientMin: num("noshow_client_min"), CancelFreeHours: num("cancel_free_hours"),
		CancelFeePercent: num("cancel_fee_percent"), MaxAdvanceDays: num("max_advance_days")}
	err := l.Err()
	if err == nil {
		err = s.app.Bookings.SetPolicy(r.Context(), a, p)
	}
	if err != nil {
		s.setupFail(w, r, err)
		return
	}
	redirect(w, r, "/venues/setup", "saved")
}

type rateData struct {
	Venues  []venue.Venue
	Addons  []venue.Addon
	Policy  booking.Policy
	General billing.PriceList // the general price list in effect (BIL-01), client-bookable items
	Methods []string          // accepted payment methods (BIL-02)
}

// rateCard is the public rate card (收费标准公示), no login.
func (s *Server) rateCard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	all, err := s.app.Venues.All(ctx, nil)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	var list []venue.Venue
	for _, v := range all {
		if v.InService && v.ClientBookable {
			list = append(list, v)
		}
	}
	addons, err := s.app.Venues.Addons(ctx, nil, true)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	pol, err := s.app.Bookings.Policy(ctx, nil)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &rateData{Venues: list, Addons: addons, Policy: pol}
	if d.General, _, err = s.app.Billing.Current(ctx, access.Actor{}); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.Methods, err = billing.PayMethods(ctx, s.app.DB); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "venue_rates", s.newPage(r, "venue.rates.title", "", d))
}
