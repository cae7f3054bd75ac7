package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/meeting"
)

// The policy rows of a meeting's lifecycle: the convening request and its
// decision, the notice, replies and leave, sign-in, decisions, the minutes
// and their versions, the tracking table and action items, negotiation,
// review and revisits (internal/meeting: access.go and each service's
// checks). The fixtures are key-account meetings with orgA, convened by
// zhouwen, who is none of the subjects; the meeting's other parts are
// subjects, so their record-level rights show in the rows by name.
const (
	mtHost     = access.Manager   // hosts: manages the meeting, approves the minutes, accepts results
	mtRecorder = access.Leasing   // keeps the minutes, decisions, attendance and action items
	mtLeader   = access.Executive // the supervising leader who decides the request
	mtAttendee = access.Staff     // the required attendee: replies, asks leave, signs in; owns the revisit
	mtOwner    = access.Finance   // owns the action item
)

// Who may do what with a meeting (internal/meeting/access.go).
var (
	mtManage = roles(access.Admin).plus(mtHost)                    // canManage: convener, host, admin
	mtRecord = mtManage.plus(mtRecorder)                           // canRecord: and the recorder
	mtSignIn = roles(access.Receptionist, access.Supervisor).plus( // canSignIn: and the desk, or an attendee themself
		mtHost, mtRecorder, mtAttendee)
	mtApprove = roles(access.Admin).plus(mtHost)  // the minutes' approval, acceptance of results: host or admin
	mtWork    = roles(access.Admin).plus(mtOwner) // an action item's owner (or assistant) works on it
	// A confidential record: the roles cleared for it and everyone named
	// on the meeting (host, recorder, leader, attendee, item owner).
	mtCleared = roles(access.Executive, access.Supervisor, access.Office, access.Audit, access.Legal).
			plus(mtHost, mtRecorder, mtLeader, mtAttendee, mtOwner)
	// Before the minutes are sent out the action item is only proposed:
	// its owner is not named yet.
	mtClearedDraft = mtCleared.but(mtOwner)
)

// only: just these subjects, by name.
func only(names ...string) who {
	return func(*authzEnv) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
}

// The states a fixture meeting is walked to, in order: the meeting's
// statuses and the steps between them.
const (
	mtDraft       = meeting.StatusDraft
	mtRequested   = meeting.StatusRequested
	mtApprovedReq = meeting.StatusApproved // the request approved
	mtNotified    = meeting.StatusNotified
	mtLeave       = "leave" // the attendee asked leave
	mtOngoing     = meeting.StatusInProgress
	mtEnded       = meeting.StatusEnded // minutes drafted, an action item planned, negotiation and revisit recorded
	mtSubmitted   = "minutes_submitted" // the minutes submitted to the host
	mtApproved    = "minutes_approved"  // the host approved them
	mtDistributed = "distributed"       // sent out: the action item started as a task
	mtResult      = "result"            // its owner handed in the result
)

// The fixture meetings start three hours after the clock's start; the
// clock is held half an hour before (the request is still ahead, sign-in
// open) so that it stays within the sessions' lifetime.
var (
	mtStart = apptest.Start.Add(3 * time.Hour)
	mtNow   = mtStart.Add(-30 * time.Minute)
	mtDue   = mtNow.AddDate(0, 0, 7)
)

func (e *authzEnv) mtActor(name string) access.Actor { return e.by[name].actor }

// mtTitle is the fixture meetings' title.
const mtTitle = "授权测试年度合作洽谈"

// mtAuditOf asks for the audit row that created a fixture meeting of the
// level: its content (the title) only for those cleared for the meeting.
func mtAuditOf(level string) func(e *authzEnv, _ *subject, p string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		id := e.once("meeting-"+mtDraft+"-"+level, func() int64 { return e.newMeetingAt(mtDraft, level) })
		return call{path: fmt.Sprintf("%s?entity=meeting&entity_id=%d&action=create", p, id)}
	}
}

