package meeting

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Rooms books, moves and releases a meeting's room through the booking
// module's rules (004: 预约会议室), inside the meeting's transaction; the
// app wires it to the booking service. Errors name the meeting form's
// fields (venue_id, start_at, end_at, booking_id).
type Rooms interface {
	// Book books the room asked for as internal use.
	Book(ctx context.Context, tx *store.Tx, a access.Actor, r RoomRequest) (Room, error)
	// Move moves booking id to the request's room, time and headcount.
	Move(ctx context.Context, tx *store.Tx, a access.Actor, id int64, r RoomRequest) (Room, error)
	// Release cancels booking id if it still holds its room.
	Release(ctx context.Context, tx *store.Tx, a access.Actor, id int64, why string) error
	// Usable returns booking id when the actor may use it for the time.
	Usable(ctx context.Context, q store.Querier, a access.Actor, id int64, start, end time.Time) (Room, error)
	// Refuse adds to a failed booking's error the alternatives to choose from.
	Refuse(ctx context.Context, a access.Actor, err error, r RoomRequest) error
}

// RoomRequest is the room a meeting asks for.
type RoomRequest struct {
	VenueID   int64
	Start     time.Time
	End       time.Time
	Title     string
	Headcount int
	Layout    string
	Equipment []string
}

// Room is a meeting's booked room.
type Room struct {
	BookingID int64
	VenueID   int64
	Name      string
}

// headcount is how many people the room must seat: the host, the recorder
// and every attendee, outside guests included.
func headcount(host, recorder int64, ats []AttendeeInput) int {
	users := uniq([]int64{host, recorder})
	seen := map[int64]bool{}
	for _, u := range users {
		seen[u] = true
	}
	n := len(users)
	for _, at := range ats {
		if at.UserID == 0 {
			n++
		} else if !seen[at.UserID] {
			seen[at.UserID] = true
			n++
		}
	}
	return max(n, 1)
}

// roomStep is what placing a meeting's room did: the request tried (for
// alternatives when it fails).
type roomStep struct{ tried *RoomRequest }

// placeRoom books, moves, links or releases the room of meeting m (as
// saved with the new input) so that it matches in: a room picked
// (VenueID) is booked, or the meeting's booking moved there; a bare
// booking id is accepted only when the actor may use it for that time; no
// room releases the booking the meeting held. The meeting row gets the
// booking, the room and, for a room, the place.
func (s *Service) placeRoom(ctx context.Context, tx *store.Tx, a access.Actor, m Meeting, in Input, st *roomStep) error {
	old := m.BookingID
	venueID := in.VenueID
	if venueID == 0 && in.BookingID != 0 && in.BookingID == old {
		venueID = m.VenueID // the same booking, kept: moved with the meeting
	}
	if (venueID != 0 || in.BookingID != 0) && s.Rooms == nil {
		return errs.Field("venue_id", "err.meeting.rooms_unavailable")
	}
	var room Room
	var err error
	switch {
	case venueID != 0:
		req := RoomRequest{VenueID: venueID, Start: in.StartAt, End: in.EndAt, Title: redacted(in.Title, in.Level, m.ID),
			Headcount: headcount(in.HostID, in.RecorderID, in.Attendees), Layout: in.Layout, Equipment: in.Equipment}
		st.tried = &req
		if old != 0 {
			room, err = s.Rooms.Move(ctx, tx, a, old, req)
		} else {
			room, err = s.Rooms.Book(ctx, tx, a, req)
		}
		if err != nil {
			return err
		}
		st.tried = nil
	case in.BookingID != 0:
		if room, err = s.Rooms.Usable(ctx, tx, a, in.BookingID, in.StartAt, in.EndAt); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meetings WHERE booking_id = ? AND id <> ? AND status NOT IN (?, ?, ?)`,
			in.BookingID, m.ID, StatusCancelled, StatusRejected, StatusClosed).Scan(&n); err != nil {
			return fmt.Errorf("check booking %d of meeting %d: %w", in.BookingID, m.ID, err)
		}
		if n > 0 {
			return errs.Field("booking_id", "err.meeting.booking_taken")
		}
	}
	if old != 0 && old != room.BookingID {
		if err := s.Rooms.Release(ctx, tx, a, old, ""); err != nil {
			return err
		}
	}
	place := in.Place
	if room.BookingID != 0 {
		place = room.Name
	}
	if _, err := tx.Exec(ctx, `UPDATE meetings SET booking_id = ?, venue_id = ?, place = ? WHERE id = ?`,
		store.IDOrNil(room.BookingID), store.IDOrNil(room.VenueID), place, m.ID); err != nil {
		return fmt.Errorf("set room of meeting %d: %w", m.ID, err)
	}
	return nil
}

// refuseRoom explains a failed booking of the meeting's room with the
// alternatives (other rooms free then, other times in that room).
func (s *Service) refuseRoom(ctx context.Context, a access.Actor, err error, st roomStep) error {
	if err == nil || st.tried == nil || s.Rooms == nil {
		return err
	}
	return s.Rooms.Refuse(ctx, a, err, *st.tried)
}

// releaseRoom cancels the meeting's booking when the meeting is called off.
func (s *Service) releaseRoom(ctx context.Context, tx *store.Tx, a access.Actor, m Meeting, why string) error {
	if m.BookingID == 0 || s.Rooms == nil {
		return nil
	}
	return s.Rooms.Release(ctx, tx, a, m.BookingID, why)
}
