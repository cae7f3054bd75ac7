package web

import (
	"net/http"
	"net/url"

	"jiedai/internal/access"
	"jiedai/internal/settings"
	"jiedai/internal/store"
	"jiedai/internal/workday"
)

// The issuer of client documents (letterhead, bank account, seal) and the
// directions invited guests are given, both kept on the site settings page.
func (s *Server) routesAdminIssuer(mux *http.ServeMux) {
	mux.HandleFunc("POST /admin/settings/issuer", s.authed(s.issuerSave, access.Admin))
	mux.HandleFunc("POST /admin/settings/seal", s.authed(s.sealSave, access.Admin))
	mux.HandleFunc("POST /admin/settings/directions", s.authed(s.directionsSave, access.Admin))
	mux.HandleFunc("GET /site/seal", s.siteSeal)
}

// settingsForm is every field of the site settings page as stored now.
func (s *Server) settingsForm(r *http.Request) (url.Values, int64, error) {
	ctx := r.Context()
	site, err := settings.GetSite(ctx, s.app.DB)
	if err != nil {
		return nil, 0, err
	}
	is, err := settings.GetIssuer(ctx, s.app.DB)
	if err != nil {
		return nil, 0, err
	}
	d, err := settings.GetDirections(ctx, s.app.DB)
	if err != nil {
		return nil, 0, err
	}
	if site.OfficeStart == "" && site.OfficeEnd == "" {
		oh := site.OfficeHours() // the defaults in force, shown as such
		site.OfficeStart, site.OfficeEnd = workday.Clock(oh.Start), workday.Clock(oh.End)
		site.LunchStart, site.LunchEnd = workday.Clock(oh.LunchStart), workday.Clock(oh.LunchEnd)
	}
	return url.Values{"name": {site.Name}, "time_zone": {site.TimeZone}, "currency": {site.Currency}, "base_url": {site.BaseURL},
		"office_start": {site.OfficeStart}, "office_end": {site.OfficeEnd}, "lunch_start": {site.LunchStart}, "lunch_end": {site.LunchEnd},
		"issuer_name": {is.Name}, "issuer_name_en": {is.NameEn}, "issuer_address": {is.Address}, "issuer_phone": {is.Phone},
		"issuer_bank": {is.Bank}, "issuer_account": {is.Account},
		"visit_address": {d.Address}, "map_url": {d.MapURL}, "visit_parking": {d.Parking}, "visit_phone": {d.Phone}}, is.SealID, nil
}

// settingsSave runs save in a transaction and goes back to the settings
// page; a refusal comes back with the posted values over the stored ones.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, save func(tx *store.Tx, f url.Values) error) {
	_ = r.ParseForm()
	err := s.app.DB.InTx(r.Context(), func(tx *store.Tx) error { return save(tx, r.PostForm) })
	if err != nil {
		if cur, _, ferr := s.settingsForm(r); ferr == nil {
			for k, v := range cur {
				if !r.PostForm.Has(k) {
					r.PostForm[k] = v
				}
			}
		}
		s.fail(w, r, err, "admin_settings", s.siteSettingsPage(r))
		return
	}
	s.app.ForgetSite()
	redirect(w, r, "/admin/settings", "saved")
}

func (s *Server) issuerSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	s.settingsSave(w, r, func(tx *store.Tx, f url.Values) error {
		cur, err := settings.GetIssuer(r.Context(), tx)
		if err != nil {
			return err
		}
		_, err = settings.SaveIssuer(r.Context(), tx, s.app.Clock.Now(), a, settings.Issuer{Name: f.Get("issuer_name"), NameEn: f.Get("issuer_name_en"),
			Address: f.Get("issuer_address"), Phone: f.Get("issuer_phone"), Bank: f.Get("issuer_bank"), Account: f.Get("issuer_account"), SealID: cur.SealID})
		return err
	})
}

func (s *Server) directionsSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	s.settingsSave(w, r, func(tx *store.Tx, f url.Values) error {
		_, err := settings.SaveDirections(r.Context(), tx, s.app.Clock.Now(), a, settings.Directions{Address: f.Get("visit_address"), MapURL: f.Get("map_url"),
			Parking: f.Get("visit_parking"), Phone: f.Get("visit_phone")})
		return err
	})
}

// sealSave stores an uploaded seal image as the issuer's seal.
func (s *Server) sealSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	s.siteImageSave(w, r, a, siteSealImage, func(tx *store.Tx, id int64) error {
		cur, err := settings.GetIssuer(r.Context(), tx)
		if err != nil {
			return err
		}
		cur.SealID = id
		_, err = settings.SaveIssuer(r.Context(), tx, s.app.Clock.Now(), a, cur)
		return err
	})
}

// siteSeal serves the seal image to whoever sees a letter, the client
// behind a confirmation link included.
func (s *Server) siteSeal(w http.ResponseWriter, r *http.Request) {
	is, err := settings.GetIssuer(r.Context(), s.app.DB)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.siteImage(w, r, siteSealImage, is.SealID)
}
