package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/client"
	"jiedai/internal/meeting"
	"jiedai/internal/venue"
	"jiedai/internal/wallclock"
)

// The meeting form's look-ups (issue 11): the client is picked from the
// register by a search, the room from the rooms free at the meeting's time
// that fit its people, layout and equipment (booking.Availability; saving
// books it), and a template fills the agenda and attendees for the user to
// edit. A look-up posts the form back to itself and saves nothing.

// roomChoice is a room offered on the meeting form.
type roomChoice struct {
	ID       int64
	Name     string
	Location string
	Seats    int
}

// formLookups are what the form's look-ups found.
type formLookups struct {
	Looked     string // client, rooms or template: the look-up just made
	Clients    []client.Org
	Rooms      []roomChoice
	Layouts    []string
	Equipment  []string
	Headcount  int
	PickedName string // the client picked (from the register)
}

// lookup runs the look-up asked for by the form's "look" button, and
// always names the client already picked.
func (s *Server) lookup(r *http.Request, a access.Actor, d *meetingFormData, form url.Values) error {
	ctx := r.Context()
	d.Layouts = venue.Layouts
	vs, err := s.app.Venues.All(ctx, nil)
	if err != nil {
		return err
	}
	for _, e := range venue.Equipment { // only what some room in service has
		for _, v := range vs {
			if v.InService && v.HasEquipment([]string{e}) {
				d.Equipment = append(d.Equipment, e)
				break
			}
		}
	}
	d.Headcount = formHeadcount(form)
	d.Looked = form.Get("look")
	if id, _ := strconv.ParseInt(form.Get("client_org_id"), 10, 64); id > 0 {
		if o, err := s.app.Clients.Get(ctx, a, id); err == nil {
			d.PickedName = o.Name
		}
	}
	switch d.Looked {
	case "client":
		q := strings.TrimSpace(form.Get("client_q"))
		if q == "" {
			return nil
		}
		orgs, _, err := s.app.Clients.List(ctx, a, client.Filter{Q: q, Limit: 10})
		if err != nil {
			return err
		}
		d.Clients = orgs
	case "rooms":
		start, err1 := wallclock.ParseLocal(form.Get("start_at"), s.app.Loc)
		end, err2 := wallclock.ParseLocal(form.Get("end_at"), s.app.Loc)
		if err1 != nil || err2 != nil || !end.After(start) {
			return nil // the time's own error shows when the form is saved
		}
		w := booking.Want{Start: start.UTC(), End: end.UTC(), Headcount: d.Headcount, Layout: form.Get("layout"), Equipment: form["equipment"]}
		vs, err := s.app.Bookings.Availability(ctx, a, w)
		if err != nil {
			return err
		}
		d.Rooms = []roomChoice{}
		for _, v := range vs {
			d.Rooms = append(d.Rooms, roomChoice{ID: v.ID, Name: v.Name, Location: v.Place(), Seats: v.CapacityFor(w.Layout)})
		}
		sort.SliceStable(d.Rooms, func(i, j int) bool { return d.Rooms[i].Seats < d.Rooms[j].Seats }) // the closest fit first
	case "template":
		id, _ := strconv.ParseInt(form.Get("template_id"), 10, 64)
		for _, t := range d.Templates {
			if t.ID == id {
				fillFromTemplate(form, t, s.app.Loc)
			}
		}
	}
	return nil
}

// fillFromTemplate puts a template's type, agenda, attendees and length
// into the form, replacing what was there, for the user to edit.
func fillFromTemplate(form url.Values, t meeting.Template, loc *time.Location) {
	form.Set("type", t.Type)
	for _, k := range []string{"agenda_id", "agenda_topic", "agenda_presenter", "agenda_presenter_name", "agenda_minutes", "agenda_notes"} {
		form.Del(k)
	}
	for _, it := range t.Agenda {
		form.Add("agenda_id", "")
		form.Add("agenda_topic", it.Topic)
		form.Add("agenda_presenter", "")
		form.Add("agenda_presenter_name", "")
		form.Add("agenda_minutes", strconv.Itoa(it.Minutes))
		form.Add("agenda_notes", "")
	}
	for _, at := range t.Attendees {
		form.Add("att_kind", at.Kind)
		form.Add("att_user", strconv.FormatInt(at.UserID, 10))
		for _, k := range []string{"att_name", "att_org", "att_title", "att_email"} {
			form.Add(k, "")
		}
	}
	if start, err := wallclock.ParseLocal(form.Get("start_at"), loc); err == nil && t.DurationMin > 0 {
		form.Set("end_at", start.Add(time.Duration(t.DurationMin)*time.Minute).In(loc).Format(dateTimeLayout))
	}
	form.Set("template_filled", "1")
}

// formHeadcount counts the people the form names: host, recorder and
// attendees (users once each, every guest).
func formHeadcount(form url.Values) int {
	seen := map[string]bool{}
	n := 0
	for _, u := range []string{form.Get("host_id"), form.Get("recorder_id")} {
		if u != "" && !seen[u] {
			seen[u] = true
			n++
		}
	}
	for i := range form["att_kind"] {
		u, name := idx(form["att_user"], i), strings.TrimSpace(idx(form["att_name"], i))
		switch {
		case u != "" && !seen[u]:
			seen[u] = true
			n++
		case u == "" && name != "":
			n++
		}
	}
	return max(n, 1)
}
