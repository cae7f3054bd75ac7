package meeting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// myAttendee finds the actor's own attendee row.
func myAttendee(ctx context.Context, q store.Querier, meetingID, userID int64) (Attendee, error) {
	if userID == 0 {
		return Attendee{}, errs.Forbid()
	}
	at, err := scanAttendee(q.QueryRow(ctx, `SELECT `+attendeeCols+` FROM meeting_attendees WHERE meeting_id = ? AND user_id = ?`, meetingID, userID))
	if err != nil {
		if store.IsNoRows(err) {
			return Attendee{}, errs.New(errs.Forbidden, "err.meeting.not_attendee")
		}
		return Attendee{}, fmt.Errorf("find attendee: %w", err)
	}
	return at, nil
}

// Reply records the actor's answer to the notice (accept or decline, with
// a note). Declining a required meeting needs a leave request instead.
func (s *Service) Reply(ctx context.Context, a access.Actor, id int64, reply, note string) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		at, err := myAttendee(ctx, tx, id, a.UserID)
		if err != nil {
			return err
		}
		if m.Status != StatusNotified && m.Status != StatusApproved {
			return errs.State(m.Status, "reply")
		}
		var l errs.List
		if reply != ReplyAccepted && reply != ReplyDeclined {
			l.Add("reply", "err.invalid")
		}
		note = text(&l, "note", note, false, MaxText)
		if reply == ReplyDeclined && at.Kind == KindRequired {
			l.Add("reply", "err.meeting.required_needs_leave")
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET reply = ?, reply_note = ?, replied_at = ? WHERE id = ?`, reply, note, store.Ms(now), at.ID); err != nil {
			return fmt.Errorf("save reply: %w", err)
		}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, "reply", map[string]any{"attendee": at.ID, "reply": at.Reply}, map[string]any{"attendee": at.ID, "reply": reply, "note": note})
	})
}

// RequestLeave asks the convener for leave from the meeting with a reason
// and, optionally, a substitute (004 第一章 五 3).
func (s *Service) RequestLeave(ctx context.Context, a access.Actor, id int64, reason string, substituteID int64) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, at, err := myLeave(ctx, tx, a, id, "leave")
		if err != nil {
			return err
		}
		if at.LeaveStatus == LeavePending || at.LeaveStatus == LeaveApproved {
			return errs.New(errs.Conflict, "err.meeting.leave_exists")
		}
		var l errs.List
		reason = text(&l, "reason", reason, true, MaxText)
		if substituteID != 0 {
			if substituteID == a.UserID {
				l.Add("substitute_id", "err.meeting.substitute_self")
			} else if ok, err := activeUser(ctx, tx, substituteID); err != nil {
				return err
			} else if !ok {
				l.Add("substitute_id", "err.meeting.unknown_user")
			} else {
				var n int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_attendees WHERE meeting_id = ? AND user_id = ?`, id, substituteID).Scan(&n); err != nil {
					return fmt.Errorf("check substitute: %w", err)
				}
				if n > 0 {
					l.Add("substitute_id", "err.meeting.substitute_attending")
				}
			}
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET leave_status = ?, leave_reason = ?, leave_substitute_id = ?, leave_requested_at = ?, leave_decided_by = NULL, leave_decided_at = NULL, leave_comment = '' WHERE id = ?`,
			LeavePending, reason, store.IDOrNil(substituteID), store.Ms(now), at.ID); err != nil {
			return fmt.Errorf("save leave request: %w", err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "leave_request", nil, map[string]any{"attendee": at.ID, "reason": reason, "substitute": substituteID}); err != nil {
			return err
		}
		args := msgArgs(m, s.Loc)
		args["name"] = a.Name
		return s.notify(ctx, tx, now, []int64{m.ConvenerID}, "meeting.msg.leave_requested", args, Link(id))
	})
}

// DecideLeave lets the convener (or host) approve or refuse a leave
// request. An approved substitute joins the meeting in the same kind and
// receives the notice.
func (s *Service) DecideLeave(ctx context.Context, a access.Actor, id, attendeeID int64, approve bool, comment string) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		at, err := getAttendee(ctx, tx, id, attendeeID)
		if err != nil {
			return err
		}
		if at.LeaveStatus != LeavePending {
			return errs.State(at.LeaveStatus, "decide_leave")
		}
		var l errs.List
		comment = text(&l, "comment", comment, !approve, MaxText)
		if err := l.Err(); err != nil {
			return err
		}
		status := LeaveRejected
		if approve {
			status = LeaveApproved
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET leave_status = ?, leave_decided_by = ?, leave_decided_at = ?, leave_comment = ? WHERE id = ?`,
			status, a.UserID, store.Ms(now), comment, at.ID); err != nil {
			return fmt.Errorf("decide leave: %w", err)
		}
		if approve && at.LeaveSubstituteID != 0 {
			_, err := tx.Exec(ctx, `INSERT INTO meeting_attendees (meeting_id, kind, user_id, substitute_for, created_at) VALUES (?, ?, ?, ?, ?)`,
				id, at.Kind, at.LeaveSubstituteID, at.ID, store.Ms(now))
			if errors.Is(store.MapError(err), store.ErrConflict) {
				return errs.Field("substitute_id", "err.meeting.substitute_attending")
			}
			if err != nil {
				return fmt.Errorf("add substitute: %w", err)
			}
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "leave_decide", map[string]any{"attendee": at.ID, "leave": at.LeaveStatus}, map[string]any{"attendee": at.ID, "leave": status, "comment": comment}); err != nil {
			return err
		}
		args := msgArgs(m, s.Loc)
		args["comment"] = comment
		key := "meeting.msg.leave_rejected"
		if approve {
			key = "meeting.msg.leave_approved"
		}
		if err := s.notify(ctx, tx, now, []int64{at.UserID}, key, args, Link(id)); err != nil {
			return err
		}
		if approve && at.LeaveSubstituteID != 0 && (m.Status == StatusNotified) {
			args := msgArgs(m, s.Loc)
			link, err := s.inviteURL(ctx, tx, id)
			if err != nil {
				return err
			}
			args["ics"] = link
			return s.notify(ctx, tx, now, []int64{at.LeaveSubstituteID}, "meeting.msg.substitute", args, Link(id))
		}
		return nil
	})
}

