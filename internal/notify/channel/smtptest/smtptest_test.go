package smtptest_test

import (
	"crypto/tls"
	"net/smtp"
	"slices"
	"strings"
	"testing"

	"jiedai/internal/notify/channel/smtptest"
)

func TestServerWithStdlibClient(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Config{Username: "u", Password: "p", TLS: smtptest.TLSStartTLS})
	c, err := smtp.Dial(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("a@example.com"); err == nil {
		t.Fatal("MAIL accepted before AUTH")
	}
	if err := c.StartTLS(srv.ClientTLSConfig()); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	if err := c.Auth(smtp.PlainAuth("", "u", "p", "127.0.0.1")); err != nil {
		t.Fatalf("AUTH: %v", err)
	}
	if err := c.Mail("a@example.com"); err != nil {
		t.Fatalf("MAIL: %v", err)
	}
	for _, rcpt := range []string{"b@example.com", "c@example.com"} {
		if err := c.Rcpt(rcpt); err != nil {
			t.Fatalf("RCPT: %v", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		t.Fatalf("DATA: %v", err)
	}
	raw := "Subject: =?UTF-8?B?5Yiw6K6/?=\r\n" +
		"Content-Type: multipart/alternative; boundary=XX\r\n\r\n" +
		"--XX\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n" +
		"--XX\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"=E6=AC=A2=E8=BF=8E\r\n.leading dot\r\n--XX--\r\n"
	if _, err := w.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("end DATA: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatalf("QUIT: %v", err)
	}

	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	if m.From != "a@example.com" || !slices.Equal(m.To, []string{"b@example.com", "c@example.com"}) || m.AuthUser != "u" || !m.TLS {
		t.Errorf("envelope = %+v", m)
	}
	if string(m.Data) != raw {
		t.Errorf("data = %q, want %q (dot-stuffing undone)", m.Data, raw)
	}
	if subj, err := m.Subject(); err != nil || subj != "到访" {
		t.Errorf("Subject = %q, %v", subj, err)
	}
	text, err := m.Text()
	if err != nil || !strings.HasPrefix(text, "欢迎") || !strings.Contains(text, ".leading dot") {
		t.Errorf("Text = %q, %v", text, err)
	}
}

func TestServerRejectsWrongPassword(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Config{Username: "u", Password: "p", TLS: smtptest.TLSImplicit})
	c, err := tls.Dial("tcp", srv.Addr, srv.ClientTLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	client, err := smtp.NewClient(c, srv.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.Auth(smtp.PlainAuth("", "u", "wrong", srv.Host)); err == nil {
		t.Fatal("AUTH accepted a wrong password")
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Close()
	srv.Close()
	if _, err := smtp.Dial(srv.Addr); err == nil {
		t.Error("dial succeeded after Close")
	}
}
