package main

import (
	"context"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/client"
	"jiedai/internal/meeting"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/task"
	"jiedai/internal/workday"
	"jiedai/internal/workday/overrides"
)

// Client organisations, reception cases and meetings, in proportion to the
// bookings: an organisation per 400 bookings (at least the hundred the
// client users and bookings name), a reception case per 100 and a meeting
// per 40, in every state their packages define, each with the rows its
// state implies (guests, division of labour, itinerary, budget, report and
// surveys; attendees, agenda, minutes, resolutions and action items). The
// open review of a case waiting for a decision is written too, so the
// reviewer can decide it. Rows are gathered per chunk and written table by
// table, parents first, so foreign keys hold in both dialects.

// caseIDTables are the tables whose ids the generator sets itself (their
// PostgreSQL sequences are advanced afterwards).
var caseIDTables = []string{"client_orgs", "client_contacts", "receptions", "tasks", "approval_chains", "meetings",
	"meeting_agenda_items", "meeting_resolutions", "meeting_action_items", "reception_surveys"}

// caseCounts derives the numbers of organisations, reception cases and
// meetings from the bookings.
func caseCounts(sz sizes) (orgs, receptions, meetings int) {
	return max(100, sz.Bookings/400), sz.Bookings / 100, sz.Bookings / 40
}

// tableRows holds the rows of one table for a chunk.
type tableRows struct {
	name string
	cols []string
	rows [][]any
}

func (t *tableRows) add(vals ...any) { t.rows = append(t.rows, vals) }

// rowSet keeps a chunk's rows by table in the order they are written.
type rowSet struct{ order []*tableRows }

func (s *rowSet) table(name string, cols ...string) *tableRows {
	t := &tableRows{name: name, cols: cols}
	s.order = append(s.order, t)
	return t
}

// write stores the chunk in one transaction, table by table.
func (g *generator) write(ctx context.Context, s *rowSet) error {
	return g.db.InTx(ctx, func(tx *store.Tx) error {
		for _, t := range s.order {
			var n int64
			b := newBatch(ctx, tx, t.name, t.cols, &n)
			for _, r := range t.rows {
				if err := b.add(r...); err != nil {
					return err
				}
			}
			if err := b.flush(); err != nil {
				return err
			}
			g.rows[t.name] += n
			g.written += n
			t.rows = t.rows[:0]
		}
		return nil
	})
}

// nextID is the first free id of a table.
func (g *generator) nextID(ctx context.Context, table string) (int64, error) {
	var n int64
	err := g.db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&n)
	return n + 1, err
}

// token draws a guest or survey token shaped like the application's.
func (g *generator) token() string {
	var b [15]byte
	for i := range b {
		b[i] = byte(g.rng.UintN(256))
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

func (g *generator) mobile() string { return fmt.Sprintf("13%09d", g.rng.IntN(1e9)) }

// caseState tells the case generators which states to draw: the first
// few cases take every state in turn (so a small dataset has them all),
// the rest follow the weights.
func (g *generator) caseState(i int, states []string, weights []float64) string {
	if i < len(states) {
		return states[i]
	}
	return g.weighted(states, weights)
}

// weighted draws one of the choices by weight.
func (g *generator) weighted(states []string, weights []float64) string {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	x := g.rng.Float64() * sum
	for k, w := range weights {
		if x < w {
			return states[k]
		}
		x -= w
	}
	return states[len(states)-1]
}

// caseGen is what the case generators share.
type caseGen struct {
	*generator
	orgs     []genOrg
	managers map[int64]int64 // department → manager
	cal      *workday.Calendar
	today    time.Time
	first    time.Time
	days     int // of the booking range
	ahead    int // of it after today
	nowMs    int64
}

type genOrg struct {
	id       int64
	name     string
	contacts []genContact
}

type genContact struct {
	id          int64
	name, title string
}

var (
	orgCities     = []string{"上海", "北京", "深圳", "杭州", "广州", "苏州", "成都", "武汉", "南京", "天津", "西安", "长沙", "合肥", "重庆", "青岛", "厦门", "宁波", "无锡", "郑州", "济南"}
	orgBrands     = []string{"锦华", "恒信", "远航", "瑞丰", "嘉禾", "华泰", "鼎盛", "同创", "新元", "博远", "盛世", "安泰", "德润", "宏图", "卓越", "联合", "天成", "明达", "广益", "金桥", "中和", "正源", "永兴", "汇通", "云启", "星耀", "北辰", "海纳", "泰和", "君安", "昊天", "润泽", "启明", "长青", "弘毅", "信达", "凯旋", "朗程", "睿智", "万象"}
	orgIndustries = []struct{ word, industry string }{{"科技", "信息技术"}, {"贸易", "商贸"}, {"投资", "金融"}, {"置业", "房地产"}, {"物流", "物流"}, {"医药", "医药健康"},
		{"咨询", "专业服务"}, {"制造", "制造业"}, {"能源", "能源"}, {"传媒", "文化传媒"}, {"教育", "教育"}, {"建设", "建筑"}, {"食品", "消费品"}, {"环保", "环保"}, {"电子", "电子"}}
	contactTitles = []string{"总经理", "副总经理", "董事长", "采购经理", "市场总监", "项目经理", "行政主管", "财务总监", "技术总监", "销售经理", "总经理助理"}
)

// orgName is the i-th generated organisation name: the business-centre
// companies first, then city, brand and trade combined.
func orgName(i int) (name, industry string) {
	if i < len(companies) {
		return companies[i], ""
	}
	i -= len(companies)
	ind := orgIndustries[(i/(len(orgCities)*len(orgBrands)))%len(orgIndustries)]
	name = orgCities[i%len(orgCities)] + orgBrands[(i/len(orgCities))%len(orgBrands)] + ind.word
	if k := i / (len(orgCities) * len(orgBrands) * len(orgIndustries)); k > 0 {
		name += strconv.Itoa(k+1) + "号"
	}
	return name + "有限公司", ind.industry
}

// genClients writes the client register: organisations with two to four
// contacts each.
func (g *caseGen) genClients(ctx context.Context) error {
	n, _, _ := caseCounts(g.sz)
	oid, err := g.nextID(ctx, "client_orgs")
	if err != nil {
		return err
	}
	cid, err := g.nextID(ctx, "client_contacts")
	if err != nil {
		return err
	}
	created := store.Ms(g.now.AddDate(-g.sz.Years, 0, -20))
	var s rowSet
	orgs := s.table("client_orgs", "id", "name", "name_key", "short_name", "industry", "address", "phone", "website", "notes", "created_by", "created_at", "updated_at")
	contacts := s.table("client_contacts", "id", "org_id", "name", "title", "mobile", "phone", "email", "wechat", "notes", "created_at", "updated_at")
	seen := map[string]bool{}
	for i := 0; len(g.orgs) < n; i++ {
		name, industry := orgName(i)
		key := client.Key(name)
		if seen[key] {
			continue
		}
		seen[key] = true
		o := genOrg{id: oid, name: name}
		oid++
		short := strings.TrimSuffix(strings.TrimSuffix(name, "有限公司"), "股份")
		orgs.add(o.id, name, key, short, industry, fmt.Sprintf("%s路%d号", g.pick(orgBrands), 1+g.rng.IntN(999)), fmt.Sprintf("0%d-%08d", 10+g.rng.IntN(89), g.rng.IntN(1e8)),
			"", "", g.office[g.rng.IntN(len(g.office))], created, created)
		for range 2 + g.rng.IntN(3) {
			c := genContact{id: cid, name: g.personName(), title: g.pick(contactTitles)}
			cid++
			o.contacts = append(o.contacts, c)
			contacts.add(c.id, o.id, c.name, c.title, g.mobile(), "", fmt.Sprintf("c%d@example.cn", c.id), "", "", created, created)
		}
		g.orgs = append(g.orgs, o)
	}
	if err := g.write(ctx, &s); err != nil {
		return err
	}
	g.progress("clients", int64(n), int64(n))
	return nil
}

// prepareCases finds what both case generators need: the working-day
// calendar, department managers and the booking range.
func (g *generator) prepareCases(ctx context.Context) (*caseGen, error) {
	cal, err := overrides.Calendar(ctx, g.db, g.loc)
	if err != nil {
		return nil, fmt.Errorf("working-day calendar: %w", err)
	}
	c := &caseGen{generator: g}
	c.cal = cal
	c.managers = map[int64]int64{}
	for _, u := range g.users {
		if u.roles[0] == access.Manager {
			if _, ok := c.managers[u.dept]; !ok {
				c.managers[u.dept] = u.id
			}
		}
	}
	n := g.now.In(g.loc)
	c.today = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, g.loc)
	c.days = g.sz.Years * 365
	c.ahead = min(182, c.days/10)
	c.first = c.today.AddDate(0, 0, -(c.days - c.ahead))
	c.nowMs = store.Ms(g.now)
	return c, nil
}

// genCases writes the client register, the reception cases and the
// meetings.
func (g *generator) genCases(ctx context.Context) error {
	c, err := g.prepareCases(ctx)
	if err != nil {
		return err
	}
	for _, st := range []struct {
		name string
		fn   func(context.Context) error
	}{{"clients", c.genClients}, {"receptions", c.genReceptions}, {"meetings", c.genMeetings}} {
		if err := st.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}
	return nil
}

// day returns a weekday between
// from and to days from today, clamped to the booking range.
func (c *caseGen) day(from, to int) time.Time {
	from = max(from, -(c.days - c.ahead))
	to = max(min(to, c.ahead-1), from)
	d := c.today.AddDate(0, 0, from+c.rng.IntN(to-from+1))
	fwd := 0 // weekends move to the Friday before, or ahead of today to the Monday after
	if from > 0 {
		fwd = 3
	}
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, fwd-1)
	case time.Sunday:
		d = d.AddDate(0, 0, fwd-2)
	}
	return d
}