// mtInput is the fixture meeting: one agenda item, the attendee and a guest.
func (e *authzEnv) mtInput(level string) meeting.Input {
	return meeting.Input{Type: meeting.TypeKeyAccount, Title: mtTitle, ClientOrgID: orgA, ClientName: "北京华信科技有限公司",
		HostID: e.by[mtHost].user.ID, RecorderID: e.by[mtRecorder].user.ID, LeaderID: e.by[mtLeader].user.ID,
		StartAt: mtStart, EndAt: mtStart.Add(time.Hour), Place: "18 楼 1 号会议室", Level: level,
		Agenda:    []meeting.AgendaInput{{Topic: "包年方案与价格", Minutes: 45}},
		Attendees: []meeting.AttendeeInput{{Kind: meeting.KindRequired, UserID: e.by[mtAttendee].user.ID}, {Kind: meeting.KindInvited, GuestName: "张伟", GuestOrg: "华信科技"}}}
}

// mtSteps bring a meeting one state further, each by whoever does it.
var mtSteps = []fixtureStep{
	{mtRequested, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.Submit(ctx, e.applicant(), id)
		return err
	}},
	{mtApprovedReq, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.Decide(ctx, e.mtActor(mtLeader), id, "approve", "")
		return err
	}},
	{mtNotified, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.SendNotice(ctx, e.applicant(), id)
		return err
	}},
	{mtLeave, func(e *authzEnv, ctx context.Context, id int64) error {
		return e.app.Meetings.RequestLeave(ctx, e.mtActor(mtAttendee), id, "出差", 0)
	}},
	{mtOngoing, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.Start(ctx, e.mtActor(mtHost), id)
		return err
	}},
	{mtEnded, func(e *authzEnv, ctx context.Context, id int64) error {
		m, rec := e.app.Meetings, e.mtActor(mtRecorder)
		r, err := m.RecordDecision(ctx, rec, id, 0, "按包年方案推进")
		if err != nil {
			return err
		}
		if _, err := m.End(ctx, e.mtActor(mtHost), id); err != nil {
			return err
		}
		if _, err := m.SaveMinutes(ctx, rec, id, meeting.MinutesInput{Topic: "年度合作洽谈纪要", Decisions: []meeting.DecisionInput{{ID: r.ID, Text: r.Text}}}); err != nil {
			return err
		}
		if _, err := m.AddAction(ctx, rec, id, meeting.ActionInput{ResolutionID: r.ID, Goal: "包年报价单", Standard: "报价经总经理确认",
			StartAt: mtNow, DueAt: mtDue, OwnerID: e.by[mtOwner].user.ID}); err != nil {
			return err
		}
		if _, err := m.SaveNegotiation(ctx, rec, id, meeting.NegotiationInput{Goals: "包年合作", Outcome: meeting.OutcomeAgreed,
			AgreementNo: "HX-2026-001", AgreementSignedAt: mtNow}); err != nil {
			return err
		}
		_, err = m.AddRevisit(ctx, rec, id, mtDue, e.by[mtAttendee].user.ID, "回访合作进展")
		return err
	}},
	{mtSubmitted, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.SubmitMinutes(ctx, e.mtActor(mtRecorder), id)
		return err
	}},
	{mtApproved, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.ApproveMinutes(ctx, e.mtActor(mtHost), id, "")
		return err
	}},
	{mtDistributed, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.Distribute(ctx, e.mtActor(mtHost), id)
		return err
	}},
	{mtResult, func(e *authzEnv, ctx context.Context, id int64) error {
		_, err := e.app.Meetings.SubmitResult(ctx, e.mtActor(mtOwner), e.mtChild(id, "item"), "报价单已确认")
		return err
	}},
}

// newMeetingAt makes a fixture meeting at the level and walks it to the
// state through the services.
func (e *authzEnv) newMeetingAt(state, level string) int64 {
	e.t.Helper()
	e.orgs()
	e.clk.Set(mtNow)
	d, err := e.app.Meetings.Create(context.Background(), e.applicant(), e.mtInput(level))
	if err != nil {
		e.t.Fatalf("fixture meeting: %v", err)
	}
	e.walk("meeting", mtSteps, d.ID, mtDraft, state)
	return d.ID
}

// mtChild returns a record of the meeting for a parameter: the attendee's
// row, the resolution, the action item or the revisit.
func (e *authzEnv) mtChild(id int64, param string) int64 {
	switch param {
	case "attendee":
		return e.id(`SELECT id FROM meeting_attendees WHERE meeting_id = ? AND user_id = ?`, id, e.by[mtAttendee].user.ID)
	case "resolution":
		return e.id(`SELECT MIN(id) FROM meeting_resolutions WHERE meeting_id = ?`, id)
	case "item":
		return e.id(`SELECT MIN(id) FROM meeting_action_items WHERE meeting_id = ?`, id)
	case "revisit":
		return e.id(`SELECT MIN(id) FROM meeting_revisits WHERE meeting_id = ?`, id)
	}
	e.t.Fatalf("no meeting fixture for parameter %q", param)
	return 0
}

