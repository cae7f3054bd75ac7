package booking_test

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/ics/icstest"
	"jiedai/internal/storetest"
)

// libical accepts the feeds: a person's and a venue's, read by a user and
// by a calendar program holding the feed token, with tentative, confirmed
// and cancelled bookings.
func TestFeedsPassLibical(t *testing.T) {
	lib := icstest.New(t)
	e := newEnv(t, storetest.NewTestDB(t, "sqlite"))
	ctx := context.Background()
	e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
	c := e.mustCreate(t, e.staff, e.req("2026-03-04", "10:00", "11:00"))
	if _, err := e.svc.Cancel(ctx, e.staff, c.ID, "", false); err != nil {
		t.Fatal(err)
	}
	tok, err := e.svc.FeedToken(ctx, e.staff)
	if err != nil {
		t.Fatal(err)
	}
	user, err := e.svc.UserFeed(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	lib.Check(t, "user.ics", user)
	for name, a := range map[string]access.Actor{"venue_office.ics": e.office, "venue_token.ics": access.SystemActor()} {
		data, err := e.svc.VenueFeed(ctx, a, e.room)
		if err != nil {
			t.Fatal(err)
		}
		lib.Check(t, name, data)
	}
	empty, err := e.svc.VenueFeed(ctx, e.office, e.hall)
	if err != nil {
		t.Fatal(err)
	}
	lib.Check(t, "venue_empty.ics", empty)
}
