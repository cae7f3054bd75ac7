package workday

import (
	"strings"
	"testing"
	"time"
)

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load Asia/Shanghai: %v", err)
	}
	return loc
}

func newCal(t testing.TB, overrides ...Override) *Calendar {
	t.Helper()
	c, err := New(shanghai(t), overrides)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// at returns the date s at 14:30 in Shanghai.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := ParseDateIn(s, shanghai(t))
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(14*time.Hour + 30*time.Minute)
}

func TestDayInfo(t *testing.T) {
	c := newCal(t)
	tests := []struct {
		date, kind, name string
	}{
		// Spring Festival 2025: Jan 28 – Feb 4 off, Sun Jan 26 and Sat Feb 8 worked.
		{"2025-01-24", KindWorkday, ""},
		{"2025-01-25", KindWeekend, ""},
		{"2025-01-26", KindMakeup, "春节调休"},
		{"2025-01-27", KindWorkday, ""},
		{"2025-01-28", KindHoliday, "春节"},
		{"2025-02-01", KindHoliday, "春节"},
		{"2025-02-04", KindHoliday, "春节"},
		{"2025-02-05", KindWorkday, ""},
		{"2025-02-08", KindMakeup, "春节调休"},
		{"2025-02-09", KindWeekend, ""},
		// National Day 2025: Oct 1–8 off (Oct 6 is Mid-autumn), Sun Sep 28 and Sat Oct 11 worked.
		{"2025-09-27", KindWeekend, ""},
		{"2025-09-28", KindMakeup, "国庆节调休"},
		{"2025-09-30", KindWorkday, ""},
		{"2025-10-01", KindHoliday, "国庆节"},
		{"2025-10-04", KindHoliday, "国庆节"},
		{"2025-10-06", KindHoliday, "中秋"},
		{"2025-10-08", KindHoliday, "国庆节"},
		{"2025-10-09", KindWorkday, ""},
		{"2025-10-11", KindMakeup, "国庆节调休"},
		{"2025-10-12", KindWeekend, ""},
		// 2026 (国办发明电〔2025〕7号).
		{"2026-01-01", KindHoliday, "元旦"},
		{"2026-01-02", KindHoliday, "元旦"},
		{"2026-01-03", KindHoliday, "元旦"},
		{"2026-01-04", KindMakeup, "元旦调休"},
		{"2026-01-05", KindWorkday, ""},
		{"2026-02-13", KindWorkday, ""},
		{"2026-02-14", KindMakeup, "春节调休"},
		{"2026-02-15", KindHoliday, "春节"},
		{"2026-02-17", KindHoliday, "春节"},
		{"2026-02-23", KindHoliday, "春节"},
		{"2026-02-24", KindWorkday, ""},
		{"2026-02-28", KindMakeup, "春节调休"},
		{"2026-03-01", KindWeekend, ""},
		{"2026-04-04", KindHoliday, "清明"},
		{"2026-04-06", KindHoliday, "清明"},
		{"2026-04-07", KindWorkday, ""},
		{"2026-05-01", KindHoliday, "劳动节"},
		{"2026-05-05", KindHoliday, "劳动节"},
		{"2026-05-09", KindMakeup, "劳动节调休"},
		{"2026-06-19", KindHoliday, "端午"},
		{"2026-06-21", KindHoliday, "端午"},
		{"2026-09-20", KindMakeup, "国庆节调休"},
		{"2026-09-25", KindHoliday, "中秋"},
		{"2026-09-27", KindHoliday, "中秋"},
		{"2026-10-01", KindHoliday, "国庆节"},
		{"2026-10-07", KindHoliday, "国庆节"},
		{"2026-10-08", KindWorkday, ""},
		{"2026-10-10", KindMakeup, "国庆节调休"},
		{"2026-10-11", KindWeekend, ""},
		// 2015 victory day parade: Thu–Fri off, Sun Sep 6 worked.
		{"2015-09-03", KindHoliday, "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"},
		{"2015-09-06", KindMakeup, "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休"},
		// No data for 2027 yet: only weekends are off.
		{"2027-01-01", KindWorkday, ""},
		{"2027-01-02", KindWeekend, ""},
	}
	for _, tt := range tests {
		d := at(t, tt.date)
		kind, name := c.DayInfo(d)
		if kind != tt.kind || name != tt.name {
			t.Errorf("DayInfo(%s) = %q, %q; want %q, %q", tt.date, kind, name, tt.kind, tt.name)
		}
		want := tt.kind == KindWorkday || tt.kind == KindMakeup
		if got := c.IsWorkday(d); got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, want)
		}
	}
}

