// Package doctemplate keeps document templates with versions:
// standard contracts, 管理协议, 用户手册, 装修指南, apology letters, 安全责任书
// and 保密协议. A template has an owner department and versions; a version
// has a title and a body per language (zh-Hans required, the others fall
// back to it) with {{placeholders}} filled from records (fill.go). A
// version is drafted, sent for approval (approval engine, entity
// doc_template, the version's id) and published; only the published
// version is used. Editing a template whose version is no longer a draft
// makes a new draft version; publishing one retires the one before.
package doctemplate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Entity is the approval and audit entity of a template version.
const Entity = "doc_template"

// Kinds of templates, from the seeds.
var Kinds = []string{"contract", "management_agreement", "handbook", "fitout_guide", "apology", "safety_pledge", "confidentiality_agreement"}

// Version statuses.
const (
	Draft     = "draft"
	Submitted = "submitted" // awaiting approval
	Published = "published"
	Retired   = "retired" // a later version was published
)

// Limits.
const (
	MaxTitle = 200
	MaxBody  = 100000
	MaxCode  = 32
)

// Template is a document template with its versions, newest first.
type Template struct {
	ID          int64     `json:"id"`
	Code        string    `json:"code"`
	Kind        string    `json:"kind"`
	OwnerDeptID int64     `json:"owner_dept_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Versions    []Version `json:"versions"`
}

// Published returns the published version, if any.
func (t Template) Published() (Version, bool) {
	for _, v := range t.Versions {
		if v.Status == Published {
			return v, true
		}
	}
	return Version{}, false
}

// InUse returns the number of the published version, 0 when none is.
func (t Template) InUse() int {
	v, _ := t.Published()
	return v.Version
}

// Latest returns the newest version.
func (t Template) Latest() Version {
	if len(t.Versions) == 0 {
		return Version{}
	}
	return t.Versions[0]
}

// Version is one version of a template.
type Version struct {
	ID          int64     `json:"id"`
	TemplateID  int64     `json:"template_id"`
	Version     int       `json:"version"`
	Status      string    `json:"status" enum:"draft,submitted,published,retired"`
	Title       string    `json:"title"`
	BodyZhHans  string    `json:"body_zh_hans"`
	BodyZhHant  string    `json:"body_zh_hant,omitempty"`
	BodyEn      string    `json:"body_en,omitempty"`
	Resign      bool      `json:"resign" doc:"Publishing this version asks everyone who acknowledged an earlier one to sign again"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	PublishedAt time.Time `json:"published_at,omitzero"`
}

// Body returns the body in lang, falling back to zh-Hans.
func (v Version) Body(lang string) string {
	switch lang {
	case i18n.ZhHant:
		if v.BodyZhHant != "" {
			return v.BodyZhHant
		}
	case i18n.En:
		if v.BodyEn != "" {
			return v.BodyEn
		}
	}
	return v.BodyZhHans
}

// Input is what an editor saves.
type Input struct {
	Code        string `json:"code,omitempty" doc:"Required when creating (1–32 lowercase letters, digits, _ or -); ignored when editing"`
	Kind        string `json:"kind,omitempty" doc:"Required when creating; ignored when editing" enum:"contract,management_agreement,handbook,fitout_guide,apology,safety_pledge,confidentiality_agreement"`
	OwnerDeptID int64  `json:"owner_dept_id,omitempty"`
	Title       string `json:"title"`
	BodyZhHans  string `json:"body_zh_hans"`
	BodyZhHant  string `json:"body_zh_hant,omitempty"`
	BodyEn      string `json:"body_en,omitempty"`
	Resign      bool   `json:"resign,omitempty"`
}

// Service keeps the templates.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	// OnPublish runs in the publishing transaction (acknowledgements ask
	// for re-signing there).
	OnPublish func(ctx context.Context, tx *store.Tx, a access.Actor, v Version, previous int64) error
}

// New returns the service.
func New(db *store.DB, c clock.Clock) *Service { return &Service{DB: db, Clock: c} }

// CanEdit reports whether the actor drafts templates: office, leasing,
// legal and supervisors (the departments that own them).
func CanEdit(a access.Actor) bool {
	return a.Has(access.Office, access.Leasing, access.Legal, access.Supervisor)
}

