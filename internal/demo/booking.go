package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/recur"
	"jiedai/internal/venue"
)

// demoVenue is one venue of the demo business centre.
type demoVenue struct {
	code, name, nameEn, kind, location, floor string
	capacity                                  int
	caps                                      venue.Capacities
	equipment                                 []string
	before, after                             int
	from, to                                  int // opening hours in hours
	weekends                                  bool
	clientHour, clientHalf, clientDay         int64 // yuan
	clients                                   bool
	desc                                      string
}

func demoVenues() []demoVenue {
	all := []string{"projector", "screen", "sound", "microphone"}
	return []demoVenue{
		{"CJ", "长江厅", "Yangtze Hall", venue.KindMultiHall, "裙楼三层东侧", "3F", 120, venue.Capacities{Theatre: 200, Classroom: 120, Boardroom: 60, UShape: 48},
			append(all, "lectern", "stage_lighting", "recording", "video_conference"), 60, 30, 8, 22, true, 1200, 4200, 7800, true, "大型发布会、年会、培训；配备 LED 主屏与舞台灯光。"},
		{"HH", "黄河厅", "Yellow River Hall", venue.KindMultiHall, "裙楼三层西侧", "3F", 80, venue.Capacities{Theatre: 120, Classroom: 72, Boardroom: 40, UShape: 32},
			append(all, "lectern", "recording"), 45, 30, 8, 22, true, 880, 3000, 5600, true, "可与长江厅打通使用。"},
		{"LY", "路演厅", "Roadshow Theatre", venue.KindMultiHall, "大堂一层北侧", "1F", 150, venue.Capacities{Theatre: 150},
			append(all, "lectern", "stage_lighting", "recording"), 60, 30, 9, 21, false, 1500, 5200, 9600, true, "阶梯座位，适合投融资路演、产品发布。"},
		{"ZJ", "珠江会议室", "Pearl River Room", venue.KindMeetingRoom, "商务中心十二层", "12F", 20, venue.Capacities{Boardroom: 20, UShape: 16, Classroom: 24},
			[]string{"projector", "screen", "microphone", "whiteboard", "phone_conference"}, 15, 15, 8, 21, false, 380, 1300, 2400, true, ""},
		{"QT", "钱塘会议室", "Qiantang Room", venue.KindMeetingRoom, "商务中心十二层", "12F", 16, venue.Capacities{Boardroom: 16, UShape: 12},
			[]string{"projector", "screen", "whiteboard", "phone_conference"}, 15, 15, 8, 21, false, 320, 1100, 2000, true, ""},
		{"TH", "太湖会议室", "Taihu Room", venue.KindMeetingRoom, "商务中心十二层", "12F", 12, venue.Capacities{Boardroom: 12},
			[]string{"tv", "whiteboard", "video_conference"}, 10, 10, 8, 21, false, 260, 900, 1600, true, ""},
		{"SP", "视频会议室", "Video Conference Room", venue.KindMeetingRoom, "商务中心十二层", "12F", 10, venue.Capacities{Boardroom: 10},
			[]string{"tv", "video_conference", "phone_conference", "recording"}, 10, 10, 8, 21, false, 300, 1000, 1800, true, "华为视频终端，支持腾讯会议、飞书、钉钉接入。"},
		{"XH", "西湖洽谈室", "West Lake Meeting Room", venue.KindNegotiation, "商务中心十二层", "12F", 6, venue.Capacities{},
			[]string{"tv", "whiteboard"}, 5, 10, 8, 21, false, 150, 520, 950, true, ""},
		{"DT", "洞庭洽谈室", "Dongting Meeting Room", venue.KindNegotiation, "商务中心十二层", "12F", 6, venue.Capacities{},
			[]string{"tv"}, 5, 10, 8, 21, false, 150, 520, 950, true, ""},
		{"PY", "鄱阳洽谈室", "Poyang Meeting Room", venue.KindNegotiation, "商务中心十二层", "12F", 4, venue.Capacities{},
			[]string{"whiteboard"}, 5, 10, 8, 21, false, 120, 420, 780, true, ""},
		{"DS", "董事会议室", "Boardroom", venue.KindMeetingRoom, "总部二十八层", "28F", 24, venue.Capacities{Boardroom: 24},
			[]string{"projector", "screen", "microphone", "video_conference", "recording"}, 30, 15, 8, 21, false, 0, 0, 0, false, "仅限内部及总办安排的重要客户会议。"},
		{"GB", "贵宾会客室", "VIP Reception Room", venue.KindReception, "总部二十八层", "28F", 8, venue.Capacities{},
			[]string{"tv"}, 15, 15, 8, 21, false, 0, 0, 0, false, "接待重要来宾，配茶艺服务。"},
		{"PA", "培训室A", "Training Room A", venue.KindTraining, "裙楼五层", "5F", 40, venue.Capacities{Classroom: 40, Theatre: 60, UShape: 28},
			[]string{"projector", "screen", "sound", "microphone", "whiteboard"}, 30, 15, 8, 21, true, 450, 1500, 2800, true, ""},
		{"PB", "培训室B", "Training Room B", venue.KindTraining, "裙楼五层", "5F", 30, venue.Capacities{Classroom: 30, Theatre: 45},
			[]string{"projector", "screen", "whiteboard"}, 30, 15, 8, 21, true, 380, 1300, 2400, true, ""},
		{"WD", "空中花园活动区", "Sky Garden", venue.KindOther, "二十六层露台", "26F", 80, venue.Capacities{Theatre: 100},
			[]string{"sound", "microphone"}, 60, 60, 10, 21, true, 800, 2800, 5000, true, "户外活动，雨天不可用。"},
	}
}

