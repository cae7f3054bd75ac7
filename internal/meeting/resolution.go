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

// Resolution is one decision of the meeting (会议决议), split into action
// items.
type Resolution struct {
	ID           int64     `json:"id"`
	MeetingID    int64     `json:"meeting_id"`
	Seq          int       `json:"seq"`
	AgendaItemID int64     `json:"agenda_item_id,omitempty"`
	Text         string    `json:"text"`
	CreatedAt    time.Time `json:"created_at"`
}

func loadResolutions(ctx context.Context, q store.Querier, meetingID int64) ([]Resolution, error) {
	rows, err := q.Query(ctx, `SELECT id, meeting_id, seq, COALESCE(agenda_item_id, 0), text, created_at FROM meeting_resolutions WHERE meeting_id = ? ORDER BY seq, id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("resolutions of meeting %d: %w", meetingID, err)
	}
	defer rows.Close()
	var out []Resolution
	for rows.Next() {
		var r Resolution
		var at int64
		if err := rows.Scan(&r.ID, &r.MeetingID, &r.Seq, &r.AgendaItemID, &r.Text, &at); err != nil {
			return nil, err
		}
		r.CreatedAt = store.Time(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// syncResolutions makes the meeting's resolutions match the decisions in
// the minutes: known ids are updated, new ones inserted, missing ones
// deleted unless action items hang on them.
func syncResolutions(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, meetingID int64, ds []DecisionInput) error {
	old, err := loadResolutions(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	byID := map[int64]Resolution{}
	for _, r := range old {
		byID[r.ID] = r
	}
	keep := map[int64]bool{}
	for i, d := range ds {
		seq := i + 1
		if o, ok := byID[d.ID]; ok && d.ID != 0 && !keep[d.ID] {
			keep[d.ID] = true
			if o.Seq != seq || o.Text != d.Text || o.AgendaItemID != d.AgendaItemID {
				if _, err := tx.Exec(ctx, `UPDATE meeting_resolutions SET seq = ?, text = ?, agenda_item_id = ?, updated_at = ? WHERE id = ?`,
					seq, d.Text, store.IDOrNil(d.AgendaItemID), store.Ms(now), d.ID); err != nil {
					return fmt.Errorf("update resolution %d: %w", d.ID, err)
				}
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_resolutions (meeting_id, seq, agenda_item_id, text, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			meetingID, seq, store.IDOrNil(d.AgendaItemID), d.Text, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now)); err != nil {
			return fmt.Errorf("insert resolution: %w", err)
		}
	}
	for _, o := range old {
		if keep[o.ID] {
			continue
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_action_items WHERE resolution_id = ?`, o.ID).Scan(&n); err != nil {
			return fmt.Errorf("count action items of resolution %d: %w", o.ID, err)
		}
		if n > 0 {
			return errs.Field("decisions", "err.meeting.resolution_has_actions", "n", o.Seq)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM meeting_resolutions WHERE id = ?`, o.ID); err != nil {
			return fmt.Errorf("delete resolution %d: %w", o.ID, err)
		}
	}
	return nil
}

// RecordDecision adds a decision as it is reached during the meeting
// (004 第二章 二 5); it appears in the minutes draft.
func (s *Service) RecordDecision(ctx context.Context, a access.Actor, id int64, agendaItemID int64, textIn string) (Resolution, error) {
	now := s.now()
	var out Resolution
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		if m.Status != StatusInProgress && m.Status != StatusEnded {
			return errs.State(m.Status, "decision")
		}
		if mn, err := getMinutes(ctx, tx, id); err == nil && mn.Status != MinutesDraft && mn.Status != MinutesReturned {
			return errs.State(mn.Status, "decision")
		}
		var l errs.List
		textIn = text(&l, "text", textIn, true, MaxText)
		if agendaItemID != 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_agenda_items WHERE id = ? AND meeting_id = ?`, agendaItemID, id).Scan(&n); err != nil {
				return fmt.Errorf("check agenda item: %w", err)
			}
			if n == 0 {
				l.Add("agenda_item_id", "err.meeting.unknown_agenda_item")
			}
		}
		if err := l.Err(); err != nil {
			return err
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_resolutions WHERE meeting_id = ?`, id).Scan(&seq); err != nil {
			return fmt.Errorf("next resolution number: %w", err)
		}
		rid, err := store.InsertID(ctx, tx, `INSERT INTO meeting_resolutions (meeting_id, seq, agenda_item_id, text, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, seq, store.IDOrNil(agendaItemID), textIn, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert resolution: %w", err)
		}
		out = Resolution{ID: rid, MeetingID: id, Seq: seq, AgendaItemID: agendaItemID, Text: textIn, CreatedAt: now}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, "decision", nil, out)
	})
	return out, err
}