// CanRead reports whether the actor reads templates and their drafts: staff.
func CanRead(a access.Actor) bool { return a.IsStaff() }

// reviewer is the role that approves a kind of template.
func reviewer(kind string) string {
	switch kind {
	case "contract", "management_agreement", "confidentiality_agreement":
		return access.Legal
	case "safety_pledge", "apology":
		return access.Executive
	}
	return access.Office
}

func (in *Input) check(creating bool) error {
	var l errs.List
	in.Title = namecheck.Check(&l, "title", in.Title, true, MaxTitle)
	if creating {
		in.Code = strings.TrimSpace(in.Code)
		if !validCode(in.Code) {
			l.Add("code", "err.code_format")
		}
		if !slices.Contains(Kinds, in.Kind) {
			l.Add("kind", "err.invalid")
		}
	}
	for _, b := range []struct {
		field string
		text  *string
		req   bool
	}{{"body_zh_hans", &in.BodyZhHans, true}, {"body_zh_hant", &in.BodyZhHant, false}, {"body_en", &in.BodyEn, false}} {
		*b.text = strings.TrimSpace(strings.ReplaceAll(*b.text, "\r\n", "\n"))
		switch {
		case *b.text == "" && b.req:
			l.Add(b.field, "err.required")
		case utf8.RuneCountInString(*b.text) > MaxBody:
			l.Add(b.field, "err.too_long", "max", MaxBody)
		case *b.text != "":
			if err := Check(b.field, *b.text); err != nil {
				l = append(l, errs.As(err))
			}
		}
	}
	return l.Err()
}

func validCode(s string) bool {
	if s == "" || len(s) > MaxCode {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// Create makes a template with its first draft version.
func (s *Service) Create(ctx context.Context, a access.Actor, in Input) (Template, error) {
	if !CanEdit(a) {
		return Template{}, errs.Forbid()
	}
	if err := in.check(true); err != nil {
		return Template{}, err
	}
	now := s.Clock.Now()
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO doc_templates (code, kind, owner_dept_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.Code, in.Kind, store.IDOrNil(in.OwnerDeptID), store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
		if errors.Is(err, store.ErrConflict) {
			return errs.Field("code", "err.code_taken")
		}
		if err != nil {
			return fmt.Errorf("insert template: %w", err)
		}
		v, err := insertVersion(ctx, tx, now, a, id, 1, in)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, Entity, v.ID, "create", nil, in)
	})
	if err != nil {
		return Template{}, errs.Wrap(err, "create template")
	}
	return s.Get(ctx, a, id)
}

func insertVersion(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, templateID int64, n int, in Input) (Version, error) {
	id, err := store.InsertID(ctx, tx, `INSERT INTO doc_template_versions (template_id, version, status, title, body_zh_hans, body_zh_hant, body_en, resign, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, templateID, n, Draft, in.Title, in.BodyZhHans, in.BodyZhHant, in.BodyEn, in.Resign, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
	if err != nil {
		return Version{}, fmt.Errorf("insert template version: %w", err)
	}
	return Version{ID: id, TemplateID: templateID, Version: n, Status: Draft, Title: in.Title}, nil
}

// Edit saves the template's text: into its draft version when the newest
// is a draft, else into a new draft version (a published text never
// changes). A version awaiting approval cannot be edited.
func (s *Service) Edit(ctx context.Context, a access.Actor, templateID int64, in Input) (Version, error) {
	if !CanEdit(a) {
		return Version{}, errs.Forbid()
	}
	if err := in.check(false); err != nil {
		return Version{}, err
	}
	now := s.Clock.Now()
	var out Version
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		t, err := get(ctx, tx, templateID)
		if err != nil {
			return err
		}
		last := t.Latest()
		switch last.Status {
		case Submitted:
			return errs.State(last.Status, "edit")
		case Draft:
			if _, err := tx.Exec(ctx, `UPDATE doc_template_versions SET title = ?, body_zh_hans = ?, body_zh_hant = ?, body_en = ?, resign = ?, updated_at = ? WHERE id = ?`,
				in.Title, in.BodyZhHans, in.BodyZhHant, in.BodyEn, in.Resign, store.Ms(now), last.ID); err != nil {
				return fmt.Errorf("update draft: %w", err)
			}
			out = last
		default:
			if out, err = insertVersion(ctx, tx, now, a, templateID, last.Version+1, in); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE doc_templates SET updated_at = ? WHERE id = ?`, store.Ms(now), templateID); err != nil {
			return fmt.Errorf("touch template: %w", err)
		}
		return audit.Record(ctx, tx, now, a, Entity, out.ID, "edit", last, in)
	})
	if err != nil {
		return Version{}, errs.Wrap(err, "edit template")
	}
	return s.Version(ctx, a, out.ID)
}

