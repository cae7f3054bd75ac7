package meeting

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/ics"
	"jiedai/internal/store"
)

// InviteLink is where a meeting's calendar invitation is downloaded.
func InviteLink(id int64) string { return fmt.Sprintf("/meetings/%d/invite.ics", id) }

// SendNotice sends the meeting notice (time, place, agenda and the calendar
// invitation) to every attendee, the host and the recorder
// (004 第一章 四 2–3). Sending it again after a change increments the
// invitation's sequence so calendars update the entry.
func (s *Service) SendNotice(ctx context.Context, a access.Actor, id int64) (Detail, error) {
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		if m.Status != StatusApproved && m.Status != StatusNotified {
			return errs.State(m.Status, "notice")
		}
		ats, err := loadAttendees(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(ats) == 0 {
			return errs.Field("attendees", "err.meeting.attendees_required")
		}
		return s.sendNotice(ctx, tx, now, a, m, m.Status == StatusNotified)
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, a, id)
}

// sendNotice marks the meeting notified with the next notice sequence and
// tells everyone concerned; change selects the "meeting changed" wording.
func (s *Service) sendNotice(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, m Meeting, change bool) error {
	if _, err := tx.Exec(ctx, `UPDATE meetings SET status = ?, notice_seq = notice_seq + 1, noticed_at = ?, updated_at = ? WHERE id = ?`,
		StatusNotified, store.Ms(now), store.Ms(now), m.ID); err != nil {
		return fmt.Errorf("mark meeting %d notified: %w", m.ID, err)
	}
	action, key := "notice", "meeting.msg.notice"
	if change {
		action, key = "renotice", "meeting.msg.changed"
	}
	if err := audit.Record(ctx, tx, now, a, EntityMeeting, m.ID, action, map[string]any{"status": m.Status, "notice_seq": m.NoticeSeq}, map[string]any{"status": StatusNotified, "notice_seq": m.NoticeSeq + 1}); err != nil {
		return err
	}
	users, err := noticeUsers(ctx, tx, m)
	if err != nil {
		return err
	}
	args := msgArgs(m, s.Loc)
	if args["ics"], err = s.inviteURL(ctx, tx, m.ID); err != nil {
		return err
	}
	if err := s.notify(ctx, tx, now, users, key, args, Link(m.ID)); err != nil {
		return err
	}
	guestKey := "meeting.msg.guest_notice"
	if change {
		guestKey = "meeting.msg.guest_changed"
	}
	return s.mailGuests(ctx, tx, now, a, m.ID, guestKey)
}

// mailGuests e-mails each outside guest with an address the notice (key)
// with the meeting's calendar invitation attached (iTIP REQUEST, or
// CANCEL once called off), and logs to whom it went.
func (s *Service) mailGuests(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, id int64, key string) error {
	if s.Mail == nil {
		return nil
	}
	m, err := get(ctx, tx, id)
	if err != nil {
		return err
	}
	ats, err := loadAttendees(ctx, tx, id)
	if err != nil {
		return err
	}
	var to []string
	for _, at := range ats {
		if at.IsGuest() && at.GuestEmail != "" && (m.Status == StatusCancelled || at.Reply != ReplyDeclined) {
			to = append(to, at.GuestEmail)
		}
	}
	if len(to) == 0 {
		return nil
	}
	cal, err := s.calendar(ctx, tx, m)
	if err != nil {
		return err
	}
	method := ics.MethodRequest
	if m.Status == StatusCancelled {
		method = ics.MethodCancel
	}
	host, _, err := userAddress(ctx, tx, m.HostID)
	if err != nil {
		return fmt.Errorf("host of meeting %d: %w", id, err)
	}
	args := msgArgs(m, s.Loc)
	args["host"] = host
	args["reason"] = m.CancelReason
	file := InviteFile{Name: "invite.ics", ContentType: "text/calendar; charset=utf-8; method=" + method, Data: cal}
	var sent []string
	for _, addr := range to {
		ok, err := s.Mail(ctx, tx, now, addr, key, args, file)
		if err != nil {
			return fmt.Errorf("mail guest of meeting %d: %w", id, err)
		}
		if ok {
			sent = append(sent, addr)
		}
	}
	if len(sent) == 0 {
		return nil
	}
	return audit.Record(ctx, tx, now, a, EntityMeeting, id, "mail_guests", nil, map[string]any{"key": key, "to": sent})
}

// noticeUsers are the users a notice goes to: attendees (not those on
// approved leave) and their substitutes, the host and the recorder.
func noticeUsers(ctx context.Context, q store.Querier, m Meeting) ([]int64, error) {
	return attendeeUsers(ctx, q, m, false)
}

// attendeeUsers are the host, the recorder and every attendee user
// (those on approved leave only when withLeave).
func attendeeUsers(ctx context.Context, q store.Querier, m Meeting, withLeave bool) ([]int64, error) {
	ats, err := loadAttendees(ctx, q, m.ID)
	if err != nil {
		return nil, err
	}
	out := []int64{m.HostID, m.RecorderID}
	for _, at := range ats {
		if withLeave || at.LeaveStatus != LeaveApproved {
			out = append(out, at.UserID)
		}
	}
	return uniq(out), nil
}

