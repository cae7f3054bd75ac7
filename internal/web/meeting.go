package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/attachment"
	"jiedai/internal/auth"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/wallclock"
)

func (s *Server) routesMeetings(mux *http.ServeMux) {
	mux.HandleFunc("GET /meetings", s.authed(s.meetingList))
	mux.HandleFunc("GET /meetings/new", s.authed(s.meetingNew))
	mux.HandleFunc("GET /meetings/templates", s.authed(s.templatesShow, access.Office, access.Supervisor))
	mux.HandleFunc("POST /meetings/templates", s.authed(s.templatesSave, access.Office, access.Supervisor))
	mux.HandleFunc("POST /meetings/settings", s.authed(s.meetingConfigSave, access.Admin))
	mux.HandleFunc("POST /meetings/new", s.authed(s.meetingCreate))
	mux.HandleFunc("GET /meetings/{id}", s.authed(s.meetingShow))
	mux.HandleFunc("GET /meetings/{id}/edit", s.authed(s.meetingEdit))
	mux.HandleFunc("POST /meetings/{id}/edit", s.authed(s.meetingUpdate))
	mux.HandleFunc("POST /meetings/{id}/{action}", s.authed(s.meetingAction))
	mux.HandleFunc("GET /meetings/{id}/invite.ics", s.authed(s.meetingICS))
	mux.HandleFunc("GET /meetings/{id}/minutes", s.authed(s.minutesPage))
	mux.HandleFunc("POST /meetings/{id}/minutes", s.authed(s.minutesSave))
	mux.HandleFunc("POST /meetings/{id}/minutes/{step}", s.authed(s.minutesStep))
	mux.HandleFunc("GET /meetings/{id}/minutes/print", s.authed(s.minutesPrint))
	mux.HandleFunc("GET /meetings/{id}/minutes/export", s.authed(s.minutesExport))
	mux.HandleFunc("GET /meetings/{id}/minutes/v/{version}", s.authed(s.minutesVersion))
	mux.HandleFunc("GET /meetings/{id}/actions", s.authed(s.trackingPage))
	mux.HandleFunc("POST /meetings/{id}/actions", s.authed(s.actionCreate))
	mux.HandleFunc("GET /meetings/{id}/wrapup", s.authed(s.wrapupShow))
	mux.HandleFunc("POST /meetings/{id}/wrapup/{form}", s.authed(s.wrapupPost))
	mux.HandleFunc("GET /action-items", s.authed(s.actionBoard))
	mux.HandleFunc("GET /action-items/{id}", s.authed(s.actionPage))
	mux.HandleFunc("POST /action-items/{id}/{step}", s.authed(s.actionStep))
}

// dateTimeLayout is the value format of <input type="datetime-local">.
const dateTimeLayout = "2006-01-02T15:04"

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// people is the list of active staff for pickers, sorted by name.
func (s *Server) people(r *http.Request, a access.Actor) ([]auth.User, error) {
	all, err := s.app.Auth.List(r.Context(), a)
	if err != nil {
		return nil, err
	}
	var out []auth.User
	for _, u := range all {
		if u.Active && !(len(u.Roles) == 1 && u.Roles[0] == access.Client) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DisplayName < out[j].DisplayName })
	return out, nil
}

// ---- list and archive search ----

type meetingListData struct {
	Hits  []meeting.Hit
	Types []string
	Names map[int64]string
	Query string
	Prev  string
	Next  string
}

func (s *Server) meetingList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	f := meeting.Filter{Text: q.Get("q"), Client: q.Get("client"), Type: q.Get("type"), Status: q.Get("status"), Mine: q.Get("mine") == "1", Limit: 30}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), s.app.Loc); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), s.app.Loc); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	p := s.newPage(r, "meeting.list.title", "meetings", nil)
	p.Form = q
	if f.Type != "" && !meeting.ValidType(f.Type) {
		f.Type = ""
	}
	hits, err := s.app.Meetings.Search(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	ids := []int64{}
	for _, h := range hits {
		ids = append(ids, h.HostID, h.ConvenerID)
	}
	names, err := s.app.Meetings.Names(r.Context(), ids)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &meetingListData{Hits: hits, Types: meeting.Types, Names: names}
	page := func(off int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("offset", strconv.Itoa(off))
		return "?" + v.Encode()
	}
	if f.Offset > 0 {
		d.Prev = page(max(0, f.Offset-f.Limit))
	}
	if len(hits) == f.Limit {
		d.Next = page(f.Offset + f.Limit)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "meeting_list", p)
}

// ---- create and edit ----

type meetingFormData struct {
	ID        int64
	Types     []string
	Levels    []string
	People    []auth.User
	Depts     []auth.Department
	Templates []meeting.Template
	Agenda    []agendaRow
	Attendees []attendeeRow
	Status    string
	formLookups
}

type agendaRow struct {
	ID                                int64
	Topic, Presenter, Name, Min, Note string
}

type attendeeRow struct {
	Kind, User, Name, Org, Title, Email string
}

func (s *Server) meetingFormPage(r *http.Request, a access.Actor, id int64, title string, form url.Values) (*Page, error) {
	people, err := s.people(r, a)
	if err != nil {
		return nil, err
	}
	_, depts, err := s.deptNames(r)
	if err != nil {
		return nil, err
	}
	tpls, err := s.app.Meetings.Templates(r.Context(), a, false)
	if err != nil {
		return nil, err
	}
	d := &meetingFormData{ID: id, Types: meeting.Types, Levels: access.Levels, People: people, Depts: depts, Templates: tpls}
	if err := s.lookup(r, a, d, form); err != nil {
		return nil, err
	}
	n := len(form["agenda_topic"])
	for i := 0; i < n; i++ {
		at := func(k string) string { return idx(form[k], i) }
		if strings.TrimSpace(at("agenda_topic")) == "" && at("agenda_id") == "" {
			continue // a blank row; fresh ones are added below
		}
		rid, _ := strconv.ParseInt(at("agenda_id"), 10, 64)
		d.Agenda = append(d.Agenda, agendaRow{ID: rid, Topic: at("agenda_topic"), Presenter: at("agenda_presenter"), Name: at("agenda_presenter_name"), Min: at("agenda_minutes"), Note: at("agenda_notes")})
	}
	for i := 0; i < 3; i++ {
		d.Agenda = append(d.Agenda, agendaRow{})
	}
	for i := range form["att_kind"] {
		at := func(k string) string { return idx(form[k], i) }
		if at("att_user") == "" && strings.TrimSpace(at("att_name")) == "" {
			continue
		}
		d.Attendees = append(d.Attendees, attendeeRow{Kind: at("att_kind"), User: at("att_user"), Name: at("att_name"), Org: at("att_org"), Title: at("att_title"), Email: at("att_email")})
	}
	for i := 0; i < 4; i++ {
		d.Attendees = append(d.Attendees, attendeeRow{Kind: meeting.KindRequired})
	}
	p := s.newPage(r, title, "meetings", d)
	p.Form = form
	return p, nil
}

