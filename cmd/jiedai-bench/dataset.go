package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/booking"
	"jiedai/internal/store"
	"jiedai/internal/task"
	"jiedai/internal/venue"
)

// The dataset: a business centre of a few hundred rooms over several
// years, written with multi-row INSERTs in large transactions into the
// tables and columns the domain itself writes (blocked ranges included,
// so the database's no-overlap rule checks every row).

// sizes says how much to generate.
type sizes struct {
	Venues   int `json:"venues"`
	Bookings int `json:"bookings"`
	Users    int `json:"users"`
	Years    int `json:"years"`
}

// Meta describes a generated dataset: its sizes and the facts the
// scenarios need (which day is the busy grid day, which capacity filter
// shows 20 or 50 venues, who the busy office user is).
type Meta struct {
	Sizes          sizes            `json:"sizes"`
	Seed           uint64           `json:"seed"`
	GeneratedAt    time.Time        `json:"generated_at"`
	GenSeconds     float64          `json:"generation_seconds"`
	GenRowsPerSec  float64          `json:"generation_rows_per_second"`
	Rows           map[string]int64 `json:"rows"`
	FirstDay       string           `json:"first_day"`
	LastDay        string           `json:"last_day"`
	GridDay        string           `json:"grid_day"`
	GridCap20      int              `json:"grid_capacity_20"`
	GridCap50      int              `json:"grid_capacity_50"`
	Grid20Bookings int              `json:"grid_20_bookings"`
	Grid50Bookings int              `json:"grid_50_bookings"`
	OfficeUserID   int64            `json:"office_user_id"`
	StaffUserIDs   []int64          `json:"staff_user_ids"`
	HistoryVenueID int64            `json:"history_venue_id"`
	HistoryCount   int              `json:"history_venue_bookings"`
	NotGenerated   []string         `json:"not_generated"`
}

// genVenue is what the generator keeps of a venue.
type genVenue struct {
	id               int64
	kind             string
	capacity         int
	equipment        []string
	bufBefore        int
	bufAfter         int
	openFrom, openTo int
	openDays         int
	weight           float64
	rateInternal     int64
	rateClient       int64
	name             string
}

type genUser struct {
	id     int64
	dept   int64
	roles  []string
	name   string
	org    int64
	weight float64
}

// batchInsert collects rows of one table and writes them as multi-row
// INSERTs.
type batchInsert struct {
	ctx     context.Context
	tx      *store.Tx
	table   string
	cols    []string
	perStmt int
	args    []any
	n       int
	full    string // the statement for a full batch
	written *int64
}

func newBatch(ctx context.Context, tx *store.Tx, table string, cols []string, written *int64) *batchInsert {
	per := max(1, 30000/len(cols))
	per = min(per, 500)
	b := &batchInsert{ctx: ctx, tx: tx, table: table, cols: cols, perStmt: per, written: written}
	b.full = b.stmt(per)
	return b
}

func (b *batchInsert) stmt(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.cols)), ", ") + ")"
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(one)
	}
	return sb.String()
}

func (b *batchInsert) add(vals ...any) error {
	if len(vals) != len(b.cols) {
		return fmt.Errorf("insert into %s: %d values for %d columns", b.table, len(vals), len(b.cols))
	}
	b.args = append(b.args, vals...)
	b.n++
	if b.n == b.perStmt {
		return b.flush()
	}
	return nil
}

func (b *batchInsert) flush() error {
	if b.n == 0 {
		return nil
	}
	q := b.full
	if b.n != b.perStmt {
		q = b.stmt(b.n)
	}
	if _, err := b.tx.Exec(b.ctx, q, b.args...); err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", b.n, b.table, err)
	}
	*b.written += int64(b.n)
	b.args, b.n = b.args[:0], 0
	return nil
}

// generator holds the state of one generation run.
type generator struct {
	db       *store.DB
	sz       sizes
	rng      *rand.Rand
	seed     uint64
	loc      *time.Location
	now      time.Time
	out      io.Writer
	hash     string // one password hash for every generated user
	venues   []genVenue
	users    []genUser
	staff    []int64 // requesters (weighted draw via cumulative weights)
	cum      []float64
	office   []int64
	busyOff  int64
	depts    []int64
	rows     map[string]int64
	started  time.Time
	written  int64
	meta     *Meta
	gridDay  time.Time
	hot20    map[int64]bool
	lastShow time.Time
}

const dayMs = int64(24 * time.Hour / time.Millisecond)

