package reliability_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"jiedai/internal/booking"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestTwoInstancesOnePostgres runs two server processes on one fresh
// PostgreSQL schema. Racing requests for the same slots, sent to both,
// must give exactly one winner per slot; a batch of due reply-by deadlines
// (booking.forfeit jobs) must fire exactly once in total across both
// instances' job runners.
func TestTwoInstancesOnePostgres(t *testing.T) {
	if os.Getenv("JIEDAI_TEST_POSTGRES") == "" {
		t.Skip("JIEDAI_TEST_POSTGRES is not set: the two-instance test needs a PostgreSQL DSN (see README, Tests)")
	}
	const (
		slots   = 24 // contested slots
		racers  = 8  // requests per slot, alternating between the instances
		pending = 60 // reply-by deadlines falling due within four seconds
	)
	dsn := storetest.TestDSN(t, "postgres")
	mustJiedai(t, "demo", "--db", dsn)
	a, b := serve(t, dsn), serve(t, dsn)
	ca, cb := newClient(a.URL), newClient(b.URL)
	ca.login(t, "office")
	cb.token = ca.token
	venues := []int64{ca.createVenue(t, "多实例测试厅A", 0), cb.createVenue(t, "多实例测试厅B", 10)}

	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := time.Now().In(loc).AddDate(0, 0, 3)
	day := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)

	t.Run("racing bookings", func(t *testing.T) {
		type result struct {
			slot, status int
			body         []byte
		}
		results := make(chan result, slots*racers)
		var wg sync.WaitGroup
		for s := 0; s < slots; s++ {
			v := venues[s%len(venues)]
			start := day.AddDate(0, 0, s/len(venues)).Add(time.Duration(s%4) * 2 * time.Hour)
			gate := make(chan struct{})
			for r := 0; r < racers; r++ {
				c := ca
				if r%2 == 1 {
					c = cb
				}
				wg.Add(1)
				go func(s, r int, c *client) {
					defer wg.Done()
					<-gate
					// Racers ask for the same slot with slightly different ends.
					st, body, err := c.do(http.MethodPost, "/api/v1/bookings", bookingBody(v, start, 60+30*(r%3), fmt.Sprintf("抢订 %d-%d", s, r)))
					if err != nil {
						t.Errorf("slot %d racer %d: %v", s, r, err)
						return
					}
					results <- result{s, st, body}
				}(s, r, c)
			}
			close(gate)
		}
		wg.Wait()
		close(results)
		winners := make([]int, slots)
		for res := range results {
			switch res.status {
			case http.StatusCreated:
				winners[res.slot]++
			case http.StatusConflict:
				var e struct {
					Error        struct{ Code string }
					Alternatives []json.RawMessage
				}
				if err := json.Unmarshal(res.body, &e); err != nil || e.Error.Code != "conflict" {
					t.Errorf("slot %d: 409 without a conflict body: %s", res.slot, res.body)
				}
			default:
				t.Errorf("slot %d: status %d: %s", res.slot, res.status, res.body)
			}
		}
		for s, n := range winners {
			if n != 1 {
				t.Errorf("slot %d: %d winners, want exactly 1", s, n)
			}
		}
		if n := overlaps(t, openDB(t, dsn)); n != 0 {
			t.Fatalf("%d overlapping active bookings", n)
		}
	})

	t.Run("due deadlines fire once", func(t *testing.T) {
		ctx := context.Background()
		db := openDB(t, dsn)
		var ids []any
		for i := 0; i < pending; i++ {
			c := ca
			if i%2 == 1 {
				c = cb
			}
			body := bookingBody(venues[i%len(venues)], day.AddDate(0, 0, 30+i/len(venues)), 60, fmt.Sprintf("待确认 %d", i))
			body["purpose"], body["client_name"], body["approve"] = "client", "远景资本有限公司", true
			st, resp, err := c.do(http.MethodPost, "/api/v1/bookings", body)
			if err != nil || st != http.StatusCreated {
				t.Fatalf("client booking %d: %d %v %s", i, st, err, resp)
			}
			var bk slot
			_ = json.Unmarshal(resp, &bk)
			if bk.Status != booking.StatusApproved {
				t.Fatalf("client booking %d is %q, want approved (waiting for the reply)", i, bk.Status)
			}
			ids = append(ids, bk.ID)
		}
		// Make the reply-by deadlines fall due one after another over the
		// next four seconds (two ticks of each runner), each job due with its
		// deadline, so both runners and both sweeps compete for them.
		base := time.Now().Add(500 * time.Millisecond)
		keys := make([]any, len(ids))
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i, id := range ids {
				keys[i] = fmt.Sprintf("booking-%d", id)
				due := base.Add(time.Duration(i) * 4 * time.Second / time.Duration(len(ids))).UnixMilli()
				if _, err := tx.Exec(ctx, `UPDATE bookings SET reply_by = ? WHERE id = ?`, due, id); err != nil {
					return err
				}
				res, err := tx.Exec(ctx, `UPDATE jobs SET due_at = ? WHERE kind = ? AND key = ? AND done_at IS NULL`, due, booking.JobForfeit, keys[i])
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return fmt.Errorf("no pending forfeit job for booking %v", id)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("make deadlines due: %v", err)
		}
		in := `(` + store.Placeholders(len(ids)) + `)`
		var left int
		for deadline := time.Now().Add(25 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND done_at IS NULL AND key IN `+in, append([]any{booking.JobForfeit}, keys...)...).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left == 0 || time.Now().After(deadline) {
				break
			}
		}
		if left != 0 {
			t.Fatalf("%d forfeit jobs still not done after 25 s\nA:\n%s\nB:\n%s", left, a.log.String(), b.log.String())
		}
		// Effects: one status change, one audit row and one message each.
		count := func(q string, args ...any) int {
			var n int
			if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM bookings WHERE status = ? AND id IN `+in, append([]any{booking.StatusForfeited}, ids...)...); n != len(ids) {
			t.Errorf("%d of %d bookings forfeited", n, len(ids))
		}
		rows, err := db.Query(ctx, `SELECT entity_id, COUNT(*) FROM audit_log WHERE entity = ? AND action = ? AND entity_id IN `+in+` GROUP BY entity_id`,
			append([]any{booking.AuditEntity, booking.ActForfeit}, ids...)...)
		if err != nil {
			t.Fatal(err)
		}
		audited := 0
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				t.Fatal(err)
			}
			audited++
			if n != 1 {
				t.Errorf("booking %d forfeited %d times", id, n)
			}
		}
		rows.Close()
		if audited != len(ids) {
			t.Errorf("%d of %d forfeits audited", audited, len(ids))
		}
		links := make([]any, len(ids))
		for i, id := range ids {
			links[i] = fmt.Sprintf("/bookings/%d", id)
		}
		rows, err = db.Query(ctx, `SELECT link, COUNT(*) FROM notifications WHERE key = ? AND link IN `+in+` GROUP BY link HAVING COUNT(*) > 1`,
			append([]any{"booking.msg.forfeited"}, links...)...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var l string
			var n int
			_ = rows.Scan(&l, &n)
			t.Errorf("%s: %d forfeit messages to its requester, want one", l, n)
		}
		rows.Close()
		if n := count(`SELECT COUNT(*) FROM jobs WHERE kind = ? AND (attempts <> 1 OR failed_at IS NOT NULL) AND key IN `+in, append([]any{booking.JobForfeit}, keys...)...); n != 0 {
			t.Errorf("%d forfeit jobs needed more than one attempt or failed", n)
		}
		var runners []string
		rows, err = db.Query(ctx, `SELECT DISTINCT locked_by FROM jobs WHERE kind = ? AND key IN `+in, append([]any{booking.JobForfeit}, keys...)...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var r string
			_ = rows.Scan(&r)
			runners = append(runners, r)
		}
		rows.Close()
		t.Logf("%d deadlines ran on %d runner(s): %v", len(ids), len(runners), runners)
	})
}
