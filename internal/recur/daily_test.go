package recur_test

import (
	"testing"
	"time"

	"jiedai/internal/recur"
	"jiedai/internal/workday"
)

func TestDaily(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := workday.New(loc, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, loc) }

	// Every other day around the Spring Festival, holidays skipped but counted.
	r, err := recur.Parse("FREQ=DAILY;INTERVAL=2;COUNT=6;X-SKIP-HOLIDAYS=TRUE")
	if err != nil {
		t.Fatal(err)
	}
	if r.String() != "FREQ=DAILY;INTERVAL=2;COUNT=6;X-SKIP-HOLIDAYS=TRUE" {
		t.Fatalf("round trip: %s", r)
	}
	occ, err := r.Expand(at(2, 12, 9), time.Hour, loc, cal.IsWorkday, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// 02-12 Thu, 02-14 Sat (调休 make-up working day), 02-16, 02-18, 02-20 (春节), 02-22 (Sun, 春节).
	wantDays := []int{12, 14, 16, 18, 20, 22}
	wantSkip := []bool{false, false, true, true, true, true}
	if len(occ) != len(wantDays) {
		t.Fatalf("got %d occurrences", len(occ))
	}
	for i, o := range occ {
		if o.Start.Day() != wantDays[i] || o.Start.Hour() != 9 || o.Skipped != wantSkip[i] {
			t.Errorf("occurrence %d: %s skipped=%v, want day %d skipped=%v", i, o.Start, o.Skipped, wantDays[i], wantSkip[i])
		}
	}

	// Patrols every two hours from 08:00 to 16:00; the first day starts at 11:30.
	r, err = recur.Parse("FREQ=DAILY;BYHOUR=16,8,10,12,14;UNTIL=20260303")
	if err != nil {
		t.Fatal(err)
	}
	if r.String() != "FREQ=DAILY;BYHOUR=8,10,12,14,16;UNTIL=20260303" {
		t.Fatalf("hours not sorted: %s", r)
	}
	occ, err = r.Expand(time.Date(2026, 3, 2, 11, 30, 0, 0, loc), 30*time.Minute, loc, nil, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occ {
		got = append(got, o.Start.Format("01-02 15:04"))
	}
	want := []string{"03-02 12:30", "03-02 14:30", "03-02 16:30", "03-03 08:30", "03-03 10:30", "03-03 12:30", "03-03 14:30", "03-03 16:30"}
	if len(got) != len(want) {
		t.Fatalf("patrols %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("patrols %v, want %v", got, want)
		}
	}

	// Every hour for a year is more than MaxCount occurrences: refused, not cut short.
	r, err = recur.Parse("FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;UNTIL=20261231")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Expand(at(3, 1, 0), time.Hour, loc, nil, time.Time{}); err == nil {
		t.Fatal("a year of hourly occurrences accepted")
	} else if e := err.(*recur.Error); e.Reason != recur.ReasonTooMany {
		t.Fatalf("error %v", err)
	}
}
