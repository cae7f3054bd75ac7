// Package api serves the JSON API under /api/v1 with bearer tokens, and its
// OpenAPI 3.1 document generated from the handlers' own types.
package api

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/reqlog"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

type ctxKey int

const (
	keyActor ctxKey = iota
	keyLang
	keyIP
)

// Server is the JSON API.
type Server struct {
	app *app.App
	API huma.API
	mux *http.ServeMux
}

var installErrors sync.Once

// New builds the API with every route registered.
func New(a *app.App) *Server {
	installErrors.Do(func() {
		huma.NewErrorWithContext = newHumaError
		huma.NewError = func(status int, msg string, e ...error) huma.StatusError { return newHumaError(nil, status, msg, e...) }
	})
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Jiedai API", "1.0.0")
	cfg.Info.Description = "Client reception and venue operations. Authenticate with POST /api/v1/tokens, then send Authorization: Bearer <token>."
	cfg.OpenAPIPath = Prefix + "/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = Prefix + "/schemas"
	cfg.CreateHooks = nil // no $schema links in responses
	// Paths carry the /api/v1 prefix, so the server is the site's root,
	// relative to wherever the document is served from.
	cfg.Servers = []*huma.Server{{URL: "/", Description: "This Jiedai site"}}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "API token from POST /api/v1/tokens"},
	}
	api := humago.New(mux, cfg)
	s := &Server{app: a, API: api, mux: mux}
	api.UseMiddleware(s.authenticate)
	s.routesAuth()
	s.routesAdmin()
	s.routesWorkdays()
	s.routesClients()
	s.routesPosts()
	s.routesReception()
	s.routesReceptionRoom()
	s.routesBooking()
	s.routesBookingSteps()
	s.routesMeetings()
	s.routesMeetingConfig()
	s.routesToday()
	s.routesDocuments()
	s.routesBillingBooks()
	return s
}

// ServeHTTP serves the API; unknown /api/v1 paths get a JSON 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		lang := i18n.Negotiate(r, "")
		writeError(w, lang, s.app.I18n, errs.New(errs.NotFound, "err.page_not_found")) // a 404: nothing to log
		return
	}
	s.mux.ServeHTTP(w, r)
}

// authenticate resolves a bearer token (if any) into the actor and picks the
// caller's language; routes that need a user check it themselves.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	ctx = huma.WithValue(ctx, bundleKey{}, s.app.I18n)
	ctx = huma.WithValue(ctx, keyIP, clientIP(ctx))
	ctx = huma.WithValue(ctx, logKey{}, s.app.Log)
	lang, signedIn := "", false
	h := ctx.Header("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		u, err := s.app.Auth.TokenUser(ctx.Context(), strings.TrimSpace(tok))
		if err != nil {
			l := negotiateHuma(ctx, "")
			ctx = huma.WithValue(ctx, keyLang, l)
			e, status := s.fail(ctx.Context(), err), http.StatusUnauthorized
			if e.status >= http.StatusInternalServerError {
				status = e.status // our failure, not a bad token
			}
			_ = huma.WriteErr(s.API, ctx, status, "", e)
			return
		}
		ctx = huma.WithValue(ctx, keyActor, u.Actor(clientIP(ctx)))
		lang, signedIn = u.Lang, true
	}
	ctx = huma.WithValue(ctx, keyLang, negotiateHuma(ctx, lang))
	if !signedIn && needsToken(ctx.Operation()) {
		// No token on an operation that needs one: 401 before the input
		// is even read, whatever it holds.
		l := negotiateHuma(ctx, "")
		_ = huma.WriteErr(s.API, ctx, http.StatusUnauthorized, "", toStatus(errs.New(errs.Unauthorized, "err.login_required"), l, s.app.I18n))
		return
	}
	next(ctx)
}

// clientIP is the caller's address without the port (the server's
// trusted-proxy middleware has already put the real one in RemoteAddr).
func clientIP(ctx huma.Context) string {
	host, _, err := net.SplitHostPort(ctx.RemoteAddr())
	if err != nil {
		return ctx.RemoteAddr()
	}
	return host
}

