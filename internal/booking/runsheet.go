package booking

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/jobs"
	"jiedai/internal/store"
	"jiedai/internal/task"
	"jiedai/internal/venue"
)

// TaskKind marks run-sheet tasks in the task engine.
const TaskKind = "booking.runsheet"

// Job kinds of the booking deadlines.
const (
	JobForfeit    = "booking.forfeit"
	JobNoShow     = "booking.noshow"
	JobDutyRemind = "booking.duty_remind"
)

// DutyLead is how long before a run-sheet duty is due its department is reminded.
const DutyLead = time.Hour

// Phases of a run-sheet duty.
var Phases = []string{"before", "during", "after"}

// RunSheetRoles are the departments run-sheet duties go to.
var RunSheetRoles = []string{access.Service, access.Engineering, access.Security, access.Receptionist, access.Office}

// Template is an editable run-sheet duty: generated as a task for its
// department when a booking is confirmed, due relative to the booking's
// start or end: OffsetDays calendar days away at AtTime (seed 002 第2篇
// says 会议前2天, 会议前1天: calendar days, not working days), or OffsetMin
// minutes away.
type Template struct {
	ID         int64  `json:"id"`
	VenueKind  string `json:"venue_kind" doc:"Venue kind it applies to; empty = every kind"`
	Purpose    string `json:"purpose" doc:"internal, client, or empty for both"`
	Role       string `json:"role"`
	Phase      string `json:"phase"`
	Anchor     string `json:"anchor" doc:"start or end"`
	OffsetDays int    `json:"offset_days" doc:"Calendar days from the anchor (negative = before), at at_time"`
	OffsetMin  int    `json:"offset_min"`
	AtTime     string `json:"at_time" doc:"HH:MM, with a working-day offset"`
	Title      string `json:"title"`
	TitleEn    string `json:"title_en"`
	Sort       int    `json:"sort"`
	Active     bool   `json:"active"`
}

// Due returns the template's due time for booking b.
func (t Template) Due(s *Service, b Booking) (time.Time, error) {
	anchor := b.Start
	if t.Anchor == "end" {
		anchor = b.End
	}
	if t.OffsetDays != 0 {
		return task.DueDays(anchor, t.OffsetDays, t.AtTime, s.Loc)
	}
	return anchor.Add(time.Duration(t.OffsetMin) * time.Minute), nil
}

// Applies reports whether the template applies to a booking of that venue kind.
func (t Template) Applies(kind string, b Booking) bool {
	return t.Active && (t.VenueKind == "" || t.VenueKind == kind) && (t.Purpose == "" || t.Purpose == b.Purpose)
}

