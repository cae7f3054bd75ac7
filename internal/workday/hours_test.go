package workday_test

import (
	"testing"
	"time"

	"jiedai/internal/workday"
)

func shanghaiCal(t *testing.T) (*workday.Calendar, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	c, err := workday.New(loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, loc
}

func TestAddWorkingHoursAroundHolidays(t *testing.T) {
	c, loc := shanghaiCal(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	noLunch := workday.OfficeHours{Start: 9 * 60, End: 18 * 60}
	for _, tc := range []struct {
		name  string
		from  time.Time
		hours float64
		h     workday.OfficeHours
		want  time.Time
	}{
		{"same morning", at(2026, 3, 2, 9, 0), 2, workday.DefaultOfficeHours, at(2026, 3, 2, 11, 0)},
		{"over lunch", at(2026, 3, 2, 11, 0), 2, workday.DefaultOfficeHours, at(2026, 3, 2, 14, 0)},
		{"starts in lunch", at(2026, 3, 2, 12, 30), 1, workday.DefaultOfficeHours, at(2026, 3, 2, 14, 0)},
		{"starts before opening", at(2026, 3, 2, 7, 0), 1, workday.DefaultOfficeHours, at(2026, 3, 2, 10, 0)},
		{"a full day ends at closing", at(2026, 3, 2, 9, 0), 8, workday.DefaultOfficeHours, at(2026, 3, 2, 18, 0)},
		{"after closing goes to the next day", at(2026, 3, 2, 19, 0), 1, workday.DefaultOfficeHours, at(2026, 3, 3, 10, 0)},
		{"friday evening to monday", at(2026, 3, 6, 17, 0), 2, workday.DefaultOfficeHours, at(2026, 3, 9, 10, 0)},
		{"without lunch break", at(2026, 3, 2, 11, 0), 2, noLunch, at(2026, 3, 2, 13, 0)},
		// 春节 2026: Sat 02-14 is a make-up working day, 02-15..02-23 off, Sat 02-28 make-up.
		{"into the make-up saturday", at(2026, 2, 13, 16, 0), 8, workday.DefaultOfficeHours, at(2026, 2, 14, 16, 0)},
		{"over the spring festival", at(2026, 2, 14, 17, 0), 4, workday.DefaultOfficeHours, at(2026, 2, 24, 12, 0)},
		{"48 working hours are six calendar days and more", at(2026, 2, 13, 10, 0), 48, workday.DefaultOfficeHours, at(2026, 2, 28, 10, 0)},
		// 国庆 2026: Sun 09-20 make-up, 09-25..27 中秋, 10-01..07 off, Sat 10-10 make-up.
		{"into the make-up sunday", at(2026, 9, 18, 17, 30), 1, workday.DefaultOfficeHours, at(2026, 9, 20, 9, 30)},
		{"over national day", at(2026, 9, 30, 17, 0), 2, workday.DefaultOfficeHours, at(2026, 10, 8, 10, 0)},
		{"zero", at(2026, 10, 3, 10, 0), 0, workday.DefaultOfficeHours, at(2026, 10, 3, 10, 0)},
	} {
		d := time.Duration(tc.hours * float64(time.Hour))
		got := c.AddWorkingHours(tc.from, d, tc.h)
		if !got.Equal(tc.want) {
			t.Errorf("%s: AddWorkingHours(%s, %v) = %s, want %s", tc.name, tc.from, d, got.In(loc), tc.want)
		}
		// The inverse gives the limit back.
		if back := c.WorkingHoursBetween(tc.from, got, tc.h); back != d {
			t.Errorf("%s: WorkingHoursBetween = %v, want %v", tc.name, back, d)
		}
	}
	// Elapsed working time is negative backwards and zero over a holiday.
	if d := c.WorkingHoursBetween(at(2026, 10, 2, 9, 0), at(2026, 10, 6, 18, 0), workday.DefaultOfficeHours); d != 0 {
		t.Errorf("national day holds working time: %v", d)
	}
	if d := c.WorkingHoursBetween(at(2026, 3, 3, 10, 0), at(2026, 3, 2, 10, 0), workday.DefaultOfficeHours); d != -8*time.Hour {
		t.Errorf("backwards: %v", d)
	}
}

func TestParseOfficeHours(t *testing.T) {
	h, err := workday.ParseOfficeHours("08:30", "17:30", "12:00", "13:30")
	if err != nil || h.PerDay() != 7*time.Hour+30*time.Minute || h.String() != "08:30–12:00, 13:30–17:30" {
		t.Fatalf("parse: %+v %v %v", h, err, h.PerDay())
	}
	for _, tc := range []struct{ start, end, ls, le, field string }{
		{"9", "18:00", "", "", "start"},
		{"09:00", "08:00", "", "", "end"},
		{"09:00", "18:00", "12:00", "", "lunch_end"},
		{"09:00", "18:00", "", "13:00", "lunch_start"},
		{"09:00", "18:00", "08:00", "13:00", "lunch_start"},
		{"09:00", "18:00", "13:00", "12:00", "lunch_end"},
		{"09:00", "18:00", "12:00", "19:00", "lunch_end"},
	} {
		_, err := workday.ParseOfficeHours(tc.start, tc.end, tc.ls, tc.le)
		e, ok := err.(*workday.OfficeHoursError)
		if !ok || e.Field != tc.field {
			t.Errorf("%v: error %v, want field %s", tc, err, tc.field)
		}
	}
}

// FuzzOfficeHours checks that any parsed office hours are consistent and
// that AddWorkingHours and WorkingHoursBetween are inverses.
func FuzzOfficeHours(f *testing.F) {
	f.Add("09:00", "18:00", "12:00", "13:00", int64(1770944400), uint16(480))
	f.Add("00:00", "24:00", "", "", int64(1790000000), uint16(61))
	f.Add("9:00", "25:00", "x", "", int64(0), uint16(0))
	loc, _ := time.LoadLocation("Asia/Shanghai")
	c, _ := workday.New(loc, nil)
	f.Fuzz(func(t *testing.T, s, e, ls, le string, unix int64, minutes uint16) {
		h, err := workday.ParseOfficeHours(s, e, ls, le)
		if err != nil {
			return
		}
		if h.PerDay() <= 0 {
			t.Fatalf("%+v: no working time per day", h)
		}
		from := time.Unix(1735689600+unix%(2*365*86400+1), 0) // 2025–2026, in the bundled data
		if unix < 0 {
			from = time.Unix(1735689600, 0)
		}
		d := time.Duration(minutes) * time.Minute
		due := c.AddWorkingHours(from, d, h)
		if due.Before(from) {
			t.Fatalf("due %s before %s", due, from)
		}
		if back := c.WorkingHoursBetween(from, due, h); back != d {
			t.Fatalf("%+v from %s + %v = %s, back %v", h, from, d, due, back)
		}
	})
}
