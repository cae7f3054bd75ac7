package meeting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestChangesAndCancellation covers the edits around the notice: a
// request for a time already past, a refused leave, an attendee removed
// after the notice (told so), a rejected request, a returned request that
// is resubmitted, and a cancellation that withdraws the calendar entry.
func TestChangesAndCancellation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 3, 2, 9, 0))
		s := f.svc
		start := at(2026, 3, 4, 14, 0)

		past := f.baseInput(at(2026, 3, 1, 10, 0))
		d := must(s.Create(ctx, f.u("convener"), past))
		_, err := s.Submit(ctx, f.u("convener"), d.ID)
		wantKind(t, err, errs.Invalid)
		ok(t, s.Delete(ctx, f.u("convener"), d.ID))
		_, err = s.Get(ctx, f.u("convener"), d.ID)
		wantKind(t, err, errs.NotFound)

		in := f.baseInput(start)
		in.LeaderID = f.id("convener")
		_, err = s.Create(ctx, f.u("convener"), in)
		wantKind(t, err, errs.Invalid) // leader cannot be the convener

		// returned, fixed, resubmitted, approved
		d = must(s.Create(ctx, f.u("convener"), f.baseInput(start)))
		must(s.Submit(ctx, f.u("convener"), d.ID))
		_, err = s.Decide(ctx, f.u("leader"), d.ID, "return", "")
		wantKind(t, err, errs.Invalid) // a comment is needed
		d = must(s.Decide(ctx, f.u("leader"), d.ID, "return", "请补充客户参会名单"))
		if d = must(s.Get(ctx, f.u("convener"), d.ID)); d.Status != meeting.StatusReturned || !d.Can["edit"] || !d.Can["submit"] {
			t.Fatalf("returned: %s %v", d.Status, d.Can)
		}
		d = must(s.Submit(ctx, f.u("convener"), d.ID))
		d = must(s.Decide(ctx, f.u("leader"), d.ID, "approve", ""))
		d = must(s.SendNotice(ctx, f.u("convener"), d.ID))

		// a refused leave needs a reason
		ok(t, s.RequestLeave(ctx, f.u("owner2"), d.ID, "出差", 0))
		row, _ := must(s.Get(ctx, f.u("convener"), d.ID)).Attendee(f.id("owner2"))
		wantKind(t, s.DecideLeave(ctx, f.u("convener"), d.ID, row.ID, false, ""), errs.Invalid)
		mark := f.mark()
		ok(t, s.DecideLeave(ctx, f.u("convener"), d.ID, row.ID, false, "本次会议须工程部到场"))
		if !f.sentTo(mark, "meeting.msg.leave_rejected", f.id("owner2")) {
			t.Fatal("refusal not told")
		}

		// removing an attendee after the notice tells them and re-notifies
		in = f.baseInput(start)
		for i := range in.Agenda {
			in.Agenda[i].ID = d.Agenda[i].ID
		}
		in.Attendees = in.Attendees[1:] // without "attendee"
		mark = f.mark()
		d = must(s.Update(ctx, f.u("host"), d.ID, in))
		if !f.sentTo(mark, "meeting.msg.uninvited", f.id("attendee")) || !f.sentTo(mark, "meeting.msg.changed", f.id("owner1")) || d.NoticeSeq != 2 {
			t.Fatalf("after removing an attendee: seq %d", d.NoticeSeq)
		}
		if _, ok := d.Attendee(f.id("attendee")); ok {
			t.Fatal("removed attendee still listed")
		}
		// an edit that changes nothing sends nothing
		for i := range in.Agenda {
			in.Agenda[i].ID = d.Agenda[i].ID
		}
		mark = f.mark()
		d = must(s.Update(ctx, f.u("host"), d.ID, in))
		if d.NoticeSeq != 2 || f.sentTo(mark, "meeting.msg.changed", f.id("owner1")) {
			t.Fatal("an unchanged meeting was notified again")
		}

		// cancelling tells everyone and withdraws the calendar entry
		_, err = s.Cancel(ctx, f.u("host"), d.ID, "")
		wantKind(t, err, errs.Invalid)
		mark = f.mark()
		d = must(s.Cancel(ctx, f.u("host"), d.ID, "客户行程变更"))
		if d.Status != meeting.StatusCancelled || !f.sentTo(mark, "meeting.msg.cancelled", f.id("owner1")) {
			t.Fatalf("cancelled: %s", d.Status)
		}
		ics := string(must(s.Invite(ctx, f.u("owner1"), d.ID)))
		if !strings.Contains(ics, "METHOD:CANCEL") || !strings.Contains(ics, "STATUS:CANCELLED") || !strings.Contains(ics, "SEQUENCE:3") {
			t.Fatalf("cancellation invitation:\n%s", ics)
		}
		_, err = s.Start(ctx, f.u("host"), d.ID)
		wantKind(t, err, errs.Conflict)

		// a rejected request ends there
		d = must(s.Create(ctx, f.u("convener"), f.baseInput(start.Add(24*time.Hour))))
		must(s.Submit(ctx, f.u("convener"), d.ID))
		must(s.Decide(ctx, f.u("leader"), d.ID, "reject", "另行安排"))
		if d = must(s.Get(ctx, f.u("convener"), d.ID)); d.Status != meeting.StatusRejected || d.Can["submit"] || d.Can["edit"] {
			t.Fatalf("rejected: %s %v", d.Status, d.Can)
		}
		_, err = s.SendNotice(ctx, f.u("convener"), d.ID)
		wantKind(t, err, errs.Conflict)
	})
}

// TestClientUsersCannotBeNamed: a client user is no attendee: they may not
// read a meeting, so a meeting cannot name them.
func TestClientUsersCannotBeNamed(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		guest := f.addUser("huarun_portal", "", access.Client)
		in := f.baseInput(at(2026, 4, 8, 10, 0))
		in.Attendees = append(in.Attendees, meeting.AttendeeInput{Kind: meeting.KindRequired, UserID: guest.UserID})
		_, err := f.svc.Create(ctx, f.u("convener"), in)
		wantKind(t, err, errs.Invalid)
		if errs.As(err).Field == "" {
			t.Fatalf("refused without naming the attendee: %v", err)
		}
	})
}
