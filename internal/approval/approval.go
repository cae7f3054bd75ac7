// Package approval runs ordered review chains (审核流程): a record of some
// workflow (booking, reception application, plan, contract, minutes…) is
// reviewed step by step, each step by a role, a named person or the
// requester's department manager. Every call runs in the caller's
// transaction so the workflow updates its own record in the same commit.
package approval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/post"
	"jiedai/internal/store"
)

// Chain statuses.
const (
	StatusPending   = "pending"
	StatusApproved  = "approved"
	StatusRejected  = "rejected"
	StatusReturned  = "returned"
	StatusCancelled = "cancelled"
)

// Actions a reviewer takes with Decide.
const (
	Approve = "approve"
	Reject  = "reject"
	Return  = "return"
)

// Step kinds.
const (
	KindRole    = "role"
	KindUser    = "user"
	KindManager = "manager"
	KindPost    = "post"
)

// AuditEntity is the entity name of chains in the audit log.
const AuditEntity = "approval"

// Limits on text fields.
const (
	MaxTitle   = 200
	MaxComment = 2000
	MaxSteps   = 20
)

// StepSpec describes one step when starting a chain: exactly one of Role,
// UserID, Manager or Post. Manager means the requester's department manager,
// resolved to a person at Start; without one, any holder of the manager role.
// Post means whoever holds that post (岗位, package post) when deciding.
type StepSpec struct {
	Role    string
	UserID  int64
	Manager bool
	Post    string
}

// Step is one step of a chain.
type Step struct {
	ID        int64     `json:"id"`
	Round     int       `json:"round"`
	Seq       int       `json:"seq"`
	Kind      string    `json:"kind"`
	Role      string    `json:"role,omitempty"`
	Post      string    `json:"post,omitempty"` // post code of a post step
	UserID    int64     `json:"user_id,omitempty"`
	Decision  string    `json:"decision,omitempty"` // approved, rejected, returned or "" while open
	DecidedBy int64     `json:"decided_by,omitempty"`
	Comment   string    `json:"comment,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// Chain is a review chain with the steps of its current round (Steps) and
// the decided steps of earlier rounds (History).
type Chain struct {
	ID          int64     `json:"id"`
	Entity      string    `json:"entity"`
	EntityID    int64     `json:"entity_id"`
	Title       string    `json:"title"`
	Link        string    `json:"link,omitempty"`
	Status      string    `json:"status"`
	CurrentStep int       `json:"current_step"` // seq of the step awaiting (or that closed) the chain
	Round       int       `json:"round"`        // 1, then +1 for every resubmission
	CreatedBy   int64     `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	StepSince   time.Time `json:"step_since"` // when the current step started waiting
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	Steps       []Step    `json:"steps"`
	History     []Step    `json:"history,omitempty"`
}

// Current returns the step awaiting a decision, if the chain is pending.
func (c Chain) Current() (Step, bool) {
	if c.Status != StatusPending {
		return Step{}, false
	}
	for _, s := range c.Steps {
		if s.Seq == c.CurrentStep {
			return s, true
		}
	}
	return Step{}, false
}

// Open reports whether the chain still needs the requester or a reviewer
// (pending or returned).
func (c Chain) Open() bool { return c.Status == StatusPending || c.Status == StatusReturned }

// CanDecide reports whether the actor may decide the chain's current step:
// the named person or a holder of the step's role or post (admin may decide
// any step), never the requester on their own chain unless admin.
func CanDecide(a access.Actor, c Chain) bool {
	s, ok := c.Current()
	if !ok || (!a.System && a.UserID == 0) {
		return false
	}
	if a.Has(access.Admin) {
		return true
	}
	if c.CreatedBy != 0 && a.UserID == c.CreatedBy {
		return false
	}
	if s.UserID != 0 {
		return a.UserID == s.UserID
	}
	if s.Post != "" {
		return a.HoldsPost(s.Post)
	}
	return s.Role != "" && a.Has(s.Role)
}

// CanResubmit reports whether the actor may restart or cancel the chain:
// its requester, or an admin.
func CanResubmit(a access.Actor, c Chain) bool {
	if a.Has(access.Admin) {
		return true
	}
	return c.CreatedBy != 0 && a.UserID == c.CreatedBy
}

