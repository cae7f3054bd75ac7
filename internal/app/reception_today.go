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
		return TodaySection{}, nil
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
	// Duties are named by their case (code and guest organisation), read
	// only for the lines the page shows.
	seen := map[int64]bool{}
	var duties []reception.Duty
	add := func(d reception.Duty) {
		if !seen[d.Task.ID] {
			seen[d.Task.ID] = true
			duties = append(duties, d)
		}
	}
	if ac.Has(access.Supervisor, access.Office) {
		late, err := a.Reception.OverdueDuties(ctx, ac)
		if err != nil {
			return sec, err
		}
		for _, d := range late {
			add(d)
		}
	}
	mine, err := task.DueFor(ctx, a.DB, ac, now.Add(48*time.Hour))
	if err != nil {
		return sec, err
	}
	for _, t := range mine {
		if t.Entity == reception.Entity && t.OwnerID != 0 {
			add(reception.Duty{ReceptionID: t.EntityID, Task: t})
		}
	}
	sec.Total = len(sec.Items) + len(duties)
	codes := map[int64]string{}
	for _, d := range duties {
		if len(sec.Items) >= TodayShown {
			break
		}
		c, ok := codes[d.ReceptionID]
		if !ok {
			if r, err := a.Reception.Get(ctx, ac, d.ReceptionID); err == nil {
				c = r.Code + " " + r.OrgName
			}
			codes[d.ReceptionID] = c
		}
		sec.Items = append(sec.Items, TodayItem{Title: d.Task.Title, Detail: c, Link: reception.Link(d.ReceptionID) + "/duties",
			Due: d.Task.DueAt, Overdue: d.Task.Overdue(now)})
	}
	return sec, nil
}
