package workday

import (
	"fmt"
	"time"

	"jiedai/internal/wallclock"
)

// OfficeHours are the working hours of every working day on the calendar's
// wall clock, in minutes after midnight, with an optional lunch break
// (LunchStart == LunchEnd == 0 for none). Response limits counted in
// "working hours" (complaints, incidents) use them.
type OfficeHours struct {
	Start      int `json:"start"`
	End        int `json:"end"`
	LunchStart int `json:"lunch_start,omitempty"`
	LunchEnd   int `json:"lunch_end,omitempty"`
}

// DefaultOfficeHours are 09:00–18:00 with lunch 12:00–13:00: eight hours.
var DefaultOfficeHours = OfficeHours{Start: 9 * 60, End: 18 * 60, LunchStart: 12 * 60, LunchEnd: 13 * 60}

// OfficeHoursError names the office-hours field that is wrong.
type OfficeHoursError struct {
	Field string // start, end, lunch_start or lunch_end
}

func (e *OfficeHoursError) Error() string { return "workday: bad office hours field " + e.Field }

// ParseOfficeHours reads office hours from "HH:MM" clock times; the lunch
// break is both blank or both set, and lies inside the day.
func ParseOfficeHours(start, end, lunchStart, lunchEnd string) (OfficeHours, error) {
	var h OfficeHours
	for _, f := range []struct {
		name, v string
		dst     *int
	}{{"start", start, &h.Start}, {"end", end, &h.End}, {"lunch_start", lunchStart, &h.LunchStart}, {"lunch_end", lunchEnd, &h.LunchEnd}} {
		if f.v == "" && (f.name == "lunch_start" || f.name == "lunch_end") {
			continue
		}
		hh, mm, err := wallclock.ParseClock(f.v)
		if err != nil {
			return OfficeHours{}, &OfficeHoursError{Field: f.name}
		}
		*f.dst = hh*60 + mm
	}
	if (lunchStart == "") != (lunchEnd == "") {
		if lunchStart == "" {
			return OfficeHours{}, &OfficeHoursError{Field: "lunch_start"}
		}
		return OfficeHours{}, &OfficeHoursError{Field: "lunch_end"}
	}
	return h, h.Check()
}

// Check reports the first field of h that is out of order.
func (h OfficeHours) Check() error {
	switch {
	case h.Start < 0 || h.Start >= 24*60:
		return &OfficeHoursError{Field: "start"}
	case h.End <= h.Start || h.End > 24*60:
		return &OfficeHoursError{Field: "end"}
	case h.LunchStart == 0 && h.LunchEnd == 0:
		return nil
	case h.LunchStart <= h.Start || h.LunchStart >= h.End:
		return &OfficeHoursError{Field: "lunch_start"}
	case h.LunchEnd <= h.LunchStart || h.LunchEnd >= h.End:
		return &OfficeHoursError{Field: "lunch_end"}
	}
	return nil
}

// Clock formats minutes after midnight as "HH:MM" ("" for a missing break).
func Clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// String shows the hours as "09:00–12:00, 13:00–18:00".
func (h OfficeHours) String() string {
	s := ""
	for i, p := range h.periods() {
		if i > 0 {
			s += ", "
		}
		s += Clock(p[0]) + "–" + Clock(p[1])
	}
	return s
}

// PerDay is the working time of one working day.
func (h OfficeHours) PerDay() time.Duration {
	var d int
	for _, p := range h.periods() {
		d += p[1] - p[0]
	}
	return time.Duration(d) * time.Minute
}

// periods are the working stretches of a day, in minutes.
func (h OfficeHours) periods() [][2]int {
	if h.LunchStart == 0 && h.LunchEnd == 0 {
		return [][2]int{{h.Start, h.End}}
	}
	return [][2]int{{h.Start, h.LunchStart}, {h.LunchEnd, h.End}}
}

// maxScanDays bounds the day-by-day walk (ten years of days off would be a
// calendar set up wrong, not a deadline).
const maxScanDays = 3660

// dayPeriods returns the working stretches of day number d as instants.
func (c *table) dayPeriods(d int, h OfficeHours) [][2]time.Time {
	if !c.workday(d) {
		return nil
	}
	day := time.Unix(int64(d)*86400, 0).UTC()
	var out [][2]time.Time
	for _, p := range h.periods() {
		a := wallclock.Forward(day.Year(), day.Month(), day.Day(), p[0]/60, p[0]%60, c.loc)
		b := wallclock.Forward(day.Year(), day.Month(), day.Day(), p[1]/60, p[1]%60, c.loc)
		if b.After(a) {
			out = append(out, [2]time.Time{a, b})
		}
	}
	return out
}

// AddWorkingHours returns the instant d of working time after t: only the
// office hours of working days count (weekends and public holidays are
// skipped, 调休 make-up days count). A limit that ends exactly at the end of
// a stretch is due then (8 working hours from Monday 09:00 is Monday 18:00).
// d <= 0 returns t.
func (c *table) AddWorkingHours(t time.Time, d time.Duration, h OfficeHours) time.Time {
	if d <= 0 || h.Check() != nil {
		return t
	}
	left := d
	for day, n := dayNumber(t, c.loc), 0; n < maxScanDays; day, n = day+1, n+1 {
		for _, p := range c.dayPeriods(day, h) {
			if !t.Before(p[1]) {
				continue
			}
			begin := p[0]
			if t.After(begin) {
				begin = t
			}
			if avail := p[1].Sub(begin); left <= avail {
				return begin.Add(left)
			} else {
				left -= avail
			}
		}
	}
	return t.Add(d)
}

// WorkingHoursBetween is the working time from from to to (the inverse of
// AddWorkingHours; negative when to is before from).
func (c *table) WorkingHoursBetween(from, to time.Time, h OfficeHours) time.Duration {
	if to.Before(from) {
		return -c.WorkingHoursBetween(to, from, h)
	}
	if h.Check() != nil {
		return 0
	}
	var sum time.Duration
	last := dayNumber(to, c.loc)
	for day := dayNumber(from, c.loc); day <= last && day-dayNumber(from, c.loc) < maxScanDays; day++ {
		for _, p := range c.dayPeriods(day, h) {
			a, b := p[0], p[1]
			if from.After(a) {
				a = from
			}
			if to.Before(b) {
				b = to
			}
			if b.After(a) {
				sum += b.Sub(a)
			}
		}
	}
	return sum
}

// AddWorkingHours moves t forward by d of working time within office hours h.
func (c *Calendar) AddWorkingHours(t time.Time, d time.Duration, h OfficeHours) time.Time {
	return c.cur.Load().AddWorkingHours(t, d, h)
}

// WorkingHoursBetween is the working time between two instants within office hours h.
func (c *Calendar) WorkingHoursBetween(from, to time.Time, h OfficeHours) time.Duration {
	return c.cur.Load().WorkingHoursBetween(from, to, h)
}
