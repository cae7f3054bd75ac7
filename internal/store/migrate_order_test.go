package store

import (
	"strings"
	"testing"
)

// TestMigrationPartsOrder checks that a version's shared file runs before
// its dialect file (the PostgreSQL trigger needs the audit_log table).
func TestMigrationPartsOrder(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		migs, err := loadMigrations(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(migs) == 0 || migs[0].version != "0001_core" || migs[0].shared == "" || migs[0].dialect == "" {
			t.Fatalf("%s: migrations = %+v", d, migs)
		}
		if !strings.Contains(migs[0].shared, "CREATE TABLE departments") || !strings.Contains(migs[0].dialect, "TRIGGER") {
			t.Fatalf("%s: shared part does not come first", d)
		}
		for i := 1; i < len(migs); i++ {
			if migs[i-1].version >= migs[i].version {
				t.Fatalf("%s: versions out of order: %s, %s", d, migs[i-1].version, migs[i].version)
			}
		}
	}
}
