// Package recur expands recurrence rules for recurring bookings.
//
// Rules have a compact text form that is a subset of the RFC 5545 RRULE
// value, plus one extension:
//
//	FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270101;COUNT=10
//	FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6
//	FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231
//	FREQ=MONTHLY;BYDAY=-1FR;COUNT=12;X-SKIP-HOLIDAYS=TRUE
//	FREQ=DAILY;INTERVAL=2;COUNT=30;X-SKIP-HOLIDAYS=TRUE
//	FREQ=DAILY;BYHOUR=8,10,12,14,16;UNTIL=20261231
//
// Supported parts (names and values are case-insensitive, any order, each
// at most once, an optional "RRULE:" prefix is ignored):
//
//   - FREQ: DAILY, WEEKLY or MONTHLY (required).
//   - INTERVAL: 1-31 days, 1-52 weeks or 1-12 months (default 1).
//   - BYHOUR: daily only, a list of distinct hours 0-23 at which each day's
//     occurrences start (at the start's minute), e.g. patrols every two
//     hours; default the start's hour. Hours before the start on its first
//     day are left out.
//   - BYDAY: weekly, a list of distinct days MO,TU,WE,TH,FR,SA,SU (default
//     the start's weekday); monthly, exactly one day with ordinal 1-4 or
//     -1 for the last, e.g. 2TU or -1FR.
//   - BYMONTHDAY: monthly, one day 1-31 (default the start's day). Months
//     without that day are skipped, never moved.
//   - UNTIL: last date, inclusive, in the booking's zone, as a DATE
//     (YYYYMMDD); DATE-TIME values are not accepted.
//   - COUNT: number of occurrences, 1-500, including skipped ones.
//   - WKST: only MO, the week start used for INTERVAL.
//   - X-SKIP-HOLIDAYS: TRUE or FALSE (extension; strip it before handing the
//     rule to other software).
//
// At least one of UNTIL and COUNT is required; unlike RFC 5545, both may be
// given and the recurrence ends at whichever comes first.
package recur

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Frequencies.
const (
	Daily   = "daily"
	Weekly  = "weekly"
	Monthly = "monthly"
)

// Values of Rule.MonthlyBy.
const (
	ByDate    = "date"    // same day of the month
	ByWeekday = "weekday" // nth (or last) weekday of the month
)

// Limits on rules.
const (
	MaxCount           = 500
	MaxDailyInterval   = 31
	MaxWeeklyInterval  = 52
	MaxMonthlyInterval = 12
)

// Error reasons, stable machine codes for callers to translate.
const (
	ReasonInvalid     = "invalid"     // malformed or out of range
	ReasonRequired    = "required"    // missing
	ReasonTooFar      = "too_far"     // reaches beyond one year after the start
	ReasonTooMany     = "too_many"    // more than MaxCount occurrences
	ReasonUnsupported = "unsupported" // valid RFC 5545 but not supported here
)

// Error is a rule or expansion error. Field names the offending part in
// lower case ("freq", "interval", "byday", "bymonthday", "monthly_by",
// "until", "count", "wkst", "byhour", "x-skip-holidays", "start", "duration", or
// "rule" for the whole text); a missing end (neither UNTIL nor COUNT) is
// reported on "until". Reason is one of the Reason constants.
type Error struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("recur: %s: %s", e.Field, e.Reason)
}

func fail(field, reason string) error {
	return &Error{Field: field, Reason: reason}
}

// Rule is a recurrence rule. The zero value is not valid; see Validate.
type Rule struct {
	Freq     string // Daily, Weekly or Monthly
	Interval int    // every N days, weeks or months, ≥ 1
	// Hours are the hours of the day of daily rules' occurrences, ascending
	// (empty means the start's hour).
	Hours []int
	// Weekdays are the chosen days for weekly rules (empty means the
	// start's weekday) and exactly one day for monthly ByWeekday rules.
	Weekdays  []time.Weekday
	MonthlyBy string // monthly only: ByDate or ByWeekday
	MonthDay  int    // monthly ByDate: 1-31, or 0 for the start's day
	Ordinal   int    // monthly ByWeekday: 1-4, or -1 for the last
	Until     string // last date YYYY-MM-DD, inclusive; optional
	Count     int    // number of occurrences; optional, ≤ MaxCount
	// SkipHolidays marks occurrences on non-working days as skipped.
	SkipHolidays bool
}