func TestDateInCalendarLocation(t *testing.T) {
	c := newCal(t)
	// 2025-09-30 20:00 UTC is 2025-10-01 04:00 in Shanghai: a holiday.
	u := time.Date(2025, 9, 30, 20, 0, 0, 0, time.UTC)
	if c.IsWorkday(u) {
		t.Errorf("IsWorkday(%v) = true, want false (Oct 1 in Shanghai)", u)
	}
	// Midnight UTC from ParseDate is 08:00 the same day in Shanghai.
	d, err := ParseDate("2026-01-01")
	if err != nil {
		t.Fatal(err)
	}
	if kind, _ := c.DayInfo(d); kind != KindHoliday {
		t.Errorf("DayInfo(ParseDate(2026-01-01)) kind = %q, want holiday", kind)
	}
}

func TestBundledData(t *testing.T) {
	c := newCal(t)
	if first, last := c.Years(); first != 2004 || last != 2026 {
		t.Errorf("Years() = %d, %d; want 2004, 2026", first, last)
	}
	for y := 2004; y <= 2026; y++ {
		d := time.Date(y, 1, 1, 12, 0, 0, 0, shanghai(t))
		if kind, name := c.DayInfo(d); kind != KindHoliday || name != "元旦" {
			t.Errorf("DayInfo(%d-01-01) = %q, %q; want holiday 元旦", y, kind, name)
		}
	}
	// Every make-up workday is a weekend day.
	for d, s := range c.cur.Load().special {
		if !s.off && !weekend(d) {
			t.Errorf("bundled make-up workday %s is not a weekend day", dateString(d))
		}
	}
	// Whole years, counted by hand from the official schedules.
	tests := []struct {
		year, workdays, holidays, makeups int
	}{
		{2025, 248, 28, 5},
		{2026, 248, 33, 6},
	}
	for _, tt := range tests {
		from := time.Date(tt.year-1, 12, 31, 0, 0, 0, 0, shanghai(t))
		to := time.Date(tt.year, 12, 31, 0, 0, 0, 0, shanghai(t))
		if got := c.WorkdaysBetween(from, to); got != tt.workdays {
			t.Errorf("workdays in %d = %d, want %d", tt.year, got, tt.workdays)
		}
		days, err := c.Days(from.AddDate(0, 0, 1), to)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, d := range days {
			count[d.Kind]++
		}
		if count[KindHoliday] != tt.holidays || count[KindMakeup] != tt.makeups {
			t.Errorf("%d: %d holidays, %d make-up days; want %d, %d",
				tt.year, count[KindHoliday], count[KindMakeup], tt.holidays, tt.makeups)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	c := newCal(t)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-06", 1, "2026-03-09"},  // Friday to Monday
		{"2026-03-09", -1, "2026-03-06"}, // Monday back to Friday
		{"2026-02-18", 0, "2026-02-18"},  // n == 0 keeps even a holiday
		{"2025-01-24", 1, "2025-01-26"},  // Friday to make-up Sunday
		{"2025-01-26", 2, "2025-02-05"},  // across Spring Festival 2025
		{"2025-02-05", -1, "2025-01-27"},
		{"2025-02-05", -5, "2025-01-22"},
		{"2025-09-30", 1, "2025-10-09"},  // across National Day 2025
		{"2025-10-09", -5, "2025-09-25"}, // via make-up Sunday Sep 28
		{"2025-10-09", 2, "2025-10-11"},  // make-up Saturday
		{"2026-02-13", 1, "2026-02-14"},
		{"2026-02-13", 2, "2026-02-24"},
		{"2026-02-24", -1, "2026-02-14"},
		{"2026-02-24", -2, "2026-02-13"},
		{"2026-02-18", 1, "2026-02-24"}, // from inside a holiday
		{"2026-02-18", -1, "2026-02-14"},
		{"2026-10-08", -1, "2026-09-30"},
		{"2026-12-31", 1, "2027-01-01"},
	}
	for _, tt := range tests {
		got := c.AddWorkdays(at(t, tt.from), tt.n)
		if want := at(t, tt.want); !got.Equal(want) || got.Location().String() != "Asia/Shanghai" {
			t.Errorf("AddWorkdays(%s, %d) = %v, want %v", tt.from, tt.n, got, want)
		}
	}

	// The time of day and location of t are kept.
	u := time.Date(2025, 9, 30, 20, 0, 0, 0, time.UTC) // Oct 1 04:00 Shanghai
	if got, want := c.AddWorkdays(u, 1), time.Date(2025, 10, 8, 20, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("AddWorkdays(%v, 1) = %v, want %v", u, got, want)
	}
}

// naiveAdd steps one day at a time with IsWorkday.
func naiveAdd(c *Calendar, t time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		n, step = -n, -1
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if c.IsWorkday(t) {
			n--
		}
	}
	return t
}

