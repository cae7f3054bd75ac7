package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Action item kinds: a resolution split into tasks (004 第三章 二), a
// negotiation's project follow-up, or an improvement from the review.
const (
	ActionResolution  = "resolution"
	ActionFollowUp    = "followup"
	ActionImprovement = "improvement"
)

// Action item statuses as shown. Planned items wait for the minutes to be
// distributed; from then on the task engine holds the work.
const (
	ActionPlanned    = "planned"
	ActionOpen       = "open"
	ActionInProgress = "in_progress"
	ActionSubmitted  = "submitted"
	ActionReturned   = "returned"
	ActionAccepted   = "accepted"
	ActionCancelled  = "cancelled"
)

// row statuses of meeting_action_items.status
const (
	rowPlanned   = "planned"
	rowActive    = "active"
	rowCancelled = "cancelled"
)

// TaskKind is the kind of the tasks that carry action items.
const TaskKind = "meeting.action"

// ActionItem is one task split from a resolution (决议任务), with goal,
// completion standard, start, deadline, owner and assistant.
type ActionItem struct {
	ID           int64     `json:"id"`
	MeetingID    int64     `json:"meeting_id"`
	ResolutionID int64     `json:"resolution_id,omitempty"`
	Kind         string    `json:"kind"`
	Goal         string    `json:"goal"`
	Standard     string    `json:"standard,omitempty"`
	StartAt      time.Time `json:"start_at"`
	DueAt        time.Time `json:"due_at"`
	OwnerID      int64     `json:"owner_id"`
	AssistantID  int64     `json:"assistant_id,omitempty"`
	Status       string    `json:"status"`
	Progress     int       `json:"progress"`
	LastUpdate   string    `json:"last_update,omitempty"`
	LastUpdateAt time.Time `json:"last_update_at,omitzero"`
	Result       string    `json:"result,omitempty"`
	Feedback     string    `json:"feedback,omitempty"`
	SubmittedAt  time.Time `json:"submitted_at,omitzero"`
	AcceptedAt   time.Time `json:"accepted_at,omitzero"`
	AcceptedBy   int64     `json:"accepted_by,omitempty"`
	TaskID       int64     `json:"task_id,omitempty"`
	Overdue      bool      `json:"overdue"`
	DueSoon      bool      `json:"due_soon"`
	CreatedAt    time.Time `json:"created_at"`
	// Of the meeting, for lists across meetings.
	MeetingTitle string    `json:"meeting_title"`
	MeetingType  string    `json:"meeting_type"`
	ClientName   string    `json:"client_name,omitempty"`
	HostID       int64     `json:"host_id"`
	Level        string    `json:"level"`
	MeetingAt    time.Time `json:"meeting_at"`
	ResolutionNo int       `json:"resolution_no,omitempty"`
}

// Active reports whether the item still needs work or acceptance.
func (it ActionItem) Active() bool {
	return it.Status != ActionAccepted && it.Status != ActionCancelled
}

// Working reports whether the owner still has to deliver (not yet handed
// in, or sent back).
func (it ActionItem) Working() bool {
	switch it.Status {
	case ActionPlanned, ActionOpen, ActionInProgress, ActionReturned:
		return true
	}
	return false
}

// Late reports whether the result was handed in after the deadline.
func (it ActionItem) Late() bool {
	return !it.SubmittedAt.IsZero() && it.SubmittedAt.After(it.DueAt)
}

// OverdueDays is how many days (started days count whole) the item is past
// its deadline at now; 0 when not overdue.
func (it ActionItem) OverdueDays(now time.Time) int {
	if !it.Overdue || !now.After(it.DueAt) {
		return 0
	}
	return int((now.Sub(it.DueAt) + 24*time.Hour - time.Nanosecond) / (24 * time.Hour))
}

func (it *ActionItem) flags(now time.Time) {
	it.Overdue = it.Working() && now.After(it.DueAt)
	it.DueSoon = it.Working() && !it.Overdue && it.DueAt.Sub(now) <= DueSoon
}

const actionCols = `ai.id, ai.meeting_id, COALESCE(ai.resolution_id, 0), ai.kind, ai.goal, ai.standard, ai.start_at,
	COALESCE(t.due_at, ai.due_at), COALESCE(t.owner_id, ai.owner_id), COALESCE(t.assistant_id, ai.assistant_id, 0),
	ai.status, COALESCE(t.status, ''), COALESCE(t.progress, 0), COALESCE(t.result, ''), COALESCE(t.feedback, ''),
	t.submitted_at, t.closed_at, COALESCE(ai.accepted_by, 0), COALESCE(ai.task_id, 0), ai.created_at,
	m.title, m.type, m.client_name, m.host_id, COALESCE(mm.level, m.level), m.start_at, COALESCE(r.seq, 0),
	COALESCE((SELECT u.note FROM meeting_action_updates u WHERE u.item_id = ai.id AND u.note <> '' ORDER BY u.id DESC LIMIT 1), ''),
	(SELECT MAX(u.at) FROM meeting_action_updates u WHERE u.item_id = ai.id AND u.note <> '')`

