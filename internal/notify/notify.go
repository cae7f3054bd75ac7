// Package notify is the in-app inbox plus outbound delivery by email and
// webhooks. A notification is stored as a catalogue key with its values,
// so each user reads it in their own language; Notify also queues one
// delivery per email recipient who opted in and per active webhook, which
// DeliverDue sends with retries and backoff, keeping failures for the admin.
package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/jobs"
	"jiedai/internal/notify/channel"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// Audit entity names.
const (
	AuditNotification = "notification"
	AuditPrefs        = "notify_prefs"
	AuditWebhook      = "webhook"
	AuditDelivery     = "delivery"
)

// Delivery channels and statuses.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"

	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Defaults for a Service's zero fields.
const (
	DefaultMaxAttempts = 6
	DefaultLease       = 5 * time.Minute
	maxTitle           = 120
	maxError           = 2000
)

// EmailFunc sends an email; channel.SendEmail is the real one.
type EmailFunc func(ctx context.Context, cfg channel.SMTPConfig, to []string, m channel.Message) error

// WebhookFunc posts to a webhook; channel.Send is the real one.
type WebhookFunc func(ctx context.Context, client *http.Client, kind, url, secret string, m channel.Message, now time.Time) error

// Service is the notification service.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	I18n  *i18n.Bundle
	Log   *slog.Logger
	HTTP  *http.Client // for webhooks; nil uses the channel's default client

	// BaseURL (the --base-url flag) makes relative links absolute in
	// emails and webhooks, e.g. https://jiedai.example.com; when empty the
	// site settings' public URL does (settings.PublicURL).
	BaseURL     string
	DefaultLang string // for webhooks and users without a language; zh-Hans when empty
	MaxAttempts int    // failed sends before a delivery is marked failed
	// Backoff gives the wait after the n-th failed send; by default 1 min
	// doubling up to 1 h.
	Backoff func(n int) time.Duration
	// SendEmail and SendWebhook default to channel.SendEmail and channel.Send.
	SendEmail   EmailFunc
	SendWebhook WebhookFunc
	// Titlers give back the title of a record a message was sent about
	// with its title withheld ("#13" for a confidential meeting), to a
	// reader who may read the record; see AddTitler.
	titlers []Titler
}

// Titler returns the title that reader a may see of the record link points
// at, and ok when it is theirs to see (the area logs that read). ok false
// leaves the withheld title in the message.
type Titler func(ctx context.Context, a access.Actor, link string) (title string, ok bool, err error)

// AddTitler registers an area's titler. Messages about classified records
// carry only a record number as their "title"; when the reader lists the
// inbox, each titler is asked for the real title in turn.
func (s *Service) AddTitler(t Titler) { s.titlers = append(s.titlers, t) }

