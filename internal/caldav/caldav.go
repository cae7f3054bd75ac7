// Package caldav serves each person's calendars read-only over CalDAV
// (RFC 4791): their own (bookings, meetings, reception duties) and one per
// venue they may see, with discovery (/.well-known/caldav, principal,
// calendar home) and sync tokens (RFC 6578 sync-collection).
//
// The protocol is emersion/go-webdav's; this package adds what it lacks:
// authentication (HTTP Basic with the user name and either the person's
// calendar feed token or an API token, both revocable), read-only
// refusals, and sync-collection with DAV:sync-token, CS:getctag,
// DAV:supported-report-set and DAV:current-user-privilege-set on
// calendars. The events are the ics package's, exactly as the feeds write
// them; GET and sync-collection send those bytes unchanged.
package caldav

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/ics"
	"jiedai/internal/store"
)

// Prefix is where CalDAV is served; WellKnown redirects to it.
const (
	Prefix    = "/dav"
	WellKnown = "/.well-known/caldav"
)

// Calendar is one calendar collection a reader has.
type Calendar struct {
	ID          string // the last segment of its path: "mine", "venue-3"
	Name        string
	Description string
}

// Source gives what the server shows: the reader's calendars and their
// events, and who a user name and password are. The domain packages
// decide; this package only serves.
type Source struct {
	// Login returns the actor whose user name and token these are, or an
	// Unauthorized error.
	Login func(ctx context.Context, username, password, ip string) (access.Actor, error)
	// Calendars lists the reader's calendars.
	Calendars func(ctx context.Context, a access.Actor) ([]Calendar, error)
	// Events returns the events of the reader's calendar id (NotFound when
	// the reader has no such calendar).
	Events func(ctx context.Context, a access.Actor, id string) ([]ics.Event, error)
}

// Service serves CalDAV for a Source.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	TZID   string // zone of the events' times, e.g. Asia/Shanghai
	Log    *slog.Logger
	Source Source
}

// object is one calendar object resource: one event in a VCALENDAR of its
// own, written by the ics package.
type object struct {
	name string // file name in the collection, "booking-12.ics"
	data []byte
	etag string
	mod  time.Time
}

// objectName turns an event UID ("booking-12@jiedai") into a file name
// ("booking-12.ics") of safe characters only.
func objectName(uid string) string {
	uid, _, _ = strings.Cut(uid, "@")
	var b strings.Builder
	for _, r := range uid {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String() + ".ics"
}

// objects returns the calendar's objects, sorted by name. Cancelled events
// are left out, so a synchronising client removes them.
func (s *Service) objects(ctx context.Context, a access.Actor, cal string) ([]object, error) {
	events, err := s.Source.Events(ctx, a, cal)
	if err != nil {
		return nil, err
	}
	out := make([]object, 0, len(events))
	seen := map[string]bool{}
	for _, ev := range events {
		if ev.Status == ics.StatusCancelled {
			continue
		}
		if ev.LastModified.IsZero() && ev.Created.IsZero() {
			// DTSTAMP would be the time of the request: the ETag would
			// change on every read.
			return nil, fmt.Errorf("caldav: event %s has no creation or modification time", ev.UID)
		}
		name := objectName(ev.UID)
		if seen[name] {
			continue
		}
		seen[name] = true
		var b strings.Builder
		if err := ics.Write(&b, ics.Calendar{TZID: s.TZID, Events: []ics.Event{ev}}); err != nil {
			return nil, fmt.Errorf("caldav: calendar %s: %w", cal, err)
		}
		data := []byte(b.String())
		sum := sha256.Sum256(data)
		mod := ev.LastModified
		if mod.IsZero() {
			mod = ev.Created
		}
		out = append(out, object{name: name, data: data, etag: hex.EncodeToString(sum[:16]), mod: mod})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// Paths of a reader's resources.
func principalPath(uid int64) string { return Prefix + "/u" + strconv.FormatInt(uid, 10) + "/" }
func homePath(uid int64) string      { return principalPath(uid) + "calendars/" }
func calendarPath(uid int64, cal string) string {
	return homePath(uid) + cal + "/"
}

// PrincipalPath is the address of a person's CalDAV account, which
// calendar programs are given when they do not discover it.
func PrincipalPath(uid int64) string { return principalPath(uid) }

// split reads a calendar or object path of the reader's: cal is empty for
// the principal or home, name is empty for a collection. Paths of another
// user's are NotFound.
func split(a access.Actor, p string) (cal, name string, err error) {
	home := homePath(a.UserID)
	if p == principalPath(a.UserID) || p+"/" == principalPath(a.UserID) || p == home || p+"/" == home {
		return "", "", nil
	}
	rest, ok := strings.CutPrefix(p, home)
	if !ok {
		return "", "", errs.Missing()
	}
	cal, name, _ = strings.Cut(rest, "/")
	if cal == "" || strings.Contains(name, "/") {
		return "", "", errs.Missing()
	}
	return cal, name, nil
}
