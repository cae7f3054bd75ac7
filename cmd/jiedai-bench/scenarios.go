package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"jiedai/internal/store"
)

// Creds are the API tokens and browser sessions the scenarios act with,
// made fresh for each run by the prepare phase.
type Creds struct {
	StaffTokens   []string `json:"staff_tokens"`
	StaffSessions []string `json:"staff_sessions"`
	OfficeSession string   `json:"office_session"`
	OfficeToken   string   `json:"office_token"`
	FeedToken     string   `json:"feed_token"`
}

// slot is a free half hour of a venue, found in the generated data.
type slot struct {
	venue      int64
	start, end time.Time
	headcount  int
}

// world is what every scenario needs.
type world struct {
	d     *driver
	db    *store.DB
	meta  *Meta
	creds *Creds
	loc   *time.Location
	now   time.Time
	slots []slot
	next  atomic.Int64
	bodyN atomic.Int64
	// loginHashes is how many password hashes the server runs at once.
	loginHashes int
}

var createTitles = []string{"项目周例会", "客户需求沟通", "部门月度总结", "招聘面试", "供应商比选会", "培训需求调研", "预算执行分析", "产品迭代评审"}

// findSlots returns up to want free half-hours (buffers respected, apart
// from each other and from every held booking) on days from `from` on,
// skipping the days in skip.
func findSlots(ctx context.Context, db *store.DB, loc *time.Location, from time.Time, want int, skip map[string]bool, rng *rand.Rand) ([]slot, error) {
	type ven struct {
		id                   int64
		capacity, bb, ba     int
		openFrom, openTo, od int
	}
	rows, err := db.Query(ctx, `SELECT id, capacity, buffer_before_min, buffer_after_min, open_from_min, open_to_min, open_days FROM venues WHERE in_service ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read venues: %w", err)
	}
	var vs []ven
	for rows.Next() {
		var v ven
		if err := rows.Scan(&v.id, &v.capacity, &v.bb, &v.ba, &v.openFrom, &v.openTo, &v.od); err != nil {
			rows.Close()
			return nil, err
		}
		vs = append(vs, v)
	}
	rows.Close()
	var out []slot
	day := time.Date(from.In(loc).Year(), from.In(loc).Month(), from.In(loc).Day(), 0, 0, 0, 0, loc)
	for tries := 0; len(out) < want && tries < 300; tries++ {
		d := day
		day = day.AddDate(0, 0, 1)
		if skip[d.Format(time.DateOnly)] {
			continue
		}
		ds, de := store.Ms(d), store.Ms(d.AddDate(0, 0, 1))
		blocks := map[int64][][2]int64{}
		rows, err := db.Query(ctx, `SELECT venue_id, block_start, block_end FROM bookings b WHERE b.active AND b.block_start > ? AND b.block_start < ? AND b.block_end > ?`, ds-2*dayMs, de, ds)
		if err != nil {
			return nil, fmt.Errorf("read blocked ranges: %w", err)
		}
		for rows.Next() {
			var v, s, e int64
			if err := rows.Scan(&v, &s, &e); err != nil {
				rows.Close()
				return nil, err
			}
			blocks[v] = append(blocks[v], [2]int64{s, e})
		}
		rows.Close()
		for _, v := range vs {
			if v.od&(1<<int(d.Weekday())) == 0 {
				continue
			}
			// Half-hour meetings a whole footprint apart, so that they
			// never touch each other's buffers.
			step := (30 + v.bb + v.ba + 29) / 30 * 30
			for m := (v.openFrom + v.bb + 29) / 30 * 30; m+30+v.ba <= v.openTo; m += step {
				s := d.Add(time.Duration(m) * time.Minute)
				bs, be := store.Ms(s)-int64(v.bb)*60000, store.Ms(s)+int64(30+v.ba)*60000
				free := true
				for _, b := range blocks[v.id] {
					if b[0] < be && bs < b[1] {
						free = false
						break
					}
				}
				if free {
					out = append(out, slot{venue: v.id, start: s, end: s.Add(30 * time.Minute), headcount: max(1, min(v.capacity, 4))})
				}
			}
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > want {
		out = out[:want]
	}
	return out, nil
}

func (w *world) bookingBody(s slot) []byte {
	n := w.bodyN.Add(1)
	b, _ := json.Marshal(map[string]any{"venue_id": s.venue, "start": s.start.Format(time.RFC3339), "end": s.end.Format(time.RFC3339),
		"title": createTitles[n%int64(len(createTitles))], "headcount": s.headcount})
	return b
}

func (w *world) post(ctx context.Context, path, token string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.d.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := w.d.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// get fetches a page or API resource; the body is read and discarded
// unless keep is set.
func (w *world) get(ctx context.Context, path, token, session string, keep bool) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.d.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "jiedai_session", Value: session})
	}
	resp, err := w.d.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if keep {
		data, err := io.ReadAll(resp.Body)
		return resp.StatusCode, data, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil, err
}

// create books free slots, each request its own.
func (w *world) create(name, title string, clients int) Result {
	fn := func(ctx context.Context, c int) (int, bool, error) {
		i := w.next.Add(1) - 1
		if int(i) >= len(w.slots) {
			return 0, false, fmt.Errorf("out of free slots (%d)", len(w.slots))
		}
		st, body, err := w.post(ctx, "/api/v1/bookings", w.creds.StaffTokens[c%len(w.creds.StaffTokens)], w.bookingBody(w.slots[i]))
		if err == nil && st != http.StatusCreated {
			err = fmt.Errorf("status %d: %.200s", st, body)
		}
		return st, st == http.StatusCreated, err
	}
	return w.d.run(context.Background(), name, title, clients, fn)
}

// contended sends, round after round, 64 requests for one slot at once:
// exactly one may win; the others must get a 409 with alternatives.
func (w *world) contended(ctx context.Context, rounds, clients int) (Result, error) {
	fmt.Fprintf(w.d.log, "  %-14s %3d clients × %d rounds … ", "contended", clients, rounds)
	var lat409 []time.Duration
	var winners []int
	r := Result{Name: "contended", Title: "Contended slot: 64 clients on one slot", Clients: clients, Status: map[string]int{}}
	noAlt, other := 0, 0
	start := time.Now()
	cpu0 := cpuTime()
	var busy time.Duration
	for round := range rounds {
		i := w.next.Add(1) - 1
		if int(i) >= len(w.slots) {
			return r, fmt.Errorf("out of free slots")
		}
		s := w.slots[i]
		body := w.bookingBody(s)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		type out struct {
			st   int
			d    time.Duration
			alts int
			cfl  int
			err  error
		}
		outs := make([]out, clients)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				t0 := time.Now()
				st, data, err := w.post(ctx, "/api/v1/bookings", w.creds.StaffTokens[c%len(w.creds.StaffTokens)], body)
				o := out{st: st, d: time.Since(t0), err: err}
				if st == http.StatusConflict {
					var v struct {
						Conflicts    []json.RawMessage `json:"conflicts"`
						Alternatives []json.RawMessage `json:"alternatives"`
					}
					if json.Unmarshal(data, &v) == nil {
						o.alts, o.cfl = len(v.Alternatives), len(v.Conflicts)
					}
				}
				outs[c] = o
			}()
		}
		time.Sleep(20 * time.Millisecond) // every client waits at the gate
		t0 := time.Now()
		close(gate)
		wg.Wait()
		busy += time.Since(t0)
		won := 0
		for _, o := range outs {
			r.Requests++
			r.Status[strconv.Itoa(o.st)]++
			switch {
			case o.err != nil:
				r.Errors++
				if r.FirstError == "" {
					r.FirstError = o.err.Error()
				}
			case o.st == http.StatusCreated:
				won++
			case o.st == http.StatusConflict:
				lat409 = append(lat409, o.d)
				if o.alts == 0 || o.cfl == 0 {
					noAlt++
				}
			default:
				other++
			}
		}
		winners = append(winners, won)
		// The database agrees: one held booking in that slot.
		var held int
		if err := w.db.QueryRow(ctx, `SELECT COUNT(*) FROM bookings WHERE venue_id = ? AND active AND start_ms = ?`, s.venue, store.Ms(s.start)).Scan(&held); err != nil {
			return r, err
		}
		if held != 1 {
			r.Notes = append(r.Notes, fmt.Sprintf("round %d: %d held bookings in the slot", round+1, held))
			r.Errors++
		}
	}
	el := time.Since(start)
	r.Seconds = el.Seconds()
	r.setCPU(cpuTime()-cpu0, busy)
	setPercentiles(&r, lat409)
	r.PerSecond = float64(len(lat409)) / el.Seconds()
	bad := 0
	for _, n := range winners {
		if n != 1 {
			bad++
		}
	}
	r.Notes = append(r.Notes, fmt.Sprintf("%d rounds, winners per round %s; %d answers 409, %d of them without conflicts or alternatives; %d other answers",
		rounds, winnersText(winners), len(lat409), noAlt, other))
	r.Notes = append(r.Notes, "latency figures are of the 409 answers; throughput is 409 answers per second over the rounds including the gaps between them")
	r.atMost("rounds with other than one winner", 0, float64(bad), "rounds")
	r.atMost("409 answers without conflicts and alternatives", 0, float64(noAlt+other+r.Errors), "answers")
	r.atMost("409 p99", 10, r.P99ms, "ms")
	fmt.Fprintf(w.d.log, "409 p50 %6.2f  p95 %6.2f  p99 %6.2f ms  winners %s\n", r.P50ms, r.P95ms, r.P99ms, winnersText(winners))
	return r, nil
}

func winnersText(ws []int) string {
	counts := map[int]int{}
	for _, n := range ws {
		counts[n]++
	}
	var keys []int
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := ""
	for _, k := range keys {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%d×%d", counts[k], k)
	}
	return s
}

// availability searches a two-hour window on a future day for a room with
// a capacity and equipment, across all venues.
func (w *world) availability(clients int) Result {
	rng := rand.New(rand.NewPCG(7, 11))
	var paths []string
	today := time.Date(w.now.In(w.loc).Year(), w.now.In(w.loc).Month(), w.now.In(w.loc).Day(), 0, 0, 0, 0, w.loc)
	for range 2000 {
		d := today.AddDate(0, 0, 1+rng.IntN(120))
		from := d.Add(time.Duration(8+rng.IntN(12)) * time.Hour)
		q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {from.Add(2 * time.Hour).Format(time.RFC3339)},
			"capacity": {strconv.Itoa([]int{6, 10, 12, 20, 40}[rng.IntN(5)])}, "equipment": {[]string{"projector", "projector,video_conference", "projector,whiteboard"}[rng.IntN(3)]}}
		paths = append(paths, "/api/v1/availability?"+q.Encode())
	}
	var n atomic.Int64
	fn := func(ctx context.Context, c int) (int, bool, error) {
		p := paths[n.Add(1)%int64(len(paths))]
		st, _, err := w.get(ctx, p, w.creds.StaffTokens[c%len(w.creds.StaffTokens)], "", false)
		return st, st == http.StatusOK, err
	}
	r := w.d.run(context.Background(), fmt.Sprintf("availability-%d", clients), "Availability search: capacity + equipment + 2-hour window, all venues", clients, fn)
	r.atMost("p99", 5, r.P99ms, "ms")
	return r
}

// grid fetches the day-grid page of the busy grid day, logged in. With
// uncached, every request carries a query parameter of its own, so none
// is answered from the server's page cache: the cost of building it.
func (w *world) grid(name, title string, clients, capacity int, uncached bool) Result {
	path := "/bookings?" + url.Values{"date": {w.meta.GridDay}, "capacity": {strconv.Itoa(capacity)}}.Encode()
	var n atomic.Int64
	fn := func(ctx context.Context, c int) (int, bool, error) {
		p := path
		if uncached {
			p += "&n=" + strconv.FormatInt(n.Add(1), 10)
		}
		st, _, err := w.get(ctx, p, "", w.creds.StaffSessions[c%len(w.creds.StaffSessions)], false)
		return st, st == http.StatusOK, err
	}
	return w.d.run(context.Background(), name, title, clients, fn)
}

// pageSize fetches a path once and returns its body length.
func (w *world) pageSize(path, token, session string) int {
	_, data, err := w.get(context.Background(), path, token, session, true)
	if err != nil {
		return 0
	}
	return len(data)
}

// ics fetches the calendar feed of the venue with the longest history, as
// a calendar program does (with the feed token).
func (w *world) ics(clients int) Result {
	path := fmt.Sprintf("/api/v1/venues/%d/calendar.ics?token=%s", w.meta.HistoryVenueID, url.QueryEscape(w.creds.FeedToken))
	fn := func(ctx context.Context, c int) (int, bool, error) {
		st, _, err := w.get(ctx, path, "", "", false)
		return st, st == http.StatusOK, err
	}
	r := w.d.run(context.Background(), "ics", fmt.Sprintf("Venue ICS feed (%s bookings of history)", commas(int64(w.meta.HistoryCount))), clients, fn)
	r.Notes = append(r.Notes, fmt.Sprintf("feed size %s bytes", commas(int64(w.pageSize(path, "", "")))))
	return r
}

// today fetches the today page of the busy office user.
func (w *world) today(clients int) Result {
	fn := func(ctx context.Context, c int) (int, bool, error) {
		st, _, err := w.get(ctx, "/", "", w.creds.OfficeSession, false)
		return st, st == http.StatusOK, err
	}
	r := w.d.run(context.Background(), "today", "Today page of a busy office user", clients, fn)
	r.Notes = append(r.Notes, fmt.Sprintf("page size %s bytes", commas(int64(w.pageSize("/", "", w.creds.OfficeSession)))))
	return r
}
