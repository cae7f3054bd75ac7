package booking

import (
	"context"
	"slices"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// CreateInternal books a room, in the caller's transaction, for the
// company's own use: a reception case (the company receiving its own
// guest, seed 003) or a client meeting (004: 预约会议室). The room is
// internal use: quoted at the internal rate, no client, no confirmation
// letter or reply-by date (so nothing to forfeit), no invoice. approved
// says that an approval elsewhere stands for the office's (an approved
// reception case): the booking is accepted at once; otherwise it waits for
// the office like any request. The caller checks that the actor may manage
// what the room is for; Refuse explains a failure with alternatives.
func (s *Service) CreateInternal(ctx context.Context, tx *store.Tx, a access.Actor, in Request, approved bool) (Booking, error) {
	if !a.System && a.UserID == 0 {
		return Booking{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, tx)
	if err != nil {
		return Booking{}, err
	}
	in.Purpose, in.RateTier, in.Bump, in.UnderContract, in.ContractNo = PurposeInternal, venue.TierInternal, false, false, ""
	in.OrgID, in.ClientName, in.ContactName, in.ContactPhone, in.ContactEmail = 0, "", "", "", ""
	if err := s.normalize(a, &in, now, p); err != nil {
		return Booking{}, err
	}
	in.Approve = approved
	id, err := s.insert(ctx, tx, a, in, now, p, 0)
	if err != nil {
		return Booking{}, err
	}
	return s.load(ctx, tx, id)
}

// MoveTx moves a booking, in the caller's transaction, to another room,
// time or headcount (the meeting it serves was moved), by the rules of
// Update: the actor must manage it, the new slot must be free and fit, and
// a move by anyone but the office sends an accepted booking back for
// approval. A booking that no longer holds its room is left alone.
func (s *Service) MoveTx(ctx context.Context, tx *store.Tx, a access.Actor, id, venueID int64, start, end time.Time, headcount int) (Booking, error) {
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return Booking{}, err
	}
	if !Held(b.Status) {
		return b, nil
	}
	in := RequestOf(b)
	in.VenueID, in.Start, in.End, in.Headcount = venueID, start, end, max(headcount, 1)
	if b.VenueID == in.VenueID && b.Start.Equal(in.Start) && b.End.Equal(in.End) && b.Headcount == in.Headcount {
		return b, nil
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, tx)
	if err != nil {
		return Booking{}, err
	}
	in.Bump, in.Approve = false, false
	if err := s.normalize(a, &in, now, p); err != nil {
		return Booking{}, err
	}
	if err := s.updateTx(ctx, tx, a, id, in, now); err != nil {
		return Booking{}, err
	}
	return s.load(ctx, tx, id)
}

// Held reports whether a booking in status st still holds its room ahead
// of its use (waiting for the office, accepted or confirmed).
func Held(st string) bool {
	return slices.Contains([]string{StatusPending, StatusApproved, StatusConfirmed}, st)
}

// UsableFor returns booking id when the actor may use it for [start, end):
// they manage it (its requester or the office), it still holds its room
// and it covers that time. Anything else is refused on field, naming the
// reason; a booking the actor may not know of reads as not found.
func (s *Service) UsableFor(ctx context.Context, q store.Querier, a access.Actor, field string, id int64, start, end time.Time) (Booking, error) {
	b, err := s.load(ctx, q, id)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return Booking{}, errs.Field(field, "err.booking_not_usable.unknown")
		}
		return Booking{}, err
	}
	switch {
	case !visible(a, b):
		return Booking{}, errs.Field(field, "err.booking_not_usable.unknown")
	case !canManage(a, b):
		return Booking{}, errs.Field(field, "err.booking_not_usable.not_yours")
	case !Held(b.Status):
		return Booking{}, errs.Field(field, "err.booking_not_usable.status")
	case b.Start.After(start) || b.End.Before(end):
		return Booking{}, errs.Field(field, "err.booking_not_usable.time")
	}
	return b, nil
}
