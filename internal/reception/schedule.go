package reception

import (
	"time"
)

// Milestone is a step of the seed's schedule (四、推进计划), in working days
// from the visit date: T-5 application, T-4 division of labour, T-2
// purchasing and slides, the day itself, T+1 survey.
type Milestone struct {
	Key    string    `json:"key"`
	Offset int       `json:"offset"`
	Date   string    `json:"date"` // YYYY-MM-DD
	Day    time.Time `json:"-"`    // midnight of Date in the site's zone
}

// Schedule is the seed's schedule: milestone keys and working-day offsets.
var Schedule = []struct {
	Key    string
	Offset int
}{
	{"application", -5},
	{"division", -4},
	{"preparation", -2},
	{"visit", 0},
	{"survey", 1},
}

// WorkdayOffset returns the date n working days from the visit date (n = 0
// is the visit date itself).
func (s *Service) WorkdayOffset(visit time.Time, n int) time.Time {
	return s.Cal.AddWorkdays(visit, n)
}

func (s *Service) milestones(r Reception) []Milestone {
	visit := r.Visit(s.Loc)
	if visit.IsZero() || s.Cal == nil {
		return nil
	}
	out := make([]Milestone, 0, len(Schedule))
	for _, m := range Schedule {
		d := s.WorkdayOffset(visit, m.Offset)
		out = append(out, Milestone{Key: m.Key, Offset: m.Offset, Date: d.Format(time.DateOnly), Day: d})
	}
	return out
}

// ApplyBy is the last day an application for a visit on visit is on time:
// min working days before it (the T-5 date the form shows). For a visit
// on a Saturday or a holiday the count starts from the working days before.
func (s *Service) ApplyBy(visit time.Time, min int) time.Time {
	return s.WorkdayOffset(visit, -min)
}

// IsLate reports whether an application made at submitted for a visit on
// visit is late: submitted after the ApplyBy date (in the site's zone), so
// the date shown and the lateness never disagree.
func (s *Service) IsLate(submitted, visit time.Time, min int) bool {
	return submitted.In(s.Loc).Format(time.DateOnly) > s.ApplyBy(visit, min).In(s.Loc).Format(time.DateOnly)
}
