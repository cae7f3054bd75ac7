package reception

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/wallclock"
	"jiedai/internal/workday"
)

// ItineraryKinds are the steps of a visit (000 商务接待管理 2. 接待流程).
var ItineraryKinds = []string{"pickup", "welcome", "signin", "intro", "negotiation", "tour", "lunch", "dinner", "entertainment", "sendoff", "other"}

// ItineraryItem is one step of the visit's timeline.
type ItineraryItem struct {
	ID       int64     `json:"id"`
	Kind     string    `json:"kind"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at,omitzero"`
	Place    string    `json:"place,omitempty"`
	People   string    `json:"people,omitempty"`
	Notes    string    `json:"notes,omitempty"`
	DoneAt   time.Time `json:"done_at,omitzero"`
}

// Late reports whether the step should have started by now and is not done.
func (it ItineraryItem) Late(now time.Time) bool {
	return it.DoneAt.IsZero() && it.StartsAt.Before(now)
}

// ItineraryInput adds or edits a step: the date (default the visit date)
// and local times HH:MM.
type ItineraryInput struct {
	Kind   string `json:"kind"`
	Date   string `json:"date,omitempty"`
	Start  string `json:"start"`
	End    string `json:"end,omitempty"`
	Place  string `json:"place,omitempty"`
	People string `json:"people,omitempty"`
	Notes  string `json:"notes,omitempty"`
}

func (s *Service) parseItinerary(r Reception, in *ItineraryInput) (start, end time.Time, err error) {
	trimAll(&in.Kind, &in.Date, &in.Start, &in.End, &in.Place, &in.People, &in.Notes)
	var l errs.List
	if !slices.Contains(ItineraryKinds, in.Kind) {
		l.Add("kind", "err.invalid")
	}
	if in.Date == "" {
		in.Date = r.VisitDate
	}
	day, derr := workday.ParseDateIn(in.Date, s.Loc)
	if derr != nil {
		l.Add("date", "err.bad_date")
	}
	at := func(field, v string) time.Time {
		if !hhmmRE.MatchString(v) {
			l.Add(field, "err.reception.bad_time")
			return time.Time{}
		}
		if derr != nil {
			return time.Time{}
		}
		h, m, err := wallclock.ParseClock(v)
		var t time.Time
		if err == nil {
			t, err = wallclock.On(day, h, m, s.Loc)
		}
		if err != nil {
			l.Add(field, wallclock.Key(err, "err.reception.bad_time"))
		}
		return t
	}
	start = at("start", in.Start)
	if in.End != "" {
		end = at("end", in.End)
		if !start.IsZero() && !end.IsZero() && !end.After(start) {
			l.Add("end", "err.reception.end_before_start")
		}
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"place", in.Place, MaxShort * 2}, {"people", in.People, MaxText}, {"notes", in.Notes, MaxText}} {
		if utf8.RuneCountInString(f.v) > f.max {
			l.Add(f.name, "err.too_long", "max", f.max)
		}
	}
	return start, end, l.Err()
}

// Itinerary returns the visit's timeline in time order.
func (s *Service) Itinerary(ctx context.Context, a access.Actor, id int64) ([]ItineraryItem, error) {
	if _, err := s.viewable(ctx, a, id); err != nil {
		return nil, err
	}
	its, err := loadItinerary(ctx, s.DB, id)
	if err != nil || !a.IsClient() {
		return its, err
	}
	for i := range its {
		its[i] = its[i].ForClient()
	}
	return its, nil
}

func loadItinerary(ctx context.Context, q store.Querier, id int64) ([]ItineraryItem, error) {
	rows, err := q.Query(ctx, `SELECT id, kind, starts_at, ends_at, place, people, notes, done_at FROM reception_itinerary WHERE reception_id = ? ORDER BY starts_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("list itinerary of reception %d: %w", id, err)
	}
	defer rows.Close()
	var out []ItineraryItem
	for rows.Next() {
		var it ItineraryItem
		var start int64
		var end, done sql.NullInt64
		if err := rows.Scan(&it.ID, &it.Kind, &start, &end, &it.Place, &it.People, &it.Notes, &done); err != nil {
			return nil, fmt.Errorf("scan itinerary: %w", err)
		}
		it.StartsAt, it.EndsAt, it.DoneAt = store.Time(start), store.NullMs(end), store.NullMs(done)
		out = append(out, it)
	}
	return out, rows.Err()
}

// AddItinerary adds a step to the timeline.
func (s *Service) AddItinerary(ctx context.Context, a access.Actor, id int64, in ItineraryInput) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.manageable(ctx, tx, a, id, "edit_plan")
		if err != nil {
			return err
		}
		start, end, err := s.parseItinerary(r, &in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reception_itinerary (reception_id, kind, starts_at, ends_at, place, people, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, in.Kind, store.Ms(start), store.MsOrNil(end), in.Place, in.People, in.Notes, store.Ms(now), store.Ms(now)); err != nil {
			return fmt.Errorf("insert itinerary: %w", err)
		}
		return auditCase(ctx, tx, now, a, id, "add_itinerary", nil, in)
	})
}

// UpdateItinerary edits a step.
func (s *Service) UpdateItinerary(ctx context.Context, a access.Actor, itemID int64, in ItineraryInput) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		rid, err := parentOf(ctx, tx, "reception_itinerary", itemID)
		if err != nil {
			return err
		}
		r, err := s.manageable(ctx, tx, a, rid, "edit_plan")
		if err != nil {
			return err
		}
		start, end, err := s.parseItinerary(r, &in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_itinerary SET kind = ?, starts_at = ?, ends_at = ?, place = ?, people = ?, notes = ?, updated_at = ? WHERE id = ?`,
			in.Kind, store.Ms(start), store.MsOrNil(end), in.Place, in.People, in.Notes, store.Ms(now), itemID); err != nil {
			return fmt.Errorf("update itinerary %d: %w", itemID, err)
		}
		return auditCase(ctx, tx, now, a, rid, "edit_itinerary", map[string]any{"item": itemID}, in)
	})
}

