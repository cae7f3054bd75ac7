package store_test

import (
	"context"
	"os"
	"testing"

	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestDataVersionMovesOnEveryCommit: the SQLite data version stays put
// while nothing is written, and moves on a commit of this pool, on a commit
// of another process's connection to the same file, but not on a rollback.
func TestDataVersionMovesOnEveryCommit(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.TestDSN(t, "sqlite")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	version := func() int64 {
		t.Helper()
		v, ok, err := db.DataVersion(ctx)
		if err != nil || !ok {
			t.Fatalf("data version: %d %v %v", v, ok, err)
		}
		return v
	}
	v0 := version()
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM departments`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v0 {
		t.Fatalf("a read moved the version %d → %d", v0, v)
	}
	if _, err := store.InsertID(ctx, db, `INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)`, "dv1", "版本一", 1); err != nil {
		t.Fatal(err)
	}
	v1 := version()
	if v1 == v0 {
		t.Fatal("a commit of this pool did not move the version")
	}
	_ = db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)`, "dv2", "回滚", 1); err != nil {
			t.Fatal(err)
		}
		return store.ErrConflict
	})
	if v := version(); v != v1 {
		t.Fatalf("a rollback moved the version %d → %d", v1, v)
	}
	other, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := store.InsertID(ctx, other, `INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)`, "dv3", "别处", 1); err != nil {
		t.Fatal(err)
	}
	if v := version(); v == v1 {
		t.Fatal("a commit of another connection pool did not move the version")
	}
	if os.Getenv("JIEDAI_TEST_POSTGRES") != "" {
		pg := storetest.NewTestDB(t, "postgres")
		if _, ok, err := pg.DataVersion(ctx); ok || err != nil {
			t.Fatalf("PostgreSQL offers a data version: %v %v", ok, err)
		}
	}
}
