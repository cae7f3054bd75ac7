package client

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

const contactCols = `id, org_id, name, title, mobile, phone, email, wechat, notes, COALESCE(merged_into, 0), created_at, updated_at, erased_at`

func scanContact(sc interface{ Scan(...any) error }) (Contact, error) {
	var c Contact
	var cr, up int64
	var erased sql.NullInt64
	err := sc.Scan(&c.ID, &c.OrgID, &c.Name, &c.Title, &c.Mobile, &c.Phone, &c.Email, &c.WeChat, &c.Notes, &c.MergedInto, &cr, &up, &erased)
	c.CreatedAt, c.UpdatedAt, c.ErasedAt = store.Time(cr), store.Time(up), store.NullMs(erased)
	return c, err
}

func getContact(ctx context.Context, q store.Querier, id int64) (Contact, error) {
	c, err := scanContact(q.QueryRow(ctx, `SELECT `+contactCols+` FROM client_contacts WHERE id = ?`, id))
	if err != nil {
		return Contact{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get client contact %d", id))
	}
	return c, nil
}

// refuseContact is the answer to an actor not allowed to change contact id:
// 404 when they may not read it either (see errs.Refuse).
func (s *Service) refuseContact(ctx context.Context, a access.Actor, id int64) error {
	c, err := getContact(ctx, s.DB, id)
	if err != nil {
		return err
	}
	return errs.Refuse(CanRead(a, c.OrgID))
}

// Contacts lists an organisation's live contacts by name.
func (s *Service) Contacts(ctx context.Context, a access.Actor, orgID int64) ([]Contact, error) {
	if !CanRead(a, orgID) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT `+contactCols+` FROM client_contacts WHERE org_id = ? AND merged_into IS NULL ORDER BY name, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list contacts of org %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("scan contact: %w", err)
		}
		out = append(out, forReader(a, c))
	}
	return out, rows.Err()
}

// Contact returns one contact the actor may see.
func (s *Service) Contact(ctx context.Context, a access.Actor, id int64) (Contact, error) {
	c, err := getContact(ctx, s.DB, id)
	if err != nil {
		return Contact{}, err
	}
	if !CanRead(a, c.OrgID) {
		if a.IsClient() {
			return Contact{}, errs.Missing()
		}
		return Contact{}, errs.Forbid()
	}
	return forReader(a, c), nil
}

// CreateContact adds a contact to an organisation.
func (s *Service) CreateContact(ctx context.Context, a access.Actor, orgID int64, in ContactInput) (Contact, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = CreateContactTx(ctx, tx, s.Clock.Now(), a, orgID, in)
		return err
	})
	if err != nil {
		return Contact{}, err
	}
	return getContact(ctx, s.DB, id)
}

// CreateContactTx adds a contact inside the caller's transaction.
func CreateContactTx(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, orgID int64, in ContactInput) (int64, error) {
	if !CanWrite(a) {
		return 0, errs.Refuse(CanRead(a, orgID))
	}
	if err := in.validate(); err != nil {
		return 0, err
	}
	o, err := getOrg(ctx, tx, orgID)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return 0, errs.Field("org_id", "err.not_found")
		}
		return 0, err
	}
	if o.MergedInto != 0 {
		orgID = o.MergedInto
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO client_contacts (org_id, name, title, mobile, phone, email, wechat, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		orgID, in.Name, in.Title, in.Mobile, in.Phone, in.Email, in.WeChat, in.Notes, store.Ms(now), store.Ms(now))
	if err != nil {
		return 0, fmt.Errorf("insert contact: %w", err)
	}
	return id, audit.Record(ctx, tx, now, a, EntityContact, id, "create", nil, map[string]any{"org_id": orgID, "contact": in})
}

// EnsureContact finds the organisation's contact with the same name (and the
// same mobile when both have one) and fills its blank fields from in, or
// creates the contact. Used when a guest hands over a business card. It
// runs in the caller's transaction and returns the contact id.
func EnsureContact(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, orgID int64, in ContactInput) (int64, error) {
	if err := in.validate(); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, `SELECT `+contactCols+` FROM client_contacts WHERE org_id = ? AND merged_into IS NULL AND name = ? ORDER BY id`, orgID, in.Name)
	if err != nil {
		return 0, fmt.Errorf("find contact: %w", err)
	}
	var found Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("scan contact: %w", err)
		}
		if c.Mobile == "" || in.Mobile == "" || c.Mobile == in.Mobile {
			found = c
			break
		}
	}
	rows.Close()
	if found.ID == 0 {
		return CreateContactTx(ctx, tx, now, a, orgID, in)
	}
	after := fillContact(found, in)
	if after == found {
		return found.ID, nil
	}
	if err := updateContactRow(ctx, tx, now, found.ID, after); err != nil {
		return 0, err
	}
	return found.ID, audit.Record(ctx, tx, now, a, EntityContact, found.ID, "update", found, after)
}

