package booking

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/ics"
	"jiedai/internal/store"
	"jiedai/internal/venue"
	"jiedai/internal/wallclock"
)

// Feed window: bookings from 30 days back to 180 days ahead.
const (
	feedBack  = 30 * 24 * time.Hour
	feedAhead = 180 * 24 * time.Hour
)

// icsStatus maps a booking status to an iCalendar STATUS.
func icsStatus(st string) string {
	switch st {
	case StatusPending, StatusApproved:
		return ics.StatusTentative
	case StatusConfirmed, StatusInUse, StatusCompleted:
		return ics.StatusConfirmed
	}
	return ics.StatusCancelled
}

// event turns a booking into a VEVENT; details only for readers allowed.
func (s *Service) event(b Booking, v venue.Venue, showDetails bool) ics.Event {
	summary := b.Title
	desc := ""
	if !showDetails || b.Redacted {
		summary = "—"
	} else {
		var d []string
		if b.ClientName != "" {
			d = append(d, b.ClientName)
		}
		if b.RequesterName != "" {
			d = append(d, b.RequesterName)
		}
		d = append(d, fmt.Sprintf("%d", b.Headcount))
		desc = strings.Join(d, " · ")
	}
	loc := v.Name
	if v.Location != "" {
		loc += " · " + v.Location
	}
	return ics.Event{UID: fmt.Sprintf("booking-%d@jiedai", b.ID), Sequence: b.Seq, Start: b.Start, End: b.End, Summary: summary,
		Description: desc, Location: loc, Status: icsStatus(b.Status), Created: b.CreatedAt, LastModified: b.UpdatedAt}
}

