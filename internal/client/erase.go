package client

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// EraseHook erases what another area keeps of erased contacts (a guest's
// visits), inside the erasure's transaction.
type EraseHook func(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, contactIDs []int64) error

// OnErase registers an area's part of a contact's erasure.
func (s *Service) OnErase(h EraseHook) { s.onErase = append(s.onErase, h) }

// CanErase reports whether the actor may erase a person's data on their
// request (PIPL right to deletion): the office, supervisors and admin.
func CanErase(a access.Actor) bool { return a.IsStaff() && a.Has(access.Office, access.Supervisor) }

// forReader returns a contact as the actor may see it: client users do not
// see the staff's notes on their colleagues.
func forReader(a access.Actor, c Contact) Contact {
	if a.IsClient() {
		c.Notes = ""
	}
	return c
}

// ForClient returns the organisation as its client users may see it,
// without the staff's notes.
func (o Org) ForClient() Org {
	o.Notes = ""
	return o
}

// EraseContact erases a contact's personal data on their request: name,
// title, phone numbers, e-mail, WeChat and notes are blanked on the contact
// and on the duplicates merged into it, the older audit rows' personal
// values are replaced, every registered area erases its part (the guest
// lists the contact was on), and the erasure itself is audited. The rows
// stay, so counts and histories keep them.
func (s *Service) EraseContact(ctx context.Context, a access.Actor, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		return s.EraseContactTx(ctx, tx, s.Clock.Now(), a, id)
	})
}

// EraseContactTx is EraseContact inside the caller's transaction.
func (s *Service) EraseContactTx(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, id int64) error {
	c, err := getContact(ctx, tx, id)
	if err != nil {
		return err
	}
	if !CanRead(a, c.OrgID) {
		return errs.Missing()
	}
	if !CanErase(a) {
		return errs.Forbid()
	}
	if c.MergedInto != 0 {
		return errs.New(errs.Conflict, "err.client.merged")
	}
	if !c.ErasedAt.IsZero() {
		return errs.New(errs.Conflict, "err.privacy.erased")
	}
	people := []Contact{c}
	rows, err := tx.Query(ctx, `SELECT `+contactCols+` FROM client_contacts WHERE merged_into = ?`, id)
	if err != nil {
		return fmt.Errorf("duplicates of contact %d: %w", id, err)
	}
	for rows.Next() {
		d, err := scanContact(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("scan contact: %w", err)
		}
		people = append(people, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("duplicates of contact %d: %w", id, err)
	}
	var ids []int64
	scrubbed := 0
	for _, p := range people {
		if _, err := tx.Exec(ctx, `UPDATE client_contacts SET name = '', title = '', mobile = '', phone = '', email = '', wechat = '', notes = '', erased_at = ?, updated_at = ? WHERE id = ?`,
			store.Ms(now), store.Ms(now), p.ID); err != nil {
			return fmt.Errorf("erase contact %d: %w", p.ID, err)
		}
		n, err := audit.Scrub(ctx, tx, now, EntityContact, p.ID, []string{p.Name, p.Mobile, p.Phone, p.Email, p.WeChat, p.Notes})
		if err != nil {
			return err
		}
		scrubbed += n
		ids = append(ids, p.ID)
	}
	for _, h := range s.onErase {
		if err := h(ctx, tx, now, a, ids); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, now, a, EntityContact, id, "erase", nil, map[string]any{"org_id": c.OrgID, "contacts": ids, "audit_rows_erased": scrubbed})
}
