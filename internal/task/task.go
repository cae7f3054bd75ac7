// Package task holds work items (任务): a run-sheet duty, a division-of-labour
// line, a meeting action item, a complaint follow-up, a move-in checklist
// entry. A task has an owner and an assistant or waits in a department or
// role queue, has a due time, progress, and a state machine:
//
//	open → in_progress → submitted → done
//	         ↑______ send back ___|
//	open, in_progress, submitted → cancelled
//
// Submitting requires a result report; the creator (or a reviewer) accepts
// it or sends it back with feedback. Every call runs in the caller's
// transaction and writes an audit row.
package task

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/post"
	"jiedai/internal/store"
	"jiedai/internal/wallclock"
	"jiedai/internal/workday"
)

// Statuses.
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusSubmitted  = "submitted"
	StatusDone       = "done"
	StatusCancelled  = "cancelled"
)

// Statuses lists every status in workflow order.
var Statuses = []string{StatusOpen, StatusInProgress, StatusSubmitted, StatusDone, StatusCancelled}

// AuditEntity is the entity name of tasks in the audit log.
const AuditEntity = "task"

// Limits on text fields.
const (
	MaxTitle       = 200
	MaxDescription = 4000
	MaxResult      = 8000
)

// Task is one work item.
type Task struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind,omitempty"`
	Entity       string    `json:"entity,omitempty"`
	EntityID     int64     `json:"entity_id,omitempty"`
	ParentID     int64     `json:"parent_id,omitempty"`
	Title        string    `json:"title"`
	Description  string    `json:"description,omitempty"`
	OwnerID      int64     `json:"owner_id,omitempty"`
	AssistantID  int64     `json:"assistant_id,omitempty"`
	DepartmentID int64     `json:"department_id,omitempty"` // department queue
	Role         string    `json:"role,omitempty"`          // role queue
	Post         string    `json:"post,omitempty"`          // post queue (岗位 code, package post)
	DueAt        time.Time `json:"due_at,omitzero"`
	Progress     int       `json:"progress"`
	Status       string    `json:"status"`
	AutoAccept   bool      `json:"auto_accept,omitempty"` // submitting completes it without review
	Result       string    `json:"result,omitempty"`
	Feedback     string    `json:"feedback,omitempty"` // the reviewer's reason for sending back
	Link         string    `json:"link,omitempty"`
	CreatedBy    int64     `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	SubmittedAt  time.Time `json:"submitted_at,omitzero"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
}

// Active reports whether the task still needs work or review.
func (t Task) Active() bool { return t.Status != StatusDone && t.Status != StatusCancelled }

// Overdue reports whether the task is late at now: due, and not yet
// submitted, done or cancelled.
func (t Task) Overdue(now time.Time) bool {
	return !t.DueAt.IsZero() && t.DueAt.Before(now) && (t.Status == StatusOpen || t.Status == StatusInProgress)
}

// Input is what creating a task takes. A task needs an owner, a department
// queue, a role queue or a post queue (or several).
type Input struct {
	Kind         string
	Entity       string
	EntityID     int64
	ParentID     int64
	Title        string
	Description  string
	OwnerID      int64
	AssistantID  int64
	DepartmentID int64
	Role         string
	Post         string
	DueAt        time.Time
	AutoAccept   bool
	Link         string
}