// Submit sends the draft version for approval by the kind's reviewer.
func (s *Service) Submit(ctx context.Context, a access.Actor, versionID int64) error {
	if !CanEdit(a) {
		return errs.Forbid()
	}
	now := s.Clock.Now()
	return errs.Wrap(s.DB.InTx(ctx, func(tx *store.Tx) error {
		v, t, err := versionTx(ctx, tx, versionID)
		if err != nil {
			return err
		}
		if v.Status != Draft {
			return errs.State(v.Status, "submit")
		}
		title := fmt.Sprintf("%s v%d", v.Title, v.Version)
		if c, err := approval.Get(ctx, tx, Entity, v.ID); err == nil && c.Status == approval.StatusReturned {
			if _, err := approval.Restart(ctx, tx, now, a, c.ID, ""); err != nil {
				return err
			}
		} else if _, err := approval.Start(ctx, tx, now, a, Entity, v.ID, title, Link(t.ID), []approval.StepSpec{{Role: reviewer(t.Kind)}}, nil); err != nil {
			return err
		}
		return setStatus(ctx, tx, now, a, v, Submitted, "submit")
	}), "submit template")
}

// Decide records the reviewer's decision; an approval publishes the
// version and retires the one published before.
func (s *Service) Decide(ctx context.Context, a access.Actor, versionID int64, action, comment string) error {
	now := s.Clock.Now()
	return errs.Wrap(s.DB.InTx(ctx, func(tx *store.Tx) error {
		v, _, err := versionTx(ctx, tx, versionID)
		if err != nil {
			return err
		}
		if v.Status != Submitted {
			return errs.State(v.Status, "decide")
		}
		c, err := approval.Get(ctx, tx, Entity, v.ID)
		if err != nil {
			return err
		}
		if !approval.CanDecide(a, c) {
			return errs.Forbid()
		}
		c, err = approval.Decide(ctx, tx, now, a, c.ID, action, comment)
		if err != nil {
			return err
		}
		switch c.Status {
		case approval.StatusApproved:
			return s.publish(ctx, tx, now, a, v)
		case approval.StatusRejected, approval.StatusReturned:
			return setStatus(ctx, tx, now, a, v, Draft, c.Status)
		}
		return nil
	}), "decide template")
}

