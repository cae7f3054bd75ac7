package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/apptest"
	"jiedai/internal/client"
	"jiedai/internal/meeting"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// The policy rows of the reception, client and meeting areas. Their
// fixtures are made by zhouwen (e.user), a member of staff who is none of
// the subjects: record-level rights of the applicant, convener, host or
// owner show only through the roles that share them (admin, office…).

// --- reception fixtures ---

// orgs makes the client organisations orgA and orgB of the client users.
func (e *authzEnv) orgs() {
	e.once("orgs", func() int64 {
		now := store.Ms(e.app.Clock.Now())
		for id, name := range map[int64]string{orgA: "北京华信科技有限公司", orgB: "上海远景贸易有限公司"} {
			e.exec(`INSERT INTO client_orgs (id, name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, id, name, fmt.Sprint(id), now, now)
		}
		return 1
	})
}

// applicant is zhouwen, who applies for the cases and convenes the meetings.
func (e *authzEnv) applicant() access.Actor {
	u, err := e.app.Auth.GetByUsername(context.Background(), "zhouwen")
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Actor("127.0.0.1")
}

// rcApplication is a complete application of orgA for a visit today.
func (e *authzEnv) rcApplication() reception.Application {
	return reception.Application{LiaisonID: e.user, OrgID: orgA, Purpose: "洽谈年度合作", VisitDate: e.app.Clock.Now().In(e.app.Loc).Format(time.DateOnly),
		ArrivalTime: "09:30", Tier: reception.TierBusiness, BudgetFen: 100000, LateReason: "客户临时来访",
		Guest: reception.Person{Name: "张伟", Title: "副总裁"}, Companions: []reception.Person{{Name: "李强"}},
		Form: reception.Form{ArrivalMode: "train", Companions: 1, MeetingRoom: true}}
}

// fixtureStep brings a fixture record one status further.
type fixtureStep struct {
	to   string
	step func(e *authzEnv, ctx context.Context, id int64) error
}

// walk brings record id of a kind through the steps, in order, until it
// reaches the status (none when it is already there, as created).
func (e *authzEnv) walk(kind string, steps []fixtureStep, id int64, created, status string) {
	e.t.Helper()
	if status == created {
		return
	}
	for _, st := range steps {
		if err := st.step(e, context.Background(), id); err != nil {
			e.t.Fatalf("fixture %s, to %s: %v", kind, st.to, err)
		}
		if st.to == status {
			return
		}
	}
}

// rcSteps brings a case one status further, in workflow order.
var rcSteps = []fixtureStep{
	{reception.StatusPending, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Reception.Submit(ctx, e.applicant(), id)
		return err
	}},
	{reception.StatusPlanning, func(e *authzEnv, ctx context.Context, id int64) error {
		for _, r := range []string{access.Manager, access.Office} { // the department head, then the late step
			if _, err := e.app.Reception.Decide(ctx, e.by[r].actor, id, approval.Approve, ""); err != nil {
				return err
			}
		}
		return nil
	}},
	{reception.StatusPlanReview, func(e *authzEnv, ctx context.Context, id int64) error {
		office := e.by[access.Office].actor
		ds, err := e.app.Reception.Duties(ctx, office, id)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if err := e.app.Reception.AssignDuty(ctx, office, d.ID, e.user, 0, d.Offset, d.At); err != nil {
				return err
			}
		}
		if err := e.rcBookRoom(ctx, id); err != nil {
			return err
		}
		_, err = e.app.Reception.SubmitPlan(ctx, office, id)
		return err
	}},
	{reception.StatusReady, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Reception.Decide(ctx, e.by[access.Executive].actor, id, approval.Approve, "")
		return err
	}},
	{reception.StatusOngoing, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Reception.Start(ctx, e.by[access.Office].actor, id)
		return err
	}},
	{reception.StatusWrapUp, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Reception.Finish(ctx, e.by[access.Office].actor, id)
		return err
	}},
}

// rcBookRoom books the meeting room the case asked for: a room of its
// own, from the next hour for an hour.
func (e *authzEnv) rcBookRoom(ctx context.Context, id int64) error {
	office := e.by[access.Office].actor
	in := venue.Defaults()
	in.Name, in.Code, in.Capacity, in.OpenFrom, in.OpenTo, in.OpenDays = fmt.Sprintf("接待会议室%d", id), fmt.Sprintf("RCROOM%d", id), 20, 0, 1440, 127
	v, err := e.app.Venues.Create(ctx, office, in)
	if err != nil {
		return err
	}
	start := e.app.Clock.Now().Truncate(time.Hour).Add(time.Hour).In(e.app.Loc)
	_, err = e.app.BookCaseRoom(ctx, office, id, v.ID, start.Format("15:04"), start.Add(time.Hour).Format("15:04"))
	return err
}

// newReception makes a case of orgA applied for by zhouwen and walks it
// to the status.
func (e *authzEnv) newReception(status string) int64 {
	e.t.Helper()
	e.orgs()
	r, err := e.app.Reception.Create(context.Background(), e.applicant(), e.rcApplication())
	if err != nil {
		e.t.Fatalf("fixture reception: %v", err)
	}
	e.walk("reception", rcSteps, r.ID, reception.StatusDraft, status)
	return r.ID
}

// rcChild returns a record of the case for a path parameter: an itinerary
// step, a duty, a material, a guest, an expense or a lost item.
func (e *authzEnv) rcChild(id int64, param string) int64 {
	ctx := context.Background()
	office := e.by[access.Office].actor
	switch param {
	case "item":
		return e.id(`SELECT MIN(id) FROM reception_itinerary WHERE reception_id = ?`, id)
	case "duty":
		return e.id(`SELECT MIN(id) FROM reception_duties WHERE reception_id = ?`, id)
	case "g":
		return e.id(`SELECT MIN(id) FROM reception_guests WHERE reception_id = ?`, id)
	case "e":
		return e.id(`SELECT MIN(id) FROM reception_expenses WHERE reception_id = ?`, id)
	case "m":
		if err := e.app.Reception.AddMaterial(ctx, office, id, reception.MaterialInput{Name: "精品水果拼盘", Category: "水果", Qty: 2, Purchase: true, UnitCostFen: 12800}); err != nil {
			e.t.Fatalf("fixture material: %v", err)
		}
		return e.id(`SELECT MAX(id) FROM reception_materials WHERE reception_id = ?`, id)
	case "l":
		if err := e.app.Reception.AddLost(ctx, office, id, reception.LostInput{Description: "黑色雨伞", FoundPlace: "一号会议室"}); err != nil {
			e.t.Fatalf("fixture lost item: %v", err)
		}
		return e.id(`SELECT MAX(id) FROM reception_lost_items WHERE reception_id = ?`, id)
	}
	e.t.Fatalf("no fixture for parameter %q", param)
	return 0
}

// onCase: {id} is a case of orgA in the status (a new one for every call
// when fresh, else one shared), the other parameters records of it; child,
// when set, puts that record in {id} instead (the API's own paths).
func onCase(status string, fresh bool, child, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		var id int64
		if fresh {
			id = e.newReception(status)
		} else {
			id = e.once("reception-"+status, func() int64 { return e.newReception(status) })
		}
		values := map[string]string{"id": idStr(id)}
		for _, m := range paramsRE.FindAllStringSubmatch(p, -1) {
			if m[1] != "id" {
				values[m[1]] = idStr(e.rcChild(id, m[1]))
			}
		}
		if child != "" {
			values["id"] = idStr(e.rcChild(id, child))
		}
		return call{path: fillParams(p, values), body: strings.ReplaceAll(body, "{user}", idStr(e.user))}
	}
}

// rcGuestToken is the invitation token of a guest of a ready case.
func (e *authzEnv) rcGuestToken(fresh bool) string {
	id := e.once("reception-"+reception.StatusReady, func() int64 { return e.newReception(reception.StatusReady) })
	if fresh {
		id = e.newReception(reception.StatusReady)
	}
	var tok string
	if err := e.app.DB.QueryRow(context.Background(), `SELECT token FROM reception_guests WHERE id = ?`, e.rcChild(id, "g")).Scan(&tok); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// rcSurveyToken is the client survey's token of a case in wrap-up.
func (e *authzEnv) rcSurveyToken(fresh bool) string {
	id := e.once("reception-"+reception.StatusWrapUp, func() int64 { return e.newReception(reception.StatusWrapUp) })
	if fresh {
		id = e.newReception(reception.StatusWrapUp)
	}
	var tok string
	if err := e.app.DB.QueryRow(context.Background(), `SELECT token FROM reception_surveys WHERE reception_id = ? AND kind = ?`, id, reception.SurveyClient).Scan(&tok); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// withToken fills {token} from a token maker.
func withToken(tok func(e *authzEnv, fresh bool) string, fresh bool, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		return call{path: fillParams(p, map[string]string{"token": tok(e, fresh)}), body: body}
	}
}

// Who may do what with a case (internal/reception: CanView, CanManage,
// CanDesk, CanEditApplication).
var (
	rcView   = staff().plus(clientA)                                                                         // CanView (clients: once applied for)
	rcManage = roles(access.Office, access.Supervisor)                                                       // CanManage (and the applicant, liaison)
	rcDesk   = roles(access.Office, access.Supervisor, access.Receptionist, access.Service, access.Security) // CanDesk
	rcErase  = roles(access.Office, access.Supervisor)                                                       // client.CanErase
)

// Request bodies of the reception area.
var (
	rcDraftJSON     = `{"org_id":101,"purpose":"洽谈","visit_date":"2026-03-20"}`
	rcGuestJSON     = `{"name":"王芳","title":"采购经理"}`
	rcGuestForm     = url.Values{"name": {"王芳"}, "title": {"采购经理"}}.Encode()
	rcItineraryJSON = `{"kind":"tour","start":"10:00","end":"10:30","place":"展厅"}`
	rcItineraryForm = url.Values{"kind": {"tour"}, "start": {"10:00"}, "end": {"10:30"}, "place": {"展厅"}}.Encode()
	rcDutyForm      = url.Values{"group": {"service"}, "phase": {"before"}, "offset": {"-1"}, "at": {"18:00"}, "title": {"准备水果"}}.Encode()
	rcExpenseJSON   = `{"category":"other","item":"停车费","budget_fen":5000}`
	rcExpenseForm   = url.Values{"category": {"other"}, "item": {"停车费"}, "budget": {"50"}}.Encode()
	rcSurveyForm    = url.Values{"score_1": {"5"}, "comment": {"很好"}}.Encode()
)

// receptionPolicy is who may call the reception routes.
func receptionPolicy() []rule {
	const (
		draft    = reception.StatusDraft
		pending  = reception.StatusPending
		planning = reception.StatusPlanning
		review   = reception.StatusPlanReview
		ready    = reception.StatusReady
		ongoing  = reception.StatusOngoing
		wrapup   = reception.StatusWrapUp
	)
	return []rule{
		// --- API ---
		{route: "GET /api/v1/receptions", allow: staff().plus(clientA, clientB)}, // a client user lists their own organisation's
		{route: "POST /api/v1/receptions", allow: staff(), make: plain(rcDraftJSON)},
		{route: "GET /api/v1/receptions/{id}", allow: rcView, make: onCase(pending, false, "", "")},
		{route: "GET /api/v1/receptions/{id}", variant: "draft", allow: staff(), make: onCase(draft, false, "", "")}, // clients see a case once applied for
		{route: "PUT /api/v1/receptions/{id}", allow: rcManage, make: onCase(draft, false, "", rcDraftJSON)},
		{route: "POST /api/v1/receptions/{id}/submit", allow: roles(access.Admin), make: onCase(draft, true, "", `{}`)}, // the applicant
		{route: "POST /api/v1/receptions/{id}/approve", allow: roles(access.Manager), make: onCase(pending, true, "", `{}`)},
		{route: "POST /api/v1/receptions/{id}/reject", allow: roles(access.Manager), make: onCase(pending, true, "", `{"comment":"请补充预算"}`)},
		{route: "POST /api/v1/receptions/{id}/return", allow: roles(access.Manager), make: onCase(pending, true, "", `{"comment":"请补充预算"}`)},
		{route: "POST /api/v1/receptions/{id}/submit-plan", allow: rcManage, make: onCase(planning, false, "", `{}`)},
		{route: "POST /api/v1/receptions/{id}/start", allow: rcDesk, make: onCase(ready, false, "", `{}`)},
		{route: "POST /api/v1/receptions/{id}/finish", allow: rcManage, make: onCase(ongoing, false, "", `{}`)},
		{route: "POST /api/v1/receptions/{id}/close", allow: rcManage, make: onCase(wrapup, false, "", `{}`)},
		{route: "POST /api/v1/receptions/{id}/room", allow: rcManage, make: func(e *authzEnv, s *subject, p string) call {
			c := onCase(planning, true, "", "")(e, s, p)
			c.body = fmt.Sprintf(`{"venue_id":%d,"start":"21:00","end":"22:00"}`, e.rooms[len(e.rooms)-1].ID)
			return c
		}},
		{route: "POST /api/v1/receptions/{id}/cancel", allow: rcManage, make: onCase(planning, true, "", `{"reason":"客户行程取消"}`)},
		{route: "GET /api/v1/receptions/{id}/approvals", allow: staff(), make: onCase(pending, false, "", "")}, // the reviewers' comments are internal
		{route: "GET /api/v1/receptions/{id}/duties", allow: staff(), make: onCase(planning, false, "", "")},
		{route: "POST /api/v1/receptions/{id}/duties", allow: rcManage, make: onCase(planning, false, "", `{"group":"service","phase":"before","offset":-1,"at":"18:00","title":"准备水果"}`)},
		{route: "PUT /api/v1/reception-duties/{id}", allow: rcManage, make: onCase(planning, false, "duty", `{"owner_id":{user},"offset":-1,"at":"18:00"}`)},
		{route: "POST /api/v1/reception-duties/{id}/progress", allow: rcManage, make: onCase(review, false, "duty", `{"progress":50}`)},
		{route: "GET /api/v1/receptions/{id}/itinerary", allow: rcView, make: onCase(planning, false, "", "")},
		{route: "POST /api/v1/receptions/{id}/itinerary", allow: rcManage, make: onCase(planning, false, "", rcItineraryJSON)},
		{route: "GET /api/v1/receptions/{id}/guests", allow: staff(), make: onCase(planning, false, "", "")},
		{route: "POST /api/v1/receptions/{id}/guests", allow: rcManage, make: onCase(planning, false, "", rcGuestJSON)},
		{route: "POST /api/v1/receptions/{id}/walk-ins", allow: rcDesk, make: onCase(ongoing, false, "", rcGuestJSON)},
		{route: "POST /api/v1/reception-guests/{id}/sign-in", allow: rcDesk, make: onCase(ready, true, "g", `{}`)},
		// PIPL erasure: the office and supervisors (client.CanErase).
		{route: "POST /api/v1/reception-guests/{id}/erase", allow: rcErase, make: onCase(planning, true, "g", `{}`)},
		{route: "GET /api/v1/receptions/{id}/materials", allow: staff(), make: onCase(planning, false, "", "")},
		{route: "POST /api/v1/receptions/{id}/materials", allow: rcManage, make: onCase(planning, false, "", `{"name":"鲜花","qty":1,"purchase":true,"unit_cost_fen":10000}`)},
		{route: "POST /api/v1/reception-materials/{id}/borrow", allow: rcManage, make: onCase(planning, false, "m", `{}`)},
		{route: "POST /api/v1/reception-materials/{id}/return", allow: rcManage, make: onCase(planning, false, "m", `{"returned":2}`)},
		{route: "POST /api/v1/reception-materials/{id}/check", allow: rcManage, make: onCase(planning, false, "m", `{}`)},
		{route: "GET /api/v1/reception-items", allow: staff()},
		{route: "POST /api/v1/reception-items", allow: rcManage, make: plain(`{"name":"茶具（套）","unit":"套","stock":5,"active":true}`)},
		{route: "PUT /api/v1/reception-items/{id}", allow: rcManage, make: func(e *authzEnv, _ *subject, p string) call {
			id := e.once("reception-item", func() int64 {
				id, err := e.app.Reception.SaveItem(context.Background(), e.by[access.Office].actor, 0, reception.StockItemInput{Name: "授权测试茶具", Unit: "套", Stock: 5, Active: true})
				if err != nil {
					e.t.Fatal(err)
				}
				return id
			})
			return call{path: fillParams(p, map[string]string{"id": idStr(id)}), body: `{"name":"授权测试茶具","unit":"套","stock":6,"active":true}`}
		}},
		{route: "GET /api/v1/receptions/{id}/settlement", allow: staff(), make: onCase(planning, false, "", "")},
		{route: "POST /api/v1/receptions/{id}/expenses", allow: rcManage, make: onCase(planning, false, "", rcExpenseJSON)},
		{route: "PUT /api/v1/reception-expenses/{id}", allow: rcManage, make: onCase(planning, false, "e", rcExpenseJSON)},
		{route: "GET /api/v1/receptions/{id}/report", allow: staff(), make: onCase(wrapup, false, "", "")},
		{route: "POST /api/v1/receptions/{id}/report", allow: rcManage, make: onCase(wrapup, false, "", `{"feedback":"满意","discussed":"合作","intention":"high","next_steps":"报价"}`)},
		{route: "GET /api/v1/receptions/{id}/surveys", allow: staff(), make: onCase(wrapup, false, "", "")},
		{route: "POST /api/v1/receptions/{id}/surveys/internal", allow: rcManage, make: onCase(wrapup, false, "", `{"scores":[{"seq":1,"score":5}]}`)},
		{route: "GET /api/v1/reception-survey-report", allow: staff()},
		// Links for guests and clients: the token is the permission.
		{route: "GET /api/v1/surveys/{token}", allow: public(), make: withToken((*authzEnv).rcSurveyToken, false, "")},
		{route: "POST /api/v1/surveys/{token}", allow: public(), make: withToken((*authzEnv).rcSurveyToken, false, `{"scores":[{"seq":1,"score":5}]}`)},
		{route: "GET /api/v1/invitations/{token}", allow: public(), make: withToken((*authzEnv).rcGuestToken, false, "")},
		{route: "POST /api/v1/invitations/{token}/sign-in", allow: public(), make: withToken((*authzEnv).rcGuestToken, false, `{}`)},

		// --- pages ---
		{route: "GET /receptions", allow: staff().plus(clientA, clientB)},
		{route: "GET /receptions/new", allow: staff()},
		{route: "POST /receptions/new", allow: staff(), make: plain("org_name=%E6%8E%88%E6%9D%83&visit_date=2026-03-20")},
		{route: "GET /receptions/{id}/edit", allow: rcManage, make: onCase(draft, false, "", "")},
		{route: "POST /receptions/{id}/edit", allow: rcManage, make: onCase(draft, true, "", "org_name=%E6%8E%88%E6%9D%83&visit_date=2026-03-20")},
		{route: "GET /receptions/{id}", allow: rcView, make: onCase(pending, false, "", "")},
		{route: "GET /receptions/{id}", variant: "draft", allow: staff(), make: onCase(draft, false, "", "")},
		{route: "GET /receptions/{id}/plan", allow: rcView, make: onCase(planning, false, "", "")},
		{route: "GET /receptions/{id}/duties", allow: staff(), make: onCase(planning, false, "", "")},
		{route: "GET /receptions/{id}/materials", allow: staff(), make: onCase(planning, false, "", "")},
		{route: "GET /receptions/{id}/guests", allow: staff(), make: onCase(planning, false, "", "")},
		{route: "GET /receptions/{id}/wrapup", allow: staff(), make: onCase(wrapup, false, "", "")},
		{route: "GET /receptions/{id}/survey", allow: staff(), make: onCase(wrapup, false, "", "")},
		{route: "GET /receptions/{id}/board", allow: staff(), make: onCase(ready, false, "", "")},
		{route: "POST /receptions/{id}/submit", allow: roles(access.Admin), make: onCase(draft, true, "", "")},
		{route: "POST /receptions/{id}/decide", allow: roles(access.Manager), make: onCase(pending, true, "", "decision=approve")},
		{route: "POST /receptions/{id}/submit-plan", allow: rcManage, make: onCase(planning, false, "", "")},
		{route: "POST /receptions/{id}/start", allow: rcDesk, make: onCase(ready, false, "", "")},
		{route: "POST /receptions/{id}/finish", allow: rcManage, make: onCase(ongoing, false, "", "")},
		{route: "POST /receptions/{id}/close", allow: rcManage, make: onCase(wrapup, false, "", "")},
		{route: "POST /receptions/{id}/cancel", allow: rcManage, make: onCase(planning, true, "", "reason=%E5%8F%96%E6%B6%88")},
		{route: "POST /receptions/{id}/itinerary", allow: rcManage, make: onCase(planning, false, "", rcItineraryForm)},
		{route: "POST /receptions/{id}/itinerary/{item}", allow: rcManage, make: onCase(planning, false, "", rcItineraryForm)},
		{route: "POST /receptions/{id}/itinerary/{item}/remove", allow: rcManage, make: onCase(planning, true, "", "")},
		{route: "POST /receptions/{id}/itinerary/{item}/done", allow: rcDesk, make: onCase(ready, false, "", "done=1")},
		{route: "POST /receptions/{id}/book-room", allow: rcManage, make: onCase(planning, false, "", "")},
		{route: "POST /receptions/{id}/duties", allow: rcManage, make: onCase(planning, false, "", rcDutyForm)},
		{route: "POST /receptions/{id}/duties/{duty}", allow: rcManage, make: onCase(planning, false, "", "owner_id={user}&offset=-1&at=18:00")},
		{route: "POST /receptions/{id}/duties/{duty}/progress", allow: rcManage, make: onCase(review, false, "", "progress=50")},
		{route: "POST /receptions/{id}/duties/{duty}/remove", allow: rcManage, make: onCase(planning, true, "", "reason=%E4%B8%8D%E9%9C%80%E8%A6%81")},
		{route: "POST /receptions/{id}/materials", allow: rcManage, make: onCase(planning, false, "", "name=%E9%B2%9C%E8%8A%B1&qty=1&purchase=1&unit_cost=100")},
		{route: "POST /receptions/{id}/materials/{m}/borrow", allow: rcManage, make: onCase(planning, false, "", "")},
		{route: "POST /receptions/{id}/materials/{m}/return", allow: rcManage, make: onCase(planning, false, "", "returned_qty=2")},
		{route: "POST /receptions/{id}/materials/{m}/check", allow: rcManage, make: onCase(planning, false, "", "")},
		{route: "POST /receptions/{id}/materials/{m}/remove", allow: rcManage, make: onCase(planning, false, "", "")},
		{route: "POST /receptions/{id}/guests", allow: rcManage, make: onCase(planning, false, "", rcGuestForm)},
		{route: "POST /receptions/{id}/guests/{g}", allow: rcManage, make: onCase(planning, false, "", rcGuestForm)},
		{route: "POST /receptions/{id}/guests/{g}/remove", allow: rcManage, make: onCase(planning, true, "", "")},
		{route: "POST /receptions/{id}/guests/{g}/erase", allow: rcErase, make: onCase(planning, true, "", "")},
		{route: "POST /receptions/{id}/guests/{g}/invited", allow: rcManage, make: onCase(planning, false, "", "")},
		{route: "POST /receptions/{id}/expenses", allow: rcManage, make: onCase(planning, false, "", rcExpenseForm)},
		{route: "POST /receptions/{id}/expenses/{e}", allow: rcManage, make: onCase(planning, false, "", rcExpenseForm)},
		{route: "POST /receptions/{id}/expenses/{e}/remove", allow: rcManage, make: onCase(planning, true, "", "")},
		{route: "POST /receptions/{id}/report", allow: rcManage, make: onCase(wrapup, false, "", "feedback=ok")},
		{route: "POST /receptions/{id}/lost", allow: rcDesk, make: onCase(ongoing, false, "", "description=%E9%9B%A8%E4%BC%9E")},
		{route: "POST /receptions/{id}/lost/{l}/return", allow: rcDesk, make: onCase(ongoing, false, "", "handed_to=%E5%BC%A0%E4%BC%9F")},
		{route: "POST /receptions/{id}/survey/internal", allow: rcManage, make: onCase(wrapup, false, "", rcSurveyForm)},
		{route: "POST /receptions/{id}/survey/sent", allow: rcManage, make: onCase(wrapup, false, "", "")},
		{route: "GET /receptions/{id}/desk", allow: rcDesk, make: onCase(ready, false, "", "")},
		{route: "POST /receptions/{id}/desk/{g}/sign-in", allow: rcDesk, make: onCase(ready, true, "", "")},
		{route: "POST /receptions/{id}/desk/{g}/undo", allow: rcDesk, make: onCase(ready, false, "", "")},
		{route: "POST /receptions/{id}/desk/{g}/left", allow: rcDesk, make: onCase(ready, false, "", "")},
		{route: "POST /receptions/{id}/desk/walk-in", allow: rcDesk, make: onCase(ongoing, false, "", rcGuestForm)},
		{route: "POST /receptions/{id}/guests/{g}/badge", allow: rcDesk, make: onCase(ready, false, "", "")},
		{route: "GET /receptions/{id}/guests/{g}/badge", allow: staff(), make: onCase(ready, false, "", "")},
		{route: "GET /receptions/{id}/print/{doc}", allow: staff(), make: func(e *authzEnv, s *subject, p string) call {
			c := onCase(ready, false, "", "")(e, s, fillParams(p, map[string]string{"doc": "application"}))
			return c
		}},
		{route: "GET /receptions/{id}/export/{file}", allow: staff(), make: func(e *authzEnv, s *subject, p string) call {
			return onCase(ready, false, "", "")(e, s, fillParams(p, map[string]string{"file": "duties.xlsx"}))
		}},
		{route: "GET /receptions/settings", allow: roles(access.Office)},
		{route: "POST /receptions/settings/config", allow: roles(access.Admin), make: plain("min_workdays=x")},
		{route: "POST /receptions/settings/template", allow: roles(access.Office), make: plain("")},
		{route: "POST /receptions/settings/criteria", allow: roles(access.Office), make: plain("")},
		{route: "GET /reception-items", allow: staff()},
		{route: "POST /reception-items", allow: rcManage, make: plain("name=")},
		{route: "POST /reception-items/{item}", allow: rcManage, make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"item": "1"}), body: "name="}
		}},
		{route: "GET /receptions/report", allow: staff()},
		{route: "GET /g/{token}", allow: public(), make: withToken((*authzEnv).rcGuestToken, false, "")},
		{route: "POST /g/{token}", allow: public(), make: withToken((*authzEnv).rcGuestToken, false, "")},
		{route: "GET /g/{token}/qr.svg", allow: public(), make: withToken((*authzEnv).rcGuestToken, false, "")},
		{route: "GET /s/{token}", allow: public(), make: withToken((*authzEnv).rcSurveyToken, false, "")},
		{route: "POST /s/{token}", allow: public(), make: withToken((*authzEnv).rcSurveyToken, false, "score_1=5")},
		{route: "GET /s/{token}/qr.svg", allow: public(), make: withToken((*authzEnv).rcSurveyToken, false, "")},
	}
}

// --- client fixtures ---

// clContact is a contact of orgA, made once.
func (e *authzEnv) clContact() int64 {
	return e.once("contact", func() int64 { return e.clFresh("contact") })
}

// clFresh makes a new organisation or contact of orgA, to be merged away.
func (e *authzEnv) clFresh(kind string) int64 {
	e.orgs()
	ctx := context.Background()
	office := e.by[access.Office].actor
	e.shared["client-seq"]++
	name := fmt.Sprintf("授权测试重复%d", e.shared["client-seq"])
	if kind == "org" {
		o, err := e.app.Clients.Create(ctx, office, client.OrgInput{Name: name})
		if err != nil {
			e.t.Fatalf("fixture org: %v", err)
		}
		return o.ID
	}
	c, err := e.app.Clients.CreateContact(ctx, office, orgA, client.ContactInput{Name: name})
	if err != nil {
		e.t.Fatalf("fixture contact: %v", err)
	}
	return c.ID
}

// onClient: {id} is orgA (or, when contact, its contact), {c} its
// contact; {dup} in the body is a new organisation or contact (dup) to
// merge, {s} the subject's name.
func onClient(contact bool, dup, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, s *subject, p string) call {
		e.orgs()
		id := int64(orgA)
		if contact {
			id = e.clContact()
		}
		if dup != "" {
			body = strings.ReplaceAll(body, "{dup}", idStr(e.clFresh(dup)))
		}
		return call{path: fillParams(p, map[string]string{"id": idStr(id), "c": idStr(e.clContact())}), body: strings.ReplaceAll(body, "{s}", s.name)}
	}
}

// onFreshContact: {id} of the API path, or {c} with {id} orgA on the
// pages, is a new contact of orgA (an erasure changes it).
func onFreshContact(body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		cid := idStr(e.clFresh("contact"))
		values := map[string]string{"id": cid}
		if strings.Contains(p, "{c}") {
			values = map[string]string{"id": idStr(orgA), "c": cid}
		}
		return call{path: fillParams(p, values), body: body}
	}
}

// clientPolicy is who may call the client register's routes
// (internal/client: CanRead, CanWrite, CanMerge).
func clientPolicy() []rule {
	merge := roles(access.Office, access.Supervisor)
	return []rule{
		{route: "GET /api/v1/clients", allow: signedIn()}, // client users list their own organisation
		{route: "POST /api/v1/clients", allow: staff(), make: onClient(false, "", `{"name":"授权新单位{s}"}`)},
		{route: "GET /api/v1/clients/{id}", allow: staff().plus(clientA), make: onClient(false, "", "")},
		{route: "PUT /api/v1/clients/{id}", allow: staff(), make: onClient(false, "", `{"name":"北京华信科技有限公司"}`)},
		{route: "POST /api/v1/clients/{id}/merge", allow: merge, make: onClient(false, "org", `{"duplicate_id":{dup}}`)},
		{route: "GET /api/v1/client-duplicates", allow: merge},
		{route: "POST /api/v1/clients/{id}/contacts", allow: staff(), make: onClient(false, "", `{"name":"王芳"}`)},
		{route: "PUT /api/v1/client-contacts/{id}", allow: staff(), make: onClient(true, "", `{"name":"张伟"}`)},
		{route: "POST /api/v1/client-contacts/{id}/merge", allow: merge, make: onClient(true, "contact", `{"duplicate_id":{dup}}`)},
		// PIPL erasure of a new contact of orgA: the office and supervisors;
		// orgA's client user may not (403), orgB's does not see it (404).
		{route: "POST /api/v1/client-contacts/{id}/erase", allow: rcErase, make: onFreshContact(`{}`)},

		{route: "GET /clients", allow: signedIn()},
		{route: "GET /clients/new", allow: signedIn()}, // the empty form; saving it is for staff
		{route: "POST /clients/new", allow: staff(), make: onClient(false, "", "name=%E6%8E%88%E6%9D%83{s}")},
		{route: "GET /clients/duplicates", allow: merge},
		{route: "GET /clients/{id}", allow: staff().plus(clientA), make: onClient(false, "", "")},
		{route: "GET /clients/{id}/edit", allow: staff().plus(clientA), make: onClient(false, "", "")}, // the form shows what the reader may see
		{route: "POST /clients/{id}/edit", allow: staff(), make: onClient(false, "", "name=%E5%8C%97%E4%BA%AC%E5%8D%8E%E4%BF%A1%E7%A7%91%E6%8A%80%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8")},
		{route: "POST /clients/{id}/merge", allow: merge, make: onClient(false, "org", "duplicate_id={dup}")},
		{route: "POST /clients/{id}/contacts", allow: staff(), make: onClient(false, "", "name=%E7%8E%8B%E8%8A%B3")},
		{route: "POST /clients/{id}/contacts/{c}", allow: staff(), make: onClient(false, "", "name=%E5%BC%A0%E4%BC%9F")},
		{route: "POST /clients/{id}/contacts/{c}/merge", allow: merge, make: onClient(false, "contact", "duplicate_id={dup}")},
		{route: "POST /clients/{id}/contacts/{c}/erase", allow: rcErase, make: onFreshContact("")},
	}
}

// newMeeting makes an internal-level draft meeting convened, hosted and
// recorded by zhouwen, tomorrow.
func (e *authzEnv) newMeeting() int64 {
	start := apptest.Start.Add(24 * time.Hour)
	d, err := e.app.Meetings.Create(context.Background(), e.applicant(), meeting.Input{Type: meeting.TypeInternal, Title: "授权测试例会",
		HostID: e.user, RecorderID: e.user, LeaderID: e.by[access.Executive].user.ID, StartAt: start, EndAt: start.Add(time.Hour), Level: access.Internal})
	if err != nil {
		e.t.Fatalf("fixture meeting: %v", err)
	}
	return d.ID
}

// onMeeting: {id} is a draft meeting, a new one for every call when fresh.
func onMeeting(fresh bool, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		id := e.once("meeting", e.newMeeting)
		if fresh {
			id = e.newMeeting()
		}
		return call{path: fillParams(p, map[string]string{"id": idStr(id)}), body: body}
	}
}

// meetingPolicy is who may call the meeting area's routes that need no
// meeting, and those on a draft: client users never see meetings
// (internal/meeting/access.go). The routes of the rest of a meeting's
// lifecycle are in policy_meetings_test.go.
func meetingPolicy() []rule {
	tpl := roles(access.Office, access.Supervisor)
	return []rule{
		{route: "GET /api/v1/meetings", allow: staff()},
		{route: "GET /api/v1/action-items", allow: staff()},
		{route: "GET /api/v1/meeting-templates", allow: staff()},
		{route: "GET /meetings", allow: staff()},
		{route: "GET /meetings/new", allow: staff()},
		{route: "GET /meetings/templates", allow: tpl},
		{route: "POST /meetings/templates", allow: tpl, make: plain("type=")},
		{route: "POST /meetings/settings", allow: roles(access.Admin), make: plain("start_early_min=30")},
		{route: "GET /api/v1/meeting-config", allow: staff()},
		{route: "PUT /api/v1/meeting-config", allow: roles(access.Admin), make: plain(`{"start_early_min":30}`)},
		{route: "GET /action-items", allow: staff()},
		// A draft of internal level: staff read it; the convener (or admin) submits or deletes it.
		{route: "GET /api/v1/meetings/{id}", allow: staff(), make: onMeeting(false, "")},
		{route: "GET /api/v1/meetings/{id}/invite.ics", allow: staff(), make: onMeeting(false, "")},
		{route: "GET /meetings/{id}", allow: staff(), make: onMeeting(false, "")},
		{route: "GET /meetings/{id}/invite.ics", allow: staff(), make: onMeeting(false, "")},
		{route: "GET /meetings/{id}/edit", allow: roles(access.Admin), make: onMeeting(false, "")},
		{route: "DELETE /api/v1/meetings/{id}", allow: roles(access.Admin), make: onMeeting(true, "")},
		{route: "POST /api/v1/meetings/{id}/submit", allow: roles(access.Admin), make: onMeeting(true, `{}`)},
	}
}

// areaPolicy is the rows of the reception, client and meeting areas.
func areaPolicy() []rule {
	var out []rule
	for _, part := range [][]rule{
		receptionPolicy(), clientPolicy(), meetingPolicy(), meetingLifecyclePolicy(),
		meetingStepsPolicy(),
		receptionUXPolicy(),
		caldavPolicy(),
		formsPolicy(),
		bookingStepsPolicy(),
		billingPolicy(),
		billingFapiaoPolicy(),
		engines2Policy(),
	} {
		out = append(out, part...)
	}
	return out
}
