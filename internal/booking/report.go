package booking

import (
	"context"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
)

// UtilRow is one venue's use over a month.
type UtilRow struct {
	VenueID     int64   `json:"venue_id"`
	VenueName   string  `json:"venue_name"`
	VenueNameEn string  `json:"venue_name_en,omitempty"`
	OpenHours   float64 `json:"open_hours" doc:"Opening hours in the month, maintenance excluded"`
	BookedHours float64 `json:"booked_hours" doc:"Hours held by bookings that took or will take place"`
	Percent     float64 `json:"percent"`
	Bookings    int     `json:"bookings"`
	ClientHours float64 `json:"client_hours"`
	NoShows     int     `json:"no_shows"`
	Cancelled   int     `json:"cancelled" doc:"Cancelled, forfeited or bumped"`
	QuotedFen   int64   `json:"quoted_fen" doc:"Quoted charges of the client bookings held"`
}

// CanReport reports whether the actor reads utilisation reports.
func CanReport(a access.Actor) bool {
	return a.Has(access.Office, access.Executive, access.Finance, access.Audit, access.Supervisor)
}

// Utilisation returns, per venue, how much of the month's opening hours
// bookings held, with counts of bookings, no-shows and cancellations.
func (s *Service) Utilisation(ctx context.Context, a access.Actor, month time.Time) ([]UtilRow, error) {
	if !CanReport(a) {
		return nil, errs.Forbid()
	}
	m := month.In(s.Loc)
	from := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, s.Loc)
	to := from.AddDate(0, 1, 0)
	venues, err := s.Venues.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	list, err := s.List(ctx, access.SystemActor(), Filter{From: from, To: to, Limit: 2000 * 5})
	if err != nil {
		return nil, err
	}
	maint, err := s.Venues.Maintenance(ctx, nil, 0, from, to)
	if err != nil {
		return nil, err
	}
	out := []UtilRow{}
	for _, v := range venues {
		r := UtilRow{VenueID: v.ID, VenueName: v.Name, VenueNameEn: v.NameEn}
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			if !v.OpenOn(d, s.Loc) || !v.InService {
				continue
			}
			o, c := v.OpenWindow(d, s.Loc)
			open := c.Sub(o)
			for _, mt := range maint {
				if mt.VenueID == v.ID {
					open -= overlap(o, c, mt.Start, mt.End)
				}
			}
			r.OpenHours += open.Hours()
		}
		for _, b := range list {
			if b.VenueID != v.ID {
				continue
			}
			switch b.Status {
			case StatusNoShow:
				r.NoShows++
			case StatusCancelled, StatusForfeited, StatusBumped:
				r.Cancelled++
			case StatusRejected:
			default:
				r.Bookings++
				h := overlap(from, to, b.Start, b.End).Hours()
				r.BookedHours += h
				if b.Purpose == PurposeClient {
					r.ClientHours += h
					r.QuotedFen += b.QuoteFen
				}
			}
		}
		if r.OpenHours > 0 {
			r.Percent = min(100, r.BookedHours*100/r.OpenHours)
		}
		out = append(out, r)
	}
	return out, nil
}

func overlap(a0, a1, b0, b1 time.Time) time.Duration {
	s, e := a0, a1
	if b0.After(s) {
		s = b0
	}
	if b1.Before(e) {
		e = b1
	}
	if e.Before(s) {
		return 0
	}
	return e.Sub(s)
}