// staffOther draws a staff member other than the given ones.
func (g *generator) staffOther(not ...int64) genUser {
	for {
		u := g.requester()
		ok := true
		for _, n := range not {
			ok = ok && u.id != n
		}
		if ok {
			return u
		}
	}
}

// chain queues an open review (one step) of a record.
func chain(chains, steps *tableRows, id int64, entity string, entityID int64, title, link, status string, createdBy any, at int64, kind, role string, userID any, decision string, decidedBy any, decidedAt any) {
	chains.add(id, entity, entityID, title, link, status, 1, 1, createdBy, at, at, at, nil)
	steps.add(id, 1, 1, kind, role, userID, decision, decidedBy, "", decidedAt)
}

var (
	chainCols = []string{"id", "entity", "entity_id", "title", "link", "status", "current_step", "round_no", "created_by", "created_at", "updated_at", "step_since", "closed_at"}
	stepCols  = []string{"chain_id", "round_no", "seq", "kind", "role", "user_id", "decision", "decided_by", "comment", "decided_at"}
	auditCols = []string{"at", "actor_id", "actor_name", "entity", "entity_id", "action", "before_json", "after_json", "ip"}
	taskCols  = []string{"id", "kind", "entity", "entity_id", "title", "description", "owner_id", "assistant_id", "role", "due_at", "progress", "status", "auto_accept",
		"result", "feedback", "link", "created_by", "created_at", "updated_at", "submitted_at", "closed_at"}
)

// managerStep is the department-head step of a review requested by user u.
func (g *caseGen) managerStep(u genUser) (kind, role string, user any) {
	if m := g.managers[u.dept]; m != 0 && m != u.id {
		return approval.KindManager, "", m
	}
	return approval.KindManager, access.Manager, nil
}

// after returns a time d after t but not later than limit (and never
// before t).
func after(t, d, limit int64) int64 { return max(t, min(t+d, limit)) }

const hourMs = int64(time.Hour / time.Millisecond)

// recTables are the tables a chunk of reception cases fills.
type recTables struct {
	set                                      rowSet
	recs, tasks, guests, duties, itin, exps  *tableRows
	reps, survs, answers, chains, steps, aud *tableRows
	jobs                                     *tableRows
}

