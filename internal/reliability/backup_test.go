package reliability_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jiedai/internal/store"
)

// TestBackupUnderLoad takes three backups with `jiedai backup` while a
// running server creates bookings from several goroutines: each copy
// passes SQLite's checks, holds every booking answered 201 before the
// backup started, and has no overlap. `jiedai restore` then refuses the
// live database (not empty), brings a copy back into a new file, which a
// new server serves, and with --force replaces a database that has data.
func TestBackupUnderLoad(t *testing.T) {
	const workers = 6
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	mustJiedai(t, "demo", "--db", live)
	srv := serve(t, live)
	c := newClient(srv.URL)
	c.login(t, "office")
	var venues []int64
	for i, buf := range []int{0, 10, 15} {
		venues = append(venues, c.createVenue(t, fmt.Sprintf("备份测试厅%d", i+1), buf))
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := time.Now().In(loc).AddDate(0, 0, 2)
	day0 := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)

	var (
		mu    sync.Mutex
		acked = map[int64]slot{}
		n     atomic.Int64
		wg    sync.WaitGroup
	)
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(func() { stop(); wg.Wait() }) // before the server is killed
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			wc := newClient(srv.URL)
			wc.token = c.token
			for i := 0; i < 400 && ctx.Err() == nil; i++ {
				k := w*400 + i // a distinct half hour for every request: no conflicts
				start := day0.AddDate(0, 0, k/24).Add(time.Duration(k%24) * time.Hour)
				st, body, err := wc.do(http.MethodPost, "/api/v1/bookings", bookingBody(venues[k%len(venues)], start, 30, fmt.Sprintf("备份测试 %d-%d", w, i)))
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("worker %d: %v", w, err)
					}
					return
				}
				if st != http.StatusCreated {
					t.Errorf("worker %d: %d %s", w, st, body)
					return
				}
				var b slot
				if err := json.Unmarshal(body, &b); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[b.ID] = b
				mu.Unlock()
				n.Add(1)
			}
		}(w)
	}
	waitFor := func(min int64) {
		for deadline := time.Now().Add(20 * time.Second); n.Load() < min && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	var copies []string
	for i := 0; i < 3; i++ {
		waitFor(int64(20 * (i + 1)))
		mu.Lock()
		before := make(map[int64]slot, len(acked))
		for id, b := range acked {
			before[id] = b
		}
		mu.Unlock()
		to := filepath.Join(dir, fmt.Sprintf("copy-%d.db", i))
		out := mustJiedai(t, "backup", "--db", live, "--to", to)
		during := n.Load()
		if !strings.Contains(out, "written to") {
			t.Errorf("backup said %q", out)
		}
		if err := store.CheckSQLite(context.Background(), to); err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
		db := openDB(t, "file:"+to+"?mode=ro")
		for id, want := range before {
			var venue, start, end int64
			if err := db.QueryRow(context.Background(), `SELECT venue_id, start_ms, end_ms FROM bookings WHERE id = ?`, id).Scan(&venue, &start, &end); err != nil {
				t.Fatalf("copy %d: booking %d, answered 201 before the backup, is missing: %v", i, id, err)
			}
			if venue != want.VenueID || start != want.Start.UnixMilli() || end != want.End.UnixMilli() {
				t.Fatalf("copy %d: booking %d differs", i, id)
			}
		}
		if o := overlaps(t, db); o != 0 {
			t.Fatalf("copy %d: %d overlaps", i, o)
		}
		db.Close()
		t.Logf("copy %d: %d bookings answered before it, all there (%d by its end)", i, len(before), during)
		copies = append(copies, to)
	}
	stop()
	wg.Wait()

	// Restore: never over the live database without --force.
	if out, err := jiedai(t, "restore", "--from", copies[2], "--db", live); err == nil || !strings.Contains(out, "--force") {
		t.Fatalf("restore over the live database: %v %s", err, out)
	}
	restored := filepath.Join(dir, "restored.db")
	mustJiedai(t, "restore", "--from", copies[2], "--db", restored)
	db := openDB(t, restored)
	integrity(t, db)
	var inCopy int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM bookings WHERE title LIKE '备份测试%'`).Scan(&inCopy); err != nil {
		t.Fatal(err)
	}
	db.Close()
	srv2 := serve(t, restored)
	c2 := newClient(srv2.URL)
	c2.token = c.token // the token is in the copy too
	st, body, err := c2.do(http.MethodGet, "/api/v1/bookings?limit=2000", nil)
	if err != nil || st != http.StatusOK {
		t.Fatalf("the restored server: %d %v %s", st, err, body)
	}
	var list struct{ Bookings []slot }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Bookings) < inCopy {
		t.Errorf("the restored server lists %d bookings, the copy has %d of the test", len(list.Bookings), inCopy)
	}
	srv2.kill()

	// --force replaces a database that has data with an older copy.
	mustJiedai(t, "restore", "--force", "--from", copies[0], "--db", restored)
	db = openDB(t, restored)
	integrity(t, db)
	var after int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM bookings WHERE title LIKE '备份测试%'`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after > inCopy || after < 20 {
		t.Errorf("after restoring the first copy: %d test bookings (the last copy had %d)", after, inCopy)
	}
}
