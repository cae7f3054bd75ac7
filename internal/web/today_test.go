package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
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
			// Waiting longest, so it is among the first the page lists.
			_, err := approval.Start(ctx, tx, now.AddDate(0, -1, 0), staff.Actor(""), "booking", 42, "三楼会议室预订", "/", []approval.StepSpec{{Role: access.Office}}, a.Auth.ManagerOf)
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

// A busy reader's today page lists the most urgent few of each section and
// counts the rest, however many there are.
func TestTodayListsTheFirstAndCountsTheRest(t *testing.T) {
	a, fc := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	ctx := context.Background()
	office, err := a.Auth.GetByUsername(ctx, "office")
	if err != nil {
		t.Fatal(err)
	}
	staff, _ := a.Auth.GetByUsername(ctx, "staff")
	now := fc.Now()
	const n = 40
	err = a.DB.InTx(ctx, func(tx *store.Tx) error {
		sys := access.SystemActor()
		for i := range n {
			// Older than anything of the demo: these lead their sections.
			if _, err := task.Create(ctx, tx, now, sys, task.Input{Kind: "test", Title: fmt.Sprintf("积压任务%02d", i), OwnerID: office.ID, DueAt: now.AddDate(0, -1, 0).Add(time.Duration(i) * time.Minute), Link: "/"}); err != nil {
				return err
			}
			if _, err := approval.Start(ctx, tx, now.AddDate(0, -1, 0).Add(time.Duration(i)*time.Second), staff.Actor(""), "booking", int64(1000+i), fmt.Sprintf("待批预订%02d", i), "/", []approval.StepSpec{{Role: access.Office}}, a.Auth.ManagerOf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	oa := office.Actor("")
	_, approvals, err := approval.WaitingFirst(ctx, a.DB, oa, 1, app.TodayCounted)
	if err != nil || approvals < n {
		t.Fatalf("waiting: %d %v", approvals, err)
	}
	due, err := task.DueFor(ctx, a.DB, oa, now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var tasks []task.Task // those the tasks card lists, not another card
	for _, tk := range due {
		if !app.OnAreaCard(oa, tk) {
			tasks = append(tasks, tk)
		}
	}
	srv := apptest.Serve(t, a)
	_, body := apptest.Get(t, apptest.Login(t, srv, "office"), srv.URL+"/")
	for _, sec := range []struct {
		id, first, hidden string
		total             int
	}{{"today-tasks", "积压任务00", fmt.Sprintf("积压任务%02d", n-1), len(tasks)}, {"today-approvals", "待批预订00", fmt.Sprintf("待批预订%02d", n-1), approvals}} {
		i := strings.Index(body, `id="`+sec.id+`"`)
		if i < 0 {
			t.Fatalf("no section %s", sec.id)
		}
		part := body[i:]
		if j := strings.Index(part, "</section>"); j > 0 {
			part = part[:j]
		}
		if got := strings.Count(part, "<li"); got != app.TodayShown {
			t.Errorf("%s lists %d lines, want %d", sec.id, got, app.TodayShown)
		}
		if !strings.Contains(part, sec.first) || strings.Contains(part, sec.hidden) {
			t.Errorf("%s does not list the most urgent first", sec.id)
		}
		if !strings.Contains(part, fmt.Sprintf("共 %d 项，这里列出最紧急的 %d 项", sec.total, app.TodayShown)) {
			t.Errorf("%s does not count the rest (%d)", sec.id, sec.total)
		}
	}
}

// TestTodayShowsWhatEachRoleActsOn: a client's home has no internal cards;
// a member of staff with nothing to approve sees no approvals card; and no
// task is listed twice (on the tasks card and its area's card).
func TestTodayShowsWhatEachRoleActsOn(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	for _, c := range []struct {
		user       string
		want, none []string
	}{
		{"client", []string{`id="today-booking-mine"`}, []string{`id="today-approvals"`, `id="today-tasks"`, `id="today-reception"`, `id="today-meetings"`}},
		{"staff", []string{`id="today-tasks"`}, []string{`id="today-approvals"`}},
		{"receptionist", nil, []string{`id="today-approvals"`}},
		{"office", []string{`id="today-approvals"`, `id="today-tasks"`}, nil},
	} {
		body := checkPage(t, apptest.Login(t, srv, c.user), srv.URL+"/", 200)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %s", c.user, w)
			}
		}
		for _, n := range c.none {
			if strings.Contains(body, n) {
				t.Errorf("%s: shows %s", c.user, n)
			}
		}
		// Every task link appears once.
		seen := map[string]int{}
		for _, m := range regexp.MustCompile(`href="(/receptions/\d+/duties|/bookings/\d+)"`).FindAllStringSubmatch(body, -1) {
			seen[m[1]]++
		}
		for _, sec := range regexp.MustCompile(`(?s)<section class="card" id="today-tasks">.*?</section>`).FindAllString(body, -1) {
			for _, m := range regexp.MustCompile(`href="(/receptions/\d+/duties)"`).FindAllStringSubmatch(sec, -1) {
				if strings.Count(body, `href="`+m[1]+`"`) > strings.Count(sec, `href="`+m[1]+`"`) {
					t.Errorf("%s: %s listed on the tasks card and on the reception card", c.user, m[1])
				}
			}
		}
	}
}
