package app

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/task"
)

// bookingTodaySources puts on the today page the reader's bookings today
// and the run-sheet duties of the reader's departments due within a day.
// Bookings waiting for the office's approval reach it through the approval
// engine's section (each pending booking has a review chain for the office).
func (a *App) bookingTodaySources() []TodaySource {
	line := func(b booking.Booking, lang string) TodayItem {
		venue := b.VenueName
		if lang == "en" && b.VenueNameEn != "" {
			venue = b.VenueNameEn
		}
		title := b.Title
		if b.Redacted {
			title = a.I18n.T(lang, "booking.busy", nil)
		}
		return TodayItem{Title: title, Link: fmt.Sprintf("/bookings/%d", b.ID),
			Detail: fmt.Sprintf("%s · %s–%s", venue, b.Start.In(a.Loc).Format("01-02 15:04"), b.End.In(a.Loc).Format("15:04"))}
	}
	mine := func(ctx context.Context, ac access.Actor, lang string) (TodaySection, error) {
		sec := TodaySection{Key: "booking-mine", TitleKey: "booking.today.mine", EmptyKey: "booking.today.none_mine", MoreLink: "/bookings/mine"}
		now := a.Clock.Now().In(a.Loc)
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, a.Loc)
		f := booking.Filter{From: day, To: day.AddDate(0, 0, 1), ActiveOnly: true, RequestedBy: ac.UserID}
		if ac.IsClient() {
			f.RequestedBy = 0
		}
		list, err := a.Bookings.List(ctx, ac, f)
		if err != nil {
			return sec, err
		}
		for _, b := range list {
			sec.Items = append(sec.Items, line(b, lang))
		}
		return sec, nil
	}
	duties := func(ctx context.Context, ac access.Actor, lang string) (TodaySection, error) {
		sec := TodaySection{Key: "booking-runsheet", TitleKey: "booking.today.runsheet", EmptyKey: "booking.today.none_runsheet", MoreLink: "/bookings/runsheet"}
		if !ac.Has(booking.RunSheetRoles...) {
			return TodaySection{}, nil
		}
		now := a.Clock.Now()
		list, err := task.DueFor(ctx, a.DB, ac, now.Add(24*time.Hour))
		if err != nil {
			return sec, err
		}
		for _, t := range list {
			if t.Kind != booking.TaskKind {
				continue
			}
			sec.Items = append(sec.Items, TodayItem{Title: t.Title, Link: t.Link, Due: t.DueAt, Overdue: t.Overdue(now)})
			if len(sec.Items) == 15 {
				break
			}
		}
		return sec, nil
	}
	return []TodaySource{mine, duties}
}
