// Package auth holds accounts, departments, roles, passwords, sessions, API
// tokens and the login throttle.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/namecheck"
	"jiedai/internal/post"
	"jiedai/internal/store"
)

// Service is the accounts service.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	// Sleep waits d or until ctx is done: how a log-in is slowed down
	// (replaced in tests).
	Sleep  func(ctx context.Context, d time.Duration) error
	hashes atomic.Pointer[hashGate]
}

// New returns the accounts service; as many password hashes as there are
// cores run at once (see SetHashLimit).
func New(db *store.DB, c clock.Clock) *Service {
	s := &Service{DB: db, Clock: c, Sleep: sleepCtx}
	s.SetHashLimit(runtime.NumCPU())
	return s
}

// SetHashLimit sets how many password hashes may run at once; four times as
// many callers may wait up to half a second for one, the rest are refused
// with a rate-limited error at once. 0 refuses every hash (for tests).
func (s *Service) SetHashLimit(n int) {
	s.hashes.Store(newHashGate(n, 4*n, 500*time.Millisecond))
}

// sleepCtx waits d, or less when ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hash returns the encoded hash of pw, computed within the hash limit.
func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	var h string
	var err error
	if gerr := s.hashes.Load().do(ctx, func() { h, err = HashPassword(pw) }); gerr != nil {
		return "", gerr
	}
	return h, err
}

// check reports whether pw matches the encoded hash, within the hash limit.
func (s *Service) check(ctx context.Context, encoded, pw string) (bool, error) {
	ok := false
	err := s.hashes.Load().do(ctx, func() { ok = CheckPassword(encoded, pw) })
	return ok, err
}

// User is an account.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	DepartmentID int64     `json:"department_id,omitempty"`
	OrgID        int64     `json:"org_id,omitempty"`
	Email        string    `json:"email,omitempty"`
	Phone        string    `json:"phone,omitempty"`
	Lang         string    `json:"lang,omitempty"`
	Active       bool      `json:"active"`
	Roles        []string  `json:"roles"`
	Posts        []string  `json:"posts,omitempty"` // codes of the posts held now
	CreatedAt    time.Time `json:"created_at"`
	passwordHash string
}

// Actor turns the user into the actor of a call from ip.
func (u User) Actor(ip string) access.Actor {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	return access.Actor{UserID: u.ID, Username: u.Username, Name: name, Roles: u.Roles, Posts: u.Posts, DepartmentID: u.DepartmentID, OrgID: u.OrgID, Lang: u.Lang, IP: ip}
}

// UserInput is what creating or editing a user takes.
type UserInput struct {
	Username     string
	DisplayName  string
	Password     string // required on create; empty on update keeps it
	Roles        []string
	DepartmentID int64
	OrgID        int64
	Email        string
	Phone        string
	Lang         string
	Active       bool
}

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9._@-]{2,64}$`)

func (in *UserInput) validate(create bool) error {
	var l errs.List
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = namecheck.Field(&l, "display_name", in.DisplayName)
	if !usernameRE.MatchString(in.Username) {
		l.Add("username", "err.username_format")
	}
	if utf8.RuneCountInString(in.DisplayName) > 64 {
		l.Add("display_name", "err.too_long", "max", 64)
	}
	if create || in.Password != "" {
		if err := checkNewPassword("password", in.Username, in.Password); err != nil {
			l = append(l, errs.As(err))
		}
	}
	if len(in.Roles) == 0 {
		l.Add("roles", "err.required")
	}
	for _, r := range in.Roles {
		if !access.ValidRole(r) {
			l.Add("roles", "err.unknown_role", "role", r)
			break
		}
	}
	if in.Lang != "" && !i18n.Supported(in.Lang) {
		l.Add("lang", "err.invalid")
	}
	if in.Email != "" && !strings.Contains(in.Email, "@") {
		l.Add("email", "err.email")
	}
	for _, r := range in.Roles {
		if r == access.Client && in.OrgID == 0 {
			l.Add("org_id", "err.client_needs_org")
			break
		}
	}
	return l.Err()
}

const userCols = `u.id, u.username, u.display_name, u.password_hash, COALESCE(u.department_id, 0), COALESCE(u.org_id, 0), u.email, u.phone, u.lang, u.active, u.created_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var created int64
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.passwordHash, &u.DepartmentID, &u.OrgID, &u.Email, &u.Phone, &u.Lang, &u.Active, &created)
	u.CreatedAt = store.Time(created)
	return u, err
}

