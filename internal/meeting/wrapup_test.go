package meeting_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestNegotiationReviewAndRevisits covers what follows a client meeting:
// the negotiation record (confidential even on an internal meeting),
// archiving the agreement, follow-up and improvement tasks, the review and
// the revisit schedule.
func TestNegotiationReviewAndRevisits(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		s := f.svc
		d, _ := f.held(access.Internal, access.Internal)
		out := f.u("outsider")

		// the negotiation is confidential: the outsider who reads the
		// meeting may not read it, and both reads are logged
		_, err := s.ReadNegotiation(ctx, out, d.ID, "page")
		wantKind(t, err, errs.Forbidden)
		n := must(s.SaveNegotiation(ctx, f.u("recorder"), d.ID, meeting.NegotiationInput{
			Goals: "签订年度包场协议", BottomLine: "九折，不低于 36 万元", Pricing: "按场次报价", QuotedFen: 42000000, AgreedFen: 38000000,
			CooperationMode: "年度框架协议", PaymentTerms: "按季度结算", DeliveryTerms: "下月起执行", AfterSales: "专人对接",
			Outcome: meeting.OutcomeAgreed, AgreementNo: "HT-2026-018", AgreementSignedAt: f.clock.Now(),
		}))
		if n.Level != access.Confidential || n.BottomLine == "" {
			t.Fatalf("negotiation: %+v", n)
		}
		_, err = s.SaveNegotiation(ctx, out, d.ID, meeting.NegotiationInput{Goals: "x"})
		wantKind(t, err, errs.Forbidden)
		_, err = s.SaveNegotiation(ctx, f.u("recorder"), d.ID, meeting.NegotiationInput{Outcome: "won"})
		wantKind(t, err, errs.Invalid)
		w := must(s.Wrapup(ctx, out, d.ID, "page"))
		if w.Negotiation != nil || w.NegotiationOK {
			t.Fatal("outsider sees the negotiation on the wrap-up page")
		}
		if got := reads(t, db, out.UserID, meeting.ActionReadDenied)[meeting.EntityNegotiation]; got != 2 {
			t.Fatalf("denied negotiation reads logged: %d", got)
		}
		w = must(s.Wrapup(ctx, f.u("owner1"), d.ID, "page"))
		if w.Negotiation == nil || w.Negotiation.BottomLine == "" {
			t.Fatal("a named attendee cannot read the negotiation")
		}
		_, err = s.ArchiveAgreement(ctx, f.u("recorder"), d.ID)
		wantKind(t, err, errs.Forbidden)
		n = must(s.ArchiveAgreement(ctx, f.u("host"), d.ID))
		if n.ArchivedAt.IsZero() {
			t.Fatal("not archived")
		}
		_, err = s.SaveNegotiation(ctx, f.u("recorder"), d.ID, meeting.NegotiationInput{Goals: "改"})
		wantKind(t, err, errs.Conflict)

		// follow-up and improvement tasks, also after the meeting closed
		now := f.clock.Now()
		fu := must(s.AddAction(ctx, f.u("recorder"), d.ID, meeting.ActionInput{Kind: meeting.ActionFollowUp, Goal: "协议执行情况跟进", Standard: "每月报告进度", StartAt: now, DueAt: now.Add(30 * 24 * time.Hour), OwnerID: f.id("owner2")}))
		if fu.Status != meeting.ActionOpen || fu.ResolutionID != 0 {
			t.Fatalf("follow-up: %+v", fu)
		}
		// the review: submitting needs a summary and tells the leader
		_, err = s.SaveReview(ctx, f.u("recorder"), d.ID, meeting.ReviewInput{Submit: true})
		wantKind(t, err, errs.Invalid)
		_, err = s.SaveReview(ctx, f.u("recorder"), d.ID, meeting.ReviewInput{Summary: "x", Satisfaction: 9})
		wantKind(t, err, errs.Invalid)
		mark := f.mark()
		r := must(s.SaveReview(ctx, f.u("recorder"), d.ID, meeting.ReviewInput{Summary: "会议按计划完成，客户满意。", ClientFeedback: "茶歇品种可以更丰富", Problems: "投影仪开场时信号不稳定", Satisfaction: 4, Submit: true}))
		if r.SubmittedAt.IsZero() || !f.sentTo(mark, "meeting.msg.review_submitted", f.id("leader")) {
			t.Fatalf("review: %+v", r)
		}
		im := must(s.AddAction(ctx, f.u("recorder"), d.ID, meeting.ActionInput{Kind: meeting.ActionImprovement, Goal: "会前 30 分钟完成投影设备联调", Standard: "设备检查表签字", StartAt: now, DueAt: now.Add(7 * 24 * time.Hour), OwnerID: f.id("owner2")}))
		if im.Kind != meeting.ActionImprovement {
			t.Fatalf("improvement: %+v", im)
		}
		// revisits: scheduled with an owner, on the owner's today list
		_, err = s.AddRevisit(ctx, f.u("recorder"), d.ID, time.Time{}, 0, "")
		wantKind(t, err, errs.Invalid)
		rv := must(s.AddRevisit(ctx, f.u("recorder"), d.ID, now.Add(3*24*time.Hour), f.id("owner1"), "了解协议执行满意度"))
		todos := must(s.Todos(ctx, f.u("owner1")))
		found := false
		for _, td := range todos {
			found = found || td.Key == "meeting.today.revisit"
		}
		if !found {
			t.Fatalf("revisit not on the owner's today list: %+v", todos)
		}
		wantKind(t, s.DoneRevisit(ctx, out, rv.ID, 0, ""), errs.Forbidden)
		ok(t, s.DoneRevisit(ctx, f.u("owner1"), rv.ID, 0, "电话回访，客户满意"))
		wantKind(t, s.DoneRevisit(ctx, f.u("owner1"), rv.ID, 0, ""), errs.Conflict)
		w = must(s.Wrapup(ctx, f.u("host"), d.ID, "page"))
		if len(w.FollowUps) != 1 || len(w.Improvements) != 1 || len(w.Revisits) != 1 || w.Revisits[0].Status != meeting.RevisitDone || !w.Review.Exists {
			t.Fatalf("wrap-up: %+v", w)
		}
	})
}

