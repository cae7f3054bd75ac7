// Package errs is the error every domain call returns to a person: a kind
// (which decides the HTTP status), a catalogue key for the message, the field
// it concerns and the values the message needs. Web and API translate it.
package errs

import (
	"errors"
	"fmt"

	"jiedai/internal/store"
)

// Kind classifies an error for the caller.
type Kind string

// The kinds, with the HTTP status each maps to.
const (
	Invalid      Kind = "invalid"      // 422: a field is wrong
	BadRequest   Kind = "bad_request"  // 400: the request itself is malformed
	Conflict     Kind = "conflict"     // 409: clashes with existing data or state
	NotFound     Kind = "not_found"    // 404
	Forbidden    Kind = "forbidden"    // 403
	Unauthorized Kind = "unauthorized" // 401
	TooMany      Kind = "rate_limited" // 429
	Internal     Kind = "internal"     // 500
)

// Error is a translated-on-display error.
type Error struct {
	Kind  Kind
	Key   string         // message key in the i18n catalogues
	Field string         // the input field concerned, if any
	Args  map[string]any // values for the message's {placeholders}
	Extra any            // extra payload for the API (e.g. conflicts and alternatives)
	Err   error          // the cause, never shown to the user
}

func (e *Error) Error() string {
	s := string(e.Kind) + ": " + e.Key
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Status returns the HTTP status for the error's kind.
func (e *Error) Status() int {
	switch e.Kind {
	case Invalid:
		return 422
	case BadRequest:
		return 400
	case Conflict:
		return 409
	case NotFound:
		return 404
	case Forbidden:
		return 403
	case Unauthorized:
		return 401
	case TooMany:
		return 429
	}
	return 500
}

// Field reports a wrong input field; key is the reason, e.g. "err.required".
func Field(field, key string, args ...any) *Error {
	return &Error{Kind: Invalid, Key: key, Field: field, Args: pairs(args)}
}

// New makes an error of a kind with a message key.
func New(kind Kind, key string, args ...any) *Error {
	return &Error{Kind: kind, Key: key, Args: pairs(args)}
}

// Forbid is the standard "you may not" error.
func Forbid() *Error { return &Error{Kind: Forbidden, Key: "err.forbidden"} }

// Missing is the standard "no such record" error.
func Missing() *Error { return &Error{Kind: NotFound, Key: "err.not_found"} }

// Refuse is the answer to a caller not allowed to act on a record: "no
// such record" when they may not read it either (a refused change must not
// reveal that the record exists: every route of it answers as its read
// does), "you may not" when they may.
func Refuse(canRead bool) *Error {
	if !canRead {
		return Missing()
	}
	return Forbid()
}

// State reports a transition that the record's state does not allow.
func State(from, action string) *Error {
	return &Error{Kind: Conflict, Key: "err.bad_transition", Args: map[string]any{"from": from, "action": action}}
}

// Wrap adds context to a non-domain error, keeping domain errors as they are
// and mapping store.ErrNotFound to Missing.
func Wrap(err error, context string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, store.ErrNotFound) {
		m := Missing()
		m.Err = err
		return m
	}
	return fmt.Errorf("%s: %w", context, err)
}

// As returns the domain error in err's chain, or an Internal one.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Kind: NotFound, Key: "err.not_found", Err: err}
	}
	if store.IsBadData(err) {
		return &Error{Kind: BadRequest, Key: "err.bad_request", Err: err}
	}
	return &Error{Kind: Internal, Key: "err.internal", Err: err}
}

// List collects several field errors from one validation pass.
type List []*Error

// Add appends a field error.
func (l *List) Add(field, key string, args ...any) { *l = append(*l, Field(field, key, args...)) }

// Err returns the first error (all are kept in Extra) or nil.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	first := *l[0]
	first.Extra = []*Error(l)
	return &first
}

func pairs(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return m
}
