package meeting

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Minutes statuses: the recorder drafts and submits, the host approves (or
// returns with a comment), then the minutes are distributed.
const (
	MinutesDraft       = "draft"
	MinutesSubmitted   = "submitted"
	MinutesReturned    = "returned"
	MinutesApproved    = "approved"
	MinutesDistributed = "distributed"
)

// EntityMinutesApproval is the approval-chain entity of minutes.
const EntityMinutesApproval = "meeting_minutes"

// Minutes is the 会议纪要 of a meeting, with its deadlines.
type Minutes struct {
	MeetingID       int64     `json:"meeting_id"`
	Status          string    `json:"status"`
	Version         int       `json:"version"`
	Content         Content   `json:"content"`
	Level           string    `json:"level"`
	DraftDueAt      time.Time `json:"draft_due_at"`
	SendDueAt       time.Time `json:"send_due_at"`
	SubmittedAt     time.Time `json:"submitted_at,omitzero"`
	ApprovedAt      time.Time `json:"approved_at,omitzero"`
	ApprovedBy      int64     `json:"approved_by,omitempty"`
	DistributedAt   time.Time `json:"distributed_at,omitzero"`
	ApprovalChainID int64     `json:"approval_chain_id,omitempty"`
	ReturnComment   string    `json:"return_comment,omitempty"`
	UpdatedBy       int64     `json:"updated_by,omitempty"`
	UpdatedAt       time.Time `json:"updated_at"`
	DraftLate       bool      `json:"draft_late"`
	SendLate        bool      `json:"send_late"`
}

// Content is the structured body of the minutes (004 第三章 一 1: topic,
// time, place, attendees, discussion, decisions).
type Content struct {
	Topic     string     `json:"topic"`
	StartAt   time.Time  `json:"start_at"`
	EndAt     time.Time  `json:"end_at"`
	Place     string     `json:"place"`
	Host      string     `json:"host"`
	Recorder  string     `json:"recorder"`
	Present   []string   `json:"present"`
	Late      []string   `json:"late,omitempty"` // present, but signed in after the start
	Absent    []Absence  `json:"absent"`
	Points    []Point    `json:"points"`
	Decisions []Decision `json:"decisions"`
	Other     string     `json:"other,omitempty"`
}

// Absence is someone who did not attend, and why (absent or on leave).
type Absence struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Point is what was said on one agenda item.
type Point struct {
	AgendaItemID int64  `json:"agenda_item_id"`
	Topic        string `json:"topic"`
	Presenter    string `json:"presenter,omitempty"`
	Text         string `json:"text"`
}

// Decision is one resolution as recorded in the minutes.
type Decision struct {
	ResolutionID int64  `json:"resolution_id"`
	Seq          int    `json:"seq"`
	AgendaItemID int64  `json:"agenda_item_id,omitempty"`
	Text         string `json:"text"`
}

// DraftLateAt reports whether the draft missed its 24-hour deadline at now:
// submitted after it, or still not submitted when it passed.
func (mn Minutes) DraftLateAt(now time.Time) bool {
	if !mn.SubmittedAt.IsZero() {
		return mn.SubmittedAt.After(mn.DraftDueAt)
	}
	return now.After(mn.DraftDueAt)
}

// SendLateAt reports whether the approved minutes missed the 48-hour
// deadline for distribution at now.
func (mn Minutes) SendLateAt(now time.Time) bool {
	if !mn.DistributedAt.IsZero() {
		return mn.DistributedAt.After(mn.SendDueAt)
	}
	return now.After(mn.SendDueAt)
}

const minutesCols = `meeting_id, status, version, content, level, draft_due_at, send_due_at, submitted_at, approved_at, COALESCE(approved_by, 0),
	distributed_at, COALESCE(approval_chain_id, 0), return_comment, COALESCE(updated_by, 0), updated_at`

func scanMinutes(sc scanner) (Minutes, error) {
	var mn Minutes
	var content string
	var draftDue, sendDue, updated int64
	var submitted, approved, distributed sql.NullInt64
	err := sc.Scan(&mn.MeetingID, &mn.Status, &mn.Version, &content, &mn.Level, &draftDue, &sendDue, &submitted, &approved, &mn.ApprovedBy,
		&distributed, &mn.ApprovalChainID, &mn.ReturnComment, &mn.UpdatedBy, &updated)
	if err != nil {
		return mn, err
	}
	mn.DraftDueAt, mn.SendDueAt, mn.UpdatedAt = store.Time(draftDue), store.Time(sendDue), store.Time(updated)
	mn.SubmittedAt, mn.ApprovedAt, mn.DistributedAt = store.NullMs(submitted), store.NullMs(approved), store.NullMs(distributed)
	if err := json.Unmarshal([]byte(content), &mn.Content); err != nil {
		return mn, fmt.Errorf("decode minutes of meeting %d: %w", mn.MeetingID, err)
	}
	return mn, nil
}

func getMinutes(ctx context.Context, q store.Querier, meetingID int64) (Minutes, error) {
	mn, err := scanMinutes(q.QueryRow(ctx, `SELECT `+minutesCols+` FROM meeting_minutes WHERE meeting_id = ?`, meetingID))
	if err != nil {
		return Minutes{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get minutes of meeting %d", meetingID))
	}
	return mn, nil
}

// openMinutes creates the empty draft when the meeting ends, with its
// deadlines, and schedules the reminders and deadline checks.
func (s *Service) openMinutes(ctx context.Context, tx *store.Tx, now time.Time, m Meeting) error {
	draftDue, sendDue := m.EndedAt.Add(DraftWithin), m.EndedAt.Add(SendWithin)
	c, err := buildContent(ctx, tx, m, "", nil, "")
	if err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode minutes: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO meeting_minutes (meeting_id, status, version, content, search_text, level, draft_due_at, send_due_at, updated_at) VALUES (?, ?, 0, ?, '', ?, ?, ?, ?)`,
		m.ID, MinutesDraft, string(body), m.Level, store.Ms(draftDue), store.Ms(sendDue), store.Ms(now)); err != nil {
		return fmt.Errorf("open minutes of meeting %d: %w", m.ID, err)
	}
	key := fmt.Sprint(m.ID)
	for _, j := range []struct {
		kind string
		due  time.Time
	}{
		{JobDraftRemind, draftDue.Add(-RemindBefore)},
		{JobDraftDue, draftDue},
		{JobSendRemind, sendDue.Add(-RemindBefore)},
		{JobSendDue, sendDue},
	} {
		if err := s.schedule(ctx, tx, j.kind, key, j.due, JobPayload{MeetingID: m.ID}); err != nil {
			return err
		}
	}
	return s.notify(ctx, tx, now, []int64{m.RecorderID, m.HostID}, "meeting.msg.minutes_open", withDue(msgArgs(m, s.Loc), draftDue, s.Loc), MinutesLink(m.ID))
}

func withDue(args map[string]any, due time.Time, loc *time.Location) map[string]any {
	args["due"] = due.In(loc).Format("2006-01-02 15:04")
	return args
}

// buildContent assembles the structured minutes: the meeting's facts and
// attendance from the records, the recorder's text per agenda item and the
// resolutions as they stand.
func buildContent(ctx context.Context, q store.Querier, m Meeting, topic string, points map[int64]string, other string) (Content, error) {
	c := Content{Topic: topic, StartAt: m.StartAt, EndAt: m.EndAt, Place: m.Place, Other: other}
	if c.Topic == "" {
		c.Topic = m.Title
	}
	if !m.StartedAt.IsZero() {
		c.StartAt = m.StartedAt
	}
	if !m.EndedAt.IsZero() {
		c.EndAt = m.EndedAt
	}
	agenda, err := loadAgenda(ctx, q, m.ID)
	if err != nil {
		return c, err
	}
	ats, err := loadAttendees(ctx, q, m.ID)
	if err != nil {
		return c, err
	}
	ids := []int64{m.HostID, m.RecorderID}
	for _, it := range agenda {
		ids = append(ids, it.PresenterID)
	}
	for _, at := range ats {
		ids = append(ids, at.UserID)
	}
	nm, err := names(ctx, q, ids)
	if err != nil {
		return c, err
	}
	d := Detail{Names: nm}
	c.Host, c.Recorder = nm[m.HostID], nm[m.RecorderID]
	c.Present, c.Absent = []string{}, []Absence{}
	for _, at := range ats {
		n := d.DisplayName(at)
		switch at.Attendance {
		case AttendOnTime:
			c.Present = append(c.Present, n)
		case AttendLate:
			c.Present = append(c.Present, n)
			c.Late = append(c.Late, n)
		case AttendLeave:
			c.Absent = append(c.Absent, Absence{Name: n, Status: AttendLeave, Reason: at.LeaveReason})
		case AttendAbsent:
			c.Absent = append(c.Absent, Absence{Name: n, Status: AttendAbsent})
		}
	}
	c.Points = []Point{}
	for _, it := range agenda {
		p := Point{AgendaItemID: it.ID, Topic: it.Topic, Presenter: it.PresenterName, Text: points[it.ID]}
		if it.PresenterID != 0 {
			p.Presenter = nm[it.PresenterID]
		}
		c.Points = append(c.Points, p)
	}
	res, err := loadResolutions(ctx, q, m.ID)
	if err != nil {
		return c, err
	}
	c.Decisions = []Decision{}
	for _, r := range res {
		c.Decisions = append(c.Decisions, Decision{ResolutionID: r.ID, Seq: r.Seq, AgendaItemID: r.AgendaItemID, Text: r.Text})
	}
	return c, nil
}

// searchText flattens the minutes for the archive search.
func (c Content) searchText() string {
	parts := []string{c.Topic, c.Other}
	for _, p := range c.Points {
		parts = append(parts, p.Topic, p.Text)
	}
	for _, d := range c.Decisions {
		parts = append(parts, d.Text)
	}
	return strings.ToLower(strings.Join(parts, "\n"))
}

// MinutesInput is what the recorder enters: the topic, text per agenda
// item, the decisions (ID keeps an existing resolution), other remarks,
// the confidentiality level and a note for the version history.
type MinutesInput struct {
	Topic     string
	Points    map[int64]string
	Decisions []DecisionInput
	Other     string
	Level     string
	Note      string
}

// DecisionInput is one decision as entered.
type DecisionInput struct {
	ID           int64
	AgendaItemID int64
	Text         string
}

// SaveMinutes saves the recorder's draft as a new version. Attendance and
// the meeting's facts are taken from the records each time.
func (s *Service) SaveMinutes(ctx context.Context, a access.Actor, id int64, in MinutesInput) (Minutes, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		mn, err := getMinutes(ctx, tx, id)
		if err != nil {
			if errs.As(err).Kind == errs.NotFound {
				return errs.State(m.Status, "minutes")
			}
			return err
		}
		if mn.Status != MinutesDraft && mn.Status != MinutesReturned {
			return errs.State(mn.Status, "edit")
		}
		return s.saveMinutes(ctx, tx, now, a, m, mn, in, mn.Status)
	})
	if err != nil {
		return Minutes{}, err
	}
	return getMinutes(ctx, s.DB, id)
}

func (s *Service) saveMinutes(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, m Meeting, mn Minutes, in MinutesInput, status string) error {
	var l errs.List
	in.Topic = text(&l, "topic", in.Topic, true, MaxTitle)
	in.Other = text(&l, "other", in.Other, false, MaxLongText)
	in.Note = text(&l, "note", in.Note, false, MaxName)
	if in.Level == "" {
		in.Level = mn.Level
	}
	if !access.ValidLevel(in.Level) {
		l.Add("level", "err.invalid")
	} else if levelIndex(in.Level) < levelIndex(m.Level) {
		l.Add("level", "err.meeting.level_below_meeting")
	}
	agenda, err := loadAgenda(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	known := map[int64]bool{}
	for _, it := range agenda {
		known[it.ID] = true
	}
	points := map[int64]string{}
	for k, v := range in.Points {
		if !known[k] {
			l.Add("points", "err.meeting.unknown_agenda_item")
			continue
		}
		points[k] = text(&l, fmt.Sprintf("points.%d", k), v, false, MaxLongText)
	}
	if len(in.Decisions) > MaxAgenda*4 {
		l.Add("decisions", "err.meeting.too_many", "max", MaxAgenda*4)
	}
	for i := range in.Decisions {
		d := &in.Decisions[i]
		d.Text = text(&l, fmt.Sprintf("decisions.%d.text", i), d.Text, true, MaxText)
		if d.AgendaItemID != 0 && !known[d.AgendaItemID] {
			l.Add(fmt.Sprintf("decisions.%d.agenda_item_id", i), "err.meeting.unknown_agenda_item")
		}
	}
	if err := l.Err(); err != nil {
		return err
	}
	if err := syncResolutions(ctx, tx, now, a, m.ID, in.Decisions); err != nil {
		return err
	}
	c, err := buildContent(ctx, tx, m, in.Topic, points, in.Other)
	if err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode minutes: %w", err)
	}
	version := mn.Version + 1
	res, err := tx.Exec(ctx, `UPDATE meeting_minutes SET status = ?, version = ?, content = ?, search_text = ?, level = ?, updated_by = ?, updated_at = ? WHERE meeting_id = ? AND version = ?`,
		status, version, string(body), c.searchText(), in.Level, a.UserID, store.Ms(now), m.ID, mn.Version)
	if err != nil {
		return fmt.Errorf("save minutes of meeting %d: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.New(errs.Conflict, "err.meeting.minutes_changed")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO meeting_minutes_versions (meeting_id, version, status, content, note, saved_by, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ID, version, status, string(body), in.Note, store.IDOrNil(a.UserID), store.Ms(now)); err != nil {
		return fmt.Errorf("keep minutes version %d: %w", version, err)
	}
	return audit.Record(ctx, tx, now, a, EntityMinutes, m.ID, "save", map[string]any{"version": mn.Version, "level": mn.Level}, map[string]any{"version": version, "level": in.Level, "note": in.Note})
}

// SubmitMinutes hands the draft to the host for approval; the first
// submission is what the 24-hour rule measures.
func (s *Service) SubmitMinutes(ctx context.Context, a access.Actor, id int64) (Minutes, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		mn, err := getMinutes(ctx, tx, id)
		if err != nil {
			return err
		}
		if mn.Status != MinutesDraft && mn.Status != MinutesReturned {
			return errs.State(mn.Status, "submit")
		}
		if mn.Version == 0 {
			return errs.New(errs.Conflict, "err.meeting.minutes_empty")
		}
		var ch approval.Chain
		delegate := onBehalf(a)
		delegate.UserID = 0 // the chain has no requester, so the host may approve minutes they wrote
		if mn.ApprovalChainID != 0 && mn.Status == MinutesReturned {
			ch, err = approval.Restart(ctx, tx, now, access.Actor{Username: a.Username, System: true}, mn.ApprovalChainID, "")
		} else {
			ch, err = approval.Start(ctx, tx, now, delegate, EntityMinutesApproval, id, redacted(m.Title, maxLevel(m.Level, mn.Level), id), MinutesLink(id), []approval.StepSpec{{UserID: m.HostID}}, nil)
		}
		if err != nil {
			return err
		}
		first := store.MsOrNil(mn.SubmittedAt)
		if mn.SubmittedAt.IsZero() {
			first = store.Ms(now)
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_minutes SET status = ?, submitted_at = ?, approval_chain_id = ?, return_comment = '', updated_at = ? WHERE meeting_id = ?`,
			MinutesSubmitted, first, ch.ID, store.Ms(now), id); err != nil {
			return fmt.Errorf("submit minutes of meeting %d: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_minutes_versions SET status = ? WHERE meeting_id = ? AND version = ?`, MinutesSubmitted, id, mn.Version); err != nil {
			return fmt.Errorf("mark version submitted: %w", err)
		}
		late := mn.SubmittedAt.IsZero() && now.After(mn.DraftDueAt)
		if err := audit.Record(ctx, tx, now, a, EntityMinutes, id, "submit", map[string]any{"status": mn.Status}, map[string]any{"status": MinutesSubmitted, "version": mn.Version, "late": late}); err != nil {
			return err
		}
		return s.notify(ctx, tx, now, []int64{m.HostID}, "meeting.msg.minutes_submitted", withDue(msgArgs(m, s.Loc), mn.SendDueAt, s.Loc), MinutesLink(id))
	})
	if err != nil {
		return Minutes{}, err
	}
	return getMinutes(ctx, s.DB, id)
}

