package web

import (
	"fmt"
	"net/http"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/billing"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

func (s *Server) routesBillingPrices(mux *http.ServeMux) {
	mux.HandleFunc("GET /billing/prices", s.authed(s.blPriceLists))
	mux.HandleFunc("POST /billing/prices", s.authed(s.blCreateDraft))
	mux.HandleFunc("GET /billing/prices/{id}", s.authed(s.blPriceList))
	mux.HandleFunc("POST /billing/prices/{id}/prices", s.authed(s.blSavePrice))
	mux.HandleFunc("POST /billing/prices/{id}/prices/{code}/delete", s.authed(s.blDeletePrice))
	mux.HandleFunc("POST /billing/prices/{id}/publish", s.authed(s.blPublish))
	mux.HandleFunc("GET /billing/settings", s.authed(s.blSettings, access.Admin))
	mux.HandleFunc("POST /billing/settings", s.authed(s.blSettingsSave, access.Admin))
}

type blPriceListsData struct {
	Lists    []billing.PriceList
	CanPrice bool
	Error    string
}

func (s *Server) blPriceLists(w http.ResponseWriter, r *http.Request, a access.Actor) {
	lists, err := s.app.Billing.PriceLists(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "billing.prices.title", "billing", &blPriceListsData{Lists: lists, CanPrice: billing.CanPrice(a), Error: r.URL.Query().Get("err")})
	s.render(w, r, http.StatusOK, "billing_prices", p)
}

func (s *Server) blCreateDraft(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	l, err := s.app.Billing.CreateDraft(r.Context(), a, billing.ListInput{Title: f.Get("title"), Notes: f.Get("notes"), EffectiveFrom: f.Get("effective_from"), EffectiveTo: f.Get("effective_to")})
	if err != nil {
		s.failBack(w, r, err, "/billing/prices")
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/prices/%d", l.ID), "saved")
}

type blPriceListData struct {
	L        billing.PriceList
	CanEdit  bool
	Sections []string
	Units    []string
	Error    string
	Edit     billing.Price
}

func (s *Server) blPriceList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	l, err := s.app.Billing.PriceList(r.Context(), a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &blPriceListData{L: l, CanEdit: billing.CanPrice(a) && l.Status == billing.ListDraft, Sections: billing.Sections, Units: billing.PriceUnits, Error: r.URL.Query().Get("err")}
	code := r.URL.Query().Get("edit")
	for _, p := range l.Prices {
		if p.Code == code {
			d.Edit = p
		}
	}
	p := s.newPage(r, "", "billing", d)
	p.Title = p.L.T("billing.prices.version", "n", l.Version) + " · " + l.Title
	s.render(w, r, http.StatusOK, "billing_pricelist", p)
}

// percentBP reads a percentage with up to two decimals ("6", "5.5") into basis points.
func percentBP(field, v string) (int, error) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%"))
	if v == "" {
		return 0, nil
	}
	fen, err := ParseYuan(v)
	if err != nil || fen < 0 || fen > 10000 {
		return 0, errs.Field(field, "err.billing.percent")
	}
	return int(fen), nil
}

func (s *Server) blSavePrice(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/prices/%d", id)
	in := billing.PriceInput{Section: f.Get("section"), Code: strings.TrimSpace(f.Get("code")), NameZh: f.Get("name_zh"), NameHant: f.Get("name_hant"), NameEn: f.Get("name_en"),
		Unit: f.Get("unit"), FapiaoItem: f.Get("fapiao_item"), ClientBookable: f.Get("client_bookable") != "", Note: f.Get("note"), Seq: formInt(f, "seq")}
	var err error
	if in.UnitFen, err = parseYuanField(f, "unit_price"); err == nil {
		if in.PercentBP, err = percentBP("percent", f.Get("percent")); err == nil {
			if in.TaxRateBP, err = percentBP("tax_rate", f.Get("tax_rate")); err == nil {
				_, err = s.app.Billing.SavePrice(r.Context(), a, id, in)
			}
		}
	}
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	redirect(w, r, back, "saved")
}

func (s *Server) blDeletePrice(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/prices/%d", id)
	if _, err := s.app.Billing.DeletePrice(r.Context(), a, id, r.PathValue("code")); err != nil {
		s.failBack(w, r, err, back)
		return
	}
	redirect(w, r, back, "saved")
}

func (s *Server) blPublish(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/prices/%d", id)
	if _, err := s.app.Billing.Publish(r.Context(), a, id); err != nil {
		s.failBack(w, r, err, back)
		return
	}
	redirect(w, r, back, "billing_published")
}

type blSettingsData struct {
	Known   []string
	Methods []string
	Notice  string
	Error   string
}

func (s *Server) blSettings(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	d := &blSettingsData{Known: billing.KnownPayMethods, Error: r.URL.Query().Get("err")}
	var err error
	if d.Methods, err = billing.PayMethods(ctx, s.app.DB); err == nil {
		d.Notice, err = billing.ReceiptNotice(ctx, s.app.DB)
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "billing_settings", s.newPage(r, "billing.settings.title", "admin", d))
}

func (s *Server) blSettingsSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	now := s.app.Clock.Now()
	err := s.app.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if err := billing.SetPayMethods(r.Context(), tx, now, a, r.PostForm["methods"]); err != nil {
			return err
		}
		return billing.SetReceiptNotice(r.Context(), tx, now, a, r.PostForm.Get("notice"))
	})
	if err != nil {
		s.failBack(w, r, err, "/billing/settings")
		return
	}
	redirect(w, r, "/billing/settings", "saved")
}