// loadBookings sets up the venues, the rate card's add-ons and a few weeks
// of bookings around today in every state, made with a clock moved to the
// time each step happened.
func loadBookings(ctx context.Context, d *loader) error {
	office, err := d.actor(ctx, "office")
	if err != nil {
		return err
	}
	loc := d.app.Loc
	for i, dv := range demoVenues() {
		in := venue.Input{Code: dv.code, Name: dv.name, NameEn: dv.nameEn, Kind: dv.kind, Location: dv.location, Floor: dv.floor,
			Capacity: dv.capacity, Capacities: dv.caps, Equipment: dv.equipment, BufferBefore: dv.before, BufferAfter: dv.after,
			OpenFrom: dv.from * 60, OpenTo: dv.to * 60, OpenDays: 0b0111110, InService: true, ClientBookable: dv.clients, Description: dv.desc, Sort: i * 10}
		if dv.weekends {
			in.OpenDays = 127
		}
		y := func(v int64) int64 { return v * 100 }
		in.Rates = venue.Rates{
			Client:   venue.Rate{Hour: y(dv.clientHour), HalfDay: y(dv.clientHalf), FullDay: y(dv.clientDay)},
			Key:      venue.Rate{Hour: y(dv.clientHour) * 8 / 10, HalfDay: y(dv.clientHalf) * 8 / 10, FullDay: y(dv.clientDay) * 8 / 10},
			Internal: venue.Rate{Hour: y(dv.clientHour) / 4},
		}
		if _, err := d.app.Venues.Create(ctx, office, in); err != nil {
			return fmt.Errorf("venue %s: %w", dv.name, err)
		}
	}
	addons := []venue.Addon{
		{Code: "tea_std", Name: "标准茶歇（茶、咖啡、点心）", NameEn: "Standard tea break", Kind: venue.AddonService, Unit: "person", Internal: 2000, Client: 3800, Key: 3200},
		{Code: "tea_premium", Name: "精品茶歇（含水果、西点）", NameEn: "Premium tea break", Kind: venue.AddonService, Unit: "person", Internal: 4000, Client: 6800, Key: 5800},
		{Code: "fruit", Name: "水果拼盘", NameEn: "Fruit platter", Kind: venue.AddonService, Unit: "unit", Internal: 8000, Client: 12000, Key: 10000},
		{Code: "water", Name: "瓶装矿泉水", NameEn: "Bottled water", Kind: venue.AddonService, Unit: "person", Internal: 300, Client: 500, Key: 500},
		{Code: "flowers", Name: "鲜花布置（主席台）", NameEn: "Flowers for the rostrum", Kind: venue.AddonService, Unit: "session", Internal: 25000, Client: 38000, Key: 32000},
		{Code: "banner", Name: "横幅制作", NameEn: "Banner", Kind: venue.AddonService, Unit: "unit", Internal: 12000, Client: 20000, Key: 18000},
		{Code: "minutes", Name: "会议记录服务", NameEn: "Minute-taking", Kind: venue.AddonService, Unit: "hour", Internal: 0, Client: 15000, Key: 12000},
		{Code: "projector_extra", Name: "加配投影仪", NameEn: "Extra projector", Kind: venue.AddonEquipment, Unit: "session", Internal: 0, Client: 30000, Key: 25000},
		{Code: "interp", Name: "同声传译设备（含 50 副耳机）", NameEn: "Interpretation kit (50 headsets)", Kind: venue.AddonEquipment, Unit: "session", Internal: 80000, Client: 200000, Key: 160000},
		{Code: "mic_extra", Name: "加配无线话筒", NameEn: "Extra wireless microphone", Kind: venue.AddonEquipment, Unit: "unit", Internal: 0, Client: 5000, Key: 4000},
	}
	for i, ad := range addons {
		ad.Active, ad.Sort = true, i*10
		if _, err := d.app.Venues.SaveAddon(ctx, office, 0, ad); err != nil {
			return fmt.Errorf("add-on %s: %w", ad.Code, err)
		}
	}
	return d.loadDemoBookings(ctx, loc)
}

