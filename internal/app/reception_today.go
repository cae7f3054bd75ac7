package app

import (
	"context"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/reception"
	"jiedai/internal/task"
)

// receptionToday lists today's visits, the reader's reception duties due
// within two days and, for supervisors and the office, every overdue duty.
func (a *App) receptionToday(ctx context.Context, ac access.Actor, lang string) (TodaySection, error) {
	sec := TodaySection{Key: "reception", TitleKey: "reception.today.title", EmptyKey: "reception.today.empty", MoreLink: "/receptions"}
	if !ac.IsStaff() || ac.UserID == 0 {
		return sec, nil
	}
	l := a.I18n.For(lang)
	now := a.Clock.Now()
	today := now.In(a.Loc).Format(time.DateOnly)
	visits, _, err := a.Reception.List(ctx, ac, reception.Filter{From: today, To: today, Status: "active"})
	if err != nil {
		return sec, err
	}
	for _, r := range visits {
		if r.Status != reception.StatusReady && r.Status != reception.StatusOngoing {
			continue
		}
		sec.Items = append(sec.Items, TodayItem{Title: l.T("reception.today.visit", "org", r.OrgName, "time", r.ArrivalTime),
			Detail: r.Code + " " + r.Purpose, Link: reception.Link(r.ID) + "/desk"})
	}
	seen := map[int64]bool{}
	add := func(d reception.Duty, code string) {
		if seen[d.Task.ID] {
			return
		}
		seen[d.Task.ID] = true
		sec.Items = append(sec.Items, TodayItem{Title: d.Task.Title, Detail: code, Link: reception.Link(d.ReceptionID) + "/duties",
			Due: d.Task.DueAt, Overdue: d.Task.Overdue(now)})
	}
	codes := map[int64]string{}
	code := func(id int64) string {
		if c, ok := codes[id]; ok {
			return c
		}
		r, err := a.Reception.Get(ctx, ac, id)
		if err != nil {
			return ""
		}
		codes[id] = r.Code + " " + r.OrgName
		return codes[id]
	}
	if ac.Has(access.Supervisor, access.Office) {
		late, err := a.Reception.OverdueDuties(ctx, ac)
		if err != nil {
			return sec, err
		}
		for _, d := range late {
			add(d, code(d.ReceptionID))
		}
	}
	mine, err := task.DueFor(ctx, a.DB, ac, now.Add(48*time.Hour))
	if err != nil {
		return sec, err
	}
	for _, t := range mine {
		if t.Entity != reception.Entity || t.OwnerID == 0 {
			continue
		}
		add(reception.Duty{ReceptionID: t.EntityID, Task: t}, code(t.EntityID))
	}
	return sec, nil
}