func TestAddWorkdaysMatchesStepping(t *testing.T) {
	c := newCal(t, Override{Date: "2030-01-02", Kind: OverrideHoliday},
		Override{Date: "2001-06-09", Kind: OverrideWorkday})
	starts := []string{"2001-01-01", "2003-12-20", "2004-06-01", "2025-06-15", "2026-11-28", "2026-12-31", "2029-12-30"}
	for _, s := range starts {
		for _, n := range []int{1, 4, 5, 6, 7, 11, 50, 301, 1200} {
			for _, n := range []int{n, -n} {
				from := at(t, s)
				if got, want := c.AddWorkdays(from, n), naiveAdd(c, from, n); !got.Equal(want) {
					t.Errorf("AddWorkdays(%s, %d) = %v, want %v", s, n, got, want)
				}
			}
		}
	}
	// Large n uses week skipping and must still agree with WorkdaysBetween.
	from := at(t, "2026-12-31")
	for _, n := range []int{1_000_000, -1_000_000} {
		to := c.AddWorkdays(from, n)
		if got := c.WorkdaysBetween(from, to); got != n {
			t.Errorf("WorkdaysBetween(from, AddWorkdays(from, %d)) = %d", n, got)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := newCal(t)
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-09-30", "2025-09-30", 0},
		{"2025-09-30", "2025-10-08", 0},
		{"2025-09-30", "2025-10-09", 1},
		{"2025-09-26", "2025-10-12", 6}, // Sep 28, 29, 30, Oct 9, 10, 11
		{"2026-02-13", "2026-02-28", 6}, // Feb 14, 24, 25, 26, 27, 28
		{"2026-03-06", "2026-03-09", 1},
		{"2026-03-01", "2026-03-31", 22},
	}
	for _, tt := range tests {
		from, to := at(t, tt.from), at(t, tt.to)
		if got := c.WorkdaysBetween(from, to); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
		if got := c.WorkdaysBetween(to, from); got != -tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.to, tt.from, got, -tt.want)
		}
	}

	// Against day-by-day counting, over and beyond the bundled years.
	count := func(a, b time.Time) int {
		n := 0
		for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
			if c.IsWorkday(d) {
				n++
			}
		}
		return n
	}
	starts := []string{"2001-03-03", "2003-12-29", "2015-09-01", "2024-12-30", "2026-12-27"}
	for _, s := range starts {
		a := at(t, s)
		for _, days := range []int{1, 2, 6, 7, 8, 40, 365, 1000} {
			b := a.AddDate(0, 0, days)
			if got, want := c.WorkdaysBetween(a, b), count(a, b); got != want {
				t.Errorf("WorkdaysBetween(%s, +%d days) = %d, want %d", s, days, got, want)
			}
		}
	}
}

func TestOverrides(t *testing.T) {
	c := newCal(t,
		Override{Date: "2026-01-01", Kind: OverrideWorkday, Name: "值班"},
		Override{Date: "2026-02-14", Kind: OverrideHoliday, Name: "公司年假"},
		Override{Date: "2026-03-07", Kind: OverrideWorkday, Name: "年会"},
		Override{Date: "2026-03-10", Kind: OverrideHoliday, Name: "公司庆典"},
		Override{Date: "2028-01-03", Kind: OverrideHoliday, Name: "元旦"},
	)
	tests := []struct {
		date, kind, name string
	}{
		{"2026-01-01", KindWorkday, "值班"},
		{"2026-02-14", KindHoliday, "公司年假"},
		{"2026-03-07", KindMakeup, "年会"},
		{"2026-03-10", KindHoliday, "公司庆典"},
		{"2028-01-03", KindHoliday, "元旦"},
		{"2026-01-02", KindHoliday, "元旦"}, // untouched bundled day
	}
	for _, tt := range tests {
		if kind, name := c.DayInfo(at(t, tt.date)); kind != tt.kind || name != tt.name {
			t.Errorf("DayInfo(%s) = %q, %q; want %q, %q", tt.date, kind, name, tt.kind, tt.name)
		}
	}
	if got, want := c.AddWorkdays(at(t, "2026-02-13"), 1), at(t, "2026-02-24"); !got.Equal(want) {
		t.Errorf("AddWorkdays(2026-02-13, 1) = %v, want %v", got, want)
	}
	if got, want := c.AddWorkdays(at(t, "2025-12-31"), 1), at(t, "2026-01-01"); !got.Equal(want) {
		t.Errorf("AddWorkdays(2025-12-31, 1) = %v, want %v", got, want)
	}
	// A fresh calendar is unaffected.
	if kind, _ := newCal(t).DayInfo(at(t, "2026-01-01")); kind != KindHoliday {
		t.Errorf("calendar without overrides: 2026-01-01 kind %q, want holiday", kind)
	}
}

