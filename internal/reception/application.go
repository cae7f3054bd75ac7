package reception

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
	"jiedai/internal/wallclock"
	"jiedai/internal/workday"
)

// Person is a name with a title (职务).
type Person struct {
	Name  string `json:"name" required:"false"`
	Title string `json:"title,omitempty"`
}

// Arrangement is a booked service of the application: hotel, lunch, dinner
// or entertainment, with its place, headcount, budget and liaison (对接人).
type Arrangement struct {
	Need      bool   `json:"need" required:"false"`
	Place     string `json:"place,omitempty"` // hotel, restaurant or venue
	Room      string `json:"room,omitempty"`  // hotel room numbers
	Headcount int    `json:"headcount,omitempty"`
	BudgetFen int64  `json:"budget_fen,omitempty"`
	Liaison   string `json:"liaison,omitempty"`
}

// Arrival modes (到达方式).
var ArrivalModes = []string{"flight", "train", "car", "other"}

// Levels of fruit and gifts (规格: 精致 / 简单).
var Levels = []string{"fine", "simple"}

// TeaTypes are the teas offered (红茶、绿茶、咖啡、矿泉水).
var TeaTypes = []string{"black", "green", "coffee", "water"}

// RoomItems are the meeting-room items (电脑、白纸、铅笔、签字笔、投影仪、翻页笔).
var RoomItems = []string{"computer", "paper", "pencil", "pen", "projector", "clicker"}

// Form holds the rest of the application form (接待申请单 一 and 二).
type Form struct {
	ArrivalMode       string      `json:"arrival_mode,omitempty"`
	PlateNo           string      `json:"plate_no,omitempty"`
	Companions        int         `json:"companions" required:"false"` // 随同几人
	Helpers           []Person    `json:"helpers,omitempty"`
	CarPickup         bool        `json:"car_pickup" required:"false"`
	VehicleType       string      `json:"vehicle_type,omitempty"`
	Tickets           bool        `json:"tickets" required:"false"`
	TrainNo           string      `json:"train_no,omitempty"`
	TicketCount       int         `json:"ticket_count,omitempty"`
	Hotel             Arrangement `json:"hotel" required:"false"`
	Lunch             Arrangement `json:"lunch" required:"false"`
	Dinner            Arrangement `json:"dinner" required:"false"`
	Entertainment     Arrangement `json:"entertainment" required:"false"`
	Parking           bool        `json:"parking" required:"false"`
	RedCarpet         bool        `json:"red_carpet" required:"false"`
	Welcome           bool        `json:"welcome" required:"false"`
	WelcomeText       string      `json:"welcome_text,omitempty"`
	Fruit             bool        `json:"fruit" required:"false"`
	FruitLevel        string      `json:"fruit_level,omitempty"`
	Tea               bool        `json:"tea" required:"false"`
	TeaTypes          []string    `json:"tea_types,omitempty"`
	MeetingRoom       bool        `json:"meeting_room" required:"false"`
	RoomItems         []string    `json:"room_items,omitempty"`
	Catering          bool        `json:"catering" required:"false"`
	Gifts             bool        `json:"gifts" required:"false"`
	GiftLevel         string      `json:"gift_level,omitempty"`
	LeaderAppointment bool        `json:"leader_appointment" required:"false"`
	LeaderName        string      `json:"leader_name,omitempty"`
	OtherMaterials    string      `json:"other_materials,omitempty"`
}

// Application is what creating or editing the application form takes.
type Application struct {
	DepartmentID int64    `json:"department_id,omitempty"`
	LiaisonID    int64    `json:"liaison_id,omitempty"`
	OrgID        int64    `json:"org_id,omitempty"`
	OrgName      string   `json:"org_name" required:"false"`
	Purpose      string   `json:"purpose" required:"false"`
	VisitDate    string   `json:"visit_date" required:"false"`
	ArrivalTime  string   `json:"arrival_time" required:"false"`
	Tier         string   `json:"tier" required:"false"`
	BudgetFen    int64    `json:"budget_fen" required:"false"`
	LateReason   string   `json:"late_reason,omitempty"`
	Guest        Person   `json:"guest" required:"false"`
	Companions   []Person `json:"companions,omitempty"`
	Form         Form     `json:"form" required:"false"`
}

