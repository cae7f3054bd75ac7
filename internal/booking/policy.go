package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Policy holds the configurable booking rules.
type Policy struct {
	ReplyWorkdays    int `json:"reply_workdays" doc:"Working days a client has to confirm (default 2)"`
	ReplyMinHours    int `json:"reply_min_hours" doc:"The reply-by deadline is never later than this many hours before the start (default 24)"`
	CheckInEarlyMin  int `json:"checkin_early_min" doc:"Check-in opens this many minutes before the start (default 15)"`
	NoShowMin        int `json:"noshow_min" doc:"Internal bookings not checked in this many minutes after the start are released; 0 = off (default 15)"`
	NoShowClientMin  int `json:"noshow_client_min" doc:"The same for client bookings; 0 = off (default)"`
	CancelFreeHours  int `json:"cancel_free_hours" doc:"Client bookings cancelled later than this many hours before the start pay a fee (default 24)"`
	CancelFeePercent int `json:"cancel_fee_percent" doc:"That fee as a percentage of the quoted room charge (default 50)"`
	MaxAdvanceDays   int `json:"max_advance_days" doc:"How far ahead bookings may be made (default 365)"`
}

// DefaultPolicy is the policy until an administrator changes it.
func DefaultPolicy() Policy {
	return Policy{ReplyWorkdays: 2, ReplyMinHours: 24, CheckInEarlyMin: 15, NoShowMin: 15, NoShowClientMin: 0,
		CancelFreeHours: 24, CancelFeePercent: 50, MaxAdvanceDays: 365}
}

const policyKey = "booking.policy"

// Policy returns the booking rules in force.
func (s *Service) Policy(ctx context.Context, q store.Querier) (Policy, error) {
	if q == nil {
		q = s.DB
	}
	p := DefaultPolicy()
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, policyKey).Scan(&v)
	if store.IsNoRows(err) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("read booking policy: %w", err)
	}
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return DefaultPolicy(), nil
	}
	return p, nil
}

// SetPolicy changes the booking rules (admin, office).
func (s *Service) SetPolicy(ctx context.Context, a access.Actor, p Policy) error {
	if !a.Has(access.Admin, access.Office) {
		return errs.Forbid()
	}
	var l errs.List
	check := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			l.Add(field, "err.booking_out_of_range", "min", lo, "max", hi)
		}
	}
	check("reply_workdays", p.ReplyWorkdays, 0, 30)
	check("reply_min_hours", p.ReplyMinHours, 0, 720)
	check("checkin_early_min", p.CheckInEarlyMin, 0, 240)
	check("noshow_min", p.NoShowMin, 0, 480)
	check("noshow_client_min", p.NoShowClientMin, 0, 480)
	check("cancel_free_hours", p.CancelFreeHours, 0, 720)
	check("cancel_fee_percent", p.CancelFeePercent, 0, 100)
	check("max_advance_days", p.MaxAdvanceDays, 1, 730)
	if err := l.Err(); err != nil {
		return err
	}
	data, _ := json.Marshal(p)
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.Policy(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE settings SET value = ?, updated_at = ? WHERE key = ?`, string(data), store.Ms(now), policyKey)
		if err != nil {
			return fmt.Errorf("save booking policy: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, policyKey, string(data), store.Ms(now)); err != nil {
				return fmt.Errorf("save booking policy: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, a, "booking_policy", 0, "update", before, p)
	})
}

// replyBy works out the confirmation deadline for a booking accepted at
// now: 18:00 (site time) ReplyWorkdays working days later, never later
// than ReplyMinHours before the start; when that leaves no time, half the
// time left before the start.
func (p Policy) replyBy(now, start time.Time, addWorkdays func(time.Time, int) time.Time, loc *time.Location) time.Time {
	d := addWorkdays(now, p.ReplyWorkdays).In(loc)
	d = time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, loc)
	if limit := start.Add(-time.Duration(p.ReplyMinHours) * time.Hour); d.After(limit) {
		d = limit
	}
	if !d.After(now) {
		d = now.Add(start.Sub(now) / 2)
	}
	return d.Truncate(time.Minute)
}