var dayCodes = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// Parse parses the text form described in the package documentation and
// validates the result. Errors are *Error.
func Parse(s string) (Rule, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "RRULE:")
	if s == "" {
		return Rule{}, fail("freq", ReasonRequired)
	}
	parts := map[string]string{}
	for _, p := range strings.Split(s, ";") {
		key, val, ok := strings.Cut(p, "=")
		if !ok || key == "" {
			return Rule{}, fail("rule", ReasonInvalid)
		}
		field := strings.ToLower(key)
		switch key {
		case "FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYHOUR", "UNTIL", "COUNT", "WKST", "X-SKIP-HOLIDAYS":
		case "BYSECOND", "BYMINUTE", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "RSCALE", "SKIP":
			return Rule{}, fail(field, ReasonUnsupported)
		default:
			return Rule{}, fail("rule", ReasonInvalid)
		}
		if _, dup := parts[key]; dup {
			return Rule{}, fail(field, ReasonInvalid)
		}
		parts[key] = val
	}

	r := Rule{Interval: 1}
	switch f := parts["FREQ"]; f {
	case "DAILY":
		r.Freq = Daily
	case "WEEKLY":
		r.Freq = Weekly
	case "MONTHLY":
		r.Freq = Monthly
	case "":
		return Rule{}, fail("freq", ReasonRequired)
	case "SECONDLY", "MINUTELY", "HOURLY", "YEARLY":
		return Rule{}, fail("freq", ReasonUnsupported)
	default:
		return Rule{}, fail("freq", ReasonInvalid)
	}
	if v, ok := parts["INTERVAL"]; ok {
		n, err := parseUint(v)
		if err != nil {
			return Rule{}, fail("interval", ReasonInvalid)
		}
		r.Interval = n
	}
	if v, ok := parts["COUNT"]; ok {
		n, err := parseUint(v)
		if err != nil || n == 0 {
			return Rule{}, fail("count", ReasonInvalid)
		}
		r.Count = n
	}
	if v, ok := parts["UNTIL"]; ok {
		d, err := time.Parse("20060102", v)
		if err != nil || len(v) != 8 {
			return Rule{}, fail("until", ReasonInvalid)
		}
		r.Until = d.Format(time.DateOnly)
	}
	if v, ok := parts["WKST"]; ok && v != "MO" {
		if slices.Contains(dayCodes[:], v) {
			return Rule{}, fail("wkst", ReasonUnsupported)
		}
		return Rule{}, fail("wkst", ReasonInvalid)
	}
	if v, ok := parts["X-SKIP-HOLIDAYS"]; ok {
		switch v {
		case "TRUE":
			r.SkipHolidays = true
		case "FALSE":
		default:
			return Rule{}, fail("x-skip-holidays", ReasonInvalid)
		}
	}

	if v, ok := parts["BYHOUR"]; ok {
		if r.Freq != Daily {
			return Rule{}, fail("byhour", ReasonUnsupported)
		}
		for _, item := range strings.Split(v, ",") {
			n, err := parseUint(item)
			if err != nil || n > 23 {
				return Rule{}, fail("byhour", ReasonInvalid)
			}
			r.Hours = append(r.Hours, n)
		}
		slices.Sort(r.Hours)
	}
	byday, hasByday := parts["BYDAY"]
	monthday, hasMonthday := parts["BYMONTHDAY"]
	switch r.Freq {
	case Daily:
		if hasByday {
			return Rule{}, fail("byday", ReasonUnsupported)
		}
		if hasMonthday {
			return Rule{}, fail("bymonthday", ReasonInvalid)
		}
	case Weekly:
		if hasMonthday {
			return Rule{}, fail("bymonthday", ReasonInvalid)
		}
		if hasByday {
			for _, item := range strings.Split(byday, ",") {
				ord, wd, err := parseDay(item)
				if err != nil || ord != 0 {
					return Rule{}, fail("byday", ReasonInvalid)
				}
				r.Weekdays = append(r.Weekdays, wd)
			}
		}
	case Monthly:
		switch {
		case hasByday && hasMonthday:
			return Rule{}, fail("byday", ReasonInvalid)
		case hasByday:
			ord, wd, err := parseDay(byday)
			if err != nil || ord == 0 {
				return Rule{}, fail("byday", ReasonInvalid)
			}
			r.MonthlyBy, r.Ordinal, r.Weekdays = ByWeekday, ord, []time.Weekday{wd}
		default:
			r.MonthlyBy = ByDate
			if hasMonthday {
				n, err := parseUint(monthday)
				if err != nil || n == 0 {
					return Rule{}, fail("bymonthday", ReasonInvalid)
				}
				r.MonthDay = n
			}
		}
	}
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// parseUint parses a non-empty run of ASCII digits.
func parseUint(s string) (int, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return strconv.Atoi(s)
}

// parseDay parses a BYDAY item such as "TU", "2TU", "+2TU" or "-1FR".
// ord is 0 when there is no ordinal.
func parseDay(s string) (ord int, wd time.Weekday, err error) {
	if len(s) < 2 {
		return 0, 0, fmt.Errorf("bad day %q", s)
	}
	i := slices.Index(dayCodes[:], s[len(s)-2:])
	if i < 0 {
		return 0, 0, fmt.Errorf("bad day %q", s)
	}
	if num := s[:len(s)-2]; num != "" {
		switch num {
		case "1", "+1", "2", "+2", "3", "+3", "4", "+4", "-1":
			ord, _ = strconv.Atoi(num)
		default:
			return 0, 0, fmt.Errorf("bad ordinal %q", num)
		}
	}
	return ord, time.Weekday(i), nil
}