// RemoveItinerary deletes a step.
func (s *Service) RemoveItinerary(ctx context.Context, a access.Actor, itemID int64) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		rid, err := parentOf(ctx, tx, "reception_itinerary", itemID)
		if err != nil {
			return err
		}
		if _, err := s.manageable(ctx, tx, a, rid, "edit_plan"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reception_itinerary WHERE id = ?`, itemID); err != nil {
			return fmt.Errorf("delete itinerary %d: %w", itemID, err)
		}
		return auditCase(ctx, tx, now, a, rid, "remove_itinerary", map[string]any{"item": itemID}, nil)
	})
}

// MarkItinerary records a step as done (or not) on the day.
func (s *Service) MarkItinerary(ctx context.Context, a access.Actor, itemID int64, done bool) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		rid, err := parentOf(ctx, tx, "reception_itinerary", itemID)
		if err != nil {
			return err
		}
		r, err := s.load(ctx, tx, rid)
		if err != nil {
			return err
		}
		if !CanDesk(a, r) {
			return errs.Refuse(CanView(a, r))
		}
		if r.Status != StatusReady && r.Status != StatusOngoing {
			return stateError(r.Status, "mark_done")
		}
		var v any
		if done {
			v = store.Ms(now)
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_itinerary SET done_at = ?, updated_at = ? WHERE id = ?`, v, store.Ms(now), itemID); err != nil {
			return fmt.Errorf("mark itinerary %d: %w", itemID, err)
		}
		return auditCase(ctx, tx, now, a, rid, "mark_itinerary", nil, map[string]any{"item": itemID, "done": done})
	})
}

// parentOf returns the reception a child row belongs to.
func parentOf(ctx context.Context, q store.Querier, table string, id int64) (int64, error) {
	var rid int64
	err := q.QueryRow(ctx, `SELECT reception_id FROM `+table+` WHERE id = ?`, id).Scan(&rid)
	if err != nil {
		return 0, errs.Wrap(store.MapError(err), fmt.Sprintf("get %s %d", table, id))
	}
	return rid, nil
}

// defaultItinerary drafts the timeline from the application: pickup when a
// car is sent, welcome, sign-in, introduction, negotiation, a tour, meals
// and entertainment when booked, and the send-off.
func (s *Service) defaultItinerary(ctx context.Context, tx store.Querier, now time.Time, r Reception) error {
	base := r.ArrivalAt(s.Loc)
	if base.IsZero() {
		return nil
	}
	type step struct {
		kind       string
		start, end time.Time
		place      string
	}
	var steps []step
	t := base
	if r.Form.CarPickup {
		steps = append(steps, step{"pickup", t.Add(-30 * time.Minute), t.Add(30 * time.Minute), ""})
		t = t.Add(45 * time.Minute)
	}
	steps = append(steps,
		step{"welcome", t, t.Add(10 * time.Minute), ""},
		step{"signin", t.Add(10 * time.Minute), t.Add(20 * time.Minute), ""},
		step{"intro", t.Add(20 * time.Minute), t.Add(50 * time.Minute), ""},
		step{"negotiation", t.Add(50 * time.Minute), t.Add(110 * time.Minute), ""},
		step{"tour", t.Add(110 * time.Minute), t.Add(140 * time.Minute), ""},
	)
	end := t.Add(140 * time.Minute)
	day := func(h, m int) time.Time { return wallclock.OnForward(base, h, m, s.Loc) }
	if r.Form.Lunch.Need {
		st := day(12, 0)
		if st.Before(end) {
			st = end
		}
		steps = append(steps, step{"lunch", st, st.Add(90 * time.Minute), r.Form.Lunch.Place})
		end = st.Add(90 * time.Minute)
	}
	if r.Form.Dinner.Need {
		st := day(18, 0)
		if st.Before(end) {
			st = end
		}
		steps = append(steps, step{"dinner", st, st.Add(2 * time.Hour), r.Form.Dinner.Place})
		end = st.Add(2 * time.Hour)
	}
	if r.Form.Entertainment.Need {
		steps = append(steps, step{"entertainment", end, end.Add(90 * time.Minute), r.Form.Entertainment.Place})
		end = end.Add(90 * time.Minute)
	}
	steps = append(steps, step{"sendoff", end, end.Add(20 * time.Minute), ""})
	for _, st := range steps {
		if _, err := tx.Exec(ctx, `INSERT INTO reception_itinerary (reception_id, kind, starts_at, ends_at, place, people, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', '', ?, ?)`,
			r.ID, st.kind, store.Ms(st.start), store.Ms(st.end), st.place, store.Ms(now), store.Ms(now)); err != nil {
			return fmt.Errorf("insert itinerary: %w", err)
		}
	}
	return nil
}