// Invite returns the meeting's calendar invitation (iTIP REQUEST, or
// CANCEL once called off) for the actor, who must be admitted to read the
// meeting; reads of confidential meetings are logged with route "ics".
func (s *Service) Invite(ctx context.Context, a access.Actor, id int64) ([]byte, error) {
	m, err := s.viewable(ctx, a, id, "ics")
	if err != nil {
		return nil, err
	}
	if m.Status == StatusDraft || m.Status == StatusRequested || m.Status == StatusReturned || m.Status == StatusRejected {
		return nil, errs.New(errs.Conflict, "err.meeting.no_invite_yet")
	}
	return s.calendar(ctx, s.DB, m)
}

// calendar writes meeting m's invitation: REQUEST, or CANCEL once called
// off, naming the organizer and every attendee (read through q, so that
// it can be written inside the transaction that sends it).
func (s *Service) calendar(ctx context.Context, q store.Querier, m Meeting) ([]byte, error) {
	id := m.ID
	ev, err := s.calendarEvent(ctx, q, m)
	if err != nil {
		return nil, err
	}
	if ev.Organizer, err = organizer(ctx, q, m); err != nil {
		return nil, err
	}
	if ev.Attendees, err = inviteAttendees(ctx, q, m); err != nil {
		return nil, err
	}
	method := ics.MethodRequest
	if m.Status == StatusCancelled {
		method = ics.MethodCancel
	}
	var b bytes.Buffer
	if err := ics.WriteInvite(&b, ics.Calendar{TZID: s.Loc.String(), Events: []ics.Event{ev}}, method); err != nil {
		return nil, fmt.Errorf("write invitation of meeting %d: %w", id, err)
	}
	return b.Bytes(), nil
}

// organizer is the host's name and address for the invitation, or the
// site's no-reply address when the host has none.
func organizer(ctx context.Context, q store.Querier, m Meeting) (string, error) {
	name, email, err := userAddress(ctx, q, m.HostID)
	if err != nil {
		return "", fmt.Errorf("host of meeting %d: %w", m.ID, err)
	}
	if !strings.Contains(email, "@") {
		email = "noreply@jiedai.invalid"
	}
	name = strings.NewReplacer(`"`, "", "<", "", ">", "", "\r", "", "\n", "").Replace(name)
	return fmt.Sprintf("%q <%s>", name, email), nil
}

// userAddress is a user's display name and e-mail address.
func userAddress(ctx context.Context, q store.Querier, id int64) (name, email string, err error) {
	err = q.QueryRow(ctx, `SELECT CASE WHEN display_name = '' THEN username ELSE display_name END, email FROM users WHERE id = ?`, id).Scan(&name, &email)
	return name, email, err
}

// inviteAttendees names everyone the invitation goes to (RFC 5546 needs
// every attendee of a REQUEST): the host, the recorder and each attendee
// with their reply as participation status (declined or on approved leave:
// DECLINED). People without an e-mail address, outside guests included,
// get a placeholder address under the reserved domain .invalid.
func inviteAttendees(ctx context.Context, q store.Querier, m Meeting) ([]ics.Attendee, error) {
	ats, err := loadAttendees(ctx, q, m.ID)
	if err != nil {
		return nil, err
	}
	var out []ics.Attendee
	seen := map[int64]bool{}
	user := func(id int64, part string, optional bool) error {
		if id == 0 || seen[id] {
			return nil
		}
		seen[id] = true
		name, email, err := userAddress(ctx, q, id)
		if err != nil {
			return fmt.Errorf("attendee user %d of meeting %d: %w", id, m.ID, err)
		}
		if _, err := mail.ParseAddress(email); err != nil {
			email = fmt.Sprintf("user-%d@jiedai.invalid", id)
		}
		out = append(out, ics.Attendee{Name: name, Address: email, PartStat: part, Optional: optional})
		return nil
	}
	if err := user(m.HostID, ics.PartAccepted, false); err != nil {
		return nil, err
	}
	for _, at := range ats {
		part := ics.PartNeedsAction
		switch {
		case at.LeaveStatus == LeaveApproved || at.Reply == ReplyDeclined:
			part = ics.PartDeclined
		case at.Reply == ReplyAccepted:
			part = ics.PartAccepted
		}
		optional := at.Kind != KindRequired
		if at.IsGuest() {
			addr := at.GuestEmail
			if addr == "" {
				addr = fmt.Sprintf("guest-%d@jiedai.invalid", at.ID)
			}
			out = append(out, ics.Attendee{Name: at.GuestName, Address: addr, PartStat: part, Optional: optional})
			continue
		}
		if err := user(at.UserID, part, optional); err != nil {
			return nil, err
		}
	}
	if err := user(m.RecorderID, ics.PartNeedsAction, false); err != nil {
		return nil, err
	}
	return out, nil
}
