package booking_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/booking"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/venue"
	"jiedai/internal/workday"
)

// env is one test's services and people.
type env struct {
	db     *store.DB
	clk    *clock.Fake
	loc    *time.Location
	cal    *workday.Calendar
	venues *venue.Service
	svc    *booking.Service
	office access.Actor
	staff  access.Actor
	other  access.Actor // staff of another department
	client access.Actor
	room   venue.Venue // 12 seats, projector, 15/15 min buffers
	hall   venue.Venue // 80 seats, multi-function hall
	small  venue.Venue // 6 seats negotiation room
	notes  []string    // notification keys sent
}

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return loc
}

// at returns a time on the site's wall clock.
func (e *env) at(date, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+hm, e.loc)
	if err != nil {
		panic(err)
	}
	return t
}

// newEnv builds the services on db with the clock at Monday 2 March 2026, 09:00.
func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	ctx := context.Background()
	loc := shanghai(t)
	e := &env{db: db, loc: loc}
	e.clk = clock.NewFake(e.at("2026-03-02", "09:00"))
	cal, err := workday.New(loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.cal = cal
	e.venues = venue.New(db, e.clk, loc)
	e.svc = booking.New(db, e.clk, loc, cal, e.venues)
	e.svc.Notify = func(_ context.Context, _ store.Querier, _ time.Time, ids []int64, key string, _ map[string]any, _ string) error {
		if len(ids) > 0 {
			e.notes = append(e.notes, key)
		}
		return nil
	}
	au := auth.New(db, e.clk)
	sys := access.SystemActor()
	dept1, err := au.SaveDepartment(ctx, sys, 0, auth.DepartmentInput{Code: "sales", Name: "市场销售部"})
	if err != nil {
		t.Fatal(err)
	}
	dept2, err := au.SaveDepartment(ctx, sys, 0, auth.DepartmentInput{Code: "hr", Name: "人力资源部"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name string, dept, org int64, roles ...string) access.Actor {
		u, err := au.Create(ctx, sys, auth.UserInput{Username: name, DisplayName: name, Password: "password-123", Roles: roles, DepartmentID: dept, OrgID: org, Active: true})
		if err != nil {
			t.Fatalf("create user %s: %v", name, err)
		}
		return u.Actor("127.0.0.1")
	}
	e.office = mk("office", 0, 0, access.Office)
	e.staff = mk("staff", dept1, 0, access.Staff)
	e.other = mk("other", dept2, 0, access.Staff)
	e.client = mk("client", 0, 7, access.Client)
	for _, r := range []string{access.Service, access.Engineering, access.Security} {
		mk(r, 0, 0, r)
	}
	in := venue.Defaults()
	in.Name, in.Code, in.Capacity, in.Equipment, in.BufferBefore, in.BufferAfter = "第一会议室", "R1", 12, []string{"projector", "whiteboard"}, 15, 15
	in.Rates.Client = venue.Rate{Hour: 30000, HalfDay: 100000, FullDay: 180000}
	in.Rates.Internal = venue.Rate{}
	e.room = mustVenue(t, e, in)
	in = venue.Defaults()
	in.Name, in.Code, in.Kind, in.Capacity, in.Equipment = "多功能厅", "H1", venue.KindMultiHall, 80, []string{"projector", "sound", "microphone"}
	in.Capacities.Theatre = 120
	e.hall = mustVenue(t, e, in)
	in = venue.Defaults()
	in.Name, in.Code, in.Kind, in.Capacity = "洽谈室A", "N1", venue.KindNegotiation, 6
	e.small = mustVenue(t, e, in)
	return e
}

func mustVenue(t *testing.T, e *env, in venue.Input) venue.Venue {
	t.Helper()
	v, err := e.venues.Create(context.Background(), e.office, in)
	if err != nil {
		t.Fatalf("create venue %s: %v", in.Name, err)
	}
	return v
}

// req is a valid internal request for the first room.
func (e *env) req(date, from, to string) booking.Request {
	return booking.Request{VenueID: e.room.ID, Start: e.at(date, from), End: e.at(date, to), Title: "季度销售例会", Headcount: 8}
}

func (e *env) mustCreate(t *testing.T, a access.Actor, r booking.Request) booking.Booking {
	t.Helper()
	b, err := e.svc.Create(context.Background(), a, r)
	if err != nil {
		t.Fatalf("create booking: %v", err)
	}
	return b
}

func kindOf(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.As(err).Kind
}

func countActive(t *testing.T, db *store.DB, venueID int64) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM bookings WHERE venue_id = ? AND active = ?`, venueID, true).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
