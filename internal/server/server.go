// Package server puts web, api and the operational endpoints behind one
// handler with the middleware every request passes: recovery, logging,
// metrics and cross-origin protection.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"jiedai/internal/api"
	"jiedai/internal/app"
	"jiedai/internal/caldav"
	"jiedai/internal/reqlog"
	"jiedai/internal/web"
)

// Handler builds the whole HTTP handler for an app.
func Handler(a *app.App) (http.Handler, error) {
	w, err := web.New(a)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reqs := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "jiedai_http_request_duration_seconds", Help: "HTTP request latency by route group and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"group", "method", "code"})
	reg.MustRegister(reqs,
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "jiedai_page_cache_hits_total", Help: "Pages answered from the page cache."},
			func() float64 { h, _ := w.PageCacheStats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "jiedai_page_cache_misses_total", Help: "Cacheable pages built afresh."},
			func() float64 { _, m := w.PageCacheStats(); return float64(m) }))

	mux := http.NewServeMux()
	mux.Handle(api.Prefix+"/", api.New(a))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.DB.Ping(ctx); err != nil {
			a.Log.Warn("readiness: database unreachable", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unreachable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	// CalDAV is read-only: the methods that change nothing, no others
	// (the mux answers 405 to PUT, DELETE, MKCOL, PROPPATCH…).
	mux.Handle("GET /dav/", a.CalDAV)
	mux.Handle("OPTIONS /dav/", a.CalDAV)
	mux.Handle("PROPFIND /dav/", a.CalDAV)
	mux.Handle("REPORT /dav/", a.CalDAV)
	mux.Handle("GET /.well-known/caldav", a.CalDAV)
	mux.Handle("PROPFIND /.well-known/caldav", a.CalDAV)
	mux.Handle("/", w.Handler())

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		web.SecurityHeaders(rw.Header())
		http.Error(rw, "cross-origin request refused", http.StatusForbidden)
	}))
	return reqlog.WithID(recoverer(a.Log, observe(reqs, realIP(a.Config.TrustedProxyHeader, cop.Handler(mux))))), nil
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int)        { s.code = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func group(path string) string {
	switch {
	case strings.HasPrefix(path, api.Prefix):
		return "api"
	case strings.HasPrefix(path, "/static/"):
		return "static"
	case strings.HasPrefix(path, caldav.Prefix) || path == caldav.WellKnown:
		return "caldav"
	case path == "/metrics" || path == "/healthz" || path == "/readyz":
		return "ops"
	}
	return "web"
}

func observe(h *prometheus.HistogramVec, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: 200}
		next.ServeHTTP(sw, r)
		h.WithLabelValues(group(r.URL.Path), r.Method, strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

// recoverer turns a panic into a logged 500 (with the request id) instead of a dropped connection.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				reqlog.Failure(r.Context(), log, http.StatusInternalServerError, fmt.Errorf("panic: %v", v))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