// Start creates a pending chain for a record inside the caller's
// transaction. resolveManager finds a user's department manager (0 if
// none); it may be nil, and Manager steps then go to the manager role.
func Start(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, entity string, entityID int64, title, link string, steps []StepSpec, resolveManager func(ctx context.Context, userID int64) (int64, error)) (Chain, error) {
	if !a.System && a.UserID == 0 {
		return Chain{}, errs.Forbid()
	}
	title = strings.TrimSpace(title)
	var l errs.List
	if strings.TrimSpace(entity) == "" || entityID <= 0 {
		l.Add("entity", "err.invalid")
	}
	if title == "" {
		l.Add("title", "err.required")
	} else if utf8.RuneCountInString(title) > MaxTitle {
		l.Add("title", "err.too_long", "max", MaxTitle)
	}
	if len(steps) == 0 {
		l.Add("steps", "err.approval.no_steps")
	} else if len(steps) > MaxSteps {
		l.Add("steps", "err.approval.too_many_steps", "max", MaxSteps)
	}
	for i, sp := range steps {
		n := 0
		if sp.Role != "" {
			n++
		}
		if sp.UserID != 0 {
			n++
		}
		if sp.Manager {
			n++
		}
		if sp.Post != "" {
			n++
		}
		if n != 1 || sp.UserID < 0 || (sp.Role != "" && !access.ValidRole(sp.Role)) || sp.Role == access.Client {
			l.Add("steps", "err.approval.step_invalid", "n", i+1)
		}
	}
	if err := l.Err(); err != nil {
		return Chain{}, err
	}
	resolved := make([]Step, len(steps))
	for i, sp := range steps {
		st := Step{Seq: i + 1, Round: 1}
		switch {
		case sp.Manager:
			st.Kind = KindManager
			var m int64
			if resolveManager != nil && a.UserID != 0 {
				var err error
				if m, err = resolveManager(ctx, a.UserID); err != nil {
					return Chain{}, fmt.Errorf("resolve manager of user %d: %w", a.UserID, err)
				}
			}
			if m != 0 && m != a.UserID {
				st.UserID = m
			} else {
				st.Role = access.Manager
			}
		case sp.UserID != 0:
			st.Kind = KindUser
			st.UserID = sp.UserID
			if sp.UserID == a.UserID {
				return Chain{}, errs.Field("steps", "err.approval.step_self", "n", i+1)
			}
			var active bool
			err := tx.QueryRow(ctx, `SELECT active FROM users WHERE id = ?`, sp.UserID).Scan(&active)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
				return Chain{}, errs.Field("steps", "err.approval.step_user", "n", i+1)
			}
			if err != nil {
				return Chain{}, fmt.Errorf("check step user %d: %w", sp.UserID, err)
			}
		case sp.Post != "":
			st.Kind = KindPost
			st.Post = sp.Post
			if err := post.Exists(ctx, tx, "steps", sp.Post); err != nil {
				return Chain{}, err
			}
		default:
			st.Kind = KindRole
			st.Role = sp.Role
		}
		resolved[i] = st
	}
	ms := store.Ms(now)
	id, err := store.InsertID(ctx, tx, `INSERT INTO approval_chains (entity, entity_id, title, link, status, current_step, round_no, created_by, created_at, updated_at, step_since) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?)`,
		entity, entityID, title, link, StatusPending, store.IDOrNil(a.UserID), ms, ms, ms)
	if errors.Is(err, store.ErrConflict) {
		return Chain{}, errs.New(errs.Conflict, "err.approval.in_progress")
	}
	if err != nil {
		return Chain{}, fmt.Errorf("insert approval chain for %s/%d: %w", entity, entityID, err)
	}
	if err := insertSteps(ctx, tx, id, resolved); err != nil {
		return Chain{}, err
	}
	c, err := GetByID(ctx, tx, id)
	if err != nil {
		return Chain{}, err
	}
	if err := audit.Record(ctx, tx, now, a, AuditEntity, id, "start", nil, summary(c)); err != nil {
		return Chain{}, err
	}
	return c, nil
}

