package meeting_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestMeetingFromRequestToAllAccepted runs one meeting through every step:
// request, approval by the supervising leader, notice and change notice,
// leave with a substitute, sign-in, minutes drafted within 24 hours but
// sent after 48 (flagged late), action items through the task engine with
// an overdue item, a send-back, acceptance of everything and the close.
func TestMeetingFromRequestToAllAccepted(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 9, 0)) // Monday
		s := f.svc
		start := at(2026, 3, 3, 10, 0)

		// Convening: a draft with an agenda longer than the meeting.
		d := must(s.Create(ctx, f.u("convener"), f.baseInput(start)))
		if d.Status != meeting.StatusDraft || len(d.Agenda) != 3 || len(d.Attendees) != 4 {
			t.Fatalf("created %+v", d.Meeting)
		}
		if !d.AgendaOverrun() || !slices.Contains(d.Warnings, "meeting.warn.agenda_overrun") {
			t.Fatalf("agenda of %d min in a %d min meeting: want overrun warning, got %v", d.AgendaMinutes(), d.Length(), d.Warnings)
		}
		_, err := s.Start(ctx, f.u("convener"), d.ID)
		wantKind(t, err, errs.Conflict) // not before approval and notice

		// The request goes to the supervising leader; others cannot decide.
		mark := f.mark()
		d = must(s.Submit(ctx, f.u("convener"), d.ID))
		if d.Status != meeting.StatusRequested || !f.sentTo(mark, "meeting.msg.approve_request", f.id("leader")) {
			t.Fatalf("submit: status %s", d.Status)
		}
		_, err = s.Decide(ctx, f.u("outsider"), d.ID, "approve", "")
		wantKind(t, err, errs.Forbidden)
		_, err = s.Decide(ctx, f.u("convener"), d.ID, "approve", "")
		wantKind(t, err, errs.Forbidden)
		d = must(s.Decide(ctx, f.u("leader"), d.ID, "approve", "同意"))
		if d.Status != meeting.StatusApproved || !f.sentTo(mark, "meeting.msg.request_approved", f.id("convener")) {
			t.Fatalf("approved: status %s", d.Status)
		}

		// Notice with the calendar invitation; a change of place re-notifies.
		mark = f.mark()
		d = must(s.SendNotice(ctx, f.u("convener"), d.ID))
		if d.Status != meeting.StatusNotified || d.NoticeSeq != 1 {
			t.Fatalf("notice: %s seq %d", d.Status, d.NoticeSeq)
		}
		for _, who := range []string{"attendee", "owner1", "owner2", "host", "recorder"} {
			if !f.sentTo(mark, "meeting.msg.notice", f.id(who)) {
				t.Errorf("notice not sent to %s", who)
			}
		}
		ics := string(must(s.Invite(ctx, f.u("owner1"), d.ID)))
		for _, want := range []string{"METHOD:REQUEST", "SEQUENCE:1", "UID:meeting-", "LOCATION:18 楼 1 号会议室", "DTSTART;TZID=Asia/Shanghai:20260303T100000", "包年方案与价格"} {
			if !strings.Contains(ics, want) {
				t.Errorf("invitation lacks %q:\n%s", want, ics)
			}
		}
		in := f.baseInput(start)
		in.Place = "18 楼 2 号会议室"
		for i := range in.Agenda {
			in.Agenda[i].ID = d.Agenda[i].ID
		}
		mark = f.mark()
		d = must(s.Update(ctx, f.u("convener"), d.ID, in))
		if d.NoticeSeq != 2 || !f.sentTo(mark, "meeting.msg.changed", f.id("owner2")) {
			t.Fatalf("change: seq %d, changed notice sent %v", d.NoticeSeq, f.sentTo(mark, "meeting.msg.changed", f.id("owner2")))
		}
		if ics := string(must(s.Invite(ctx, f.u("owner1"), d.ID))); !strings.Contains(ics, "SEQUENCE:2") || !strings.Contains(ics, "2 号会议室") {
			t.Fatalf("invitation after change:\n%s", ics)
		}

		// Replies and leave: a required attendee cannot just decline.
		wantKind(t, s.Reply(ctx, f.u("attendee"), d.ID, meeting.ReplyDeclined, ""), errs.Invalid)
		ok(t, s.Reply(ctx, f.u("owner1"), d.ID, meeting.ReplyAccepted, "准时参加"))
		wantKind(t, s.RequestLeave(ctx, f.u("attendee"), d.ID, "", 0), errs.Invalid)
		ok(t, s.RequestLeave(ctx, f.u("attendee"), d.ID, "同日需陪同客户验房", f.id("sub")))
		wantKind(t, s.RequestLeave(ctx, f.u("attendee"), d.ID, "再次申请", 0), errs.Conflict)
		attendeeRow, _ := must(s.Get(ctx, f.u("convener"), d.ID)).Attendee(f.id("attendee"))
		wantKind(t, s.DecideLeave(ctx, f.u("outsider"), d.ID, attendeeRow.ID, true, ""), errs.Forbidden)
		mark = f.mark()
		ok(t, s.DecideLeave(ctx, f.u("convener"), d.ID, attendeeRow.ID, true, ""))
		if !f.sentTo(mark, "meeting.msg.leave_approved", f.id("attendee")) || !f.sentTo(mark, "meeting.msg.substitute", f.id("sub")) {
			t.Fatal("leave decision not told to attendee and substitute")
		}
		d = must(s.Get(ctx, f.u("convener"), d.ID))
		if _, ok := d.Attendee(f.id("sub")); !ok || len(d.Attendees) != 5 {
			t.Fatalf("substitute not added: %+v", d.Attendees)
		}

		// Sign-in: before the start is on time, after it late.
		f.clock.Set(start.Add(-10 * time.Minute))
		ok(t, s.SignIn(ctx, f.u("owner1"), d.ID, 0))
		wantKind(t, s.SignIn(ctx, f.u("owner1"), d.ID, 0), errs.Conflict)
		d = must(s.Start(ctx, f.u("host"), d.ID))
		f.clock.Set(start.Add(7 * time.Minute))
		owner2Row, _ := d.Attendee(f.id("owner2"))
		wantKind(t, s.SignIn(ctx, f.u("outsider"), d.ID, owner2Row.ID), errs.Forbidden)
		ok(t, s.SignIn(ctx, f.u("recorder"), d.ID, owner2Row.ID))
		var guestID int64
		for _, a := range d.Attendees {
			if a.IsGuest() {
				guestID = a.ID
			}
		}
		ok(t, s.SignIn(ctx, f.u("desk"), d.ID, guestID))
		r1 := must(s.RecordDecision(ctx, f.u("recorder"), d.ID, d.Agenda[1].ID, "采用包年方案，价格按九折执行"))

		// End: attendance settled, minutes opened with both deadlines.
		end := start.Add(95 * time.Minute)
		f.clock.Set(end)
		d = must(s.End(ctx, f.u("host"), d.ID))
		att := map[int64]string{}
		for _, a := range d.Attendees {
			att[a.UserID] = a.Attendance
		}
		if att[f.id("owner1")] != meeting.AttendOnTime || att[f.id("owner2")] != meeting.AttendLate || att[f.id("attendee")] != meeting.AttendLeave || att[f.id("sub")] != meeting.AttendAbsent {
			t.Fatalf("attendance: %v", att)
		}
		if d.Minutes == nil || !d.Minutes.DraftDueAt.Equal(end.Add(24*time.Hour)) || !d.Minutes.SendDueAt.Equal(end.Add(48*time.Hour)) {
			t.Fatalf("minutes deadlines: %+v", d.Minutes)
		}

		// The recorder drafts: points per agenda item and the decisions.
		f.clock.Set(end.Add(3 * time.Hour))
		mn := must(s.SaveMinutes(ctx, f.u("recorder"), d.ID, meeting.MinutesInput{
			Topic:  "华润置地年度合作洽谈会议纪要",
			Points: map[int64]string{d.Agenda[0].ID: "双方回顾了 2025 年合作情况。", d.Agenda[1].ID: "客户希望价格再优惠，我方同意九折。"},
			Decisions: []meeting.DecisionInput{
				{ID: r1.ID, AgendaItemID: d.Agenda[1].ID, Text: "采用包年方案，价格按九折执行"},
				{Text: "3 月 10 日前提交服务保障方案"},
			},
			Note: "初稿",
		}))
		if mn.Version != 1 || len(mn.Content.Decisions) != 2 || len(mn.Content.Present) != 3 || len(mn.Content.Absent) != 2 {
			t.Fatalf("minutes v1: %+v", mn)
		}
		wantKind(t, func() error {
			_, err := s.SaveMinutes(ctx, f.u("outsider"), d.ID, meeting.MinutesInput{Topic: "x"})
			return err
		}(), errs.Forbidden)
		res := must(s.Track(ctx, f.u("host"), d.ID, "page")).Resolutions
		if len(res) != 2 {
			t.Fatalf("resolutions: %+v", res)
		}
		// Resolutions split into tasks; planned until the minutes go out.
		it1 := must(s.AddAction(ctx, f.u("recorder"), d.ID, meeting.ActionInput{
			ResolutionID: res[0].Resolution.ID, Goal: "签订 2026 年度包年合同", Standard: "合同经双方盖章并归档",
			StartAt: end.Add(24 * time.Hour), DueAt: end.Add(10 * 24 * time.Hour), OwnerID: f.id("owner1"), AssistantID: f.id("owner2"),
		}))
		it2 := must(s.AddAction(ctx, f.u("recorder"), d.ID, meeting.ActionInput{
			ResolutionID: res[1].Resolution.ID, Goal: "提交服务保障方案", Standard: "方案经主持人确认",
			StartAt: end.Add(24 * time.Hour), DueAt: end.Add(4 * 24 * time.Hour), OwnerID: f.id("owner2"),
		}))
		_, err = s.AddAction(ctx, f.u("recorder"), d.ID, meeting.ActionInput{ResolutionID: res[1].Resolution.ID, Goal: "x", Standard: "y", StartAt: end, DueAt: end.Add(-time.Hour), OwnerID: f.id("owner2"), AssistantID: f.id("owner2")})
		wantKind(t, err, errs.Invalid)
		if it1.Status != meeting.ActionPlanned || it1.TaskID != 0 {
			t.Fatalf("planned item: %+v", it1)
		}
		// A decision with action items cannot be dropped from the minutes.
		_, err = s.SaveMinutes(ctx, f.u("recorder"), d.ID, meeting.MinutesInput{Topic: "x", Decisions: []meeting.DecisionInput{{ID: r1.ID, Text: "采用包年方案，价格按九折执行"}}})
		wantKind(t, err, errs.Invalid)

		// 20 h after the end the draft reminder fires; submitted at 23 h the
		// draft is on time and stays so after the 24-hour mark.
		f.clock.Set(end.Add(20 * time.Hour))
		mark = f.mark()
		if ran := f.runDue(); !slices.Contains(ran, meeting.JobDraftRemind) {
			t.Fatalf("jobs at 20 h: %v", ran)
		}
		if !f.sentTo(mark, "meeting.msg.minutes_draft_remind", f.id("recorder")) {
			t.Fatal("no draft reminder")
		}
		f.clock.Set(end.Add(23 * time.Hour))
		mn = must(s.SubmitMinutes(ctx, f.u("recorder"), d.ID))
		if mn.Status != meeting.MinutesSubmitted {
			t.Fatalf("submitted: %s", mn.Status)
		}
		f.clock.Set(end.Add(25 * time.Hour))
		mark = f.mark()
		f.runDue()
		if f.sentTo(mark, "meeting.msg.minutes_draft_late", f.id("host")) {
			t.Fatal("draft flagged late although submitted at 23 h")
		}
		v := must(s.ReadMinutes(ctx, f.u("host"), d.ID, "page"))
		if v.Minutes.DraftLate || v.Minutes.SendLate {
			t.Fatalf("at 25 h: draft late %v, send late %v", v.Minutes.DraftLate, v.Minutes.SendLate)
		}

		// The host returns it once, the recorder fixes it (version 2), the
		// host approves at 30 h. Only the host may decide.
		_, err = s.ApproveMinutes(ctx, f.u("recorder"), d.ID, "")
		wantKind(t, err, errs.Forbidden)
		_, err = s.ReturnMinutes(ctx, f.u("host"), d.ID, "")
		wantKind(t, err, errs.Invalid)
		mn = must(s.ReturnMinutes(ctx, f.u("host"), d.ID, "请补充客户对服务保障的要求"))
		if mn.Status != meeting.MinutesReturned || mn.ReturnComment == "" {
			t.Fatalf("returned: %+v", mn)
		}
		v = must(s.ReadMinutes(ctx, f.u("recorder"), d.ID, "page"))
		points := map[int64]string{}
		for _, p := range v.Minutes.Content.Points {
			points[p.AgendaItemID] = p.Text
		}
		points[d.Agenda[2].ID] = "客户要求会议期间配备专职技术支持。"
		var ds []meeting.DecisionInput
		for _, r := range v.Resolutions {
			ds = append(ds, meeting.DecisionInput{ID: r.ID, AgendaItemID: r.AgendaItemID, Text: r.Text})
		}
		must(s.SaveMinutes(ctx, f.u("recorder"), d.ID, meeting.MinutesInput{Topic: v.Minutes.Content.Topic, Points: points, Decisions: ds, Note: "补充服务保障要求"}))
		f.clock.Set(end.Add(26 * time.Hour))
		mn = must(s.SubmitMinutes(ctx, f.u("recorder"), d.ID))
		if mn.SubmittedAt.After(mn.DraftDueAt) {
			t.Fatal("resubmission moved the first submission time")
		}
		f.clock.Set(end.Add(30 * time.Hour))
		mn = must(s.ApproveMinutes(ctx, f.u("host"), d.ID, "同意"))
		if mn.Status != meeting.MinutesApproved || mn.Version != 2 {
			t.Fatalf("approved: %+v", mn)
		}
		if vs := must(s.ReadMinutes(ctx, f.u("host"), d.ID, "page")).Versions; len(vs) != 2 || vs[0].Status != meeting.MinutesApproved || vs[1].Status != meeting.MinutesReturned {
			t.Fatalf("versions: %+v", vs)
		}

		// Not sent by 48 h: the reminder at 44 h, the late notice at 48 h,
		// and the minutes show late.
		f.clock.Set(end.Add(44 * time.Hour))
		mark = f.mark()
		f.runDue()
		if !f.sentTo(mark, "meeting.msg.minutes_send_remind", f.id("host")) {
			t.Fatal("no send reminder at 44 h")
		}
		f.clock.Set(end.Add(48*time.Hour + time.Minute))
		mark = f.mark()
		f.runDue()
		if !f.sentTo(mark, "meeting.msg.minutes_send_late", f.id("host")) {
			t.Fatal("no late notice at 48 h")
		}
		if v := must(s.ReadMinutes(ctx, f.u("host"), d.ID, "page")); !v.Minutes.SendLate || v.Minutes.DraftLate {
			t.Fatalf("after 48 h: send late %v draft late %v", v.Minutes.SendLate, v.Minutes.DraftLate)
		}
		f.clock.Set(end.Add(49 * time.Hour))
		mark = f.mark()
		mn = must(s.Distribute(ctx, f.u("host"), d.ID))
		if mn.Status != meeting.MinutesDistributed || !mn.SendLateAt(f.clock.Now()) {
			t.Fatalf("distributed: %+v", mn)
		}
		for _, who := range []string{"attendee", "sub", "owner1", "owner2", "fin", "convener"} {
			if !f.sentTo(mark, "meeting.msg.minutes_distributed", f.id(who)) {
				t.Errorf("minutes not sent to %s", who)
			}
		}
		if !f.sentTo(mark, "meeting.msg.action_assigned", f.id("owner1")) || !f.sentTo(mark, "meeting.msg.action_assigned", f.id("owner2")) {
			t.Fatal("owners not told of their action items")
		}
		it1 = must(s.Action(ctx, f.u("owner1"), it1.ID, "page")).ActionItem
		if it1.Status != meeting.ActionOpen || it1.TaskID == 0 {
			t.Fatalf("activated item: %+v", it1)
		}
		if d := must(s.Get(ctx, f.u("host"), d.ID)); d.Status != meeting.StatusEnded {
			t.Fatalf("meeting closed with open items: %s", d.Status)
		}

		// Owner 2 reports progress but misses the deadline: overdue, the
		// host is told and sees it on the overdue view.
		f.clock.Set(end.Add(3 * 24 * time.Hour))
		mark = f.mark()
		f.runDue()
		if !f.sentTo(mark, "meeting.msg.action_due_soon", f.id("owner2")) {
			t.Fatal("no due-soon reminder")
		}
		must(s.Progress(ctx, f.u("owner2"), it2.ID, 60, "方案初稿已完成，待技术部确认"))
		_, err = s.Progress(ctx, f.u("outsider"), it2.ID, 70, "")
		wantKind(t, err, errs.Forbidden)
		soon := must(s.Actions(ctx, f.u("host"), meeting.ActionFilter{HostID: f.id("host"), DueSoon: true}, "page"))
		if len(soon) != 1 || soon[0].ID != it2.ID || !soon[0].DueSoon || soon[0].LastUpdate == "" {
			t.Fatalf("due soon: %+v", soon)
		}
		f.clock.Set(end.Add(4*24*time.Hour + time.Hour))
		mark = f.mark()
		f.runDue()
		if !f.sentTo(mark, "meeting.msg.action_overdue", f.id("host")) {
			t.Fatal("host not told of the overdue item")
		}
		over := must(s.Actions(ctx, f.u("host"), meeting.ActionFilter{HostID: f.id("host"), Overdue: true}, "page"))
		if len(over) != 1 || over[0].ID != it2.ID || !over[0].Overdue || over[0].Progress != 60 {
			t.Fatalf("overdue view: %+v", over)
		}
		byOwner := must(s.Actions(ctx, f.u("owner2"), meeting.ActionFilter{OwnerID: f.id("owner2")}, "api"))
		if len(byOwner) != 2 { // owner of item 2, assistant on item 1
			t.Fatalf("owner2's items: %d", len(byOwner))
		}

		// Results, a send-back, and acceptance by the host only.
		_, err = s.SubmitResult(ctx, f.u("owner2"), it2.ID, "")
		wantKind(t, err, errs.Invalid)
		it2 = must(s.SubmitResult(ctx, f.u("owner2"), it2.ID, "服务保障方案已提交，见附件"))
		if it2.Status != meeting.ActionSubmitted || !it2.Late() || it2.Overdue {
			t.Fatalf("submitted late item: %+v", it2)
		}
		_, err = s.Accept(ctx, f.u("owner2"), it2.ID, "")
		wantKind(t, err, errs.Forbidden)
		_, err = s.Accept(ctx, f.u("attendee"), it2.ID, "")
		wantKind(t, err, errs.Forbidden)
		it2 = must(s.SendBack(ctx, f.u("host"), it2.ID, "请补充技术支持人员名单"))
		if it2.Status != meeting.ActionReturned || !it2.Overdue {
			t.Fatalf("sent back: %+v", it2)
		}
		must(s.SubmitResult(ctx, f.u("owner2"), it2.ID, "已补充技术支持人员名单"))
		mark = f.mark()
		it2 = must(s.Accept(ctx, f.u("host"), it2.ID, "验收合格"))
		if it2.Status != meeting.ActionAccepted || it2.Progress != 100 {
			t.Fatalf("accepted: %+v", it2)
		}
		for _, who := range []string{"attendee", "sub", "owner1", "owner2", "host"} {
			if !f.sentTo(mark, "meeting.msg.action_accepted", f.id(who)) {
				t.Errorf("acceptance not fed back to %s", who)
			}
		}
		must(s.Progress(ctx, f.u("owner1"), it1.ID, 80, "合同已送法务审核"))
		must(s.SubmitResult(ctx, f.u("owner1"), it1.ID, "合同已盖章归档，编号 HT-2026-031"))
		mark = f.mark()
		must(s.Accept(ctx, f.u("host"), it1.ID, ""))
		d = must(s.Get(ctx, f.u("host"), d.ID))
		if d.Status != meeting.StatusClosed || d.ClosedAt.IsZero() {
			t.Fatalf("after all accepted: %s", d.Status)
		}
		if !f.sentTo(mark, "meeting.msg.all_accepted", f.id("fin")) {
			t.Fatal("close not told to cc department")
		}
		tr := must(s.Track(ctx, f.u("host"), d.ID, "page"))
		if tr.Total != 2 || tr.Accepted != 2 || tr.Overdue != 0 {
			t.Fatalf("tracking: %d/%d overdue %d", tr.Accepted, tr.Total, tr.Overdue)
		}
		if over := must(s.Actions(ctx, f.u("host"), meeting.ActionFilter{HostID: f.id("host"), Overdue: true}, "page")); len(over) != 0 {
			t.Fatalf("overdue after acceptance: %+v", over)
		}
		// The archive finds it by client, type, date and text in the minutes.
		hits := must(s.Search(ctx, f.u("host"), meeting.Filter{Client: "华润", Type: meeting.TypeKeyAccount, From: start.Add(-24 * time.Hour), To: start.Add(24 * time.Hour), Text: "专职技术支持"}))
		if len(hits) != 1 || !strings.Contains(hits[0].Snippet, "专职技术支持") {
			t.Fatalf("archive search: %+v", hits)
		}
	})
}

