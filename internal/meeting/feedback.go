package meeting

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// EntityFeedback is the audit entity of attendees' feedback.
const EntityFeedback = "meeting_feedback"

// Feedback is an attendee's word on a meeting at its close (a score from
// 1 to 5 and a comment), shown to the host.
type Feedback struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	Rating    int       `json:"rating"`
	Comment   string    `json:"comment,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// feedbackOpen reports whether feedback may be given: once the meeting has
// ended (and after it is closed).
func feedbackOpen(m Meeting) bool { return m.Status == StatusEnded || m.Status == StatusClosed }

// canGiveFeedback: attendees with an account (not the host, who reads it)
// and the recorder.
func canGiveFeedback(ctx context.Context, q store.Querier, a access.Actor, m Meeting) (bool, error) {
	if a.UserID == 0 || isHost(a, m) {
		return false, nil
	}
	if a.UserID == m.RecorderID {
		return true, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_attendees WHERE meeting_id = ? AND user_id = ?`, m.ID, a.UserID).Scan(&n); err != nil {
		return false, fmt.Errorf("attendee of meeting %d: %w", m.ID, err)
	}
	return n > 0, nil
}

// GiveFeedback records (or replaces) the actor's feedback on a meeting that
// has ended; the host is told.
func (s *Service) GiveFeedback(ctx context.Context, a access.Actor, id int64, rating int, comment string) (Feedback, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		ok, err := canGiveFeedback(ctx, tx, a, m)
		if err != nil {
			return err
		}
		if !ok {
			seen, err := admitted(ctx, tx, a, m, m.Level)
			if err != nil {
				return err
			}
			return errs.Refuse(seen)
		}
		if !feedbackOpen(m) {
			return errs.State(m.Status, "feedback")
		}
		var l errs.List
		if rating < 1 || rating > 5 {
			l.Add("rating", "err.meeting.rating_range")
		}
		comment = text(&l, "comment", comment, false, MaxText)
		if err := l.Err(); err != nil {
			return err
		}
		before, err := ownFeedback(ctx, tx, id, a.UserID)
		if err != nil {
			return err
		}
		if before == nil {
			_, err = tx.Exec(ctx, `INSERT INTO meeting_feedback (meeting_id, user_id, rating, comment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				id, a.UserID, rating, comment, store.Ms(now), store.Ms(now))
		} else {
			_, err = tx.Exec(ctx, `UPDATE meeting_feedback SET rating = ?, comment = ?, updated_at = ? WHERE id = ?`, rating, comment, store.Ms(now), before.ID)
		}
		if err != nil {
			return fmt.Errorf("save feedback on meeting %d: %w", id, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityFeedback, id, "feedback", before, map[string]any{"rating": rating, "comment": comment}); err != nil {
			return err
		}
		args := msgArgs(m, s.Loc)
		args["rating"] = rating
		return s.notify(ctx, tx, now, []int64{m.HostID}, "meeting.msg.feedback", args, Link(id)+"#feedback")
	})
	if err != nil {
		return Feedback{}, err
	}
	f, err := ownFeedback(ctx, s.DB, id, a.UserID)
	if err != nil || f == nil {
		return Feedback{}, err
	}
	return *f, nil
}

// FeedbackOf returns the feedback the actor may read: all of it for those
// who manage the meeting (the host, the convener), else only their own.
func (s *Service) FeedbackOf(ctx context.Context, a access.Actor, id int64) ([]Feedback, error) {
	m, err := s.viewable(ctx, a, id, "feedback")
	if err != nil {
		return nil, err
	}
	q := `SELECT f.id, f.user_id, CASE WHEN u.display_name = '' THEN u.username ELSE u.display_name END, f.rating, f.comment, f.updated_at
		FROM meeting_feedback f JOIN users u ON u.id = f.user_id WHERE f.meeting_id = ?`
	args := []any{id}
	if !canManage(a, m) {
		q += ` AND f.user_id = ?`
		args = append(args, a.UserID)
	}
	return scanFeedback(ctx, s.DB, q+` ORDER BY f.id`, args...)
}

func ownFeedback(ctx context.Context, q store.Querier, id, userID int64) (*Feedback, error) {
	list, err := scanFeedback(ctx, q, `SELECT f.id, f.user_id, '', f.rating, f.comment, f.updated_at FROM meeting_feedback f WHERE f.meeting_id = ? AND f.user_id = ?`, id, userID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

func scanFeedback(ctx context.Context, q store.Querier, query string, args ...any) ([]Feedback, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("meeting feedback: %w", err)
	}
	defer rows.Close()
	out := []Feedback{}
	for rows.Next() {
		var f Feedback
		var at int64
		if err := rows.Scan(&f.ID, &f.UserID, &f.Name, &f.Rating, &f.Comment, &at); err != nil {
			return nil, fmt.Errorf("scan feedback: %w", err)
		}
		f.UpdatedAt = store.Time(at)
		out = append(out, f)
	}
	return out, rows.Err()
}