const actionFrom = ` FROM meeting_action_items ai
	JOIN meetings m ON m.id = ai.meeting_id
	LEFT JOIN meeting_minutes mm ON mm.meeting_id = ai.meeting_id
	LEFT JOIN meeting_resolutions r ON r.id = ai.resolution_id
	LEFT JOIN tasks t ON t.id = ai.task_id`

func scanAction(sc scanner, now time.Time) (ActionItem, error) {
	var it ActionItem
	var start, due, created, meetingAt int64
	var rowStatus, taskStatus string
	var submitted, closed, lastAt sql.NullInt64
	err := sc.Scan(&it.ID, &it.MeetingID, &it.ResolutionID, &it.Kind, &it.Goal, &it.Standard, &start,
		&due, &it.OwnerID, &it.AssistantID, &rowStatus, &taskStatus, &it.Progress, &it.Result, &it.Feedback,
		&submitted, &closed, &it.AcceptedBy, &it.TaskID, &created,
		&it.MeetingTitle, &it.MeetingType, &it.ClientName, &it.HostID, &it.Level, &meetingAt, &it.ResolutionNo,
		&it.LastUpdate, &lastAt)
	if err != nil {
		return it, err
	}
	it.StartAt, it.DueAt, it.CreatedAt, it.MeetingAt = store.Time(start), store.Time(due), store.Time(created), store.Time(meetingAt)
	it.SubmittedAt, it.LastUpdateAt = store.NullMs(submitted), store.NullMs(lastAt)
	switch {
	case rowStatus == rowPlanned:
		it.Status = ActionPlanned
	case rowStatus == rowCancelled || taskStatus == task.StatusCancelled:
		it.Status = ActionCancelled
	case taskStatus == task.StatusDone:
		it.Status, it.AcceptedAt = ActionAccepted, store.NullMs(closed)
	case taskStatus == task.StatusSubmitted:
		it.Status = ActionSubmitted
	case taskStatus == task.StatusInProgress && it.Feedback != "":
		it.Status = ActionReturned
	case taskStatus == task.StatusInProgress:
		it.Status = ActionInProgress
	default:
		it.Status = ActionOpen
	}
	if it.Status == ActionAccepted {
		it.Progress = 100
	}
	it.flags(now)
	return it, nil
}

// ActionFilter selects action items; zero fields match everything.
type ActionFilter struct {
	MeetingID   int64
	OwnerID     int64 // owner or assistant
	HostID      int64 // meetings hosted (or supervised) by this user
	Overdue     bool
	DueSoon     bool // overdue or due within DueSoon
	Active      bool // not accepted or cancelled
	Status      string
	Kind        string
	Limit       int
	planned     bool
	activeRow   bool
	idsOnlyFrom []int64
}

