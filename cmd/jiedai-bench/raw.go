package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"jiedai/internal/store"
)

// RawInsert is the physical reference: durable single-row insert
// transactions, one after another, on the same disk and database engine
// with the store's settings (SQLite: WAL, synchronous=FULL).
type RawInsert struct {
	Engine    string  `json:"engine"`
	Where     string  `json:"where"`
	Seconds   float64 `json:"seconds"`
	Commits   int     `json:"commits"`
	PerSecond float64 `json:"per_second"`
	MeanMs    float64 `json:"mean_ms"`
}

// rawInsertRate measures BEGIN; INSERT one row; COMMIT in a loop for dur.
// For SQLite it uses a scratch file beside the benchmark database, opened
// by the store (same pragmas) but bypassing its commit batcher; for
// PostgreSQL a scratch table in the benchmark schema.
func rawInsertRate(ctx context.Context, dsn string, dur time.Duration) (RawInsert, error) {
	var r RawInsert
	target := dsn
	if !store.IsPostgres(dsn) {
		target = filepath.Join(filepath.Dir(dsn), "jiedai-bench-raw.db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(target + suffix)
		}
		defer func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				_ = os.Remove(target + suffix)
			}
		}()
		r.Engine, r.Where = "sqlite (WAL, synchronous=FULL)", filepath.Dir(dsn)
	} else {
		r.Engine, r.Where = "postgresql (synchronous_commit default)", "benchmark schema"
	}
	db, err := store.OpenNoMigrate(ctx, target)
	if err != nil {
		return r, err
	}
	defer db.Close()
	sdb := db.SQL()
	idCol := "id INTEGER PRIMARY KEY"
	ph := "?, ?"
	if db.Dialect() == store.Postgres {
		idCol, ph = "id BIGSERIAL PRIMARY KEY", "$1, $2"
		if _, err := sdb.ExecContext(ctx, `DROP TABLE IF EXISTS bench_raw`); err != nil {
			return r, err
		}
		defer sdb.ExecContext(context.Background(), `DROP TABLE IF EXISTS bench_raw`)
	}
	if _, err := sdb.ExecContext(ctx, `CREATE TABLE bench_raw (`+idCol+`, at BIGINT NOT NULL, note TEXT NOT NULL)`); err != nil {
		return r, fmt.Errorf("create scratch table: %w", err)
	}
	ins := `INSERT INTO bench_raw (at, note) VALUES (` + ph + `)`
	start := time.Now()
	for time.Since(start) < dur {
		tx, err := sdb.BeginTx(ctx, nil)
		if err != nil {
			return r, fmt.Errorf("begin: %w", err)
		}
		if _, err := tx.ExecContext(ctx, ins, time.Now().UnixMilli(), "季度销售例会"); err != nil {
			_ = tx.Rollback()
			return r, fmt.Errorf("insert: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return r, fmt.Errorf("commit: %w", err)
		}
		r.Commits++
	}
	el := time.Since(start)
	r.Seconds = el.Seconds()
	r.PerSecond = float64(r.Commits) / el.Seconds()
	r.MeanMs = el.Seconds() * 1000 / float64(r.Commits)
	return r, nil
}
