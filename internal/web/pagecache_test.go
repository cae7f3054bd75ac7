package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiedai/internal/booking"
)

var cacheHits = regexp.MustCompile(`(?m)^jiedai_page_cache_hits_total (\d+)`)

// TestDayGridCacheNeverStale: the day grid is answered from the page cache
// only while nothing was committed; a new booking shows at once, another
// user never gets the first one's page, and the now-line moves with the
// clock.
func TestDayGridCacheNeverStale(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	office, staff := e.client(t, "office"), e.client(t, "staff")
	hits := func() int {
		t.Helper()
		_, body := get(t, nil, e.srv.URL+"/metrics")
		m := cacheHits.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no page cache counter in /metrics")
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	grid := e.srv.URL + "/bookings?date=2026-03-02"
	code, first := get(t, office, grid)
	if code != 200 {
		t.Fatalf("grid: %d", code)
	}
	h0 := hits()
	if _, again := get(t, office, grid); again != first {
		t.Fatal("the same grid twice in one minute differs")
	}
	if h := hits(); h != h0+1 {
		t.Fatalf("second view: %d cache hits, want %d", h, h0+1)
	}

	start := time.Date(2026, 3, 2, 15, 0, 0, 0, e.app.Loc)
	if _, err := e.app.Bookings.Create(ctx, e.users["office"], booking.Request{VenueID: e.room.ID, Start: start, End: start.Add(time.Hour), Title: "董事会闭门会议", Headcount: 6}); err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, office, grid); !strings.Contains(body, "董事会闭门会议") {
		t.Fatal("the grid does not show a booking committed after it was cached")
	}
	// Staff may not see another department's titles: their grid is their own.
	if _, body := get(t, staff, grid); strings.Contains(body, "董事会闭门会议") {
		t.Fatal("staff got the office's cached grid with a title hidden from them")
	}
	// A minute later the page is built again (the now-line moves).
	h1 := hits()
	e.clk.Advance(time.Minute)
	get(t, office, grid)
	if h := hits(); h != h1 {
		t.Fatalf("a page of the minute before was served (%d hits, want %d)", h, h1)
	}
}
