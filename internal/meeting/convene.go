package meeting

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// AgendaInput is one agenda item as entered. ID keeps an existing item
// (and what refers to it) when the agenda is edited.
type AgendaInput struct {
	ID            int64
	Topic         string
	PresenterID   int64
	PresenterName string
	Minutes       int
	Notes         string
}

// AttendeeInput asks a user, or an outside guest by name, to the meeting.
type AttendeeInput struct {
	Kind       string
	UserID     int64
	GuestName  string
	GuestOrg   string
	GuestTitle string
	GuestEmail string // where an outside guest gets the notice with the invitation
}

// Input is what creating or editing a meeting takes.
type Input struct {
	Type         string
	Title        string
	Purpose      string
	ClientOrgID  int64
	ClientName   string
	HostID       int64
	RecorderID   int64
	LeaderID     int64 // supervising leader who approves; 0 = the convener's department manager
	SupervisorID int64 // named supervisor of the resolutions, optional
	StartAt      time.Time
	EndAt        time.Time
	Place        string // where, when not in one of the company's rooms
	VenueID      int64  // the room to book through the booking module
	Layout       string // the room's layout asked for
	Equipment    []string
	BookingID    int64 // a booking of the user's own to hold the meeting
	Level        string
	TemplateID   int64
	// TemplateFilled says the template already filled the agenda and
	// attendees given (a form the user then edited): it is recorded, not
	// applied again.
	TemplateFilled bool
	Agenda         []AgendaInput
	Attendees      []AttendeeInput
	CC             []int64
}

