package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/auth"
	"jiedai/internal/booking"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
	"jiedai/internal/task"
	"jiedai/internal/venue"
)

func (s *Server) routesReception(mux *http.ServeMux) {
	mux.HandleFunc("GET /receptions", s.authed(s.rcList))
	mux.HandleFunc("GET /receptions/new", s.authed(s.rcNew))
	mux.HandleFunc("POST /receptions/new", s.authed(s.rcSaveForm))
	mux.HandleFunc("GET /receptions/{id}/edit", s.authed(s.rcEdit))
	mux.HandleFunc("POST /receptions/{id}/edit", s.authed(s.rcSaveForm))
	mux.HandleFunc("GET /receptions/{id}", s.rcCase("application"))
	mux.HandleFunc("GET /receptions/{id}/plan", s.rcCase("plan"))
	mux.HandleFunc("GET /receptions/{id}/duties", s.rcCase("duties"))
	mux.HandleFunc("GET /receptions/{id}/materials", s.rcCase("materials"))
	mux.HandleFunc("GET /receptions/{id}/guests", s.rcCase("guests"))
	mux.HandleFunc("GET /receptions/{id}/wrapup", s.rcCase("wrapup"))
	mux.HandleFunc("GET /receptions/{id}/survey", s.rcCase("survey"))
	mux.HandleFunc("GET /receptions/{id}/board", s.rcCase("board"))
	svc := func() *reception.Service { return s.app.Reception }
	mux.HandleFunc("POST /receptions/{id}/submit", s.rcPost("application", "rc_submitted", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().Submit(r.Context(), a, id)
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/decide", s.rcPost("application", "rc_decided", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().Decide(r.Context(), a, id, r.PostForm.Get("decision"), r.PostForm.Get("comment"))
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/submit-plan", s.rcPost("plan", "rc_plan_submitted", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().SubmitPlan(r.Context(), a, id)
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/start", s.rcPost("board", "rc_started", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().Start(r.Context(), a, id)
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/finish", s.rcPost("wrapup", "rc_finished", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().Finish(r.Context(), a, id)
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/close", s.rcPost("wrapup", "rc_closed", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().Close(r.Context(), a, id)
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/cancel", s.rcPost("application", "rc_cancelled", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().Cancel(r.Context(), a, id, r.PostForm.Get("reason"))
		return err
	}))
	// Plan: itinerary.
	mux.HandleFunc("POST /receptions/{id}/itinerary", s.rcPost("plan", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().AddItinerary(r.Context(), a, id, itineraryInput(r.PostForm))
	}))
	mux.HandleFunc("POST /receptions/{id}/itinerary/{item}", s.rcPost("plan", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().UpdateItinerary(r.Context(), a, pathInt(r, "item"), itineraryInput(r.PostForm))
	}))
	mux.HandleFunc("POST /receptions/{id}/itinerary/{item}/remove", s.rcPost("plan", "rc_removed", func(r *http.Request, a access.Actor, id int64) error {
		return svc().RemoveItinerary(r.Context(), a, pathInt(r, "item"))
	}))
	mux.HandleFunc("POST /receptions/{id}/book-room", s.rcPost("plan", "rc_room_requested", s.rcBookRoom))
	mux.HandleFunc("POST /receptions/{id}/itinerary/{item}/done", s.rcPost("board", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().MarkItinerary(r.Context(), a, pathInt(r, "item"), r.PostForm.Get("done") == "1")
	}))
	// Division of labour.
	mux.HandleFunc("POST /receptions/{id}/duties", s.rcPost("duties", "saved", func(r *http.Request, a access.Actor, id int64) error {
		f := r.PostForm
		return svc().AddDuty(r.Context(), a, id, reception.DutyInput{Group: f.Get("group"), Phase: f.Get("phase"), Offset: formInt(f, "offset"), At: f.Get("at"),
			Title: f.Get("title"), Duty: f.Get("duty"), OwnerID: formID(f, "owner_id"), AssistantID: formID(f, "assistant_id")})
	}))
	mux.HandleFunc("POST /receptions/{id}/duties/{duty}", s.rcPost("duties", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return s.saveDutyRow(r, a, pathInt(r, "duty"))
	}))
	mux.HandleFunc("POST /receptions/{id}/duties/{duty}/progress", s.rcPost("duties", "saved", func(r *http.Request, a access.Actor, id int64) error {
		f := r.PostForm
		if f.Get("done") == "1" {
			return svc().CompleteDuty(r.Context(), a, pathInt(r, "duty"), f.Get("result"))
		}
		return svc().DutyProgress(r.Context(), a, pathInt(r, "duty"), formInt(f, "progress"))
	}))
	mux.HandleFunc("POST /receptions/{id}/duties/{duty}/remove", s.rcPost("duties", "rc_removed", func(r *http.Request, a access.Actor, id int64) error {
		return svc().RemoveDuty(r.Context(), a, pathInt(r, "duty"), r.PostForm.Get("reason"))
	}))
	// Materials.
	mux.HandleFunc("POST /receptions/{id}/materials", s.rcPost("materials", "saved", func(r *http.Request, a access.Actor, id int64) error {
		f := r.PostForm
		cost, err := parseYuanField(f, "unit_cost")
		if err != nil {
			return err
		}
		return svc().AddMaterial(r.Context(), a, id, reception.MaterialInput{ItemID: formID(f, "item_id"), Name: f.Get("name"), Category: f.Get("category"),
			Qty: formInt(f, "qty"), OwnerID: formID(f, "owner_id"), Purchase: f.Get("purchase") == "1", UnitCostFen: cost, Note: f.Get("note")})
	}))
	mux.HandleFunc("POST /receptions/{id}/materials/{m}/borrow", s.rcPost("materials", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().Borrow(r.Context(), a, pathInt(r, "m"))
	}))
	mux.HandleFunc("POST /receptions/{id}/materials/{m}/return", s.rcPost("materials", "rc_returned", func(r *http.Request, a access.Actor, id int64) error {
		f := r.PostForm
		return svc().Return(r.Context(), a, pathInt(r, "m"), formInt(f, "returned_qty"), formInt(f, "damaged_qty"), formInt(f, "missing_qty"), f.Get("note"))
	}))
	mux.HandleFunc("POST /receptions/{id}/materials/{m}/check", s.rcPost("materials", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().Check(r.Context(), a, pathInt(r, "m"))
	}))
	mux.HandleFunc("POST /receptions/{id}/materials/{m}/remove", s.rcPost("materials", "rc_removed", func(r *http.Request, a access.Actor, id int64) error {
		return svc().RemoveMaterial(r.Context(), a, pathInt(r, "m"))
	}))
	// Guests.
	mux.HandleFunc("POST /receptions/{id}/guests", s.rcPost("guests", "saved", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().AddGuest(r.Context(), a, id, guestInput(r.PostForm))
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/guests/{g}", s.rcPost("guests", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().UpdateGuest(r.Context(), a, pathInt(r, "g"), guestInput(r.PostForm))
	}))
	mux.HandleFunc("POST /receptions/{id}/guests/{g}/remove", s.rcPost("guests", "rc_removed", func(r *http.Request, a access.Actor, id int64) error {
		return svc().RemoveGuest(r.Context(), a, pathInt(r, "g"))
	}))
	mux.HandleFunc("POST /receptions/{id}/guests/{g}/erase", s.rcPost("guests", "privacy_erased", func(r *http.Request, a access.Actor, id int64) error {
		return svc().EraseGuest(r.Context(), a, pathInt(r, "g"))
	}))
	mux.HandleFunc("POST /receptions/{id}/guests/{g}/invited", s.rcPost("guests", "rc_invited", func(r *http.Request, a access.Actor, id int64) error {
		return svc().MarkInvited(r.Context(), a, pathInt(r, "g"))
	}))
	// Wrap-up: expenses, report, lost property.
	mux.HandleFunc("POST /receptions/{id}/expenses", s.rcPost("wrapup", "saved", func(r *http.Request, a access.Actor, id int64) error {
		in, err := expenseInput(r.PostForm)
		if err != nil {
			return err
		}
		return svc().AddExpense(r.Context(), a, id, in)
	}))
	mux.HandleFunc("POST /receptions/{id}/expenses/{e}", s.rcPost("wrapup", "saved", func(r *http.Request, a access.Actor, id int64) error {
		in, err := expenseInput(r.PostForm)
		if err != nil {
			return err
		}
		return svc().UpdateExpense(r.Context(), a, pathInt(r, "e"), in)
	}))
	mux.HandleFunc("POST /receptions/{id}/expenses/{e}/remove", s.rcPost("wrapup", "rc_removed", func(r *http.Request, a access.Actor, id int64) error {
		return svc().RemoveExpense(r.Context(), a, pathInt(r, "e"))
	}))
	mux.HandleFunc("POST /receptions/{id}/report", s.rcPost("wrapup", "saved", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().SaveReport(r.Context(), a, id, reportInput(r.PostForm))
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/lost", s.rcPost("wrapup", "saved", func(r *http.Request, a access.Actor, id int64) error {
		f := r.PostForm
		return svc().AddLost(r.Context(), a, id, reception.LostInput{Description: f.Get("description"), FoundPlace: f.Get("found_place"), GuestID: formID(f, "guest_id"), Note: f.Get("note")})
	}))
	mux.HandleFunc("POST /receptions/{id}/lost/{l}/return", s.rcPost("wrapup", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().ReturnLost(r.Context(), a, pathInt(r, "l"), r.PostForm.Get("handed_to"))
	}))
	// Survey.
	mux.HandleFunc("POST /receptions/{id}/survey/internal", s.rcPost("survey", "rc_survey_saved", func(r *http.Request, a access.Actor, id int64) error {
		_, err := svc().SubmitInternalSurvey(r.Context(), a, id, surveyInput(r.PostForm))
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/survey/sent", s.rcPost("survey", "saved", func(r *http.Request, a access.Actor, id int64) error {
		return svc().MarkSurveySent(r.Context(), a, id)
	}))
	s.routesReceptionDesk(mux)
	s.routesReceptionDocs(mux)
	s.routesReceptionAdmin(mux)
}