func (s *Service) publish(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, v Version) error {
	var previous int64
	err := tx.QueryRow(ctx, `SELECT id FROM doc_template_versions WHERE template_id = ? AND status = ?`, v.TemplateID, Published).Scan(&previous)
	if err != nil && !store.IsNoRows(err) {
		return fmt.Errorf("read published version: %w", err)
	}
	if previous != 0 {
		pv, _, err := versionTx(ctx, tx, previous)
		if err != nil {
			return err
		}
		if err := setStatus(ctx, tx, now, a, pv, Retired, "retire"); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE doc_template_versions SET published_at = ? WHERE id = ?`, store.Ms(now), v.ID); err != nil {
		return fmt.Errorf("publish version: %w", err)
	}
	if err := setStatus(ctx, tx, now, a, v, Published, "publish"); err != nil {
		return err
	}
	v.Status, v.PublishedAt = Published, now
	if s.OnPublish != nil {
		return s.OnPublish(ctx, tx, a, v, previous)
	}
	return nil
}

func setStatus(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, v Version, to, action string) error {
	if _, err := tx.Exec(ctx, `UPDATE doc_template_versions SET status = ?, updated_at = ? WHERE id = ?`, to, store.Ms(now), v.ID); err != nil {
		return fmt.Errorf("set version status: %w", err)
	}
	return audit.Record(ctx, tx, now, a, Entity, v.ID, action, map[string]string{"status": v.Status}, map[string]string{"status": to})
}

// Link is the page of a template.
func Link(id int64) string { return fmt.Sprintf("/templates/%d", id) }

// Get returns a template with its versions, for staff.
func (s *Service) Get(ctx context.Context, a access.Actor, id int64) (Template, error) {
	if !CanRead(a) {
		return Template{}, errs.Forbid()
	}
	t, err := get(ctx, s.DB, id)
	return t, errs.Wrap(err, "get template")
}

// Version returns one version, for staff.
func (s *Service) Version(ctx context.Context, a access.Actor, id int64) (Version, error) {
	if !CanRead(a) {
		return Version{}, errs.Forbid()
	}
	v, _, err := versionTx(ctx, s.DB, id)
	return v, errs.Wrap(err, "get template version")
}

// Text returns a version for a reader authorised through another record
// that points at it (an acknowledgement asked of them); callers check that
// record first.
func (s *Service) Text(ctx context.Context, id int64) (Version, error) {
	v, _, err := versionTx(ctx, s.DB, id)
	return v, errs.Wrap(err, "get template version")
}

// Chain returns the approval chain of a version, if it has one.
func (s *Service) Chain(ctx context.Context, a access.Actor, versionID int64) (approval.Chain, bool, error) {
	if !CanRead(a) {
		return approval.Chain{}, false, errs.Forbid()
	}
	c, err := approval.Get(ctx, s.DB, Entity, versionID)
	if store.IsNoRows(err) {
		return approval.Chain{}, false, nil
	}
	return c, err == nil, errs.Wrap(err, "get template chain")
}

// List returns every template with its versions, by code.
func (s *Service) List(ctx context.Context, a access.Actor) ([]Template, error) {
	if !CanRead(a) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT id FROM doc_templates ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan template id: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Template, 0, len(ids))
	for _, id := range ids {
		t, err := get(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// PublishedByCode returns the published version of the template with the
// code: what an area uses (only a published version is ever used).
func (s *Service) PublishedByCode(ctx context.Context, code string) (Version, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT v.id FROM doc_template_versions v JOIN doc_templates t ON t.id = v.template_id WHERE t.code = ? AND v.status = ?`, code, Published).Scan(&id)
	if err != nil {
		return Version{}, errs.Wrap(store.MapError(err), "published template "+code)
	}
	v, _, err := versionTx(ctx, s.DB, id)
	return v, err
}

func get(ctx context.Context, q store.Querier, id int64) (Template, error) {
	var t Template
	var owner sql.NullInt64
	var created, updated int64
	err := q.QueryRow(ctx, `SELECT id, code, kind, owner_dept_id, created_at, updated_at FROM doc_templates WHERE id = ?`, id).
		Scan(&t.ID, &t.Code, &t.Kind, &owner, &created, &updated)
	if err != nil {
		return Template{}, store.MapError(err)
	}
	t.OwnerDeptID, t.CreatedAt, t.UpdatedAt = owner.Int64, store.Time(created), store.Time(updated)
	rows, err := q.Query(ctx, `SELECT `+versionCols+` FROM doc_template_versions WHERE template_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return Template{}, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return Template{}, err
		}
		t.Versions = append(t.Versions, v)
	}
	return t, rows.Err()
}

const versionCols = `id, template_id, version, status, title, body_zh_hans, body_zh_hant, body_en, resign, created_at, updated_at, published_at`

func scanVersion(sc interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var created, updated int64
	var published sql.NullInt64
	if err := sc.Scan(&v.ID, &v.TemplateID, &v.Version, &v.Status, &v.Title, &v.BodyZhHans, &v.BodyZhHant, &v.BodyEn, &v.Resign, &created, &updated, &published); err != nil {
		return Version{}, store.MapError(err)
	}
	v.CreatedAt, v.UpdatedAt, v.PublishedAt = store.Time(created), store.Time(updated), store.NullMs(published)
	return v, nil
}

func versionTx(ctx context.Context, q store.Querier, id int64) (Version, Template, error) {
	v, err := scanVersion(q.QueryRow(ctx, `SELECT `+versionCols+` FROM doc_template_versions WHERE id = ?`, id))
	if err != nil {
		return Version{}, Template{}, err
	}
	var t Template
	if err := q.QueryRow(ctx, `SELECT id, code, kind FROM doc_templates WHERE id = ?`, v.TemplateID).Scan(&t.ID, &t.Code, &t.Kind); err != nil {
		return Version{}, Template{}, store.MapError(err)
	}
	return v, t, nil
}
