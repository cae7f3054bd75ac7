// Package ack is the register of acknowledgements and signatures (X-04,
// 签收 / 责任书 / 协议): person X acknowledged or signed document D (a
// published template version) at time t, either by a click on the portal
// or the app (the name they typed, the time and their address) or on
// paper, recorded by staff with the scan uploaded as an attachment.
//
// Other areas use four calls: Request asks people to acknowledge a version
// (it lands in their inbox, today page and portal as pending), Sign and
// RecordScan complete one, Pending lists a person's open ones, and Status
// lists who has and has not signed a version. Publishing a template
// version marked "re-sign" asks everyone who acknowledged the version
// before it to sign again (OnPublish, wired in internal/app).
package ack

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/doctemplate"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Entity is the audit and attachment entity of an acknowledgement.
const Entity = "acknowledgement"

// Statuses.
const (
	Pending    = "pending"
	Signed     = "signed"
	Superseded = "superseded" // a newer version was asked for before this one was signed
)

// Methods of signing.
const (
	Click = "click" // on the portal or app: typed name, time, address
	Scan  = "scan"  // on paper, the scan uploaded by staff
)

// MaxName is the longest typed name.
const MaxName = 100

// Ack is one acknowledgement asked of one person.
type Ack struct {
	ID            int64     `json:"id"`
	VersionID     int64     `json:"version_id"`
	TemplateID    int64     `json:"template_id"`
	TemplateCode  string    `json:"template_code"`
	Version       int       `json:"version"`
	Title         string    `json:"title"`
	UserID        int64     `json:"user_id"`
	UserName      string    `json:"user_name"`
	OrgID         int64     `json:"org_id,omitempty"`
	Status        string    `json:"status" enum:"pending,signed,superseded"`
	SubjectEntity string    `json:"subject_entity,omitempty" doc:"The record the acknowledgement belongs to (a unit, a contract…), if any"`
	SubjectID     int64     `json:"subject_id,omitempty"`
	RequestedAt   time.Time `json:"requested_at"`
	SignedAt      time.Time `json:"signed_at,omitzero"`
	Method        string    `json:"method,omitempty" enum:"click,scan"`
	SignedName    string    `json:"signed_name,omitempty"`
	IP            string    `json:"ip,omitempty"`
	AttachmentID  int64     `json:"attachment_id,omitempty"`
}

// Notifier sends in-app messages (notify.Service.Notify).
type Notifier func(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error

// Service keeps the register.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Notify Notifier
}

// New returns the service.
func New(db *store.DB, c clock.Clock) *Service { return &Service{DB: db, Clock: c} }

// CanRequest reports whether the actor asks people to acknowledge and
// records paper signatures: the departments that hand documents over.
func CanRequest(a access.Actor) bool {
	return a.Has(access.Office, access.Leasing, access.Legal, access.Supervisor, access.Service, access.Security)
}

// Link is the page of an acknowledgement.
func Link(id int64) string { return fmt.Sprintf("/acks/%d", id) }

// RequestInput asks people to acknowledge a published version.
type RequestInput struct {
	VersionID     int64   `json:"version_id"`
	UserIDs       []int64 `json:"user_ids" doc:"Staff users or client contact users"`
	SubjectEntity string  `json:"subject_entity,omitempty"`
	SubjectID     int64   `json:"subject_id,omitempty"`
}

