// Package wallclock turns a date and a clock time read on a site's wall
// clock into an instant. Adding hours to a day's midnight, or trusting
// time.Date across a daylight-saving change, moves the time by an hour on
// the change day; here a clock time that the change skips is refused, and
// one that it repeats is taken at its first occurrence.
package wallclock

import (
	"errors"
	"strings"
	"time"
)

// Errors, each for the input that is wrong.
var (
	ErrBadDate    = errors.New("wallclock: date must be YYYY-MM-DD")
	ErrBadClock   = errors.New("wallclock: clock time must be HH:MM")
	ErrNoSuchTime = errors.New("wallclock: the clock time does not exist on that day")
)

// At returns the instant at which the wall clock in loc reads the date and
// h:min (h may be 24 with min 0: the midnight that ends the day). When the
// clocks go back and the reading happens twice, the first (earlier) instant
// is returned; when they go forward over it, ErrNoSuchTime.
func At(y int, m time.Month, d, h, min int, loc *time.Location) (time.Time, error) {
	if loc == nil {
		return time.Time{}, errors.New("wallclock: nil location")
	}
	wall := time.Date(y, m, d, h, min, 0, 0, time.UTC) // normalised reading
	var best time.Time
	// The offsets in force around the reading: a day either side covers a
	// change whichever way the zone lies from UTC.
	for _, probe := range []time.Duration{-26 * time.Hour, 0, 26 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		c := wall.Add(-time.Duration(off) * time.Second)
		if reads(c.In(loc), wall) && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if best.IsZero() {
		return time.Time{}, ErrNoSuchTime
	}
	return best.In(loc), nil
}

// On is At for the calendar date of day as read in loc.
func On(day time.Time, h, min int, loc *time.Location) (time.Time, error) {
	if loc == nil {
		return time.Time{}, errors.New("wallclock: nil location")
	}
	y, m, d := day.In(loc).Date()
	return At(y, m, d, h, min, loc)
}

// Forward is At for times that are derived rather than entered (a
// deadline, an opening hour, a repeat of a series): a clock time the clocks
// skip is moved forward by the length of the gap, as the clocks were
// (02:30 → 03:30, as RFC 5545 does for recurrences).
func Forward(y int, m time.Month, d, h, min int, loc *time.Location) time.Time {
	t, err := At(y, m, d, h, min, loc)
	if err == nil || loc == nil {
		return t
	}
	wall := time.Date(y, m, d, h, min, 0, 0, time.UTC)
	_, before := wall.Add(-26 * time.Hour).In(loc).Zone()
	return wall.Add(-time.Duration(before) * time.Second).In(loc)
}

// OnForward is Forward for the calendar date of day as read in loc.
func OnForward(day time.Time, h, min int, loc *time.Location) time.Time {
	if loc == nil {
		return time.Time{}
	}
	y, m, d := day.In(loc).Date()
	return Forward(y, m, d, h, min, loc)
}

// Parse reads a "YYYY-MM-DD" date and an "HH:MM" clock time ("24:00" ends
// the day) on loc's wall clock, strictly.
func Parse(date, clock string, loc *time.Location) (time.Time, error) {
	d, err := ParseDate(date)
	if err != nil {
		return time.Time{}, err
	}
	h, min, err := ParseClock(clock)
	if err != nil {
		return time.Time{}, err
	}
	return At(d.Year(), d.Month(), d.Day(), h, min, loc)
}

// ParseLocal reads "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD HH:MM" (the value of
// an <input type="datetime-local">, seconds allowed and ignored when zero).
func ParseLocal(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	date, clock, ok := strings.Cut(v, "T")
	if !ok {
		date, clock, ok = strings.Cut(v, " ")
	}
	if !ok {
		return time.Time{}, ErrBadClock
	}
	if len(clock) == 8 && strings.HasSuffix(clock, ":00") {
		clock = clock[:5]
	}
	return Parse(date, clock, loc)
}

// ParseDate strictly reads a "YYYY-MM-DD" date (as midnight UTC).
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Format(time.DateOnly) != s {
		return time.Time{}, ErrBadDate
	}
	return d, nil
}

// ParseClock strictly reads "HH:MM", 00:00 to 24:00.
func ParseClock(s string) (h, min int, err error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' {
		return 0, 0, ErrBadClock
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, 0, ErrBadClock
		}
	}
	h, min = int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if min > 59 || h > 24 || (h == 24 && min != 0) {
		return 0, 0, ErrBadClock
	}
	return h, min, nil
}

// reads reports whether local shows the same date and clock as wall.
func reads(local, wall time.Time) bool {
	y1, m1, d1 := local.Date()
	y2, m2, d2 := wall.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && local.Hour() == wall.Hour() && local.Minute() == wall.Minute()
}

// KeyNoSuchTime is the message key for ErrNoSuchTime.
const KeyNoSuchTime = "err.input.no_such_time"

// Key is the message key for an error of this package: KeyNoSuchTime for
// a clock time the clocks skip, badKey for a malformed date or time.
func Key(err error, badKey string) string {
	if errors.Is(err, ErrNoSuchTime) {
		return KeyNoSuchTime
	}
	return badKey
}
