package meeting

import (
	"context"
	"strconv"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/errs"
)

// InboxTitle gives back a classified meeting's title in messages about it
// (they carry only "#id", since one message goes to many readers): to a
// reader admitted to the meeting, logging that read, as a list would.
// Links other than /meetings/{id}… are not the meeting area's (ok false).
func (s *Service) InboxTitle(ctx context.Context, a access.Actor, link string) (string, bool, error) {
	rest, found := strings.CutPrefix(link, "/meetings/")
	if !found {
		return "", false, nil
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return "", false, nil
	}
	m, err := get(ctx, s.DB, id)
	if errs.As(err).Kind == errs.NotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	ok, err := admitted(ctx, s.DB, a, m, m.Level)
	if err != nil || !ok {
		return "", false, err
	}
	return m.Title, true, s.logRead(ctx, a, Read{Entity: EntityMeeting, ID: m.ID, Level: m.Level, Via: "inbox"}, true)
}