// caseTabs are the case page's tabs, in order.
var caseTabs = []string{"application", "plan", "duties", "materials", "guests", "wrapup", "survey", "board"}

func caseURL(id int64, tab string) string {
	if tab == "application" || tab == "" {
		return reception.Link(id)
	}
	return fmt.Sprintf("%s/%s", reception.Link(id), tab)
}

func pathInt(r *http.Request, name string) int64 {
	v, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return v
}

func formID(f url.Values, name string) int64 {
	v, _ := strconv.ParseInt(strings.TrimSpace(f.Get(name)), 10, 64)
	return v
}

func formInt(f url.Values, name string) int {
	v, _ := strconv.Atoi(strings.TrimSpace(f.Get(name)))
	return v
}

// ParseYuan reads an amount of money in yuan ("1280", "1,280.5", "¥99.90")
// into fen. An empty string is 0.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(s))
	if s == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (hasFrac && (frac == "" || len(frac) > 2)) || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, errs.New(errs.Invalid, "err.reception.money")
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	v := w*100 + f
	if neg {
		v = -v
	}
	return v, nil
}

func digitsOnly(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func parseYuanField(f url.Values, name string) (int64, error) {
	v, err := ParseYuan(f.Get(name))
	if err != nil {
		return 0, errs.Field(name, "err.reception.money")
	}
	return v, nil
}

// rcYuan shows fen as a yuan amount for an input field.
func rcYuan(fen int64) string {
	if fen == 0 {
		return ""
	}
	if fen%100 == 0 {
		return strconv.FormatInt(fen/100, 10)
	}
	return fmt.Sprintf("%d.%02d", fen/100, int64(math.Abs(float64(fen%100))))
}

// --- list -------------------------------------------------------------

type rcListData struct {
	List       []reception.Reception
	Total      int
	Users      map[int64]string
	Statuses   []string
	CanCreate  bool
	NextOffset int
	PrevOffset int
}

func (s *Server) rcList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	f := reception.Filter{Status: q.Get("status"), Q: q.Get("q"), From: q.Get("from"), To: q.Get("to"), Mine: q.Get("mine") == "1", Limit: 30}
	if q.Get("status") == "" && !q.Has("status") {
		f.Status = "active"
	}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	list, total, err := s.app.Reception.List(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	users, err := s.userNames(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &rcListData{List: list, Total: total, Users: users, Statuses: reception.Statuses, CanCreate: a.IsStaff() && !a.IsClient(), PrevOffset: -1}
	if f.Offset+len(list) < total {
		d.NextOffset = f.Offset + len(list)
	}
	if f.Offset > 0 {
		d.PrevOffset = max(0, f.Offset-f.Limit)
	}
	p := s.newPage(r, "reception.title", "receptions", d)
	p.Form = q
	if !q.Has("status") {
		p.Form = url.Values{"status": {"active"}, "q": {q.Get("q")}, "from": {q.Get("from")}, "to": {q.Get("to")}, "mine": {q.Get("mine")}}
	}
	s.render(w, r, http.StatusOK, "reception_list", p)
}

// userNames maps user ids to display names for the reader.
func (s *Server) userNames(ctx context.Context, a access.Actor) (map[int64]string, error) {
	out := map[int64]string{}
	if a.IsClient() {
		return out, nil
	}
	users, err := s.app.Auth.List(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		out[u.ID] = displayName(u)
	}
	return out, nil
}

func displayName(u auth.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// --- application form ------------------------------------------------

type rcFormData struct {
	ID          int64
	R           reception.Reception
	Users       []auth.User
	Depts       []auth.Department
	DeptNames   map[int64]string
	Orgs        []client.Org
	Config      reception.Config
	Tiers       []string
	Modes       []string
	Levels      []string
	TeaTypes    []string
	RoomItems   []string
	Companions  []reception.Person
	Helpers     []reception.Person
	Deadline    string // T-5 date for the chosen visit date
	LateWarning bool
}

func (s *Server) rcFormPage(r *http.Request, a access.Actor, id int64, f url.Values) (*Page, error) {
	ctx := r.Context()
	users, err := s.app.Auth.List(ctx, a)
	if err != nil {
		return nil, err
	}
	var staff []auth.User
	for _, u := range users {
		if u.Active && !slices.Equal(u.Roles, []string{access.Client}) {
			staff = append(staff, u)
		}
	}
	names, depts, err := s.deptNames(r)
	if err != nil {
		return nil, err
	}
	orgs, err := s.orgChoices(ctx, a)
	if err != nil {
		return nil, err
	}
	cfg, err := s.app.Reception.Config(ctx)
	if err != nil {
		return nil, err
	}
	d := &rcFormData{ID: id, Users: staff, Depts: depts, DeptNames: names, Orgs: orgs, Config: cfg, Tiers: reception.Tiers, Modes: reception.ArrivalModes,
		Levels: reception.Levels, TeaTypes: reception.TeaTypes, RoomItems: reception.RoomItems}
	d.Companions = padPeople(peopleFromForm(f, "comp"), 3)
	d.Helpers = padPeople(peopleFromForm(f, "helper"), 2)
	if v, err := time.ParseInLocation(time.DateOnly, f.Get("visit_date"), s.app.Loc); err == nil {
		d.Deadline = s.app.Reception.ApplyBy(v, cfg.MinWorkdays).Format(time.DateOnly)
		d.LateWarning = s.app.Reception.IsLate(s.app.Clock.Now(), v, cfg.MinWorkdays)
	}
	title := "reception.new"
	if id != 0 {
		title = "reception.edit"
	}
	p := s.newPage(r, title, "receptions", d)
	p.Form = f
	return p, nil
}

func padPeople(ps []reception.Person, min int) []reception.Person {
	for len(ps) < min {
		ps = append(ps, reception.Person{})
	}
	return ps
}

func peopleFromForm(f url.Values, prefix string) []reception.Person {
	names, titles := f[prefix+"_name"], f[prefix+"_title"]
	var out []reception.Person
	for i, n := range names {
		p := reception.Person{Name: n}
		if i < len(titles) {
			p.Title = titles[i]
		}
		if strings.TrimSpace(p.Name) != "" || strings.TrimSpace(p.Title) != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) rcNew(w http.ResponseWriter, r *http.Request, a access.Actor) {
	f := url.Values{"tier": {reception.TierBusiness}, "department_id": {strconv.FormatInt(a.DepartmentID, 10)}, "liaison_id": {strconv.FormatInt(a.UserID, 10)},
		"arrival_time": {"09:30"}}
	if org := r.URL.Query().Get("org"); org != "" {
		f.Set("org_name", org)
	}
	p, err := s.rcFormPage(r, a, 0, f)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "reception_form", p)
}

func (s *Server) rcEdit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	rc, err := s.app.Reception.Get(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if !reception.CanEditApplication(a, rc) {
		s.fail(w, r, errs.Forbid(), "", nil)
		return
	}
	p, err := s.rcFormPage(r, a, id, appToForm(rc.Application()))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Data.(*rcFormData).R = rc
	s.render(w, r, http.StatusOK, "reception_form", p)
}

// rcSaveForm saves the application (new or edited) as a draft and, when
// asked, submits it.
func (s *Server) rcSaveForm(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "err.bad_request")
		return
	}
	id := pathInt(r, "id")
	in, perr := formToApp(r.PostForm)
	ctx := r.Context()
	var err error
	if perr == nil {
		var rc reception.Reception
		if id == 0 {
			rc, err = s.app.Reception.Create(ctx, a, in)
		} else {
			rc, err = s.app.Reception.Update(ctx, a, id, in)
		}
		if err == nil {
			id = rc.ID
			if r.PostForm.Get("do") == "submit" {
				if _, err = s.app.Reception.Submit(ctx, a, id); err == nil {
					redirect(w, r, reception.Link(id), "rc_submitted")
					return
				}
			} else {
				redirect(w, r, reception.Link(id), "rc_draft_saved")
				return
			}
		}
	} else {
		err = perr
	}
	if k := errs.As(err).Kind; k == errs.NotFound || k == errs.Forbidden {
		s.fail(w, r, err, "", nil) // no form for a case one may not edit
		return
	}
	p, ferr := s.rcFormPage(r, a, id, r.PostForm)
	if ferr != nil {
		s.fail(w, r, ferr, "", nil)
		return
	}
	if id != 0 {
		if rc, gerr := s.app.Reception.Get(ctx, a, id); gerr == nil {
			p.Data.(*rcFormData).R = rc
			p.Data.(*rcFormData).ID = id
		}
	}
	if pathInt(r, "id") == 0 && id != 0 {
		// A new application saved as a draft but not submitted: still the
		// new form to its author, who is told the draft is kept.
		p.Title = p.L.T("reception.new")
		p.Flash = p.L.T("flash.rc_draft_saved")
	}
	s.fail(w, r, err, "reception_form", p)
}

// formToApp reads the application form; money fields that are not
// amounts are reported by field.
func formToApp(f url.Values) (reception.Application, error) {
	var l errs.List
	money := func(name string) int64 {
		v, err := ParseYuan(f.Get(name))
		if err != nil {
			l.Add(name, "err.reception.money")
		}
		return v
	}
	num := func(name string) int {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return 0
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			l.Add(name, "err.number")
		}
		return v
	}
	yes := func(name string) bool { return f.Get(name) == "1" }
	arr := func(p string) reception.Arrangement {
		return reception.Arrangement{Need: yes(p + "_need"), Place: f.Get(p + "_place"), Room: f.Get(p + "_room"), Headcount: num(p + "_headcount"),
			BudgetFen: money(p + "_budget"), Liaison: f.Get(p + "_liaison")}
	}
	in := reception.Application{
		DepartmentID: formID(f, "department_id"), LiaisonID: formID(f, "liaison_id"), OrgName: f.Get("org_name"),
		Purpose: f.Get("purpose"), VisitDate: f.Get("visit_date"), ArrivalTime: f.Get("arrival_time"), Tier: f.Get("tier"),
		BudgetFen: money("budget"), LateReason: f.Get("late_reason"),
		Guest:      reception.Person{Name: f.Get("guest_name"), Title: f.Get("guest_title")},
		Companions: peopleFromForm(f, "comp"),
		Form: reception.Form{
			ArrivalMode: f.Get("arrival_mode"), PlateNo: f.Get("plate_no"), Companions: num("companions"), Helpers: peopleFromForm(f, "helper"),
			CarPickup: yes("car_pickup"), VehicleType: f.Get("vehicle_type"), Tickets: yes("tickets"), TrainNo: f.Get("train_no"), TicketCount: num("ticket_count"),
			Hotel: arr("hotel"), Lunch: arr("lunch"), Dinner: arr("dinner"), Entertainment: arr("ent"),
			Parking: yes("parking"), RedCarpet: yes("red_carpet"), Welcome: yes("welcome"), WelcomeText: f.Get("welcome_text"),
			Fruit: yes("fruit"), FruitLevel: f.Get("fruit_level"), Tea: yes("tea"), TeaTypes: f["tea_types"],
			MeetingRoom: yes("meeting_room"), RoomItems: f["room_items"], Catering: yes("catering"),
			Gifts: yes("gifts"), GiftLevel: f.Get("gift_level"), LeaderAppointment: yes("leader_appointment"), LeaderName: f.Get("leader_name"),
			OtherMaterials: f.Get("other_materials"),
		},
	}
	return in, l.Err()
}

