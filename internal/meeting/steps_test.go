package meeting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/ics/icstest"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

type mail struct {
	to, key string
	file    meeting.InviteFile
}

// Outside guests with an address get the notice, the change and the
// cancellation by e-mail, each with the invitation libical accepts (a
// REQUEST naming them, then a CANCEL with the same UID).
func TestGuestsGetTheNoticeByEmail(t *testing.T) {
	lib := icstest.New(t)
	ctx := context.Background()
	f := newFixture(t, storetest.NewTestDB(t, "sqlite"), at(2026, 3, 2, 9, 0))
	s := f.svc
	var got []mail
	s.Mail = func(ctx context.Context, q store.Querier, now time.Time, to, key string, args map[string]any, file meeting.InviteFile) (bool, error) {
		got = append(got, mail{to, key, file})
		return true, nil
	}
	start := at(2026, 3, 4, 14, 0)
	in := f.baseInput(start)
	in.Attendees[3].GuestEmail = "zhangwei@crland.example.cn"
	in.Attendees = append(in.Attendees, meeting.AttendeeInput{Kind: meeting.KindInvited, GuestName: "李司机"}) // no address: no mail
	d := must(s.Create(ctx, f.u("convener"), in))
	if len(got) != 0 {
		t.Fatalf("mail before the notice: %+v", got)
	}
	must(s.Submit(ctx, f.u("convener"), d.ID))
	must(s.Decide(ctx, f.u("leader"), d.ID, "approve", ""))
	d = must(s.SendNotice(ctx, f.u("convener"), d.ID))
	if len(got) != 1 || got[0].to != "zhangwei@crland.example.cn" || got[0].key != "meeting.msg.guest_notice" || !strings.Contains(got[0].file.ContentType, "method=REQUEST") {
		t.Fatalf("notice mail: %+v", got)
	}
	lib.Check(t, "guest-request.ics", got[0].file.Data)
	if !strings.Contains(strings.ReplaceAll(string(got[0].file.Data), "\r\n ", ""), "mailto:zhangwei@crland.example.cn") {
		t.Errorf("the invitation does not name the guest's address:\n%s", got[0].file.Data)
	}

	in.StartAt, in.EndAt = start.Add(time.Hour), start.Add(150*time.Minute)
	for i := range in.Agenda {
		in.Agenda[i].ID = d.Agenda[i].ID
	}
	must(s.Update(ctx, f.u("convener"), d.ID, in))
	if len(got) != 2 || got[1].key != "meeting.msg.guest_changed" {
		t.Fatalf("change mail: %+v", got)
	}
	must(s.Cancel(ctx, f.u("host"), d.ID, "客户行程变更"))
	if len(got) != 3 || got[2].key != "meeting.msg.guest_cancelled" || !strings.Contains(got[2].file.ContentType, "method=CANCEL") {
		t.Fatalf("cancel mail: %+v", got)
	}
	lib.Check(t, "guest-cancel.ics", got[2].file.Data)
	if !strings.Contains(string(got[2].file.Data), "METHOD:CANCEL") {
		t.Errorf("cancellation:\n%s", got[2].file.Data)
	}

	bad := f.baseInput(start)
	bad.Attendees[3].GuestEmail = "张伟 at 华润"
	_, err := s.Create(ctx, f.u("convener"), bad)
	if e := errs.As(err); e.Field != "attendees.3.guest_email" {
		t.Fatalf("bad guest address: %v", err)
	}
}

// A progress note that raises a problem tells the host at once (004
// 溝通協調); an ordinary note does not, and a problem needs its note.
func TestProblemNoteTellsTheHost(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.NewTestDB(t, "sqlite"), at(2026, 4, 6, 9, 0))
	_, it := f.held(access.Internal, access.Internal)
	mark := f.mark()
	must(f.svc.Progress(ctx, f.u("owner1"), it.ID, 30, "报价单初稿"))
	if f.sentTo(mark, "meeting.msg.action_problem", f.id("host")) {
		t.Fatal("an ordinary note told the host of a problem")
	}
	_, err := f.svc.ReportProblem(ctx, f.u("owner1"), it.ID, 30, " ")
	if e := errs.As(err); e.Field != "note" {
		t.Fatalf("a problem without its note: %v", err)
	}
	_, err = f.svc.ReportProblem(ctx, f.u("outsider"), it.ID, 30, "不是我的任务")
	if err == nil {
		t.Fatal("an outsider raised a problem on someone's task")
	}
	must(f.svc.ReportProblem(ctx, f.u("owner1"), it.ID, 40, "财务部尚未给出底价，报价无法完成"))
	if !f.sentTo(mark, "meeting.msg.action_problem", f.id("host")) {
		t.Fatal("the host was not told of the problem")
	}
	ad := must(f.svc.Action(ctx, f.u("host"), it.ID, "page"))
	if last := ad.Updates[len(ad.Updates)-1]; last.Kind != "problem" || last.Progress != 40 {
		t.Fatalf("last update: %+v", last)
	}
}

// Attendees give feedback once the meeting has ended; the host reads all
// of it, an attendee only their own, others none.
func TestFeedbackAtTheClose(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.NewTestDB(t, "sqlite"), at(2026, 4, 6, 9, 0))
	s := f.svc
	early := f.notified(f.clock.Now().Add(48*time.Hour), access.Internal)
	if _, err := s.GiveFeedback(ctx, f.u("attendee"), early.ID, 5, ""); errs.As(err).Kind != errs.Conflict {
		t.Fatalf("feedback before the meeting: %v", err)
	}
	d, _ := f.held(access.Internal, access.Internal)
	mark := f.mark()
	if _, err := s.GiveFeedback(ctx, f.u("attendee"), d.ID, 9, ""); errs.As(err).Field != "rating" {
		t.Fatalf("score 9: %v", err)
	}
	must(s.GiveFeedback(ctx, f.u("attendee"), d.ID, 3, "议程偏紧"))
	must(s.GiveFeedback(ctx, f.u("attendee"), d.ID, 4, "议程偏紧，资料准备充分"))
	must(s.GiveFeedback(ctx, f.u("owner1"), d.ID, 5, ""))
	if !f.sentTo(mark, "meeting.msg.feedback", f.id("host")) {
		t.Fatal("the host was not told of the feedback")
	}
	if _, err := s.GiveFeedback(ctx, f.u("outsider"), d.ID, 5, ""); err == nil {
		t.Fatal("someone not at the meeting gave feedback")
	}
	if _, err := s.GiveFeedback(ctx, f.u("host"), d.ID, 5, ""); err == nil {
		t.Fatal("the host scored their own meeting")
	}
	all := must(s.FeedbackOf(ctx, f.u("host"), d.ID))
	if len(all) != 2 || all[0].Rating != 4 || all[0].Comment != "议程偏紧，资料准备充分" {
		t.Fatalf("host reads: %+v", all)
	}
	own := must(s.FeedbackOf(ctx, f.u("owner1"), d.ID))
	if len(own) != 1 || own[0].UserID != f.id("owner1") {
		t.Fatalf("attendee reads: %+v", own)
	}
	if det := must(s.Get(ctx, f.u("attendee"), d.ID)); !det.Can["feedback"] || det.Can["feedback_read"] {
		t.Fatalf("attendee's can: %v", det.Can)
	}
}
