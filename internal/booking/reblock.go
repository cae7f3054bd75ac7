package booking

import (
	"context"
	"errors"
	"fmt"
	"time"

	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// reblock gives the venue's bookings that are not over yet the venue's new
// setup and teardown buffers, inside the transaction that changes them;
// finished bookings keep the blocks they were held with. It refuses the
// change, on the buffer field that grew, when the wider blocks would
// overlap.
//
// It runs in two steps so that the database's no-overlap guard, which
// checks row by row, never trips on a state between old and new although
// the end state is clean: first every block shrinks to where its old and
// new extents meet (inside the old block, so no overlap can appear), then
// grows to the new extent (blocks only grow, so a clash on the way is a
// clash at the end).
func (s *Service) reblock(ctx context.Context, tx *store.Tx, venueID int64, old, nw venue.Buffers, now time.Time) error {
	minute := int64(time.Minute / time.Millisecond)
	b, a := int64(nw.Before)*minute, int64(nw.After)*minute
	if _, err := tx.Exec(ctx, `UPDATE bookings SET
 block_start = CASE WHEN block_start > start_ms - ? THEN block_start ELSE start_ms - ? END,
 block_end = CASE WHEN block_end < end_ms + ? THEN block_end ELSE end_ms + ? END
 WHERE venue_id = ? AND active AND end_ms > ?`, b, b, a, a, venueID, store.Ms(now)); err != nil {
		return fmt.Errorf("narrow booking blocks: %w", err)
	}
	_, err := tx.Exec(ctx, `UPDATE bookings SET block_start = start_ms - ?, block_end = end_ms + ? WHERE venue_id = ? AND active AND end_ms > ?`,
		b, a, venueID, store.Ms(now))
	if err == nil {
		return nil
	}
	if errors.Is(store.MapError(err), store.ErrConflict) {
		if nw.Before > old.Before {
			return errs.Field("buffer_before", "err.venue_buffers_overlap")
		}
		return errs.Field("buffer_after", "err.venue_buffers_overlap")
	}
	return fmt.Errorf("widen booking blocks: %w", err)
}