// Limits of the application's fields.
const (
	MaxShort     = 60
	MaxText      = 500
	MaxLong      = 4000
	MaxPeople    = 50
	MaxBudgetFen = 100_000_000_00 // 1 亿元
)

var (
	hhmmRE  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	plateRE = regexp.MustCompile(`^[\p{Han}A-Z0-9·\- ]{2,12}$`)
)

// Application returns the case's application as input, for editing.
func (r Reception) Application() Application {
	return Application{DepartmentID: r.DepartmentID, LiaisonID: r.LiaisonID, OrgID: r.OrgID, OrgName: r.OrgName, Purpose: r.Purpose,
		VisitDate: r.VisitDate, ArrivalTime: r.ArrivalTime, Tier: r.Tier, BudgetFen: r.BudgetFen, LateReason: r.LateReason,
		Guest: r.Guest, Companions: r.Companions, Form: r.Form}
}

// Headcount is the visiting party: the guest and the companions (随同几人,
// at least as many as named).
func (in Application) Headcount() int {
	n := max(in.Form.Companions, len(in.Companions))
	if strings.TrimSpace(in.Guest.Name) != "" || n > 0 {
		n++
	}
	return n
}

func trimAll(ps ...*string) {
	for _, p := range ps {
		*p = strings.TrimSpace(*p)
	}
}

func (in *Application) normalise() {
	trimAll(&in.OrgName, &in.Purpose, &in.VisitDate, &in.ArrivalTime, &in.Tier, &in.LateReason, &in.Guest.Name, &in.Guest.Title)
	f := &in.Form
	trimAll(&f.ArrivalMode, &f.PlateNo, &f.VehicleType, &f.TrainNo, &f.WelcomeText, &f.FruitLevel, &f.GiftLevel, &f.LeaderName, &f.OtherMaterials)
	f.PlateNo = strings.ToUpper(f.PlateNo)
	for _, a := range []*Arrangement{&f.Hotel, &f.Lunch, &f.Dinner, &f.Entertainment} {
		trimAll(&a.Place, &a.Room, &a.Liaison)
	}
	clean := func(ps []Person) []Person {
		var out []Person
		for _, p := range ps {
			trimAll(&p.Name, &p.Title)
			if p.Name != "" || p.Title != "" {
				out = append(out, p)
			}
		}
		return out
	}
	in.Companions = clean(in.Companions)
	f.Helpers = clean(f.Helpers)
	f.TeaTypes = uniq(f.TeaTypes)
	f.RoomItems = uniq(f.RoomItems)
	if in.Tier == "" {
		in.Tier = TierBusiness
	}
}

