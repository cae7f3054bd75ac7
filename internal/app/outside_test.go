package app_test

import (
	"context"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/booking"
	"jiedai/internal/storetest"
)

// The requester told of a rejected booking reads the office's reason.
func TestRejectionTellsReason(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	ctx := context.Background()
	pending, err := a.Bookings.List(ctx, access.SystemActor(), booking.Filter{Statuses: []string{booking.StatusPending}, Limit: 1})
	if err != nil || len(pending) == 0 {
		t.Fatalf("no pending demo booking: %v", err)
	}
	office, err := a.Auth.GetByUsername(ctx, "office")
	if err != nil {
		t.Fatal(err)
	}
	const why = "当天大堂装修，会场不开放"
	if _, err := a.Bookings.Reject(ctx, office.Actor(""), pending[0].ID, why); err != nil {
		t.Fatal(err)
	}
	inbox, err := a.Notify.Inbox(ctx, access.Actor{UserID: pending[0].RequestedBy}, 5)
	if err != nil || len(inbox) == 0 {
		t.Fatalf("inbox: %v %v", inbox, err)
	}
	if got := inbox[0].Text; !strings.Contains(got, pending[0].Title) || !strings.Contains(got, why) {
		t.Fatalf("rejection message %q lacks the title or the reason", got)
	}
}
