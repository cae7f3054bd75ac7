package recur_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo

	"jiedai/internal/recur"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at9 returns 09:00 on the given date in loc.
func at9(t testing.TB, loc *time.Location, date string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(9 * time.Hour)
}

// holidayStub is a test stand-in for the working-day calendar: it treats
// weekends and 2026-10-01..07 as days off. It is not the official schedule.
func holidayStub(t time.Time) bool {
	if t.Month() == time.October && t.Year() == 2026 && t.Day() <= 7 {
		return false
	}
	return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
}

func TestExpand(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	tests := []struct {
		name    string
		rule    string
		start   string
		limit   string // optional, date at 09:00
		workday func(time.Time) bool
		want    []string // dates; "!" suffix marks a skipped occurrence
	}{
		{
			name:  "every other week on Monday and Wednesday",
			rule:  "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6",
			start: "2026-01-05",
			want:  []string{"2026-01-05", "2026-01-07", "2026-01-19", "2026-01-21", "2026-02-02", "2026-02-04"},
		},
		{
			name:  "interval weeks anchored on the Monday of the start week",
			rule:  "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=4",
			start: "2026-01-07",
			want:  []string{"2026-01-07", "2026-01-19", "2026-01-21", "2026-02-02"},
		},
		{
			name:  "weekly defaults to the start weekday",
			rule:  "FREQ=WEEKLY;COUNT=3",
			start: "2026-03-10",
			want:  []string{"2026-03-10", "2026-03-17", "2026-03-24"},
		},
		{
			name:  "start not matching is not an occurrence",
			rule:  "FREQ=WEEKLY;BYDAY=MO,FR;COUNT=3",
			start: "2026-03-10",
			want:  []string{"2026-03-13", "2026-03-16", "2026-03-20"},
		},
		{
			name:  "multiple weekdays until inclusive",
			rule:  "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260319",
			start: "2026-03-10",
			want:  []string{"2026-03-10", "2026-03-12", "2026-03-17", "2026-03-19"},
		},
		{
			name:  "weekday order in BYDAY does not matter",
			rule:  "FREQ=WEEKLY;BYDAY=TH,TU;UNTIL=20260319",
			start: "2026-03-10",
			want:  []string{"2026-03-10", "2026-03-12", "2026-03-17", "2026-03-19"},
		},
		{
			name:  "monthly on the 31st skips short months",
			rule:  "FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20260831",
			start: "2026-01-31",
			want:  []string{"2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31"},
		},
		{
			name:  "monthly by date defaults to the start day",
			rule:  "FREQ=MONTHLY;COUNT=3",
			start: "2026-01-31",
			want:  []string{"2026-01-31", "2026-03-31", "2026-05-31"},
		},
		{
			name:  "quarterly on the 15th after a later start",
			rule:  "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;UNTIL=20261231",
			start: "2026-01-20",
			want:  []string{"2026-04-15", "2026-07-15", "2026-10-15"},
		},
		{
			name:  "second Tuesday",
			rule:  "FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
			start: "2026-01-13",
			want:  []string{"2026-01-13", "2026-02-10", "2026-03-10", "2026-04-14"},
		},
		{
			name:  "last Friday",
			rule:  "FREQ=MONTHLY;BYDAY=-1FR;COUNT=4",
			start: "2026-01-30",
			want:  []string{"2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24"},
		},
		{
			name:  "count ends before until",
			rule:  "FREQ=WEEKLY;COUNT=3;UNTIL=20260331",
			start: "2026-03-10",
			want:  []string{"2026-03-10", "2026-03-17", "2026-03-24"},
		},
		{
			name:  "until ends before count",
			rule:  "FREQ=WEEKLY;COUNT=10;UNTIL=20260320",
			start: "2026-03-10",
			want:  []string{"2026-03-10", "2026-03-17"},
		},
		{
			name:  "limit truncates",
			rule:  "FREQ=WEEKLY;COUNT=10",
			start: "2026-03-10",
			limit: "2026-03-24",
			want:  []string{"2026-03-10", "2026-03-17", "2026-03-24"},
		},
		{
			name:    "holidays are marked, not dropped",
			rule:    "FREQ=WEEKLY;BYDAY=TH;COUNT=3;X-SKIP-HOLIDAYS=TRUE",
			start:   "2026-09-24",
			workday: holidayStub,
			want:    []string{"2026-09-24", "2026-10-01!", "2026-10-08"},
		},
		{
			name:    "holidays ignored without SkipHolidays",
			rule:    "FREQ=WEEKLY;BYDAY=TH;COUNT=3",
			start:   "2026-09-24",
			workday: holidayStub,
			want:    []string{"2026-09-24", "2026-10-01", "2026-10-08"},
		},
		{
			name:  "nil isWorkday skips nothing",
			rule:  "FREQ=WEEKLY;BYDAY=SA;COUNT=2;X-SKIP-HOLIDAYS=TRUE",
			start: "2026-03-14",
			want:  []string{"2026-03-14", "2026-03-21"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := recur.Parse(tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			var limit time.Time
			if tc.limit != "" {
				limit = at9(t, sh, tc.limit)
			}
			// Pass start in UTC to check that loc sets the wall clock.
			start := at9(t, sh, tc.start).UTC()
			occs, err := r.Expand(start, 90*time.Minute, sh, tc.workday, limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range occs {
				s := o.Start.Format(time.DateOnly)
				if o.Skipped {
					s += "!"
					if o.Reason != recur.ReasonHoliday {
						t.Errorf("%s: reason %q", s, o.Reason)
					}
				}
				got = append(got, s)
				if h, m, _ := o.Start.Clock(); h != 9 || m != 0 || o.Start.Location() != sh {
					t.Errorf("%s starts at %s, want 09:00 Asia/Shanghai", s, o.Start)
				}
				if o.End.Sub(o.Start) != 90*time.Minute {
					t.Errorf("%s lasts %s", s, o.End.Sub(o.Start))
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestExpandFullYear(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	r, err := recur.Parse("FREQ=WEEKLY;UNTIL=20270310")
	if err != nil {
		t.Fatal(err)
	}
	occs, err := r.Expand(at9(t, sh, "2026-03-10"), time.Hour, sh, nil, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(occs) != 53 || occs[52].Start.Format(time.DateOnly) != "2027-03-09" {
		t.Errorf("got %d occurrences ending %s, want 53 ending 2027-03-09", len(occs), occs[len(occs)-1].Start)
	}
	// A limit beyond one year is capped.
	occs2, err := r.Expand(at9(t, sh, "2026-03-10"), time.Hour, sh, nil, at9(t, sh, "2030-01-01"))
	if err != nil || len(occs2) != 53 {
		t.Errorf("far limit: %d occurrences, err %v", len(occs2), err)
	}
}

func TestExpandKeepsWallClockAcrossDST(t *testing.T) {
	ny := zone(t, "America/New_York")
	r, err := recur.Parse("FREQ=WEEKLY;COUNT=3")
	if err != nil {
		t.Fatal(err)
	}
	// DST starts in New York on 2026-03-08.
	occs, err := r.Expand(at9(t, ny, "2026-03-01"), time.Hour, ny, nil, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range occs {
		if h, _, _ := o.Start.Clock(); h != 9 {
			t.Errorf("%s: want 09:00 local", o.Start)
		}
	}
	if d := occs[1].Start.Sub(occs[0].Start); d != 7*24*time.Hour-time.Hour {
		t.Errorf("gap across DST = %s, want 167h", d)
	}
}

func TestExpandErrors(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	start := at9(t, sh, "2026-03-10")
	tests := []struct {
		name   string
		rule   recur.Rule
		start  time.Time
		dur    time.Duration
		field  string
		reason string
	}{
		{"until too far", recur.Rule{Freq: recur.Weekly, Interval: 1, Until: "2027-03-11"}, start, time.Hour, "until", recur.ReasonTooFar},
		{"until before start", recur.Rule{Freq: recur.Weekly, Interval: 1, Until: "2026-03-09"}, start, time.Hour, "until", recur.ReasonInvalid},
		{"neither until nor count", recur.Rule{Freq: recur.Weekly, Interval: 1}, start, time.Hour, "until", recur.ReasonRequired},
		{"count too many", recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 501}, start, time.Hour, "count", recur.ReasonTooMany},
		{"count beyond a year", recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 54}, start, time.Hour, "count", recur.ReasonTooFar},
		{"monthly 31st count beyond a year", recur.Rule{Freq: recur.Monthly, Interval: 1, MonthlyBy: recur.ByDate, MonthDay: 31, Count: 12}, start, time.Hour, "count", recur.ReasonTooFar},
		{"zero interval", recur.Rule{Freq: recur.Weekly, Count: 3}, start, time.Hour, "interval", recur.ReasonInvalid},
		{"zero start", recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 3}, time.Time{}, time.Hour, "start", recur.ReasonRequired},
		{"zero duration", recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 3}, start, 0, "duration", recur.ReasonInvalid},
		{"monthly weekday without ordinal", recur.Rule{Freq: recur.Monthly, Interval: 1, MonthlyBy: recur.ByWeekday, Weekdays: []time.Weekday{time.Tuesday}, Count: 3}, start, time.Hour, "byday", recur.ReasonRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.rule.Expand(tc.start, tc.dur, sh, nil, time.Time{})
			checkError(t, err, tc.field, tc.reason)
		})
	}
	// 53 weekly occurrences fit in the year; 54 do not (above).
	r := recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 53}
	if occs, err := r.Expand(start, time.Hour, sh, nil, time.Time{}); err != nil || len(occs) != 53 {
		t.Errorf("count 53: %d occurrences, err %v", len(occs), err)
	}
}

func checkError(t *testing.T, err error, field, reason string) {
	t.Helper()
	var e *recur.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *recur.Error", err)
	}
	if e.Field != field || e.Reason != reason {
		t.Errorf("error = %s/%s, want %s/%s", e.Field, e.Reason, field, reason)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want recur.Rule
	}{
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270101;COUNT=10", recur.Rule{
			Freq: recur.Weekly, Interval: 2, Weekdays: []time.Weekday{time.Monday, time.Wednesday}, Until: "2027-01-01", Count: 10}},
		{"rrule:freq=weekly;count=3;wkst=mo", recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 3}},
		{"FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6", recur.Rule{Freq: recur.Monthly, Interval: 1, MonthlyBy: recur.ByDate, MonthDay: 15, Count: 6}},
		{"FREQ=MONTHLY;UNTIL=20261231", recur.Rule{Freq: recur.Monthly, Interval: 1, MonthlyBy: recur.ByDate, Until: "2026-12-31"}},
		{"FREQ=MONTHLY;BYDAY=2TU;COUNT=4", recur.Rule{
			Freq: recur.Monthly, Interval: 1, MonthlyBy: recur.ByWeekday, Weekdays: []time.Weekday{time.Tuesday}, Ordinal: 2, Count: 4}},
		{"COUNT=4;BYDAY=-1FR;FREQ=MONTHLY;X-SKIP-HOLIDAYS=TRUE", recur.Rule{
			Freq: recur.Monthly, Interval: 1, MonthlyBy: recur.ByWeekday, Weekdays: []time.Weekday{time.Friday}, Ordinal: -1, Count: 4, SkipHolidays: true}},
	}
	for _, tc := range tests {
		got, err := recur.Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		back, err := recur.Parse(got.String())
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q via %q = %+v, %v", tc.in, got.String(), back, err)
		}
	}
}