var kindRE = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,63}$`)

func (in *Input) validate(ctx context.Context, q store.Querier) error {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	var l errs.List
	if in.Title == "" {
		l.Add("title", "err.required")
	} else if utf8.RuneCountInString(in.Title) > MaxTitle {
		l.Add("title", "err.too_long", "max", MaxTitle)
	}
	if utf8.RuneCountInString(in.Description) > MaxDescription {
		l.Add("description", "err.too_long", "max", MaxDescription)
	}
	if in.Kind != "" && !kindRE.MatchString(in.Kind) {
		l.Add("kind", "err.invalid")
	}
	if (in.Entity == "") != (in.EntityID == 0) || in.EntityID < 0 {
		l.Add("entity", "err.invalid")
	}
	if in.Role != "" && (!access.ValidRole(in.Role) || in.Role == access.Client) {
		l.Add("role", "err.unknown_role", "role", in.Role)
	}
	if in.OwnerID == 0 && in.DepartmentID == 0 && in.Role == "" && in.Post == "" {
		l.Add("owner_id", "err.task.no_assignee")
	}
	if in.Post != "" {
		if err := post.Exists(ctx, q, "post", in.Post); err != nil {
			if errs.As(err).Kind == errs.Internal {
				return err
			}
			l = append(l, errs.As(err))
		}
	}
	if in.AssistantID != 0 && in.AssistantID == in.OwnerID {
		l.Add("assistant_id", "err.task.same_person")
	}
	if in.OwnerID != 0 {
		if err := activeUser(ctx, q, in.OwnerID); err != nil {
			if e := errs.As(err); e.Kind == errs.Internal {
				return err
			}
			l.Add("owner_id", "err.task.unknown_user")
		}
	}
	if in.AssistantID != 0 {
		if err := activeUser(ctx, q, in.AssistantID); err != nil {
			if e := errs.As(err); e.Kind == errs.Internal {
				return err
			}
			l.Add("assistant_id", "err.task.unknown_user")
		}
	}
	if in.DepartmentID != 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM departments WHERE id = ?`, in.DepartmentID).Scan(&n); err != nil {
			return fmt.Errorf("check department %d: %w", in.DepartmentID, err)
		}
		if n == 0 {
			l.Add("department_id", "err.task.unknown_department")
		}
	}
	if in.ParentID != 0 {
		var status string
		err := q.QueryRow(ctx, `SELECT status FROM tasks WHERE id = ?`, in.ParentID).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			l.Add("parent_id", "err.task.unknown_parent")
		case err != nil:
			return fmt.Errorf("check parent task %d: %w", in.ParentID, err)
		case status == StatusDone || status == StatusCancelled:
			l.Add("parent_id", "err.task.parent_closed")
		}
	}
	return l.Err()
}

func activeUser(ctx context.Context, q store.Querier, id int64) error {
	var active bool
	err := q.QueryRow(ctx, `SELECT active FROM users WHERE id = ?`, id).Scan(&active)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
		return errs.Missing()
	}
	if err != nil {
		return fmt.Errorf("check user %d: %w", id, err)
	}
	return nil
}

