package server_test

import (
	"net/http"
	"strings"
)

// readPattern is the GET route that reads the record a route acts on: the
// route's pattern up to its first parameter ("POST /bookings/{id}/cancel"
// → "GET /bookings/{id}"), when that route exists and is not the route
// itself; "" otherwise.
func readPattern(route string, routes map[string]bool) string {
	_, pattern, _ := strings.Cut(route, " ")
	i := strings.Index(pattern, "}")
	if i < 0 {
		return ""
	}
	read := "GET " + pattern[:i+1]
	if read == route || !routes[read] {
		return ""
	}
	return read
}

// recordPath cuts a concrete path of a route to the record it acts on, as
// readPattern cuts the pattern.
func recordPath(pattern, path string) string {
	depth := strings.Count(pattern[:strings.Index(pattern, "}")], "/")
	parts := strings.SplitN(path, "/", depth+2)
	return strings.Join(parts[:depth+1], "/")
}

// readHidden reports whether the record a route's call acts on is hidden
// from the subject: its read route answers 404. Such a caller must get
// 404 from every other route of the record too, never 403, so that a
// refused write does not reveal that the record exists.
func (e *authzEnv) readHidden(r rule, s *subject, c call, routes map[string]bool) bool {
	if s.name == anon || readPattern(r.route, routes) == "" {
		return false
	}
	_, pattern, _ := strings.Cut(r.route, " ")
	path := recordPath(pattern, strings.SplitN(c.path, "?", 2)[0])
	_, st, _ := e.do(s, http.MethodGet, strings.HasPrefix(pattern, "/api/"), call{path: path})
	return st == http.StatusNotFound
}
