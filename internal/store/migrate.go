package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// A migration file is NNNN_name.sql (both databases), optionally with
// NNNN_name.sqlite.sql or NNNN_name.postgres.sql run right after it.
// In the shared files {{pk}} becomes the id column and {{blob}} the bytes type.
type migration struct {
	version string
	shared  string
	dialect string
}

func loadMigrations(d Dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	byVersion := map[string]*migration{}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimSuffix(name, ".sql")
		dialect := ""
		if i := strings.LastIndexByte(base, '.'); i >= 0 {
			dialect = base[i+1:]
			base = base[:i]
		}
		if dialect != "" && dialect != string(d) {
			continue
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		m := byVersion[base]
		if m == nil {
			m = &migration{version: base}
			byVersion[base] = m
		}
		if dialect == "" {
			m.shared = expand(d, string(body))
		} else {
			m.dialect = string(body)
		}
	}
	var out []migration
	for _, m := range byVersion {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func expand(d Dialect, s string) string {
	if d == Postgres {
		return strings.NewReplacer("{{pk}}", "BIGSERIAL PRIMARY KEY", "{{blob}}", "BYTEA").Replace(s)
	}
	return strings.NewReplacer("{{pk}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{{blob}}", "BLOB").Replace(s)
}

// Migrate applies pending migrations, each in its own transaction. Several
// instances starting at once on PostgreSQL serialise on an advisory lock.
func (db *DB) Migrate(ctx context.Context) error { return db.migrateBefore(ctx, "") }

// migrateBefore applies the pending migrations whose version sorts before
// stop (all of them when stop is ""); tests of data migrations use it.
func (db *DB) migrateBefore(ctx context.Context, stop string) error {
	migs, err := loadMigrations(db.dialect)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7428201)`); err != nil {
				return fmt.Errorf("migration lock: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		done := map[string]bool{}
		rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return fmt.Errorf("list applied migrations: %w", err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			done[v] = true
		}
		rows.Close()
		for _, m := range migs {
			if done[m.version] || (stop != "" && m.version >= stop) {
				continue
			}
			for _, part := range []string{m.shared, m.dialect} {
				if part == "" {
					continue
				}
				if _, err := tx.Exec(ctx, part); err != nil {
					return fmt.Errorf("migration %s: %w", m.version, err)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, time.Now().UnixMilli()); err != nil {
				return fmt.Errorf("record migration %s: %w", m.version, err)
			}
		}
		return nil
	})
}

// Versions lists the applied migration versions.
func (db *DB) Versions(ctx context.Context) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
