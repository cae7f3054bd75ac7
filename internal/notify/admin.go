package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/notify/channel"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// KeySMTP is the settings key of the outgoing mail server.
const KeySMTP = "notify.smtp"

// SMTP is the outgoing mail server, kept in the settings table.
type SMTP struct {
	Enabled  bool   `json:"enabled"`
	Host     string `json:"host"`
	Port     int    `json:"port,omitempty"` // 0: the TLS mode's default
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	From     string `json:"from"`
	TLS      string `json:"tls"` // none, starttls or tls
}

// Redacted hides the password in the audit log.
func (c SMTP) Redacted() any {
	if c.Password != "" {
		c.Password = "********"
	}
	return c
}

// Config returns the sender's configuration.
func (c SMTP) Config() channel.SMTPConfig {
	return channel.SMTPConfig{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, From: c.From, TLS: c.TLS}
}

func (s *Service) loadSMTP(ctx context.Context, q store.Querier) (SMTP, error) {
	c, err := settings.Value(ctx, q, KeySMTP, SMTP{TLS: channel.TLSStartTLS})
	if err != nil {
		return SMTP{}, fmt.Errorf("load SMTP settings: %w", err)
	}
	return c, nil
}

// LoadSMTP returns the mail server settings, password included; admins only.
func (s *Service) LoadSMTP(ctx context.Context, a access.Actor) (SMTP, error) {
	if !a.Has(access.Admin) {
		return SMTP{}, errs.Forbid()
	}
	return s.loadSMTP(ctx, s.DB)
}

// SaveSMTP validates and stores the mail server settings; admins only. An
// empty password keeps the stored one.
func (s *Service) SaveSMTP(ctx context.Context, a access.Actor, c SMTP) (SMTP, error) {
	if !a.Has(access.Admin) {
		return SMTP{}, errs.Forbid()
	}
	c.Host, c.Username, c.From = strings.TrimSpace(c.Host), strings.TrimSpace(c.Username), strings.TrimSpace(c.From)
	if c.TLS == "" {
		c.TLS = channel.TLSStartTLS
	}
	var l errs.List
	if c.Enabled && c.Host == "" {
		l.Add("host", "err.required")
	} else if strings.ContainsAny(c.Host, " /:") {
		l.Add("host", "err.notify.smtp_host")
	}
	if c.Port < 0 || c.Port > 65535 {
		l.Add("port", "err.notify.smtp_port")
	}
	if c.Enabled && c.From == "" {
		l.Add("from", "err.required")
	} else if c.From != "" {
		if _, err := mail.ParseAddress(c.From); err != nil {
			l.Add("from", "err.email")
		}
	}
	if !slices.Contains([]string{channel.TLSNone, channel.TLSStartTLS, channel.TLSImplicit}, c.TLS) {
		l.Add("tls", "err.invalid")
	}
	if err := l.Err(); err != nil {
		return SMTP{}, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if c.Password == "" && c.Username != "" {
			old, err := s.loadSMTP(ctx, tx)
			if err != nil {
				return err
			}
			c.Password = old.Password
		}
		return settings.Set(ctx, tx, s.Clock.Now(), a, KeySMTP, c)
	})
	if err != nil {
		return SMTP{}, err
	}
	return c, nil
}