// withheld reports whether a stored title is a withheld one: "#" and the
// record's number.
func withheld(v any) bool {
	t, ok := v.(string)
	if !ok || len(t) < 2 || t[0] != '#' {
		return false
	}
	for _, c := range t[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// retitle puts back the titles the reader may see.
func (s *Service) retitle(ctx context.Context, a access.Actor, n *Notification) error {
	if n.Link == "" || !withheld(n.Args["title"]) {
		return nil
	}
	for _, t := range s.titlers {
		title, ok, err := t(ctx, a, n.Link)
		if err != nil {
			return fmt.Errorf("title of %s: %w", n.Link, err)
		}
		if ok {
			n.Args["title"] = title
			return nil
		}
	}
	return nil
}

func (s *Service) lang(l string) string {
	if i18n.Supported(l) {
		return l
	}
	if i18n.Supported(s.DefaultLang) {
		return s.DefaultLang
	}
	return i18n.ZhHans
}

func (s *Service) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Notification is one inbox entry; Text is its message in the reader's
// language.
type Notification struct {
	ID        int64          `json:"id"`
	UserID    int64          `json:"user_id"`
	Key       string         `json:"key"`
	Args      map[string]any `json:"args,omitempty"`
	Link      string         `json:"link,omitempty"`
	Text      string         `json:"text"`
	CreatedAt time.Time      `json:"created_at"`
	ReadAt    time.Time      `json:"read_at,omitzero"`
}

// Unread reports whether the entry has not been read.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// encodeArgs stores args as JSON; i18n.Msg values (messages inside the
// message) are kept as {"$t": key, "$a": args} and translated on reading.
func encodeArgs(args map[string]any) (string, error) {
	if len(args) == 0 {
		return "{}", nil
	}
	enc := make(map[string]any, len(args))
	for k, v := range args {
		if m, ok := v.(i18n.Msg); ok {
			inner, err := encodeArgs(m.Args)
			if err != nil {
				return "", err
			}
			enc[k] = map[string]any{"$t": m.Key, "$a": json.RawMessage(inner)}
			continue
		}
		enc[k] = v
	}
	b, err := json.Marshal(enc)
	if err != nil {
		return "", fmt.Errorf("encode notification args: %w", err)
	}
	return string(b), nil
}

func decodeArgs(s string) map[string]any {
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil || len(m) == 0 {
		return nil
	}
	return restoreMsgs(m)
}

func restoreMsgs(m map[string]any) map[string]any {
	for k, v := range m {
		obj, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if key, ok := obj["$t"].(string); ok {
			inner, _ := obj["$a"].(map[string]any)
			m[k] = i18n.Msg{Key: key, Args: restoreMsgs(inner)}
		}
	}
	return m
}

// message renders a notification for delivery in lang: the title (an
// e-mail's subject) is the key+".subject" message if the catalogue has one,
// else the first line of the message; the body the key+".body" message if
// the catalogue has one, else the message itself.
func (s *Service) message(lang, key string, args map[string]any, base, link string) channel.Message {
	text := s.I18n.T(lang, key, args)
	title, _, _ := strings.Cut(text, "\n")
	if s.I18n.Has(lang, key+".subject") {
		title = s.I18n.T(lang, key+".subject", args)
	}
	if utf8.RuneCountInString(title) > maxTitle {
		title = string([]rune(title)[:maxTitle-1]) + "…"
	}
	body := text
	if s.I18n.Has(lang, key+".body") {
		body = s.I18n.T(lang, key+".body", args)
	}
	return channel.Message{Title: title, Body: body, Link: AbsLink(base, link)}
}

// AbsLink puts base, the site's public URL, before link when link is a
// path inside the site; other links, and any link when base is empty,
// are returned as they are.
func AbsLink(base, link string) string {
	if link == "" || base == "" || !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		return link
	}
	return strings.TrimRight(base, "/") + link
}

type recipient struct {
	id            int64
	name, email   string
	lang          string
	email2, hooks bool
}

// Notify writes an inbox entry for each active user in userIDs, inside the
// caller's transaction, and queues deliveries: an email to each user who
// chose email and has an address (when SMTP is enabled), and one post to
// every active webhook if any recipient accepts webhook notices. key is a
// catalogue key; args fill its placeholders (i18n.Msg values are
// translated too); link is a path inside Jiedai.
func (s *Service) Notify(ctx context.Context, q store.Querier, now time.Time, userIDs []int64, key string, args map[string]any, link string) error {
	if !s.I18n.Has(i18n.ZhHans, key) {
		return fmt.Errorf("notify: message key %q is not in the catalogue", key)
	}
	argJSON, err := encodeArgs(args)
	if err != nil {
		return err
	}
	ids := uniqueIDs(userIDs)
	if len(ids) == 0 {
		return nil
	}
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = id
	}
	rows, err := q.Query(ctx, `SELECT u.id, CASE WHEN u.display_name = '' THEN u.username ELSE u.display_name END, u.email, u.lang,
		COALESCE(p.email, FALSE), COALESCE(p.webhook, TRUE)
		FROM users u LEFT JOIN notify_prefs p ON p.user_id = u.id
		WHERE u.active = TRUE AND u.id IN (`+store.Placeholders(len(vals))+`) ORDER BY u.id`, vals...)
	if err != nil {
		return fmt.Errorf("notify: load recipients: %w", err)
	}
	var rs []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.name, &r.email, &r.lang, &r.email2, &r.hooks); err != nil {
			rows.Close()
			return fmt.Errorf("notify: scan recipient: %w", err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("notify: load recipients: %w", err)
	}
	smtp, err := s.loadSMTP(ctx, q)
	if err != nil {
		return err
	}
	base, err := settings.PublicURL(ctx, q, s.BaseURL)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	ms := store.Ms(now)
	var hookNames []string
	for _, r := range rs {
		if _, err := q.Exec(ctx, `INSERT INTO notifications (user_id, key, args, link, created_at) VALUES (?, ?, ?, ?, ?)`, r.id, key, argJSON, link, ms); err != nil {
			return fmt.Errorf("notify: insert inbox entry for user %d: %w", r.id, err)
		}
		if r.email2 && r.email != "" && smtp.Enabled {
			if err := s.queue(ctx, q, ms, ChannelEmail, r.email, r.id, 0, s.message(s.lang(r.lang), key, args, base, link)); err != nil {
				return err
			}
		}
		if r.hooks {
			hookNames = append(hookNames, r.name)
		}
	}
	if len(hookNames) == 0 {
		return nil
	}
	hooks, err := listWebhooks(ctx, q, true)
	if err != nil {
		return err
	}
	if len(hooks) == 0 {
		return nil
	}
	lang := s.lang("")
	m := s.message(lang, key, args, base, link)
	m.Body += "\n" + s.I18n.T(lang, "notify.webhook_recipients", map[string]any{"names": strings.Join(hookNames, s.I18n.T(lang, "notify.name_separator", nil))})
	for _, h := range hooks {
		if err := s.queue(ctx, q, ms, ChannelWebhook, h.Name, 0, h.ID, m); err != nil {
			return err
		}
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (s *Service) queue(ctx context.Context, q store.Querier, ms int64, ch, target string, userID, webhookID int64, m channel.Message) error {
	payload, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("notify: encode delivery: %w", err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO deliveries (channel, target, user_id, webhook_id, payload, status, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ch, target, store.IDOrNil(userID), store.IDOrNil(webhookID), string(payload), StatusPending, ms, ms); err != nil {
		return fmt.Errorf("notify: queue %s delivery to %s: %w", ch, target, err)
	}
	return nil
}

const notifCols = `id, user_id, key, args, link, created_at, read_at`

func (s *Service) listInbox(ctx context.Context, a access.Actor, unreadOnly bool, limit int) ([]Notification, error) {
	userID := a.UserID
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var lang string
	err := s.DB.QueryRow(ctx, `SELECT lang FROM users WHERE id = ?`, userID).Scan(&lang)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("inbox language of user %d: %w", userID, err)
	}
	lang = s.lang(lang)
	query := `SELECT ` + notifCols + ` FROM notifications WHERE user_id = ?`
	if unreadOnly {
		query += ` AND read_at IS NULL`
	}
	rows, err := s.DB.Query(ctx, query+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), userID)
	if err != nil {
		return nil, fmt.Errorf("inbox of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var args string
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Key, &args, &n.Link, &created, &read); err != nil {
			return nil, fmt.Errorf("scan notification: %w", err)
		}
		n.Args = decodeArgs(args)
		if err := s.retitle(ctx, a, &n); err != nil {
			return nil, err
		}
		n.Text = s.I18n.T(lang, n.Key, n.Args)
		n.CreatedAt, n.ReadAt = store.Time(created), store.NullMs(read)
		out = append(out, n)
	}
	return out, rows.Err()
}

// Inbox returns the user's latest notifications, newest first, in the
// user's language.
func (s *Service) Inbox(ctx context.Context, a access.Actor, limit int) ([]Notification, error) {
	return s.listInbox(ctx, a, false, limit)
}

// Unread returns the user's unread notifications, newest first.
func (s *Service) Unread(ctx context.Context, a access.Actor, limit int) ([]Notification, error) {
	return s.listInbox(ctx, a, true, limit)
}

// UnreadCount counts the user's unread notifications.
func (s *Service) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count unread of user %d: %w", userID, err)
	}
	return n, nil
}