// mt is the request on a fixture meeting in a state: {id} is the meeting
// (when fresh, a new one for every call the policy allows, else one
// shared: a refused call changes nothing), or its child record when child
// is set (the API's own paths of items and revisits); {attendee} is the
// attendee's row, {version} the minutes' first version, and the {action},
// {step} or {form} parameter is step. In the body {attendee}, {resolution}
// and {revisit} are the same records, {host}, {owner} and {user} the
// host's, owner's and attendee's user ids.
type mt struct {
	state, level string
	fresh        bool
	child, step  string
	body         string
}

func (c mt) make(e *authzEnv, _ *subject, p string) call {
	level := c.level
	if level == "" {
		level = access.Internal
	}
	var id int64
	if c.fresh && !e.refused {
		id = e.newMeetingAt(c.state, level)
	} else {
		id = e.once("meeting-"+c.state+"-"+level, func() int64 { return e.newMeetingAt(c.state, level) })
	}
	e.clk.Set(mtNow)
	values := map[string]string{"id": idStr(id), "version": "1", "action": c.step, "step": c.step, "form": c.step}
	if strings.Contains(p, "{attendee}") {
		values["attendee"] = idStr(e.mtChild(id, "attendee"))
	}
	if c.child != "" {
		values["id"] = idStr(e.mtChild(id, c.child))
	}
	body := strings.NewReplacer("%7B", "{", "%7D", "}").Replace(c.body) // the forms' placeholders come encoded
	for _, k := range []string{"attendee", "resolution", "revisit"} {
		if strings.Contains(body, "{"+k+"}") {
			body = strings.ReplaceAll(body, "{"+k+"}", idStr(e.mtChild(id, k)))
		}
	}
	body = strings.NewReplacer("{host}", idStr(e.by[mtHost].user.ID), "{owner}", idStr(e.by[mtOwner].user.ID),
		"{user}", idStr(e.by[mtAttendee].user.ID)).Replace(body)
	return call{path: fillParams(p, values), body: body}
}

// mtTemplate is a meeting template kept by the office, made once.
func (e *authzEnv) mtTemplate() int64 {
	return e.once("meeting-template", func() int64 {
		id, err := e.app.Meetings.SaveTemplate(context.Background(), e.mtActor(access.Office), 0, meeting.Template{Type: meeting.TypeNewClient, Name: "授权测试模板", DurationMin: 60, Active: true})
		if err != nil {
			e.t.Fatalf("fixture template: %v", err)
		}
		return id
	})
}

// Request bodies of the meeting lifecycle.
var (
	rfc3339       = func(t time.Time) string { return t.Format(time.RFC3339) }
	mtMeetingJSON = fmt.Sprintf(`{"type":"key_account","title":"授权测试洽谈","client_name":"北京华信科技有限公司","host_id":{host},"start_at":%q,"end_at":%q,`+
		`"agenda":[{"topic":"合作方案","minutes":30}],"attendees":[{"kind":"required","user_id":{user}}]}`, rfc3339(mtStart), rfc3339(mtStart.Add(time.Hour)))
	mtMeetingForm = url.Values{"type": {"key_account"}, "title": {"授权测试洽谈"}, "client_name": {"北京华信科技有限公司"}, "host_id": {"{host}"}, "level": {"internal"},
		"start_at": {mtStart.In(shanghai).Format("2006-01-02T15:04")}, "end_at": {mtStart.Add(time.Hour).In(shanghai).Format("2006-01-02T15:04")},
		"agenda_topic": {"合作方案"}, "agenda_minutes": {"30"}, "att_kind": {"required"}, "att_user": {"{user}"}}.Encode()
	mtMinutesJSON = `{"topic":"年度合作洽谈纪要","decisions":[{"id":{resolution},"text":"按包年方案推进"}],"note":"补充"}`
	mtMinutesForm = url.Values{"topic": {"年度合作洽谈纪要"}, "dec_id": {"{resolution}"}, "dec_text": {"按包年方案推进"}}.Encode()
	mtActionJSON  = fmt.Sprintf(`{"resolution_id":{resolution},"goal":"合同文本","standard":"法务审核通过","start_at":%q,"due_at":%q,"owner_id":{owner}}`, rfc3339(mtNow), rfc3339(mtDue))
	mtActionForm  = url.Values{"resolution_id": {"{resolution}"}, "goal": {"合同文本"}, "standard": {"法务审核通过"}, "owner_id": {"{owner}"},
		"start_on": {mtNow.In(shanghai).Format(time.DateOnly)}, "due_on": {mtDue.In(shanghai).Format(time.DateOnly)}}.Encode()
	mtTemplateJSON = `{"type":"new_client","name":"授权测试模板","duration_min":60}`
)