// Validate reports whether r is well formed; errors are *Error. It does
// not check UNTIL against a start date; Expand does.
func (r Rule) Validate() error {
	switch r.Freq {
	case Daily, Weekly, Monthly:
	case "":
		return fail("freq", ReasonRequired)
	default:
		return fail("freq", ReasonInvalid)
	}
	maxInterval := MaxWeeklyInterval
	switch r.Freq {
	case Monthly:
		maxInterval = MaxMonthlyInterval
	case Daily:
		maxInterval = MaxDailyInterval
	}
	switch {
	case r.Interval < 1:
		return fail("interval", ReasonInvalid)
	case r.Interval > maxInterval:
		return fail("interval", ReasonTooFar)
	}
	switch {
	case r.Count < 0:
		return fail("count", ReasonInvalid)
	case r.Count > MaxCount:
		return fail("count", ReasonTooMany)
	}
	if r.Until != "" {
		if _, err := time.Parse(time.DateOnly, r.Until); err != nil {
			return fail("until", ReasonInvalid)
		}
	}
	if r.Until == "" && r.Count == 0 {
		return fail("until", ReasonRequired)
	}
	for i, wd := range r.Weekdays {
		if wd < time.Sunday || wd > time.Saturday || slices.Contains(r.Weekdays[:i], wd) {
			return fail("byday", ReasonInvalid)
		}
	}

	for i, h := range r.Hours {
		if r.Freq != Daily || h < 0 || h > 23 || (i > 0 && h <= r.Hours[i-1]) {
			return fail("byhour", ReasonInvalid)
		}
	}
	if r.Freq == Daily {
		switch {
		case len(r.Weekdays) != 0 || r.Ordinal != 0:
			return fail("byday", ReasonInvalid)
		case r.MonthlyBy != "":
			return fail("monthly_by", ReasonInvalid)
		case r.MonthDay != 0:
			return fail("bymonthday", ReasonInvalid)
		}
		return nil
	}
	if r.Freq == Weekly {
		switch {
		case r.MonthlyBy != "":
			return fail("monthly_by", ReasonInvalid)
		case r.MonthDay != 0:
			return fail("bymonthday", ReasonInvalid)
		case r.Ordinal != 0:
			return fail("byday", ReasonInvalid)
		}
		return nil
	}
	switch r.MonthlyBy {
	case ByDate:
		switch {
		case len(r.Weekdays) != 0 || r.Ordinal != 0:
			return fail("byday", ReasonInvalid)
		case r.MonthDay < 0 || r.MonthDay > 31:
			return fail("bymonthday", ReasonInvalid)
		}
	case ByWeekday:
		switch {
		case len(r.Weekdays) == 0:
			return fail("byday", ReasonRequired)
		case len(r.Weekdays) != 1:
			return fail("byday", ReasonInvalid)
		case r.Ordinal == 0:
			return fail("byday", ReasonRequired)
		case r.Ordinal < -1 || r.Ordinal > 4:
			return fail("byday", ReasonInvalid)
		case r.MonthDay != 0:
			return fail("bymonthday", ReasonInvalid)
		}
	case "":
		return fail("monthly_by", ReasonRequired)
	default:
		return fail("monthly_by", ReasonInvalid)
	}
	return nil
}

// String returns the text form of r; for a valid rule, Parse(r.String())
// returns a rule equal to r.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString("FREQ=" + strings.ToUpper(r.Freq))
	if r.Interval > 1 {
		fmt.Fprintf(&b, ";INTERVAL=%d", r.Interval)
	}
	if len(r.Weekdays) > 0 {
		b.WriteString(";BYDAY=")
		for i, wd := range r.Weekdays {
			if i > 0 {
				b.WriteByte(',')
			}
			if r.Ordinal != 0 {
				b.WriteString(strconv.Itoa(r.Ordinal))
			}
			if wd >= time.Sunday && wd <= time.Saturday {
				b.WriteString(dayCodes[wd])
			}
		}
	}
	if r.MonthDay != 0 {
		fmt.Fprintf(&b, ";BYMONTHDAY=%d", r.MonthDay)
	}
	if len(r.Hours) > 0 {
		b.WriteString(";BYHOUR=")
		for i, h := range r.Hours {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(h))
		}
	}
	if r.Until != "" {
		b.WriteString(";UNTIL=" + strings.ReplaceAll(r.Until, "-", ""))
	}
	if r.Count != 0 {
		fmt.Fprintf(&b, ";COUNT=%d", r.Count)
	}
	if r.SkipHolidays {
		b.WriteString(";X-SKIP-HOLIDAYS=TRUE")
	}
	return b.String()
}

// OrdinalOf returns the monthly ByWeekday ordinal and weekday that t falls
// on: 1-4 for the first four weeks of the month and -1 (last) for days
// 29-31. Callers offering "same weekday every month" use it to fill
// Rule.Ordinal and Rule.Weekdays from the first booking's date.
func OrdinalOf(t time.Time) (ordinal int, wd time.Weekday) {
	ordinal = (t.Day()-1)/7 + 1
	if ordinal > 4 {
		ordinal = -1
	}
	return ordinal, t.Weekday()
}