// loadRoles fills in the users' roles and the posts they hold now.
func (s *Service) loadRoles(ctx context.Context, q store.Querier, users []User) error {
	if len(users) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]any, len(users))
	for i, u := range users {
		idx[u.ID] = i
		ids[i] = u.ID
	}
	rows, err := q.Query(ctx, `SELECT user_id, role FROM user_roles WHERE user_id IN (`+store.Placeholders(len(ids))+`) ORDER BY role`, ids...)
	if err != nil {
		return fmt.Errorf("load roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return fmt.Errorf("scan role: %w", err)
		}
		users[idx[id]].Roles = append(users[idx[id]].Roles, role)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	uids := make([]int64, len(users))
	for i, u := range users {
		uids[i] = u.ID
	}
	held, err := post.CodesHeld(ctx, q, uids, s.Clock.Now())
	if err != nil {
		return err
	}
	for id, codes := range held {
		users[idx[id]].Posts = codes
	}
	return nil
}

// Get returns a user by id (internal use: no permission check).
func (s *Service) Get(ctx context.Context, id int64) (User, error) {
	return s.getWhere(ctx, s.DB, "u.id = ?", id)
}

// GetByUsername returns a user by username (internal use).
func (s *Service) GetByUsername(ctx context.Context, username string) (User, error) {
	return s.getWhere(ctx, s.DB, "u.username = ?", username)
}

func (s *Service) getWhere(ctx context.Context, q store.Querier, where string, arg any) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userCols+` FROM users u WHERE `+where, arg))
	if err != nil {
		return User{}, errs.Wrap(store.MapError(err), "get user")
	}
	us := []User{u}
	if err := s.loadRoles(ctx, q, us); err != nil {
		return User{}, err
	}
	return us[0], nil
}

// List returns all users (admins see all; others see active staff names).
func (s *Service) List(ctx context.Context, a access.Actor) ([]User, error) {
	if !a.IsStaff() {
		return nil, errs.Forbid()
	}
	q := `SELECT ` + userCols + ` FROM users u`
	if !a.Has(access.Admin) {
		q += ` WHERE u.active = TRUE`
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY u.username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan user: %w", err)
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.loadRoles(ctx, s.DB, out)
}

// UsersWithRole lists the active users holding a role (for notifications
// and approval steps).
func (s *Service) UsersWithRole(ctx context.Context, role string) ([]int64, error) {
	rows, err := s.DB.Query(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.active = TRUE ORDER BY u.id`, role)
	if err != nil {
		return nil, fmt.Errorf("users with role %s: %w", role, err)
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

// Create adds a user; only admins may (System for the command line and demo).
func (s *Service) Create(ctx context.Context, a access.Actor, in UserInput) (User, error) {
	if !a.Has(access.Admin) {
		return User{}, errs.Forbid()
	}
	in.Active = true
	if err := in.validate(true); err != nil {
		return User{}, err
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	var id int64
	now := s.Clock.Now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.DepartmentID != 0 {
			if err := exists(ctx, tx, "departments", in.DepartmentID, "department_id"); err != nil {
				return err
			}
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO users (username, display_name, password_hash, department_id, org_id, email, phone, lang, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?)`,
			in.Username, in.DisplayName, hash, store.IDOrNil(in.DepartmentID), store.IDOrNil(in.OrgID), in.Email, in.Phone, in.Lang, store.Ms(now), store.Ms(now))
		if errors.Is(err, store.ErrConflict) {
			return errs.Field("username", "err.username_taken")
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "user", id, "create", nil, map[string]any{"username": in.Username, "roles": in.Roles, "department_id": in.DepartmentID})
	})
	if err != nil {
		return User{}, err
	}
	return s.Get(ctx, id)
}

