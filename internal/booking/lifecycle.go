package booking

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/jobs"
	"jiedai/internal/money"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// Notifier delivers a message (catalogue key and values) to users inside
// the caller's transaction. The booking service works without one.
type Notifier func(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error

func (s *Service) notify(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error {
	if s.Notify == nil || len(userIDs) == 0 {
		return nil
	}
	return s.Notify(ctx, q, now, userIDs, key, args, link)
}

// recipients are the people told about a booking's fate: its requester.
// Client users of the organisation are added by clientUsers.
func recipients(b Booking) []int64 {
	if b.RequestedBy == 0 {
		return nil
	}
	return []int64{b.RequestedBy}
}

// tellOwners notifies the requester and the client organisation's users.
// extra holds more message values as name, value pairs (the reason of a
// rejection).
func (s *Service) tellOwners(ctx context.Context, q store.Querier, now time.Time, b Booking, key string, extra ...any) error {
	ids := recipients(b)
	if b.OrgID != 0 {
		rows, err := q.Query(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.org_id = ? AND r.role = ? AND u.active`, b.OrgID, access.Client)
		if err != nil {
			return fmt.Errorf("client users: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		rows.Close()
	}
	args := map[string]any{"title": b.Title, "venue": b.VenueName, "start": s.fmt(b.Start)}
	for i := 0; i+1 < len(extra); i += 2 {
		args[fmt.Sprint(extra[i])] = extra[i+1]
	}
	return s.notify(ctx, q, now, ids, key, args, link(b.ID))
}

// officeUsers returns the active holders of the office role.
func officeUsers(ctx context.Context, q store.Querier) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.active`, access.Office)
	if err != nil {
		return nil, fmt.Errorf("office users: %w", err)
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

// stateErr refuses an action the booking's status does not allow, with
// the status and action named in the reader's language.
func stateErr(from, action string) error {
	e := errs.State(from, action)
	e.Args = map[string]any{"from": i18n.Msg{Key: "booking.status." + from}, "action": i18n.Msg{Key: "booking.action." + action}}
	return e
}

func link(id int64) string { return "/bookings/" + strconv.FormatInt(id, 10) }

func (s *Service) fmt(t time.Time) string { return t.In(s.Loc).Format("2006-01-02 15:04") }

// Actions, as named in the audit log and in errors.
const (
	ActApprove  = "approve"
	ActReject   = "reject"
	ActConfirm  = "confirm"
	ActCancel   = "cancel"
	ActCheckIn  = "check_in"
	ActComplete = "complete"
	ActForfeit  = "forfeit"
	ActNoShow   = "no_show"
	ActLapse    = "lapse"
)

// allowed lists, per action, the statuses it may start from.
var allowed = map[string][]string{
	ActApprove:  {StatusPending},
	ActReject:   {StatusPending},
	ActConfirm:  {StatusApproved},
	ActCancel:   {StatusPending, StatusApproved, StatusConfirmed},
	ActCheckIn:  {StatusConfirmed},
	ActComplete: {StatusInUse, StatusConfirmed},
	ActForfeit:  {StatusApproved},
	ActNoShow:   {StatusConfirmed},
	ActLapse:    {StatusPending},
}

// CanDecide reports whether the office may still approve or reject a
// request at now: it is pending and has not started (a request not
// decided by its start lapses).
func CanDecide(b Booking, now time.Time) bool { return b.Status == StatusPending && b.Start.After(now) }

// Can reports whether the state machine allows action from status.
func Can(status, action string) bool { return slices.Contains(allowed[action], status) }

// needsReply reports whether an accepted booking waits for the client's
// confirmation: client bookings not under contract.
func needsReply(b Booking) bool { return b.Purpose == PurposeClient && !b.UnderContract }

// transition loads a booking for an action inside tx and checks the
// state machine.
func (s *Service) transition(ctx context.Context, tx *store.Tx, id int64, action string) (Booking, error) {
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return b, err
	}
	if !Can(b.Status, action) {
		return b, stateErr(b.Status, action)
	}
	return b, nil
}

// setStatus writes a new status (and whether the slot stays held), bumps
// the calendar sequence, and records the audit row.
func (s *Service) setStatus(ctx context.Context, tx *store.Tx, a access.Actor, b Booking, status, action string, now time.Time, extra string, args ...any) error {
	q := `UPDATE bookings SET status = ?, active = ?, seq = seq + 1, updated_at = ?`
	vals := []any{status, holds(status), store.Ms(now)}
	if extra != "" {
		q += ", " + extra
		vals = append(vals, args...)
	}
	vals = append(vals, b.ID, b.Status)
	res, err := tx.Exec(ctx, q+` WHERE id = ? AND status = ?`, vals...)
	if err != nil {
		return fmt.Errorf("%s booking %d: %w", action, b.ID, store.MapError(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stateErr(b.Status, action)
	}
	return audit.Record(ctx, tx, now, a, AuditEntity, b.ID, action, map[string]any{"status": b.Status}, map[string]any{"status": status})
}

// Approve accepts a pending booking (office). Internal bookings and those
// under contract are confirmed at once; other client bookings wait for the
// client's reply by the reply-by deadline, shown on the confirmation letter.
func (s *Service) Approve(ctx context.Context, a access.Actor, id int64, note string) (Booking, error) {
	if !IsOffice(a) {
		return Booking{}, s.refuse(ctx, a, id)
	}
	note, err := reason(note, false)
	if err != nil {
		return Booking{}, err
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Booking{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.transition(ctx, tx, id, ActApprove)
		if err != nil {
			return err
		}
		if !CanDecide(b, now) {
			return errs.New(errs.Conflict, "err.booking_lapsed")
		}
		if err := s.decideReview(ctx, tx, a, id, approval.Approve, note, now); err != nil {
			return err
		}
		return s.approveTx(ctx, tx, a, b, note, now, p)
	})
	if err != nil {
		return Booking{}, err
	}
	return s.load(ctx, s.DB, id)
}

func (s *Service) approveTx(ctx context.Context, tx *store.Tx, a access.Actor, b Booking, note string, now time.Time, p Policy) error {
	if !b.End.After(now) {
		return errs.New(errs.Conflict, "err.booking_over")
	}
	if !needsReply(b) {
		if err := s.setStatus(ctx, tx, a, b, StatusConfirmed, ActApprove, now, "decided_by = ?, decided_at = ?, decision_reason = ?, confirmed_at = ?, confirmed_via = ?",
			store.IDOrNil(a.UserID), store.Ms(now), note, store.Ms(now), "approval"); err != nil {
			return err
		}
		b.Status = StatusConfirmed
		if err := s.onConfirmed(ctx, tx, b, now); err != nil {
			return err
		}
		if err := s.tellOwners(ctx, tx, now, b, "booking.msg.confirmed"); err != nil {
			return err
		}
		return s.mailLetter(ctx, tx, b.ID, now)
	}
	tok, err := venue.Token()
	if err != nil {
		return err
	}
	reply := p.replyBy(now, b.Start, s.Cal.AddWorkdays, s.Loc)
	if err := s.setStatus(ctx, tx, a, b, StatusApproved, ActApprove, now, "decided_by = ?, decided_at = ?, decision_reason = ?, reply_by = ?, confirm_token = ?",
		store.IDOrNil(a.UserID), store.Ms(now), note, store.Ms(reply), tok); err != nil {
		return err
	}
	if err := jobs.Reschedule(ctx, tx, JobForfeit, jobKey(b.ID), reply, jobPayload{b.ID}); err != nil {
		return err
	}
	if err := s.tellOwners(ctx, tx, now, b, "booking.msg.approved"); err != nil {
		return err
	}
	return s.mailLetter(ctx, tx, b.ID, now)
}

// reason trims and checks a free-text reason.
func reason(s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return s, errs.Field("reason", "err.required")
	}
	if utf8.RuneCountInString(s) > 500 {
		return s, errs.Field("reason", "err.too_long", "max", 500)
	}
	return s, nil
}

// Reject refuses a pending booking with a reason (office); the slot is released.
func (s *Service) Reject(ctx context.Context, a access.Actor, id int64, why string) (Booking, error) {
	if !IsOffice(a) {
		return Booking{}, s.refuse(ctx, a, id)
	}
	why, err := reason(why, true)
	if err != nil {
		return Booking{}, err
	}
	now := s.Clock.Now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.transition(ctx, tx, id, ActReject)
		if err != nil {
			return err
		}
		if err := s.decideReview(ctx, tx, a, id, approval.Reject, why, now); err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, a, b, StatusRejected, ActReject, now, "decided_by = ?, decided_at = ?, decision_reason = ?", store.IDOrNil(a.UserID), store.Ms(now), why); err != nil {
			return err
		}
		return s.tellOwners(ctx, tx, now, b, "booking.msg.rejected_reason", "reason", why)
	})
	if err != nil {
		return Booking{}, err
	}
	return s.load(ctx, s.DB, id)
}

// Confirmation channels.
var ConfirmVias = []string{"portal", "link", "phone", "email"}

// Confirm records the client's confirmation of an accepted booking: a
// client user of the organisation (portal), the requester, or reception
// staff recording a phone or email reply. Confirming a confirmed booking
// changes nothing. After the reply-by deadline it is refused.
func (s *Service) Confirm(ctx context.Context, a access.Actor, id int64, via string) (Booking, error) {
	if !a.System && a.UserID == 0 {
		return Booking{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	if a.IsClient() {
		via = "portal"
	}
	if via == "" {
		via = "phone"
	}
	if !slices.Contains(ConfirmVias, via) {
		return Booking{}, errs.Field("via", "err.invalid")
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(a, b) && !a.Has(access.Receptionist, access.Supervisor) {
			return errs.Refuse(visible(a, b))
		}
		return s.confirmTx(ctx, tx, a, b, via)
	})
	if err != nil {
		return Booking{}, err
	}
	return s.load(ctx, s.DB, id)
}

func (s *Service) confirmTx(ctx context.Context, tx *store.Tx, a access.Actor, b Booking, via string) error {
	if b.Status == StatusConfirmed {
		return nil
	}
	if !Can(b.Status, ActConfirm) {
		return stateErr(b.Status, ActConfirm)
	}
	now := s.Clock.Now()
	if !b.ReplyBy.IsZero() && now.After(b.ReplyBy) {
		return errs.New(errs.Conflict, "err.booking_reply_expired")
	}
	if err := s.setStatus(ctx, tx, a, b, StatusConfirmed, ActConfirm, now, "confirmed_at = ?, confirmed_via = ?", store.Ms(now), via); err != nil {
		return err
	}
	b.Status = StatusConfirmed
	if err := s.onConfirmed(ctx, tx, b, now); err != nil {
		return err
	}
	ids, err := officeUsers(ctx, tx)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, now, ids, "booking.msg.client_confirmed", map[string]any{"title": b.Title, "venue": b.VenueName, "start": s.fmt(b.Start)}, link(b.ID))
}

// ByConfirmToken returns the booking a confirmation link names (no login:
// the token is the authority), for the public confirmation page.
func (s *Service) ByConfirmToken(ctx context.Context, token string) (Booking, error) {
	if len(token) < 16 {
		return Booking{}, errs.Missing()
	}
	var id int64
	if err := s.DB.QueryRow(ctx, `SELECT id FROM bookings WHERE confirm_token = ? AND confirm_token <> ''`, token).Scan(&id); err != nil {
		return Booking{}, errs.Wrap(store.MapError(err), "booking by token")
	}
	return s.load(ctx, s.DB, id)
}

// ConfirmByToken confirms through the link on the confirmation letter.
func (s *Service) ConfirmByToken(ctx context.Context, token string) (Booking, error) {
	b, err := s.ByConfirmToken(ctx, token)
	if err != nil {
		return b, err
	}
	a := access.Actor{Username: "client-link", Name: b.ContactName}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		cur, err := s.load(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		return s.confirmTx(ctx, tx, a, cur, "link")
	})
	if err != nil {
		return b, err
	}
	return s.load(ctx, s.DB, b.ID)
}

// CancelFee returns what cancelling b at now costs under policy p: for
// client bookings cancelled less than CancelFreeHours before the start, a
// percentage of the quoted charge; otherwise nothing.
func (p Policy) CancelFee(b Booking, now time.Time) int64 {
	if b.Purpose != PurposeClient || b.Status == StatusPending {
		return 0
	}
	if b.Start.Sub(now) >= time.Duration(p.CancelFreeHours)*time.Hour {
		return 0
	}
	return money.Percent(b.QuoteFen, p.CancelFeePercent)
}

// Cancel withdraws a booking ahead of its use (requester, client users of
// its organisation, office); the slot is released. A late cancellation of
// a client booking carries the policy's fee unless the office waives it.
func (s *Service) Cancel(ctx context.Context, a access.Actor, id int64, why string, waiveFee bool) (Booking, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error { return s.CancelTx(ctx, tx, a, id, why, waiveFee) })
	if err != nil {
		return Booking{}, err
	}
	return s.load(ctx, s.DB, id)
}

