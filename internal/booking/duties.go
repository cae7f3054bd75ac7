package booking

import (
	"context"
	"fmt"
	"slices"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// DutyPerson is a member of staff a run-sheet duty can be given to.
type DutyPerson struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// RunSheetDuty is a run-sheet task as the booking page shows it: with the names
// of the person it was given to and their assistant, and whether the
// reader may give it to someone (seed 001 三(一)1: 确定接待人员名单).
type RunSheetDuty struct {
	task.Task
	OwnerName     string `json:"owner_name,omitempty"`
	AssistantName string `json:"assistant_name,omitempty"`
	CanAssign     bool   `json:"can_assign"`
}

// Duties returns the run sheet of a booking the actor may see, with names.
func (s *Service) Duties(ctx context.Context, a access.Actor, id int64) ([]RunSheetDuty, error) {
	list, err := s.RunSheet(ctx, a, id)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	name := func(uid int64) (string, error) {
		if uid == 0 {
			return "", nil
		}
		if n, ok := names[uid]; ok {
			return n, nil
		}
		var n string
		err := s.DB.QueryRow(ctx, `SELECT CASE WHEN display_name = '' THEN username ELSE display_name END FROM users WHERE id = ?`, uid).Scan(&n)
		if err != nil && !store.IsNoRows(err) {
			return "", fmt.Errorf("name of user %d: %w", uid, err)
		}
		names[uid] = n
		return n, nil
	}
	out := make([]RunSheetDuty, 0, len(list))
	for _, t := range list {
		d := RunSheetDuty{Task: t}
		if d.OwnerName, err = name(t.OwnerID); err != nil {
			return nil, err
		}
		if d.AssistantName, err = name(t.AssistantID); err != nil {
			return nil, err
		}
		if t.Active() {
			if d.CanAssign, err = task.CanReview(ctx, s.DB, a, t); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// DutyPeople returns the active members of staff holding role, by name.
func (s *Service) DutyPeople(ctx context.Context, role string) ([]DutyPerson, error) {
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT u.id, CASE WHEN u.display_name = '' THEN u.username ELSE u.display_name END FROM users u
		JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.active ORDER BY u.id`, role)
	if err != nil {
		return nil, fmt.Errorf("holders of role %s: %w", role, err)
	}
	defer rows.Close()
	out := []DutyPerson{}
	for rows.Next() {
		var p DutyPerson
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, fmt.Errorf("scan person: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AssignDuty gives a run-sheet duty of booking id to a named person of its
// department, with an optional assistant (0 clears: back to the
// department's queue): the department's own people, supervisors and
// admins, as the task engine lets reviewers reassign. Both are told.
func (s *Service) AssignDuty(ctx context.Context, a access.Actor, id, taskID, ownerID, assistantID int64) (task.Task, error) {
	if _, err := s.Get(ctx, a, id); err != nil {
		return task.Task{}, err
	}
	now := s.Clock.Now()
	var out task.Task
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		t, err := task.Get(ctx, tx, taskID)
		if err != nil {
			return err
		}
		if t.Kind != TaskKind || t.Entity != AuditEntity || t.EntityID != id {
			return errs.Missing()
		}
		if ok, err := task.CanReview(ctx, tx, a, t); err != nil || !ok {
			if err != nil {
				return err
			}
			return errs.Forbid()
		}
		var l errs.List
		for _, p := range []struct {
			field string
			id    int64
		}{{"owner_id", ownerID}, {"assistant_id", assistantID}} {
			if p.id == 0 {
				continue
			}
			if ok, err := holdsRole(ctx, tx, p.id, t.Role); err != nil {
				return err
			} else if !ok {
				l.Add(p.field, "err.booking_duty_person", "role", t.Role)
			}
		}
		if err := l.Err(); err != nil {
			return err
		}
		if out, err = task.Assign(ctx, tx, now, a, taskID, ownerID, assistantID); err != nil {
			return err
		}
		var to []int64
		for _, uid := range []int64{ownerID, assistantID} {
			if uid != 0 && uid != a.UserID && !slices.Contains([]int64{t.OwnerID, t.AssistantID}, uid) {
				to = append(to, uid)
			}
		}
		return s.notify(ctx, tx, now, to, "booking.msg.duty_assigned", map[string]any{"title": t.Title, "due": s.fmt(t.DueAt)}, link(id))
	})
	return out, err
}

// holdsRole reports whether user uid is active and holds role.
func holdsRole(ctx context.Context, q store.Querier, uid int64, role string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.id = ? AND r.role = ? AND u.active`, uid, role).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("role of user %d: %w", uid, err)
	}
	return n > 0, nil
}
