package venue_test

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

func TestVenueListCacheFollowsChanges(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Shanghai")
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, loc))
		office := access.Actor{UserID: 0, System: true, Roles: []string{access.Office}}
		here := venue.New(db, clk, loc)
		there := venue.New(db, clk, loc) // another instance on the same database
		names := func(s *venue.Service) []string {
			t.Helper()
			list, err := s.All(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, v := range list {
				out = append(out, v.Name)
			}
			return out
		}
		in := venue.Defaults()
		in.Name, in.Capacity = "第一会议室", 10
		v, err := here.Create(ctx, office, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(here); len(got) != 1 || got[0] != "第一会议室" {
			t.Fatalf("after create: %v", got)
		}
		_ = names(there) // both instances now hold the list
		// A change here shows here at once, even within the same millisecond.
		in = venue.FromVenue(v)
		in.Name = "董事会议室"
		if _, err := here.Update(ctx, office, v.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := names(here); got[0] != "董事会议室" {
			t.Fatalf("after update here: %v", got)
		}
		// A change made by the other instance shows once its time moved on.
		clk.Advance(time.Second)
		in.Name = "贵宾接待室"
		if _, err := there.Update(ctx, office, v.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := names(here); got[0] != "贵宾接待室" {
			t.Fatalf("after update there: %v", got)
		}
		// So does a venue added there.
		in2 := venue.Defaults()
		in2.Name, in2.Capacity = "洽谈室", 4
		if _, err := there.Create(ctx, office, in2); err != nil {
			t.Fatal(err)
		}
		if got := names(here); len(got) != 2 {
			t.Fatalf("after create there: %v", got)
		}
		// Callers get their own copy of the list.
		list, _ := here.All(ctx, nil)
		list[0].Name = "改掉"
		if got := names(here); got[0] == "改掉" {
			t.Fatal("a caller's change leaked into the cache")
		}
	})
}
