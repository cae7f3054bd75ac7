package post

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Holding is one person holding one post from a day to a day (both
// included; To is blank while open-ended).
type Holding struct {
	ID       int64  `json:"id"`
	PostID   int64  `json:"post_id"`
	PostCode string `json:"post_code"`
	PostName string `json:"post_name"`
	NameHant string `json:"post_name_hant"`
	NameEn   string `json:"post_name_en"`
	UserID   int64  `json:"user_id"`
	From     string `json:"from" doc:"First day held (YYYY-MM-DD, site zone)"`
	To       string `json:"to,omitempty" doc:"Last day held (YYYY-MM-DD); blank while open-ended"`
	Current  bool   `json:"current" doc:"Held now"`
}

// Label is the post's name in a language.
func (h Holding) Label(lang string) string {
	return Post{Name: h.PostName, NameHant: h.NameHant, NameEn: h.NameEn}.Label(lang)
}

// AssignInput gives a post to a person.
type AssignInput struct {
	UserID int64  `json:"user_id" minimum:"1"`
	From   string `json:"from" doc:"First day (YYYY-MM-DD); blank means today"`
	To     string `json:"to,omitempty" required:"false" doc:"Last day (YYYY-MM-DD); blank for open-ended"`
}

// span turns the holding's days into [from, until) instants in loc
// (until is zero when open-ended), checking both.
func span(l *errs.List, from, to string, loc *time.Location) (time.Time, time.Time) {
	f, err := time.ParseInLocation(time.DateOnly, from, loc)
	if err != nil {
		l.Add("from", "err.bad_date")
	}
	var u time.Time
	if to != "" {
		t, err := time.ParseInLocation(time.DateOnly, to, loc)
		switch {
		case err != nil:
			l.Add("to", "err.bad_date")
		case f.Year() > 1 && t.Before(f):
			l.Add("to", "err.post.to_before_from")
		default:
			u = t.AddDate(0, 0, 1)
		}
	}
	return f, u
}

const holdingCols = `h.id, h.post_id, p.code, p.name, p.name_hant, p.name_en, h.user_id, h.from_day, h.to_day, h.from_at, COALESCE(h.until_at, 0)`

func scanHolding(sc interface{ Scan(...any) error }, now int64) (Holding, error) {
	var h Holding
	var from, until int64
	err := sc.Scan(&h.ID, &h.PostID, &h.PostCode, &h.PostName, &h.NameHant, &h.NameEn, &h.UserID, &h.From, &h.To, &from, &until)
	h.Current = from <= now && (until == 0 || until > now)
	return h, err
}

func (s *Service) holdings(ctx context.Context, q store.Querier, where string, args ...any) ([]Holding, error) {
	now := store.Ms(s.Clock.Now())
	rows, err := q.Query(ctx, `SELECT `+holdingCols+` FROM post_holders h JOIN posts p ON p.id = h.post_id WHERE `+where+` ORDER BY h.from_day DESC, h.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list post holdings: %w", err)
	}
	defer rows.Close()
	var out []Holding
	for rows.Next() {
		h, err := scanHolding(rows, now)
		if err != nil {
			return nil, fmt.Errorf("scan post holding: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Holdings lists who held, holds or will hold a post, latest first.
func (s *Service) Holdings(ctx context.Context, a access.Actor, postID int64) ([]Holding, error) {
	if !CanRead(a) {
		return nil, errs.Forbid()
	}
	if _, err := s.get(ctx, s.DB, postID); err != nil {
		return nil, err
	}
	return s.holdings(ctx, s.DB, "h.post_id = ?", postID)
}

// UserPosts lists a user's posts, past, present and future, latest first:
// for staff, and for the user themself.
func (s *Service) UserPosts(ctx context.Context, a access.Actor, userID int64) ([]Holding, error) {
	if !CanRead(a) && a.UserID != userID {
		return nil, errs.Forbid()
	}
	return s.holdings(ctx, s.DB, "h.user_id = ?", userID)
}

// Assign gives the post to a person from a day (today when blank) to a day
// (open-ended when blank). A holding that overlaps another of the same
// person and post is refused. Audited.
func (s *Service) Assign(ctx context.Context, a access.Actor, postID int64, in AssignInput) (Holding, error) {
	if !CanManage(a) {
		return Holding{}, errs.Refuse(CanRead(a))
	}
	now := s.Clock.Now()
	if in.From == "" {
		in.From = now.In(s.Loc).Format(time.DateOnly)
	}
	var l errs.List
	from, until := span(&l, in.From, in.To, s.Loc)
	if in.UserID <= 0 {
		l.Add("user_id", "err.required")
	}
	if err := l.Err(); err != nil {
		return Holding{}, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := s.get(ctx, tx, postID)
		if err != nil {
			return err
		}
		var active bool
		var org int64
		err = tx.QueryRow(ctx, `SELECT active, COALESCE(org_id, 0) FROM users WHERE id = ?`, in.UserID).Scan(&active, &org)
		if noRows(err) || (err == nil && (!active || org != 0)) {
			return errs.Field("user_id", "err.post.not_staff")
		}
		if err != nil {
			return fmt.Errorf("check user %d: %w", in.UserID, err)
		}
		if err := s.refuseOverlap(ctx, tx, postID, in.UserID, 0, from, until); err != nil {
			return err
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO post_holders (post_id, user_id, from_day, to_day, from_at, until_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			postID, in.UserID, in.From, in.To, store.Ms(from), store.MsOrNil(until), store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert post holding: %w", err)
		}
		return audit.Record(ctx, tx, now, a, EntityHolding, id, "assign", nil, map[string]any{"post": p.Code, "user_id": in.UserID, "from": in.From, "to": in.To})
	})
	if err != nil {
		return Holding{}, err
	}
	hs, err := s.holdings(ctx, s.DB, "h.id = ?", id)
	if err != nil || len(hs) == 0 {
		return Holding{}, errs.Wrap(err, "re-read post holding")
	}
	return hs[0], nil
}

// refuseOverlap refuses a holding of the post by the user over [from,
// until) that meets another one (except id).
func (s *Service) refuseOverlap(ctx context.Context, q store.Querier, postID, userID, except int64, from, until time.Time) error {
	cond := `post_id = ? AND user_id = ? AND id <> ? AND (until_at IS NULL OR until_at > ?)`
	args := []any{postID, userID, except, store.Ms(from)}
	if !until.IsZero() {
		cond += ` AND from_at < ?`
		args = append(args, store.Ms(until))
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM post_holders WHERE `+cond, args...).Scan(&n); err != nil {
		return fmt.Errorf("check overlapping post holdings: %w", err)
	}
	if n > 0 {
		return errs.Field("from", "err.post.overlap")
	}
	return nil
}

// End closes a holding on a day (its last day held; today when blank). The
// day may not come before the holding's first day. Audited.
func (s *Service) End(ctx context.Context, a access.Actor, holdingID int64, to string) (Holding, error) {
	if !CanManage(a) {
		return Holding{}, errs.Refuse(CanRead(a))
	}
	now := s.Clock.Now()
	if to == "" {
		to = now.In(s.Loc).Format(time.DateOnly)
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		hs, err := s.holdings(ctx, tx, "h.id = ?", holdingID)
		if err != nil {
			return err
		}
		if len(hs) == 0 {
			return errs.Missing()
		}
		h := hs[0]
		var l errs.List
		from, until := span(&l, h.From, to, s.Loc)
		if err := l.Err(); err != nil {
			return err
		}
		if err := s.refuseOverlap(ctx, tx, h.PostID, h.UserID, h.ID, from, until); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE post_holders SET to_day = ?, until_at = ? WHERE id = ?`, to, store.Ms(until), h.ID); err != nil {
			return fmt.Errorf("end post holding %d: %w", h.ID, err)
		}
		return audit.Record(ctx, tx, now, a, EntityHolding, h.ID, "end", h, map[string]any{"to": to})
	})
	if err != nil {
		return Holding{}, err
	}
	hs, err := s.holdings(ctx, s.DB, "h.id = ?", holdingID)
	if err != nil || len(hs) == 0 {
		return Holding{}, errs.Wrap(err, "re-read post holding")
	}
	return hs[0], nil
}
