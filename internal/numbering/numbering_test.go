package numbering_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"jiedai/internal/numbering"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

var errRefused = errors.New("document refused")

// create writes one document numbered in its own transaction; fail makes
// the transaction roll back after the number was taken.
func create(ctx context.Context, db *store.DB, at time.Time, fail bool) (string, error) {
	var no string
	err := db.InTx(ctx, func(tx *store.Tx) error {
		n, err := numbering.Next(ctx, tx, numbering.Receipt, at)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO test_docs (no) VALUES (?)`, n); err != nil {
			return err
		}
		if fail {
			return errRefused
		}
		no = n
		return nil
	})
	return no, err
}

// TestConcurrentNumbersAreConsecutive: 64 documents created at once through
// two instances of the same database get the numbers 1…64 of the year,
// each once, and documents whose transaction fails leave no gap.
func TestConcurrentNumbersAreConsecutive(t *testing.T) {
	for _, kind := range storetest.TestDSNs() {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.TestDSN(t, kind)
			var dbs [2]*store.DB
			for i := range dbs {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				dbs[i] = db
			}
			if _, err := dbs[0].Exec(ctx, `CREATE TABLE test_docs (no TEXT PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			const n = 64
			var mu sync.Mutex
			var got []string
			var wg sync.WaitGroup
			for i := 0; i < n+16; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					fail := i%5 == 4 // 16 of the 80 fail after taking a number
					no, err := create(ctx, dbs[i%2], at, fail)
					if fail {
						if !errors.Is(err, errRefused) {
							t.Errorf("failing creation %d: err = %v", i, err)
						}
						return
					}
					if err != nil {
						t.Errorf("creation %d: %v", i, err)
						return
					}
					mu.Lock()
					got = append(got, no)
					mu.Unlock()
				}(i)
			}
			wg.Wait()
			sort.Strings(got)
			if len(got) != n {
				t.Fatalf("got %d numbers, want %d", len(got), n)
			}
			for i, no := range got {
				if want := fmt.Sprintf("SJ-2026-%06d", i+1); no != want {
					t.Fatalf("number %d = %s, want %s (all: %v)", i, no, want, got)
				}
			}
			last, err := numbering.Last(ctx, dbs[1], numbering.Receipt, 2026)
			if err != nil || last != n {
				t.Fatalf("Last = %d, %v; want %d", last, err, n)
			}
		})
	}
}

// TestYearAndSeries: each series and each year counts on its own, and the
// year is China's: 2026-12-31 17:00 UTC is already 2027 in Beijing.
func TestYearAndSeries(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		next := func(s numbering.Series, at time.Time) string {
			var no string
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				no, err = numbering.Next(ctx, tx, s, at)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return no
		}
		dec := time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC)
		newYear := time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			s    numbering.Series
			at   time.Time
			want string
		}{
			{numbering.Complaint, dec, "TS-2026-000001"},
			{numbering.Complaint, dec, "TS-2026-000002"},
			{numbering.Complaint, newYear, "TS-2027-000001"},
			{numbering.Contract, dec, "HT-2026-000001"},
			{numbering.Complaint, dec, "TS-2026-000003"},
		} {
			if got := next(c.s, c.at); got != c.want {
				t.Errorf("Next(%s, %s) = %s, want %s", c.s, c.at, got, c.want)
			}
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := numbering.Next(ctx, tx, numbering.Series("nope"), dec)
			return err
		})
		if err == nil {
			t.Fatal("an unknown series was numbered")
		}
	})
}
