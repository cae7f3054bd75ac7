package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
)

// ownRooms books rooms for the company's own use (a reception case, a
// client meeting) through the booking rules, inside the caller's
// transaction: booking.CreateInternal to book, MoveTx to move, CancelTx to
// release, Refuse to explain a refusal with alternatives. fields renames
// the booking request's fields to those of the caller's form.
type ownRooms struct {
	bs     *booking.Service
	fields map[string]string
}

// release cancels booking id, if it still holds its room, by the actor
// when they run bookings, else by the system on their behalf (the caller
// checked that they may call off what the room was for). A booking that
// is already over, rejected or let go is left as it is.
func (o ownRooms) release(ctx context.Context, tx *store.Tx, actor access.Actor, id int64, why string) error {
	if id == 0 {
		return nil
	}
	if !actor.Has(access.Office) {
		actor = onBehalf(actor)
	}
	if rs := []rune(why); len(rs) > 500 {
		why = string(rs[:500])
	}
	if err := o.bs.CancelTx(ctx, tx, actor, id, why, false); err != nil {
		if k := errs.As(err).Kind; k == errs.Conflict || k == errs.NotFound {
			return nil
		}
		return fmt.Errorf("release room booking %d: %w", id, err)
	}
	return nil
}

// refuse explains a failed booking with alternatives and names the
// caller's fields: a taken or unfit room is the room field's problem.
func (o ownRooms) refuse(ctx context.Context, actor access.Actor, err error, in booking.Request) error {
	err = o.bs.Refuse(ctx, actor, err, in)
	var e *errs.Error
	if !errors.As(err, &e) {
		return err
	}
	rename := func(e *errs.Error) {
		if f, ok := o.fields[e.Field]; ok && e.Field != "" {
			e.Field = f
		} else if e.Field == "" && e.Kind == errs.Conflict {
			e.Field = o.fields[""]
		}
	}
	rename(e)
	if list, ok := e.Extra.([]*errs.Error); ok {
		for _, x := range list {
			rename(x)
		}
	}
	return err
}

// onBehalf is the system acting for a user whose right to act was checked
// by the domain that asks (the booking rules still apply).
func onBehalf(a access.Actor) access.Actor {
	return access.Actor{UserID: a.UserID, Username: a.Username, DepartmentID: a.DepartmentID, System: true}
}

// meetingRooms gives the meeting service its rooms (meeting.Rooms).
type meetingRooms struct{ ownRooms }

func newMeetingRooms(bs *booking.Service) meetingRooms {
	return meetingRooms{ownRooms{bs: bs, fields: map[string]string{"": "venue_id", "venue_id": "venue_id", "start": "start_at", "end": "end_at",
		"headcount": "venue_id", "title": "title", "layout": "layout", "equipment": "equipment"}}}
}

func (r meetingRooms) request(q meeting.RoomRequest) booking.Request {
	return booking.Request{VenueID: q.VenueID, Start: q.Start, End: q.End, Title: q.Title, Headcount: q.Headcount, Layout: q.Layout, Equipment: q.Equipment}
}

func room(b booking.Booking) meeting.Room {
	return meeting.Room{BookingID: b.ID, VenueID: b.VenueID, Name: b.VenueName}
}

// Book books the meeting's room as internal use, waiting for the office.
func (r meetingRooms) Book(ctx context.Context, tx *store.Tx, a access.Actor, q meeting.RoomRequest) (meeting.Room, error) {
	b, err := r.bs.CreateInternal(ctx, tx, a, r.request(q), false)
	return room(b), err
}

// Move moves the meeting's booking with the meeting, on behalf of whoever
// manages the meeting (who may not be its requester).
func (r meetingRooms) Move(ctx context.Context, tx *store.Tx, a access.Actor, id int64, q meeting.RoomRequest) (meeting.Room, error) {
	mover := a
	if !a.Has(access.Office) {
		mover = onBehalf(a)
	}
	b, err := r.bs.MoveTx(ctx, tx, mover, id, q.VenueID, q.Start, q.End, q.Headcount)
	if err != nil {
		return meeting.Room{}, err
	}
	if !booking.Held(b.Status) {
		// The room fell through (rejected, bumped, cancelled): book again.
		return r.Book(ctx, tx, a, q)
	}
	return room(b), nil
}

// Release cancels the meeting's booking.
func (r meetingRooms) Release(ctx context.Context, tx *store.Tx, a access.Actor, id int64, why string) error {
	return r.release(ctx, tx, a, id, why)
}

// Usable accepts a bare booking id the actor may use for the time.
func (r meetingRooms) Usable(ctx context.Context, q store.Querier, a access.Actor, id int64, start, end time.Time) (meeting.Room, error) {
	b, err := r.bs.UsableFor(ctx, q, a, "booking_id", id, start, end)
	return room(b), err
}

// Refuse adds alternatives to a refused room.
func (r meetingRooms) Refuse(ctx context.Context, a access.Actor, err error, q meeting.RoomRequest) error {
	return r.refuse(ctx, a, err, r.request(q))
}
