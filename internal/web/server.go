// Package web serves the server-rendered HTML pages: embedded templates,
// plain forms that work without JavaScript, and a small script for comfort.
package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"jiedai/internal/app"
	"jiedai/internal/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server renders pages for the services in App.
type Server struct {
	app   *app.App
	pages map[string]*template.Template
	log   *slog.Logger
	bufs  sync.Pool // page buffers, see render
	cache *pageCache
	mux   *http.ServeMux // the page routes, for finding where a refused form goes back to
}

// New parses the templates and returns the web server.
func New(a *app.App) (*Server, error) {
	s := &Server{app: a, log: a.Log, cache: newPageCache(256)}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

// Templates exposes the parsed pages (for the untranslated-literal test).
func (s *Server) Templates() map[string]*template.Template { return s.pages }

func (s *Server) parseTemplates() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return fmt.Errorf("list templates: %w", err)
	}
	base := template.New("").Funcs(funcs())
	var pageFiles []string
	for _, n := range names {
		b := path.Base(n)
		if strings.HasPrefix(b, "_") {
			if _, err := base.ParseFS(templateFS, n); err != nil {
				return fmt.Errorf("parse %s: %w", n, err)
			}
		} else {
			pageFiles = append(pageFiles, n)
		}
	}
	s.pages = map[string]*template.Template{}
	for _, n := range pageFiles {
		t, err := base.Clone()
		if err != nil {
			return fmt.Errorf("clone base templates: %w", err)
		}
		if _, err := t.ParseFS(templateFS, n); err != nil {
			return fmt.Errorf("parse %s: %w", n, err)
		}
		s.pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return nil
}

// Handler returns every web route with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	s.routesAuth(mux)
	s.routesToday(mux)
	s.routesAdmin(mux)
	s.routesClients(mux)
	s.routesPosts(mux)
	s.routesReception(mux)
	s.routesBooking(mux)
	s.routesMeetings(mux)
	s.routesAttachments(mux)
	s.routesAdminSettings(mux)
	s.routesInbox(mux)
	s.routesFeeds(mux)
	s.routesBooks(mux)
	s.routesBilling(mux)
	s.routesDocuments(mux)
	s.mux = mux
	return limitLoginBody(s.withSession(mux))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

func funcs() template.FuncMap {
	m := template.FuncMap{
		"join": strings.Join,
		// actor names who did something: the system in the reader's words.
		"actor": func(l *i18n.Localizer, name string) string {
			if name == "system" {
				return l.T("common.system")
			}
			return name
		},
		"has": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
		"yuan": func(fen int64) string {
			sign := ""
			if fen < 0 {
				sign, fen = "-", -fen
			}
			return fmt.Sprintf("%s¥%d.%02d", sign, fen/100, fen%100)
		},
		"add": func(a, b int) int { return a + b },
		"fmtTime": func(t time.Time, loc *time.Location, layout string) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format(layout)
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"langs":     func() []string { return i18n.Langs },
		"hasPrefix": strings.HasPrefix,
		"list":      func(v ...string) []string { return v },
		"adminTabs": adminTabs,
	}
	for k, v := range receptionFuncs() {
		m[k] = v
	}
	maps.Copy(m, bookingFuncs())
	maps.Copy(m, booksFuncs())
	maps.Copy(m, billingFuncs())
	return m
}
