package reception_test

import (
	"testing"
	"time"

	"jiedai/internal/reception"
	"jiedai/internal/workday"
)

func newService(t *testing.T) *reception.Service {
	t.Helper()
	cal, err := workday.New(shanghai, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reception.New(nil, nil, cal, shanghai)
}

// The seed's schedule (T-5 application, T-4 division of labour, T-2
// purchasing and slides, T+1 survey) in real 2026 working days: holidays
// are skipped and make-up Saturdays count.
func TestMilestonesAround2026Holidays(t *testing.T) {
	svc := newService(t)
	cases := []struct {
		visit string
		want  map[string]string // milestone → date
	}{
		// Right after the Spring Festival (Feb 15–23); Sat Feb 14 is a make-up day.
		{"2026-02-24", map[string]string{"application": "2026-02-10", "division": "2026-02-11", "preparation": "2026-02-13", "visit": "2026-02-24", "survey": "2026-02-25"}},
		// The Monday after the make-up Saturday Feb 28.
		{"2026-03-02", map[string]string{"application": "2026-02-24", "division": "2026-02-25", "preparation": "2026-02-27", "visit": "2026-03-02", "survey": "2026-03-03"}},
		// Friday before the make-up Saturday Oct 10, after National Day (Oct 1–7) and Mid-Autumn (Sep 25–27).
		{"2026-10-09", map[string]string{"application": "2026-09-24", "division": "2026-09-28", "preparation": "2026-09-30", "visit": "2026-10-09", "survey": "2026-10-10"}},
		// The Friday after Labour Day (May 1–5); Sat May 9 is a make-up day.
		{"2026-05-08", map[string]string{"application": "2026-04-28", "division": "2026-04-29", "preparation": "2026-05-06", "visit": "2026-05-08", "survey": "2026-05-09"}},
		// New Year: Jan 1–3 off, Sun Jan 4 a make-up day.
		{"2026-01-05", map[string]string{"application": "2025-12-26", "division": "2025-12-29", "preparation": "2025-12-31", "visit": "2026-01-05", "survey": "2026-01-06"}},
	}
	for _, c := range cases {
		r := reception.Reception{VisitDate: c.visit}
		visit := r.Visit(shanghai)
		for _, m := range reception.Schedule {
			got := svc.WorkdayOffset(visit, m.Offset).Format(time.DateOnly)
			if got != c.want[m.Key] {
				t.Errorf("visit %s: %s (T%+d) = %s, want %s", c.visit, m.Key, m.Offset, got, c.want[m.Key])
			}
		}
	}
}

// An application is late when it is submitted after the T-5 date: five
// working days before the visit.
func TestLateApplication(t *testing.T) {
	svc := newService(t)
	cases := []struct {
		submitted time.Time
		visit     string
		late      bool
	}{
		{at(2026, 2, 10, 17, 0), "2026-02-24", false}, // T-5 exactly
		{at(2026, 2, 10, 23, 59), "2026-02-24", false},
		{at(2026, 2, 11, 8, 0), "2026-02-24", true},  // T-4
		{at(2026, 2, 14, 10, 0), "2026-02-24", true}, // the make-up Saturday
		{at(2026, 2, 24, 9, 0), "2026-03-02", false}, // 25, 26, 27, 28 (make-up), Mar 2
		{at(2026, 2, 25, 9, 0), "2026-03-02", true},
		{at(2026, 9, 24, 9, 0), "2026-10-09", false},
		{at(2026, 9, 24, 22, 0), "2026-10-09", false}, // T-5 is Thu Sep 24: Oct 8, Sep 30, 29, 28, then 24 (25-27 Mid-Autumn)
		{at(2026, 9, 25, 9, 0), "2026-10-09", true},   // after the T-5 date shown, though a holiday
		{at(2026, 9, 28, 9, 0), "2026-10-09", true},
		{at(2026, 9, 20, 9, 0), "2026-09-28", false}, // Sun Sep 20 is a make-up day: 21–24, 28
		{at(2026, 9, 21, 9, 0), "2026-09-28", true},
		{at(2026, 3, 2, 18, 0), "2026-03-07", false}, // Saturday visit: T-5 is Monday 2 March
		{at(2026, 3, 3, 9, 0), "2026-03-07", true},
		{at(2026, 3, 1, 9, 0), "2026-03-07", false}, // the Sunday before T-5
	}
	for _, c := range cases {
		r := reception.Reception{VisitDate: c.visit}
		if got := svc.IsLate(c.submitted, r.Visit(shanghai), 5); got != c.late {
			t.Errorf("submitted %s for %s: late = %v, want %v", c.submitted.Format("2006-01-02 15:04"), c.visit, got, c.late)
		}
	}
}

// TestLateMatchesDateShown: for every visit date of 2026 (weekdays,
// weekends, holidays, make-up days) an application on the T-5 date shown
// is on time and one the day after is late.
func TestLateMatchesDateShown(t *testing.T) {
	svc := newService(t)
	for d := time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		for _, min := range []int{1, 5, 10} {
			by := svc.ApplyBy(d, min)
			if svc.IsLate(by.Add(23*time.Hour), d, min) {
				t.Errorf("visit %s, T-%d shown as %s: an application that day is late", d.Format(time.DateOnly), min, by.Format(time.DateOnly))
			}
			if !svc.IsLate(by.AddDate(0, 0, 1).Add(time.Hour), d, min) {
				t.Errorf("visit %s, T-%d shown as %s: an application the day after is on time", d.Format(time.DateOnly), min, by.Format(time.DateOnly))
			}
		}
	}
}
