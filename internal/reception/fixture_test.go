package reception_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/auth"
	"jiedai/internal/booking"
	"jiedai/internal/client"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/venue"
	"jiedai/internal/workday"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// at returns a Shanghai wall-clock time.
func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, shanghai)
}

type fixture struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	clk *clock.Fake
	svc *reception.Service
	cs  *client.Service
	u   map[string]access.Actor
}

// newFixture builds the service with people: the applicant 林小明 (staff,
// sales), his department head 黄经理, the office 王静 and 赵勇, the
// supervisor 李娜, the executive 刘总, the receptionist 陈晓.
func newFixture(t *testing.T, db *store.DB, now time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(now)
	cal, err := workday.New(shanghai, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: db, clk: clk, svc: reception.New(db, clk, cal, shanghai), cs: client.New(db, clk), u: map[string]access.Actor{}}
	as := auth.New(db, clk)
	sys := access.SystemActor()
	depts := map[string]int64{}
	for _, d := range []auth.DepartmentInput{{Code: "sales", Name: "市场销售部"}, {Code: "office", Name: "综管部"}} {
		id, err := as.SaveDepartment(ctx, sys, 0, d)
		if err != nil {
			t.Fatal(err)
		}
		depts[d.Code] = id
	}
	for _, p := range []struct {
		user, name, dept string
		roles            []string
	}{
		{"xiaoming", "林小明", "sales", []string{access.Staff}},
		{"boss", "黄经理", "sales", []string{access.Manager, access.Staff}},
		{"wang", "王静", "office", []string{access.Office}},
		{"zhao", "赵勇", "office", []string{access.Office}},
		{"li", "李娜", "office", []string{access.Supervisor}},
		{"liu", "刘总", "office", []string{access.Executive}},
		{"chen", "陈晓", "office", []string{access.Receptionist}},
	} {
		u, err := as.Create(ctx, sys, auth.UserInput{Username: p.user, DisplayName: p.name, Password: "password-123", Roles: p.roles, DepartmentID: depts[p.dept]})
		if err != nil {
			t.Fatal(err)
		}
		f.u[p.user] = u.Actor("127.0.0.1")
	}
	if _, err := as.SaveDepartment(ctx, sys, depts["sales"], auth.DepartmentInput{Code: "sales", Name: "市场销售部", ManagerID: f.u["boss"].UserID}); err != nil {
		t.Fatal(err)
	}
	return f
}

// application is a complete application for a visit on date.
func (f *fixture) application(date string) reception.Application {
	return reception.Application{
		LiaisonID: f.u["xiaoming"].UserID, OrgName: "北京华信科技有限公司", Purpose: "洽谈年度数据中心合作项目",
		VisitDate: date, ArrivalTime: "09:30", Tier: reception.TierHigh, BudgetFen: 600000,
		Guest:      reception.Person{Name: "张伟", Title: "副总裁"},
		Companions: []reception.Person{{Name: "李强", Title: "技术总监"}, {Name: "王芳", Title: "采购经理"}},
		Form: reception.Form{
			ArrivalMode: "train", Companions: 3, Helpers: []reception.Person{{Name: "赵勇", Title: "综管部专员"}},
			CarPickup: true, VehicleType: "七座商务车", Tickets: true, TrainNo: "G101", TicketCount: 4,
			Hotel:   reception.Arrangement{Need: true, Place: "国贸大酒店", Room: "1208、1210", BudgetFen: 160000, Liaison: "酒店销售部 周经理"},
			Lunch:   reception.Arrangement{Need: true, Place: "会所中餐厅", Headcount: 8, BudgetFen: 240000, Liaison: "餐饮部 孙主管"},
			Parking: true, RedCarpet: true, Welcome: true, WelcomeText: "热烈欢迎北京华信科技领导莅临指导",
			Fruit: true, FruitLevel: "fine", Tea: true, TeaTypes: []string{"green", "water"},
			MeetingRoom: true, RoomItems: []string{"computer", "projector", "clicker", "pen"},
			Gifts: true, GiftLevel: "fine", LeaderAppointment: true, LeaderName: "刘总",
			OtherMaterials: "公司宣传册、合作方案打印件 10 份",
		},
	}
}

// bookRoom books the case's meeting room (a 20-seat room at the internal
// rate of 100 yuan an hour) from start to end, as the office would.
func (f *fixture) bookRoom(id int64, start, end time.Time) booking.Booking {
	f.t.Helper()
	vs := venue.New(f.db, f.clk, shanghai)
	in := venue.Defaults()
	in.Name, in.Code, in.Capacity, in.OpenDays = fmt.Sprintf("第%d会议室", id), fmt.Sprintf("R%d", id), 20, 127
	in.Rates.Internal = venue.Rate{Hour: 10000, HalfDay: 30000, FullDay: 50000}
	v, err := vs.Create(f.ctx, f.u["wang"], in)
	f.must(err)
	b, err := f.tryBookRoom(id, v.ID, start, end)
	f.must(err)
	return b
}

// tryBookRoom books the case's meeting room in venue venueID.
func (f *fixture) tryBookRoom(id, venueID int64, start, end time.Time) (booking.Booking, error) {
	return app.BookCaseRoom(f.ctx, f.db, f.rooms(), f.svc, shanghai, f.u["wang"], id, venueID, start.In(shanghai).Format("15:04"), end.In(shanghai).Format("15:04"))
}

// rooms is the booking service on the fixture's clock.
func (f *fixture) rooms() *booking.Service {
	cal, err := workday.New(shanghai, nil)
	f.must(err)
	return booking.New(f.db, f.clk, shanghai, cal, venue.New(f.db, f.clk, shanghai))
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("unexpected error: %v", err)
	}
}

func kind(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.As(err).Kind
}

// fieldErrs returns the fields an error names.
func fieldErrs(err error) map[string]string {
	out := map[string]string{}
	if err == nil {
		return out
	}
	e := errs.As(err)
	if list, ok := e.Extra.([]*errs.Error); ok {
		for _, fe := range list {
			out[fe.Field] = fe.Key
		}
	} else if e.Field != "" {
		out[e.Field] = e.Key
	}
	return out
}
