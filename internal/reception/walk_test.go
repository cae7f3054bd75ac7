package reception_test

import (
	"testing"
	"time"

	"jiedai/internal/approval"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
)

// TestWholeCase walks a late application for a visit right after the 2026
// Spring Festival holiday from draft to closed: the late step, a rejected
// plan, the division of labour with working-day deadlines around the
// holiday and its make-up Saturday, materials with a damaged item,
// sign-in at the desk and by link, walk-in, wrap-up, surveys, settlement.
func TestWholeCase(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 2, 11, 10, 0))
		ctx, svc, u := f.ctx, f.svc, f.u

		// A draft may be incomplete, but not malformed.
		_, err := svc.Create(ctx, u["xiaoming"], reception.Application{VisitDate: "2026-02-30", ArrivalTime: "9:30"})
		if fe := fieldErrs(err); fe["visit_date"] != "err.bad_date" || fe["arrival_time"] != "err.reception.bad_time" {
			t.Fatalf("malformed draft: %v", fe)
		}
		draft, err := svc.Create(ctx, u["xiaoming"], reception.Application{OrgName: "北京华信科技有限公司", VisitDate: "2026-02-24"})
		f.must(err)
		if draft.Status != reception.StatusDraft || draft.DepartmentID == 0 || draft.Code == "" {
			t.Fatalf("draft: %+v", draft)
		}
		// Submitting the bare draft names every missing field.
		_, err = svc.Submit(ctx, u["xiaoming"], draft.ID)
		fe := fieldErrs(err)
		for _, field := range []string{"purpose", "arrival_time", "guest_name", "arrival_mode", "liaison_id", "budget", "late_reason"} {
			if fe[field] == "" {
				t.Errorf("submit bare draft: no error for %s (got %v)", field, fe)
			}
		}
		// Someone else may not edit or submit it.
		if _, err := svc.Update(ctx, u["chen"], draft.ID, f.application("2026-02-24")); kind(err) != errs.Forbidden {
			t.Fatalf("receptionist editing: %v", err)
		}

		app := f.application("2026-02-24")
		r, err := svc.Update(ctx, u["xiaoming"], draft.ID, app)
		f.must(err)
		if r.Headcount != 4 || r.TierPriceFen != 15000 || r.ImpliedBudgetFen() != 60000 || r.Guest.Name != "张伟" || len(r.Companions) != 2 {
			t.Fatalf("saved application: headcount %d price %d implied %d guest %+v companions %d", r.Headcount, r.TierPriceFen, r.ImpliedBudgetFen(), r.Guest, len(r.Companions))
		}
		// 2026-02-11 is four working days before 2026-02-24 (12, 13, the
		// make-up Saturday 14, then 24 after the holiday): late, so a
		// reason is required.
		_, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		if fe := fieldErrs(err); len(fe) != 1 || fe["late_reason"] != "err.reception.late_reason" {
			t.Fatalf("late without reason: %v", err)
		}
		app.LateReason = "客户临时确定节后首个工作日来访"
		_, err = svc.Update(ctx, u["xiaoming"], r.ID, app)
		f.must(err)
		r, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		f.must(err)
		if r.Status != reception.StatusPending || !r.Late || r.OrgID == 0 {
			t.Fatalf("submitted: status %s late %v org %d", r.Status, r.Late, r.OrgID)
		}
		appChain, _, err := svc.Chains(ctx, u["xiaoming"], r.ID)
		f.must(err)
		if len(appChain.Steps) != 2 || appChain.Steps[0].UserID != u["boss"].UserID || appChain.Steps[1].Role != "office" {
			t.Fatalf("late chain steps: %+v", appChain.Steps)
		}
		if _, err := svc.Update(ctx, u["xiaoming"], r.ID, app); kind(err) != errs.Conflict {
			t.Fatalf("editing a pending application: %v", err)
		}
		// The applicant cannot approve; the department head, then the office can.
		if _, err := svc.Decide(ctx, u["xiaoming"], r.ID, approval.Approve, ""); kind(err) != errs.Forbidden {
			t.Fatalf("applicant approving: %v", err)
		}
		r, err = svc.Decide(ctx, u["boss"], r.ID, approval.Approve, "同意")
		f.must(err)
		if r.Status != reception.StatusPending {
			t.Fatalf("after first step: %s", r.Status)
		}
		r, err = svc.Decide(ctx, u["wang"], r.ID, approval.Approve, "综管部可以安排")
		f.must(err)
		if r.Status != reception.StatusPlanning {
			t.Fatalf("after the late step: %s", r.Status)
		}

		// The division of labour came from the template, with deadlines in
		// working days from 2026-02-24.
		duties, err := svc.Duties(ctx, u["wang"], r.ID)
		f.must(err)
		if len(duties) != 12 {
			t.Fatalf("duties: %d", len(duties))
		}
		wantDue := map[int]time.Time{
			-4: at(2026, 2, 11, 18, 0), // before the holiday
			-2: at(2026, 2, 13, 18, 0),
			0:  at(2026, 2, 24, 9, 0),
			1:  at(2026, 2, 25, 18, 0),
			2:  at(2026, 2, 26, 18, 0),
		}
		for _, d := range duties {
			want, ok := wantDue[d.Offset]
			if !ok {
				t.Fatalf("unexpected offset %d", d.Offset)
			}
			if d.Offset != 0 && !d.Task.DueAt.Equal(want) {
				t.Errorf("%s (T%+d): due %s, want %s", d.Task.Title, d.Offset, d.Task.DueAt.In(shanghai), want)
			}
			if d.Offset == 0 && d.Task.DueAt.In(shanghai).Format(time.DateOnly) != "2026-02-24" {
				t.Errorf("%s: day-of due %s", d.Task.Title, d.Task.DueAt.In(shanghai))
			}
			if d.Task.Role != "office" || d.Task.Status != task.StatusOpen {
				t.Errorf("duty task: %+v", d.Task)
			}
		}
		// Lines the template gives to the applicant are his.
		owned := 0
		for _, d := range duties {
			if d.Task.OwnerID == u["xiaoming"].UserID {
				owned++
			}
		}
		if owned != 2 {
			t.Fatalf("applicant owns %d duties, want 2", owned)
		}
		its, err := svc.Itinerary(ctx, u["wang"], r.ID)
		f.must(err)
		if len(its) < 7 || its[0].Kind != "pickup" || its[len(its)-1].Kind != "sendoff" {
			t.Fatalf("itinerary: %+v", its)
		}
		st, err := svc.Settlement(ctx, u["wang"], r.ID)
		f.must(err)
		if len(st.Lines) != 6 || st.Lines[0].Category != "standard" || st.Lines[0].BudgetFen != 60000 {
			t.Fatalf("budget lines: %+v", st.Lines)
		}

		// The plan cannot go up while duties lack owners, nor while the
		// meeting room the application asked for is not held.
		_, err = svc.SubmitPlan(ctx, u["wang"], r.ID)
		if fe := fieldErrs(err); fe["duties"] != "err.reception.duties_unowned" || fe["room"] != "err.reception.room_not_held" {
			t.Fatalf("plan with unowned duties and no room: %v", err)
		}
		// The room is the company's own use, approved with the case: the
		// internal rate, no client, no letter or reply-by, confirmed at
		// once, its cost a line of the case's budget.
		room := f.bookRoom(r.ID, at(2026, 2, 24, 10, 0), at(2026, 2, 24, 12, 0))
		if room.Purpose != booking.PurposeInternal || room.Status != booking.StatusConfirmed || room.ClientName != "" || room.OrgID != 0 ||
			!room.ReplyBy.IsZero() || room.QuoteFen != 20000 {
			t.Fatalf("case room: %+v", room)
		}
		if _, err := f.tryBookRoom(r.ID, room.VenueID, room.Start.Add(3*time.Hour), room.End.Add(3*time.Hour)); kind(err) != errs.Conflict {
			t.Fatalf("a second room while one is held: %v", err)
		}
		st, err = svc.Settlement(ctx, u["wang"], r.ID)
		f.must(err)
		if l := st.Lines[len(st.Lines)-1]; len(st.Lines) != 7 || l.Category != reception.ExpenseVenue || l.BudgetFen != 20000 || l.Item != room.VenueName {
			t.Fatalf("room on the budget: %+v", st.Lines)
		}
		for _, d := range duties {
			if d.Task.OwnerID == 0 {
				f.must(svc.AssignDuty(ctx, u["wang"], d.ID, u["zhao"].UserID, u["chen"].UserID, d.Offset, d.At))
			}
		}
		r, err = svc.SubmitPlan(ctx, u["wang"], r.ID)
		f.must(err)
		if r.Status != reception.StatusPlanReview {
			t.Fatalf("plan submitted: %s", r.Status)
		}
		// The superior rejects the plan (a comment is required); it goes back to planning.
		if _, err := svc.Decide(ctx, u["liu"], r.ID, approval.Reject, ""); kind(err) != errs.Invalid {
			t.Fatalf("reject without comment: %v", err)
		}
		r, err = svc.Decide(ctx, u["liu"], r.ID, approval.Reject, "午餐改在公司食堂包间，压缩预算")
		f.must(err)
		if r.Status != reception.StatusPlanning || r.StatusNote == "" {
			t.Fatalf("plan rejected: %s %q", r.Status, r.StatusNote)
		}
		// Moving the T-4 line one working day earlier crosses a weekend.
		fresh, _ := svc.Duties(ctx, u["wang"], r.ID)
		first := fresh[0]
		f.must(svc.AssignDuty(ctx, u["wang"], first.ID, first.Task.OwnerID, first.Task.AssistantID, -5, "12:00"))
		d0, _ := svc.Duties(ctx, u["wang"], r.ID)
		for _, d := range d0 {
			if d.ID == first.ID && !d.Task.DueAt.Equal(at(2026, 2, 10, 12, 0)) {
				t.Fatalf("rescheduled T-5: %s", d.Task.DueAt.In(shanghai))
			}
		}
		r, err = svc.SubmitPlan(ctx, u["wang"], r.ID)
		f.must(err)
		// The room falls through while the plan is in review: the plan cannot
		// be approved until the room is booked again.
		_, err = f.rooms().Cancel(ctx, u["wang"], room.ID, "会议室设备检修", false)
		f.must(err)
		if _, err := svc.Decide(ctx, u["liu"], r.ID, approval.Approve, ""); fieldErrs(err)["room"] != "err.reception.room_not_held" {
			t.Fatalf("plan approved without its room: %v", err)
		}
		_, err = f.tryBookRoom(r.ID, room.VenueID, room.Start, room.End)
		f.must(err)
		r, err = svc.Decide(ctx, u["liu"], r.ID, approval.Approve, "")
		f.must(err)
		if r.Status != reception.StatusReady || r.PlanOKAt.IsZero() {
			t.Fatalf("plan approved: %s", r.Status)
		}
		_, planChain, _ := svc.Chains(ctx, u["wang"], r.ID)
		if planChain.Status != approval.StatusApproved {
			t.Fatalf("plan chain: %s", planChain.Status)
		}

		// Materials: tea sets from the inventory, fruit bought.
		teaID, err := svc.SaveItem(ctx, u["wang"], 0, reception.StockItemInput{Name: "茶具（套）", Category: "茶水", Unit: "套", Stock: 10, Active: true})
		f.must(err)
		f.must(svc.AddMaterial(ctx, u["wang"], r.ID, reception.MaterialInput{ItemID: teaID, Qty: 4, OwnerID: u["zhao"].UserID}))
		f.must(svc.AddMaterial(ctx, u["wang"], r.ID, reception.MaterialInput{ItemID: teaID, Qty: 7, OwnerID: u["zhao"].UserID}))
		f.must(svc.AddMaterial(ctx, u["wang"], r.ID, reception.MaterialInput{Name: "精品水果拼盘", Category: "水果", Qty: 3, Purchase: true, UnitCostFen: 12800}))
		ms, _ := svc.Materials(ctx, u["wang"], r.ID)
		f.must(svc.Borrow(ctx, u["zhao"], ms[0].ID))
		if err := svc.Borrow(ctx, u["zhao"], ms[1].ID); kind(err) != errs.Conflict {
			t.Fatalf("borrowing more than the stock: %v", err)
		}
		f.must(svc.RemoveMaterial(ctx, u["wang"], ms[1].ID))
		f.must(svc.Borrow(ctx, u["zhao"], ms[2].ID))

		// The visit day. Guests sign in at the desk and by their link.
		f.clk.Set(at(2026, 2, 24, 9, 35))
		guests, err := svc.Guests(ctx, u["chen"], r.ID, "")
		f.must(err)
		if len(guests) != 3 || guests[0].Kind != reception.GuestPrincipal {
			t.Fatalf("guest list: %+v", guests)
		}
		found, _ := svc.Guests(ctx, u["chen"], r.ID, "张")
		if len(found) != 1 || found[0].Name != "张伟" {
			t.Fatalf("find by name: %+v", found)
		}
		g, err := svc.SignIn(ctx, u["chen"], guests[0].ID, reception.GuestInput{Mobile: "13901012345", Email: "zhangwei@huaxin.example", IDNumber: "11010519491231002X"})
		f.must(err)
		if g.ArrivedAt.IsZero() || g.ContactID == 0 || g.IDMasked != "110105********002X" {
			t.Fatalf("signed in: %+v", g)
		}
		if _, err := svc.SignIn(ctx, u["chen"], guests[0].ID, reception.GuestInput{}); kind(err) != errs.Conflict {
			t.Fatalf("double sign-in: %v", err)
		}
		if _, err := svc.SignIn(ctx, u["chen"], guests[1].ID, reception.GuestInput{IDNumber: "110105194912310021"}); kind(err) != errs.Invalid {
			t.Fatalf("bad ID check digit: %v", err)
		}
		r, _ = svc.Get(ctx, u["chen"], r.ID)
		if r.Status != reception.StatusOngoing {
			t.Fatalf("first arrival should start the visit: %s", r.Status)
		}
		_, err = svc.SelfSignIn(ctx, guests[1].Token, reception.GuestInput{Title: "CTO"})
		f.must(err)
		w, err := svc.WalkIn(ctx, u["chen"], r.ID, reception.GuestInput{Name: "周杰", Title: "项目经理", Company: "北京华信科技有限公司"})
		f.must(err)
		all, _ := svc.Guests(ctx, u["chen"], r.ID, "")
		c := reception.CountOf(all)
		if c.Expected != 3 || c.Arrived != 2 || c.OnSite != 3 || c.WalkIns != 1 {
			t.Fatalf("count: %+v", c)
		}
		f.must(svc.MarkLeft(ctx, u["chen"], w.ID))
		f.must(svc.AddLost(ctx, u["chen"], r.ID, reception.LostInput{Description: "黑色保温杯", FoundPlace: "一号会议室", GuestID: guests[0].ID}))

		// Wrap-up: surveys open, the report creates follow-ups.
		f.clk.Set(at(2026, 2, 24, 16, 0))
		if _, err := svc.Close(ctx, u["wang"], r.ID); kind(err) != errs.Conflict {
			t.Fatalf("closing an ongoing case: %v", err)
		}
		r, err = svc.Finish(ctx, u["wang"], r.ID)
		f.must(err)
		_, err = svc.Close(ctx, u["wang"], r.ID)
		fe = fieldErrs(err)
		for _, field := range []string{"report", "materials", "expenses", "survey"} {
			if fe[field] == "" {
				t.Errorf("close too early: no %s error (%v)", field, fe)
			}
		}
		surveys, err := svc.Surveys(ctx, u["wang"], r.ID)
		f.must(err)
		if len(surveys) != 2 || len(surveys[0].Answers) != 6 || surveys[0].MaxScore != 60 || surveys[1].MaxScore != 100 {
			t.Fatalf("surveys: %+v", surveys)
		}
		cs, _, err := svc.SurveyByToken(ctx, surveys[0].Token)
		f.must(err)
		scores := map[int]int{}
		for _, an := range cs.Answers {
			scores[an.Seq] = 9
		}
		scores[1] = 11
		if _, err := svc.SubmitClientSurvey(ctx, surveys[0].Token, reception.SurveyInput{Scores: scores}); kind(err) != errs.Invalid {
			t.Fatalf("score over the maximum: %v", err)
		}
		scores[1] = 10
		sv, err := svc.SubmitClientSurvey(ctx, surveys[0].Token, reception.SurveyInput{Respondent: "张伟", Comment: "安排周到", Scores: scores})
		f.must(err)
		if sv.Score != 55 {
			t.Fatalf("client score %d", sv.Score)
		}
		if _, err := svc.SubmitClientSurvey(ctx, surveys[0].Token, reception.SurveyInput{Scores: scores}); kind(err) != errs.Conflict {
			t.Fatalf("second submission: %v", err)
		}
		internal := map[int]int{}
		for i := 1; i <= 10; i++ {
			internal[i] = 8
		}
		_, err = svc.SubmitInternalSurvey(ctx, u["wang"], r.ID, reception.SurveyInput{Scores: internal})
		f.must(err)

		_, err = svc.SaveReport(ctx, u["xiaoming"], r.ID, reception.ReportInput{Feedback: "客户对接待安排满意", Submit: true})
		if fe := fieldErrs(err); fe["discussed"] == "" || fe["intention"] == "" || fe["next_steps"] == "" {
			t.Fatalf("incomplete report: %v", err)
		}
		rep, err := svc.SaveReport(ctx, u["xiaoming"], r.ID, reception.ReportInput{
			Feedback: "客户对接待安排满意", Discussed: "数据中心二期合作范围、报价与工期", Intention: "high", NextSteps: "三月上旬提交正式方案",
			ReviewNotes: "接站车辆晚到十分钟", Improvements: "司机提前半小时出发",
			FollowUps: []reception.FollowUpInput{
				{Title: "致电张总致谢", OwnerID: u["xiaoming"].UserID, Due: "2026-02-25"},
				{Title: "提交二期合作方案", OwnerID: u["boss"].UserID, Due: "2026-03-06"},
				{Kind: "improvement", Title: "修订接站流程", OwnerID: u["wang"].UserID, Due: "2026-03-02"},
			},
			Submit: true,
		})
		f.must(err)
		if rep.SubmittedAt.IsZero() {
			t.Fatal("report not submitted")
		}
		fus, _ := svc.FollowUps(ctx, u["wang"], r.ID)
		if len(fus) != 3 || !fus[0].DueAt.Equal(at(2026, 2, 25, 18, 0)) {
			t.Fatalf("follow-ups: %+v", fus)
		}

		// Materials: one tea set came back damaged, which needs a note and
		// reduces the stock once checked.
		if err := svc.Return(ctx, u["zhao"], ms[0].ID, 3, 1, 0, ""); kind(err) != errs.Invalid {
			t.Fatalf("damage without note: %v", err)
		}
		if err := svc.Return(ctx, u["zhao"], ms[0].ID, 2, 1, 0, "x"); kind(err) != errs.Invalid {
			t.Fatalf("return not adding up: %v", err)
		}
		f.must(svc.Return(ctx, u["zhao"], ms[0].ID, 3, 1, 0, "一只茶杯有裂纹"))
		f.must(svc.Check(ctx, u["wang"], ms[0].ID))
		items, _ := svc.Items(ctx, u["wang"], false)
		if items[0].Stock != 9 || items[0].Out != 0 {
			t.Fatalf("stock after damage: %+v", items[0])
		}
		lost, _ := svc.LostItems(ctx, u["wang"], r.ID)
		f.must(svc.ReturnLost(ctx, u["chen"], lost[0].ID, "张伟本人"))

		st, _ = svc.Settlement(ctx, u["wang"], r.ID)
		for _, e := range st.Lines {
			actual := e.BudgetFen - 1000
			if actual < 0 {
				actual = 0
			}
			f.must(svc.UpdateExpense(ctx, u["wang"], e.ID, reception.ExpenseInput{Category: e.Category, Item: e.Item, BudgetFen: e.BudgetFen, ActualFen: &actual, Liaison: e.Liaison}))
		}
		st, _ = svc.Settlement(ctx, u["wang"], r.ID)
		if st.Unsettled != 0 || st.PurchaseFen != 38400 || st.OverBudget() {
			t.Fatalf("settlement: %+v", st)
		}
		if _, err := svc.Close(ctx, u["xiaoming"], r.ID); kind(err) != errs.Forbidden {
			t.Fatalf("applicant closing: %v", err)
		}
		r, err = svc.Close(ctx, u["li"], r.ID)
		f.must(err)
		if r.Status != reception.StatusClosed {
			t.Fatalf("closed: %s", r.Status)
		}

		// The client register shows the visit; the guest became a contact.
		h, err := f.cs.History(ctx, u["wang"], r.OrgID, 0)
		f.must(err)
		if len(h) != 0 {
			t.Fatalf("history without a source registered: %v", h)
		}
		f.cs.AddHistory(svc.History)
		h, _ = f.cs.History(ctx, u["wang"], r.OrgID, g.ContactID)
		if len(h) != 1 || h[0].ID != r.ID {
			t.Fatalf("history: %+v", h)
		}

		// ID numbers are erased once the retention period has passed.
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 0 {
			t.Fatalf("early purge: %d %v", n, err)
		}
		f.clk.Set(at(2026, 3, 27, 9, 0))
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		g, _ = svc.Guest(ctx, u["wang"], g.ID)
		if g.HasID {
			t.Fatal("ID number kept after the retention period")
		}
	})
}
