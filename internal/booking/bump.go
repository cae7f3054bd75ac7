package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/store"
)

// tellBumped tells the owners of a booking displaced by a priority bump
// (its requester and its client organisation's users, in the inbox and by
// e-mail to the client's contact) with the alternatives that fit its
// meeting: other venues free at the same time, or other times in the same
// venue, worked out inside the transaction that displaced it.
func (s *Service) tellBumped(ctx context.Context, tx *store.Tx, now time.Time, id int64) error {
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	reader := access.SystemActor()
	if b.Purpose == PurposeClient {
		reader = access.Actor{Roles: []string{access.Client}, OrgID: b.OrgID}
	}
	alts, err := s.alternatives(ctx, tx, reader, Want{VenueID: b.VenueID, Start: b.Start, End: b.End, Headcount: b.Headcount,
		Layout: b.Layout, Equipment: b.Equipment, ExcludeID: b.ID})
	if err != nil {
		return fmt.Errorf("alternatives for bumped booking %d: %w", b.ID, err)
	}
	key, text := "booking.msg.bumped", s.altText(alts)
	if text != "" {
		key = "booking.msg.bumped_alts"
	}
	if err := s.tellOwners(ctx, tx, now, b, key, "alternatives", text); err != nil {
		return err
	}
	if s.Mail == nil || b.Purpose != PurposeClient || b.ContactEmail == "" {
		return nil
	}
	args := map[string]any{"title": b.Title, "venue": b.VenueName, "start": s.fmt(b.Start), "alternatives": text}
	_, err = s.Mail(ctx, tx, now, b.ContactEmail, key, args, "")
	return err
}

// altText lists alternatives one a line: venue, capacity and time.
func (s *Service) altText(alts []Alternative) string {
	var lines []string
	for _, a := range alts {
		lines = append(lines, fmt.Sprintf("· %s（%d）%s–%s", a.VenueName, a.Capacity, s.fmt(a.Start), a.End.In(s.Loc).Format("15:04")))
	}
	return strings.Join(lines, "\n")
}
