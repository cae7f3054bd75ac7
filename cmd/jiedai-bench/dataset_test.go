package main

import (
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"jiedai/internal/booking"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

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
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
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
