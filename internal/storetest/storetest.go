// Package storetest gives tests fresh databases: SQLite always, PostgreSQL
// when JIEDAI_TEST_POSTGRES is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"jiedai/internal/store"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDSNs returns the databases a test should run against: always a fresh
// SQLite file, and a fresh PostgreSQL schema when JIEDAI_TEST_POSTGRES is set.
func TestDSNs() []string {
	out := []string{"sqlite"}
	if os.Getenv("JIEDAI_TEST_POSTGRES") != "" {
		out = append(out, "postgres")
	}
	return out
}

// ForEachDB runs fn as a subtest on every test database, each with a fresh,
// migrated database.
func ForEachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, kind := range TestDSNs() {
		t.Run(kind, func(t *testing.T) {
			fn(t, NewTestDB(t, kind))
		})
	}
}

// NewTestDB opens a fresh migrated database of the given kind ("sqlite" or
// "postgres") that is dropped when the test ends.
func NewTestDB(t testing.TB, kind string) *store.DB {
	t.Helper()
	dsn := TestDSN(t, kind)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestDSN makes a fresh, empty database and returns its DSN: a file in a temp
// directory, or a new schema in JIEDAI_TEST_POSTGRES (search_path set).
func TestDSN(t testing.TB, kind string) string {
	t.Helper()
	if kind != "postgres" {
		return filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv("JIEDAI_TEST_POSTGRES")
	if base == "" {
		t.Skip("JIEDAI_TEST_POSTGRES not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := store.OpenNoMigrate(context.Background(), base)
	if err != nil {
		t.Fatalf("connect to JIEDAI_TEST_POSTGRES: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	if _, err := admin.Exec(context.Background(), "CREATE EXTENSION IF NOT EXISTS btree_gist"); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("create btree_gist extension: %v", err)
	}
	t.Cleanup(func() {
		a, err := store.OpenNoMigrate(context.Background(), base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	return withSearchPath(base, schema)
}

func withSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Sprintf("%s search_path=%s,public", dsn, schema)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}
