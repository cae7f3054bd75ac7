package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Review is the meeting's summary report (会议总结报告, 001 五(二)): how it
// went, the client's feedback, the problems found; each improvement is an
// action item of kind improvement with an owner.
type Review struct {
	MeetingID      int64     `json:"meeting_id"`
	Level          string    `json:"level"`
	Summary        string    `json:"summary"`
	ClientFeedback string    `json:"client_feedback"`
	Problems       string    `json:"problems"`
	Satisfaction   int       `json:"satisfaction"` // 1–5, 0 not rated
	SubmittedAt    time.Time `json:"submitted_at,omitzero"`
	UpdatedBy      int64     `json:"updated_by,omitempty"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`
	Exists         bool      `json:"exists"`
}

// reviewLevel is the level of a meeting's review: that of its minutes.
func reviewLevel(ctx context.Context, q store.Querier, m Meeting) string {
	if mn, err := getMinutes(ctx, q, m.ID); err == nil {
		return maxLevel(m.Level, mn.Level)
	}
	return m.Level
}

func getReview(ctx context.Context, q store.Querier, m Meeting) (Review, error) {
	r := Review{MeetingID: m.ID, Level: reviewLevel(ctx, q, m)}
	var submitted sql.NullInt64
	var updated int64
	err := q.QueryRow(ctx, `SELECT summary, client_feedback, problems, satisfaction, submitted_at, COALESCE(updated_by, 0), updated_at FROM meeting_reviews WHERE meeting_id = ?`, m.ID).
		Scan(&r.Summary, &r.ClientFeedback, &r.Problems, &r.Satisfaction, &submitted, &r.UpdatedBy, &updated)
	if store.IsNoRows(err) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("review of meeting %d: %w", m.ID, err)
	}
	r.Exists = true
	r.SubmittedAt, r.UpdatedAt = store.NullMs(submitted), store.Time(updated)
	return r, nil
}

// ReadReview returns the review for those admitted at the minutes' level.
func (s *Service) ReadReview(ctx context.Context, a access.Actor, meetingID int64, via string) (Review, error) {
	m, err := get(ctx, s.DB, meetingID)
	if err != nil {
		return Review{}, err
	}
	level := reviewLevel(ctx, s.DB, m)
	if err := s.guard(ctx, a, m, Read{Entity: EntityReview, ID: m.ID, Level: level, Via: via}); err != nil {
		return Review{}, err
	}
	return getReview(ctx, s.DB, m)
}

// ReviewInput is what the review form takes; Submit hands it to the
// supervising leader (提交给上级领导审阅).
type ReviewInput struct {
	Summary, ClientFeedback, Problems string
	Satisfaction                      int
	Submit                            bool
}