func TestMinutesDeadlineBoundaries(t *testing.T) {
	end := time.Date(2026, 3, 3, 3, 35, 0, 0, time.UTC)
	mn := meeting.Minutes{DraftDueAt: end.Add(meeting.DraftWithin), SendDueAt: end.Add(meeting.SendWithin)}
	cases := []struct {
		name                 string
		submitted, sent, now time.Time
		draftLate, sendLate  bool
	}{
		{"just ended", time.Time{}, time.Time{}, end, false, false},
		{"24 h exactly, nothing yet", time.Time{}, time.Time{}, end.Add(24 * time.Hour), false, false},
		{"24 h and a minute, no draft", time.Time{}, time.Time{}, end.Add(24*time.Hour + time.Minute), true, false},
		{"draft at 24 h exactly", end.Add(24 * time.Hour), time.Time{}, end.Add(30 * time.Hour), false, false},
		{"draft at 25 h", end.Add(25 * time.Hour), time.Time{}, end.Add(30 * time.Hour), true, false},
		{"sent at 48 h exactly", end.Add(2 * time.Hour), end.Add(48 * time.Hour), end.Add(72 * time.Hour), false, false},
		{"not sent at 49 h", end.Add(2 * time.Hour), time.Time{}, end.Add(49 * time.Hour), false, true},
		{"sent at 50 h", end.Add(2 * time.Hour), end.Add(50 * time.Hour), end.Add(50 * time.Hour), false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := mn
			m.SubmittedAt, m.DistributedAt = c.submitted, c.sent
			if got := m.DraftLateAt(c.now); got != c.draftLate {
				t.Errorf("draft late = %v, want %v", got, c.draftLate)
			}
			if got := m.SendLateAt(c.now); got != c.sendLate {
				t.Errorf("send late = %v, want %v", got, c.sendLate)
			}
		})
	}
}