// leaveOpen reports whether leave may still be asked for or withdrawn.
func leaveOpen(m Meeting) bool {
	return m.Status == StatusApproved || m.Status == StatusNotified || m.Status == StatusRequested
}

// myLeave loads the meeting and the actor's attendee row for asking or
// withdrawing leave, refusing when the meeting no longer takes either.
func myLeave(ctx context.Context, tx *store.Tx, a access.Actor, id int64, action string) (Meeting, Attendee, error) {
	m, err := get(ctx, tx, id)
	if err != nil {
		return Meeting{}, Attendee{}, err
	}
	at, err := myAttendee(ctx, tx, id, a.UserID)
	if err != nil {
		return Meeting{}, Attendee{}, err
	}
	if !leaveOpen(m) {
		return Meeting{}, Attendee{}, errs.State(m.Status, action)
	}
	return m, at, nil
}

// WithdrawLeave takes back the actor's own leave request, pending or
// granted, before the meeting starts: the attendee is expected again, and
// a substitute who stood in under a granted leave leaves the meeting (and
// with it the access it gave) unless they have signed in already.
func (s *Service) WithdrawLeave(ctx context.Context, a access.Actor, id int64) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, at, err := myLeave(ctx, tx, a, id, "withdraw_leave")
		if err != nil {
			return err
		}
		if at.LeaveStatus != LeavePending && at.LeaveStatus != LeaveApproved {
			return errs.State(at.LeaveStatus, "withdraw_leave")
		}
		ats, err := loadAttendees(ctx, tx, id)
		if err != nil {
			return err
		}
		var subs []int64
		for _, x := range ats {
			if x.SubstituteFor != at.ID {
				continue
			}
			if !x.SignedInAt.IsZero() {
				return errs.New(errs.Conflict, "err.meeting.substitute_signed_in")
			}
			if _, err := tx.Exec(ctx, `DELETE FROM meeting_attendees WHERE id = ?`, x.ID); err != nil {
				return fmt.Errorf("remove substitute %d of attendee %d: %w", x.ID, at.ID, err)
			}
			subs = append(subs, x.UserID)
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET leave_status = '', leave_reason = '', leave_requested_at = NULL, leave_substitute_id = NULL, leave_decided_by = NULL, leave_decided_at = NULL, leave_comment = '' WHERE id = ?`, at.ID); err != nil {
			return fmt.Errorf("withdraw leave of attendee %d: %w", at.ID, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityMeeting, id, "leave_withdraw", map[string]any{"attendee": at.ID, "leave": at.LeaveStatus, "reason": at.LeaveReason, "substitute": at.LeaveSubstituteID}, map[string]any{"attendee": at.ID, "leave": ""}); err != nil {
			return err
		}
		args := msgArgs(m, s.Loc)
		args["name"] = a.Name
		if err := s.notify(ctx, tx, now, []int64{m.ConvenerID}, "meeting.msg.leave_withdrawn", args, Link(id)); err != nil {
			return err
		}
		if len(subs) == 0 {
			return nil
		}
		return s.notify(ctx, tx, now, subs, "meeting.msg.substitute_released", args, "")
	})
}

// SignInWindow is how early before the start sign-in opens.
const SignInWindow = time.Hour

// SignIn records an attendee's arrival (004 第二章 二 1): on time when at or
// before the start, late after it. Staff at the desk and the recorder sign
// anyone in; attendees may sign themselves in (attendeeID 0).
func (s *Service) SignIn(ctx context.Context, a access.Actor, id, attendeeID int64) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		var at Attendee
		if attendeeID == 0 {
			if at, err = myAttendee(ctx, tx, id, a.UserID); err != nil {
				return err
			}
		} else {
			if !canSignIn(a, m) {
				if mine, err := myAttendee(ctx, tx, id, a.UserID); err != nil || mine.ID != attendeeID {
					return errs.Forbid()
				}
			}
			if at, err = getAttendee(ctx, tx, id, attendeeID); err != nil {
				return err
			}
		}
		if m.Status != StatusNotified && m.Status != StatusInProgress {
			return errs.State(m.Status, "sign_in")
		}
		if now.Before(m.StartAt.Add(-SignInWindow)) {
			return errs.New(errs.Conflict, "err.meeting.signin_not_open")
		}
		if !at.SignedInAt.IsZero() {
			return errs.New(errs.Conflict, "err.meeting.signed_in")
		}
		attendance := AttendOnTime
		if now.After(m.StartAt) {
			attendance = AttendLate
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET attendance = ?, signed_in_at = ? WHERE id = ? AND signed_in_at IS NULL`, attendance, store.Ms(now), at.ID); err != nil {
			return fmt.Errorf("sign in attendee %d: %w", at.ID, err)
		}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, "sign_in", nil, map[string]any{"attendee": at.ID, "attendance": attendance})
	})
}

