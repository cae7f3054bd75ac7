package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// mcall sends a JSON request and decodes the answer into out (when given),
// failing unless the status is want.
func mcall(t *testing.T, method, u, tok, body string, want int, out any) string {
	t.Helper()
	code, resp := apptest.API(t, method, u, tok, body)
	if code != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, u, code, want, resp)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(resp), out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, u, resp, err)
		}
	}
	return resp
}

// TestMeetingOverTheAPI runs a meeting through the API from the request to
// the acceptance of its action item, with the 24-hour draft deadline
// missed on the fake clock, and checks the errors on the way.
func TestMeetingOverTheAPI(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, fc := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		u := srv.URL + "/api/v1"
		ctx := t.Context()
		ids := map[string]int64{}
		toks := map[string]string{}
		for _, n := range []string{"staff", "manager", "executive", "receptionist", "leasing", "service", "engineering"} {
			usr, err := a.Auth.GetByUsername(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			ids[n] = usr.ID
			toks[n] = apptest.Token(t, srv, n)
		}
		start := fc.Now().Add(48 * time.Hour)
		var room int64
		vs, err := a.Venues.All(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if v.Code == "TH" {
				room = v.ID
			}
		}
		// A bare booking id that is not the user's own is refused.
		mcall(t, "POST", u+"/meetings", toks["staff"], fmt.Sprintf(`{"type":"internal","title":"x","host_id":%d,"start_at":%q,"end_at":%q,"booking_id":999999}`,
			ids["manager"], start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)), 422, nil)
		body := fmt.Sprintf(`{"type":"revisit","title":"恒星酒店管理回访会","client_name":"恒星酒店管理有限公司","host_id":%d,"recorder_id":%d,"leader_id":%d,
			"start_at":%q,"end_at":%q,"venue_id":%d,
			"agenda":[{"topic":"服务回顾","minutes":30},{"topic":"续约意向","minutes":40}],
			"attendees":[{"kind":"required","user_id":%d},{"kind":"invited","guest_name":"钱总","guest_org":"恒星酒店"}],"cc_departments":[]}`,
			ids["manager"], ids["receptionist"], ids["executive"], start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339), room, ids["leasing"])
		var m struct {
			ID        int64    `json:"id"`
			Status    string   `json:"status"`
			BookingID int64    `json:"booking_id"`
			Warnings  []string `json:"warnings"`
			NoticeSeq int      `json:"notice_seq"`
			Agenda    []struct{ ID int64 }
			Can       map[string]bool `json:"can"`
		}
		mcall(t, "POST", u+"/meetings", toks["staff"], body, 201, &m)
		if m.Status != "draft" || m.BookingID == 0 || len(m.Warnings) != 1 {
			t.Fatalf("created: %+v", m)
		}
		mu := fmt.Sprintf("%s/meetings/%d", u, m.ID)
		// validation errors name the field
		resp := mcall(t, "POST", u+"/meetings", toks["staff"], strings.Replace(body, `"title":"恒星酒店管理回访会"`, `"title":""`, 1), 422, nil)
		if e := decodeErr(t, resp); e.Error.Field != "title" {
			t.Fatalf("empty title: %s", resp)
		}
		mcall(t, "POST", mu+"/decision", toks["executive"], `{"decision":"approve"}`, 409, nil) // not requested yet
		mcall(t, "POST", mu+"/submit", toks["staff"], "", 200, &m)
		mcall(t, "POST", mu+"/decision", toks["manager"], `{"decision":"approve"}`, 403, nil)
		mcall(t, "POST", mu+"/decision", toks["executive"], `{"decision":"approve","comment":"同意"}`, 200, &m)
		mcall(t, "POST", mu+"/notice", toks["staff"], "", 200, &m)
		if m.Status != "notified" || m.NoticeSeq != 1 {
			t.Fatalf("after notice: %+v", m)
		}
		code, ics := apptest.API(t, "GET", mu+"/invite.ics", toks["leasing"], "")
		if code != 200 || !strings.Contains(ics, "BEGIN:VEVENT") || !strings.Contains(ics, "恒星酒店管理回访会") {
			t.Fatalf("invitation: %d %s", code, ics)
		}
		mcall(t, "POST", mu+"/leave", toks["leasing"], `{"reason":"外出","substitute_id":0}`, 204, nil)
		fc.Set(start.Add(-5 * time.Minute))
		mcall(t, "POST", mu+"/sign-in", toks["receptionist"], `{"attendee_id":0}`, 403, nil) // recorder is no attendee
		mcall(t, "POST", mu+"/start", toks["manager"], "", 200, &m)
		fc.Set(start.Add(time.Hour))
		mcall(t, "POST", mu+"/end", toks["manager"], "", 200, &m)

		// minutes: drafted at 25 h, so late; the API shows it
		fc.Set(start.Add(26 * time.Hour))
		draft := fmt.Sprintf(`{"topic":"恒星酒店管理回访会会议纪要","points":[{"agenda_item_id":%d,"text":"客户满意"}],"decisions":[{"text":"续签一年"}],"note":"初稿"}`, m.Agenda[0].ID)
		var mn struct {
			Status   string `json:"status"`
			Version  int    `json:"version"`
			Late     bool   `json:"draft_late"`
			SendLate bool   `json:"send_late"`
		}
		mcall(t, "PUT", mu+"/minutes", toks["receptionist"], draft, 200, &mn)
		mcall(t, "PUT", mu+"/minutes", toks["leasing"], draft, 403, nil)
		mcall(t, "POST", mu+"/minutes/submit", toks["receptionist"], "", 200, &mn)
		var view struct {
			Minutes struct {
				Status    string `json:"status"`
				DraftLate bool   `json:"draft_late"`
				SendLate  bool   `json:"send_late"`
			} `json:"minutes"`
			Resolutions []struct{ ID int64 } `json:"resolutions"`
		}
		mcall(t, "GET", mu+"/minutes", toks["manager"], "", 200, &view)
		if view.Minutes.Status != "submitted" || !view.Minutes.DraftLate || view.Minutes.SendLate || len(view.Resolutions) != 1 {
			t.Fatalf("minutes view: %+v", view)
		}
		mcall(t, "POST", mu+"/minutes/approve", toks["receptionist"], `{}`, 403, nil)
		mcall(t, "POST", mu+"/minutes/approve", toks["manager"], `{"comment":"同意"}`, 200, &mn)
		var item struct {
			ID       int64  `json:"id"`
			Status   string `json:"status"`
			Overdue  bool   `json:"overdue"`
			Progress int    `json:"progress"`
		}
		mcall(t, "POST", mu+"/action-items", toks["receptionist"], fmt.Sprintf(`{"resolution_id":%d,"goal":"续签合同","standard":"合同盖章归档","start_at":%q,"due_at":%q,"owner_id":%d}`,
			view.Resolutions[0].ID, fc.Now().Format(time.RFC3339), fc.Now().Add(72*time.Hour).Format(time.RFC3339), ids["service"]), 201, &item)
		if item.Status != "planned" {
			t.Fatalf("item before distribution: %+v", item)
		}
		mcall(t, "POST", mu+"/minutes/distribute", toks["manager"], "", 200, &mn)
		iu := fmt.Sprintf("%s/action-items/%d", u, item.ID)
		fc.Set(fc.Now().Add(80 * time.Hour))
		var list struct {
			Items []struct {
				ID      int64 `json:"id"`
				Overdue bool  `json:"overdue"`
			} `json:"items"`
		}
		mcall(t, "GET", fmt.Sprintf("%s/action-items?owner=%d&overdue=true&meeting=%d", u, ids["service"], m.ID), toks["manager"], "", 200, &list)
		if len(list.Items) != 1 || list.Items[0].ID != item.ID || !list.Items[0].Overdue {
			t.Fatalf("overdue list: %+v", list)
		}
		mcall(t, "GET", fmt.Sprintf("%s/action-items?meeting=%d", u, m.ID), toks["manager"], "", 200, &list)
		if len(list.Items) != 1 {
			t.Fatalf("meeting filter: %+v", list)
		}
		mcall(t, "POST", iu+"/progress", toks["service"], `{"progress":150}`, 422, nil)
		mcall(t, "POST", iu+"/progress", toks["service"], `{"progress":50,"note":"合同已起草"}`, 200, &item)
		mcall(t, "POST", iu+"/result", toks["engineering"], `{"result":"x"}`, 403, nil)
		mcall(t, "POST", iu+"/result", toks["service"], `{"result":"合同已盖章归档"}`, 200, &item)
		mcall(t, "POST", iu+"/send-back", toks["manager"], `{"reason":""}`, 422, nil)
		mcall(t, "POST", iu+"/send-back", toks["manager"], `{"reason":"缺少附件"}`, 200, &item)
		if item.Status != "returned" {
			t.Fatalf("sent back: %+v", item)
		}
		mcall(t, "POST", iu+"/result", toks["service"], `{"result":"已补充附件"}`, 200, &item)
		mcall(t, "POST", iu+"/accept", toks["service"], `{}`, 403, nil)
		mcall(t, "POST", iu+"/accept", toks["manager"], `{"comment":"合格"}`, 200, &item)
		if item.Status != "accepted" || item.Progress != 100 {
			t.Fatalf("accepted: %+v", item)
		}
		mcall(t, "GET", mu, toks["manager"], "", 200, &m)
		if m.Status != "closed" {
			t.Fatalf("meeting after acceptance: %s", m.Status)
		}
		var found struct {
			Meetings []struct {
				ID      int64  `json:"id"`
				Snippet string `json:"snippet"`
			} `json:"meetings"`
		}
		mcall(t, "GET", u+"/meetings?q=%E5%AE%A2%E6%88%B7%E6%BB%A1%E6%84%8F&type=revisit", toks["manager"], "", 200, &found)
		if len(found.Meetings) != 1 || found.Meetings[0].ID != m.ID || found.Meetings[0].Snippet == "" {
			t.Fatalf("archive search: %+v", found)
		}
		mcall(t, "DELETE", mu, toks["staff"], "", 409, nil) // only never-submitted drafts
	})
}

// TestMeetingPathsInOpenAPI checks the meeting, minutes and action-item
// operations are in the OpenAPI document.
func TestMeetingPathsInOpenAPI(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		code, body := apptest.API(t, "GET", srv.URL+"/api/v1/openapi.json", "", "")
		if code != 200 {
			t.Fatalf("openapi: %d", code)
		}
		for _, p := range []string{"/api/v1/meetings", "/api/v1/meetings/{id}", "/api/v1/meetings/{id}/notice", "/api/v1/meetings/{id}/sign-in", "/api/v1/meetings/{id}/leave",
			"/api/v1/meetings/{id}/minutes", "/api/v1/meetings/{id}/minutes/submit", "/api/v1/meetings/{id}/minutes/approve", "/api/v1/meetings/{id}/minutes/distribute",
			"/api/v1/action-items", "/api/v1/action-items/{id}/progress", "/api/v1/action-items/{id}/result", "/api/v1/action-items/{id}/accept", "/api/v1/action-items/{id}/send-back"} {
			if !strings.Contains(body, `"`+p+`"`) {
				t.Errorf("%s missing from the OpenAPI document", p)
			}
		}
	})
}
