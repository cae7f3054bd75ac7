package venue

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Fee bases: how a room charge was worked out.
const (
	BasisHour        = "hour"
	BasisHalfDay     = "half_day"
	BasisFullDay     = "full_day"
	BasisFullDayPlus = "full_day_plus"
)

// RoomFee returns the room charge in fen for a booking of duration d at the
// tier's rates, and the basis used. Time is billed in started half hours at
// the hourly price, capped at the half-day price up to 4 hours and at the
// full-day price up to 8 hours; beyond 8 hours the full-day price plus the
// hourly price for the extra time.
func (v Venue) RoomFee(tier string, d time.Duration) (int64, string) {
	r := v.Rates.For(tier)
	halves := int64((d + 30*time.Minute - 1) / (30 * time.Minute))
	hourly := r.Hour * halves / 2
	switch {
	case d <= 4*time.Hour && r.HalfDay > 0 && r.HalfDay < hourly:
		return r.HalfDay, BasisHalfDay
	case d <= 4*time.Hour:
		return hourly, BasisHour
	case d <= 8*time.Hour && r.FullDay > 0 && r.FullDay < hourly:
		return r.FullDay, BasisFullDay
	case d <= 8*time.Hour:
		return hourly, BasisHour
	case r.FullDay > 0:
		extra := r.Hour * (halves - 16) / 2
		if r.FullDay+extra < hourly {
			return r.FullDay + extra, BasisFullDayPlus
		}
	}
	return hourly, BasisHour
}

// Add-on kinds and units.
const (
	AddonEquipment = "equipment"
	AddonService   = "service"
)

// Units lists the units an add-on is priced by.
var Units = []string{"person", "unit", "hour", "session"}

// Addon is an extra on the rate card: equipment or a service such as tea,
// fruit or snacks, priced per person, unit, hour or session.
type Addon struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	Kind     string `json:"kind"`
	Unit     string `json:"unit"`
	Internal int64  `json:"price_internal"`
	Client   int64  `json:"price_client"`
	Key      int64  `json:"price_key"`
	Active   bool   `json:"active"`
	Sort     int    `json:"sort"`
}

// Price returns the add-on's unit price for a tier.
func (a Addon) Price(tier string) int64 {
	switch tier {
	case TierClient:
		return a.Client
	case TierKey:
		return a.Key
	}
	return a.Internal
}

// DisplayName returns the name in lang.
func (a Addon) DisplayName(lang string) string {
	if lang == "en" && a.NameEn != "" {
		return a.NameEn
	}
	return a.Name
}

// Addons lists the add-ons (all, or only the active ones).
func (s *Service) Addons(ctx context.Context, q store.Querier, activeOnly bool) ([]Addon, error) {
	if q == nil {
		q = s.DB
	}
	query := `SELECT id, code, name, name_en, kind, unit, price_internal, price_client, price_key, active, sort FROM venue_addons`
	if activeOnly {
		query += ` WHERE active`
	}
	rows, err := q.Query(ctx, query+` ORDER BY sort, id`)
	if err != nil {
		return nil, fmt.Errorf("list add-ons: %w", err)
	}
	defer rows.Close()
	out := []Addon{}
	for rows.Next() {
		var x Addon
		if err := rows.Scan(&x.ID, &x.Code, &x.Name, &x.NameEn, &x.Kind, &x.Unit, &x.Internal, &x.Client, &x.Key, &x.Active, &x.Sort); err != nil {
			return nil, fmt.Errorf("scan add-on: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// SaveAddon creates (id 0) or edits an add-on (office).
func (s *Service) SaveAddon(ctx context.Context, a access.Actor, id int64, in Addon) (int64, error) {
	if !CanManage(a) {
		return 0, errs.Forbid()
	}
	var l errs.List
	in.Code = strings.TrimSpace(in.Code)
	if !codeRE.MatchString(in.Code) {
		l.Add("code", "err.venue_code")
	}
	in.Name = namecheck.Check(&l, "name", in.Name, true, 64)
	in.NameEn = namecheck.Check(&l, "name_en", in.NameEn, false, 64)
	if in.Kind != AddonEquipment && in.Kind != AddonService {
		l.Add("kind", "err.invalid")
	}
	if !slices.Contains(Units, in.Unit) {
		l.Add("unit", "err.invalid")
	}
	for _, p := range []struct {
		field string
		fen   int64
	}{{"price_internal", in.Internal}, {"price_client", in.Client}, {"price_key", in.Key}} {
		money.Check(&l, p.field, p.fen)
	}
	if in.Sort < -MaxSort || in.Sort > MaxSort {
		l.Add("sort", "err.invalid")
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id == 0 {
			id, err = store.InsertID(ctx, tx, `INSERT INTO venue_addons (code, name, name_en, kind, unit, price_internal, price_client, price_key, active, sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				in.Code, in.Name, in.NameEn, in.Kind, in.Unit, in.Internal, in.Client, in.Key, in.Active, in.Sort)
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.Exec(ctx, `UPDATE venue_addons SET code = ?, name = ?, name_en = ?, kind = ?, unit = ?, price_internal = ?, price_client = ?, price_key = ?, active = ?, sort = ? WHERE id = ?`,
				in.Code, in.Name, in.NameEn, in.Kind, in.Unit, in.Internal, in.Client, in.Key, in.Active, in.Sort, id)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return errs.Missing()
				}
			}
		}
		if err != nil {
			if isConflict(err) {
				return errs.Field("code", "err.code_taken")
			}
			return fmt.Errorf("save add-on: %w", err)
		}
		in.ID = id
		return audit.Record(ctx, tx, now, a, "venue_addon", id, "save", nil, in)
	})
	return id, err
}
