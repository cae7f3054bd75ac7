package booking

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Pending bookings are reviewed through the approval engine: a one-step
// chain for the office, so they appear in the office's approval queue with
// every other request. The chain is started by the system, so an office
// member may accept a request they entered themselves (for a client on the
// phone, say).

// reviewTitle names a booking in the approval queue: venue, time, subject.
func (s *Service) reviewTitle(b Booking) string {
	return fmt.Sprintf("%s %s–%s · %s", b.VenueName, b.Start.In(s.Loc).Format("01-02 15:04"), b.End.In(s.Loc).Format("15:04"), b.Title)
}

// startReview opens the office's review of a pending booking.
func (s *Service) startReview(ctx context.Context, tx *store.Tx, id int64, now time.Time) error {
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	title := []rune(s.reviewTitle(b))
	if len(title) > approval.MaxTitle {
		title = title[:approval.MaxTitle]
	}
	if _, err := approval.Start(ctx, tx, now, access.SystemActor(), AuditEntity, id, string(title), link(id), []approval.StepSpec{{Role: access.Office}}, nil); err != nil {
		return fmt.Errorf("start review of booking %d: %w", id, err)
	}
	return nil
}

// openReview returns the booking's open review chain, if any.
func openReview(ctx context.Context, tx *store.Tx, id int64) (approval.Chain, bool, error) {
	c, err := approval.Get(ctx, tx, AuditEntity, id)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return c, false, nil
		}
		return c, false, err
	}
	return c, c.Open(), nil
}

// decideReview records the office's decision on the open review.
func (s *Service) decideReview(ctx context.Context, tx *store.Tx, a access.Actor, id int64, action, comment string, now time.Time) error {
	c, open, err := openReview(ctx, tx, id)
	if err != nil || !open {
		return err
	}
	_, err = approval.Decide(ctx, tx, now, a, c.ID, action, comment)
	return err
}

// closeReview withdraws an open review when the booking leaves pending
// otherwise (cancelled, bumped).
func closeReview(ctx context.Context, tx *store.Tx, id int64, now time.Time, why string) error {
	c, open, err := openReview(ctx, tx, id)
	if err != nil || !open {
		return err
	}
	_, err = approval.Cancel(ctx, tx, now, access.SystemActor(), c.ID, why)
	return err
}
