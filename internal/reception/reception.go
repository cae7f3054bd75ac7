// Package reception runs client reception cases (接待) from the application
// form (接待申请单) through approvals, the plan and itinerary, the division
// of labour (分工推进表) with working-day deadlines, the materials checklist
// (物品清单表), guests and sign-in, to the wrap-up (visit report, lost
// property, materials reconciliation, settlement) and the satisfaction
// survey (接待满意度调查表). The state machine:
//
//	draft → pending (application review: department head [+ late step])
//	pending → planning (approved) | rejected | draft (returned)
//	rejected → pending (edited and submitted again)
//	planning → plan_review (plan submitted to the superior)
//	plan_review → ready (approved) | planning (rejected or returned)
//	ready → ongoing (visit started, or first guest signed in)
//	ongoing → wrapup (visit finished) → closed
//	draft, pending, rejected, planning, plan_review, ready → cancelled
package reception

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/store"
	"jiedai/internal/wallclock"
	"jiedai/internal/workday"
)

// Statuses of a case.
const (
	StatusDraft      = "draft"
	StatusPending    = "pending"
	StatusRejected   = "rejected"
	StatusPlanning   = "planning"
	StatusPlanReview = "plan_review"
	StatusReady      = "ready"
	StatusOngoing    = "ongoing"
	StatusWrapUp     = "wrapup"
	StatusClosed     = "closed"
	StatusCancelled  = "cancelled"
)

// Statuses lists every status in workflow order.
var Statuses = []string{StatusDraft, StatusPending, StatusRejected, StatusPlanning, StatusPlanReview, StatusReady, StatusOngoing, StatusWrapUp, StatusClosed, StatusCancelled}

// Entity names (audit log, approval chains, tasks).
const (
	Entity     = "reception"
	EntityPlan = "reception_plan"
)

// Task kinds created by this package.
const (
	KindDuty        = "reception.duty"
	KindFollowUp    = "reception.followup"
	KindImprovement = "reception.improvement"
)

// Service runs reception cases.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	Cal   *workday.Calendar
	Loc   *time.Location
	// Notify tells people about their cases (optional).
	Notify Notifier
	// OnCancel runs inside the transaction that cancels a case, after the
	// checks (optional): the meeting room the case booked is let go with it.
	OnCancel func(ctx context.Context, tx *store.Tx, a access.Actor, r Reception, reason string) error
	// EraseContact erases a client contact inside the transaction, with
	// every guest line of theirs (the client register's EraseContactTx).
	EraseContact func(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, contactID int64) error
	// OnEraseGuest runs inside the transaction that erases a guest (before
	// the erasure, g as it was), for what other areas keep of them: the
	// principal guest named as the contact of the case's room booking.
	OnEraseGuest func(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception, g Guest) error
}

// New returns the reception service.
func New(db *store.DB, c clock.Clock, cal *workday.Calendar, loc *time.Location) *Service {
	return &Service{DB: db, Clock: c, Cal: cal, Loc: loc}
}