func (in *Input) validate(ctx context.Context, q store.Querier, convener int64) error {
	var l errs.List
	if !ValidType(in.Type) {
		l.Add("type", "err.meeting.type")
	}
	in.Title = text(&l, "title", in.Title, true, MaxTitle)
	in.Purpose = text(&l, "purpose", in.Purpose, false, MaxText)
	in.ClientName = namecheck.Check(&l, "client_name", in.ClientName, false, MaxName)
	in.Place = text(&l, "place", in.Place, false, MaxName)
	if in.ClientOrgID < 0 {
		l.Add("client_org_id", "err.invalid")
	}
	if in.ClientOrgID > 0 {
		var name string
		err := q.QueryRow(ctx, `SELECT name FROM client_orgs WHERE id = ? AND merged_into IS NULL`, in.ClientOrgID).Scan(&name)
		switch {
		case store.IsNoRows(err):
			l.Add("client_org_id", "err.meeting.unknown_client")
		case err != nil:
			return fmt.Errorf("check client %d: %w", in.ClientOrgID, err)
		default:
			in.ClientName = name // the register's name, not a copy typed again
		}
	}
	if in.BookingID < 0 {
		l.Add("booking_id", "err.invalid")
	}
	if in.Type != TypeInternal && in.Type != "" && in.ClientOrgID == 0 && in.ClientName == "" {
		l.Add("client_name", "err.meeting.client_required")
	}
	if in.Level == "" {
		in.Level = access.Internal
	}
	if !access.ValidLevel(in.Level) {
		l.Add("level", "err.invalid")
	}
	switch {
	case in.StartAt.IsZero():
		l.Add("start_at", "err.required")
	case in.EndAt.IsZero():
		l.Add("end_at", "err.required")
	case !in.EndAt.After(in.StartAt):
		l.Add("end_at", "err.meeting.end_before_start")
	case in.EndAt.Sub(in.StartAt) > MaxMeeting:
		l.Add("end_at", "err.meeting.too_long")
	}
	users := []struct {
		field    string
		id       int64
		required bool
	}{{"host_id", in.HostID, true}, {"recorder_id", in.RecorderID, false}, {"leader_id", in.LeaderID, false}, {"supervisor_id", in.SupervisorID, false}}
	for _, u := range users {
		if u.id == 0 {
			if u.required {
				l.Add(u.field, "err.required")
			}
			continue
		}
		ok, err := activeUser(ctx, q, u.id)
		if err != nil {
			return err
		}
		if !ok {
			l.Add(u.field, "err.meeting.unknown_user")
		}
	}
	if in.LeaderID != 0 && in.LeaderID == convener {
		l.Add("leader_id", "err.meeting.leader_self")
	}
	if len(in.Agenda) > MaxAgenda {
		l.Add("agenda", "err.meeting.too_many", "max", MaxAgenda)
	}
	for i := range in.Agenda {
		it := &in.Agenda[i]
		f := fmt.Sprintf("agenda.%d.", i)
		it.Topic = text(&l, f+"topic", it.Topic, true, MaxTitle)
		it.PresenterName = namecheck.Check(&l, f+"presenter_name", it.PresenterName, false, MaxName)
		it.Notes = text(&l, f+"notes", it.Notes, false, MaxText)
		if it.Minutes < 0 || it.Minutes > 24*60 {
			l.Add(f+"minutes", "err.meeting.minutes_range")
		}
		if it.PresenterID != 0 {
			ok, err := activeUser(ctx, q, it.PresenterID)
			if err != nil {
				return err
			}
			if !ok {
				l.Add(f+"presenter_id", "err.meeting.unknown_user")
			}
		}
	}
	if len(in.Attendees) > MaxAttendees {
		l.Add("attendees", "err.meeting.too_many", "max", MaxAttendees)
	}
	seen := map[int64]bool{}
	for i := range in.Attendees {
		at := &in.Attendees[i]
		f := fmt.Sprintf("attendees.%d.", i)
		if at.Kind == "" {
			at.Kind = KindRequired
		}
		if at.Kind != KindRequired && at.Kind != KindInvited {
			l.Add(f+"kind", "err.invalid")
		}
		at.GuestName = namecheck.Check(&l, f+"guest_name", at.GuestName, at.UserID == 0, MaxName)
		at.GuestOrg = namecheck.Check(&l, f+"guest_org", at.GuestOrg, false, MaxName)
		at.GuestTitle = text(&l, f+"guest_title", at.GuestTitle, false, MaxName)
		at.GuestEmail = strings.TrimSpace(at.GuestEmail)
		if at.GuestEmail != "" {
			if a, err := mail.ParseAddress(at.GuestEmail); err != nil || a.Address != at.GuestEmail || len(at.GuestEmail) > 254 {
				l.Add(f+"guest_email", "err.email")
			}
		}
		if at.UserID != 0 {
			at.GuestName, at.GuestOrg, at.GuestTitle, at.GuestEmail = "", "", "", ""
			if seen[at.UserID] {
				l.Add(f+"user_id", "err.meeting.duplicate_attendee")
				continue
			}
			seen[at.UserID] = true
			ok, err := activeUser(ctx, q, at.UserID)
			if err != nil {
				return err
			}
			if !ok {
				l.Add(f+"user_id", "err.meeting.unknown_user")
			}
		}
	}
	in.CC = uniq(in.CC)
	for _, d := range in.CC {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM departments WHERE id = ?`, d).Scan(&n); err != nil {
			return fmt.Errorf("check department %d: %w", d, err)
		}
		if n == 0 {
			l.Add("cc", "err.meeting.unknown_department")
			break
		}
	}
	return l.Err()
}

// Create records a meeting in draft for the actor (the convener). With a
// template and no agenda or attendees given, the template's are used.
func (s *Service) Create(ctx context.Context, a access.Actor, in Input) (Detail, error) {
	if !a.IsStaff() || a.UserID == 0 {
		return Detail{}, errs.Forbid()
	}
	now := s.now()
	var id int64
	var room roomStep
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.TemplateID != 0 {
			t, err := getTemplate(ctx, tx, in.TemplateID)
			if err != nil {
				if errs.As(err).Kind == errs.NotFound {
					return errs.Field("template_id", "err.not_found")
				}
				return err
			}
			if !in.TemplateFilled {
				t.apply(&in)
			}
		}
		if err := in.validate(ctx, tx, a.UserID); err != nil {
			return err
		}
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO meetings (type, title, purpose, client_org_id, client_name, department_id, convener_id, host_id, recorder_id, leader_id, supervisor_id,
			start_at, end_at, place, booking_id, level, status, template_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Type, in.Title, in.Purpose, store.IDOrNil(in.ClientOrgID), in.ClientName, store.IDOrNil(a.DepartmentID), a.UserID, in.HostID,
			store.IDOrNil(in.RecorderID), store.IDOrNil(in.LeaderID), store.IDOrNil(in.SupervisorID), store.Ms(in.StartAt), store.Ms(in.EndAt),
			in.Place, store.IDOrNil(in.BookingID), in.Level, StatusDraft, store.IDOrNil(in.TemplateID), store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert meeting: %w", err)
		}
		if _, err := saveAgenda(ctx, tx, id, in.Agenda); err != nil {
			return err
		}
		if _, _, err := saveAttendees(ctx, tx, now, id, in.Attendees); err != nil {
			return err
		}
		if err := saveCC(ctx, tx, id, in.CC); err != nil {
			return err
		}
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.placeRoom(ctx, tx, a, m, in, &room); err != nil {
			return err
		}
		if m, err = get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, "create", nil, m)
	})
	if err != nil {
		return Detail{}, s.refuseRoom(ctx, a, err, room)
	}
	return s.Get(ctx, a, id)
}

// Update edits a meeting that has not started. Once the notice has gone
// out, a change of time, place, agenda or attendees sends a new notice
// (004 第一章 四 2); removed attendees are told it no longer concerns them.
func (s *Service) Update(ctx context.Context, a access.Actor, id int64, in Input) (Detail, error) {
	now := s.now()
	var room roomStep
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		if !m.Editable() {
			return errs.State(m.Status, "edit")
		}
		if err := in.validate(ctx, tx, m.ConvenerID); err != nil {
			return err
		}
		before, err := loadDetail(ctx, tx, m)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE meetings SET type = ?, title = ?, purpose = ?, client_org_id = ?, client_name = ?, host_id = ?, recorder_id = ?, leader_id = ?, supervisor_id = ?,
			start_at = ?, end_at = ?, place = ?, booking_id = ?, level = ?, updated_at = ? WHERE id = ?`,
			in.Type, in.Title, in.Purpose, store.IDOrNil(in.ClientOrgID), in.ClientName, in.HostID, store.IDOrNil(in.RecorderID), store.IDOrNil(in.LeaderID),
			store.IDOrNil(in.SupervisorID), store.Ms(in.StartAt), store.Ms(in.EndAt), in.Place, store.IDOrNil(in.BookingID), in.Level, store.Ms(now), id)
		if err != nil {
			return fmt.Errorf("update meeting %d: %w", id, err)
		}
		agendaChanged, err := saveAgenda(ctx, tx, id, in.Agenda)
		if err != nil {
			return err
		}
		added, removed, err := saveAttendees(ctx, tx, now, id, in.Attendees)
		if err != nil {
			return err
		}
		if err := saveCC(ctx, tx, id, in.CC); err != nil {
			return err
		}
		if err := s.placeRoom(ctx, tx, a, m, in, &room); err != nil {
			return err
		}
		after, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "update", before.Meeting, after); err != nil {
			return err
		}
		if m.Status != StatusNotified {
			return nil
		}
		changed := agendaChanged || len(added) > 0 || len(removed) > 0 || !m.StartAt.Equal(after.StartAt) || !m.EndAt.Equal(after.EndAt) || m.Place != after.Place || m.Title != after.Title
		if len(removed) > 0 {
			if err := s.notify(ctx, tx, now, removed, "meeting.msg.uninvited", msgArgs(after, s.Loc), Link(id)); err != nil {
				return err
			}
		}
		if changed {
			return s.sendNotice(ctx, tx, now, a, after, true)
		}
		return nil
	})
	if err != nil {
		return Detail{}, s.refuseRoom(ctx, a, err, room)
	}
	return s.Get(ctx, a, id)
}

