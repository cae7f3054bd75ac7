package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/booking"
	"jiedai/internal/recur"
	"jiedai/internal/store"
	"jiedai/internal/venue"
	"jiedai/internal/workday"
	"jiedai/internal/workday/overrides"
)

// rule is one row of the policy: who may call a route. The route is the
// pattern as registered ("GET /bookings/{id}") or as in the OpenAPI
// document ("POST /api/v1/bookings"); make builds the concrete request for
// a subject (path values, body), creating the records it needs.
type rule struct {
	route   string
	variant string // when a route has several rows (an {action} value)
	allow   who
	make    func(e *authzEnv, s *subject, pattern string) call
	after   func(e *authzEnv, s *subject)
	// content is a word of a record's content that the answer carries for
	// the subjects in sees only (a read that filters what each reader gets)
	content string
	sees    who
}

func (r rule) name() string {
	if r.variant != "" {
		return r.route + " [" + r.variant + "]"
	}
	return r.route
}

// who is a set of subjects.
type who func(e *authzEnv) map[string]bool

// public: everyone, also without a session.
func public() who {
	return func(e *authzEnv) map[string]bool {
		m := map[string]bool{}
		for _, s := range e.subjects {
			m[s.name] = true
		}
		return m
	}
}

// signedIn: every signed-in user, client users of any organisation too.
func signedIn() who {
	return func(e *authzEnv) map[string]bool {
		m := public()(e)
		delete(m, anon)
		return m
	}
}

// staff: every role but client (admin included).
func staff() who { return roles(access.AllRoles...) }

// roles: the staff subjects holding one of the roles (admin holds all).
func roles(rs ...string) who {
	return func(e *authzEnv) map[string]bool {
		m := map[string]bool{}
		for _, n := range e.roleSubjects() {
			if e.by[n].actor.Has(rs...) {
				m[n] = true
			}
		}
		return m
	}
}

// plus adds subjects by name (clientA for the records' own organisation).
func (w who) plus(names ...string) who {
	return func(e *authzEnv) map[string]bool {
		m := w(e)
		for _, n := range names {
			m[n] = true
		}
		return m
	}
}

// but removes subjects by name.
func (w who) but(names ...string) who {
	return func(e *authzEnv) map[string]bool {
		m := w(e)
		for _, n := range names {
			delete(m, n)
		}
		return m
	}
}

// --- request makers ---

// plain: the pattern itself (no parameters), with a body.
func plain(body string) func(*authzEnv, *subject, string) call {
	return func(_ *authzEnv, _ *subject, p string) call {
		p = strings.ReplaceAll(p, "{$}", "")
		if strings.HasSuffix(p, "/static/") {
			p += "app.css"
		}
		return call{path: p, body: body}
	}
}

// with fills the parameters with fixed values.
func with(values map[string]string, body string) func(*authzEnv, *subject, string) call {
	return func(_ *authzEnv, _ *subject, p string) call { return call{path: fillParams(p, values), body: body} }
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// onVenue: {id} is the fixture venue.
func onVenue(body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		return call{path: fillParams(p, map[string]string{"id": idStr(e.room.ID)}), body: body}
	}
}

// onUser: {id} is a staff user.
func onUser(body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		return call{path: fillParams(p, map[string]string{"id": idStr(e.user)}), body: body}
	}
}

// onBooking: {id} is a booking of orgA in the given status, a new one for
// every call when fresh (the call may change it), else one shared.
func onBooking(status string, fresh bool, action, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		var id int64
		if fresh {
			id = e.newBooking(status).ID
		} else {
			id = e.once("booking-"+status, func() int64 { return e.newBooking(status).ID })
		}
		return call{path: fillParams(p, map[string]string{"id": idStr(id), "action": action}), body: body}
	}
}

