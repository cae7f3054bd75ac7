package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"jiedai/internal/app"
	"jiedai/internal/clock"
	"jiedai/internal/storetest"
)

// The log warns at start-up while no public URL is set, by the settings
// or the --base-url flag.
func TestWarnPublicURL(t *testing.T) {
	for _, tc := range []struct {
		flag string
		warn bool
	}{{"", true}, {"https://jiedai.example.cn", false}} {
		var log bytes.Buffer
		a, err := app.New(context.Background(), storetest.NewTestDB(t, "sqlite"), clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)), slog.New(slog.NewTextHandler(&log, nil)), app.Config{BaseURL: tc.flag})
		if err != nil {
			t.Fatal(err)
		}
		a.WarnPublicURL(context.Background())
		if got := strings.Contains(log.String(), "public URL unset"); got != tc.warn {
			t.Errorf("flag %q: warned %v, want %v; log:\n%s", tc.flag, got, tc.warn, log.String())
		}
	}
}
