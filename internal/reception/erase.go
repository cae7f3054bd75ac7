package reception

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// EraseGuest erases a guest's personal data on their request (PIPL right
// to deletion), for those who may (client.CanErase). A guest whose
// business card became a client contact is erased as that contact, with
// every guest list the contact is on (EraseContact); another is erased on
// this case only. The guest's line stays, blank, so the head counts and
// the statistics keep it.
func (s *Service) EraseGuest(ctx context.Context, a access.Actor, guestID int64) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, idNo, err := getGuest(ctx, tx, "id = ?", guestID)
		if err != nil {
			return err
		}
		r, err := s.load(ctx, tx, g.ReceptionID)
		if err != nil {
			return err
		}
		if !CanView(a, r) || a.IsClient() {
			return errs.Missing()
		}
		if !client.CanErase(a) {
			return errs.Forbid()
		}
		if !g.ErasedAt.IsZero() {
			return errs.New(errs.Conflict, "err.privacy.erased")
		}
		if g.ContactID != 0 && s.EraseContact != nil {
			if err := s.EraseContact(ctx, tx, now, a, g.ContactID); err == nil || errs.As(err).Kind != errs.Conflict {
				return err
			}
			// The contact was erased or merged before: erase this line.
		}
		return s.eraseGuest(ctx, tx, now, a, g, idNo)
	})
}

// EraseContactGuests is the client register's erasure hook: the guest
// lines of the erased contacts are erased too.
func (s *Service) EraseContactGuests(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, contactIDs []int64) error {
	for _, cid := range contactIDs {
		rows, err := tx.Query(ctx, `SELECT `+guestCols+` FROM reception_guests WHERE contact_id = ? AND erased_at IS NULL ORDER BY id`, cid)
		if err != nil {
			return fmt.Errorf("guests of contact %d: %w", cid, err)
		}
		type line struct {
			g    Guest
			idNo string
		}
		var lines []line
		for rows.Next() {
			g, idNo, err := scanGuest(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("scan guest: %w", err)
			}
			lines = append(lines, line{g, idNo})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("guests of contact %d: %w", cid, err)
		}
		for _, l := range lines {
			if err := s.eraseGuest(ctx, tx, now, a, l.g, l.idNo); err != nil {
				return err
			}
		}
	}
	return nil
}

// eraseGuest blanks a guest line's personal fields, gives it a new
// invitation token (the old link stops working), replaces the personal
// values in the case's older audit rows, lets other areas erase their
// part (OnEraseGuest), and audits the erasure.
func (s *Service) eraseGuest(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, g Guest, idNo string) error {
	tok, err := newToken()
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE reception_guests SET name = '', title = '', mobile = '', email = '', id_number = '', note = '', token = ?, erased_at = ?, updated_at = ? WHERE id = ?`,
		tok, store.Ms(now), store.Ms(now), g.ID); err != nil {
		return fmt.Errorf("erase guest %d: %w", g.ID, err)
	}
	n, err := audit.Scrub(ctx, tx, now, Entity, g.ReceptionID, []string{g.Name, g.Mobile, g.Email, idNo, MaskID(idNo), g.Note})
	if err != nil {
		return err
	}
	if s.OnEraseGuest != nil {
		r, err := s.load(ctx, tx, g.ReceptionID)
		if err != nil {
			return err
		}
		if err := s.OnEraseGuest(ctx, tx, now, a, r, g); err != nil {
			return err
		}
	}
	return auditCase(ctx, tx, now, a, g.ReceptionID, "erase_guest", nil, map[string]any{"guest": g.ID, "kind": g.Kind, "audit_rows_erased": n})
}