// saveAgenda replaces the agenda: items with a known ID are updated, the
// others inserted, and items no longer listed deleted. It reports whether
// anything changed.
func saveAgenda(ctx context.Context, tx *store.Tx, meetingID int64, items []AgendaInput) (bool, error) {
	old, err := loadAgenda(ctx, tx, meetingID)
	if err != nil {
		return false, err
	}
	byID := map[int64]AgendaItem{}
	for _, it := range old {
		byID[it.ID] = it
	}
	changed := len(old) != len(items)
	keep := map[int64]bool{}
	for i, it := range items {
		seq := i + 1
		if o, ok := byID[it.ID]; ok && it.ID != 0 && !keep[it.ID] {
			keep[it.ID] = true
			if o.Seq != seq || o.Topic != it.Topic || o.PresenterID != it.PresenterID || o.PresenterName != it.PresenterName || o.Minutes != it.Minutes || o.Notes != it.Notes {
				changed = true
				if _, err := tx.Exec(ctx, `UPDATE meeting_agenda_items SET seq = ?, topic = ?, presenter_id = ?, presenter_name = ?, minutes = ?, notes = ? WHERE id = ?`,
					seq, it.Topic, store.IDOrNil(it.PresenterID), it.PresenterName, it.Minutes, it.Notes, it.ID); err != nil {
					return false, fmt.Errorf("update agenda item %d: %w", it.ID, err)
				}
			}
			continue
		}
		changed = true
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_agenda_items (meeting_id, seq, topic, presenter_id, presenter_name, minutes, notes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			meetingID, seq, it.Topic, store.IDOrNil(it.PresenterID), it.PresenterName, it.Minutes, it.Notes); err != nil {
			return false, fmt.Errorf("insert agenda item: %w", err)
		}
	}
	for _, o := range old {
		if !keep[o.ID] {
			changed = true
			if _, err := tx.Exec(ctx, `DELETE FROM meeting_agenda_items WHERE id = ?`, o.ID); err != nil {
				return false, fmt.Errorf("delete agenda item %d: %w", o.ID, err)
			}
		}
	}
	return changed, nil
}

