package web_test

import (
	"context"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/audit"
	"jiedai/internal/storetest"
)

// TestInboxShowsWhatTheReaderMaySee: messages about the demo's confidential
// negotiation carry only its number; the inbox shows its title to those
// named on it (logging the read) and keeps the number for a reader who is
// not, and the calendar invitation is a named link, not a raw address.
func TestInboxShowsWhatTheReaderMaySee(t *testing.T) {
	db := storetest.NewTestDB(t, "sqlite")
	a, _ := apptest.New(t, db)
	srv := apptest.Serve(t, a)
	const title = "青松资本整层租赁商务洽谈"
	office := apptest.Login(t, srv, "office") // the recorder: named on it
	_, body := apptest.Get(t, office, srv.URL+"/inbox")
	if !strings.Contains(body, title) {
		t.Fatalf("the recorder's inbox does not name the meeting")
	}
	if strings.Contains(body, ">/meetings/") || strings.Contains(body, "invite.ics<") || !strings.Contains(body, "下载日历文件") {
		t.Errorf("the calendar invitation shows as a raw address")
	}
	reads, err := audit.List(context.Background(), db, access.SystemActor(), audit.Filter{Action: "read", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	logged := false
	for _, r := range reads {
		if strings.Contains(r.After, `"via":"inbox"`) {
			logged = true
		}
	}
	if !logged {
		t.Errorf("showing the confidential title in the inbox was not logged as a read")
	}
	// The same message text for a reader not named and not cleared keeps
	// the number only (the messages it got about the meeting, if any).
	staff := apptest.Login(t, srv, "staff")
	if _, body := apptest.Get(t, staff, srv.URL+"/inbox"); strings.Contains(body, title) {
		t.Errorf("a reader not admitted sees the confidential title in the inbox")
	}
}