// listActions runs the filter; admit (when not nil) restricts to items the
// actor may read.
func listActions(ctx context.Context, q store.Querier, f ActionFilter, admit *access.Actor, now time.Time) ([]ActionItem, error) {
	var where []string
	var args []any
	add := func(cond string, v ...any) { where = append(where, cond); args = append(args, v...) }
	if f.MeetingID != 0 {
		add("ai.meeting_id = ?", f.MeetingID)
	}
	if f.OwnerID != 0 {
		add("(COALESCE(t.owner_id, ai.owner_id) = ? OR COALESCE(t.assistant_id, ai.assistant_id) = ?)", f.OwnerID, f.OwnerID)
	}
	if f.HostID != 0 {
		add("(m.host_id = ? OR m.supervisor_id = ?)", f.HostID, f.HostID)
	}
	if f.Kind != "" {
		add("ai.kind = ?", f.Kind)
	}
	working := "(ai.status = 'planned' OR (ai.status = 'active' AND t.status IN ('open', 'in_progress')))"
	if f.Overdue {
		add(working+" AND COALESCE(t.due_at, ai.due_at) < ?", store.Ms(now))
	}
	if f.DueSoon {
		add(working+" AND COALESCE(t.due_at, ai.due_at) <= ?", store.Ms(now.Add(DueSoon)))
	}
	if f.Active {
		add("(ai.status = 'planned' OR (ai.status = 'active' AND t.status IN ('open', 'in_progress', 'submitted')))")
	}
	if f.Status == ActionSubmitted {
		// What scanAction calls submitted, as a condition the database can
		// use an index for (a host's today page asks for these).
		add("ai.status NOT IN ('planned', 'cancelled') AND t.status = ?", task.StatusSubmitted)
	}
	if f.planned {
		add("ai.status = 'planned'")
	}
	if f.activeRow {
		add("ai.status = 'active'")
	}
	if admit != nil {
		cond, cargs := admitSQL(*admit, "COALESCE(mm.level, m.level)")
		add(cond, cargs...)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	query := `SELECT ` + actionCols + actionFrom
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(` ORDER BY COALESCE(t.due_at, ai.due_at), ai.id LIMIT %d`, f.Limit)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list action items: %w", err)
	}
	defer rows.Close()
	var out []ActionItem
	for rows.Next() {
		it, err := scanAction(rows, now)
		if err != nil {
			return nil, fmt.Errorf("scan action item: %w", err)
		}
		if f.Status != "" && it.Status != f.Status {
			continue
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func getAction(ctx context.Context, q store.Querier, id int64, now time.Time) (ActionItem, error) {
	it, err := scanAction(q.QueryRow(ctx, `SELECT `+actionCols+actionFrom+` WHERE ai.id = ?`, id), now)
	if err != nil {
		return ActionItem{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get action item %d", id))
	}
	return it, nil
}

// ActionInput is what splitting a resolution into a task takes.
type ActionInput struct {
	ResolutionID int64
	Kind         string // resolution (default when ResolutionID is set), followup or improvement
	Goal         string
	Standard     string
	StartAt      time.Time
	DueAt        time.Time
	OwnerID      int64
	AssistantID  int64
}

func (in *ActionInput) validate(ctx context.Context, q store.Querier, meetingID int64) error {
	var l errs.List
	if in.Kind == "" {
		in.Kind = ActionResolution
	}
	switch in.Kind {
	case ActionResolution:
		if in.ResolutionID == 0 {
			l.Add("resolution_id", "err.required")
		} else {
			var n int
			if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_resolutions WHERE id = ? AND meeting_id = ?`, in.ResolutionID, meetingID).Scan(&n); err != nil {
				return fmt.Errorf("check resolution: %w", err)
			}
			if n == 0 {
				l.Add("resolution_id", "err.meeting.unknown_resolution")
			}
		}
	case ActionFollowUp, ActionImprovement:
		in.ResolutionID = 0
	default:
		l.Add("kind", "err.invalid")
	}
	in.Goal = text(&l, "goal", in.Goal, true, task.MaxTitle)
	in.Standard = text(&l, "standard", in.Standard, true, task.MaxDescription)
	switch {
	case in.StartAt.IsZero():
		l.Add("start_at", "err.required")
	case in.DueAt.IsZero():
		l.Add("due_at", "err.required")
	case in.DueAt.Before(in.StartAt):
		l.Add("due_at", "err.meeting.due_before_start")
	}
	if in.OwnerID == 0 {
		l.Add("owner_id", "err.required")
	} else if ok, err := activeUser(ctx, q, in.OwnerID); err != nil {
		return err
	} else if !ok {
		l.Add("owner_id", "err.meeting.unknown_user")
	}
	if in.AssistantID != 0 {
		if in.AssistantID == in.OwnerID {
			l.Add("assistant_id", "err.meeting.assistant_is_owner")
		} else if ok, err := activeUser(ctx, q, in.AssistantID); err != nil {
			return err
		} else if !ok {
			l.Add("assistant_id", "err.meeting.unknown_user")
		}
	}
	return l.Err()
}

// AddAction splits a resolution into a task (or adds a follow-up or an
// improvement). Before the minutes are distributed it is planned; after,
// it starts at once as a task and its owner is told.
func (s *Service) AddAction(ctx context.Context, a access.Actor, meetingID int64, in ActionInput) (ActionItem, error) {
	now := s.now()
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		switch {
		case m.Status == StatusEnded:
		case m.Status == StatusClosed && in.Kind != "" && in.Kind != ActionResolution:
		default:
			return errs.State(m.Status, "add_action")
		}
		if err := in.validate(ctx, tx, meetingID); err != nil {
			return err
		}
		mn, err := getMinutes(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_action_items WHERE meeting_id = ?`, meetingID).Scan(&seq); err != nil {
			return fmt.Errorf("next action number: %w", err)
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO meeting_action_items (meeting_id, resolution_id, kind, seq, goal, standard, start_at, due_at, owner_id, assistant_id, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			meetingID, store.IDOrNil(in.ResolutionID), in.Kind, seq, in.Goal, in.Standard, store.Ms(in.StartAt), store.Ms(in.DueAt),
			in.OwnerID, store.IDOrNil(in.AssistantID), rowPlanned, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert action item: %w", err)
		}
		if err := addUpdate(ctx, tx, now, a, id, "create", 0, ""); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityAction, id, "create", nil, in); err != nil {
			return err
		}
		if mn.Status == MinutesDistributed {
			it, err := getAction(ctx, tx, id, now)
			if err != nil {
				return err
			}
			return s.activate(ctx, tx, now, a, m, it)
		}
		return nil
	})
	if err != nil {
		return ActionItem{}, err
	}
	return getAction(ctx, s.DB, id, now)
}

// UpdateAction changes a planned item, or reassigns and reschedules one
// already started (its goal and standard are fixed once work began).
func (s *Service) UpdateAction(ctx context.Context, a access.Actor, itemID int64, in ActionInput) (ActionItem, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := getAction(ctx, tx, itemID, now)
		if err != nil {
			return err
		}
		m, err := get(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		if !it.Working() {
			return errs.State(it.Status, "edit")
		}
		in.Kind = it.Kind
		if it.Status != ActionPlanned {
			in.Goal, in.Standard, in.StartAt, in.ResolutionID = it.Goal, it.Standard, it.StartAt, it.ResolutionID
		}
		if err := in.validate(ctx, tx, it.MeetingID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_action_items SET resolution_id = ?, goal = ?, standard = ?, start_at = ?, due_at = ?, owner_id = ?, assistant_id = ?, updated_at = ? WHERE id = ?`,
			store.IDOrNil(in.ResolutionID), in.Goal, in.Standard, store.Ms(in.StartAt), store.Ms(in.DueAt), in.OwnerID, store.IDOrNil(in.AssistantID), store.Ms(now), itemID); err != nil {
			return fmt.Errorf("update action item %d: %w", itemID, err)
		}
		if it.TaskID != 0 {
			if in.OwnerID != it.OwnerID || in.AssistantID != it.AssistantID {
				if _, err := task.Assign(ctx, tx, now, onBehalf(a), it.TaskID, in.OwnerID, in.AssistantID); err != nil {
					return err
				}
				args := actionArgs(m, it, s.Loc)
				if err := s.notify(ctx, tx, now, []int64{in.OwnerID, in.AssistantID}, "meeting.msg.action_assigned", args, actionLink(it)); err != nil {
					return err
				}
			}
			if !in.DueAt.Equal(it.DueAt) {
				if _, err := task.Reschedule(ctx, tx, now, onBehalf(a), it.TaskID, in.DueAt); err != nil {
					return err
				}
				if err := s.scheduleAction(ctx, tx, itemID, in.DueAt, true); err != nil {
					return err
				}
			}
		}
		if err := addUpdate(ctx, tx, now, a, itemID, "edit", it.Progress, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, EntityAction, itemID, "update", it, in)
	})
	if err != nil {
		return ActionItem{}, err
	}
	return getAction(ctx, s.DB, itemID, now)
}

// CancelAction drops an item that is not accepted: a planned one is
// removed from the plan, a started one cancels its task with the reason.
func (s *Service) CancelAction(ctx context.Context, a access.Actor, itemID int64, reason string) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := getAction(ctx, tx, itemID, now)
		if err != nil {
			return err
		}
		m, err := get(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		if !it.Active() {
			return errs.State(it.Status, "cancel")
		}
		var l errs.List
		reason = text(&l, "reason", reason, it.Status != ActionPlanned, MaxText)
		if err := l.Err(); err != nil {
			return err
		}
		if it.TaskID != 0 {
			if _, err := task.Cancel(ctx, tx, now, onBehalf(a), it.TaskID, reason); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_action_items SET status = ?, updated_at = ? WHERE id = ?`, rowCancelled, store.Ms(now), itemID); err != nil {
			return fmt.Errorf("cancel action item %d: %w", itemID, err)
		}
		if err := addUpdate(ctx, tx, now, a, itemID, "cancel", it.Progress, reason); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityAction, itemID, "cancel", map[string]any{"status": it.Status}, map[string]any{"status": ActionCancelled, "reason": reason}); err != nil {
			return err
		}
		return s.maybeClose(ctx, tx, now, a, it.MeetingID)
	})
}

// activatePlanned starts every planned item of the meeting as a task.
func (s *Service) activatePlanned(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, m Meeting) error {
	items, err := listActions(ctx, tx, ActionFilter{MeetingID: m.ID, planned: true}, nil, now)
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := s.activate(ctx, tx, now, a, m, it); err != nil {
			return err
		}
	}
	return nil
}

