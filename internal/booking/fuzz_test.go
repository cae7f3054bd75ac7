package booking_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"jiedai/internal/booking"
	"jiedai/internal/wallclock"
)

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-03-02T09:00:00+08:00", "2026-03-02T09:00", "2026-03-02 09:00", "2026-03-02", "", "x", "2026-13-40", "9999-12-31T23:59:59Z",
		"2026-03-08T02:30", "2026-11-01 01:30", "2026-03-08T02:59:59", "2026-03-08"} {
		f.Add(s)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, loc := range []*time.Location{time.FixedZone("CST", 8*3600), ny} {
			tm, err := booking.ParseTime(s, loc)
			if err == nil && tm.IsZero() && !strings.HasPrefix(strings.TrimSpace(s), "0001-01-01") {
				t.Errorf("ParseTime(%q) ok with zero time", s)
			}
			if err != nil && !tm.IsZero() {
				t.Errorf("ParseTime(%q) failed but returned %v", s, tm)
			}
			// A local date and clock time reads back as given.
			if w, perr := time.Parse("2006-01-02T15:04", strings.TrimSpace(s)); perr == nil && err == nil && tm.In(loc).Format("2006-01-02T15:04") != w.Format("2006-01-02T15:04") {
				t.Errorf("ParseTime(%q) in %s = %v", s, loc, tm.In(loc))
			}
		}
	})
}

// TestParseTimeDaylightSaving: a local time skipped by the spring-forward
// change is refused; a repeated one is its first occurrence.
func TestParseTimeDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := booking.ParseTime("2026-03-08T02:30", ny); !errors.Is(err, wallclock.ErrNoSuchTime) {
		t.Errorf("skipped time: %v", err)
	}
	if tm, err := booking.ParseTime("2026-11-01 01:30", ny); err != nil || tm.UTC().Hour() != 5 {
		t.Errorf("repeated time: %v %v", tm.UTC(), err)
	}
	if tm, err := booking.ParseTime("2026-03-08T10:00:30", ny); err != nil || tm.UTC().Format(time.RFC3339) != "2026-03-08T14:00:30Z" {
		t.Errorf("change day: %v %v", tm.UTC(), err)
	}
}

func FuzzParseCodes(f *testing.F) {
	for _, s := range []string{"projector,microphone", "a,,a, b ", "", ",,,", strings.Repeat("x,", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := booking.ParseCodes(s)
		if len(out) > 20 {
			t.Fatalf("%d codes", len(out))
		}
		seen := map[string]bool{}
		for _, c := range out {
			if c == "" || c != strings.TrimSpace(c) || seen[c] {
				t.Fatalf("bad code %q in %q", c, out)
			}
			seen[c] = true
		}
	})
}