// appToForm fills the form's values from an application.
func appToForm(in reception.Application) url.Values {
	f := url.Values{}
	set := func(k, v string) {
		if v != "" {
			f.Set(k, v)
		}
	}
	yn := func(k string, b bool) {
		if b {
			f.Set(k, "1")
		} else {
			f.Set(k, "0")
		}
	}
	num := func(k string, n int) {
		if n != 0 {
			f.Set(k, strconv.Itoa(n))
		}
	}
	set("department_id", strconv.FormatInt(in.DepartmentID, 10))
	set("liaison_id", strconv.FormatInt(in.LiaisonID, 10))
	set("org_name", in.OrgName)
	set("purpose", in.Purpose)
	set("visit_date", in.VisitDate)
	set("arrival_time", in.ArrivalTime)
	set("tier", in.Tier)
	set("budget", rcYuan(in.BudgetFen))
	set("late_reason", in.LateReason)
	set("guest_name", in.Guest.Name)
	set("guest_title", in.Guest.Title)
	for _, p := range in.Companions {
		f.Add("comp_name", p.Name)
		f.Add("comp_title", p.Title)
	}
	fm := in.Form
	for _, p := range fm.Helpers {
		f.Add("helper_name", p.Name)
		f.Add("helper_title", p.Title)
	}
	set("arrival_mode", fm.ArrivalMode)
	set("plate_no", fm.PlateNo)
	num("companions", fm.Companions)
	yn("car_pickup", fm.CarPickup)
	set("vehicle_type", fm.VehicleType)
	yn("tickets", fm.Tickets)
	set("train_no", fm.TrainNo)
	num("ticket_count", fm.TicketCount)
	for p, a := range map[string]reception.Arrangement{"hotel": fm.Hotel, "lunch": fm.Lunch, "dinner": fm.Dinner, "ent": fm.Entertainment} {
		yn(p+"_need", a.Need)
		set(p+"_place", a.Place)
		set(p+"_room", a.Room)
		num(p+"_headcount", a.Headcount)
		set(p+"_budget", rcYuan(a.BudgetFen))
		set(p+"_liaison", a.Liaison)
	}
	yn("parking", fm.Parking)
	yn("red_carpet", fm.RedCarpet)
	yn("welcome", fm.Welcome)
	set("welcome_text", fm.WelcomeText)
	yn("fruit", fm.Fruit)
	set("fruit_level", fm.FruitLevel)
	yn("tea", fm.Tea)
	f["tea_types"] = fm.TeaTypes
	yn("meeting_room", fm.MeetingRoom)
	f["room_items"] = fm.RoomItems
	yn("catering", fm.Catering)
	yn("gifts", fm.Gifts)
	set("gift_level", fm.GiftLevel)
	yn("leader_appointment", fm.LeaderAppointment)
	set("leader_name", fm.LeaderName)
	set("other_materials", fm.OtherMaterials)
	return f
}

