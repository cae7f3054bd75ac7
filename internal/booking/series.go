package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/recur"
	"jiedai/internal/store"
	"jiedai/internal/wallclock"
)

// Occurrence is one date of a recurring booking in a preview or result.
type Occurrence struct {
	Start     time.Time  `json:"start"`
	End       time.Time  `json:"end"`
	Skip      string     `json:"skip,omitempty" doc:"Why it is not booked: holiday, conflict or unsuitable"`
	Conflicts []Conflict `json:"conflicts,omitempty"`
	Note      string     `json:"note,omitempty" doc:"Message key of an unsuitable venue"`
	BookingID int64      `json:"booking_id,omitempty"`
}

// RecurError maps a recurrence rule error to a form field error.
func RecurError(err error) error {
	var re *recur.Error
	if errors.As(err, &re) {
		field := "repeat_" + re.Field
		switch re.Field {
		case "byday":
			field = "repeat_days"
		case "start", "duration":
			field = "start"
		}
		return errs.Field(field, "err.booking_recur_"+re.Reason)
	}
	return err
}

// expandSeries validates the first occurrence's request and expands the rule.
func (s *Service) expandSeries(ctx context.Context, a access.Actor, in *Request, rule recur.Rule) ([]recur.Occurrence, Policy, error) {
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return nil, p, err
	}
	in.Bump = false
	if err := s.normalize(a, in, now, p); err != nil {
		return nil, p, err
	}
	occs, err := rule.Expand(in.Start, in.End.Sub(in.Start), s.Loc, s.Cal.IsWorkday, time.Time{})
	if err != nil {
		return nil, p, RecurError(err)
	}
	return occs, p, nil
}

// PreviewSeries lists the dates a recurring booking would take and, for
// each, whether it is skipped (holiday) or blocked (conflict, venue closed
// or unsuitable), without writing anything.
func (s *Service) PreviewSeries(ctx context.Context, a access.Actor, in Request, rule recur.Rule) ([]Occurrence, error) {
	if !a.System && a.UserID == 0 {
		return nil, errs.New(errs.Unauthorized, "err.login_required")
	}
	occs, _, err := s.expandSeries(ctx, a, &in, rule)
	if err != nil {
		return nil, err
	}
	v, err := s.Venues.Get(ctx, nil, in.VenueID)
	if err != nil {
		return nil, errs.Field("venue_id", "err.venue_unknown")
	}
	out := []Occurrence{}
	if len(occs) == 0 {
		return out, nil
	}
	first, _ := v.Block(occs[0].Start, occs[0].End)
	_, last := v.Block(occs[len(occs)-1].Start, occs[len(occs)-1].End)
	m, err := s.busy(ctx, s.DB, v.ID, first, last, 0)
	if err != nil {
		return nil, err
	}
	for _, o := range occs {
		oc := Occurrence{Start: o.Start, End: o.End}
		r := in
		r.Start, r.End = o.Start, o.End
		switch {
		case o.Skipped:
			oc.Skip = "holiday"
		default:
			if err := s.checkVenue(a, v, r); err != nil {
				oc.Skip, oc.Note = "unsuitable", errs.As(err).Key
			} else if c := m.conflicts(a, v, o.Start, o.End); len(c) > 0 {
				oc.Skip, oc.Conflicts = "conflict", c
			}
		}
		out = append(out, oc)
	}
	return out, nil
}