// Webhook is a team robot or endpoint that receives every notification.
type Webhook struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"` // generic, wecom, dingtalk or feishu
	URL       string    `json:"url"`
	Secret    string    `json:"-"`
	HasSecret bool      `json:"has_secret"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// WebhookInput is what saving a webhook takes. An empty Secret on update
// keeps the stored one; ClearSecret removes it.
type WebhookInput struct {
	Name        string
	Kind        string
	URL         string
	Secret      string
	ClearSecret bool
	Active      bool
}

// redacted is the webhook as the audit log shows it.
func (w Webhook) redacted() map[string]any {
	return map[string]any{"name": w.Name, "kind": w.Kind, "url": redactURL(w.URL), "has_secret": w.Secret != "", "active": w.Active}
}

// redactURL hides the query (robot tokens live there) for the audit log.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.RawQuery == "" {
		return s
	}
	u.RawQuery = "…"
	return u.String()
}

const hookCols = `id, name, kind, url, secret, active, created_at, updated_at`

func scanHook(sc interface{ Scan(...any) error }) (Webhook, error) {
	var w Webhook
	var c, u int64
	err := sc.Scan(&w.ID, &w.Name, &w.Kind, &w.URL, &w.Secret, &w.Active, &c, &u)
	w.CreatedAt, w.UpdatedAt, w.HasSecret = store.Time(c), store.Time(u), w.Secret != ""
	return w, err
}

func listWebhooks(ctx context.Context, q store.Querier, activeOnly bool) ([]Webhook, error) {
	query := `SELECT ` + hookCols + ` FROM webhooks`
	if activeOnly {
		query += ` WHERE active = TRUE`
	}
	rows, err := q.Query(ctx, query+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		w, err := scanHook(rows)
		if err != nil {
			return nil, fmt.Errorf("scan webhook: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhooks lists every webhook; admins only.
func (s *Service) Webhooks(ctx context.Context, a access.Actor) ([]Webhook, error) {
	if !a.Has(access.Admin) {
		return nil, errs.Forbid()
	}
	return listWebhooks(ctx, s.DB, false)
}

// SaveWebhook creates (id 0) or updates a webhook; admins only.
func (s *Service) SaveWebhook(ctx context.Context, a access.Actor, id int64, in WebhookInput) (Webhook, error) {
	if !a.Has(access.Admin) {
		return Webhook{}, errs.Forbid()
	}
	in.Name, in.URL, in.Secret = strings.TrimSpace(in.Name), strings.TrimSpace(in.URL), strings.TrimSpace(in.Secret)
	var l errs.List
	if in.Name == "" {
		l.Add("name", "err.required")
	} else if utf8.RuneCountInString(in.Name) > 64 {
		l.Add("name", "err.too_long", "max", 64)
	}
	if !slices.Contains(channel.Kinds(), in.Kind) {
		l.Add("kind", "err.notify.webhook_kind")
	}
	if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.URL) > 2000 {
		l.Add("url", "err.notify.url")
	}
	if err := l.Err(); err != nil {
		return Webhook{}, err
	}
	now := s.Clock.Now()
	var out Webhook
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		ms := store.Ms(now)
		if id == 0 {
			nid, err := store.InsertID(ctx, tx, `INSERT INTO webhooks (name, kind, url, secret, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				in.Name, in.Kind, in.URL, in.Secret, in.Active, ms, ms)
			if err != nil {
				return fmt.Errorf("insert webhook: %w", err)
			}
			if out, err = scanHook(tx.QueryRow(ctx, `SELECT `+hookCols+` FROM webhooks WHERE id = ?`, nid)); err != nil {
				return fmt.Errorf("reload webhook %d: %w", nid, err)
			}
			return audit.Record(ctx, tx, now, a, AuditWebhook, nid, "create", nil, out.redacted())
		}
		before, err := scanHook(tx.QueryRow(ctx, `SELECT `+hookCols+` FROM webhooks WHERE id = ?`, id))
		if err != nil {
			return errs.Wrap(store.MapError(err), fmt.Sprintf("get webhook %d", id))
		}
		secret := before.Secret
		if in.ClearSecret {
			secret = ""
		} else if in.Secret != "" {
			secret = in.Secret
		}
		if _, err := tx.Exec(ctx, `UPDATE webhooks SET name = ?, kind = ?, url = ?, secret = ?, active = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.Kind, in.URL, secret, in.Active, ms, id); err != nil {
			return fmt.Errorf("update webhook %d: %w", id, err)
		}
		if out, err = scanHook(tx.QueryRow(ctx, `SELECT `+hookCols+` FROM webhooks WHERE id = ?`, id)); err != nil {
			return fmt.Errorf("reload webhook %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, AuditWebhook, id, "update", before.redacted(), out.redacted())
	})
	return out, err
}

// DeleteWebhook removes a webhook; its pending deliveries then fail.
// Admins only.
func (s *Service) DeleteWebhook(ctx context.Context, a access.Actor, id int64) error {
	if !a.Has(access.Admin) {
		return errs.Forbid()
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := scanHook(tx.QueryRow(ctx, `SELECT `+hookCols+` FROM webhooks WHERE id = ?`, id))
		if err != nil {
			return errs.Wrap(store.MapError(err), fmt.Sprintf("get webhook %d", id))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhooks WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete webhook %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, AuditWebhook, id, "delete", before.redacted(), nil)
	})
}

// Delivery is one queued email or webhook post.
type Delivery struct {
	ID        int64           `json:"id"`
	Channel   string          `json:"channel"`
	Target    string          `json:"target"` // email address, or webhook name
	UserID    int64           `json:"user_id,omitempty"`
	WebhookID int64           `json:"webhook_id,omitempty"`
	Message   channel.Message `json:"message"`
	Status    string          `json:"status"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"last_error,omitempty"`
	NextAt    time.Time       `json:"next_at"`
	SentAt    time.Time       `json:"sent_at,omitzero"`
	CreatedAt time.Time       `json:"created_at"`
	lease     sql.NullInt64
}

const deliveryCols = `id, channel, target, COALESCE(user_id, 0), COALESCE(webhook_id, 0), payload, status, attempts, last_error, next_at, sent_at, created_at, locked_until`

func scanDelivery(sc interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var payload string
	var next, created int64
	var sent sql.NullInt64
	if err := sc.Scan(&d.ID, &d.Channel, &d.Target, &d.UserID, &d.WebhookID, &payload, &d.Status, &d.Attempts, &d.LastError, &next, &sent, &created, &d.lease); err != nil {
		return d, err
	}
	d.NextAt, d.SentAt, d.CreatedAt = store.Time(next), store.NullMs(sent), store.Time(created)
	if err := jsonUnmarshal(payload, &d.Message); err != nil {
		return d, fmt.Errorf("decode delivery %d: %w", d.ID, err)
	}
	return d, nil
}

// DeliveryFilter selects deliveries; zero fields match everything.
type DeliveryFilter struct {
	Status  string
	Channel string
	UserID  int64
	Limit   int // default 100, at most 500
}

// Deliveries lists deliveries newest first, failures included; admins only.
func (s *Service) Deliveries(ctx context.Context, a access.Actor, f DeliveryFilter) ([]Delivery, error) {
	if !a.Has(access.Admin) {
		return nil, errs.Forbid()
	}
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Channel != "" {
		where, args = append(where, "channel = ?"), append(args, f.Channel)
	}
	if f.UserID != 0 {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	query := `SELECT ` + deliveryCols + ` FROM deliveries`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.DB.Query(ctx, query+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("scan delivery: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RetryDelivery queues a failed delivery again with its attempts reset;
// admins only.
func (s *Service) RetryDelivery(ctx context.Context, a access.Actor, id int64) error {
	if !a.Has(access.Admin) {
		return errs.Forbid()
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		d, err := scanDelivery(tx.QueryRow(ctx, `SELECT `+deliveryCols+` FROM deliveries WHERE id = ?`, id))
		if err != nil {
			return errs.Wrap(store.MapError(err), fmt.Sprintf("get delivery %d", id))
		}
		if d.Status != StatusFailed {
			return errs.New(errs.Conflict, "err.notify.not_failed")
		}
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET status = ?, attempts = 0, next_at = ?, locked_until = NULL WHERE id = ?`, StatusPending, store.Ms(now), id); err != nil {
			return fmt.Errorf("retry delivery %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, AuditDelivery, id, "retry",
			map[string]any{"status": d.Status, "attempts": d.Attempts, "last_error": d.LastError}, map[string]any{"status": StatusPending})
	})
}