func fillContact(c Contact, in ContactInput) Contact {
	fill := func(dst *string, src string) {
		if strings.TrimSpace(*dst) == "" {
			*dst = src
		}
	}
	fill(&c.Title, in.Title)
	fill(&c.Mobile, in.Mobile)
	fill(&c.Phone, in.Phone)
	fill(&c.Email, in.Email)
	fill(&c.WeChat, in.WeChat)
	fill(&c.Notes, in.Notes)
	return c
}

func updateContactRow(ctx context.Context, tx store.Querier, now time.Time, id int64, c Contact) error {
	_, err := tx.Exec(ctx, `UPDATE client_contacts SET name = ?, title = ?, mobile = ?, phone = ?, email = ?, wechat = ?, notes = ?, updated_at = ? WHERE id = ?`,
		c.Name, c.Title, c.Mobile, c.Phone, c.Email, c.WeChat, c.Notes, store.Ms(now), id)
	if err != nil {
		return fmt.Errorf("update contact %d: %w", id, err)
	}
	return nil
}

// UpdateContact edits a contact.
func (s *Service) UpdateContact(ctx context.Context, a access.Actor, id int64, in ContactInput) (Contact, error) {
	if !CanWrite(a) {
		return Contact{}, s.refuseContact(ctx, a, id)
	}
	if err := in.validate(); err != nil {
		return Contact{}, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := getContact(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.MergedInto != 0 {
			return errs.New(errs.Conflict, "err.client.merged")
		}
		if !before.ErasedAt.IsZero() {
			return errs.New(errs.Conflict, "err.privacy.erased")
		}
		after := before
		after.Name, after.Title, after.Mobile, after.Phone, after.Email, after.WeChat, after.Notes = in.Name, in.Title, in.Mobile, in.Phone, in.Email, in.WeChat, in.Notes
		if err := updateContactRow(ctx, tx, now, id, after); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, EntityContact, id, "update", before, in)
	})
	if err != nil {
		return Contact{}, err
	}
	return getContact(ctx, s.DB, id)
}

// MergeContacts folds the duplicate contact dupID into keepID (both of the
// same organisation): blank fields are filled from the duplicate and every
// registered reference moves to keepID.
func (s *Service) MergeContacts(ctx context.Context, a access.Actor, keepID, dupID int64) (Contact, error) {
	if !CanMerge(a) {
		return Contact{}, s.refuseContact(ctx, a, keepID)
	}
	if keepID == dupID {
		return Contact{}, errs.Field("duplicate_id", "err.client.merge_self")
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		keep, err := getContact(ctx, tx, keepID)
		if err != nil {
			return err
		}
		dup, err := getContact(ctx, tx, dupID)
		if err != nil {
			if errs.As(err).Kind == errs.NotFound {
				return errs.Field("duplicate_id", "err.not_found")
			}
			return err
		}
		if keep.MergedInto != 0 || dup.MergedInto != 0 {
			return errs.New(errs.Conflict, "err.client.merged")
		}
		if !keep.ErasedAt.IsZero() || !dup.ErasedAt.IsZero() {
			return errs.New(errs.Conflict, "err.privacy.erased")
		}
		if keep.OrgID != dup.OrgID {
			return errs.Field("duplicate_id", "err.client.other_org")
		}
		after := fillContact(keep, ContactInput{Title: dup.Title, Mobile: dup.Mobile, Phone: dup.Phone, Email: dup.Email, WeChat: dup.WeChat, Notes: dup.Notes})
		if err := updateContactRow(ctx, tx, now, keepID, after); err != nil {
			return err
		}
		stmts := []string{`UPDATE client_contacts SET merged_into = ? WHERE merged_into = ?`}
		for _, r := range s.contactRefs {
			stmts = append(stmts, `UPDATE `+r.Table+` SET `+r.Column+` = ? WHERE `+r.Column+` = ?`)
		}
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q, keepID, dupID); err != nil {
				return fmt.Errorf("merge contact %d into %d: %w", dupID, keepID, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE client_contacts SET merged_into = ?, updated_at = ? WHERE id = ?`, keepID, store.Ms(now), dupID); err != nil {
			return fmt.Errorf("mark contact %d merged: %w", dupID, err)
		}
		return audit.Record(ctx, tx, now, a, EntityContact, dupID, "merge", dup, map[string]any{"merged_into": keepID})
	})
	if err != nil {
		return Contact{}, err
	}
	return getContact(ctx, s.DB, keepID)
}
