package reception

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/task"
	"jiedai/internal/workday"
)

// Intentions are the levels of cooperation intention in the visit report.
var Intentions = []string{"high", "medium", "low", "none"}

// Report is the visit report (接待报告) with the review meeting's notes.
type Report struct {
	Feedback     string    `json:"feedback"`     // 客户反馈
	Discussed    string    `json:"discussed"`    // 洽谈内容
	Intention    string    `json:"intention"`    // 合作意向
	NextSteps    string    `json:"next_steps"`   // 下一步
	ReviewNotes  string    `json:"review_notes"` // 总结例会记录
	Improvements string    `json:"improvements"` // 改进措施
	SubmittedBy  int64     `json:"submitted_by,omitempty"`
	SubmittedAt  time.Time `json:"submitted_at,omitzero"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// FollowUpInput is a task the report creates: a client follow-up (thank
// the client, answer open questions, push the cooperation) or an
// improvement from the review meeting.
type FollowUpInput struct {
	Kind    string `json:"kind,omitempty"` // followup (default) or improvement
	Title   string `json:"title"`
	OwnerID int64  `json:"owner_id"`
	Due     string `json:"due"` // YYYY-MM-DD
}

// ReportInput saves the report; Submit hands it in and creates the
// follow-up tasks.
type ReportInput struct {
	Feedback     string          `json:"feedback" required:"false"`
	Discussed    string          `json:"discussed" required:"false"`
	Intention    string          `json:"intention" required:"false"`
	NextSteps    string          `json:"next_steps" required:"false"`
	ReviewNotes  string          `json:"review_notes,omitempty"`
	Improvements string          `json:"improvements,omitempty"`
	FollowUps    []FollowUpInput `json:"follow_ups,omitempty"`
	Submit       bool            `json:"submit" required:"false"`
}

// GetReport returns the case's report (zero when none yet).
func (s *Service) GetReport(ctx context.Context, a access.Actor, id int64) (Report, error) {
	if _, err := s.viewable(ctx, a, id); err != nil {
		return Report{}, err
	}
	if a.IsClient() {
		return Report{}, errs.Forbid()
	}
	return loadReport(ctx, s.DB, id)
}

func loadReport(ctx context.Context, q store.Querier, id int64) (Report, error) {
	var r Report
	var by, at sql.NullInt64
	var upd int64
	err := q.QueryRow(ctx, `SELECT feedback, discussed, intention, next_steps, review_notes, improvements, submitted_by, submitted_at, updated_at FROM reception_reports WHERE reception_id = ?`, id).
		Scan(&r.Feedback, &r.Discussed, &r.Intention, &r.NextSteps, &r.ReviewNotes, &r.Improvements, &by, &at, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, nil
	}
	if err != nil {
		return Report{}, fmt.Errorf("load report of reception %d: %w", id, err)
	}
	r.SubmittedBy, r.SubmittedAt, r.UpdatedAt = by.Int64, store.NullMs(at), store.Time(upd)
	return r, nil
}

// SaveReport stores the visit report during the wrap-up. Submitting needs
// the feedback, what was discussed, the intention and the next steps, and
// creates a task for each follow-up.
func (s *Service) SaveReport(ctx context.Context, a access.Actor, id int64, in ReportInput) (Report, error) {
	trimAll(&in.Feedback, &in.Discussed, &in.Intention, &in.NextSteps, &in.ReviewNotes, &in.Improvements)
	var l errs.List
	for _, f := range []struct{ name, v string }{{"feedback", in.Feedback}, {"discussed", in.Discussed}, {"next_steps", in.NextSteps}, {"review_notes", in.ReviewNotes}, {"improvements", in.Improvements}} {
		if utf8.RuneCountInString(f.v) > MaxLong {
			l.Add(f.name, "err.too_long", "max", MaxLong)
		}
		if in.Submit && f.v == "" && f.name != "review_notes" && f.name != "improvements" {
			l.Add(f.name, "err.required")
		}
	}
	if in.Intention != "" && !slices.Contains(Intentions, in.Intention) {
		l.Add("intention", "err.invalid")
	} else if in.Submit && in.Intention == "" {
		l.Add("intention", "err.required")
	}
	today := s.today()
	var fus []FollowUpInput
	dues := map[int]time.Time{}
	for i, f := range in.FollowUps {
		trimAll(&f.Kind, &f.Title, &f.Due)
		if f.Title == "" && f.OwnerID == 0 && f.Due == "" {
			continue
		}
		prefix := fmt.Sprintf("follow_ups.%d.", i)
		if f.Kind == "" {
			f.Kind = "followup"
		}
		if f.Kind != "followup" && f.Kind != "improvement" {
			l.Add(prefix+"kind", "err.invalid")
		}
		if f.Title == "" {
			l.Add(prefix+"title", "err.required")
		} else if utf8.RuneCountInString(f.Title) > task.MaxTitle {
			l.Add(prefix+"title", "err.too_long", "max", task.MaxTitle)
		}
		if f.OwnerID == 0 {
			l.Add(prefix+"owner_id", "err.required")
		}
		d, err := workday.ParseDateIn(f.Due, s.Loc)
		switch {
		case err != nil:
			l.Add(prefix+"due", "err.bad_date")
		case d.Before(today):
			l.Add(prefix+"due", "err.reception.due_past")
		}
		dues[len(fus)] = d.Add(18 * time.Hour)
		fus = append(fus, f)
	}
	if err := l.Err(); err != nil {
		return Report{}, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanManage(a, r) {
			return errs.Refuse(CanView(a, r))
		}
		if r.Status != StatusWrapUp {
			return stateError(r.Status, "report")
		}
		before, err := loadReport(ctx, tx, id)
		if err != nil {
			return err
		}
		var subBy, subAt any
		if !before.SubmittedAt.IsZero() {
			subBy, subAt = store.IDOrNil(before.SubmittedBy), store.Ms(before.SubmittedAt)
		} else if in.Submit {
			subBy, subAt = store.IDOrNil(a.UserID), store.Ms(now)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reception_reports WHERE reception_id = ?`, id); err != nil {
			return fmt.Errorf("replace report: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reception_reports (reception_id, feedback, discussed, intention, next_steps, review_notes, improvements, submitted_by, submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, in.Feedback, in.Discussed, in.Intention, in.NextSteps, in.ReviewNotes, in.Improvements, subBy, subAt, store.Ms(now)); err != nil {
			return fmt.Errorf("save report: %w", err)
		}
		for i, f := range fus {
			kind := KindFollowUp
			if f.Kind == "improvement" {
				kind = KindImprovement
			}
			if _, err := task.Create(ctx, tx, now, a, task.Input{Kind: kind, Entity: Entity, EntityID: id, Title: f.Title, OwnerID: f.OwnerID,
				DueAt: dues[i].UTC(), AutoAccept: true, Link: Link(id) + "/wrapup"}); err != nil {
				return err
			}
		}
		return auditCase(ctx, tx, now, a, id, "report", before, in)
	})
	if err != nil {
		return Report{}, err
	}
	return loadReport(ctx, s.DB, id)
}

