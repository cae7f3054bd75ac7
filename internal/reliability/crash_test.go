package reliability_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCrashRecovery creates bookings over the API from several goroutines
// while the server is killed with SIGKILL at random moments, five times.
// After each restart every booking that was answered 201 must be there
// with its venue and times, SQLite must pass its integrity check, and no two
// active bookings of a venue may overlap.
func TestCrashRecovery(t *testing.T) {
	const (
		kills     = 5
		workers   = 8
		perWorker = 150 // requests per worker and round, at most
	)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 17))
	dsn := filepath.Join(t.TempDir(), "crash.db")
	mustJiedai(t, "demo", "--db", dsn)

	// The first days ahead, on a half-hour grid in the site's opening hours.
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day0 := time.Now().In(loc).AddDate(0, 0, 2)
	day0 = time.Date(day0.Year(), day0.Month(), day0.Day(), 0, 0, 0, 0, loc)

	acked := map[int64]slot{}
	var venues []int64
	var token string
	for round := 0; round <= kills; round++ {
		srv := serve(t, dsn)
		c := newClient(srv.URL)
		if round == 0 {
			c.login(t, "office")
			token = c.token
			for i, buf := range []int{0, 0, 10, 15} {
				venues = append(venues, c.createVenue(t, fmt.Sprintf("压力测试会议室%d", i+1), buf))
			}
		} else {
			c.token = token
			verifyAfterCrash(t, dsn, c, acked, round)
		}
		if round == kills {
			break
		}

		// Load from several goroutines until the kill.
		var (
			mu       sync.Mutex
			sent     atomic.Int64
			ackRound atomic.Int64
			killed   atomic.Bool
			wg       sync.WaitGroup
		)
		type job struct {
			venue   int64
			start   time.Time
			minutes int
		}
		plans := make([][]job, workers)
		for w := range plans {
			for i := 0; i < perWorker; i++ {
				st := day0.AddDate(0, 0, rng.IntN(120)).Add(time.Duration(16+rng.IntN(24)) * 30 * time.Minute)
				plans[w] = append(plans[w], job{venues[rng.IntN(len(venues))], st, 30 * (1 + rng.IntN(3))})
			}
		}
		ctx, stop := context.WithCancel(context.Background())
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				wc := newClient(srv.URL)
				wc.token = token
				for i, j := range plans[w] {
					if ctx.Err() != nil {
						return
					}
					sent.Add(1)
					st, body, err := wc.do(http.MethodPost, "/api/v1/bookings", bookingBody(j.venue, j.start, j.minutes, fmt.Sprintf("崩溃测试 r%d w%d #%d", round, w, i)))
					switch {
					case err != nil:
						if !killed.Load() {
							t.Errorf("round %d: transport error before the kill: %v", round, err)
						}
						return
					case st == http.StatusCreated:
						var b slot
						if err := json.Unmarshal(body, &b); err != nil || b.ID == 0 {
							t.Errorf("201 without a booking: %s", body)
							return
						}
						mu.Lock()
						acked[b.ID] = b
						mu.Unlock()
						ackRound.Add(1)
					case st == http.StatusConflict:
					default:
						t.Errorf("round %d: POST /bookings answered %d: %s", round, st, body)
						return
					}
				}
			}(w)
		}
		// Kill at a random moment once the load is under way.
		for deadline := time.Now().Add(15 * time.Second); ackRound.Load() < 5 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(700)) * time.Millisecond)
		killed.Store(true)
		srv.kill()
		stop()
		wg.Wait()
		t.Logf("round %d: %d requests, %d bookings answered 201 before SIGKILL", round, sent.Load(), ackRound.Load())
		if ackRound.Load() == 0 {
			t.Fatalf("round %d: no booking was created:\n%s", round, srv.log.String())
		}
	}
	if len(acked) < kills*5 {
		t.Fatalf("only %d bookings acknowledged", len(acked))
	}
}

// verifyAfterCrash checks the restarted server's database.
func verifyAfterCrash(t *testing.T, dsn string, c *client, acked map[int64]slot, round int) {
	t.Helper()
	db := openDB(t, dsn)
	defer db.Close()
	integrity(t, db)
	if n := overlaps(t, db); n != 0 {
		t.Fatalf("after restart %d: %d overlapping active bookings", round, n)
	}
	ctx := context.Background()
	missing := 0
	for id, want := range acked {
		var venue, start, end int64
		err := db.QueryRow(ctx, `SELECT venue_id, start_ms, end_ms FROM bookings WHERE id = ?`, id).Scan(&venue, &start, &end)
		if err != nil {
			missing++
			t.Errorf("after restart %d: booking %d answered 201 is gone: %v", round, id, err)
			continue
		}
		if venue != want.VenueID || start != want.Start.UnixMilli() || end != want.End.UnixMilli() {
			t.Errorf("after restart %d: booking %d is venue %d %d–%d, answered %+v", round, id, venue, start, end, want)
		}
	}
	if missing > 0 {
		t.Fatalf("after restart %d: %d of %d acknowledged bookings lost", round, missing, len(acked))
	}
	// The restarted server serves them too (a sample).
	n := 0
	for id := range acked {
		if n++; n > 20 {
			break
		}
		if st, body, err := c.do(http.MethodGet, fmt.Sprintf("/api/v1/bookings/%d", id), nil); err != nil || st != http.StatusOK {
			t.Fatalf("after restart %d: GET booking %d: %d %v %s", round, id, st, err, body)
		}
	}
}
