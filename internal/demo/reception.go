package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/approval"
	"jiedai/internal/booking"
	"jiedai/internal/client"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
	"jiedai/internal/venue"
)

// demoOrg is a client organisation with its contacts.
type demoOrg struct {
	in       client.OrgInput
	contacts []client.ContactInput
}

// loadClients adds client organisations (one pair that looks duplicated,
// for the merge page) with their contacts.
func loadClients(ctx context.Context, d *loader) error {
	orgs := []demoOrg{
		{client.OrgInput{Name: "北京华信科技有限公司", ShortName: "华信科技", Industry: "信息技术", Address: "北京市海淀区中关村东路 18 号", Phone: "010-6256 8800", Website: "www.huaxin-tech.example"},
			[]client.ContactInput{{Name: "张伟", Title: "副总裁", Mobile: "13901012345", Email: "zhangwei@huaxin-tech.example"}, {Name: "李强", Title: "技术总监", Mobile: "13801023456"}}},
		{client.OrgInput{Name: "上海东方航运集团有限公司", ShortName: "东方航运", Industry: "航运物流", Address: "上海市浦东新区世纪大道 100 号", Phone: "021-5888 6600"},
			[]client.ContactInput{{Name: "陈静", Title: "采购部经理", Mobile: "13761234567"}}},
		{client.OrgInput{Name: "深圳腾飞电子股份有限公司", ShortName: "腾飞电子", Industry: "电子制造", Address: "深圳市南山区科技园南区 6 栋", Phone: "0755-2666 8888"},
			[]client.ContactInput{{Name: "刘洋", Title: "董事长助理", Mobile: "13928765432"}}},
		{client.OrgInput{Name: "腾飞电子（深圳）", Industry: "电子", Website: "www.tengfei-e.example"},
			[]client.ContactInput{{Name: "刘洋", Title: "助理", Email: "liuyang@tengfei-e.example"}}},
		{client.OrgInput{Name: "杭州云栖数据科技有限公司", ShortName: "云栖数据", Industry: "云计算", Address: "杭州市西湖区云栖小镇", Phone: "0571-8777 1234"},
			[]client.ContactInput{{Name: "陈立", Title: "总经理", Mobile: "13588889999"}, {Name: "吴静", Title: "总经理助理", Mobile: "13588887777"}}},
		{client.OrgInput{Name: "广州南粤国际贸易有限公司", ShortName: "南粤国贸", Industry: "国际贸易", Address: "广州市天河区珠江新城华夏路 8 号", Phone: "020-3888 2200"},
			[]client.ContactInput{{Name: "黄志明", Title: "总经理", Mobile: "13602223333"}}},
		{client.OrgInput{Name: "成都天府文旅发展集团有限公司", ShortName: "天府文旅", Industry: "文化旅游", Address: "成都市锦江区红星路三段 1 号", Phone: "028-8666 5500"},
			[]client.ContactInput{{Name: "王芳", Title: "市场总监", Mobile: "13808001122"}}},
		{client.OrgInput{Name: "苏州星海精密制造有限公司", ShortName: "星海精密", Industry: "精密制造", Address: "苏州工业园区星湖街 328 号", Phone: "0512-6666 8888"},
			[]client.ContactInput{{Name: "顾敏", Title: "行政经理", Mobile: "13912345678"}}},
	}
	for _, o := range orgs {
		org, err := d.app.Clients.Create(ctx, d.sys, o.in)
		if err != nil {
			return fmt.Errorf("client %s: %w", o.in.Name, err)
		}
		d.orgs = append(d.orgs, org.ID)
		for _, c := range o.contacts {
			if _, err := d.app.Clients.CreateContact(ctx, d.sys, org.ID, c); err != nil {
				return fmt.Errorf("contact %s: %w", c.Name, err)
			}
		}
	}
	return nil
}