// CancelTx is Cancel inside the caller's transaction (a reception case
// cancelled with the meeting room it had booked).
func (s *Service) CancelTx(ctx context.Context, tx *store.Tx, a access.Actor, id int64, why string, waiveFee bool) error {
	if !a.System && a.UserID == 0 {
		return errs.New(errs.Unauthorized, "err.login_required")
	}
	why, err := reason(why, false)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, tx)
	if err != nil {
		return err
	}
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	if !canManage(a, b) {
		return errs.Refuse(visible(a, b))
	}
	if !Can(b.Status, ActCancel) {
		return stateErr(b.Status, ActCancel)
	}
	fee := p.CancelFee(b, now)
	if waiveFee && IsOffice(a) {
		fee = 0
	}
	if err := s.setStatus(ctx, tx, a, b, StatusCancelled, ActCancel, now, "cancelled_at = ?, cancel_reason = ?, cancel_fee = ?", store.Ms(now), why, fee); err != nil {
		return err
	}
	if err := s.onReleased(ctx, tx, b.ID, now, ""); err != nil {
		return err
	}
	if err := closeReview(ctx, tx, b.ID, now, why); err != nil {
		return err
	}
	if a.UserID != b.RequestedBy {
		return s.tellOwners(ctx, tx, now, b, "booking.msg.cancelled")
	}
	return nil
}