// activate creates the item's task in the task engine, tells the owner and
// assistant, and schedules the due-soon and overdue reminders.
func (s *Service) activate(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, m Meeting, it ActionItem) error {
	title, desc := it.Goal, it.Standard
	if Confidential(it.Level) {
		title, desc = redacted(it.Goal, it.Level, it.ID), ""
	}
	t, err := task.Create(ctx, tx, now, onBehalf(a), task.Input{
		Kind: TaskKind, Entity: EntityAction, EntityID: it.ID, Title: title, Description: desc,
		OwnerID: it.OwnerID, AssistantID: it.AssistantID, DueAt: it.DueAt, Link: actionLink(it),
	})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE meeting_action_items SET status = ?, task_id = ?, updated_at = ? WHERE id = ? AND status = ?`, rowActive, t.ID, store.Ms(now), it.ID, rowPlanned); err != nil {
		return fmt.Errorf("start action item %d: %w", it.ID, err)
	}
	if err := s.scheduleAction(ctx, tx, it.ID, it.DueAt, false); err != nil {
		return err
	}
	return s.notify(ctx, tx, now, []int64{it.OwnerID, it.AssistantID}, "meeting.msg.action_assigned", actionArgs(m, it, s.Loc), actionLink(it))
}

func (s *Service) scheduleAction(ctx context.Context, q store.Querier, itemID int64, due time.Time, again bool) error {
	key := fmt.Sprint(itemID)
	sched := s.schedule
	if again {
		sched = s.reschedule
	}
	if err := sched(ctx, q, JobActionDueSoon, key, due.Add(-DueSoon), JobPayload{ItemID: itemID}); err != nil {
		return err
	}
	return sched(ctx, q, JobActionOverdue, key, due, JobPayload{ItemID: itemID})
}

func actionLink(it ActionItem) string {
	return fmt.Sprintf("/meetings/%d/actions#item-%d", it.MeetingID, it.ID)
}

func actionArgs(m Meeting, it ActionItem, loc *time.Location) map[string]any {
	args := msgArgs(m, loc)
	args["goal"] = redacted(it.Goal, maxLevel(it.Level, m.Level), it.ID)
	args["due"] = it.DueAt.In(loc).Format("2006-01-02 15:04")
	return args
}

func addUpdate(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, itemID int64, kind string, progress int, note string) error {
	if _, err := tx.Exec(ctx, `INSERT INTO meeting_action_updates (item_id, kind, progress, note, by_id, at) VALUES (?, ?, ?, ?, ?, ?)`,
		itemID, kind, progress, note, store.IDOrNil(a.UserID), store.Ms(now)); err != nil {
		return fmt.Errorf("log action item %d %s: %w", itemID, kind, err)
	}
	return nil
}

// workItem loads an item for its owner or assistant to work on.
func workItem(ctx context.Context, tx *store.Tx, a access.Actor, itemID int64, now time.Time) (ActionItem, Meeting, error) {
	it, err := getAction(ctx, tx, itemID, now)
	if err != nil {
		return it, Meeting{}, err
	}
	m, err := get(ctx, tx, it.MeetingID)
	if err != nil {
		return it, m, err
	}
	mine := a.UserID != 0 && (a.UserID == it.OwnerID || a.UserID == it.AssistantID)
	if !mine && !a.Has(access.Admin) {
		return it, m, errs.Forbid()
	}
	if it.TaskID == 0 {
		return it, m, errs.State(it.Status, "work")
	}
	return it, m, nil
}

// Progress records the owner's progress (0–100) with a note on what was
// done (the tracking table's 进度 and 最新进展).
func (s *Service) Progress(ctx context.Context, a access.Actor, itemID int64, progress int, note string) (ActionItem, error) {
	return s.progress(ctx, a, itemID, progress, note, false)
}

// ReportProblem records progress with a problem that needs the host
// (004 溝通協調: problems met while carrying out a decision are reported
// at once); the host, and the named supervisor, are told.
func (s *Service) ReportProblem(ctx context.Context, a access.Actor, itemID int64, progress int, note string) (ActionItem, error) {
	return s.progress(ctx, a, itemID, progress, note, true)
}

func (s *Service) progress(ctx context.Context, a access.Actor, itemID int64, progress int, note string, problem bool) (ActionItem, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, m, err := workItem(ctx, tx, a, itemID, now)
		if err != nil {
			return err
		}
		var l errs.List
		note = text(&l, "note", note, problem, MaxText)
		if progress < 0 || progress > 100 {
			l.Add("progress", "err.meeting.progress_range")
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := task.SetProgress(ctx, tx, now, onBehalf(a), it.TaskID, progress); err != nil {
			return err
		}
		kind := "progress"
		if problem {
			kind = "problem"
		}
		if err := addUpdate(ctx, tx, now, a, itemID, kind, progress, note); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityAction, itemID, kind, map[string]any{"progress": it.Progress}, map[string]any{"progress": progress, "note": note}); err != nil {
			return err
		}
		if !problem {
			return nil
		}
		args := actionArgs(m, it, s.Loc)
		args["note"] = redacted(note, maxLevel(it.Level, m.Level), it.ID)
		return s.notify(ctx, tx, now, []int64{m.HostID, m.SupervisorID}, "meeting.msg.action_problem", args, actionLink(it))
	})
	if err != nil {
		return ActionItem{}, err
	}
	return getAction(ctx, s.DB, itemID, now)
}

// SubmitResult hands in the owner's result report (成果报告) to the host.
func (s *Service) SubmitResult(ctx context.Context, a access.Actor, itemID int64, result string) (ActionItem, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, m, err := workItem(ctx, tx, a, itemID, now)
		if err != nil {
			return err
		}
		var l errs.List
		result = text(&l, "result", result, true, task.MaxResult)
		if err := l.Err(); err != nil {
			return err
		}
		if it.Progress != 100 {
			if _, err := task.SetProgress(ctx, tx, now, onBehalf(a), it.TaskID, 100); err != nil {
				return err
			}
		}
		if _, err := task.Submit(ctx, tx, now, onBehalf(a), it.TaskID, result); err != nil {
			return err
		}
		if err := addUpdate(ctx, tx, now, a, itemID, "submit", 100, result); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityAction, itemID, "submit", map[string]any{"status": it.Status}, map[string]any{"status": ActionSubmitted, "late": now.After(it.DueAt)}); err != nil {
			return err
		}
		return s.notify(ctx, tx, now, []int64{m.HostID, m.SupervisorID}, "meeting.msg.action_submitted", actionArgs(m, it, s.Loc), actionLink(it))
	})
	if err != nil {
		return ActionItem{}, err
	}
	return getAction(ctx, s.DB, itemID, now)
}

// Accept is the host's (or named supervisor's) acceptance of the result
// (004 第三章 四 1); the result and the acceptance are fed back to every
// attendee (四 2). When nothing is left open the meeting is closed.
func (s *Service) Accept(ctx context.Context, a access.Actor, itemID int64, comment string) (ActionItem, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := getAction(ctx, tx, itemID, now)
		if err != nil {
			return err
		}
		m, err := get(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		if !canAccept(a, m, it.OwnerID) {
			return errs.Forbid()
		}
		if it.Status != ActionSubmitted {
			return errs.State(it.Status, "accept")
		}
		var l errs.List
		comment = text(&l, "comment", comment, false, MaxText)
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := task.Accept(ctx, tx, now, onBehalf(a), it.TaskID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_action_items SET accepted_by = ?, updated_at = ? WHERE id = ?`, a.UserID, store.Ms(now), itemID); err != nil {
			return fmt.Errorf("accept action item %d: %w", itemID, err)
		}
		if err := addUpdate(ctx, tx, now, a, itemID, "accept", 100, comment); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityAction, itemID, "accept", map[string]any{"status": it.Status}, map[string]any{"status": ActionAccepted, "comment": comment}); err != nil {
			return err
		}
		users, err := attendeeUsers(ctx, tx, m, true)
		if err != nil {
			return err
		}
		users = append(users, it.OwnerID, it.AssistantID, m.ConvenerID)
		if err := s.notify(ctx, tx, now, users, "meeting.msg.action_accepted", actionArgs(m, it, s.Loc), actionLink(it)); err != nil {
			return err
		}
		return s.maybeClose(ctx, tx, now, a, m.ID)
	})
	if err != nil {
		return ActionItem{}, err
	}
	return getAction(ctx, s.DB, itemID, now)
}

