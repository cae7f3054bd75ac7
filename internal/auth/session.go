package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// SessionTTL is how long a web session lives.
const SessionTTL = 12 * time.Hour

// MaxUsernameLen bounds the user name a log-in may give (no account has a
// longer one); longer input is refused before anything is stored.
const MaxUsernameLen = 64

func newToken() (string, string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, hashToken(tok), nil
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// Authenticate checks a username and password from the client address ip.
// The attempt is counted before the password is checked (see throttle.go),
// the check runs within the hash limit, and a disabled or unknown account
// costs the same hash as a wrong password. It returns the user on success.
func (s *Service) Authenticate(ctx context.Context, username, password, ip string) (User, error) {
	username = strings.TrimSpace(username)
	if utf8.RuneCountInString(username) > MaxUsernameLen {
		return User{}, errs.Field("username", "err.too_long", "max", MaxUsernameLen)
	}
	if utf8.RuneCountInString(password) > MaxPasswordLen {
		return User{}, errs.Field("password", "err.too_long", "max", MaxPasswordLen)
	}
	if len(ip) > 64 {
		ip = ip[:64]
	}
	// A place among those hashing is taken first, so that a flood is
	// refused before anything is written.
	gate := s.hashes.Load()
	leave, err := gate.admit()
	if err != nil {
		return User{}, err
	}
	defer func() { leave() }()
	now := s.Clock.Now()
	at := newAttempt(username, ip)
	if err := s.count(ctx, at, now); err != nil {
		return User{}, err
	}
	if err := at.refused(now); err != nil {
		return User{}, err
	}
	if d := at.slowdown(); d > 0 {
		// Wait without holding a place, or slowed attempts would fill them.
		leave()
		leave = func() {}
		if err := s.Sleep(ctx, d); err != nil {
			return User{}, fmt.Errorf("log-in slowdown: %w", err)
		}
		if leave, err = gate.admit(); err != nil {
			leave = func() {}
			return User{}, s.notChecked(ctx, at, err)
		}
	}
	u, uerr := s.GetByUsername(ctx, username)
	hash := dummyHash
	if uerr == nil {
		hash = u.passwordHash
	}
	ok := false
	if err := gate.run(ctx, func() { ok = CheckPassword(hash, password) }); err != nil {
		return User{}, s.notChecked(ctx, at, err)
	}
	ok = ok && uerr == nil && u.Active
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempts (username, ip, ok, at) VALUES (?, ?, ?, ?)`, username, ip, ok, store.Ms(now)); err != nil {
			return fmt.Errorf("record login attempt: %w", err)
		}
		if !ok {
			return nil
		}
		if err := s.uncount(ctx, tx, at, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(ip), "user", u.ID, "login", nil, nil)
	})
	if err != nil {
		return User{}, err
	}
	if !ok {
		return User{}, errs.New(errs.Unauthorized, "err.bad_login")
	}
	return u, nil
}

// notChecked takes back the count of an attempt refused for lack of a hash
// slot (it was never checked) and returns the refusal.
func (s *Service) notChecked(ctx context.Context, at *attempt, refusal error) error {
	if err := s.uncount(ctx, s.DB, at, false); err != nil {
		return err
	}
	return refusal
}

// StartSession creates a session for the user and returns its cookie token.
func (s *Service) StartSession(ctx context.Context, userID int64) (string, error) {
	tok, hash, err := newToken()
	if err != nil {
		return "", err
	}
	now := s.Clock.Now()
	_, err = s.DB.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, hash, userID, store.Ms(now), store.Ms(now.Add(SessionTTL)))
	if err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return tok, nil
}

// SessionUser returns the active user of a session token.
func (s *Service) SessionUser(ctx context.Context, tok string) (User, error) {
	if tok == "" {
		return User{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	var uid int64
	err := s.DB.QueryRow(ctx, `SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?`, hashToken(tok), store.Ms(s.Clock.Now())).Scan(&uid)
	if err != nil {
		if store.IsNoRows(err) {
			return User{}, errs.New(errs.Unauthorized, "err.login_required")
		}
		return User{}, fmt.Errorf("read session: %w", err)
	}
	u, err := s.Get(ctx, uid)
	if err != nil || !u.Active {
		return User{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	return u, nil
}

// EndSession deletes a session (logout).
func (s *Service) EndSession(ctx context.Context, a access.Actor, tok string) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(tok)); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if a.UserID == 0 {
			return nil
		}
		return audit.Record(ctx, tx, now, a, "user", a.UserID, "logout", nil, nil)
	})
}

// PurgeExpired removes expired sessions and old login attempts.
func (s *Service) PurgeExpired(ctx context.Context) error {
	now := s.Clock.Now()
	if _, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, store.Ms(now)); err != nil {
		return fmt.Errorf("purge sessions: %w", err)
	}
	if _, err := s.DB.Exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, store.Ms(now.Add(-24*time.Hour))); err != nil {
		return fmt.Errorf("purge login attempts: %w", err)
	}
	if _, err := s.DB.Exec(ctx, `DELETE FROM login_throttle WHERE window_start <= ?`, store.Ms(now.Add(-throttleWindow))); err != nil {
		return fmt.Errorf("purge login counts: %w", err)
	}
	return nil
}

// Token lifetimes: the default, and the bounds a caller may choose in days.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
)

// Token is an API token's listing (never the secret itself).
type Token struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// Expired reports whether the token has expired at now.
func (t Token) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// IssueToken creates an API token for the user, valid DefaultTokenDays, and
// returns the secret once.
func (s *Service) IssueToken(ctx context.Context, a access.Actor, name string) (string, int64, error) {
	return s.IssueTokenFor(ctx, a, name, 0)
}

// IssueTokenFor creates an API token valid for days (DefaultTokenDays when
// 0, at most MaxTokenDays) and returns the secret once.
func (s *Service) IssueTokenFor(ctx context.Context, a access.Actor, name string, days int) (string, int64, error) {
	if a.UserID == 0 {
		return "", 0, errs.New(errs.Unauthorized, "err.login_required")
	}
	if len([]rune(name)) > 64 {
		return "", 0, errs.Field("name", "err.too_long", "max", 64)
	}
	if days == 0 {
		days = DefaultTokenDays
	}
	if days < 1 || days > MaxTokenDays {
		return "", 0, errs.Field("expires_in_days", "err.token_days", "max", MaxTokenDays)
	}
	tok, hash, err := newToken()
	if err != nil {
		return "", 0, err
	}
	tok = "jd_" + tok
	hash = hashToken(tok)
	now := s.Clock.Now()
	expires := now.AddDate(0, 0, days)
	var id int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		id, err = store.InsertID(ctx, tx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`, a.UserID, name, hash, store.Ms(now), store.Ms(expires))
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return audit.Record(ctx, tx, now, a, "api_token", id, "create", nil, map[string]any{"name": name, "expires_at": expires})
	})
	return tok, id, err
}