func idx(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

func (s *Server) meetingNew(w http.ResponseWriter, r *http.Request, a access.Actor) {
	start := s.app.Clock.Now().In(s.app.Loc).Add(24 * time.Hour).Truncate(time.Hour)
	form := url.Values{"type": {meeting.TypeNewClient}, "level": {access.Internal}, "host_id": {strconv.FormatInt(a.UserID, 10)},
		"start_at": {start.Format(dateTimeLayout)}, "end_at": {start.Add(time.Hour).Format(dateTimeLayout)}}
	if t := r.URL.Query().Get("template_id"); t != "" {
		form.Set("template_id", t)
		form.Set("look", "template")
	}
	if c := r.URL.Query().Get("client"); c != "" {
		form.Set("client_name", c)
	}
	if t := r.URL.Query().Get("type"); meeting.ValidType(t) {
		form.Set("type", t)
	}
	p, err := s.meetingFormPage(r, a, 0, "meeting.new", form)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_form", p)
}

// ParseMeetingForm reads the meeting form: plain fields, agenda rows
// (rows without a topic are skipped), attendee rows (rows without a user or
// guest name are skipped) and cc departments. Times are in loc.
func ParseMeetingForm(f url.Values, loc *time.Location) (meeting.Input, error) {
	var l errs.List
	num := func(field string) int64 {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			l.Add(field, "err.number")
		}
		return n
	}
	when := func(field string) time.Time {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := wallclock.ParseLocal(v, loc)
		if err != nil {
			l.Add(field, wallclock.Key(err, "err.meeting.bad_datetime"))
		}
		return t.UTC()
	}
	in := meeting.Input{Type: f.Get("type"), Title: f.Get("title"), Purpose: f.Get("purpose"), ClientName: f.Get("client_name"),
		Place: f.Get("place"), Level: f.Get("level"), Layout: f.Get("layout"), Equipment: f["equipment"], TemplateFilled: f.Get("template_filled") == "1"}
	in.ClientOrgID = num("client_org_id")
	in.HostID = num("host_id")
	in.RecorderID = num("recorder_id")
	in.LeaderID = num("leader_id")
	in.SupervisorID = num("supervisor_id")
	in.VenueID = num("venue_id")
	in.TemplateID = num("template_id")
	in.StartAt = when("start_at")
	in.EndAt = when("end_at")
	for i, topic := range f["agenda_topic"] {
		if strings.TrimSpace(topic) == "" {
			continue
		}
		it := meeting.AgendaInput{Topic: topic, PresenterName: idx(f["agenda_presenter_name"], i), Notes: idx(f["agenda_notes"], i)}
		it.ID, _ = strconv.ParseInt(idx(f["agenda_id"], i), 10, 64)
		it.PresenterID, _ = strconv.ParseInt(idx(f["agenda_presenter"], i), 10, 64)
		if m := strings.TrimSpace(idx(f["agenda_minutes"], i)); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil {
				l.Add(fmt.Sprintf("agenda.%d.minutes", len(in.Agenda)), "err.number")
			}
			it.Minutes = n
		}
		in.Agenda = append(in.Agenda, it)
	}
	for i, kind := range f["att_kind"] {
		user, _ := strconv.ParseInt(idx(f["att_user"], i), 10, 64)
		name := strings.TrimSpace(idx(f["att_name"], i))
		if user == 0 && name == "" {
			continue
		}
		in.Attendees = append(in.Attendees, meeting.AttendeeInput{Kind: kind, UserID: user, GuestName: name, GuestOrg: idx(f["att_org"], i), GuestTitle: idx(f["att_title"], i), GuestEmail: idx(f["att_email"], i)})
	}
	for _, c := range f["cc"] {
		if id, err := strconv.ParseInt(c, 10, 64); err == nil && id > 0 {
			in.CC = append(in.CC, id)
		}
	}
	return in, l.Err()
}

// lookBack answers a look-up (the form posted back to itself): the form
// again with what was found, nothing saved.
func (s *Server) lookBack(w http.ResponseWriter, r *http.Request, a access.Actor, id int64, title string) bool {
	if r.PostForm.Get("look") == "" {
		return false
	}
	p, err := s.meetingFormPage(r, a, id, title, r.PostForm)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return true
	}
	s.render(w, r, http.StatusOK, "meeting_form", p)
	return true
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	if s.lookBack(w, r, a, 0, "meeting.new") {
		return
	}
	in, err := ParseMeetingForm(r.PostForm, s.app.Loc)
	var d meeting.Detail
	if err == nil {
		d, err = s.app.Meetings.Create(r.Context(), a, in)
	}
	if err != nil {
		p, perr := s.meetingFormPage(r, a, 0, "meeting.new", r.PostForm)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "meeting_form", p)
		return
	}
	redirect(w, r, meeting.Link(d.ID), "meeting_created")
}

