package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiedai/internal/booking"
)

// TestBookingFormDaylightSaving: with the site in New York, a booking on
// the spring-forward day (2026-03-08) is built on that day's wall clock
// (10:00 stays 10:00, not midnight + 10 h = 11:00), the room opens at 08:00
// that day too, and 02:30, which the clocks skip, is refused on its field.
func TestBookingFormDaylightSaving(t *testing.T) {
	e := newWebEnvIn(t, "America/New_York")
	ny := e.app.Loc
	c := e.client(t, "office")
	ctx := context.Background()
	form := func(start, end string) url.Values {
		return url.Values{"venue_id": {fmt.Sprint(e.room.ID)}, "date": {"2026-03-08"}, "start": {start}, "end": {end}, "title": {"周日培训"}, "headcount": {"8"},
			"purpose": {"internal"}, "channel": {"online"}, "priority": {"normal"}}
	}
	for _, slot := range [][2]string{{"10:00", "11:00"}, {"08:00", "09:00"}} {
		code, loc, body := post(t, c, e.srv.URL+"/bookings/new", form(slot[0], slot[1]))
		if code != http.StatusSeeOther {
			t.Fatalf("%s–%s on the change day: %d %s\n%.400s", slot[0], slot[1], code, loc, body)
		}
	}
	list, err := e.app.Bookings.List(ctx, e.users["office"], booking.Filter{VenueID: e.room.ID})
	if err != nil || len(list) != 2 {
		t.Fatalf("bookings: %v %d", err, len(list))
	}
	got := map[string]bool{}
	for _, b := range list {
		got[b.Start.In(ny).Format("15:04")+"-"+b.End.In(ny).Format("15:04")] = true
	}
	if !got["10:00-11:00"] || !got["08:00-09:00"] {
		t.Fatalf("stored on the wall clock: %v", got)
	}
	if want := time.Date(2026, 3, 8, 14, 0, 0, 0, time.UTC); !startsAt(list, want) {
		t.Errorf("10:00 EDT is not 14:00 UTC: %+v", list)
	}
	code, body := postFollow(t, c, e.srv.URL+"/bookings/new", form("02:30", "03:30"))
	if code != http.StatusOK || !strings.Contains(body, "因夏令时调整而不存在") {
		t.Fatalf("02:30 on the change day: %d\n%.600s", code, body)
	}
	if list, _ := e.app.Bookings.List(ctx, e.users["office"], booking.Filter{VenueID: e.room.ID}); len(list) != 2 {
		t.Fatalf("a skipped time was booked: %d bookings", len(list))
	}
}

func startsAt(list []booking.Booking, start time.Time) bool {
	for _, b := range list {
		if b.Start.Equal(start) {
			return true
		}
	}
	return false
}

// TestMeetingFormDaylightSaving: a meeting starting at 02:30 on New York's
// spring-forward day is refused on start_at with the translated reason.
func TestMeetingFormDaylightSaving(t *testing.T) {
	e := newWebEnvIn(t, "America/New_York")
	c := e.client(t, "staff")
	form := url.Values{"type": {"internal"}, "title": {"周日例会"}, "level": {"internal"}, "start_at": {"2026-03-08T02:30"}, "end_at": {"2026-03-08T04:00"}}
	code, body := postFollow(t, c, e.srv.URL+"/meetings/new", form)
	if code != http.StatusOK || !strings.Contains(body, "因夏令时调整而不存在") || !strings.Contains(body, "周日例会") {
		t.Fatalf("02:30 on the change day: %d\n%.600s", code, body)
	}
}