// canCheckIn reports whether the actor may check a booking in: the
// requester side, or any member of staff at the venue.
func canCheckIn(a access.Actor, b Booking) bool {
	return canManage(a, b) || a.IsStaff()
}

// CheckIn marks a confirmed booking as in use; it opens CheckInEarlyMin
// minutes before the start and closes at the end.
func (s *Service) CheckIn(ctx context.Context, a access.Actor, id int64) (Booking, error) {
	if !a.System && a.UserID == 0 {
		return Booking{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Booking{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canCheckIn(a, b) {
			return errs.Refuse(visible(a, b))
		}
		return s.checkInTx(ctx, tx, a, b, now, p)
	})
	if err != nil {
		return Booking{}, err
	}
	return s.load(ctx, s.DB, id)
}

func (s *Service) checkInTx(ctx context.Context, tx *store.Tx, a access.Actor, b Booking, now time.Time, p Policy) error {
	if !Can(b.Status, ActCheckIn) {
		return stateErr(b.Status, ActCheckIn)
	}
	opens := b.Start.Add(-time.Duration(p.CheckInEarlyMin) * time.Minute)
	if now.Before(opens) || !now.Before(b.End) {
		return errs.New(errs.Conflict, "err.booking_checkin_window", "from", s.fmt(opens), "to", s.fmt(b.End))
	}
	return s.setStatus(ctx, tx, a, b, StatusInUse, ActCheckIn, now, "checked_in_at = ?, checked_in_by = ?", store.Ms(now), store.IDOrNil(a.UserID))
}

// DoorBooking returns the booking of a venue whose check-in window is open
// now (for the QR code at the room door), or not-found.
func (s *Service) DoorBooking(ctx context.Context, venueID int64) (Booking, error) {
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Booking{}, err
	}
	early := int64(p.CheckInEarlyMin) * 60000
	var id int64
	err = s.DB.QueryRow(ctx, `SELECT id FROM bookings WHERE venue_id = ? AND status IN (?, ?) AND start_ms <= ? AND start_ms > ? AND end_ms > ? ORDER BY start_ms LIMIT 1`,
		venueID, StatusConfirmed, StatusInUse, store.Ms(now)+early, store.Ms(now)-maxSpanMs, store.Ms(now)).Scan(&id)
	if err != nil {
		return Booking{}, errs.Wrap(store.MapError(err), "door booking")
	}
	return s.load(ctx, s.DB, id)
}

