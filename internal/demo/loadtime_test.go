package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"jiedai/internal/app"
	"jiedai/internal/clock"
	"jiedai/internal/demo"
	"jiedai/internal/storetest"
)

// TestDemoLoadsAtAnyHour: `serve --demo` works whenever a newcomer runs it,
// at night, before the rooms open and at the weekend (it once failed at
// 21:00: the case under way today asked for a room after closing time).
func TestDemoLoadsAtAnyHour(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{
		time.Date(2026, 12, 3, 21, 0, 0, 0, sh),  // Thursday night
		time.Date(2026, 12, 3, 23, 50, 0, 0, sh), // just before midnight
		time.Date(2026, 12, 4, 1, 0, 0, 0, sh),   // Friday, small hours
		time.Date(2026, 12, 4, 9, 50, 0, 0, sh),  // rooms just opened
		time.Date(2026, 12, 5, 15, 0, 0, 0, sh),  // Saturday afternoon
	} {
		t.Run(at.Format("Mon 15:04"), func(t *testing.T) {
			db := storetest.NewTestDB(t, "sqlite")
			a, err := app.New(context.Background(), db, clock.NewFake(at), slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Demo: true, DemoPassword: demo.Password})
			if err != nil {
				t.Fatal(err)
			}
			if err := demo.Load(context.Background(), a); err != nil {
				t.Fatalf("demo at %s: %v", at, err)
			}
		})
	}
}