// saveAttendees makes the attendee list match: users already asked keep
// their reply, leave request and sign-in; guests are matched by name. It
// returns the users added and removed.
func saveAttendees(ctx context.Context, tx *store.Tx, now time.Time, meetingID int64, list []AttendeeInput) (added, removed []int64, err error) {
	old, err := loadAttendees(ctx, tx, meetingID)
	if err != nil {
		return nil, nil, err
	}
	keep := map[int64]bool{}
	find := func(in AttendeeInput) (Attendee, bool) {
		for _, o := range old {
			if keep[o.ID] || o.SubstituteFor != 0 {
				continue
			}
			if (in.UserID != 0 && o.UserID == in.UserID) || (in.UserID == 0 && o.UserID == 0 && o.GuestName == in.GuestName) {
				return o, true
			}
		}
		return Attendee{}, false
	}
	for _, in := range list {
		if o, ok := find(in); ok {
			keep[o.ID] = true
			if o.Kind != in.Kind || o.GuestOrg != in.GuestOrg || o.GuestTitle != in.GuestTitle || o.GuestEmail != in.GuestEmail {
				if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET kind = ?, guest_org = ?, guest_title = ?, guest_email = ? WHERE id = ?`, in.Kind, in.GuestOrg, in.GuestTitle, in.GuestEmail, o.ID); err != nil {
					return nil, nil, fmt.Errorf("update attendee %d: %w", o.ID, err)
				}
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_attendees (meeting_id, kind, user_id, guest_name, guest_org, guest_title, guest_email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			meetingID, in.Kind, store.IDOrNil(in.UserID), in.GuestName, in.GuestOrg, in.GuestTitle, in.GuestEmail, store.Ms(now)); err != nil {
			if errors.Is(store.MapError(err), store.ErrConflict) {
				return nil, nil, errs.Field("attendees", "err.meeting.duplicate_attendee")
			}
			return nil, nil, fmt.Errorf("insert attendee: %w", err)
		}
		added = append(added, in.UserID)
	}
	for _, o := range old {
		if keep[o.ID] {
			continue
		}
		if o.SubstituteFor != 0 && keep[o.SubstituteFor] {
			continue // a substitute stays while the person they stand in for does
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET substitute_for = NULL WHERE substitute_for = ?`, o.ID); err != nil {
			return nil, nil, fmt.Errorf("detach substitutes of attendee %d: %w", o.ID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM meeting_attendees WHERE id = ?`, o.ID); err != nil {
			return nil, nil, fmt.Errorf("delete attendee %d: %w", o.ID, err)
		}
		removed = append(removed, o.UserID)
	}
	return uniq(added), uniq(removed), nil
}

func saveCC(ctx context.Context, tx *store.Tx, meetingID int64, depts []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM meeting_cc_departments WHERE meeting_id = ?`, meetingID); err != nil {
		return fmt.Errorf("clear cc departments: %w", err)
	}
	for _, d := range depts {
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_cc_departments (meeting_id, department_id) VALUES (?, ?)`, meetingID, d); err != nil {
			return fmt.Errorf("insert cc department %d: %w", d, err)
		}
	}
	return nil
}

// Get returns a meeting with its agenda, attendees and minutes status, if
// the actor may read it; reads of confidential meetings are logged.
func (s *Service) Get(ctx context.Context, a access.Actor, id int64) (Detail, error) {
	return s.GetVia(ctx, a, id, "page")
}

// GetVia is Get naming the route of the read for the log (page, api, ics…).
func (s *Service) GetVia(ctx context.Context, a access.Actor, id int64, via string) (Detail, error) {
	m, err := s.viewable(ctx, a, id, via)
	if err != nil {
		return Detail{}, err
	}
	d, err := loadDetail(ctx, s.DB, m)
	if err != nil {
		return Detail{}, err
	}
	d.Can = s.can(ctx, a, d)
	return d, nil
}

// can lists the actions the actor may take on the meeting now, for pages.
func (s *Service) can(ctx context.Context, a access.Actor, d Detail) map[string]bool {
	m := d.Meeting
	c := map[string]bool{}
	mg := canManage(a, m)
	c["edit"] = mg && m.Editable()
	c["submit"] = isConvener(a, m) || a.Has(access.Admin)
	c["submit"] = c["submit"] && (m.Status == StatusDraft || m.Status == StatusReturned)
	if m.Status == StatusRequested && m.ApprovalChainID != 0 {
		if ch, err := approval.GetByID(ctx, s.DB, m.ApprovalChainID); err == nil {
			c["decide"] = approval.CanDecide(a, ch)
		}
	}
	c["notice"] = mg && (m.Status == StatusApproved || m.Status == StatusNotified)
	c["cancel"] = mg && (m.Status == StatusDraft || m.Status == StatusReturned || m.Status == StatusRequested || m.Status == StatusApproved || m.Status == StatusNotified)
	c["start"] = mg && m.Status == StatusNotified
	if c["start"] {
		cfg, err := LoadConfig(ctx, s.DB)
		from, to := cfg.StartWindow(m)
		c["start"] = err == nil && !s.now().Before(from) && s.now().Before(to)
	}
	c["end"] = mg && m.Status == StatusInProgress
	c["signin"] = canSignIn(a, m) && (m.Status == StatusNotified || m.Status == StatusInProgress) && !s.now().Before(m.StartAt.Add(-SignInWindow))
	c["notes"] = canRecord(a, m) && (m.Status == StatusInProgress || m.Status == StatusEnded)
	if at, ok := d.Attendee(a.UserID); ok && m.Editable() && m.Status != StatusDraft {
		c["reply"] = at.LeaveStatus != LeaveApproved
		c["leave"] = at.LeaveStatus == "" || at.LeaveStatus == LeaveRejected
		c["withdraw_leave"] = leaveOpen(m) && (at.LeaveStatus == LeavePending || at.LeaveStatus == LeaveApproved)
	}
	c["decide_leave"] = mg
	c["self_signin"] = false
	if at, ok := d.Attendee(a.UserID); ok && (m.Status == StatusNotified || m.Status == StatusInProgress) && at.SignedInAt.IsZero() && at.LeaveStatus != LeaveApproved &&
		!s.now().Before(m.StartAt.Add(-SignInWindow)) {
		c["self_signin"] = true
	}
	if d.Minutes != nil {
		mn := d.Minutes
		rec := canRecord(a, m)
		c["minutes_edit"] = rec && (mn.Status == MinutesDraft || mn.Status == MinutesReturned)
		c["minutes_submit"] = c["minutes_edit"]
		c["minutes_approve"] = (isHost(a, m) || a.Has(access.Admin)) && mn.Status == MinutesSubmitted
		c["minutes_distribute"] = mg && mn.Status == MinutesApproved
		c["actions_edit"] = rec && m.Status == StatusEnded
	}
	if feedbackOpen(m) {
		c["feedback"], _ = canGiveFeedback(ctx, s.DB, a, m)
		c["feedback_read"] = canManage(a, m)
	}
	c["materials"] = canRecord(a, m) && m.Open()
	c["audit"] = a.Has(access.Admin, access.Audit, access.Executive)
	return c
}

// Submit sends the convening request to the supervising leader
// (004 第一章 四 1: 由相关部门提出申请，报请主管领导批准).
func (s *Service) Submit(ctx context.Context, a access.Actor, id int64) (Detail, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !isConvener(a, m) && !a.Has(access.Admin) {
			return errs.Forbid()
		}
		if m.Status != StatusDraft && m.Status != StatusReturned {
			return errs.State(m.Status, "submit")
		}
		agenda, err := loadAgenda(ctx, tx, id)
		if err != nil {
			return err
		}
		var l errs.List
		if len(agenda) == 0 {
			l.Add("agenda", "err.meeting.agenda_required")
		}
		if !m.StartAt.After(now) {
			l.Add("start_at", "err.meeting.in_past")
		}
		if err := l.Err(); err != nil {
			return err
		}
		title := redacted(m.Title, m.Level, m.ID)
		var ch approval.Chain
		if m.Status == StatusReturned && m.ApprovalChainID != 0 {
			ch, err = approval.Restart(ctx, tx, now, a, m.ApprovalChainID, "")
		} else {
			step := approval.StepSpec{Manager: true}
			if m.LeaderID != 0 {
				step = approval.StepSpec{UserID: m.LeaderID}
			}
			requester := a
			if requester.UserID != m.ConvenerID {
				requester = access.Actor{UserID: m.ConvenerID, System: true, Username: a.Username}
			}
			ch, err = approval.Start(ctx, tx, now, requester, EntityMeeting, id, title, Link(id), []approval.StepSpec{step}, func(ctx context.Context, uid int64) (int64, error) {
				return managerOf(ctx, tx, uid)
			})
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET status = ?, approval_chain_id = ?, updated_at = ? WHERE id = ? AND status = ?`, StatusRequested, ch.ID, store.Ms(now), id, m.Status); err != nil {
			return fmt.Errorf("mark meeting %d requested: %w", id, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "submit", map[string]any{"status": m.Status}, map[string]any{"status": StatusRequested, "chain": ch.ID}); err != nil {
			return err
		}
		if st, ok := ch.Current(); ok {
			reviewers := []int64{st.UserID}
			if st.UserID == 0 {
				if reviewers, err = usersWithRole(ctx, tx, st.Role); err != nil {
					return err
				}
			}
			return s.notify(ctx, tx, now, reviewers, "meeting.msg.approve_request", msgArgs(m, s.Loc), Link(id))
		}
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// Decide records the supervising leader's decision on the convening
// request: approve, reject or return (with a comment).
func (s *Service) Decide(ctx context.Context, a access.Actor, id int64, action, comment string) (Detail, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := admitted(ctx, tx, a, m, m.Level); err != nil || !ok {
			if err != nil {
				return err
			}
			return errs.Forbid()
		}
		if m.Status != StatusRequested || m.ApprovalChainID == 0 {
			return errs.State(m.Status, action)
		}
		ch, err := approval.Decide(ctx, tx, now, a, m.ApprovalChainID, action, comment)
		if err != nil {
			return err
		}
		status := m.Status
		key := ""
		switch ch.Status {
		case approval.StatusApproved:
			status, key = StatusApproved, "meeting.msg.request_approved"
		case approval.StatusRejected:
			status, key = StatusRejected, "meeting.msg.request_rejected"
		case approval.StatusReturned:
			status, key = StatusReturned, "meeting.msg.request_returned"
		}
		if status == m.Status {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET status = ?, updated_at = ? WHERE id = ?`, status, store.Ms(now), id); err != nil {
			return fmt.Errorf("update meeting %d after decision: %w", id, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "decide", map[string]any{"status": m.Status}, map[string]any{"status": status, "comment": strings.TrimSpace(comment)}); err != nil {
			return err
		}
		if status == StatusRejected {
			if err := s.releaseRoom(ctx, tx, a, m, strings.TrimSpace(comment)); err != nil {
				return err
			}
		}
		args := msgArgs(m, s.Loc)
		args["comment"] = strings.TrimSpace(comment)
		return s.notify(ctx, tx, now, []int64{m.ConvenerID, m.HostID}, key, args, Link(id))
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// Cancel calls the meeting off before it starts; attendees who had the
// notice get a cancellation (and the calendar entry is withdrawn).
func (s *Service) Cancel(ctx context.Context, a access.Actor, id int64, reason string) (Detail, error) {
	now := s.now()
	reason = strings.TrimSpace(reason)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		if !m.Editable() {
			return errs.State(m.Status, "cancel")
		}
		var l errs.List
		reason = text(&l, "reason", reason, true, MaxText)
		if err := l.Err(); err != nil {
			return err
		}
		if m.ApprovalChainID != 0 && (m.Status == StatusRequested || m.Status == StatusReturned) {
			sys := access.Actor{UserID: a.UserID, Username: a.Username, System: true}
			if _, err := approval.Cancel(ctx, tx, now, sys, m.ApprovalChainID, reason); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET status = ?, cancel_reason = ?, notice_seq = notice_seq + 1, updated_at = ? WHERE id = ?`, StatusCancelled, reason, store.Ms(now), id); err != nil {
			return fmt.Errorf("cancel meeting %d: %w", id, err)
		}
		if err := s.releaseRoom(ctx, tx, a, m, reason); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "cancel", map[string]any{"status": m.Status}, map[string]any{"status": StatusCancelled, "reason": reason}); err != nil {
			return err
		}
		if m.Status != StatusNotified {
			return nil
		}
		users, err := noticeUsers(ctx, tx, m)
		if err != nil {
			return err
		}
		args := msgArgs(m, s.Loc)
		args["reason"] = reason
		if err := s.notify(ctx, tx, now, users, "meeting.msg.cancelled", args, Link(id)); err != nil {
			return err
		}
		return s.mailGuests(ctx, tx, now, a, id, "meeting.msg.guest_cancelled")
	})
	if err != nil {
		return Detail{}, err
	}
	return s.GetVia(ctx, a, id, "page")
}

// Start opens the meeting (the host's opening, 004 第二章 二 2), only
// within its start window: from the configured minutes before its time
// until its planned end.
func (s *Service) Start(ctx context.Context, a access.Actor, id int64) (Detail, error) {
	return s.transition(ctx, a, id, "start", []string{StatusNotified}, StatusInProgress, "started_at", func(ctx context.Context, tx *store.Tx, m Meeting) error {
		cfg, err := LoadConfig(ctx, tx)
		if err != nil {
			return err
		}
		if from, to := cfg.StartWindow(m); s.now().Before(from) || !s.now().Before(to) {
			return errs.New(errs.Conflict, "err.meeting.start_window", "from", from.In(s.Loc).Format("2006-01-02 15:04"), "to", to.In(s.Loc).Format("15:04"))
		}
		return nil
	})
}

// End closes the meeting: every attendee with an account who did not sign
// in is marked absent (or on leave, when granted); outside guests, who
// sign in at the desk if at all, are left unmarked. The minutes are opened with their 24 h and 48 h deadlines, and
// the reminders for both are scheduled.
func (s *Service) End(ctx context.Context, a access.Actor, id int64) (Detail, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		if m.Status != StatusInProgress {
			return errs.State(m.Status, "end")
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET status = ?, ended_at = ?, updated_at = ? WHERE id = ? AND status = ?`, StatusEnded, store.Ms(now), store.Ms(now), id, StatusInProgress); err != nil {
			return fmt.Errorf("end meeting %d: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET attendance = CASE WHEN leave_status = ? THEN ? ELSE ? END WHERE meeting_id = ? AND attendance = '' AND user_id IS NOT NULL`,
			LeaveApproved, AttendLeave, AttendAbsent, id); err != nil {
			return fmt.Errorf("mark absentees of meeting %d: %w", id, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "end", map[string]any{"status": m.Status}, map[string]any{"status": StatusEnded, "ended_at": now}); err != nil {
			return err
		}
		m.EndedAt = now
		return s.openMinutes(ctx, tx, now, m)
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// transition is a simple status change with a timestamp column; check
// refuses it for the meeting as it stands.
func (s *Service) transition(ctx context.Context, a access.Actor, id int64, action string, from []string, to, stampCol string, check func(context.Context, *store.Tx, Meeting) error) (Detail, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		ok := false
		for _, f := range from {
			ok = ok || m.Status == f
		}
		if !ok {
			return errs.State(m.Status, action)
		}
		if err := check(ctx, tx, m); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET status = ?, `+stampCol+` = ?, updated_at = ? WHERE id = ? AND status = ?`, to, store.Ms(now), store.Ms(now), id, m.Status); err != nil {
			return fmt.Errorf("%s meeting %d: %w", action, id, err)
		}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, action, map[string]any{"status": m.Status}, map[string]any{"status": to})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// SaveNotes keeps the host's notes taken during the meeting.
func (s *Service) SaveNotes(ctx context.Context, a access.Actor, id int64, notes string) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		if m.Status != StatusInProgress && m.Status != StatusEnded {
			return errs.State(m.Status, "notes")
		}
		var l errs.List
		notes = text(&l, "host_notes", notes, false, MaxLongText)
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET host_notes = ?, updated_at = ? WHERE id = ?`, notes, store.Ms(now), id); err != nil {
			return fmt.Errorf("save notes of meeting %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, "notes", map[string]any{"host_notes": m.HostNotes}, map[string]any{"host_notes": notes})
	})
}

// managerOf returns the manager of a user's department (0 if none).
func managerOf(ctx context.Context, q store.Querier, userID int64) (int64, error) {
	var m int64
	err := q.QueryRow(ctx, `SELECT COALESCE(d.manager_id, 0) FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ?`, userID).Scan(&m)
	if store.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("manager of user %d: %w", userID, err)
	}
	return m, nil
}

func usersWithRole(ctx context.Context, q store.Querier, role string) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.active = TRUE ORDER BY u.id`, role)
	if err != nil {
		return nil, fmt.Errorf("users with role %s: %w", role, err)
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

// msgArgs are the values every meeting message can use. Messages may leave
// the system (email, group-chat robots), so a confidential meeting's title
// is replaced by its number.
func msgArgs(m Meeting, loc *time.Location) map[string]any {
	return map[string]any{
		"title": redacted(m.Title, m.Level, m.ID),
		"time":  m.StartAt.In(loc).Format("2006-01-02 15:04") + "–" + m.EndAt.In(loc).Format("15:04"),
		"place": m.Place,
		"id":    m.ID,
	}
}

// Delete removes a draft that was never submitted; anything later is
// cancelled instead, so its history stays.
func (s *Service) Delete(ctx context.Context, a access.Actor, id int64) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !isConvener(a, m) && !a.Has(access.Admin) {
			return errs.Forbid()
		}
		if m.Status != StatusDraft || m.ApprovalChainID != 0 {
			return errs.State(m.Status, "delete")
		}
		if err := s.releaseRoom(ctx, tx, a, m, ""); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM meetings WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete meeting %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, "delete", m, nil)
	})
}

// redacted is what engines outside the meeting area (approval lists, task
// lists, messages) may show of a title: the title itself, or only the
// record's number when the level is confidential or secret, so that those
// lists never carry confidential content around the read checks.
func redacted(title, level string, id int64) string {
	if Confidential(level) {
		return fmt.Sprintf("#%d", id)
	}
	return title
}
