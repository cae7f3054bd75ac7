package overrides_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/workday"
	"jiedai/internal/workday/overrides"
)

var (
	t0    = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	admin = access.Actor{UserID: 0, Username: "root", Roles: []string{access.Admin}}
	exec  = access.Actor{UserID: 3, Username: "boss", Roles: []string{access.Executive, access.Office}}
)

func TestOverrides(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		add := func(a access.Actor, o workday.Override) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := overrides.Add(ctx, tx, t0, a, o)
				return err
			})
		}
		del := func(a access.Actor, date string) error {
			return db.InTx(ctx, func(tx *store.Tx) error { return overrides.Delete(ctx, tx, t0, a, date) })
		}
		// 2026-03-06 is a Friday, 2026-03-07 a Saturday.
		if err := add(admin, workday.Override{Date: "2026-03-06", Kind: workday.OverrideHoliday, Name: "Company day"}); err != nil {
			t.Fatal(err)
		}
		if err := add(admin, workday.Override{Date: "2026-03-07", Kind: workday.OverrideWorkday, Name: "Stocktake"}); err != nil {
			t.Fatal(err)
		}
		bad := []struct {
			name  string
			a     access.Actor
			o     workday.Override
			kind  errs.Kind
			field string
			key   string
		}{
			{"not admin", exec, workday.Override{Date: "2026-03-09", Kind: workday.OverrideHoliday}, errs.Forbidden, "", "err.forbidden"},
			{"bad date", admin, workday.Override{Date: "2026-3-9", Kind: workday.OverrideHoliday}, errs.Invalid, "date", "err.bad_date"},
			{"impossible date", admin, workday.Override{Date: "2026-02-30", Kind: workday.OverrideHoliday}, errs.Invalid, "date", "err.bad_date"},
			{"bad kind", admin, workday.Override{Date: "2026-03-09", Kind: "weekend"}, errs.Invalid, "kind", "err.invalid"},
			{"long name", admin, workday.Override{Date: "2026-03-09", Kind: workday.OverrideHoliday, Name: strings.Repeat("节", 65)}, errs.Invalid, "name", "err.too_long"},
			{"duplicate", admin, workday.Override{Date: "2026-03-06", Kind: workday.OverrideWorkday}, errs.Invalid, "date", "err.workday.duplicate"},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				err := add(tc.a, tc.o)
				var e *errs.Error
				if !errors.As(err, &e) || e.Kind != tc.kind || e.Field != tc.field || e.Key != tc.key {
					t.Fatalf("error = %v, want %s %s on %q", err, tc.kind, tc.key, tc.field)
				}
			})
		}
		es, err := overrides.Entries(ctx, db)
		if err != nil || len(es) != 2 || es[0].Date != "2026-03-06" || es[1].Name != "Stocktake" {
			t.Fatalf("entries = %+v, %v", es, err)
		}
		sh, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Skip("no time zone data")
		}
		cal, err := overrides.Calendar(ctx, db, sh)
		if err != nil {
			t.Fatal(err)
		}
		thu := time.Date(2026, 3, 5, 10, 0, 0, 0, sh)
		if got := cal.AddWorkdays(thu, 1).Format(time.DateOnly); got != "2026-03-07" {
			t.Fatalf("workday after Thursday = %s, want the Saturday make-up day", got)
		}
		if err := del(exec, "2026-03-07"); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin delete: %v", err)
		}
		if err := del(admin, "2026-03-07"); err != nil {
			t.Fatal(err)
		}
		if err := del(admin, "2026-03-07"); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("second delete: %v", err)
		}
		ovs, _ := overrides.List(ctx, db)
		if fmt.Sprint(ovs) != "[{2026-03-06 holiday Company day}]" {
			t.Fatalf("List = %v", ovs)
		}
		cal, _ = overrides.Calendar(ctx, db, sh)
		if got := cal.AddWorkdays(thu, 1).Format(time.DateOnly); got != "2026-03-09" {
			t.Fatalf("workday after Thursday = %s, want Monday", got)
		}
		var actions []string
		rows, err := db.Query(ctx, `SELECT action FROM audit_log WHERE entity = ? ORDER BY id`, overrides.AuditEntity)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a string
			rows.Scan(&a)
			actions = append(actions, a)
		}
		if fmt.Sprint(actions) != "[create create delete]" {
			t.Fatalf("audit = %v", actions)
		}
	})
}

// TestReloadReachesOtherInstances: an override saved through one instance
// reaches another instance's live calendar on its next reload, and a
// reload with nothing changed keeps what it had.
func TestReloadReachesOtherInstances(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Shanghai")
		other, err := overrides.Calendar(ctx, db, loc)
		if err != nil {
			t.Fatal(err)
		}
		last, err := overrides.Reload(ctx, db, other, nil)
		if err != nil || len(last) != 0 {
			t.Fatalf("first reload: %v %v", last, err)
		}
		friday := time.Date(2026, 3, 6, 10, 0, 0, 0, loc)
		if !other.IsWorkday(friday) {
			t.Fatal("2026-03-06 should be a working day")
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := overrides.Add(ctx, tx, t0, admin, workday.Override{Date: "2026-03-06", Kind: workday.OverrideHoliday, Name: "司庆"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !other.IsWorkday(friday) {
			t.Fatal("the other instance changed before it reloaded")
		}
		if last, err = overrides.Reload(ctx, db, other, last); err != nil || len(last) != 1 {
			t.Fatalf("reload: %v %v", last, err)
		}
		if other.IsWorkday(friday) {
			t.Fatal("the other instance still counts the new holiday as a working day")
		}
		again, err := overrides.Reload(ctx, db, other, last)
		if err != nil || &again[0] != &last[0] {
			t.Fatalf("an unchanged reload did not keep its list: %v", err)
		}
	})
}