// onBehalf is the actor acting through an engine after the meeting's own
// permission check: the engines see the system, the audit rows the person.
func onBehalf(a access.Actor) access.Actor {
	return access.Actor{UserID: a.UserID, Username: a.Username, Name: a.Name, Roles: a.Roles, DepartmentID: a.DepartmentID, IP: a.IP, Lang: a.Lang, System: true}
}

// ApproveMinutes is the host's approval (004 第三章 一 2); ReturnMinutes
// sends the draft back to the recorder with a comment.
func (s *Service) ApproveMinutes(ctx context.Context, a access.Actor, id int64, comment string) (Minutes, error) {
	return s.decideMinutes(ctx, a, id, approval.Approve, comment)
}

// ReturnMinutes sends the draft back to the recorder with the reason.
func (s *Service) ReturnMinutes(ctx context.Context, a access.Actor, id int64, comment string) (Minutes, error) {
	return s.decideMinutes(ctx, a, id, approval.Return, comment)
}

func (s *Service) decideMinutes(ctx context.Context, a access.Actor, id int64, action, comment string) (Minutes, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !isHost(a, m) && !a.Has(access.Admin) {
			return errs.Forbid()
		}
		mn, err := getMinutes(ctx, tx, id)
		if err != nil {
			return err
		}
		if mn.Status != MinutesSubmitted || mn.ApprovalChainID == 0 {
			return errs.State(mn.Status, action)
		}
		ch, err := approval.Decide(ctx, tx, now, a, mn.ApprovalChainID, action, comment)
		if err != nil {
			return err
		}
		comment = strings.TrimSpace(comment)
		switch ch.Status {
		case approval.StatusApproved:
			_, err = tx.Exec(ctx, `UPDATE meeting_minutes SET status = ?, approved_at = ?, approved_by = ?, updated_at = ? WHERE meeting_id = ?`, MinutesApproved, store.Ms(now), a.UserID, store.Ms(now), id)
		case approval.StatusReturned, approval.StatusRejected:
			_, err = tx.Exec(ctx, `UPDATE meeting_minutes SET status = ?, return_comment = ?, updated_at = ? WHERE meeting_id = ?`, MinutesReturned, comment, store.Ms(now), id)
			if err == nil && ch.Status == approval.StatusRejected {
				// a rejected chain cannot be restarted; the next submission starts a new one
				_, err = tx.Exec(ctx, `UPDATE meeting_minutes SET approval_chain_id = NULL WHERE meeting_id = ?`, id)
			}
		default:
			return nil
		}
		if err != nil {
			return fmt.Errorf("record minutes decision: %w", err)
		}
		status := MinutesApproved
		key := "meeting.msg.minutes_approved"
		if ch.Status != approval.StatusApproved {
			status, key = MinutesReturned, "meeting.msg.minutes_returned"
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_minutes_versions SET status = ? WHERE meeting_id = ? AND version = ?`, status, id, mn.Version); err != nil {
			return fmt.Errorf("mark version %s: %w", status, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityMinutes, id, action, map[string]any{"status": mn.Status}, map[string]any{"status": status, "comment": comment}); err != nil {
			return err
		}
		args := msgArgs(m, s.Loc)
		args["comment"] = comment
		return s.notify(ctx, tx, now, []int64{m.RecorderID, m.ConvenerID}, key, args, MinutesLink(id))
	})
	if err != nil {
		return Minutes{}, err
	}
	return getMinutes(ctx, s.DB, id)
}

// Distribute sends the approved minutes to every attendee and the cc
// departments (004 第三章 一 3), starts the planned action items as tasks
// and schedules their reminders.
func (s *Service) Distribute(ctx context.Context, a access.Actor, id int64) (Minutes, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		mn, err := getMinutes(ctx, tx, id)
		if err != nil {
			return err
		}
		if mn.Status != MinutesApproved {
			return errs.State(mn.Status, "distribute")
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_minutes SET status = ?, distributed_at = ?, updated_at = ? WHERE meeting_id = ? AND status = ?`, MinutesDistributed, store.Ms(now), store.Ms(now), id, MinutesApproved); err != nil {
			return fmt.Errorf("distribute minutes of meeting %d: %w", id, err)
		}
		late := now.After(mn.SendDueAt)
		if err := audit.Record(ctx, tx, now, a, EntityMinutes, id, "distribute", map[string]any{"status": mn.Status}, map[string]any{"status": MinutesDistributed, "late": late}); err != nil {
			return err
		}
		users, err := minutesReaders(ctx, tx, m)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, now, users, "meeting.msg.minutes_distributed", msgArgs(m, s.Loc), MinutesLink(id)); err != nil {
			return err
		}
		if err := s.activatePlanned(ctx, tx, now, a, m); err != nil {
			return err
		}
		return s.maybeClose(ctx, tx, now, a, id)
	})
	if err != nil {
		return Minutes{}, err
	}
	return getMinutes(ctx, s.DB, id)
}

