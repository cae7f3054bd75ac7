package booking

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// Conflict is what stands in a requested slot: another booking holding the
// venue (with its details only for readers allowed to see them) or a
// maintenance period.
type Conflict struct {
	Kind      string    `json:"kind" doc:"booking or maintenance"`
	BookingID int64     `json:"booking_id,omitempty"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Status    string    `json:"status,omitempty"`
	Priority  string    `json:"priority,omitempty"`
	Title     string    `json:"title,omitempty"`
	Requester string    `json:"requester,omitempty"`
	Client    string    `json:"client,omitempty"`
	Reason    string    `json:"reason,omitempty"`
}

// Alternative is a way out of a refused request: another fitting venue
// free at the same time, or a free slot of the same venue.
type Alternative struct {
	Kind        string    `json:"kind" doc:"venue (another venue, same time) or slot (same venue, another time)"`
	VenueID     int64     `json:"venue_id"`
	VenueName   string    `json:"venue_name"`
	VenueNameEn string    `json:"venue_name_en,omitempty"`
	Capacity    int       `json:"capacity"`
	Location    string    `json:"location,omitempty"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
}

// Refusal carries the conflicts and alternatives of a refused request;
// it is the Extra of the errs.Error returned and adds them to the API body.
type Refusal struct {
	Conflicts    []Conflict    `json:"conflicts"`
	Alternatives []Alternative `json:"alternatives"`
}

// APIExtra adds "conflicts" and "alternatives" beside "error".
func (r *Refusal) APIExtra() map[string]any {
	c, a := r.Conflicts, r.Alternatives
	if c == nil {
		c = []Conflict{}
	}
	if a == nil {
		a = []Alternative{}
	}
	return map[string]any{"conflicts": c, "alternatives": a}
}

// RefusalOf returns the conflicts and alternatives carried by err, if any.
func RefusalOf(err error) *Refusal {
	if e := errs.As(err); e != nil {
		if r, ok := e.Extra.(*Refusal); ok {
			return r
		}
	}
	return nil
}

// span is a blocked range in Unix milliseconds.
type span struct {
	s, e int64
	b    *Booking // what blocks it (busy); nil where only the range was read (blocked)
}

// booking returns what blocks the span: maintenance and bare ranges give a
// booking without an ID.
func (sp span) booking() Booking {
	if sp.b == nil {
		return Booking{}
	}
	return *sp.b
}

// busyMap holds, per venue, the ranges blocked by active bookings and by
// maintenance (maintenance spans have a zero booking).
type busyMap map[int64][]span

// MaxBlockSpan is the longest blocked range a booking may hold (24 hours
// plus buffers of at most 4 hours each, rounded up); the database refuses
// longer ones. Whatever overlaps [from, to) therefore starts after
// from - MaxBlockSpan, which bounds every time look-up to a few days of
// rows however long the history.
const MaxBlockSpan = 48 * time.Hour

const maxSpanMs = int64(MaxBlockSpan / time.Millisecond)

// overlapWhere selects the active bookings whose blocked range overlaps
// [from, to), bounded for the index on block_start.
const overlapWhere = ` WHERE b.active AND b.block_start > ? AND b.block_start < ? AND b.block_end > ? AND b.id <> ?`