func (g *generator) progress(stage string, done, total int64) {
	if time.Since(g.lastShow) < time.Second && done != total {
		return
	}
	g.lastShow = time.Now()
	el := time.Since(g.started).Seconds()
	rate := float64(g.written) / max(el, 0.001)
	pct := 100 * float64(done) / float64(max(total, 1))
	eta := ""
	if done > 0 && done < total {
		eta = fmt.Sprintf(", about %s left", (time.Duration(el*float64(total-done)/float64(done)) * time.Second).Round(time.Second))
	}
	fmt.Fprintf(g.out, "  %-10s %10s / %-10s %5.1f%%  %8.0f rows/s%s\n", stage, commas(done), commas(total), pct, rate, eta)
}

// generate fills an empty, migrated database.
func generate(ctx context.Context, db *store.DB, sz sizes, seed uint64, now time.Time, loc *time.Location, out io.Writer) (*Meta, error) {
	g := &generator{db: db, sz: sz, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed, loc: loc, now: now, out: out,
		rows: map[string]int64{}, started: time.Now(), hot20: map[int64]bool{}}
	g.meta = &Meta{Sizes: sz, Seed: seed, GeneratedAt: now.UTC(), Rows: g.rows, NotGenerated: casesNotGenerated}
	h, err := auth.HashPassword("bench-password-1")
	if err != nil {
		return nil, err
	}
	g.hash = h
	var rebuild func(context.Context) error
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"departments", g.genDepartments},
		{"users", g.genUsers},
		{"venues", g.genVenues},
		{"indexes", func(ctx context.Context) (err error) { rebuild, err = g.deferIndexes(ctx); return err }},
		{"bookings", g.genBookings},
		{"inbox", g.genInbox},
		{"cases", g.genCases},
		{"indexes", func(ctx context.Context) error { return rebuild(ctx) }},
	}
	for _, st := range steps {
		if err := st.fn(ctx); err != nil {
			return nil, fmt.Errorf("generate %s: %w", st.name, err)
		}
	}
	if db.Dialect() == store.Postgres {
		for _, t := range append([]string{"departments", "users", "venues", "bookings"}, caseIDTables...) {
			if _, err := db.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return nil, fmt.Errorf("advance %s id sequence: %w", t, err)
			}
		}
		if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
			return nil, fmt.Errorf("analyze: %w", err)
		}
	}
	el := time.Since(g.started).Seconds()
	g.meta.GenSeconds = el
	g.meta.GenRowsPerSec = float64(g.written) / el
	return g.meta, nil
}

