package reception

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jiedai/internal/namecheck"
)

// FuzzApplication feeds arbitrary text to every field of the application:
// validation never panics, and what passes strict validation is well-formed.
func FuzzApplication(f *testing.F) {
	f.Add("北京华信科技有限公司", "洽谈合作", "2026-03-02", "09:30", "high", "train", "京A12345", "张伟", "green", "fine")
	f.Add("", "", "2026-02-30", "24:00", "vip", "boat", "??", "", "milk", "huge")
	f.Add(" ", "\x00", "0000-00-00", "9:5", "", "", "", "\u202e", "", "")
	f.Add("华信科技\u202e司公限有", "洽谈", "2026-03-08", "02:30", "high", "train", "", "张\u200b伟", "", "")
	f.Add("Cafe\u0301", "洽谈", "2026-11-01", "01:30", "simple", "car", "", "Jose\u0301", "", "")
	loc, _ := time.LoadLocation("Asia/Shanghai")
	today := time.Date(2026, 2, 24, 0, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, org, purpose, date, tm, tier, mode, plate, guest, tea, level string) {
		in := Application{OrgName: org, Purpose: purpose, VisitDate: date, ArrivalTime: tm, Tier: tier, BudgetFen: 1, LiaisonID: 1,
			Guest: Person{Name: guest}, Form: Form{ArrivalMode: mode, PlateNo: plate, Tea: true, TeaTypes: []string{tea}, Fruit: true, FruitLevel: level}}
		for _, strict := range []bool{false, true} {
			l := in.validate(strict, today, loc)
			if len(l) > 0 {
				continue
			}
			if _, bad := namecheck.Invisible(in.OrgName + in.Guest.Name); bad {
				t.Fatalf("accepted an invisible character in %q / %q", in.OrgName, in.Guest.Name)
			}
			if strict && (in.OrgName == "" || in.Guest.Name == "" || !hhmmRE.MatchString(in.ArrivalTime)) {
				t.Fatalf("strict validation passed an incomplete application: %+v", in)
			}
			if in.VisitDate != "" {
				if _, err := time.Parse(time.DateOnly, in.VisitDate); err != nil {
					t.Fatalf("passed a bad date %q", in.VisitDate)
				}
			}
		}
	})
}

// FuzzIDNumber checks that masking never shows more than the edges.
func FuzzIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "E12345678", "123", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = ValidIDNumber(s)
		m := MaskID(s)
		n := utf8.RuneCountInString(s)
		if utf8.RuneCountInString(m) != n {
			t.Fatalf("mask of %q has a different length: %q", s, m)
		}
		if n >= 8 && strings.Count(m, "*") < n/3 {
			t.Fatalf("mask of %q reveals too much: %q", s, m)
		}
	})
}

// FuzzItinerary parses arbitrary itinerary input.
func FuzzItinerary(f *testing.F) {
	f.Add("welcome", "", "09:30", "10:00")
	f.Add("tour", "2026-02-31", "25:00", "09:00")
	f.Add("tour", "2026-03-08", "02:30", "04:00")  // skipped in New York
	f.Add("lunch", "2026-11-01", "01:30", "01:45") // repeated in New York
	var svcs []*Service
	for _, zone := range []string{"Asia/Shanghai", "America/New_York"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			f.Fatal(err)
		}
		svcs = append(svcs, &Service{Loc: loc})
	}
	r := Reception{VisitDate: "2026-02-24"}
	f.Fuzz(func(t *testing.T, kind, date, start, end string) {
		for _, s := range svcs {
			in := ItineraryInput{Kind: kind, Date: date, Start: start, End: end}
			st, en, err := s.parseItinerary(r, &in)
			if err == nil && (st.IsZero() || (!en.IsZero() && !en.After(st))) {
				t.Fatalf("accepted %+v as %s–%s", in, st, en)
			}
			// An accepted start reads on the wall clock as it was given.
			if err == nil && st.In(s.Loc).Format("15:04") != in.Start {
				t.Fatalf("start %q in %s became %s", in.Start, s.Loc, st.In(s.Loc))
			}
		}
	})
}
