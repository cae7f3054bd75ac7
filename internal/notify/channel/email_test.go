package channel_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"jiedai/internal/notify/channel"
	"jiedai/internal/notify/channel/smtptest"
)

var zhMessage = channel.Message{
	Title: "访客到访通知：王先生（星辰科技）",
	Body:  "您好，王先生已于 14:30 到达前台。\n请到一楼大厅接待，会议室：松风厅。",
	Link:  "https://jiedai.example.com/visits/42",
}

func smtpConfig(srv *smtptest.Server, tlsMode string) channel.SMTPConfig {
	return channel.SMTPConfig{
		Host:      srv.Host,
		Port:      srv.Port,
		From:      "接待台 <reception@example.com>",
		TLS:       tlsMode,
		TLSConfig: srv.ClientTLSConfig(),
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// onlyMessage returns the single message srv received.
func onlyMessage(t *testing.T, srv *smtptest.Server) smtptest.Message {
	t.Helper()
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func assertChinese(t *testing.T, got smtptest.Message) {
	t.Helper()
	subj, err := got.Subject()
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	if subj != zhMessage.Title {
		t.Errorf("subject = %q, want %q", subj, zhMessage.Title)
	}
	text, err := got.Text()
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for _, want := range []string{"王先生已于 14:30 到达前台。", "会议室：松风厅。", zhMessage.Link} {
		if !strings.Contains(text, want) {
			t.Errorf("body %q lacks %q", text, want)
		}
	}
	parsed, err := got.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if ct := parsed.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
		t.Errorf("Content-Type = %q, want UTF-8 charset", ct)
	}
	from, err := parsed.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "接待台" || from[0].Address != "reception@example.com" {
		t.Errorf("From = %v (%v), want 接待台 <reception@example.com>", from, err)
	}
}

func TestSendEmailPlainChinese(t *testing.T) {
	srv := smtptest.Start(t)
	to := []string{"host@example.com", "王经理 <manager@example.com>"}
	if err := channel.SendEmail(testCtx(t), smtpConfig(srv, channel.TLSNone), to, zhMessage); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	got := onlyMessage(t, srv)
	if got.From != "reception@example.com" {
		t.Errorf("MAIL FROM = %q", got.From)
	}
	if want := []string{"host@example.com", "manager@example.com"}; !slices.Equal(got.To, want) {
		t.Errorf("RCPT TO = %v, want %v", got.To, want)
	}
	if got.TLS || got.AuthUser != "" {
		t.Errorf("TLS=%v AuthUser=%q, want plain unauthenticated", got.TLS, got.AuthUser)
	}
	assertChinese(t, got)
}

func TestSendEmailModesWithAuth(t *testing.T) {
	for _, mode := range []string{channel.TLSNone, channel.TLSStartTLS, channel.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			srv := smtptest.StartWith(t, smtptest.Config{Username: "bot", Password: "口令-secret", TLS: mode})
			cfg := smtpConfig(srv, mode)
			cfg.Username, cfg.Password = "bot", "口令-secret"
			if err := channel.SendEmail(testCtx(t), cfg, []string{"host@example.com"}, zhMessage); err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
			got := onlyMessage(t, srv)
			if got.AuthUser != "bot" {
				t.Errorf("AuthUser = %q, want bot", got.AuthUser)
			}
			if wantTLS := mode != channel.TLSNone; got.TLS != wantTLS {
				t.Errorf("TLS = %v, want %v", got.TLS, wantTLS)
			}
			assertChinese(t, got)
		})
	}
}

func TestSendEmailWrongPassword(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Config{Username: "bot", Password: "right"})
	cfg := smtpConfig(srv, channel.TLSNone)
	cfg.Username, cfg.Password = "bot", "wrong"
	if err := channel.SendEmail(testCtx(t), cfg, []string{"a@example.com"}, zhMessage); err == nil {
		t.Fatal("SendEmail with a wrong password succeeded")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages", n)
	}
}

func TestSendEmailStartTLSRequired(t *testing.T) {
	srv := smtptest.Start(t) // offers no STARTTLS
	err := channel.SendEmail(testCtx(t), smtpConfig(srv, channel.TLSStartTLS), []string{"a@example.com"}, zhMessage)
	if err == nil {
		t.Fatal("starttls mode sent over a server without STARTTLS")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages in plaintext", n)
	}
}

func TestSendEmailUntrustedCertificate(t *testing.T) {
	for _, mode := range []string{channel.TLSStartTLS, channel.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			srv := smtptest.StartWith(t, smtptest.Config{TLS: mode})
			cfg := smtpConfig(srv, mode)
			cfg.TLSConfig = nil // system roots do not trust the test certificate
			if err := channel.SendEmail(testCtx(t), cfg, []string{"a@example.com"}, zhMessage); err == nil {
				t.Fatal("SendEmail trusted a self-signed certificate")
			}
		})
	}
}

func TestSendEmailConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg := channel.SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@example.com", TLS: channel.TLSNone}
	err = channel.SendEmail(testCtx(t), cfg, []string{"b@example.com"}, zhMessage)
	if err == nil {
		t.Fatal("SendEmail to a closed port succeeded")
	}
	if !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("error %q does not name the server", err)
	}
}

func TestSendEmailContextDeadline(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Config{Stall: true})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := channel.SendEmail(ctx, smtpConfig(srv, channel.TLSNone), []string{"a@example.com"}, zhMessage)
	if err == nil {
		t.Fatal("SendEmail to a silent server succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v is not context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("SendEmail took %v after a 300ms deadline", d)
	}
}

func TestSendEmailCancelledMidSession(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Config{Stall: true})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	err := channel.SendEmail(ctx, smtpConfig(srv, channel.TLSNone), []string{"a@example.com"}, zhMessage)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

func TestSendEmailInvalidInput(t *testing.T) {
	good := channel.SMTPConfig{Host: "127.0.0.1", Port: 1, From: "a@example.com", TLS: channel.TLSNone}
	tests := []struct {
		name string
		cfg  func(*channel.SMTPConfig)
		to   []string
	}{
		{"no host", func(c *channel.SMTPConfig) { c.Host = "" }, []string{"b@example.com"}},
		{"no sender", func(c *channel.SMTPConfig) { c.From = "" }, []string{"b@example.com"}},
		{"bad sender", func(c *channel.SMTPConfig) { c.From = "not an address" }, []string{"b@example.com"}},
		{"bad tls mode", func(c *channel.SMTPConfig) { c.TLS = "ssl" }, []string{"b@example.com"}},
		{"no recipients", func(*channel.SMTPConfig) {}, nil},
		{"bad recipient", func(*channel.SMTPConfig) {}, []string{"nobody"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.cfg(&cfg)
			if err := channel.SendEmail(testCtx(t), cfg, tt.to, zhMessage); err == nil {
				t.Fatal("SendEmail accepted invalid input")
			}
		})
	}
}