func newRecTables() *recTables {
	t := &recTables{}
	s := &t.set
	t.recs = s.table("receptions", "id", "code", "status", "applicant_id", "department_id", "liaison_id", "org_id", "org_name", "purpose", "visit_date", "arrival_time",
		"tier", "tier_price_fen", "headcount", "budget_fen", "form", "late", "late_reason", "status_note", "submitted_at", "approved_at", "plan_submitted_at", "plan_approved_at",
		"started_at", "finished_at", "closed_at", "cancelled_at", "ids_purged_at", "created_at", "updated_at")
	t.tasks = s.table("tasks", taskCols...)
	t.guests = s.table("reception_guests", "reception_id", "kind", "seq", "name", "title", "company", "mobile", "email", "id_number", "contact_id", "token",
		"invited_at", "arrived_at", "left_at", "signed_in_by", "self_signed", "note", "created_at", "updated_at")
	t.duties = s.table("reception_duties", "reception_id", "task_id", "grp", "phase", "offset_days", "at", "seq", "created_at")
	t.itin = s.table("reception_itinerary", "reception_id", "kind", "starts_at", "ends_at", "place", "people", "notes", "done_at", "created_at", "updated_at")
	t.exps = s.table("reception_expenses", "reception_id", "category", "item", "budget_fen", "actual_fen", "liaison", "note", "seq", "created_at", "updated_at")
	t.reps = s.table("reception_reports", "reception_id", "feedback", "discussed", "intention", "next_steps", "review_notes", "improvements", "submitted_by", "submitted_at", "updated_at")
	t.survs = s.table("reception_surveys", "id", "reception_id", "kind", "token", "respondent", "comment", "score", "max_score", "sent_at", "submitted_at", "submitted_by", "created_at")
	t.answers = s.table("reception_survey_answers", "survey_id", "seq", "criterion", "max_points", "score")
	t.chains = s.table("approval_chains", chainCols...)
	t.steps = s.table("approval_steps", stepCols...)
	t.aud = s.table("audit_log", auditCols...)
	t.jobs = s.table("jobs", "kind", "key", "payload", "due_at")
	return t
}

type dutyLine struct {
	grp, phase, at, title, duty, owner string
	offset                             int
}

type criterion struct {
	text     string
	points   int
	audience string
}

// recIDs are the next ids of the tables whose ids the generator sets.
type recIDs struct{ rec, task, chain, survey int64 }

// genReceptions writes the reception cases, a thousand per transaction.
func (c *caseGen) genReceptions(ctx context.Context) error {
	_, total, _ := caseCounts(c.sz)
	if total == 0 {
		return nil
	}
	var lines []dutyLine
	rows, err := c.db.Query(ctx, `SELECT grp, phase, offset_days, at, title, duty, default_owner FROM reception_duty_templates WHERE active ORDER BY seq, id`)
	if err != nil {
		return fmt.Errorf("duty template: %w", err)
	}
	for rows.Next() {
		var l dutyLine
		if err := rows.Scan(&l.grp, &l.phase, &l.offset, &l.at, &l.title, &l.duty, &l.owner); err != nil {
			rows.Close()
			return err
		}
		lines = append(lines, l)
	}
	rows.Close()
	var crits []criterion
	rows, err = c.db.Query(ctx, `SELECT text, max_points, audience FROM reception_survey_criteria WHERE active ORDER BY seq, id`)
	if err != nil {
		return fmt.Errorf("survey criteria: %w", err)
	}
	for rows.Next() {
		var cr criterion
		if err := rows.Scan(&cr.text, &cr.points, &cr.audience); err != nil {
			rows.Close()
			return err
		}
		crits = append(crits, cr)
	}
	rows.Close()
	var ids recIDs
	if err := c.nextIDs(ctx, map[string]*int64{"receptions": &ids.rec, "tasks": &ids.task, "approval_chains": &ids.chain, "reception_surveys": &ids.survey}); err != nil {
		return err
	}
	// Mostly closed history; the cases still open lie ahead of today.
	weights := []float64{1, 1.5, 3, 2, 1.5, 2, 0.2, 1, 81, 6.8}
	t := newRecTables()
	return c.chunks(ctx, "receptions", total, 1000, &t.set, func(i int) error {
		return c.reception(t, &ids, c.caseState(i, reception.Statuses, weights), lines, crits)
	})
}

// chunks queues total records with one, writing them per chunk in a
// transaction and reporting progress.
func (c *caseGen) chunks(ctx context.Context, stage string, total, per int, set *rowSet, one func(i int) error) error {
	for done := 0; done < total; {
		for n := 0; n < per && done < total; n++ {
			if err := one(done); err != nil {
				return err
			}
			done++
		}
		if err := c.write(ctx, set); err != nil {
			return err
		}
		c.progress(stage, int64(done), int64(total))
	}
	return nil
}