// MarkAbsent records an attendee as absent (or on leave, when their leave
// was approved) before the meeting ends, e.g. to correct a sign-in.
func (s *Service) MarkAbsent(ctx context.Context, a access.Actor, id, attendeeID int64) error {
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
			return errs.State(m.Status, "mark_absent")
		}
		at, err := getAttendee(ctx, tx, id, attendeeID)
		if err != nil {
			return err
		}
		attendance := AttendAbsent
		if at.LeaveStatus == LeaveApproved {
			attendance = AttendLeave
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_attendees SET attendance = ?, signed_in_at = NULL WHERE id = ?`, attendance, at.ID); err != nil {
			return fmt.Errorf("mark attendee %d absent: %w", at.ID, err)
		}
		return audit.Record(ctx, tx, now, a, EntityMeeting, id, "mark_absent", map[string]any{"attendee": at.ID, "attendance": at.Attendance}, map[string]any{"attendee": at.ID, "attendance": attendance})
	})
}

// DisplayName is how an attendee is shown: the user's name, or the guest's
// name with organisation and title.
func (d Detail) DisplayName(at Attendee) string {
	if at.UserID != 0 {
		return d.Names[at.UserID]
	}
	parts := []string{at.GuestName}
	if at.GuestOrg != "" || at.GuestTitle != "" {
		parts = append(parts, "（"+strings.TrimSpace(at.GuestOrg+" "+at.GuestTitle)+"）")
	}
	return strings.Join(parts, "")
}
