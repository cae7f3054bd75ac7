package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"jiedai/internal/attachment"
	"jiedai/internal/errs"

	"jiedai/internal/access"
	"jiedai/internal/jobs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
	"jiedai/internal/workday"
	"jiedai/internal/workday/overrides"
)

func (s *Server) routesAdminSettings(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/settings", s.authed(s.siteSettings, access.Admin))
	mux.HandleFunc("POST /admin/settings", s.authed(s.siteSettingsSave, access.Admin))
	mux.HandleFunc("POST /admin/settings/logo", s.authed(s.siteLogoSave, access.Admin))
	mux.HandleFunc("GET /site/logo", s.siteLogo)
	mux.HandleFunc("GET /admin/calendar", s.authed(s.calendarAdmin, access.Admin))
	mux.HandleFunc("POST /admin/calendar", s.authed(s.calendarAdd, access.Admin))
	mux.HandleFunc("POST /admin/calendar/delete", s.authed(s.calendarDelete, access.Admin))
	mux.HandleFunc("GET /admin/jobs", s.authed(s.failedJobs, access.Admin))
	mux.HandleFunc("POST /admin/jobs/{id}/retry", s.authed(s.retryJob, access.Admin))
	s.routesAdminIssuer(mux)
}

// siteSettingsData tells the settings page which public URL links use
// and whether the --base-url flag overrides the one saved here.
type siteSettingsData struct {
	PublicURL string    // "" when unset: links in messages are relative
	Override  string    // the --base-url flag, "" when not given
	SealID    int64     // the issuer's seal image, 0 for none
	Hours     string    // the office hours in force, e.g. "09:00–12:00, 13:00–18:00"
	Example   time.Time // when 8 working hours from now fall due, shown beside the limit
}

func (s *Server) siteSettingsPage(r *http.Request) *Page {
	oh := s.app.Site(r.Context()).OfficeHours()
	d := &siteSettingsData{PublicURL: s.app.PublicURL(r.Context()), Override: s.app.Config.BaseURL,
		Hours: oh.String(), Example: s.app.Calendar.AddWorkingHours(s.app.Clock.Now(), 8*time.Hour, oh)}
	if is, err := settings.GetIssuer(r.Context(), s.app.DB); err == nil {
		d.SealID = is.SealID
	}
	return s.newPage(r, "settings.title", "admin", d)
}

func (s *Server) siteSettings(w http.ResponseWriter, r *http.Request, a access.Actor) {
	form, _, err := s.settingsForm(r)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.siteSettingsPage(r)
	p.Form = form
	s.render(w, r, http.StatusOK, "admin_settings", p)
}

func (s *Server) siteSettingsSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	s.settingsSave(w, r, func(tx *store.Tx, f url.Values) error {
		cur, err := settings.GetSite(r.Context(), tx)
		if err != nil {
			return err
		}
		cur.Name, cur.TimeZone, cur.Currency, cur.BaseURL = f.Get("name"), f.Get("time_zone"), f.Get("currency"), f.Get("base_url")
		cur.OfficeStart, cur.OfficeEnd, cur.LunchStart, cur.LunchEnd = f.Get("office_start"), f.Get("office_end"), f.Get("lunch_start"), f.Get("lunch_end")
		_, err = settings.SaveSite(r.Context(), tx, s.app.Clock.Now(), a, cur)
		return err
	})
}

type calendarData struct {
	Entries   []overrides.Entry
	From, To  int
	Upcoming  []workday.Day
	Holidays  string
	MakeupDay string
}

func (s *Server) calendarPage(r *http.Request) (*Page, error) {
	entries, err := overrides.Entries(r.Context(), s.app.DB)
	if err != nil {
		return nil, err
	}
	d := &calendarData{Entries: entries, Holidays: workday.OverrideHoliday, MakeupDay: workday.OverrideWorkday}
	d.From, d.To = s.app.Calendar.Years()
	now := s.app.Clock.Now()
	days, err := s.app.Calendar.Days(now, now.AddDate(0, 0, 120))
	if err != nil {
		return nil, err
	}
	for _, day := range days {
		if day.Kind == workday.KindHoliday || day.Kind == workday.KindMakeup {
			d.Upcoming = append(d.Upcoming, day)
		}
	}
	return s.newPage(r, "calendar.title", "admin", d), nil
}