// Complete closes a booking after use (office, reception, service, the
// requester). A booking finished early releases the rest of its slot.
func (s *Service) Complete(ctx context.Context, a access.Actor, id int64) (Booking, error) {
	if !a.System && a.UserID == 0 {
		return Booking{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Booking{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		// Permission before state: others learn nothing of the booking.
		if !canManage(a, b) && !a.Has(access.Receptionist, access.Service, access.Supervisor) {
			return errs.Refuse(visible(a, b))
		}
		if !Can(b.Status, ActComplete) {
			return stateErr(b.Status, ActComplete)
		}
		if b.Status == StatusConfirmed && now.Before(b.Start.Add(-time.Duration(p.CheckInEarlyMin)*time.Minute)) {
			return errs.New(errs.Conflict, "err.booking_not_started")
		}
		v, err := s.Venues.Get(ctx, tx, b.VenueID)
		if err != nil {
			return err
		}
		blockEnd := store.Ms(b.BlockEnd)
		if now.Before(b.End) {
			end := now
			if end.Before(b.Start) {
				end = b.Start
			}
			_, blockEnd = v.Block(b.Start, end)
			blockEnd = max(blockEnd, store.Ms(b.BlockStart)+1)
		}
		return s.setStatus(ctx, tx, a, b, StatusCompleted, ActComplete, now, "completed_at = ?, block_end = ?", store.Ms(now), blockEnd)
	})
	if err != nil {
		return Booking{}, err
	}
	return s.load(ctx, s.DB, id)
}

// SweepResult counts what a sweep changed.
type SweepResult struct {
	Forfeited int `json:"forfeited"`
	Lapsed    int `json:"lapsed"`
	NoShows   int `json:"no_shows"`
}

// SweepDue applies the deadlines due at now: accepted client bookings not
// confirmed by their reply-by deadline are forfeited, and confirmed
// bookings not checked in NoShowMin minutes after the start become
// no-shows; either way the slot is released and the owners are told.
func (s *Service) SweepDue(ctx context.Context, now time.Time) (SweepResult, error) {
	var res SweepResult
	sys := access.SystemActor()
	rows, err := s.DB.Query(ctx, `SELECT id FROM bookings WHERE status = ? AND reply_by IS NOT NULL AND reply_by <= ?`, StatusApproved, store.Ms(now))
	if err != nil {
		return res, fmt.Errorf("due forfeits: %w", err)
	}
	forfeits, err := ids(rows)
	if err != nil {
		return res, err
	}
	for _, id := range forfeits {
		done, err := s.Expire(ctx, sys, id, now)
		if err != nil {
			return res, err
		}
		if done {
			res.Forfeited++
		}
	}
	rows, err = s.DB.Query(ctx, `SELECT id FROM bookings WHERE status = ? AND start_ms <= ?`, StatusPending, store.Ms(now))
	if err != nil {
		return res, fmt.Errorf("due lapses: %w", err)
	}
	lapses, err := ids(rows)
	if err != nil {
		return res, err
	}
	for _, id := range lapses {
		done, err := s.Lapse(ctx, sys, id, now)
		if err != nil {
			return res, err
		}
		if done {
			res.Lapsed++
		}
	}
	rows, err = s.DB.Query(ctx, `SELECT id FROM bookings WHERE status = ? AND start_ms <= ? AND noshow_min > 0 AND start_ms + noshow_min * 60000 <= ?`, StatusConfirmed, store.Ms(now), store.Ms(now))
	if err != nil {
		return res, fmt.Errorf("due no-shows: %w", err)
	}
	noshows, err := ids(rows)
	if err != nil {
		return res, err
	}
	for _, id := range noshows {
		done, err := s.NoShow(ctx, sys, id, now)
		if err != nil {
			return res, err
		}
		if done {
			res.NoShows++
		}
	}
	return res, nil
}

func ids(rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}) ([]int64, error) {
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

// Expire forfeits one accepted booking whose reply-by deadline has passed
// at now (system). It reports false when there was nothing to do.
func (s *Service) Expire(ctx context.Context, a access.Actor, id int64, now time.Time) (bool, error) {
	done := false
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		done, err = s.expireTx(ctx, tx, a, id, now)
		return err
	})
	return done, err
}

