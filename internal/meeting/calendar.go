package meeting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/ics"
	"jiedai/internal/store"
)

// Calendar window: meetings from 30 days back to 180 days ahead, as the
// booking feeds.
const (
	calendarBack  = 30 * 24 * time.Hour
	calendarAhead = 180 * 24 * time.Hour
)

// calendarEvent is the meeting as a VEVENT: its title, purpose and agenda,
// place and times; the invitation adds the organizer and attendees.
func (s *Service) calendarEvent(ctx context.Context, q store.Querier, m Meeting) (ics.Event, error) {
	agenda, err := loadAgenda(ctx, q, m.ID)
	if err != nil {
		return ics.Event{}, err
	}
	var desc strings.Builder
	if m.Purpose != "" {
		desc.WriteString(m.Purpose)
		desc.WriteString("\n\n")
	}
	for i, it := range agenda {
		fmt.Fprintf(&desc, "%d. %s", i+1, it.Topic)
		if it.Minutes > 0 {
			fmt.Fprintf(&desc, " (%d min)", it.Minutes)
		}
		desc.WriteString("\n")
	}
	status := ics.StatusConfirmed
	if m.Status == StatusCancelled {
		status = ics.StatusCancelled
	}
	return ics.Event{
		UID: fmt.Sprintf("meeting-%d@jiedai", m.ID), Sequence: m.NoticeSeq, Start: m.StartAt, End: m.EndAt,
		Summary: m.Title, Description: strings.TrimSpace(desc.String()), Location: m.Place, Status: status,
		Created: m.CreatedAt, LastModified: m.UpdatedAt,
	}, nil
}

// PersonEvents are the meetings the actor hosts, records, convenes or is
// invited to (and has not been excused from), from the notice on: drafts,
// requests and refused meetings are not on anyone's calendar, and a
// cancelled one leaves it. Each is read through the meeting's guard, so
// reads of confidential meetings are logged (route "caldav").
func (s *Service) PersonEvents(ctx context.Context, a access.Actor) ([]ics.Event, error) {
	if a.UserID == 0 {
		return nil, nil
	}
	now := s.Clock.Now()
	rows, err := s.DB.Query(ctx, `SELECT id FROM meetings m
 WHERE m.status IN (?, ?, ?, ?, ?) AND m.end_at > ? AND m.start_at < ?
   AND (m.host_id = ? OR m.recorder_id = ? OR m.convener_id = ? OR EXISTS (
        SELECT 1 FROM meeting_attendees t WHERE t.meeting_id = m.id AND t.user_id = ? AND t.leave_status <> ?))
 ORDER BY m.start_at, m.id LIMIT 2000`,
		StatusApproved, StatusNotified, StatusInProgress, StatusEnded, StatusClosed,
		store.Ms(now.Add(-calendarBack)), store.Ms(now.Add(calendarAhead)),
		a.UserID, a.UserID, a.UserID, a.UserID, LeaveApproved)
	if err != nil {
		return nil, fmt.Errorf("meetings on the calendar of user %d: %w", a.UserID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan meeting id: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("meetings on the calendar of user %d: %w", a.UserID, err)
	}
	events := make([]ics.Event, 0, len(ids))
	for _, id := range ids {
		m, err := s.viewable(ctx, a, id, "caldav")
		if k := errs.As(err); err != nil && (k.Kind == errs.Forbidden || k.Kind == errs.NotFound) {
			continue // not admitted (the level is above the reader's): not on their calendar
		} else if err != nil {
			return nil, err
		}
		ev, err := s.calendarEvent(ctx, s.DB, m)
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}