// Reception is a case with its application.
type Reception struct {
	ID           int64       `json:"id"`
	Code         string      `json:"code"`
	Status       string      `json:"status"`
	ApplicantID  int64       `json:"applicant_id"`
	DepartmentID int64       `json:"department_id,omitempty"`
	LiaisonID    int64       `json:"liaison_id,omitempty"`
	OrgID        int64       `json:"org_id,omitempty"`
	OrgName      string      `json:"org_name"`
	Purpose      string      `json:"purpose"`
	VisitDate    string      `json:"visit_date"`   // YYYY-MM-DD in the site's zone
	ArrivalTime  string      `json:"arrival_time"` // HH:MM
	Tier         string      `json:"tier"`
	TierPriceFen int64       `json:"tier_price_fen"`
	Headcount    int         `json:"headcount"`
	BudgetFen    int64       `json:"budget_fen"`
	Form         Form        `json:"form"`
	Guest        Person      `json:"guest"`
	Companions   []Person    `json:"companions"`
	Late         bool        `json:"late"`
	LateReason   string      `json:"late_reason,omitempty"`
	StatusNote   string      `json:"status_note,omitempty"`
	SubmittedAt  time.Time   `json:"submitted_at,omitzero"`
	ApprovedAt   time.Time   `json:"approved_at,omitzero"`
	PlanSentAt   time.Time   `json:"plan_submitted_at,omitzero"`
	PlanOKAt     time.Time   `json:"plan_approved_at,omitzero"`
	StartedAt    time.Time   `json:"started_at,omitzero"`
	FinishedAt   time.Time   `json:"finished_at,omitzero"`
	ClosedAt     time.Time   `json:"closed_at,omitzero"`
	CancelledAt  time.Time   `json:"cancelled_at,omitzero"`
	IDsPurgedAt  time.Time   `json:"ids_purged_at,omitzero"`
	BookingID    int64       `json:"booking_id,omitempty"` // meeting-room booking (booking module)
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
	Deadlines    []Milestone `json:"deadlines,omitempty"`
}

// ImpliedBudgetFen is the tier's price per person times the headcount.
func (r Reception) ImpliedBudgetFen() int64 { return r.TierPriceFen * int64(r.Headcount) }

