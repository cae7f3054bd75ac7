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

// TestEraseAPI: the office erases a guest and a client contact through the
// API (PIPL); staff and the client user may not; the erasure is audited
// and a second one is refused.
func TestEraseAPI(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		u := srv.URL + "/api/v1"
		staff, office, sup, cl := apptest.Token(t, srv, "staff"), apptest.Token(t, srv, "office"), apptest.Token(t, srv, "supervisor"), apptest.Token(t, srv, "client")
		var org int64
		if err := db.QueryRow(t.Context(), `SELECT org_id FROM users WHERE username = 'client'`).Scan(&org); err != nil {
			t.Fatal(err)
		}
		var c struct{ ID int64 }
		call(t, "POST", fmt.Sprintf("%s/clients/%d/contacts", u, org), staff, `{"name":"顾敏","mobile":"13700001111","notes":"喜欢打高尔夫"}`, 201, &c)
		call(t, "POST", fmt.Sprintf("%s/client-contacts/%d/erase", u, c.ID), staff, "", 403, nil)
		call(t, "POST", fmt.Sprintf("%s/client-contacts/%d/erase", u, c.ID), cl, "", 403, nil)
		call(t, "POST", fmt.Sprintf("%s/client-contacts/%d/erase", u, c.ID), office, "", 204, nil)
		call(t, "POST", fmt.Sprintf("%s/client-contacts/%d/erase", u, c.ID), office, "", 409, nil)
		body := call(t, "GET", fmt.Sprintf("%s/clients/%d", u, org), staff, "", 200, nil)
		if strings.Contains(body, "13700001111") || strings.Contains(body, "顾敏") || !strings.Contains(body, "erased_at") {
			t.Errorf("the erased contact: %s", body)
		}
		audit := call(t, "GET", fmt.Sprintf("%s/audit?entity=client_contact&entity_id=%d", u, c.ID), apptest.Token(t, srv, "admin"), "", 200, nil)
		if !strings.Contains(audit, `"erase"`) || strings.Contains(audit, "13700001111") || strings.Contains(audit, "喜欢打高尔夫") {
			t.Errorf("the audit log of the erased contact: %s", audit)
		}

		var g struct {
			ID int64 `json:"id"`
		}
		var list struct {
			Receptions []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"receptions"`
		}
		call(t, "GET", u+"/receptions?status=planning", office, "", 200, &list)
		if len(list.Receptions) == 0 {
			t.Fatal("no case in planning")
		}
		rid := list.Receptions[0].ID
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/guests", u, rid), office, `{"name":"欧阳明月","mobile":"13912345678"}`, 201, &g)
		call(t, "POST", fmt.Sprintf("%s/reception-guests/%d/erase", u, g.ID), staff, "", 403, nil)
		call(t, "POST", fmt.Sprintf("%s/reception-guests/%d/erase", u, g.ID), sup, "", 204, nil)
		if body := call(t, "GET", fmt.Sprintf("%s/receptions/%d/guests", u, rid), office, "", 200, nil); strings.Contains(body, "欧阳明月") || strings.Contains(body, "13912345678") {
			t.Errorf("the erased guest: %s", body)
		}
	})
}