// Create adds a task inside the caller's transaction. Any member of staff
// (or the system) may create tasks; the workflow creating them checks its
// own permissions first.
func Create(ctx context.Context, q store.Querier, now time.Time, a access.Actor, in Input) (Task, error) {
	if !a.IsStaff() {
		return Task{}, errs.Forbid()
	}
	if err := in.validate(ctx, q); err != nil {
		return Task{}, err
	}
	ms := store.Ms(now)
	id, err := store.InsertID(ctx, q, `INSERT INTO tasks (kind, entity, entity_id, parent_id, title, description, owner_id, assistant_id, department_id, role, post, due_at, progress, status, auto_accept, link, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
		in.Kind, in.Entity, in.EntityID, store.IDOrNil(in.ParentID), in.Title, in.Description, store.IDOrNil(in.OwnerID), store.IDOrNil(in.AssistantID),
		store.IDOrNil(in.DepartmentID), in.Role, in.Post, store.MsOrNil(in.DueAt), StatusOpen, in.AutoAccept, in.Link, store.IDOrNil(a.UserID), ms, ms)
	if err != nil {
		return Task{}, fmt.Errorf("insert task: %w", err)
	}
	t, err := Get(ctx, q, id)
	if err != nil {
		return Task{}, err
	}
	if err := audit.Record(ctx, q, now, a, AuditEntity, id, "create", nil, t); err != nil {
		return Task{}, err
	}
	return t, nil
}

// Due computes a deadline relative to anchor: the working day workdays
// away (negative = before; 0 = anchor's own date) at the local time at
// ("HH:MM" in loc; empty keeps anchor's time of day; a time the clocks
// skip is moved forward by the gap, a repeated one is its first). The
// result is UTC. Use it where a seed says 工作日; DueDays where it says 天.
func Due(anchor time.Time, workdays int, at string, cal *workday.Calendar, loc *time.Location) (time.Time, error) {
	if cal == nil || loc == nil {
		return time.Time{}, errors.New("task due: nil calendar or location")
	}
	return atTimeOfDay(cal.AddWorkdays(anchor, workdays).In(loc), at, loc)
}

// DueDays computes a deadline days calendar days from anchor's local date
// (negative = before), at the local time at ("HH:MM"; empty keeps
// anchor's time of day). The result is UTC.
func DueDays(anchor time.Time, days int, at string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		return time.Time{}, errors.New("task due: nil location")
	}
	l := anchor.In(loc)
	y, m, d := l.Date()
	return atTimeOfDay(time.Date(y, m, d+days, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc), at, loc)
}

// atTimeOfDay moves d (local) to the clock time at ("HH:MM") of its date.
func atTimeOfDay(d time.Time, at string, loc *time.Location) (time.Time, error) {
	if at == "" {
		return d.UTC(), nil
	}
	hm, err := time.Parse("15:04", at)
	if err != nil || len(at) != 5 {
		return time.Time{}, errs.Field("at", "err.task.bad_time_of_day")
	}
	return wallclock.OnForward(d, hm.Hour(), hm.Minute(), loc).UTC(), nil
}

const cols = `id, kind, entity, entity_id, COALESCE(parent_id, 0), title, description, COALESCE(owner_id, 0), COALESCE(assistant_id, 0), COALESCE(department_id, 0), role, post, due_at, progress, status, auto_accept, result, feedback, link, COALESCE(created_by, 0), created_at, updated_at, submitted_at, closed_at`

func scan(sc interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var due, submitted, closed sql.NullInt64
	var created, updated int64
	err := sc.Scan(&t.ID, &t.Kind, &t.Entity, &t.EntityID, &t.ParentID, &t.Title, &t.Description, &t.OwnerID, &t.AssistantID, &t.DepartmentID, &t.Role, &t.Post,
		&due, &t.Progress, &t.Status, &t.AutoAccept, &t.Result, &t.Feedback, &t.Link, &t.CreatedBy, &created, &updated, &submitted, &closed)
	t.DueAt, t.SubmittedAt, t.ClosedAt = store.NullMs(due), store.NullMs(submitted), store.NullMs(closed)
	t.CreatedAt, t.UpdatedAt = store.Time(created), store.Time(updated)
	return t, err
}

// Get returns a task.
func Get(ctx context.Context, q store.Querier, id int64) (Task, error) {
	t, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM tasks WHERE id = ?`, id))
	if err != nil {
		return Task{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get task %d", id))
	}
	return t, nil
}

// Filter selects tasks; zero fields match everything.
type Filter struct {
	Entity       string
	EntityID     int64
	ParentID     int64
	OwnerID      int64
	DepartmentID int64
	Role         string
	Post         string
	Kind         string
	Status       []string
	Overdue      bool      // due before Now and not yet submitted
	Now          time.Time // required with Overdue
	DueBefore    time.Time
	Limit        int // default and maximum 1000
}