func (s *Server) calendarAdmin(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.calendarPage(r)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "admin_calendar", p)
}

// reloadCalendar puts the stored overrides into the live calendar.
func (s *Server) reloadCalendar(r *http.Request) error {
	_, err := overrides.Reload(r.Context(), s.app.DB, s.app.Calendar, nil)
	return err
}

func (s *Server) calendarAdd(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	err := s.app.DB.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := overrides.Add(r.Context(), tx, s.app.Clock.Now(), a, workday.Override{Date: strings.TrimSpace(f.Get("date")), Kind: f.Get("kind"), Name: f.Get("name")})
		return err
	})
	if err == nil {
		err = s.reloadCalendar(r)
	}
	if err != nil {
		p, perr := s.calendarPage(r)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "admin_calendar", p)
		return
	}
	redirect(w, r, "/admin/calendar", "saved")
}

func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	err := s.app.DB.InTx(r.Context(), func(tx *store.Tx) error {
		return overrides.Delete(r.Context(), tx, s.app.Clock.Now(), a, r.PostForm.Get("date"))
	})
	if err == nil {
		err = s.reloadCalendar(r)
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/admin/calendar", "deleted")
}

func (s *Server) failedJobs(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := jobs.Failed(r.Context(), s.app.DB, a, 200)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "admin_jobs", s.newPage(r, "jobs.title", "admin", list))
}

func (s *Server) retryJob(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := parseID(r.PathValue("id"))
	err := s.app.DB.InTx(r.Context(), func(tx *store.Tx) error {
		return jobs.Retry(r.Context(), tx, s.app.Clock.Now(), a, id)
	})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/admin/jobs", "job_retried")
}

// siteLogoSave stores an uploaded logo image and points the site at it.
func (s *Server) siteLogoSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	s.siteImageSave(w, r, a, siteLogoImage, func(tx *store.Tx, id int64) error {
		cur, err := settings.GetSite(r.Context(), tx)
		if err != nil {
			return err
		}
		cur.LogoID = id
		_, err = settings.SaveSite(r.Context(), tx, s.app.Clock.Now(), a, cur)
		return err
	})
}

// The site's own images are attachments of entity "site": the logo is
// number 1, the issuer's seal number 2.
const (
	siteLogoImage = 1
	siteSealImage = 2
)

// siteImageSave stores an uploaded image as site image n and hands its id
// to use (in a transaction), then goes back to the settings.
func (s *Server) siteImageSave(w http.ResponseWriter, r *http.Request, a access.Actor, n int64, use func(tx *store.Tx, id int64) error) {
	data, name, err := readUpload(w, r, "file")
	if err == nil && !strings.HasPrefix(http.DetectContentType(data), "image/") {
		err = errs.Field("file", "err.file_type", "ext", path.Ext(name))
	}
	if err == nil {
		var at attachment.Attachment
		at, err = s.app.Files.Add(r.Context(), a, "site", n, name, data)
		if err == nil {
			err = s.app.DB.InTx(r.Context(), func(tx *store.Tx) error { return use(tx, at.ID) })
		}
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.app.ForgetSite()
	redirect(w, r, "/admin/settings", "saved")
}

// siteLogo serves the site's logo to everyone, the login page included.
func (s *Server) siteLogo(w http.ResponseWriter, r *http.Request) {
	s.siteImage(w, r, siteLogoImage, s.app.Site(r.Context()).LogoID)
}

// siteImage serves attachment id when it is site image n.
func (s *Server) siteImage(w http.ResponseWriter, r *http.Request, n, id int64) {
	if id == 0 {
		http.NotFound(w, r)
		return
	}
	at, data, err := s.app.Files.Open(r.Context(), access.SystemActor(), id)
	if err != nil || at.Entity != "site" || at.EntityID != n {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", at.ContentType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(data)
}