// deferIndexes drops the secondary indexes of the tables loaded in bulk
// (bookings and the audit log), keeping the one the SQLite no-overlap
// trigger reads and those behind constraints, and returns the function
// that builds them again from their own definitions once the rows are in:
// building an index from sorted data is far cheaper than keeping ten of
// them up to date row by row.
func (g *generator) deferIndexes(ctx context.Context) (func(context.Context) error, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('bookings', 'audit_log') AND sql IS NOT NULL AND name <> 'bookings_venue_time'`
	if g.db.Dialect() == store.Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('bookings', 'audit_log')
 AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid IN ('bookings'::regclass, 'audit_log'::regclass))`
	}
	rows, err := g.db.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	err = g.db.InTx(ctx, func(tx *store.Tx) error {
		for _, n := range names {
			if _, err := tx.Exec(ctx, `DROP INDEX `+n); err != nil {
				return fmt.Errorf("drop index %s: %w", n, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		for i, d := range defs {
			t0 := time.Now()
			// IF NOT EXISTS makes SQLite verify its schema cookie: a pooled
			// connection that has not yet seen the DROP would otherwise
			// answer "already exists" from its stale copy of the schema.
			d = strings.Replace(d, "INDEX ", "INDEX IF NOT EXISTS ", 1)
			if _, err := g.db.Exec(ctx, d); err != nil {
				return fmt.Errorf("rebuild index %s: %w", names[i], err)
			}
			fmt.Fprintf(g.out, "  index %-24s %6.1fs\n", names[i], time.Since(t0).Seconds())
		}
		return nil
	}, nil
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) personName() string { return g.pick(surnames) + g.pick(givenNames) }

func (g *generator) genDepartments(ctx context.Context) error {
	ms := store.Ms(g.now.AddDate(-g.sz.Years, 0, -30))
	return g.db.InTx(ctx, func(tx *store.Tx) error {
		var n int64
		b := newBatch(ctx, tx, "departments", []string{"id", "code", "name", "name_en", "created_at"}, &n)
		for i, d := range departments {
			id := int64(i + 1)
			g.depts = append(g.depts, id)
			if err := b.add(id, d.code, d.name, d.nameEn, ms); err != nil {
				return err
			}
		}
		err := b.flush()
		g.rows["departments"], g.written = n, g.written+n
		return err
	})
}

// genUsers: mostly staff, a handful in each operational role, managers,
// and client users of a hundred organisations.
func (g *generator) genUsers(ctx context.Context) error {
	ms := store.Ms(g.now.AddDate(-g.sz.Years, 0, -30))
	roleCounts := []struct {
		role string
		n    int
	}{{access.Admin, 3}, {access.Office, 12}, {access.Supervisor, 6}, {access.Receptionist, 24}, {access.Engineering, 20},
		{access.Security, 20}, {access.Service, 30}, {access.Leasing, 8}, {access.Finance, 10}, {access.Audit, 4},
		{access.Legal, 4}, {access.Executive, 6}, {access.Manager, len(departments)}}
	clients := g.sz.Users / 25
	var plan [][]string
	for _, rc := range roleCounts {
		for range max(1, rc.n*g.sz.Users/5000) { // fewer in a smaller organisation
			if len(plan) < g.sz.Users {
				plan = append(plan, []string{rc.role})
			}
		}
	}
	for len(plan) < g.sz.Users-clients {
		plan = append(plan, []string{access.Staff})
	}
	for len(plan) < g.sz.Users {
		plan = append(plan, []string{access.Client})
	}
	return g.db.InTx(ctx, func(tx *store.Tx) error {
		var nu, nr int64
		ub := newBatch(ctx, tx, "users", []string{"id", "username", "display_name", "password_hash", "department_id", "org_id", "email", "phone", "lang", "active", "created_at", "updated_at"}, &nu)
		rb := newBatch(ctx, tx, "user_roles", []string{"user_id", "role"}, &nr)
		mgr := 0
		var roleRows [][2]any
		for i, roles := range plan {
			id := int64(i + 1)
			u := genUser{id: id, roles: roles, name: g.personName(), weight: 0.2 + g.rng.ExpFloat64()}
			var dept, org any
			switch roles[0] {
			case access.Client:
				u.org = int64(1 + g.rng.IntN(100))
				org = u.org
			case access.Manager:
				u.dept = g.depts[mgr%len(g.depts)]
				mgr++
				dept = u.dept
			case access.Office:
				u.dept = 2 // 行政部
				dept = u.dept
			default:
				u.dept = g.depts[g.rng.IntN(len(g.depts))]
				dept = u.dept
			}
			if roles[0] == access.Office {
				// Office users also book rooms for others.
				u.roles = append(u.roles, access.Staff)
				if g.busyOff == 0 {
					g.busyOff = id
					u.weight = 60 // the busy office user books a lot
				}
				g.office = append(g.office, id)
			}
			g.users = append(g.users, u)
			lang := ""
			if g.rng.IntN(20) == 0 {
				lang = "en"
			}
			if err := ub.add(id, fmt.Sprintf("u%05d", id), u.name, g.hash, dept, org, fmt.Sprintf("u%05d@example.cn", id),
				fmt.Sprintf("13%09d", g.rng.IntN(1e9)), lang, true, ms, ms); err != nil {
				return err
			}
			for _, r := range u.roles {
				roleRows = append(roleRows, [2]any{id, r})
			}
			if roles[0] != access.Client {
				g.staff = append(g.staff, id)
				prev := 0.0
				if len(g.cum) > 0 {
					prev = g.cum[len(g.cum)-1]
				}
				g.cum = append(g.cum, prev+u.weight)
			}
		}
		if err := ub.flush(); err != nil {
			return err
		}
		for _, r := range roleRows { // after their users
			if err := rb.add(r[0], r[1]); err != nil {
				return err
			}
		}
		if err := rb.flush(); err != nil {
			return err
		}
		// Department managers.
		for _, d := range g.depts {
			for _, u := range g.users {
				if u.roles[0] == access.Manager && u.dept == d {
					if _, err := tx.Exec(ctx, `UPDATE departments SET manager_id = ? WHERE id = ?`, u.id, d); err != nil {
						return err
					}
					break
				}
			}
		}
		g.rows["users"], g.rows["user_roles"] = nu, nr
		g.written += nu + nr
		g.meta.OfficeUserID = g.busyOff
		for _, id := range g.staff {
			if len(g.meta.StaffUserIDs) == 200 {
				break
			}
			if g.users[id-1].roles[0] == access.Staff {
				g.meta.StaffUserIDs = append(g.meta.StaffUserIDs, id)
			}
		}
		return nil
	})
}

// requester draws a staff member, weighted (some people book far more).
func (g *generator) requester() genUser {
	x := g.rng.Float64() * g.cum[len(g.cum)-1]
	i, _ := slices.BinarySearch(g.cum, x)
	i = min(i, len(g.staff)-1)
	return g.users[g.staff[i]-1]
}

// genVenues: a tower of meeting rooms, negotiation rooms, training rooms
// and halls. The 20 largest (≥ 200 seats) and the next 30 (100–199 seats)
// make the capacity filters of the day-grid scenarios.
func (g *generator) genVenues(ctx context.Context) error {
	ms := store.Ms(g.now.AddDate(-g.sz.Years, 0, -30))
	n := g.sz.Venues
	big, mid := min(20, n), min(30, max(n-20, 0))
	return g.db.InTx(ctx, func(tx *store.Tx) error {
		var written int64
		cols := []string{"id", "code", "name", "name_en", "kind", "location", "floor", "capacity", "cap_boardroom", "cap_theatre", "cap_classroom", "cap_ushape",
			"equipment", "buffer_before_min", "buffer_after_min", "open_from_min", "open_to_min", "open_days", "in_service", "bookable_by_clients", "description",
			"rate_hour_internal", "rate_half_internal", "rate_day_internal", "rate_hour_client", "rate_half_client", "rate_day_client",
			"rate_hour_key", "rate_half_key", "rate_day_key", "feed_token", "door_token", "sort", "created_at", "updated_at"}
		b := newBatch(ctx, tx, "venues", cols, &written)
		for i := range n {
			id := int64(i + 1)
			floor := 3 + i/12
			room := i%12 + 1
			v := genVenue{id: id, bufBefore: []int{0, 10, 15, 15, 30}[g.rng.IntN(5)], bufAfter: []int{0, 10, 15, 15, 30}[g.rng.IntN(5)],
				openFrom: 480, openTo: 1320, openDays: 127, weight: 0.4 + 1.2*g.rng.Float64()}
			var kindName, kindEn string
			switch {
			case i < big:
				v.kind, v.capacity, kindName, kindEn = venue.KindMultiHall, 200+g.rng.IntN(201), "多功能厅", "Hall"
				v.bufBefore, v.bufAfter = min(v.bufBefore, 15), min(v.bufAfter, 15) // room for ten meetings on the grid day
			case i < big+mid:
				v.kind, v.capacity, kindName, kindEn = venue.KindTraining, 100+g.rng.IntN(100), "培训室", "Training Room"
			default:
				switch r := g.rng.IntN(100); {
				case r < 70:
					v.kind, v.capacity, kindName, kindEn = venue.KindMeetingRoom, 6+g.rng.IntN(25), "会议室", "Meeting Room"
				case r < 88:
					v.kind, v.capacity, kindName, kindEn = venue.KindNegotiation, 4+g.rng.IntN(5), "洽谈室", "Negotiation Room"
				case r < 96:
					v.kind, v.capacity, kindName, kindEn = venue.KindTraining, 30+g.rng.IntN(60), "培训室", "Training Room"
				default:
					v.kind, v.capacity, kindName, kindEn = venue.KindReception, 10+g.rng.IntN(11), "贵宾接待室", "VIP Reception"
				}
				if g.rng.IntN(10) == 0 {
					v.openDays = 62 // Monday to Friday
				}
			}
			for _, e := range venue.Equipment {
				p := map[string]int{"projector": 85, "screen": 70, "whiteboard": 60, "video_conference": 40, "phone_conference": 35, "tv": 30,
					"sound": 25, "microphone": 30, "lectern": 10, "stage_lighting": 5, "interpretation": 3, "recording": 8}[e]
				if v.kind == venue.KindMultiHall && (e == "sound" || e == "microphone" || e == "projector" || e == "lectern") {
					p = 100
				}
				if g.rng.IntN(100) < p {
					v.equipment = append(v.equipment, e)
				}
			}
			v.rateInternal = 0
			v.rateClient = int64(v.capacity) * 1000 * int64(1+g.rng.IntN(3))
			v.name = fmt.Sprintf("%d%02d%s", floor, room, kindName)
			g.venues = append(g.venues, v)
			c := v.capacity
			tok1, err := venue.Token()
			if err != nil {
				return err
			}
			tok2, err := venue.Token()
			if err != nil {
				return err
			}
			if err := b.add(id, fmt.Sprintf("F%02d-%02d", floor, room), v.name, fmt.Sprintf("%s %d%02d", kindEn, floor, room), v.kind,
				fmt.Sprintf("A座%d层", floor), fmt.Sprintf("%dF", floor), c, c*6/10, c, c*7/10, c/2,
				strings.Join(v.equipment, ","), v.bufBefore, v.bufAfter, v.openFrom, v.openTo, v.openDays, true, v.kind != venue.KindReception, "",
				v.rateInternal, v.rateInternal*4, v.rateInternal*8, v.rateClient, v.rateClient*4, v.rateClient*7, v.rateClient*8/10, v.rateClient*32/10, v.rateClient*56/10,
				tok1, tok2, i, ms, ms); err != nil {
				return err
			}
		}
		err := b.flush()
		g.rows["venues"] = written
		g.written += written
		g.meta.GridCap20, g.meta.GridCap50 = 200, 100
		for i := range big {
			g.hot20[g.venues[i].id] = true
		}
		return err
	})
}

// bookingRow is one generated booking.
type bookingRow struct {
	id                   int64
	v                    *genVenue
	start, end           int64 // ms
	blockStart, blockEnd int64
	status               string
	purpose              string
	client               string
	title                string
	headcount            int
	req                  genUser
	created              int64
	held                 bool // keeps its slot whatever happens (the grid day's halls)
}

// genBookings spreads the bookings over the years: fewer at weekends,
// more in popular rooms, ten a day in the 20 halls on the grid day.
func (g *generator) genBookings(ctx context.Context) error {
	today := time.Date(g.now.In(g.loc).Year(), g.now.In(g.loc).Month(), g.now.In(g.loc).Day(), 0, 0, 0, 0, g.loc)
	days := g.sz.Years * 365
	ahead := min(182, days/10)
	first := today.AddDate(0, 0, -(days - ahead))
	g.meta.FirstDay = first.Format(time.DateOnly)
	g.meta.LastDay = first.AddDate(0, 0, days-1).Format(time.DateOnly)
	// The grid day: the first Wednesday at least ten days ahead.
	gd := today.AddDate(0, 0, 10)
	for gd.Weekday() != time.Wednesday {
		gd = gd.AddDate(0, 0, 1)
	}
	g.gridDay = gd
	g.meta.GridDay = gd.Format(time.DateOnly)
	// Day weights: weekdays full, Saturdays a third, Sundays a fifth.
	weights := make([]float64, days)
	var sum float64
	dayStarts := make([]time.Time, days)
	for i := range days {
		d := first.AddDate(0, 0, i)
		dayStarts[i] = d
		switch d.Weekday() {
		case time.Saturday:
			weights[i] = 0.33
		case time.Sunday:
			weights[i] = 0.2
		default:
			weights[i] = 1
		}
		sum += weights[i]
	}
	hotExtra := 0
	if g.sz.Venues >= 20 {
		hotExtra = 200
	}
	total := g.sz.Bookings
	perWeight := float64(total-hotExtra) / sum
	var done int64
	var carry float64
	var id int64
	nowMs := store.Ms(g.now)
	// About 40,000 bookings (and their audit rows, jobs and tasks) per
	// transaction.
	chunkDays := max(1, 40000*days/max(total, 1))
	var nb, na, nj, nt int64
	for c := 0; c < days; c += chunkDays {
		err := g.db.InTx(ctx, func(tx *store.Tx) error {
			bb := newBatch(ctx, tx, "bookings", bookingColumns, &nb)
			ab := newBatch(ctx, tx, "audit_log", []string{"at", "actor_id", "actor_name", "entity", "entity_id", "action", "before_json", "after_json", "ip"}, &na)
			jb := newBatch(ctx, tx, "jobs", []string{"kind", "key", "payload", "due_at"}, &nj)
			tb := newBatch(ctx, tx, "tasks", []string{"kind", "entity", "entity_id", "title", "description", "role", "due_at", "progress", "status", "auto_accept", "link", "created_at", "updated_at", "closed_at"}, &nt)
			for di := c; di < min(c+chunkDays, days); di++ {
				if int(done) >= total {
					break
				}
				day := dayStarts[di]
				isGrid := day.Equal(g.gridDay)
				want := carry + weights[di]*perWeight
				if di == days-1 {
					want = float64(total - int(done)) // the last day takes the rest
				}
				n := int(want)
				carry = want - float64(n)
				got, err := g.genDay(day, n, isGrid, &id, func(r *bookingRow) error {
					done++
					return g.writeBooking(r, nowMs, bb, ab, jb, tb)
				})
				if err != nil {
					return err
				}
				carry += float64(n - got) // what did not fit moves on
			}
			for _, b := range []*batchInsert{bb, ab, jb, tb} {
				if err := b.flush(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		g.written = g.rows["departments"] + g.rows["users"] + g.rows["user_roles"] + g.rows["venues"] + nb + na + nj + nt
		g.progress("bookings", done, int64(total))
	}
	g.rows["bookings"], g.rows["audit_log"], g.rows["jobs"], g.rows["tasks"] = nb, na, nj, nt
	// Facts for the scenarios.
	gs, ge := store.Ms(g.gridDay), store.Ms(g.gridDay)+dayMs
	for _, cap := range []struct {
		min int
		dst *int
	}{{g.meta.GridCap20, &g.meta.Grid20Bookings}, {g.meta.GridCap50, &g.meta.Grid50Bookings}} {
		if err := g.db.QueryRow(ctx, `SELECT COUNT(*) FROM bookings b JOIN venues v ON v.id = b.venue_id WHERE b.active AND b.start_ms >= ? AND b.start_ms < ? AND v.capacity >= ?`, gs, ge, cap.min).Scan(cap.dst); err != nil {
			return err
		}
	}
	// The venue with the longest history, for the calendar feed.
	return g.db.QueryRow(ctx, `SELECT venue_id, COUNT(*) AS n FROM bookings GROUP BY venue_id ORDER BY n DESC LIMIT 1`).Scan(&g.meta.HistoryVenueID, &g.meta.HistoryCount)
}

var bookingColumns = []string{"id", "venue_id", "title", "start_ms", "end_ms", "block_start", "block_end", "active", "status", "purpose", "channel",
	"headcount", "layout", "equipment", "priority", "org_id", "client_name", "contact_name", "contact_phone", "contact_email", "rate_tier", "under_contract",
	"contract_no", "notes", "requested_by", "department_id", "decided_by", "decided_at", "decision_reason", "reply_by", "confirm_token", "confirmed_at",
	"confirmed_via", "cancelled_at", "cancel_reason", "cancel_fee", "noshow_min", "checked_in_at", "checked_in_by", "completed_at", "quote_fen", "seq",
	"created_at", "updated_at"}

// genDay places n bookings of one day over the venues open that day and
// calls emit for each; it returns how many it placed.
func (g *generator) genDay(day time.Time, n int, isGrid bool, id *int64, emit func(*bookingRow) error) (int, error) {
	dayStart := store.Ms(day)
	wd := int(day.Weekday())
	var open []*genVenue
	var cum []float64
	wsum := 0.0
	for i := range g.venues {
		v := &g.venues[i]
		if v.openDays&(1<<wd) == 0 {
			continue
		}
		if isGrid && g.hot20[v.id] {
			continue // placed below: exactly ten each
		}
		open = append(open, v)
		wsum += v.weight
		cum = append(cum, wsum)
	}
	placed := 0
	counts := make(map[int64]int, len(open))
	for range n {
		i, _ := slices.BinarySearch(cum, g.rng.Float64()*wsum)
		counts[open[min(i, len(open)-1)].id]++
	}
	if isGrid {
		for id := range g.hot20 {
			counts[id] = 10
		}
		open = append(open, nil) // marker: the hot venues follow
		for i := range g.venues {
			if g.hot20[g.venues[i].id] {
				open = append(open, &g.venues[i])
			}
		}
	}
	for _, v := range open {
		if v == nil {
			continue
		}
		k := counts[v.id]
		if k == 0 {
			continue
		}
		got, err := g.placeDay(v, dayStart, k, isGrid && g.hot20[v.id], id, emit)
		if err != nil {
			return placed, err
		}
		if !(isGrid && g.hot20[v.id]) {
			placed += got
		}
	}
	return placed, nil
}

// placeDay lays k non-overlapping bookings (buffers included) in a venue's
// opening hours, meetings starting on the half hour; it places fewer when
// k do not fit.
func (g *generator) placeDay(v *genVenue, dayStart int64, k int, held bool, id *int64, emit func(*bookingRow) error) (int, error) {
	// In half-hour units: a meeting of d minutes starting at a half hour
	// keeps the next start at least fp(d) units later.
	fp := func(d int) int { return (d + v.bufBefore + v.bufAfter + 29) / 30 }
	first := (v.openFrom + v.bufBefore + 29) / 30 // first possible start
	units := (v.openTo-v.bufAfter)/30 - first     // room for meetings
	k = min(k, units/max(fp(30), 1))
	if k <= 0 {
		return 0, nil
	}
	durs := make([]int, k)
	used := 0
	for i := range durs {
		durs[i] = 30
		used += fp(30)
	}
	for i := range durs {
		d := []int{30, 60, 60, 60, 90, 120, 120, 180, 240}[g.rng.IntN(9)]
		if used-fp(durs[i])+fp(d) <= units {
			used += fp(d) - fp(durs[i])
			durs[i] = d
		}
	}
	slack := units - used
	at := first
	for i, d := range durs {
		if slack > 0 {
			gap := g.rng.IntN(slack/(k-i) + 1)
			slack -= gap
			at += gap
		}
		start := at * 30
		at += fp(d)
		*id++
		r := &bookingRow{id: *id, v: v, start: dayStart + int64(start)*60000, end: dayStart + int64(start+d)*60000, held: held}
		r.blockStart, r.blockEnd = r.start-int64(v.bufBefore)*60000, r.end+int64(v.bufAfter)*60000
		if err := emit(r); err != nil {
			return i, err
		}
	}
	return k, nil
}

// writeBooking fills in a booking's story (who, what, which state) and
// queues its rows: the booking, its audit row, its pending deadline job
// and, for confirmed client bookings near today, its run sheet.
func (g *generator) writeBooking(r *bookingRow, nowMs int64, bb, ab, jb, tb *batchInsert) error {
	rng := g.rng
	r.req = g.requester()
	r.purpose = booking.PurposeInternal
	if rng.IntN(100) < 30 {
		r.purpose = booking.PurposeClient
		r.client = g.pick(companies)
	}
	switch {
	case r.purpose == booking.PurposeClient:
		r.title = r.client + " " + g.pick([]string{"商务洽谈", "合同谈判", "签约仪式", "项目汇报", "技术交流", "年度合作回顾"})
	case rng.IntN(4) == 0:
		r.title = "「" + g.pick(projects) + "」项目" + g.pick([]string{"启动会", "评审会", "周例会", "复盘会"})
	default:
		r.title = departments[int(r.req.dept-1)%len(departments)].name + g.pick(topics)
	}
	r.headcount = max(1, min(r.v.capacity, 2+rng.IntN(max(r.v.capacity, 3))))
	lead := int64(1+rng.IntN(30)) * dayMs
	r.created = min(r.start-lead+int64(rng.IntN(36000000)), nowMs-60000)
	// The state, by where the booking lies in time.
	var st string
	p := rng.IntN(100)
	switch {
	case r.end <= nowMs:
		switch {
		case p < 83:
			st = booking.StatusCompleted
		case p < 91:
			st = booking.StatusCancelled
		case p < 94:
			st = booking.StatusNoShow
		case p < 97:
			st = booking.StatusRejected
		case p < 99:
			st = booking.StatusForfeited
		default:
			st = booking.StatusBumped
		}
	case r.start <= nowMs:
		st = booking.StatusInUse
		if p < 10 {
			st = booking.StatusCancelled
		}
	default:
		soon := r.start-nowMs < 30*dayMs
		switch {
		case p < 15:
			st = booking.StatusPending
		case p < 25 && r.purpose == booking.PurposeClient && soon:
			st = booking.StatusApproved
		case p < 93:
			st = booking.StatusConfirmed
		case p < 98:
			st = booking.StatusCancelled
		default:
			st = booking.StatusRejected
		}
	}
	if r.held && (st == booking.StatusCancelled || st == booking.StatusRejected) {
		st = booking.StatusConfirmed
	}
	if st == booking.StatusApproved && min(nowMs+2*dayMs, r.start-24*3600000) <= nowMs+3600000 {
		st = booking.StatusConfirmed // too close to wait for a reply
	}
	r.status = st
	active := st == booking.StatusPending || st == booking.StatusApproved || st == booking.StatusConfirmed || st == booking.StatusInUse || st == booking.StatusCompleted
	officer := g.office[rng.IntN(len(g.office))]
	decided := st != booking.StatusPending && !(st == booking.StatusCancelled && p%2 == 0)
	decidedAt := max(r.created, min(r.created+int64(1+rng.IntN(20))*3600000, nowMs-30000, r.start-600000))
	var decBy, decAt, replyBy, confAt, cancAt, ciAt, ciBy, compAt any
	confVia, token, cancelReason, decReason := "", "", "", ""
	seq := 0
	if decided {
		decBy, decAt = officer, decidedAt
		seq++
	}
	if st == booking.StatusRejected {
		decReason = g.pick([]string{"该时段已安排公司重要会议", "会场设备检修", "请改用小型洽谈室"})
	}
	needsReply := r.purpose == booking.PurposeClient && rng.IntN(3) > 0
	switch {
	case st == booking.StatusApproved:
		replyBy = min(nowMs+2*dayMs, r.start-24*3600000) // still open
	case st == booking.StatusForfeited || (needsReply && decided && st != booking.StatusRejected):
		replyBy = max(decidedAt+3600000, min(decidedAt+2*dayMs, r.start-24*3600000))
	}
	if st == booking.StatusApproved {
		t, err := venue.Token()
		if err != nil {
			return err
		}
		token = t
	}
	switch st {
	case booking.StatusConfirmed, booking.StatusInUse, booking.StatusCompleted, booking.StatusNoShow:
		confAt, confVia = decidedAt, "approval"
		if replyBy != nil {
			confVia = g.pick([]string{"portal", "link", "phone", "email"})
		}
		seq++
	case booking.StatusCancelled:
		cancAt = min(r.start-int64(rng.IntN(72))*3600000, nowMs-10000)
		cancelReason = g.pick([]string{"会议取消", "改期", "客户行程变更", "领导出差"})
		seq++
	case booking.StatusForfeited, booking.StatusBumped:
		seq++
	}
	if st == booking.StatusInUse || st == booking.StatusCompleted {
		ciAt, ciBy = r.start-int64(rng.IntN(10))*60000, r.req.id
		seq++
	}
	if st == booking.StatusCompleted {
		compAt = r.end
		seq++
	}
	noshow := 15
	tier := venue.TierInternal
	var org any
	contact, phone, email := "", "", ""
	if r.purpose == booking.PurposeClient {
		noshow, tier = 0, venue.TierClient
		contact, phone, email = g.personName(), fmt.Sprintf("13%09d", rng.IntN(1e9)), "contact@example.cn"
		if rng.IntN(3) == 0 {
			org = int64(1 + rng.IntN(100))
		}
	}
	hours := (r.end - r.start) / 3600000
	quote := int64(0)
	if tier == venue.TierClient {
		quote = r.v.rateClient * max(hours, 1)
	}
	var eq []string
	for _, e := range r.v.equipment {
		if rng.IntN(3) == 0 {
			eq = append(eq, e)
		}
	}
	updated := max(r.created, min(nowMs-1000, r.end))
	if err := bb.add(r.id, r.v.id, r.title, r.start, r.end, r.blockStart, r.blockEnd, active, st, r.purpose, g.pick(booking.Channels[:4]),
		r.headcount, "", strings.Join(eq, ","), booking.PriorityNormal, org, r.client, contact, phone, email, tier, false,
		"", "", r.req.id, store.IDOrNil(r.req.dept), decBy, decAt, decReason, replyBy, token, confAt,
		confVia, cancAt, cancelReason, int64(0), noshow, ciAt, ciBy, compAt, quote, seq,
		r.created, updated); err != nil {
		return err
	}
	after, _ := json.Marshal(map[string]any{"venue_id": r.v.id, "start": time.UnixMilli(r.start).UTC(), "end": time.UnixMilli(r.end).UTC(), "title": r.title,
		"headcount": r.headcount, "purpose": r.purpose, "client_name": r.client})
	if err := ab.add(r.created, r.req.id, r.req.name, booking.AuditEntity, r.id, "create", "", string(after), "10.0.0."+strconv.Itoa(1+rng.IntN(250))); err != nil {
		return err
	}
	key := "booking-" + strconv.FormatInt(r.id, 10)
	payload := `{"booking_id":` + strconv.FormatInt(r.id, 10) + `}`
	switch {
	case st == booking.StatusApproved:
		if err := jb.add(booking.JobForfeit, key, payload, replyBy); err != nil {
			return err
		}
	case st == booking.StatusConfirmed && noshow > 0:
		if err := jb.add(booking.JobNoShow, key, payload, r.start+int64(noshow)*60000); err != nil {
			return err
		}
	}
	// Run sheets of confirmed client bookings from a month back on.
	if r.purpose == booking.PurposeClient && r.start > nowMs-30*dayMs && (st == booking.StatusConfirmed || st == booking.StatusInUse || st == booking.StatusCompleted) {
		for _, d := range []struct {
			role, title string
			off         int64
		}{
			{access.Service, "确认会议，通知其他部门", -2 * dayMs}, {access.Service, "布置会场，安排引领", -dayMs}, {access.Engineering, "确认灯光、音像、话筒、投影完好", -dayMs},
			{access.Security, "安排外来参会车辆停放", -3600000}, {access.Service, "会议期间茶水服务", 0}, {access.Service, "清扫会场", r.end - r.start + 2*3600000},
		} {
			due := r.start + d.off
			status, closed := task.StatusOpen, any(nil)
			if due < nowMs-dayMs {
				status, closed = task.StatusDone, due+3600000
			}
			title := fmt.Sprintf("%s %s｜%s", r.v.name, time.UnixMilli(r.start).In(g.loc).Format("01-02 15:04"), d.title)
			if err := tb.add(booking.TaskKind, booking.AuditEntity, r.id, title, r.title, d.role, due, 0, status, true, "/bookings/"+strconv.FormatInt(r.id, 10), r.created, r.created, closed); err != nil {
				return err
			}
		}
	}
	return nil
}

// genInbox gives the busy office user a long inbox, some of it unread.
func (g *generator) genInbox(ctx context.Context) error {
	nowMs := store.Ms(g.now)
	return g.db.InTx(ctx, func(tx *store.Tx) error {
		var n int64
		b := newBatch(ctx, tx, "notifications", []string{"user_id", "key", "args", "link", "created_at", "read_at"}, &n)
		for _, uid := range g.office {
			count := 300
			if uid == g.busyOff {
				count = 3000
			}
			for i := range count {
				at := nowMs - int64(count-i)*3600000
				var read any = at + 600000
				if i >= count-25 {
					read = nil
				}
				args, _ := json.Marshal(map[string]any{"title": g.pick(topics), "venue": g.venues[g.rng.IntN(len(g.venues))].name, "start": time.UnixMilli(at + dayMs).In(g.loc).Format("2006-01-02 15:04")})
				if err := b.add(uid, "booking.msg.client_confirmed", string(args), "/bookings/1", at, read); err != nil {
					return err
				}
			}
		}
		err := b.flush()
		g.rows["notifications"] = n
		g.written += n
		return err
	})
}

func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