// --- case page --------------------------------------------------------

type caseData struct {
	R reception.Reception
	// CanErase: the reader may erase a guest's personal data (PIPL).
	CanErase bool
	// ContactsHidden: the reader does not work on the case and sees the
	// guests' names only.
	ContactsHidden bool
	Tab            string
	Tabs           []string
	Users          map[int64]string
	Staff          []auth.User
	StaffByDept    []deptStaff // the same people, by department, for pickers
	DeptName       string
	AppChain       approval.Chain
	PlanChain      approval.Chain
	CanManage      bool
	CanEdit        bool
	CanDesk        bool
	CanDecide      bool
	CanClose       bool
	CanCancel      bool
	CanOffice      bool
	Now            time.Time
	Itinerary      []reception.ItineraryItem
	Duties         []reception.Duty
	Phases         []string
	Groups         []string
	Materials      []reception.Material
	Items          []reception.StockItem
	Recon          reception.Reconciliation
	Guests         []reception.Guest
	Count          reception.Count
	Settlement     reception.Settlement
	Report         reception.Report
	FollowUps      []task.Task
	Lost           []reception.LostItem
	Surveys        []reception.Survey
	SurveyURL      string
	Kinds          []string
	Categories     []string
	Intentions     []string
	BaseURL        string
	Suggested      []followUpSuggestion
	Today          []reception.Duty // day-of board: duties due today
	TodayDate      string
	Doc            *Document // the application as printed (application tab)
	CanBook        bool
	Venues         []venue.Venue
	Booking        *booking.Booking
	RoomStart      string
	RoomEnd        string
}