// FollowUps lists the tasks the report created.
func (s *Service) FollowUps(ctx context.Context, a access.Actor, id int64) ([]task.Task, error) {
	if _, err := s.viewable(ctx, a, id); err != nil {
		return nil, err
	}
	if a.IsClient() {
		return nil, errs.Forbid()
	}
	var out []task.Task
	for _, k := range []string{KindFollowUp, KindImprovement} {
		ts, err := task.List(ctx, s.DB, task.Filter{Entity: Entity, EntityID: id, Kind: k})
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

// LostItem is a thing a guest left behind (嘉宾遗漏物品) and its return.
type LostItem struct {
	ID          int64     `json:"id"`
	Description string    `json:"description"`
	FoundPlace  string    `json:"found_place,omitempty"`
	FoundAt     time.Time `json:"found_at"`
	GuestID     int64     `json:"guest_id,omitempty"`
	GuestName   string    `json:"guest_name,omitempty"`
	ReturnedAt  time.Time `json:"returned_at,omitzero"`
	ReturnedBy  int64     `json:"returned_by,omitempty"`
	HandedTo    string    `json:"handed_to,omitempty"`
	Note        string    `json:"note,omitempty"`
}

// LostInput records a found item.
type LostInput struct {
	Description string `json:"description"`
	FoundPlace  string `json:"found_place,omitempty"`
	GuestID     int64  `json:"guest_id,omitempty"`
	Note        string `json:"note,omitempty"`
}

// LostItems lists a case's lost property.
func (s *Service) LostItems(ctx context.Context, a access.Actor, id int64) ([]LostItem, error) {
	if _, err := s.viewable(ctx, a, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT l.id, l.description, l.found_place, l.found_at, COALESCE(l.guest_id, 0), COALESCE(g.name, ''), l.returned_at, COALESCE(l.returned_by, 0), l.handed_to, l.note
		FROM reception_lost_items l LEFT JOIN reception_guests g ON g.id = l.guest_id WHERE l.reception_id = ? ORDER BY l.found_at, l.id`, id)
	if err != nil {
		return nil, fmt.Errorf("list lost items: %w", err)
	}
	defer rows.Close()
	var out []LostItem
	for rows.Next() {
		var li LostItem
		var found int64
		var ret sql.NullInt64
		if err := rows.Scan(&li.ID, &li.Description, &li.FoundPlace, &found, &li.GuestID, &li.GuestName, &ret, &li.ReturnedBy, &li.HandedTo, &li.Note); err != nil {
			return nil, fmt.Errorf("scan lost item: %w", err)
		}
		li.FoundAt, li.ReturnedAt = store.Time(found), store.NullMs(ret)
		out = append(out, li)
	}
	return out, rows.Err()
}

// AddLost records a found item during or after the visit.
func (s *Service) AddLost(ctx context.Context, a access.Actor, id int64, in LostInput) error {
	trimAll(&in.Description, &in.FoundPlace, &in.Note)
	var l errs.List
	if in.Description == "" {
		l.Add("description", "err.required")
	}
	for _, f := range []struct{ n, v string }{{"description", in.Description}, {"found_place", in.FoundPlace}, {"note", in.Note}} {
		if utf8.RuneCountInString(f.v) > MaxText {
			l.Add(f.n, "err.too_long", "max", MaxText)
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.deskCase(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if r.Status != StatusOngoing && r.Status != StatusWrapUp {
			return stateError(r.Status, "lost")
		}
		if in.GuestID != 0 {
			if rid, err := parentOf(ctx, tx, "reception_guests", in.GuestID); err != nil || rid != id {
				return errs.Field("guest_id", "err.not_found")
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reception_lost_items (reception_id, description, found_place, found_at, guest_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, in.Description, in.FoundPlace, store.Ms(now), store.IDOrNil(in.GuestID), in.Note, store.Ms(now)); err != nil {
			return fmt.Errorf("insert lost item: %w", err)
		}
		return auditCase(ctx, tx, now, a, id, "lost", nil, in)
	})
}

// ReturnLost records that a found item went back to its owner (送还).
func (s *Service) ReturnLost(ctx context.Context, a access.Actor, lostID int64, handedTo string) error {
	handedTo = strings.TrimSpace(handedTo)
	if handedTo == "" {
		return errs.Field("handed_to", "err.required")
	}
	if utf8.RuneCountInString(handedTo) > MaxShort {
		return errs.Field("handed_to", "err.too_long", "max", MaxShort)
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		rid, err := parentOf(ctx, tx, "reception_lost_items", lostID)
		if err != nil {
			return err
		}
		if _, err := s.deskCase(ctx, tx, a, rid); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE reception_lost_items SET returned_at = ?, returned_by = ?, handed_to = ? WHERE id = ? AND returned_at IS NULL`,
			store.Ms(now), store.IDOrNil(a.UserID), handedTo, lostID)
		if err != nil {
			return fmt.Errorf("return lost item %d: %w", lostID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "err.reception.lost_returned")
		}
		return auditCase(ctx, tx, now, a, rid, "return_lost", nil, map[string]any{"item": lostID, "handed_to": handedTo})
	})
}
