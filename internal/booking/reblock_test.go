package booking_test

import (
	"context"
	"testing"

	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// TestBufferChangeMovesHeldSlots: changing a venue's buffers re-blocks its
// bookings that are not over, refuses (leaving everything as it was) when
// the wider blocks would overlap, and leaves finished bookings alone.
func TestBufferChangeMovesHeldSlots(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		done := e.mustCreate(t, e.staff, e.req("2026-03-02", "09:05", "09:10"))
		a := e.mustCreate(t, e.staff, e.req("2026-03-02", "10:00", "11:00"))
		b := e.mustCreate(t, e.staff, e.req("2026-03-02", "11:30", "12:30")) // blocks touch at 11:15
		e.clk.Set(e.at("2026-03-02", "09:40"))
		blocks := func(id int64) (string, string) {
			t.Helper()
			var s, en int64
			if err := db.QueryRow(ctx, `SELECT block_start, block_end FROM bookings WHERE id = ?`, id).Scan(&s, &en); err != nil {
				t.Fatal(err)
			}
			return store.Time(s).In(e.loc).Format("15:04"), store.Time(en).In(e.loc).Format("15:04")
		}
		set := func(before, after int) error {
			in := venue.FromVenue(e.room)
			in.BufferBefore, in.BufferAfter = before, after
			v, err := e.venues.Update(ctx, e.office, e.room.ID, in)
			if err == nil {
				e.room = v
			}
			return err
		}
		// Setup grows, teardown shrinks: the end state is clean although
		// A's wider block overlaps B's old one on the way.
		if err := set(30, 0); err != nil {
			t.Fatalf("30/0: %v", err)
		}
		for id, want := range map[int64][2]string{a.ID: {"09:30", "11:00"}, b.ID: {"11:00", "12:30"}, done.ID: {"08:50", "09:25"}} {
			if s, en := blocks(id); s != want[0] || en != want[1] {
				t.Errorf("booking %d blocked %s–%s, want %s–%s", id, s, en, want[0], want[1])
			}
		}
		// 30/30 would make A and B overlap: refused on the field that grew.
		if err := set(30, 30); errs.As(err) == nil || errs.As(err).Field != "buffer_after" || errs.As(err).Key != "err.venue_buffers_overlap" {
			t.Fatalf("30/30: %v", err)
		}
		if s, en := blocks(a.ID); s != "09:30" || en != "11:00" {
			t.Errorf("refused change moved A to %s–%s", s, en)
		}
		if v, _ := e.venues.Get(ctx, nil, e.room.ID); v.BufferAfter != 0 {
			t.Errorf("refused change kept the teardown of %d minutes", v.BufferAfter)
		}
		// No buffers: the half hour between A and B is free to book.
		if err := set(0, 0); err != nil {
			t.Fatalf("0/0: %v", err)
		}
		if _, err := e.svc.Create(ctx, e.staff, e.req("2026-03-02", "11:00", "11:30")); err != nil {
			t.Fatalf("the freed half hour: %v", err)
		}
	})
}