// SaveReview keeps the review after the meeting has ended; submitting tells
// the supervising leader.
func (s *Service) SaveReview(ctx context.Context, a access.Actor, meetingID int64, in ReviewInput) (Review, error) {
	now := s.now()
	var out Review
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		if m.Status != StatusEnded && m.Status != StatusClosed {
			return errs.State(m.Status, "review")
		}
		var l errs.List
		in.Summary = text(&l, "summary", in.Summary, in.Submit, MaxLongText)
		in.ClientFeedback = text(&l, "client_feedback", in.ClientFeedback, false, MaxLongText)
		in.Problems = text(&l, "problems", in.Problems, false, MaxLongText)
		if in.Satisfaction < 0 || in.Satisfaction > 5 {
			l.Add("satisfaction", "err.meeting.satisfaction_range")
		}
		if err := l.Err(); err != nil {
			return err
		}
		old, err := getReview(ctx, tx, m)
		if err != nil {
			return err
		}
		submitted := store.MsOrNil(old.SubmittedAt)
		if in.Submit && old.SubmittedAt.IsZero() {
			submitted = store.Ms(now)
		}
		_, err = tx.Exec(ctx, `INSERT INTO meeting_reviews (meeting_id, summary, client_feedback, problems, satisfaction, submitted_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (meeting_id) DO UPDATE SET summary = excluded.summary, client_feedback = excluded.client_feedback, problems = excluded.problems,
			satisfaction = excluded.satisfaction, submitted_at = excluded.submitted_at, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			meetingID, in.Summary, in.ClientFeedback, in.Problems, in.Satisfaction, submitted, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("save review of meeting %d: %w", meetingID, err)
		}
		action := "update"
		if in.Submit && old.SubmittedAt.IsZero() {
			action = "submit"
		}
		if err := audit.Record(ctx, tx, now, a, EntityReview, meetingID, action, map[string]any{"satisfaction": old.Satisfaction}, map[string]any{"satisfaction": in.Satisfaction}); err != nil {
			return err
		}
		if action == "submit" {
			leader := m.LeaderID
			if leader == 0 {
				if leader, err = managerOf(ctx, tx, m.ConvenerID); err != nil {
					return err
				}
			}
			if err := s.notify(ctx, tx, now, []int64{leader}, "meeting.msg.review_submitted", msgArgs(m, s.Loc), Link(meetingID)+"/wrapup"); err != nil {
				return err
			}
		}
		out, err = getReview(ctx, tx, m)
		return err
	})
	return out, err
}

// Wrapup is what follows a client meeting: the negotiation (when admitted),
// the review, the revisit schedule and the follow-up and improvement tasks.
type Wrapup struct {
	Meeting        Detail       `json:"meeting"`
	Negotiation    *Negotiation `json:"negotiation,omitempty"`
	NegotiationOK  bool         `json:"negotiation_allowed"`
	Review         Review       `json:"review"`
	Revisits       []Revisit    `json:"revisits"`
	FollowUps      []ActionItem `json:"followups"`
	Improvements   []ActionItem `json:"improvements"`
	CanEdit        bool         `json:"can_edit"`
	CanArchive     bool         `json:"can_archive"`
	CanAddRevisits bool         `json:"can_add_revisits"`
}

// Wrapup loads the wrap-up page for the actor. The negotiation section is
// included only when the actor is admitted at its level (the attempt is
// logged either way); the rest follows the minutes' level.
func (s *Service) Wrapup(ctx context.Context, a access.Actor, meetingID int64, via string) (Wrapup, error) {
	m, err := get(ctx, s.DB, meetingID)
	if err != nil {
		return Wrapup{}, err
	}
	level := reviewLevel(ctx, s.DB, m)
	if err := s.guard(ctx, a, m, Read{Entity: EntityReview, ID: m.ID, Level: level, Via: via}); err != nil {
		return Wrapup{}, err
	}
	w := Wrapup{}
	if w.Meeting, err = loadDetail(ctx, s.DB, m); err != nil {
		return w, err
	}
	w.Meeting.Can = s.can(ctx, a, w.Meeting)
	if m.Type != TypeInternal {
		ok, err := admitted(ctx, s.DB, a, m, NegotiationLevel(m))
		if err != nil {
			return w, err
		}
		if err := s.logRead(ctx, a, Read{Entity: EntityNegotiation, ID: m.ID, Level: NegotiationLevel(m), Via: via}, ok); err != nil {
			return w, err
		}
		w.NegotiationOK = ok
		if ok {
			n, err := getNegotiation(ctx, s.DB, m)
			if err != nil {
				return w, err
			}
			w.Negotiation = &n
		}
	}
	if w.Review, err = getReview(ctx, s.DB, m); err != nil {
		return w, err
	}
	now := s.now()
	if w.Revisits, err = listRevisits(ctx, s.DB, "meeting_id = ?", now, meetingID); err != nil {
		return w, err
	}
	items, err := listActions(ctx, s.DB, ActionFilter{MeetingID: meetingID}, nil, now)
	if err != nil {
		return w, err
	}
	ids := []int64{}
	for _, it := range items {
		switch it.Kind {
		case ActionFollowUp:
			w.FollowUps = append(w.FollowUps, it)
		case ActionImprovement:
			w.Improvements = append(w.Improvements, it)
		}
		ids = append(ids, it.OwnerID, it.AssistantID)
	}
	for _, r := range w.Revisits {
		ids = append(ids, r.OwnerID)
	}
	more, err := names(ctx, s.DB, ids)
	if err != nil {
		return w, err
	}
	for k, v := range more {
		w.Meeting.Names[k] = v
	}
	ended := m.Status == StatusEnded || m.Status == StatusClosed
	w.CanEdit = canRecord(a, m) && ended
	w.CanAddRevisits = w.CanEdit && m.Type != TypeInternal
	w.CanArchive = canManage(a, m) && w.Negotiation != nil && w.Negotiation.ArchivedAt.IsZero()
	return w, nil
}
