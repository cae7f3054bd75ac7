package main

import (
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/client"
	"jiedai/internal/clock"
	"jiedai/internal/meeting"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/workday/overrides"
)

// counter returns a function that runs a COUNT query.
func counter(t *testing.T, ctx context.Context, db *store.DB) func(q string, args ...any) int {
	return func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
}

// checkCases checks the client register, reception cases and meetings:
// counts, every state, and that the services read them as the app does.
func checkCases(t *testing.T, ctx context.Context, db *store.DB, m *Meta, sz sizes, now time.Time, loc *time.Location) {
	t.Helper()
	count := counter(t, ctx, db)
	orgs, recs, meets := caseCounts(sz)
	for table, want := range map[string]int{"client_orgs": orgs, "receptions": recs, "meetings": meets} {
		if got := count(`SELECT COUNT(*) FROM ` + table); got != want || m.Rows[table] != int64(want) {
			t.Errorf("%s: %d rows (meta %d), want %d", table, got, m.Rows[table], want)
		}
	}
	if got := count(`SELECT COUNT(*) FROM client_contacts`); got < 2*orgs || got > 4*orgs {
		t.Errorf("%d contacts for %d organisations", got, orgs)
	}
	for _, x := range []struct {
		table  string
		states []string
	}{{"receptions", reception.Statuses}, {"meetings", meeting.Statuses}} {
		for _, st := range x.states {
			if count(`SELECT COUNT(*) FROM `+x.table+` WHERE status = ?`, st) == 0 {
				t.Errorf("no %s in state %s", x.table, st)
			}
		}
	}
	// Rows every case of a state needs.
	for _, q := range []string{
		`SELECT COUNT(*) FROM receptions r WHERE NOT EXISTS (SELECT 1 FROM reception_guests g WHERE g.reception_id = r.id AND g.kind = 'principal')`,
		`SELECT COUNT(*) FROM receptions r WHERE approved_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reception_duties d WHERE d.reception_id = r.id)`,
		`SELECT COUNT(*) FROM receptions r WHERE status = 'closed' AND NOT EXISTS (SELECT 1 FROM reception_reports p WHERE p.reception_id = r.id AND p.submitted_at IS NOT NULL)`,
		`SELECT COUNT(*) FROM receptions r WHERE status = 'closed' AND EXISTS (SELECT 1 FROM reception_expenses e WHERE e.reception_id = r.id AND e.actual_fen IS NULL)`,
		`SELECT COUNT(*) FROM receptions r WHERE status IN ('wrapup', 'closed') AND (SELECT COUNT(*) FROM reception_surveys s WHERE s.reception_id = r.id) <> 2`,
		`SELECT COUNT(*) FROM receptions r WHERE status = 'pending' AND NOT EXISTS (SELECT 1 FROM approval_chains c WHERE c.entity = 'reception' AND c.entity_id = r.id AND c.status = 'pending')`,
		`SELECT COUNT(*) FROM receptions WHERE submitted_at > updated_at OR approved_at > updated_at OR closed_at > updated_at OR created_at > updated_at`,
		`SELECT COUNT(*) FROM meetings m WHERE NOT EXISTS (SELECT 1 FROM meeting_agenda_items a WHERE a.meeting_id = m.id)`,
		`SELECT COUNT(*) FROM meetings m WHERE NOT EXISTS (SELECT 1 FROM meeting_attendees a WHERE a.meeting_id = m.id)`,
		`SELECT COUNT(*) FROM meetings m WHERE status IN ('ended', 'closed') AND NOT EXISTS (SELECT 1 FROM meeting_minutes n WHERE n.meeting_id = m.id)`,
		`SELECT COUNT(*) FROM meetings m WHERE status = 'closed' AND NOT EXISTS (SELECT 1 FROM meeting_action_items a WHERE a.meeting_id = m.id)`,
		`SELECT COUNT(*) FROM meetings m WHERE status = 'requested' AND approval_chain_id IS NULL`,
		`SELECT COUNT(*) FROM meeting_action_items WHERE status = 'active' AND task_id IS NULL`,
	} {
		if got := count(q); got != 0 {
			t.Errorf("%d rows: %s", got, q)
		}
	}
	if got := count(`SELECT COUNT(DISTINCT status) FROM meeting_minutes`); got != 5 {
		t.Errorf("minutes in %d states, want 5", got)
	}
	if got := count(`SELECT COUNT(*) FROM audit_log WHERE entity IN ('reception', 'meeting') AND action = 'create'`); got != recs+meets {
		t.Errorf("%d creation audit rows for %d cases", got, recs+meets)
	}
	// The services read them as the app builds them.
	clk := clock.NewFake(now)
	cal, err := overrides.Calendar(ctx, db, loc)
	if err != nil {
		t.Fatal(err)
	}
	rs := reception.New(db, clk, cal, loc)
	ms := meeting.New(db, clk, loc)
	cs := client.New(db, clk)
	admin := access.Actor{UserID: 1, Roles: []string{access.Admin}, DepartmentID: 1}
	list, total, err := rs.List(ctx, admin, reception.Filter{Limit: 500})
	if err != nil || total != recs || len(list) == 0 {
		t.Fatalf("reception list: %d of %d, %v", len(list), total, err)
	}
	for _, st := range reception.Statuses {
		var id int64
		if err := db.QueryRow(ctx, `SELECT MIN(id) FROM receptions WHERE status = ?`, st).Scan(&id); err != nil {
			t.Fatal(err)
		}
		r, err := rs.Get(ctx, admin, id)
		if err != nil || r.Status != st || r.Guest.Name == "" {
			t.Fatalf("reception %d (%s): %+v, %v", id, st, r, err)
		}
		if _, err := rs.Guests(ctx, admin, id, ""); err != nil {
			t.Fatalf("guests of reception %d: %v", id, err)
		}
		duties, err := rs.Duties(ctx, admin, id)
		if err != nil {
			t.Fatalf("duties of reception %d: %v", id, err)
		}
		for _, d := range duties {
			if d.Task.ID == 0 || d.Task.Title == "" {
				t.Fatalf("duty %d of reception %d without its task", d.ID, id)
			}
		}
		if _, err := rs.Itinerary(ctx, admin, id); err != nil {
			t.Fatalf("itinerary of reception %d: %v", id, err)
		}
		if _, err := rs.Settlement(ctx, admin, id); err != nil {
			t.Fatalf("settlement of reception %d: %v", id, err)
		}
		if _, err := rs.Surveys(ctx, admin, id); err != nil {
			t.Fatalf("surveys of reception %d: %v", id, err)
		}
		if _, _, err := rs.Chains(ctx, admin, id); err != nil {
			t.Fatalf("reviews of reception %d: %v", id, err)
		}
		if st == reception.StatusClosed {
			if rep, err := rs.GetReport(ctx, admin, id); err != nil || rep.SubmittedAt.IsZero() {
				t.Fatalf("report of reception %d: %+v, %v", id, rep, err)
			}
		}
	}
	hits, err := ms.Search(ctx, admin, meeting.Filter{Limit: 100})
	if err != nil || len(hits) == 0 {
		t.Fatalf("meeting search: %d, %v", len(hits), err)
	}
	for _, st := range meeting.Statuses {
		var id int64
		if err := db.QueryRow(ctx, `SELECT MIN(id) FROM meetings WHERE status = ?`, st).Scan(&id); err != nil {
			t.Fatal(err)
		}
		d, err := ms.Get(ctx, admin, id)
		if err != nil || d.Status != st || len(d.Agenda) == 0 || len(d.Attendees) == 0 {
			t.Fatalf("meeting %d (%s): %+v, %v", id, st, d.Meeting, err)
		}
		if (st == meeting.StatusEnded || st == meeting.StatusClosed) && d.Minutes == nil {
			t.Fatalf("meeting %d (%s) without minutes", id, st)
		}
	}
	var withItems int64
	if err := db.QueryRow(ctx, `SELECT MIN(meeting_id) FROM meeting_action_items WHERE status = 'active'`).Scan(&withItems); err != nil {
		t.Fatal(err)
	}
	items, err := ms.Actions(ctx, admin, meeting.ActionFilter{MeetingID: withItems}, "page")
	if err != nil || len(items) == 0 {
		t.Fatalf("action items of meeting %d: %d, %v", withItems, len(items), err)
	}
	orgList, n, err := cs.List(ctx, admin, client.Filter{Limit: 50})
	if err != nil || n != orgs || len(orgList) == 0 {
		t.Fatalf("client list: %d of %d, %v", len(orgList), n, err)
	}
	if cts, err := cs.Contacts(ctx, admin, orgList[0].ID); err != nil || len(cts) < 2 {
		t.Fatalf("contacts of organisation %d: %d, %v", orgList[0].ID, len(cts), err)
	}
}