// shanghai is the demo site's time zone, for form fields.
var shanghai = time.FixedZone("CST", 8*3600)

// meetingLifecyclePolicy is who may call the routes on one meeting, its
// minutes, action items and wrap-up. Client users never see meetings, of
// their own organisation neither (access.go): every row refuses them.
func meetingLifecyclePolicy() []rule {
	tpl := roles(access.Office, access.Supervisor)
	rows := []rule{
		// --- API: convening ---
		{route: "POST /api/v1/meetings", allow: staff(), make: mt{state: mtDraft, body: mtMeetingJSON}.make}, // any member of staff convenes
		{route: "PUT /api/v1/meetings/{id}", allow: mtManage, make: mt{state: mtApprovedReq, fresh: true, body: mtMeetingJSON}.make},
		{route: "POST /api/v1/meetings/{id}/decision", allow: roles(mtLeader), make: mt{state: mtRequested, fresh: true, body: `{"decision":"approve"}`}.make},
		{route: "POST /api/v1/meetings/{id}/notice", allow: mtManage, make: mt{state: mtApprovedReq, fresh: true, body: `{}`}.make},
		{route: "POST /api/v1/meetings/{id}/cancel", allow: mtManage, make: mt{state: mtNotified, fresh: true, body: `{"reason":"客户行程变更"}`}.make},
		{route: "POST /api/v1/meetings/{id}/start", allow: mtManage, make: mt{state: mtNotified, fresh: true, body: `{}`}.make},
		{route: "POST /api/v1/meetings/{id}/end", allow: mtManage, make: mt{state: mtOngoing, fresh: true, body: `{}`}.make},
		// --- API: attendees ---
		{route: "POST /api/v1/meetings/{id}/reply", allow: only(mtAttendee), make: mt{state: mtNotified, fresh: true, body: `{"reply":"accepted"}`}.make},
		{route: "POST /api/v1/meetings/{id}/leave", allow: only(mtAttendee), make: mt{state: mtNotified, fresh: true, body: `{"reason":"出差"}`}.make},
		{route: "POST /api/v1/meetings/{id}/leave/withdraw", allow: only(mtAttendee), make: mt{state: mtLeave, fresh: true, body: `{}`}.make},
		{route: "POST /api/v1/meetings/{id}/leave/{attendee}/decision", allow: mtManage, make: mt{state: mtLeave, fresh: true, body: `{"approve":true}`}.make},
		{route: "POST /api/v1/meetings/{id}/sign-in", allow: mtSignIn, make: mt{state: mtNotified, fresh: true, body: `{"attendee_id":{attendee}}`}.make},
		{route: "POST /api/v1/meetings/{id}/sign-in", variant: "self", allow: only(mtAttendee), make: mt{state: mtNotified, fresh: true, body: `{}`}.make},
		{route: "POST /api/v1/meetings/{id}/absent", allow: mtRecord, make: mt{state: mtOngoing, fresh: true, body: `{"attendee_id":{attendee}}`}.make},
		{route: "POST /api/v1/meetings/{id}/decisions", allow: mtRecord, make: mt{state: mtOngoing, fresh: true, body: `{"text":"下周提交报价"}`}.make},
		// --- API: minutes ---
		{route: "GET /api/v1/meetings/{id}/minutes", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "GET /api/v1/meetings/{id}/minutes", variant: "confidential", allow: mtCleared, make: mt{state: mtDistributed, level: access.Confidential}.make},
		{route: "PUT /api/v1/meetings/{id}/minutes", allow: mtRecord, make: mt{state: mtEnded, fresh: true, body: mtMinutesJSON}.make},
		{route: "POST /api/v1/meetings/{id}/minutes/submit", allow: mtRecord, make: mt{state: mtEnded, fresh: true, body: `{}`}.make},
		{route: "POST /api/v1/meetings/{id}/minutes/approve", allow: mtApprove, make: mt{state: mtSubmitted, fresh: true, body: `{}`}.make},
		{route: "POST /api/v1/meetings/{id}/minutes/return", allow: mtApprove, make: mt{state: mtSubmitted, fresh: true, body: `{"comment":"请补充价格条款"}`}.make},
		{route: "POST /api/v1/meetings/{id}/minutes/distribute", allow: mtManage, make: mt{state: mtApproved, fresh: true, body: `{}`}.make},
		{route: "GET /api/v1/meetings/{id}/minutes/versions/{version}", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "GET /api/v1/meetings/{id}/tracking", allow: staff(), make: mt{state: mtDistributed}.make},
		{route: "GET /api/v1/meetings/{id}/tracking", variant: "confidential", allow: mtCleared, make: mt{state: mtDistributed, level: access.Confidential}.make},
		// --- API: action items ---
		{route: "POST /api/v1/meetings/{id}/action-items", allow: mtRecord, make: mt{state: mtEnded, fresh: true, body: mtActionJSON}.make},
		{route: "GET /api/v1/action-items/{id}", allow: staff(), make: mt{state: mtDistributed, child: "item"}.make},
		{route: "GET /api/v1/action-items/{id}", variant: "confidential", allow: mtCleared, make: mt{state: mtDistributed, level: access.Confidential, child: "item"}.make},
		{route: "PUT /api/v1/action-items/{id}", allow: mtRecord, make: mt{state: mtDistributed, fresh: true, child: "item", body: mtActionJSON}.make},
		{route: "POST /api/v1/action-items/{id}/progress", allow: mtWork, make: mt{state: mtDistributed, fresh: true, child: "item", body: `{"progress":50,"note":"初稿完成"}`}.make},
		{route: "POST /api/v1/action-items/{id}/result", allow: mtWork, make: mt{state: mtDistributed, fresh: true, child: "item", body: `{"result":"报价单已确认"}`}.make},
		{route: "POST /api/v1/action-items/{id}/accept", allow: mtApprove, make: mt{state: mtResult, fresh: true, child: "item", body: `{}`}.make},
		{route: "POST /api/v1/action-items/{id}/send-back", allow: mtApprove, make: mt{state: mtResult, fresh: true, child: "item", body: `{"reason":"缺少付款条款"}`}.make},
		{route: "POST /api/v1/action-items/{id}/cancel", allow: mtRecord, make: mt{state: mtDistributed, fresh: true, child: "item", body: `{"reason":"客户取消合作"}`}.make},
		// --- API: wrap-up. The negotiation record is at least confidential. ---
		{route: "GET /api/v1/meetings/{id}/wrapup", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "GET /api/v1/meetings/{id}/negotiation", allow: mtClearedDraft, make: mt{state: mtEnded}.make},
		{route: "PUT /api/v1/meetings/{id}/negotiation", allow: mtRecord, make: mt{state: mtEnded, fresh: true, body: `{"goals":"包年合作","outcome":"open"}`}.make},
		{route: "POST /api/v1/meetings/{id}/negotiation/archive", allow: mtManage, make: mt{state: mtEnded, fresh: true, body: `{}`}.make},
		{route: "GET /api/v1/meetings/{id}/review", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "PUT /api/v1/meetings/{id}/review", allow: mtRecord, make: mt{state: mtEnded, fresh: true, body: `{"summary":"洽谈顺利","satisfaction":5}`}.make},
		{route: "POST /api/v1/meetings/{id}/revisits", allow: mtRecord, make: mt{state: mtEnded, fresh: true,
			body: fmt.Sprintf(`{"due_at":%q,"owner_id":{user},"purpose":"回访"}`, rfc3339(mtDue))}.make},
		{route: "POST /api/v1/revisits/{id}/done", allow: mtRecord.plus(mtAttendee), make: mt{state: mtEnded, fresh: true, child: "revisit", body: `{"note":"已回访"}`}.make}, // its owner too
		// --- API: the audit log shows a meeting's rows as far as the reader is cleared for it ---
		{route: "GET /api/v1/audit", variant: "secret meeting", allow: roles(access.Admin, access.Executive, access.Audit), make: mtAuditOf(access.Secret),
			content: mtTitle, sees: roles(access.Executive)},
		{route: "GET /api/v1/audit", variant: "confidential meeting", allow: roles(access.Admin, access.Executive, access.Audit), make: mtAuditOf(access.Confidential),
			content: mtTitle, sees: roles(access.Executive, access.Audit)},
		// --- API: templates ---
		{route: "POST /api/v1/meeting-templates", allow: tpl, make: plain(mtTemplateJSON)},
		{route: "PUT /api/v1/meeting-templates/{id}", allow: tpl, make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.mtTemplate())}), body: mtTemplateJSON}
		}},

		// --- pages: the meeting ---
		{route: "POST /meetings/new", allow: staff(), make: mt{state: mtDraft, body: mtMeetingForm}.make},
		{route: "POST /meetings/{id}/edit", allow: mtManage, make: mt{state: mtApprovedReq, fresh: true, body: mtMeetingForm}.make},
		{route: "GET /meetings/{id}", variant: "confidential", allow: mtCleared, make: mt{state: mtDistributed, level: access.Confidential}.make},
		{route: "POST /meetings/{id}/{action}", variant: "submit", allow: roles(access.Admin), make: mt{state: mtDraft, fresh: true, step: "submit"}.make}, // the convener
		{route: "POST /meetings/{id}/{action}", variant: "delete", allow: roles(access.Admin), make: mt{state: mtDraft, fresh: true, step: "delete"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "decide", allow: roles(mtLeader), make: mt{state: mtRequested, fresh: true, step: "decide", body: "decision=approve"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "notice", allow: mtManage, make: mt{state: mtApprovedReq, fresh: true, step: "notice"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "cancel", allow: mtManage, make: mt{state: mtNotified, fresh: true, step: "cancel", body: "reason=%E5%8F%96%E6%B6%88"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "start", allow: mtManage, make: mt{state: mtNotified, fresh: true, step: "start"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "end", allow: mtManage, make: mt{state: mtOngoing, fresh: true, step: "end"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "reply", allow: only(mtAttendee), make: mt{state: mtNotified, fresh: true, step: "reply", body: "reply=accepted"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "leave", allow: only(mtAttendee), make: mt{state: mtNotified, fresh: true, step: "leave", body: "reason=%E5%87%BA%E5%B7%AE"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "leave-withdraw", allow: only(mtAttendee), make: mt{state: mtLeave, fresh: true, step: "leave-withdraw"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "leave-decide", allow: mtManage, make: mt{state: mtLeave, fresh: true, step: "leave-decide", body: "attendee_id={attendee}&approve=1"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "sign-in", allow: mtSignIn, make: mt{state: mtNotified, fresh: true, step: "sign-in", body: "attendee_id={attendee}"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "absent", allow: mtRecord, make: mt{state: mtOngoing, fresh: true, step: "absent", body: "attendee_id={attendee}"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "decision", allow: mtRecord, make: mt{state: mtOngoing, fresh: true, step: "decision", body: "text=%E6%8E%A8%E8%BF%9B"}.make},
		{route: "POST /meetings/{id}/{action}", variant: "notes", allow: mtRecord, make: mt{state: mtOngoing, fresh: true, step: "notes", body: "host_notes=%E8%AE%B0%E5%BD%95"}.make},
		// --- pages: the audit log, as the API ---
		{route: "GET /admin/audit", variant: "secret meeting", allow: roles(access.Admin, access.Executive, access.Audit), make: mtAuditOf(access.Secret),
			content: mtTitle, sees: roles(access.Executive)},
		{route: "GET /admin/audit", variant: "confidential meeting", allow: roles(access.Admin, access.Executive, access.Audit), make: mtAuditOf(access.Confidential),
			content: mtTitle, sees: roles(access.Executive, access.Audit)},
		// --- pages: minutes ---
		{route: "GET /meetings/{id}/minutes", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "GET /meetings/{id}/minutes/print", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "GET /meetings/{id}/minutes/export", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "GET /meetings/{id}/minutes/export", variant: "confidential", allow: mtCleared, make: mt{state: mtDistributed, level: access.Confidential}.make},
		{route: "GET /meetings/{id}/minutes/v/{version}", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "POST /meetings/{id}/minutes", allow: mtRecord, make: mt{state: mtEnded, fresh: true, body: mtMinutesForm}.make},
		{route: "POST /meetings/{id}/minutes/{step}", variant: "submit", allow: mtRecord, make: mt{state: mtEnded, fresh: true, step: "submit"}.make},
		{route: "POST /meetings/{id}/minutes/{step}", variant: "approve", allow: mtApprove, make: mt{state: mtSubmitted, fresh: true, step: "approve"}.make},
		{route: "POST /meetings/{id}/minutes/{step}", variant: "return", allow: mtApprove, make: mt{state: mtSubmitted, fresh: true, step: "return", body: "comment=%E8%A1%A5%E5%85%85"}.make},
		{route: "POST /meetings/{id}/minutes/{step}", variant: "distribute", allow: mtManage, make: mt{state: mtApproved, fresh: true, step: "distribute"}.make},
		// --- pages: tracking and action items ---
		{route: "GET /meetings/{id}/actions", allow: staff(), make: mt{state: mtDistributed}.make},
		{route: "POST /meetings/{id}/actions", allow: mtRecord, make: mt{state: mtEnded, fresh: true, body: mtActionForm}.make},
		{route: "GET /action-items/{id}", allow: staff(), make: mt{state: mtDistributed, child: "item"}.make},
		{route: "POST /action-items/{id}/{step}", variant: "progress", allow: mtWork, make: mt{state: mtDistributed, fresh: true, child: "item", step: "progress", body: "progress=50"}.make},
		{route: "POST /action-items/{id}/{step}", variant: "result", allow: mtWork, make: mt{state: mtDistributed, fresh: true, child: "item", step: "result", body: "result=%E5%AE%8C%E6%88%90"}.make},
		{route: "POST /action-items/{id}/{step}", variant: "accept", allow: mtApprove, make: mt{state: mtResult, fresh: true, child: "item", step: "accept"}.make},
		{route: "POST /action-items/{id}/{step}", variant: "send-back", allow: mtApprove, make: mt{state: mtResult, fresh: true, child: "item", step: "send-back", body: "reason=%E8%A1%A5%E5%85%85"}.make},
		{route: "POST /action-items/{id}/{step}", variant: "cancel", allow: mtRecord, make: mt{state: mtDistributed, fresh: true, child: "item", step: "cancel", body: "reason=%E5%8F%96%E6%B6%88"}.make},
		{route: "POST /action-items/{id}/{step}", variant: "edit", allow: mtRecord, make: mt{state: mtDistributed, fresh: true, child: "item", step: "edit", body: mtActionForm}.make},
		// --- pages: wrap-up ---
		{route: "GET /meetings/{id}/wrapup", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "GET /meetings/{id}/wrapup", variant: "confidential", allow: mtCleared, make: mt{state: mtDistributed, level: access.Confidential}.make},
		{route: "POST /meetings/{id}/wrapup/{form}", variant: "negotiation", allow: mtRecord, make: mt{state: mtEnded, fresh: true, step: "negotiation", body: "goals=%E5%90%88%E4%BD%9C&outcome=open"}.make},
		{route: "POST /meetings/{id}/wrapup/{form}", variant: "archive", allow: mtManage, make: mt{state: mtEnded, fresh: true, step: "archive"}.make},
		{route: "POST /meetings/{id}/wrapup/{form}", variant: "review", allow: mtRecord, make: mt{state: mtEnded, fresh: true, step: "review", body: "summary=%E9%A1%BA%E5%88%A9&satisfaction=5"}.make},
		{route: "POST /meetings/{id}/wrapup/{form}", variant: "task", allow: mtRecord, make: mt{state: mtEnded, fresh: true, step: "task", body: strings.Replace(mtActionForm, "resolution_id=", "kind=followup&resolution_id=", 1)}.make},
		{route: "POST /meetings/{id}/wrapup/{form}", variant: "revisit", allow: mtRecord, make: mt{state: mtEnded, fresh: true, step: "revisit",
			body: url.Values{"revisit_on": {mtDue.In(shanghai).Format(time.DateOnly)}, "owner_id": {"{user}"}, "purpose": {"回访"}}.Encode()}.make},
		{route: "POST /meetings/{id}/wrapup/{form}", variant: "revisit-done", allow: mtRecord.plus(mtAttendee), make: mt{state: mtEnded, fresh: true, step: "revisit-done", body: "revisit_id={revisit}"}.make},
	}
	// Walking a new meeting for every call would double the test's time:
	// the fixtures tell refused calls, which share one meeting per state.
	for i := range rows {
		allow, make := rows[i].allow, rows[i].make
		rows[i].make = func(e *authzEnv, s *subject, p string) call {
			e.refused = !allow(e)[s.name]
			defer func() { e.refused = false }()
			return make(e, s, p)
		}
	}
	return rows
}
