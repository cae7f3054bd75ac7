package demo_test

import (
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/demo"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestDemoMeetingsInEveryState checks the demo holds a meeting in every
// status, minutes late and waiting for the host, and action items overdue,
// due soon, waiting for acceptance, sent back and accepted; and that
// loading it again changes nothing.
func TestDemoMeetingsInEveryState(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		ctx := t.Context()
		sys := access.SystemActor()
		hits, err := a.Meetings.Search(ctx, sys, meeting.Filter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		status := map[string]int{}
		minutes := map[string]int{}
		late := 0
		for _, h := range hits {
			status[h.Status]++
			minutes[h.MinutesStatus]++
			if h.DraftLate {
				late++
			}
		}
		for _, s := range meeting.Statuses {
			if status[s] == 0 {
				t.Errorf("no demo meeting %s (have %v)", s, status)
			}
		}
		for _, s := range []string{meeting.MinutesDraft, meeting.MinutesSubmitted, meeting.MinutesDistributed} {
			if minutes[s] == 0 {
				t.Errorf("no demo minutes %s (have %v)", s, minutes)
			}
		}
		if late == 0 {
			t.Error("no demo minutes past the 24-hour deadline")
		}
		items, err := a.Meetings.Actions(ctx, sys, meeting.ActionFilter{}, "test")
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, it := range items {
			kinds[it.Status]++
			if it.Overdue {
				kinds["overdue"]++
			}
			if it.DueSoon {
				kinds["due_soon"]++
			}
		}
		for _, k := range []string{"overdue", "due_soon", meeting.ActionAccepted, meeting.ActionSubmitted, meeting.ActionReturned, meeting.ActionPlanned} {
			if kinds[k] == 0 {
				t.Errorf("no demo action item %s (have %v)", k, kinds)
			}
		}
		if err := demo.Load(ctx, a); err != nil {
			t.Fatal(err)
		}
		again, err := a.Meetings.Search(ctx, sys, meeting.Filter{Limit: 200})
		if err != nil || len(again) != len(hits) {
			t.Fatalf("loading the demo twice: %d meetings, then %d (%v)", len(hits), len(again), err)
		}
	})
}