// TestGenerateSmallDataset generates a small business centre and checks it
// is what the scenarios rely on.
func TestGenerateSmallDataset(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 2, 10, 0, 0, 0, loc)
		sz := sizes{Venues: 24, Bookings: 3000, Users: 120, Years: 1}
		m, err := generate(ctx, db, sz, 1, now, loc, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		count := counter(t, ctx, db)
		if got := count(`SELECT COUNT(*) FROM bookings`); got != sz.Bookings || m.Rows["bookings"] != int64(sz.Bookings) {
			t.Fatalf("%d bookings (meta %d), want %d", got, m.Rows["bookings"], sz.Bookings)
		}
		if got := count(`SELECT COUNT(*) FROM users`); got != sz.Users {
			t.Fatalf("%d users", got)
		}
		if got := count(`SELECT COUNT(DISTINCT status) FROM bookings`); got < len(booking.Statuses)-1 {
			t.Errorf("only %d statuses", got)
		}
		// Held bookings never overlap, buffers included (the database
		// refuses it too; this checks the generator did not lean on that).
		if got := count(`SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.venue_id = b.venue_id AND a.id < b.id
			WHERE a.active AND b.active AND a.block_start < b.block_end AND b.block_start < a.block_end`); got != 0 {
			t.Fatalf("%d overlapping pairs", got)
		}
		// Every held booking lies within its venue's opening hours.
		if got := count(`SELECT COUNT(*) FROM bookings WHERE end_ms <= start_ms OR block_start > start_ms OR block_end < end_ms`); got != 0 {
			t.Fatalf("%d bookings with bad ranges", got)
		}
		if m.Grid20Bookings != 200 {
			t.Errorf("grid day: %d bookings in the 20 halls, want 200", m.Grid20Bookings)
		}
		if got := count(`SELECT COUNT(*) FROM venues WHERE capacity >= ?`, m.GridCap20); got != 20 {
			t.Errorf("capacity filter %d shows %d venues", m.GridCap20, got)
		}
		if m.OfficeUserID == 0 || len(m.StaffUserIDs) == 0 || m.HistoryVenueID == 0 {
			t.Fatalf("meta: %+v", m)
		}
		if got := count(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, m.OfficeUserID); got == 0 {
			t.Error("the busy office user has no unread messages")
		}
		checkCases(t, ctx, db, m, sz, now, loc)
		// The free slots found are free.
		slots, err := findSlots(ctx, db, loc, now.AddDate(0, 0, 2), 200, map[string]bool{m.GridDay: true}, rand.New(rand.NewPCG(1, 2)))
		if err != nil || len(slots) != 200 {
			t.Fatalf("%d slots, %v", len(slots), err)
		}
		for _, s := range slots {
			if s.start.Format(time.DateOnly) == m.GridDay {
				t.Fatal("a slot on the grid day")
			}
			if got := count(`SELECT COUNT(*) FROM bookings b JOIN venues v ON v.id = b.venue_id WHERE b.active AND b.venue_id = ?
				AND b.block_start < CAST(? AS BIGINT) + v.buffer_after_min * 60000 AND CAST(? AS BIGINT) - v.buffer_before_min * 60000 < b.block_end`, s.venue, store.Ms(s.end), store.Ms(s.start)); got != 0 {
				t.Fatalf("slot %v of venue %d is taken", s.start, s.venue)
			}
		}
	})
}

func TestPercentilesAndMarkdown(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	r := Result{Name: "x", Title: "X", Clients: 4, Status: map[string]int{}}
	setPercentiles(&r, ds)
	if r.P50ms != 50 || r.P95ms != 95 || r.P99ms != 99 || r.MaxMs != 100 {
		t.Fatalf("percentiles %+v", r)
	}
	r.atMost("p99", 25, r.P99ms, "ms")
	r.atLeast("per second", 10, 20, "/s")
	if r.Targets[0].Pass || !r.Targets[1].Pass {
		t.Fatalf("targets %+v", r.Targets)
	}
	rep := &Report{Date: "2026-03-02T10:00:00+08:00", Database: "sqlite (x)", Dataset: &Meta{Rows: map[string]int64{"bookings": 5}}, Results: []Result{r}}
	md := rep.markdown()
	for _, want := range []string{"| X | 4 |", "p99 ≤ 25 | 99.0 ms ❌ miss", "per second ≥ 10 | 20/s ✅ pass"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}
