package booking_test

import (
	"context"
	"jiedai/internal/access"
	"slices"
	"testing"
	"time"

	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// TestLongestBookingStillBlocks checks the bounded time look-ups: a
// booking as long as the rules allow (a whole day with 4-hour buffers)
// blocks its tail for requests, availability and the database itself.
func TestLongestBookingStillBlocks(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		in := venue.Defaults()
		in.Name, in.Code, in.Capacity, in.BufferBefore, in.BufferAfter, in.OpenFrom, in.OpenTo = "报告厅", "A1", 200, 240, 240, 0, 1440
		hall := mustVenue(t, e, in)
		long := e.mustCreate(t, e.office, booking.Request{VenueID: hall.ID, Start: e.at("2026-03-04", "00:00"), End: e.at("2026-03-05", "00:00"), Title: "年度经销商大会", Headcount: 150})
		if got := long.BlockEnd.Sub(long.BlockStart); got != 32*time.Hour {
			t.Fatalf("block of the longest booking = %s", got)
		}
		tail := booking.Request{VenueID: hall.ID, Start: e.at("2026-03-05", "03:00"), End: e.at("2026-03-05", "05:00"), Title: "撤场", Headcount: 10}
		_, err := e.svc.Create(ctx, e.office, tail)
		if kindOf(err) != errs.Conflict {
			t.Fatalf("request in the tail buffer: want conflict, got %v", err)
		}
		if r := booking.RefusalOf(err); r == nil || len(r.Conflicts) != 1 || r.Conflicts[0].BookingID != long.ID {
			t.Fatalf("conflicts: %+v", r)
		}
		free, err := e.svc.Availability(ctx, e.office, booking.Want{Start: tail.Start, End: tail.End})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range free {
			if v.ID == hall.ID {
				t.Fatal("availability lists the hall during the tail buffer")
			}
		}
		// Behind the service's back, the database refuses the overlap too.
		ins := `INSERT INTO bookings (venue_id, title, start_ms, end_ms, block_start, block_end, active, status, created_at, updated_at) VALUES (?, 'x', ?, ?, ?, ?, ?, 'pending', 0, 0)`
		bs, be := store.Ms(long.BlockEnd)-60000, store.Ms(long.BlockEnd)+3600000
		if _, err := db.Exec(ctx, ins, hall.ID, bs, be, bs, be, true); !errorsIsConflict(err) {
			t.Fatalf("overlapping the tail: want conflict, got %v", err)
		}
		// After the tail it is free again.
		after := tail
		after.Start, after.End = e.at("2026-03-05", "08:00"), e.at("2026-03-05", "09:00")
		e.mustCreate(t, e.office, after)
	})
}

// TestDatabaseRefusesOverlongBlock: the bound the look-ups rely on is
// enforced by the database, active or not.
func TestDatabaseRefusesOverlongBlock(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		ins := `INSERT INTO bookings (venue_id, title, start_ms, end_ms, block_start, block_end, active, status, created_at, updated_at) VALUES (?, 'x', ?, ?, ?, ?, ?, 'pending', 0, 0)`
		start := store.Ms(e.at("2026-04-01", "00:00"))
		for _, tc := range []struct {
			name   string
			span   time.Duration
			active bool
			ok     bool
		}{
			{"two days", booking.MaxBlockSpan, true, true},
			{"longer, active", booking.MaxBlockSpan + time.Minute, true, false},
			{"longer, inactive", booking.MaxBlockSpan + time.Minute, false, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				end := start + tc.span.Milliseconds()
				_, err := db.Exec(ctx, ins, e.small.ID, start, end, start, end, tc.active)
				if (err == nil) != tc.ok {
					t.Fatalf("insert of a %s block: err %v", tc.span, err)
				}
				start += 3 * booking.MaxBlockSpan.Milliseconds()
			})
		}
		// Stretching an existing row beyond the bound is refused as well.
		_, err := db.Exec(ctx, `UPDATE bookings SET block_end = block_start + ? WHERE venue_id = ?`, (booking.MaxBlockSpan + time.Hour).Milliseconds(), e.small.ID)
		if err == nil {
			t.Fatal("stretching a block beyond two days succeeded")
		}
	})
}

func TestListByVenues(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		for _, v := range []int64{e.room.ID, e.hall.ID, e.small.ID} {
			r := e.req("2026-03-03", "10:00", "11:00")
			r.VenueID, r.Headcount = v, 4
			e.mustCreate(t, e.staff, r)
		}
		for _, tc := range []struct {
			name string
			ids  []int64
			want int
		}{
			{"two venues", []int64{e.room.ID, e.small.ID}, 2},
			{"one venue", []int64{e.hall.ID}, 1},
			{"no such venue", []int64{0}, 0},
			{"all", nil, 3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, err := e.svc.List(ctx, e.office, booking.Filter{VenueIDs: tc.ids, From: e.at("2026-03-03", "00:00"), To: e.at("2026-03-04", "00:00")})
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != tc.want {
					t.Fatalf("%d bookings, want %d", len(list), tc.want)
				}
				for _, b := range list {
					if len(tc.ids) > 0 && !slices.Contains(tc.ids, b.VenueID) {
						t.Fatalf("booking of venue %d listed", b.VenueID)
					}
				}
			})
		}
	})
}

// TestBriefListShowsWhatTheFullListShows: the brief rows carry the same
// calendar fields, and are hidden from readers alike.
func TestBriefListShowsWhatTheFullListShows(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		r := e.req("2026-03-03", "14:00", "15:00")
		r.Purpose, r.ClientName = booking.PurposeClient, "上海锦程国际贸易有限公司"
		e.mustCreate(t, e.office, r)
		f := booking.Filter{From: e.at("2026-03-03", "00:00"), To: e.at("2026-03-04", "00:00")}
		for _, reader := range []struct {
			name string
			a    access.Actor
		}{{"office", e.office}, {"same department", e.staff}, {"other department", e.other}} {
			t.Run(reader.name, func(t *testing.T) {
				full, err := e.svc.List(ctx, reader.a, f)
				if err != nil {
					t.Fatal(err)
				}
				bf := f
				bf.Brief = true
				brief, err := e.svc.List(ctx, reader.a, bf)
				if err != nil {
					t.Fatal(err)
				}
				if len(full) != 2 || len(brief) != len(full) {
					t.Fatalf("%d full, %d brief rows", len(full), len(brief))
				}
				for i := range full {
					x, y := full[i], brief[i]
					if x.ID != y.ID || x.Title != y.Title || !x.Start.Equal(y.Start) || !x.End.Equal(y.End) || !x.BlockStart.Equal(y.BlockStart) ||
						!x.BlockEnd.Equal(y.BlockEnd) || x.Status != y.Status || x.Redacted != y.Redacted || x.RequesterName != y.RequesterName ||
						x.VenueName != y.VenueName || x.ClientName != y.ClientName || x.Seq != y.Seq || !x.CreatedAt.Equal(y.CreatedAt) ||
						!x.UpdatedAt.Equal(y.UpdatedAt) || x.Headcount != y.Headcount {
						t.Fatalf("row %d differs:\nfull  %+v\nbrief %+v", i, x, y)
					}
				}
			})
		}
	})
}