// VenueFeed writes the calendar of a venue for a reader: a signed-in user
// sees each booking as CanSee lets them. A calendar program holding the
// venue's feed token is no one (the zero Actor): like the public lobby it
// sees only when the venue is taken, never a title, client, contact,
// purpose or requester, which a signed-in staff user who does not serve
// the booking does not see either.
func (s *Service) VenueFeed(ctx context.Context, a access.Actor, v venue.Venue) ([]byte, error) {
	events, err := s.VenueEvents(ctx, a, v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := ics.Write(&buf, ics.Calendar{Name: v.Name, TZID: s.Loc.String(), Events: events}); err != nil {
		return nil, fmt.Errorf("write venue feed: %w", err)
	}
	return buf.Bytes(), nil
}

// VenueEvents are the events of the venue's feed for a reader (see
// VenueFeed); CalDAV serves the same.
func (s *Service) VenueEvents(ctx context.Context, a access.Actor, v venue.Venue) ([]ics.Event, error) {
	now := s.Clock.Now()
	list, err := s.List(ctx, access.SystemActor(), Filter{VenueID: v.ID, From: now.Add(-feedBack), To: now.Add(feedAhead), Limit: 2000, Brief: true})
	if err != nil {
		return nil, err
	}
	events := make([]ics.Event, 0, len(list))
	for _, b := range list {
		events = append(events, s.event(b, v, CanSee(a, b)))
	}
	return events, nil
}

// FeedAuditEntity is the audit entity of a person's calendar feed link
// (its id is the person's user id; the token is never logged).
const FeedAuditEntity = "booking_feed"

// FeedToken returns the user's calendar feed token, making one the first
// time; "" when the user revoked it (until RotateFeedToken makes a new one).
func (s *Service) FeedToken(ctx context.Context, a access.Actor) (string, error) {
	if a.UserID == 0 {
		return "", errs.New(errs.Unauthorized, "err.login_required")
	}
	var tok string
	var revoked bool
	err := s.DB.QueryRow(ctx, `SELECT token, revoked FROM booking_feeds WHERE user_id = ?`, a.UserID).Scan(&tok, &revoked)
	switch {
	case err == nil && revoked:
		return "", nil
	case err == nil:
		return tok, nil
	case !store.IsNoRows(err):
		return "", fmt.Errorf("read feed token: %w", err)
	}
	tok, err = venue.Token()
	if err != nil {
		return "", err
	}
	if _, err := s.DB.Exec(ctx, `INSERT INTO booking_feeds (user_id, token, created_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING`, a.UserID, tok, store.Ms(s.Clock.Now())); err != nil {
		return "", fmt.Errorf("save feed token: %w", err)
	}
	return s.FeedToken(ctx, a)
}

// RotateFeedToken gives the user's calendar feed a new link and returns
// its token: the old link stops answering at once.
func (s *Service) RotateFeedToken(ctx context.Context, a access.Actor) (string, error) {
	tok, err := venue.Token()
	if err != nil {
		return "", err
	}
	if err := s.changeFeed(ctx, a, tok, false, venue.ActRotateFeed); err != nil {
		return "", err
	}
	return tok, nil
}

// RevokeFeedToken turns the user's calendar feed off: its link answers no
// one, and none is made again until RotateFeedToken.
func (s *Service) RevokeFeedToken(ctx context.Context, a access.Actor) error {
	tok, err := venue.Token() // the old token is replaced too: it can never come back
	if err != nil {
		return err
	}
	return s.changeFeed(ctx, a, tok, true, venue.ActRevokeFeed)
}

// changeFeed writes the user's feed row and records the change.
func (s *Service) changeFeed(ctx context.Context, a access.Actor, tok string, revoked bool, action string) error {
	if a.UserID == 0 {
		return errs.New(errs.Unauthorized, "err.login_required")
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO booking_feeds (user_id, token, created_at, revoked) VALUES (?, ?, ?, ?)
 ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at, revoked = excluded.revoked`,
			a.UserID, tok, store.Ms(now), revoked); err != nil {
			return fmt.Errorf("%s feed token: %w", action, err)
		}
		return audit.Record(ctx, tx, now, a, FeedAuditEntity, a.UserID, action, nil, map[string]any{"revoked": revoked})
	})
}

// UserFeed writes the calendar of the bookings a user requested, found by
// the user's feed token.
func (s *Service) UserFeed(ctx context.Context, token string) ([]byte, error) {
	uid, name, err := s.FeedTokenUser(ctx, token)
	if err != nil {
		return nil, err
	}
	events, err := s.PersonEvents(ctx, uid)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := ics.Write(&buf, ics.Calendar{Name: name, TZID: s.Loc.String(), Events: events}); err != nil {
		return nil, fmt.Errorf("write user feed: %w", err)
	}
	return buf.Bytes(), nil
}

// FeedTokenUser finds the active user whose unrevoked calendar feed token
// this is, with their display name; NotFound otherwise.
func (s *Service) FeedTokenUser(ctx context.Context, token string) (int64, string, error) {
	if len(token) < 16 {
		return 0, "", errs.Missing()
	}
	var uid int64
	var name string
	if err := s.DB.QueryRow(ctx, `SELECT f.user_id, u.display_name FROM booking_feeds f JOIN users u ON u.id = f.user_id WHERE f.token = ? AND f.revoked = FALSE AND u.active`, token).Scan(&uid, &name); err != nil {
		return 0, "", errs.Wrap(store.MapError(err), "user feed")
	}
	return uid, name, nil
}

// PersonEvents are the events of the bookings user uid requested, as
// their feed shows them; CalDAV serves the same.
func (s *Service) PersonEvents(ctx context.Context, uid int64) ([]ics.Event, error) {
	now := s.Clock.Now()
	list, err := s.List(ctx, access.SystemActor(), Filter{RequestedBy: uid, From: now.Add(-feedBack), To: now.Add(feedAhead), Limit: 2000, Brief: true})
	if err != nil {
		return nil, err
	}
	venues, err := s.Venues.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	byID := map[int64]venue.Venue{}
	for _, v := range venues {
		byID[v.ID] = v
	}
	events := make([]ics.Event, 0, len(list))
	for _, b := range list {
		events = append(events, s.event(b, byID[b.VenueID], true))
	}
	return events, nil
}

// ParseTime reads a time from outside input: RFC 3339, or a local
// "YYYY-MM-DDTHH:MM[:SS]" / "YYYY-MM-DD HH:MM" / "YYYY-MM-DD" on loc's wall
// clock. A local time that a daylight-saving change skips is refused with
// wallclock.ErrNoSuchTime; a repeated one is its first occurrence; a date
// alone is the day's first instant.
func ParseTime(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 40 {
		return time.Time{}, errors.New("parse time: empty or too long")
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if w, err := time.Parse(layout, v); err == nil {
			t, err := wallclock.At(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), loc)
			if err != nil {
				return time.Time{}, fmt.Errorf("parse time %q: %w", v, err)
			}
			return t.Add(time.Duration(w.Second()) * time.Second), nil
		}
	}
	if d, err := wallclock.ParseDate(v); err == nil {
		return wallclock.OnForward(d, 0, 0, loc), nil
	}
	return time.Time{}, fmt.Errorf("parse time %q: not RFC 3339 nor a local date and time", v)
}

// ParseCodes splits a comma-separated list of codes ("a,b"), dropping
// blanks and duplicates; at most 20 are kept.
func ParseCodes(v string) []string {
	out := []string{}
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" || containsStr(out, p) {
			continue
		}
		if len(out) == 20 {
			break
		}
		out = append(out, p)
	}
	return out
}