// loadReceptions fills the inventory and runs reception cases to every
// stage, around the current date: closed ones in past months (with
// surveys, for the report), one wrapping up, one under way today, one
// ready, one in plan review, one planning, a late one pending, a
// rejected one, a draft and a cancelled one.
func loadReceptions(ctx context.Context, d *loader) error {
	items := []reception.StockItemInput{
		{Name: "玻璃杯", Category: "茶水", Unit: "个", Stock: 60}, {Name: "茶具（套）", Category: "茶水", Unit: "套", Stock: 12},
		{Name: "果碟", Category: "茶水", Unit: "个", Stock: 30}, {Name: "笔记本电脑", Category: "设备", Unit: "台", Stock: 4},
		{Name: "便携投影仪", Category: "设备", Unit: "台", Stock: 3}, {Name: "翻页笔", Category: "设备", Unit: "支", Stock: 6},
		{Name: "欢迎水牌", Category: "布置", Unit: "块", Stock: 4}, {Name: "红地毯", Category: "布置", Unit: "卷", Stock: 2},
		{Name: "桌签", Category: "布置", Unit: "个", Stock: 40},
	}
	if len(d.orgs) == 0 {
		rows, err := d.app.DB.Query(ctx, `SELECT id FROM client_orgs WHERE merged_into IS NULL ORDER BY id`)
		if err != nil {
			return fmt.Errorf("read client orgs: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			d.orgs = append(d.orgs, id)
		}
		rows.Close()
	}
	office := d.person(ctx, "office")
	itemIDs := map[string]int64{}
	for _, in := range items {
		in.Active = true
		id, err := d.app.Reception.SaveItem(ctx, office, 0, in)
		if err != nil {
			return fmt.Errorf("item %s: %w", in.Name, err)
		}
		itemIDs[in.Name] = id
	}
	loc := d.app.Loc
	today := d.now.In(loc)
	day := func(offset int) string {
		return d.app.Calendar.AddWorkdays(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc), offset).Format(time.DateOnly)
	}
	cases := []demoCase{
		{org: 0, visit: day(-45), tier: reception.TierHigh, purpose: "洽谈年度数据中心合作项目", guest: reception.Person{Name: "张伟", Title: "副总裁"}, stage: reception.StatusClosed, scores: 9},
		{org: 1, visit: day(-30), tier: reception.TierBusiness, purpose: "考察会所商务中心，商谈长期会议场地合作", guest: reception.Person{Name: "陈静", Title: "采购部经理"}, stage: reception.StatusClosed, scores: 8},
		{org: 5, visit: day(-18), tier: reception.TierSimple, purpose: "进口食材供应商资质面谈", guest: reception.Person{Name: "黄志明", Title: "总经理"}, stage: reception.StatusClosed, scores: 7},
		{org: 6, visit: day(-8), tier: reception.TierBusiness, purpose: "文旅项目联合推广签约前沟通", guest: reception.Person{Name: "王芳", Title: "市场总监"}, stage: reception.StatusClosed, scores: 9},
		{org: 2, visit: day(-1), tier: reception.TierHigh, purpose: "董事长一行参观并洽谈战略合作", guest: reception.Person{Name: "刘洋", Title: "董事长助理"}, stage: reception.StatusWrapUp},
		{org: 4, visit: day(0), tier: reception.TierBusiness, purpose: "参观数据中心并洽谈机房托管合作", guest: reception.Person{Name: "陈立", Title: "总经理"}, stage: reception.StatusOngoing},
		{org: 7, visit: day(2), tier: reception.TierBusiness, purpose: "精密加工产线合作交流", guest: reception.Person{Name: "顾敏", Title: "行政经理"}, stage: reception.StatusReady},
		{org: 0, visit: day(6), tier: reception.TierHigh, purpose: "二期合作方案汇报", guest: reception.Person{Name: "张伟", Title: "副总裁"}, stage: reception.StatusPlanReview},
		{org: 1, visit: day(8), tier: reception.TierBusiness, purpose: "年度会议场地续约洽谈", guest: reception.Person{Name: "陈静", Title: "采购部经理"}, stage: reception.StatusPlanning},
		{org: 5, visit: day(3), tier: reception.TierSimple, purpose: "临时拜访：样品确认", guest: reception.Person{Name: "黄志明", Title: "总经理"}, stage: reception.StatusPending, late: "客户行程临时调整，提前来访"},
		{org: 6, visit: day(12), tier: reception.TierHigh, purpose: "集团领导考察", guest: reception.Person{Name: "王芳", Title: "市场总监"}, stage: reception.StatusRejected},
		{org: 3, visit: day(15), tier: reception.TierBusiness, purpose: "商务中心入驻咨询", guest: reception.Person{Name: "刘洋", Title: "董事长助理"}, stage: reception.StatusDraft},
		{org: 7, visit: day(20), tier: reception.TierSimple, purpose: "技术交流（客户改期）", guest: reception.Person{Name: "顾敏", Title: "行政经理"}, stage: reception.StatusCancelled},
	}
	for i, c := range cases {
		if err := d.runCase(ctx, c, itemIDs); err != nil {
			return fmt.Errorf("reception %d (%s): %w", i+1, c.stage, err)
		}
	}
	return nil
}

