package meeting_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestSubstituteReadsOnlyWhileLeaveStands: naming a substitute in a leave
// request gives them nothing of a secret or confidential meeting; they
// read it once the convener grants the leave, and no longer once the
// leave is refused or withdrawn. Every way in is checked: the page, the
// minutes-free search and the meeting list.
func TestSubstituteReadsOnlyWhileLeaveStands(t *testing.T) {
	for _, level := range []string{access.Secret, access.Confidential} {
		t.Run(level, func(t *testing.T) {
			storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := newFixture(t, db, at(2026, 4, 6, 9, 0))
				s := f.svc
				d := f.notified(f.clock.Now().Add(48*time.Hour), level)
				sub := f.u("sub")
				reads := func(want bool, when string) {
					t.Helper()
					f.wantReads(sub, d.ID, func() error { _, err := s.Get(ctx, sub, d.ID); return err }, want, when)
				}
				reads(false, "before any leave")
				row := func() meeting.Attendee {
					t.Helper()
					a, ok := must(s.Get(ctx, f.u("convener"), d.ID)).Attendee(f.id("attendee"))
					if !ok {
						t.Fatal("attendee row gone")
					}
					return a
				}

				// asked, then refused
				ok(t, s.RequestLeave(ctx, f.u("attendee"), d.ID, "出差", sub.UserID))
				reads(false, "leave pending")
				ok(t, s.DecideLeave(ctx, f.u("convener"), d.ID, row().ID, false, "本次必须到场"))
				reads(false, "leave refused")

				// asked, then withdrawn while pending
				ok(t, s.RequestLeave(ctx, f.u("attendee"), d.ID, "出差", sub.UserID))
				ok(t, s.WithdrawLeave(ctx, f.u("attendee"), d.ID))
				reads(false, "pending leave withdrawn")
				if r := row(); r.LeaveStatus != "" || r.LeaveSubstituteID != 0 {
					t.Fatalf("withdrawn leave still on file: %+v", r)
				}
				wantKind(t, s.WithdrawLeave(ctx, f.u("attendee"), d.ID), errs.Conflict) // nothing to withdraw

				// asked and granted: the substitute reads while it stands
				ok(t, s.RequestLeave(ctx, f.u("attendee"), d.ID, "出差", sub.UserID))
				ok(t, s.DecideLeave(ctx, f.u("convener"), d.ID, row().ID, true, ""))
				reads(true, "leave granted")

				// withdrawn after the grant: the substitute stands down
				mark := f.mark()
				wantKind(t, s.WithdrawLeave(ctx, f.u("outsider"), d.ID), errs.Forbidden) // only one's own
				wantKind(t, s.WithdrawLeave(ctx, sub, d.ID), errs.Conflict)              // the substitute asked for none
				ok(t, s.WithdrawLeave(ctx, f.u("attendee"), d.ID))
				reads(false, "granted leave withdrawn")
				if _, ok := must(s.Get(ctx, f.u("convener"), d.ID)).Attendee(sub.UserID); ok {
					t.Fatal("substitute still on the attendee list")
				}
				if !f.sentTo(mark, "meeting.msg.substitute_released", sub.UserID) || !f.sentTo(mark, "meeting.msg.leave_withdrawn", f.id("convener")) {
					t.Fatalf("withdrawal not told: %+v", f.msgs[mark:])
				}

				// a substitute who signed in keeps their place
				ok(t, s.RequestLeave(ctx, f.u("attendee"), d.ID, "出差", sub.UserID))
				ok(t, s.DecideLeave(ctx, f.u("convener"), d.ID, row().ID, true, ""))
				f.clock.Set(d.StartAt.Add(-30 * time.Minute))
				ok(t, s.SignIn(ctx, sub, d.ID, 0))
				wantKind(t, s.WithdrawLeave(ctx, f.u("attendee"), d.ID), errs.Conflict)
				reads(true, "substitute signed in")
			})
		})
	}
}

// TestActionOwnerReadsOnlyWhileItemStands: an action item proposed in the
// draft minutes of a secret meeting gives its owner nothing until the host
// approves the minutes and they are sent out, and cancelling the item
// takes the access away again.
func TestActionOwnerReadsOnlyWhileItemStands(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		s := f.svc
		start := f.clock.Now().Add(24 * time.Hour)
		d := f.notified(start, access.Secret)
		f.clock.Set(start)
		must(s.Start(ctx, f.u("host"), d.ID))
		f.clock.Set(start.Add(90 * time.Minute))
		must(s.End(ctx, f.u("host"), d.ID))
		must(s.SaveMinutes(ctx, f.u("recorder"), d.ID, meeting.MinutesInput{Topic: "保密洽谈纪要", Level: access.Secret, Decisions: []meeting.DecisionInput{{Text: "青松计划推进"}}}))
		tr := must(s.Track(ctx, f.u("host"), d.ID, "page"))
		out := f.u("outsider")
		it := must(s.AddAction(ctx, f.u("recorder"), d.ID, meeting.ActionInput{ResolutionID: tr.Resolutions[0].Resolution.ID, Goal: "青松计划报价单", Standard: "报价经总经理确认",
			StartAt: f.clock.Now(), DueAt: f.clock.Now().Add(7 * 24 * time.Hour), OwnerID: out.UserID}))
		reads := func(want bool, when string) {
			t.Helper()
			f.wantReads(out, d.ID, func() error { _, err := s.ReadMinutes(ctx, out, d.ID, "page"); return err }, want, when)
		}
		reads(false, "item proposed in the draft")
		must(s.SubmitMinutes(ctx, f.u("recorder"), d.ID))
		reads(false, "minutes submitted")
		must(s.ApproveMinutes(ctx, f.u("host"), d.ID, ""))
		must(s.Distribute(ctx, f.u("host"), d.ID))
		reads(true, "minutes sent out")
		ok(t, s.CancelAction(ctx, f.u("recorder"), it.ID, "客户取消"))
		reads(false, "item cancelled")
	})
}

// TestRevisitTodoShowsOnlyWhatOwnerMayRead: the today list of a revisit's
// owner names the client and the purpose only when the owner may read the
// meeting; of a secret meeting they may not, it shows the number only.
func TestRevisitTodoShowsOnlyWhatOwnerMayRead(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		s := f.svc
		d, _ := f.held(access.Secret, access.Secret)
		for _, who := range []string{"outsider", "owner1"} { // not named; named (an attendee)
			must(s.AddRevisit(ctx, f.u("recorder"), d.ID, f.clock.Now().Add(24*time.Hour), f.id(who), "回访青松计划执行情况"))
		}
		for who, want := range map[string]bool{"outsider": false, "owner1": true} {
			var found bool
			for _, td := range must(s.Todos(ctx, f.u(who))) {
				if td.Key != "meeting.today.revisit" {
					continue
				}
				found = true
				shows := strings.Contains(td.Title, "华润") || strings.Contains(fmt.Sprint(td.Args), "青松")
				if shows != want {
					t.Errorf("%s's revisit todo: %q %v", who, td.Title, td.Args)
				}
			}
			if !found {
				t.Errorf("%s has no revisit todo", who)
			}
		}
	})
}
