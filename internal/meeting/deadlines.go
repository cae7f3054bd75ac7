package meeting

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/store"
)

// Durable jobs of the meeting area. Each runs once, in a transaction, and
// checks the record's state first, so a job whose work was done in time
// does nothing.
const (
	JobDraftRemind   = "meeting.minutes_draft_remind" // 4 h before the 24-hour deadline
	JobDraftDue      = "meeting.minutes_draft_due"    // at the 24-hour deadline
	JobSendRemind    = "meeting.minutes_send_remind"  // 4 h before the 48-hour deadline
	JobSendDue       = "meeting.minutes_send_due"     // at the 48-hour deadline
	JobActionDueSoon = "meeting.action_due_soon"      // DueSoon before an item's deadline
	JobActionOverdue = "meeting.action_overdue"       // at an item's deadline
)

// JobKinds lists every job kind the area handles.
var JobKinds = []string{JobDraftRemind, JobDraftDue, JobSendRemind, JobSendDue, JobActionDueSoon, JobActionOverdue}

// RemindBefore is how long before a minutes deadline the reminder goes.
const RemindBefore = 4 * time.Hour

// JobPayload names the record a job concerns.
type JobPayload struct {
	MeetingID int64 `json:"meeting_id,omitempty"`
	ItemID    int64 `json:"item_id,omitempty"`
}

func (s *Service) reschedule(ctx context.Context, q store.Querier, kind, key string, due time.Time, payload any) error {
	if s.Reschedule == nil {
		return s.schedule(ctx, q, kind, key, due, payload)
	}
	if err := s.Reschedule(ctx, q, kind, key, due, payload); err != nil {
		return fmt.Errorf("reschedule %s %s: %w", kind, key, err)
	}
	return nil
}

// RunJob does the work of one meeting job inside the jobs engine's
// transaction: payload is the job's JSON payload.
func (s *Service) RunJob(ctx context.Context, tx *store.Tx, kind, payload string) error {
	var p JobPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("meeting job %s: decode payload: %w", kind, err)
	}
	now := s.now()
	switch kind {
	case JobDraftRemind, JobDraftDue, JobSendRemind, JobSendDue:
		return s.minutesDeadline(ctx, tx, now, kind, p.MeetingID)
	case JobActionDueSoon, JobActionOverdue:
		return s.actionDeadline(ctx, tx, now, kind, p.ItemID)
	}
	return fmt.Errorf("meeting job: unknown kind %q", kind)
}

// minutesDeadline reminds or flags the minutes when their step is not done.
func (s *Service) minutesDeadline(ctx context.Context, tx *store.Tx, now time.Time, kind string, meetingID int64) error {
	m, err := get(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	mn, err := getMinutes(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	drafting := mn.SubmittedAt.IsZero()
	sent := mn.Status == MinutesDistributed
	var users []int64
	var key string
	var due time.Time
	switch kind {
	case JobDraftRemind:
		if !drafting {
			return nil
		}
		users, key, due = []int64{m.RecorderID}, "meeting.msg.minutes_draft_remind", mn.DraftDueAt
	case JobDraftDue:
		if !drafting {
			return nil
		}
		users, key, due = []int64{m.RecorderID, m.HostID, m.ConvenerID}, "meeting.msg.minutes_draft_late", mn.DraftDueAt
	case JobSendRemind:
		if sent {
			return nil
		}
		users, key, due = []int64{m.HostID, m.ConvenerID}, "meeting.msg.minutes_send_remind", mn.SendDueAt
	case JobSendDue:
		if sent {
			return nil
		}
		users, key, due = []int64{m.HostID, m.ConvenerID, m.RecorderID}, "meeting.msg.minutes_send_late", mn.SendDueAt
	}
	if kind == JobDraftDue || kind == JobSendDue {
		if err := audit.Record(ctx, tx, now, access.SystemActor(), EntityMinutes, meetingID, "deadline_missed", nil, map[string]any{"deadline": kind, "due": due}); err != nil {
			return err
		}
	}
	if m.RecorderID == 0 && kind == JobDraftRemind {
		users = []int64{m.HostID}
	}
	return s.notify(ctx, tx, now, users, key, withDue(msgArgs(m, s.Loc), due, s.Loc), MinutesLink(meetingID))
}

// actionDeadline reminds the owner before the deadline and tells owner and
// host when it passes without a result.
func (s *Service) actionDeadline(ctx context.Context, tx *store.Tx, now time.Time, kind string, itemID int64) error {
	it, err := getAction(ctx, tx, itemID, now)
	if err != nil {
		return err
	}
	if !it.Working() || it.TaskID == 0 {
		return nil
	}
	m, err := get(ctx, tx, it.MeetingID)
	if err != nil {
		return err
	}
	if kind == JobActionDueSoon {
		if now.After(it.DueAt) || it.DueAt.Sub(now) > DueSoon+time.Minute {
			return nil // moved since scheduling; the rescheduled job will remind
		}
		return s.notify(ctx, tx, now, []int64{it.OwnerID, it.AssistantID}, "meeting.msg.action_due_soon", actionArgs(m, it, s.Loc), actionLink(it))
	}
	if !now.After(it.DueAt) && !now.Equal(it.DueAt) {
		return nil
	}
	if err := audit.Record(ctx, tx, now, access.SystemActor(), EntityAction, itemID, "overdue", nil, map[string]any{"due": it.DueAt}); err != nil {
		return err
	}
	return s.notify(ctx, tx, now, []int64{it.OwnerID, it.AssistantID, m.HostID, m.SupervisorID}, "meeting.msg.action_overdue", actionArgs(m, it, s.Loc), actionLink(it))
}