// ongoingArrival gives the arrival time of the case under way today: an
// hour and a half ago, but never so late that its meeting room would run
// past the rooms' closing time (the demo may be loaded at night). Loaded
// before the rooms open, the case arrived just after midnight and asks for
// no meeting room (none is open then).
func ongoingArrival(now, visit time.Time) (arrival string, needRoom bool) {
	n := now.Add(-90 * time.Minute)
	latest := time.Date(visit.Year(), visit.Month(), visit.Day(), 16, 0, 0, 0, now.Location())
	earliest := time.Date(visit.Year(), visit.Month(), visit.Day(), 9, 0, 0, 0, now.Location())
	switch {
	case n.After(latest):
		return latest.Format("15:04"), true
	case n.Before(earliest):
		return "00:30", false
	}
	return n.Format("15:04"), true
}

type demoCase struct {
	org     int
	visit   string
	tier    string
	purpose string
	guest   reception.Person
	stage   string
	late    string
	scores  int
}

// person returns the demo user as an actor (zero when unknown).
func (d *loader) person(ctx context.Context, username string) access.Actor {
	u, err := d.app.Auth.Get(ctx, d.users[username])
	if err != nil {
		return access.Actor{}
	}
	return u.Actor("demo")
}

// at runs the reception service at a wall-clock time in the site's zone.
func (d *loader) at(t time.Time) *reception.Service {
	return reception.New(d.app.DB, clock.NewFake(t), d.app.Calendar, d.app.Loc)
}

// bookCaseRoom books the case's meeting room at the time of its itinerary
// in the first meeting room free and open then (else any venue), as the
// office would at t.
func (d *loader) bookCaseRoom(ctx context.Context, t time.Time, office access.Actor, id int64) error {
	clk := clock.NewFake(t)
	vs := venue.New(d.app.DB, clk, d.app.Loc)
	bs := booking.New(d.app.DB, clk, d.app.Loc, d.app.Calendar, vs)
	rs := d.at(t)
	its, err := rs.Itinerary(ctx, office, id)
	if err != nil {
		return err
	}
	start, end := reception.RoomSlot(its)
	venues, err := vs.All(ctx, nil)
	if err != nil {
		return err
	}
	rooms := func(v venue.Venue) bool { return v.Kind == venue.KindMeetingRoom }
	venues = append(slices.DeleteFunc(slices.Clone(venues), func(v venue.Venue) bool { return !rooms(v) }), slices.DeleteFunc(venues, rooms)...)
	for _, v := range venues {
		_, err := app.BookCaseRoom(ctx, d.app.DB, bs, rs, d.app.Loc, office, id, v.ID, start.In(d.app.Loc).Format("15:04"), end.In(d.app.Loc).Format("15:04"))
		if k := errs.As(err).Kind; err == nil || (k != errs.Conflict && k != errs.Invalid) {
			return err
		}
	}
	return fmt.Errorf("demo reception %d: no meeting room free %s–%s", id, start, end)
}