type followUpSuggestion struct {
	TitleKey string
	Due      string
	OwnerID  int64
}

func (s *Server) casePage(r *http.Request, a access.Actor, id int64, tab string) (*Page, error) {
	ctx := r.Context()
	svc := s.app.Reception
	rc, err := svc.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &caseData{R: rc, Tab: tab, Tabs: caseTabs, Now: s.app.Clock.Now(), TodayDate: s.app.Clock.Now().In(s.app.Loc).Format(time.DateOnly), Phases: reception.Phases, Groups: reception.Groups,
		CanManage: reception.CanManage(a, rc), CanEdit: reception.CanEditApplication(a, rc) && rc.Editable(), CanDesk: reception.CanDesk(a, rc),
		CanClose: a.Has(access.Office, access.Supervisor) && rc.Status == reception.StatusWrapUp, CanOffice: a.Has(access.Office, access.Supervisor),
		Kinds: reception.ItineraryKinds, Categories: reception.ExpenseCategories, Intentions: reception.Intentions, BaseURL: baseURL(r)}
	early := rc.Status == reception.StatusDraft || rc.Status == reception.StatusPending || rc.Status == reception.StatusRejected
	d.CanCancel = !a.IsClient() && (a.Has(access.Office, access.Supervisor) || (early && a.UserID == rc.ApplicantID)) &&
		slices.Contains([]string{reception.StatusDraft, reception.StatusPending, reception.StatusRejected, reception.StatusPlanning, reception.StatusPlanReview, reception.StatusReady}, rc.Status)
	if a.IsClient() {
		d.Tabs = []string{"application", "plan"}
		if !slices.Contains(d.Tabs, tab) {
			return nil, errs.Forbid()
		}
	}
	if d.Users, err = s.userNames(ctx, a); err != nil {
		return nil, err
	}
	if !a.IsClient() {
		users, err := s.app.Auth.List(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Active && !slices.Contains(u.Roles, access.Client) {
				d.Staff = append(d.Staff, u)
			}
		}
		names, _, err := s.deptNames(r)
		if err != nil {
			return nil, err
		}
		d.DeptName = names[rc.DepartmentID]
		d.StaffByDept = staffByDept(d.Staff, names, s.app.I18n.For(langFrom(r)).T("reception.d.no_dept"))
	}
	if !a.IsClient() { // the reviewers' comments are internal
		if d.AppChain, d.PlanChain, err = svc.Chains(ctx, a, id); err != nil {
			return nil, err
		}
	}
	switch rc.Status {
	case reception.StatusPending:
		d.CanDecide = approval.CanDecide(a, d.AppChain)
	case reception.StatusPlanReview:
		d.CanDecide = approval.CanDecide(a, d.PlanChain)
	}
	switch tab {
	case "application":
		if !a.IsClient() {
			d.Doc, err = s.document(r, a, id, "application")
		}
	case "plan":
		if d.Itinerary, err = svc.Itinerary(ctx, a, id); err == nil && !a.IsClient() {
			d.Settlement, err = svc.Settlement(ctx, a, id)
		}
		if err == nil {
			err = s.roomData(r, a, d)
		}
	case "duties":
		d.Duties, err = svc.Duties(ctx, a, id)
	case "materials":
		if d.Materials, err = svc.Materials(ctx, a, id); err == nil {
			d.Recon = reception.Reconcile(d.Materials)
			d.Items, err = svc.Items(ctx, a, true)
		}
	case "guests":
		if d.Guests, err = svc.Guests(ctx, a, id, ""); err == nil {
			d.Count = reception.CountOf(d.Guests)
			d.CanErase = client.CanErase(a)
			d.ContactsHidden = len(d.Guests) > 0 && d.Guests[0].ContactsHidden
		}
	case "wrapup":
		if d.Settlement, err = svc.Settlement(ctx, a, id); err != nil {
			return nil, err
		}
		if d.Report, err = svc.GetReport(ctx, a, id); err != nil {
			return nil, err
		}
		if d.FollowUps, err = svc.FollowUps(ctx, a, id); err != nil {
			return nil, err
		}
		if d.Lost, err = svc.LostItems(ctx, a, id); err != nil {
			return nil, err
		}
		if d.Guests, err = svc.Guests(ctx, a, id, ""); err != nil {
			return nil, err
		}
		if d.Materials, err = svc.Materials(ctx, a, id); err == nil {
			d.Recon = reception.Reconcile(d.Materials)
		}
		if rc.Status == reception.StatusWrapUp && d.Report.SubmittedAt.IsZero() {
			visit := rc.Visit(s.app.Loc)
			due := func(n int) string { return svc.WorkdayOffset(visit, n).Format(time.DateOnly) }
			d.Suggested = []followUpSuggestion{
				{"reception.fu.thanks", due(1), rc.ApplicantID},
				{"reception.fu.questions", due(3), rc.LiaisonID},
				{"reception.fu.cooperation", due(10), rc.ApplicantID},
			}
		}
	case "survey":
		if d.Surveys, err = svc.Surveys(ctx, a, id); err == nil {
			for _, sv := range d.Surveys {
				if sv.Kind == reception.SurveyClient {
					d.SurveyURL = d.BaseURL + "/s/" + sv.Token
				}
			}
		}
	case "board":
		if d.Itinerary, err = svc.Itinerary(ctx, a, id); err != nil {
			return nil, err
		}
		if d.Guests, err = svc.Guests(ctx, a, id, ""); err != nil {
			return nil, err
		}
		d.Count = reception.CountOf(d.Guests)
		var all []reception.Duty
		if all, err = svc.Duties(ctx, a, id); err == nil {
			today := d.Now.In(s.app.Loc).Format(time.DateOnly)
			for _, du := range all {
				if du.Task.Active() && (du.Task.DueAt.In(s.app.Loc).Format(time.DateOnly) == today || du.Task.Overdue(d.Now)) {
					d.Today = append(d.Today, du)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	p := s.newPage(r, "", "receptions", d)
	p.Title = rc.Code + " " + rc.OrgName
	return p, nil
}

// baseURL is the site's address as the browser sees it, for links and QR
// codes handed to guests.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) rcCase(tab string) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		p, err := s.casePage(r, a, pathInt(r, "id"), tab)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		s.render(w, r, http.StatusOK, "reception_case", p)
	})
}

// rcPost runs a case action and goes back to its tab; a refused action
// re-renders the tab with the message and the fields marked.
func (s *Server) rcPost(tab, flash string, fn func(r *http.Request, a access.Actor, id int64) error) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		id := pathInt(r, "id")
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, http.StatusBadRequest, "err.bad_request")
			return
		}
		if err := fn(r, a, id); err != nil {
			p, perr := s.casePage(r, a, id, tab)
			if perr != nil {
				s.fail(w, r, perr, "", nil)
				return
			}
			s.fail(w, r, err, "reception_case", p)
			return
		}
		to := caseURL(id, tab)
		if back := r.PostForm.Get("back"); strings.HasPrefix(back, "/receptions/") && !strings.HasPrefix(back, "//") {
			to = back
		}
		redirect(w, r, to, flash)
	})
}

