package app

import (
	"context"
	"strconv"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/caldav"
	"jiedai/internal/errs"
	"jiedai/internal/ics"
	"jiedai/internal/venue"
)

// wireCalDAV serves each person's calendars over CalDAV: their own
// (bookings they asked for, meetings they take part in, reception duties
// they own or assist with) and each venue
// they may see, with the same events as the calendar feeds.
func (a *App) wireCalDAV() {
	a.CalDAV = &caldav.Service{DB: a.DB, Clock: a.Clock, TZID: a.Loc.String(), Log: a.Log, Source: caldav.Source{
		Login: a.calDAVLogin, Calendars: a.calDAVCalendars, Events: a.calDAVEvents,
	}}
}

// calDAVLogin accepts the user name with the person's calendar feed token
// (the one in their feed address) or one of their API tokens: turning
// either off refuses the calendar program at its next request.
func (a *App) calDAVLogin(ctx context.Context, username, password, ip string) (access.Actor, error) {
	refused := errs.New(errs.Unauthorized, "err.bad_token")
	uid, _, err := a.Bookings.FeedTokenUser(ctx, password)
	if err != nil && errs.As(err).Kind != errs.NotFound {
		return access.Actor{}, err
	}
	if err != nil {
		u, err := a.Auth.TokenUser(ctx, password)
		if err != nil {
			return access.Actor{}, refused
		}
		uid = u.ID
	}
	u, err := a.Auth.Get(ctx, uid)
	if err != nil || !u.Active || !strings.EqualFold(u.Username, strings.TrimSpace(username)) {
		return access.Actor{}, refused
	}
	return u.Actor(ip), nil
}

// Calendar ids: the person's own, and "venue-ID".
const (
	calMine       = "mine"
	calVenuePrefx = "venue-"
)

func (a *App) calDAVCalendars(ctx context.Context, actor access.Actor) ([]caldav.Calendar, error) {
	l := a.I18n.For(actor.Lang)
	out := []caldav.Calendar{{ID: calMine, Name: l.T("caldav.mine", "name", actor.Name), Description: l.T("caldav.mine_hint")}}
	vs, err := a.Venues.List(ctx, actor, venue.Filter{})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		out = append(out, caldav.Calendar{ID: calVenuePrefx + strconv.FormatInt(v.ID, 10), Name: v.DisplayName(actor.Lang), Description: v.Place()})
	}
	return out, nil
}

func (a *App) calDAVEvents(ctx context.Context, actor access.Actor, id string) ([]ics.Event, error) {
	if id == calMine {
		events, err := a.Bookings.PersonEvents(ctx, actor.UserID)
		if err != nil {
			return nil, err
		}
		meetings, err := a.Meetings.PersonEvents(ctx, actor)
		if err != nil {
			return nil, err
		}
		duties, err := a.Reception.PersonEvents(ctx, actor)
		if err != nil {
			return nil, err
		}
		return append(append(events, meetings...), duties...), nil
	}
	vid, err := strconv.ParseInt(strings.TrimPrefix(id, calVenuePrefx), 10, 64)
	if err != nil || !strings.HasPrefix(id, calVenuePrefx) {
		return nil, errs.Missing()
	}
	vs, err := a.Venues.List(ctx, actor, venue.Filter{})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.ID == vid {
			return a.Bookings.VenueEvents(ctx, actor, v)
		}
	}
	return nil, errs.Missing()
}
