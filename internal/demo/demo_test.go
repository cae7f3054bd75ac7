package demo_test

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/demo"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// The demo holds receptions in every stage, and loading twice changes nothing.
func TestDemoReceptionsInEveryStage(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		ctx := context.Background()
		list, _, err := a.Reception.List(ctx, access.SystemActor(), reception.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, r := range list {
			seen[r.Status]++
		}
		for _, st := range reception.Statuses {
			if seen[st] == 0 {
				t.Errorf("no demo reception in status %s (have %v)", st, seen)
			}
		}
		if err := demo.Load(ctx, a); err != nil {
			t.Fatal(err)
		}
		again, _, _ := a.Reception.List(ctx, access.SystemActor(), reception.Filter{Limit: 100})
		if len(again) != len(list) {
			t.Fatalf("second load: %d receptions, want %d", len(again), len(list))
		}
	})
}
