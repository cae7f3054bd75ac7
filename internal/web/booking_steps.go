package web

import (
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/booking"
)

// The steps of venue booking added from issue 10: the room usage rules.
func (s *Server) routesBookingSteps(mux *http.ServeMux) {
	mux.HandleFunc("POST /venues/setup/rules", s.authed(s.roomRulesSave, access.Office))
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
