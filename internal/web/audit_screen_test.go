package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/audit"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestAuditLogWithholdsSecretMeeting: the demo's confidential negotiation,
// raised to secret, is refused to the auditor; the audit log, on the page
// and in the API alike, shows them its rows (who, when, what action) with
// the content withheld and the translated marker, while the executive and
// the admin read them whole. Page and API agree on the rows and on the
// date range (a "to" date includes its day on both).
func TestAuditLogWithholdsSecretMeeting(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		hits, err := a.Meetings.Search(ctx, access.SystemActor(), meeting.Filter{Text: "青松资本整层租赁"})
		if err != nil || len(hits) != 1 {
			t.Fatalf("demo confidential meeting: %+v %v", hits, err)
		}
		id := hits[0].ID
		for _, q := range []string{`UPDATE meetings SET level = 'secret' WHERE id = ?`, `UPDATE meeting_minutes SET level = 'secret' WHERE meeting_id = ?`} {
			if _, err := db.Exec(ctx, q, id); err != nil {
				t.Fatal(err)
			}
		}
		auditor, err := a.Auth.GetByUsername(ctx, "audit")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Meetings.Get(ctx, auditor.Actor(""), id); err == nil {
			t.Fatal("the auditor may read the secret meeting: the test needs one they may not")
		}
		all, err := audit.List(ctx, db, access.SystemActor(), audit.Filter{Entity: meeting.EntityMeeting, EntityID: id, Limit: 500})
		if err != nil || len(all) == 0 {
			t.Fatalf("the meeting's audit rows: %d %v", len(all), err)
		}
		// the days of its first and last rows, in the site's zone
		first, last := all[0].At, all[0].At
		for _, e := range all {
			if e.At.Before(first) {
				first = e.At
			}
			if e.At.After(last) {
				last = e.At
			}
		}
		filter := fmt.Sprintf("entity=meeting&entity_id=%d&from=%s&to=%s", id, first.In(a.Loc).Format(time.DateOnly), last.In(a.Loc).Format(time.DateOnly))

		type apiRows struct {
			Entries []audit.Entry `json:"entries"`
		}
		api := func(user string) apiRows {
			t.Helper()
			code, body := apptest.API(t, "GET", srv.URL+"/api/v1/audit?limit=500&"+filter, apptest.Token(t, srv, user), "")
			if code != 200 {
				t.Fatalf("API audit as %s: %d %s", user, code, body)
			}
			var out apiRows
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		page := func(user string) string {
			t.Helper()
			code, body := apptest.Get(t, apptest.Login(t, srv, user), srv.URL+"/admin/audit?"+filter)
			if code != 200 {
				t.Fatalf("audit page as %s: %d", user, code)
			}
			return body
		}

		got := api("audit")
		if len(got.Entries) != len(all) {
			t.Fatalf("API shows the auditor %d of the meeting's %d rows (the to date must include its day)", len(got.Entries), len(all))
		}
		for _, e := range got.Entries {
			if !e.Withheld || e.Before != "" || e.After != "" || e.ActorName == "" || e.Action == "" {
				t.Errorf("API row for the auditor: %+v", e)
			}
		}
		body := page("audit")
		if s := leaks(body); s != "" {
			t.Errorf("audit page leaks %q to the auditor", s)
		}
		if n := strings.Count(body, "内容已隐去"); n != len(all) {
			t.Errorf("audit page marks %d rows withheld, the API %d", n, len(all))
		}
		code, body2 := apptest.API(t, "GET", srv.URL+"/api/v1/audit?limit=500", apptest.Token(t, srv, "audit"), "")
		if s := leaks(body2); code != 200 || s != "" {
			t.Errorf("unfiltered API audit leaks %q (%d)", s, code)
		}

		// a material's upload row follows its meeting
		file, err := a.Files.Add(ctx, access.SystemActor(), meeting.EntityMeeting, id, "青松资本报价测算.txt", []byte("底价测算"))
		if err != nil {
			t.Fatal(err)
		}
		for user, withheld := range map[string]bool{"audit": true, "executive": false} {
			code, body := apptest.API(t, "GET", fmt.Sprintf("%s/api/v1/audit?entity=attachment&entity_id=%d", srv.URL, file.ID), apptest.Token(t, srv, user), "")
			if code != 200 || strings.Contains(body, `"withheld":true`) != withheld || (leaks(body) != "") == withheld {
				t.Errorf("material's audit row as %s: %d %s", user, code, body)
			}
		}

		for _, user := range []string{"executive", "admin"} {
			got := api(user)
			var text strings.Builder
			for _, e := range got.Entries {
				if e.Withheld {
					t.Errorf("withheld from %s: %+v", user, e)
				}
				text.WriteString(e.Before + e.After)
			}
			if len(got.Entries) < len(all) || leaks(text.String()) == "" { // their reads through the log add rows
				t.Errorf("%s reads %d rows without the content", user, len(got.Entries))
			}
			if strings.Contains(page(user), "内容已隐去") {
				t.Errorf("audit page withholds from %s", user)
			}
		}
	})
}
