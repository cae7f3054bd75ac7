package api_test

import (
	"fmt"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestClientReceptionView: a client user of the case's organisation reads
// the case, the list and the itinerary without the internal data the page
// hides (budgets, tier price, hotel and lunch, gifts, the leader met, the
// reviewers' comments), and may not read the review chains; the invitation
// link shows neither the guest's note nor their contact details.
func TestClientReceptionView(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		u := srv.URL + "/api/v1"
		staff, manager, office, cl := apptest.Token(t, srv, "staff"), apptest.Token(t, srv, "manager"), apptest.Token(t, srv, "office"), apptest.Token(t, srv, "client")
		var org int64
		if err := db.QueryRow(t.Context(), `SELECT org_id FROM users WHERE username = 'client'`).Scan(&org); err != nil {
			t.Fatal(err)
		}
		var me struct{ ID int64 }
		call(t, "GET", u+"/me", staff, "", 200, &me)
		app := fmt.Sprintf(`{"org_id":%d,"purpose":"洽谈年度框架协议","visit_date":"2026-03-20","arrival_time":"10:00","tier":"high","budget_fen":8888800,"liaison_id":%d,
			"guest":{"name":"陈立","title":"总经理"},"form":{"arrival_mode":"car","plate_no":"浙A8K888","hotel":{"need":true,"place":"西湖国宾馆","budget_fen":6666600},
			"lunch":{"need":true,"place":"楼外楼","headcount":4,"budget_fen":7777700},"gifts":true,"gift_level":"fine","leader_appointment":true,"leader_name":"董事长秘密会见"}}`, org, me.ID)
		var r apiReception
		call(t, "POST", u+"/receptions", staff, app, 201, &r)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/submit", u, r.ID), staff, "", 200, &r)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/approve", u, r.ID), manager, `{"comment":"底价不低于八十万"}`, 200, &r)
		if r.Status != "planning" {
			t.Fatalf("approved: %+v", r)
		}
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/itinerary", u, r.ID), office, `{"kind":"negotiation","start":"10:30","end":"11:30","place":"一号会议室","people":"董事长秘密会见","notes":"让步上限百分之五"}`, 204, nil)
		var g struct {
			ID int64 `json:"id"`
		}
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/guests", u, r.ID), office, `{"name":"吴静","mobile":"13912345678","email":"wu@example.com","note":"内部备注：对价格敏感"}`, 201, &g)

		secrets := []string{"8888800", "6666600", "7777700", "budget_fen", "tier_price", "gift_level", "董事长秘密会见", "底价不低于八十万", "让步上限", "\"form\"", "\"late\"", "\"tier\"", "applicant_id", "deadlines"}
		noSecrets := func(what, body string) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s shows the client %q: %s", what, s, body)
				}
			}
		}
		body := call(t, "GET", fmt.Sprintf("%s/receptions/%d", u, r.ID), cl, "", 200, nil)
		noSecrets("the case", body)
		if !strings.Contains(body, "洽谈年度框架协议") || !strings.Contains(body, "陈立") {
			t.Errorf("the client view lacks the purpose or guest: %s", body)
		}
		noSecrets("the list", call(t, "GET", u+"/receptions", cl, "", 200, nil))
		noSecrets("the itinerary", call(t, "GET", fmt.Sprintf("%s/receptions/%d/itinerary", u, r.ID), cl, "", 200, nil))
		call(t, "GET", fmt.Sprintf("%s/receptions/%d/approvals", u, r.ID), cl, "", 403, nil)
		// Staff still read it all.
		if body := call(t, "GET", fmt.Sprintf("%s/receptions/%d", u, r.ID), staff, "", 200, nil); !strings.Contains(body, "8888800") || !strings.Contains(body, "董事长秘密会见") {
			t.Errorf("staff lost the internal fields: %s", body)
		}

		var tok string
		if err := db.QueryRow(t.Context(), `SELECT token FROM reception_guests WHERE id = ?`, g.ID).Scan(&tok); err != nil {
			t.Fatal(err)
		}
		inv := call(t, "GET", u+"/invitations/"+tok, "", "", 200, nil)
		for _, s := range []string{"内部备注", "13912345678", "wu@example.com", "note", "contact_id"} {
			if strings.Contains(inv, s) {
				t.Errorf("the invitation link shows %q: %s", s, inv)
			}
		}
		if !strings.Contains(inv, "吴静") {
			t.Errorf("the invitation lacks the guest's name: %s", inv)
		}
	})
}
