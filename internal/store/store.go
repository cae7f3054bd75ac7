// Package store opens the database (SQLite by default, PostgreSQL when given a
// postgres:// DSN), runs the embedded migrations and gives transactions. It is
// the only package that knows which database it talks to.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"
)

// Dialect names the database flavour behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database with its dialect. Queries are written with `?`
// placeholders and rebound for PostgreSQL.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	dsn     string
	batch   *batcher   // SQLite: group commit of write transactions
	stmts   *stmtCache // SQLite: prepared statements, kept per connection

	watchOnce sync.Once // SQLite: the connection DataVersion reads on
	watch     *sql.DB
	watchErr  error
}

// Querier is what both DB and Tx offer: queries with `?` placeholders.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// IsPostgres reports whether the DSN names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn (a file path for SQLite, or a
// postgres:// URL) and runs pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db, err := OpenNoMigrate(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenNoMigrate opens the database without touching its schema.
func OpenNoMigrate(ctx context.Context, dsn string) (*DB, error) {
	var (
		sdb *sql.DB
		err error
		d   Dialect
	)
	if IsPostgres(dsn) {
		d = Postgres
		sdb, err = sql.Open("pgx", dsn)
		if err == nil {
			sdb.SetMaxOpenConns(32)
			sdb.SetMaxIdleConns(32)
			sdb.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		d = SQLite
		sdb, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err == nil {
			sdb.SetMaxOpenConns(16)
			sdb.SetMaxIdleConns(16)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sdb.PingContext(pctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d, err)
	}
	db := &DB{sql: sdb, dialect: d, dsn: dsn}
	if d == SQLite {
		db.batch = newBatcher(db)
		db.stmts = newStmtCache(sdb)
	}
	return db, nil
}

// sqliteDSN turns a path into a modernc DSN: WAL, a busy timeout, foreign
// keys, full fsync on commit and immediate write transactions; temporary
// data (the savepoint journals of group commit, sorts) stays in memory.
func sqliteDSN(path string) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(20000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close waits for the queued write transactions and closes the database.
func (db *DB) Close() error {
	if db.batch != nil {
		db.batch.close()
	}
	if db.stmts != nil {
		db.stmts.close()
	}
	if db.watch != nil {
		db.watch.Close()
	}
	return db.sql.Close()
}

// Dialect returns the database flavour.
func (db *DB) Dialect() Dialect { return db.dialect }

// DSN returns the string the database was opened with.
func (db *DB) DSN() string { return db.dsn }

// SQL returns the underlying *sql.DB (for backups and health checks).
func (db *DB) SQL() *sql.DB { return db.sql }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Exec runs a statement.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := db.stmts.get(q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.sql.ExecContext(ctx, rebind(db.dialect, q), args...)
}

// Query runs a query.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.stmts.get(q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.sql.QueryContext(ctx, rebind(db.dialect, q), args...)
}

// QueryRow runs a query returning one row.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.stmts.get(q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.sql.QueryRowContext(ctx, rebind(db.dialect, q), args...)
}

// Tx is a write transaction.
type Tx struct {
	tx      *sql.Tx
	stmts   *stmtCache
	dialect Dialect
	after   []func()
	// detached: statements ignore the caller's cancellation, because the
	// transaction is shared by a commit group (see batch.go).
	detached bool
}

// Dialect returns the database flavour.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

func (tx *Tx) ctx(ctx context.Context) context.Context {
	if tx.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// Exec runs a statement inside the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = tx.ctx(ctx)
	if st := tx.stmts.get(q); st != nil {
		return tx.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, rebind(tx.dialect, q), args...)
}

// Query runs a query inside the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = tx.ctx(ctx)
	if st := tx.stmts.get(q); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, rebind(tx.dialect, q), args...)
}

// QueryRow runs a one-row query inside the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = tx.ctx(ctx)
	if st := tx.stmts.get(q); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, rebind(tx.dialect, q), args...)
}

// AfterCommit registers f to run once the transaction has committed.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// InTx runs fn in a write transaction (BEGIN IMMEDIATE on SQLite), commits
// when fn returns nil and rolls back otherwise; when it returns nil the
// writes are durable. On SQLite concurrent transactions share their commit
// (group commit, see batch.go). Serialization failures on PostgreSQL and
// busy errors are retried a few times, running fn again.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if db.batch != nil {
			err = db.batch.submit(ctx, fn)
		} else {
			err = db.inTxOnce(ctx, fn)
		}
		if err == nil || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	return err
}

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", MapError(err))
	}
	tx := &Tx{tx: stx, dialect: db.dialect, stmts: db.stmts}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", MapError(err))
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// InsertID runs an INSERT … RETURNING id and returns the new id.
func InsertID(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	if err := q.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, MapError(err)
	}
	return id, nil
}

// rebind turns `?` placeholders into `$n` for PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, inQuote := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(fmt.Sprint(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Placeholders returns "?, ?, …" with n marks, for IN lists.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Ms converts a time to the stored form: Unix milliseconds, UTC.
func Ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Time converts stored Unix milliseconds back to a UTC time (zero for 0).
func Time(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// NullMs converts a nullable stored time.
func NullMs(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return Time(v.Int64)
}

// MsOrNil stores a zero time as NULL.
func MsOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// IDOrNil stores a zero id as NULL.
func IDOrNil(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

var errNoRows = sql.ErrNoRows

// IsNoRows reports whether err means no row was found.
func IsNoRows(err error) bool { return errors.Is(err, errNoRows) || errors.Is(err, ErrNotFound) }
