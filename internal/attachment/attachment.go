// Package attachment stores files attached to records in the database, so
// several instances share them. Each upload is size-limited and type-checked;
// a download is allowed only to those who may see the parent record.
package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// MaxSize is the largest file accepted.
const MaxSize = 10 << 20

// allowed maps sniffed content types to the extensions they may carry.
var allowed = map[string][]string{
	"application/pdf":           {".pdf"},
	"image/png":                 {".png"},
	"image/jpeg":                {".jpg", ".jpeg"},
	"image/gif":                 {".gif"},
	"image/webp":                {".webp"},
	"text/plain; charset=utf-8": {".txt", ".csv", ".md"},
	"application/zip":           {".docx", ".xlsx", ".pptx", ".zip", ".ofd"},
	"application/octet-stream":  {".doc", ".xls", ".ppt"},
}

// AuditEntity is the entity name of attachments in the audit log.
const AuditEntity = "attachment"

// Guard decides whether the actor may see the parent record of an attachment.
type Guard func(ctx context.Context, a access.Actor, entityID int64) (bool, error)

// Service stores and serves attachments.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	guards map[string]Guard
}

// New returns the service; areas register a Guard for each entity they own.
func New(db *store.DB, c clock.Clock) *Service {
	return &Service{DB: db, Clock: c, guards: map[string]Guard{}}
}

// Guard registers who may see attachments of an entity kind. Entities without
// a guard accept no attachments.
func (s *Service) Guard(entity string, g Guard) { s.guards[entity] = g }

// Attachment is a stored file's metadata.
type Attachment struct {
	ID          int64     `json:"id"`
	Entity      string    `json:"entity"`
	EntityID    int64     `json:"entity_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  int64     `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func (s *Service) check(ctx context.Context, a access.Actor, entity string, id int64) error {
	g, ok := s.guards[entity]
	if !ok {
		return errs.Field("entity", "err.invalid")
	}
	ok, err := g(ctx, a, id)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Forbid()
	}
	return nil
}

// Sniff returns the content type of data if the file is of an accepted kind
// with a matching extension.
func Sniff(filename string, data []byte) (string, error) {
	ct := http.DetectContentType(data)
	ext := strings.ToLower(path.Ext(filename))
	for _, e := range allowed[ct] {
		if e == ext {
			return ct, nil
		}
	}
	return "", errs.Field("file", "err.file_type", "ext", ext)
}

// Add stores a file on a record the actor may see.
func (s *Service) Add(ctx context.Context, a access.Actor, entity string, entityID int64, filename string, data []byte) (Attachment, error) {
	if !a.IsStaff() && !a.IsClient() {
		return Attachment{}, errs.Forbid()
	}
	if _, _, err := checkFile(filename, data); err != nil {
		return Attachment{}, err
	}
	if err := s.check(ctx, a, entity, entityID); err != nil {
		return Attachment{}, err
	}
	var at Attachment
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		at, err = AddTx(ctx, tx, s.Clock.Now(), a, entity, entityID, filename, data)
		return err
	})
	return at, err
}

// checkFile cleans the file name and checks the size and kind of a file.
func checkFile(filename string, data []byte) (name, contentType string, err error) {
	filename = path.Base(strings.ReplaceAll(strings.TrimSpace(filename), "\\", "/"))
	if filename == "" || filename == "." || filename == "/" || !utf8.ValidString(filename) || len(filename) > 200 {
		return "", "", errs.Field("file", "err.file_name")
	}
	if len(data) == 0 {
		return "", "", errs.Field("file", "err.required")
	}
	if len(data) > MaxSize {
		return "", "", errs.Field("file", "err.file_too_large", "mb", MaxSize>>20)
	}
	ct, err := Sniff(filename, data)
	return filename, ct, err
}

// AddTx stores a file on a record inside the caller's transaction, for a
// domain call that has already decided the actor may attach it (a fapiao's
// PDF stored with its issue, all or nothing).
func AddTx(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, entity string, entityID int64, filename string, data []byte) (Attachment, error) {
	filename, ct, err := checkFile(filename, data)
	if err != nil {
		return Attachment{}, err
	}
	sum := sha256.Sum256(data)
	at := Attachment{Entity: entity, EntityID: entityID, Filename: filename, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: a.UserID, CreatedAt: now}
	at.ID, err = store.InsertID(ctx, tx, `INSERT INTO attachments (entity, entity_id, filename, content_type, size, sha256, data, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		entity, entityID, filename, ct, at.Size, at.SHA256, data, store.IDOrNil(a.UserID), store.Ms(at.CreatedAt))
	if err != nil {
		return Attachment{}, fmt.Errorf("insert attachment: %w", err)
	}
	return at, audit.Record(ctx, tx, at.CreatedAt, a, AuditEntity, at.ID, "create", nil, at)
}

// List returns the attachments of a record the actor may see.
func (s *Service) List(ctx context.Context, a access.Actor, entity string, entityID int64) ([]Attachment, error) {
	if err := s.check(ctx, a, entity, entityID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT id, entity, entity_id, filename, content_type, size, sha256, COALESCE(uploaded_by, 0), created_at FROM attachments WHERE entity = ? AND entity_id = ? ORDER BY id`, entity, entityID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var at Attachment
		var created int64
		if err := rows.Scan(&at.ID, &at.Entity, &at.EntityID, &at.Filename, &at.ContentType, &at.Size, &at.SHA256, &at.UploadedBy, &created); err != nil {
			return nil, fmt.Errorf("scan attachment: %w", err)
		}
		at.CreatedAt = store.Time(created)
		out = append(out, at)
	}
	return out, rows.Err()
}

// Open returns an attachment and its bytes, if the actor may see its record.
func (s *Service) Open(ctx context.Context, a access.Actor, id int64) (Attachment, []byte, error) {
	var at Attachment
	var created int64
	var data []byte
	err := s.DB.QueryRow(ctx, `SELECT id, entity, entity_id, filename, content_type, size, sha256, COALESCE(uploaded_by, 0), created_at, data FROM attachments WHERE id = ?`, id).
		Scan(&at.ID, &at.Entity, &at.EntityID, &at.Filename, &at.ContentType, &at.Size, &at.SHA256, &at.UploadedBy, &created, &data)
	if err != nil {
		return Attachment{}, nil, errs.Wrap(store.MapError(err), "open attachment")
	}
	at.CreatedAt = store.Time(created)
	if err := s.check(ctx, a, at.Entity, at.EntityID); err != nil {
		return Attachment{}, nil, err
	}
	return at, data, nil
}