// TestStartWindowAndAbsences: a notified meeting can be opened only from
// the configured minutes before its time until its planned end (the page
// offers the button only then); ending it marks absent only the attendees
// with an account who did not sign in, never an outside guest.
func TestStartWindowAndAbsences(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 12, 3, 9, 0))
		s := f.svc
		start := at(2026, 12, 14, 10, 0)
		d := must(s.Create(ctx, f.u("convener"), f.baseInput(start)))
		must(s.Submit(ctx, f.u("convener"), d.ID))
		must(s.Decide(ctx, f.u("leader"), d.ID, "approve", ""))
		must(s.SendNotice(ctx, f.u("convener"), d.ID))

		for _, c := range []struct {
			now  time.Time
			open bool
		}{
			{at(2026, 12, 3, 17, 7), false},       // eleven days early
			{start.Add(-31 * time.Minute), false}, // before the default 30-minute window
			{start.Add(90 * time.Minute), false},  // the planned end has passed
			{start.Add(-30 * time.Minute), true},  // the window opens
		} {
			f.clock.Set(c.now)
			if got := must(s.Get(ctx, f.u("host"), d.ID)).Can["start"]; got != c.open {
				t.Errorf("at %s: start offered = %v, want %v", c.now.In(shanghai).Format("01-02 15:04"), got, c.open)
			}
			if !c.open {
				_, err := s.Start(ctx, f.u("host"), d.ID)
				if e := errs.As(err); e.Kind != errs.Conflict || e.Key != "err.meeting.start_window" {
					t.Errorf("started at %s: %v", c.now.In(shanghai).Format("01-02 15:04"), err)
				}
			}
		}
		// The office widens the window; only office or admin may.
		_, err := s.SaveConfig(ctx, f.u("host"), meeting.Config{StartEarlyMin: 60})
		wantKind(t, err, errs.Forbidden)
		_, err = s.SaveConfig(ctx, f.u("root"), meeting.Config{StartEarlyMin: 241})
		wantKind(t, err, errs.Invalid)
		must(s.SaveConfig(ctx, f.u("root"), meeting.Config{StartEarlyMin: 60}))
		f.clock.Set(start.Add(-59 * time.Minute))
		d = must(s.Start(ctx, f.u("host"), d.ID))
		ok(t, s.SignIn(ctx, f.u("owner1"), d.ID, 0))

		f.clock.Set(start.Add(80 * time.Minute))
		d = must(s.End(ctx, f.u("host"), d.ID))
		for _, a := range d.Attendees {
			want := meeting.AttendAbsent
			switch {
			case a.IsGuest():
				want = ""
			case a.UserID == f.id("owner1"):
				want = meeting.AttendOnTime
			}
			if a.Attendance != want {
				t.Errorf("attendee %d (%s): attendance %q, want %q", a.UserID, a.GuestName, a.Attendance, want)
			}
		}
	})
}
