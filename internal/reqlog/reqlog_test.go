package reqlog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWithID(t *testing.T) {
	var seen string
	h := WithID(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = ID(r.Context()) }))
	for _, c := range []struct{ in, want string }{
		{"", ""},                       // a new one
		{"abc-123_x.y", "abc-123_x.y"}, // the proxy's
		{"forged\nlevel=ERROR", ""},
		{strings.Repeat("a", 65), ""},
	} {
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		if c.in != "" {
			r.Header.Set(Header, c.in)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Header().Get(Header)
		if got != seen || (c.want != "" && got != c.want) || (c.want == "" && (len(got) != 16 || got == c.in)) {
			t.Errorf("%q: header %q, context %q", c.in, got, seen)
		}
	}
}

func TestFailureLogsOnlyServerErrors(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ctx := context.WithValue(context.Background(), ctxKey{}, request{id: "r1", method: "GET", path: "/p"})
	Failure(ctx, log, http.StatusNotFound, errors.New("no such record"))
	if buf.Len() != 0 {
		t.Fatalf("a 404 was logged: %s", buf.String())
	}
	Failure(ctx, log, http.StatusInternalServerError, errors.New("disk full"))
	for _, want := range []string{"request_id=r1", "status=500", "path=/p", "disk full"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q: %s", want, buf.String())
		}
	}
}
