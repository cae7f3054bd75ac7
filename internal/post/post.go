// Package post keeps the posts (岗位) staff hold. The seeds give duties to
// posts rather than departments or roles: master keys to 部门经理、客服主管、
// 清洁工, the public-door key to 客服主管, the payment notice to 营运招商部副主管,
// safety and secrecy duties to named responsible people. A user holds
// several posts, each from one day to another (or open-ended); workflows ask
// HoldsPost and Holders at a time, approval steps and task queues may name a
// post, and the actor of a request carries the posts held now
// (access.Actor.Posts, loaded by auth with CodesHeld).
package post

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Audit entity names.
const (
	EntityPost    = "post"
	EntityHolding = "post_holder"
)

// Demo and seed post codes named by the seeds.
const (
	DeptManager      = "dept_manager"      // 部门经理
	CSSupervisor     = "cs_supervisor"     // 客服主管
	Cleaner          = "cleaner"           // 清洁工
	LeasingDeputy    = "leasing_deputy"    // 营运招商部副主管
	LeasingAssistant = "leasing_assistant" // 营运招商部经理助理
	SafetyOfficer    = "safety_officer"    // 安全责任人
	SecrecyOfficer   = "secrecy_officer"   // 保密责任人
)

// MaxName is the longest post name.
const MaxName = 60

// Post is one post.
type Post struct {
	ID           int64     `json:"id"`
	Code         string    `json:"code"`
	Name         string    `json:"name" doc:"Name in simplified Chinese"`
	NameHant     string    `json:"name_hant" doc:"Name in traditional Chinese"`
	NameEn       string    `json:"name_en" doc:"Name in English"`
	DepartmentID int64     `json:"department_id,omitempty"`
	Holders      int       `json:"holders" doc:"People holding the post today"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Label is the post's name in a language (zh-Hans, zh-Hant or en), falling
// back to the simplified Chinese name.
func (p Post) Label(lang string) string {
	switch {
	case lang == "zh-Hant" && p.NameHant != "":
		return p.NameHant
	case lang == "en" && p.NameEn != "":
		return p.NameEn
	}
	return p.Name
}

// Input creates or edits a post.
type Input struct {
	Code         string `json:"code" doc:"1 to 32 lowercase letters, digits, _ or -"`
	Name         string `json:"name"`
	NameHant     string `json:"name_hant,omitempty" required:"false"`
	NameEn       string `json:"name_en,omitempty" required:"false"`
	DepartmentID int64  `json:"department_id,omitempty" required:"false"`
}

var codeRE = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// ValidCode reports whether s has the form of a post code.
func ValidCode(s string) bool { return codeRE.MatchString(s) }

func (in *Input) validate(ctx context.Context, q store.Querier) error {
	var l errs.List
	in.Code = strings.TrimSpace(in.Code)
	if !codeRE.MatchString(in.Code) {
		l.Add("code", "err.code_format")
	}
	in.Name = namecheck.Check(&l, "name", in.Name, true, MaxName)
	in.NameHant = namecheck.Check(&l, "name_hant", in.NameHant, false, MaxName)
	in.NameEn = namecheck.Check(&l, "name_en", in.NameEn, false, MaxName)
	if in.DepartmentID < 0 {
		l.Add("department_id", "err.invalid")
	} else if in.DepartmentID > 0 {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM departments WHERE id = ?`, in.DepartmentID).Scan(&n); err != nil {
			return fmt.Errorf("check department %d: %w", in.DepartmentID, err)
		}
		if n == 0 {
			l.Add("department_id", "err.not_found")
		}
	}
	return l.Err()
}

// CanManage reports whether the actor may keep the post list and assign
// posts: administrators.
func CanManage(a access.Actor) bool { return a.Has(access.Admin) }

// CanRead reports whether the actor may see posts and who holds them: staff.
func CanRead(a access.Actor) bool { return a.IsStaff() }

// Service keeps posts and their holders.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	Loc   *time.Location // the site's zone: a holding's days are its days
}

// New returns the post register.
func New(db *store.DB, c clock.Clock, loc *time.Location) *Service {
	return &Service{DB: db, Clock: c, Loc: loc}
}

const postCols = `p.id, p.code, p.name, p.name_hant, p.name_en, COALESCE(p.department_id, 0), p.created_at, p.updated_at,
	(SELECT COUNT(DISTINCT h.user_id) FROM post_holders h WHERE h.post_id = p.id AND h.from_at <= ? AND (h.until_at IS NULL OR h.until_at > ?))`

func scanPost(sc interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var c, u int64
	err := sc.Scan(&p.ID, &p.Code, &p.Name, &p.NameHant, &p.NameEn, &p.DepartmentID, &c, &u, &p.Holders)
	p.CreatedAt, p.UpdatedAt = store.Time(c), store.Time(u)
	return p, err
}