// List returns tasks by due time (tasks without one last), then id. The
// workflow calling it checks that the actor may see the record.
func List(ctx context.Context, q store.Querier, f Filter) ([]Task, error) {
	var where []string
	var args []any
	add := func(cond string, v ...any) { where = append(where, cond); args = append(args, v...) }
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = ?", f.EntityID)
	}
	if f.ParentID != 0 {
		add("parent_id = ?", f.ParentID)
	}
	if f.OwnerID != 0 {
		add("owner_id = ?", f.OwnerID)
	}
	if f.DepartmentID != 0 {
		add("department_id = ?", f.DepartmentID)
	}
	if f.Role != "" {
		add("role = ?", f.Role)
	}
	if f.Post != "" {
		add("post = ?", f.Post)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if len(f.Status) > 0 {
		vals := make([]any, len(f.Status))
		for i, s := range f.Status {
			vals[i] = s
		}
		add("status IN ("+store.Placeholders(len(vals))+")", vals...)
	}
	if f.Overdue {
		if f.Now.IsZero() {
			return nil, errors.New("list tasks: Overdue needs Now")
		}
		add("status IN (?, ?) AND due_at IS NOT NULL AND due_at < ?", StatusOpen, StatusInProgress, store.Ms(f.Now))
	}
	if !f.DueBefore.IsZero() {
		add("due_at IS NOT NULL AND due_at < ?", store.Ms(f.DueBefore))
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	query := `SELECT ` + cols + ` FROM tasks`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(` ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id LIMIT %d`, f.Limit)
	return list(ctx, q, query, args...)
}

func list(ctx context.Context, q store.Querier, query string, args ...any) ([]Task, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan task: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DueFor returns the active tasks due before until that are the actor's:
// owned or assisted, or unassigned in the actor's department, role or post
// queue. Earliest due (so overdue) first.
func DueFor(ctx context.Context, q store.Querier, a access.Actor, until time.Time) ([]Task, error) {
	if a.UserID == 0 {
		return nil, nil
	}
	// One branch per way a task reaches the actor, each read through its
	// own index (person, status, due) — an OR of them makes the planner
	// walk every open task due before until.
	open := ` AND status IN (?, ?, ?) AND due_at IS NOT NULL AND due_at < ?`
	openArgs := []any{StatusOpen, StatusInProgress, StatusSubmitted, store.Ms(until)}
	var branches []string
	var args []any
	branch := func(cond string, v ...any) {
		branches = append(branches, `SELECT `+cols+` FROM tasks WHERE `+cond+open)
		args = append(append(args, v...), openArgs...)
	}
	branch("owner_id = ?", a.UserID)
	branch("assistant_id = ?", a.UserID)
	if a.DepartmentID != 0 {
		branch("owner_id IS NULL AND department_id = ?", a.DepartmentID)
	}
	if len(a.Roles) > 0 {
		roles := make([]any, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = r
		}
		branch("owner_id IS NULL AND role IN ("+store.Placeholders(len(a.Roles))+")", roles...)
	}
	if len(a.Posts) > 0 {
		posts := make([]any, len(a.Posts))
		for i, p := range a.Posts {
			posts[i] = p
		}
		branch("owner_id IS NULL AND post IN ("+store.Placeholders(len(a.Posts))+")", posts...)
	}
	return list(ctx, q, strings.Join(branches, " UNION ")+` ORDER BY due_at, id LIMIT 500`, args...)
}

// ToReview returns the submitted tasks the actor created, oldest first.
func ToReview(ctx context.Context, q store.Querier, a access.Actor) ([]Task, error) {
	if a.UserID == 0 {
		return nil, nil
	}
	return list(ctx, q, `SELECT `+cols+` FROM tasks WHERE status = ? AND created_by = ? ORDER BY submitted_at, id LIMIT 500`, StatusSubmitted, a.UserID)
}

// Overdue returns every task late at now (open or in progress, due before
// now), for reminder sweeps.
func Overdue(ctx context.Context, q store.Querier, now time.Time) ([]Task, error) {
	return List(ctx, q, Filter{Overdue: true, Now: now})
}

// managerOf returns the manager of a department (0 if none).
func managerOf(ctx context.Context, q store.Querier, dept int64) (int64, error) {
	if dept == 0 {
		return 0, nil
	}
	var m int64
	err := q.QueryRow(ctx, `SELECT COALESCE(manager_id, 0) FROM departments WHERE id = ?`, dept).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("manager of department %d: %w", dept, err)
	}
	return m, nil
}

// CanWork reports whether the actor may update progress and submit: the
// owner or assistant; for an unassigned task, members of its department
// queue and holders of its queue role or post; and everyone who may review it.
func CanWork(ctx context.Context, q store.Querier, a access.Actor, t Task) (bool, error) {
	if a.UserID != 0 && (a.UserID == t.OwnerID || a.UserID == t.AssistantID) {
		return true, nil
	}
	if t.OwnerID == 0 && a.UserID != 0 && ((t.DepartmentID != 0 && a.DepartmentID == t.DepartmentID) || (t.Role != "" && a.Has(t.Role)) || a.HoldsPost(t.Post)) {
		return true, nil
	}
	return CanReview(ctx, q, a, t)
}

// CanReview reports whether the actor may accept, send back, cancel and
// reassign: the creator, the manager of its department queue, holders of
// its queue role, supervisors, admins and the system.
func CanReview(ctx context.Context, q store.Querier, a access.Actor, t Task) (bool, error) {
	if a.System || a.Has(access.Admin, access.Supervisor) {
		return true, nil
	}
	if a.UserID == 0 {
		return false, nil
	}
	if a.UserID == t.CreatedBy || (t.Role != "" && a.Has(t.Role)) {
		return true, nil
	}
	m, err := managerOf(ctx, q, t.DepartmentID)
	return m != 0 && m == a.UserID, err
}

type change struct {
	action  string
	from    []string
	check   func(context.Context, store.Querier, access.Actor, Task) (bool, error)
	set     string
	args    []any
	toState string
}

// apply runs one state change: loads the task, checks the permission and
// the state, updates it conditionally on the state read, audits it.
func apply(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64, c change) (Task, error) {
	t, err := Get(ctx, q, id)
	if err != nil {
		return Task{}, err
	}
	ok, err := c.check(ctx, q, a, t)
	if err != nil {
		return Task{}, err
	}
	if !ok {
		return Task{}, errs.Forbid()
	}
	allowed := false
	for _, s := range c.from {
		allowed = allowed || s == t.Status
	}
	if !allowed {
		return Task{}, errs.State(t.Status, c.action)
	}
	set := c.set
	args := append([]any{}, c.args...)
	if c.toState != "" {
		set += ", status = ?"
		args = append(args, c.toState)
	}
	args = append(args, store.Ms(now), t.ID, t.Status)
	res, err := q.Exec(ctx, `UPDATE tasks SET `+set+`, updated_at = ? WHERE id = ? AND status = ?`, args...)
	if err != nil {
		return Task{}, fmt.Errorf("%s task %d: %w", c.action, t.ID, store.MapError(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Task{}, errs.State(t.Status, c.action)
	}
	out, err := Get(ctx, q, t.ID)
	if err != nil {
		return Task{}, err
	}
	if err := audit.Record(ctx, q, now, a, AuditEntity, t.ID, c.action, t, out); err != nil {
		return Task{}, err
	}
	return out, nil
}

// SetProgress records progress (0–100); an open task becomes in progress.
func SetProgress(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64, progress int) (Task, error) {
	if progress < 0 || progress > 100 {
		return Task{}, errs.Field("progress", "err.task.progress_range")
	}
	return apply(ctx, q, now, a, id, change{
		action: "progress", from: []string{StatusOpen, StatusInProgress}, check: CanWork,
		set: "progress = ?", args: []any{progress}, toState: StatusInProgress,
	})
}

// Submit hands in the result report. The task waits for review, or is done
// at once when it was created with AutoAccept.
func Submit(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64, result string) (Task, error) {
	result = strings.TrimSpace(result)
	if result == "" {
		return Task{}, errs.Field("result", "err.required")
	}
	if utf8.RuneCountInString(result) > MaxResult {
		return Task{}, errs.Field("result", "err.too_long", "max", MaxResult)
	}
	t, err := Get(ctx, q, id)
	if err != nil {
		return Task{}, err
	}
	ms := store.Ms(now)
	c := change{
		action: "submit", from: []string{StatusOpen, StatusInProgress}, check: CanWork,
		set: "result = ?, submitted_at = ?", args: []any{result, ms}, toState: StatusSubmitted,
	}
	if t.AutoAccept {
		c.set += ", progress = 100, closed_at = ?"
		c.args = append(c.args, ms)
		c.toState = StatusDone
	}
	return apply(ctx, q, now, a, id, c)
}

// Accept closes a submitted task as done.
func Accept(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64) (Task, error) {
	return apply(ctx, q, now, a, id, change{
		action: "accept", from: []string{StatusSubmitted}, check: reviewerNotSelf,
		set: "progress = 100, feedback = '', closed_at = ?", args: []any{store.Ms(now)}, toState: StatusDone,
	})
}

// SendBack returns a submitted task to its owner with the reason.
func SendBack(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64, feedback string) (Task, error) {
	feedback = strings.TrimSpace(feedback)
	if feedback == "" {
		return Task{}, errs.Field("feedback", "err.required")
	}
	if utf8.RuneCountInString(feedback) > MaxResult {
		return Task{}, errs.Field("feedback", "err.too_long", "max", MaxResult)
	}
	return apply(ctx, q, now, a, id, change{
		action: "send_back", from: []string{StatusSubmitted}, check: reviewerNotSelf,
		set: "feedback = ?, submitted_at = NULL", args: []any{feedback}, toState: StatusInProgress,
	})
}

// reviewerNotSelf allows reviewers, but not the owner or assistant judging
// their own work unless they also created it (or are admin).
func reviewerNotSelf(ctx context.Context, q store.Querier, a access.Actor, t Task) (bool, error) {
	ok, err := CanReview(ctx, q, a, t)
	if err != nil || !ok {
		return false, err
	}
	if a.System || a.Has(access.Admin) || a.UserID == t.CreatedBy {
		return true, nil
	}
	return a.UserID != t.OwnerID && a.UserID != t.AssistantID, nil
}

// Cancel drops an active task, with the reason kept as feedback.
func Cancel(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64, reason string) (Task, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxResult {
		return Task{}, errs.Field("reason", "err.too_long", "max", MaxResult)
	}
	return apply(ctx, q, now, a, id, change{
		action: "cancel", from: []string{StatusOpen, StatusInProgress, StatusSubmitted}, check: CanReview,
		set: "feedback = ?, closed_at = ?", args: []any{reason, store.Ms(now)}, toState: StatusCancelled,
	})
}

// Assign sets the owner and assistant (0 clears). Reviewers may assign
// anyone; a member of the task's queue may claim an unassigned task for
// themselves (ownerID = their own id, assistant unchanged).
func Assign(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id, ownerID, assistantID int64) (Task, error) {
	t, err := Get(ctx, q, id)
	if err != nil {
		return Task{}, err
	}
	review, err := CanReview(ctx, q, a, t)
	if err != nil {
		return Task{}, err
	}
	if !review {
		claim := t.OwnerID == 0 && ownerID == a.UserID && assistantID == t.AssistantID
		if ok, err := CanWork(ctx, q, a, t); err != nil || !ok || !claim {
			if err != nil {
				return Task{}, err
			}
			return Task{}, errs.Forbid()
		}
	}
	var l errs.List
	if ownerID == 0 && t.DepartmentID == 0 && t.Role == "" && t.Post == "" {
		l.Add("owner_id", "err.task.no_assignee")
	}
	if assistantID != 0 && assistantID == ownerID {
		l.Add("assistant_id", "err.task.same_person")
	}
	for _, u := range []struct {
		field string
		id    int64
	}{{"owner_id", ownerID}, {"assistant_id", assistantID}} {
		if u.id == 0 {
			continue
		}
		if err := activeUser(ctx, q, u.id); err != nil {
			if errs.As(err).Kind == errs.Internal {
				return Task{}, err
			}
			l.Add(u.field, "err.task.unknown_user")
		}
	}
	if err := l.Err(); err != nil {
		return Task{}, err
	}
	return apply(ctx, q, now, a, id, change{
		action: "assign", from: []string{StatusOpen, StatusInProgress, StatusSubmitted},
		check: func(context.Context, store.Querier, access.Actor, Task) (bool, error) { return true, nil },
		set:   "owner_id = ?, assistant_id = ?", args: []any{store.IDOrNil(ownerID), store.IDOrNil(assistantID)},
	})
}

// Reschedule moves the due time (zero clears it); reviewers only.
func Reschedule(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64, due time.Time) (Task, error) {
	return apply(ctx, q, now, a, id, change{
		action: "reschedule", from: []string{StatusOpen, StatusInProgress, StatusSubmitted}, check: CanReview,
		set: "due_at = ?", args: []any{store.MsOrNil(due)},
	})
}