// meetingForm turns a meeting into the form's values.
func (s *Server) meetingForm(d meeting.Detail) url.Values {
	id := func(v int64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatInt(v, 10)
	}
	f := url.Values{"type": {d.Type}, "title": {d.Title}, "purpose": {d.Purpose}, "client_org_id": {id(d.ClientOrgID)}, "client_name": {d.ClientName},
		"host_id": {id(d.HostID)}, "recorder_id": {id(d.RecorderID)}, "leader_id": {id(d.LeaderID)}, "supervisor_id": {id(d.SupervisorID)},
		"start_at": {d.StartAt.In(s.app.Loc).Format(dateTimeLayout)}, "end_at": {d.EndAt.In(s.app.Loc).Format(dateTimeLayout)},
		"place": {d.Place}, "venue_id": {id(d.VenueID)}, "level": {d.Level}}
	if d.VenueID != 0 {
		f.Set("place", "")
		f.Set("venue_name", d.Place)
	}
	for _, it := range d.Agenda {
		f["agenda_id"] = append(f["agenda_id"], id(it.ID))
		f["agenda_topic"] = append(f["agenda_topic"], it.Topic)
		f["agenda_presenter"] = append(f["agenda_presenter"], id(it.PresenterID))
		f["agenda_presenter_name"] = append(f["agenda_presenter_name"], it.PresenterName)
		f["agenda_minutes"] = append(f["agenda_minutes"], strconv.Itoa(it.Minutes))
		f["agenda_notes"] = append(f["agenda_notes"], it.Notes)
	}
	for _, at := range d.Attendees {
		if at.SubstituteFor != 0 {
			continue
		}
		f["att_kind"] = append(f["att_kind"], at.Kind)
		f["att_user"] = append(f["att_user"], id(at.UserID))
		f["att_name"] = append(f["att_name"], at.GuestName)
		f["att_org"] = append(f["att_org"], at.GuestOrg)
		f["att_title"] = append(f["att_title"], at.GuestTitle)
		f["att_email"] = append(f["att_email"], at.GuestEmail)
	}
	for _, c := range d.CC {
		f["cc"] = append(f["cc"], id(c))
	}
	return f
}

func (s *Server) meetingEdit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.app.Meetings.Get(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if !d.Can["edit"] {
		s.fail(w, r, errs.Forbid(), "", nil)
		return
	}
	p, err := s.meetingFormPage(r, a, d.ID, "meeting.edit", s.meetingForm(d))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Data.(*meetingFormData).Status = d.Status
	s.render(w, r, http.StatusOK, "meeting_form", p)
}

func (s *Server) meetingUpdate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	_ = r.ParseForm()
	if s.lookBack(w, r, a, id, "meeting.edit") {
		return
	}
	in, err := ParseMeetingForm(r.PostForm, s.app.Loc)
	if err == nil {
		_, err = s.app.Meetings.Update(r.Context(), a, id, in)
	}
	if err != nil {
		p, perr := s.meetingFormPage(r, a, id, "meeting.edit", r.PostForm)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "meeting_form", p)
		return
	}
	redirect(w, r, meeting.Link(id), "saved")
}

// ---- the meeting page ----

type meetingPageData struct {
	D          meeting.Detail
	Materials  []material
	Chain      *chainView
	People     []auth.User
	Me         *meeting.Attendee
	Pending    []meeting.Attendee
	Decisions  []meeting.Resolution
	SignInOpen bool
	Feedback   []meeting.Feedback
	Ratings    []int
}

// material is a background file with its size for display.
type material struct {
	attachment.Attachment
	KB string
}

type chainView struct {
	Status string
	Steps  []chainStep
}

type chainStep struct {
	Who, Decision, Comment string
	At                     time.Time
}

func (s *Server) meetingPage(r *http.Request, a access.Actor, id int64) (*Page, error) {
	d, err := s.app.Meetings.Get(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	data := &meetingPageData{D: d}
	files, err := s.app.Files.List(r.Context(), a, meeting.EntityMeeting, id)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data.Materials = append(data.Materials, material{Attachment: f, KB: fmt.Sprintf("%.1f", float64(f.Size)/1024)})
	}
	if d.ApprovalChainID != 0 {
		cv, err := s.chain(r, d.ApprovalChainID, d.Names)
		if err != nil {
			return nil, err
		}
		data.Chain = cv
	}
	if at, ok := d.Attendee(a.UserID); ok {
		data.Me = &at
	}
	for _, at := range d.Attendees {
		if at.LeaveStatus == meeting.LeavePending {
			data.Pending = append(data.Pending, at)
		}
	}
	if d.Can["leave"] || d.Can["notes"] {
		if data.People, err = s.people(r, a); err != nil {
			return nil, err
		}
	}
	if d.Status == meeting.StatusInProgress || d.Status == meeting.StatusEnded {
		if tr, err := s.app.Meetings.Track(r.Context(), a, id, "page"); err == nil {
			for _, l := range tr.Resolutions {
				data.Decisions = append(data.Decisions, l.Resolution)
			}
		}
	}
	if d.Can["feedback"] || d.Can["feedback_read"] {
		if data.Feedback, err = s.app.Meetings.FeedbackOf(r.Context(), a, id); err != nil {
			return nil, err
		}
		data.Ratings = []int{5, 4, 3, 2, 1}
	}
	p := s.newPage(r, "meeting.page", "meetings", data)
	if d.Can["feedback"] && len(data.Feedback) == 1 {
		p.Form = url.Values{"rating": {strconv.Itoa(data.Feedback[0].Rating)}, "comment": {data.Feedback[0].Comment}}
	}
	return p, nil
}

