package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/store"
)

// Limits of the room usage rules.
const (
	MaxRuleLines = 20
	MaxRuleLen   = 200
)

const rulesKey = "booking.room_rules"

// RoomRules are the room usage rules (会场使用须知: no smoking, arrive 15
// minutes early, …), one rule a line, per language; a language left empty
// falls back to zh-Hans. They are shown on the confirmation letter and the
// door page.
type RoomRules struct {
	ZhHans string `json:"zh-Hans" maxLength:"5000" doc:"One rule a line"`
	ZhHant string `json:"zh-Hant" maxLength:"5000" doc:"One rule a line; empty = the zh-Hans rules"`
	En     string `json:"en" maxLength:"5000" doc:"One rule a line; empty = the zh-Hans rules"`
}

// Lines returns the rules in lang, falling back to zh-Hans.
func (r RoomRules) Lines(lang string) []string {
	text := r.ZhHans
	switch lang {
	case i18n.ZhHant:
		if strings.TrimSpace(r.ZhHant) != "" {
			text = r.ZhHant
		}
	case i18n.En:
		if strings.TrimSpace(r.En) != "" {
			text = r.En
		}
	}
	return ruleLines(text)
}

func ruleLines(text string) []string {
	out := []string{}
	for l := range strings.SplitSeq(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// RoomRules returns the room usage rules in force (none until the office
// writes them).
func (s *Service) RoomRules(ctx context.Context, q store.Querier) (RoomRules, error) {
	if q == nil {
		q = s.DB
	}
	var r RoomRules
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, rulesKey).Scan(&v)
	if store.IsNoRows(err) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("read room rules: %w", err)
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return RoomRules{}, fmt.Errorf("decode room rules: %w", err)
	}
	return r, nil
}

// SetRoomRules changes the room usage rules (office, admin). Each language
// holds at most MaxRuleLines rules of at most MaxRuleLen characters; the
// lines are stored trimmed, without blank ones.
func (s *Service) SetRoomRules(ctx context.Context, a access.Actor, r RoomRules) (RoomRules, error) {
	if !a.Has(access.Admin, access.Office) {
		return RoomRules{}, errs.Forbid()
	}
	var l errs.List
	for _, f := range []struct {
		field string
		text  *string
	}{{"rules_zh_hans", &r.ZhHans}, {"rules_zh_hant", &r.ZhHant}, {"rules_en", &r.En}} {
		lines := ruleLines(*f.text)
		if len(lines) > MaxRuleLines {
			l.Add(f.field, "err.booking_rules_count", "max", MaxRuleLines)
		}
		for _, line := range lines {
			if utf8.RuneCountInString(line) > MaxRuleLen {
				l.Add(f.field, "err.too_long", "max", MaxRuleLen)
				break
			}
		}
		*f.text = strings.Join(lines, "\n")
	}
	if err := l.Err(); err != nil {
		return RoomRules{}, err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return RoomRules{}, fmt.Errorf("encode room rules: %w", err)
	}
	now := s.Clock.Now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.RoomRules(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, rulesKey, string(data), store.Ms(now)); err != nil {
			return fmt.Errorf("save room rules: %w", err)
		}
		return audit.Record(ctx, tx, now, a, "room_rules", 0, "update", before, r)
	})
	return r, err
}