// Visit returns the visit date at midnight in loc (zero when unset).
func (r Reception) Visit(loc *time.Location) time.Time {
	t, err := workday.ParseDateIn(r.VisitDate, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ArrivalAt returns the arrival time on the visit date (09:00 when unset).
func (r Reception) ArrivalAt(loc *time.Location) time.Time {
	d := r.Visit(loc)
	if d.IsZero() {
		return d
	}
	h, m := 9, 0
	if t, err := time.Parse("15:04", r.ArrivalTime); err == nil {
		h, m = t.Hour(), t.Minute()
	}
	return wallclock.OnForward(d, h, m, loc)
}

// Editable reports whether the application itself may still change.
func (r Reception) Editable() bool { return r.Status == StatusDraft || r.Status == StatusRejected }

// Active reports whether the case is neither closed nor cancelled.
func (r Reception) Active() bool { return r.Status != StatusClosed && r.Status != StatusCancelled }

// InPreparation reports whether the plan, duties, materials and guests are
// being prepared or run (after the application's approval).
func (r Reception) InPreparation() bool {
	return slices.Contains([]string{StatusPlanning, StatusPlanReview, StatusReady, StatusOngoing, StatusWrapUp}, r.Status)
}

// hiddenFromClients are the states in which a client user does not see
// their organisation's case: internal drafts and cases that will not happen.
var hiddenFromClients = []string{StatusDraft, StatusCancelled, StatusRejected}

// CanView reports whether the actor may see the case: staff see every case;
// a client user sees the cases of their own organisation once applied for
// and while not rejected or cancelled (as the case list shows them).
func CanView(a access.Actor, r Reception) bool {
	if a.IsClient() {
		return a.OrgID != 0 && a.OrgID == r.OrgID && !slices.Contains(hiddenFromClients, r.Status)
	}
	return a.IsStaff()
}

// CanManage reports whether the actor may prepare and run the case: the
// office (综管部) and supervisors, its applicant and its liaison.
func CanManage(a access.Actor, r Reception) bool {
	if a.IsClient() || !a.IsStaff() {
		return false
	}
	return a.Has(access.Office, access.Supervisor) || (a.UserID != 0 && (a.UserID == r.ApplicantID || a.UserID == r.LiaisonID))
}

// CanEditApplication reports whether the actor may edit the application.
func CanEditApplication(a access.Actor, r Reception) bool {
	if a.IsClient() || !a.IsStaff() {
		return false
	}
	return a.UserID == r.ApplicantID || a.Has(access.Office, access.Supervisor)
}

// CanDesk reports whether the actor may work the sign-in desk.
func CanDesk(a access.Actor, r Reception) bool {
	return CanManage(a, r) || a.Has(access.Receptionist, access.Service, access.Security)
}

// stateError is the conflict error for a refused transition, with the
// state and action translated.
func stateError(from, action string) error {
	return &errs.Error{Kind: errs.Conflict, Key: "err.bad_transition", Args: map[string]any{
		"from":   i18n.Msg{Key: "reception.status." + from},
		"action": i18n.Msg{Key: "reception.action." + action},
	}}
}

const cols = `id, code, status, applicant_id, COALESCE(department_id, 0), COALESCE(liaison_id, 0), COALESCE(org_id, 0), org_name, purpose, visit_date, arrival_time,
	tier, tier_price_fen, headcount, budget_fen, form, late, late_reason, status_note, submitted_at, approved_at, plan_submitted_at, plan_approved_at,
	started_at, finished_at, closed_at, cancelled_at, ids_purged_at, created_at, updated_at, COALESCE(booking_id, 0)`

func scan(sc interface{ Scan(...any) error }) (Reception, error) {
	var r Reception
	var form string
	var sub, appr, psub, pappr, start, fin, closed, canc, purged sql.NullInt64
	var created, updated int64
	err := sc.Scan(&r.ID, &r.Code, &r.Status, &r.ApplicantID, &r.DepartmentID, &r.LiaisonID, &r.OrgID, &r.OrgName, &r.Purpose, &r.VisitDate, &r.ArrivalTime,
		&r.Tier, &r.TierPriceFen, &r.Headcount, &r.BudgetFen, &form, &r.Late, &r.LateReason, &r.StatusNote, &sub, &appr, &psub, &pappr,
		&start, &fin, &closed, &canc, &purged, &created, &updated, &r.BookingID)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(form), &r.Form); err != nil {
		return r, fmt.Errorf("decode form of reception %d: %w", r.ID, err)
	}
	r.SubmittedAt, r.ApprovedAt, r.PlanSentAt, r.PlanOKAt = store.NullMs(sub), store.NullMs(appr), store.NullMs(psub), store.NullMs(pappr)
	r.StartedAt, r.FinishedAt, r.ClosedAt, r.CancelledAt, r.IDsPurgedAt = store.NullMs(start), store.NullMs(fin), store.NullMs(closed), store.NullMs(canc), store.NullMs(purged)
	r.CreatedAt, r.UpdatedAt = store.Time(created), store.Time(updated)
	return r, nil
}

// load reads a case with its principal guest and companions (no
// permission check).
func (s *Service) load(ctx context.Context, q store.Querier, id int64) (Reception, error) {
	r, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM receptions WHERE id = ?`, id))
	if err != nil {
		return Reception{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get reception %d", id))
	}
	rows, err := q.Query(ctx, `SELECT kind, name, title FROM reception_guests WHERE reception_id = ? AND kind IN (?, ?) ORDER BY seq, id`, id, GuestPrincipal, GuestCompanion)
	if err != nil {
		return Reception{}, fmt.Errorf("load guests of reception %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var p Person
		if err := rows.Scan(&kind, &p.Name, &p.Title); err != nil {
			return Reception{}, fmt.Errorf("scan guest: %w", err)
		}
		if kind == GuestPrincipal && r.Guest.Name == "" {
			r.Guest = p
		} else {
			r.Companions = append(r.Companions, p)
		}
	}
	if err := rows.Err(); err != nil {
		return Reception{}, err
	}
	r.Deadlines = s.milestones(r)
	return r, nil
}

// Get returns a case the actor may see, as they may see it (a client user
// gets its ClientView).
func (s *Service) Get(ctx context.Context, a access.Actor, id int64) (Reception, error) {
	r, err := s.load(ctx, s.DB, id)
	if err != nil {
		return Reception{}, err
	}
	if !CanView(a, r) {
		if a.IsClient() {
			return Reception{}, errs.Missing()
		}
		return Reception{}, errs.Forbid()
	}
	return forReader(a, r), nil
}

// Filter selects cases for List.
type Filter struct {
	Status   string // one status, "active" (not closed or cancelled), or "" for all
	Q        string // part of the code, guest organisation or purpose
	From, To string // visit dates, inclusive, YYYY-MM-DD
	OrgID    int64
	Mine     bool // applied for, liaison, or owning a duty
	Limit    int
	Offset   int
}

// List returns the cases the actor may see, by visit date (newest first).
func (s *Service) List(ctx context.Context, a access.Actor, f Filter) ([]Reception, int, error) {
	if !a.IsStaff() && !a.IsClient() {
		return nil, 0, errs.Forbid()
	}
	var where []string
	var args []any
	add := func(c string, v ...any) { where = append(where, c); args = append(args, v...) }
	if a.IsClient() {
		add("org_id = ?", a.OrgID)
		add("status NOT IN (?, ?, ?)", hiddenFromClients[0], hiddenFromClients[1], hiddenFromClients[2])
	}
	switch {
	case f.Status == "active":
		add("status NOT IN (?, ?)", StatusClosed, StatusCancelled)
	case f.Status != "":
		if !slices.Contains(Statuses, f.Status) {
			return nil, 0, errs.Field("status", "err.invalid")
		}
		add("status = ?", f.Status)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + strings.ToLower(escapeLike(q)) + "%"
		add(`(LOWER(code) LIKE ? ESCAPE '\' OR LOWER(org_name) LIKE ? ESCAPE '\' OR LOWER(purpose) LIKE ? ESCAPE '\')`, like, like, like)
	}
	for _, d := range []struct {
		v, op, field string
	}{{f.From, ">=", "from"}, {f.To, "<=", "to"}} {
		if d.v == "" {
			continue
		}
		if _, err := workday.ParseDate(d.v); err != nil {
			return nil, 0, errs.Field(d.field, "err.bad_date")
		}
		add("visit_date <> '' AND visit_date "+d.op+" ?", d.v)
	}
	if f.OrgID != 0 {
		add("org_id = ?", f.OrgID)
	}
	if f.Mine && a.UserID != 0 {
		add(`(applicant_id = ? OR liaison_id = ? OR id IN (SELECT d.reception_id FROM reception_duties d JOIN tasks t ON t.id = d.task_id WHERE t.owner_id = ? OR t.assistant_id = ?))`,
			a.UserID, a.UserID, a.UserID, a.UserID)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM receptions`+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count receptions: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	rows, err := s.DB.Query(ctx, `SELECT `+cols+` FROM receptions`+w+fmt.Sprintf(` ORDER BY visit_date DESC, id DESC LIMIT %d OFFSET %d`, f.Limit, f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list receptions: %w", err)
	}
	defer rows.Close()
	var out []Reception
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan reception: %w", err)
		}
		r.Deadlines = s.milestones(r)
		out = append(out, forReader(a, r))
	}
	return out, total, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// setStatus moves a case from one status to another, conditionally on the
// status read, and audits the change with extra columns set alongside.
func (s *Service) setStatus(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception, to, action string, set string, args ...any) error {
	q := `UPDATE receptions SET status = ?, updated_at = ?`
	if set != "" {
		q += ", " + set
	}
	all := append([]any{to, store.Ms(now)}, args...)
	all = append(all, r.ID, r.Status)
	res, err := tx.Exec(ctx, q+` WHERE id = ? AND status = ?`, all...)
	if err != nil {
		return fmt.Errorf("%s reception %d: %w", action, r.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stateError(r.Status, action)
	}
	return auditCase(ctx, tx, now, a, r.ID, action, map[string]any{"status": r.Status}, map[string]any{"status": to})
}