// nextIDs sets each destination to the first free id of its table.
func (c *caseGen) nextIDs(ctx context.Context, tables map[string]*int64) error {
	for t, dst := range tables {
		var err error
		if *dst, err = c.nextID(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

var (
	recPurposes = []string{"商务考察", "项目洽谈", "签约仪式", "年度合作回顾", "技术交流", "参观访问", "领导视察", "供应商评审", "投资考察"}
	arrivals    = []string{"09:00", "09:30", "10:00", "10:30", "14:00", "14:30", "15:00"}
)

// reception queues one case in state st with the rows that state implies.
func (c *caseGen) reception(t *recTables, ids *recIDs, st string, lines []dutyLine, crits []criterion) error {
	rng := c.rng
	id := ids.rec
	ids.rec++
	var visit time.Time
	switch st {
	case reception.StatusClosed:
		visit = c.day(-c.days, -8)
	case reception.StatusCancelled:
		visit = c.day(-c.days, c.ahead)
	case reception.StatusRejected:
		visit = c.day(-c.days, -1)
		if rng.IntN(5) == 0 {
			visit = c.day(3, 60)
		}
	case reception.StatusWrapUp:
		visit = c.day(-7, -1)
	case reception.StatusOngoing:
		visit = c.today
	case reception.StatusReady:
		visit = c.day(1, 14)
	case reception.StatusPlanning, reception.StatusPlanReview:
		visit = c.day(3, 45)
	case reception.StatusPending:
		visit = c.day(5, 60)
	default:
		visit = c.day(5, c.ahead)
	}
	arrival := c.pick(arrivals)
	hh, _ := strconv.Atoi(arrival[:2])
	mm, _ := strconv.Atoi(arrival[3:])
	arrMs := store.Ms(visit) + int64(hh)*hourMs + int64(mm)*60000
	nowMs := c.nowMs
	lateCancel := st == reception.StatusCancelled && rng.IntN(2) == 0
	reached := func(states ...string) bool {
		for _, s := range states {
			if s == st {
				return true
			}
		}
		return false
	}
	approved := lateCancel || reached(reception.StatusPlanning, reception.StatusPlanReview, reception.StatusReady, reception.StatusOngoing, reception.StatusWrapUp, reception.StatusClosed)
	planSent := reached(reception.StatusPlanReview, reception.StatusReady, reception.StatusOngoing, reception.StatusWrapUp, reception.StatusClosed)
	planOK := reached(reception.StatusReady, reception.StatusOngoing, reception.StatusWrapUp, reception.StatusClosed)
	started := reached(reception.StatusOngoing, reception.StatusWrapUp, reception.StatusClosed)
	finished := reached(reception.StatusWrapUp, reception.StatusClosed)
	// The story in time, each step after the one before, none after now.
	limit := min(nowMs-60000, arrMs-hourMs)
	created := min(arrMs-int64(8+rng.IntN(30))*dayMs, nowMs-2*hourMs)
	last := created
	var subAt, apprAt, psubAt, pokAt, startAt, finAt, closeAt, cancAt, purgedAt any
	stamp := func(dst *any, d int64, lim int64) int64 {
		last = after(last, d, lim)
		*dst = last
		return last
	}
	if st != reception.StatusDraft {
		stamp(&subAt, hourMs+int64(rng.IntN(48))*hourMs, limit)
	}
	if approved {
		stamp(&apprAt, 4*hourMs+int64(rng.IntN(44))*hourMs, limit)
	}
	if planSent {
		stamp(&psubAt, dayMs+int64(rng.IntN(48))*hourMs, limit)
	}
	if planOK {
		stamp(&pokAt, 4*hourMs+int64(rng.IntN(20))*hourMs, limit)
	}
	var startMs, finMs int64
	if started {
		startMs = max(last, min(arrMs, nowMs-20*60000))
		last, startAt = startMs, startMs
	}
	if finished {
		finMs = stamp(&finAt, int64(3+rng.IntN(5))*hourMs, nowMs-60000)
	}
	if st == reception.StatusClosed {
		stamp(&closeAt, int64(2+rng.IntN(5))*dayMs, nowMs-60000)
		if store.Ms(visit)+30*dayMs < nowMs {
			purgedAt = store.Ms(visit) + 31*dayMs
		}
	}
	if st == reception.StatusCancelled {
		stamp(&cancAt, int64(1+rng.IntN(72))*hourMs, nowMs-60000)
	}
	updated := last
	if purgedAt != nil {
		updated = max(updated, purgedAt.(int64))
	}

	app := c.requester()
	liaison := c.staffOther(app.id)
	org := c.orgs[rng.IntN(len(c.orgs))]
	principal := org.contacts[rng.IntN(len(org.contacts))]
	tier := reception.Tiers[min(rng.IntN(5), 2)] // mostly simple, business and high alike
	cfg := reception.DefaultConfig()
	price := cfg.Price(tier)
	companions := 1 + rng.IntN(4)
	headcount := companions + 1
	form := reception.Form{ArrivalMode: c.pick(reception.ArrivalModes), Companions: companions, Tea: true, TeaTypes: []string{"green", "water"},
		MeetingRoom: true, RoomItems: []string{"computer", "projector", "paper", "pen"}, Fruit: true, FruitLevel: c.pick(reception.Levels), Parking: rng.IntN(2) == 0}
	if form.ArrivalMode == "car" {
		form.PlateNo = fmt.Sprintf("沪A%05d", rng.IntN(100000))
	} else {
		form.CarPickup, form.VehicleType = true, "商务车"
	}
	type line struct {
		cat, item string
		fen       int64
	}
	budget := []line{{"standard", "接待标准", price * int64(headcount)}}
	if rng.IntN(3) > 0 {
		form.Lunch = reception.Arrangement{Need: true, Place: "员工餐厅贵宾间", Headcount: headcount + 2, BudgetFen: int64(headcount+2) * 12000, Liaison: liaison.name}
		budget = append(budget, line{"lunch", "午餐", form.Lunch.BudgetFen})
	}
	if tier == reception.TierHigh {
		form.Gifts, form.GiftLevel = true, "fine"
		form.Welcome, form.WelcomeText = true, "热烈欢迎"+org.name+"莅临指导"
		budget = append(budget, line{"gifts", "伴手礼", int64(headcount) * 20000})
	}
	var total int64
	for _, b := range budget {
		total += b.fen
	}
	formJSON, err := json.Marshal(form)
	if err != nil {
		return err
	}
	late, lateReason := false, ""
	if subAt != nil && arrMs-subAt.(int64) < 7*dayMs {
		late, lateReason = true, "客户临时确定来访时间"
	}
	note := ""
	switch st {
	case reception.StatusRejected:
		note = c.pick([]string{"预算超出接待标准，请调整后重新提交", "来访时间与公司重要活动冲突", "请补充来访目的"})
	case reception.StatusCancelled:
		note = c.pick([]string{"客户行程变更", "来访取消", "改期另行安排"})
	}
	code := fmt.Sprintf("JD-%d-%04d", time.UnixMilli(created).In(c.loc).Year(), id)
	purpose := c.pick(recPurposes)
	t.recs.add(id, code, st, app.id, store.IDOrNil(app.dept), liaison.id, org.id, org.name, purpose, visit.Format(time.DateOnly), arrival,
		tier, price, headcount, total, string(formJSON), late, lateReason, note, subAt, apprAt, psubAt, pokAt,
		startAt, finAt, closeAt, cancAt, purgedAt, created, updated)
	created1, _ := json.Marshal(map[string]any{"org_name": org.name, "purpose": purpose, "visit_date": visit.Format(time.DateOnly), "arrival_time": arrival, "tier": tier,
		"budget_fen": total, "guest": map[string]string{"name": principal.name, "title": principal.title}})
	t.aud.add(created, app.id, app.name, reception.Entity, id, "create", "", string(created1), "10.0.0."+strconv.Itoa(1+rng.IntN(250)))

	// Guests: the principal (a contact of the organisation) and the
	// companions from the application, and now and then an invited guest.
	desk := c.office[rng.IntN(len(c.office))]
	seq := 0
	guest := func(kind, name, title string, contact any) {
		seq++
		var invited, arrived, left, by any
		self := false
		if pokAt != nil {
			invited = pokAt.(int64) + hourMs
		}
		if started && (st != reception.StatusOngoing || seq <= 2) {
			a := min(startMs+int64(rng.IntN(20))*60000, max(startMs, nowMs-60000))
			arrived = a
			if self = rng.IntN(4) == 0; !self {
				by = desk
			}
			if finished {
				left = finMs
			}
		}
		t.guests.add(id, kind, seq, name, title, org.name, c.mobile(), "", "", contact, c.token(), invited, arrived, left, by, self, "", created, updated)
	}
	guest(reception.GuestPrincipal, principal.name, principal.title, principal.id)
	for range companions {
		guest(reception.GuestCompanion, c.personName(), c.pick(contactTitles), nil)
	}
	if planOK && rng.IntN(4) == 0 {
		guest(reception.GuestInvited, c.personName(), "特邀嘉宾", nil)
	}

	// Reviews waiting for a decision.
	title := code + " " + org.name
	switch st {
	case reception.StatusPending:
		kind, role, user := c.managerStep(app)
		chain(t.chains, t.steps, ids.chain, reception.Entity, id, title, reception.Link(id), approval.StatusPending, app.id, subAt.(int64), kind, role, user, "", nil, nil)
		ids.chain++
	case reception.StatusPlanReview:
		chain(t.chains, t.steps, ids.chain, reception.EntityPlan, id, title, reception.Link(id), approval.StatusPending, liaison.id, psubAt.(int64), approval.KindRole, cfg.PlanRole, nil, "", nil, nil)
		ids.chain++
	}
	if !approved {
		return nil
	}
	apprMs := apprAt.(int64)
	approver := store.IDOrNil(c.managers[app.dept])

	// The division of labour from the template, its tasks in the state
	// the case has reached.
	for j, l := range lines {
		dueT, err := task.Due(visit, l.offset, l.at, c.cal, c.loc)
		if err != nil {
			return err
		}
		due := store.Ms(dueT)
		var owner any
		switch {
		case l.owner == reception.OwnerApplicant:
			owner = app.id
		case l.owner == reception.OwnerLiaison:
			owner = liaison.id
		case st != reception.StatusPlanning || rng.IntN(3) > 0:
			owner = c.staffOther().id
		}
		status, progress := task.StatusOpen, 0
		var closedAt, submittedAt any
		done := st == reception.StatusClosed || (st == reception.StatusWrapUp && (l.phase != "wrapup" || rng.IntN(2) == 0)) ||
			(st == reception.StatusOngoing && l.phase == "before") || (st == reception.StatusReady && l.phase == "before" && due < nowMs)
		switch {
		case lateCancel:
			status, closedAt = task.StatusCancelled, cancAt
		case done:
			status, progress = task.StatusDone, 100
			end := nowMs - 60000
			if closeAt != nil {
				end = closeAt.(int64)
			}
			closedAt = max(apprMs, min(due-int64(rng.IntN(180))*60000, end))
			submittedAt = closedAt
		case (st == reception.StatusOngoing && l.phase == "onsite") || (planOK && rng.IntN(5) == 0):
			status, progress = task.StatusInProgress, 10*(1+rng.IntN(9))
		}
		tid := ids.task
		ids.task++
		tUpdated := apprMs
		if closedAt != nil {
			tUpdated = closedAt.(int64)
		}
		t.tasks.add(tid, reception.KindDuty, reception.Entity, id, l.title, l.duty, owner, nil, access.Office, due, progress, status, true,
			"", "", reception.Link(id)+"/duties", approver, apprMs, tUpdated, submittedAt, closedAt)
		t.duties.add(id, tid, l.grp, l.phase, l.offset, l.at, j+1, apprMs)
		if (status == task.StatusOpen || status == task.StatusInProgress) && due > nowMs {
			t.jobs.add(reception.JobDutyOverdue, strconv.FormatInt(tid, 10), `{"task_id":`+strconv.FormatInt(tid, 10)+`}`, due)
		}
	}

	// The itinerary and the budget lines.
	steps := []struct {
		kind, place  string
		off, minutes int64
	}{{"welcome", "一楼大堂", 0, 30}, {"intro", "贵宾接待室", 30, 90}, {"sendoff", "一楼大堂", 150, 20}}
	if form.Lunch.Need {
		steps = append(steps, struct {
			kind, place  string
			off, minutes int64
		}{"lunch", form.Lunch.Place, 180, 60})
	}
	for _, s := range steps {
		at := arrMs + s.off*60000
		var doneAt any
		if started && at+s.minutes*60000 < nowMs {
			doneAt = at + s.minutes*60000
		}
		t.itin.add(id, s.kind, at, at+s.minutes*60000, s.place, "", "", doneAt, apprMs, apprMs)
	}
	settled := st == reception.StatusClosed || (st == reception.StatusWrapUp && rng.IntN(2) == 0)
	for k, b := range budget {
		var actual any
		if settled {
			actual = b.fen * int64(80+rng.IntN(30)) / 100
		}
		t.exps.add(id, b.cat, b.item, b.fen, actual, liaison.name, "", k+1, apprMs, updated)
	}
	if !finished {
		return nil
	}

	// The wrap-up: the visit report and the two surveys.
	if st == reception.StatusClosed || rng.IntN(3) == 0 {
		var sub, by any
		if st == reception.StatusClosed || rng.IntN(2) == 0 {
			sub, by = after(finMs, dayMs, updated), app.id
		}
		t.reps.add(id, "客户对接待安排表示满意", "双方就"+purpose+"相关事项深入交流", c.pick([]string{"合作意向明确", "有意向，待进一步洽谈", "暂无明确意向"}),
			"两周内提交合作方案", "", "", by, sub, updated)
	}
	for _, kind := range []string{reception.SurveyClient, reception.SurveyInternal} {
		sid := ids.survey
		ids.survey++
		submitted := st == reception.StatusClosed && (kind == reception.SurveyInternal || rng.IntN(10) < 7) || rng.IntN(4) == 0
		var sent, subAt, subBy any
		respondent := ""
		if kind == reception.SurveyClient && (submitted || rng.IntN(2) == 0) {
			sent = finMs + hourMs
		}
		maxScore, score := 0, 0
		var ans [][]any
		for _, cr := range crits {
			if kind == reception.SurveyClient && cr.audience != reception.AudienceAll {
				continue
			}
			maxScore += cr.points
			var sc any
			if submitted {
				v := max(1, cr.points-rng.IntN(4))
				score += v
				sc = v
			}
			ans = append(ans, []any{sid, len(ans) + 1, cr.text, cr.points, sc})
		}
		if submitted {
			subAt = after(finMs, 2*hourMs+int64(rng.IntN(24))*hourMs, updated)
			if kind == reception.SurveyInternal {
				subBy = liaison.id
			} else {
				respondent = principal.name
			}
		}
		t.survs.add(sid, id, kind, c.token(), respondent, "", score, maxScore, sent, subAt, subBy, finMs)
		for _, a := range ans {
			t.answers.add(a...)
		}
	}
	return nil
}

// meetTables are the tables a chunk of meetings fills.
type meetTables struct {
	set                                         rowSet
	meets, agenda, atts, mins, vers, res, tasks *tableRows
	items, chains, steps, aud                   *tableRows
}

func newMeetTables() *meetTables {
	t := &meetTables{}
	s := &t.set
	t.meets = s.table("meetings", "id", "type", "title", "purpose", "client_org_id", "client_name", "department_id", "convener_id", "host_id", "recorder_id", "leader_id",
		"start_at", "end_at", "place", "level", "status", "approval_chain_id", "notice_seq", "noticed_at", "started_at", "ended_at", "closed_at", "cancel_reason", "created_at", "updated_at")
	t.agenda = s.table("meeting_agenda_items", "id", "meeting_id", "seq", "topic", "presenter_id", "presenter_name", "minutes", "notes")
	t.atts = s.table("meeting_attendees", "meeting_id", "kind", "user_id", "guest_name", "guest_org", "guest_title", "reply", "reply_note", "replied_at", "attendance", "signed_in_at",
		"leave_status", "leave_reason", "leave_requested_at", "leave_decided_by", "leave_decided_at", "created_at")
	t.mins = s.table("meeting_minutes", "meeting_id", "status", "version", "content", "search_text", "level", "draft_due_at", "send_due_at", "submitted_at", "approved_at",
		"approved_by", "distributed_at", "approval_chain_id", "return_comment", "updated_by", "updated_at")
	t.vers = s.table("meeting_minutes_versions", "meeting_id", "version", "status", "content", "note", "saved_by", "saved_at")
	t.res = s.table("meeting_resolutions", "id", "meeting_id", "seq", "agenda_item_id", "text", "created_by", "created_at", "updated_at")
	t.tasks = s.table("tasks", taskCols...)
	t.items = s.table("meeting_action_items", "id", "meeting_id", "resolution_id", "kind", "seq", "goal", "standard", "start_at", "due_at", "owner_id", "assistant_id",
		"status", "task_id", "accepted_by", "created_by", "created_at", "updated_at")
	t.chains = s.table("approval_chains", chainCols...)
	t.steps = s.table("approval_steps", stepCols...)
	t.aud = s.table("audit_log", auditCols...)
	return t
}

type meetIDs struct {
	meet, agenda, res, item, task, chain int64
	ended                                int // meetings ended, not closed: their minutes take each state in turn
}

// genMeetings writes the meetings, two thousand per transaction.
func (c *caseGen) genMeetings(ctx context.Context) error {
	_, _, total := caseCounts(c.sz)
	if total == 0 {
		return nil
	}
	var ids meetIDs
	if err := c.nextIDs(ctx, map[string]*int64{"meetings": &ids.meet, "meeting_agenda_items": &ids.agenda, "meeting_resolutions": &ids.res,
		"meeting_action_items": &ids.item, "tasks": &ids.task, "approval_chains": &ids.chain}); err != nil {
		return err
	}
	weights := []float64{2, 2.5, 1, 2, 4, 0.3, 8, 70, 7, 3}
	t := newMeetTables()
	return c.chunks(ctx, "meetings", total, 2000, &t.set, func(i int) error {
		return c.meeting(t, &ids, c.caseState(i, meeting.Statuses, weights))
	})
}

var (
	agendaTopics = []string{"上次会议决议执行情况", "合作方案介绍", "报价与商务条款", "项目进度汇报", "技术方案讨论", "交付计划", "售后服务安排", "风险与问题", "下一步工作安排"}
	resolutions  = []string{"形成合作方案并报领导审批", "完成报价单修订", "安排技术团队现场调研", "整理客户需求清单", "确认交付时间表", "起草合作协议", "组织内部评审"}
)

// meeting queues one meeting in state st with the rows that state implies.
func (c *caseGen) meeting(t *meetTables, ids *meetIDs, st string) error {
	rng := c.rng
	id := ids.meet
	ids.meet++
	nowMs := c.nowMs
	var day time.Time
	switch st {
	case meeting.StatusClosed:
		day = c.day(-c.days, -5)
	case meeting.StatusEnded:
		day = c.day(-20, -1)
	case meeting.StatusNotified:
		day = c.day(1, 14)
	case meeting.StatusApproved:
		day = c.day(2, 30)
	case meeting.StatusRequested, meeting.StatusReturned:
		day = c.day(3, 45)
	case meeting.StatusCancelled:
		day = c.day(-c.days, c.ahead)
	case meeting.StatusRejected:
		day = c.day(-c.days, 30)
	default:
		day = c.day(5, c.ahead)
	}
	length := int64([]int{60, 60, 90, 120}[rng.IntN(4)])
	start := store.Ms(day) + int64(9*60+30*rng.IntN(15))*60000
	if st == meeting.StatusInProgress {
		start = nowMs - 30*60000
	}
	end := start + length*60000
	created := min(start-int64(3+rng.IntN(18))*dayMs, nowMs-2*hourMs)
	convener := c.requester()
	host := convener
	if m := c.managers[convener.dept]; m != 0 && rng.IntN(2) == 0 {
		host = c.users[m-1]
	}
	recorder := c.staffOther(convener.id, host.id)
	var leader any
	if m := c.managers[convener.dept]; m != 0 && m != convener.id && rng.IntN(2) == 0 {
		leader = m
	}
	typ := meeting.Types[rng.IntN(len(meeting.Types)+3)%len(meeting.Types)] // internal meetings more often
	if rng.IntN(3) == 0 {
		typ = meeting.TypeInternal
	}
	var orgID any
	clientName, title := "", ""
	if typ != meeting.TypeInternal {
		o := c.orgs[rng.IntN(len(c.orgs))]
		orgID, clientName = o.id, o.name
		title = o.name + c.pick([]string{"合作洽谈", "回访交流", "项目沟通会", "年度合作会议"})
	} else {
		title = departments[int(convener.dept-1)%len(departments)].name + c.pick(topics)
	}
	level := c.weighted([]string{access.Public, access.Internal, access.Confidential, access.Secret}, []float64{5, 80, 12, 3})
	v := c.venues[rng.IntN(len(c.venues))]
	held := st == meeting.StatusInProgress || st == meeting.StatusEnded || st == meeting.StatusClosed
	ended := st == meeting.StatusEnded || st == meeting.StatusClosed
	noticed := held || st == meeting.StatusNotified
	last := created
	var noticedAt, startedAt, endedAt, closedAt, chainID any
	noticeSeq := 0
	if noticed {
		noticeSeq = 1
		last = after(created, dayMs, min(start-hourMs, nowMs-60000))
		noticedAt = last
	}
	var endMs int64
	if held {
		startedAt = start + int64(rng.IntN(5))*60000
		last = startedAt.(int64)
	}
	if ended {
		endMs = end + int64(rng.IntN(20)-5)*60000
		endedAt, last = endMs, endMs
	}
	cancelReason := ""
	if st == meeting.StatusCancelled || st == meeting.StatusRejected {
		cancelReason = c.pick([]string{"客户行程变更", "议题已在其他会议解决", "时间冲突，另行安排"})
		last = after(created, dayMs, min(start, nowMs-60000))
	}

	// The convening request waiting for (or sent back by) its reviewer.
	var stepKind, stepRole string
	var stepUser any = leader
	if leader != nil {
		stepKind = approval.KindUser
	} else {
		stepKind, stepRole, stepUser = c.managerStep(convener)
	}
	switch st {
	case meeting.StatusRequested:
		chainID = ids.chain
		chain(t.chains, t.steps, ids.chain, meeting.EntityMeeting, id, redactedTitle(title, level, id), meeting.Link(id), approval.StatusPending, convener.id, created+hourMs, stepKind, stepRole, stepUser, "", nil, nil)
		ids.chain++
	case meeting.StatusReturned:
		chainID = ids.chain
		by := stepUser
		if by == nil {
			by = host.id
		}
		chain(t.chains, t.steps, ids.chain, meeting.EntityMeeting, id, redactedTitle(title, level, id), meeting.Link(id), approval.StatusReturned, convener.id, created+hourMs, stepKind, stepRole, stepUser, approval.Return, by, created+2*hourMs)
		ids.chain++
		last = created + 2*hourMs
	}
	purpose := c.pick([]string{"沟通合作方向", "推进项目落地", "回顾上阶段工作", "确定下一步计划"})

	// Agenda and attendees.
	k := 2 + rng.IntN(3)
	var agendaIDs []int64
	var agendaTopicsOf []string
	for j := range k {
		aid := ids.agenda
		ids.agenda++
		topic := agendaTopics[(j+rng.IntN(3))%len(agendaTopics)]
		agendaIDs, agendaTopicsOf = append(agendaIDs, aid), append(agendaTopicsOf, topic)
		t.agenda.add(aid, id, j+1, topic, c.staffOther().id, "", int(length)/k/5*5, "")
	}
	var present []string
	var lateNames []string
	var absences []meeting.Absence
	var attendeeUsers []int64
	seen := map[int64]bool{}
	for range 2 + rng.IntN(5) {
		u := c.staffOther()
		if seen[u.id] {
			continue
		}
		seen[u.id] = true
		attendeeUsers = append(attendeeUsers, u.id)
		reply, note := meeting.ReplyPending, ""
		var replied, signed, leaveReq, leaveBy, leaveAt any
		attendance, leaveStatus, leaveReason := "", "", ""
		if noticed {
			switch p := rng.IntN(10); {
			case p < 8:
				reply, replied = meeting.ReplyAccepted, noticedAt.(int64)+hourMs
			case p < 9:
				reply, note, replied = meeting.ReplyDeclined, "出差", noticedAt.(int64)+hourMs
				leaveStatus, leaveReason, leaveReq, leaveBy, leaveAt = meeting.LeaveApproved, "出差", replied, host.id, replied.(int64)+hourMs
			}
		}
		if held {
			switch {
			case reply == meeting.ReplyAccepted && rng.IntN(5) > 0:
				attendance, signed = meeting.AttendOnTime, startedAt.(int64)-int64(rng.IntN(5))*60000
				present = append(present, u.name)
			case reply == meeting.ReplyAccepted:
				attendance, signed = meeting.AttendLate, startedAt.(int64)+int64(5+rng.IntN(20))*60000
				present, lateNames = append(present, u.name), append(lateNames, u.name)
			case ended && leaveStatus == meeting.LeaveApproved:
				attendance = meeting.AttendLeave
				absences = append(absences, meeting.Absence{Name: u.name, Status: meeting.AttendLeave, Reason: leaveReason})
			case ended:
				attendance = meeting.AttendAbsent
				absences = append(absences, meeting.Absence{Name: u.name, Status: meeting.AttendAbsent})
			}
		}
		t.atts.add(id, meeting.KindRequired, u.id, "", "", "", reply, note, replied, attendance, signed, leaveStatus, leaveReason, leaveReq, leaveBy, leaveAt, created)
	}
	if orgID != nil {
		for range 1 + rng.IntN(3) {
			name := c.personName()
			reply, attendance := meeting.ReplyPending, ""
			var signed any
			if held {
				reply, attendance, signed = meeting.ReplyAccepted, meeting.AttendOnTime, startedAt
				present = append(present, name)
			}
			t.atts.add(id, meeting.KindInvited, nil, name, clientName, c.pick(contactTitles), reply, "", nil, attendance, signed, "", "", nil, nil, nil, created)
		}
	}

	if ended {
		last = c.minutes(t, ids, st, id, title, level, v.name, host, recorder, start, startedAt.(int64), endMs, agendaIDs, agendaTopicsOf, present, lateNames, absences, attendeeUsers, last)
		if st == meeting.StatusClosed {
			closedAt = last
		}
	}
	t.meets.add(id, typ, title, purpose, orgID, clientName, store.IDOrNil(convener.dept), convener.id, host.id, recorder.id, leader,
		start, end, v.name, level, st, chainID, noticeSeq, noticedAt, startedAt, endedAt, closedAt, cancelReason, created, max(last, created))
	afterJSON, _ := json.Marshal(map[string]any{"type": typ, "title": title, "start_at": time.UnixMilli(start).UTC(), "end_at": time.UnixMilli(end).UTC(), "place": v.name, "level": level})
	t.aud.add(created, convener.id, convener.name, meeting.EntityMeeting, id, "create", "", string(afterJSON), "10.0.0."+strconv.Itoa(1+rng.IntN(250)))
	return nil
}

func redactedTitle(title, level string, id int64) string {
	if meeting.Confidential(level) {
		return "#" + strconv.FormatInt(id, 10)
	}
	return title
}

// minutes queues the minutes of an ended meeting, its resolutions and
// their action items, and returns the time of the last of them.
func (c *caseGen) minutes(t *meetTables, ids *meetIDs, st string, id int64, title, level, place string, host, recorder genUser, start, startedAt, endMs int64,
	agendaIDs []int64, agendaTopics []string, present, lateNames []string, absences []meeting.Absence, attendees []int64, last int64) int64 {
	rng := c.rng
	nowMs := c.nowMs
	status := meeting.MinutesDistributed
	if st == meeting.StatusEnded {
		status = []string{meeting.MinutesDraft, meeting.MinutesSubmitted, meeting.MinutesReturned, meeting.MinutesApproved, meeting.MinutesDistributed}[ids.ended%5]
		ids.ended++
	}
	lim := nowMs - 60000
	content := meeting.Content{Topic: title, StartAt: time.UnixMilli(startedAt).UTC(), EndAt: time.UnixMilli(endMs).UTC(), Place: place, Host: host.name, Recorder: recorder.name,
		Present: present, Late: lateNames, Absent: absences}
	if content.Present == nil {
		content.Present = []string{}
	}
	if content.Absent == nil {
		content.Absent = []meeting.Absence{}
	}
	content.Points, content.Decisions = []meeting.Point{}, []meeting.Decision{}
	version := 0
	var submitted, approvedAt, approvedBy, distributed, chainID any
	returnComment := ""
	if status != meeting.MinutesDraft {
		version = 1
		last = after(endMs, int64(2+rng.IntN(28))*hourMs, lim)
		submitted = last
		for j, aid := range agendaIDs {
			content.Points = append(content.Points, meeting.Point{AgendaItemID: aid, Topic: agendaTopics[j], Text: "与会各方就" + agendaTopics[j] + "充分交换了意见。"})
		}
	}
	switch status {
	case meeting.MinutesSubmitted:
		chainID = ids.chain
		chain(t.chains, t.steps, ids.chain, meeting.EntityMinutesApproval, id, redactedTitle(title, level, id), meeting.MinutesLink(id), approval.StatusPending, nil, last, approval.KindUser, "", host.id, "", nil, nil)
		ids.chain++
	case meeting.MinutesReturned:
		chainID, returnComment = ids.chain, "请补充决议的责任人和完成时间"
		last = after(last, 2*hourMs, lim)
		chain(t.chains, t.steps, ids.chain, meeting.EntityMinutesApproval, id, redactedTitle(title, level, id), meeting.MinutesLink(id), approval.StatusReturned, nil, submitted.(int64), approval.KindUser, "", host.id, approval.Return, host.id, last)
		ids.chain++
	case meeting.MinutesApproved, meeting.MinutesDistributed:
		last = after(last, int64(2+rng.IntN(18))*hourMs, lim)
		approvedAt, approvedBy = last, host.id
		if status == meeting.MinutesDistributed {
			last = after(last, int64(1+rng.IntN(8))*hourMs, lim)
			distributed = last
		}
	}
	// Resolutions and their action items (planned until the minutes go out).
	var tasksOpen int
	if version > 0 {
		n := 1 + rng.IntN(3)
		for j := range n {
			rid := ids.res
			ids.res++
			aid := agendaIDs[j%len(agendaIDs)]
			text := resolutions[rng.IntN(len(resolutions))]
			content.Decisions = append(content.Decisions, meeting.Decision{ResolutionID: rid, Seq: j + 1, AgendaItemID: aid, Text: text})
			t.res.add(rid, id, j+1, aid, text, recorder.id, submitted, submitted)
			iid := ids.item
			ids.item++
			owner := recorder.id
			if len(attendees) > 0 {
				owner = attendees[rng.IntN(len(attendees))]
			}
			if owner == host.id {
				owner = recorder.id
			}
			due := endMs + int64(3+rng.IntN(28))*dayMs
			rowStatus := "planned"
			var taskID, acceptedBy any
			itemUpdated := submitted.(int64)
			if distributed != nil {
				rowStatus = "active"
				tid := ids.task
				ids.task++
				taskID = tid
				var ts string
				switch {
				case st == meeting.StatusClosed:
					ts = task.StatusDone
				case j == n-1 && tasksOpen == 0:
					ts = task.StatusInProgress
				default:
					ts = []string{task.StatusOpen, task.StatusInProgress, task.StatusSubmitted, task.StatusDone}[rng.IntN(4)]
				}
				progress, feedback := 0, ""
				var subAt, closed any
				switch ts {
				case task.StatusDone:
					progress = 100
					subAt = max(distributed.(int64), min(due-int64(rng.IntN(48))*hourMs, lim))
					closed = after(subAt.(int64), int64(1+rng.IntN(24))*hourMs, lim)
					acceptedBy = host.id
					last = max(last, closed.(int64))
					itemUpdated = closed.(int64)
				case task.StatusSubmitted:
					progress, subAt = 100, after(distributed.(int64), dayMs, lim)
					tasksOpen++
				case task.StatusInProgress:
					progress = 10 * (1 + rng.IntN(9))
					if rng.IntN(4) == 0 {
						feedback = "请补充完成情况的证明材料" // sent back
					}
					tasksOpen++
				default:
					tasksOpen++
				}
				taskTitle, desc := text, "按期完成并提交结果"
				if meeting.Confidential(level) {
					taskTitle, desc = "#"+strconv.FormatInt(iid, 10), ""
				}
				t.tasks.add(tid, meeting.TaskKind, meeting.EntityAction, iid, taskTitle, desc, owner, nil, "", due, progress, ts, false,
					"", feedback, fmt.Sprintf("/meetings/%d/actions#item-%d", id, iid), host.id, distributed, max(distributed.(int64), itemUpdated), subAt, closed)
			}
			t.items.add(iid, id, rid, meeting.ActionResolution, j+1, text, "按期完成并提交结果", endMs, due, owner, nil, rowStatus, taskID, acceptedBy, recorder.id, submitted, itemUpdated)
		}
	}
	body, err := json.Marshal(content)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	parts := []string{content.Topic}
	for _, p := range content.Points {
		parts = append(parts, p.Topic, p.Text)
	}
	for _, d := range content.Decisions {
		parts = append(parts, d.Text)
	}
	search := ""
	if version > 0 {
		search = strings.ToLower(strings.Join(parts, "\n"))
	}
	t.mins.add(id, status, version, string(body), search, level, endMs+int64(meeting.DraftWithin/time.Millisecond), endMs+int64(meeting.SendWithin/time.Millisecond),
		submitted, approvedAt, approvedBy, distributed, chainID, returnComment, recorder.id, last)
	if version > 0 {
		t.vers.add(id, 1, status, string(body), "", recorder.id, submitted)
	}
	return last
}

// casesNotGenerated lists what the case generators leave out.
var casesNotGenerated = []string{
	"reception materials and the item inventory, lost property, walk-in guests, meeting-room bookings of receptions",
	"meeting templates, cc departments, negotiations, revisits, reviews, action-item progress updates",
	"decided review chains (only the open ones of cases waiting for a decision), minutes and action-item reminder jobs, audit rows after each record's creation",
}
