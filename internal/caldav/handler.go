package caldav

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"

	gocaldav "github.com/emersion/go-webdav/caldav"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/reqlog"
)

// maxBody bounds a request body (PROPFIND and REPORT bodies are small).
const maxBody = 1 << 20

// ServeHTTP answers CalDAV under Prefix and the discovery address.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == WellKnown {
		// RFC 6764 §5: the context path; the client asks it for the principal.
		http.Redirect(w, r, Prefix+"/", http.StatusMovedPermanently)
		return
	}
	a, ok := s.login(w, r)
	if !ok {
		return
	}
	p := r.URL.Path
	if p != Prefix && p != Prefix+"/" && !strings.HasPrefix(p, principalPath(a.UserID)) && p+"/" != principalPath(a.UserID) {
		http.Error(w, "not found", http.StatusNotFound) // another person's calendars: as if absent
		return
	}
	h := &gocaldav.Handler{Backend: backend{s: s, a: a}, Prefix: Prefix}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if cal, name, err := split(a, p); err == nil && cal != "" && name != "" {
			s.get(w, r, a, cal, name)
			return
		}
	case "REPORT", "PROPFIND":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(body) > maxBody {
			http.Error(w, "request body unreadable or too large", http.StatusRequestEntityTooLarge)
			return
		}
		if r.Method == "REPORT" && isSyncCollection(body) {
			s.syncCollection(w, r, a, body)
			return
		}
		if r.Method == "PROPFIND" {
			s.propfind(w, r, a, h, body)
			return
		}
		r.Body = bodyOf(body)
	}
	h.ServeHTTP(w, r)
}

// login checks HTTP Basic credentials: the user name and the person's
// calendar feed token or an API token. It answers 401 itself.
func (s *Service) login(w http.ResponseWriter, r *http.Request) (access.Actor, bool) {
	user, pass, ok := r.BasicAuth()
	if ok {
		a, err := s.Source.Login(r.Context(), user, pass, r.RemoteAddr)
		if err == nil && a.UserID != 0 {
			return a, true
		}
		if e := errs.As(err); err != nil && e.Kind != errs.Unauthorized && e.Kind != errs.NotFound {
			s.fail(w, r, err)
			return access.Actor{}, false
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="Jiedai CalDAV", charset="UTF-8"`)
	http.Error(w, "user name and calendar token required", http.StatusUnauthorized)
	return access.Actor{}, false
}

// fail answers err: its own status for a domain error, else a logged 500.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	var e *errs.Error
	if errors.As(err, &e) {
		status = e.Status()
	}
	if errors.Is(err, errBadToken) {
		// RFC 6578 §3.2: the client starts over with an empty token.
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, xml.Header+`<error xmlns="DAV:"><valid-sync-token/></error>`)
		return
	}
	reqlog.Failure(r.Context(), s.Log, status, err)
	http.Error(w, http.StatusText(status), status)
}

// get sends one object exactly as the ics package wrote it.
func (s *Service) get(w http.ResponseWriter, r *http.Request, a access.Actor, cal, name string) {
	objs, err := s.objects(r.Context(), a, cal)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, o := range objs {
		if o.name != name {
			continue
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("ETag", `"`+o.etag+`"`)
		w.Header().Set("Last-Modified", o.mod.UTC().Format(http.TimeFormat))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(o.data)
		return
	}
	http.Error(w, "not found", http.StatusNotFound)
}

// bodyOf is a request body reading b.
func bodyOf(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