// minutesReaders are those the minutes are sent to: every attendee (those
// on leave too: the decisions concern them) and substitute, the cc
// departments' members, the host, convener and recorder.
func minutesReaders(ctx context.Context, q store.Querier, m Meeting) ([]int64, error) {
	users, err := attendeeUsers(ctx, q, m, true)
	if err != nil {
		return nil, err
	}
	cc, err := loadCC(ctx, q, m.ID)
	if err != nil {
		return nil, err
	}
	members, err := deptMembers(ctx, q, cc)
	if err != nil {
		return nil, err
	}
	users = append(users, members...)
	users = append(users, m.ConvenerID)
	return uniq(users), nil
}

// MinutesView is the minutes with what the printable page and the editor
// show around them.
type MinutesView struct {
	Meeting     Detail        `json:"meeting"`
	Minutes     Minutes       `json:"minutes"`
	Resolutions []Resolution  `json:"resolutions"`
	Actions     []ActionItem  `json:"action_items"`
	Versions    []VersionInfo `json:"versions"`
	Chain       *approval.Chain
}

// VersionInfo lists one kept version of the minutes.
type VersionInfo struct {
	Version int       `json:"version"`
	Status  string    `json:"status"`
	Note    string    `json:"note,omitempty"`
	SavedBy int64     `json:"saved_by,omitempty"`
	SavedAt time.Time `json:"saved_at"`
}

