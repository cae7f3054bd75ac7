package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func count(t *testing.T, db *store.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		copyPath := filepath.Join(dir, "copy.db")
		if db.Dialect() == store.Postgres {
			if err := db.Backup(ctx, copyPath); !errors.Is(err, store.ErrPostgresBackup) || !strings.Contains(err.Error(), "pg_dump") {
				t.Fatalf("backup of PostgreSQL: %v", err)
			}
			return
		}
		for i := 0; i < 3; i++ {
			if _, err := db.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, '值', 1)`, "backup.test."+string(rune('a'+i))); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Backup(ctx, copyPath); err != nil {
			t.Fatalf("backup: %v", err)
		}
		if err := store.CheckSQLite(ctx, copyPath); err != nil {
			t.Fatalf("the copy: %v", err)
		}
		if err := db.Backup(ctx, copyPath); err == nil || !strings.Contains(err.Error(), "exists") {
			t.Fatalf("backup over an existing file: %v", err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".copy.db.*")); len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}

		// Into a new file, then not again over it without force.
		target := filepath.Join(dir, "restored.db")
		if err := store.Restore(ctx, copyPath, target, false); err != nil {
			t.Fatalf("restore: %v", err)
		}
		r, err := store.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, r, `SELECT COUNT(*) FROM settings WHERE key LIKE 'backup.test.%'`); n != 3 {
			t.Errorf("restored %d rows, want 3", n)
		}
		if _, err := r.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('after.restore', 'x', 1)`); err != nil {
			t.Fatalf("write after restore: %v", err)
		}
		r.Close()
		if err := store.Restore(ctx, copyPath, target, false); !errors.Is(err, store.ErrNotEmpty) {
			t.Fatalf("restore over a database with data: %v", err)
		}
		if err := store.Restore(ctx, copyPath, target, true); err != nil {
			t.Fatalf("restore --force: %v", err)
		}
		r, err = store.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, r, `SELECT COUNT(*) FROM settings WHERE key = 'after.restore'`); n != 0 {
			t.Errorf("the forced restore kept a row written after the backup")
		}
		r.Close()

		// An empty file is no obstacle; garbage and foreign databases are refused.
		empty := filepath.Join(dir, "empty.db")
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := store.Restore(ctx, copyPath, empty, false); err != nil {
			t.Errorf("restore into an empty file: %v", err)
		}
		garbage := filepath.Join(dir, "garbage.db")
		if err := os.WriteFile(garbage, []byte("not a database at all, just text"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := store.Restore(ctx, garbage, filepath.Join(dir, "x.db"), false); err == nil {
			t.Error("restored from a file that is not a database")
		}
		foreign := filepath.Join(dir, "foreign.db")
		f, err := store.OpenNoMigrate(ctx, foreign)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Exec(ctx, `CREATE TABLE t (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := store.Restore(ctx, foreign, filepath.Join(dir, "y.db"), false); err == nil || !strings.Contains(err.Error(), "not a Jiedai database") {
			t.Errorf("restored from a foreign database: %v", err)
		}
		if err := store.Restore(ctx, copyPath, "postgres://x@127.0.0.1/y", true); !errors.Is(err, store.ErrPostgresBackup) {
			t.Errorf("restore into PostgreSQL: %v", err)
		}
	})
}
