package meeting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/ics/icstest"
	"jiedai/internal/meeting"
	"jiedai/internal/storetest"
)

// A meeting's invitation, its update after a change and its cancellation
// follow iTIP: the host as ORGANIZER, every attendee with a PARTSTAT, the
// same UID and a rising SEQUENCE; libical accepts each.
func TestInvitationsFollowITIP(t *testing.T) {
	lib := icstest.New(t)
	ctx := context.Background()
	f := newFixture(t, storetest.NewTestDB(t, "sqlite"), at(2026, 3, 2, 9, 0))
	s := f.svc
	start := at(2026, 3, 4, 14, 0)
	d := must(s.Create(ctx, f.u("convener"), f.baseInput(start)))
	must(s.Submit(ctx, f.u("convener"), d.ID))
	must(s.Decide(ctx, f.u("leader"), d.ID, "approve", ""))
	d = must(s.SendNotice(ctx, f.u("convener"), d.ID))
	ok(t, s.Reply(ctx, f.u("owner1"), d.ID, meeting.ReplyAccepted, ""))
	request := string(must(s.Invite(ctx, f.u("owner1"), d.ID)))
	lib.Check(t, "request.ics", []byte(request))
	unfolded := strings.ReplaceAll(request, "\r\n ", "")
	for _, want := range []string{
		"METHOD:REQUEST", "ORGANIZER;CN=host:mailto:host@example.cn",
		"PARTSTAT=ACCEPTED;CN=host:mailto:host@example.cn",
		"ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=owner1:mailto:owner1@example.cn",
		"ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=owner2:mailto:owner2@example.cn",
		"ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=张伟:mailto:guest-",
		"CN=recorder:mailto:recorder@example.cn",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("invitation lacks %q:\n%s", want, unfolded)
		}
	}
	if n := strings.Count(unfolded, "\r\nATTENDEE;"); n != 6 {
		t.Errorf("%d attendees, want 6 (host, 3 staff, guest, recorder)", n)
	}

	in := f.baseInput(start.Add(time.Hour))
	for i := range in.Agenda {
		in.Agenda[i].ID = d.Agenda[i].ID
	}
	must(s.Update(ctx, f.u("convener"), d.ID, in))
	update := string(must(s.Invite(ctx, f.u("owner1"), d.ID)))
	lib.Check(t, "update.ics", []byte(update))
	must(s.Cancel(ctx, f.u("host"), d.ID, "客户行程变更"))
	cancel := string(must(s.Invite(ctx, f.u("owner1"), d.ID)))
	lib.Check(t, "cancel.ics", []byte(cancel))

	uid := func(s string) string {
		_, v, _ := strings.Cut(s, "\r\nUID:")
		u, _, _ := strings.Cut(v, "\r\n")
		return u
	}
	if uid(request) == "" || uid(update) != uid(request) || uid(cancel) != uid(request) {
		t.Errorf("UIDs differ: %q %q %q", uid(request), uid(update), uid(cancel))
	}
	for name, want := range map[string]string{request: "SEQUENCE:1", update: "SEQUENCE:2", cancel: "SEQUENCE:3"} {
		if !strings.Contains(name, want) {
			t.Errorf("want %s in:\n%s", want, name)
		}
	}
	if !strings.Contains(cancel, "METHOD:CANCEL") || !strings.Contains(cancel, "ATTENDEE;") {
		t.Errorf("cancellation must be METHOD:CANCEL to the attendees:\n%s", cancel)
	}
}