func itineraryInput(f url.Values) reception.ItineraryInput {
	return reception.ItineraryInput{Kind: f.Get("kind"), Date: f.Get("date"), Start: f.Get("start"), End: f.Get("end"), Place: f.Get("place"), People: f.Get("people"), Notes: f.Get("notes")}
}

func guestInput(f url.Values) reception.GuestInput {
	return reception.GuestInput{Name: f.Get("name"), Title: f.Get("title"), Company: f.Get("company"), Mobile: f.Get("mobile"), Email: f.Get("email"), IDNumber: f.Get("id_number"), Note: f.Get("note")}
}

func expenseInput(f url.Values) (reception.ExpenseInput, error) {
	var l errs.List
	budget, err := ParseYuan(f.Get("budget"))
	if err != nil {
		l.Add("budget", "err.reception.money")
	}
	in := reception.ExpenseInput{Category: f.Get("category"), Item: f.Get("item"), BudgetFen: budget, Liaison: f.Get("liaison"), Note: f.Get("note")}
	if strings.TrimSpace(f.Get("actual")) != "" {
		v, err := ParseYuan(f.Get("actual"))
		if err != nil {
			l.Add("actual", "err.reception.money")
		}
		in.ActualFen = &v
	}
	return in, l.Err()
}

func reportInput(f url.Values) reception.ReportInput {
	in := reception.ReportInput{Feedback: f.Get("feedback"), Discussed: f.Get("discussed"), Intention: f.Get("intention"), NextSteps: f.Get("next_steps"),
		ReviewNotes: f.Get("review_notes"), Improvements: f.Get("improvements"), Submit: f.Get("do") == "submit"}
	titles, owners, dues, kinds := f["fu_title"], f["fu_owner"], f["fu_due"], f["fu_kind"]
	for i := range titles {
		fu := reception.FollowUpInput{Title: titles[i]}
		if i < len(owners) {
			fu.OwnerID, _ = strconv.ParseInt(owners[i], 10, 64)
		}
		if i < len(dues) {
			fu.Due = dues[i]
		}
		if i < len(kinds) {
			fu.Kind = kinds[i]
		}
		in.FollowUps = append(in.FollowUps, fu)
	}
	return in
}