// List returns every post, by code.
func (s *Service) List(ctx context.Context, a access.Actor) ([]Post, error) {
	if !CanRead(a) {
		return nil, errs.Forbid()
	}
	now := store.Ms(s.Clock.Now())
	rows, err := s.DB.Query(ctx, `SELECT `+postCols+` FROM posts p ORDER BY p.code`, now, now)
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("scan post: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Service) get(ctx context.Context, q store.Querier, id int64) (Post, error) {
	now := store.Ms(s.Clock.Now())
	p, err := scanPost(q.QueryRow(ctx, `SELECT `+postCols+` FROM posts p WHERE p.id = ?`, now, now, id))
	return p, errs.Wrap(store.MapError(err), fmt.Sprintf("get post %d", id))
}

// Get returns one post.
func (s *Service) Get(ctx context.Context, a access.Actor, id int64) (Post, error) {
	if !CanRead(a) {
		return Post{}, errs.Forbid()
	}
	return s.get(ctx, s.DB, id)
}

// Create adds a post.
func (s *Service) Create(ctx context.Context, a access.Actor, in Input) (Post, error) {
	if !CanManage(a) {
		return Post{}, errs.Forbid()
	}
	now := s.Clock.Now()
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := in.validate(ctx, tx); err != nil {
			return err
		}
		var err error
		id, err = store.InsertID(ctx, tx, `INSERT INTO posts (code, name, name_hant, name_en, department_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.Code, in.Name, in.NameHant, in.NameEn, store.IDOrNil(in.DepartmentID), store.Ms(now), store.Ms(now))
		if errors.Is(err, store.ErrConflict) {
			return errs.Field("code", "err.code_taken")
		}
		if err != nil {
			return fmt.Errorf("insert post: %w", err)
		}
		return audit.Record(ctx, tx, now, a, EntityPost, id, "create", nil, in)
	})
	if err != nil {
		return Post{}, err
	}
	return s.get(ctx, s.DB, id)
}

// Update edits a post. Its code may change only while no approval step or
// task names it.
func (s *Service) Update(ctx context.Context, a access.Actor, id int64, in Input) (Post, error) {
	if !CanManage(a) {
		return Post{}, errs.Refuse(CanRead(a))
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := in.validate(ctx, tx); err != nil {
			return err
		}
		if in.Code != before.Code {
			var n int
			if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM approval_steps WHERE post = ?) + (SELECT COUNT(*) FROM tasks WHERE post = ?)`, before.Code, before.Code).Scan(&n); err != nil {
				return fmt.Errorf("check uses of post %s: %w", before.Code, err)
			}
			if n > 0 {
				return errs.Field("code", "err.post.code_in_use")
			}
		}
		_, err = tx.Exec(ctx, `UPDATE posts SET code = ?, name = ?, name_hant = ?, name_en = ?, department_id = ?, updated_at = ? WHERE id = ?`,
			in.Code, in.Name, in.NameHant, in.NameEn, store.IDOrNil(in.DepartmentID), store.Ms(now), id)
		if errors.Is(store.MapError(err), store.ErrConflict) {
			return errs.Field("code", "err.code_taken")
		}
		if err != nil {
			return fmt.Errorf("update post %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, EntityPost, id, "update", before, in)
	})
	if err != nil {
		return Post{}, err
	}
	return s.get(ctx, s.DB, id)
}

// Exists checks, inside a caller's transaction, that a post code names a
// post: an errs field error on field otherwise.
func Exists(ctx context.Context, q store.Querier, field, code string) error {
	if !codeRE.MatchString(code) {
		return errs.Field(field, "err.post.unknown", "post", code)
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM posts WHERE code = ?`, code).Scan(&n); err != nil {
		return fmt.Errorf("check post %s: %w", code, err)
	}
	if n == 0 {
		return errs.Field(field, "err.post.unknown", "post", code)
	}
	return nil
}

// heldAt is the SQL condition "holding h is in force at ?".
const heldAt = `h.from_at <= ? AND (h.until_at IS NULL OR h.until_at > ?)`

// HoldsPost reports whether the user holds the post (by code) at t.
func HoldsPost(ctx context.Context, q store.Querier, userID int64, code string, at time.Time) (bool, error) {
	var n int
	ms := store.Ms(at)
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM post_holders h JOIN posts p ON p.id = h.post_id WHERE h.user_id = ? AND p.code = ? AND `+heldAt, userID, code, ms, ms).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check post %s of user %d: %w", code, userID, err)
	}
	return n > 0, nil
}

// Holders returns the active users holding the post (by code) at t, by id:
// whom a duty of the post is routed to.
func Holders(ctx context.Context, q store.Querier, code string, at time.Time) ([]int64, error) {
	ms := store.Ms(at)
	rows, err := q.Query(ctx, `SELECT DISTINCT h.user_id FROM post_holders h JOIN posts p ON p.id = h.post_id JOIN users u ON u.id = h.user_id
		WHERE p.code = ? AND u.active = TRUE AND `+heldAt+` ORDER BY h.user_id`, code, ms, ms)
	if err != nil {
		return nil, fmt.Errorf("holders of post %s: %w", code, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CodesHeld returns the codes of the posts each user holds at t (auth puts
// them on the request's actor).
func CodesHeld(ctx context.Context, q store.Querier, userIDs []int64, at time.Time) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(userIDs) == 0 {
		return out, nil
	}
	ms := store.Ms(at)
	args := []any{ms, ms}
	for _, id := range userIDs {
		args = append(args, id)
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT h.user_id, p.code FROM post_holders h JOIN posts p ON p.id = h.post_id
		WHERE `+heldAt+` AND h.user_id IN (`+store.Placeholders(len(userIDs))+`) ORDER BY p.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("posts held: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		out[id] = append(out[id], code)
	}
	return out, rows.Err()
}

func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
