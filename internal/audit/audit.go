// Package audit writes and reads the append-only record of every change:
// who, when, which record, what action, and the record before and after.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Entry is one audit row.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Entity    string    `json:"entity"`
	EntityID  int64     `json:"entity_id"`
	Action    string    `json:"action"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	IP        string    `json:"ip,omitempty"`
	Withheld  bool      `json:"withheld,omitempty" doc:"The reader is not cleared for the record: before and after are withheld"`
}

// Record writes an audit row inside the caller's transaction. before and
// after are marshalled to JSON (nil stays empty), with personal data
// masked (mask.go).
func Record(ctx context.Context, q store.Querier, at time.Time, a access.Actor, entity string, id int64, action string, before, after any) error {
	b, err := marshal(before)
	if err != nil {
		return err
	}
	af, err := marshal(after)
	if err != nil {
		return err
	}
	name := a.Username
	if name == "" && a.System {
		name = "system"
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, entity, entity_id, action, before_json, after_json, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		store.Ms(at), store.IDOrNil(a.UserID), name, entity, id, action, b, af, a.IP)
	if err != nil {
		return fmt.Errorf("write audit row %s/%d %s: %w", entity, id, action, err)
	}
	return nil
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	if s, ok := v.(string); ok {
		return mask(s)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("marshal audit payload: %w", err)
	}
	return mask(string(data))
}

// Filter selects audit rows; zero fields match everything.
type Filter struct {
	Entity   string
	EntityID int64
	ActorID  int64
	Action   string
	From, To time.Time
	Limit    int
	BeforeID int64 // for paging: rows with id < BeforeID
}

// SetDates sets the filter's time range from the page's or the API's
// from and to: an RFC 3339 time, or a date in loc, where a to date
// includes its whole day. A bad value is a field error.
func (f *Filter) SetDates(from, to string, loc *time.Location) error {
	var l errs.List
	parse := func(field, v string, endOfDay bool) time.Time {
		if v == "" {
			return time.Time{}
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
		t, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			l.Add(field, "err.bad_time")
			return time.Time{}
		}
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t
	}
	f.From, f.To = parse("from", from, false), parse("to", to, true)
	return l.Err()
}

// CanBrowse reports whether the actor may read the audit log.
func CanBrowse(a access.Actor) bool { return a.Has(access.Admin, access.Executive, access.Audit) }

// List returns audit rows, newest first, unscreened: only to the system
// and to those cleared for every level (admins, executives), from whom no
// content is withheld. Other readers go through Log.List.
func List(ctx context.Context, db store.Querier, a access.Actor, f Filter) ([]Entry, error) {
	if !CanBrowse(a) || !a.Cleared(access.Secret) {
		return nil, errs.Forbid()
	}
	return list(ctx, db, f)
}

// list reads the rows the filter selects, newest first.
func list(ctx context.Context, db store.Querier, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != 0 {
		add("entity_id = ?", f.EntityID)
	}
	if f.ActorID != 0 {
		add("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		add("at >= ?", store.Ms(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", store.Ms(f.To))
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT id, at, COALESCE(actor_id, 0), actor_name, entity, entity_id, action, before_json, after_json, ip FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit rows: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Entity, &e.EntityID, &e.Action, &e.Before, &e.After, &e.IP); err != nil {
			return nil, fmt.Errorf("scan audit row: %w", err)
		}
		e.At = store.Time(at)
		// rows written before the engine masked personal data are shown
		// masked too (the log itself is append-only)
		if e.Before, err = mask(e.Before); err != nil {
			return nil, err
		}
		if e.After, err = mask(e.After); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
