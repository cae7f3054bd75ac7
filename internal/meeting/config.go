package meeting

import (
	"context"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// KeyConfig is the settings key of the meeting area's configuration.
const KeyConfig = "meeting.config"

// Config is what the administrator sets for every meeting.
type Config struct {
	// StartEarlyMin is how long before its time a meeting may be opened;
	// it may be opened until its planned end, not before the window.
	StartEarlyMin int `json:"start_early_min" minimum:"0" maximum:"240" doc:"Minutes before its start a meeting may be opened (0–240)"`
}

// DefaultConfig is the configuration before the office changes it.
func DefaultConfig() Config { return Config{StartEarlyMin: 30} }

// MaxStartEarlyMin bounds the start window.
const MaxStartEarlyMin = 240

// StartWindow is when meeting m may be opened: from StartEarlyMin before
// its start until its planned end.
func (c Config) StartWindow(m Meeting) (from, to time.Time) {
	return m.StartAt.Add(-time.Duration(c.StartEarlyMin) * time.Minute), m.EndAt
}

// LoadConfig reads the configuration (defaults when never saved).
func LoadConfig(ctx context.Context, q store.Querier) (Config, error) {
	return settings.Value(ctx, q, KeyConfig, DefaultConfig())
}

// Config returns the current configuration.
func (s *Service) Config(ctx context.Context) (Config, error) { return LoadConfig(ctx, s.DB) }

// SaveConfig stores the configuration (admins, as every setting), audited.
func (s *Service) SaveConfig(ctx context.Context, a access.Actor, c Config) (Config, error) {
	if !a.Has(access.Admin) {
		return Config{}, errs.Forbid()
	}
	if c.StartEarlyMin < 0 || c.StartEarlyMin > MaxStartEarlyMin {
		return Config{}, errs.Field("start_early_min", "err.booking_out_of_range", "min", 0, "max", MaxStartEarlyMin)
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		return settings.Set(ctx, tx, s.now(), a, KeyConfig, c)
	})
	return c, err
}