// CreateSeries books every date of a recurring booking in one transaction.
// Holidays are skipped when the rule says so; a blocked date refuses the
// whole series unless skipConflicts is set, in which case it is left out.
// It returns the series id and every date with its booking or reason.
func (s *Service) CreateSeries(ctx context.Context, a access.Actor, in Request, rule recur.Rule, skipConflicts bool) (int64, []Occurrence, error) {
	if !a.System && a.UserID == 0 {
		return 0, nil, errs.New(errs.Unauthorized, "err.login_required")
	}
	occs, p, err := s.expandSeries(ctx, a, &in, rule)
	if err != nil {
		return 0, nil, err
	}
	now := s.Clock.Now()
	var seriesID int64
	var out []Occurrence
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		out = nil
		var err error
		seriesID, err = store.InsertID(ctx, tx, `INSERT INTO booking_series (rule, first_start, duration_min, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			rule.String(), store.Ms(in.Start), int(in.End.Sub(in.Start)/time.Minute), store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert series: %w", err)
		}
		booked := 0
		for _, o := range occs {
			oc := Occurrence{Start: o.Start, End: o.End}
			if o.Skipped {
				oc.Skip = "holiday"
				out = append(out, oc)
				continue
			}
			r := in
			r.Start, r.End = o.Start, o.End
			if r.Start.Before(now) {
				oc.Skip = "unsuitable"
				out = append(out, oc)
				continue
			}
			id, err := s.insert(ctx, tx, a, r, now, p, seriesID)
			if err != nil {
				rf := RefusalOf(err)
				if rf == nil || !skipConflicts {
					if rf != nil && errs.As(err).Kind == errs.Conflict {
						e := errs.New(errs.Conflict, "err.booking_series_conflict", "date", o.Start.In(s.Loc).Format("2006-01-02"))
						e.Field = "start"
						e.Extra = &Refusal{Conflicts: rf.Conflicts}
						return e
					}
					return err
				}
				oc.Skip, oc.Conflicts = "conflict", rf.Conflicts
				if errs.As(err).Kind == errs.Invalid {
					oc.Skip, oc.Note = "unsuitable", errs.As(err).Key
				}
				out = append(out, oc)
				continue
			}
			oc.BookingID = id
			booked++
			out = append(out, oc)
		}
		if booked == 0 {
			return errs.Field("repeat_freq", "err.booking_series_empty")
		}
		return audit.Record(ctx, tx, now, a, "booking_series", seriesID, "create", nil, map[string]any{"rule": rule.String(), "booked": booked})
	})
	if err != nil {
		return 0, nil, err
	}
	return seriesID, out, nil
}

// ApproveSeries approves, in one step and one transaction, every occurrence
// of booking id's series that still waits for approval and can be decided
// (office). A booking outside a series is approved alone. It returns the
// booking and how many occurrences were approved; if any of them cannot
// be, none is.
func (s *Service) ApproveSeries(ctx context.Context, a access.Actor, id int64, note string) (Booking, int, error) {
	if !IsOffice(a) {
		return Booking{}, 0, s.refuse(ctx, a, id)
	}
	first, err := s.Get(ctx, a, id)
	if err != nil {
		return Booking{}, 0, err
	}
	if first.SeriesID == 0 {
		b, err := s.Approve(ctx, a, id, note)
		if err != nil {
			return Booking{}, 0, err
		}
		return b, 1, nil
	}
	note, err = reason(note, false)
	if err != nil {
		return Booking{}, 0, err
	}
	list, err := s.List(ctx, a, Filter{SeriesID: first.SeriesID, Statuses: []string{StatusPending}, Limit: 2000})
	if err != nil {
		return Booking{}, 0, err
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Booking{}, 0, err
	}
	n := 0
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		for _, o := range list {
			if !CanDecide(o, now) {
				continue // lapsed: the sweep tells the requester
			}
			b, err := s.transition(ctx, tx, o.ID, ActApprove)
			if err != nil {
				return err
			}
			if err := s.decideReview(ctx, tx, a, o.ID, approval.Approve, note, now); err != nil {
				return err
			}
			if err := s.approveTx(ctx, tx, a, b, note, now, p); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return stateErr(first.Status, ActApprove)
		}
		return nil
	})
	if err != nil {
		return Booking{}, 0, err
	}
	b, err := s.load(ctx, s.DB, id)
	return b, n, err
}

// CancelSeries cancels the occurrences of a series starting at or after
// from that still lie ahead (requester, client users, office).
func (s *Service) CancelSeries(ctx context.Context, a access.Actor, seriesID int64, from time.Time, why string) (int, error) {
	list, err := s.List(ctx, a, Filter{SeriesID: seriesID, Limit: 2000})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range list {
		if b.Start.Before(from) || !slices.Contains([]string{StatusPending, StatusApproved, StatusConfirmed}, b.Status) {
			continue
		}
		if _, err := s.Cancel(ctx, a, b.ID, why, false); err != nil {
			return n, err
		}
		n++
	}
	if n == 0 && len(list) == 0 {
		return 0, errs.Missing()
	}
	return n, nil
}

// UpdateSeries applies the changes of req (title, headcount, equipment,
// notes and the time of day; the date of each occurrence is kept) to every
// occurrence of the series from a date on, in one transaction; a conflict
// on any date refuses the whole change.
func (s *Service) UpdateSeries(ctx context.Context, a access.Actor, seriesID int64, from time.Time, req Request) (int, error) {
	list, err := s.List(ctx, a, Filter{SeriesID: seriesID, Limit: 2000})
	if err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		for _, b := range list {
			if b.Start.Before(from) || !slices.Contains([]string{StatusPending, StatusApproved, StatusConfirmed}, b.Status) {
				continue
			}
			r := req
			day := b.Start.In(s.Loc)
			var err error
			if r.Start, err = sameClock(day, req.Start, s.Loc); err != nil {
				return errs.Field("start", wallclock.Key(err, "err.booking_hhmm"))
			}
			if r.End, err = sameClock(day, req.End, s.Loc); err != nil {
				return errs.Field("end", wallclock.Key(err, "err.booking_hhmm"))
			}
			if !r.End.After(r.Start) {
				y, m, d := day.Date()
				if r.End, err = wallclock.At(y, m, d+1, req.End.In(s.Loc).Hour(), req.End.In(s.Loc).Minute(), s.Loc); err != nil {
					return errs.Field("end", wallclock.Key(err, "err.booking_hhmm"))
				}
			}
			r.Bump, r.Approve = false, false
			if err := s.normalize(a, &r, now, p); err != nil {
				return err
			}
			if err := s.updateTx(ctx, tx, a, b.ID, r, now); err != nil {
				if rf := RefusalOf(err); rf != nil {
					e := errs.New(errs.Conflict, "err.booking_series_conflict", "date", day.Format("2006-01-02"))
					e.Field = "start"
					e.Extra = &Refusal{Conflicts: rf.Conflicts}
					return e
				}
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// sameClock is day's date at clock's wall-clock time, both read in loc;
// wallclock.ErrNoSuchTime when the clocks skip that time on that day.
func sameClock(day, clock time.Time, loc *time.Location) (time.Time, error) {
	c := clock.In(loc)
	return wallclock.On(day, c.Hour(), c.Minute(), loc)
}