// Request asks each person to acknowledge the version; a person already
// asked (pending or signed) for it is not asked again. It returns the
// acknowledgements made.
func (s *Service) Request(ctx context.Context, a access.Actor, in RequestInput) ([]Ack, error) {
	if !CanRequest(a) {
		return nil, errs.Forbid()
	}
	if len(in.UserIDs) == 0 {
		return nil, errs.Field("user_ids", "err.required")
	}
	var made []int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM doc_template_versions WHERE id = ?`, in.VersionID).Scan(&status); err != nil {
			if store.IsNoRows(store.MapError(err)) {
				return errs.Field("version_id", "err.not_found")
			}
			return fmt.Errorf("read version: %w", err)
		}
		if status != doctemplate.Published {
			return errs.Field("version_id", "ack.err.not_published")
		}
		var err error
		made, err = s.request(ctx, tx, a, in)
		return err
	})
	if err != nil {
		return nil, errs.Wrap(err, "request acknowledgement")
	}
	return s.byIDs(ctx, made)
}

func (s *Service) request(ctx context.Context, tx *store.Tx, a access.Actor, in RequestInput) ([]int64, error) {
	now := s.Clock.Now()
	for _, uid := range in.UserIDs {
		var active bool
		if err := tx.QueryRow(ctx, `SELECT active FROM users WHERE id = ?`, uid).Scan(&active); err != nil || !active {
			return nil, errs.Field("user_ids", "ack.err.no_user", "id", uid)
		}
	}
	var made []int64
	for _, uid := range in.UserIDs {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM acknowledgements WHERE version_id = ? AND user_id = ? AND status IN (?, ?)`,
			in.VersionID, uid, Pending, Signed).Scan(&n); err != nil {
			return nil, fmt.Errorf("read acknowledgements: %w", err)
		}
		if n > 0 || slices.Contains(made, uid) {
			continue
		}
		id, err := store.InsertID(ctx, tx, `INSERT INTO acknowledgements (version_id, user_id, status, subject_entity, subject_id, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.VersionID, uid, Pending, in.SubjectEntity, in.SubjectID, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return nil, fmt.Errorf("insert acknowledgement: %w", err)
		}
		if err := audit.Record(ctx, tx, now, a, Entity, id, "request", nil, map[string]any{"version_id": in.VersionID, "user_id": uid}); err != nil {
			return nil, err
		}
		if s.Notify != nil {
			var title string
			if err := tx.QueryRow(ctx, `SELECT title FROM doc_template_versions WHERE id = ?`, in.VersionID).Scan(&title); err != nil {
				return nil, fmt.Errorf("read version title: %w", err)
			}
			if err := s.Notify(ctx, tx, now, []int64{uid}, "ack.notify.requested", map[string]any{"title": title}, Link(id)); err != nil {
				return nil, err
			}
		}
		made = append(made, id)
	}
	return made, nil
}

// Sign records the person's own click: the name they typed, the time and
// their address. Only the person asked signs, and only once.
func (s *Service) Sign(ctx context.Context, a access.Actor, id int64, name string) (Ack, error) {
	var l errs.List
	name = namecheck.Check(&l, "name", name, true, MaxName)
	if err := l.Err(); err != nil {
		return Ack{}, err
	}
	return s.complete(ctx, a, id, func(k Ack) error {
		if k.UserID != a.UserID {
			return errs.Refuse(s.canRead(a, k))
		}
		return nil
	}, Click, name, 0)
}

// RecordScan records a signature given on paper, with the scan uploaded
// as an attachment of the acknowledgement (attachment id), by staff.
func (s *Service) RecordScan(ctx context.Context, a access.Actor, id, attachmentID int64) (Ack, error) {
	if !CanRequest(a) {
		return Ack{}, errs.Forbid()
	}
	if attachmentID <= 0 {
		return Ack{}, errs.Field("file", "err.required")
	}
	return s.complete(ctx, a, id, func(Ack) error { return nil }, Scan, "", attachmentID)
}

func (s *Service) complete(ctx context.Context, a access.Actor, id int64, allow func(Ack) error, method, name string, attachmentID int64) (Ack, error) {
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		k, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := allow(k); err != nil {
			return err
		}
		if k.Status != Pending {
			return errs.State(k.Status, "sign")
		}
		if attachmentID != 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM attachments WHERE id = ? AND entity = ? AND entity_id = ?`, attachmentID, Entity, id).Scan(&n); err != nil {
				return fmt.Errorf("read scan: %w", err)
			}
			if n == 0 {
				return errs.Field("file", "ack.err.no_scan")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE acknowledgements SET status = ?, signed_at = ?, method = ?, signed_name = ?, ip = ?, attachment_id = ?, recorded_by = ? WHERE id = ?`,
			Signed, store.Ms(now), method, name, a.IP, store.IDOrNil(attachmentID), store.IDOrNil(a.UserID), id); err != nil {
			return fmt.Errorf("sign acknowledgement: %w", err)
		}
		return audit.Record(ctx, tx, now, a, Entity, id, "sign", map[string]string{"status": k.Status},
			map[string]any{"status": Signed, "method": method, "name": name, "ip": a.IP, "attachment_id": attachmentID})
	})
	if err != nil {
		return Ack{}, errs.Wrap(err, "sign acknowledgement")
	}
	return s.Get(ctx, a, id)
}

// canRead: the person asked, and the staff who ask.
func (s *Service) canRead(a access.Actor, k Ack) bool {
	return k.UserID == a.UserID || (a.IsStaff() && CanRequest(a))
}

// Get returns one acknowledgement to the person asked or to the staff who ask.
func (s *Service) Get(ctx context.Context, a access.Actor, id int64) (Ack, error) {
	k, err := get(ctx, s.DB, id)
	if err != nil {
		return Ack{}, errs.Wrap(err, "get acknowledgement")
	}
	if !s.canRead(a, k) {
		return Ack{}, errs.Missing()
	}
	return k, nil
}

// Pending lists the person's open acknowledgements, oldest first; a person
// reads their own, the staff who ask anyone's.
func (s *Service) Pending(ctx context.Context, a access.Actor, userID int64) ([]Ack, error) {
	if userID != a.UserID && !(a.IsStaff() && CanRequest(a)) {
		return nil, errs.Forbid()
	}
	return s.list(ctx, `k.user_id = ? AND k.status = ? ORDER BY k.requested_at, k.id`, userID, Pending)
}

// Mine lists every acknowledgement asked of the actor, newest first.
func (s *Service) Mine(ctx context.Context, a access.Actor) ([]Ack, error) {
	return s.list(ctx, `k.user_id = ? ORDER BY k.requested_at DESC, k.id DESC`, a.UserID)
}

// Status lists the acknowledgements of a version, unsigned first: who has
// and who has not signed it.
func (s *Service) Status(ctx context.Context, a access.Actor, versionID int64) ([]Ack, error) {
	if !(a.IsStaff() && CanRequest(a)) {
		return nil, errs.Forbid()
	}
	return s.list(ctx, `k.version_id = ? AND k.status <> ? ORDER BY CASE k.status WHEN 'pending' THEN 0 ELSE 1 END, u.display_name, k.id`, versionID, Superseded)
}

// OnPublish asks again, on the new version, everyone who acknowledged or
// was asked to acknowledge the version it replaces, when the new version
// is marked re-sign; their open requests of the old one are superseded.
func (s *Service) OnPublish(ctx context.Context, tx *store.Tx, a access.Actor, v doctemplate.Version, previous int64) error {
	if !v.Resign || previous == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT user_id FROM acknowledgements WHERE version_id = ? AND status IN (?, ?) ORDER BY user_id`, previous, Pending, Signed)
	if err != nil {
		return fmt.Errorf("read earlier acknowledgements: %w", err)
	}
	var users []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("scan user: %w", err)
		}
		users = append(users, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(users) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE acknowledgements SET status = ? WHERE version_id = ? AND status = ?`, Superseded, previous, Pending); err != nil {
		return fmt.Errorf("supersede: %w", err)
	}
	_, err = s.request(ctx, tx, a, RequestInput{VersionID: v.ID, UserIDs: users})
	return err
}

const ackCols = `k.id, k.version_id, v.template_id, t.code, v.version, v.title, k.user_id, COALESCE(u.display_name, ''), COALESCE(u.org_id, 0), k.status,
	k.subject_entity, k.subject_id, k.requested_at, k.signed_at, k.method, k.signed_name, k.ip, COALESCE(k.attachment_id, 0)`

const ackFrom = ` FROM acknowledgements k JOIN doc_template_versions v ON v.id = k.version_id JOIN doc_templates t ON t.id = v.template_id LEFT JOIN users u ON u.id = k.user_id`

func scan(sc interface{ Scan(...any) error }) (Ack, error) {
	var k Ack
	var req int64
	var signed sql.NullInt64
	if err := sc.Scan(&k.ID, &k.VersionID, &k.TemplateID, &k.TemplateCode, &k.Version, &k.Title, &k.UserID, &k.UserName, &k.OrgID, &k.Status,
		&k.SubjectEntity, &k.SubjectID, &req, &signed, &k.Method, &k.SignedName, &k.IP, &k.AttachmentID); err != nil {
		return Ack{}, store.MapError(err)
	}
	k.RequestedAt, k.SignedAt = store.Time(req), store.NullMs(signed)
	return k, nil
}

func get(ctx context.Context, q store.Querier, id int64) (Ack, error) {
	return scan(q.QueryRow(ctx, `SELECT `+ackCols+ackFrom+` WHERE k.id = ?`, id))
}

func (s *Service) list(ctx context.Context, where string, args ...any) ([]Ack, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+ackCols+ackFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list acknowledgements: %w", err)
	}
	defer rows.Close()
	var out []Ack
	for rows.Next() {
		k, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *Service) byIDs(ctx context.Context, ids []int64) ([]Ack, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return s.list(ctx, `k.id IN (`+store.Placeholders(len(ids))+`) ORDER BY k.id`, args...)
}
