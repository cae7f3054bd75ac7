package web

import (
	"net/http"
	"strconv"

	"jiedai/internal/access"
	"jiedai/internal/app"
)

func (s *Server) routesToday(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.authed(s.today))
}

type todayData struct {
	Date     string
	Weekday  string
	DayKind  string
	DayName  string
	Sections []app.TodaySection
	Counted  int // sections count up to this many
}

// today shows what the signed-in person must do today: every area adds a
// section (tasks due, approvals waiting, inbox, …).
func (s *Server) today(w http.ResponseWriter, r *http.Request, a access.Actor) {
	now := s.app.Clock.Now().In(s.app.Loc)
	kind, name := s.app.Calendar.DayInfo(now)
	d := &todayData{Date: now.Format("2006-01-02"), DayKind: kind, DayName: name, Counted: app.TodayCounted}
	p := s.newPage(r, "today.title", "today", d)
	d.Weekday = p.L.T("weekday." + strconv.Itoa(int(now.Weekday())))
	for _, src := range s.app.Today {
		sec, err := src(r.Context(), a, p.L.Lang)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		if sec.Key == "" { // the source has nothing for this reader
			continue
		}
		sec.Total = max(sec.Total, len(sec.Items))
		if len(sec.Items) > app.TodayShown {
			sec.Items = sec.Items[:app.TodayShown] // sources list the most urgent first
		}
		d.Sections = append(d.Sections, sec)
	}
	s.render(w, r, http.StatusOK, "today", p)
}