// SendBack returns the result to the owner with the reason.
func (s *Service) SendBack(ctx context.Context, a access.Actor, itemID int64, reason string) (ActionItem, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err := getAction(ctx, tx, itemID, now)
		if err != nil {
			return err
		}
		m, err := get(ctx, tx, it.MeetingID)
		if err != nil {
			return err
		}
		if !canAccept(a, m, it.OwnerID) {
			return errs.Forbid()
		}
		if it.Status != ActionSubmitted {
			return errs.State(it.Status, "send_back")
		}
		var l errs.List
		reason = text(&l, "reason", reason, true, MaxText)
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := task.SendBack(ctx, tx, now, onBehalf(a), it.TaskID, reason); err != nil {
			return err
		}
		// the result was not good enough: progress returns to what the owner
		// last reported before handing it in
		var last int
		err = tx.QueryRow(ctx, `SELECT COALESCE((SELECT progress FROM meeting_action_updates WHERE item_id = ? AND kind = 'progress' ORDER BY id DESC LIMIT 1), 0)`, itemID).Scan(&last)
		if err != nil {
			return fmt.Errorf("last progress of action item %d: %w", itemID, err)
		}
		if _, err := task.SetProgress(ctx, tx, now, onBehalf(a), it.TaskID, min(last, 90)); err != nil {
			return err
		}
		if err := addUpdate(ctx, tx, now, a, itemID, "send_back", it.Progress, reason); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityAction, itemID, "send_back", map[string]any{"status": it.Status}, map[string]any{"status": ActionReturned, "reason": reason}); err != nil {
			return err
		}
		args := actionArgs(m, it, s.Loc)
		args["reason"] = reason
		if m.Confidential() {
			args["reason"] = ""
		}
		return s.notify(ctx, tx, now, []int64{it.OwnerID, it.AssistantID}, "meeting.msg.action_returned", args, actionLink(it))
	})
	if err != nil {
		return ActionItem{}, err
	}
	return getAction(ctx, s.DB, itemID, now)
}