// errPermanent marks a send failure that retrying cannot cure.
var errPermanent = errors.New("permanent")

// DeliverDue sends up to limit pending deliveries that are due and returns
// how many it tried. Each is claimed with a lease first, so concurrent
// callers (or instances) never send one twice at once; a failure is
// retried with backoff and marked failed after MaxAttempts.
func (s *Service) DeliverDue(ctx context.Context, limit int) (int, error) {
	claimed, lease, err := s.claim(ctx, limit)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	smtp, err := s.loadSMTP(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	for i, d := range claimed {
		sendErr := s.send(ctx, smtp, d)
		if err := s.record(ctx, d, lease, sendErr); err != nil {
			return i, err
		}
	}
	return len(claimed), nil
}

func (s *Service) claim(ctx context.Context, limit int) ([]Delivery, int64, error) {
	if limit <= 0 {
		limit = 50
	}
	now := s.Clock.Now()
	lease := store.Ms(now.Add(DefaultLease))
	var out []Delivery
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		out = nil
		query := `SELECT ` + deliveryCols + ` FROM deliveries WHERE status = ? AND next_at <= ? AND (locked_until IS NULL OR locked_until < ?) ORDER BY next_at, id LIMIT ` + fmt.Sprint(limit)
		if tx.Dialect() == store.Postgres {
			query += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.Query(ctx, query, StatusPending, store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("scan delivery: %w", err)
			}
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		for _, d := range out {
			if _, err := tx.Exec(ctx, `UPDATE deliveries SET locked_until = ? WHERE id = ?`, lease, d.ID); err != nil {
				return fmt.Errorf("lease delivery %d: %w", d.ID, err)
			}
		}
		return nil
	})
	return out, lease, err
}