// actor returns the demo user's actor.
func (d *loader) actor(ctx context.Context, username string) (access.Actor, error) {
	u, err := d.app.Auth.Get(ctx, d.users[username])
	if err != nil {
		return access.Actor{}, fmt.Errorf("demo user %s: %w", username, err)
	}
	return u.Actor("127.0.0.1"), nil
}

// plan is one demo booking and what happens to it.
type plan struct {
	venue     string
	day       int // days from today
	from, to  string
	title     string
	who       string
	headcount int
	client    string
	contact   string
	phone     string
	priority  string
	layout    string
	items     map[string]int
	contract  string
	fate      string // pending, approved, confirmed, in_use, completed, settled, rejected, cancelled, forfeited, no_show, bumped
}

func (d *loader) loadDemoBookings(ctx context.Context, loc *time.Location) error {
	now := d.now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	clk := clock.NewFake(d.now)
	vs := venue.New(d.app.DB, clk, loc)
	bs := booking.New(d.app.DB, clk, loc, d.app.Calendar, vs)
	venues, err := vs.All(ctx, nil)
	if err != nil {
		return err
	}
	vid := map[string]int64{}
	for _, v := range venues {
		vid[v.Code] = v.ID
	}
	addons, err := vs.Addons(ctx, nil, true)
	if err != nil {
		return err
	}
	aid := map[string]int64{}
	for _, a := range addons {
		aid[a.Code] = a.ID
	}
	actors := map[string]access.Actor{}
	for _, u := range []string{"office", "staff", "manager", "executive", "supervisor", "leasing", "finance", "service", "engineering", "receptionist"} {
		if actors[u], err = d.actor(ctx, u); err != nil {
			return err
		}
	}
	at := func(day int, hm string) time.Time {
		t, _ := time.ParseInLocation("15:04", hm, loc)
		return today.AddDate(0, 0, day).Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute)
	}
	// Weekends: move a plan to the nearest working day so the demo looks lived in.
	workday := func(day int) int {
		open := func(t time.Time) bool {
			return d.app.Calendar.IsWorkday(t) && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
		}
		for i := 0; i < 14 && !open(today.AddDate(0, 0, day)); i++ {
			if day < 0 {
				day--
			} else {
				day++
			}
		}
		return day
	}
	plans := []plan{
		// Two weeks ago and last week: history.
		{venue: "CJ", day: -13, from: "09:00", to: "17:00", title: "2026 年度渠道合作伙伴大会", who: "office", headcount: 150, client: "华信科技有限公司", contact: "张伟", phone: "138 1762 4409", layout: "theatre", items: map[string]int{"tea_premium": 150, "flowers": 1, "banner": 2, "interp": 1}, fate: "settled"},
		{venue: "ZJ", day: -12, from: "14:00", to: "16:00", title: "华东区供应链合作洽谈", who: "office", headcount: 12, client: "恒通物流股份有限公司", contact: "刘洋", phone: "139 1820 5531", items: map[string]int{"tea_std": 12}, fate: "settled"},
		{venue: "XH", day: -11, from: "10:00", to: "11:00", title: "办公室续租意向沟通", who: "leasing", headcount: 4, client: "博瑞律师事务所", contact: "陈律师", phone: "021-6888 1200", fate: "completed"},
		{venue: "PA", day: -10, from: "09:00", to: "12:00", title: "新员工入职培训（第 3 期）", who: "manager", headcount: 28, layout: "classroom", items: map[string]int{"water": 28}, fate: "completed"},
		{venue: "QT", day: -9, from: "15:00", to: "16:00", title: "月度经营分析会", who: "manager", headcount: 10, fate: "no_show"},
		{venue: "HH", day: -8, from: "13:30", to: "17:30", title: "医药合规培训讲座", who: "office", headcount: 60, client: "星辰医药科技有限公司", contact: "王敏", phone: "137 6102 3388", layout: "classroom", items: map[string]int{"tea_std": 60}, fate: "completed"},
		{venue: "SP", day: -7, from: "10:00", to: "11:30", title: "深圳分公司视频例会", who: "staff", headcount: 6, fate: "completed"},
		{venue: "LY", day: -6, from: "14:00", to: "17:00", title: "A 轮融资路演", who: "office", headcount: 90, client: "远景资本管理有限公司", contact: "周经理", phone: "186 2131 7720", items: map[string]int{"tea_premium": 90, "banner": 1}, fate: "cancelled"},
		{venue: "DT", day: -5, from: "16:00", to: "17:00", title: "物业费调整说明会", who: "staff", headcount: 5, fate: "rejected"},
		// Today.
		{venue: "ZJ", day: 0, from: "09:00", to: "10:30", title: "市场部周例会", who: "manager", headcount: 14, fate: "in_use_or_done"},
		{venue: "XH", day: 0, from: "10:00", to: "11:00", title: "广告投放方案沟通", who: "staff", headcount: 4, client: "蓝海文化传媒有限公司", contact: "赵婷", phone: "135 0172 8860", fate: "in_use_or_done"},
		{venue: "CJ", day: 0, from: "13:30", to: "17:30", title: "中联建设集团项目启动会", who: "office", headcount: 80, client: "中联建设集团有限公司", contact: "孙建国", phone: "139 0175 2216", layout: "theatre", items: map[string]int{"tea_std": 80, "flowers": 1, "banner": 1}, contract: "HT-2026-018", fate: "confirmed"},
		{venue: "TH", day: 0, from: "14:00", to: "15:00", title: "供应商年度评审", who: "staff", headcount: 8, fate: "confirmed"},
		{venue: "QT", day: 0, from: "15:00", to: "16:30", title: "客户投诉复盘会", who: "supervisor", headcount: 9, fate: "pending"},
		{venue: "DS", day: 0, from: "16:00", to: "17:30", title: "总经理办公会", who: "executive", headcount: 12, priority: "important", fate: "confirmed"},
		{venue: "PA", day: 0, from: "09:00", to: "17:00", title: "消防安全员培训", who: "office", headcount: 35, layout: "classroom", fate: "in_use_or_done"},
		// The coming two weeks.
		{venue: "HH", day: 1, from: "09:30", to: "12:00", title: "鼎盛贸易经销商座谈会", who: "office", headcount: 45, client: "鼎盛贸易有限公司", contact: "钱多多", phone: "138 1600 4521", items: map[string]int{"tea_std": 45, "fruit": 4}, fate: "approved"},
		{venue: "ZJ", day: 1, from: "14:00", to: "16:00", title: "法务合同审核培训", who: "staff", headcount: 15, fate: "pending"},
		{venue: "SP", day: 1, from: "10:00", to: "11:00", title: "北京总部视频连线", who: "manager", headcount: 6, fate: "confirmed"},
		{venue: "GB", day: 2, from: "10:00", to: "11:30", title: "接待区政府招商局来访", who: "executive", headcount: 6, priority: "urgent", fate: "confirmed"},
		{venue: "QT", day: 2, from: "09:00", to: "11:00", title: "季度预算评审", who: "staff", headcount: 10, fate: "bumped"},
		{venue: "LY", day: 3, from: "14:00", to: "17:30", title: "新能源汽车产品发布会", who: "office", headcount: 140, client: "启航新能源汽车有限公司", contact: "吴昊", phone: "189 1700 2233", items: map[string]int{"tea_premium": 140, "flowers": 2, "banner": 2, "mic_extra": 4}, fate: "approved"},
		{venue: "PB", day: 3, from: "09:00", to: "12:00", title: "Excel 数据分析培训", who: "manager", headcount: 26, layout: "classroom", fate: "confirmed"},
		{venue: "XH", day: 4, from: "15:00", to: "16:00", title: "租赁合同续签谈判", who: "leasing", headcount: 5, client: "博瑞律师事务所", contact: "陈律师", phone: "021-6888 1200", fate: "pending"},
		{venue: "ZJ", day: 5, from: "09:30", to: "11:30", title: "华信科技季度业务回顾", who: "office", headcount: 16, client: "华信科技有限公司", contact: "张伟", phone: "138 1762 4409", contract: "HT-2025-102", items: map[string]int{"tea_std": 16}, fate: "confirmed"},
		{venue: "CJ", day: 7, from: "09:00", to: "17:00", title: "行业峰会：数字化供应链论坛", who: "office", headcount: 180, client: "上海物流与采购协会", contact: "冯秘书长", phone: "021-5466 7788", layout: "theatre", items: map[string]int{"tea_premium": 180, "interp": 1, "flowers": 2, "banner": 3}, fate: "confirmed"},
		{venue: "HH", day: 3, from: "09:00", to: "12:00", title: "教育咨询说明会", who: "office", headcount: 50, client: "蓝海教育咨询有限公司", contact: "何老师", phone: "136 2100 9912", fate: "forfeited"},
		{venue: "DT", day: 9, from: "10:00", to: "11:00", title: "保险方案洽谈", who: "staff", headcount: 4, fate: "pending"},
		{venue: "PA", day: 10, from: "13:30", to: "17:30", title: "中层管理者领导力工作坊", who: "manager", headcount: 26, layout: "ushape", items: map[string]int{"tea_std": 32}, fate: "confirmed"},
		{venue: "ZJ", day: 11, from: "10:00", to: "12:00", title: "年度审计沟通会", who: "finance", headcount: 8, fate: "approved_internal"},
		{venue: "LY", day: 13, from: "09:30", to: "12:00", title: "天使投资人见面会", who: "office", headcount: 60, client: "远景资本管理有限公司", contact: "周经理", phone: "186 2131 7720", fate: "pending"},
	}
	placed := map[string][][2]string{} // venue and day → the times taken
	for _, p := range plans {
		// A plan moved off a weekend must not land on another of the same room.
		p.day = workday(p.day)
		for i := 0; i < 14 && overlaps(placed[fmt.Sprint(p.venue, p.day)], p.from, p.to); i++ {
			if p.day < 0 {
				p.day = workday(p.day - 1)
			} else {
				p.day = workday(p.day + 1)
			}
		}
		key := fmt.Sprint(p.venue, p.day)
		placed[key] = append(placed[key], [2]string{p.from, p.to})
		if err := d.playBooking(ctx, bs, clk, actors, vid, aid, p, at, workday); err != nil {
			return fmt.Errorf("demo booking %s: %w", p.title, err)
		}
	}
	if err := d.fillRoutine(ctx, bs, clk, actors, vid, today, workday); err != nil {
		return err
	}
	// A weekly department meeting for the next eight weeks, skipping holidays.
	mon := today.AddDate(0, 0, 1)
	for mon.Weekday() != time.Monday {
		mon = mon.AddDate(0, 0, 1)
	}
	clk.Set(d.now)
	req := booking.Request{VenueID: vid["QT"], Start: mon.Add(9 * time.Hour), End: mon.Add(10 * time.Hour), Title: "市场销售部周例会", Headcount: 12, Layout: venue.LayoutBoardroom}
	if _, _, err := bs.CreateSeries(ctx, actors["manager"], req, recur.Rule{Freq: recur.Weekly, Interval: 1, Weekdays: []time.Weekday{time.Monday}, Count: 8, SkipHolidays: true}, true); err != nil {
		return fmt.Errorf("demo series: %w", err)
	}
	// The Taihu room's video terminal is being replaced tomorrow morning.
	clk.Set(d.now)
	if _, err := vs.ReportRepair(ctx, actors["staff"], venue.RepairInput{VenueID: vid["TH"], Equipment: "video_conference", Description: "视频终端无法连接，画面黑屏"}); err != nil {
		return err
	}
	if _, err := vs.AddMaintenance(ctx, actors["engineering"], vid["TH"], at(workday(1), "08:00"), at(workday(1), "12:00"), "更换视频会议终端"); err != nil {
		return err
	}
	if _, err := vs.ReportRepair(ctx, actors["receptionist"], venue.RepairInput{VenueID: vid["CJ"], Equipment: "microphone", Description: "2 号无线话筒有杂音"}); err != nil {
		return err
	}
	return nil
}