// maybeClose closes an ended meeting whose minutes are distributed and
// whose action items are all accepted (or cancelled), and tells everyone.
func (s *Service) maybeClose(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, meetingID int64) error {
	m, err := get(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	if m.Status != StatusEnded {
		return nil
	}
	mn, err := getMinutes(ctx, tx, meetingID)
	if err != nil || mn.Status != MinutesDistributed {
		return err
	}
	items, err := listActions(ctx, tx, ActionFilter{MeetingID: meetingID, Active: true}, nil, now)
	if err != nil {
		return err
	}
	if len(items) > 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE meetings SET status = ?, closed_at = ?, updated_at = ? WHERE id = ? AND status = ?`, StatusClosed, store.Ms(now), store.Ms(now), meetingID, StatusEnded); err != nil {
		return fmt.Errorf("close meeting %d: %w", meetingID, err)
	}
	if err := audit.Record(ctx, tx, now, a, EntityMeeting, meetingID, "close", map[string]any{"status": m.Status}, map[string]any{"status": StatusClosed}); err != nil {
		return err
	}
	n, err := countActions(ctx, tx, meetingID)
	if err != nil || n == 0 {
		return err
	}
	users, err := minutesReaders(ctx, tx, m)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, now, users, "meeting.msg.all_accepted", msgArgs(m, s.Loc), fmt.Sprintf("/meetings/%d/actions", meetingID))
}

func countActions(ctx context.Context, q store.Querier, meetingID int64) (int, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_action_items WHERE meeting_id = ? AND status <> ?`, meetingID, rowCancelled).Scan(&n); err != nil {
		return 0, fmt.Errorf("count action items: %w", err)
	}
	return n, nil
}

