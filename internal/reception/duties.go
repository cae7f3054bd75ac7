package reception

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Groups of the division of labour (附件二): 司机, 嘉宾组, 后勤组, 流程组, 服务组.
var Groups = []string{"driver", "guest", "logistics", "process", "service"}

// Phases of the division of labour: 前期, 现场, 收尾.
var Phases = []string{"before", "onsite", "wrapup"}

// Default owners a template line may name.
const (
	OwnerApplicant = "applicant"
	OwnerLiaison   = "liaison"
)

// TemplateLine is a line of the editable division-of-labour template.
type TemplateLine struct {
	ID           int64  `json:"id,omitempty"`
	Seq          int    `json:"seq"`
	Group        string `json:"group"`
	Phase        string `json:"phase"`
	Offset       int    `json:"offset"` // working days from the visit date
	At           string `json:"at"`     // HH:MM
	Title        string `json:"title"`
	Duty         string `json:"duty,omitempty"`
	DefaultOwner string `json:"default_owner,omitempty"` // "", applicant or liaison
	Active       bool   `json:"active"`
}

// Duty is a line of a case's division of labour; its owner, assistant, due
// time, progress and status live in the task engine.
type Duty struct {
	ID          int64     `json:"id"`
	ReceptionID int64     `json:"reception_id"`
	Group       string    `json:"group"`
	Phase       string    `json:"phase"`
	Offset      int       `json:"offset"`
	At          string    `json:"at"`
	Seq         int       `json:"seq"`
	Task        task.Task `json:"task"`
}

// Overdue reports whether the duty is late at now.
func (d Duty) Overdue(now time.Time) bool { return d.Task.Overdue(now) }

// DutyInput adds a line to a case's division of labour.
type DutyInput struct {
	Group       string `json:"group"`
	Phase       string `json:"phase"`
	Offset      int    `json:"offset"`
	At          string `json:"at"`
	Title       string `json:"title"`
	Duty        string `json:"duty,omitempty"`
	OwnerID     int64  `json:"owner_id,omitempty"`
	AssistantID int64  `json:"assistant_id,omitempty"`
}

func validLine(l *errs.List, prefix, group, phase string, offset int, at, title, duty string) {
	if !slices.Contains(Groups, group) {
		l.Add(prefix+"group", "err.invalid")
	}
	if !slices.Contains(Phases, phase) {
		l.Add(prefix+"phase", "err.invalid")
	}
	if offset < -30 || offset > 30 {
		l.Add(prefix+"offset", "err.reception.range", "min", -30, "max", 30)
	}
	if !hhmmRE.MatchString(at) {
		l.Add(prefix+"at", "err.reception.bad_time")
	}
	if strings.TrimSpace(title) == "" {
		l.Add(prefix+"title", "err.required")
	} else if utf8.RuneCountInString(title) > task.MaxTitle {
		l.Add(prefix+"title", "err.too_long", "max", task.MaxTitle)
	}
	if utf8.RuneCountInString(duty) > MaxText {
		l.Add(prefix+"duty", "err.too_long", "max", MaxText)
	}
}

// Template returns the division-of-labour template in order.
func (s *Service) Template(ctx context.Context) ([]TemplateLine, error) {
	return loadTemplate(ctx, s.DB, false)
}

