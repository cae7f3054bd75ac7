package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// call sends a request and decodes the JSON answer into out (when given),
// failing unless the status is want.
func call(t *testing.T, method, url, tok, body string, want int, out any) string {
	t.Helper()
	code, resp := apptest.API(t, method, url, tok, body)
	if code != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, url, code, want, resp)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(resp), out); err != nil {
			t.Fatalf("%s %s: decode: %v: %s", method, url, err, resp)
		}
	}
	return resp
}

type apiReception struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	Late   bool   `json:"late"`
	OrgID  int64  `json:"org_id"`
}

// TestReceptionAPI walks a case through the API: draft, validation errors,
// submission, approval, the plan's rejection and approval, guest sign-in,
// a material's return and the visit report.
func TestReceptionAPI(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		u := srv.URL + "/api/v1"
		staff, manager, office, exec := apptest.Token(t, srv, "staff"), apptest.Token(t, srv, "manager"), apptest.Token(t, srv, "office"), apptest.Token(t, srv, "executive")

		// A draft with a malformed date is refused with the field named.
		var e struct {
			Error struct {
				Code, Field string
				Details     []struct{ Field, Message string }
			}
		}
		call(t, "POST", u+"/receptions", staff, `{"org_name":"杭州云栖科技有限公司","visit_date":"2026-03-32"}`, 422, &e)
		if e.Error.Code != "invalid" || e.Error.Field != "visit_date" {
			t.Fatalf("bad date: %+v", e)
		}
		var r apiReception
		call(t, "POST", u+"/receptions", staff, `{"org_name":"杭州云栖科技有限公司","visit_date":"2026-03-10"}`, 201, &r)
		if r.Status != "draft" {
			t.Fatalf("draft: %+v", r)
		}
		// Submitting the bare draft lists the missing fields.
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/submit", u, r.ID), staff, "", 422, &e)
		if len(e.Error.Details) < 4 {
			t.Fatalf("missing fields: %+v", e)
		}
		var me struct{ ID int64 }
		call(t, "GET", u+"/me", staff, "", 200, &me)
		full := fmt.Sprintf(`{"org_name":"杭州云栖科技有限公司","purpose":"参观数据中心并洽谈合作","visit_date":"2026-03-10","arrival_time":"10:00",
			"tier":"business","budget_fen":300000,"liaison_id":%d,"guest":{"name":"陈立","title":"总经理"},"companions":[{"name":"吴静","title":"助理"}],
			"form":{"arrival_mode":"car","plate_no":"浙A·8K888","companions":1,"parking":true,"tea":true,"tea_types":["green"],"meeting_room":true,"room_items":["projector"]}}`, me.ID)
		call(t, "PUT", fmt.Sprintf("%s/receptions/%d", u, r.ID), staff, full, 200, &r)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/submit", u, r.ID), staff, "", 200, &r)
		if r.Status != "pending" || r.Late || r.OrgID == 0 {
			t.Fatalf("submitted: %+v", r)
		}
		// The applicant may not approve; a reject needs a comment.
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/approve", u, r.ID), staff, `{}`, 403, nil)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/reject", u, r.ID), manager, `{}`, 422, nil)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/approve", u, r.ID), manager, `{"comment":"同意"}`, 200, &r)
		if r.Status != "planning" {
			t.Fatalf("approved: %+v", r)
		}
		var ds struct {
			Duties []struct {
				ID     int64 `json:"id"`
				Offset int   `json:"offset"`
				Task   struct {
					OwnerID int64 `json:"owner_id"`
				} `json:"task"`
			} `json:"duties"`
		}
		call(t, "GET", fmt.Sprintf("%s/receptions/%d/duties", u, r.ID), office, "", 200, &ds)
		if len(ds.Duties) == 0 {
			t.Fatal("no duties")
		}
		var officeMe struct{ ID int64 }
		call(t, "GET", u+"/me", office, "", 200, &officeMe)
		for _, d := range ds.Duties {
			if d.Task.OwnerID == 0 {
				call(t, "PUT", fmt.Sprintf("%s/reception-duties/%d", u, d.ID), office, fmt.Sprintf(`{"owner_id":%d,"offset":%d}`, officeMe.ID, d.Offset), 204, nil)
			}
		}
		// The plan cannot go up before the meeting room it asked for is held:
		// booked as internal use approved with the case.
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/submit-plan", u, r.ID), office, "", 422, nil)
		var vs struct {
			Venues []struct {
				ID       int64 `json:"id"`
				Capacity int   `json:"capacity"`
			} `json:"venues"`
		}
		call(t, "GET", u+"/venues", office, "", 200, &vs)
		var room struct {
			ID      int64  `json:"id"`
			Purpose string `json:"purpose"`
			Status  string `json:"status"`
		}
		for _, v := range vs.Venues {
			if v.Capacity >= 10 {
				call(t, "POST", fmt.Sprintf("%s/receptions/%d/room", u, r.ID), office, fmt.Sprintf(`{"venue_id":%d,"start":"10:30","end":"11:30"}`, v.ID), 201, &room)
				break
			}
		}
		if room.Purpose != "internal" || room.Status != "confirmed" {
			t.Fatalf("case room: %+v", room)
		}
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/submit-plan", u, r.ID), office, "", 200, &r)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/reject", u, r.ID), exec, `{"comment":"增加参观路线安排"}`, 200, &r)
		if r.Status != "planning" {
			t.Fatalf("plan rejected: %+v", r)
		}
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/itinerary", u, r.ID), office, `{"kind":"tour","start":"11:30","end":"12:00","place":"数据中心展厅"}`, 204, nil)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/submit-plan", u, r.ID), office, "", 200, &r)
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/approve", u, r.ID), exec, `{}`, 200, &r)
		if r.Status != "ready" {
			t.Fatalf("plan approved: %+v", r)
		}
		var ap struct {
			Application struct{ Status string } `json:"application"`
			Plan        struct {
				Status  string
				History []struct{ Decision string }
			} `json:"plan"`
		}
		call(t, "GET", fmt.Sprintf("%s/receptions/%d/approvals", u, r.ID), staff, "", 200, &ap)
		if ap.Application.Status != "approved" || ap.Plan.Status != "approved" {
			t.Fatalf("approvals: %+v", ap)
		}

		// Materials: borrow a projector and record its return.
		call(t, "POST", u+"/reception-items", office, `{"name":"无线话筒","category":"设备","unit":"台","stock":2,"active":true}`, 201, nil)
		var items struct {
			Items []struct {
				ID   int64
				Name string
			}
		}
		call(t, "GET", u+"/reception-items", office, "", 200, &items)
		var itemID int64
		for _, it := range items.Items {
			if it.Name == "无线话筒" {
				itemID = it.ID
			}
		}
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/materials", u, r.ID), office, fmt.Sprintf(`{"item_id":%d,"qty":1,"purchase":false}`, itemID), 204, nil)
		var ms struct {
			Materials []struct{ ID int64 } `json:"materials"`
		}
		call(t, "GET", fmt.Sprintf("%s/receptions/%d/materials", u, r.ID), office, "", 200, &ms)
		mid := ms.Materials[0].ID
		call(t, "POST", fmt.Sprintf("%s/reception-materials/%d/borrow", u, mid), office, "", 204, nil)

		// Sign a guest in at the desk; the visit starts.
		var gs struct {
			Guests []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"guests"`
			Count struct{ Arrived int } `json:"count"`
		}
		call(t, "GET", fmt.Sprintf("%s/receptions/%d/guests?q=陈", u, r.ID), apptest.Token(t, srv, "receptionist"), "", 200, &gs)
		if len(gs.Guests) != 1 || gs.Guests[0].Name != "陈立" {
			t.Fatalf("find guest: %+v", gs)
		}
		var g struct {
			ArrivedAt string `json:"arrived_at"`
			IDMasked  string `json:"id_number_masked"`
		}
		call(t, "POST", fmt.Sprintf("%s/reception-guests/%d/sign-in", u, gs.Guests[0].ID), apptest.Token(t, srv, "receptionist"),
			`{"mobile":"13588889999","id_number":"330106198803150018"}`, 200, &g)
		// The receptionist at the desk is not on the case's division of
		// labour: the guest's details are for those working on the case.
		if g.ArrivedAt == "" || g.IDMasked != "" {
			t.Fatalf("signed in: %+v", g)
		}
		var officeList struct {
			Guests []struct {
				IDMasked string `json:"id_number_masked"`
				Mobile   string `json:"mobile"`
			} `json:"guests"`
		}
		call(t, "GET", fmt.Sprintf("%s/receptions/%d/guests?q=陈", u, r.ID), office, "", 200, &officeList)
		if len(officeList.Guests) != 1 || officeList.Guests[0].IDMasked != "330106********0018" || officeList.Guests[0].Mobile != "13588889999" {
			t.Fatalf("the office's guest list: %+v", officeList)
		}
		call(t, "GET", fmt.Sprintf("%s/receptions/%d", u, r.ID), staff, "", 200, &r)
		if r.Status != "ongoing" {
			t.Fatalf("after sign-in: %+v", r)
		}
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/finish", u, r.ID), office, "", 200, &r)
		call(t, "POST", fmt.Sprintf("%s/reception-materials/%d/return", u, mid), office, `{"returned":1}`, 204, nil)
		call(t, "POST", fmt.Sprintf("%s/reception-materials/%d/check", u, mid), office, "", 204, nil)
		call(t, "POST", fmt.Sprintf("%s/reception-materials/%d/return", u, mid), office, `{"returned":1}`, 409, nil)
		var rep struct {
			Report struct {
				SubmittedAt string `json:"submitted_at"`
			} `json:"report"`
			FollowUps []struct{ Title string } `json:"follow_ups"`
		}
		call(t, "POST", fmt.Sprintf("%s/receptions/%d/report", u, r.ID), staff, fmt.Sprintf(`{"feedback":"满意","discussed":"机房托管合作","intention":"medium","next_steps":"报价",
			"follow_ups":[{"title":"发送报价单","owner_id":%d,"due":"2026-03-12"}],"submit":true}`, me.ID), 200, &rep)
		if rep.Report.SubmittedAt == "" || len(rep.FollowUps) != 1 {
			t.Fatalf("report: %+v", rep)
		}

		// The client survey link needs no login.
		var svs struct {
			Surveys []struct {
				Kind    string
				Answers []struct{ Seq int }
			}
		}
		call(t, "GET", fmt.Sprintf("%s/receptions/%d/surveys", u, r.ID), office, "", 200, &svs)
		if len(svs.Surveys) != 2 {
			t.Fatalf("surveys: %+v", svs)
		}
		var tok string
		if err := db.QueryRow(t.Context(), `SELECT token FROM reception_surveys WHERE reception_id = ? AND kind = 'client'`, r.ID).Scan(&tok); err != nil {
			t.Fatal(err)
		}
		var scores []string
		for _, an := range svs.Surveys[0].Answers {
			scores = append(scores, fmt.Sprintf(`{"seq":%d,"score":9}`, an.Seq))
		}
		call(t, "GET", u+"/surveys/"+tok, "", "", 200, nil)
		call(t, "POST", u+"/surveys/"+tok, "", `{"respondent":"陈立","scores":[`+strings.Join(scores, ",")+`]}`, 200, nil)
		call(t, "POST", u+"/surveys/nosuchtoken", "", `{"scores":[]}`, 404, nil)
		var report struct {
			Rows []struct {
				Key        string  `json:"key"`
				AvgPercent float64 `json:"avg_percent"`
			} `json:"rows"`
		}
		call(t, "GET", u+"/reception-survey-report?by=tier&from=2026-03-01&to=2026-03-31", office, "", 200, &report)
		found := false
		for _, row := range report.Rows {
			if row.Key == "business" && row.AvgPercent == 90 {
				found = true
			}
		}
		if !found {
			t.Fatalf("survey report: %+v", report)
		}
	})
}

// The reception and client routes are in the OpenAPI document.
func TestReceptionOpenAPI(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	code, body := apptest.API(t, "GET", srv.URL+"/api/v1/openapi.json", "", "")
	if code != 200 {
		t.Fatalf("openapi.json: %d", code)
	}
	for _, p := range []string{"/api/v1/receptions", "/api/v1/receptions/{id}", "/api/v1/receptions/{id}/submit", "/api/v1/receptions/{id}/approve",
		"/api/v1/receptions/{id}/reject", "/api/v1/reception-guests/{id}/sign-in", "/api/v1/reception-materials/{id}/return", "/api/v1/receptions/{id}/report",
		"/api/v1/surveys/{token}", "/api/v1/clients", "/api/v1/clients/{id}/merge"} {
		if !strings.Contains(body, `"`+p+`"`) {
			t.Errorf("path %s missing from the OpenAPI document", p)
		}
	}
}

// TestClientsAPI: organisations, contacts, a client user's own view, merge.
func TestClientsAPI(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	u := srv.URL + "/api/v1"
	staff, office := apptest.Token(t, srv, "staff"), apptest.Token(t, srv, "office")
	var o1, o2 struct{ ID int64 }
	call(t, "POST", u+"/clients", staff, `{"name":"苏州工业园区星海精密有限公司","industry":"制造业"}`, 201, &o1)
	call(t, "POST", u+"/clients", staff, `{"name":"星海精密（苏州）","phone":"0512-6666 8888"}`, 201, &o2)
	call(t, "POST", u+"/clients", staff, `{"name":"苏州工业园区星海精密 有限公司"}`, 422, nil)
	call(t, "POST", fmt.Sprintf("%s/clients/%d/contacts", u, o2.ID), staff, `{"name":"顾敏","title":"行政经理","mobile":"13912345678"}`, 201, nil)
	call(t, "POST", fmt.Sprintf("%s/clients/%d/merge", u, o1.ID), staff, fmt.Sprintf(`{"duplicate_id":%d}`, o2.ID), 403, nil)
	var merged struct {
		Phone        string `json:"phone"`
		ContactCount int    `json:"contact_count"`
	}
	call(t, "POST", fmt.Sprintf("%s/clients/%d/merge", u, o1.ID), office, fmt.Sprintf(`{"duplicate_id":%d}`, o2.ID), 200, &merged)
	if merged.Phone != "0512-6666 8888" || merged.ContactCount != 1 {
		t.Fatalf("merged: %+v", merged)
	}
	var detail struct {
		Client   struct{ Name string }
		Contacts []struct{ Name string }
	}
	call(t, "GET", fmt.Sprintf("%s/clients/%d", u, o1.ID), staff, "", 200, &detail)
	if len(detail.Contacts) != 1 || detail.Contacts[0].Name != "顾敏" {
		t.Fatalf("detail: %+v", detail)
	}
}
