package settings_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

var (
	t0    = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	admin = access.Actor{Username: "root", Roles: []string{access.Admin}}
	staff = access.Actor{UserID: 7, Username: "sam", Roles: []string{access.Office, access.Executive}}
)

func save(db *store.DB, a access.Actor, s settings.Site) (settings.Site, error) {
	var out settings.Site
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = settings.SaveSite(context.Background(), tx, t0, a, s)
		return err
	})
	return out, err
}

func auditRows(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT before_json || ' -> ' || after_json FROM audit_log WHERE entity = ? ORDER BY id`, settings.AuditEntity)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestSite(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		got, err := settings.GetSite(ctx, db)
		if err != nil || got != settings.DefaultSite() || got.TimeZone != "Asia/Shanghai" || got.Currency != "CNY" {
			t.Fatalf("default site = %+v, %v", got, err)
		}
		bad := []struct {
			name  string
			site  settings.Site
			field string
			key   string
		}{
			{"unknown zone", settings.Site{TimeZone: "Mars/Olympus", Currency: "CNY"}, "time_zone", "err.settings.time_zone"},
			{"Local zone", settings.Site{TimeZone: "Local", Currency: "CNY"}, "time_zone", "err.settings.time_zone"},
			{"no zone", settings.Site{Currency: "CNY"}, "time_zone", "err.required"},
			{"bad currency", settings.Site{TimeZone: "Asia/Shanghai", Currency: "yuan"}, "currency", "err.settings.currency"},
			{"long name", settings.Site{Name: strings.Repeat("会", 101), TimeZone: "Asia/Shanghai", Currency: "CNY"}, "name", "err.too_long"},
			{"negative logo", settings.Site{LogoID: -1, TimeZone: "Asia/Shanghai", Currency: "CNY"}, "logo_id", "err.invalid"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				_, err := save(db, admin, tc.site)
				var e *errs.Error
				if !errors.As(err, &e) || e.Field != tc.field || e.Key != tc.key {
					t.Fatalf("error = %v, want %s on %s", err, tc.key, tc.field)
				}
			})
		}
		if _, err := save(db, staff, settings.DefaultSite()); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin saved site settings: %v", err)
		}
		if rows := auditRows(t, db); len(rows) != 0 {
			t.Fatalf("refused saves wrote audit rows: %v", rows)
		}
		want := settings.Site{Name: " 国贸会所 ", LogoID: 3, TimeZone: "Asia/Hong_Kong", Currency: "hkd"}
		saved, err := save(db, admin, want)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Name != "国贸会所" || saved.Currency != "HKD" {
			t.Fatalf("saved = %+v", saved)
		}
		got, err = settings.GetSite(ctx, db)
		if err != nil || got != saved {
			t.Fatalf("GetSite = %+v, %v; want %+v", got, err, saved)
		}
		loc, err := got.Location()
		if err != nil || loc.String() != "Asia/Hong_Kong" {
			t.Fatalf("Location = %v, %v", loc, err)
		}
		saved.Currency = "CNY"
		if _, err := save(db, admin, saved); err != nil {
			t.Fatal(err)
		}
		rows := auditRows(t, db)
		if len(rows) != 2 || !strings.HasPrefix(rows[0], " -> ") || !strings.Contains(rows[1], `"HKD"`) || !strings.Contains(rows[1], `"CNY"`) {
			t.Fatalf("audit rows = %v", rows)
		}
	})
}

type smtpLike struct {
	Host     string `json:"host"`
	Password string `json:"password"`
}

func (s smtpLike) Redacted() any { s.Password = strings.Repeat("*", len(s.Password)); return s }

func TestTypedValues(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		set := func(a access.Actor, key string, v any) error {
			return db.InTx(ctx, func(tx *store.Tx) error { return settings.Set(ctx, tx, t0, a, key, v) })
		}
		n, err := settings.Value(ctx, db, "booking.buffer_minutes", 15)
		if err != nil || n != 15 {
			t.Fatalf("unset value = %d, %v", n, err)
		}
		if err := set(admin, "booking.buffer_minutes", 30); err != nil {
			t.Fatal(err)
		}
		if n, _ = settings.Value(ctx, db, "booking.buffer_minutes", 15); n != 30 {
			t.Fatalf("value = %d, want 30", n)
		}
		if err := set(staff, "booking.buffer_minutes", 5); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin set: %v", err)
		}
		for _, key := range []string{"", "Booking", "1x", "a b", strings.Repeat("k", 65)} {
			if err := set(admin, key, 1); errs.As(err).Key != "err.settings.key" {
				t.Errorf("key %q: %v", key, err)
			}
		}
		if err := set(admin, "mail", smtpLike{Host: "smtp.example.com", Password: "hunter2"}); err != nil {
			t.Fatal(err)
		}
		if err := set(admin, "mail", smtpLike{Host: "smtp.example.com", Password: "correct horse"}); err != nil {
			t.Fatal(err)
		}
		var m smtpLike
		if ok, err := settings.Get(ctx, db, "mail", &m); !ok || err != nil || m.Password != "correct horse" {
			t.Fatalf("Get = %+v, %v, %v", m, ok, err)
		}
		for _, r := range auditRows(t, db) {
			if strings.Contains(r, "hunter2") || strings.Contains(r, "correct horse") {
				t.Fatalf("secret in audit log: %s", r)
			}
		}
		if _, err := settings.Value(ctx, db, "mail", 0); err == nil {
			t.Fatal("decoding an object into an int succeeded")
		}
		if ok, err := settings.Get(ctx, db, "missing", &m); ok || err != nil {
			t.Fatalf("Get(missing) = %v, %v", ok, err)
		}
	})
}

// The public URL is saved from the site settings, checked, without a
// trailing slash; the --base-url flag overrides it.
func TestPublicURL(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if u, err := settings.PublicURL(ctx, db, ""); err != nil || u != "" {
			t.Fatalf("unset public URL = %q, %v", u, err)
		}
		site := settings.DefaultSite()
		for _, bad := range []string{"jiedai.example.cn", "ftp://jiedai.example.cn", "https://", "https://a.cn/?x=1", "https://a.cn/#x", "https://u:p@a.cn", "https://a.cn/" + strings.Repeat("x", 200), "/bookings"} {
			site.BaseURL = bad
			var e *errs.Error
			if _, err := save(db, admin, site); !errors.As(err, &e) || e.Field != "base_url" || e.Key != "err.settings.base_url" {
				t.Errorf("base URL %q: error %v, want err.settings.base_url", bad, err)
			}
		}
		site.BaseURL = " https://jiedai.example.cn/ "
		saved, err := save(db, admin, site)
		if err != nil || saved.BaseURL != "https://jiedai.example.cn" {
			t.Fatalf("saved %+v, %v", saved, err)
		}
		if u, err := settings.PublicURL(ctx, db, ""); err != nil || u != "https://jiedai.example.cn" {
			t.Fatalf("public URL = %q, %v", u, err)
		}
		if u, _ := settings.PublicURL(ctx, db, "http://10.0.0.5:8080/"); u != "http://10.0.0.5:8080" {
			t.Fatalf("the flag does not override: %q", u)
		}
	})
}
