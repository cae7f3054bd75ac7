// Package reqlog gives every request an id and is the one place where the
// pages, the API and the server log a request that failed on our side
// (an answer of 500 or more), with that id.
package reqlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
)

// Header carries the request id in every response (and may bring one from
// a proxy in front).
const Header = "X-Request-Id"

type ctxKey struct{}

// request is what the log needs to know of a request.
type request struct {
	id, method, path string
}

// WithID gives every request an id: the proxy's X-Request-Id when it is a
// short token, else a new random one. The id is in the request's context
// and in the response's X-Request-Id header.
func WithID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !validID(id) {
			id = newID()
		}
		w.Header().Set(Header, id)
		ctx := context.WithValue(r.Context(), ctxKey{}, request{id: id, method: r.Method, path: r.URL.Path})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// ID returns the request's id, "" outside WithID.
func ID(ctx context.Context) string {
	req, _ := ctx.Value(ctxKey{}).(request)
	return req.id
}

// Failure logs an answer of status 500 or more, with the request id,
// method and path and the cause; lesser statuses are the caller's doing
// and are not logged.
func Failure(ctx context.Context, log *slog.Logger, status int, cause any) {
	if status < http.StatusInternalServerError || log == nil {
		return
	}
	req, _ := ctx.Value(ctxKey{}).(request)
	log.ErrorContext(ctx, "request failed", "request_id", req.id, "status", status, "method", req.method, "path", req.path, "err", cause)
}

// validID accepts ids of 1 to 64 letters, digits, '-', '_' and '.'
// (nothing that could forge a log line).
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// newID is 16 random hex digits.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