// busy loads what blocks the venues (0 = all) between from and to, with
// the bookings in full (for conflicts).
func (s *Service) busy(ctx context.Context, q store.Querier, venueID int64, from, to int64, excludeID int64) (busyMap, error) {
	query := `SELECT ` + bookingCols + bookingFrom + overlapWhere
	args := []any{from - maxSpanMs, to, from, excludeID}
	if venueID != 0 {
		query += ` AND b.venue_id = ?`
		args = append(args, venueID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY b.block_start`, args...)
	if err != nil {
		return nil, fmt.Errorf("load busy slots: %w", err)
	}
	m := busyMap{}
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan busy booking: %w", err)
		}
		m[b.VenueID] = append(m[b.VenueID], span{s: store.Ms(b.BlockStart), e: store.Ms(b.BlockEnd), b: &b})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return m, s.addMaintenance(ctx, q, m, venueID, from, to)
}

// shortSpanMs splits held bookings for searches across all venues: most
// block at most six hours, so those are looked for only six hours back;
// the few longer ones have an index of their own (bookings_active_long)
// searched the full two days back.
const shortSpanMs = int64(6 * time.Hour / time.Millisecond)

// blocked loads only the blocked ranges between from and to (for free
// checks: availability and alternatives), straight from the indexes.
func (s *Service) blocked(ctx context.Context, q store.Querier, venueID int64, from, to int64, excludeID int64) (busyMap, error) {
	query := `SELECT b.venue_id, b.block_start, b.block_end FROM bookings b` + overlapWhere
	args := []any{from - maxSpanMs, to, from, excludeID}
	if venueID != 0 {
		query += ` AND b.venue_id = ?`
		args = append(args, venueID)
	} else {
		query = `SELECT b.venue_id, b.block_start, b.block_end FROM bookings b` + overlapWhere +
			` UNION ALL SELECT b.venue_id, b.block_start, b.block_end FROM bookings b WHERE b.active AND b.block_end - b.block_start > 21600000
 AND b.block_start > ? AND b.block_start <= ? AND b.block_end > ? AND b.id <> ?`
		args = []any{from - shortSpanMs, to, from, excludeID, from - maxSpanMs, min(from-shortSpanMs, to), from, excludeID}
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("load blocked ranges: %w", err)
	}
	m := busyMap{}
	for rows.Next() {
		var v int64
		var sp span
		if err := rows.Scan(&v, &sp.s, &sp.e); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan blocked range: %w", err)
		}
		m[v] = append(m[v], sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return m, s.addMaintenance(ctx, q, m, venueID, from, to)
}

func (s *Service) addMaintenance(ctx context.Context, q store.Querier, m busyMap, venueID int64, from, to int64) error {
	ms, err := s.Venues.Maintenance(ctx, q, venueID, store.Time(from), store.Time(to))
	if err != nil {
		return err
	}
	for _, mt := range ms {
		m[mt.VenueID] = append(m[mt.VenueID], span{s: store.Ms(mt.Start), e: store.Ms(mt.End), b: &Booking{Title: mt.Reason, Start: mt.Start, End: mt.End}})
	}
	return nil
}

// free reports whether [start, end) at venue v is free in m.
func (m busyMap) free(v venue.Venue, start, end time.Time) bool {
	bs, be := v.Block(start, end)
	for _, sp := range m[v.ID] {
		if sp.s < be && bs < sp.e {
			return false
		}
	}
	return true
}

// conflicts lists what blocks [start, end) at venue v, for reader a.
func (m busyMap) conflicts(a access.Actor, v venue.Venue, start, end time.Time) []Conflict {
	bs, be := v.Block(start, end)
	out := []Conflict{}
	for _, sp := range m[v.ID] {
		if !(sp.s < be && bs < sp.e) {
			continue
		}
		b := sp.booking()
		if b.ID == 0 {
			out = append(out, Conflict{Kind: "maintenance", Start: b.Start, End: b.End, Reason: b.Title})
			continue
		}
		c := Conflict{Kind: "booking", BookingID: b.ID, Start: b.Start, End: b.End, Status: b.Status, Priority: b.Priority}
		if CanSee(a, b) {
			c.Title, c.Requester, c.Client = b.Title, b.RequesterName, b.ClientName
		}
		out = append(out, c)
	}
	return out
}

// Want describes a slot sought: for alternatives and availability.
type Want struct {
	VenueID   int64
	Start     time.Time
	End       time.Time
	Headcount int
	Layout    string
	Equipment []string
	ExcludeID int64 // a booking being moved, which does not block itself
}

// suits reports whether venue v can hold w's meeting (in service, open to
// the reader, headcount in the layout, equipment), whatever the time.
func suits(a access.Actor, v venue.Venue, w Want) bool {
	if !v.InService || (a.IsClient() && !v.ClientBookable) {
		return false
	}
	if w.Headcount > 0 && v.CapacityFor(w.Layout) < w.Headcount {
		return false
	}
	return v.HasEquipment(w.Equipment)
}

// fits reports whether venue v suits w and is open at its time.
func (s *Service) fits(a access.Actor, v venue.Venue, w Want) bool {
	return suits(a, v, w) && v.WithinHours(w.Start, w.End, s.Loc)
}

// Alternatives suggests, for a slot that cannot be had, up to five other
// fitting venues free at the same time (closest in size first) and up to
// six free slots of the same length in the same venue on that day and the
// next three working days (closest in time first, listed by time).
func (s *Service) Alternatives(ctx context.Context, a access.Actor, w Want) ([]Alternative, error) {
	if !w.End.After(w.Start) {
		return []Alternative{}, nil
	}
	// What the answer depends on: the slot sought and whether the reader
	// is a client (who sees only the venues open to clients).
	key := fmt.Sprintf("%t|%d|%d|%d|%d|%s|%s|%d", a.IsClient(), w.VenueID, store.Ms(w.Start), store.Ms(w.End), w.Headcount, w.Layout,
		strings.Join(w.Equipment, ","), w.ExcludeID)
	v, err, _ := s.alts.Do(key, func() (any, error) {
		return s.alternatives(context.WithoutCancel(ctx), s.DB, a, w)
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(v.([]Alternative)), nil
}

// alternatives works Alternatives out reading through q (a transaction
// sees its own changes).
func (s *Service) alternatives(ctx context.Context, q store.Querier, a access.Actor, w Want) ([]Alternative, error) {
	out := []Alternative{}
	venues, err := s.Venues.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	dur := w.End.Sub(w.Start)
	var maxBuf int64
	for _, v := range venues {
		maxBuf = max(maxBuf, int64(v.BufferBefore+v.BufferAfter)*60000)
	}
	m, err := s.blocked(ctx, q, 0, store.Ms(w.Start)-maxBuf, store.Ms(w.End)+maxBuf, w.ExcludeID)
	if err != nil {
		return nil, err
	}
	var others []venue.Venue
	var same *venue.Venue
	for i, v := range venues {
		if v.ID == w.VenueID {
			same = &venues[i]
			continue
		}
		if s.fits(a, v, w) && m.free(v, w.Start, w.End) {
			others = append(others, v)
		}
	}
	sort.SliceStable(others, func(i, j int) bool {
		return v2diff(others[i], w) < v2diff(others[j], w)
	})
	for i, v := range others {
		if i == 5 {
			break
		}
		out = append(out, Alternative{Kind: "venue", VenueID: v.ID, VenueName: v.Name, VenueNameEn: v.NameEn, Capacity: v.CapacityFor(w.Layout), Location: v.Place(), Start: w.Start, End: w.End})
	}
	if same == nil || !suits(a, *same, w) {
		return out, nil // other times in a venue that cannot hold the meeting are no way out
	}
	v := *same
	// Days: the requested one and the next three working days it is open.
	day := time.Date(w.Start.In(s.Loc).Year(), w.Start.In(s.Loc).Month(), w.Start.In(s.Loc).Day(), 0, 0, 0, 0, s.Loc)
	days := []time.Time{day}
	for d := day; len(days) < 4 && d.Before(day.AddDate(0, 0, 21)); {
		d = d.AddDate(0, 0, 1)
		if s.Cal.IsWorkday(d) && v.OpenOn(d, s.Loc) {
			days = append(days, d)
		}
	}
	last := days[len(days)-1].AddDate(0, 0, 1)
	sm, err := s.blocked(ctx, q, v.ID, store.Ms(day)-maxBuf, store.Ms(last)+maxBuf, w.ExcludeID)
	if err != nil {
		return nil, err
	}
	var slots []Alternative
	for _, d := range days {
		if !v.OpenOn(d, s.Loc) {
			continue
		}
		open, closeAt := v.OpenWindow(d, s.Loc)
		for t := open; !t.Add(dur).After(closeAt); t = t.Add(30 * time.Minute) {
			if t.Equal(w.Start) || t.Before(now) {
				continue
			}
			if sm.free(v, t, t.Add(dur)) {
				slots = append(slots, Alternative{Kind: "slot", VenueID: v.ID, VenueName: v.Name, VenueNameEn: v.NameEn, Capacity: v.CapacityFor(w.Layout), Location: v.Place(), Start: t, End: t.Add(dur)})
			}
		}
	}
	sort.SliceStable(slots, func(i, j int) bool {
		return absDur(slots[i].Start.Sub(w.Start)) < absDur(slots[j].Start.Sub(w.Start))
	})
	if len(slots) > 6 {
		slots = slots[:6]
	}
	sort.SliceStable(slots, func(i, j int) bool { return slots[i].Start.Before(slots[j].Start) })
	return append(out, slots...), nil
}

func v2diff(v venue.Venue, w Want) int {
	d := v.CapacityFor(w.Layout) - w.Headcount
	if d < 0 {
		d = -d
	}
	return d
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Availability returns the venues that suit w (capacity, equipment, in
// service, open) and are free for the whole window [w.Start, w.End).
func (s *Service) Availability(ctx context.Context, a access.Actor, w Want) ([]venue.Venue, error) {
	if !a.System && a.UserID == 0 {
		return nil, errs.New(errs.Unauthorized, "err.login_required")
	}
	var l errs.List
	if w.Start.IsZero() {
		l.Add("from", "err.required")
	}
	if w.End.IsZero() {
		l.Add("to", "err.required")
	} else if !w.End.After(w.Start) {
		l.Add("to", "err.booking_end_before_start")
	} else if w.End.Sub(w.Start) > 31*24*time.Hour {
		l.Add("to", "err.range_too_long", "days", 31)
	}
	if w.Headcount < 0 {
		l.Add("capacity", "err.must_be_positive")
	}
	for _, e := range w.Equipment {
		if !containsStr(venue.Equipment, e) {
			l.Add("equipment", "err.venue_unknown_equipment", "code", e)
			break
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	venues, err := s.Venues.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	var maxBuf int64
	for _, v := range venues {
		maxBuf = max(maxBuf, int64(v.BufferBefore+v.BufferAfter)*60000)
	}
	m, err := s.blocked(ctx, s.DB, 0, store.Ms(w.Start)-maxBuf, store.Ms(w.End)+maxBuf, 0)
	if err != nil {
		return nil, err
	}
	// A window longer than one day is checked against bookings only.
	sameDay := w.Start.In(s.Loc).Format(time.DateOnly) == w.End.Add(-time.Millisecond).In(s.Loc).Format(time.DateOnly)
	out := []venue.Venue{}
	for _, v := range venues {
		fit := s.fits(a, v, w)
		if !sameDay {
			fit = v.InService && (!a.IsClient() || v.ClientBookable) && v.CapacityFor(w.Layout) >= w.Headcount && v.HasEquipment(w.Equipment)
		}
		if fit && m.free(v, w.Start, w.End) {
			out = append(out, v)
		}
	}
	return out, nil
}

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// SuggestSlot is the first free half hour of length dur a new booking
// form should offer: on day (the site's civil day) at or after now, within
// the venue's opening hours when a venue is given (its bookings and
// buffers respected), else within working hours (09:00–18:00); when the
// day has nothing left, the next days are tried, up to a week.
func (s *Service) SuggestSlot(ctx context.Context, venueID int64, day time.Time, dur time.Duration) (time.Time, time.Time, error) {
	now := s.Clock.Now()
	day = time.Date(day.In(s.Loc).Year(), day.In(s.Loc).Month(), day.In(s.Loc).Day(), 0, 0, 0, 0, s.Loc)
	var v *venue.Venue
	var m busyMap
	if venueID != 0 {
		got, err := s.Venues.Get(ctx, nil, venueID)
		if err == nil {
			v = &got
			bs, be := got.Block(day, day.AddDate(0, 0, 8))
			if m, err = s.blocked(ctx, s.DB, got.ID, bs, be, 0); err != nil {
				return time.Time{}, time.Time{}, err
			}
		}
	}
	for d := day; d.Before(day.AddDate(0, 0, 7)); d = d.AddDate(0, 0, 1) {
		open, closeAt := d.Add(9*time.Hour), d.Add(18*time.Hour)
		if v != nil {
			if !v.OpenOn(d, s.Loc) {
				continue
			}
			open, closeAt = v.OpenWindow(d, s.Loc)
		}
		for t := open; !t.Add(dur).After(closeAt); t = t.Add(30 * time.Minute) {
			if t.Before(now) || (v != nil && !m.free(*v, t, t.Add(dur))) {
				continue
			}
			return t, t.Add(dur), nil
		}
	}
	return day.Add(9 * time.Hour), day.Add(9*time.Hour + dur), nil
}
