// Package smtptest runs a tiny in-process SMTP server on 127.0.0.1 for tests.
// It speaks EHLO/HELO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP and
// QUIT, records every accepted message and never relays anything.
package smtptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// TLS modes for Config.TLS.
const (
	TLSNone     = "none"
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
)

// Config adjusts the server.
type Config struct {
	// Username, when set, makes the server advertise AUTH PLAIN and refuse
	// MAIL until the client authenticates with Username and Password.
	Username, Password string
	// TLS is "none" (default), "starttls" or "tls" (implicit TLS).
	TLS string
	// Stall makes the server accept connections but never greet.
	Stall bool
}

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	// Data is the raw message as received after DATA, with CRLF line ends.
	Data []byte
	// AuthUser is the user the client authenticated as, if any.
	AuthUser string
	// TLS reports whether the session was encrypted.
	TLS bool
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is "127.0.0.1:port".
	Addr string
	Host string
	Port int

	cfg      Config
	ln       net.Listener
	tlsConf  *tls.Config
	certPool *x509.CertPool

	mu    sync.Mutex
	msgs  []Message
	conns map[net.Conn]struct{}
	done  bool
	wg    sync.WaitGroup
}

// Start runs a plaintext server without AUTH until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Config{})
}

// StartWith runs a server configured by cfg until the test ends.
func StartWith(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.TLS == "" {
		cfg.TLS = TLSNone
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		t.Fatalf("smtptest: unknown TLS mode %q", cfg.TLS)
	}
	cert, pool, err := selfSigned()
	if err != nil {
		t.Fatalf("smtptest: certificate: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	tcp := ln.Addr().(*net.TCPAddr)
	s := &Server{
		Addr:     tcp.String(),
		Host:     tcp.IP.String(),
		Port:     tcp.Port,
		cfg:      cfg,
		ln:       ln,
		tlsConf:  &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		certPool: pool,
		conns:    make(map[net.Conn]struct{}),
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// ClientTLSConfig returns a client config that trusts the server's
// self-signed certificate (valid for 127.0.0.1 and localhost), with
// ServerName set to Host.
func (s *Server) ClientTLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.certPool, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Messages returns a copy of the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	copy(out, s.msgs)
	return out
}

// Close stops the server and drops open sessions; Start registers it as a
// test cleanup, and calling it again is harmless.
func (s *Server) Close() {
	s.mu.Lock()
	if s.done {
		s.mu.Unlock()
		return
	}
	s.done = true
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.done {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.session(c)
		}()
	}
}

// session is the state of one SMTP conversation.
type session struct {
	s        *Server
	conn     net.Conn
	r        *bufio.Reader
	w        *bufio.Writer
	tls      bool
	authUser string
	from     string
	to       []string
	hasFrom  bool
}

func (s *Server) session(c net.Conn) {
	if s.cfg.Stall {
		io.Copy(io.Discard, c) // until the client or Close hangs up
		return
	}
	ss := &session{s: s, conn: c}
	if s.cfg.TLS == TLSImplicit {
		tc := tls.Server(c, s.tlsConf)
		if err := tc.Handshake(); err != nil {
			return
		}
		ss.conn, ss.tls = tc, true
	}
	ss.r, ss.w = bufio.NewReader(ss.conn), bufio.NewWriter(ss.conn)
	ss.reply("220 smtptest ESMTP ready")
	for {
		line, err := ss.readLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		if !ss.handle(strings.ToUpper(verb), strings.TrimSpace(arg)) {
			return
		}
	}
}

func (ss *session) readLine() (string, error) {
	ss.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	line, err := ss.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (ss *session) reply(lines ...string) {
	for _, l := range lines {
		ss.w.WriteString(l + "\r\n")
	}
	ss.w.Flush()
}

// authRequired reports whether AUTH is configured on this server.
func (ss *session) authRequired() bool { return ss.s.cfg.Username != "" }

// handle runs one command and reports whether the session goes on.
func (ss *session) handle(verb, arg string) bool {
	switch verb {
	case "EHLO":
		ss.resetTx()
		ext := []string{"smtptest greets " + arg, "8BITMIME", "SIZE 10485760"}
		if ss.s.cfg.TLS == TLSStartTLS && !ss.tls {
			ext = append(ext, "STARTTLS")
		}
		if ss.authRequired() && (ss.tls || ss.s.cfg.TLS == TLSNone) {
			ext = append(ext, "AUTH PLAIN")
		}
		lines := make([]string, len(ext))
		for i, e := range ext {
			sep := "-"
			if i == len(ext)-1 {
				sep = " "
			}
			lines[i] = "250" + sep + e
		}
		ss.reply(lines...)
	case "HELO":
		ss.resetTx()
		ss.reply("250 smtptest")
	case "STARTTLS":
		if ss.s.cfg.TLS != TLSStartTLS || ss.tls {
			ss.reply("502 5.5.1 STARTTLS not available")
			return true
		}
		ss.reply("220 2.0.0 ready to start TLS")
		tc := tls.Server(ss.conn, ss.s.tlsConf)
		if err := tc.Handshake(); err != nil {
			return false
		}
		ss.conn, ss.tls = tc, true
		ss.r, ss.w = bufio.NewReader(tc), bufio.NewWriter(tc)
		ss.resetTx()
		ss.authUser = ""
	case "AUTH":
		ss.auth(arg)
	case "MAIL":
		if ss.authRequired() && ss.authUser == "" {
			ss.reply("530 5.7.0 authentication required")
			return true
		}
		addr, ok := pathArg(arg, "FROM:")
		if !ok {
			ss.reply("501 5.5.4 syntax: MAIL FROM:<address>")
			return true
		}
		ss.resetTx()
		ss.from, ss.hasFrom = addr, true
		ss.reply("250 2.1.0 ok")
	case "RCPT":
		addr, ok := pathArg(arg, "TO:")
		switch {
		case !ss.hasFrom:
			ss.reply("503 5.5.1 need MAIL first")
		case !ok || addr == "":
			ss.reply("501 5.5.4 syntax: RCPT TO:<address>")
		default:
			ss.to = append(ss.to, addr)
			ss.reply("250 2.1.5 ok")
		}
	case "DATA":
		if !ss.hasFrom || len(ss.to) == 0 {
			ss.reply("503 5.5.1 need MAIL and RCPT first")
			return true
		}
		ss.reply("354 end data with <CR><LF>.<CR><LF>")
		data, err := ss.readData()
		if err != nil {
			return false
		}
		ss.s.mu.Lock()
		ss.s.msgs = append(ss.s.msgs, Message{
			From: ss.from, To: ss.to, Data: data, AuthUser: ss.authUser, TLS: ss.tls,
		})
		ss.s.mu.Unlock()
		ss.resetTx()
		ss.reply("250 2.0.0 queued")
	case "RSET":
		ss.resetTx()
		ss.reply("250 2.0.0 ok")
	case "NOOP":
		ss.reply("250 2.0.0 ok")
	case "QUIT":
		ss.reply("221 2.0.0 bye")
		return false
	default:
		ss.reply("502 5.5.2 command not recognized")
	}
	return true
}

func (ss *session) resetTx() {
	ss.from, ss.to, ss.hasFrom = "", nil, false
}

// auth handles AUTH PLAIN, with the credentials inline or after a 334.
func (ss *session) auth(arg string) {
	if !ss.authRequired() {
		ss.reply("502 5.5.1 AUTH not available")
		return
	}
	mech, initial, _ := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") {
		ss.reply("504 5.5.4 only PLAIN is supported")
		return
	}
	if initial == "" {
		ss.reply("334 ")
		line, err := ss.readLine()
		if err != nil {
			return
		}
		initial = line
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(initial))
	if err != nil {
		ss.reply("501 5.5.2 bad base64")
		return
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[1] != ss.s.cfg.Username || parts[2] != ss.s.cfg.Password {
		ss.reply("535 5.7.8 authentication failed")
		return
	}
	ss.authUser = parts[1]
	ss.reply("235 2.7.0 authenticated")
}

// readData reads a DATA body up to the lone dot and undoes dot-stuffing.
func (ss *session) readData() ([]byte, error) {
	var b strings.Builder
	for {
		line, err := ss.readLine()
		if err != nil {
			return nil, err
		}
		if line == "." {
			return []byte(b.String()), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
		b.WriteString("\r\n")
	}
}

// pathArg extracts the address from "FROM:<a@b> PARAMS" style arguments.
func pathArg(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	addr, _, ok := strings.Cut(rest[1:], ">")
	return addr, ok
}

// Parse parses the raw message.
func (m Message) Parse() (*mail.Message, error) {
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		return nil, fmt.Errorf("parse message: %w", err)
	}
	return msg, nil
}

// Subject returns the decoded (RFC 2047) Subject header.
func (m Message) Subject() (string, error) {
	msg, err := m.Parse()
	if err != nil {
		return "", err
	}
	var dec mime.WordDecoder
	subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return "", fmt.Errorf("decode subject: %w", err)
	}
	return subj, nil
}

// Text returns the decoded first text/plain part of the message.
func (m Message) Text() (string, error) {
	msg, err := m.Parse()
	if err != nil {
		return "", err
	}
	return textPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func textPart(contentType, cte string, body io.Reader) (string, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		if contentType != "" {
			return "", fmt.Errorf("content type %q: %w", contentType, err)
		}
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return "", errors.New("no text/plain part")
			}
			if err != nil {
				return "", fmt.Errorf("read part: %w", err)
			}
			text, err := textPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if err == nil {
				return text, nil
			}
		}
	}
	if mediaType != "text/plain" {
		return "", fmt.Errorf("not text/plain: %s", mediaType)
	}
	switch strings.ToLower(cte) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &crlfStripper{r: body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", fmt.Errorf("decode body: %w", err)
	}
	return string(b), nil
}

// crlfStripper drops line breaks so base64 bodies decode.
type crlfStripper struct{ r io.Reader }

func (c *crlfStripper) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		j := 0
		for _, b := range p[:n] {
			if b != '\r' && b != '\n' {
				p[j] = b
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// selfSigned makes a short-lived certificate for 127.0.0.1 and localhost.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("parse certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
