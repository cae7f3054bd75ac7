// Package settings keeps site settings in the settings table as JSON values
// under a key: the site itself (name, logo, time zone, currency) and typed
// values for other areas. Everyone may read; only admins write, audited.
package settings

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/workday"
)

// AuditEntity is the entity name of settings in the audit log.
const AuditEntity = "setting"

// Redactor is a value with secrets: the audit log records Redacted().
type Redactor interface{ Redacted() any }

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,63}$`)

// ValidKey reports whether key is a valid setting key: lowercase letters,
// digits, '.', '_' or '-', starting with a letter, at most 64 bytes.
func ValidKey(key string) bool { return keyRE.MatchString(key) }

// raw returns the stored JSON of key, "" when unset.
func raw(ctx context.Context, q store.Querier, key string) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// Get reads key's value into v and reports whether it was set.
func Get(ctx context.Context, q store.Querier, key string, v any) (bool, error) {
	s, err := raw(ctx, q, key)
	if err != nil || s == "" {
		return false, err
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return false, fmt.Errorf("decode setting %s: %w", key, err)
	}
	return true, nil
}

// Value returns key's value as a T, or def when unset.
func Value[T any](ctx context.Context, q store.Querier, key string, def T) (T, error) {
	v := def
	if _, err := Get(ctx, q, key, &v); err != nil {
		return def, err
	}
	return v, nil
}

// Set stores v under key; admins only. Run it in a transaction: the audit
// row records the value before and after (redacted for a Redactor).
func Set(ctx context.Context, q store.Querier, now time.Time, a access.Actor, key string, v any) error {
	if !a.Has(access.Admin) {
		return errs.Forbid()
	}
	if !ValidKey(key) {
		return errs.Field("key", "err.settings.key")
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode setting %s: %w", key, err)
	}
	old, err := raw(ctx, q, key)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, string(data), store.Ms(now)); err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	var before any
	if old != "" {
		before = map[string]any{"key": key, "value": auditValue(old, v)}
	}
	return audit.Record(ctx, q, now, a, AuditEntity, 0, "set", before, map[string]any{"key": key, "value": auditValue(string(data), v)})
}

// auditValue is the stored JSON as the audit log shows it: redacted when
// the setting's type (that of like) is a Redactor.
func auditValue(s string, like any) any {
	if s == "" {
		return nil
	}
	if _, ok := like.(Redactor); ok {
		p := reflect.New(reflect.TypeOf(like))
		if err := json.Unmarshal([]byte(s), p.Interface()); err == nil {
			if r, ok := p.Elem().Interface().(Redactor); ok {
				return r.Redacted()
			}
		}
		return "(redacted)"
	}
	return json.RawMessage(s)
}

// KeySite is the key of the site settings.
const KeySite = "site"

// Site is the site's identity and locale.
type Site struct {
	Name     string `json:"name"`              // empty shows the translated app name
	LogoID   int64  `json:"logo_id,omitempty"` // attachment id of the logo, 0 for none
	TimeZone string `json:"time_zone"`         // IANA zone, e.g. Asia/Shanghai
	Currency string `json:"currency"`          // ISO 4217 code; amounts are in its minor unit
	// BaseURL is the address people reach the site at, such as
	// https://jiedai.example.cn; links in e-mail and robot messages start
	// with it. Empty leaves them relative.
	BaseURL string `json:"base_url,omitempty"`
	// Office hours ("HH:MM") for limits in working hours: blank
	// start and end mean workday.DefaultOfficeHours (09:00–18:00, lunch
	// 12:00–13:00); a blank lunch break with a start and end means none.
	OfficeStart string `json:"office_start,omitempty"`
	OfficeEnd   string `json:"office_end,omitempty"`
	LunchStart  string `json:"lunch_start,omitempty"`
	LunchEnd    string `json:"lunch_end,omitempty"`
}

// OfficeHours are the site's office hours (the default when not set or,
// for data saved before they were checked, not valid).
func (s Site) OfficeHours() workday.OfficeHours {
	if s.OfficeStart == "" && s.OfficeEnd == "" {
		return workday.DefaultOfficeHours
	}
	h, err := workday.ParseOfficeHours(s.OfficeStart, s.OfficeEnd, s.LunchStart, s.LunchEnd)
	if err != nil {
		return workday.DefaultOfficeHours
	}
	return h
}

// Defaults of a site never configured.
const (
	DefaultTimeZone = "Asia/Shanghai"
	DefaultCurrency = "CNY"
	MaxSiteName     = 100
	MaxBaseURL      = 200
)

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// DefaultSite returns the settings of a fresh site.
func DefaultSite() Site { return Site{TimeZone: DefaultTimeZone, Currency: DefaultCurrency} }

// Location loads the site's time zone.
func (s Site) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("load site time zone %q: %w", s.TimeZone, err)
	}
	return loc, nil
}

// GetSite returns the site settings, defaults filled in.
func GetSite(ctx context.Context, q store.Querier) (Site, error) {
	s, err := Value(ctx, q, KeySite, DefaultSite())
	if err != nil {
		return Site{}, err
	}
	if s.TimeZone == "" {
		s.TimeZone = DefaultTimeZone
	}
	if s.Currency == "" {
		s.Currency = DefaultCurrency
	}
	return s, nil
}

// SaveSite validates and stores the site settings; admins only.
func SaveSite(ctx context.Context, q store.Querier, now time.Time, a access.Actor, s Site) (Site, error) {
	if !a.Has(access.Admin) {
		return Site{}, errs.Forbid()
	}
	s.Name = strings.TrimSpace(s.Name)
	s.TimeZone = strings.TrimSpace(s.TimeZone)
	s.Currency = strings.ToUpper(strings.TrimSpace(s.Currency))
	var l errs.List
	if utf8.RuneCountInString(s.Name) > MaxSiteName {
		l.Add("name", "err.too_long", "max", MaxSiteName)
	}
	if s.LogoID < 0 {
		l.Add("logo_id", "err.invalid")
	}
	if s.TimeZone == "" {
		l.Add("time_zone", "err.required")
	} else if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "Local" {
		l.Add("time_zone", "err.settings.time_zone")
	}
	if !currencyRE.MatchString(s.Currency) {
		l.Add("currency", "err.settings.currency")
	}
	s.BaseURL = strings.TrimRight(strings.TrimSpace(s.BaseURL), "/")
	if !ValidBaseURL(s.BaseURL) {
		l.Add("base_url", "err.settings.base_url")
	}
	for _, p := range []*string{&s.OfficeStart, &s.OfficeEnd, &s.LunchStart, &s.LunchEnd} {
		*p = strings.TrimSpace(*p)
	}
	if s.OfficeStart != "" || s.OfficeEnd != "" || s.LunchStart != "" || s.LunchEnd != "" {
		if _, err := workday.ParseOfficeHours(s.OfficeStart, s.OfficeEnd, s.LunchStart, s.LunchEnd); err != nil {
			field := "office_hours"
			if e, ok := err.(*workday.OfficeHoursError); ok {
				field = map[string]string{"start": "office_start", "end": "office_end", "lunch_start": "lunch_start", "lunch_end": "lunch_end"}[e.Field]
			}
			l.Add(field, "err.settings.office_hours")
		}
	}
	if err := l.Err(); err != nil {
		return Site{}, err
	}
	if err := Set(ctx, q, now, a, KeySite, s); err != nil {
		return Site{}, err
	}
	return s, nil
}

// ValidBaseURL reports whether u is empty or an absolute http(s) address
// with a host and no user, query or fragment, at most MaxBaseURL bytes.
func ValidBaseURL(u string) bool {
	if u == "" {
		return true
	}
	p, err := url.Parse(u)
	return err == nil && len(u) <= MaxBaseURL && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "" &&
		p.User == nil && p.RawQuery == "" && p.Fragment == "" && !p.ForceQuery && !strings.ContainsAny(u, " \t\r\n")
}

// PublicURL is the address links in messages start with: override (the
// --base-url flag) when given, else the site's BaseURL; "" when neither
// is set, and links stay relative.
func PublicURL(ctx context.Context, q store.Querier, override string) (string, error) {
	if override != "" {
		return strings.TrimRight(override, "/"), nil
	}
	s, err := GetSite(ctx, q)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(s.BaseURL, "/"), nil
}
