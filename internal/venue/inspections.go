package venue

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/jobs"
	"jiedai/internal/recur"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Inspection plans: the kind of their tasks and jobs.
const (
	InspectionTaskKind = "venue.inspection"
	JobInspection      = "venue.inspection"
	// InspectionLead is how long before an inspection its task is made.
	InspectionLead = 24 * time.Hour
)

// Notifier delivers a message (catalogue key and values) to users inside
// the caller's transaction.
type Notifier func(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error

// InspectionPlan is a venue's periodic inspection (定期检查): a recurrence
// rule (recur's text form, within a year) from the first inspection; each
// occurrence becomes an engineering task a day ahead, due at its time.
type InspectionPlan struct {
	ID        int64     `json:"id"`
	VenueID   int64     `json:"venue_id"`
	Title     string    `json:"title"`
	Rule      string    `json:"rule"`
	First     time.Time `json:"first"`
	Next      time.Time `json:"next,omitzero" doc:"The next inspection; empty when the plan is over or stopped"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

func inspectionKey(planID int64, at time.Time) string {
	return "plan-" + strconv.FormatInt(planID, 10) + "-" + strconv.FormatInt(store.Ms(at), 10)
}

type inspectionPayload struct {
	PlanID int64 `json:"plan_id"`
	At     int64 `json:"at_ms"`
}

// nextInspection returns the first occurrence of the plan strictly after
// after (zero when none is left).
func (s *Service) nextInspection(rule string, first, after time.Time) (time.Time, error) {
	r, err := recur.Parse(rule)
	if err != nil {
		return time.Time{}, err
	}
	occ, err := r.Expand(first, time.Hour, s.Loc, nil, time.Time{})
	if err != nil {
		return time.Time{}, err
	}
	for _, o := range occ {
		if o.Start.After(after) {
			return o.Start, nil
		}
	}
	return time.Time{}, nil
}

// AddInspectionPlan adds a periodic inspection to a venue (office,
// engineering) and schedules its first task.
func (s *Service) AddInspectionPlan(ctx context.Context, a access.Actor, venueID int64, title, rule string, first time.Time) (InspectionPlan, error) {
	if !CanHandleRepairs(a) {
		return InspectionPlan{}, errs.Forbid()
	}
	title, rule = strings.TrimSpace(title), strings.TrimSpace(rule)
	now := s.Clock.Now()
	var l errs.List
	if title == "" {
		l.Add("title", "err.required")
	} else if utf8.RuneCountInString(title) > task.MaxTitle-40 {
		l.Add("title", "err.too_long", "max", task.MaxTitle-40)
	}
	if first.IsZero() {
		l.Add("first", "err.required")
	} else if !first.After(now) {
		l.Add("first", "err.venue_must_be_future")
	}
	next := first
	if _, err := recur.Parse(rule); err != nil {
		l.Add("rule", "err.venue_inspection_rule")
	} else if !first.IsZero() {
		var err error
		if next, err = s.nextInspection(rule, first, first.Add(-time.Second)); err != nil || next.IsZero() {
			l.Add("rule", "err.venue_inspection_rule")
		}
	}
	if err := l.Err(); err != nil {
		return InspectionPlan{}, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Get(ctx, tx, venueID); err != nil {
			return err
		}
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO venue_inspection_plans (venue_id, title, rule, first_ms, next_ms, active, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			venueID, title, rule, store.Ms(first), store.Ms(next), true, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert inspection plan: %w", err)
		}
		if err := s.scheduleInspection(ctx, tx, id, next, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "venue_inspection_plan", id, "create", nil, map[string]any{"venue_id": venueID, "title": title, "rule": rule, "first": first})
	})
	if err != nil {
		return InspectionPlan{}, err
	}
	return s.inspectionPlan(ctx, s.DB, id)
}

func (s *Service) scheduleInspection(ctx context.Context, q store.Querier, planID int64, at, now time.Time) error {
	due := at.Add(-InspectionLead)
	if due.Before(now) {
		due = now
	}
	return jobs.Schedule(ctx, q, JobInspection, inspectionKey(planID, at), due, inspectionPayload{PlanID: planID, At: store.Ms(at)})
}

const planCols = `id, venue_id, title, rule, first_ms, next_ms, active, created_at`

func scanPlan(sc interface{ Scan(...any) error }) (InspectionPlan, error) {
	var p InspectionPlan
	var first, created int64
	var next sql.NullInt64
	if err := sc.Scan(&p.ID, &p.VenueID, &p.Title, &p.Rule, &first, &next, &p.Active, &created); err != nil {
		return p, err
	}
	p.First, p.Next, p.CreatedAt = store.Time(first), store.NullMs(next), store.Time(created)
	return p, nil
}

func (s *Service) inspectionPlan(ctx context.Context, q store.Querier, id int64) (InspectionPlan, error) {
	p, err := scanPlan(q.QueryRow(ctx, `SELECT `+planCols+` FROM venue_inspection_plans WHERE id = ?`, id))
	return p, errs.Wrap(store.MapError(err), "get inspection plan")
}

// InspectionPlans lists a venue's inspection plans (staff).
func (s *Service) InspectionPlans(ctx context.Context, a access.Actor, venueID int64) ([]InspectionPlan, error) {
	if !a.IsStaff() {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT `+planCols+` FROM venue_inspection_plans WHERE venue_id = ? ORDER BY active DESC, id`, venueID)
	if err != nil {
		return nil, fmt.Errorf("list inspection plans: %w", err)
	}
	defer rows.Close()
	out := []InspectionPlan{}
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan inspection plan: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// StopInspectionPlan ends a plan (office, engineering): its next task is
// not made.
func (s *Service) StopInspectionPlan(ctx context.Context, a access.Actor, id int64) (InspectionPlan, error) {
	if !CanHandleRepairs(a) {
		return InspectionPlan{}, errs.Forbid()
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.inspectionPlan(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.Active {
			return errs.New(errs.Conflict, "err.venue_inspection_stopped")
		}
		if !p.Next.IsZero() {
			if _, err := jobs.Cancel(ctx, tx, JobInspection, inspectionKey(id, p.Next)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE venue_inspection_plans SET active = ?, next_ms = NULL WHERE id = ?`, false, id); err != nil {
			return fmt.Errorf("stop inspection plan: %w", err)
		}
		return audit.Record(ctx, tx, now, a, "venue_inspection_plan", id, "stop", map[string]any{"active": true}, map[string]any{"active": false})
	})
	if err != nil {
		return InspectionPlan{}, err
	}
	return s.inspectionPlan(ctx, s.DB, id)
}

// runInspection makes the engineering task of a plan's occurrence and
// schedules the next one; a stopped plan makes none.
func (s *Service) runInspection(ctx context.Context, tx *store.Tx, p inspectionPayload, now time.Time) error {
	plan, err := s.inspectionPlan(ctx, tx, p.PlanID)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return nil
		}
		return err
	}
	at := store.Time(p.At)
	if !plan.Active || !plan.Next.Equal(at) {
		return nil
	}
	v, err := s.Get(ctx, tx, plan.VenueID)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s %s｜%s", v.Name, at.In(s.Loc).Format("01-02 15:04"), plan.Title)
	if utf8.RuneCountInString(title) > task.MaxTitle {
		title = string([]rune(title)[:task.MaxTitle])
	}
	link := "/venues/" + strconv.FormatInt(v.ID, 10)
	if _, err := task.Create(ctx, tx, now, access.SystemActor(), task.Input{Kind: InspectionTaskKind, Entity: "venue", EntityID: v.ID, Title: title,
		Description: plan.Rule, Role: access.Engineering, DueAt: at, AutoAccept: true, Link: link}); err != nil {
		return fmt.Errorf("create inspection task: %w", err)
	}
	next, err := s.nextInspection(plan.Rule, plan.First, at)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE venue_inspection_plans SET next_ms = ? WHERE id = ?`, store.MsOrNil(next), plan.ID); err != nil {
		return fmt.Errorf("advance inspection plan: %w", err)
	}
	if !next.IsZero() {
		if err := s.scheduleInspection(ctx, tx, plan.ID, next, now); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, now, access.SystemActor(), "venue_inspection_plan", plan.ID, "task", nil, map[string]any{"at": at, "next": next})
}

// RegisterJobs installs the handler that turns due inspections into tasks.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.Register(JobInspection, func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
		var p inspectionPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		return s.runInspection(ctx, tx, p, s.Clock.Now())
	})
}

// tellRepair tells engineering, who repair, and the office, which owns the
// venues, of a repair report (seed 004 第四章), all but its reporter.
func (s *Service) tellRepair(ctx context.Context, tx *store.Tx, a access.Actor, id int64, in RepairInput, now time.Time) error {
	if s.Notify == nil {
		return nil
	}
	v, err := s.Get(ctx, tx, in.VenueID)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role IN (?, ?) AND u.active AND u.id <> ? ORDER BY u.id`,
		access.Engineering, access.Office, a.UserID)
	if err != nil {
		return fmt.Errorf("repair recipients: %w", err)
	}
	var to []int64
	for rows.Next() {
		var uid int64
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return err
		}
		to = append(to, uid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	desc := in.Description
	if r := []rune(desc); len(r) > 80 {
		desc = string(r[:79]) + "…"
	}
	return s.Notify(ctx, tx, now, to, "venue.msg.repair_reported", map[string]any{"venue": v.Name, "description": desc, "id": id}, "/repairs")
}

// InspectionRule writes the rule of an inspection repeated weekly or
// monthly (freq WEEKLY or MONTHLY) from first until a date (YYYY-MM-DD,
// inclusive); with no date, for a year.
func InspectionRule(freq string, first time.Time, until string, loc *time.Location) (string, error) {
	if freq != "WEEKLY" && freq != "MONTHLY" {
		return "", errs.Field("freq", "err.invalid")
	}
	if until == "" {
		if first.IsZero() {
			return "", errs.Field("first", "err.required")
		}
		return fmt.Sprintf("FREQ=%s;UNTIL=%s", freq, first.In(loc).AddDate(1, 0, -1).Format("20060102")), nil
	}
	d, err := time.Parse("2006-01-02", until)
	if err != nil {
		return "", errs.Field("until", "err.bad_date")
	}
	return fmt.Sprintf("FREQ=%s;UNTIL=%s", freq, d.Format("20060102")), nil
}

// Freq is the plan's frequency: weekly or monthly.
func (p InspectionPlan) Freq() string {
	r, err := recur.Parse(p.Rule)
	if err != nil {
		return "weekly"
	}
	return r.Freq
}
