package app_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/apptest"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func actorOf(t *testing.T, a *app.App, username string) access.Actor {
	t.Helper()
	u, err := a.Auth.GetByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u.Actor("")
}

func venueID(t *testing.T, a *app.App, code string) int64 {
	t.Helper()
	vs, err := a.Venues.All(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Code == code {
			return v.ID
		}
	}
	t.Fatalf("no venue %s", code)
	return 0
}

func fieldOf(err error) string {
	if err == nil {
		return ""
	}
	return errs.As(err).Field
}

// A client meeting's room is booked from the meeting through the booking
// rules (seed 004: 预约会议室): an internal booking waiting for the office,
// moved with the meeting and cancelled with it; a room that is taken or
// too small is refused with alternatives, and a bare booking id only
// stands when it is the user's own booking for that time.
func TestMeetingBooksItsRoom(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, fc := apptest.New(t, db)
		ctx := context.Background()
		staff, host, office := actorOf(t, a, "staff"), actorOf(t, a, "manager"), actorOf(t, a, "office")
		start := time.Date(2026, 3, 12, 14, 0, 0, 0, a.Loc).UTC()
		in := meeting.Input{Type: meeting.TypeNewClient, Title: "远景能源场地洽谈", ClientName: "远景能源有限公司", HostID: host.UserID,
			StartAt: start, EndAt: start.Add(time.Hour), VenueID: venueID(t, a, "TH"), Place: "随便写的地点",
			Attendees: []meeting.AttendeeInput{{Kind: meeting.KindInvited, GuestName: "周总", GuestOrg: "远景能源"}}}

		d, err := a.Meetings.Create(ctx, staff, in)
		if err != nil {
			t.Fatalf("create with a room: %v", err)
		}
		if d.BookingID == 0 || d.VenueID != in.VenueID || d.Place != "太湖会议室" {
			t.Fatalf("meeting room: booking %d venue %d place %q", d.BookingID, d.VenueID, d.Place)
		}
		b, err := a.Bookings.Get(ctx, office, d.BookingID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Purpose != booking.PurposeInternal || b.Status != booking.StatusPending || b.RequestedBy != staff.UserID || b.Headcount != 2 || !b.Start.Equal(start) {
			t.Fatalf("booking: %+v", b)
		}

		// The same room at the same time is taken: refused on the room, with alternatives.
		in2 := in
		in2.Title = "另一场会"
		_, err = a.Meetings.Create(ctx, staff, in2)
		if fieldOf(err) != "venue_id" || booking.RefusalOf(err) == nil || len(booking.RefusalOf(err).Alternatives) == 0 {
			t.Fatalf("taken room: %v (field %q)", err, fieldOf(err))
		}
		// Too many people for the room.
		in3 := in
		in3.StartAt, in3.EndAt = start.Add(3*time.Hour), start.Add(4*time.Hour)
		for i := 0; i < 15; i++ {
			in3.Attendees = append(in3.Attendees, meeting.AttendeeInput{Kind: meeting.KindInvited, GuestName: "来宾" + string(rune('甲'+i))})
		}
		if _, err := a.Meetings.Create(ctx, staff, in3); fieldOf(err) != "venue_id" {
			t.Fatalf("room too small: %v (field %q)", err, fieldOf(err))
		}

		// Moving the meeting moves its booking (and another room moves it there).
		moved := in
		moved.StartAt, moved.EndAt = start.Add(24*time.Hour), start.Add(25*time.Hour)
		moved.VenueID = venueID(t, a, "QT")
		d2, err := a.Meetings.Update(ctx, host, d.ID, moved)
		if err != nil {
			t.Fatalf("move: %v", err)
		}
		if d2.BookingID != d.BookingID || d2.Place != "钱塘会议室" {
			t.Fatalf("moved meeting: booking %d place %q", d2.BookingID, d2.Place)
		}
		if b, _ = a.Bookings.Get(ctx, office, d.BookingID); !b.Start.Equal(moved.StartAt) || b.VenueID != moved.VenueID {
			t.Fatalf("booking not moved: %+v", b)
		}

		// A bare booking id: unknown, someone else's, or not covering the time.
		bare := in
		bare.VenueID, bare.BookingID = 0, 999999
		if _, err := a.Meetings.Create(ctx, staff, bare); fieldOf(err) != "booking_id" {
			t.Fatalf("booking 999999 accepted: %v", err)
		}
		other, err := a.Bookings.Create(ctx, actorOf(t, a, "leasing"), booking.Request{VenueID: venueID(t, a, "XH"), Start: start, End: start.Add(time.Hour), Title: "招商洽谈", Headcount: 3})
		if err != nil {
			t.Fatal(err)
		}
		bare.BookingID = other.ID
		if _, err := a.Meetings.Create(ctx, staff, bare); fieldOf(err) != "booking_id" {
			t.Fatalf("someone else's booking accepted: %v", err)
		}
		own, err := a.Bookings.Create(ctx, staff, booking.Request{VenueID: venueID(t, a, "DT"), Start: start, End: start.Add(time.Hour), Title: "自订洽谈室", Headcount: 3})
		if err != nil {
			t.Fatal(err)
		}
		bare.BookingID = own.ID
		bare.EndAt = start.Add(2 * time.Hour)
		if _, err := a.Meetings.Create(ctx, staff, bare); fieldOf(err) != "booking_id" {
			t.Fatalf("a booking shorter than the meeting accepted: %v", err)
		}
		bare.EndAt = start.Add(time.Hour)
		d3, err := a.Meetings.Create(ctx, staff, bare)
		if err != nil || d3.BookingID != own.ID || d3.Place != "洞庭洽谈室" {
			t.Fatalf("own booking: %v %+v", err, d3.Meeting)
		}
		if _, err := a.Meetings.Create(ctx, staff, bare); fieldOf(err) != "booking_id" {
			t.Fatalf("one booking for two meetings: %v", err)
		}

		// Cancelling the meeting (by its host, not the requester) cancels the booking.
		fc.Advance(time.Hour)
		if _, err := a.Meetings.Cancel(ctx, host, d.ID, "客户行程变更"); err != nil {
			t.Fatal(err)
		}
		if b, _ = a.Bookings.Get(ctx, office, d.BookingID); b.Status != booking.StatusCancelled {
			t.Fatalf("booking after the meeting was cancelled: %s", b.Status)
		}
	})
}