func uniq(list []string) []string {
	var out []string
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// validate checks the application. Drafts need only well-formed values;
// submitting (strict) needs every field the form requires. today is the
// current date in the site's zone.
func (in *Application) validate(strict bool, today time.Time, loc *time.Location) errs.List {
	in.normalise()
	var l errs.List
	long := func(field, v string, max int) {
		if utf8.RuneCountInString(v) > max {
			l.Add(field, "err.too_long", "max", max)
		}
	}
	req := func(field, v string) {
		if strict && v == "" {
			l.Add(field, "err.required")
		}
	}
	money := func(field string, v int64) {
		if v < 0 || v > MaxBudgetFen {
			l.Add(field, "err.reception.money")
		}
	}
	f := &in.Form
	in.OrgName = namecheck.Field(&l, "org_name", in.OrgName)
	in.Guest.Name = namecheck.Field(&l, "guest_name", in.Guest.Name)
	var people errs.List
	for _, ps := range [][]Person{in.Companions, f.Helpers} {
		for i := range ps {
			ps[i].Name = namecheck.Field(&people, "companion_names", ps[i].Name)
		}
	}
	if len(people) > 0 {
		l = append(l, people[0])
	}
	req("org_name", in.OrgName)
	long("org_name", in.OrgName, client.MaxName)
	req("purpose", in.Purpose)
	long("purpose", in.Purpose, MaxText)
	req("visit_date", in.VisitDate)
	if in.VisitDate != "" {
		d, err := workday.ParseDateIn(in.VisitDate, loc)
		switch {
		case err != nil:
			l.Add("visit_date", "err.bad_date")
		case strict && d.Before(today):
			l.Add("visit_date", "err.reception.visit_past")
		case d.Year() > today.Year()+2:
			l.Add("visit_date", "err.reception.visit_far")
		}
	}
	req("arrival_time", in.ArrivalTime)
	if in.ArrivalTime != "" && !hhmmRE.MatchString(in.ArrivalTime) {
		l.Add("arrival_time", "err.reception.bad_time")
	} else if in.ArrivalTime != "" && in.VisitDate != "" {
		// On a daylight-saving change day the arrival must exist.
		if _, err := wallclock.Parse(in.VisitDate, in.ArrivalTime, loc); errors.Is(err, wallclock.ErrNoSuchTime) {
			l.Add("arrival_time", wallclock.KeyNoSuchTime)
		}
	}
	if !slices.Contains(Tiers, in.Tier) {
		l.Add("tier", "err.invalid")
	}
	money("budget", in.BudgetFen)
	if strict && in.BudgetFen == 0 {
		l.Add("budget", "err.required")
	}
	if strict && in.LiaisonID == 0 {
		l.Add("liaison_id", "err.required")
	}
	long("late_reason", in.LateReason, MaxText)
	req("guest_name", in.Guest.Name)
	long("guest_name", in.Guest.Name, MaxShort)
	long("guest_title", in.Guest.Title, MaxShort)
	if len(in.Companions) > MaxPeople || len(f.Helpers) > MaxPeople {
		l.Add("companion_names", "err.reception.too_many", "max", MaxPeople)
	}
	for _, p := range append(append([]Person{}, in.Companions...), f.Helpers...) {
		if p.Name == "" || utf8.RuneCountInString(p.Name) > MaxShort || utf8.RuneCountInString(p.Title) > MaxShort {
			l.Add("companion_names", "err.reception.person")
			break
		}
	}
	if f.Companions < 0 || f.Companions > 500 {
		l.Add("companions", "err.reception.range", "min", 0, "max", 500)
	} else if f.Companions < len(in.Companions) {
		l.Add("companions", "err.reception.companions_fewer", "n", len(in.Companions))
	}
	if f.ArrivalMode != "" && !slices.Contains(ArrivalModes, f.ArrivalMode) {
		l.Add("arrival_mode", "err.invalid")
	}
	req("arrival_mode", f.ArrivalMode)
	if f.PlateNo != "" && !plateRE.MatchString(f.PlateNo) {
		l.Add("plate_no", "err.reception.plate")
	}
	if strict && f.ArrivalMode == "car" && f.PlateNo == "" {
		l.Add("plate_no", "err.reception.plate_needed")
	}
	long("vehicle_type", f.VehicleType, MaxShort)
	if strict && f.CarPickup && f.VehicleType == "" {
		l.Add("vehicle_type", "err.reception.needed_when", "what", "car_pickup")
	}
	long("train_no", f.TrainNo, MaxShort)
	if f.TicketCount < 0 || f.TicketCount > 500 {
		l.Add("ticket_count", "err.reception.range", "min", 0, "max", 500)
	}
	if strict && f.Tickets {
		if f.TrainNo == "" {
			l.Add("train_no", "err.reception.needed_when", "what", "tickets")
		}
		if f.TicketCount == 0 {
			l.Add("ticket_count", "err.reception.needed_when", "what", "tickets")
		}
	}
	for _, a := range []struct {
		prefix string
		a      *Arrangement
	}{{"hotel", &f.Hotel}, {"lunch", &f.Lunch}, {"dinner", &f.Dinner}, {"ent", &f.Entertainment}} {
		long(a.prefix+"_place", a.a.Place, MaxShort*2)
		long(a.prefix+"_room", a.a.Room, MaxShort)
		long(a.prefix+"_liaison", a.a.Liaison, MaxShort)
		money(a.prefix+"_budget", a.a.BudgetFen)
		if a.a.Headcount < 0 || a.a.Headcount > 1000 {
			l.Add(a.prefix+"_headcount", "err.reception.range", "min", 0, "max", 1000)
		}
		if strict && a.a.Need {
			if a.a.Place == "" {
				l.Add(a.prefix+"_place", "err.reception.needed_when", "what", a.prefix)
			}
			if a.prefix != "hotel" && a.a.Headcount == 0 {
				l.Add(a.prefix+"_headcount", "err.reception.needed_when", "what", a.prefix)
			}
		}
	}
	long("welcome_text", f.WelcomeText, MaxText)
	if strict && f.Welcome && f.WelcomeText == "" {
		l.Add("welcome_text", "err.reception.needed_when", "what", "welcome")
	}
	for _, lv := range []struct {
		field, v string
		need     bool
	}{{"fruit_level", f.FruitLevel, f.Fruit}, {"gift_level", f.GiftLevel, f.Gifts}} {
		if lv.v != "" && !slices.Contains(Levels, lv.v) {
			l.Add(lv.field, "err.invalid")
		} else if strict && lv.need && lv.v == "" {
			l.Add(lv.field, "err.reception.choose_level")
		}
	}
	for _, t := range f.TeaTypes {
		if !slices.Contains(TeaTypes, t) {
			l.Add("tea_types", "err.invalid")
			break
		}
	}
	if strict && f.Tea && len(f.TeaTypes) == 0 {
		l.Add("tea_types", "err.reception.choose_one")
	}
	for _, t := range f.RoomItems {
		if !slices.Contains(RoomItems, t) {
			l.Add("room_items", "err.invalid")
			break
		}
	}
	long("leader_name", f.LeaderName, MaxShort)
	if strict && f.LeaderAppointment && f.LeaderName == "" {
		l.Add("leader_name", "err.reception.needed_when", "what", "leader")
	}
	long("other_materials", f.OtherMaterials, MaxLong)
	return l
}

// checkRefs verifies the department, liaison and organisation exist.
func checkRefs(ctx context.Context, q store.Querier, in *Application, l *errs.List) error {
	for _, c := range []struct {
		field, table string
		id           int64
	}{{"department_id", "departments", in.DepartmentID}, {"liaison_id", "users", in.LiaisonID}, {"org_id", "client_orgs", in.OrgID}} {
		if c.id == 0 {
			continue
		}
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+c.table+` WHERE id = ?`, c.id).Scan(&n); err != nil {
			return fmt.Errorf("check %s %d: %w", c.table, c.id, err)
		}
		if n == 0 {
			l.Add(c.field, "err.not_found")
		}
	}
	if in.OrgID != 0 {
		var merged int64
		var name string
		if err := q.QueryRow(ctx, `SELECT COALESCE(merged_into, 0), name FROM client_orgs WHERE id = ?`, in.OrgID).Scan(&merged, &name); err == nil {
			if merged != 0 {
				in.OrgID = merged
				_ = q.QueryRow(ctx, `SELECT name FROM client_orgs WHERE id = ?`, merged).Scan(&name)
			}
			if in.OrgName == "" {
				in.OrgName = name
			}
		}
	}
	return nil
}

