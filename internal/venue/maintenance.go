package venue

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Maintenance is a period during which a venue cannot be booked; bookings
// it overlaps are flagged.
type Maintenance struct {
	ID        int64     `json:"id"`
	VenueID   int64     `json:"venue_id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Reason    string    `json:"reason"`
	RepairID  int64     `json:"repair_id,omitempty"`
	Cancelled bool      `json:"cancelled"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Maintenance returns the periods (not cancelled) of a venue (0 = all)
// overlapping [from, to).
func (s *Service) Maintenance(ctx context.Context, q store.Querier, venueID int64, from, to time.Time) ([]Maintenance, error) {
	if q == nil {
		q = s.DB
	}
	query := `SELECT id, venue_id, start_ms, end_ms, reason, repair_id, cancelled, created_by, created_at FROM venue_maintenance
 WHERE NOT cancelled AND start_ms < ? AND end_ms > ?`
	args := []any{store.Ms(to), store.Ms(from)}
	if venueID != 0 {
		query += ` AND venue_id = ?`
		args = append(args, venueID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY start_ms`, args...)
	if err != nil {
		return nil, fmt.Errorf("list maintenance: %w", err)
	}
	defer rows.Close()
	out := []Maintenance{}
	for rows.Next() {
		var m Maintenance
		var st, en, cr int64
		var rep, by sql.NullInt64
		if err := rows.Scan(&m.ID, &m.VenueID, &st, &en, &m.Reason, &rep, &m.Cancelled, &by, &cr); err != nil {
			return nil, fmt.Errorf("scan maintenance: %w", err)
		}
		m.Start, m.End, m.CreatedAt = store.Time(st), store.Time(en), store.Time(cr)
		m.RepairID, m.CreatedBy = nullInt(rep), nullInt(by)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddMaintenance puts a venue under maintenance for [start, end) (office,
// engineering). Bookings in the period stay as they are and are flagged.
func (s *Service) AddMaintenance(ctx context.Context, a access.Actor, venueID int64, start, end time.Time, reason string) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.addMaintenance(ctx, tx, a, venueID, start, end, reason, 0)
		return err
	})
	return id, err
}

func (s *Service) addMaintenance(ctx context.Context, tx *store.Tx, a access.Actor, venueID int64, start, end time.Time, reason string, repairID int64) (int64, error) {
	if !a.Has(access.Office, access.Engineering) {
		return 0, errs.Forbid()
	}
	reason = strings.TrimSpace(reason)
	var l errs.List
	if start.IsZero() {
		l.Add("start", "err.required")
	}
	if end.IsZero() {
		l.Add("end", "err.required")
	} else if !end.After(start) {
		l.Add("end", "err.booking_end_before_start")
	}
	if utf8.RuneCountInString(reason) > 500 {
		l.Add("reason", "err.too_long", "max", 500)
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	if _, err := s.Get(ctx, tx, venueID); err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	id, err := store.InsertID(ctx, tx, `INSERT INTO venue_maintenance (venue_id, start_ms, end_ms, reason, repair_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		venueID, store.Ms(start), store.Ms(end), reason, store.IDOrNil(repairID), store.IDOrNil(a.UserID), store.Ms(now))
	if err != nil {
		return 0, fmt.Errorf("insert maintenance: %w", err)
	}
	m := Maintenance{ID: id, VenueID: venueID, Start: start, End: end, Reason: reason, RepairID: repairID}
	return id, audit.Record(ctx, tx, now, a, "venue_maintenance", id, "create", nil, m)
}

// CancelMaintenance ends a maintenance period early or withdraws it.
func (s *Service) CancelMaintenance(ctx context.Context, a access.Actor, id int64) error {
	if !a.Has(access.Office, access.Engineering) {
		return errs.Forbid()
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		return s.endMaintenance(ctx, tx, a, id, now)
	})
}

// endMaintenance withdraws a future period or cuts a running one at now.
func (s *Service) endMaintenance(ctx context.Context, tx *store.Tx, a access.Actor, id int64, now time.Time) error {
	var st, en int64
	var cancelled bool
	if err := tx.QueryRow(ctx, `SELECT start_ms, end_ms, cancelled FROM venue_maintenance WHERE id = ?`, id).Scan(&st, &en, &cancelled); err != nil {
		return errs.Wrap(store.MapError(err), "get maintenance")
	}
	if cancelled || en <= store.Ms(now) {
		return nil
	}
	var err error
	if st >= store.Ms(now) {
		_, err = tx.Exec(ctx, `UPDATE venue_maintenance SET cancelled = ? WHERE id = ?`, true, id)
	} else {
		_, err = tx.Exec(ctx, `UPDATE venue_maintenance SET end_ms = ? WHERE id = ?`, store.Ms(now), id)
	}
	if err != nil {
		return fmt.Errorf("end maintenance: %w", err)
	}
	return audit.Record(ctx, tx, now, a, "venue_maintenance", id, "end", map[string]int64{"end_ms": en}, map[string]int64{"end_ms": store.Ms(now)})
}