func insertSteps(ctx context.Context, tx store.Querier, chainID int64, steps []Step) error {
	for _, s := range steps {
		if _, err := tx.Exec(ctx, `INSERT INTO approval_steps (chain_id, round_no, seq, kind, role, post, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			chainID, s.Round, s.Seq, s.Kind, s.Role, s.Post, store.IDOrNil(s.UserID)); err != nil {
			return fmt.Errorf("insert approval step %d of chain %d: %w", s.Seq, chainID, err)
		}
	}
	return nil
}

// Decide records the actor's decision ("approve", "reject" or "return") on
// the chain's current step and advances the chain. A comment is required
// to reject or return. The caller updates its own record from the returned
// chain's Status in the same transaction.
func Decide(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, chainID int64, action, comment string) (Chain, error) {
	comment = strings.TrimSpace(comment)
	var decision string
	switch action {
	case Approve:
		decision = StatusApproved
	case Reject:
		decision = StatusRejected
	case Return:
		decision = StatusReturned
	default:
		return Chain{}, errs.Field("decision", "err.approval.bad_decision")
	}
	if decision != StatusApproved && comment == "" {
		return Chain{}, errs.Field("comment", "err.approval.comment_required")
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		return Chain{}, errs.Field("comment", "err.too_long", "max", MaxComment)
	}
	c, err := GetByID(ctx, tx, chainID)
	if err != nil {
		return Chain{}, err
	}
	if c.Status != StatusPending {
		return Chain{}, errs.State(c.Status, action)
	}
	step, ok := c.Current()
	if !ok {
		return Chain{}, fmt.Errorf("approval chain %d: current step %d missing", c.ID, c.CurrentStep)
	}
	if !CanDecide(a, c) {
		if c.CreatedBy != 0 && a.UserID == c.CreatedBy && (step.UserID == a.UserID || (step.UserID == 0 && (a.Has(step.Role) || a.HoldsPost(step.Post)))) {
			return Chain{}, errs.New(errs.Forbidden, "err.approval.own_request")
		}
		return Chain{}, errs.Forbid()
	}
	before := summary(c)
	ms := store.Ms(now)
	res, err := tx.Exec(ctx, `UPDATE approval_steps SET decision = ?, decided_by = ?, comment = ?, decided_at = ? WHERE id = ? AND decision = ''`,
		decision, store.IDOrNil(a.UserID), comment, ms, step.ID)
	if err != nil {
		return Chain{}, fmt.Errorf("record decision on chain %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Chain{}, errs.State(c.Status, action)
	}
	status, next, closed := StatusPending, c.CurrentStep, any(nil)
	switch {
	case decision == StatusApproved && c.CurrentStep < len(c.Steps):
		next++
	case decision == StatusApproved:
		status, closed = StatusApproved, ms
	case decision == StatusRejected:
		status, closed = StatusRejected, ms
	default:
		status = StatusReturned
	}
	res, err = tx.Exec(ctx, `UPDATE approval_chains SET status = ?, current_step = ?, updated_at = ?, step_since = ?, closed_at = ? WHERE id = ? AND status = ? AND current_step = ? AND round_no = ?`,
		status, next, ms, ms, closed, c.ID, StatusPending, c.CurrentStep, c.Round)
	if err != nil {
		return Chain{}, fmt.Errorf("advance chain %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Chain{}, errs.State(c.Status, action)
	}
	out, err := GetByID(ctx, tx, c.ID)
	if err != nil {
		return Chain{}, err
	}
	after := summary(out)
	after["comment"] = comment
	after["seq"] = step.Seq
	if err := audit.Record(ctx, tx, now, a, AuditEntity, c.ID, action, before, after); err != nil {
		return Chain{}, err
	}
	return out, nil
}

// Restart resubmits a returned chain: a new round of the same steps begins
// at the first step. Only the requester or an admin may.
func Restart(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, chainID int64, comment string) (Chain, error) {
	c, err := GetByID(ctx, tx, chainID)
	if err != nil {
		return Chain{}, err
	}
	if !CanResubmit(a, c) {
		return Chain{}, errs.Forbid()
	}
	if c.Status != StatusReturned {
		return Chain{}, errs.State(c.Status, "restart")
	}
	round := c.Round + 1
	steps := make([]Step, len(c.Steps))
	for i, s := range c.Steps {
		steps[i] = Step{Round: round, Seq: s.Seq, Kind: s.Kind, Role: s.Role, Post: s.Post, UserID: s.UserID}
	}
	if err := insertSteps(ctx, tx, c.ID, steps); err != nil {
		return Chain{}, err
	}
	ms := store.Ms(now)
	res, err := tx.Exec(ctx, `UPDATE approval_chains SET status = ?, current_step = 1, round_no = ?, updated_at = ?, step_since = ? WHERE id = ? AND status = ? AND round_no = ?`,
		StatusPending, round, ms, ms, c.ID, StatusReturned, c.Round)
	if err != nil {
		return Chain{}, fmt.Errorf("restart chain %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Chain{}, errs.State(c.Status, "restart")
	}
	out, err := GetByID(ctx, tx, c.ID)
	if err != nil {
		return Chain{}, err
	}
	after := summary(out)
	after["comment"] = strings.TrimSpace(comment)
	if err := audit.Record(ctx, tx, now, a, AuditEntity, c.ID, "restart", summary(c), after); err != nil {
		return Chain{}, err
	}
	return out, nil
}

// Cancel withdraws an open (pending or returned) chain, e.g. when the
// record it reviews is cancelled. The requester, an admin or the system may.
func Cancel(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, chainID int64, reason string) (Chain, error) {
	c, err := GetByID(ctx, tx, chainID)
	if err != nil {
		return Chain{}, err
	}
	if !CanResubmit(a, c) {
		return Chain{}, errs.Forbid()
	}
	if !c.Open() {
		return Chain{}, errs.State(c.Status, "cancel")
	}
	ms := store.Ms(now)
	res, err := tx.Exec(ctx, `UPDATE approval_chains SET status = ?, updated_at = ?, closed_at = ? WHERE id = ? AND status = ?`,
		StatusCancelled, ms, ms, c.ID, c.Status)
	if err != nil {
		return Chain{}, fmt.Errorf("cancel chain %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Chain{}, errs.State(c.Status, "cancel")
	}
	out, err := GetByID(ctx, tx, c.ID)
	if err != nil {
		return Chain{}, err
	}
	after := summary(out)
	after["comment"] = strings.TrimSpace(reason)
	if err := audit.Record(ctx, tx, now, a, AuditEntity, c.ID, "cancel", summary(c), after); err != nil {
		return Chain{}, err
	}
	return out, nil
}

func summary(c Chain) map[string]any {
	return map[string]any{"entity": c.Entity, "entity_id": c.EntityID, "status": c.Status, "step": c.CurrentStep, "round": c.Round}
}

const chainCols = `id, entity, entity_id, title, link, status, current_step, round_no, COALESCE(created_by, 0), created_at, updated_at, step_since, closed_at`

func scanChain(sc interface{ Scan(...any) error }) (Chain, error) {
	var c Chain
	var created, updated, since int64
	var closed sql.NullInt64
	err := sc.Scan(&c.ID, &c.Entity, &c.EntityID, &c.Title, &c.Link, &c.Status, &c.CurrentStep, &c.Round, &c.CreatedBy, &created, &updated, &since, &closed)
	c.CreatedAt, c.UpdatedAt, c.StepSince, c.ClosedAt = store.Time(created), store.Time(updated), store.Time(since), store.NullMs(closed)
	return c, err
}

// GetByID returns a chain with its steps.
func GetByID(ctx context.Context, q store.Querier, id int64) (Chain, error) {
	c, err := scanChain(q.QueryRow(ctx, `SELECT `+chainCols+` FROM approval_chains WHERE id = ?`, id))
	if err != nil {
		return Chain{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get approval chain %d", id))
	}
	return c, loadSteps(ctx, q, &c)
}

// Get returns the latest chain of a record, with its steps.
func Get(ctx context.Context, q store.Querier, entity string, entityID int64) (Chain, error) {
	c, err := scanChain(q.QueryRow(ctx, `SELECT `+chainCols+` FROM approval_chains WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1`, entity, entityID))
	if err != nil {
		return Chain{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get approval chain of %s/%d", entity, entityID))
	}
	return c, loadSteps(ctx, q, &c)
}

func loadSteps(ctx context.Context, q store.Querier, c *Chain) error {
	rows, err := q.Query(ctx, `SELECT id, round_no, seq, kind, role, post, COALESCE(user_id, 0), decision, COALESCE(decided_by, 0), comment, decided_at FROM approval_steps WHERE chain_id = ? ORDER BY round_no, seq`, c.ID)
	if err != nil {
		return fmt.Errorf("load steps of chain %d: %w", c.ID, err)
	}
	defer rows.Close()
	c.Steps, c.History = nil, nil
	for rows.Next() {
		var s Step
		var decided sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Round, &s.Seq, &s.Kind, &s.Role, &s.Post, &s.UserID, &s.Decision, &s.DecidedBy, &s.Comment, &decided); err != nil {
			return fmt.Errorf("scan step of chain %d: %w", c.ID, err)
		}
		s.DecidedAt = store.NullMs(decided)
		if s.Round == c.Round {
			c.Steps = append(c.Steps, s)
		} else if s.Decision != "" {
			c.History = append(c.History, s)
		}
	}
	return rows.Err()
}

// Pending is a chain waiting for the actor's decision.
type Pending struct {
	ChainID     int64     `json:"chain_id"`
	Entity      string    `json:"entity"`
	EntityID    int64     `json:"entity_id"`
	Title       string    `json:"title"`
	Link        string    `json:"link,omitempty"`
	RequesterID int64     `json:"requester_id,omitempty"`
	Step        Step      `json:"step"`
	Since       time.Time `json:"since"`
}

// WaitingFor lists the pending chains whose current step the actor may
// decide, longest waiting first.
func WaitingFor(ctx context.Context, q store.Querier, a access.Actor) ([]Pending, error) {
	if !a.IsStaff() {
		return nil, nil
	}
	from, args := waitingWhere(a)
	return waiting(ctx, q, a, from+` ORDER BY c.step_since, c.id`, args)
}

// WaitingFirst returns the n longest-waiting chains the actor may decide
// and how many there are in all, counted up to upTo (for a page that shows
// the first few: counting tens of thousands costs more than the page).
func WaitingFirst(ctx context.Context, q store.Querier, a access.Actor, n, upTo int) ([]Pending, int, error) {
	if !a.IsStaff() {
		return nil, 0, nil
	}
	from, args := waitingWhere(a)
	var total int
	if err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 %s LIMIT %d) w`, from, upTo), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count chains waiting for user %d: %w", a.UserID, err)
	}
	list, err := waiting(ctx, q, a, from+fmt.Sprintf(` ORDER BY c.step_since, c.id LIMIT %d`, n), args)
	return list, total, err
}

