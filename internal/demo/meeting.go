package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
)

// meetingDemo walks meetings through their lifecycle on a fake clock set in
// the past, so the demo holds every state with honest timestamps: closed,
// minutes late, minutes awaiting the host, action items overdue, due soon,
// waiting for acceptance and accepted, one in progress, notified with a
// leave request, approved, requested, returned, draft, cancelled, rejected.
type meetingDemo struct {
	d     *loader
	clk   *clock.Fake
	svc   *meeting.Service
	actor map[string]access.Actor
	day   time.Time // today 00:00 in the site zone
}

func loadMeetings(ctx context.Context, d *loader) error {
	md := &meetingDemo{d: d, clk: clock.NewFake(d.now), actor: map[string]access.Actor{}}
	svc := *d.app.Meetings
	svc.Clock = md.clk
	md.svc = &svc
	loc := d.app.Loc
	n := d.now.In(loc)
	md.day = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	for name, id := range d.users {
		u, err := d.app.Auth.Get(ctx, id)
		if err != nil {
			return err
		}
		md.actor[name] = u.Actor("")
	}
	if err := md.templates(ctx); err != nil {
		return err
	}
	for _, f := range []func(context.Context) error{
		md.closedMeeting, md.trackedMeeting, md.draftLateMeeting, md.awaitingHostMeeting, md.inProgressMeeting,
		md.notifiedMeeting, md.earlierStates, md.confidentialNegotiation,
	} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	// the history's messages count as read; what needs doing is on the
	// today page
	if _, err := d.app.DB.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE read_at IS NULL AND key LIKE 'meeting.%'`, store.Ms(d.now)); err != nil {
		return fmt.Errorf("mark demo meeting messages read: %w", err)
	}
	return nil
}

// at is a time relative to today in the site zone: days ahead (negative =
// ago) at hh:mm.
func (md *meetingDemo) at(days, hh, mm int) time.Time {
	return md.day.AddDate(0, 0, days).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute).UTC()
}

// lastAt is the latest hh:mm (site zone) at least before ago.
func (md *meetingDemo) lastAt(hh, mm int, before time.Duration) time.Time {
	limit := md.d.now.Add(-before)
	for days := 0; ; days-- {
		if t := md.at(days, hh, mm); !t.After(limit) {
			return t
		}
	}
}

func (md *meetingDemo) set(t time.Time) { md.clk.Set(t) }
func (md *meetingDemo) u(name string) access.Actor {
	return md.actor[name]
}
func (md *meetingDemo) id(name string) int64 { return md.d.users[name] }

func (md *meetingDemo) templates(ctx context.Context) error {
	sys := md.d.sys
	ts := []meeting.Template{
		{Type: meeting.TypeNewClient, Name: "新客户洽谈标准议程", DurationMin: 90, Active: true,
			Agenda:    []meeting.TemplateAgenda{{Topic: "双方介绍与来访目的", Minutes: 15}, {Topic: "客户需求沟通", Minutes: 25}, {Topic: "方案展示与价格说明", Minutes: 30}, {Topic: "条款协商与下一步安排", Minutes: 20}},
			Attendees: []meeting.TemplateAttendee{{Kind: meeting.KindRequired, UserID: md.id("manager")}, {Kind: meeting.KindRequired, UserID: md.id("leasing")}, {Kind: meeting.KindInvited, UserID: md.id("finance")}}},
		{Type: meeting.TypeRevisit, Name: "客户回访会议", DurationMin: 60, Active: true,
			Agenda:    []meeting.TemplateAgenda{{Topic: "上次会议决议落实情况", Minutes: 15}, {Topic: "客户满意度与意见", Minutes: 25}, {Topic: "后续合作安排", Minutes: 20}},
			Attendees: []meeting.TemplateAttendee{{Kind: meeting.KindRequired, UserID: md.id("supervisor")}, {Kind: meeting.KindRequired, UserID: md.id("leasing")}}},
		{Type: meeting.TypeKeyAccount, Name: "大客户接待会议", DurationMin: 120, Active: true,
			Agenda:    []meeting.TemplateAgenda{{Topic: "欢迎致辞与会所介绍", Minutes: 15}, {Topic: "年度合作回顾", Minutes: 30}, {Topic: "新年度服务方案", Minutes: 45}, {Topic: "问题与建议", Minutes: 30}},
			Attendees: []meeting.TemplateAttendee{{Kind: meeting.KindRequired, UserID: md.id("executive")}, {Kind: meeting.KindRequired, UserID: md.id("supervisor")}, {Kind: meeting.KindRequired, UserID: md.id("service")}, {Kind: meeting.KindInvited, UserID: md.id("engineering")}}},
	}
	for _, t := range ts {
		if _, err := md.svc.SaveTemplate(ctx, sys, 0, t); err != nil {
			return fmt.Errorf("template %s: %w", t.Name, err)
		}
	}
	return nil
}

// meetingPlan is a meeting to create.
type meetingPlan struct {
	typ, title, purpose, client, place string
	org                                int64
	start                              time.Time
	minutes                            int
	level                              string
	convener, host, recorder, leader   string
	agenda                             []meeting.AgendaInput
	required, invited                  []string
	guests                             []meeting.AttendeeInput
	cc                                 []string
}

func (md *meetingDemo) create(ctx context.Context, p meetingPlan) (meeting.Detail, error) {
	in := meeting.Input{Type: p.typ, Title: p.title, Purpose: p.purpose, ClientName: p.client, ClientOrgID: p.org, Place: p.place,
		HostID: md.id(p.host), RecorderID: md.id(p.recorder), LeaderID: md.id(p.leader), StartAt: p.start,
		EndAt: p.start.Add(time.Duration(p.minutes) * time.Minute), Level: p.level, Agenda: p.agenda}
	for _, r := range p.required {
		in.Attendees = append(in.Attendees, meeting.AttendeeInput{Kind: meeting.KindRequired, UserID: md.id(r)})
	}
	for _, r := range p.invited {
		in.Attendees = append(in.Attendees, meeting.AttendeeInput{Kind: meeting.KindInvited, UserID: md.id(r)})
	}
	in.Attendees = append(in.Attendees, p.guests...)
	for _, c := range p.cc {
		in.CC = append(in.CC, md.d.depts[c])
	}
	if in.ClientOrgID == 0 && in.ClientName != "" {
		// the client register's record, when the demo has one of that name
		err := md.d.app.DB.QueryRow(ctx, `SELECT id FROM client_orgs WHERE name = ?`, in.ClientName).Scan(&in.ClientOrgID)
		if err != nil && !store.IsNoRows(err) {
			return meeting.Detail{}, fmt.Errorf("find client %s: %w", in.ClientName, err)
		}
	}
	d, err := md.svc.Create(ctx, md.u(p.convener), in)
	if err != nil {
		return d, fmt.Errorf("meeting %s: %w", p.title, err)
	}
	return d, nil
}

// convene takes a draft through approval and the notice, starting three
// days before the meeting.
func (md *meetingDemo) convene(ctx context.Context, d meeting.Detail, p meetingPlan) error {
	md.set(d.StartAt.Add(-72 * time.Hour))
	if _, err := md.svc.Submit(ctx, md.u(p.convener), d.ID); err != nil {
		return fmt.Errorf("submit %s: %w", d.Title, err)
	}
	md.set(d.StartAt.Add(-70 * time.Hour))
	if _, err := md.svc.Decide(ctx, md.u(p.leader), d.ID, "approve", "同意召开，请做好接待准备。"); err != nil {
		return fmt.Errorf("approve %s: %w", d.Title, err)
	}
	md.set(d.StartAt.Add(-69 * time.Hour))
	if _, err := md.svc.SendNotice(ctx, md.u(p.convener), d.ID); err != nil {
		return fmt.Errorf("notice %s: %w", d.Title, err)
	}
	return nil
}

// hold runs the meeting: replies, sign-ins (late ones after the start),
// and the end after its planned length.
func (md *meetingDemo) hold(ctx context.Context, d meeting.Detail, p meetingPlan, late map[string]bool, absent map[string]bool) (meeting.Detail, error) {
	for _, at := range d.Attendees {
		if at.UserID == 0 {
			continue
		}
		md.set(d.StartAt.Add(-48 * time.Hour))
		if err := md.svc.Reply(ctx, md.u(md.name(at.UserID)), d.ID, meeting.ReplyAccepted, ""); err != nil {
			return d, fmt.Errorf("reply: %w", err)
		}
	}
	md.set(d.StartAt.Add(-10 * time.Minute))
	for _, at := range d.Attendees {
		n := md.name(at.UserID)
		if late[n] || absent[n] {
			continue
		}
		if err := md.svc.SignIn(ctx, md.u("receptionist"), d.ID, at.ID); err != nil {
			return d, fmt.Errorf("sign in: %w", err)
		}
	}
	md.set(d.StartAt)
	if _, err := md.svc.Start(ctx, md.u(p.host), d.ID); err != nil {
		return d, fmt.Errorf("start %s: %w", d.Title, err)
	}
	md.set(d.StartAt.Add(12 * time.Minute))
	for _, at := range d.Attendees {
		if late[md.name(at.UserID)] {
			if err := md.svc.SignIn(ctx, md.u("receptionist"), d.ID, at.ID); err != nil {
				return d, fmt.Errorf("late sign in: %w", err)
			}
		}
	}
	md.set(d.EndAt.Add(5 * time.Minute))
	return md.svc.End(ctx, md.u(p.host), d.ID)
}

func (md *meetingDemo) name(id int64) string {
	for n, x := range md.d.users {
		if x == id && id != 0 {
			return n
		}
	}
	return ""
}

// minutes saves the recorder's draft with points per agenda item.
func (md *meetingDemo) minutes(ctx context.Context, d meeting.Detail, p meetingPlan, points []string, decisions []string, other string) error {
	in := meeting.MinutesInput{Topic: d.Title + "会议纪要", Points: map[int64]string{}, Other: other, Note: "初稿"}
	for i, it := range d.Agenda {
		if i < len(points) {
			in.Points[it.ID] = points[i]
		}
	}
	for _, t := range decisions {
		in.Decisions = append(in.Decisions, meeting.DecisionInput{Text: t})
	}
	_, err := md.svc.SaveMinutes(ctx, md.u(p.recorder), d.ID, in)
	return err
}

// meetingTask is an action item to add to resolution no (1-based).
type meetingTask struct {
	res               int
	goal, standard    string
	owner, assistant  string
	startDay, dueDays int // relative to today
}

func (md *meetingDemo) tasks(ctx context.Context, d meeting.Detail, p meetingPlan, ts []meetingTask) ([]meeting.ActionItem, error) {
	tr, err := md.svc.Track(ctx, md.d.sys, d.ID, "demo")
	if err != nil {
		return nil, err
	}
	var out []meeting.ActionItem
	for _, t := range ts {
		it, err := md.svc.AddAction(ctx, md.u(p.recorder), d.ID, meeting.ActionInput{
			ResolutionID: tr.Resolutions[t.res-1].Resolution.ID, Goal: t.goal, Standard: t.standard,
			StartAt: md.at(t.startDay, 9, 0), DueAt: md.at(t.dueDays, 18, 0), OwnerID: md.id(t.owner), AssistantID: md.id(t.assistant),
		})
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", t.goal, err)
		}
		out = append(out, it)
	}
	return out, nil
}

// publish submits, approves and distributes the minutes at the given
// offsets after the end.
func (md *meetingDemo) publish(ctx context.Context, d meeting.Detail, p meetingPlan, submitAfter, approveAfter, sendAfter time.Duration) error {
	end := d.EndedAt
	md.set(end.Add(submitAfter))
	if _, err := md.svc.SubmitMinutes(ctx, md.u(p.recorder), d.ID); err != nil {
		return fmt.Errorf("submit minutes: %w", err)
	}
	md.set(end.Add(approveAfter))
	if _, err := md.svc.ApproveMinutes(ctx, md.u(p.host), d.ID, "内容准确，同意发布。"); err != nil {
		return fmt.Errorf("approve minutes: %w", err)
	}
	md.set(end.Add(sendAfter))
	if _, err := md.svc.Distribute(ctx, md.u(p.host), d.ID); err != nil {
		return fmt.Errorf("distribute minutes: %w", err)
	}
	return nil
}

// work records progress, a result and acceptance on an item at given days.
func (md *meetingDemo) progress(ctx context.Context, it meeting.ActionItem, owner string, when time.Time, pct int, note string) error {
	md.set(when)
	_, err := md.svc.Progress(ctx, md.u(owner), it.ID, pct, note)
	return err
}

func (md *meetingDemo) result(ctx context.Context, it meeting.ActionItem, owner string, when time.Time, result string) error {
	md.set(when)
	_, err := md.svc.SubmitResult(ctx, md.u(owner), it.ID, result)
	return err
}

func (md *meetingDemo) accept(ctx context.Context, it meeting.ActionItem, host string, when time.Time) error {
	md.set(when)
	_, err := md.svc.Accept(ctx, md.u(host), it.ID, "成果符合完成标准，验收合格。")
	return err
}

func meetingAgenda(items ...string) []meeting.AgendaInput {
	var out []meeting.AgendaInput
	for i := 0; i+1 < len(items); i += 2 {
		var m int
		fmt.Sscan(items[i+1], &m)
		out = append(out, meeting.AgendaInput{Topic: items[i], Minutes: m})
	}
	return out
}

func meetingGuest(name, org, title string) meeting.AttendeeInput {
	return meeting.AttendeeInput{Kind: meeting.KindInvited, GuestName: name, GuestOrg: org, GuestTitle: title}
}

// closedMeeting: three weeks ago, everything accepted, the meeting closed.
func (md *meetingDemo) closedMeeting(ctx context.Context) error {
	p := meetingPlan{typ: meeting.TypeKeyAccount, title: "华瑞置业年度会议场地合作洽谈", client: "华瑞置业（深圳）有限公司", org: 0,
		purpose: "回顾 2024 年度合作，确认新一年度会议场地包年方案和服务保障要求。", place: "18 楼 1 号会议室", start: md.at(-21, 10, 0), minutes: 90,
		level: access.Internal, convener: "staff", host: "manager", recorder: "receptionist", leader: "executive",
		agenda:   meetingAgenda("双方介绍与合作回顾", "20", "包年方案与价格", "40", "服务保障与下一步安排", "30"),
		required: []string{"leasing", "service", "finance"}, guests: []meeting.AttendeeInput{meetingGuest("陈立新", "华瑞置业", "行政总监"), meetingGuest("刘倩", "华瑞置业", "采购经理")},
		cc: []string{"finance", "office"}}
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	if err := md.convene(ctx, d, p); err != nil {
		return err
	}
	if d, err = md.hold(ctx, d, p, map[string]bool{"finance": true}, nil); err != nil {
		return err
	}
	md.set(d.EndedAt.Add(3 * time.Hour))
	if err := md.minutes(ctx, d, p, []string{
		"双方回顾了 2024 年度 46 场会议的服务情况，客户对茶歇和设备保障表示满意。",
		"客户希望包年价格在去年基础上优惠；我方同意按 9 折执行，并赠送每季度 2 次多功能厅使用。",
		"客户要求重要会议配备专职技术支持；我方安排工程部专人值守。",
	}, []string{"采用包年方案，价格按 9 折执行，每季度赠送 2 次多功能厅使用", "重要会议安排工程部专人值守，会前 1 小时完成设备检查"}, ""); err != nil {
		return err
	}
	items, err := md.tasks(ctx, d, p, []meetingTask{
		{1, "签订年度会议场地包年合同", "合同经双方盖章并完成归档", "leasing", "finance", -20, -12},
		{2, "制定重要会议技术值守安排", "值守表经主持人确认并发给客户", "engineering", "service", -20, -16},
	})
	if err != nil {
		return err
	}
	if err := md.publish(ctx, d, p, 18*time.Hour, 26*time.Hour, 30*time.Hour); err != nil {
		return err
	}
	if err := md.progress(ctx, items[0], "leasing", md.at(-17, 15, 0), 60, "合同文本已送法务审核"); err != nil {
		return err
	}
	if err := md.result(ctx, items[1], "engineering", md.at(-16, 11, 0), "值守安排表已确认，已邮件发送客户行政部。"); err != nil {
		return err
	}
	if err := md.accept(ctx, items[1], "manager", md.at(-16, 16, 0)); err != nil {
		return err
	}
	if err := md.result(ctx, items[0], "leasing", md.at(-13, 10, 0), "合同 HT-2025-031 已双方盖章，原件已归档。"); err != nil {
		return err
	}
	if err := md.accept(ctx, items[0], "manager", md.at(-13, 14, 0)); err != nil {
		return err
	}
	// the negotiation, its archived agreement, the review, an improvement
	// and the next revisit
	md.set(md.at(-13, 15, 0))
	if _, err := md.svc.SaveNegotiation(ctx, md.u("receptionist"), d.ID, meeting.NegotiationInput{
		Goals: "续签年度包年合作，年度金额不低于 40 万元", BottomLine: "最低 9 折，赠送场次不超过每季度 2 次", Strategy: "以服务保障换取价格稳定",
		Pricing: "包年价 45 万元，9 折后 40.5 万元", QuotedFen: 45000000, AgreedFen: 40500000, CooperationMode: "年度包年框架协议",
		PaymentTerms: "按季度预付", DeliveryTerms: "合同签订次月起执行", AfterSales: "专属客户经理，重要会议工程部专人值守",
		Outcome: meeting.OutcomeAgreed, AgreementNo: "HT-2025-031", AgreementSignedAt: md.at(-13, 10, 0),
		AgreementSummary: "甲方按季度预付包年费用；乙方保障每月不少于 4 场会议的场地和设备，重要会议安排专人值守。",
	}); err != nil {
		return fmt.Errorf("negotiation: %w", err)
	}
	if _, err := md.svc.ArchiveAgreement(ctx, md.u("manager"), d.ID); err != nil {
		return fmt.Errorf("archive agreement: %w", err)
	}
	if _, err := md.svc.SaveReview(ctx, md.u("receptionist"), d.ID, meeting.ReviewInput{
		Summary: "会议按议程完成，双方就包年方案达成一致，接待工作顺利。", ClientFeedback: "客户对茶歇和设备保障满意，希望提前发送会议资料。",
		Problems: "会议资料在会前 1 小时才发出，客户来不及阅读。", Satisfaction: 5, Submit: true,
	}); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	if _, err := md.svc.AddAction(ctx, md.u("receptionist"), d.ID, meeting.ActionInput{Kind: meeting.ActionImprovement,
		Goal: "会议资料提前一个工作日发送客户", Standard: "纳入会议接待流程并培训接待人员", StartAt: md.at(-13, 9, 0), DueAt: md.at(5, 18, 0), OwnerID: md.id("supervisor")}); err != nil {
		return fmt.Errorf("improvement: %w", err)
	}
	_, err = md.svc.AddRevisit(ctx, md.u("receptionist"), d.ID, md.at(6, 10, 0), md.id("leasing"), "了解包年合作执行情况和满意度")
	return err
}

// trackedMeeting: nine days ago; action items overdue, due soon, waiting
// for acceptance, sent back and accepted — the host's follow-up view.
func (md *meetingDemo) trackedMeeting(ctx context.Context) error {
	p := meetingPlan{typ: meeting.TypeImportant, title: "腾飞电子华南总部入驻服务沟通会", client: "深圳腾飞电子股份有限公司",
		purpose: "沟通华南总部入驻商务中心的服务需求，明确装修、网络、门禁和前台接待安排。", place: "20 楼洽谈室 A", start: md.at(-9, 14, 0), minutes: 120,
		level: access.Internal, convener: "leasing", host: "manager", recorder: "receptionist", leader: "executive",
		agenda:   meetingAgenda("客户入驻需求介绍", "30", "装修与网络方案", "40", "门禁、停车与前台接待", "30", "费用与时间安排", "20"),
		required: []string{"engineering", "security", "service", "staff"}, invited: []string{"finance"},
		guests: []meeting.AttendeeInput{meetingGuest("刘洋", "腾飞电子", "董事长助理"), meetingGuest("赵敏", "腾飞电子", "IT 经理")},
		cc:     []string{"office", "security"}}
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	if err := md.convene(ctx, d, p); err != nil {
		return err
	}
	if d, err = md.hold(ctx, d, p, map[string]bool{"security": true}, map[string]bool{"finance": true}); err != nil {
		return err
	}
	md.set(d.EndedAt.Add(5 * time.Hour))
	if err := md.minutes(ctx, d, p, []string{
		"客户计划于下月中旬入驻 2001–2005 单元，员工约 60 人，需要独立前台和访客登记。",
		"客户 IT 要求千兆专线和独立机柜；工程部确认机房可提供 1 个机柜位。",
		"门禁卡按员工名单制作，访客由前台登记后放行；客户需要 8 个固定车位。",
		"装修期管理费减半，入驻后按合同标准收取。",
	}, []string{"工程部负责机房机柜和千兆专线开通", "保安部负责门禁卡制作和车位安排", "服务部负责前台访客登记流程", "招商部负责入驻协议和费用确认"}, "客户希望入驻前安排一次现场踏勘。"); err != nil {
		return err
	}
	items, err := md.tasks(ctx, d, p, []meetingTask{
		{1, "开通千兆专线并完成机柜安装", "专线测速达标，机柜通电并交付客户 IT", "engineering", "service", -8, -2},
		{2, "制作 60 张员工门禁卡", "门禁卡按名单制作完毕并逐张测试", "security", "", -8, 1},
		{2, "安排 8 个固定车位", "车位编号确认并录入车牌识别系统", "security", "", -8, 4},
		{3, "制定访客登记与放行流程", "流程经主持人确认并培训前台人员", "service", "receptionist", -8, -1},
		{4, "签订入驻管理协议并确认费用", "协议盖章，费用明细经财务确认", "leasing", "finance", -8, -4},
	})
	if err != nil {
		return err
	}
	if err := md.publish(ctx, d, p, 20*time.Hour, 30*time.Hour, 40*time.Hour); err != nil {
		return err
	}
	// overdue, 40 % done
	if err := md.progress(ctx, items[0], "engineering", md.at(-4, 16, 0), 40, "运营商已勘察，专线预计下周开通"); err != nil {
		return err
	}
	// due soon (tomorrow), 70 %
	if err := md.progress(ctx, items[1], "security", md.d.now.Add(-20*time.Hour), 70, "已制作 42 张，剩余等待客户补充名单"); err != nil {
		return err
	}
	// sent back, then overdue in rework
	if err := md.result(ctx, items[3], "service", md.at(-2, 15, 0), "访客登记流程初稿已完成。"); err != nil {
		return err
	}
	md.set(md.at(-2, 17, 0))
	if _, err := md.svc.SendBack(ctx, md.u("manager"), items[3].ID, "请补充夜间和节假日访客的处理方式。"); err != nil {
		return err
	}
	// accepted
	if err := md.result(ctx, items[4], "leasing", md.at(-5, 11, 0), "入驻管理协议已盖章，费用明细经财务部确认。"); err != nil {
		return err
	}
	if err := md.accept(ctx, items[4], "manager", md.at(-5, 15, 0)); err != nil {
		return err
	}
	// waiting for acceptance
	return md.result(ctx, items[2], "security", md.d.now.Add(-2*time.Hour), "8 个车位（B2-031 至 B2-038）已确认并录入车牌识别系统。")
}

// draftLateMeeting: ended 30 hours ago, the draft still not submitted.
func (md *meetingDemo) draftLateMeeting(ctx context.Context) error {
	start := md.lastAt(14, 0, 27*time.Hour) // ended more than 24 hours ago
	p := meetingPlan{typ: meeting.TypeRevisit, title: "南山国际物流季度回访会", client: "南山国际物流有限公司",
		purpose: "季度回访，了解客户对会议室和商务服务的意见。", place: "18 楼 3 号会议室", start: start, minutes: 60,
		level: access.Internal, convener: "supervisor", host: "supervisor", recorder: "receptionist", leader: "executive",
		agenda:   meetingAgenda("上季度服务回顾", "20", "客户意见与建议", "25", "下季度安排", "15"),
		required: []string{"service", "leasing"}, guests: []meeting.AttendeeInput{meetingGuest("黄志强", "南山国际物流", "总经理助理")}}
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	if err := md.convene(ctx, d, p); err != nil {
		return err
	}
	if d, err = md.hold(ctx, d, p, nil, nil); err != nil {
		return err
	}
	md.set(d.EndedAt.Add(6 * time.Hour))
	return md.minutes(ctx, d, p, []string{"客户对上季度会议室使用整体满意。", "客户反映投影仪偶有信号中断。"}, []string{"工程部排查 3 号会议室投影信号问题"}, "")
}

// awaitingHostMeeting: ended yesterday afternoon, minutes submitted and
// waiting for the host's approval (the browser test approves them).
func (md *meetingDemo) awaitingHostMeeting(ctx context.Context) error {
	start := md.lastAt(10, 0, 19*time.Hour) // ended, minutes submitted within 24 hours
	p := meetingPlan{typ: meeting.TypeNewClient, title: "嘉禾医疗器械会议服务合作洽谈", client: "嘉禾医疗器械有限公司",
		purpose: "客户计划每月在商务中心举办经销商培训，洽谈场地、设备和餐饮服务合作。", place: "19 楼多功能厅", start: start, minutes: 90,
		level: access.Internal, convener: "staff", host: "manager", recorder: "receptionist", leader: "executive",
		agenda:   meetingAgenda("客户培训需求介绍", "20", "多功能厅方案与设备", "30", "餐饮与茶歇方案", "20", "价格与合作方式", "20"),
		required: []string{"service", "engineering", "leasing"}, invited: []string{"finance"},
		guests: []meeting.AttendeeInput{meetingGuest("孙丽", "嘉禾医疗器械", "市场总监"), meetingGuest("周凯", "嘉禾医疗器械", "培训主管")},
		cc:     []string{"finance"}}
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	if err := md.convene(ctx, d, p); err != nil {
		return err
	}
	if d, err = md.hold(ctx, d, p, map[string]bool{"engineering": true}, nil); err != nil {
		return err
	}
	md.set(d.EndedAt.Add(4 * time.Hour))
	if err := md.minutes(ctx, d, p, []string{
		"客户每月举办 1 次经销商培训，每次约 80 人，全天。",
		"多功能厅可容纳 120 人，需加配 2 支无线话筒和同传设备。",
		"午餐采用自助餐，上下午各一次茶歇。",
		"客户希望签订年度框架协议，按场次结算。",
	}, []string{"按年度框架协议合作，按场次结算，价格 9.5 折", "服务部出具餐饮与茶歇标准方案", "工程部确认同传设备租赁方案"}, ""); err != nil {
		return err
	}
	if _, err := md.tasks(ctx, d, p, []meetingTask{
		{1, "起草年度框架协议", "协议经法务审核后发客户确认", "leasing", "legal", 1, 7},
		{2, "出具餐饮与茶歇标准方案", "方案含菜单和报价，经客户确认", "service", "", 1, 5},
		{3, "确认同传设备租赁方案", "供应商报价和设备清单经主持人确认", "engineering", "", 1, 4},
	}); err != nil {
		return err
	}
	md.set(d.EndedAt.Add(16 * time.Hour))
	_, err = md.svc.SubmitMinutes(ctx, md.u(p.recorder), d.ID)
	return err
}

// inProgressMeeting: started half an hour ago.
func (md *meetingDemo) inProgressMeeting(ctx context.Context) error {
	start := md.d.now.Add(-30 * time.Minute).Truncate(time.Minute)
	p := meetingPlan{typ: meeting.TypeInternal, title: "本月大型活动接待协调会", purpose: "协调本月两场大型会议的接待分工。",
		place: "18 楼 2 号会议室", start: start, minutes: 60, level: access.Internal, convener: "supervisor", host: "supervisor", recorder: "receptionist", leader: "executive",
		agenda:   meetingAgenda("活动排期确认", "15", "各部门分工", "30", "物资与应急准备", "15"),
		required: []string{"office", "engineering", "security", "service"}}
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	if err := md.convene(ctx, d, p); err != nil {
		return err
	}
	md.set(start.Add(-5 * time.Minute))
	for _, at := range d.Attendees {
		if md.name(at.UserID) == "security" {
			continue
		}
		if err := md.svc.SignIn(ctx, md.u("receptionist"), d.ID, at.ID); err != nil {
			return err
		}
	}
	md.set(start)
	if _, err := md.svc.Start(ctx, md.u(p.host), d.ID); err != nil {
		return err
	}
	md.set(start.Add(20 * time.Minute))
	_, err = md.svc.RecordDecision(ctx, md.u("receptionist"), d.ID, 0, "两场活动的前台接待由服务部统一排班")
	return err
}

// notifiedMeeting: tomorrow morning, notice sent, replies and a leave
// request waiting for the convener.
func (md *meetingDemo) notifiedMeeting(ctx context.Context) error {
	p := meetingPlan{typ: meeting.TypeKeyAccount, title: "云栖数据年度大客户接待会", client: "杭州云栖数据科技有限公司",
		purpose: "接待云栖数据总经理一行，介绍会所服务，商谈年度战略合作。", place: "18 楼 1 号会议室", start: md.at(1, 9, 30), minutes: 120,
		level: access.Internal, convener: "staff", host: "executive", recorder: "receptionist", leader: "executive",
		agenda:   meetingAgenda("欢迎致辞与会所介绍", "15", "年度合作回顾", "30", "新年度服务方案", "45", "问题与建议", "30"),
		required: []string{"manager", "supervisor", "service"}, invited: []string{"engineering"},
		guests: []meeting.AttendeeInput{meetingGuest("陈立", "云栖数据", "总经理"), meetingGuest("吴静", "云栖数据", "总经理助理")}}
	p.leader = "office"
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	md.set(md.d.now.Add(-30 * time.Hour))
	if _, err := md.svc.Submit(ctx, md.u(p.convener), d.ID); err != nil {
		return err
	}
	md.set(md.d.now.Add(-28 * time.Hour))
	if _, err := md.svc.Decide(ctx, md.u("office"), d.ID, "approve", "同意。"); err != nil {
		return err
	}
	md.set(md.d.now.Add(-27 * time.Hour))
	if _, err := md.svc.SendNotice(ctx, md.u(p.convener), d.ID); err != nil {
		return err
	}
	md.set(md.d.now.Add(-20 * time.Hour))
	if err := md.svc.Reply(ctx, md.u("manager"), d.ID, meeting.ReplyAccepted, "准时参加"); err != nil {
		return err
	}
	if err := md.svc.Reply(ctx, md.u("supervisor"), d.ID, meeting.ReplyAccepted, ""); err != nil {
		return err
	}
	md.set(md.d.now.Add(-3 * time.Hour))
	return md.svc.RequestLeave(ctx, md.u("service"), d.ID, "当天上午需现场保障另一场会议", md.id("receptionist"))
}

// earlierStates: approved, requested, returned, draft, cancelled, rejected.
func (md *meetingDemo) earlierStates(ctx context.Context) error {
	base := meetingPlan{place: "18 楼 3 号会议室", minutes: 60, level: access.Internal, convener: "staff", host: "manager", recorder: "receptionist", leader: "executive",
		required: []string{"leasing", "service"}}
	mk := func(typ, title, client string, days int, ag []meeting.AgendaInput) meetingPlan {
		p := base
		p.typ, p.title, p.client, p.start, p.agenda = typ, title, client, md.at(days, 14, 30), ag
		return p
	}
	md.set(md.d.now.Add(-26 * time.Hour))
	// approved, notice not sent yet
	p := mk(meeting.TypeRevisit, "瑞丰投资入驻满一年回访", "瑞丰投资管理有限公司", 3, meetingAgenda("入驻一年服务回顾", "20", "续租意向沟通", "25", "改进建议", "15"))
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	if _, err := md.svc.Submit(ctx, md.u("staff"), d.ID); err != nil {
		return err
	}
	md.set(md.d.now.Add(-25 * time.Hour))
	if _, err := md.svc.Decide(ctx, md.u("executive"), d.ID, "approve", ""); err != nil {
		return err
	}
	// requested, waiting for the executive
	md.set(md.d.now.Add(-5 * time.Hour))
	p = mk(meeting.TypeNewClient, "星河文化传媒场地合作初洽", "星河文化传媒有限公司", 5, meetingAgenda("客户需求介绍", "20", "场地与报价", "25", "后续安排", "15"))
	if d, err = md.create(ctx, p); err != nil {
		return err
	}
	if _, err := md.svc.Submit(ctx, md.u("staff"), d.ID); err != nil {
		return err
	}
	// returned for changes
	p = mk(meeting.TypeImportant, "安信律师事务所服务投诉沟通会", "安信律师事务所", 4, meetingAgenda("投诉事项说明", "30"))
	if d, err = md.create(ctx, p); err != nil {
		return err
	}
	if _, err := md.svc.Submit(ctx, md.u("staff"), d.ID); err != nil {
		return err
	}
	md.set(md.d.now.Add(-4 * time.Hour))
	if _, err := md.svc.Decide(ctx, md.u("executive"), d.ID, "return", "请补充投诉处理进展和拟答复意见，并邀请服务部负责人参加。"); err != nil {
		return err
	}
	// draft
	p = mk(meeting.TypeRevisit, "恒通物业服务对接会", "恒通物业管理有限公司", 8, meetingAgenda("物业服务对接事项", "40"))
	if _, err := md.create(ctx, p); err != nil {
		return err
	}
	// cancelled after the notice
	md.set(md.d.now.Add(-50 * time.Hour))
	p = mk(meeting.TypeNewClient, "博远教育培训场地洽谈", "博远教育科技有限公司", 2, meetingAgenda("培训需求", "30", "场地方案", "30"))
	if d, err = md.create(ctx, p); err != nil {
		return err
	}
	if _, err := md.svc.Submit(ctx, md.u("staff"), d.ID); err != nil {
		return err
	}
	if _, err := md.svc.Decide(ctx, md.u("executive"), d.ID, "approve", ""); err != nil {
		return err
	}
	if _, err := md.svc.SendNotice(ctx, md.u("staff"), d.ID); err != nil {
		return err
	}
	md.set(md.d.now.Add(-6 * time.Hour))
	if _, err := md.svc.Cancel(ctx, md.u("staff"), d.ID, "客户来访行程推迟，另行约定时间。"); err != nil {
		return err
	}
	// rejected
	md.set(md.d.now.Add(-49 * time.Hour))
	p = mk(meeting.TypeInternal, "会议室收费标准调整讨论", "", 6, meetingAgenda("现行收费标准", "20", "调整方案", "40"))
	if d, err = md.create(ctx, p); err != nil {
		return err
	}
	if _, err := md.svc.Submit(ctx, md.u("staff"), d.ID); err != nil {
		return err
	}
	md.set(md.d.now.Add(-48 * time.Hour))
	_, err = md.svc.Decide(ctx, md.u("executive"), d.ID, "reject", "收费标准调整须经总经理办公会研究，本次不单独召开。")
	return err
}

// confidentialNegotiation: a confidential negotiation held last week with
// distributed minutes, readable only by those named and those cleared.
func (md *meetingDemo) confidentialNegotiation(ctx context.Context) error {
	p := meetingPlan{typ: meeting.TypeNewClient, title: "青松资本整层租赁商务洽谈", client: "青松资本管理有限公司",
		purpose: "洽谈 22 层整层租赁及配套会议服务。", place: "22 楼贵宾洽谈室", start: md.at(-6, 15, 0), minutes: 90,
		level: access.Confidential, convener: "leasing", host: "executive", recorder: "office", leader: "executive",
		agenda:   meetingAgenda("客户需求与预算", "20", "整层租赁方案与报价", "40", "付款方式与交付时间", "30"),
		required: []string{"finance", "legal"}, guests: []meeting.AttendeeInput{meetingGuest("许青松", "青松资本", "合伙人")}}
	p.leader = "office"
	p.host = "executive"
	d, err := md.create(ctx, p)
	if err != nil {
		return err
	}
	if err := md.convene(ctx, d, p); err != nil {
		return err
	}
	if d, err = md.hold(ctx, d, p, nil, nil); err != nil {
		return err
	}
	md.set(d.EndedAt.Add(2 * time.Hour))
	if err := md.minutes(ctx, d, p, []string{
		"客户预算每月每平方米不超过 185 元，计划 3 个月内入驻。",
		"我方报价每月每平方米 198 元，免租期 2 个月；底价 180 元。",
		"客户希望季度付款，交付时间为下月底。",
	}, []string{"报价调整为每月每平方米 188 元，免租期 3 个月", "法务部起草租赁合同初稿"}, ""); err != nil {
		return err
	}
	if _, err := md.tasks(ctx, d, p, []meetingTask{
		{1, "发送正式报价函", "报价函经总经理签字后发客户", "leasing", "finance", -5, 2},
		{2, "起草整层租赁合同初稿", "合同初稿经法务审核", "legal", "", -5, 3},
	}); err != nil {
		return err
	}
	if err := md.publish(ctx, d, p, 10*time.Hour, 20*time.Hour, 24*time.Hour); err != nil {
		return err
	}
	md.set(d.EndedAt.Add(25 * time.Hour))
	_, err = md.svc.SaveNegotiation(ctx, md.u("office"), d.ID, meeting.NegotiationInput{
		Goals: "整层租赁 3 年，首年租金每月每平方米不低于 185 元", BottomLine: "底价每月每平方米 180 元，免租期最多 3 个月", Strategy: "以配套会议服务和免租期换取租期",
		Pricing: "首轮报价 198 元，二轮调整为 188 元", QuotedFen: 19800, AgreedFen: 0, CooperationMode: "整层租赁加会议服务套餐",
		PaymentTerms: "季度付款", DeliveryTerms: "下月底交付", AfterSales: "专属客户经理", Outcome: meeting.OutcomeOpen, OutcomeNote: "客户将于下周回复报价函",
	})
	return err
}