func (s *Server) meetingShow(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.meetingPage(r, a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Title = p.Data.(*meetingPageData).D.Title
	s.render(w, r, http.StatusOK, "meeting_show", p)
}

// meetingAction runs the buttons and small forms of the meeting page.
func (s *Server) meetingAction(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	_ = r.ParseForm()
	f := r.PostForm
	ctx := r.Context()
	m := s.app.Meetings
	var err error
	flash := "saved"
	num := func(k string) int64 { n, _ := strconv.ParseInt(f.Get(k), 10, 64); return n }
	switch r.PathValue("action") {
	case "submit":
		_, err = m.Submit(ctx, a, id)
		flash = "meeting_submitted"
	case "decide":
		_, err = m.Decide(ctx, a, id, f.Get("decision"), f.Get("comment"))
		flash = "meeting_decided"
	case "notice":
		_, err = m.SendNotice(ctx, a, id)
		flash = "meeting_noticed"
	case "start":
		_, err = m.Start(ctx, a, id)
	case "end":
		_, err = m.End(ctx, a, id)
		flash = "meeting_ended"
	case "cancel":
		_, err = m.Cancel(ctx, a, id, f.Get("reason"))
	case "delete":
		if err = m.Delete(ctx, a, id); err == nil {
			redirect(w, r, "/meetings", "meeting_deleted")
			return
		}
	case "reply":
		err = m.Reply(ctx, a, id, f.Get("reply"), f.Get("note"))
	case "leave":
		err = m.RequestLeave(ctx, a, id, f.Get("reason"), num("substitute_id"))
		flash = "meeting_leave_sent"
	case "leave-withdraw":
		err = m.WithdrawLeave(ctx, a, id)
		flash = "meeting_leave_withdrawn"
	case "leave-decide":
		err = m.DecideLeave(ctx, a, id, num("attendee_id"), f.Get("approve") == "1", f.Get("comment"))
	case "sign-in":
		err = m.SignIn(ctx, a, id, num("attendee_id"))
		flash = "meeting_signed_in"
	case "absent":
		err = m.MarkAbsent(ctx, a, id, num("attendee_id"))
	case "decision":
		_, err = m.RecordDecision(ctx, a, id, num("agenda_item_id"), f.Get("text"))
	case "notes":
		err = m.SaveNotes(ctx, a, id, f.Get("host_notes"))
	case "feedback":
		rating, _ := strconv.Atoi(f.Get("rating"))
		_, err = m.GiveFeedback(ctx, a, id, rating, f.Get("comment"))
		flash = "meeting_feedback_saved"
	default:
		s.renderError(w, r, http.StatusNotFound, "err.page_not_found")
		return
	}
	if err != nil {
		p, perr := s.meetingPage(r, a, id)
		if perr != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		p.Title = p.Data.(*meetingPageData).D.Title
		s.fail(w, r, err, "meeting_show", p)
		return
	}
	redirect(w, r, meeting.Link(id), flash)
}

func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request, a access.Actor) {
	b, err := s.app.Meetings.Invite(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8; method=REQUEST")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="meeting-%d.ics"`, pathID(r, "id")))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// chain loads an approval chain for display.
func (s *Server) chain(r *http.Request, id int64, names map[int64]string) (*chainView, error) {
	ch, err := approval.GetByID(r.Context(), s.app.DB, id)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, st := range append(ch.History, ch.Steps...) {
		ids = append(ids, st.UserID, st.DecidedBy)
	}
	more, err := s.app.Meetings.Names(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	cv := &chainView{Status: ch.Status}
	l := s.app.I18n.For(langFrom(r))
	for _, st := range append(ch.History, ch.Steps...) {
		who := more[st.UserID]
		if st.UserID == 0 {
			who = l.T("role." + st.Role)
		}
		if st.DecidedBy != 0 && st.DecidedBy != st.UserID {
			who += " / " + more[st.DecidedBy]
		}
		cv.Steps = append(cv.Steps, chainStep{Who: who, Decision: st.Decision, Comment: st.Comment, At: st.DecidedAt})
	}
	return cv, nil
}

// ---- minutes ----

type minutesPageData struct {
	V        meeting.MinutesView
	Chain    *chainView
	Levels   []string
	Points   map[int64]string
	Dec      []decisionRow
	Editable bool
	Now      time.Time
}

type decisionRow struct {
	ID, Agenda, Text string
}

func (s *Server) minutesData(r *http.Request, a access.Actor, id int64, via string) (*minutesPageData, error) {
	v, err := s.app.Meetings.ReadMinutes(r.Context(), a, id, via)
	if err != nil {
		return nil, err
	}
	d := &minutesPageData{V: v, Levels: access.Levels, Points: map[int64]string{}, Editable: v.Meeting.Can["minutes_edit"], Now: s.app.Clock.Now()}
	if v.Minutes.ApprovalChainID != 0 {
		if d.Chain, err = s.chain(r, v.Minutes.ApprovalChainID, v.Meeting.Names); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// minutesForm fills the editor from the saved minutes.
func minutesForm(v meeting.MinutesView) url.Values {
	f := url.Values{"topic": {v.Minutes.Content.Topic}, "other": {v.Minutes.Content.Other}, "level": {v.Minutes.Level}}
	for _, p := range v.Minutes.Content.Points {
		f.Set(fmt.Sprintf("point_%d", p.AgendaItemID), p.Text)
	}
	for _, r := range v.Resolutions {
		f["dec_id"] = append(f["dec_id"], strconv.FormatInt(r.ID, 10))
		f["dec_agenda"] = append(f["dec_agenda"], strconv.FormatInt(r.AgendaItemID, 10))
		f["dec_text"] = append(f["dec_text"], r.Text)
	}
	return f
}

// editorRows fills the page's points and decision rows from the form.
func (d *minutesPageData) editorRows(f url.Values) {
	for _, it := range d.V.Meeting.Agenda {
		d.Points[it.ID] = f.Get(fmt.Sprintf("point_%d", it.ID))
	}
	for i := range f["dec_text"] {
		d.Dec = append(d.Dec, decisionRow{ID: idx(f["dec_id"], i), Agenda: idx(f["dec_agenda"], i), Text: idx(f["dec_text"], i)})
	}
	for i := 0; i < 3; i++ {
		d.Dec = append(d.Dec, decisionRow{})
	}
}

func (s *Server) minutesPage(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	d, err := s.minutesData(r, a, id, "page")
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "meeting.minutes.title", "meetings", d)
	p.Form = minutesForm(d.V)
	d.editorRows(p.Form)
	s.render(w, r, http.StatusOK, "meeting_minutes", p)
}

// ParseMinutesForm reads the minutes editor: text per agenda item
// (point_<agenda id>), decision rows (rows without text are skipped) and
// the plain fields.
func ParseMinutesForm(f url.Values) meeting.MinutesInput {
	in := meeting.MinutesInput{Topic: f.Get("topic"), Other: f.Get("other"), Level: f.Get("level"), Note: f.Get("note"), Points: map[int64]string{}}
	for k, vs := range f {
		if rest, ok := strings.CutPrefix(k, "point_"); ok && len(vs) > 0 {
			if id, err := strconv.ParseInt(rest, 10, 64); err == nil && id > 0 {
				in.Points[id] = vs[0]
			}
		}
	}
	for i, t := range f["dec_text"] {
		if strings.TrimSpace(t) == "" {
			continue
		}
		d := meeting.DecisionInput{Text: t}
		d.ID, _ = strconv.ParseInt(idx(f["dec_id"], i), 10, 64)
		d.AgendaItemID, _ = strconv.ParseInt(idx(f["dec_agenda"], i), 10, 64)
		in.Decisions = append(in.Decisions, d)
	}
	return in
}

func (s *Server) minutesSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	_ = r.ParseForm()
	_, err := s.app.Meetings.SaveMinutes(r.Context(), a, id, ParseMinutesForm(r.PostForm))
	flash := "minutes_saved"
	if err == nil && r.PostForm.Get("do") == "submit" {
		_, err = s.app.Meetings.SubmitMinutes(r.Context(), a, id)
		flash = "minutes_submitted"
	}
	if err != nil {
		d, derr := s.minutesData(r, a, id, "page")
		if derr != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		p := s.newPage(r, "meeting.minutes.title", "meetings", d)
		d.editorRows(r.PostForm)
		s.fail(w, r, err, "meeting_minutes", p)
		return
	}
	redirect(w, r, meeting.MinutesLink(id), flash)
}

func (s *Server) minutesStep(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	_ = r.ParseForm()
	var err error
	flash := ""
	switch r.PathValue("step") {
	case "submit":
		_, err = s.app.Meetings.SubmitMinutes(r.Context(), a, id)
		flash = "minutes_submitted"
	case "approve":
		_, err = s.app.Meetings.ApproveMinutes(r.Context(), a, id, r.PostForm.Get("comment"))
		flash = "minutes_approved"
	case "return":
		_, err = s.app.Meetings.ReturnMinutes(r.Context(), a, id, r.PostForm.Get("comment"))
		flash = "minutes_returned"
	case "distribute":
		_, err = s.app.Meetings.Distribute(r.Context(), a, id)
		flash = "minutes_distributed"
	default:
		s.renderError(w, r, http.StatusNotFound, "err.page_not_found")
		return
	}
	if err != nil {
		d, derr := s.minutesData(r, a, id, "page")
		if derr != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		p := s.newPage(r, "meeting.minutes.title", "meetings", d)
		form := minutesForm(d.V)
		for k, v := range r.PostForm {
			form[k] = v
		}
		d.editorRows(form)
		r.PostForm = form
		s.fail(w, r, err, "meeting_minutes", p)
		return
	}
	redirect(w, r, meeting.MinutesLink(id), flash)
}

func (s *Server) minutesPrint(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.minutesData(r, a, pathID(r, "id"), "print")
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_minutes_print", s.newPage(r, "meeting.minutes.title", "meetings", d))
}

func (s *Server) minutesVersion(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	ver, _ := strconv.Atoi(r.PathValue("version"))
	c, v, err := s.app.Meetings.MinutesVersion(r.Context(), a, id, ver, "page")
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d, err := s.minutesData(r, a, id, "page")
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d.V.Minutes.Content = c
	d.V.Minutes.Version = v.Version
	p := s.newPage(r, "meeting.minutes.title", "meetings", d)
	p.Form = url.Values{"version": {strconv.Itoa(v.Version)}}
	s.render(w, r, http.StatusOK, "meeting_minutes_print", p)
}

// minutesExport downloads the minutes as a Markdown text file.
func (s *Server) minutesExport(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	d, err := s.minutesData(r, a, id, "export")
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	l := s.app.I18n.For(langFrom(r))
	c := d.V.Minutes.Content
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("# %s", c.Topic)
	line("")
	line("- %s：%s", l.T("meeting.level"), l.T("level."+d.V.Minutes.Level))
	line("- %s：%s – %s", l.T("meeting.time"), c.StartAt.In(s.app.Loc).Format("2006-01-02 15:04"), c.EndAt.In(s.app.Loc).Format("15:04"))
	line("- %s：%s", l.T("meeting.place"), c.Place)
	line("- %s：%s；%s：%s", l.T("meeting.host"), c.Host, l.T("meeting.recorder"), c.Recorder)
	line("- %s：%s", l.T("meeting.minutes.present"), strings.Join(c.Present, "、"))
	var absent []string
	for _, x := range c.Absent {
		absent = append(absent, x.Name+"（"+l.T("meeting.attend."+x.Status)+"）")
	}
	line("- %s：%s", l.T("meeting.minutes.absent"), strings.Join(absent, "、"))
	line("")
	line("## %s", l.T("meeting.minutes.points"))
	for i, p := range c.Points {
		line("")
		line("### %d. %s", i+1, p.Topic)
		line("")
		line("%s", p.Text)
	}
	line("")
	line("## %s", l.T("meeting.minutes.decisions"))
	line("")
	for _, dd := range c.Decisions {
		line("%d. %s", dd.Seq, dd.Text)
	}
	if c.Other != "" {
		line("")
		line("## %s", l.T("meeting.minutes.other"))
		line("")
		line("%s", c.Other)
	}
	if len(d.V.Actions) > 0 {
		line("")
		line("## %s", l.T("meeting.tracking.title"))
		line("")
		line("| %s | %s | %s | %s | %s | %s |", l.T("meeting.action.goal"), l.T("meeting.action.standard"), l.T("meeting.action.owner"), l.T("meeting.action.due"), l.T("meeting.action.progress"), l.T("common.status"))
		line("|---|---|---|---|---|---|")
		for _, it := range d.V.Actions {
			line("| %s | %s | %s | %s | %d%% | %s |", mdCell(it.Goal), mdCell(it.Standard), d.V.Meeting.Names[it.OwnerID], it.DueAt.In(s.app.Loc).Format("2006-01-02"), it.Progress, l.T("meeting.action_status."+it.Status))
		}
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="minutes-%d-v%d.md"`, id, d.V.Minutes.Version))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(b.String()))
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\r", " ", "\n", " ").Replace(s)
}

// ---- tracking table and action items ----

type trackingData struct {
	T      meeting.Tracking
	People []auth.User
	Now    time.Time
}

func (s *Server) trackingPage(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.trackingPageData(r, a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_tracking", p)
}

func (s *Server) trackingPageData(r *http.Request, a access.Actor, id int64) (*Page, error) {
	tr, err := s.app.Meetings.Track(r.Context(), a, id, "page")
	if err != nil {
		return nil, err
	}
	d := &trackingData{T: tr, Now: s.app.Clock.Now()}
	if tr.Meeting.Can["actions_edit"] {
		if d.People, err = s.people(r, a); err != nil {
			return nil, err
		}
	}
	p := s.newPage(r, "meeting.tracking.title", "meetings", d)
	today := s.app.Clock.Now().In(s.app.Loc)
	p.Form = url.Values{"start_on": {today.Format("2006-01-02")}, "due_on": {today.AddDate(0, 0, 7).Format("2006-01-02")}}
	return p, nil
}

// ParseActionForm reads the action item form; dates are whole days in loc
// (start at 09:00, deadline at 18:00 of the day).
func ParseActionForm(f url.Values, loc *time.Location) (meeting.ActionInput, error) {
	var l errs.List
	in := meeting.ActionInput{Kind: f.Get("kind"), Goal: f.Get("goal"), Standard: f.Get("standard")}
	num := func(field string) int64 {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			l.Add(field, "err.number")
		}
		return n
	}
	day := func(field string, hour int) time.Time {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := wallclock.Parse(v, fmt.Sprintf("%02d:00", hour), loc)
		if err != nil {
			l.Add(field, wallclock.Key(err, "err.bad_date"))
			return time.Time{}
		}
		return t.UTC()
	}
	in.ResolutionID = num("resolution_id")
	in.OwnerID = num("owner_id")
	in.AssistantID = num("assistant_id")
	in.StartAt = day("start_on", 9)
	in.DueAt = day("due_on", 18)
	return in, l.Err()
}

func (s *Server) actionCreate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	_ = r.ParseForm()
	in, err := ParseActionForm(r.PostForm, s.app.Loc)
	if err == nil {
		_, err = s.app.Meetings.AddAction(r.Context(), a, id, in)
	}
	if err != nil {
		p, perr := s.trackingPageData(r, a, id)
		if perr != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		s.fail(w, r, err, "meeting_tracking", p)
		return
	}
	redirect(w, r, fmt.Sprintf("/meetings/%d/actions", id), "action_added")
}

type boardData struct {
	View      string
	Overdue   []meeting.ActionItem
	DueSoon   []meeting.ActionItem
	Review    []meeting.ActionItem
	Others    []meeting.ActionItem
	Names     map[int64]string
	Now       time.Time
	CanAll    bool
	Supervise bool
}

// actionBoard is the host's overdue and due-soon view across meetings
// (view=host), the actor's own items (view=mine), or everything the actor
// may read (view=all, for supervisors and executives).
func (s *Server) actionBoard(w http.ResponseWriter, r *http.Request, a access.Actor) {
	view := r.URL.Query().Get("view")
	d := &boardData{View: view, Now: s.app.Clock.Now(), CanAll: a.Has(access.Supervisor, access.Executive, access.Office)}
	if view != "mine" && view != "all" {
		d.View = "host"
	}
	if d.View == "all" && !d.CanAll {
		d.View = "host"
	}
	f := meeting.ActionFilter{Active: true}
	switch d.View {
	case "host":
		f.HostID = a.UserID
	case "mine":
		f.OwnerID = a.UserID
	}
	items, err := s.app.Meetings.Actions(r.Context(), a, f, "page")
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	ids := []int64{}
	for _, it := range items {
		ids = append(ids, it.OwnerID, it.AssistantID, it.HostID)
		switch {
		case it.Overdue:
			d.Overdue = append(d.Overdue, it)
		case it.Status == meeting.ActionSubmitted:
			d.Review = append(d.Review, it)
		case it.DueSoon:
			d.DueSoon = append(d.DueSoon, it)
		default:
			d.Others = append(d.Others, it)
		}
	}
	if d.Names, err = s.app.Meetings.Names(r.Context(), ids); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_board", s.newPage(r, "meeting.board.title", "actions", d))
}

type actionPageData struct {
	I      meeting.ActionDetail
	People []auth.User
	Now    time.Time
}

func (s *Server) actionPageData(r *http.Request, a access.Actor, id int64) (*Page, error) {
	it, err := s.app.Meetings.Action(r.Context(), a, id, "page")
	if err != nil {
		return nil, err
	}
	d := &actionPageData{I: it, Now: s.app.Clock.Now()}
	if it.CanEdit {
		if d.People, err = s.people(r, a); err != nil {
			return nil, err
		}
	}
	p := s.newPage(r, "meeting.action.title", "actions", d)
	p.Form = url.Values{"progress": {strconv.Itoa(it.Progress)}, "owner_id": {strconv.FormatInt(it.OwnerID, 10)},
		"assistant_id": {strconv.FormatInt(it.AssistantID, 10)}, "due_on": {it.DueAt.In(s.app.Loc).Format("2006-01-02")}}
	return p, nil
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.actionPageData(r, a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_action", p)
}

func (s *Server) actionStep(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	_ = r.ParseForm()
	f := r.PostForm
	ctx := r.Context()
	m := s.app.Meetings
	var err error
	flash := "saved"
	switch r.PathValue("step") {
	case "progress":
		p, perr := strconv.Atoi(strings.TrimSpace(f.Get("progress")))
		if perr != nil {
			err = errs.Field("progress", "err.number")
			break
		}
		if f.Get("problem") == "1" {
			_, err = m.ReportProblem(ctx, a, id, p, f.Get("note"))
			flash = "action_problem_reported"
		} else {
			_, err = m.Progress(ctx, a, id, p, f.Get("note"))
		}
	case "result":
		_, err = m.SubmitResult(ctx, a, id, f.Get("result"))
		flash = "action_submitted"
	case "accept":
		_, err = m.Accept(ctx, a, id, f.Get("comment"))
		flash = "action_accepted"
	case "send-back":
		_, err = m.SendBack(ctx, a, id, f.Get("reason"))
		flash = "action_returned"
	case "cancel":
		err = m.CancelAction(ctx, a, id, f.Get("reason"))
	case "edit":
		var cur meeting.ActionDetail
		cur, err = m.Action(ctx, a, id, "page")
		if err != nil {
			break
		}
		in, perr := ParseActionForm(f, s.app.Loc)
		if perr != nil {
			err = perr
			break
		}
		in.ResolutionID, in.Kind, in.Goal, in.Standard, in.StartAt = cur.ResolutionID, cur.Kind, cur.Goal, cur.Standard, cur.StartAt
		if g := f.Get("goal"); g != "" && cur.Status == meeting.ActionPlanned {
			in.Goal, in.Standard = g, f.Get("standard")
		}
		_, err = m.UpdateAction(ctx, a, id, in)
	default:
		s.renderError(w, r, http.StatusNotFound, "err.page_not_found")
		return
	}
	if err != nil {
		p, perr := s.actionPageData(r, a, id)
		if perr != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		s.fail(w, r, err, "meeting_action", p)
		return
	}
	redirect(w, r, fmt.Sprintf("/action-items/%d", id), flash)
}

// ---- negotiation, review, revisits ----

type wrapupData struct {
	W        meeting.Wrapup
	Tasks    []meeting.ActionItem // follow-ups, then improvements
	People   []auth.User
	Outcomes []string
	Ratings  []string
	Now      time.Time
}

func (s *Server) wrapupPage(r *http.Request, a access.Actor, id int64) (*Page, error) {
	w, err := s.app.Meetings.Wrapup(r.Context(), a, id, "page")
	if err != nil {
		return nil, err
	}
	d := &wrapupData{W: w, Outcomes: meeting.Outcomes, Ratings: []string{"0", "1", "2", "3", "4", "5"}, Now: s.app.Clock.Now(),
		Tasks: append(append([]meeting.ActionItem{}, w.FollowUps...), w.Improvements...)}
	if w.CanEdit {
		if d.People, err = s.people(r, a); err != nil {
			return nil, err
		}
	}
	p := s.newPage(r, "meeting.wrapup.title", "meetings", d)
	f := url.Values{}
	if n := w.Negotiation; n != nil {
		f = url.Values{"goals": {n.Goals}, "bottom_line": {n.BottomLine}, "strategy": {n.Strategy}, "pricing": {n.Pricing},
			"quoted": {fenText(n.QuotedFen)}, "agreed": {fenText(n.AgreedFen)}, "cooperation_mode": {n.CooperationMode}, "payment_terms": {n.PaymentTerms},
			"delivery_terms": {n.DeliveryTerms}, "after_sales": {n.AfterSales}, "outcome": {n.Outcome}, "outcome_note": {n.OutcomeNote},
			"agreement_no": {n.AgreementNo}, "agreement_summary": {n.AgreementSummary}}
		if !n.AgreementSignedAt.IsZero() {
			f.Set("agreement_signed_on", n.AgreementSignedAt.In(s.app.Loc).Format("2006-01-02"))
		}
	}
	rv := w.Review
	f.Set("summary", rv.Summary)
	f.Set("client_feedback", rv.ClientFeedback)
	f.Set("problems", rv.Problems)
	f.Set("satisfaction", strconv.Itoa(rv.Satisfaction))
	today := s.app.Clock.Now().In(s.app.Loc)
	f.Set("start_on", today.Format("2006-01-02"))
	f.Set("due_on", today.AddDate(0, 0, 14).Format("2006-01-02"))
	f.Set("revisit_on", today.AddDate(0, 1, 0).Format("2006-01-02"))
	p.Form = f
	return p, nil
}

// fenText shows fen as yuan for a form field ("" for 0).
func fenText(fen int64) string {
	if fen == 0 {
		return ""
	}
	if fen%100 == 0 {
		return strconv.FormatInt(fen/100, 10)
	}
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

func (s *Server) wrapupShow(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.wrapupPage(r, a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_wrapup", p)
}

func (s *Server) wrapupPost(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathID(r, "id")
	_ = r.ParseForm()
	f := r.PostForm
	ctx := r.Context()
	m := s.app.Meetings
	day := func(field string, hour int) (time.Time, error) {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return time.Time{}, nil
		}
		t, err := wallclock.Parse(v, fmt.Sprintf("%02d:00", hour), s.app.Loc)
		if err != nil {
			return time.Time{}, errs.Field(field, wallclock.Key(err, "err.bad_date"))
		}
		return t.UTC(), nil
	}
	var err error
	switch r.PathValue("form") {
	case "negotiation":
		in := meeting.NegotiationInput{Goals: f.Get("goals"), BottomLine: f.Get("bottom_line"), Strategy: f.Get("strategy"), Pricing: f.Get("pricing"),
			CooperationMode: f.Get("cooperation_mode"), PaymentTerms: f.Get("payment_terms"), DeliveryTerms: f.Get("delivery_terms"), AfterSales: f.Get("after_sales"),
			Outcome: f.Get("outcome"), OutcomeNote: f.Get("outcome_note"), AgreementNo: f.Get("agreement_no"), AgreementSummary: f.Get("agreement_summary")}
		var errQ, errA error
		in.QuotedFen, errQ = ParseYuan(f.Get("quoted"))
		in.AgreedFen, errA = ParseYuan(f.Get("agreed"))
		switch {
		case errQ != nil:
			err = errs.Field("quoted", "err.number")
		case errA != nil:
			err = errs.Field("agreed", "err.number")
		default:
			if in.AgreementSignedAt, err = day("agreement_signed_on", 12); err == nil {
				_, err = m.SaveNegotiation(ctx, a, id, in)
			}
		}
	case "archive":
		_, err = m.ArchiveAgreement(ctx, a, id)
	case "review":
		sat, _ := strconv.Atoi(f.Get("satisfaction"))
		_, err = m.SaveReview(ctx, a, id, meeting.ReviewInput{Summary: f.Get("summary"), ClientFeedback: f.Get("client_feedback"), Problems: f.Get("problems"), Satisfaction: sat, Submit: f.Get("do") == "submit"})
	case "task":
		var in meeting.ActionInput
		if in, err = ParseActionForm(f, s.app.Loc); err == nil {
			_, err = m.AddAction(ctx, a, id, in)
		}
	case "revisit":
		var due time.Time
		if due, err = day("revisit_on", 10); err == nil {
			owner, _ := strconv.ParseInt(f.Get("owner_id"), 10, 64)
			_, err = m.AddRevisit(ctx, a, id, due, owner, f.Get("purpose"))
		}
	case "revisit-done":
		rid, _ := strconv.ParseInt(f.Get("revisit_id"), 10, 64)
		// Only a revisit of this meeting is marked from its page.
		var rvs []meeting.Revisit
		if rvs, err = m.Revisits(ctx, a, id); err == nil {
			err = errs.Missing()
			for _, rv := range rvs {
				if rv.ID == rid {
					err = m.DoneRevisit(ctx, a, rid, 0, f.Get("note"))
				}
			}
		}
	default:
		s.renderError(w, r, http.StatusNotFound, "err.page_not_found")
		return
	}
	if err != nil {
		p, perr := s.wrapupPage(r, a, id)
		if perr != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		// keep the other forms' saved values beside the one posted
		for k, v := range p.Form {
			if _, posted := r.PostForm[k]; !posted {
				r.PostForm[k] = v
			}
		}
		s.fail(w, r, err, "meeting_wrapup", p)
		return
	}
	redirect(w, r, fmt.Sprintf("/meetings/%d/wrapup", id), "saved")
}

// ---- meeting templates ----

type templatesData struct {
	CanConfig bool // the reader may change the meeting settings (admin)
	Templates []meeting.Template
	Types     []string
	People    []auth.User
	Names     map[int64]string
	EditID    int64
	Agenda    []agendaRow
	Attendees []attendeeRow
}

func (s *Server) templatesPage(r *http.Request, a access.Actor, editID int64, form url.Values) (*Page, error) {
	ts, err := s.app.Meetings.Templates(r.Context(), a, true)
	if err != nil {
		return nil, err
	}
	people, err := s.people(r, a)
	if err != nil {
		return nil, err
	}
	d := &templatesData{Templates: ts, Types: meeting.Types, People: people, EditID: editID, Names: map[int64]string{}}
	for _, u := range people {
		d.Names[u.ID] = u.DisplayName
	}
	if form == nil {
		form = url.Values{"type": {meeting.TypeNewClient}, "duration_min": {"60"}, "active": {"on"}}
		for _, t := range ts {
			if t.ID != editID {
				continue
			}
			form = url.Values{"type": {t.Type}, "name": {t.Name}, "duration_min": {strconv.Itoa(t.DurationMin)}}
			if t.Active {
				form.Set("active", "on")
			}
			for _, it := range t.Agenda {
				form["agenda_topic"] = append(form["agenda_topic"], it.Topic)
				form["agenda_minutes"] = append(form["agenda_minutes"], strconv.Itoa(it.Minutes))
			}
			for _, at := range t.Attendees {
				form["att_kind"] = append(form["att_kind"], at.Kind)
				form["att_user"] = append(form["att_user"], strconv.FormatInt(at.UserID, 10))
			}
		}
	}
	for i, topic := range form["agenda_topic"] {
		d.Agenda = append(d.Agenda, agendaRow{Topic: topic, Min: idx(form["agenda_minutes"], i)})
	}
	for i := 0; i < 3; i++ {
		d.Agenda = append(d.Agenda, agendaRow{})
	}
	for i, k := range form["att_kind"] {
		if idx(form["att_user"], i) != "" {
			d.Attendees = append(d.Attendees, attendeeRow{Kind: k, User: idx(form["att_user"], i)})
		}
	}
	for i := 0; i < 3; i++ {
		d.Attendees = append(d.Attendees, attendeeRow{Kind: meeting.KindRequired})
	}
	cfg, err := s.app.Meetings.Config(r.Context())
	if err != nil {
		return nil, err
	}
	if form.Get("start_early_min") == "" {
		form.Set("start_early_min", strconv.Itoa(cfg.StartEarlyMin))
	}
	d.CanConfig = a.Has(access.Admin)
	p := s.newPage(r, "meeting.templates.title", "meetings", d)
	p.Form = form
	return p, nil
}

// meetingConfigSave stores the meeting settings (how early a meeting may
// be opened).
func (s *Server) meetingConfigSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("start_early_min")))
	if err != nil {
		err = errs.Field("start_early_min", "err.number")
	} else {
		_, err = s.app.Meetings.SaveConfig(r.Context(), a, meeting.Config{StartEarlyMin: n})
	}
	s.templatesDone(w, r, a, 0, url.Values{"start_early_min": {r.PostForm.Get("start_early_min")}}, err)
}

// templatesDone ends a POST of the templates page: back to it with the
// form and its errors when err is set, else to the page with "saved".
func (s *Server) templatesDone(w http.ResponseWriter, r *http.Request, a access.Actor, editID int64, form url.Values, err error) {
	if err == nil {
		redirect(w, r, "/meetings/templates", "saved")
		return
	}
	p, perr := s.templatesPage(r, a, editID, form)
	if perr != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.fail(w, r, err, "meeting_templates", p)
}

func (s *Server) templatesShow(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64)
	p, err := s.templatesPage(r, a, id, nil)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "meeting_templates", p)
}

// ParseTemplateForm reads the template form; rows without a topic or a
// user are skipped.
func ParseTemplateForm(f url.Values) (meeting.Template, error) {
	var l errs.List
	t := meeting.Template{Type: f.Get("type"), Name: f.Get("name"), Active: f.Get("active") == "on"}
	if v := strings.TrimSpace(f.Get("duration_min")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			l.Add("duration_min", "err.number")
		}
		t.DurationMin = n
	}
	for i, topic := range f["agenda_topic"] {
		if strings.TrimSpace(topic) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(idx(f["agenda_minutes"], i)))
		if err != nil && strings.TrimSpace(idx(f["agenda_minutes"], i)) != "" {
			l.Add(fmt.Sprintf("agenda.%d.minutes", len(t.Agenda)), "err.number")
		}
		t.Agenda = append(t.Agenda, meeting.TemplateAgenda{Topic: topic, Minutes: n})
	}
	for i, k := range f["att_kind"] {
		id, err := strconv.ParseInt(idx(f["att_user"], i), 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		t.Attendees = append(t.Attendees, meeting.TemplateAttendee{Kind: k, UserID: id})
	}
	return t, l.Err()
}

func (s *Server) templatesSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
	t, err := ParseTemplateForm(r.PostForm)
	if err == nil {
		_, err = s.app.Meetings.SaveTemplate(r.Context(), a, id, t)
	}
	s.templatesDone(w, r, a, id, r.PostForm, err)
}
