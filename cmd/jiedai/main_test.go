package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "j.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "--db", db}, nil, &out, io.Discard); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	first := out.String()
	out.Reset()
	if err := run(ctx, []string{"migrate", "--db", db}, nil, &out, io.Discard); err != nil || out.String() != first {
		t.Fatalf("second migrate changed something: %q vs %q (%v)", out.String(), first, err)
	}
	for i := 0; i < 2; i++ {
		if err := run(ctx, []string{"demo", "--db", db}, nil, io.Discard, io.Discard); err != nil {
			t.Fatalf("demo run %d: %v", i, err)
		}
	}
	out.Reset()
	err := run(ctx, []string{"user", "add", "--db", db, "--username", "zhang", "--roles", "office,staff", "--department", "office", "--password-stdin"}, strings.NewReader("s3cret-pass\n"), &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "user zhang created") {
		t.Fatalf("user add: %v %q", err, out.String())
	}
	err = run(ctx, []string{"user", "add", "--db", db, "--username", "zhang", "--roles", "office", "--password-stdin"}, strings.NewReader("s3cret-pass\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "taken") {
		t.Fatalf("duplicate user add: %v", err)
	}
	err = run(ctx, []string{"user", "add", "--db", db, "--username", "li", "--roles", "emperor", "--password-stdin"}, strings.NewReader("s3cret-pass\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "Unknown role") {
		t.Fatalf("bad role: %v", err)
	}
	if err := run(ctx, []string{"bogus"}, nil, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command accepted")
	}
	out.Reset()
	if err := run(ctx, []string{"version"}, nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "jiedai ") {
		t.Fatalf("version: %v %q", err, out.String())
	}

	// serve: starts, answers /readyz and the login page, stops on cancel.
	sctx, cancel := context.WithCancel(ctx)
	stdout := &syncBuf{}
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--demo"}, nil, stdout, io.Discard)
	}()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve did not start: %q", stdout.String())
	}
	for path, want := range map[string]string{"/readyz": "ready", "/login": "jiedai-demo"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