// overlaps reports whether from–to ("HH:MM") meets any of the times taken.
func overlaps(taken [][2]string, from, to string) bool {
	for _, t := range taken {
		if from < t[1] && t[0] < to {
			return true
		}
	}
	return false
}

// playBooking makes one demo booking and walks it to its fate, moving the
// clock to when each step would have happened.
func (d *loader) playBooking(ctx context.Context, bs *booking.Service, clk *clock.Fake, actors map[string]access.Actor, vid, aid map[string]int64,
	p plan, at func(int, string) time.Time, workday func(int) int) error {
	day := workday(p.day)
	start, end := at(day, p.from), at(day, p.to)
	req := booking.Request{VenueID: vid[p.venue], Start: start, End: end, Title: p.title, Headcount: p.headcount, Layout: p.layout, Priority: p.priority,
		ClientName: p.client, ContactName: p.contact, ContactPhone: p.phone, Channel: "online"}
	if p.client != "" {
		req.Purpose, req.Channel = booking.PurposeClient, "phone"
	}
	if p.contract != "" {
		req.UnderContract, req.ContractNo, req.RateTier = true, p.contract, venue.TierKey
	}
	for code, qty := range p.items {
		req.Items = append(req.Items, booking.ItemInput{AddonID: aid[code], Qty: qty})
	}
	created := start.AddDate(0, 0, -6)
	if p.fate == "forfeited" {
		created = d.now.AddDate(0, 0, -7) // long enough ago for the reply-by deadline to have passed
	}
	if d.now.Before(created) {
		created = d.now
	}
	if start.Sub(d.now) < 6*24*time.Hour && start.After(d.now) && p.fate != "forfeited" {
		created = d.now.Add(-time.Duration(30+len(p.title)) * time.Hour)
	}
	clk.Set(created)
	requester := actors[p.who]
	office := actors["office"]
	if p.fate == "bumped" {
		b, err := bs.Create(ctx, requester, req)
		if err != nil {
			return err
		}
		clk.Set(created.Add(3 * time.Hour))
		over := req
		over.Title, over.Priority, over.Bump, over.Approve, over.Headcount = "董事会临时会议（顶替）", booking.PriorityUrgent, true, true, 12
		if _, err := bs.Create(ctx, office, over); err != nil {
			return err
		}
		_ = b
		return nil
	}
	b, err := bs.Create(ctx, requester, req)
	if err != nil {
		return err
	}
	step := func(t time.Time) { clk.Set(t) }
	switch p.fate {
	case "pending":
		return nil
	case "rejected":
		step(created.Add(2 * time.Hour))
		_, err = bs.Reject(ctx, office, b.ID, "该时段已安排物业检修，请改约其他时间")
		return err
	}
	step(created.Add(90 * time.Minute))
	if _, err = bs.Approve(ctx, office, b.ID, ""); err != nil {
		return err
	}
	switch p.fate {
	case "approved", "approved_internal":
		return nil
	case "forfeited":
		b, _ = bs.Get(ctx, office, b.ID)
		if b.ReplyBy.After(d.now) {
			return nil // cannot have expired yet; it stays awaiting the reply
		}
		_, err = bs.Expire(ctx, access.SystemActor(), b.ID, b.ReplyBy)
		return err
	}
	if p.client != "" && p.contract == "" {
		step(created.Add(26 * time.Hour))
		if _, err = bs.Confirm(ctx, office, b.ID, "phone"); err != nil {
			return err
		}
	}
	if p.fate == "confirmed" {
		return nil
	}
	if p.fate == "cancelled" {
		step(start.Add(-72 * time.Hour))
		_, err = bs.Cancel(ctx, office, b.ID, "客户融资进度调整，活动延期", false)
		return err
	}
	if p.fate == "no_show" {
		_, err = bs.SweepDue(ctx, start.Add(20*time.Minute))
		return err
	}
	if !d.now.After(start.Add(-10 * time.Minute)) {
		return nil // still ahead: stays confirmed
	}
	step(start.Add(-5 * time.Minute))
	if _, err = bs.CheckIn(ctx, actors["receptionist"], b.ID); err != nil {
		return err
	}
	if d.now.Before(end) {
		return nil // in use right now
	}
	step(end)
	if _, err = bs.Complete(ctx, actors["receptionist"], b.ID); err != nil {
		return err
	}
	if p.fate != "settled" {
		return nil
	}
	step(end.Add(20 * time.Hour))
	var lines []booking.ActualLine
	for code, qty := range p.items {
		lines = append(lines, booking.ActualLine{AddonID: aid[code], Qty: qty})
	}
	st, err := bs.Statement(ctx, actors["finance"], b.ID)
	if err != nil {
		return err
	}
	discount := st.TotalFen / 20 / 100 * 100
	_, err = bs.Settle(ctx, actors["finance"], b.ID, booking.SettleInput{Lines: lines, DiscountFen: discount, DiscountReason: "年度合作客户 95 折",
		PaidFen: st.TotalFen - discount, PayMethod: "transfer", InvoiceNo: fmt.Sprintf("0442%06d", b.ID*37), InvoiceDate: end.Add(20 * time.Hour).In(d.app.Loc).Format("2006-01-02")})
	return err
}

