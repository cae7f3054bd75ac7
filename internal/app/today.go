package app

import (
	"context"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/booking"
	"jiedai/internal/notify"
	"jiedai/internal/reception"
	"jiedai/internal/task"
)

// approverRoles are the roles review chains give steps to; a reader
// holding none of them sees the approvals card only when something waits.
var approverRoles = []string{access.Manager, access.Office, access.Supervisor, access.Executive, access.Finance, access.Audit, access.Legal}

// todayApprovals lists the review steps waiting for the actor.
func (a *App) todayApprovals(ctx context.Context, act access.Actor, lang string) (TodaySection, error) {
	sec := TodaySection{Key: "approvals", TitleKey: "today.approvals", EmptyKey: "today.none_approvals"}
	if !act.IsStaff() {
		return TodaySection{}, nil
	}
	list, total, err := approval.WaitingFirst(ctx, a.DB, act, TodayShown, TodayCounted)
	if err != nil {
		return sec, err
	}
	if total == 0 && !act.Has(approverRoles...) {
		return TodaySection{}, nil
	}
	sec.Total = total
	for _, p := range list {
		detail := a.I18n.T(lang, "today.waiting_since", map[string]any{"time": p.Since.In(a.Loc).Format("01-02 15:04")})
		if a.I18n.Has(lang, "entity."+p.Entity) {
			detail = a.I18n.T(lang, "entity."+p.Entity, nil) + " · " + detail
		}
		sec.Items = append(sec.Items, TodayItem{Title: p.Title, Link: p.Link, Detail: detail})
	}
	return sec, nil
}

// todayTasks lists the actor's tasks (and their queues') due by the end of
// today, overdue first, but those another card of the page lists.
func (a *App) todayTasks(ctx context.Context, act access.Actor, lang string) (TodaySection, error) {
	sec := TodaySection{Key: "tasks", TitleKey: "today.tasks", EmptyKey: "today.none_tasks"}
	if !act.IsStaff() {
		return TodaySection{}, nil
	}
	now := a.Clock.Now()
	y, m, d := now.In(a.Loc).Date()
	endOfDay := time.Date(y, m, d, 0, 0, 0, 0, a.Loc).AddDate(0, 0, 1)
	list, err := task.DueFor(ctx, a.DB, act, endOfDay)
	if err != nil {
		return sec, err
	}
	for _, t := range list {
		if OnAreaCard(act, t) {
			continue
		}
		sec.Items = append(sec.Items, TodayItem{Title: t.Title, Link: t.Link, Due: t.DueAt, Overdue: t.Overdue(now)})
	}
	return sec, nil
}

// OnAreaCard reports whether a task is listed on its area's card of the
// today page (a reception duty of the reader's, a run-sheet duty of a
// run-sheet department), so that the tasks card does not list it again.
func OnAreaCard(act access.Actor, t task.Task) bool {
	switch {
	case t.Entity == reception.Entity && t.OwnerID != 0:
		return true
	case t.Kind == booking.TaskKind:
		return act.Has(booking.RunSheetRoles...)
	}
	return false
}

// todayInbox lists the actor's unread messages.
func (a *App) todayInbox(ctx context.Context, act access.Actor, lang string) (TodaySection, error) {
	sec := TodaySection{Key: "inbox", TitleKey: "today.inbox", EmptyKey: "today.none_inbox", MoreLink: "/inbox"}
	list, err := a.Notify.Unread(ctx, act, 10)
	if err != nil {
		return sec, err
	}
	for _, n := range list {
		link := n.Link
		if link == "" {
			link = "/inbox"
		}
		args := make(map[string]any, len(n.Args))
		for k, v := range n.Args {
			if k != "title" && notify.IsLink(v) {
				v = a.I18n.T(lang, "today.see_record", nil) // a raw address is no use in a one-line summary; the line links to the record
			}
			args[k] = v
		}
		sec.Items = append(sec.Items, TodayItem{Title: a.I18n.T(lang, n.Key, args), Link: link, Detail: n.CreatedAt.In(a.Loc).Format("01-02 15:04")})
	}
	return sec, nil
}