// MarkRead marks one of the actor's own notifications read.
func (s *Service) MarkRead(ctx context.Context, a access.Actor, id int64) error {
	if a.UserID == 0 {
		return errs.Forbid()
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var read sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT read_at FROM notifications WHERE id = ? AND user_id = ?`, id, a.UserID).Scan(&read)
		if err != nil {
			return errs.Wrap(store.MapError(err), fmt.Sprintf("get notification %d", id))
		}
		if read.Valid {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE id = ?`, store.Ms(now), id); err != nil {
			return fmt.Errorf("mark notification %d read: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, AuditNotification, id, "read", nil, nil)
	})
}

// MarkAllRead marks all the actor's notifications read and returns how many.
func (s *Service) MarkAllRead(ctx context.Context, a access.Actor) (int, error) {
	if a.UserID == 0 {
		return 0, errs.Forbid()
	}
	now := s.Clock.Now()
	var n int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, store.Ms(now), a.UserID)
		if err != nil {
			return fmt.Errorf("mark all read for user %d: %w", a.UserID, err)
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, now, a, AuditNotification, 0, "read_all", nil, map[string]any{"user_id": a.UserID, "count": n})
	})
	return int(n), err
}

// Prefs are a user's delivery choices besides the inbox.
type Prefs struct {
	Email   bool `json:"email"`   // also send by email (needs an address and SMTP)
	Webhook bool `json:"webhook"` // mention the user in the team webhooks
}

