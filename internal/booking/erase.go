package booking

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/store"
)

// EraseContact blanks the booking's contact person (name, phone, e-mail)
// when it is the person whose data is being erased (PIPL), for example the
// principal guest named on a reception's meeting-room booking. The values
// are replaced in the booking's older audit rows too, and the erasure is
// audited. It runs in the caller's transaction; another contact is left.
func EraseContact(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, bookingID int64, name string) error {
	if name == "" {
		return nil
	}
	var cn, cp, ce string
	err := tx.QueryRow(ctx, `SELECT contact_name, contact_phone, contact_email FROM bookings WHERE id = ?`, bookingID).Scan(&cn, &cp, &ce)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && cn != name) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("contact of booking %d: %w", bookingID, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE bookings SET contact_name = '', contact_phone = '', contact_email = '', updated_at = ? WHERE id = ?`, store.Ms(now), bookingID); err != nil {
		return fmt.Errorf("erase contact of booking %d: %w", bookingID, err)
	}
	n, err := audit.Scrub(ctx, tx, now, AuditEntity, bookingID, []string{cn, cp, ce})
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, a, AuditEntity, bookingID, "erase_contact", nil, map[string]any{"audit_rows_erased": n})
}