// TestTemplatesFillTheAgenda checks a template gives a new meeting its
// agenda, attendees and length, and who may keep templates.
func TestTemplatesFillTheAgenda(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		s := f.svc
		tpl := meeting.Template{Type: meeting.TypeRevisit, Name: "客户回访会议", DurationMin: 45, Active: true,
			Agenda:    []meeting.TemplateAgenda{{Topic: "上次决议落实情况", Minutes: 15}, {Topic: "客户意见", Minutes: 30}},
			Attendees: []meeting.TemplateAttendee{{Kind: meeting.KindRequired, UserID: f.id("owner1")}}}
		_, err := s.SaveTemplate(ctx, f.u("convener"), 0, tpl)
		wantKind(t, err, errs.Forbidden)
		id := must(s.SaveTemplate(ctx, f.u("root"), 0, tpl))
		start := f.clock.Now().Add(48 * time.Hour)
		d := must(s.Create(ctx, f.u("convener"), meeting.Input{Title: "回访", ClientName: "恒通物业", HostID: f.id("host"), StartAt: start, TemplateID: id}))
		if d.Type != meeting.TypeRevisit || len(d.Agenda) != 2 || len(d.Attendees) != 1 || d.Length() != 45 {
			t.Fatalf("from template: %+v", d.Meeting)
		}
		bad := tpl
		bad.Agenda = []meeting.TemplateAgenda{{Topic: "", Minutes: -1}}
		_, err = s.SaveTemplate(ctx, f.u("root"), id, bad)
		wantKind(t, err, errs.Invalid)
	})
}