// clientSeries books a weekly series of two as client A and returns its
// first booking.
func (e *authzEnv) clientSeries() int64 {
	room, st := e.nextSlot()
	rule, err := recur.Parse("FREQ=WEEKLY;COUNT=2")
	if err != nil {
		e.t.Fatal(err)
	}
	e.clk.Set(apptest.Start)
	_, occ, err := e.app.Bookings.CreateSeries(context.Background(), e.by[clientA].actor, booking.Request{VenueID: room.ID, Start: st, End: st.Add(30 * time.Minute),
		Title: "授权测试例会", Headcount: 6}, rule, false)
	if err != nil || len(occ) == 0 || occ[0].BookingID == 0 {
		e.t.Fatalf("fixture series: %v %+v", err, occ)
	}
	return occ[0].BookingID
}

// bookingJSON is a valid booking request in a free slot.
func bookingJSON(e *authzEnv) string {
	room, st := e.nextSlot()
	return fmt.Sprintf(`{"venue_id":%d,"start":%q,"end":%q,"title":"授权测试","headcount":4,"contact_name":"张伟"}`,
		room.ID, st.Format(time.RFC3339), st.Add(30*time.Minute).Format(time.RFC3339))
}

// bookingForm is the same as the booking form's fields.
func bookingForm(e *authzEnv) string {
	room, st := e.nextSlot()
	st = st.In(e.app.Loc)
	return url.Values{"venue_id": {idStr(room.ID)}, "date": {st.Format("2006-01-02")}, "start": {st.Format("15:04")},
		"end": {st.Add(30 * time.Minute).Format("15:04")}, "title": {"授权测试"}, "headcount": {"4"}, "contact_name": {"张伟"}}.Encode()
}

// mine: {id} is a record of the subject itself (office's for anon).
func mine(make func(e *authzEnv, s *subject) int64, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, s *subject, p string) call {
		if s.name == anon {
			s = e.by[access.Office]
		}
		return call{path: fillParams(p, map[string]string{"id": idStr(make(e, s))}), body: body}
	}
}

