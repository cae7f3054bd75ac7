package recur_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"jiedai/internal/recur"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270101;COUNT=10",
		"FREQ=MONTHLY;BYMONTHDAY=31;COUNT=7",
		"FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231",
		"FREQ=MONTHLY;BYDAY=-1FR;COUNT=12;X-SKIP-HOLIDAYS=TRUE",
		"RRULE:FREQ=WEEKLY;BYDAY=SU,SA,FR,TH,WE,TU,MO;COUNT=500",
		"FREQ=WEEKLY;INTERVAL=52;UNTIL=20270310",
		"freq=monthly;interval=12;bymonthday=29;until=20270228",
		"FREQ=WEEKLY;BYDAY=+1MO;COUNT=0",
		"FREQ=DAILY;INTERVAL=2;COUNT=30;X-SKIP-HOLIDAYS=TRUE",
		"FREQ=DAILY;BYHOUR=8,10,12,14,16;UNTIL=20261231",
		"FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;UNTIL=20261231",
		";;==",
	} {
		f.Add(s, 0)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		f.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string, startDay int) {
		r, err := recur.Parse(s)
		if err != nil {
			var e *recur.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %v is not a *recur.Error", s, err)
			}
			return
		}
		back, err := recur.Parse(r.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, r.String(), err)
		}
		if !reflect.DeepEqual(back, r) {
			t.Fatalf("round trip of %q: %+v != %+v", s, back, r)
		}

		start := base.AddDate(0, 0, int(uint(startDay)%(4*366)))
		occs, err := r.Expand(start, time.Hour, loc, func(t time.Time) bool { return t.Day()%5 != 0 }, start.AddDate(1, 0, 0))
		if err != nil {
			var e *recur.Error
			if !errors.As(err, &e) {
				t.Fatalf("Expand error %v is not a *recur.Error", err)
			}
			return
		}
		// At most one occurrence per day within a year (well under the
		// 370*7 ceiling the API promises), or MaxCount for daily rules with
		// several hours a day.
		if most := 367; len(occs) > most && (len(r.Hours) < 2 || len(occs) > recur.MaxCount) {
			t.Fatalf("%q from %s: %d occurrences", s, start, len(occs))
		}
		if r.Count > 0 && len(occs) > r.Count {
			t.Fatalf("%q: %d occurrences exceed COUNT", s, len(occs))
		}
		for i, o := range occs {
			if o.Start.Before(start) || o.Start.After(start.AddDate(1, 0, 0)) {
				t.Fatalf("%q: occurrence %s outside [%s, +1y]", s, o.Start, start)
			}
			if i > 0 && !o.Start.After(occs[i-1].Start) {
				t.Fatalf("%q: occurrences out of order at %d", s, i)
			}
		}
	})
}
