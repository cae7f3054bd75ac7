package reception

import (
	"context"
	"slices"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// Reception tiers (接待类型) with the seed's recommended price per person.
const (
	TierHigh     = "high"     // 高端, 150 yuan
	TierBusiness = "business" // 商务, 80 yuan
	TierSimple   = "simple"   // 简约, 50 yuan
)

// Tiers lists the tiers from the most to the least elaborate.
var Tiers = []string{TierHigh, TierBusiness, TierSimple}

// KeyConfig is the settings key of the reception configuration.
const KeyConfig = "reception"

// Config is the site's reception configuration (admin settings).
type Config struct {
	TierHighFen     int64  `json:"tier_high_fen"`
	TierBusinessFen int64  `json:"tier_business_fen"`
	TierSimpleFen   int64  `json:"tier_simple_fen"`
	MinWorkdays     int    `json:"min_workdays"`   // application lead time; later is "late"
	RetentionDays   int    `json:"retention_days"` // ID numbers are erased this long after the visit
	PlanRole        string `json:"plan_role"`      // who approves the plan (上级领导)
	LateRole        string `json:"late_role"`      // the extra step for late applications
}

// DefaultConfig is the seed's configuration: 150/80/50 yuan per person,
// applications five working days ahead.
func DefaultConfig() Config {
	return Config{TierHighFen: 15000, TierBusinessFen: 8000, TierSimpleFen: 5000, MinWorkdays: 5, RetentionDays: 30,
		PlanRole: access.Executive, LateRole: access.Office}
}

// Price returns the price per person of a tier (0 for an unknown tier).
func (c Config) Price(tier string) int64 {
	switch tier {
	case TierHigh:
		return c.TierHighFen
	case TierBusiness:
		return c.TierBusinessFen
	case TierSimple:
		return c.TierSimpleFen
	}
	return 0
}

func (c Config) validate() error {
	var l errs.List
	for _, p := range []struct {
		f string
		v int64
	}{{"tier_high_fen", c.TierHighFen}, {"tier_business_fen", c.TierBusinessFen}, {"tier_simple_fen", c.TierSimpleFen}} {
		if p.v <= 0 || p.v > 100_000_00 {
			l.Add(p.f, "err.reception.price_range")
		}
	}
	if c.MinWorkdays < 0 || c.MinWorkdays > 30 {
		l.Add("min_workdays", "err.reception.range", "min", 0, "max", 30)
	}
	if c.RetentionDays < 0 || c.RetentionDays > 3650 {
		l.Add("retention_days", "err.reception.range", "min", 0, "max", 3650)
	}
	approvers := []string{access.Office, access.Supervisor, access.Executive, access.Manager, access.Admin}
	if !slices.Contains(approvers, c.PlanRole) {
		l.Add("plan_role", "err.unknown_role", "role", c.PlanRole)
	}
	if !slices.Contains(approvers, c.LateRole) {
		l.Add("late_role", "err.unknown_role", "role", c.LateRole)
	}
	return l.Err()
}

// LoadConfig reads the configuration (defaults when never saved).
func LoadConfig(ctx context.Context, q store.Querier) (Config, error) {
	return settings.Value(ctx, q, KeyConfig, DefaultConfig())
}

// Config returns the current configuration.
func (s *Service) Config(ctx context.Context) (Config, error) { return LoadConfig(ctx, s.DB) }

// SaveConfig stores the configuration; admins only.
func (s *Service) SaveConfig(ctx context.Context, a access.Actor, c Config) error {
	if !a.Has(access.Admin) {
		return errs.Forbid()
	}
	if err := c.validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		return settings.Set(ctx, tx, s.Clock.Now(), a, KeyConfig, c)
	})
}
