package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/reqlog"
)

// Page is what every template receives.
type Page struct {
	L        *i18n.Localizer
	User     *auth.User
	Actor    access.Actor
	Title    string
	Nav      string // the active navigation item
	Loc      *time.Location
	Now      time.Time
	Path     string
	Flash    string            // translated success message
	Errors   map[string]string // field → translated message
	ErrorMsg string            // translated form-level message
	Form     url.Values        // submitted values, kept when re-rendering
	Data     any
	SiteName string
	LogoID   int64
	Demo     bool
	Kiosk    bool // a screen on a wall: no menu, no signed-in user, no sign-out
}

// Val returns a submitted form value, for re-rendering a form.
func (p *Page) Val(name string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Get(name)
}

// Vals returns all submitted values of a form field.
func (p *Page) Vals(name string) []string {
	if p.Form == nil {
		return nil
	}
	return p.Form[name]
}

func (s *Server) newPage(r *http.Request, titleKey, nav string, data any) *Page {
	l := s.app.I18n.For(langFrom(r))
	p := &Page{L: l, User: userFrom(r), Nav: nav, Loc: s.app.Loc, Now: s.app.Clock.Now(), Path: r.URL.Path, Data: data, Demo: s.app.Config.Demo}
	if p.User != nil {
		p.Actor = p.User.Actor(ClientIP(r))
	}
	if titleKey != "" {
		p.Title = l.T(titleKey)
	}
	site := s.app.Site(r.Context())
	p.SiteName, p.LogoID = site.Name, site.LogoID
	if p.SiteName == "" {
		p.SiteName = l.T("app.name")
	}
	if ok := r.URL.Query().Get("ok"); ok != "" && s.app.I18n.Has(l.Lang, "flash."+ok) {
		p.Flash = l.T("flash." + ok)
	}
	return p
}

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	buf, ok := s.renderBuf(w, r, name, p)
	if !ok {
		return
	}
	defer s.putBuf(buf)
	writeHTML(w, status, buf.Bytes())
}

// renderBuf executes a page template into a pooled buffer (give it back
// with putBuf); on a template error it has answered 500 and ok is false.
func (s *Server) renderBuf(w http.ResponseWriter, r *http.Request, name string, p *Page) (buf *bytes.Buffer, ok bool) {
	t, found := s.pages[name]
	if !found {
		reqlog.Failure(r.Context(), s.log, http.StatusInternalServerError, fmt.Errorf("missing template %q", name))
		http.Error(w, "template missing", http.StatusInternalServerError)
		return nil, false
	}
	buf, _ = s.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	if err := t.ExecuteTemplate(buf, name, p); err != nil {
		s.putBuf(buf)
		reqlog.Failure(r.Context(), s.log, http.StatusInternalServerError, fmt.Errorf("render template %q: %w", name, err))
		if name != "error" {
			s.renderError(w, r, http.StatusInternalServerError, "err.internal")
			return nil, false
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return nil, false
	}
	return buf, true
}

// writeHTML sends a rendered page; pages are never kept by browsers or
// proxies (they hold personal data and change with every booking).
func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// putBuf recycles a page buffer (a large page need not grow a new buffer
// from nothing on every request); very large ones are let go.
func (s *Server) putBuf(b *bytes.Buffer) {
	if b.Cap() <= 4<<20 {
		s.bufs.Put(b)
	}
}

// renderError shows an error page with a translated message.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	p := s.newPage(r, "err.title", "", nil)
	p.ErrorMsg = p.L.T(key)
	s.render(w, r, status, "error", p)
}

// fail shows a domain error: as an error page, or, when a form page is
// given, as that form re-rendered with the values kept and fields marked.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, form string, p *Page) {
	e := errs.As(err)
	reqlog.Failure(r.Context(), s.log, e.Status(), err)
	if n := e.RetryAfter(); n > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(n))
	}
	if form == "" || p == nil || (e.Kind != errs.Invalid && e.Kind != errs.Conflict && e.Kind != errs.BadRequest && e.Kind != errs.TooMany && e.Kind != errs.Unauthorized) {
		ep := s.newPage(r, "err.title", "", nil)
		ep.ErrorMsg = ep.L.TArgs(e.Key, e.Args)
		s.render(w, r, e.Status(), "error", ep)
		return
	}
	p.Form = r.PostForm
	p.Errors = map[string]string{}
	all := []*errs.Error{e}
	if list, ok := e.Extra.([]*errs.Error); ok {
		all = list
	}
	for _, fe := range all {
		if fe.Field != "" {
			if _, seen := p.Errors[fe.Field]; !seen {
				p.Errors[fe.Field] = p.L.TArgs(fe.Key, fe.Args)
			}
		}
	}
	if e.Field == "" {
		p.ErrorMsg = p.L.TArgs(e.Key, e.Args)
	} else {
		p.ErrorMsg = p.L.T("common.form_errors")
	}
	s.render(w, r, e.Status(), form, p)
}

// redirect sends the browser on after a successful POST, with a flash key.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		sep := "?"
		if bytes.ContainsRune([]byte(to), '?') {
			sep = "&"
		}
		to += sep + "ok=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// parseID reads a positive record id from a path or form value.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