func surveyInput(f url.Values) reception.SurveyInput {
	in := reception.SurveyInput{Respondent: f.Get("respondent"), Comment: f.Get("comment"), Scores: map[int]int{}}
	for k, v := range f {
		if seq, ok := strings.CutPrefix(k, "score_"); ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			n, err1 := strconv.Atoi(seq)
			sc, err2 := strconv.Atoi(strings.TrimSpace(v[0]))
			if err1 == nil && err2 == nil && n > 0 && n <= 100 {
				in.Scores[n] = sc
			}
		}
	}
	return in
}

// receptionFuncs are the template helpers of the reception pages.
func receptionFuncs() template.FuncMap {
	return template.FuncMap{
		"rcYuan": rcYuan,
		"i64":    func(v int64) string { return strconv.FormatInt(v, 10) },
		"idEq":   func(s string, id int64) bool { return s == strconv.FormatInt(id, 10) },
		"statusColor": func(st string) string {
			switch st {
			case reception.StatusDraft, reception.StatusCancelled:
				return "gray"
			case reception.StatusPending, reception.StatusPlanReview:
				return "amber"
			case reception.StatusRejected:
				return "red"
			case reception.StatusPlanning:
				return "purple"
			case reception.StatusReady, reception.StatusOngoing:
				return "blue"
			case reception.StatusWrapUp:
				return "amber"
			}
			return "green"
		},
		"taskColor": func(st string) string {
			switch st {
			case task.StatusDone:
				return "green"
			case task.StatusCancelled:
				return "gray"
			case task.StatusSubmitted:
				return "amber"
			case task.StatusInProgress:
				return "blue"
			}
			return ""
		},
		"offset": func(n int) string { return fmt.Sprintf("T%+d", n) },
		"pct":    func(v float64) string { return fmt.Sprintf("%.0f", v) },
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		"sub64": func(a, b int64) int64 { return a - b },
		"dec":   func(n int) int { return n - 1 },
		"mul64": func(a int64, b int) int64 { return a * int64(b) },
		"inPhase": func(ds []reception.Duty, phase string) []reception.Duty {
			var out []reception.Duty
			for _, d := range ds {
				if d.Phase == phase {
					out = append(out, d)
				}
			}
			return out
		},
		"scoreOptions": func(max int) []int {
			out := make([]int, 0, max+1)
			for i := max; i >= 0; i-- {
				out = append(out, i)
			}
			return out
		},
		"strs": func(ss ...string) []string { return ss },
		"arrangements": func(f reception.Form) []namedArrangement {
			return []namedArrangement{{"hotel", f.Hotel}, {"lunch", f.Lunch}, {"dinner", f.Dinner}, {"entertainment", f.Entertainment}}
		},
	}
}

