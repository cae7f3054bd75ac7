package booking_test

import (
	"testing"
	"time"

	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestSubMinuteTimes: times are kept in whole minutes, so a request whose
// start and end fall in the same minute is refused on "end" (it used to
// reach the database's CHECK and answer 500).
func TestSubMinuteTimes(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, c := range []struct{ from, to string }{{"10:00:30", "10:00:50"}, {"10:00:00", "10:00:59"}, {"10:00:59", "10:00:01"}} {
			r := e.req("2026-03-10", "10:00", "11:00")
			r.Start, r.End = e.atSec("2026-03-10", c.from), e.atSec("2026-03-10", c.to)
			_, err := e.svc.Create(t.Context(), e.office, r)
			if ee := errs.As(err); err == nil || ee.Kind != errs.Invalid || ee.Field != "end" {
				t.Errorf("%s–%s: %v, want invalid end", c.from, c.to, err)
			}
		}
		r := e.req("2026-03-10", "10:00", "11:00")
		r.Start, r.End = e.atSec("2026-03-10", "10:00:30"), e.atSec("2026-03-10", "11:00:45")
		b := e.mustCreate(t, e.office, r)
		if !b.Start.Equal(e.at("2026-03-10", "10:00")) || !b.End.Equal(e.at("2026-03-10", "11:00")) {
			t.Errorf("stored %v–%v, want whole minutes", b.Start.In(e.loc), b.End.In(e.loc))
		}
	})
}

func (e *env) atSec(date, hms string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", date+" "+hms, e.loc)
	if err != nil {
		panic(err)
	}
	return t
}
