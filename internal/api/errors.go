package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/reqlog"
)

// ErrorBody is the shape of every error: {"error":{"code","message","field"}}.
type ErrorBody struct {
	Code    string       `json:"code" doc:"Machine-readable code: invalid, bad_request, conflict, not_found, forbidden, unauthorized, rate_limited, internal"`
	Message string       `json:"message" doc:"Human-readable message in the caller's language"`
	Field   string       `json:"field,omitempty" doc:"The input field concerned"`
	Details []FieldError `json:"details,omitempty" doc:"Every field error, when there are several"`
	// RequestID names the log line of a failure on the server's side.
	RequestID string `json:"request_id,omitempty" doc:"On a 5xx answer: the request's id, under which the failure was logged (also in the X-Request-Id header)"`
}

// FieldError is one field's problem.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the API error response. Extra holds additional top-level members
// (for a booking conflict: conflicts and alternatives).
type Error struct {
	status int
	Err    ErrorBody      `json:"error"`
	Extra  map[string]any `json:"-"`
}

func (e *Error) Error() string  { return e.Err.Message }
func (e *Error) GetStatus() int { return e.status }

// MarshalJSON puts Extra beside "error".
func (e *Error) MarshalJSON() ([]byte, error) {
	m := map[string]any{"error": e.Err}
	for k, v := range e.Extra {
		if k != "error" {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// ExtraPayload lets a domain error's Extra add top-level members.
type ExtraPayload interface{ APIExtra() map[string]any }

// toStatus turns any error into a translated API error.
func toStatus(err error, lang string, b *i18n.Bundle) *Error {
	if ae, ok := err.(*Error); ok {
		return ae
	}
	e := errs.As(err)
	out := &Error{status: e.Status(), Err: ErrorBody{Code: string(e.Kind), Message: b.T(lang, e.Key, e.Args), Field: e.Field}}
	switch x := e.Extra.(type) {
	case []*errs.Error:
		for _, fe := range x {
			out.Err.Details = append(out.Err.Details, FieldError{Field: fe.Field, Message: b.T(lang, fe.Key, fe.Args)})
		}
	case ExtraPayload:
		out.Extra = x.APIExtra()
	}
	return out
}

// newHumaError translates huma's own validation and parsing errors.
func newHumaError(ctx huma.Context, status int, msg string, details ...error) huma.StatusError {
	lang := i18n.ZhHans
	if ctx != nil {
		lang = langOf(ctx.Context())
	}
	b := bundle(ctx)
	key, kind := "err.bad_request", errs.BadRequest
	switch {
	case status == http.StatusRequestEntityTooLarge:
		key = "err.body_too_large"
	case status == http.StatusUnprocessableEntity:
		key, kind = "err.invalid", errs.Invalid
	case status == http.StatusBadRequest && strings.Contains(strings.ToLower(msg), "unmarshal"):
		key = "err.bad_json"
	case status == http.StatusNotFound:
		key, kind = "err.not_found", errs.NotFound
	case status == http.StatusUnauthorized:
		key, kind = "err.login_required", errs.Unauthorized
	case status == http.StatusForbidden:
		key, kind = "err.forbidden", errs.Forbidden
	case status >= 500:
		key, kind = "err.internal", errs.Internal
		if ctx != nil {
			log, _ := ctx.Context().Value(logKey{}).(*slog.Logger)
			reqlog.Failure(ctx.Context(), log, status, errors.Join(append([]error{errors.New(msg)}, details...)...))
		}
	}
	out := &Error{status: status, Err: ErrorBody{Code: string(kind), Message: tr(b, lang, key, map[string]any{"detail": msg})}}
	if status >= 500 && ctx != nil {
		out.Err.RequestID = reqlog.ID(ctx.Context())
	}
	if status == http.StatusRequestEntityTooLarge {
		out.status = http.StatusRequestEntityTooLarge
	}
	for _, d := range details {
		var field, dmsg string
		if ed, ok := d.(huma.ErrorDetailer); ok {
			det := ed.ErrorDetail()
			field = strings.TrimPrefix(strings.TrimPrefix(det.Location, "body."), "body")
			field = strings.TrimPrefix(field, "query.")
			field = strings.TrimPrefix(field, "path.")
			dmsg = det.Message
		} else {
			dmsg = d.Error()
		}
		fkey := "err.invalid"
		switch {
		case strings.HasPrefix(dmsg, "expected required property "):
			prop := strings.TrimSuffix(strings.TrimPrefix(dmsg, "expected required property "), " to be present")
			if field != "" {
				field += "."
			}
			field += prop
			fkey = "err.required"
		case strings.HasPrefix(dmsg, "expected "):
			fkey = "err.wrong_type"
		}
		if key == "err.bad_json" {
			fkey = "err.bad_json"
		}
		m := tr(b, lang, fkey, map[string]any{"detail": dmsg})
		out.Err.Details = append(out.Err.Details, FieldError{Field: field, Message: m})
		if out.Err.Field == "" && field != "" {
			out.Err.Field = field
			out.Err.Message = tr(b, lang, "err.field_prefix", map[string]any{"field": field, "message": m})
		}
	}
	return out
}

// logKey carries the app's logger into huma's error constructor.
type logKey struct{}

// bundleKey carries the catalogue into huma's error constructor.
type bundleKey struct{}

func bundle(ctx huma.Context) *i18n.Bundle {
	if ctx == nil {
		return nil
	}
	b, _ := ctx.Context().Value(bundleKey{}).(*i18n.Bundle)
	return b
}

func tr(b *i18n.Bundle, lang, key string, args map[string]any) string {
	if b == nil {
		return key
	}
	return b.T(lang, key, args)
}

// writeError writes a domain error outside huma (404 for unknown routes).
func writeError(w http.ResponseWriter, lang string, b *i18n.Bundle, err error) {
	e := toStatus(err, lang, b)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(e)
}
