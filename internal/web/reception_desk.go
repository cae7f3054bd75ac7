package web

import (
	"net/http"
	"net/url"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
)

// The sign-in desk (a tablet page), badges, and the links guests and
// clients open without an account: the invitation with its QR code and
// self sign-in, and the satisfaction survey.
func (s *Server) routesReceptionDesk(mux *http.ServeMux) {
	mux.HandleFunc("GET /receptions/{id}/desk", s.authed(s.rcDesk))
	mux.HandleFunc("POST /receptions/{id}/desk/{g}/sign-in", s.rcDeskPost("rc_signed_in", func(r *http.Request, a access.Actor, id int64) error {
		in := guestInput(r.PostForm)
		in.Name = ""
		_, err := s.app.Reception.SignIn(r.Context(), a, pathInt(r, "g"), in)
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/desk/{g}/undo", s.rcDeskPost("rc_undone", func(r *http.Request, a access.Actor, id int64) error {
		return s.app.Reception.UndoSignIn(r.Context(), a, pathInt(r, "g"))
	}))
	mux.HandleFunc("POST /receptions/{id}/desk/{g}/left", s.rcDeskPost("rc_left", func(r *http.Request, a access.Actor, id int64) error {
		return s.app.Reception.MarkLeft(r.Context(), a, pathInt(r, "g"))
	}))
	mux.HandleFunc("POST /receptions/{id}/desk/walk-in", s.rcDeskPost("rc_signed_in", func(r *http.Request, a access.Actor, id int64) error {
		_, err := s.app.Reception.WalkIn(r.Context(), a, id, guestInput(r.PostForm))
		return err
	}))
	mux.HandleFunc("POST /receptions/{id}/guests/{g}/badge", s.authed(func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		id, g := pathInt(r, "id"), pathInt(r, "g")
		if err := s.app.Reception.BadgePrinted(r.Context(), a, g); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		http.Redirect(w, r, reception.Link(id)+"/guests/"+r.PathValue("g")+"/badge", http.StatusSeeOther)
	}))
	mux.HandleFunc("GET /receptions/{id}/guests/{g}/badge", s.authed(s.rcBadge))
	mux.HandleFunc("GET /g/{token}", s.invitation)
	mux.HandleFunc("POST /g/{token}", s.selfSignIn)
	mux.HandleFunc("GET /g/{token}/qr.svg", s.invitationQR)
	mux.HandleFunc("GET /s/{token}", s.publicSurvey)
	mux.HandleFunc("POST /s/{token}", s.publicSurveySubmit)
	mux.HandleFunc("GET /s/{token}/qr.svg", s.surveyQR)
}

type deskData struct {
	R       reception.Reception
	Guests  []reception.Guest
	Count   reception.Count
	Q       string
	Open    bool
	Focus   int64 // the guest whose card form is open
	BaseURL string
}

