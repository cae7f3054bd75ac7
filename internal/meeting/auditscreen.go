package meeting

import (
	"context"
	"fmt"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// ScreenAudit registers with the audit log how much of the area's rows a
// reader sees: the content of a row only when the reader may read its
// record at the record's level (access.go), otherwise who, when and what
// action. Allowed reads of confidential content are logged, via "audit".
func (s *Service) ScreenAudit(l *audit.Log) {
	l.Screen(EntityMeeting, s.auditScreen(EntityMeeting, meetingLevel))
	l.Screen(EntityMinutes, s.auditScreen(EntityMinutes, minutesLevel))
	l.Screen(EntityReview, s.auditScreen(EntityReview, minutesLevel))
	l.Screen(EntityNegotiation, s.auditScreen(EntityNegotiation, negotiationLevel))
	l.Screen(EntityAction, s.auditScreen(EntityAction, actionLevel))
	l.Screen(EntityRevisit, s.auditScreen(EntityRevisit, revisitLevel))
}

// levelOf finds the meeting a record belongs to and the level it is read at.
type levelOf func(ctx context.Context, q store.Querier, id int64) (Meeting, string, error)

func meetingLevel(ctx context.Context, q store.Querier, id int64) (Meeting, string, error) {
	m, err := get(ctx, q, id)
	return m, m.Level, err
}

// minutesLevel is the level of the minutes and the review: the stricter
// of the meeting's and the minutes'.
func minutesLevel(ctx context.Context, q store.Querier, id int64) (Meeting, string, error) {
	m, err := get(ctx, q, id)
	if err != nil {
		return m, "", err
	}
	return m, reviewLevel(ctx, q, m), nil
}

func negotiationLevel(ctx context.Context, q store.Querier, id int64) (Meeting, string, error) {
	m, err := get(ctx, q, id)
	return m, NegotiationLevel(m), err
}

func actionLevel(ctx context.Context, q store.Querier, id int64) (Meeting, string, error) {
	var meetingID int64
	if err := q.QueryRow(ctx, `SELECT meeting_id FROM meeting_action_items WHERE id = ?`, id).Scan(&meetingID); err != nil {
		return Meeting{}, "", errs.Wrap(store.MapError(err), fmt.Sprintf("meeting of action item %d", id))
	}
	return minutesLevel(ctx, q, meetingID)
}

func revisitLevel(ctx context.Context, q store.Querier, id int64) (Meeting, string, error) {
	var meetingID int64
	if err := q.QueryRow(ctx, `SELECT meeting_id FROM meeting_revisits WHERE id = ?`, id).Scan(&meetingID); err != nil {
		return Meeting{}, "", errs.Wrap(store.MapError(err), fmt.Sprintf("meeting of revisit %d", id))
	}
	return meetingLevel(ctx, q, meetingID)
}

// auditScreen clears a reader for the records of an entity they may read;
// a record that is gone only for those cleared for every level.
func (s *Service) auditScreen(entity string, of levelOf) audit.Screen {
	return func(ctx context.Context, q store.Querier, a access.Actor, ids []int64) (map[int64]bool, error) {
		out := map[int64]bool{}
		for _, id := range ids {
			m, level, err := of(ctx, q, id)
			if errs.As(err).Kind == errs.NotFound {
				out[id] = a.Cleared(access.Secret)
				continue
			}
			if err != nil {
				return nil, err
			}
			ok, err := admitted(ctx, q, a, m, level)
			if err != nil {
				return nil, err
			}
			out[id] = ok
			if ok {
				if err := s.logRead(ctx, a, Read{Entity: entity, ID: id, Level: level, Via: "audit"}, true); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	}
}
