package server_test

import (
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/meeting"
	"jiedai/internal/venue"
)

// internalKeys are the fields of reception and client records that only
// staff see: a client user's answer (and a guest's or client's link) must
// hold none of them (internal/reception ClientView and Invitation, the
// client register's ForClient).
var internalKeys = []string{`"kind":"meeting"`, `谈判底线`, `"budget_fen"`, `"tier_price_fen"`, `"tier"`, `"form"`, `"leader_name"`, `"gift_level"`, `"late"`, `"late_reason"`, `"status_note"`,
	`"comment"`, `"deadlines"`, `"applicant_id"`, `"liaison_id"`, `"people"`, `"notes"`, `"note"`, `"mobile"`, `"email"`, `"id_number_masked"`, `"contact_id"`}

// TestClientViewsHideInternalData calls every API read of the reception
// and client areas that the matrix allows the records' own client user
// (and the token links), as that user, and checks that the answer holds
// no internal field, with the fixtures' internal fields filled in.
func TestClientViewsHideInternalData(t *testing.T) {
	e := newAuthzEnv(t)
	e.orgs()
	e.clContact()
	// A meeting about orgA: client users never see meetings, not even in
	// their organisation's history.
	start := apptest.Start.Add(48 * time.Hour)
	if _, err := e.app.Meetings.Create(t.Context(), e.applicant(), meeting.Input{Type: meeting.TypeInternal, Title: "华信谈判底线", ClientOrgID: orgA,
		HostID: e.user, RecorderID: e.user, LeaderID: e.by[access.Executive].user.ID, StartAt: start, EndAt: start.Add(time.Hour), Level: access.Internal}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE client_orgs SET notes = '内部评价：付款拖延' WHERE id = 101`, `UPDATE client_contacts SET notes = '内部备注：决策人' WHERE org_id = 101`} {
		if _, err := e.app.DB.Exec(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, body := e.do(e.by[access.Office], "GET", true, call{path: "/api/v1/clients/101"}); !strings.Contains(body, `"kind":"meeting"`) {
		t.Fatalf("fixture: the meeting is not in the organisation's history for staff: %.300s", body)
	}
	// A client-bookable venue with an internal charge-back rate: the page
	// hides the rates from client users, the API shows them the public ones.
	in := venue.Defaults()
	in.Name, in.Code, in.Capacity, in.ClientBookable = "授权测试内部价厅", "AUTHZRATE", 20, true
	in.Rates.Internal.Hour, in.Rates.Client.Hour = 4321, 9876
	priced, err := e.app.Venues.Create(t.Context(), e.by[access.Office].actor, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/venues", "/api/v1/venues/" + idStr(priced.ID)} {
		_, st, body := e.do(e.by[clientA], "GET", true, call{path: p})
		if st != 200 || strings.Contains(body, "4321") || strings.Contains(body, `"internal"`) || (p != "/api/v1/venues" && !strings.Contains(body, "9876")) {
			t.Errorf("GET %s as %s: %d %.400s", p, clientA, st, body)
		}
	}
	if _, _, body := e.do(e.by[access.Staff], "GET", true, call{path: "/api/v1/venues/" + idStr(priced.ID)}); !strings.Contains(body, "4321") {
		t.Errorf("staff no longer see the internal rate: %.400s", body)
	}
	checked := 0
	for _, r := range policy() {
		method, pattern, _ := strings.Cut(r.route, " ")
		if method != "GET" || !r.allow(e)[clientA] {
			continue
		}
		area := false
		for _, p := range []string{"/api/v1/receptions", "/api/v1/clients", "/api/v1/invitations/", "/api/v1/surveys/"} {
			area = area || strings.HasPrefix(pattern, p)
		}
		if !area {
			continue
		}
		s := e.by[clientA]
		c := call{path: pattern}
		if r.make != nil {
			c = r.make(e, s, pattern)
		}
		_, st, body := e.do(s, method, true, c)
		if st != 200 {
			t.Errorf("%s as %s: status %d: %.200s", r.name(), clientA, st, body)
			continue
		}
		checked++
		for _, k := range internalKeys {
			if strings.Contains(body, k) {
				t.Errorf("%s shows the client user %s: %.600s", r.name(), k, body)
			}
		}
	}
	if checked < 6 {
		t.Fatalf("only %d client reads checked", checked)
	}
}
