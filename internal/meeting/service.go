package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// Notifier delivers a message (inbox, email, webhook) to users inside the
// caller's transaction; key is an i18n key, args its values, link where to
// act. The notify engine provides it.
type Notifier func(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error

// Scheduler records durable due-time work (reminders and deadline checks)
// inside the caller's transaction; the jobs engine provides it. The same
// (kind, key) scheduled twice keeps one job, due at the latest time given.
type Scheduler func(ctx context.Context, q store.Querier, kind, key string, due time.Time, payload any) error

// InviteFile is a calendar invitation attached to an e-mail.
type InviteFile struct {
	Name, ContentType string
	Data              []byte
}

// Mailer queues an e-mail to an outside address (a guest without an
// account) inside the caller's transaction, with the invitation attached;
// it reports whether e-mail is enabled. The notify engine provides it.
type Mailer func(ctx context.Context, q store.Querier, now time.Time, to, key string, args map[string]any, file InviteFile) (bool, error)

// Service runs meetings.
type Service struct {
	DB       *store.DB
	Clock    clock.Clock
	Loc      *time.Location
	Notify   Notifier
	Schedule Scheduler
	// Reschedule moves a job that may already exist (a changed deadline).
	Reschedule Scheduler
	// Rooms books the meeting's room through the booking module; without
	// it a meeting can name no room.
	Rooms Rooms
	// Mail e-mails outside guests the notice with the invitation.
	Mail Mailer
	// BaseURL (the --base-url flag) makes the calendar invitation's link
	// in messages absolute (emails and group-chat robots open it outside
	// Jiedai); when empty the site settings' public URL does.
	BaseURL string
}

// inviteURL is the invitation's address as put in messages.
func (s *Service) inviteURL(ctx context.Context, q store.Querier, id int64) (string, error) {
	base, err := settings.PublicURL(ctx, q, s.BaseURL)
	if err != nil {
		return "", fmt.Errorf("invitation link of meeting %d: %w", id, err)
	}
	return base + InviteLink(id), nil
}

// New returns the meeting service. Notify and Schedule may be set
// afterwards; without them messages and reminders are skipped.
func New(db *store.DB, c clock.Clock, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{DB: db, Clock: c, Loc: loc}
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC().Truncate(time.Millisecond) }

func (s *Service) notify(ctx context.Context, q store.Querier, now time.Time, users []int64, key string, args map[string]any, link string) error {
	if s.Notify == nil || len(users) == 0 {
		return nil
	}
	if err := s.Notify(ctx, q, now, uniq(users), key, args, link); err != nil {
		return fmt.Errorf("notify %s: %w", key, err)
	}
	return nil
}

func (s *Service) schedule(ctx context.Context, q store.Querier, kind, key string, due time.Time, payload any) error {
	if s.Schedule == nil {
		return nil
	}
	if err := s.Schedule(ctx, q, kind, key, due, payload); err != nil {
		return fmt.Errorf("schedule %s %s: %w", kind, key, err)
	}
	return nil
}

// uniq drops zero and repeated ids, keeping the order.
func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Link returns the page of a meeting.
func Link(id int64) string { return fmt.Sprintf("/meetings/%d", id) }

// MinutesLink returns the minutes page of a meeting.
func MinutesLink(id int64) string { return fmt.Sprintf("/meetings/%d/minutes", id) }

// text trims s and checks it is present (when required) and not too long.
func text(l *errs.List, field, s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		l.Add(field, "err.required")
	case utf8.RuneCountInString(s) > max:
		l.Add(field, "err.too_long", "max", max)
	}
	return s
}

// activeUser checks that id names an active member of staff: client users
// cannot be named on a meeting (attendee, presenter, substitute, owner),
// since they may not read it.
func activeUser(ctx context.Context, q store.Querier, id int64) (bool, error) {
	var active bool
	err := q.QueryRow(ctx, `SELECT u.active AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ?) FROM users u WHERE u.id = ?`,
		access.Client, id).Scan(&active)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check user %d: %w", id, err)
	}
	return active, nil
}

// Names returns the display names of users (username when no display name).
func (s *Service) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	return names(ctx, s.DB, ids)
}

func names(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	ids = uniq(ids)
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT id, CASE WHEN display_name = '' THEN username ELSE display_name END FROM users WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("user names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// deptNames returns department names by id.
func deptNames(ctx context.Context, q store.Querier) (map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT id, name FROM departments`)
	if err != nil {
		return nil, fmt.Errorf("department names: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// deptMembers lists the active users of departments.
func deptMembers(ctx context.Context, q store.Querier, depts []int64) ([]int64, error) {
	if len(depts) == 0 {
		return nil, nil
	}
	args := make([]any, len(depts))
	for i, d := range depts {
		args[i] = d
	}
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE active = TRUE AND department_id IN (`+store.Placeholders(len(depts))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("department members: %w", err)
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
