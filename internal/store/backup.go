package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	sqlite "modernc.org/sqlite"
)

// ErrPostgresBackup is returned by Backup and Restore on PostgreSQL, whose
// own tools do it better.
var ErrPostgresBackup = errors.New(`PostgreSQL databases are backed up with PostgreSQL's own tools:
  pg_dump --format=custom --file=jiedai.dump 'postgres://…'
  pg_restore --clean --if-exists --no-owner --dbname='postgres://…' jiedai.dump
(see "Backup and restore" in the README)`)

// ErrNotEmpty is returned by Restore when the target already holds data.
var ErrNotEmpty = errors.New("the target database is not empty")

// Backup writes a consistent copy of the database to path while it stays in
// use: SQLite's VACUUM INTO reads one snapshot (writers carry on), into a
// temporary file beside path that is checked, synced and then renamed into
// place. An existing file at path is never overwritten.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect == Postgres {
		return ErrPostgresBackup
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	os.Remove(tmpPath) // VACUUM INTO wants to create the file itself
	defer os.Remove(tmpPath)
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
		return fmt.Errorf("backup: copy the database: %w", err)
	}
	if err := CheckSQLite(ctx, tmpPath); err != nil {
		return fmt.Errorf("backup: the copy is damaged: %w", err)
	}
	if err := syncFile(tmpPath); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s appeared meanwhile", path)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// CheckSQLite opens an SQLite file read-only and runs its integrity and
// foreign-key checks; it also makes sure it is a Jiedai database.
func CheckSQLite(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := OpenNoMigrate(ctx, fileURI(path, "mode=ro&_pragma=busy_timeout(20000)"))
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.sql.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	rows, err = db.sql.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	bad := rows.Next()
	rows.Close()
	if bad {
		return errors.New("foreign key check: rows refer to missing rows")
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("%s is not a Jiedai database (no migrations recorded)", path)
	}
	return nil
}

// Restore copies the SQLite backup at from into the database at to
// (created if absent) with SQLite's online backup API, which takes the
// target's locks and writes through its journal. A target that already
// holds tables is refused unless force is set. Stop the server on the
// target first: it would otherwise keep serving what it had cached.
func Restore(ctx context.Context, from, to string, force bool) error {
	if IsPostgres(from) || IsPostgres(to) {
		return ErrPostgresBackup
	}
	if err := CheckSQLite(ctx, from); err != nil {
		return fmt.Errorf("restore: the backup %s cannot be used: %w", from, err)
	}
	if fi, err := os.Stat(to); err == nil && fi.Size() > 0 && !force {
		empty, err := emptySQLite(ctx, to)
		if err != nil {
			return fmt.Errorf("restore: %s: %w", to, err)
		}
		if !empty {
			return fmt.Errorf("restore: %w: %s (use --force to replace it)", ErrNotEmpty, to)
		}
	}
	db, err := OpenNoMigrate(ctx, to)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer conn.Close()
	type restorer interface {
		NewRestore(string) (*sqlite.Backup, error)
	}
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(restorer)
		if !ok {
			return errors.New("the SQLite driver offers no online backup")
		}
		b, err := r.NewRestore(fileURI(from, "mode=ro"))
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = b.Step(-1); err != nil {
				b.Finish()
				return err
			}
		}
		return b.Finish()
	})
	if err != nil {
		return fmt.Errorf("restore: copy %s into %s: %w", from, to, MapError(err))
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("restore: checkpoint: %w", err)
	}
	var res string
	if err := conn.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil || res != "ok" {
		return fmt.Errorf("restore: %s fails its check after the copy: %s %v", to, res, err)
	}
	return nil
}

// fileURI makes an SQLite URI of a file path with query parameters.
func fileURI(path, query string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?" + query
}

// emptySQLite reports whether the SQLite file holds no tables.
func emptySQLite(ctx context.Context, path string) (bool, error) {
	db, err := OpenNoMigrate(ctx, fileURI(path, "mode=ro&_pragma=busy_timeout(20000)"))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master`).Scan(&n); err != nil {
		return false, fmt.Errorf("not an SQLite database: %w", err)
	}
	return n == 0, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