// waitingWhere is the FROM and WHERE of the chains waiting for the actor.
func waitingWhere(a access.Actor) (string, []any) {
	from := ` FROM approval_chains c
		JOIN approval_steps s ON s.chain_id = c.id AND s.round_no = c.round_no AND s.seq = c.current_step
		WHERE c.status = ?`
	args := []any{StatusPending}
	if !a.Has(access.Admin) {
		cond := `s.user_id = ?`
		args = append(args, a.UserID)
		if len(a.Roles) > 0 {
			cond = `(` + cond + ` OR (s.user_id IS NULL AND s.role IN (` + store.Placeholders(len(a.Roles)) + `)))`
			for _, r := range a.Roles {
				args = append(args, r)
			}
		}
		if len(a.Posts) > 0 {
			cond = `(` + cond + ` OR (s.user_id IS NULL AND s.post IN (` + store.Placeholders(len(a.Posts)) + `)))`
			for _, p := range a.Posts {
				args = append(args, p)
			}
		}
		from += ` AND ` + cond + ` AND (c.created_by IS NULL OR c.created_by <> ?)`
		args = append(args, a.UserID)
	}
	return from, args
}

func waiting(ctx context.Context, q store.Querier, a access.Actor, rest string, args []any) ([]Pending, error) {
	rows, err := q.Query(ctx, `SELECT c.id, c.entity, c.entity_id, c.title, c.link, COALESCE(c.created_by, 0), c.step_since,
		s.id, s.round_no, s.seq, s.kind, s.role, s.post, COALESCE(s.user_id, 0)`+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("list chains waiting for user %d: %w", a.UserID, err)
	}
	defer rows.Close()
	var out []Pending
	for rows.Next() {
		var p Pending
		var since int64
		if err := rows.Scan(&p.ChainID, &p.Entity, &p.EntityID, &p.Title, &p.Link, &p.RequesterID, &since,
			&p.Step.ID, &p.Step.Round, &p.Step.Seq, &p.Step.Kind, &p.Step.Role, &p.Step.Post, &p.Step.UserID); err != nil {
			return nil, fmt.Errorf("scan waiting chain: %w", err)
		}
		p.Since = store.Time(since)
		out = append(out, p)
	}
	return out, rows.Err()
}