// deskCase loads a case whose sign-in desk the actor may work.
func (s *Service) deskCase(ctx context.Context, q store.Querier, a access.Actor, id int64) (Reception, error) {
	r, err := s.load(ctx, q, id)
	if err != nil {
		return Reception{}, err
	}
	if !CanDesk(a, r) {
		return Reception{}, errs.Refuse(CanView(a, r))
	}
	return r, nil
}

// RoomSlot is the span of the visit's meeting-room steps (introduction,
// negotiation, tour), for the meeting-room booking; zero without them.
func RoomSlot(its []ItineraryItem) (start, end time.Time) {
	for _, it := range its {
		if it.Kind != "intro" && it.Kind != "negotiation" && it.Kind != "signin" {
			continue
		}
		if start.IsZero() || it.StartsAt.Before(start) {
			start = it.StartsAt
		}
		e := it.EndsAt
		if e.IsZero() {
			e = it.StartsAt.Add(time.Hour)
		}
		if e.After(end) {
			end = e
		}
	}
	return start, end
}

// CanBookRoom reports whether the actor may request the case's meeting
// room now: the application asked for one and the case is being prepared.
func CanBookRoom(a access.Actor, r Reception) bool {
	return r.Form.MeetingRoom && CanManage(a, r) && (r.Status == StatusPlanning || r.Status == StatusPlanReview || r.Status == StatusReady)
}

// RoomTimes reads the meeting room's clock times ("HH:MM", fields
// room_start and room_end) on the case's visit day in the site's zone.
func RoomTimes(r Reception, loc *time.Location, from, to string) (start, end time.Time, err error) {
	day := r.Visit(loc)
	var l errs.List
	at := func(field, hm string) time.Time {
		h, m, err := wallclock.ParseClock(strings.TrimSpace(hm))
		var t time.Time
		if err == nil && !day.IsZero() {
			t, err = wallclock.On(day, h, m, loc)
		}
		if err != nil || day.IsZero() {
			l.Add(field, wallclock.Key(err, "err.reception.bad_time"))
		}
		return t
	}
	start, end = at("room_start", from), at("room_end", to)
	return start, end, l.Err()
}

// LinkRoomTx records, in the caller's transaction, the meeting room booked
// for the case (booking module) and puts its cost on the case's budget:
// one venue line, replaced when the room is booked again.
func (s *Service) LinkRoomTx(ctx context.Context, tx *store.Tx, a access.Actor, id, bookingID int64, room string, costFen int64) error {
	now := s.Clock.Now()
	r, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	if !CanBookRoom(a, r) {
		return errs.Refuse(CanView(a, r))
	}
	if _, err := tx.Exec(ctx, `UPDATE receptions SET booking_id = ?, updated_at = ? WHERE id = ?`, bookingID, store.Ms(now), id); err != nil {
		return fmt.Errorf("link booking to reception %d: %w", id, err)
	}
	res, err := tx.Exec(ctx, `UPDATE reception_expenses SET item = ?, budget_fen = ?, updated_at = ? WHERE reception_id = ? AND category = ?`,
		room, costFen, store.Ms(now), id, ExpenseVenue)
	if err != nil {
		return fmt.Errorf("update the room's budget line: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if err := insertExpense(ctx, tx, now, id, ExpenseInput{Category: ExpenseVenue, Item: room, BudgetFen: costFen}); err != nil {
			return err
		}
	}
	return auditCase(ctx, tx, now, a, id, "book_room", map[string]any{"booking_id": r.BookingID}, map[string]any{"booking_id": bookingID, "room": room, "cost_fen": costFen})
}

// RoomHeld reports whether the meeting room the application asked for is
// held: a booking linked to the case that still holds its slot.
func RoomHeld(ctx context.Context, q store.Querier, r Reception) (bool, error) {
	if !r.Form.MeetingRoom {
		return true, nil
	}
	if r.BookingID == 0 {
		return false, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM bookings WHERE id = ? AND active = ?`, r.BookingID, true).Scan(&n); err != nil {
		return false, fmt.Errorf("check the room of reception %d: %w", r.ID, err)
	}
	return n == 1, nil
}
