package meeting

import (
	"context"
	"fmt"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Who may do what. Reading follows the confidentiality rule of DESIGN.md: a
// record is readable by those its level admits (access.Actor.Cleared) and by
// everyone named on it: convener, host, recorder, supervising leader, named
// supervisor, attendees and their substitutes, members of the cc
// departments, and owners and assistants of its action items. Client users
// never see meetings. A substitute is named only once the leave is granted
// and while it stands, through their own attendee row (DecideLeave,
// WithdrawLeave): the person a leave request merely proposes is not. In
// the same way an action item names its owner and assistant only while it
// is active: from the minutes' distribution (the host's approval of the
// draft that proposes it) until it is cancelled.

func isConvener(a access.Actor, m Meeting) bool { return a.UserID != 0 && a.UserID == m.ConvenerID }
func isHost(a access.Actor, m Meeting) bool     { return a.UserID != 0 && a.UserID == m.HostID }

// canManage: convene, edit, send notices, start and end the meeting.
func canManage(a access.Actor, m Meeting) bool {
	return a.Has(access.Admin) || isConvener(a, m) || isHost(a, m)
}

// canRecord: keep the minutes, take sign-in, record resolutions.
func canRecord(a access.Actor, m Meeting) bool {
	return canManage(a, m) || (a.UserID != 0 && a.UserID == m.RecorderID)
}

// canSignIn: the reception desk may sign attendees in as well.
func canSignIn(a access.Actor, m Meeting) bool {
	return canRecord(a, m) || a.Has(access.Receptionist, access.Supervisor)
}

// canAccept: the host or the named supervisor accepts action items
// (004 第三章 四 1), never the owner of the item unless admin.
func canAccept(a access.Actor, m Meeting, ownerID int64) bool {
	if a.Has(access.Admin) {
		return true
	}
	if a.UserID == 0 || a.UserID == ownerID {
		return false
	}
	return a.UserID == m.HostID || (m.SupervisorID != 0 && a.UserID == m.SupervisorID)
}

// named reports whether the actor is named on the meeting.
func named(ctx context.Context, q store.Querier, a access.Actor, m Meeting) (bool, error) {
	if a.UserID == 0 {
		return false, nil
	}
	for _, id := range []int64{m.ConvenerID, m.HostID, m.RecorderID, m.LeaderID, m.SupervisorID} {
		if id == a.UserID {
			return true, nil
		}
	}
	var n int
	err := q.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM meeting_attendees WHERE meeting_id = ? AND user_id = ?) +
		(SELECT COUNT(*) FROM meeting_cc_departments WHERE meeting_id = ? AND department_id = ?) +
		(SELECT COUNT(*) FROM meeting_action_items x LEFT JOIN tasks tk ON tk.id = x.task_id
			WHERE x.meeting_id = ? AND x.status = '`+rowActive+`' AND COALESCE(tk.status, '') <> '`+task.StatusCancelled+`' AND (COALESCE(tk.owner_id, x.owner_id) = ? OR COALESCE(tk.assistant_id, x.assistant_id) = ?))`,
		m.ID, a.UserID, m.ID, a.DepartmentID, m.ID, a.UserID, a.UserID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check whether user %d is named on meeting %d: %w", a.UserID, m.ID, err)
	}
	return n > 0, nil
}

// namedSQL is a condition on meetings alias m that holds when user ? (the
// same id six times, then the department id, then twice more) is named on
// the meeting.
const namedSQL = `(m.convener_id = ? OR m.host_id = ? OR m.recorder_id = ? OR m.leader_id = ? OR m.supervisor_id = ?
	OR EXISTS (SELECT 1 FROM meeting_attendees x WHERE x.meeting_id = m.id AND x.user_id = ?)
	OR EXISTS (SELECT 1 FROM meeting_cc_departments x WHERE x.meeting_id = m.id AND x.department_id = ?)
	OR EXISTS (SELECT 1 FROM meeting_action_items x LEFT JOIN tasks tk ON tk.id = x.task_id
		WHERE x.meeting_id = m.id AND x.status = '` + rowActive + `' AND COALESCE(tk.status, '') <> '` + task.StatusCancelled + `' AND (COALESCE(tk.owner_id, x.owner_id) = ? OR COALESCE(tk.assistant_id, x.assistant_id) = ?)))`

func namedArgs(a access.Actor) []any {
	u := a.UserID
	return []any{u, u, u, u, u, u, a.DepartmentID, u, u}
}

// clearedLevels lists the levels the actor is cleared for.
func clearedLevels(a access.Actor) []any {
	var out []any
	for _, l := range access.Levels {
		if a.Cleared(l) {
			out = append(out, l)
		}
	}
	return out
}

// admitSQL returns a condition (and its args) on a level column that holds
// when the actor may read a record of meeting alias m at that level.
func admitSQL(a access.Actor, levelCol string) (string, []any) {
	if a.System {
		return "1=1", nil
	}
	lv := clearedLevels(a)
	cond := namedSQL
	args := namedArgs(a)
	if len(lv) > 0 {
		cond = "(" + levelCol + " IN (" + store.Placeholders(len(lv)) + ") OR " + namedSQL + ")"
		args = append(lv, args...)
	}
	return cond, args
}

// admitted reports whether the actor may read a record of meeting m at
// the given level.
func admitted(ctx context.Context, q store.Querier, a access.Actor, m Meeting, level string) (bool, error) {
	if a.System {
		return true, nil
	}
	if !a.IsStaff() {
		return false, nil
	}
	if a.Cleared(level) {
		return true, nil
	}
	return named(ctx, q, a, m)
}

// Read describes one read of a record for the log: which entity and id, at
// which level, and through which route (page, api, print, export, ics,
// search, list).
type Read struct {
	Entity string
	ID     int64
	Level  string
	Via    string
}

// logRead writes an audit row for a read of a confidential or secret record,
// allowed or denied, in its own statement (a denied read has no
// transaction to ride on).
func (s *Service) logRead(ctx context.Context, a access.Actor, r Read, allowed bool) error {
	if !Confidential(r.Level) || a.System {
		return nil
	}
	action := ActionRead
	if !allowed {
		action = ActionReadDenied
	}
	if err := audit.Record(ctx, s.DB, s.now(), a, r.Entity, r.ID, action, nil, map[string]any{"level": r.Level, "via": r.Via}); err != nil {
		return fmt.Errorf("log read of %s %d: %w", r.Entity, r.ID, err)
	}
	return nil
}

// guard checks that the actor may read record r of meeting m, logs the read
// when the record is confidential, and returns forbidden when not admitted.
func (s *Service) guard(ctx context.Context, a access.Actor, m Meeting, r Read) error {
	ok, err := admitted(ctx, s.DB, a, m, r.Level)
	if err != nil {
		return err
	}
	if err := s.logRead(ctx, a, r, ok); err != nil {
		return err
	}
	if !ok {
		return errs.Forbid()
	}
	return nil
}

// viewable loads a meeting the actor may read, logging the read.
func (s *Service) viewable(ctx context.Context, a access.Actor, id int64, via string) (Meeting, error) {
	m, err := get(ctx, s.DB, id)
	if err != nil {
		return Meeting{}, err
	}
	if err := s.guard(ctx, a, m, Read{Entity: EntityMeeting, ID: m.ID, Level: m.Level, Via: via}); err != nil {
		return Meeting{}, err
	}
	return m, nil
}

// maxLevel returns the more restricted of two levels.
func maxLevel(a, b string) string {
	ia, ib := levelIndex(a), levelIndex(b)
	if ib > ia {
		return b
	}
	return a
}

func levelIndex(l string) int {
	for i, x := range access.Levels {
		if x == l {
			return i
		}
	}
	return 0
}

// MaterialsGuard decides who may see (and add) a meeting's background
// materials, which are shared attachments of entity "meeting": those
// admitted to the meeting; reads of confidential ones are logged.
func (s *Service) MaterialsGuard(ctx context.Context, a access.Actor, meetingID int64) (bool, error) {
	m, err := get(ctx, s.DB, meetingID)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return false, nil
		}
		return false, err
	}
	ok, err := admitted(ctx, s.DB, a, m, m.Level)
	if err != nil {
		return false, err
	}
	return ok, s.logRead(ctx, a, Read{Entity: EntityMeeting, ID: m.ID, Level: m.Level, Via: "materials"}, ok)
}