// fillRoutine adds the everyday internal meetings of the last four weeks
// and the next two (a fixed pseudo-random pattern, so every demo looks the
// same): past ones were held, coming ones are confirmed or waiting.
func (d *loader) fillRoutine(ctx context.Context, bs *booking.Service, clk *clock.Fake, actors map[string]access.Actor, vid map[string]int64,
	today time.Time, workday func(int) int) error {
	titles := []string{"部门周例会", "项目进度评审", "客户需求讨论", "招聘面试", "供应商沟通会", "预算执行分析", "产品方案评审", "培训复盘会",
		"合同条款讨论", "品牌推广策划会", "安全生产例会", "IT 系统上线评审", "物业服务协调会", "跨部门协调会", "季度目标对齐"}
	rooms := []string{"ZJ", "QT", "TH", "SP", "XH", "DT", "PY", "PB"}
	starts := []string{"09:00", "09:30", "10:00", "10:30", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"}
	who := []string{"staff", "manager", "supervisor", "leasing", "finance"}
	seed := uint32(20260302)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	seen := map[int]bool{}
	for off := -21; off <= 10; off++ {
		day := workday(off)
		if seen[day] || day == 0 {
			continue
		}
		seen[day] = true
		for i := 0; i < 3+next(3); i++ {
			dayT := today.AddDate(0, 0, day)
			st, _ := time.ParseInLocation("15:04", starts[next(len(starts))], d.app.Loc)
			start := dayT.Add(time.Duration(st.Hour())*time.Hour + time.Duration(st.Minute())*time.Minute)
			end := start.Add(time.Duration(1+next(3)) * 30 * time.Minute)
			r := booking.Request{VenueID: vid[rooms[next(len(rooms))]], Start: start, End: end, Title: titles[next(len(titles))], Headcount: 2 + next(3), Channel: "online"}
			a := actors[who[next(len(who))]]
			clk.Set(start.Add(-time.Duration(24+next(72)) * time.Hour))
			if clk.Now().After(d.now) {
				clk.Set(d.now)
			}
			b, err := bs.Create(ctx, a, r)
			if err != nil {
				if k := errs.As(err).Kind; k == errs.Conflict || k == errs.Invalid {
					continue // taken or too small: the office would have found another room
				}
				return fmt.Errorf("routine booking: %w", err)
			}
			if start.After(d.now) && next(3) == 0 {
				continue // still waiting for the office
			}
			clk.Set(clk.Now().Add(40 * time.Minute))
			if _, err := bs.Approve(ctx, actors["office"], b.ID, ""); err != nil {
				return err
			}
			if !end.Before(d.now) {
				continue
			}
			if next(12) == 0 {
				if _, err := bs.SweepDue(ctx, start.Add(20*time.Minute)); err != nil {
					return err
				}
				continue
			}
			clk.Set(start.Add(-3 * time.Minute))
			if _, err := bs.CheckIn(ctx, a, b.ID); err != nil {
				return err
			}
			clk.Set(end)
			if _, err := bs.Complete(ctx, a, b.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
