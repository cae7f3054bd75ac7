package store_test

import (
	"context"
	"errors"
	"testing"

	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func TestMigrateTwiceChangesNothing(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before, err := db.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) == 0 {
			t.Fatal("no migrations applied")
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		after, _ := db.Versions(ctx)
		if len(after) != len(before) {
			t.Fatalf("second migrate applied %d more migrations", len(after)-len(before))
		}
	})
}

func TestErrorsMapToConflictAndNotFound(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ins := func() error {
			_, err := store.InsertID(ctx, db, `INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)`, "dup", "重复", 1)
			return err
		}
		if err := ins(); err != nil {
			t.Fatalf("first insert: %v", err)
		}
		if err := ins(); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate insert: got %v, want ErrConflict", err)
		}
		var id int64
		err := store.MapError(db.QueryRow(ctx, `SELECT id FROM departments WHERE code = ?`, "nope").Scan(&id))
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing row: got %v, want ErrNotFound", err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, `INSERT INTO audit_log (at, actor_name, entity, entity_id, action) VALUES (?, ?, ?, ?, ?)`, 1, "t", "x", 1, "create"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE audit_log SET action = 'forged'`); err == nil {
			t.Fatal("UPDATE of audit_log succeeded")
		}
		if _, err := db.Exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("DELETE of audit_log succeeded")
		}
	})
}

func TestRollbackWritesNothing(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO departments (code, name, created_at) VALUES ('a', 'A', 1)`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM departments`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("rolled-back insert left %d rows", n)
		}
	})
}

func TestPlaceholdersAndTimes(t *testing.T) {
	if got := store.Placeholders(3); got != "?, ?, ?" {
		t.Fatalf("Placeholders(3) = %q", got)
	}
	if store.Ms(store.Time(0)) != 0 || !store.Time(0).IsZero() {
		t.Fatal("zero time does not round-trip as 0")
	}
	if got := store.Time(1767225600000).Format("2006-01-02T15:04:05Z07:00"); got != "2026-01-01T00:00:00Z" {
		t.Fatalf("Time(ms) = %s", got)
	}
}
