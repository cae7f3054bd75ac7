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

// Repair statuses.
const (
	RepairOpen      = "open"
	RepairFixed     = "fixed"
	RepairCancelled = "cancelled"
)

// Repair is an equipment fault reported for a venue (报修).
type Repair struct {
	ID            int64     `json:"id"`
	VenueID       int64     `json:"venue_id"`
	Equipment     string    `json:"equipment"`
	Description   string    `json:"description"`
	Status        string    `json:"status"`
	ReportedBy    int64     `json:"reported_by,omitempty"`
	ReporterName  string    `json:"reporter_name,omitempty"`
	ReportedAt    time.Time `json:"reported_at"`
	Resolution    string    `json:"resolution,omitempty"`
	ResolvedBy    int64     `json:"resolved_by,omitempty"`
	ResolvedAt    time.Time `json:"resolved_at,omitzero"`
	MaintenanceID int64     `json:"maintenance_id,omitempty"`
}

// RepairInput reports a fault; MaintenanceUntil, when set by office or
// engineering, also puts the venue under maintenance from now until then.
type RepairInput struct {
	VenueID          int64
	Equipment        string
	Description      string
	MaintenanceUntil time.Time
}

// CanHandleRepairs reports whether the actor works on repairs.
func CanHandleRepairs(a access.Actor) bool { return a.Has(access.Engineering, access.Office) }

// ReportRepair records a fault; any signed-in user may report one.
func (s *Service) ReportRepair(ctx context.Context, a access.Actor, in RepairInput) (Repair, error) {
	if !a.System && a.UserID == 0 {
		return Repair{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	in.Description = strings.TrimSpace(in.Description)
	in.Equipment = strings.TrimSpace(in.Equipment)
	var l errs.List
	if in.Description == "" {
		l.Add("description", "err.required")
	} else if utf8.RuneCountInString(in.Description) > 2000 {
		l.Add("description", "err.too_long", "max", 2000)
	}
	if in.Equipment != "" && !containsCode(Equipment, in.Equipment) && in.Equipment != "other" {
		l.Add("equipment", "err.venue_unknown_equipment", "code", in.Equipment)
	}
	now := s.Clock.Now()
	if !in.MaintenanceUntil.IsZero() {
		if !CanHandleRepairs(a) {
			l.Add("maintenance_until", "err.forbidden")
		} else if !in.MaintenanceUntil.After(now) {
			l.Add("maintenance_until", "err.venue_must_be_future")
		}
	}
	if err := l.Err(); err != nil {
		return Repair{}, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Get(ctx, tx, in.VenueID); err != nil {
			return err
		}
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO venue_repairs (venue_id, equipment, description, status, reported_by, reported_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.VenueID, in.Equipment, in.Description, RepairOpen, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert repair: %w", err)
		}
		if !in.MaintenanceUntil.IsZero() {
			mid, err := s.addMaintenance(ctx, tx, a, in.VenueID, now, in.MaintenanceUntil, in.Description, id)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE venue_repairs SET maintenance_id = ? WHERE id = ?`, mid, id); err != nil {
				return fmt.Errorf("link maintenance: %w", err)
			}
		}
		if err := s.tellRepair(ctx, tx, a, id, in, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "venue_repair", id, "report", nil, in)
	})
	if err != nil {
		return Repair{}, err
	}
	return s.Repair(ctx, id)
}

func containsCode(list []string, c string) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

const repairCols = `r.id, r.venue_id, r.equipment, r.description, r.status, r.reported_by, COALESCE(u.display_name, ''), r.reported_at,
 r.resolution, r.resolved_by, r.resolved_at, r.maintenance_id`

func scanRepair(sc interface{ Scan(...any) error }) (Repair, error) {
	var r Repair
	var by, rb, ra, mid sql.NullInt64
	var at int64
	if err := sc.Scan(&r.ID, &r.VenueID, &r.Equipment, &r.Description, &r.Status, &by, &r.ReporterName, &at, &r.Resolution, &rb, &ra, &mid); err != nil {
		return r, err
	}
	r.ReportedBy, r.ResolvedBy, r.MaintenanceID = nullInt(by), nullInt(rb), nullInt(mid)
	r.ReportedAt, r.ResolvedAt = store.Time(at), store.NullMs(ra)
	return r, nil
}

// Repair returns one repair.
func (s *Service) Repair(ctx context.Context, id int64) (Repair, error) {
	r, err := scanRepair(s.DB.QueryRow(ctx, `SELECT `+repairCols+` FROM venue_repairs r LEFT JOIN users u ON u.id = r.reported_by WHERE r.id = ?`, id))
	return r, errs.Wrap(store.MapError(err), "get repair")
}

// Repairs lists repairs, newest first: every repair for engineering and
// office, the ones they reported for others. venueID 0 = all venues;
// status "" = all.
func (s *Service) Repairs(ctx context.Context, a access.Actor, venueID int64, status string) ([]Repair, error) {
	if !a.System && a.UserID == 0 {
		return nil, errs.New(errs.Unauthorized, "err.login_required")
	}
	q := `SELECT ` + repairCols + ` FROM venue_repairs r LEFT JOIN users u ON u.id = r.reported_by WHERE 1 = 1`
	var args []any
	if venueID != 0 {
		q += ` AND r.venue_id = ?`
		args = append(args, venueID)
	}
	if status != "" {
		q += ` AND r.status = ?`
		args = append(args, status)
	}
	if !CanHandleRepairs(a) {
		q += ` AND r.reported_by = ?`
		args = append(args, a.UserID)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY r.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("list repairs: %w", err)
	}
	defer rows.Close()
	out := []Repair{}
	for rows.Next() {
		r, err := scanRepair(rows)
		if err != nil {
			return nil, fmt.Errorf("scan repair: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ResolveRepair closes a repair as fixed (or cancelled) with a note and
// ends the maintenance it opened (engineering, office).
func (s *Service) ResolveRepair(ctx context.Context, a access.Actor, id int64, status, resolution string) error {
	if !CanHandleRepairs(a) {
		return errs.Forbid()
	}
	if status != RepairFixed && status != RepairCancelled {
		return errs.Field("status", "err.invalid")
	}
	resolution = strings.TrimSpace(resolution)
	if utf8.RuneCountInString(resolution) > 2000 {
		return errs.Field("resolution", "err.too_long", "max", 2000)
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := scanRepair(tx.QueryRow(ctx, `SELECT `+repairCols+` FROM venue_repairs r LEFT JOIN users u ON u.id = r.reported_by WHERE r.id = ?`, id))
		if err != nil {
			return errs.Wrap(store.MapError(err), "get repair")
		}
		if r.Status != RepairOpen {
			return errs.State(r.Status, status)
		}
		if _, err := tx.Exec(ctx, `UPDATE venue_repairs SET status = ?, resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?`,
			status, resolution, store.IDOrNil(a.UserID), store.Ms(now), id); err != nil {
			return fmt.Errorf("resolve repair: %w", err)
		}
		if r.MaintenanceID != 0 {
			if err := s.endMaintenance(ctx, tx, a, r.MaintenanceID, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, "venue_repair", id, status, r, map[string]string{"status": status, "resolution": resolution})
	})
}
