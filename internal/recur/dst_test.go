package recur

import (
	"testing"
	"time"
)

// TestExpandAcrossDaylightSaving: a weekly series keeps its wall-clock time
// across the change; an occurrence whose time the clocks skip moves forward
// by the gap; one the clocks repeat is its first occurrence.
func TestExpandAcrossDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	for _, c := range []struct {
		name  string
		start time.Time
		want  []string
	}{
		{"10:00 stays 10:00", time.Date(2026, 3, 1, 10, 0, 0, 0, ny), []string{"2026-03-01T10:00:00-05:00", "2026-03-08T10:00:00-04:00", "2026-03-15T10:00:00-04:00"}},
		{"02:30 is skipped on the change day", time.Date(2026, 3, 1, 2, 30, 0, 0, ny), []string{"2026-03-01T02:30:00-05:00", "2026-03-08T03:30:00-04:00", "2026-03-15T02:30:00-04:00"}},
		{"01:30 repeated is the first", time.Date(2026, 10, 25, 1, 30, 0, 0, ny), []string{"2026-10-25T01:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-08T01:30:00-05:00"}},
	} {
		occ, err := Rule{Freq: Weekly, Interval: 1, Count: 3}.Expand(c.start, time.Hour, ny, nil, time.Time{})
		if err != nil || len(occ) != 3 {
			t.Fatalf("%s: %v %v", c.name, occ, err)
		}
		for i, o := range occ {
			if got := o.Start.In(ny).Format(time.RFC3339); got != c.want[i] {
				t.Errorf("%s: occurrence %d at %s, want %s", c.name, i, got, c.want[i])
			}
		}
	}
}