func TestNewErrors(t *testing.T) {
	loc := shanghai(t)
	tests := []struct {
		name      string
		loc       *time.Location
		overrides []Override
		want      string
	}{
		{"nil location", nil, nil, "nil location"},
		{"bad date", loc, []Override{{Date: "2026-2-1", Kind: OverrideHoliday}}, "2026-2-1"},
		{"bad kind", loc, []Override{{Date: "2026-02-01", Kind: "makeup"}}, "makeup"},
		{"duplicate", loc, []Override{
			{Date: "2026-02-01", Kind: OverrideHoliday},
			{Date: "2026-02-01", Kind: OverrideWorkday},
		}, "duplicate"},
	}
	for _, tt := range tests {
		_, err := New(tt.loc, tt.overrides)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestDays(t *testing.T) {
	c := newCal(t)
	days, err := c.Days(at(t, "2026-02-13"), at(t, "2026-02-16"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Day{
		{"2026-02-13", KindWorkday, ""},
		{"2026-02-14", KindMakeup, "春节调休"},
		{"2026-02-15", KindHoliday, "春节"},
		{"2026-02-16", KindHoliday, "春节"},
	}
	if len(days) != len(want) {
		t.Fatalf("Days returned %d days, want %d: %v", len(days), len(want), days)
	}
	for i := range want {
		if days[i] != want[i] {
			t.Errorf("Days[%d] = %+v, want %+v", i, days[i], want[i])
		}
	}

	tests := []struct {
		from, to string
		n        int // -1: error
	}{
		{"2026-01-01", "2026-01-01", 1},
		{"2024-01-01", "2024-12-31", 366},
		{"2025-01-01", "2026-01-01", 366},
		{"2025-01-01", "2026-01-02", -1},
		{"2026-01-02", "2026-01-01", -1},
	}
	for _, tt := range tests {
		days, err := c.Days(at(t, tt.from), at(t, tt.to))
		switch {
		case tt.n < 0 && err == nil:
			t.Errorf("Days(%s, %s) succeeded, want error", tt.from, tt.to)
		case tt.n >= 0 && err != nil:
			t.Errorf("Days(%s, %s): %v", tt.from, tt.to, err)
		case tt.n >= 0 && (len(days) != tt.n || days[0].Date != tt.from || days[len(days)-1].Date != tt.to):
			t.Errorf("Days(%s, %s) = %d days, want %d from %s to %s", tt.from, tt.to, len(days), tt.n, tt.from, tt.to)
		}
	}
}

func TestParseDate(t *testing.T) {
	good := []string{"2026-01-01", "2024-02-29", "0001-12-31"}
	for _, s := range good {
		d, err := ParseDate(s)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", s, err)
			continue
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Format(time.DateOnly) != s {
			t.Errorf("ParseDate(%q) = %v, want midnight UTC", s, d)
		}
	}
	bad := []string{"", "2026-1-01", "2026-01-1", "2026-02-29", "2026-13-01", "20260101",
		" 2026-01-01", "2026-01-01 ", "2026-01-01T00:00:00Z", "2026/01/01", "+2026-01-01", "２０２６-01-01"}
	for _, s := range bad {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want error", s, d)
		}
	}

	// West of UTC, midnight UTC is the day before: ParseDateIn avoids that.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ny, nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDateIn("2026-01-04", ny)
	if err != nil {
		t.Fatal(err)
	}
	if kind, _ := c.DayInfo(d); kind != KindMakeup {
		t.Errorf("New York calendar: 2026-01-04 kind %q, want makeup", kind)
	}
	if _, err := ParseDateIn("2026-01-04", nil); err == nil {
		t.Error("ParseDateIn with nil location succeeded")
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-01-01", "2024-02-29", "2026-02-29", "0000-01-01", "9999-12-31", "2026-1-1", ""} {
		f.Add(s)
	}
	c := newCal(f)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if len(s) != 10 || d.Format(time.DateOnly) != s {
			t.Fatalf("ParseDate(%q) = %v, not a round trip", s, d)
		}
		kind, _ := c.DayInfo(d)
		switch kind {
		case KindWorkday, KindWeekend, KindHoliday, KindMakeup:
		default:
			t.Fatalf("DayInfo(%s) kind %q", s, kind)
		}
		if c.IsWorkday(d) != (kind == KindWorkday || kind == KindMakeup) {
			t.Fatalf("IsWorkday(%s) disagrees with kind %q", s, kind)
		}
	})
}

// TestParseDateInMidnightGap: where the clocks skip midnight (Havana on
// 2026-03-08), the date is its first instant, 01:00 that day, not 23:00 the
// day before as time.ParseInLocation gives.
func TestParseDateInMidnightGap(t *testing.T) {
	havana, err := time.LoadLocation("America/Havana")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	d, err := ParseDateIn("2026-03-08", havana)
	if err != nil || d.In(havana).Format("2006-01-02 15:04") != "2026-03-08 01:00" {
		t.Fatalf("ParseDateIn in Havana: %v %v", d.In(havana), err)
	}
}
