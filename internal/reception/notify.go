package reception

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/jobs"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Notifier sends in-app messages (notify.Service.Notify) inside the
// caller's transaction.
type Notifier func(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error

// JobDutyOverdue fires at a duty's deadline and tells the supervisors when
// the duty is still not done.
const JobDutyOverdue = "reception.duty_overdue"

type dutyJob struct {
	TaskID int64 `json:"task_id"`
}

// RegisterJobs registers the reception jobs with the runner.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.Register(JobDutyOverdue, func(ctx context.Context, tx *store.Tx, j jobs.Job) error {
		var p dutyJob
		if err := j.Decode(&p); err != nil {
			return err
		}
		return s.flagOverdue(ctx, tx, p.TaskID, s.Clock.Now())
	})
}

// scheduleOverdue (re)schedules the overdue check of a duty at its deadline.
func scheduleOverdue(ctx context.Context, q store.Querier, t task.Task) error {
	if t.DueAt.IsZero() {
		return nil
	}
	key := fmt.Sprintf("%d", t.ID)
	if err := jobs.Reschedule(ctx, q, JobDutyOverdue, key, t.DueAt, dutyJob{TaskID: t.ID}); err != nil {
		return fmt.Errorf("schedule overdue check of task %d: %w", t.ID, err)
	}
	return nil
}

// flagOverdue tells the supervisors about a duty still open past its
// deadline (it may have been done, cancelled or moved meanwhile).
func (s *Service) flagOverdue(ctx context.Context, tx store.Querier, taskID int64, now time.Time) error {
	t, err := task.Get(ctx, tx, taskID)
	if err != nil {
		return err
	}
	if !t.Overdue(now) {
		return nil
	}
	r, err := s.load(ctx, tx, t.EntityID)
	if err != nil {
		return err
	}
	if !r.Active() {
		return nil
	}
	sups, err := usersWithRole(ctx, tx, access.Supervisor)
	if err != nil {
		return err
	}
	owner := ""
	if t.OwnerID != 0 {
		_ = tx.QueryRow(ctx, `SELECT CASE WHEN display_name <> '' THEN display_name ELSE username END FROM users WHERE id = ?`, t.OwnerID).Scan(&owner)
	}
	return s.notify(ctx, tx, now, sups, "reception.msg.duty_overdue",
		map[string]any{"code": r.Code, "org": r.OrgName, "title": t.Title, "owner": owner, "due": t.DueAt.In(s.Loc).Format("01-02 15:04")}, Link(r.ID)+"/duties")
}

// notify sends a message when a notifier is wired in.
func (s *Service) notify(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error {
	if s.Notify == nil || len(userIDs) == 0 {
		return nil
	}
	return s.Notify(ctx, q, now, userIDs, key, args, link)
}

func usersWithRole(ctx context.Context, q store.Querier, roles ...string) ([]int64, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	args := make([]any, len(roles))
	for i, r := range roles {
		args[i] = r
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.active = TRUE AND r.role IN (`+store.Placeholders(len(roles))+`) ORDER BY u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("users with role: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// reviewers are the people who may decide the chain's current step.
func reviewers(ctx context.Context, q store.Querier, c approval.Chain) ([]int64, error) {
	st, ok := c.Current()
	if !ok {
		return nil, nil
	}
	if st.UserID != 0 {
		return []int64{st.UserID}, nil
	}
	ids, err := usersWithRole(ctx, q, st.Role)
	if err != nil {
		return nil, err
	}
	out := ids[:0]
	for _, id := range ids {
		if id != c.CreatedBy {
			out = append(out, id)
		}
	}
	return out, nil
}

// caseArgs are the values every reception message uses.
func caseArgs(r Reception) map[string]any {
	return map[string]any{"code": r.Code, "org": r.OrgName, "date": r.VisitDate}
}
