package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/attachment"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/venue"
)

// The steps of venue booking added from issue 10: the room usage rules,
// run-sheet duties given to named people, the seating plan, and the
// venues' periodic inspection plans.
func (s *Server) routesBookingSteps(mux *http.ServeMux) {
	mux.HandleFunc("POST /venues/setup/rules", s.authed(s.roomRulesSave, access.Office))
	mux.HandleFunc("POST /bookings/{id}/duties/{task}", s.authed(s.dutyAssign))
	mux.HandleFunc("POST /bookings/{id}/seats", s.authed(s.seatsSave))
	mux.HandleFunc("POST /venues/{id}/inspection-plans", s.authed(s.inspectionAdd, access.Office, access.Engineering))
	mux.HandleFunc("POST /inspection-plans/{id}/stop", s.authed(s.inspectionStop, access.Office, access.Engineering))
}

func (s *Server) inspectionAdd(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_ = r.ParseForm()
	f := r.PostForm
	var first time.Time
	var err error
	if v := f.Get("first"); v != "" {
		if first, err = booking.ParseTime(v, s.app.Loc); err != nil {
			err = errs.Field("first", "err.bad_time")
		}
	}
	var rule string
	if err == nil {
		rule, err = venue.InspectionRule(f.Get("freq"), first, f.Get("until"), s.app.Loc)
	}
	if err == nil {
		_, err = s.app.Venues.AddInspectionPlan(r.Context(), a, id, f.Get("title"), rule, first)
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/venues/"+strconv.FormatInt(id, 10)+"?ok=saved#inspections", "")
}

func (s *Server) inspectionStop(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p, err := s.app.Venues.StopInspectionPlan(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/venues/"+strconv.FormatInt(p.VenueID, 10)+"?ok=saved#inspections", "")
}

func (s *Server) roomRulesSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	if _, err := s.app.Bookings.SetRoomRules(r.Context(), a, booking.RoomRules{ZhHans: f.Get("rules_zh_hans"), ZhHant: f.Get("rules_zh_hant"), En: f.Get("rules_en")}); err != nil {
		s.setupFail(w, r, err)
		return
	}
	redirect(w, r, "/venues/setup", "saved")
}

// bookingSteps is what the booking page shows of the run-sheet duties and
// the seating plan.
type bookingSteps struct {
	Duties   []booking.RunSheetDuty
	People   map[string][]booking.DutyPerson // duty role → who may take it
	Seats    []booking.Seat
	SeatText string
	Files    []attachment.Attachment
	CanSeat  bool
}

// stepsOf gathers the duties and seating plan of a booking the actor sees
// in full.
func (s *Server) stepsOf(ctx context.Context, a access.Actor, b booking.Booking) (*bookingSteps, error) {
	st := &bookingSteps{People: map[string][]booking.DutyPerson{}, CanSeat: booking.CanSeat(a, b)}
	var err error
	if st.Duties, err = s.app.Bookings.Duties(ctx, a, b.ID); err != nil {
		return nil, err
	}
	for _, d := range st.Duties {
		if _, ok := st.People[d.Role]; d.CanAssign && !ok {
			if st.People[d.Role], err = s.app.Bookings.DutyPeople(ctx, d.Role); err != nil {
				return nil, err
			}
		}
	}
	if st.Seats, err = s.app.Bookings.Seats(ctx, a, b.ID); err != nil {
		return nil, err
	}
	st.SeatText = booking.SeatText(st.Seats)
	if st.Files, err = s.app.Files.List(ctx, a, booking.AuditEntity, b.ID); err != nil {
		return nil, err
	}
	return st, nil
}

func (s *Server) dutyAssign(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	tid, _ := strconv.ParseInt(r.PathValue("task"), 10, 64)
	_ = r.ParseForm()
	owner, err := optionalID("owner_id", r.PostForm.Get("owner_id"))
	assistant, err2 := optionalID("assistant_id", r.PostForm.Get("assistant_id"))
	if err == nil {
		err = err2
	}
	if err == nil {
		_, err = s.app.Bookings.AssignDuty(r.Context(), a, id, tid, owner, assistant)
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/bookings/"+strconv.FormatInt(id, 10)+"?ok=saved#duties", "")
}

func (s *Server) seatsSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_ = r.ParseForm()
	seats, err := booking.ParseSeats("seats", r.PostForm.Get("seats"))
	if err == nil {
		_, err = s.app.Bookings.SetSeats(r.Context(), a, id, seats)
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/bookings/"+strconv.FormatInt(id, 10)+"?ok=saved#seating", "")
}

// optionalID reads an optional user id of a form ("" is 0).
func optionalID(field, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	if id, ok := parseID(v); ok {
		return id, nil
	}
	return 0, errs.Field(field, "err.invalid")
}
