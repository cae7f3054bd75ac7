package web

import (
	"net/http"
	"strconv"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/caldav"
)

// routesFeeds: a person's and a venue's calendar feed links can be given
// a new address (the old one stops answering) or turned off. The domain
// calls decide who may, and audit it.
func (s *Server) routesFeeds(mux *http.ServeMux) {
	mux.HandleFunc("POST /bookings/mine/feed/rotate", s.authed(s.myFeedRotate))
	mux.HandleFunc("POST /bookings/mine/feed/revoke", s.authed(s.myFeedRevoke))
	mux.HandleFunc("POST /venues/{id}/feed/rotate", s.authed(s.venueFeedRotate))
	mux.HandleFunc("POST /venues/{id}/feed/revoke", s.authed(s.venueFeedRevoke))
}

func (s *Server) myFeedRotate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if _, err := s.app.Bookings.RotateFeedToken(r.Context(), a); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/bookings/mine", "feed_rotated")
}

func (s *Server) myFeedRevoke(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if err := s.app.Bookings.RevokeFeedToken(r.Context(), a); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/bookings/mine", "feed_revoked")
}

func (s *Server) venueFeedRotate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	if _, err := s.app.Venues.RotateFeed(r.Context(), a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/venues/"+strconv.FormatInt(id, 10), "feed_rotated")
}

func (s *Server) venueFeedRevoke(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	if err := s.app.Venues.RevokeFeed(r.Context(), a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/venues/"+strconv.FormatInt(id, 10), "feed_revoked")
}

// calDAVSetup is what a calendar program needs to subscribe to a
// person's calendars by CalDAV: the server address (the public URL when
// one is set), the user name and, as password, the feed token.
type calDAVSetup struct {
	Server    string // where discovery starts: DAVx⁵, Apple Calendar
	Principal string // the account's own address: Thunderbird and others that do not discover
	Username  string
	Password  string
}

func (s *Server) calDAVSetup(r *http.Request, a access.Actor, token string) *calDAVSetup {
	base := strings.TrimSuffix(s.app.PublicURL(r.Context()), "/")
	if base == "" {
		base = siteBase(r)
	}
	return &calDAVSetup{Server: base + caldav.Prefix + "/", Principal: base + caldav.PrincipalPath(a.UserID) + "calendars/",
		Username: a.Username, Password: token}
}

// siteBase is the scheme and host the request came to, for links that
// leave the browser (calendar programs, QR codes).
func siteBase(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
