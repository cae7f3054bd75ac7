package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// lockedBuffer is a log sink the server's goroutines may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log records written so far.
func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// TestFailuresAreLoggedWithRequestID: a 5xx, on the API as on the pages,
// writes one log line carrying the request id that the answer names in
// its X-Request-Id header (and, on the API, in the error body).
func TestFailuresAreLoggedWithRequestID(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		var sink lockedBuffer
		a.Log = slog.New(slog.NewJSONHandler(&sink, nil))
		srv := apptest.Serve(t, a)
		// Break the tables behind two public routes: their next read fails.
		for _, q := range []string{`ALTER TABLE venues RENAME TO venues_gone`, `ALTER TABLE booking_feeds RENAME TO booking_feeds_gone`} {
			if _, err := db.Exec(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			path string
			api  bool
		}{
			{"/api/v1/venues/1/calendar.ics?token=0123456789abcdef0123", true},
			{"/calendar/0123456789abcdef0123456789.ics", false},
		} {
			resp, err := http.Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			id := resp.Header.Get("X-Request-Id")
			if resp.StatusCode != http.StatusInternalServerError || id == "" {
				t.Fatalf("%s: %d, request id %q: %s", c.path, resp.StatusCode, id, body)
			}
			if c.api {
				var e struct {
					Error struct {
						RequestID string `json:"request_id"`
					} `json:"error"`
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Error.RequestID != id {
					t.Errorf("%s: body names request %q, header %q: %s", c.path, e.Error.RequestID, id, body)
				}
			}
			found := 0
			for _, l := range sink.lines(t) {
				if l["request_id"] == id {
					found++
					if l["level"] != "ERROR" || l["status"] != float64(500) || l["path"] != strings.SplitN(c.path, "?", 2)[0] || l["err"] == "" {
						t.Errorf("%s: log line %v", c.path, l)
					}
				}
			}
			if found != 1 {
				t.Errorf("%s: %d log lines with request id %s, want 1; log:\n%s", c.path, found, id, sink.buf.String())
			}
		}
		// A request refused for the caller's own reasons is not logged.
		before := len(sink.lines(t))
		if resp, err := http.Get(srv.URL + "/api/v1/venues/1/calendar.ics"); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("no credentials: %v %v", resp, err)
		}
		if n := len(sink.lines(t)); n != before {
			t.Errorf("a 401 was logged: %d lines after %d", n, before)
		}
	})
}
