package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/i18n"
	"jiedai/internal/store"
)

const sessionCookie = "jiedai_session"

type ctxKey int

const (
	keyUser ctxKey = iota
	keyLang
)

// withSession loads the signed-in user (if any) and the language for every
// request, and sets the security headers.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SecurityHeaders(w.Header())
		ctx := r.Context()
		var u *auth.User
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if user, err := s.app.Auth.SessionUser(ctx, c.Value); err == nil {
				u = &user
				ctx = context.WithValue(ctx, keyUser, u)
			}
		}
		userLang := ""
		if u != nil {
			userLang = u.Lang
		}
		ctx = context.WithValue(ctx, keyLang, i18n.Negotiate(r, userLang))
		r = r.WithContext(ctx)
		if key := checkInput(r); key != "" {
			status := http.StatusBadRequest
			if key == "err.body_too_large" {
				status = http.StatusRequestEntityTooLarge
			}
			s.renderError(w, r, status, key)
			return
		}
		r = s.takeFlash(w, r)
		next.ServeHTTP(w, r)
	})
}

// checkInput parses the query and a URL-encoded form body and returns the
// message key of a 400 answer when they are malformed, or when the path,
// the query or the form hold text the database cannot store (NUL, bytes
// that are not UTF-8); "" when all is well. Multipart uploads are read by
// their handlers.
func checkInput(r *http.Request) string {
	if !store.StorableText(r.URL.Path) {
		return "err.bad_text"
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "err.body_too_large"
		}
		return "err.bad_request"
	}
	for k, vs := range r.Form {
		if !store.StorableText(k) {
			return "err.bad_text"
		}
		for _, v := range vs {
			if !store.StorableText(v) {
				return "err.bad_text"
			}
		}
	}
	return ""
}

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
}

func userFrom(r *http.Request) *auth.User {
	u, _ := r.Context().Value(keyUser).(*auth.User)
	return u
}

func langFrom(r *http.Request) string {
	l, _ := r.Context().Value(keyLang).(string)
	if l == "" {
		return i18n.ZhHans
	}
	return l
}

// ClientIP returns the remote address without the port.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// handler is a page handler that knows who is acting.
type handler func(w http.ResponseWriter, r *http.Request, a access.Actor)

// authed wraps h so it runs only for a signed-in user holding one of roles
// (any signed-in user when roles is empty). Others are sent to the login page
// or shown "forbidden". The domain call checks permissions again.
func (s *Server) authed(h handler, roles ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r)
		if u == nil {
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet || strings.HasPrefix(next, "//") {
				next = "/"
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(next), http.StatusSeeOther)
			return
		}
		a := u.Actor(ClientIP(r))
		if len(roles) > 0 && !a.Has(roles...) {
			s.renderError(w, r, http.StatusForbidden, "err.forbidden")
			return
		}
		h(w, r, a)
	}
}
