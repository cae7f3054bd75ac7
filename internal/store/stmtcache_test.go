package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// waitPrepared waits until the cache holds a prepared statement for q.
func waitPrepared(t *testing.T, db *DB, q string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; {
		db.stmts.mu.RLock()
		st := db.stmts.m[q]
		db.stmts.mu.RUnlock()
		if st != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("query never prepared: %s", q)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestPreparedStatementsGiveTheSameResults(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	ins := `INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)`
	sel := `SELECT name FROM departments WHERE code = ?`
	// First use: unprepared, and the statement gets prepared behind it.
	if _, err := db.Exec(ctx, ins, "a", "甲", 1); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := db.QueryRow(ctx, sel, "a").Scan(&name); err != nil || name != "甲" {
		t.Fatalf("unprepared read: %q %v", name, err)
	}
	waitPrepared(t, db, ins)
	waitPrepared(t, db, sel)
	// Prepared, outside and inside transactions.
	if _, err := db.Exec(ctx, ins, "b", "乙", 1); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, ins, "c", "丙", 1); err != nil {
			return err
		}
		var n string
		if err := tx.QueryRow(ctx, sel, "c").Scan(&n); err != nil || n != "丙" {
			t.Errorf("prepared read in a transaction: %q %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(ctx, `SELECT code FROM departments ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
	}
	rows.Close()
	if strings.Join(codes, ",") != "a,b,c" {
		t.Fatalf("codes %v", codes)
	}
	// A prepared statement still reports constraint errors as before.
	if _, err := db.Exec(ctx, ins, "b", "重复", 1); !isConflict(err) {
		t.Fatalf("duplicate through a prepared statement: %v", err)
	}
	if err := db.QueryRow(ctx, sel, "none").Scan(&name); !IsNoRows(err) {
		t.Fatalf("missing row through a prepared statement: %v", err)
	}
}

func isConflict(err error) bool {
	return err != nil && strings.Contains(MapError(err).Error(), "conflict")
}

func TestScriptsAndBadQueriesAreNotCached(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	script := `CREATE TABLE x (a INTEGER); CREATE TABLE y (b INTEGER)`
	if _, err := db.Exec(ctx, script); err != nil {
		t.Fatal(err)
	}
	bad := `SELECT nope FROM nowhere`
	for range 3 {
		if _, err := db.Query(ctx, bad); err == nil {
			t.Fatal("bad query succeeded")
		}
	}
	time.Sleep(50 * time.Millisecond)
	db.stmts.mu.RLock()
	defer db.stmts.mu.RUnlock()
	if _, ok := db.stmts.m[script]; ok {
		t.Fatal("a script of several statements was cached")
	}
	if st := db.stmts.m[bad]; st != nil {
		t.Fatal("a query that does not prepare was cached")
	}
}