// TokenUser returns the active user owning an unrevoked, unexpired API token.
func (s *Service) TokenUser(ctx context.Context, tok string) (User, error) {
	var uid, id int64
	var last *int64
	now := s.Clock.Now()
	err := s.DB.QueryRow(ctx, `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`, hashToken(tok), store.Ms(now)).Scan(&id, &uid, &last)
	if err != nil {
		if store.IsNoRows(err) {
			return User{}, errs.New(errs.Unauthorized, "err.bad_token")
		}
		return User{}, fmt.Errorf("read token: %w", err)
	}
	u, err := s.Get(ctx, uid)
	if err != nil || !u.Active {
		return User{}, errs.New(errs.Unauthorized, "err.bad_token")
	}
	// Touch last use at most once a minute to keep reads cheap.
	if last == nil || now.Sub(store.Time(*last)) > time.Minute {
		_, _ = s.DB.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, store.Ms(now), id)
	}
	return u, nil
}

// Tokens lists the actor's own tokens.
func (s *Service) Tokens(ctx context.Context, a access.Actor) ([]Token, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name, created_at, COALESCE(expires_at, 0), last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		var created, expires int64
		var last, revoked *int64
		if err := rows.Scan(&t.ID, &t.Name, &created, &expires, &last, &revoked); err != nil {
			return nil, fmt.Errorf("scan token: %w", err)
		}
		t.CreatedAt, t.ExpiresAt = store.Time(created), store.Time(expires)
		if last != nil {
			t.LastUsedAt = store.Time(*last)
		}
		if revoked != nil {
			t.RevokedAt = store.Time(*revoked)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the actor's own tokens.
func (s *Service) RevokeToken(ctx context.Context, a access.Actor, id int64) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, store.Ms(now), id, a.UserID)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Missing()
		}
		return audit.Record(ctx, tx, now, a, "api_token", id, "revoke", nil, nil)
	})
}
