package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
)

// The today page shows the reader's tasks due today (overdue marked) and
// the approvals waiting for them, and nothing of other people's.
func TestTodayShowsTasksAndApprovals(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, fc := apptest.New(t, db)
		ctx := context.Background()
		office, err := a.Auth.GetByUsername(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		staff, _ := a.Auth.GetByUsername(ctx, "staff")
		now := fc.Now()
		err = db.InTx(ctx, func(tx *store.Tx) error {
			sys := access.SystemActor()
			if _, err := task.Create(ctx, tx, now, sys, task.Input{Kind: "test", Title: "确认茶歇数量", OwnerID: office.ID, DueAt: now.Add(2 * time.Hour), Link: "/"}); err != nil {
				return err
			}
			if _, err := task.Create(ctx, tx, now, sys, task.Input{Kind: "test", Title: "检查投影仪", OwnerID: office.ID, DueAt: now.Add(-time.Hour), Link: "/"}); err != nil {
				return err
			}
			if _, err := task.Create(ctx, tx, now, sys, task.Input{Kind: "test", Title: "下周的任务", OwnerID: office.ID, DueAt: now.Add(7 * 24 * time.Hour), Link: "/"}); err != nil {
				return err
			}
			_, err := approval.Start(ctx, tx, now, staff.Actor(""), "booking", 42, "三楼会议室预订", "/", []approval.StepSpec{{Role: access.Office}}, a.Auth.ManagerOf)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := apptest.Serve(t, a)
		_, body := apptest.Get(t, apptest.Login(t, srv, "office"), srv.URL+"/")
		for _, want := range []string{"确认茶歇数量", "检查投影仪", "已逾期", "三楼会议室预订", "场地预订"} {
			if !strings.Contains(body, want) {
				t.Errorf("office's today page lacks %q", want)
			}
		}
		if strings.Contains(body, "下周的任务") {
			t.Error("a task due next week is on today's page")
		}
		_, body = apptest.Get(t, apptest.Login(t, srv, "staff"), srv.URL+"/")
		if strings.Contains(body, "三楼会议室预订") || strings.Contains(body, "确认茶歇数量") {
			t.Error("staff sees the office's work")
		}
	})
}
