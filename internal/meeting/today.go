package meeting

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/store"
)

// Todo is one thing a person must do about meetings today; Key is the
// i18n key of its detail line, with Args.
type Todo struct {
	Title   string
	Key     string
	Args    map[string]any
	Link    string
	Due     time.Time
	Overdue bool
}

// Todos lists, for the today page: the actor's meetings today and
// tomorrow, minutes to draft, approve or send, leave requests to decide and
// results waiting for the actor's acceptance. Titles of confidential
// meetings the actor reads here are logged like any other read.
func (s *Service) Todos(ctx context.Context, a access.Actor) ([]Todo, error) {
	if !a.IsStaff() || a.UserID == 0 {
		return nil, nil
	}
	now := s.now()
	n := now.In(s.Loc)
	dayAfter := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, s.Loc).AddDate(0, 0, 2)
	var out []Todo
	var reads []Read
	add := func(m Meeting, t Todo) {
		if t.Title == "" {
			t.Title = m.Title
		}
		if m.Confidential() {
			reads = append(reads, Read{Entity: EntityMeeting, ID: m.ID, Level: m.Level, Via: "today"})
		}
		out = append(out, t)
	}
	// meetings today and tomorrow the actor is named on
	rows, err := s.DB.Query(ctx, `SELECT `+meetingColsM+` FROM meetings m WHERE m.status IN (?, ?, ?) AND m.start_at < ? AND m.end_at > ? AND `+namedSQL+` ORDER BY m.start_at LIMIT 20`,
		append([]any{StatusApproved, StatusNotified, StatusInProgress, store.Ms(dayAfter), store.Ms(now)}, namedArgs(a)...)...)
	if err != nil {
		return nil, fmt.Errorf("today's meetings: %w", err)
	}
	var ms []Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ms = append(ms, m)
	}
	rows.Close()
	for _, m := range ms {
		add(m, Todo{Key: "meeting.today.meeting", Args: map[string]any{"time": m.StartAt.In(s.Loc).Format("01-02 15:04"), "place": m.Place}, Link: Link(m.ID), Due: m.StartAt})
	}
	// minutes the actor must move on
	rows, err = s.DB.Query(ctx, `SELECT `+meetingColsM+`, mm.status, mm.draft_due_at, mm.send_due_at FROM meetings m JOIN meeting_minutes mm ON mm.meeting_id = m.id
		WHERE (mm.status IN (?, ?) AND (m.recorder_id = ? OR (m.recorder_id IS NULL AND m.host_id = ?)))
		   OR (mm.status = ? AND m.host_id = ?)
		   OR (mm.status = ? AND (m.host_id = ? OR m.convener_id = ?))
		ORDER BY mm.draft_due_at LIMIT 50`,
		MinutesDraft, MinutesReturned, a.UserID, a.UserID, MinutesSubmitted, a.UserID, MinutesApproved, a.UserID, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("minutes to do: %w", err)
	}
	type mrow struct {
		m                 Meeting
		status            string
		draftDue, sendDue int64
	}
	var mrs []mrow
	for rows.Next() {
		var r mrow
		var err error
		r.m, err = scanMeeting(multiScan(rows, &r.status, &r.draftDue, &r.sendDue))
		if err != nil {
			rows.Close()
			return nil, err
		}
		mrs = append(mrs, r)
	}
	rows.Close()
	for _, r := range mrs {
		due, key := store.Time(r.sendDue), "meeting.today.minutes_"+r.status
		if r.status == MinutesDraft || r.status == MinutesReturned {
			due = store.Time(r.draftDue)
		}
		add(r.m, Todo{Key: key, Link: MinutesLink(r.m.ID), Due: due, Overdue: now.After(due)})
	}
	// leave requests waiting for the convener
	rows, err = s.DB.Query(ctx, `SELECT `+meetingColsM+`, COUNT(*) FROM meetings m JOIN meeting_attendees x ON x.meeting_id = m.id
		WHERE x.leave_status = ? AND m.convener_id = ? AND m.status IN (?, ?, ?) GROUP BY `+meetingColsGroup+` LIMIT 20`,
		LeavePending, a.UserID, StatusRequested, StatusApproved, StatusNotified)
	if err != nil {
		return nil, fmt.Errorf("leave requests to decide: %w", err)
	}
	type lrow struct {
		m Meeting
		n int
	}
	var lrs []lrow
	for rows.Next() {
		var r lrow
		var err error
		if r.m, err = scanMeeting(multiScan(rows, &r.n)); err != nil {
			rows.Close()
			return nil, err
		}
		lrs = append(lrs, r)
	}
	rows.Close()
	for _, r := range lrs {
		add(r.m, Todo{Key: "meeting.today.leave", Args: map[string]any{"n": r.n}, Link: Link(r.m.ID)})
	}
	// results waiting for the actor's acceptance
	items, err := listActions(ctx, s.DB, ActionFilter{HostID: a.UserID, Status: ActionSubmitted}, &a, now)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.OwnerID == a.UserID {
			continue
		}
		m := Meeting{ID: it.MeetingID, Title: it.Goal, Level: it.Level}
		add(m, Todo{Key: "meeting.today.accept", Args: map[string]any{"meeting": it.MeetingTitle}, Link: actionLink(it), Due: it.DueAt})
	}
	// revisits the actor owns, due within a week or late
	rvs, err := listRevisits(ctx, s.DB, "owner_id = ? AND status = ? AND due_at < ?", now, a.UserID, RevisitPlanned, store.Ms(now.Add(7*24*time.Hour)))
	if err != nil {
		return nil, err
	}
	for _, r := range rvs {
		// the client and purpose only as far as the owner may read the meeting
		m, err := get(ctx, s.DB, r.MeetingID)
		if err != nil {
			return nil, err
		}
		ok, err := admitted(ctx, s.DB, a, m, m.Level)
		if err != nil {
			return nil, err
		}
		t := Todo{Title: r.ClientName, Key: "meeting.today.revisit", Args: map[string]any{"purpose": r.Purpose}, Link: Link(r.MeetingID) + "/wrapup", Due: r.DueAt, Overdue: r.Overdue}
		switch {
		case !ok:
			t.Title, t.Args["purpose"] = fmt.Sprintf("#%d", m.ID), ""
		case m.Confidential():
			reads = append(reads, Read{Entity: EntityRevisit, ID: r.ID, Level: m.Level, Via: "today"})
		}
		out = append(out, t)
	}
	for _, r := range reads {
		if err := s.logRead(ctx, a, r, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}