// ipFrom returns the caller's address put in the context by authenticate.
func ipFrom(ctx context.Context) string {
	ip, _ := ctx.Value(keyIP).(string)
	return ip
}

func negotiateHuma(ctx huma.Context, userLang string) string {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Language", ctx.Header("Accept-Language"))
	return i18n.Negotiate(r, userLang)
}

// actorFrom returns the authenticated actor, or an unauthorized error.
func actorFrom(ctx context.Context) (access.Actor, error) {
	a, ok := ctx.Value(keyActor).(access.Actor)
	if !ok || a.UserID == 0 {
		return access.Actor{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	return a, nil
}

func langOf(ctx context.Context) string {
	if l, ok := ctx.Value(keyLang).(string); ok && l != "" {
		return l
	}
	return i18n.ZhHans
}

// fail translates err into the caller's language and logs it, with the
// request id, when the failure is ours (5xx).
func (s *Server) fail(ctx context.Context, err error) *Error {
	e := toStatus(err, langOf(ctx), s.app.I18n)
	if e.status >= http.StatusInternalServerError {
		reqlog.Failure(ctx, s.app.Log, e.status, err)
		e.Err.RequestID = reqlog.ID(ctx)
	}
	return e
}

// needsToken reports whether o can only be called with a bearer token:
// it has security requirements and none of them is empty.
func needsToken(o *huma.Operation) bool {
	for _, req := range o.Security {
		if len(req) == 0 {
			return false
		}
	}
	return len(o.Security) > 0
}

// optionalBearer marks o as callable with or without a bearer token.
func optionalBearer(o huma.Operation) huma.Operation {
	o.Security = []map[string][]string{{"bearer": {}}, {}}
	return o
}

// op describes a route for the OpenAPI document; a public one declares
// that it needs no token ("security: []").
func op(method, path, id, summary, tag string, public bool) huma.Operation {
	o := huma.Operation{OperationID: id, Method: method, Path: Prefix + path, Summary: summary, Tags: []string{tag},
		MaxBodyBytes: 1 << 20, Security: []map[string][]string{{"bearer": {}}}}
	if public {
		o.Security = []map[string][]string{}
	}
	if method == http.MethodPost && !strings.Contains(path, "{") && id != "create-token" {
		o.DefaultStatus = http.StatusCreated
	}
	return o
}

// handle registers an authenticated route: h receives the actor and its
// errors are translated into the caller's language.
func handle[I, O any](s *Server, o huma.Operation, h func(ctx context.Context, a access.Actor, in *I) (*O, error)) {
	o.Errors = append(o.Errors, 400, 401, 403, 404, 409, 422)
	huma.Register(s.API, o, func(ctx context.Context, in *I) (*O, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		if f, bad := badText(in); bad {
			return nil, toStatus(errs.Field(f, "err.bad_text"), langOf(ctx), s.app.I18n)
		}
		out, err := h(ctx, a, in)
		if err != nil {
			return nil, withRetryAfter(err, s.fail(ctx, err))
		}
		return out, nil
	})
}

// handlePublic registers a route that needs no token.
func handlePublic[I, O any](s *Server, o huma.Operation, h func(ctx context.Context, in *I) (*O, error)) {
	o.Errors = append(o.Errors, 400, 422, 429)
	huma.Register(s.API, o, func(ctx context.Context, in *I) (*O, error) {
		if f, bad := badText(in); bad {
			return nil, toStatus(errs.Field(f, "err.bad_text"), langOf(ctx), s.app.I18n)
		}
		out, err := h(ctx, in)
		if err != nil {
			return nil, withRetryAfter(err, s.fail(ctx, err))
		}
		return out, nil
	})
}

// withRetryAfter adds a Retry-After header to the API error out when the
// domain error err tells how long to wait.
func withRetryAfter(err error, out *Error) error {
	if n := errs.As(err).RetryAfter(); n > 0 {
		return huma.ErrorWithHeaders(out, http.Header{"Retry-After": {strconv.Itoa(n)}})
	}
	return out
}
