// Package overrides stores the working-day overrides an admin enters (an
// extra holiday, a make-up working day) and builds the calendar with them.
// Package workday itself knows nothing of the database.
package overrides

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/workday"
)

// AuditEntity is the entity name of overrides in the audit log.
const AuditEntity = "workday_override"

// MaxName is the longest override name.
const MaxName = 64

// Entry is a stored override.
type Entry struct {
	ID        int64     `json:"id"`
	Date      string    `json:"date"` // YYYY-MM-DD
	Kind      string    `json:"kind"` // workday.OverrideHoliday or workday.OverrideWorkday
	Name      string    `json:"name,omitempty"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Override returns the entry as the calendar takes it.
func (e Entry) Override() workday.Override {
	return workday.Override{Date: e.Date, Kind: e.Kind, Name: e.Name}
}

// Entries returns every stored override by date.
func Entries(ctx context.Context, q store.Querier) ([]Entry, error) {
	rows, err := q.Query(ctx, `SELECT id, date, kind, name, COALESCE(created_by, 0), created_at FROM workday_overrides ORDER BY date`)
	if err != nil {
		return nil, fmt.Errorf("list working-day overrides: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		if err := rows.Scan(&e.ID, &e.Date, &e.Kind, &e.Name, &e.CreatedBy, &at); err != nil {
			return nil, fmt.Errorf("scan working-day override: %w", err)
		}
		e.CreatedAt = store.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// List returns the overrides for workday.New.
func List(ctx context.Context, q store.Querier) ([]workday.Override, error) {
	es, err := Entries(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]workday.Override, len(es))
	for i, e := range es {
		out[i] = e.Override()
	}
	return out, nil
}

// Calendar builds the working-day calendar for loc with the stored overrides.
func Calendar(ctx context.Context, q store.Querier, loc *time.Location) (*workday.Calendar, error) {
	ovs, err := List(ctx, q)
	if err != nil {
		return nil, err
	}
	return workday.New(loc, ovs)
}

// Reload puts the stored overrides into the live calendar when they differ
// from last (what the previous call loaded; nil the first time) and
// returns what it loaded. Every instance calls it periodically, so an
// override saved on one instance reaches the others.
func Reload(ctx context.Context, q store.Querier, cal *workday.Calendar, last []workday.Override) ([]workday.Override, error) {
	list, err := List(ctx, q)
	if err != nil {
		return last, err
	}
	if last != nil && slices.Equal(list, last) {
		return last, nil
	}
	if err := cal.SetOverrides(list); err != nil {
		return last, fmt.Errorf("apply working-day overrides: %w", err)
	}
	return list, nil
}

// Add stores an override; admins only, one per date, audited.
func Add(ctx context.Context, q store.Querier, now time.Time, a access.Actor, o workday.Override) (Entry, error) {
	if !a.Has(access.Admin) {
		return Entry{}, errs.Forbid()
	}
	o.Date, o.Name = strings.TrimSpace(o.Date), strings.TrimSpace(o.Name)
	var l errs.List
	if _, err := workday.ParseDate(o.Date); err != nil {
		l.Add("date", "err.bad_date")
	}
	if o.Kind != workday.OverrideHoliday && o.Kind != workday.OverrideWorkday {
		l.Add("kind", "err.invalid")
	}
	if utf8.RuneCountInString(o.Name) > MaxName {
		l.Add("name", "err.too_long", "max", MaxName)
	}
	if err := l.Err(); err != nil {
		return Entry{}, err
	}
	id, err := store.InsertID(ctx, q, `INSERT INTO workday_overrides (date, kind, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		o.Date, o.Kind, o.Name, store.IDOrNil(a.UserID), store.Ms(now))
	if errors.Is(err, store.ErrConflict) {
		return Entry{}, errs.Field("date", "err.workday.duplicate", "date", o.Date)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("insert working-day override %s: %w", o.Date, err)
	}
	e := Entry{ID: id, Date: o.Date, Kind: o.Kind, Name: o.Name, CreatedBy: a.UserID, CreatedAt: store.Time(store.Ms(now))}
	if err := audit.Record(ctx, q, now, a, AuditEntity, id, "create", nil, e); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Delete removes the override of a date; admins only, audited.
func Delete(ctx context.Context, q store.Querier, now time.Time, a access.Actor, date string) error {
	if !a.Has(access.Admin) {
		return errs.Forbid()
	}
	var e Entry
	var at int64
	err := q.QueryRow(ctx, `SELECT id, date, kind, name, COALESCE(created_by, 0), created_at FROM workday_overrides WHERE date = ?`, date).
		Scan(&e.ID, &e.Date, &e.Kind, &e.Name, &e.CreatedBy, &at)
	if err != nil {
		return errs.Wrap(store.MapError(err), "get working-day override "+date)
	}
	e.CreatedAt = store.Time(at)
	if _, err := q.Exec(ctx, `DELETE FROM workday_overrides WHERE id = ?`, e.ID); err != nil {
		return fmt.Errorf("delete working-day override %s: %w", date, err)
	}
	return audit.Record(ctx, q, now, a, AuditEntity, e.ID, "delete", e, nil)
}