// Update edits a user; admins only.
func (s *Service) Update(ctx context.Context, a access.Actor, id int64, in UserInput) (User, error) {
	if !a.Has(access.Admin) {
		return User{}, errs.Forbid()
	}
	if err := in.validate(false); err != nil {
		return User{}, err
	}
	if a.UserID == id && !in.Active {
		return User{}, errs.Field("active", "err.cannot_disable_self")
	}
	hash := ""
	if in.Password != "" {
		var err error
		if hash, err = s.hash(ctx, in.Password); err != nil {
			return User{}, err
		}
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.getWhere(ctx, tx, "u.id = ?", id)
		if err != nil {
			return err
		}
		if in.DepartmentID != 0 {
			if err := exists(ctx, tx, "departments", in.DepartmentID, "department_id"); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE users SET username = ?, display_name = ?, department_id = ?, org_id = ?, email = ?, phone = ?, lang = ?, active = ?, updated_at = ? WHERE id = ?`,
			in.Username, in.DisplayName, store.IDOrNil(in.DepartmentID), store.IDOrNil(in.OrgID), in.Email, in.Phone, in.Lang, in.Active, store.Ms(now), id)
		if errors.Is(store.MapError(err), store.ErrConflict) {
			return errs.Field("username", "err.username_taken")
		}
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if hash != "" {
			if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
				return fmt.Errorf("set password: %w", err)
			}
			// A reset password ends every session and token of the account.
			if err := endSessions(ctx, tx, id, "", now); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("clear roles: %w", err)
		}
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return err
		}
		if !in.Active {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, a, "user", id, "update",
			map[string]any{"username": before.Username, "roles": before.Roles, "active": before.Active, "department_id": before.DepartmentID},
			map[string]any{"username": in.Username, "roles": in.Roles, "active": in.Active, "department_id": in.DepartmentID, "password_changed": in.Password != ""})
	})
	if err != nil {
		return User{}, err
	}
	return s.Get(ctx, id)
}

func setRoles(ctx context.Context, tx *store.Tx, id int64, roles []string) error {
	seen := map[string]bool{}
	sorted := append([]string(nil), roles...)
	sort.Strings(sorted)
	for _, r := range sorted {
		if seen[r] {
			continue
		}
		seen[r] = true
		if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, id, r); err != nil {
			return fmt.Errorf("insert role: %w", err)
		}
	}
	return nil
}

func exists(ctx context.Context, q store.Querier, table string, id int64, field string) error {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Field(field, "err.not_found")
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", table, err)
	}
	return nil
}

// ChangePassword lets a user change their own password. Their other
// sessions end and their API tokens are revoked; the session whose token is
// currentSession (if any) stays.
func (s *Service) ChangePassword(ctx context.Context, a access.Actor, oldPw, newPw, currentSession string) error {
	if a.UserID == 0 {
		return errs.New(errs.Unauthorized, "err.login_required")
	}
	u, err := s.Get(ctx, a.UserID)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(oldPw) > MaxPasswordLen {
		return errs.Field("old_password", "err.wrong_password")
	}
	ok, err := s.check(ctx, u.passwordHash, oldPw)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Field("old_password", "err.wrong_password")
	}
	if err := checkNewPassword("new_password", u.Username, newPw); err != nil {
		return err
	}
	hash, err := s.hash(ctx, newPw)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, store.Ms(now), a.UserID); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if err := endSessions(ctx, tx, a.UserID, currentSession, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "user", a.UserID, "password_change", nil, nil)
	})
}

// endSessions ends every session of a user but the one whose token is
// keep (none when empty) and revokes all their API tokens.
func endSessions(ctx context.Context, tx *store.Tx, userID int64, keep string, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, hashToken(keep)); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, store.Ms(now), userID); err != nil {
		return fmt.Errorf("revoke tokens: %w", err)
	}
	return nil
}

// SetLang stores a user's language choice.
func (s *Service) SetLang(ctx context.Context, a access.Actor, lang string) error {
	if !i18n.Supported(lang) {
		return errs.Field("lang", "err.invalid")
	}
	if a.UserID == 0 {
		return errs.New(errs.Unauthorized, "err.login_required")
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET lang = ?, updated_at = ? WHERE id = ?`, lang, store.Ms(now), a.UserID); err != nil {
			return fmt.Errorf("set language: %w", err)
		}
		return audit.Record(ctx, tx, now, a, "user", a.UserID, "set_lang", nil, map[string]string{"lang": lang})
	})
}
