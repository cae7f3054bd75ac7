package wallclock

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func load(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// TestAtAcrossDaylightSaving: on a change day the reading is built in the
// zone (not midnight plus hours), a skipped time is refused and a repeated
// one is taken at its first occurrence.
func TestAtAcrossDaylightSaving(t *testing.T) {
	for _, c := range []struct {
		zone, date, clock string
		want              string // UTC, RFC 3339; "" = ErrNoSuchTime
	}{
		{"America/New_York", "2026-03-08", "10:00", "2026-03-08T14:00:00Z"}, // midnight + 10 h would be 11:00 EDT
		{"America/New_York", "2026-03-08", "01:59", "2026-03-08T06:59:00Z"},
		{"America/New_York", "2026-03-08", "02:00", ""},
		{"America/New_York", "2026-03-08", "02:30", ""},
		{"America/New_York", "2026-03-08", "03:00", "2026-03-08T07:00:00Z"},
		{"America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30:00Z"}, // first, EDT
		{"America/New_York", "2026-11-01", "24:00", "2026-11-02T05:00:00Z"},
		{"Europe/Berlin", "2026-03-29", "02:30", ""},
		{"Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T00:30:00Z"}, // first, CEST (time.Date picks CET)
		{"Europe/Berlin", "2026-10-25", "03:00", "2026-10-25T02:00:00Z"},
		{"Australia/Lord_Howe", "2026-10-04", "02:15", ""}, // a half-hour change
		{"Australia/Lord_Howe", "2026-04-05", "01:45", "2026-04-04T14:45:00Z"},
		{"Asia/Shanghai", "2026-03-08", "02:30", "2026-03-07T18:30:00Z"},
		{"UTC", "2026-02-28", "24:00", "2026-03-01T00:00:00Z"},
	} {
		got, err := Parse(c.date, c.clock, load(t, c.zone))
		if c.want == "" {
			if !errors.Is(err, ErrNoSuchTime) {
				t.Errorf("%s %s %s: %v, %v; want ErrNoSuchTime", c.zone, c.date, c.clock, got, err)
			}
			continue
		}
		if err != nil || got.UTC().Format(time.RFC3339) != c.want {
			t.Errorf("%s %s %s: %v, %v; want %s", c.zone, c.date, c.clock, got.UTC(), err, c.want)
		}
	}
}

func TestOnForward(t *testing.T) {
	ny := load(t, "America/New_York")
	day := time.Date(2026, 3, 8, 12, 0, 0, 0, ny)
	for _, c := range []struct {
		h, m int
		want string
	}{{2, 30, "2026-03-08T03:30:00-04:00"}, {1, 30, "2026-03-08T01:30:00-05:00"}, {18, 0, "2026-03-08T18:00:00-04:00"}} {
		if got := OnForward(day, c.h, c.m, ny).In(ny).Format(time.RFC3339); got != c.want {
			t.Errorf("OnForward %02d:%02d = %s, want %s", c.h, c.m, got, c.want)
		}
	}
	if got := OnForward(time.Date(2026, 11, 1, 0, 0, 0, 0, ny), 1, 30, ny).UTC().Format(time.RFC3339); got != "2026-11-01T05:30:00Z" {
		t.Errorf("OnForward on the fall-back day = %s, want the first 01:30", got)
	}
}

func TestParseStrict(t *testing.T) {
	loc := time.UTC
	for _, c := range []struct {
		date, clock string
		err         error
	}{
		{"2026-02-30", "10:00", ErrBadDate},
		{"2026-3-1", "10:00", ErrBadDate},
		{"2026-03-01", "9:30", ErrBadClock},
		{"2026-03-01", "24:01", ErrBadClock},
		{"2026-03-01", "12:60", ErrBadClock},
		{"2026-03-01", "-1:00", ErrBadClock},
		{"2026-03-01", "12:00", nil},
	} {
		if _, err := Parse(c.date, c.clock, loc); !errors.Is(err, c.err) {
			t.Errorf("Parse(%q, %q) = %v, want %v", c.date, c.clock, err, c.err)
		}
	}
	ny := load(t, "America/New_York")
	for v, want := range map[string]error{"2026-03-08T02:30": ErrNoSuchTime, "2026-03-08 10:00": nil, "2026-03-08T10:00:00": nil, "2026-03-08T10:00:30": ErrBadClock, "2026-03-08": ErrBadClock} {
		if _, err := ParseLocal(v, ny); !errors.Is(err, want) {
			t.Errorf("ParseLocal(%q) = %v, want %v", v, err, want)
		}
	}
}

// FuzzParse: whatever the input, Parse either refuses it or returns an
// instant whose reading in the zone is the date and clock asked for, and
// no earlier instant reads the same.
func FuzzParse(f *testing.F) {
	for _, s := range [][3]string{
		{"2026-03-08", "02:30", "America/New_York"}, {"2026-11-01", "01:30", "America/New_York"},
		{"2026-10-25", "02:30", "Europe/Berlin"}, {"2026-03-29", "02:00", "Europe/Berlin"},
		{"2026-10-04", "02:15", "Australia/Lord_Howe"}, {"2026-02-28", "24:00", "Asia/Shanghai"},
		{"2026-02-30", "10:00", "UTC"}, {"２０２６-03-01", "10:00", "UTC"}, {"2026-03-01", "1０:00", "UTC"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	zones := map[string]*time.Location{}
	f.Fuzz(func(t *testing.T, date, clock, zone string) {
		loc, ok := zones[zone]
		if !ok {
			switch zone {
			case "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Shanghai", "UTC":
				loc = load(t, zone)
			default:
				loc = time.UTC
			}
			zones[zone] = loc
		}
		got, err := Parse(date, clock, loc)
		if err != nil {
			return
		}
		date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
		want := date + " " + clock
		if clock == "24:00" {
			d, _ := ParseDate(date)
			want = d.AddDate(0, 0, 1).Format(time.DateOnly) + " 00:00"
		}
		if s := got.In(loc).Format("2006-01-02 15:04"); s != want {
			t.Fatalf("Parse(%q, %q) in %s reads %s", date, clock, loc, s)
		}
		for _, back := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
			if got.Add(-back).In(loc).Format("2006-01-02 15:04") == want {
				t.Fatalf("Parse(%q, %q) in %s is not the first occurrence", date, clock, loc)
			}
		}
	})
}
