package app

import (
	"context"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
	"jiedai/internal/store"
)

// BookCaseRoom books the meeting room a reception case asked for, from
// clock time from to to ("HH:MM") on the visit day, and links it to the case in one
// transaction: internal use approved with the case (booking.CreateInternal),
// its cost a line of the case's budget. A room that fell through (rejected,
// cancelled, forfeited, bumped) may be booked again; one still held may not.
func (a *App) BookCaseRoom(ctx context.Context, actor access.Actor, caseID, venueID int64, from, to string) (booking.Booking, error) {
	return BookCaseRoom(ctx, a.DB, a.Bookings, a.Reception, a.Loc, actor, caseID, venueID, from, to)
}

// BookCaseRoom is App.BookCaseRoom on given services (the demo loader runs
// them on its own clocks).
func BookCaseRoom(ctx context.Context, db *store.DB, bs *booking.Service, rs *reception.Service, loc *time.Location, actor access.Actor, caseID, venueID int64, from, to string) (booking.Booking, error) {
	rc, err := rs.Get(ctx, actor, caseID)
	if err != nil {
		return booking.Booking{}, err
	}
	if !reception.CanBookRoom(actor, rc) {
		return booking.Booking{}, errs.Refuse(reception.CanView(actor, rc))
	}
	start, end, err := reception.RoomTimes(rc, loc, from, to)
	if err != nil {
		return booking.Booking{}, err
	}
	if venueID == 0 {
		return booking.Booking{}, errs.Field("venue_id", "err.required")
	}
	in := booking.Request{VenueID: venueID, Start: start, End: end, Title: rc.Code + " " + rc.OrgName,
		Headcount: rc.Headcount + len(rc.Form.Helpers) + 1, Notes: rc.Purpose}
	var b booking.Booking
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if held, err := reception.RoomHeld(ctx, tx, rc); err != nil || held {
			if err == nil {
				err = errs.New(errs.Conflict, "err.reception.room_booked")
			}
			return err
		}
		var err error
		if b, err = bs.CreateInternal(ctx, tx, actor, in, true); err != nil {
			return err
		}
		return rs.LinkRoomTx(ctx, tx, actor, caseID, b.ID, b.VenueName, b.QuoteFen)
	})
	if err != nil {
		return booking.Booking{}, caseRooms(bs).refuse(ctx, actor, err, in)
	}
	return b, nil
}

// caseRooms books a reception case's room; a refusal without a field is
// the room field's.
func caseRooms(bs *booking.Service) ownRooms {
	return ownRooms{bs: bs, fields: map[string]string{"": "venue_id"}}
}
