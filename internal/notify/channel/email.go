package channel

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
)

// SMTP TLS modes for SMTPConfig.TLS.
const (
	TLSNone     = "none"
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
)

// smtpTimeout bounds each step of an SMTP session.
const smtpTimeout = 30 * time.Second

// SMTPConfig says how to reach the outgoing mail server.
type SMTPConfig struct {
	Host string
	// Port defaults by TLS mode: 25 for none, 587 for starttls, 465 for tls.
	Port int
	// Username, when set, enables AUTH PLAIN with Password.
	Username, Password string
	// From is the sender, e.g. "接待台 <reception@example.com>".
	From string
	// TLS is "none", "starttls" (the default when empty) or "tls"
	// (implicit TLS). "starttls" fails if the server does not offer it.
	TLS string
	// TLSConfig optionally overrides certificate checks, e.g. RootCAs for a
	// private CA; ServerName defaults to Host.
	TLSConfig *tls.Config
}

// SendEmail sends m to the given recipients as a UTF-8 plain-text email
// whose subject is m.Title; m.Link, if any, is appended to the body. ctx
// bounds the whole SMTP session, not just the dial.
func SendEmail(ctx context.Context, cfg SMTPConfig, to []string, m Message) error {
	if cfg.Host == "" {
		return errors.New("send email: empty SMTP host")
	}
	if len(to) == 0 {
		return errors.New("send email: no recipients")
	}
	if cfg.From == "" {
		return errors.New("send email: empty sender")
	}
	mode := cfg.TLS
	if mode == "" {
		mode = TLSStartTLS
	}
	port := cfg.Port
	opts := []mail.Option{mail.WithoutNoop()}
	switch mode {
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		if port == 0 {
			port = 25
		}
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		if port == 0 {
			port = 587
		}
	case TLSImplicit:
		// The dialer below does the TLS handshake itself.
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		if port == 0 {
			port = 465
		}
	default:
		return fmt.Errorf("send email: unknown TLS mode %q", cfg.TLS)
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tlsConf = cfg.TLSConfig.Clone()
	}
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = cfg.Host
	}
	opts = append(opts, mail.WithPort(port), mail.WithTLSConfig(tlsConf))

	if cfg.Username != "" {
		auth := mail.SMTPAuthPlain
		if mode == TLSNone {
			// The operator chose a plaintext link; honour it.
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}

	// Each SMTP step gets smtpTimeout; ctx ends the session as a whole.
	opts = append(opts, mail.WithTimeout(smtpTimeout))

	// Dial ourselves so that cancelling ctx also aborts a session stuck
	// after the dial, and so implicit TLS still yields a *tls.Conn.
	var (
		mu    sync.Mutex
		stops []func() bool
	)
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, stop := range stops {
			stop()
		}
	}()
	dial := func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(dialCtx, network, addr)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		stops = append(stops, context.AfterFunc(ctx, func() { raw.Close() }))
		mu.Unlock()
		if mode != TLSImplicit {
			return raw, nil
		}
		conn := tls.Client(raw, tlsConf)
		if err := conn.HandshakeContext(dialCtx); err != nil {
			raw.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		return conn, nil
	}
	opts = append(opts, mail.WithDialContextFunc(dial))

	// Base64 keeps Chinese text far smaller than quoted-printable.
	msg := mail.NewMsg(mail.WithEncoding(mail.EncodingB64))
	if err := msg.From(cfg.From); err != nil {
		return fmt.Errorf("send email: sender %q: %w", cfg.From, err)
	}
	if err := msg.To(to...); err != nil {
		return fmt.Errorf("send email: recipients: %w", err)
	}
	msg.Subject(m.Title)
	msg.SetUserAgent("Jiedai")
	body := m.Body
	if m.Link != "" {
		body += "\n\n" + m.Link
	}
	msg.SetBodyString(mail.TypeTextPlain, body)
	for _, f := range m.Files {
		if err := msg.AttachReader(f.Name, bytes.NewReader(f.Data), mail.WithFileContentType(mail.ContentType(f.ContentType))); err != nil {
			return fmt.Errorf("send email: attach %s: %w", f.Name, err)
		}
	}

	client, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("send email: configure client: %w", err)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("send email via %s: %w: %w", addr, ctxErr, err)
		}
		return fmt.Errorf("send email via %s: %w", addr, err)
	}
	return nil
}
