package reception

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Link returns the case page's path.
func Link(id int64) string { return fmt.Sprintf("/receptions/%d", id) }

// managerOf finds a user's department head inside the transaction.
func managerOf(q store.Querier) func(ctx context.Context, userID int64) (int64, error) {
	return func(ctx context.Context, userID int64) (int64, error) {
		var m int64
		err := q.QueryRow(ctx, `SELECT COALESCE(d.manager_id, 0) FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ?`, userID).Scan(&m)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return m, err
	}
}

// Submit sends a draft (or a rejected application, edited) for review:
// the department head, and one more step when it is late (fewer than the
// configured working days before the visit, which then needs a reason).
// A new guest organisation is added to the client register.
func (s *Service) Submit(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.UserID != r.ApplicantID && !a.Has(access.Admin) {
			if CanView(a, r) {
				return errs.New(errs.Forbidden, "err.reception.applicant_only")
			}
			return errs.Missing()
		}
		if !r.Editable() {
			return stateError(r.Status, "submit")
		}
		in := r.Application()
		l := in.validate(true, s.today(), s.Loc)
		cfg, err := LoadConfig(ctx, tx)
		if err != nil {
			return err
		}
		late := false
		if v := r.Visit(s.Loc); !v.IsZero() {
			late = s.IsLate(now, v, cfg.MinWorkdays)
		}
		if late && strings.TrimSpace(in.LateReason) == "" {
			l.Add("late_reason", "err.reception.late_reason", "n", cfg.MinWorkdays)
		}
		if err := l.Err(); err != nil {
			return err
		}
		if r.OrgID == 0 {
			orgID, err := client.Ensure(ctx, tx, now, a, r.OrgName)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE receptions SET org_id = ? WHERE id = ?`, orgID, r.ID); err != nil {
				return fmt.Errorf("link reception %d to org: %w", r.ID, err)
			}
		}
		if err := cancelOpenChain(ctx, tx, now, Entity, r.ID); err != nil {
			return err
		}
		steps := []approval.StepSpec{{Manager: true}}
		if late {
			steps = append(steps, approval.StepSpec{Role: cfg.LateRole})
		}
		ch, err := approval.Start(ctx, tx, now, a, Entity, r.ID, r.Code+" "+r.OrgName, Link(r.ID), steps, managerOf(tx))
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, now, a, r, StatusPending, "submit", "submitted_at = ?, late = ?, status_note = ''", store.Ms(now), late); err != nil {
			return err
		}
		return s.tellReviewers(ctx, tx, now, r, ch, "reception.msg.review")
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

// cancelOpenChain withdraws a returned (or still pending) chain before a
// new one starts.
func cancelOpenChain(ctx context.Context, tx store.Querier, now time.Time, entity string, id int64) error {
	c, err := approval.Get(ctx, tx, entity, id)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return nil
		}
		return err
	}
	if !c.Open() {
		return nil
	}
	_, err = approval.Cancel(ctx, tx, now, access.SystemActor(), c.ID, "resubmitted")
	return err
}

// Chains returns the application's and the plan's latest review chains
// (zero Chain when none): staff only, as the reviewers' comments are
// internal.
func (s *Service) Chains(ctx context.Context, a access.Actor, id int64) (app, plan approval.Chain, err error) {
	if _, err := s.internal(ctx, a, id); err != nil {
		return app, plan, err
	}
	for _, c := range []struct {
		entity string
		dst    *approval.Chain
	}{{Entity, &app}, {EntityPlan, &plan}} {
		ch, err := approval.Get(ctx, s.DB, c.entity, id)
		if err != nil && errs.As(err).Kind != errs.NotFound {
			return app, plan, err
		}
		*c.dst = ch
	}
	return app, plan, nil
}

// Decide records the actor's decision ("approve", "reject" or "return")
// on the case's current review step: the application while pending, the
// plan while in plan review. The case follows the chain's outcome.
func (s *Service) Decide(ctx context.Context, a access.Actor, id int64, action, comment string) (Reception, error) {
	if action != approval.Approve && action != approval.Reject && action != approval.Return {
		return Reception{}, errs.Field("decision", "err.invalid")
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanView(a, r) || a.IsClient() {
			return errs.Refuse(CanView(a, r))
		}
		entity := Entity
		switch r.Status {
		case StatusPending:
		case StatusPlanReview:
			entity = EntityPlan
		default:
			return stateError(r.Status, action)
		}
		if entity == EntityPlan && action == approval.Approve {
			// A plan cannot be approved while the room it asked for is not held.
			if held, err := RoomHeld(ctx, tx, r); err != nil {
				return err
			} else if !held {
				return errs.Field("room", "err.reception.room_not_held")
			}
		}
		ch, err := approval.Get(ctx, tx, entity, id)
		if err != nil {
			return err
		}
		ch, err = approval.Decide(ctx, tx, now, a, ch.ID, action, comment)
		if err != nil {
			return err
		}
		comment = strings.TrimSpace(comment)
		args := caseArgs(r)
		args["comment"] = comment
		switch {
		case ch.Status == approval.StatusPending:
			if err := auditCase(ctx, tx, now, a, id, "review_step", nil, map[string]any{"step": ch.CurrentStep - 1, "entity": entity}); err != nil {
				return err
			}
			key := "reception.msg.review"
			if entity == EntityPlan {
				key = "reception.msg.plan_review"
			}
			return s.tellReviewers(ctx, tx, now, r, ch, key)
		case entity == Entity && ch.Status == approval.StatusApproved:
			if err := s.setStatus(ctx, tx, now, a, r, StatusPlanning, "approve", "approved_at = ?, status_note = ''", store.Ms(now)); err != nil {
				return err
			}
			if err := s.preparePlan(ctx, tx, now, a, r); err != nil {
				return err
			}
			office, err := usersWithRole(ctx, tx, access.Office)
			if err != nil {
				return err
			}
			return s.notify(ctx, tx, now, append(office, r.ApplicantID), "reception.msg.approved", args, Link(id))
		case entity == Entity && ch.Status == approval.StatusRejected:
			if err := s.setStatus(ctx, tx, now, a, r, StatusRejected, "reject", "status_note = ?", comment); err != nil {
				return err
			}
			return s.notify(ctx, tx, now, []int64{r.ApplicantID}, "reception.msg.rejected", args, Link(id))
		case entity == Entity && ch.Status == approval.StatusReturned:
			if err := s.setStatus(ctx, tx, now, a, r, StatusDraft, "return", "status_note = ?", comment); err != nil {
				return err
			}
			return s.notify(ctx, tx, now, []int64{r.ApplicantID}, "reception.msg.returned", args, Link(id))
		case ch.Status == approval.StatusApproved:
			if err := s.setStatus(ctx, tx, now, a, r, StatusReady, "approve_plan", "plan_approved_at = ?, status_note = ''", store.Ms(now)); err != nil {
				return err
			}
			people, err := dutyPeople(ctx, tx, id)
			if err != nil {
				return err
			}
			return s.notify(ctx, tx, now, append(people, r.ApplicantID, r.LiaisonID, ch.CreatedBy), "reception.msg.plan_approved", args, Link(id)+"/duties")
		default: // plan rejected or returned: back to planning
			if err := s.setStatus(ctx, tx, now, a, r, StatusPlanning, "reject_plan", "status_note = ?", comment); err != nil {
				return err
			}
			return s.notify(ctx, tx, now, []int64{ch.CreatedBy}, "reception.msg.plan_rejected", args, Link(id)+"/plan")
		}
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

// SubmitPlan sends the plan (itinerary, division of labour, materials,
// budget) to the superior. Every duty needs an owner and the itinerary at
// least one entry.
func (s *Service) SubmitPlan(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanManage(a, r) {
			return errs.Refuse(CanView(a, r))
		}
		if r.Status != StatusPlanning {
			return stateError(r.Status, "submit_plan")
		}
		var l errs.List
		var items, unowned int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reception_itinerary WHERE reception_id = ?`, id).Scan(&items); err != nil {
			return fmt.Errorf("count itinerary: %w", err)
		}
		if items == 0 {
			l.Add("itinerary", "err.reception.no_itinerary")
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reception_duties d JOIN tasks t ON t.id = d.task_id WHERE d.reception_id = ? AND t.owner_id IS NULL AND t.status <> ?`,
			id, task.StatusCancelled).Scan(&unowned); err != nil {
			return fmt.Errorf("count unowned duties: %w", err)
		}
		if unowned > 0 {
			l.Add("duties", "err.reception.duties_unowned", "n", unowned)
		}
		if held, err := RoomHeld(ctx, tx, r); err != nil {
			return err
		} else if !held {
			l.Add("room", "err.reception.room_not_held")
		}
		if err := l.Err(); err != nil {
			return err
		}
		cfg, err := LoadConfig(ctx, tx)
		if err != nil {
			return err
		}
		if err := cancelOpenChain(ctx, tx, now, EntityPlan, id); err != nil {
			return err
		}
		ch, err := approval.Start(ctx, tx, now, a, EntityPlan, id, r.Code+" "+r.OrgName, Link(id), []approval.StepSpec{{Role: cfg.PlanRole}}, nil)
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, now, a, r, StatusPlanReview, "submit_plan", "plan_submitted_at = ?, status_note = ''", store.Ms(now)); err != nil {
			return err
		}
		return s.tellReviewers(ctx, tx, now, r, ch, "reception.msg.plan_review")
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

// Start marks the visit as under way (the sign-in desk does it at the
// first arrival).
func (s *Service) Start(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	return s.simple(ctx, a, id, "start", StatusReady, StatusOngoing, "started_at", CanDesk)
}

// Finish ends the visit; the wrap-up begins and the surveys are opened.
func (s *Service) Finish(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	return s.simple(ctx, a, id, "finish", StatusOngoing, StatusWrapUp, "finished_at", CanManage)
}

func (s *Service) simple(ctx context.Context, a access.Actor, id int64, action, from, to, stamp string, may func(access.Actor, Reception) bool) (Reception, error) {
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !may(a, r) {
			return errs.Refuse(CanView(a, r))
		}
		if r.Status != from {
			return stateError(r.Status, action)
		}
		if err := s.setStatus(ctx, tx, now, a, r, to, action, stamp+" = ?", store.Ms(now)); err != nil {
			return err
		}
		if to == StatusWrapUp {
			return s.openSurveys(ctx, tx, now, r.ID)
		}
		return nil
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

// Close ends the case once the wrap-up is complete: the visit report
// submitted, every borrowed item returned and checked, every expense line
// settled and the internal evaluation filled in.
func (s *Service) Close(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Has(access.Office, access.Supervisor) {
			return errs.Refuse(CanView(a, r))
		}
		if r.Status != StatusWrapUp {
			return stateError(r.Status, "close")
		}
		var l errs.List
		var n int
		checks := []struct {
			field, key, q string
			args          []any
		}{
			{"materials", "err.reception.materials_open", `SELECT COUNT(*) FROM reception_materials WHERE reception_id = ? AND purchase = FALSE AND borrowed_at IS NOT NULL AND checked_at IS NULL`, nil},
			{"expenses", "err.reception.expenses_open", `SELECT COUNT(*) FROM reception_expenses WHERE reception_id = ? AND actual_fen IS NULL`, nil},
			{"survey", "err.reception.survey_missing", `SELECT COUNT(*) FROM reception_surveys WHERE reception_id = ? AND kind = ? AND submitted_at IS NULL`, []any{SurveyInternal}},
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reception_reports WHERE reception_id = ? AND submitted_at IS NOT NULL`, id).Scan(&n); err != nil {
			return fmt.Errorf("count reports: %w", err)
		}
		if n == 0 {
			l.Add("report", "err.reception.report_missing")
		}
		for _, c := range checks {
			if err := tx.QueryRow(ctx, c.q, append([]any{id}, c.args...)...).Scan(&n); err != nil {
				return fmt.Errorf("close check %s: %w", c.field, err)
			}
			if n > 0 {
				l.Add(c.field, c.key, "n", n)
			}
		}
		if err := l.Err(); err != nil {
			return err
		}
		return s.setStatus(ctx, tx, now, a, r, StatusClosed, "close", "closed_at = ?", store.Ms(now))
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

// Cancel drops a case before or during preparation, with a reason: open
// reviews are withdrawn and open duties cancelled. Borrowed materials must
// be back first.
func (s *Service) Cancel(ctx context.Context, a access.Actor, id int64, reason string) (Reception, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Reception{}, errs.Field("reason", "err.required")
	}
	if utf8.RuneCountInString(reason) > MaxText {
		return Reception{}, errs.Field("reason", "err.too_long", "max", MaxText)
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		early := r.Status == StatusDraft || r.Status == StatusPending || r.Status == StatusRejected
		if !(a.Has(access.Office, access.Supervisor) || (early && a.UserID == r.ApplicantID)) || a.IsClient() {
			return errs.Refuse(CanView(a, r))
		}
		switch r.Status {
		case StatusDraft, StatusPending, StatusRejected, StatusPlanning, StatusPlanReview, StatusReady:
		default:
			return stateError(r.Status, "cancel")
		}
		var out int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reception_materials WHERE reception_id = ? AND borrowed_at IS NOT NULL AND returned_at IS NULL`, id).Scan(&out); err != nil {
			return fmt.Errorf("count borrowed materials: %w", err)
		}
		if out > 0 {
			return errs.New(errs.Conflict, "err.reception.materials_out", "n", out)
		}
		for _, e := range []string{Entity, EntityPlan} {
			if err := cancelOpenChain(ctx, tx, now, e, id); err != nil {
				return err
			}
		}
		tasks, err := task.List(ctx, tx, task.Filter{Entity: Entity, EntityID: id, Status: []string{task.StatusOpen, task.StatusInProgress, task.StatusSubmitted}})
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if _, err := task.Cancel(ctx, tx, now, access.SystemActor(), t.ID, reason); err != nil {
				return err
			}
		}
		if s.OnCancel != nil {
			if err := s.OnCancel(ctx, tx, a, r, reason); err != nil {
				return err
			}
		}
		return s.setStatus(ctx, tx, now, a, r, StatusCancelled, "cancel", "cancelled_at = ?, status_note = ?", store.Ms(now), reason)
	})
	if err != nil {
		return Reception{}, err
	}
	return s.load(ctx, s.DB, id)
}

// preparePlan runs when the application is approved: the division of
// labour from the template, a first itinerary and the budget lines.
func (s *Service) preparePlan(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception) error {
	if err := s.generateDuties(ctx, tx, now, a, r); err != nil {
		return err
	}
	if err := s.defaultItinerary(ctx, tx, now, r); err != nil {
		return err
	}
	return s.defaultExpenses(ctx, tx, now, r)
}

// tellReviewers notifies whoever may decide the chain's current step.
func (s *Service) tellReviewers(ctx context.Context, tx store.Querier, now time.Time, r Reception, ch approval.Chain, key string) error {
	ids, err := reviewers(ctx, tx, ch)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, now, ids, key, caseArgs(r), Link(r.ID))
}

// dutyPeople are the owners and assistants of a case's open duties.
func dutyPeople(ctx context.Context, q store.Querier, id int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT t.owner_id, t.assistant_id FROM reception_duties d JOIN tasks t ON t.id = d.task_id WHERE d.reception_id = ? AND t.status IN (?, ?)`,
		id, task.StatusOpen, task.StatusInProgress)
	if err != nil {
		return nil, fmt.Errorf("duty people of reception %d: %w", id, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var o, as sql.NullInt64
		if err := rows.Scan(&o, &as); err != nil {
			return nil, err
		}
		for _, v := range []sql.NullInt64{o, as} {
			if v.Valid && v.Int64 != 0 {
				out = append(out, v.Int64)
			}
		}
	}
	return out, rows.Err()
}