func newToken(e *authzEnv, s *subject) int64 {
	_, id, err := e.app.Auth.IssueToken(context.Background(), s.actor, "authz extra")
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func newMessage(e *authzEnv, s *subject) int64 {
	ctx := context.Background()
	if err := e.app.Notify.Notify(ctx, e.app.DB, e.app.Clock.Now(), []int64{s.user.ID}, "booking.msg.approved",
		map[string]any{"title": "授权测试", "venue": "授权测试厅", "start": "2026-04-01 09:00"}, "/bookings"); err != nil {
		e.t.Fatal(err)
	}
	return e.id(`SELECT MAX(id) FROM notifications WHERE user_id = ?`, s.user.ID)
}

// refresh gives the subject a new session and token (after logout).
func refresh(e *authzEnv, s *subject) {
	if s.name != anon {
		e.fresh(s)
	}
}

// policy is the one declared table: every API operation and page route,
// and who may call it. Record-level rules show as the records' owner
// (clientA, of orgA) being allowed and the other organisation's client
// user (clientB) not.
func policy() []rule {
	rules := []rule{
		// --- operational ---
		{route: "GET /healthz", allow: public()},
		{route: "GET /readyz", allow: public()},
		{route: "GET /metrics", allow: public()}, // keep it off the public network (README)

		// --- API: auth ---
		{route: "POST /api/v1/tokens", allow: public(), make: plain(`{"username":"staff","password":"jiedai-demo"}`)},
		{route: "GET /api/v1/tokens", allow: signedIn()},
		{route: "DELETE /api/v1/tokens/{id}", allow: signedIn(), make: mine(newToken, "")},
		{route: "GET /api/v1/me", allow: signedIn()},
		{route: "GET /api/v1/today", allow: signedIn()},
		{route: "GET /api/v1/inbox", allow: signedIn()},
		{route: "POST /api/v1/inbox/{id}/read", allow: signedIn(), make: mine(newMessage, "")},

		// --- API: admin ---
		{route: "GET /api/v1/users", allow: staff()}, // the staff directory
		{route: "POST /api/v1/users", allow: roles(access.Admin), make: func(e *authzEnv, s *subject, p string) call {
			return call{path: p, body: fmt.Sprintf(`{"username":"authz-%s","password":"a-long-password","roles":["staff"]}`, s.name)}
		}},
		{route: "PATCH /api/v1/users/{id}", allow: roles(access.Admin), make: onUser(`{"username":"zhouwen","display_name":"周文","roles":["staff"]}`)},
		{route: "GET /api/v1/departments", allow: staff()},
		{route: "GET /api/v1/audit", allow: roles(access.Admin, access.Executive, access.Audit)},
		{route: "GET /api/v1/workdays", allow: signedIn(), make: plain("")},

		// --- API: venues and bookings ---
		{route: "GET /api/v1/venues", allow: signedIn()},
		{route: "POST /api/v1/venues", allow: roles(access.Office), make: func(e *authzEnv, s *subject, p string) call {
			return call{path: p, body: fmt.Sprintf(`{"name":"授权新厅 %s","capacity":10}`, s.name)}
		}},
		{route: "GET /api/v1/venues/{id}", allow: signedIn(), make: onVenue("")},
		{route: "PATCH /api/v1/venues/{id}", allow: roles(access.Office), make: onVenue(`{"description":"授权测试"}`)},
		{route: "GET /api/v1/venues/{id}/calendar.ics", allow: signedIn(), make: onVenue("")},
		{route: "GET /api/v1/availability", allow: signedIn()},
		{route: "GET /api/v1/bookings", allow: signedIn()},
		{route: "POST /api/v1/bookings", allow: signedIn(), make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: p, body: bookingJSON(e)}
		}},
		{route: "POST /api/v1/bookings/series", allow: signedIn(), make: func(e *authzEnv, _ *subject, p string) call {
			b := bookingJSON(e)
			return call{path: p, body: strings.TrimSuffix(b, "}") + `,"rule":"FREQ=WEEKLY;COUNT=2","preview":true}`}
		}},
		{route: "GET /api/v1/bookings/{id}", allow: signedIn().but(clientB), make: onBooking(booking.StatusPending, false, "", "")},
		{route: "PATCH /api/v1/bookings/{id}", allow: roles(access.Office).plus(clientA), make: func(e *authzEnv, s *subject, p string) call {
			b := e.newBooking(booking.StatusPending)
			return call{path: fillParams(p, map[string]string{"id": idStr(b.ID)}), body: fmt.Sprintf(`{"venue_id":%d,"start":%q,"end":%q,"title":"改期","headcount":5}`,
				b.VenueID, b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339))}
		}},
		{route: "POST /api/v1/bookings/{id}/approve", allow: roles(access.Office), make: onBooking(booking.StatusPending, true, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/reject", allow: roles(access.Office), make: onBooking(booking.StatusPending, true, "", `{"reason":"会场另有安排"}`)},
		{route: "POST /api/v1/bookings/{id}/confirm", allow: roles(access.Office, access.Receptionist, access.Supervisor).plus(clientA), make: onBooking(booking.StatusApproved, true, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/cancel", allow: roles(access.Office).plus(clientA), make: onBooking(booking.StatusPending, true, "", `{"reason":"行程变更"}`)},
		{route: "POST /api/v1/bookings/{id}/check-in", allow: staff().plus(clientA), make: onBooking("due", true, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/complete", allow: roles(access.Office, access.Receptionist, access.Service, access.Supervisor).plus(clientA), make: onBooking(booking.StatusInUse, true, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/settle", allow: roles(access.Office, access.Finance), make: onBooking(booking.StatusCompleted, true, "", `{"paid_fen":0}`)},
		// The same actions on a booking in a state that does not allow them:
		// those allowed get 409, the others are still refused (403, or 404
		// for another organisation) — permission is checked before state.
		{route: "POST /api/v1/bookings/{id}/approve", variant: "wrong state", allow: roles(access.Office), make: onBooking(booking.StatusConfirmed, false, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/reject", variant: "wrong state", allow: roles(access.Office), make: onBooking(booking.StatusConfirmed, false, "", `{"reason":"会场另有安排"}`)},
		{route: "POST /api/v1/bookings/{id}/confirm", variant: "wrong state", allow: roles(access.Office, access.Receptionist, access.Supervisor).plus(clientA), make: onBooking(booking.StatusPending, false, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/cancel", variant: "wrong state", allow: roles(access.Office).plus(clientA), make: onBooking(booking.StatusCompleted, false, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/check-in", variant: "wrong state", allow: staff().plus(clientA), make: onBooking(booking.StatusPending, false, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/complete", variant: "wrong state", allow: roles(access.Office, access.Receptionist, access.Service, access.Supervisor).plus(clientA), make: onBooking(booking.StatusPending, false, "", `{}`)},
		{route: "POST /api/v1/bookings/{id}/settle", variant: "wrong state", allow: roles(access.Office, access.Finance), make: onBooking(booking.StatusPending, false, "", `{"paid_fen":0}`)},
		{route: "PATCH /api/v1/bookings/{id}", variant: "wrong state", allow: roles(access.Office).plus(clientA), make: func(e *authzEnv, s *subject, p string) call {
			b := e.load(e.once("booking-cancelled", func() int64 {
				b := e.newBooking(booking.StatusPending)
				if _, err := e.app.Bookings.Cancel(context.Background(), e.by[access.Office].actor, b.ID, "行程变更", true); err != nil {
					e.t.Fatal(err)
				}
				return b.ID
			}))
			return call{path: fillParams(p, map[string]string{"id": idStr(b.ID)}), body: fmt.Sprintf(`{"venue_id":%d,"start":%q,"end":%q,"title":"改期","headcount":5}`,
				b.VenueID, b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339))}
		}},
		{route: "GET /api/v1/bookings/{id}/statement", allow: roles(access.Office, access.Finance).plus(clientA), make: onBooking(booking.StatusPending, false, "", "")},
		{route: "GET /api/v1/bookings/{id}/letter", allow: canSee(), make: onBooking(booking.StatusApproved, false, "", "")},
		// Readers who may not see the details get a redacted booking (and no
		// run sheet): allowed, but hidden from the other organisation.
		{route: "GET /api/v1/bookings/{id}/run-sheet", allow: signedIn().but(clientB), make: onBooking(booking.StatusConfirmed, false, "", "")},

		// --- pages: sign-in and account ---
		{route: "GET /login", allow: public()},
		{route: "POST /login", allow: public(), make: plain("username=staff&password=jiedai-demo")},
		{route: "POST /logout", allow: public(), make: plain(""), after: refresh},
		{route: "POST /lang", allow: public(), make: plain("lang=zh-Hans&next=/")},
		{route: "GET /{$}", allow: signedIn(), make: plain("")},
		{route: "GET /account", allow: signedIn()},
		{route: "POST /account/password", allow: signedIn(), make: plain("old_password=wrong&new_password=another-long-one")},
		{route: "POST /account/tokens", allow: signedIn(), make: plain("name=authz")},
		{route: "POST /account/tokens/{id}/revoke", allow: signedIn(), make: mine(newToken, "")},
		{route: "POST /account/notify", allow: signedIn(), make: plain("email=on")},
		{route: "GET /inbox", allow: signedIn()},
		{route: "POST /inbox/{id}/read", allow: signedIn(), make: mine(newMessage, "")},
		{route: "POST /inbox/read-all", allow: signedIn(), make: plain("")},
		{route: "GET /static/", allow: public(), make: plain("")},
		{route: "GET /site/logo", allow: public(), make: func(e *authzEnv, _ *subject, p string) call { e.siteLogo(); return call{path: p} }},
		// Site files (the logo) belong to the administrators; /site/logo shows the logo to all.
		{route: "GET /attachments/{id}", allow: roles(access.Admin), make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.siteLogo())})}
		}},
		{route: "POST /attachments", allow: roles(access.Admin), make: func(_ *authzEnv, _ *subject, p string) call {
			return upload(p, map[string]string{"entity": "site", "entity_id": "1", "back": "/"})
		}},

		// --- pages: administration ---
		{route: "GET /admin/users", allow: roles(access.Admin)},
		{route: "GET /admin/users/new", allow: roles(access.Admin)},
		{route: "POST /admin/users/new", allow: roles(access.Admin), make: plain("username=&roles=staff")},
		{route: "GET /admin/users/{id}", allow: roles(access.Admin), make: onUser("")},
		{route: "POST /admin/users/{id}", allow: roles(access.Admin), make: onUser("username=zhouwen&display_name=%E5%91%A8%E6%96%87&roles=staff&active=on")},
		{route: "GET /admin/departments", allow: roles(access.Admin)},
		{route: "POST /admin/departments", allow: roles(access.Admin), make: plain("code=&name=")},
		{route: "GET /admin/audit", allow: roles(access.Admin, access.Executive, access.Audit)},
		{route: "GET /admin/settings", allow: roles(access.Admin)},
		{route: "POST /admin/settings", allow: roles(access.Admin), make: plain("site_name=")},
		{route: "POST /admin/settings/logo", allow: roles(access.Admin), make: func(_ *authzEnv, _ *subject, p string) call { return upload(p, nil) }},
		{route: "GET /admin/calendar", allow: roles(access.Admin)},
		{route: "POST /admin/calendar", allow: roles(access.Admin), make: plain("date=&kind=")},
		{route: "POST /admin/calendar/delete", allow: roles(access.Admin), make: func(e *authzEnv, s *subject, p string) call {
			e.shared["override"]++
			date := apptest.Start.AddDate(0, 2, int(e.shared["override"])).Format("2006-01-02") // made a holiday, to be deleted
			if _, err := overrides.Add(context.Background(), e.app.DB, e.app.Clock.Now(), e.by[access.Admin].actor, workday.Override{Date: date, Kind: workday.KindHoliday, Name: "授权测试"}); err != nil {
				e.t.Fatal(err)
			}
			return call{path: p, body: "date=" + date}
		}},
		{route: "GET /admin/jobs", allow: roles(access.Admin)},
		{route: "POST /admin/jobs/{id}/retry", allow: roles(access.Admin), make: func(e *authzEnv, s *subject, p string) call {
			now := store.Ms(e.app.Clock.Now())
			id := e.exec(`INSERT INTO jobs (kind, key, payload, due_at, failed_at, attempts, last_error) VALUES (?, ?, '{}', ?, ?, 8, 'boom')`,
				booking.JobForfeit, "authz-"+s.name, now, now)
			return call{path: fillParams(p, map[string]string{"id": idStr(id)})}
		}},
		{route: "GET /admin/notify", allow: roles(access.Admin)},
		{route: "POST /admin/notify/smtp", allow: roles(access.Admin), make: plain("host=&port=x")},
		{route: "POST /admin/notify/webhooks", allow: roles(access.Admin), make: plain("name=&kind=&url=")},
		{route: "POST /admin/notify/webhooks/{id}/delete", allow: roles(access.Admin), make: func(e *authzEnv, s *subject, p string) call {
			now := store.Ms(e.app.Clock.Now())
			id := e.exec(`INSERT INTO webhooks (name, kind, url, created_at, updated_at) VALUES (?, 'generic', 'https://hooks.example.com/x', ?, ?)`, "authz-"+s.name, now, now)
			return call{path: fillParams(p, map[string]string{"id": idStr(id)})}
		}},
		{route: "POST /admin/notify/deliveries/{id}/retry", allow: roles(access.Admin), make: func(e *authzEnv, s *subject, p string) call {
			now := store.Ms(e.app.Clock.Now())
			id := e.exec(`INSERT INTO deliveries (channel, target, payload, status, attempts, last_error, next_at, created_at) VALUES ('email', 'x@example.com', '{}', 'failed', 8, 'boom', ?, ?)`, now, now)
			return call{path: fillParams(p, map[string]string{"id": idStr(id)})}
		}},

		// --- pages: venues ---
		{route: "GET /venues", allow: signedIn()},
		{route: "GET /venues/{id}", allow: signedIn(), make: onVenue("")},
		{route: "GET /venues/{id}/week", allow: signedIn(), make: onVenue("")},
		{route: "GET /venues/new", allow: roles(access.Office)},
		{route: "POST /venues/new", allow: roles(access.Office), make: plain("name=&capacity=")},
		{route: "GET /venues/{id}/edit", allow: roles(access.Office), make: onVenue("")},
		{route: "POST /venues/{id}/edit", allow: roles(access.Office), make: onVenue("name=&capacity=")},
		{route: "POST /venues/{id}/maintenance", allow: roles(access.Office, access.Engineering), make: onVenue("start=&end=&reason=")},
		{route: "POST /venues/maintenance/{mid}/end", allow: roles(access.Office, access.Engineering), make: func(e *authzEnv, s *subject, p string) call {
			room, st := e.nextSlot()
			id, err := e.app.Venues.AddMaintenance(context.Background(), e.by[access.Office].actor, room.ID, st, st.Add(30*time.Minute), "检修空调")
			if err != nil {
				e.t.Fatal(err)
			}
			return call{path: fillParams(p, map[string]string{"mid": idStr(id)})}
		}},
		// Anyone may report a fault; the list shows each their own reports,
		// all of them to engineering and the office.
		{route: "POST /venues/{id}/repairs", allow: signedIn(), make: onVenue("equipment=projector&description=%E6%8A%95%E5%BD%B1%E4%BB%AA%E4%B8%8D%E4%BA%AE")},
		{route: "GET /repairs", allow: signedIn()},
		{route: "POST /repairs/{id}/resolve", allow: roles(access.Office, access.Engineering), make: func(e *authzEnv, s *subject, p string) call {
			r, err := e.app.Venues.ReportRepair(context.Background(), e.by[access.Staff].actor, venue.RepairInput{VenueID: e.room.ID, Equipment: "projector", Description: "投影仪不亮"})
			if err != nil {
				e.t.Fatal(err)
			}
			return call{path: fillParams(p, map[string]string{"id": idStr(r.ID)}), body: "status=resolved&resolution=%E5%B7%B2%E6%9B%B4%E6%8D%A2%E7%81%AF%E6%B3%A1"}
		}},
		{route: "GET /venues/setup", allow: roles(access.Office)},
		{route: "POST /venues/setup/addon", allow: roles(access.Office), make: plain("code=&name=")},
		{route: "POST /venues/setup/template", allow: roles(access.Office), make: plain("title=")},
		{route: "POST /venues/setup/policy", allow: roles(access.Office), make: plain("reply_workdays=x")},
		{route: "GET /rates", allow: public()},
		{route: "GET /lobby", allow: public()},
		{route: "GET /door/{token}", allow: signedIn(), make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"token": e.doorToken(e.room.ID)})}
		}},
		{route: "POST /door/{token}", allow: staff().plus(clientA), make: func(e *authzEnv, _ *subject, p string) call {
			b := e.newBooking("due")
			return call{path: fillParams(p, map[string]string{"token": e.doorToken(b.VenueID)})}
		}},

		// --- pages: bookings ---
		{route: "GET /bookings", allow: signedIn()},
		{route: "GET /bookings/new", allow: signedIn()},
		{route: "POST /bookings/new", allow: signedIn(), make: func(e *authzEnv, _ *subject, p string) call { return call{path: p, body: bookingForm(e)} }},
		{route: "GET /bookings/mine", allow: signedIn()},
		{route: "GET /bookings/approvals", allow: roles(access.Office)},
		{route: "GET /bookings/runsheet", allow: roles(booking.RunSheetRoles...)},
		{route: "GET /bookings/{id}", allow: signedIn().but(clientB), make: onBooking(booking.StatusPending, false, "", "")},
		{route: "GET /bookings/{id}/edit", allow: roles(access.Office).plus(clientA), make: onBooking(booking.StatusPending, false, "", "")},
		{route: "POST /bookings/{id}/edit", allow: roles(access.Office).plus(clientA), make: func(e *authzEnv, _ *subject, p string) call {
			b := e.newBooking(booking.StatusPending)
			st := b.Start.In(e.app.Loc)
			form := url.Values{"venue_id": {idStr(b.VenueID)}, "date": {st.Format("2006-01-02")}, "start": {st.Format("15:04")},
				"end": {st.Add(30 * time.Minute).Format("15:04")}, "title": {"改期"}, "headcount": {"5"}}
			return call{path: fillParams(p, map[string]string{"id": idStr(b.ID)}), body: form.Encode()}
		}},
		{route: "GET /bookings/{id}/letter", allow: canSee(), make: onBooking(booking.StatusApproved, false, "", "")},
		{route: "GET /bookings/{id}/statement", allow: roles(access.Office, access.Finance).plus(clientA), make: onBooking(booking.StatusCompleted, false, "", "")},
		{route: "POST /bookings/{id}/statement", allow: roles(access.Office, access.Finance), make: onBooking(booking.StatusCompleted, true, "", "paid_fen=0")},
		{route: "POST /bookings/{id}/{action}", variant: "approve", allow: roles(access.Office), make: onBooking(booking.StatusPending, true, "approve", "")},
		{route: "POST /bookings/{id}/{action}", variant: "reject", allow: roles(access.Office), make: onBooking(booking.StatusPending, true, "reject", "reason=%E4%BC%9A%E5%9C%BA%E5%8F%A6%E6%9C%89%E5%AE%89%E6%8E%92")},
		{route: "POST /bookings/{id}/{action}", variant: "confirm", allow: roles(access.Office, access.Receptionist, access.Supervisor).plus(clientA), make: onBooking(booking.StatusApproved, true, "confirm", "")},
		{route: "POST /bookings/{id}/{action}", variant: "cancel", allow: roles(access.Office).plus(clientA), make: onBooking(booking.StatusPending, true, "cancel", "")},
		{route: "POST /bookings/{id}/{action}", variant: "check-in", allow: staff().plus(clientA), make: onBooking("due", true, "check-in", "")},
		{route: "POST /bookings/{id}/{action}", variant: "complete", allow: roles(access.Office, access.Receptionist, access.Service, access.Supervisor).plus(clientA), make: onBooking(booking.StatusInUse, true, "complete", "")},
		{route: "POST /bookings/{id}/{action}", variant: "cancel-series", allow: roles(access.Office).plus(clientA), make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.clientSeries()), "action": "cancel-series"}), body: "reason=%E8%A1%8C%E7%A8%8B%E5%8F%98%E6%9B%B4"}
		}},
		{route: "POST /bookings/{id}/{action}", variant: "approve-series", allow: roles(access.Office), make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.clientSeries()), "action": "approve-series"})}
		}},
		{route: "GET /reports/venues", allow: roles(access.Office, access.Executive, access.Finance, access.Audit, access.Supervisor)},
		{route: "GET /reports/venues.xlsx", allow: roles(access.Office, access.Executive, access.Finance, access.Audit, access.Supervisor)},
		{route: "POST /runsheet/{task}/done", allow: roles(access.Service), make: func(e *authzEnv, _ *subject, p string) call {
			// The service department's duty of a confirmed booking.
			b := e.newBooking(booking.StatusConfirmed)
			id := e.id(`SELECT MIN(id) FROM tasks WHERE kind = ? AND entity_id = ? AND role = ?`, booking.TaskKind, b.ID, access.Service)
			return call{path: fillParams(p, map[string]string{"task": idStr(id)}), body: "result=%E5%B7%B2%E5%AE%8C%E6%88%90"}
		}},
		// Links that carry their own secret token: calendar feeds, the
		// client's confirmation link.
		{route: "GET /calendar/{file}", allow: public(), make: func(e *authzEnv, _ *subject, p string) call {
			tok, err := e.app.Bookings.FeedToken(context.Background(), e.by[access.Staff].actor)
			if err != nil {
				e.t.Fatal(err)
			}
			return call{path: fillParams(p, map[string]string{"file": tok + ".ics"})}
		}},
		// Feed links are given a new address or turned off by their owner
		// (a person's own; a venue's by the office).
		{route: "POST /bookings/mine/feed/rotate", allow: signedIn(), make: plain("")},
		{route: "POST /bookings/mine/feed/revoke", allow: signedIn(), make: plain("")},
		{route: "POST /venues/{id}/feed/rotate", allow: roles(access.Office), make: onVenue("")},
		{route: "POST /venues/{id}/feed/revoke", allow: roles(access.Office), make: onVenue("")},
		{route: "GET /confirm/{token}", allow: public(), make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"token": e.confirmToken(false)})}
		}},
		{route: "POST /confirm/{token}", allow: public(), make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"token": e.confirmToken(true)})}
		}},
	}
	return append(rules, areaPolicy()...) // policy_areas_test.go
}

