package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// holdWriter starts a transaction that keeps the writer busy until n more
// transactions are queued behind it, so that those n form one group. The
// queue is filled by the caller after holdWriter returns.
func holdWriter(t *testing.T, db *DB, n int) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		done <- db.InTx(context.Background(), func(tx *Tx) error {
			close(started)
			return waitQueued(db, n)
		})
	}()
	<-started
	return done
}

// waitQueued waits until n transactions wait in the queue.
func waitQueued(db *DB, n int) error {
	for deadline := time.Now().Add(10 * time.Second); len(db.batch.queue) < n; {
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d transactions queued", len(db.batch.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

func insertDept(ctx context.Context, tx *Tx, code string) error {
	_, err := tx.Exec(ctx, `INSERT INTO departments (code, name, created_at) VALUES (?, ?, 1)`, code, code)
	return err
}

func codes(t *testing.T, db *DB) map[string]int {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT code FROM departments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out[c]++
	}
	return out
}

// member is one transaction of a test group and what it should leave.
type member struct {
	name string
	fn   func(ctx context.Context, tx *Tx) error
	kept bool   // its row is there afterwards
	err  string // substring of the error InTx returns ("" = success)
	pan  bool   // InTx panics in the caller
}

func TestGroupCommitKeepsEachTransactionApart(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		members []member
	}{
		{"all succeed", []member{
			{name: "a", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "a") }, kept: true},
			{name: "b", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "b") }, kept: true},
			{name: "c", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "c") }, kept: true},
		}},
		{"a failing member leaves nothing, the others commit", []member{
			{name: "a", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "a") }, kept: true},
			{name: "b", fn: func(ctx context.Context, tx *Tx) error {
				if err := insertDept(ctx, tx, "b"); err != nil {
					return err
				}
				return boom
			}, err: "boom"},
			{name: "c", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "c") }, kept: true},
		}},
		{"a unique violation is the member's own", []member{
			{name: "a", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "a") }, kept: true},
			{name: "a2", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "a") }, err: "UNIQUE"},
			{name: "c", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "c") }, kept: true},
		}},
		{"a panic reaches its caller only", []member{
			{name: "a", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "a") }, kept: true},
			{name: "b", fn: func(ctx context.Context, tx *Tx) error {
				if err := insertDept(ctx, tx, "b"); err != nil {
					return err
				}
				panic("kaboom")
			}, pan: true},
			{name: "c", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "c") }, kept: true},
		}},
		{"a member ending the shared transaction: the others run again alone", []member{
			{name: "a", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "a") }, kept: true},
			{name: "b", fn: func(ctx context.Context, tx *Tx) error {
				if _, err := tx.Exec(ctx, `ROLLBACK`); err != nil {
					return err
				}
				return boom
			}, err: "boom"},
			{name: "c", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "c") }, kept: true},
		}},
		{"later members see earlier members' writes", []member{
			{name: "a", fn: func(ctx context.Context, tx *Tx) error { return insertDept(ctx, tx, "a") }, kept: true},
			{name: "b", fn: func(ctx context.Context, tx *Tx) error {
				var n int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM departments WHERE code = 'a'`).Scan(&n); err != nil {
					return err
				}
				if n != 1 {
					return fmt.Errorf("saw %d rows of a", n)
				}
				return insertDept(ctx, tx, "b")
			}, kept: true},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openSQLite(t)
			ctx := context.Background()
			holder := holdWriter(t, db, len(tc.members))
			type result struct {
				err error
				pan any
			}
			results := make([]result, len(tc.members))
			var wg sync.WaitGroup
			for i, m := range tc.members {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { results[i].pan = recover() }()
					results[i].err = db.InTx(ctx, func(tx *Tx) error { return m.fn(ctx, tx) })
				}()
				// Queue in order, so that "earlier" means something.
				if i < len(tc.members)-1 {
					if err := waitQueued(db, i+1); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := <-holder; err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			got := codes(t, db)
			for i, m := range tc.members {
				r := results[i]
				switch {
				case m.pan:
					if r.pan == nil {
						t.Errorf("%s: no panic in the caller", m.name)
					}
				case m.err == "":
					if r.err != nil || r.pan != nil {
						t.Errorf("%s: err %v, panic %v", m.name, r.err, r.pan)
					}
				default:
					if r.err == nil || !strings.Contains(r.err.Error(), m.err) {
						t.Errorf("%s: err %v, want %q", m.name, r.err, m.err)
					}
				}
				if m.kept && got[m.name] != 1 {
					t.Errorf("%s: %d rows, want 1", m.name, got[m.name])
				}
				if !m.kept && m.name != "a2" && got[m.name] != 0 {
					t.Errorf("%s: %d rows of a failed transaction", m.name, got[m.name])
				}
			}
			if got["a"] > 1 {
				t.Errorf("a: %d rows", got["a"])
			}
		})
	}
}

func TestGroupCommitSharesCommits(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	const n = 40
	c0, t0 := db.CommitStats() // the migration's
	holder := holdWriter(t, db, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.InTx(ctx, func(tx *Tx) error { return insertDept(ctx, tx, fmt.Sprintf("d%02d", i)) })
		}()
	}
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(codes(t, db)); got != n {
		t.Fatalf("%d rows, want %d", got, n)
	}
	commits, txs := db.CommitStats()
	commits, txs = commits-c0, txs-t0
	// The holder commits alone; the 40 queued behind it share one commit.
	if txs != n+1 || commits != 2 {
		t.Fatalf("%d commits for %d transactions, want 2 for %d", commits, txs, n+1)
	}
}

func TestGroupCommitAfterCommitAndCancel(t *testing.T) {
	db := openSQLite(t)
	cctx, cancel := context.WithCancel(context.Background())
	ran := make(chan bool, 1)
	release := make(chan struct{})
	holder := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		holder <- db.InTx(context.Background(), func(tx *Tx) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	var wg sync.WaitGroup
	var afterErr, cancelErr error
	var afterRan bool
	wg.Add(2)
	go func() {
		defer wg.Done()
		afterErr = db.InTx(context.Background(), func(tx *Tx) error {
			tx.AfterCommit(func() { afterRan = true })
			return insertDept(context.Background(), tx, "x")
		})
	}()
	if err := waitQueued(db, 1); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer wg.Done()
		cancelErr = db.InTx(cctx, func(tx *Tx) error {
			ran <- true
			return insertDept(cctx, tx, "y")
		})
	}()
	if err := waitQueued(db, 2); err != nil {
		t.Fatal(err)
	}
	cancel()
	close(release)
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if afterErr != nil || !afterRan {
		t.Fatalf("after-commit member: err %v, after ran %v", afterErr, afterRan)
	}
	if !errors.Is(cancelErr, context.Canceled) {
		t.Fatalf("cancelled member: err %v", cancelErr)
	}
	select {
	case <-ran:
		t.Fatal("the cancelled member's function ran")
	default:
	}
	if got := codes(t, db); got["x"] != 1 || got["y"] != 0 {
		t.Fatalf("rows %v", got)
	}
}

func TestGroupCommitCloseAnswersEveryone(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "close.db"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = db.InTx(context.Background(), func(tx *Tx) error { return insertDept(context.Background(), tx, fmt.Sprint(i)) })
		}()
	}
	time.Sleep(2 * time.Millisecond)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("InTx callers still waiting after Close")
	}
}