func (s *Service) expireTx(ctx context.Context, tx *store.Tx, a access.Actor, id int64, now time.Time) (bool, error) {
	if !a.System {
		return false, errs.Forbid()
	}
	if err := lockDue(ctx, tx, id); err != nil {
		return false, err
	}
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if b.Status != StatusApproved || b.ReplyBy.IsZero() || b.ReplyBy.After(now) {
		return false, nil
	}
	if err := s.setStatus(ctx, tx, a, b, StatusForfeited, ActForfeit, now, ""); err != nil {
		return false, err
	}
	if err := s.onReleased(ctx, tx, b.ID, now, JobForfeit); err != nil {
		return false, err
	}
	return true, s.tellOwners(ctx, tx, now, b, "booking.msg.forfeited")
}

// lockDue takes the booking's row lock on PostgreSQL before a deadline
// reads it: sweeps and jobs of several instances may reach the same
// deadline at once, and the later one must then see the earlier one's
// change (nothing left to do) rather than fail its conditional update.
// SQLite's BEGIN IMMEDIATE already serialises them.
func lockDue(ctx context.Context, tx *store.Tx, id int64) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	var x int64
	if err := tx.QueryRow(ctx, `SELECT id FROM bookings WHERE id = ? FOR UPDATE`, id).Scan(&x); err != nil {
		return errs.Wrap(store.MapError(err), "lock booking")
	}
	return nil
}