func (s *Service) send(ctx context.Context, smtp SMTP, d Delivery) error {
	switch d.Channel {
	case ChannelEmail:
		if !smtp.Enabled || smtp.Host == "" {
			return fmt.Errorf("%w: SMTP is not configured", errPermanent)
		}
		send := s.SendEmail
		if send == nil {
			send = channel.SendEmail
		}
		return send(ctx, smtp.Config(), []string{d.Target}, d.Message)
	case ChannelWebhook:
		if d.WebhookID == 0 {
			return fmt.Errorf("%w: webhook deleted", errPermanent)
		}
		h, err := scanHook(s.DB.QueryRow(ctx, `SELECT `+hookCols+` FROM webhooks WHERE id = ?`, d.WebhookID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: webhook deleted", errPermanent)
		}
		if err != nil {
			return fmt.Errorf("load webhook %d: %w", d.WebhookID, err)
		}
		if !h.Active {
			return fmt.Errorf("%w: webhook %s is inactive", errPermanent, h.Name)
		}
		send := s.SendWebhook
		if send == nil {
			send = channel.Send
		}
		err = send(ctx, s.HTTP, h.Kind, h.URL, h.Secret, d.Message, s.Clock.Now())
		if errors.Is(err, channel.ErrUnknownKind) {
			return fmt.Errorf("%w: %w", errPermanent, err)
		}
		return err
	}
	return fmt.Errorf("%w: unknown channel %q", errPermanent, d.Channel)
}

func (s *Service) backoff(n int) time.Duration {
	if s.Backoff != nil {
		return s.Backoff(n)
	}
	d := time.Minute
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// record stores a send's outcome, provided the lease is still ours.
func (s *Service) record(ctx context.Context, d Delivery, lease int64, sendErr error) error {
	now := s.Clock.Now()
	ms := store.Ms(now)
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if sendErr == nil {
			_, err := tx.Exec(ctx, `UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = '', sent_at = ?, locked_until = NULL WHERE id = ? AND locked_until = ?`,
				StatusSent, ms, d.ID, lease)
			if err != nil {
				return fmt.Errorf("record delivery %d sent: %w", d.ID, err)
			}
			return nil
		}
		msg := sendErr.Error()
		if utf8.RuneCountInString(msg) > maxError {
			msg = string([]rune(msg)[:maxError])
		}
		attempts := d.Attempts + 1
		max := s.MaxAttempts
		if max <= 0 {
			max = DefaultMaxAttempts
		}
		status, next := StatusPending, now.Add(s.backoff(attempts))
		if attempts >= max || errors.Is(sendErr, errPermanent) {
			status, next = StatusFailed, now
		}
		s.logger().Warn("notification delivery failed", "id", d.ID, "channel", d.Channel, "target", d.Target, "attempt", attempts, "status", status, "error", msg)
		_, err := tx.Exec(ctx, `UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, next_at = ?, locked_until = NULL WHERE id = ? AND locked_until = ?`,
			status, attempts, msg, store.Ms(next), d.ID, lease)
		if err != nil {
			return fmt.Errorf("record delivery %d failure: %w", d.ID, err)
		}
		return nil
	})
}