func loadTemplate(ctx context.Context, q store.Querier, activeOnly bool) ([]TemplateLine, error) {
	query := `SELECT id, seq, grp, phase, offset_days, at, title, duty, default_owner, active FROM reception_duty_templates`
	if activeOnly {
		query += ` WHERE active = TRUE`
	}
	rows, err := q.Query(ctx, query+` ORDER BY seq, id`)
	if err != nil {
		return nil, fmt.Errorf("load duty template: %w", err)
	}
	defer rows.Close()
	var out []TemplateLine
	for rows.Next() {
		var t TemplateLine
		if err := rows.Scan(&t.ID, &t.Seq, &t.Group, &t.Phase, &t.Offset, &t.At, &t.Title, &t.Duty, &t.DefaultOwner, &t.Active); err != nil {
			return nil, fmt.Errorf("scan duty template: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveTemplate replaces the division-of-labour template; the office and
// admins only. Existing cases keep their lines.
func (s *Service) SaveTemplate(ctx context.Context, a access.Actor, lines []TemplateLine) error {
	if !a.Has(access.Office) {
		return errs.Forbid()
	}
	var l errs.List
	if len(lines) > 100 {
		l.Add("lines", "err.reception.too_many", "max", 100)
	}
	for i := range lines {
		t := &lines[i]
		trimAll(&t.Group, &t.Phase, &t.At, &t.Title, &t.Duty, &t.DefaultOwner)
		validLine(&l, fmt.Sprintf("lines.%d.", i), t.Group, t.Phase, t.Offset, t.At, t.Title, t.Duty)
		if t.DefaultOwner != "" && t.DefaultOwner != OwnerApplicant && t.DefaultOwner != OwnerLiaison {
			l.Add(fmt.Sprintf("lines.%d.default_owner", i), "err.invalid")
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadTemplate(ctx, tx, false)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reception_duty_templates`); err != nil {
			return fmt.Errorf("clear duty template: %w", err)
		}
		for i, t := range lines {
			if _, err := tx.Exec(ctx, `INSERT INTO reception_duty_templates (seq, grp, phase, offset_days, at, title, duty, default_owner, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				i+1, t.Group, t.Phase, t.Offset, t.At, t.Title, t.Duty, t.DefaultOwner, t.Active, store.Ms(now)); err != nil {
				return fmt.Errorf("insert duty template line: %w", err)
			}
		}
		return auditCase(ctx, tx, now, a, 0, "template", before, lines)
	})
}

// due computes a duty's deadline: offset working days from the visit date
// at the time of day.
func (s *Service) due(r Reception, offset int, at string) (time.Time, error) {
	visit := r.Visit(s.Loc)
	if visit.IsZero() {
		return time.Time{}, errs.Field("visit_date", "err.required")
	}
	return task.Due(visit, offset, at, s.Cal, s.Loc)
}

// generateDuties creates the case's division of labour from the template:
// a task per line in the office queue, owned by the applicant or liaison
// when the line says so.
func (s *Service) generateDuties(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception) error {
	lines, err := loadTemplate(ctx, tx, true)
	if err != nil {
		return err
	}
	for i, t := range lines {
		owner := int64(0)
		switch t.DefaultOwner {
		case OwnerApplicant:
			owner = r.ApplicantID
		case OwnerLiaison:
			owner = r.LiaisonID
		}
		if err := s.insertDuty(ctx, tx, now, a, r, i+1, DutyInput{Group: t.Group, Phase: t.Phase, Offset: t.Offset, At: t.At, Title: t.Title, Duty: t.Duty, OwnerID: owner}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) insertDuty(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception, seq int, in DutyInput) error {
	due, err := s.due(r, in.Offset, in.At)
	if err != nil {
		return err
	}
	t, err := task.Create(ctx, tx, now, a, task.Input{Kind: KindDuty, Entity: Entity, EntityID: r.ID, Title: in.Title, Description: in.Duty,
		OwnerID: in.OwnerID, AssistantID: in.AssistantID, Role: access.Office, DueAt: due, AutoAccept: true, Link: Link(r.ID) + "/duties"})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO reception_duties (reception_id, task_id, grp, phase, offset_days, at, seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, t.ID, in.Group, in.Phase, in.Offset, in.At, seq, store.Ms(now)); err != nil {
		return fmt.Errorf("insert duty of reception %d: %w", r.ID, err)
	}
	return scheduleOverdue(ctx, tx, t)
}

// Duties returns the case's division of labour by phase, group and order.
func (s *Service) Duties(ctx context.Context, a access.Actor, id int64) ([]Duty, error) {
	if _, err := s.internal(ctx, a, id); err != nil {
		return nil, err
	}
	return loadDuties(ctx, s.DB, id)
}

func loadDuties(ctx context.Context, q store.Querier, id int64) ([]Duty, error) {
	rows, err := q.Query(ctx, `SELECT id, task_id, grp, phase, offset_days, at, seq FROM reception_duties WHERE reception_id = ? ORDER BY seq, id`, id)
	if err != nil {
		return nil, fmt.Errorf("list duties of reception %d: %w", id, err)
	}
	var out []Duty
	for rows.Next() {
		d := Duty{ReceptionID: id}
		if err := rows.Scan(&d.ID, &d.Task.ID, &d.Group, &d.Phase, &d.Offset, &d.At, &d.Seq); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan duty: %w", err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tasks, err := task.List(ctx, q, task.Filter{Entity: Entity, EntityID: id, Kind: KindDuty})
	if err != nil {
		return nil, err
	}
	byID := map[int64]task.Task{}
	for _, t := range tasks {
		byID[t.ID] = t
	}
	for i := range out {
		out[i].Task = byID[out[i].Task.ID]
	}
	phase := func(p string) int { return slices.Index(Phases, p) }
	slices.SortStableFunc(out, func(x, y Duty) int {
		if c := phase(x.Phase) - phase(y.Phase); c != 0 {
			return c
		}
		if c := x.Task.DueAt.Compare(y.Task.DueAt); c != 0 {
			return c
		}
		return x.Seq - y.Seq
	})
	return out, nil
}

// viewable loads a case the actor may see.
func (s *Service) viewable(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	return s.Get(ctx, a, id)
}

// internal loads a case for its internal records (division of labour,
// guest list): staff who may see it. Client users see only the
// application and the plan, as on the case's pages.
func (s *Service) internal(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	r, err := s.Get(ctx, a, id)
	if err == nil && a.IsClient() {
		return Reception{}, errs.Forbid()
	}
	return r, err
}

// manageable loads a case inside tx that the actor may prepare and that is
// in preparation.
func (s *Service) manageable(ctx context.Context, tx store.Querier, a access.Actor, id int64, action string) (Reception, error) {
	r, err := s.load(ctx, tx, id)
	if err != nil {
		return Reception{}, err
	}
	if !CanManage(a, r) {
		return Reception{}, errs.Refuse(CanView(a, r))
	}
	if !r.InPreparation() {
		return Reception{}, stateError(r.Status, action)
	}
	return r, nil
}

// AddDuty adds a line to the case's division of labour.
func (s *Service) AddDuty(ctx context.Context, a access.Actor, id int64, in DutyInput) error {
	trimAll(&in.Group, &in.Phase, &in.At, &in.Title, &in.Duty)
	var l errs.List
	validLine(&l, "", in.Group, in.Phase, in.Offset, in.At, in.Title, in.Duty)
	if err := l.Err(); err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.manageable(ctx, tx, a, id, "edit_duties")
		if err != nil {
			return err
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM reception_duties WHERE reception_id = ?`, id).Scan(&seq); err != nil {
			return fmt.Errorf("next duty seq: %w", err)
		}
		if err := s.insertDuty(ctx, tx, now, a, r, seq, in); err != nil {
			return err
		}
		return auditCase(ctx, tx, now, a, id, "add_duty", nil, in)
	})
}

func (s *Service) duty(ctx context.Context, q store.Querier, dutyID int64) (Duty, error) {
	var d Duty
	err := q.QueryRow(ctx, `SELECT id, reception_id, task_id, grp, phase, offset_days, at, seq FROM reception_duties WHERE id = ?`, dutyID).
		Scan(&d.ID, &d.ReceptionID, &d.Task.ID, &d.Group, &d.Phase, &d.Offset, &d.At, &d.Seq)
	if err != nil {
		return Duty{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get duty %d", dutyID))
	}
	t, err := task.Get(ctx, q, d.Task.ID)
	d.Task = t
	return d, err
}

// AssignDuty sets a duty's owner (责任人) and assistant (辅助人) and, when
// offset or time change, its deadline.
func (s *Service) AssignDuty(ctx context.Context, a access.Actor, dutyID, ownerID, assistantID int64, offset int, at string) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.duty(ctx, tx, dutyID)
		if err != nil {
			return err
		}
		return s.assignTx(ctx, tx, a, d, ownerID, assistantID, offset, at, now)
	})
}

// DutyRow is one line of the division of labour as saved from its row:
// who does it and by when (the office), and how far it is (the owner, the
// assistant or the office).
type DutyRow struct {
	Assign      bool // the office changes owner, assistant and deadline
	OwnerID     int64
	AssistantID int64
	Offset      int
	At          string
	Progress    int  // 0–75 in steps, or -1 to leave it; ignored when Done
	Done        bool // submit it as done, with Result
	Result      string
}

// SaveDuty saves a duty's row in one step and one transaction: the
// assignment and deadline when in.Assign, then the progress or completion
// when either changes. Nothing is saved if any part is refused.
func (s *Service) SaveDuty(ctx context.Context, a access.Actor, dutyID int64, in DutyRow) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.duty(ctx, tx, dutyID)
		if err != nil {
			return err
		}
		if in.Assign {
			if err := s.assignTx(ctx, tx, a, d, in.OwnerID, in.AssistantID, in.Offset, in.At, now); err != nil {
				return err
			}
		}
		if !in.Done && (in.Progress < 0 || in.Progress == d.Task.Progress) {
			return nil
		}
		r, err := s.load(ctx, tx, d.ReceptionID)
		if err != nil {
			return err
		}
		if !CanView(a, r) || a.IsClient() {
			return errs.Refuse(CanView(a, r))
		}
		if !r.InPreparation() {
			return stateError(r.Status, "edit_duties")
		}
		if in.Done {
			_, err = task.Submit(ctx, tx, now, a, d.Task.ID, in.Result)
		} else {
			_, err = task.SetProgress(ctx, tx, now, a, d.Task.ID, in.Progress)
		}
		return err
	})
}

// assignTx sets a duty's owner, assistant and deadline inside tx.
func (s *Service) assignTx(ctx context.Context, tx *store.Tx, a access.Actor, d Duty, ownerID, assistantID int64, offset int, at string, now time.Time) error {
	at = strings.TrimSpace(at)
	dutyID := d.ID
	r, err := s.manageable(ctx, tx, a, d.ReceptionID, "edit_duties")
	if err != nil {
		return err
	}
	if ownerID != d.Task.OwnerID || assistantID != d.Task.AssistantID {
		t, err := task.Assign(ctx, tx, now, a, d.Task.ID, ownerID, assistantID)
		if err != nil {
			return err
		}
		var told []int64
		for _, u := range []int64{ownerID, assistantID} {
			if u != 0 && u != d.Task.OwnerID && u != d.Task.AssistantID && u != a.UserID {
				told = append(told, u)
			}
		}
		args := caseArgs(r)
		args["title"], args["due"] = t.Title, t.DueAt.In(s.Loc).Format("01-02 15:04")
		if err := s.notify(ctx, tx, now, told, "reception.msg.duty_assigned", args, Link(r.ID)+"/duties"); err != nil {
			return err
		}
	}
	if offset != d.Offset || (at != "" && at != d.At) {
		if at == "" {
			at = d.At
		}
		var l errs.List
		validLine(&l, "", d.Group, d.Phase, offset, at, d.Task.Title, "")
		if err := l.Err(); err != nil {
			return err
		}
		due, err := s.due(r, offset, at)
		if err != nil {
			return err
		}
		t, err := task.Reschedule(ctx, tx, now, a, d.Task.ID, due)
		if err != nil {
			return err
		}
		if err := scheduleOverdue(ctx, tx, t); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_duties SET offset_days = ?, at = ? WHERE id = ?`, offset, at, dutyID); err != nil {
			return fmt.Errorf("update duty %d: %w", dutyID, err)
		}
	}
	return nil
}

// DutyProgress records a duty's progress (the owner, assistant or office).
func (s *Service) DutyProgress(ctx context.Context, a access.Actor, dutyID int64, progress int) error {
	return s.dutyTask(ctx, a, dutyID, func(tx *store.Tx, now time.Time, t task.Task) error {
		_, err := task.SetProgress(ctx, tx, now, a, t.ID, progress)
		return err
	})
}

// CompleteDuty marks a duty done with a short result note.
func (s *Service) CompleteDuty(ctx context.Context, a access.Actor, dutyID int64, result string) error {
	return s.dutyTask(ctx, a, dutyID, func(tx *store.Tx, now time.Time, t task.Task) error {
		_, err := task.Submit(ctx, tx, now, a, t.ID, result)
		return err
	})
}

// RemoveDuty cancels a duty with a reason.
func (s *Service) RemoveDuty(ctx context.Context, a access.Actor, dutyID int64, reason string) error {
	return s.dutyTask(ctx, a, dutyID, func(tx *store.Tx, now time.Time, t task.Task) error {
		_, err := task.Cancel(ctx, tx, now, a, t.ID, reason)
		return err
	})
}

func (s *Service) dutyTask(ctx context.Context, a access.Actor, dutyID int64, fn func(tx *store.Tx, now time.Time, t task.Task) error) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.duty(ctx, tx, dutyID)
		if err != nil {
			return err
		}
		r, err := s.load(ctx, tx, d.ReceptionID)
		if err != nil {
			return err
		}
		if !CanView(a, r) || a.IsClient() {
			return errs.Refuse(CanView(a, r))
		}
		if !r.InPreparation() {
			return stateError(r.Status, "edit_duties")
		}
		return fn(tx, now, d.Task)
	})
}

// OverdueDuties lists the late duties of active cases (for the supervisor).
func (s *Service) OverdueDuties(ctx context.Context, a access.Actor) ([]Duty, error) {
	if !a.IsStaff() {
		return nil, errs.Forbid()
	}
	tasks, err := task.List(ctx, s.DB, task.Filter{Entity: Entity, Kind: KindDuty, Overdue: true, Now: s.Clock.Now(), Limit: 200})
	if err != nil {
		return nil, err
	}
	out := make([]Duty, 0, len(tasks))
	for _, t := range tasks {
		var d Duty
		err := s.DB.QueryRow(ctx, `SELECT id, reception_id, grp, phase, offset_days, at, seq FROM reception_duties WHERE task_id = ?`, t.ID).
			Scan(&d.ID, &d.ReceptionID, &d.Group, &d.Phase, &d.Offset, &d.At, &d.Seq)
		if err != nil {
			return nil, fmt.Errorf("duty of task %d: %w", t.ID, store.MapError(err))
		}
		d.Task = t
		out = append(out, d)
	}
	return out, nil
}
