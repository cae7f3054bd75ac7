package recur

import (
	"time"

	"jiedai/internal/wallclock"
)

// ReasonHoliday is Occurrence.Reason for occurrences on non-working days.
const ReasonHoliday = "holiday"

// Occurrence is one instance of a recurring booking.
type Occurrence struct {
	Start, End time.Time
	Skipped    bool   // true if the booking does not take place
	Reason     string // why it was skipped: ReasonHoliday
}

// Expand returns the occurrences of r for a booking that first starts at
// start and lasts duration, in chronological order.
//
// Dates are computed on the wall clock of loc (start's own location if loc
// is nil), so a 09:00 booking stays at 09:00 local time. start itself is
// the first occurrence when it matches the rule; otherwise the first
// matching date after it is. Monthly ByDate rules skip months without the
// day (no 31st in April).
//
// Recurrences are bounded to one year: Until more than one year after the
// start date is a "too_far" error on "until", as is a Count that cannot be
// reached within a year ("count"). limit further truncates the result
// (occurrences starting after limit are omitted); a zero limit or one
// beyond start plus one year means start plus one year. Validity does not
// depend on limit.
//
// If r.SkipHolidays is set and isWorkday is not nil, occurrences whose
// start falls on a day isWorkday rejects are returned with Skipped set and
// Reason ReasonHoliday; they still count toward Count. A nil isWorkday
// skips nothing. Errors are *Error.
func (r Rule) Expand(start time.Time, duration time.Duration, loc *time.Location, isWorkday func(time.Time) bool, limit time.Time) ([]Occurrence, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if start.IsZero() {
		return nil, fail("start", ReasonRequired)
	}
	if duration <= 0 {
		return nil, fail("duration", ReasonInvalid)
	}
	if loc == nil {
		loc = start.Location()
	}
	start = start.In(loc)
	horizon := start.AddDate(1, 0, 0)
	if limit.IsZero() || limit.After(horizon) {
		limit = horizon
	}

	startDate := dateOf(start)
	var until time.Time // zero: no UNTIL
	if r.Until != "" {
		u, err := time.Parse(time.DateOnly, r.Until)
		if err != nil {
			return nil, fail("until", ReasonInvalid)
		}
		switch {
		case u.Before(startDate):
			return nil, fail("until", ReasonInvalid)
		case u.After(startDate.AddDate(1, 0, 0)):
			return nil, fail("until", ReasonTooFar)
		}
		until = u
	}

	var starts []time.Time
	tooMany := false
	emit := func(t time.Time) bool {
		if t.After(horizon) || (!until.IsZero() && dateOf(t).After(until)) {
			return false
		}
		if len(starts) == MaxCount {
			tooMany = true
			return false
		}
		starts = append(starts, t)
		return r.Count == 0 || len(starts) < r.Count
	}
	switch r.Freq {
	case Daily:
		r.daily(start, emit)
	case Weekly:
		r.weekly(start, emit)
	default:
		r.monthly(start, emit)
	}
	if tooMany {
		// Only daily rules with several hours a day reach this.
		return nil, fail("until", ReasonTooMany)
	}
	if r.Count > 0 && until.IsZero() && len(starts) < r.Count {
		// The year ended the recurrence before COUNT did. (An UNTIL is at
		// most a year away, so with UNTIL set it is what ended it.)
		return nil, fail("count", ReasonTooFar)
	}

	var occs []Occurrence
	for _, t := range starts {
		if t.After(limit) {
			break
		}
		o := Occurrence{Start: t, End: t.Add(duration)}
		if r.SkipHolidays && isWorkday != nil && !isWorkday(t) {
			o.Skipped, o.Reason = true, ReasonHoliday
		}
		occs = append(occs, o)
	}
	return occs, nil
}

// daily calls emit for each matching day (and hour) from start onward
// until emit returns false or a year and a day has passed.
func (r Rule) daily(start time.Time, emit func(time.Time) bool) {
	for d := 0; d <= 367; d += r.Interval {
		if len(r.Hours) == 0 {
			if !emit(atDay(start, start.Year(), start.Month(), start.Day()+d)) {
				return
			}
			continue
		}
		day := time.Date(start.Year(), start.Month(), start.Day()+d, 0, 0, 0, 0, time.UTC)
		for _, h := range r.Hours {
			t := wallclock.Forward(day.Year(), day.Month(), day.Day(), h, start.Minute(), start.Location())
			if t.Before(start) {
				continue
			}
			if !emit(t) {
				return
			}
		}
	}
}

// weekly calls emit for each matching date from start's date onward until
// emit returns false or a year and a day has passed.
func (r Rule) weekly(start time.Time, emit func(time.Time) bool) {
	var days [7]bool
	if len(r.Weekdays) == 0 {
		days[start.Weekday()] = true
	}
	for _, wd := range r.Weekdays {
		days[wd] = true
	}
	// Weeks start on Monday (WKST=MO); week 0 contains start.
	sinceMonday := (int(start.Weekday()) + 6) % 7
	for d := 0; d <= 367; d++ {
		t := atDay(start, start.Year(), start.Month(), start.Day()+d)
		week := (sinceMonday + d) / 7
		if !days[t.Weekday()] || week%r.Interval != 0 {
			continue
		}
		if !emit(t) {
			return
		}
	}
}

// monthly calls emit for each matching date from start onward until emit
// returns false or thirteen months have passed.
func (r Rule) monthly(start time.Time, emit func(time.Time) bool) {
	for off := 0; off <= 12; off += r.Interval {
		first := time.Date(start.Year(), start.Month()+time.Month(off), 1, 0, 0, 0, 0, time.UTC)
		y, m := first.Year(), first.Month()
		var day int
		if r.MonthlyBy == ByWeekday {
			day = nthWeekday(y, m, r.Weekdays[0], r.Ordinal)
		} else {
			day = r.MonthDay
			if day == 0 {
				day = start.Day()
			}
			if day > daysIn(y, m) {
				continue // no such day this month
			}
		}
		t := atDay(start, y, m, day)
		if t.Before(start) {
			continue
		}
		if !emit(t) {
			return
		}
	}
}

// atDay returns the given date (normalized) at start's wall-clock time in
// start's location; a time the clocks skip on that date is moved forward
// by the gap and a repeated one is its first occurrence (RFC 5545).
func atDay(start time.Time, y int, m time.Month, d int) time.Time {
	h, mi, s := start.Clock()
	return wallclock.Forward(y, m, d, h, mi, start.Location()).Add(time.Duration(s)*time.Second + time.Duration(start.Nanosecond()))
}

// dateOf returns t's calendar date in its own location, as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// nthWeekday returns the day of the month of the ord-th wd in the month
// (ord 1-4), or of the last one (ord -1).
func nthWeekday(y int, m time.Month, wd time.Weekday, ord int) int {
	if ord == -1 {
		last := daysIn(y, m)
		lastWd := time.Date(y, m, last, 0, 0, 0, 0, time.UTC).Weekday()
		return last - (int(lastWd)-int(wd)+7)%7
	}
	firstWd := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday()
	return 1 + (int(wd)-int(firstWd)+7)%7 + (ord-1)*7
}