// Update is one line of an action item's history.
type Update struct {
	Kind     string    `json:"kind"`
	Progress int       `json:"progress"`
	Note     string    `json:"note,omitempty"`
	ByID     int64     `json:"by_id,omitempty"`
	At       time.Time `json:"at"`
}

func loadUpdates(ctx context.Context, q store.Querier, itemID int64) ([]Update, error) {
	rows, err := q.Query(ctx, `SELECT kind, progress, note, COALESCE(by_id, 0), at FROM meeting_action_updates WHERE item_id = ? ORDER BY id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("history of action item %d: %w", itemID, err)
	}
	defer rows.Close()
	var out []Update
	for rows.Next() {
		var u Update
		var at int64
		if err := rows.Scan(&u.Kind, &u.Progress, &u.Note, &u.ByID, &at); err != nil {
			return nil, err
		}
		u.At = store.Time(at)
		out = append(out, u)
	}
	return out, rows.Err()
}

// ActionDetail is an action item with its history.
type ActionDetail struct {
	ActionItem
	Updates    []Update         `json:"updates"`
	Resolution string           `json:"resolution,omitempty"`
	Names      map[int64]string `json:"-"`
	CanWork    bool             `json:"-"`
	CanAccept  bool             `json:"-"`
	CanEdit    bool             `json:"-"`
}

// Action returns one item for the actor (admitted at the minutes' level;
// confidential reads logged).
func (s *Service) Action(ctx context.Context, a access.Actor, itemID int64, via string) (ActionDetail, error) {
	now := s.now()
	it, err := getAction(ctx, s.DB, itemID, now)
	if err != nil {
		return ActionDetail{}, err
	}
	m, err := get(ctx, s.DB, it.MeetingID)
	if err != nil {
		return ActionDetail{}, err
	}
	if err := s.guard(ctx, a, m, Read{Entity: EntityAction, ID: itemID, Level: it.Level, Via: via}); err != nil {
		return ActionDetail{}, err
	}
	d := ActionDetail{ActionItem: it}
	if d.Updates, err = loadUpdates(ctx, s.DB, itemID); err != nil {
		return d, err
	}
	if it.ResolutionID != 0 {
		if err := s.DB.QueryRow(ctx, `SELECT text FROM meeting_resolutions WHERE id = ?`, it.ResolutionID).Scan(&d.Resolution); err != nil {
			return d, fmt.Errorf("resolution of action item %d: %w", itemID, err)
		}
	}
	ids := []int64{it.OwnerID, it.AssistantID, it.AcceptedBy, it.HostID}
	for _, u := range d.Updates {
		ids = append(ids, u.ByID)
	}
	if d.Names, err = names(ctx, s.DB, ids); err != nil {
		return d, err
	}
	d.CanWork = it.TaskID != 0 && it.Working() && (a.UserID == it.OwnerID || a.UserID == it.AssistantID || a.Has(access.Admin))
	d.CanAccept = it.Status == ActionSubmitted && canAccept(a, m, it.OwnerID)
	d.CanEdit = it.Working() && canRecord(a, m)
	return d, nil
}

// Actions lists action items across meetings that the actor may read,
// logging a read for every confidential meeting whose items are shown.
func (s *Service) Actions(ctx context.Context, a access.Actor, f ActionFilter, via string) ([]ActionItem, error) {
	if !a.IsStaff() {
		return nil, errs.Forbid()
	}
	items, err := listActions(ctx, s.DB, f, &a, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.logListReads(ctx, a, items, via); err != nil {
		return nil, err
	}
	return items, nil
}

// logListReads logs one read per confidential meeting among the items.
func (s *Service) logListReads(ctx context.Context, a access.Actor, items []ActionItem, via string) error {
	seen := map[int64]bool{}
	for _, it := range items {
		if Confidential(it.Level) && !seen[it.MeetingID] {
			seen[it.MeetingID] = true
			if err := s.logRead(ctx, a, Read{Entity: EntityMinutes, ID: it.MeetingID, Level: it.Level, Via: via}, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// Tracking is the 会议决议跟踪表 of one meeting: every resolution with its
// action items, their owners, dates, progress and status.
type Tracking struct {
	Meeting     Detail         `json:"meeting"`
	Level       string         `json:"level"`
	Resolutions []TrackingLine `json:"resolutions"`
	Others      []ActionItem   `json:"other_items"` // follow-ups and improvements
	Total       int            `json:"total"`
	Accepted    int            `json:"accepted"`
	Overdue     int            `json:"overdue"`
}

// TrackingLine is one resolution and its items.
type TrackingLine struct {
	Resolution Resolution   `json:"resolution"`
	Items      []ActionItem `json:"items"`
}

// Track returns the tracking table of a meeting for the actor.
func (s *Service) Track(ctx context.Context, a access.Actor, meetingID int64, via string) (Tracking, error) {
	m, err := get(ctx, s.DB, meetingID)
	if err != nil {
		return Tracking{}, err
	}
	level := m.Level
	if mn, err := getMinutes(ctx, s.DB, meetingID); err == nil {
		level = maxLevel(level, mn.Level)
	}
	if err := s.guard(ctx, a, m, Read{Entity: EntityMinutes, ID: meetingID, Level: level, Via: via}); err != nil {
		return Tracking{}, err
	}
	now := s.now()
	tr := Tracking{Level: level}
	if tr.Meeting, err = loadDetail(ctx, s.DB, m); err != nil {
		return tr, err
	}
	tr.Meeting.Can = s.can(ctx, a, tr.Meeting)
	res, err := loadResolutions(ctx, s.DB, meetingID)
	if err != nil {
		return tr, err
	}
	items, err := listActions(ctx, s.DB, ActionFilter{MeetingID: meetingID}, nil, now)
	if err != nil {
		return tr, err
	}
	byRes := map[int64][]ActionItem{}
	ids := []int64{}
	for _, it := range items {
		ids = append(ids, it.OwnerID, it.AssistantID, it.AcceptedBy)
		if it.Status == ActionCancelled {
			continue
		}
		tr.Total++
		if it.Status == ActionAccepted {
			tr.Accepted++
		}
		if it.Overdue {
			tr.Overdue++
		}
		if it.ResolutionID == 0 {
			tr.Others = append(tr.Others, it)
			continue
		}
		byRes[it.ResolutionID] = append(byRes[it.ResolutionID], it)
	}
	for _, r := range res {
		tr.Resolutions = append(tr.Resolutions, TrackingLine{Resolution: r, Items: byRes[r.ID]})
	}
	more, err := names(ctx, s.DB, ids)
	if err != nil {
		return tr, err
	}
	for k, v := range more {
		tr.Meeting.Names[k] = v
	}
	return tr, nil
}