func TestString(t *testing.T) {
	r := recur.Rule{Freq: recur.Monthly, Interval: 2, MonthlyBy: recur.ByWeekday, Weekdays: []time.Weekday{time.Tuesday}, Ordinal: 2, Until: "2026-12-31", SkipHolidays: true}
	const want = "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU;UNTIL=20261231;X-SKIP-HOLIDAYS=TRUE"
	if got := r.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, field, reason string
	}{
		{"", "freq", recur.ReasonRequired},
		{"COUNT=3", "freq", recur.ReasonRequired},
		{"FREQ=HOURLY;COUNT=3", "freq", recur.ReasonUnsupported},
		{"FREQ=WEEKLY;BYHOUR=8;COUNT=3", "byhour", recur.ReasonUnsupported},
		{"FREQ=DAILY;BYHOUR=24;COUNT=3", "byhour", recur.ReasonInvalid},
		{"FREQ=DAILY;BYHOUR=8,8;COUNT=3", "byhour", recur.ReasonInvalid},
		{"FREQ=DAILY;BYDAY=MO;COUNT=3", "byday", recur.ReasonUnsupported},
		{"FREQ=DAILY;INTERVAL=32;COUNT=3", "interval", recur.ReasonTooFar},
		{"FREQ=SOMETIMES;COUNT=3", "freq", recur.ReasonInvalid},
		{"FREQ=WEEKLY", "until", recur.ReasonRequired},
		{"FREQ=WEEKLY;COUNT=501", "count", recur.ReasonTooMany},
		{"FREQ=WEEKLY;COUNT=0", "count", recur.ReasonInvalid},
		{"FREQ=WEEKLY;COUNT=-1", "count", recur.ReasonInvalid},
		{"FREQ=WEEKLY;INTERVAL=0;COUNT=3", "interval", recur.ReasonInvalid},
		{"FREQ=WEEKLY;INTERVAL=53;COUNT=3", "interval", recur.ReasonTooFar},
		{"FREQ=MONTHLY;INTERVAL=13;COUNT=3", "interval", recur.ReasonTooFar},
		{"FREQ=WEEKLY;UNTIL=20260231", "until", recur.ReasonInvalid},
		{"FREQ=WEEKLY;UNTIL=20260101T000000Z", "until", recur.ReasonInvalid},
		{"FREQ=WEEKLY;BYDAY=MO,MO;COUNT=3", "byday", recur.ReasonInvalid},
		{"FREQ=WEEKLY;BYDAY=2MO;COUNT=3", "byday", recur.ReasonInvalid},
		{"FREQ=WEEKLY;BYDAY=XX;COUNT=3", "byday", recur.ReasonInvalid},
		{"FREQ=WEEKLY;BYMONTHDAY=3;COUNT=3", "bymonthday", recur.ReasonInvalid},
		{"FREQ=MONTHLY;BYDAY=TU;COUNT=3", "byday", recur.ReasonInvalid},
		{"FREQ=MONTHLY;BYDAY=5TU;COUNT=3", "byday", recur.ReasonInvalid},
		{"FREQ=MONTHLY;BYDAY=1MO,2TU;COUNT=3", "byday", recur.ReasonInvalid},
		{"FREQ=MONTHLY;BYDAY=2TU;BYMONTHDAY=3;COUNT=3", "byday", recur.ReasonInvalid},
		{"FREQ=MONTHLY;BYMONTHDAY=32;COUNT=3", "bymonthday", recur.ReasonInvalid},
		{"FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", "bymonthday", recur.ReasonInvalid},
		{"FREQ=MONTHLY;BYSETPOS=1;COUNT=3", "bysetpos", recur.ReasonUnsupported},
		{"FREQ=WEEKLY;WKST=SU;COUNT=3", "wkst", recur.ReasonUnsupported},
		{"FREQ=WEEKLY;COUNT=3;COUNT=4", "count", recur.ReasonInvalid},
		{"FREQ=WEEKLY;COUNT=3;", "rule", recur.ReasonInvalid},
		{"FREQ=WEEKLY;FOO=1;COUNT=3", "rule", recur.ReasonInvalid},
		{"FREQ=WEEKLY;COUNT=3;X-SKIP-HOLIDAYS=YES", "x-skip-holidays", recur.ReasonInvalid},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.in, ";", " "), func(t *testing.T) {
			_, err := recur.Parse(tc.in)
			checkError(t, err, tc.field, tc.reason)
		})
	}
}

func TestOrdinalOf(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	for date, want := range map[string]int{"2026-01-13": 2, "2026-01-28": 4, "2026-01-30": -1, "2026-03-01": 1} {
		ord, wd := recur.OrdinalOf(at9(t, sh, date))
		if ord != want || wd != at9(t, sh, date).Weekday() {
			t.Errorf("OrdinalOf(%s) = %d %s, want %d", date, ord, wd, want)
		}
	}
}
