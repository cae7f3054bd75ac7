package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jiedai/internal/store"
)

// Post/redirect/get: a refused form is not answered with a page at the
// POST address (a reload would post again, the address bar shows the
// action). fail keeps the messages and the values typed in a flash row,
// named by a cookie, and redirects back to the page the form was on; that
// page's GET takes them (once) and shows the form as it was, fields marked.

const (
	flashCookie = "jiedai_flash"
	flashTTL    = 10 * time.Minute
)

// formFlash is what a refused POST hands to the page it goes back to.
type formFlash struct {
	Errors   map[string]string `json:"errors,omitempty"`
	ErrorMsg string            `json:"error_msg,omitempty"`
	Form     url.Values        `json:"form,omitempty"`
	// Extra holds what a page learnt from the refusal besides messages
	// (a booking's conflicts and alternatives), see Page.keep.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// keep hands v, under key, to the page a refused form goes back to
// (read there with flashExtra).
func (p *Page) keep(key string, v any) {
	if p.kept == nil {
		p.kept = map[string]any{}
	}
	p.kept[key] = v
}

// flashExtra reads what the refused POST kept under key for this page.
func flashExtra(r *http.Request, key string, v any) bool {
	f, _ := r.Context().Value(flashKey{}).(*formFlash)
	if f == nil || f.Extra[key] == nil {
		return false
	}
	return json.Unmarshal(f.Extra[key], v) == nil
}

type flashKey struct{}

// secretField reports whether a form field must not be kept: passwords,
// secrets and tokens are typed again.
func secretField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "secret") || strings.Contains(n, "token")
}

// backURL is where a refused POST goes back to: the page the form was on
// (the Referer, same origin), else the nearest GET route above the POST
// path (/receptions/7/desk/3/sign-in → /receptions/7/desk); "" when there
// is none. The success flag (?ok=) of an earlier redirect is dropped.
func (s *Server) backURL(r *http.Request) string {
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" && strings.HasPrefix(ref.Path, "/") {
		q := ref.Query()
		q.Del("ok")
		ref.RawQuery = q.Encode()
		if s.hasGET(ref.Path) {
			return ref.RequestURI()
		}
	}
	for p := r.URL.Path; p != "" && p != "/"; p = p[:strings.LastIndexByte(p, '/')] {
		if s.hasGET(p) {
			return p
		}
	}
	return ""
}

// hasGET reports whether a page route answers GET at path.
func (s *Server) hasGET(path string) bool {
	if s.mux == nil {
		return false
	}
	req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path}, Host: "x"}
	_, pattern := s.mux.Handler(req)
	return pattern != "" && (pattern != "GET /" || path == "/")
}

// failBack keeps a refused form's page state and redirects to back.
func (s *Server) failBack(w http.ResponseWriter, r *http.Request, back string, f formFlash, kept map[string]any) error {
	for k, v := range kept {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode flash %s: %w", k, err)
		}
		if f.Extra == nil {
			f.Extra = map[string]json.RawMessage{}
		}
		f.Extra[k] = b
	}
	f.Form = url.Values{}
	for k, v := range r.PostForm {
		if !secretField(k) {
			f.Form[k] = v
		}
	}
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode flash: %w", err)
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("flash token: %w", err)
	}
	tok := hex.EncodeToString(b)
	now := s.app.Clock.Now()
	backPath, _, _ := strings.Cut(back, "?")
	err = s.app.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if _, err := tx.Exec(r.Context(), `DELETE FROM web_flashes WHERE created_at < ?`, store.Ms(now.Add(-flashTTL))); err != nil {
			return fmt.Errorf("sweep flashes: %w", err)
		}
		if _, err := tx.Exec(r.Context(), `INSERT INTO web_flashes (token, back, data, created_at) VALUES (?, ?, ?, ?)`, tok, backPath, string(data), store.Ms(now)); err != nil {
			return fmt.Errorf("keep flash: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: tok, Path: "/", MaxAge: int(flashTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// takeFlash gives a GET the flash kept for its page (and forgets it): the
// values go to r.PostForm too, so page builders that look at what was
// posted (which form to open) see them. Other requests pass unchanged.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *http.Request {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return r
	}
	ctx := r.Context()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// A new post: the refusal kept before it is no longer news.
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
		if _, err := s.app.DB.Exec(ctx, `DELETE FROM web_flashes WHERE token = ?`, c.Value); err != nil {
			s.log.Warn("forget flash", "err", err)
		}
		return r
	}
	var back, data string
	var created int64
	err = s.app.DB.QueryRow(ctx, `SELECT back, data, created_at FROM web_flashes WHERE token = ?`, c.Value).Scan(&back, &data, &created)
	if err != nil {
		if store.IsNoRows(err) {
			http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
		}
		return r
	}
	if back != r.URL.Path {
		return r // another page (an image, a script) loads first; the flash waits
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	if _, err := s.app.DB.Exec(ctx, `DELETE FROM web_flashes WHERE token = ?`, c.Value); err != nil {
		s.log.Warn("forget flash", "err", err)
	}
	var f formFlash
	if s.app.Clock.Now().Sub(store.Time(created)) > flashTTL || json.Unmarshal([]byte(data), &f) != nil {
		return r
	}
	if f.Form != nil {
		r.PostForm = f.Form
	}
	return r.WithContext(context.WithValue(ctx, flashKey{}, &f))
}

// applyFlash shows a kept refusal on the page about to be rendered.
func applyFlash(r *http.Request, p *Page) {
	f, _ := r.Context().Value(flashKey{}).(*formFlash)
	if f == nil || p == nil {
		return
	}
	if f.Form != nil {
		p.Form = f.Form
	}
	if len(f.Errors) > 0 {
		p.Errors = f.Errors
	}
	if f.ErrorMsg != "" {
		p.ErrorMsg = f.ErrorMsg
	}
}