// canSee: who may read a booking's details (the letter): the departments
// that serve bookings, finance and audit, and the client's own users.
func canSee() who {
	return roles(access.Office, access.Supervisor, access.Receptionist, access.Service, access.Engineering, access.Security,
		access.Executive, access.Finance, access.Audit).plus(clientA)
}

// upload is a multipart form with a small PNG as "file".
func upload(path string, fields map[string]string) call {
	var b strings.Builder
	for k, v := range fields {
		fmt.Fprintf(&b, "--XyZ\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", k, v)
	}
	fmt.Fprintf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n%s\r\n--XyZ--\r\n", pngPixel)
	return call{path: path, body: b.String(), ctype: "multipart/form-data; boundary=XyZ"}
}

// siteLogo sets the site's logo once and returns its attachment.
func (e *authzEnv) siteLogo() int64 {
	return e.once("logo", func() int64 {
		e.do(e.by[access.Admin], "POST", false, upload("/admin/settings/logo", nil))
		site := e.app.Site(context.Background())
		if site.LogoID == 0 {
			e.t.Fatal("fixture: the logo was not set")
		}
		return site.LogoID
	})
}

// pngPixel is a 1×1 PNG.
var pngPixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// doorToken is a venue's check-in QR token.
func (e *authzEnv) doorToken(venueID int64) string {
	var tok string
	if err := e.app.DB.QueryRow(context.Background(), `SELECT door_token FROM venues WHERE id = ?`, venueID).Scan(&tok); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// confirmToken is the public confirmation link's token of an approved
// booking: a new one when the call confirms it.
func (e *authzEnv) confirmToken(fresh bool) string {
	var id int64
	if fresh {
		id = e.newBooking(booking.StatusApproved).ID
	} else {
		id = e.once("booking-"+booking.StatusApproved, func() int64 { return e.newBooking(booking.StatusApproved).ID })
	}
	var tok string
	if err := e.app.DB.QueryRow(context.Background(), `SELECT confirm_token FROM bookings WHERE id = ?`, id).Scan(&tok); err != nil {
		e.t.Fatal(err)
	}
	return tok
}