// ReadMinutes returns the minutes for the actor, who must be admitted at
// the minutes' level; via names the route (page, api, print, export) for
// the read log, which records every read of confidential minutes, allowed
// or denied.
func (s *Service) ReadMinutes(ctx context.Context, a access.Actor, id int64, via string) (MinutesView, error) {
	m, err := get(ctx, s.DB, id)
	if err != nil {
		return MinutesView{}, err
	}
	mn, err := getMinutes(ctx, s.DB, id)
	if err != nil {
		if errs.As(err).Kind != errs.NotFound {
			return MinutesView{}, err
		}
		// no minutes yet: still check and log against the meeting itself
		if err := s.guard(ctx, a, m, Read{Entity: EntityMeeting, ID: id, Level: m.Level, Via: via}); err != nil {
			return MinutesView{}, err
		}
		return MinutesView{}, errs.New(errs.NotFound, "err.meeting.no_minutes")
	}
	if err := s.guard(ctx, a, m, Read{Entity: EntityMinutes, ID: id, Level: maxLevel(m.Level, mn.Level), Via: via}); err != nil {
		return MinutesView{}, err
	}
	now := s.now()
	mn.DraftLate, mn.SendLate = mn.DraftLateAt(now), mn.SendLateAt(now)
	v := MinutesView{Minutes: mn}
	if v.Meeting, err = loadDetail(ctx, s.DB, m); err != nil {
		return v, err
	}
	v.Meeting.Minutes = &mn
	v.Meeting.Can = s.can(ctx, a, v.Meeting)
	if v.Resolutions, err = loadResolutions(ctx, s.DB, id); err != nil {
		return v, err
	}
	if v.Actions, err = listActions(ctx, s.DB, ActionFilter{MeetingID: id}, nil, now); err != nil {
		return v, err
	}
	if v.Versions, err = loadVersions(ctx, s.DB, id); err != nil {
		return v, err
	}
	if mn.ApprovalChainID != 0 {
		if ch, err := approval.GetByID(ctx, s.DB, mn.ApprovalChainID); err == nil {
			v.Chain = &ch
		}
	}
	ids := []int64{mn.UpdatedBy}
	for _, ver := range v.Versions {
		ids = append(ids, ver.SavedBy)
	}
	for _, it := range v.Actions {
		ids = append(ids, it.OwnerID, it.AssistantID)
	}
	more, err := names(ctx, s.DB, ids)
	if err != nil {
		return v, err
	}
	for k, n := range more {
		v.Meeting.Names[k] = n
	}
	return v, nil
}

