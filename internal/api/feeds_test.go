package api_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestAPIVenueFeedByToken: the venue calendar read with the feed token (a
// calendar program, no one signed in) shows a client booking as a staff
// user who does not serve it sees it: the taken slot, never its title,
// client, contact or requester; a staff user of another department sees
// the same through the bearer token. A rotated or revoked token answers 404.
func TestAPIVenueFeedByToken(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newAPIEnv(t, db)
		ctx := context.Background()
		room := e.venue(t, map[string]any{"name": "长江厅", "capacity": 20})
		st, m := e.call(t, "office", "POST", "/bookings", map[string]any{"venue_id": room, "start": "2026-03-03T14:00:00+08:00", "end": "2026-03-03T15:00:00+08:00",
			"title": "并购谈判", "headcount": 6, "client_name": "华星科技", "contact_name": "李娜", "contact_phone": "13912345678", "notes": "底价八百万"})
		if st != 201 {
			t.Fatalf("booking: %d %v", st, m)
		}
		v, err := e.app.Venues.Get(ctx, nil, room)
		if err != nil {
			t.Fatal(err)
		}
		secrets := [][]byte{[]byte("并购谈判"), []byte("华星科技"), []byte("李娜"), []byte("13912345678"), []byte("底价八百万"), []byte("office")}
		for _, c := range []struct{ who, path string }{
			{"", fmt.Sprintf("/venues/%d/calendar.ics?token=%s", room, v.FeedToken)},
			{"staff2", fmt.Sprintf("/venues/%d/calendar.ics", room)},
		} {
			st, raw := e.raw(t, c.who, "GET", c.path, nil)
			if st != 200 || !bytes.Contains(raw, []byte("UID:booking-")) {
				t.Fatalf("%q: %d %s", c.who, st, raw)
			}
			for _, s := range secrets {
				if bytes.Contains(raw, s) {
					t.Errorf("feed read by %q shows %q:\n%s", c.who, s, raw)
				}
			}
		}
		if _, err := e.app.Venues.RotateFeed(ctx, officeActor(t, e), room); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.raw(t, "", "GET", fmt.Sprintf("/venues/%d/calendar.ics?token=%s", room, v.FeedToken), nil); st != 404 {
			t.Errorf("rotated token: %d", st)
		}
		v, _ = e.app.Venues.Get(ctx, nil, room)
		if st, _ := e.raw(t, "", "GET", fmt.Sprintf("/venues/%d/calendar.ics?token=%s", room, v.FeedToken), nil); st != 200 {
			t.Errorf("new token: %d", st)
		}
		if err := e.app.Venues.RevokeFeed(ctx, officeActor(t, e), room); err != nil {
			t.Fatal(err)
		}
		v, _ = e.app.Venues.Get(ctx, nil, room)
		if st, _ := e.raw(t, "", "GET", fmt.Sprintf("/venues/%d/calendar.ics?token=%s", room, v.FeedToken), nil); st != 404 {
			t.Errorf("revoked feed: %d", st)
		}
	})
}

func officeActor(t *testing.T, e *apiEnv) access.Actor {
	t.Helper()
	u, err := e.app.Auth.GetByUsername(context.Background(), "office")
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor("")
}