// Templates lists the run-sheet templates in order.
func (s *Service) Templates(ctx context.Context, q store.Querier) ([]Template, error) {
	if q == nil {
		q = s.DB
	}
	rows, err := q.Query(ctx, `SELECT id, venue_kind, purpose, role, phase, anchor, offset_days, offset_min, at_time, title, title_en, sort, active FROM runsheet_templates ORDER BY sort, id`)
	if err != nil {
		return nil, fmt.Errorf("list run-sheet templates: %w", err)
	}
	defer rows.Close()
	out := []Template{}
	for rows.Next() {
		var t Template
		if err := rows.Scan(&t.ID, &t.VenueKind, &t.Purpose, &t.Role, &t.Phase, &t.Anchor, &t.OffsetDays, &t.OffsetMin, &t.AtTime, &t.Title, &t.TitleEn, &t.Sort, &t.Active); err != nil {
			return nil, fmt.Errorf("scan run-sheet template: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// SaveTemplate creates (id 0) or edits a run-sheet template (office).
func (s *Service) SaveTemplate(ctx context.Context, a access.Actor, id int64, t Template) (int64, error) {
	if !IsOffice(a) {
		return 0, errs.Forbid()
	}
	t.Title, t.TitleEn = strings.TrimSpace(t.Title), strings.TrimSpace(t.TitleEn)
	var l errs.List
	if t.VenueKind != "" && !slices.Contains(venue.Kinds, t.VenueKind) {
		l.Add("venue_kind", "err.invalid")
	}
	if t.Purpose != "" && t.Purpose != PurposeClient && t.Purpose != PurposeInternal {
		l.Add("purpose", "err.invalid")
	}
	if !slices.Contains(RunSheetRoles, t.Role) {
		l.Add("role", "err.invalid")
	}
	if !slices.Contains(Phases, t.Phase) {
		l.Add("phase", "err.invalid")
	}
	if t.Anchor != "start" && t.Anchor != "end" {
		l.Add("anchor", "err.invalid")
	}
	if t.OffsetDays < -30 || t.OffsetDays > 30 {
		l.Add("offset_days", "err.booking_out_of_range", "min", -30, "max", 30)
	}
	if t.OffsetMin < -7*24*60 || t.OffsetMin > 7*24*60 {
		l.Add("offset_min", "err.booking_out_of_range", "min", -7*24*60, "max", 7*24*60)
	}
	if t.OffsetDays != 0 && !hhmm.MatchString(t.AtTime) {
		l.Add("at_time", "err.booking_hhmm")
	}
	if t.OffsetDays == 0 {
		t.AtTime = ""
	}
	if t.Title == "" {
		l.Add("title", "err.required")
	} else if utf8.RuneCountInString(t.Title) > task.MaxTitle-40 {
		l.Add("title", "err.too_long", "max", task.MaxTitle-40)
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id == 0 {
			id, err = store.InsertID(ctx, tx, `INSERT INTO runsheet_templates (venue_kind, purpose, role, phase, anchor, offset_days, offset_min, at_time, title, title_en, sort, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				t.VenueKind, t.Purpose, t.Role, t.Phase, t.Anchor, t.OffsetDays, t.OffsetMin, t.AtTime, t.Title, t.TitleEn, t.Sort, t.Active)
			if err != nil {
				return fmt.Errorf("insert run-sheet template: %w", err)
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE runsheet_templates SET venue_kind = ?, purpose = ?, role = ?, phase = ?, anchor = ?, offset_days = ?, offset_min = ?, at_time = ?, title = ?, title_en = ?, sort = ?, active = ? WHERE id = ?`,
				t.VenueKind, t.Purpose, t.Role, t.Phase, t.Anchor, t.OffsetDays, t.OffsetMin, t.AtTime, t.Title, t.TitleEn, t.Sort, t.Active, id)
			if err != nil {
				return fmt.Errorf("update run-sheet template: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.Missing()
			}
		}
		t.ID = id
		return audit.Record(ctx, tx, now, a, "runsheet_template", id, "save", nil, t)
	})
	return id, err
}

// generateRunSheet creates the run-sheet tasks of a confirmed booking from
// the templates for its venue kind and purpose, unless it has them already.
func (s *Service) generateRunSheet(ctx context.Context, tx *store.Tx, b Booking, now time.Time) error {
	existing, err := task.List(ctx, tx, task.Filter{Entity: AuditEntity, EntityID: b.ID, Kind: TaskKind, Status: []string{task.StatusOpen, task.StatusInProgress, task.StatusSubmitted}})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return nil
	}
	v, err := s.Venues.Get(ctx, tx, b.VenueID)
	if err != nil {
		return err
	}
	tpls, err := s.Templates(ctx, tx)
	if err != nil {
		return err
	}
	sys := access.SystemActor()
	for _, t := range tpls {
		if !t.Applies(v.Kind, b) {
			continue
		}
		due, err := t.Due(s, b)
		if err != nil {
			return fmt.Errorf("run-sheet template %d: %w", t.ID, err)
		}
		if due.Before(now) {
			due = now
		}
		title := fmt.Sprintf("%s %s｜%s", v.Name, b.Start.In(s.Loc).Format("01-02 15:04"), t.Title)
		if utf8.RuneCountInString(title) > task.MaxTitle {
			title = string([]rune(title)[:task.MaxTitle])
		}
		desc := fmt.Sprintf("%s\n%s – %s\n%d", b.Title, s.fmt(b.Start), b.End.In(s.Loc).Format("15:04"), b.Headcount)
		tk, err := task.Create(ctx, tx, now, sys, task.Input{Kind: TaskKind, Entity: AuditEntity, EntityID: b.ID, Title: title,
			Description: desc, Role: t.Role, DueAt: due, AutoAccept: true, Link: link(b.ID)})
		if err != nil {
			return fmt.Errorf("create run-sheet task: %w", err)
		}
		remind := due.Add(-DutyLead)
		if remind.Before(now) {
			remind = now
		}
		if err := jobs.Schedule(ctx, tx, JobDutyRemind, dutyKey(tk.ID), remind, dutyPayload{TaskID: tk.ID}); err != nil {
			return err
		}
	}
	return nil
}

// cancelRunSheet cancels the open run-sheet tasks of a booking.
func (s *Service) cancelRunSheet(ctx context.Context, tx *store.Tx, id int64, now time.Time, why string) error {
	open, err := task.List(ctx, tx, task.Filter{Entity: AuditEntity, EntityID: id, Kind: TaskKind, Status: []string{task.StatusOpen, task.StatusInProgress, task.StatusSubmitted}})
	if err != nil {
		return err
	}
	for _, t := range open {
		if _, err := task.Cancel(ctx, tx, now, access.SystemActor(), t.ID, why); err != nil {
			return fmt.Errorf("cancel run-sheet task %d: %w", t.ID, err)
		}
		if _, err := jobs.Cancel(ctx, tx, JobDutyRemind, dutyKey(t.ID)); err != nil {
			return err
		}
	}
	return nil
}

func dutyKey(taskID int64) string { return "task-" + strconv.FormatInt(taskID, 10) }

type dutyPayload struct {
	TaskID int64 `json:"task_id"`
}

// remindDuty tells the department of a run-sheet duty still open that it
// is due soon (or overdue).
func (s *Service) remindDuty(ctx context.Context, tx *store.Tx, taskID int64, now time.Time) error {
	t, err := task.Get(ctx, tx, taskID)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return nil
		}
		return err
	}
	if t.Status != task.StatusOpen && t.Status != task.StatusInProgress {
		return nil
	}
	var to []int64
	if t.OwnerID != 0 {
		to = append(to, t.OwnerID)
	} else if t.Role != "" {
		rows, err := tx.Query(ctx, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.active`, t.Role)
		if err != nil {
			return fmt.Errorf("duty holders: %w", err)
		}
		if to, err = ids(rows); err != nil {
			return err
		}
	}
	return s.notify(ctx, tx, now, to, "booking.msg.duty_due", map[string]any{"title": t.Title, "due": s.fmt(t.DueAt)}, t.Link)
}

func jobKey(id int64) string { return "booking-" + strconv.FormatInt(id, 10) }

type jobPayload struct {
	BookingID int64 `json:"booking_id"`
}

// onConfirmed runs when a booking becomes confirmed: the run sheet is
// generated and the no-show deadline scheduled.
func (s *Service) onConfirmed(ctx context.Context, tx *store.Tx, b Booking, now time.Time) error {
	if _, err := jobs.Cancel(ctx, tx, JobForfeit, jobKey(b.ID)); err != nil {
		return err
	}
	if err := s.generateRunSheet(ctx, tx, b, now); err != nil {
		return err
	}
	if b.NoShowMin > 0 {
		return jobs.Reschedule(ctx, tx, JobNoShow, jobKey(b.ID), b.Start.Add(time.Duration(b.NoShowMin)*time.Minute), jobPayload{b.ID})
	}
	return nil
}

// onReleased runs when a booking gives up its slot before use; running
// names the job doing it, which the job runner itself closes.
func (s *Service) onReleased(ctx context.Context, tx *store.Tx, id int64, now time.Time, running string) error {
	for _, k := range []string{JobForfeit, JobNoShow} {
		if k == running {
			continue
		}
		if _, err := jobs.Cancel(ctx, tx, k, jobKey(id)); err != nil {
			return err
		}
	}
	return s.cancelRunSheet(ctx, tx, id, now, "booking released")
}

// onMoved runs when a booking's venue or time changed: its run sheet is
// made again for the new time and its deadlines follow.
func (s *Service) onMoved(ctx context.Context, tx *store.Tx, id int64, now time.Time) error {
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := s.cancelRunSheet(ctx, tx, id, now, "booking moved"); err != nil {
		return err
	}
	switch b.Status {
	case StatusConfirmed:
		return s.onConfirmed(ctx, tx, b, now)
	case StatusPending:
		return s.onReleased(ctx, tx, id, now, "")
	}
	return nil
}

// RunSheet returns the run-sheet tasks of a booking the actor may see.
func (s *Service) RunSheet(ctx context.Context, a access.Actor, id int64) ([]task.Task, error) {
	b, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if b.Redacted || a.IsClient() {
		return []task.Task{}, nil
	}
	list, err := task.List(ctx, s.DB, task.Filter{Entity: AuditEntity, EntityID: id, Kind: TaskKind})
	if list == nil {
		list = []task.Task{}
	}
	return list, err
}

// RegisterJobs installs the handlers of the booking deadlines and a
// periodic sweep that catches anything a job missed.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.Register(JobForfeit, func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
		var p jobPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		_, err := s.expireTx(ctx, tx, access.SystemActor(), p.BookingID, s.Clock.Now())
		return err
	})
	r.Register(JobNoShow, func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
		var p jobPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		_, err := s.noShowTx(ctx, tx, access.SystemActor(), p.BookingID, s.Clock.Now())
		return err
	})
	r.Register(JobDutyRemind, func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
		var p dutyPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		return s.remindDuty(ctx, tx, p.TaskID, s.Clock.Now())
	})
	r.Tick("booking.sweep", func(ctx context.Context) error {
		_, err := s.SweepDue(ctx, s.Clock.Now())
		return err
	})
}