func loadVersions(ctx context.Context, q store.Querier, id int64) ([]VersionInfo, error) {
	rows, err := q.Query(ctx, `SELECT version, status, note, COALESCE(saved_by, 0), saved_at FROM meeting_minutes_versions WHERE meeting_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("minutes versions of meeting %d: %w", id, err)
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var v VersionInfo
		var at int64
		if err := rows.Scan(&v.Version, &v.Status, &v.Note, &v.SavedBy, &at); err != nil {
			return nil, err
		}
		v.SavedAt = store.Time(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// MinutesVersion returns one kept version's content, under the same
// admission and logging as the minutes.
func (s *Service) MinutesVersion(ctx context.Context, a access.Actor, id int64, version int, via string) (Content, VersionInfo, error) {
	m, err := get(ctx, s.DB, id)
	if err != nil {
		return Content{}, VersionInfo{}, err
	}
	mn, err := getMinutes(ctx, s.DB, id)
	if err != nil {
		return Content{}, VersionInfo{}, err
	}
	if err := s.guard(ctx, a, m, Read{Entity: EntityMinutes, ID: id, Level: maxLevel(m.Level, mn.Level), Via: via}); err != nil {
		return Content{}, VersionInfo{}, err
	}
	var body string
	var v VersionInfo
	var at int64
	err = s.DB.QueryRow(ctx, `SELECT version, status, note, COALESCE(saved_by, 0), saved_at, content FROM meeting_minutes_versions WHERE meeting_id = ? AND version = ?`, id, version).
		Scan(&v.Version, &v.Status, &v.Note, &v.SavedBy, &at, &body)
	if err != nil {
		return Content{}, VersionInfo{}, errs.Wrap(store.MapError(err), "get minutes version")
	}
	v.SavedAt = store.Time(at)
	var c Content
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return Content{}, VersionInfo{}, fmt.Errorf("decode minutes version: %w", err)
	}
	return c, v, nil
}