func (s *Service) today() time.Time {
	n := s.Clock.Now().In(s.Loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, s.Loc)
}

// Create saves a new draft application for the actor (the applicant).
func (s *Service) Create(ctx context.Context, a access.Actor, in Application) (Reception, error) {
	if !a.IsStaff() || a.IsClient() || a.UserID == 0 {
		return Reception{}, errs.Forbid()
	}
	if in.DepartmentID == 0 {
		in.DepartmentID = a.DepartmentID
	}
	l := in.validate(false, s.today(), s.Loc)
	now := s.Clock.Now()
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := checkRefs(ctx, tx, &in, &l); err != nil {
			return err
		}
		if err := l.Err(); err != nil {
			return err
		}
		cfg, err := LoadConfig(ctx, tx)
		if err != nil {
			return err
		}
		form, err := json.Marshal(in.Form)
		if err != nil {
			return fmt.Errorf("encode form: %w", err)
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO receptions (status, applicant_id, department_id, liaison_id, org_id, org_name, purpose, visit_date, arrival_time, tier, tier_price_fen, headcount, budget_fen, form, late_reason, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			StatusDraft, a.UserID, store.IDOrNil(in.DepartmentID), store.IDOrNil(in.LiaisonID), store.IDOrNil(in.OrgID), in.OrgName, in.Purpose, in.VisitDate, in.ArrivalTime,
			in.Tier, cfg.Price(in.Tier), in.Headcount(), in.BudgetFen, string(form), in.LateReason, store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert reception: %w", err)
		}
		code := fmt.Sprintf("JD-%d-%04d", now.In(s.Loc).Year(), id)
		if _, err := tx.Exec(ctx, `UPDATE receptions SET code = ? WHERE id = ?`, code, id); err != nil {
			return fmt.Errorf("set reception code: %w", err)
		}
		if err := s.writePeople(ctx, tx, now, id, in); err != nil {
			return err
		}
		return auditCase(ctx, tx, now, a, id, "create", nil, in)
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

// Update edits a draft (or rejected) application.
func (s *Service) Update(ctx context.Context, a access.Actor, id int64, in Application) (Reception, error) {
	l := in.validate(false, s.today(), s.Loc)
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanEditApplication(a, r) {
			return errs.Refuse(CanView(a, r))
		}
		if !r.Editable() {
			return stateError(r.Status, "edit")
		}
		if in.DepartmentID == 0 {
			in.DepartmentID = r.DepartmentID
		}
		if in.OrgID == 0 && in.OrgName == r.OrgName {
			in.OrgID = r.OrgID // the form names the organisation; the same name keeps its link
		}
		if err := checkRefs(ctx, tx, &in, &l); err != nil {
			return err
		}
		if err := l.Err(); err != nil {
			return err
		}
		return s.saveApplication(ctx, tx, now, a, r, in)
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

func (s *Service) saveApplication(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception, in Application) error {
	cfg, err := LoadConfig(ctx, tx)
	if err != nil {
		return err
	}
	form, err := json.Marshal(in.Form)
	if err != nil {
		return fmt.Errorf("encode form: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE receptions SET department_id = ?, liaison_id = ?, org_id = ?, org_name = ?, purpose = ?, visit_date = ?, arrival_time = ?, tier = ?, tier_price_fen = ?,
		headcount = ?, budget_fen = ?, form = ?, late_reason = ?, updated_at = ? WHERE id = ?`,
		store.IDOrNil(in.DepartmentID), store.IDOrNil(in.LiaisonID), store.IDOrNil(in.OrgID), in.OrgName, in.Purpose, in.VisitDate, in.ArrivalTime, in.Tier, cfg.Price(in.Tier),
		in.Headcount(), in.BudgetFen, string(form), in.LateReason, store.Ms(now), r.ID)
	if err != nil {
		return fmt.Errorf("update reception %d: %w", r.ID, err)
	}
	if err := s.writePeople(ctx, tx, now, r.ID, in); err != nil {
		return err
	}
	return auditCase(ctx, tx, now, a, r.ID, "update", r.Application(), in)
}

// writePeople replaces the principal guest and the named companions of an
// application (only while nobody has signed in).
func (s *Service) writePeople(ctx context.Context, tx store.Querier, now time.Time, id int64, in Application) error {
	if _, err := tx.Exec(ctx, `DELETE FROM reception_guests WHERE reception_id = ? AND kind IN (?, ?) AND arrived_at IS NULL`, id, GuestPrincipal, GuestCompanion); err != nil {
		return fmt.Errorf("clear guests of reception %d: %w", id, err)
	}
	people := []Person{}
	if in.Guest.Name != "" {
		people = append(people, in.Guest)
	}
	people = append(people, in.Companions...)
	for i, p := range people {
		kind := GuestCompanion
		if i == 0 && in.Guest.Name != "" {
			kind = GuestPrincipal
		}
		tok, err := newToken()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reception_guests (reception_id, kind, seq, name, title, company, token, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, kind, i+1, p.Name, p.Title, in.OrgName, tok, store.Ms(now), store.Ms(now)); err != nil {
			return fmt.Errorf("insert guest of reception %d: %w", id, err)
		}
	}
	return nil
}

// newToken returns an unguessable token for a personal link.
func newToken() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

func auditCase(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64, action string, before, after any) error {
	return audit.Record(ctx, q, now, a, Entity, id, action, before, after)
}

func auditEntity(ctx context.Context, q store.Querier, now time.Time, a access.Actor, entity string, id int64, action string, before, after any) error {
	return audit.Record(ctx, q, now, a, entity, id, action, before, after)
}