// DefaultPrefs are the choices of a user who never set any.
func DefaultPrefs() Prefs { return Prefs{Email: false, Webhook: true} }

// Prefs returns the user's delivery choices.
func (s *Service) Prefs(ctx context.Context, userID int64) (Prefs, error) {
	p := DefaultPrefs()
	err := s.DB.QueryRow(ctx, `SELECT email, webhook FROM notify_prefs WHERE user_id = ?`, userID).Scan(&p.Email, &p.Webhook)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Prefs{}, fmt.Errorf("notification preferences of user %d: %w", userID, err)
	}
	return p, nil
}

// SetPrefs stores a user's choices; the user themself or an admin.
// Choosing email needs an email address on the account.
func (s *Service) SetPrefs(ctx context.Context, a access.Actor, userID int64, p Prefs) error {
	if a.UserID == 0 || (a.UserID != userID && !a.Has(access.Admin)) {
		return errs.Forbid()
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var email string
		if err := tx.QueryRow(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
			return errs.Wrap(store.MapError(err), fmt.Sprintf("get user %d", userID))
		}
		if p.Email && email == "" {
			return errs.Field("email", "err.notify.no_email")
		}
		before := DefaultPrefs()
		if err := tx.QueryRow(ctx, `SELECT email, webhook FROM notify_prefs WHERE user_id = ?`, userID).Scan(&before.Email, &before.Webhook); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read preferences of user %d: %w", userID, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO notify_prefs (user_id, email, webhook, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, webhook = excluded.webhook, updated_at = excluded.updated_at`,
			userID, p.Email, p.Webhook, store.Ms(now)); err != nil {
			return fmt.Errorf("save preferences of user %d: %w", userID, err)
		}
		return audit.Record(ctx, tx, now, a, AuditPrefs, userID, "update", before, p)
	})
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// Register makes the job runner send due deliveries on every round.
func (s *Service) Register(r *jobs.Runner, limit int) {
	r.Tick("notify.deliver", func(ctx context.Context) error {
		_, err := s.DeliverDue(ctx, limit)
		return err
	})
}

// IsLink reports whether a message argument is a link (an address of the
// site, "/…", or of the web, "http(s)://…") rather than words, so that a
// page can show it as a link instead of as text.
func IsLink(v any) bool {
	s, ok := v.(string)
	if !ok || strings.ContainsAny(s, " \t\n") {
		return false
	}
	return (strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")) || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}