type namedArrangement struct {
	Key string
	A   reception.Arrangement
}

// roomData fills the plan tab's meeting-room booking: the booking made, or
// the venues and the suggested slot for requesting one.
func (s *Server) roomData(r *http.Request, a access.Actor, d *caseData) error {
	ctx := r.Context()
	if d.R.BookingID != 0 {
		b, err := s.app.Bookings.Get(ctx, a, d.R.BookingID)
		if err == nil {
			d.Booking = &b
			if !bookingEnded(b) {
				return nil
			}
		} else if k := errs.As(err).Kind; k != errs.NotFound && k != errs.Forbidden {
			return err
		}
	}
	d.CanBook = reception.CanBookRoom(a, d.R)
	if !d.CanBook {
		return nil
	}
	vs, err := s.app.Venues.List(ctx, a, venue.Filter{InService: true, MinCapacity: d.R.Headcount})
	if err != nil {
		return err
	}
	d.Venues = vs
	start, end := reception.RoomSlot(d.Itinerary)
	if !start.IsZero() {
		d.RoomStart, d.RoomEnd = start.In(s.app.Loc).Format("15:04"), end.In(s.app.Loc).Format("15:04")
	}
	return nil
}

// bookingEnded reports whether a case's room booking fell through, so the
// room may be requested again.
func bookingEnded(b booking.Booking) bool {
	switch b.Status {
	case booking.StatusRejected, booking.StatusCancelled, booking.StatusForfeited, booking.StatusLapsed, booking.StatusBumped:
		return true
	}
	return false
}

// rcBookRoom books the case's meeting room (internal use, approved with
// the case) and links it to the case.
func (s *Server) rcBookRoom(r *http.Request, a access.Actor, id int64) error {
	f := r.PostForm
	_, err := s.app.BookCaseRoom(r.Context(), a, id, formID(f, "venue_id"), f.Get("room_start"), f.Get("room_end"))
	return err
}

// deptStaff is a department's people in a person picker.
type deptStaff struct {
	Dept  string
	Staff []auth.User
}

// staffByDept groups people by department (in department name order, those
// without one last) so a picker of many names reads as the org chart does.
func staffByDept(staff []auth.User, names map[int64]string, none string) []deptStaff {
	at := map[int64]int{}
	var out []deptStaff
	for _, u := range staff {
		i, ok := at[u.DepartmentID]
		if !ok {
			name := names[u.DepartmentID]
			if u.DepartmentID == 0 || name == "" {
				name = none
			}
			i = len(out)
			at[u.DepartmentID] = i
			out = append(out, deptStaff{Dept: name})
		}
		out[i].Staff = append(out[i].Staff, u)
	}
	slices.SortStableFunc(out, func(a, b deptStaff) int {
		if (a.Dept == none) != (b.Dept == none) {
			if a.Dept == none {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Dept, b.Dept)
	})
	return out
}

// saveDutyRow saves one row of the division of labour with its one save
// button: owner, assistant and deadline (the office) and progress or
// completion (the owner, the assistant or the office), in one step.
func (s *Server) saveDutyRow(r *http.Request, a access.Actor, dutyID int64) error {
	f := r.PostForm
	in := reception.DutyRow{Assign: f.Has("owner_id"), OwnerID: formID(f, "owner_id"), AssistantID: formID(f, "assistant_id"),
		Offset: formInt(f, "offset"), At: f.Get("at"), Progress: -1, Result: f.Get("result")}
	switch p := f.Get("progress"); p {
	case "":
	case "done":
		in.Done = true
	default:
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 99 {
			return errs.Field("progress", "err.invalid")
		}
		in.Progress = n
	}
	return s.app.Reception.SaveDuty(r.Context(), a, dutyID, in)
}