func (s *Server) deskPage(r *http.Request, a access.Actor, id int64, q string) (*Page, error) {
	rc, err := s.app.Reception.Get(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	if !reception.CanDesk(a, rc) {
		return nil, errs.Forbid()
	}
	all, err := s.app.Reception.Guests(r.Context(), a, id, "")
	if err != nil {
		return nil, err
	}
	list := all
	if strings.TrimSpace(q) != "" {
		if list, err = s.app.Reception.Guests(r.Context(), a, id, q); err != nil {
			return nil, err
		}
	}
	d := &deskData{R: rc, Guests: list, Count: reception.CountOf(all), Q: q, BaseURL: baseURL(r),
		Open: rc.Status == reception.StatusPlanning || rc.Status == reception.StatusPlanReview || rc.Status == reception.StatusReady || rc.Status == reception.StatusOngoing}
	d.Focus = formID(r.URL.Query(), "guest")
	if d.Focus == 0 {
		d.Focus = formID(r.PostForm, "guest")
	}
	p := s.newPage(r, "reception.desk.title", "receptions", d)
	return p, nil
}

func (s *Server) rcDesk(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.deskPage(r, a, pathInt(r, "id"), r.URL.Query().Get("q"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "reception_desk", p)
}

type badgeData struct {
	R reception.Reception
	G reception.Guest
}

func (s *Server) rcBadge(w http.ResponseWriter, r *http.Request, a access.Actor) {
	g, err := s.app.Reception.Guest(r.Context(), a, pathInt(r, "g"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	rc, err := s.app.Reception.Get(r.Context(), a, g.ReceptionID)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "reception_badge", s.newPage(r, "reception.badge.title", "receptions", &badgeData{R: rc, G: g}))
}

// --- invitation (no login) ------------------------------------------------

type inviteData struct {
	reception.Invitation
	Token  string
	Signed bool
	Link   string
	Tel    string // the phone to call, as a tel: link wants it
}

func (s *Server) invitationPage(r *http.Request, token string) (*Page, error) {
	inv, err := s.app.Reception.Invitation(r.Context(), token)
	if err != nil {
		return nil, err
	}
	d := &inviteData{Invitation: inv, Token: token, Signed: !inv.Guest.ArrivedAt.IsZero(), Link: baseURL(r) + "/g/" + token, Tel: telLink(inv.HostPhone)}
	return s.newPage(r, "reception.invite.title", "", d), nil
}

func (s *Server) invitation(w http.ResponseWriter, r *http.Request) {
	p, err := s.invitationPage(r, r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "reception_invite", p)
}

func (s *Server) selfSignIn(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "err.bad_request")
		return
	}
	f := r.PostForm
	_, err := s.app.Reception.SelfSignIn(r.Context(), token, reception.GuestInput{Title: f.Get("title"), Company: f.Get("company"), Mobile: f.Get("mobile"), Email: f.Get("email")})
	if err != nil {
		p, perr := s.invitationPage(r, token)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "reception_invite", p)
		return
	}
	redirect(w, r, "/g/"+token, "rc_welcome")
}

func (s *Server) invitationQR(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, err := s.app.Reception.Invitation(r.Context(), token); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.writeQR(w, r, baseURL(r)+"/g/"+token)
}

func (s *Server) writeQR(w http.ResponseWriter, r *http.Request, text string) {
	svg, err := QRSVG(text)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write([]byte(svg))
}

// --- client survey (no login) ---------------------------------------------

type publicSurveyData struct {
	R     reception.Reception
	S     reception.Survey
	Token string
}

func (s *Server) publicSurveyPage(r *http.Request, token string) (*Page, error) {
	sv, rc, err := s.app.Reception.SurveyByToken(r.Context(), token)
	if err != nil {
		return nil, err
	}
	return s.newPage(r, "reception.survey.public_title", "", &publicSurveyData{R: rc, S: sv, Token: token}), nil
}

func (s *Server) publicSurvey(w http.ResponseWriter, r *http.Request) {
	p, err := s.publicSurveyPage(r, r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, "reception_survey_public", p)
}

func (s *Server) publicSurveySubmit(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "err.bad_request")
		return
	}
	if _, err := s.app.Reception.SubmitClientSurvey(r.Context(), token, surveyInput(r.PostForm)); err != nil {
		p, perr := s.publicSurveyPage(r, token)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "reception_survey_public", p)
		return
	}
	redirect(w, r, "/s/"+token, "rc_survey_thanks")
}

func (s *Server) surveyQR(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, _, err := s.app.Reception.SurveyByToken(r.Context(), token); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.writeQR(w, r, baseURL(r)+"/s/"+token)
}

// rcDeskPost runs a desk action and goes back to the desk (keeping the
// search); a refused action re-renders the desk with the message.
func (s *Server) rcDeskPost(flash string, fn func(r *http.Request, a access.Actor, id int64) error) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, a access.Actor) {
		id := pathInt(r, "id")
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, http.StatusBadRequest, "err.bad_request")
			return
		}
		back := reception.Link(id) + "/desk"
		if q := strings.TrimSpace(r.PostForm.Get("q")); q != "" {
			back += "?q=" + url.QueryEscape(q)
		}
		if err := fn(r, a, id); err != nil {
			p, perr := s.deskPage(r, a, id, r.PostForm.Get("q"))
			if perr != nil {
				s.fail(w, r, perr, "", nil)
				return
			}
			p.back = back
			s.fail(w, r, err, "reception_desk", p)
			return
		}
		redirect(w, r, back, flash)
	})
}

// telLink keeps the characters of a phone number a tel: link takes.
func telLink(phone string) string {
	return strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == '+' {
			return r
		}
		return -1
	}, phone)
}