// runCase takes one case as far as its stage, at the times it would have
// happened.
func (d *loader) runCase(ctx context.Context, c demoCase, items map[string]int64) error {
	loc := d.app.Loc
	visit, err := time.ParseInLocation(time.DateOnly, c.visit, loc)
	if err != nil {
		return err
	}
	staff, manager, office, exec := d.person(ctx, "staff"), d.person(ctx, "manager"), d.person(ctx, "office"), d.person(ctx, "executive")
	recept := d.person(ctx, "receptionist")
	org, err := d.app.Clients.Get(ctx, d.sys, d.orgs[c.org])
	if err != nil {
		return err
	}
	arrival, needRoom := "09:30", true
	if c.stage == reception.StatusOngoing {
		arrival, needRoom = ongoingArrival(d.now.In(loc), visit)
	}
	lead := -7
	if c.late != "" {
		lead = -2
	}
	applied := d.app.Calendar.AddWorkdays(visit, lead).Add(10 * time.Hour)
	if c.stage == reception.StatusDraft || applied.After(d.now) {
		applied = d.now.Add(-2 * time.Hour)
	}
	in := reception.Application{
		LiaisonID: d.users["staff"], OrgID: org.ID, OrgName: org.Name, Purpose: c.purpose, VisitDate: c.visit, ArrivalTime: arrival, Tier: c.tier,
		Guest: c.guest, Companions: []reception.Person{{Name: "赵晓东", Title: "项目经理"}, {Name: "孙悦", Title: "商务助理"}}, LateReason: c.late,
		Form: reception.Form{ArrivalMode: "train", Companions: 2, Helpers: []reception.Person{{Name: "陈晓", Title: "前台接待"}},
			CarPickup: true, VehicleType: "七座商务车", Tickets: false,
			Lunch:   reception.Arrangement{Need: true, Place: "会所中餐厅 3 号包间", Headcount: 6, BudgetFen: 180000, Liaison: "餐饮部 周经理"},
			Parking: true, Welcome: true, WelcomeText: "热烈欢迎" + org.ShortName + "领导莅临指导", Fruit: true, FruitLevel: "fine",
			Tea: true, TeaTypes: []string{"green", "water"}, MeetingRoom: needRoom, RoomItems: []string{"computer", "projector", "clicker", "pen", "paper"},
			Gifts: c.tier == reception.TierHigh, LeaderAppointment: c.tier == reception.TierHigh, OtherMaterials: "公司宣传册 10 份、合作方案打印件"},
	}
	if in.Form.Gifts {
		in.Form.GiftLevel = "fine"
		in.Form.LeaderName = "刘总"
		in.Form.RedCarpet = true
		in.Form.Hotel = reception.Arrangement{Need: true, Place: "会所酒店", Room: "806、808", BudgetFen: 136000, Liaison: "前厅部 郑主管"}
	}
	in.BudgetFen = int64(3+len(in.Companions)) * 100000
	svc := d.at(applied)
	r, err := svc.Create(ctx, staff, in)
	if err != nil {
		return err
	}
	if c.stage == reception.StatusDraft {
		return nil
	}
	if r, err = svc.Submit(ctx, staff, r.ID); err != nil {
		return err
	}
	if c.stage == reception.StatusCancelled {
		_, err = d.at(applied.Add(2*time.Hour)).Cancel(ctx, staff, r.ID, "客户行程调整，改期另行申请")
		return err
	}
	if c.stage == reception.StatusPending {
		return nil
	}
	if c.stage == reception.StatusRejected {
		_, err = d.at(applied.Add(time.Hour)).Decide(ctx, manager, r.ID, approval.Reject, "本季度接待预算已用完，请改为商务标准后重新提交")
		return err
	}
	if r, err = d.at(applied.Add(time.Hour)).Decide(ctx, manager, r.ID, approval.Approve, "同意"); err != nil {
		return err
	}
	if r.Late {
		if r, err = d.at(applied.Add(2*time.Hour)).Decide(ctx, office, r.ID, approval.Approve, "可以安排"); err != nil {
			return err
		}
	}
	// Planning: owners for the division of labour, materials.
	plan := d.at(applied.Add(3 * time.Hour))
	duties, err := plan.Duties(ctx, office, r.ID)
	if err != nil {
		return err
	}
	owners := map[string][2]string{"driver": {"security", ""}, "guest": {"staff", ""}, "logistics": {"office", "service"}, "process": {"office", "supervisor"}, "service": {"service", "receptionist"}}
	if c.stage == reception.StatusPlanning {
		owners = map[string][2]string{"guest": {"staff", ""}, "process": {"office", ""}}
	}
	for _, du := range duties {
		o, ok := owners[du.Group]
		if !ok || du.Task.OwnerID != 0 {
			continue
		}
		if err := plan.AssignDuty(ctx, office, du.ID, d.users[o[0]], d.users[o[1]], du.Offset, du.At); err != nil {
			return err
		}
	}
	for _, m := range []reception.MaterialInput{
		{ItemID: items["茶具（套）"], Qty: 2, OwnerID: d.users["service"]}, {ItemID: items["玻璃杯"], Qty: 10, OwnerID: d.users["service"]},
		{ItemID: items["便携投影仪"], Qty: 1, OwnerID: d.users["office"]}, {ItemID: items["翻页笔"], Qty: 1, OwnerID: d.users["office"]},
		{ItemID: items["欢迎水牌"], Qty: 1, OwnerID: d.users["receptionist"]},
		{Name: "精品水果拼盘", Category: "水果", Qty: 2, Purchase: true, UnitCostFen: 16800, OwnerID: d.users["service"]},
		{Name: "签字笔", Category: "文具", Qty: 10, Purchase: true, UnitCostFen: 350, OwnerID: d.users["office"]},
	} {
		if err := plan.AddMaterial(ctx, office, r.ID, m); err != nil {
			return err
		}
	}
	its, err := plan.Itinerary(ctx, office, r.ID)
	if err != nil {
		return err
	}
	for _, it := range its {
		if it.Kind != "intro" && it.Kind != "negotiation" && it.Kind != "tour" {
			continue
		}
		place, people := "会所一号会议室", "刘总、黄经理、林小明"
		if it.Kind == "tour" {
			place, people = "数据中心展厅、商务中心", "林小明"
		}
		in := reception.ItineraryInput{Kind: it.Kind, Date: c.visit, Start: it.StartsAt.In(loc).Format("15:04"), End: it.EndsAt.In(loc).Format("15:04"), Place: place, People: people}
		if err := plan.UpdateItinerary(ctx, office, it.ID, in); err != nil {
			return err
		}
	}
	if c.stage == reception.StatusPlanning {
		return nil
	}
	if needRoom {
		if err := d.bookCaseRoom(ctx, applied.Add(3*time.Hour), office, r.ID); err != nil {
			return err
		}
	}
	if r, err = plan.SubmitPlan(ctx, office, r.ID); err != nil {
		return err
	}
	if c.stage == reception.StatusPlanReview {
		return nil
	}
	if r, err = d.at(applied.Add(5*time.Hour)).Decide(ctx, exec, r.ID, approval.Approve, "同意按方案实施"); err != nil {
		return err
	}
	// Preparation: borrow and buy two working days ahead.
	prepAt := d.app.Calendar.AddWorkdays(visit, -2).Add(15 * time.Hour)
	if prepAt.Before(applied) || prepAt.After(d.now) {
		prepAt = applied.Add(6 * time.Hour)
	}
	prep := d.at(prepAt)
	ms, err := prep.Materials(ctx, office, r.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := prep.Borrow(ctx, office, m.ID); err != nil {
			return err
		}
	}
	if c.stage == reception.StatusReady {
		// Everything due so far is done but the tea sets and gifts, which are late.
		return d.completeDuties(ctx, r.ID, d.now, "会场茶具租借、礼品准备")
	}
	// The visit day.
	arr := r.ArrivalAt(loc)
	desk := d.at(arr.Add(-5 * time.Minute))
	guests, err := desk.Guests(ctx, recept, r.ID, "")
	if err != nil {
		return err
	}
	for i, g := range guests {
		if c.stage == reception.StatusOngoing && i == len(guests)-1 {
			break // one companion still on the way
		}
		card := reception.GuestInput{Mobile: fmt.Sprintf("139%08d", 10000000+int(r.ID)*10+i)}
		if _, err := d.at(arr.Add(time.Duration(i)*3*time.Minute)).SignIn(ctx, recept, g.ID, card); err != nil {
			return err
		}
	}
	its, err = desk.Itinerary(ctx, office, r.ID)
	if err != nil {
		return err
	}
	end := d.now
	if c.stage != reception.StatusOngoing {
		end = time.Date(visit.Year(), visit.Month(), visit.Day(), 17, 0, 0, 0, loc)
	}
	for _, it := range its {
		if it.StartsAt.Before(end) {
			if err := d.at(it.StartsAt.Add(5*time.Minute)).MarkItinerary(ctx, recept, it.ID, true); err != nil {
				return err
			}
		}
	}
	if c.stage == reception.StatusOngoing {
		if _, err := d.at(end).WalkIn(ctx, recept, r.ID, reception.GuestInput{Name: "周涛", Title: "区域销售经理", Company: org.Name}); err != nil {
			return err
		}
		return d.completeDuties(ctx, r.ID, d.now.Add(-time.Hour), "")
	}
	after := d.at(time.Date(visit.Year(), visit.Month(), visit.Day(), 17, 30, 0, 0, loc))
	if r, err = after.Finish(ctx, office, r.ID); err != nil {
		return err
	}
	if err := after.AddLost(ctx, recept, r.ID, reception.LostInput{Description: "黑色保温杯", FoundPlace: "一号会议室", GuestID: guests[0].ID}); err != nil {
		return err
	}
	for _, m := range ms {
		if m.Purchase {
			continue
		}
		damaged, note := 0, ""
		if m.ItemID == items["玻璃杯"] && c.scores == 7 {
			damaged, note = 1, "一只玻璃杯破损"
		}
		if err := after.Return(ctx, office, m.ID, m.Qty-damaged, damaged, 0, note); err != nil {
			return err
		}
	}
	if err := d.completeDuties(ctx, r.ID, after.Clock.Now(), ""); err != nil {
		return err
	}
	if c.stage == reception.StatusWrapUp {
		return nil
	}
	next := d.at(d.app.Calendar.AddWorkdays(visit, 1).Add(10 * time.Hour))
	for _, m := range ms {
		if !m.Purchase {
			if err := next.Check(ctx, office, m.ID); err != nil {
				return err
			}
		}
	}
	lost, err := next.LostItems(ctx, office, r.ID)
	if err != nil {
		return err
	}
	for _, l := range lost {
		if err := next.ReturnLost(ctx, recept, l.ID, c.guest.Name+"（快递寄回）"); err != nil {
			return err
		}
	}
	st, err := next.Settlement(ctx, office, r.ID)
	if err != nil {
		return err
	}
	for i, e := range st.Lines {
		actual := e.BudgetFen * int64(85+5*(i%3)) / 100
		if e.Category == "car" {
			actual = 60000
		}
		if err := next.UpdateExpense(ctx, office, e.ID, reception.ExpenseInput{Category: e.Category, Item: e.Item, BudgetFen: e.BudgetFen, ActualFen: &actual, Liaison: e.Liaison}); err != nil {
			return err
		}
	}
	if _, err := next.SaveReport(ctx, staff, r.ID, reception.ReportInput{
		Feedback: "客户对接待安排和会场服务表示满意，对数据中心的安全管理印象深刻。", Discussed: "合作范围、报价区间、交付周期及后续技术对接方式。",
		Intention: "high", NextSteps: "两周内提交正式合作方案并安排技术交流。", ReviewNotes: "接站车辆提前到达；午餐上菜稍慢。", Improvements: "与餐饮部提前确认上菜时间。",
		FollowUps: []reception.FollowUpInput{{Title: "致电客户表示感谢", OwnerID: d.users["staff"], Due: d.app.Calendar.AddWorkdays(visit, 1).Format(time.DateOnly)},
			{Title: "提交正式合作方案", OwnerID: d.users["manager"], Due: d.app.Calendar.AddWorkdays(visit, 10).Format(time.DateOnly)}},
		Submit: true,
	}); err != nil {
		return err
	}
	svs, err := next.Surveys(ctx, office, r.ID)
	if err != nil {
		return err
	}
	for _, sv := range svs {
		scores := map[int]int{}
		for _, an := range sv.Answers {
			v := c.scores
			if an.Seq%3 == 0 {
				v++
			}
			scores[an.Seq] = min(v, an.MaxPoints)
		}
		if sv.Kind == reception.SurveyInternal {
			for seq := range scores {
				if seq%4 == 0 {
					scores[seq]--
				}
			}
		}
		if sv.Kind == reception.SurveyClient {
			_, err = next.SubmitClientSurvey(ctx, sv.Token, reception.SurveyInput{Respondent: c.guest.Name, Comment: "接待周到细致，感谢安排。", Scores: scores})
		} else {
			_, err = next.SubmitInternalSurvey(ctx, office, r.ID, reception.SurveyInput{Scores: scores})
		}
		if err != nil {
			return err
		}
	}
	if err := d.completeDuties(ctx, r.ID, visit.AddDate(1, 0, 0), ""); err != nil {
		return err
	}
	_, err = next.Close(ctx, d.person(ctx, "supervisor"), r.ID)
	return err
}

// completeDuties marks done, at their due times, the duties due before
// cutoff (except one left late on purpose).
func (d *loader) completeDuties(ctx context.Context, id int64, cutoff time.Time, skip string) error {
	office := d.person(ctx, "office")
	duties, err := d.app.Reception.Duties(ctx, office, id)
	if err != nil {
		return err
	}
	for _, du := range duties {
		if !du.Task.Active() || du.Task.DueAt.After(cutoff) || du.Task.Title == skip {
			continue
		}
		when := du.Task.DueAt.Add(-2 * time.Hour)
		if when.After(d.now) {
			when = d.now
		}
		if err := d.at(when).CompleteDuty(ctx, office, du.ID, "已按要求完成"); err != nil {
			return err
		}
	}
	return nil
}
