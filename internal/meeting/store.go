package meeting

import (
	"context"
	"database/sql"
	"fmt"

	"jiedai/internal/errs"
	"jiedai/internal/store"
)

const meetingCols = `id, type, title, purpose, COALESCE(client_org_id, 0), client_name, COALESCE(department_id, 0),
	convener_id, host_id, COALESCE(recorder_id, 0), COALESCE(leader_id, 0), COALESCE(supervisor_id, 0),
	start_at, end_at, place, COALESCE(booking_id, 0), COALESCE(venue_id, 0), level, status, COALESCE(approval_chain_id, 0), COALESCE(template_id, 0),
	notice_seq, noticed_at, started_at, ended_at, closed_at, host_notes, cancel_reason, created_at, updated_at`

type scanner interface{ Scan(...any) error }

func scanMeeting(sc scanner) (Meeting, error) {
	var m Meeting
	var start, end, created, updated int64
	var noticed, started, ended, closed sql.NullInt64
	err := sc.Scan(&m.ID, &m.Type, &m.Title, &m.Purpose, &m.ClientOrgID, &m.ClientName, &m.DepartmentID,
		&m.ConvenerID, &m.HostID, &m.RecorderID, &m.LeaderID, &m.SupervisorID,
		&start, &end, &m.Place, &m.BookingID, &m.VenueID, &m.Level, &m.Status, &m.ApprovalChainID, &m.TemplateID,
		&m.NoticeSeq, &noticed, &started, &ended, &closed, &m.HostNotes, &m.CancelReason, &created, &updated)
	m.StartAt, m.EndAt, m.CreatedAt, m.UpdatedAt = store.Time(start), store.Time(end), store.Time(created), store.Time(updated)
	m.NoticedAt, m.StartedAt, m.EndedAt, m.ClosedAt = store.NullMs(noticed), store.NullMs(started), store.NullMs(ended), store.NullMs(closed)
	return m, err
}

// get loads one meeting without checking who asks.
func get(ctx context.Context, q store.Querier, id int64) (Meeting, error) {
	m, err := scanMeeting(q.QueryRow(ctx, `SELECT `+meetingCols+` FROM meetings WHERE id = ?`, id))
	if err != nil {
		return Meeting{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get meeting %d", id))
	}
	return m, nil
}

func loadAgenda(ctx context.Context, q store.Querier, meetingID int64) ([]AgendaItem, error) {
	rows, err := q.Query(ctx, `SELECT id, seq, topic, COALESCE(presenter_id, 0), presenter_name, minutes, notes FROM meeting_agenda_items WHERE meeting_id = ? ORDER BY seq, id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("agenda of meeting %d: %w", meetingID, err)
	}
	defer rows.Close()
	var out []AgendaItem
	for rows.Next() {
		var it AgendaItem
		if err := rows.Scan(&it.ID, &it.Seq, &it.Topic, &it.PresenterID, &it.PresenterName, &it.Minutes, &it.Notes); err != nil {
			return nil, fmt.Errorf("scan agenda item: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

const attendeeCols = `id, kind, COALESCE(user_id, 0), guest_name, guest_org, guest_title, reply, reply_note, replied_at,
	attendance, signed_in_at, COALESCE(substitute_for, 0), leave_status, leave_reason, COALESCE(leave_substitute_id, 0),
	leave_requested_at, COALESCE(leave_decided_by, 0), leave_decided_at, leave_comment, guest_email`

func scanAttendee(sc scanner) (Attendee, error) {
	var at Attendee
	var replied, signed, leaveReq, leaveDec sql.NullInt64
	err := sc.Scan(&at.ID, &at.Kind, &at.UserID, &at.GuestName, &at.GuestOrg, &at.GuestTitle, &at.Reply, &at.ReplyNote, &replied,
		&at.Attendance, &signed, &at.SubstituteFor, &at.LeaveStatus, &at.LeaveReason, &at.LeaveSubstituteID,
		&leaveReq, &at.LeaveDecidedBy, &leaveDec, &at.LeaveComment, &at.GuestEmail)
	at.RepliedAt, at.SignedInAt, at.LeaveRequestedAt, at.LeaveDecidedAt = store.NullMs(replied), store.NullMs(signed), store.NullMs(leaveReq), store.NullMs(leaveDec)
	return at, err
}

func loadAttendees(ctx context.Context, q store.Querier, meetingID int64) ([]Attendee, error) {
	rows, err := q.Query(ctx, `SELECT `+attendeeCols+` FROM meeting_attendees WHERE meeting_id = ? ORDER BY CASE kind WHEN 'required' THEN 0 ELSE 1 END, id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("attendees of meeting %d: %w", meetingID, err)
	}
	defer rows.Close()
	var out []Attendee
	for rows.Next() {
		at, err := scanAttendee(rows)
		if err != nil {
			return nil, fmt.Errorf("scan attendee: %w", err)
		}
		out = append(out, at)
	}
	return out, rows.Err()
}

func getAttendee(ctx context.Context, q store.Querier, meetingID, attendeeID int64) (Attendee, error) {
	at, err := scanAttendee(q.QueryRow(ctx, `SELECT `+attendeeCols+` FROM meeting_attendees WHERE meeting_id = ? AND id = ?`, meetingID, attendeeID))
	if err != nil {
		return Attendee{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get attendee %d", attendeeID))
	}
	return at, nil
}

func loadCC(ctx context.Context, q store.Querier, meetingID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT department_id FROM meeting_cc_departments WHERE meeting_id = ? ORDER BY department_id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("cc departments of meeting %d: %w", meetingID, err)
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

// loadDetail loads a meeting with agenda, attendees, cc departments,
// minutes and the names they mention.
func loadDetail(ctx context.Context, q store.Querier, m Meeting) (Detail, error) {
	d := Detail{Meeting: m}
	var err error
	if d.Agenda, err = loadAgenda(ctx, q, m.ID); err != nil {
		return d, err
	}
	if d.Attendees, err = loadAttendees(ctx, q, m.ID); err != nil {
		return d, err
	}
	if d.CC, err = loadCC(ctx, q, m.ID); err != nil {
		return d, err
	}
	mn, err := getMinutes(ctx, q, m.ID)
	switch {
	case err == nil:
		d.Minutes = &mn
	case !store.IsNoRows(err) && errs.As(err).Kind != errs.NotFound:
		return d, err
	}
	ids := []int64{m.ConvenerID, m.HostID, m.RecorderID, m.LeaderID, m.SupervisorID}
	for _, it := range d.Agenda {
		ids = append(ids, it.PresenterID)
	}
	for _, at := range d.Attendees {
		ids = append(ids, at.UserID, at.LeaveSubstituteID, at.LeaveDecidedBy)
	}
	if d.Minutes != nil {
		ids = append(ids, d.Minutes.ApprovedBy)
	}
	if d.Names, err = names(ctx, q, ids); err != nil {
		return d, err
	}
	if d.DeptNames, err = deptNames(ctx, q); err != nil {
		return d, err
	}
	if d.AgendaOverrun() {
		d.Warnings = append(d.Warnings, "meeting.warn.agenda_overrun")
	}
	return d, nil
}
