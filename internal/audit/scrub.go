package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/store"
)

// Erased replaces a personal value in the payload of an older audit row.
const Erased = "[erased]"

// Scrub replaces the personal values in the payloads (before and after) of
// the audit rows of one record with Erased, as an erasure under the right
// to deletion requires, and returns how many rows it changed. Values
// shorter than two characters are left alone (they would match anything).
// Each row changed is listed in audit_erasures first: the database lets an
// erasure rewrite only those rows' payloads, and nothing else of any row.
func Scrub(ctx context.Context, tx store.Querier, now time.Time, entity string, id int64, values []string) (int, error) {
	var vals []string
	for _, v := range values {
		if v = strings.TrimSpace(v); utf8.RuneCountInString(v) >= 2 {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, before_json, after_json FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id`, entity, id)
	if err != nil {
		return 0, fmt.Errorf("read audit rows of %s/%d: %w", entity, id, err)
	}
	type change struct {
		id            int64
		before, after string
	}
	var changes []change
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.id, &c.before, &c.after); err != nil {
			rows.Close()
			return 0, fmt.Errorf("scan audit row: %w", err)
		}
		b, bok := scrubPayload(c.before, vals)
		a, aok := scrubPayload(c.after, vals)
		if bok || aok {
			changes = append(changes, change{c.id, b, a})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read audit rows of %s/%d: %w", entity, id, err)
	}
	for _, c := range changes {
		if _, err := tx.Exec(ctx, `INSERT INTO audit_erasures (audit_id, erased_at) VALUES (?, ?) ON CONFLICT (audit_id) DO NOTHING`, c.id, store.Ms(now)); err != nil {
			return 0, fmt.Errorf("list audit row %d as erased: %w", c.id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE audit_log SET before_json = ?, after_json = ? WHERE id = ?`, c.before, c.after, c.id); err != nil {
			return 0, fmt.Errorf("erase personal values of audit row %d: %w", c.id, err)
		}
	}
	return len(changes), nil
}

// scrubPayload replaces the values in one payload: the string values of a
// JSON document, or the text itself when it is not JSON.
func scrubPayload(payload string, vals []string) (string, bool) {
	if payload == "" {
		return payload, false
	}
	var doc any
	if err := json.Unmarshal([]byte(payload), &doc); err != nil {
		out := scrubString(payload, vals)
		return out, out != payload
	}
	changed := false
	doc = walk(doc, vals, &changed)
	if !changed {
		return payload, false
	}
	data, err := json.Marshal(doc)
	if err != nil { // cannot happen for a decoded document
		return payload, false
	}
	return string(data), true
}

func walk(v any, vals []string, changed *bool) any {
	switch x := v.(type) {
	case string:
		if s := scrubString(x, vals); s != x {
			*changed = true
			return s
		}
	case []any:
		for i := range x {
			x[i] = walk(x[i], vals, changed)
		}
	case map[string]any:
		for k := range x {
			x[k] = walk(x[k], vals, changed)
		}
	}
	return v
}

func scrubString(s string, vals []string) string {
	for _, v := range vals {
		s = strings.ReplaceAll(s, v, Erased)
	}
	return s
}
