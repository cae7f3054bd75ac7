package reception

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/ics"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Calendar window of duties: 30 days back to 180 days ahead, as the
// booking feeds; a duty is shown as the half hour before it is due.
const (
	calendarBack  = 30 * 24 * time.Hour
	calendarAhead = 180 * 24 * time.Hour
	dutySlot      = 30 * time.Minute
)

// PersonEvents are the reception duties the actor owns or assists with,
// of cases they may see and that are not cancelled; a cancelled duty or
// case leaves the calendar.
func (s *Service) PersonEvents(ctx context.Context, a access.Actor) ([]ics.Event, error) {
	if a.UserID == 0 {
		return nil, nil
	}
	now := s.Clock.Now()
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.entity_id, t.title, t.description, t.due_at, t.created_at, t.updated_at
 FROM tasks t JOIN receptions r ON r.id = t.entity_id
 WHERE t.entity = ? AND t.kind = ? AND (t.owner_id = ? OR t.assistant_id = ?) AND t.status <> ? AND r.status <> ?
   AND t.due_at > ? AND t.due_at < ?
 ORDER BY t.due_at, t.id LIMIT 2000`,
		Entity, KindDuty, a.UserID, a.UserID, task.StatusCancelled, StatusCancelled,
		store.Ms(now.Add(-calendarBack)), store.Ms(now.Add(calendarAhead)))
	if err != nil {
		return nil, fmt.Errorf("reception duties on the calendar of user %d: %w", a.UserID, err)
	}
	type duty struct {
		id, caseID            int64
		title, desc           string
		due, created, updated int64
	}
	var duties []duty
	for rows.Next() {
		var d duty
		if err := rows.Scan(&d.id, &d.caseID, &d.title, &d.desc, &d.due, &d.created, &d.updated); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan reception duty: %w", err)
		}
		duties = append(duties, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reception duties on the calendar of user %d: %w", a.UserID, err)
	}
	cases := map[int64]*Reception{}
	events := make([]ics.Event, 0, len(duties))
	for _, d := range duties {
		r, seen := cases[d.caseID]
		if !seen {
			c, err := s.internal(ctx, a, d.caseID)
			if k := errs.As(err); err != nil && (k.Kind == errs.Forbidden || k.Kind == errs.NotFound) {
				cases[d.caseID] = nil // not theirs to read: not on their calendar
				continue
			} else if err != nil {
				return nil, err
			}
			r = &c
			cases[d.caseID] = r
		}
		if r == nil {
			continue
		}
		due := store.Time(d.due)
		desc := strings.TrimSpace(strings.Join([]string{d.desc, strings.TrimSpace(r.Code + " " + r.OrgName)}, "\n"))
		events = append(events, ics.Event{UID: fmt.Sprintf("reception-duty-%d@jiedai", d.id), Start: due.Add(-dutySlot), End: due,
			Summary: d.title, Description: desc, Created: store.Time(d.created), LastModified: store.Time(d.updated)})
	}
	return events, nil
}
