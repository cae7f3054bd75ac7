package server_test

import (
	"context"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/caldav"
)

// The policy rows of CalDAV. Every subject calls with its own user name
// and calendar feed token; the calendar called is the staff subject's own,
// with one of their bookings in it: only they read it, any other user
// (staff of other roles, client users of either organisation) finds
// nothing there (404), and without credentials the answer is 401.

// calOwner is the staff subject, whose calendar the rows read.
func calOwner(e *authzEnv) map[string]bool { return map[string]bool{access.Staff: true} }

// asSelf calls path (with {cal} the owner's calendar address) as the
// subject itself.
func asSelf(path string, body string) func(e *authzEnv, s *subject, p string) call {
	return func(e *authzEnv, s *subject, _ string) call {
		owner := e.by[access.Staff].actor
		cal := caldav.PrincipalPath(owner.UserID) + "calendars/mine/"
		c := call{path: strings.ReplaceAll(path, "{cal}", cal), body: body}
		if s.name == anon {
			return c
		}
		tok, err := e.app.Bookings.FeedToken(context.Background(), s.actor)
		if err == nil && tok == "" { // turned off by the feed rows: a new one
			tok, err = e.app.Bookings.RotateFeedToken(context.Background(), s.actor)
		}
		if err != nil {
			e.t.Fatal(err)
		}
		c.basic = &[2]string{s.actor.Username, tok}
		return c
	}
}

// calBooking is a booking of the owner's, on their calendar.
func (e *authzEnv) calBooking() int64 {
	return e.once("caldav-booking", func() int64 {
		v, start := e.nextSlot()
		b, err := e.app.Bookings.Create(context.Background(), e.by[access.Staff].actor, booking.Request{VenueID: v.ID, Start: start, End: start.Add(30 * time.Minute), Title: "日历同步", Headcount: 2})
		if err != nil {
			e.t.Fatal(err)
		}
		return b.ID
	})
}

func caldavPolicy() []rule {
	const sync = `<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/><c:calendar-data xmlns:c="urn:ietf:params:xml:ns:caldav"/></d:prop></d:sync-collection>`
	return []rule{
		// Discovery answers everyone with the context path.
		{route: "GET /.well-known/caldav", allow: public()},
		{route: "PROPFIND /.well-known/caldav", allow: public()},
		{route: "OPTIONS /dav/", allow: calOwner, make: asSelf("{cal}", "")},
		{route: "PROPFIND /dav/", allow: calOwner, make: asSelf("{cal}", `<d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>`)},
		{route: "REPORT /dav/", allow: calOwner, make: func(e *authzEnv, s *subject, p string) call {
			e.calBooking()
			return asSelf("{cal}", sync)(e, s, p)
		}, content: "日历同步", sees: calOwner},
		{route: "GET /dav/", allow: calOwner, make: func(e *authzEnv, s *subject, p string) call {
			return asSelf("{cal}booking-"+idStr(e.calBooking())+".ics", "")(e, s, p)
		}, content: "日历同步", sees: calOwner},
	}
}
