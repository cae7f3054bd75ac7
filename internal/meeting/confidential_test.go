package meeting_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// reads counts the read and read_denied audit rows of an actor.
func reads(t *testing.T, db *store.DB, actor int64, action string) map[string]int {
	t.Helper()
	rows, err := audit.List(context.Background(), db, access.SystemActor(), audit.Filter{ActorID: actor, Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Entity]++
	}
	return out
}

// TestConfidentialMinutesByNoRoute proves that a member of staff who is
// neither cleared nor named on a confidential meeting gets forbidden and
// nothing of the content from every domain route (page, API, print,
// export, versions, tracking, action item, list, search, ICS), that the
// denied reads are logged, and that the allowed reads are logged too.
func TestConfidentialMinutesByNoRoute(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		s := f.svc
		d, it := f.held(access.Confidential, access.Confidential)
		out := f.u("outsider")

		denied := []struct {
			route string
			call  func() error
		}{
			{"page", func() error { _, err := s.Get(ctx, out, d.ID); return err }},
			{"api", func() error { _, err := s.GetVia(ctx, out, d.ID, "api"); return err }},
			{"minutes", func() error { _, err := s.ReadMinutes(ctx, out, d.ID, "page"); return err }},
			{"print", func() error { _, err := s.ReadMinutes(ctx, out, d.ID, "print"); return err }},
			{"export", func() error { _, err := s.ReadMinutes(ctx, out, d.ID, "export"); return err }},
			{"version", func() error { _, _, err := s.MinutesVersion(ctx, out, d.ID, 1, "page"); return err }},
			{"tracking", func() error { _, err := s.Track(ctx, out, d.ID, "page"); return err }},
			{"action", func() error { _, err := s.Action(ctx, out, it.ID, "api"); return err }},
			{"ics", func() error { _, err := s.Invite(ctx, out, d.ID); return err }},
		}
		for _, c := range denied {
			wantKind(t, c.call(), errs.Forbidden)
		}
		// Lists and search leave it out entirely, even when searching for
		// words only the minutes contain.
		for _, q := range []string{"青松", "180", "华润", ""} {
			hits := must(s.Search(ctx, out, meeting.Filter{Text: q}))
			if len(hits) != 0 {
				t.Fatalf("search %q found %+v", q, hits)
			}
		}
		if items := must(s.Actions(ctx, out, meeting.ActionFilter{}, "api")); len(items) != 0 {
			t.Fatalf("action items leaked: %+v", items)
		}
		// A client user sees nothing either.
		client := access.Actor{UserID: f.id("outsider"), Roles: []string{access.Client}, OrgID: 7}
		wantKind(t, func() error { _, err := s.Get(ctx, client, d.ID); return err }(), errs.Forbidden)

		got := reads(t, db, out.UserID, meeting.ActionReadDenied)
		if got[meeting.EntityMeeting] != 4 /* page, api, ics, as client */ || got[meeting.EntityMinutes] != 5 || got[meeting.EntityAction] != 1 {
			t.Fatalf("denied reads logged: %v", got)
		}
		if n := reads(t, db, out.UserID, meeting.ActionRead); len(n) != 0 {
			t.Fatalf("outsider logged as reading: %v", n)
		}

		// Named people and those the level admits read it, and it is logged.
		for _, who := range []string{"owner1", "fin", "host"} { // action owner, cc department, host
			v := must(s.ReadMinutes(ctx, f.u(who), d.ID, "print"))
			if v.Minutes.Content.Points[1].Text == "" {
				t.Fatalf("%s read empty minutes", who)
			}
			if n := reads(t, db, f.id(who), meeting.ActionRead)[meeting.EntityMinutes]; n == 0 {
				t.Fatalf("%s's read not logged", who)
			}
		}
		sup := f.addUser("supervisor2", "reception", access.Supervisor) // cleared for confidential, not named
		must(s.ReadMinutes(ctx, sup, d.ID, "api"))
		hits := must(s.Search(ctx, sup, meeting.Filter{Text: "青松"}))
		if len(hits) != 1 || hits[0].Snippet == "" {
			t.Fatalf("cleared search: %+v", hits)
		}
		if n := reads(t, db, sup.UserID, meeting.ActionRead); n[meeting.EntityMinutes] != 2 || n[meeting.EntityMeeting] != 1 {
			t.Fatalf("cleared reads logged: %v", n)
		}
		// The admin sees the log; a plain member of staff may not.
		if _, err := audit.List(ctx, db, out, audit.Filter{Action: meeting.ActionReadDenied}); err == nil {
			t.Fatal("outsider may browse the audit log")
		}
		rows := must(audit.List(ctx, db, f.u("root"), audit.Filter{Action: meeting.ActionReadDenied, Entity: meeting.EntityMinutes, EntityID: d.ID}))
		if len(rows) != 5 || rows[0].ActorID != out.UserID {
			t.Fatalf("admin view of denied reads: %+v", rows)
		}
	})
}

// TestLevelsAndNamedReaders checks the admission table: internal meetings
// with confidential minutes, and secret meetings beyond a supervisor.
func TestLevelsAndNamedReaders(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		s := f.svc
		d, _ := f.held(access.Internal, access.Confidential)
		out := f.u("outsider")
		if _, err := s.Get(ctx, out, d.ID); err != nil {
			t.Fatalf("internal meeting hidden from staff: %v", err)
		}
		_, err := s.ReadMinutes(ctx, out, d.ID, "page")
		wantKind(t, err, errs.Forbidden)
		hits := must(s.Search(ctx, out, meeting.Filter{Text: "青松"}))
		if len(hits) != 0 {
			t.Fatalf("minutes text matched for an outsider: %+v", hits)
		}
		hits = must(s.Search(ctx, out, meeting.Filter{Text: "华润"}))
		if len(hits) != 1 || hits[0].Snippet == "" || containsAny(hits[0].Snippet, "青松", "180") {
			t.Fatalf("title search: %+v", hits)
		}
		_, err = s.SaveMinutes(ctx, f.u("recorder"), d.ID, meeting.MinutesInput{Topic: "x", Level: access.Public})
		wantKind(t, err, errs.Conflict) // distributed minutes are final

		f2 := newFixture(t, storetest.NewTestDB(t, kindOf(db)), at(2026, 4, 6, 9, 0))
		d2, _ := f2.held(access.Secret, access.Secret)
		sup := f2.addUser("supervisor2", "reception", access.Supervisor)
		exec := f2.addUser("exec2", "executive", access.Executive)
		_, err = f2.svc.Get(ctx, sup, d2.ID)
		wantKind(t, err, errs.Forbidden)
		must(f2.svc.ReadMinutes(ctx, exec, d2.ID, "page"))
		must(f2.svc.ReadMinutes(ctx, f2.u("attendee"), d2.ID, "page")) // named, though on leave or not
		// the client register lists meetings with the client, secret ones by number only
		hs := must(meeting.ClientHistory(ctx, f2.db, f2.org))
		if len(hs) != 1 || hs[0].Title != fmt.Sprintf("#%d", d2.ID) {
			t.Fatalf("client history of a secret meeting: %+v", hs)
		}
		if hs := must(meeting.ClientHistory(ctx, f.db, f.org)); len(hs) != 1 || hs[0].Title != d.Title {
			t.Fatalf("client history of an internal meeting: %+v", hs)
		}
	})
}

func kindOf(db *store.DB) string {
	if db.Dialect() == store.Postgres {
		return "postgres"
	}
	return "sqlite"
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
