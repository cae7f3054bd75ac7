package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// DataVersion returns a number that changes whenever a transaction is
// committed to the SQLite file by any connection, of this process or of
// another: PRAGMA data_version read on a connection of its own that never
// writes. Caches of rendered pages key on it (see web.pageCache). ok is
// false for PostgreSQL, where no such cheap signal exists across
// instances, and for in-memory or URI-named SQLite databases, which a second
// connection may not share.
func (db *DB) DataVersion(ctx context.Context) (v int64, ok bool, err error) {
	if db.dialect != SQLite || strings.HasPrefix(db.dsn, "file:") || db.dsn == ":memory:" || db.dsn == "" {
		return 0, false, nil
	}
	db.watchOnce.Do(func() {
		w, err := sql.Open("sqlite", sqliteDSN(db.dsn))
		if err != nil {
			db.watchErr = fmt.Errorf("open data-version connection: %w", err)
			return
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		db.watch = w
	})
	if db.watchErr != nil {
		return 0, false, db.watchErr
	}
	if err := db.watch.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, false, fmt.Errorf("read data version: %w", err)
	}
	return v, true, nil
}
