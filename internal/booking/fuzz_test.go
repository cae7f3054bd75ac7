package booking_test

import (
	"strings"
	"testing"
	"time"

	"jiedai/internal/booking"
)

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-03-02T09:00:00+08:00", "2026-03-02T09:00", "2026-03-02 09:00", "2026-03-02", "", "x", "2026-13-40", "9999-12-31T23:59:59Z"} {
		f.Add(s)
	}
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := booking.ParseTime(s, loc)
		if ok && tm.IsZero() && !strings.HasPrefix(strings.TrimSpace(s), "0001-01-01") {
			t.Errorf("ParseTime(%q) ok with zero time", s)
		}
		if !ok && !tm.IsZero() {
			t.Errorf("ParseTime(%q) failed but returned %v", s, tm)
		}
	})
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
