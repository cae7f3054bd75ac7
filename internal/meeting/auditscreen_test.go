package meeting_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/meeting"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// auditLog is the audit log as the app wires it for the meeting area: the
// meeting screens, and tasks and approval chains following their records.
func (f *fixture) auditLog() *audit.Log {
	l := audit.NewLog(f.db)
	l.Parent("task", audit.ParentsIn("tasks"))
	l.Parent("approval", audit.ParentsIn("approval_chains"))
	f.svc.ScreenAudit(l)
	return l
}

// meetingRows are the audit rows of a meeting's records: its own, its
// minutes, review, negotiation, action items and revisits, and the tasks
// and approval chains that serve them.
func meetingRows(t *testing.T, db *store.DB, rows []audit.Entry, meetingID int64) []audit.Entry {
	t.Helper()
	ctx := context.Background()
	ids := func(q string) map[int64]bool {
		out := map[int64]bool{}
		rs, err := db.Query(ctx, q, meetingID)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for rs.Next() {
			var id int64
			if err := rs.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out[id] = true
		}
		return out
	}
	of := map[string]map[int64]bool{
		meeting.EntityMeeting: {meetingID: true}, meeting.EntityMinutes: {meetingID: true}, meeting.EntityNegotiation: {meetingID: true}, meeting.EntityReview: {meetingID: true},
		meeting.EntityAction:  ids(`SELECT id FROM meeting_action_items WHERE meeting_id = ?`),
		meeting.EntityRevisit: ids(`SELECT id FROM meeting_revisits WHERE meeting_id = ?`),
		"task":                ids(`SELECT t.id FROM tasks t JOIN meeting_action_items x ON x.task_id = t.id WHERE x.meeting_id = ?`),
		"approval":            ids(`SELECT id FROM approval_chains WHERE entity IN ('meeting', 'meeting_minutes') AND entity_id = ?`),
	}
	var out []audit.Entry
	for _, e := range rows {
		if of[e.Entity][e.EntityID] {
			out = append(out, e)
		}
	}
	return out
}

// TestAuditRowsOfClassifiedMeeting: an auditor refused a secret meeting
// reads, of every audit row of its records (the meeting, its minutes,
// resolutions, action items and their tasks, negotiation, revisit, review
// and approval chains), who, when and what action, and nothing of their
// content; an executive (cleared for secret) reads it all, and so does
// the auditor for a confidential meeting, which their role admits, with
// those reads logged.
func TestAuditRowsOfClassifiedMeeting(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		words := []string{"华润", "包年", "青松", "180", "报价"}
		run := func(t *testing.T, f *fixture, level string) (auditorRows, execRows []audit.Entry) {
			t.Helper()
			s := f.svc
			d, _ := f.held(level, level)
			must(s.SaveNegotiation(ctx, f.u("recorder"), d.ID, meeting.NegotiationInput{Goals: "青松计划包年", BottomLine: "每平米 180 元", Outcome: meeting.OutcomeOpen}))
			must(s.AddRevisit(ctx, f.u("recorder"), d.ID, f.clock.Now().Add(30*24*time.Hour), f.id("owner1"), "回访华润青松计划"))
			must(s.SaveReview(ctx, f.u("recorder"), d.ID, meeting.ReviewInput{Summary: "青松计划洽谈顺利", Satisfaction: 5}))
			l := f.auditLog()
			exec := f.addUser("exec2", "executive", access.Executive)
			for _, who := range []access.Actor{f.u("auditor"), exec} {
				all, err := l.List(ctx, who, audit.Filter{Limit: 500})
				if err != nil {
					t.Fatal(err)
				}
				rows := meetingRows(t, f.db, all, d.ID)
				if who.UserID == exec.UserID {
					execRows = rows
				} else {
					auditorRows = rows
				}
			}
			return
		}

		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		rows, execRows := run(t, f, access.Secret)
		entities := map[string]bool{}
		for _, e := range rows {
			entities[e.Entity] = true
			if !e.Withheld || e.Before != "" || e.After != "" {
				t.Errorf("auditor sees %s/%d %s of a secret meeting: %+v", e.Entity, e.EntityID, e.Action, e)
			}
			if e.ActorName == "" || e.Action == "" || e.At.IsZero() {
				t.Errorf("withheld row lost who, when or what: %+v", e)
			}
		}
		for _, want := range []string{meeting.EntityMeeting, meeting.EntityMinutes, meeting.EntityAction, meeting.EntityNegotiation, meeting.EntityRevisit, meeting.EntityReview, "task", "approval"} {
			if !entities[want] {
				t.Errorf("no %s rows among the meeting's (%v)", want, entities)
			}
		}
		if len(execRows) != len(rows) {
			t.Fatalf("executive sees %d rows, auditor %d", len(execRows), len(rows))
		}
		var all strings.Builder
		for _, e := range execRows {
			if e.Withheld {
				t.Errorf("withheld from an executive: %+v", e)
			}
			all.WriteString(e.Before + e.After)
		}
		for _, w := range words[:3] {
			if !strings.Contains(all.String(), w) {
				t.Errorf("executive's rows lack %q", w)
			}
		}

		// A confidential meeting: the auditor's role admits it.
		f2 := newFixture(t, storetest.NewTestDB(t, kindOf(db)), at(2026, 4, 6, 9, 0))
		rows, _ = run(t, f2, access.Confidential)
		shown := 0
		for _, e := range rows {
			if e.Withheld {
				t.Errorf("withheld from a cleared auditor: %+v", e)
			}
			if strings.Contains(e.Before+e.After, "华润") {
				shown++
			}
		}
		if shown == 0 {
			t.Error("the auditor sees nothing of a confidential meeting's rows")
		}
		if n := reads(t, f2.db, f2.id("auditor"), meeting.ActionRead); n[meeting.EntityMeeting] == 0 {
			t.Errorf("the auditor's reads through the log are not logged: %v", n)
		}
	})
}
