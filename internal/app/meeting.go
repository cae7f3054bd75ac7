package app

import (
	"context"

	"jiedai/internal/access"
	"jiedai/internal/client"
	"jiedai/internal/jobs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
)

// wireMeetings builds the meeting service on the notify and jobs engines,
// registers its deadline jobs and adds its today section.
func (a *App) wireMeetings() {
	a.Meetings = meeting.New(a.DB, a.Clock, a.Loc)
	a.Meetings.Notify = a.Notify.Notify
	a.Meetings.Schedule = jobs.Schedule
	a.Meetings.Reschedule = jobs.Reschedule
	a.Meetings.BaseURL = a.Config.BaseURL
	for _, kind := range meeting.JobKinds {
		a.Jobs.Register(kind, func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
			return a.Meetings.RunJob(ctx, tx, j.Kind, j.Payload)
		})
	}
	a.Files.Guard(meeting.EntityMeeting, a.Meetings.MaterialsGuard)
	a.Notify.AddTitler(a.Meetings.InboxTitle)
	a.Meetings.ScreenAudit(a.Audit)
	a.Clients.AddOrgRef("meetings", "client_org_id")
	a.Clients.AddOrgRef("meeting_revisits", "client_org_id")
	a.Clients.AddHistory(meetingHistory)
	a.Today = append(a.Today, a.todayMeetings)
}

// meetingHistory gives the client register the meetings with a client.
func meetingHistory(ctx context.Context, q store.Querier, orgID, contactID int64) ([]client.HistoryItem, error) {
	if contactID != 0 {
		return nil, nil // meetings name organisations, not contacts
	}
	hs, err := meeting.ClientHistory(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]client.HistoryItem, 0, len(hs))
	for _, h := range hs {
		out = append(out, client.HistoryItem{Kind: "meeting", ID: h.ID, Title: h.Title, At: h.StartAt, StatusKey: "meeting.status." + h.Status, Link: meeting.Link(h.ID)})
	}
	return out, nil
}

// todayMeetings lists meetings, minutes, leave requests and results the
// actor must deal with.
func (a *App) todayMeetings(ctx context.Context, act access.Actor, lang string) (TodaySection, error) {
	sec := TodaySection{Key: "meetings", TitleKey: "meeting.today.title", EmptyKey: "meeting.today.none", MoreLink: "/action-items"}
	if !act.IsStaff() {
		return TodaySection{}, nil // clients do not attend the company's meetings
	}
	todos, err := a.Meetings.Todos(ctx, act)
	if err != nil {
		return sec, err
	}
	for _, t := range todos {
		sec.Items = append(sec.Items, TodayItem{Title: t.Title, Detail: a.I18n.T(lang, t.Key, t.Args), Link: t.Link, Due: t.Due, Overdue: t.Overdue})
	}
	return sec, nil
}
