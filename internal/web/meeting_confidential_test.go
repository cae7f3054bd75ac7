package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/audit"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// secrets are words that appear only in the demo's confidential
// negotiation (its title, client, minutes and action items); searches use
// part of them, which the search box itself echoes.
var secrets = []string{"青松资本", "185 元", "底价", "报价函", "整层租赁"}

func leaks(body string) string {
	for _, s := range secrets {
		if strings.Contains(body, s) {
			return s
		}
	}
	return ""
}

// TestConfidentialMinutesOverHTTP signs in a member of staff who is neither
// named on the demo's confidential negotiation nor cleared for its level,
// and tries every route to it: pages, print, export, versions, tracking
// table, action item, calendar invitation, the archive search, lists, the
// today page and the API. Each direct route answers 403 and no response
// carries any of its content; every attempt is in the audit log as
// read_denied, visible to the admin, and a named reader's reads are logged
// as read.
func TestConfidentialMinutesOverHTTP(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		hits, err := a.Meetings.Search(ctx, access.SystemActor(), meeting.Filter{Text: "青松资本整层租赁"})
		if err != nil || len(hits) != 1 || hits[0].Level != access.Confidential {
			t.Fatalf("demo confidential meeting: %+v %v", hits, err)
		}
		id := hits[0].ID
		items, err := a.Meetings.Actions(ctx, access.SystemActor(), meeting.ActionFilter{MeetingID: id}, "test")
		if err != nil || len(items) == 0 {
			t.Fatalf("its action items: %v", err)
		}
		item := items[0].ID
		staff, err := a.Auth.GetByUsername(ctx, "staff")
		if err != nil {
			t.Fatal(err)
		}

		file, err := a.Files.Add(ctx, access.SystemActor(), meeting.EntityMeeting, id, "青松资本报价测算.txt", []byte("底价 180 元测算表"))
		if err != nil {
			t.Fatalf("attach material: %v", err)
		}

		web := apptest.Login(t, srv, "staff")
		code, body := apptest.Get(t, web, fmt.Sprintf("%s/attachments/%d", srv.URL, file.ID))
		if code != 403 || leaks(body) != "" {
			t.Errorf("material download: %d, leak %q", code, leaks(body))
		}
		direct := []string{
			"/meetings/%d", "/meetings/%d/edit", "/meetings/%d/minutes", "/meetings/%d/minutes/print", "/meetings/%d/minutes/export",
			"/meetings/%d/minutes/v/1", "/meetings/%d/actions", "/meetings/%d/invite.ics", "/meetings/%d/wrapup",
		}
		for _, p := range direct {
			u := srv.URL + fmt.Sprintf(p, id)
			code, body := apptest.Get(t, web, u)
			if code != 403 {
				t.Errorf("GET %s: %d, want 403", u, code)
			}
			if s := leaks(body); s != "" {
				t.Errorf("GET %s leaks %q", u, s)
			}
		}
		code, body = apptest.Get(t, web, fmt.Sprintf("%s/action-items/%d", srv.URL, item))
		if code != 403 || leaks(body) != "" {
			t.Errorf("action item page: %d, leak %q", code, leaks(body))
		}
		for _, p := range []string{"/meetings?q=%E9%9D%92%E6%9D%BE", "/meetings?q=185", "/meetings?client=%E9%9D%92%E6%9D%BE", "/meetings", "/action-items?view=host", "/action-items?view=mine", "/action-items?view=all", "/", "/inbox"} {
			code, body := apptest.Get(t, web, srv.URL+p)
			if code != 200 {
				t.Errorf("GET %s: %d", p, code)
			}
			if s := leaks(body); s != "" {
				t.Errorf("GET %s leaks %q", p, s)
			}
		}
		// Posting to it is refused as well.
		resp, err := web.PostForm(fmt.Sprintf("%s/meetings/%d/minutes/approve", srv.URL, id), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Errorf("approve by outsider: %d", resp.StatusCode)
		}

		tok := apptest.Token(t, srv, "staff")
		for _, p := range []string{"/meetings/%d", "/meetings/%d/minutes", "/meetings/%d/minutes/versions/1", "/meetings/%d/tracking", "/meetings/%d/invite.ics",
			"/meetings/%d/negotiation", "/meetings/%d/review", "/meetings/%d/wrapup"} {
			u := srv.URL + "/api/v1" + fmt.Sprintf(p, id)
			code, body := apptest.API(t, "GET", u, tok, "")
			if code != 403 || !strings.Contains(body, `"code":"forbidden"`) {
				t.Errorf("API GET %s: %d %s", u, code, body)
			}
			if s := leaks(body); s != "" {
				t.Errorf("API GET %s leaks %q", u, s)
			}
		}
		code, body = apptest.API(t, "GET", fmt.Sprintf("%s/api/v1/action-items/%d", srv.URL, item), tok, "")
		if code != 403 || leaks(body) != "" {
			t.Errorf("API action item: %d %s", code, body)
		}
		for _, p := range []string{"/meetings?q=%E9%9D%92%E6%9D%BE", "/meetings?q=185", "/meetings?limit=200", "/action-items", "/action-items?overdue=true", "/today", "/inbox"} {
			code, body := apptest.API(t, "GET", srv.URL+"/api/v1"+p, tok, "")
			if code != 200 {
				t.Errorf("API GET %s: %d %s", p, code, body)
			}
			if s := leaks(body); s != "" {
				t.Errorf("API GET %s leaks %q", p, s)
			}
		}
		// The engines' own lists never carry the content either.
		for _, q := range []string{`SELECT title FROM approval_chains`, `SELECT title || description FROM tasks`, `SELECT args FROM notifications`} {
			rows, err := db.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				if l := leaks(s); l != "" {
					t.Errorf("%s carries %q: %s", q, l, s)
				}
			}
			rows.Close()
		}

		// Every denied attempt is logged, and the admin sees it.
		denied, err := audit.List(ctx, db, access.SystemActor(), audit.Filter{ActorID: staff.ID, Action: meeting.ActionReadDenied, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		vias := map[string]bool{}
		for _, e := range denied {
			var after struct{ Via string }
			_ = json.Unmarshal([]byte(e.After), &after)
			vias[after.Via] = true
		}
		for _, via := range []string{"page", "print", "export", "ics", "api"} {
			if !vias[via] {
				t.Errorf("no read_denied logged for route %s (have %v)", via, vias)
			}
		}
		if len(denied) < len(direct)+6 {
			t.Errorf("%d denied reads logged, want at least %d", len(denied), len(direct)+6)
		}
		admin := apptest.Token(t, srv, "admin")
		code, body = apptest.API(t, "GET", fmt.Sprintf("%s/api/v1/audit?action=read_denied&entity=meeting_minutes&entity_id=%d", srv.URL, id), admin, "")
		if code != 200 || !strings.Contains(body, `"actor_name":"staff"`) {
			t.Errorf("admin's view of denied reads: %d %s", code, body)
		}
		adminWeb := apptest.Login(t, srv, "admin")
		code, body = apptest.Get(t, adminWeb, fmt.Sprintf("%s/admin/audit?action=read_denied&entity=meeting_minutes&entity_id=%d", srv.URL, id))
		if code != 200 || !strings.Contains(body, "staff") {
			t.Errorf("admin audit page: %d", code)
		}

		// A named reader gets it, and the read is logged.
		legal := apptest.Login(t, srv, "legal")
		code, body = apptest.Get(t, legal, fmt.Sprintf("%s/meetings/%d/minutes/print", srv.URL, id))
		if code != 200 || !strings.Contains(body, "底价") {
			t.Fatalf("named reader: %d", code)
		}
		lu, _ := a.Auth.GetByUsername(ctx, "legal")
		reads, err := audit.List(ctx, db, access.SystemActor(), audit.Filter{ActorID: lu.ID, Action: meeting.ActionRead, Entity: meeting.EntityMinutes, EntityID: id})
		if err != nil || len(reads) == 0 {
			t.Fatalf("named reader's read not logged: %v", err)
		}
	})
}
