package venue_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/jobs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
	"jiedai/internal/venue"
)

// TestInspectionPlan: a monthly inspection makes an engineering task a day
// before each occurrence through the durable job, exactly once, and the
// next one follows; staff may not plan; a stopped plan makes no more.
func TestInspectionPlan(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Shanghai")
		at := func(s string) time.Time {
			v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		clk := clock.NewFake(at("2026-03-02 09:00"))
		svc := venue.New(db, clk, loc)
		au := auth.New(db, clk)
		mk := func(name, role string) access.Actor {
			u, err := au.Create(ctx, access.SystemActor(), auth.UserInput{Username: name, DisplayName: name, Password: "password-123", Roles: []string{role}, Active: true})
			if err != nil {
				t.Fatal(err)
			}
			return u.Actor("127.0.0.1")
		}
		eng, staff := mk("eng", access.Engineering), mk("staff", access.Staff)
		in := venue.Defaults()
		in.Name, in.Code, in.Capacity = "多功能厅", "H1", 80
		v, err := svc.Create(ctx, mk("office", access.Office), in)
		if err != nil {
			t.Fatal(err)
		}
		rule, err := venue.InspectionRule("MONTHLY", at("2026-03-10 09:00"), "2026-05-31", loc)
		if err != nil || rule != "FREQ=MONTHLY;UNTIL=20260531" {
			t.Fatalf("rule %q %v", rule, err)
		}
		if _, err := svc.AddInspectionPlan(ctx, staff, v.ID, "设备检查", rule, at("2026-03-10 09:00")); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("staff planned: %v", err)
		}
		if _, err := svc.AddInspectionPlan(ctx, eng, v.ID, "设备检查", "FREQ=DAILY", at("2026-03-10 09:00")); errs.As(err).Field != "rule" {
			t.Fatalf("bad rule: %v", err)
		}
		p, err := svc.AddInspectionPlan(ctx, eng, v.ID, "音响、投影、话筒检查", rule, at("2026-03-10 09:00"))
		if err != nil || !p.Next.Equal(at("2026-03-10 09:00")) {
			t.Fatalf("plan %+v %v", p, err)
		}
		runner := jobs.NewRunner(db, clk, nil)
		svc.RegisterJobs(runner)
		tasks := func() []task.Task {
			list, err := task.List(ctx, db, task.Filter{Kind: venue.InspectionTaskKind})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		clk.Set(at("2026-03-09 08:59"))
		if n, _ := runner.RunDue(ctx, 10); n != 0 || len(tasks()) != 0 {
			t.Fatalf("early: %d jobs, %d tasks", n, len(tasks()))
		}
		clk.Set(at("2026-03-09 09:00"))
		if n, err := runner.RunDue(ctx, 10); err != nil || n != 1 {
			t.Fatalf("due: %d %v", n, err)
		}
		if n, _ := runner.RunDue(ctx, 10); n != 0 {
			t.Fatalf("ran twice")
		}
		list := tasks()
		if len(list) != 1 || list[0].Role != access.Engineering || !list[0].DueAt.Equal(at("2026-03-10 09:00")) || list[0].EntityID != v.ID {
			t.Fatalf("tasks %+v", list)
		}
		plans, _ := svc.InspectionPlans(ctx, eng, v.ID)
		if len(plans) != 1 || !plans[0].Next.Equal(at("2026-04-10 09:00")) {
			t.Fatalf("next %+v", plans)
		}
		if _, err := svc.StopInspectionPlan(ctx, eng, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StopInspectionPlan(ctx, eng, p.ID); errs.As(err).Kind != errs.Conflict {
			t.Fatalf("stopped twice: %v", err)
		}
		clk.Set(at("2026-04-10 09:00"))
		if _, err := runner.RunDue(ctx, 10); err != nil || len(tasks()) != 1 {
			t.Fatalf("after stop: %d tasks %v", len(tasks()), err)
		}
	})
}

// TestRepairTellsEngineeringAndOffice: a repair report reaches engineering
// and the office, not its reporter.
func TestRepairTellsEngineeringAndOffice(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
		svc := venue.New(db, clk, time.UTC)
		var told []int64
		var key string
		svc.Notify = func(_ context.Context, _ store.Querier, _ time.Time, ids []int64, k string, _ map[string]any, _ string) error {
			told, key = ids, k
			return nil
		}
		au := auth.New(db, clk)
		mk := func(name, role string) access.Actor {
			u, err := au.Create(ctx, access.SystemActor(), auth.UserInput{Username: name, DisplayName: name, Password: "password-123", Roles: []string{role}, Active: true})
			if err != nil {
				t.Fatal(err)
			}
			return u.Actor("127.0.0.1")
		}
		eng, office, staff := mk("eng", access.Engineering), mk("office", access.Office), mk("staff", access.Staff)
		mk("guard", access.Security)
		in := venue.Defaults()
		in.Name, in.Code, in.Capacity = "第一会议室", "R1", 12
		v, err := svc.Create(ctx, office, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ReportRepair(ctx, staff, venue.RepairInput{VenueID: v.ID, Equipment: "projector", Description: "投影仪无信号"}); err != nil {
			t.Fatal(err)
		}
		if key != "venue.msg.repair_reported" || len(told) != 2 || told[0] != eng.UserID || told[1] != office.UserID {
			t.Fatalf("told %v with %q", told, key)
		}
		if _, err := svc.ReportRepair(ctx, eng, venue.RepairInput{VenueID: v.ID, Description: "空调异响"}); err != nil {
			t.Fatal(err)
		}
		if len(told) != 1 || told[0] != office.UserID {
			t.Fatalf("reporter told: %v", told)
		}
	})
}