// Lapse lets go of one request still waiting for the office when it was
// due to start (system): its review is closed, the slot released and the
// requester told. It reports false when there was nothing to do. The sweep
// runs it on every round of the job runner, so a lapse is a state every
// instance agrees on rather than one job per request.
func (s *Service) Lapse(ctx context.Context, a access.Actor, id int64, now time.Time) (bool, error) {
	if !a.System {
		return false, errs.Forbid()
	}
	done := false
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := lockDue(ctx, tx, id); err != nil {
			return err
		}
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.Status != StatusPending || b.Start.After(now) {
			return nil
		}
		if err := s.setStatus(ctx, tx, a, b, StatusLapsed, ActLapse, now, ""); err != nil {
			return err
		}
		if err := closeReview(ctx, tx, b.ID, now, "lapsed"); err != nil {
			return err
		}
		if err := s.onReleased(ctx, tx, b.ID, now, ""); err != nil {
			return err
		}
		done = true
		return s.tellOwners(ctx, tx, now, b, "booking.msg.lapsed")
	})
	return done, err
}

// NoShow releases one confirmed booking not checked in NoShowMin minutes
// after its start (system). It reports false when there was nothing to do.
func (s *Service) NoShow(ctx context.Context, a access.Actor, id int64, now time.Time) (bool, error) {
	done := false
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		done, err = s.noShowTx(ctx, tx, a, id, now)
		return err
	})
	return done, err
}

func (s *Service) noShowTx(ctx context.Context, tx *store.Tx, a access.Actor, id int64, now time.Time) (bool, error) {
	if !a.System {
		return false, errs.Forbid()
	}
	if err := lockDue(ctx, tx, id); err != nil {
		return false, err
	}
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return false, err
	}
	if b.Status != StatusConfirmed || b.NoShowMin <= 0 || now.Before(b.Start.Add(time.Duration(b.NoShowMin)*time.Minute)) {
		return false, nil
	}
	if err := s.setStatus(ctx, tx, a, b, StatusNoShow, ActNoShow, now, ""); err != nil {
		return false, err
	}
	if err := s.onReleased(ctx, tx, b.ID, now, JobNoShow); err != nil {
		return false, err
	}
	return true, s.tellOwners(ctx, tx, now, b, "booking.msg.no_show")
}
