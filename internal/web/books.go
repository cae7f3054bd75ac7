package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/billing"
	"jiedai/internal/errs"
)

// The finance desk's books: fapiao, credits, ageing, reports, audit
// periods (/billing/...), and the client's billing in the portal
// (/portal/billing).
func (s *Server) routesBooks(mux *http.ServeMux) {
	readers := []string{access.Finance, access.Office, access.Audit, access.Executive}
	mux.HandleFunc("GET /billing/fapiao", s.authed(s.bkFapiaoList, readers...))
	mux.HandleFunc("GET /billing/fapiao/new", s.authed(s.bkFapiaoForm, access.Finance, access.Office))
	mux.HandleFunc("POST /billing/fapiao/new", s.authed(s.bkFapiaoRequest, access.Finance, access.Office))
	mux.HandleFunc("GET /billing/fapiao/{id}", s.authed(s.bkFapiao))
	mux.HandleFunc("POST /billing/fapiao/{id}/{action}", s.authed(s.bkFapiaoAct))
	mux.HandleFunc("GET /billing/credits", s.authed(s.bkCredits, readers...))
	mux.HandleFunc("POST /billing/credits", s.authed(s.bkCreditPropose, readers...))
	mux.HandleFunc("POST /billing/credits/{id}/decide", s.authed(s.bkCreditDecide))
	mux.HandleFunc("GET /billing/ageing", s.authed(s.bkAgeing, readers...))
	mux.HandleFunc("GET /billing/ageing.xlsx", s.authed(s.bkAgeingExcel, readers...))
	mux.HandleFunc("GET /billing/receivables/{id}", s.authed(s.bkAccount, readers...))
	mux.HandleFunc("GET /billing/reports", s.authed(s.bkReport, readers...))
	mux.HandleFunc("GET /billing/reports.xlsx", s.authed(s.bkReportExcel, readers...))
	mux.HandleFunc("GET /billing/periods", s.authed(s.bkPeriods, readers...))
	mux.HandleFunc("POST /billing/periods", s.authed(s.bkPeriodOpen, readers...))
	mux.HandleFunc("GET /billing/periods/{id}", s.authed(s.bkPeriod, readers...))
	mux.HandleFunc("GET /billing/periods/{id}/print", s.authed(s.bkPeriodPrint, readers...))
	mux.HandleFunc("POST /billing/periods/{id}/{action}", s.authed(s.bkPeriodAct, readers...))
	mux.HandleFunc("GET /portal/billing", s.authed(s.bkPortal, access.Client))
	mux.HandleFunc("GET /portal/billing/fapiao/new", s.authed(s.bkFapiaoForm, access.Client))
	mux.HandleFunc("POST /portal/billing/fapiao/new", s.authed(s.bkFapiaoRequest, access.Client))
	mux.HandleFunc("GET /portal/billing/profile", s.authed(s.bkProfileForm, access.Client))
	mux.HandleFunc("POST /portal/billing/profile", s.authed(s.bkProfileSave, access.Client))
}

// bkAccountID is the account a page is about: the client's own
// organisation's in the portal, the ?account= one for staff.
func (s *Server) bkAccountID(r *http.Request, a access.Actor) (int64, error) {
	if a.IsClient() {
		acc, err := s.app.Books.OrgAccount(r.Context(), a, 0)
		return acc.ID, err
	}
	id, ok := parseID(r.FormValue("account"))
	if !ok {
		return 0, errs.Field("account", "err.required")
	}
	return id, nil
}

type bkFapiaoListData struct {
	List     []billing.Fapiao
	Status   string
	Statuses []string
}

func (s *Server) bkFapiaoList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	st := r.URL.Query().Get("status")
	list, err := s.app.Books.ListFapiao(r.Context(), a, billing.FapiaoFilter{Status: st})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "books_fapiao_list", s.newPage(r, "books.fapiao.title", "billing", &bkFapiaoListData{List: list, Status: st, Statuses: billing.FapiaoStatuses}))
}

type bkFapiaoFormData struct {
	View   billing.AccountView
	Action string
	Back   string
	Types  []billing.FapiaoType
	Media  []billing.FapiaoMedium
}

// bkFapiaoPage builds the request form of an account, prefilled from its
// billing profile on first show.
func (s *Server) bkFapiaoPage(r *http.Request, a access.Actor, first bool) (*Page, error) {
	id, err := s.bkAccountID(r, a)
	if err != nil {
		return nil, err
	}
	v, err := s.app.Books.View(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	d := &bkFapiaoFormData{View: v, Types: billing.FapiaoKinds, Media: billing.FapiaoMedia, Action: "/portal/billing/fapiao/new", Back: "/portal/billing"}
	if !a.IsClient() {
		d.Action, d.Back = "/billing/fapiao/new?account="+strconv.FormatInt(id, 10), "/billing/receivables/"+strconv.FormatInt(id, 10)
	}
	p := s.newPage(r, "books.request.title", bkNav(a), d)
	if first {
		acc := v.Account
		b := acc.ProfileBuyer()
		typ, medium := billing.ProfileKind(acc.FapiaoType)
		p.Form = url.Values{"type": {string(typ)}, "medium": {string(medium)}, "buyer_kind": {string(b.Kind)}, "buyer_name": {b.Name},
			"buyer_tax_id": {b.TaxID}, "buyer_address_phone": {b.AddressPhone}, "buyer_bank_account": {b.BankAccount}, "receive_email": {acc.FapiaoEmail}}
		for _, c := range r.URL.Query()["charge"] {
			p.Form.Add("charge", c)
		}
	}
	return p, nil
}

func bkNav(a access.Actor) string {
	if a.IsClient() {
		return "portal-billing"
	}
	return "billing"
}

func (s *Server) bkFapiaoForm(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.bkFapiaoPage(r, a, true)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "books_fapiao_form", p)
}

// fapiaoForm reads a fapiao request form.
func fapiaoForm(f url.Values) billing.FapiaoInput {
	in := billing.FapiaoInput{Type: billing.FapiaoType(f.Get("type")), Medium: billing.FapiaoMedium(f.Get("medium")),
		Buyer: billing.Buyer{Kind: billing.BuyerKind(f.Get("buyer_kind")), Name: f.Get("buyer_name"), TaxID: f.Get("buyer_tax_id"),
			AddressPhone: f.Get("buyer_address_phone"), BankAccount: f.Get("buyer_bank_account")},
		ReceiveEmail: f.Get("receive_email"), ReceivePhone: f.Get("receive_phone"), Remarks: f.Get("remarks"), PropertyAddress: f.Get("property_address")}
	for _, v := range f["charge"] {
		if id, ok := parseID(v); ok && len(in.ChargeIDs) < 5000 {
			in.ChargeIDs = append(in.ChargeIDs, id)
		}
	}
	return in
}

func (s *Server) bkFapiaoRequest(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id, err := s.bkAccountID(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	in := fapiaoForm(r.PostForm)
	in.AccountID = id
	list, err := s.app.Books.RequestFapiao(r.Context(), a, in)
	if err != nil {
		p, perr := s.bkFapiaoPage(r, a, false)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "books_fapiao_form", p)
		return
	}
	if len(list) == 1 {
		redirect(w, r, "/billing/fapiao/"+strconv.FormatInt(list[0].ID, 10), "fapiao_requested")
		return
	}
	if a.IsClient() {
		redirect(w, r, "/portal/billing", "fapiao_requested")
		return
	}
	redirect(w, r, "/billing/fapiao", "fapiao_requested")
}

type bkFapiaoData struct {
	F       billing.Fapiao
	CanKeep bool
	Types   []billing.FapiaoType
	Media   []billing.FapiaoMedium
}

func (s *Server) bkFapiaoDetail(r *http.Request, a access.Actor) (*Page, error) {
	f, err := s.app.Books.GetFapiao(r.Context(), a, pathInt(r, "id"))
	if err != nil {
		return nil, err
	}
	p := s.newPage(r, "books.fapiao.one", bkNav(a), &bkFapiaoData{F: f, CanKeep: billing.CanKeepBooks(a), Types: billing.FapiaoKinds, Media: billing.FapiaoMedia})
	p.Title = p.L.T("books.fapiao.one") + " " + f.Number
	return p, nil
}

func (s *Server) bkFapiao(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.bkFapiaoDetail(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "books_fapiao", p)
}

func (s *Server) bkFapiaoAct(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx, id, b := r.Context(), pathInt(r, "id"), s.app.Books
	if !billing.CanKeepBooks(a) { // refused before the form is read, as the domain would
		_, err := b.GetFapiao(ctx, a, id)
		s.fail(w, r, errs.Refuse(err == nil), "", nil)
		return
	}
	var err error
	switch r.PathValue("action") {
	case "issue":
		var data []byte
		var name string
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			data, name, err = readUpload(w, r, "file")
			if err != nil && errs.As(err).Field == "file" && errs.As(err).Key == "err.required" {
				err = nil // a paper fapiao needs no file
			}
		}
		var net, tax int64
		if err == nil {
			net, err = parseYuanField(r.Form, "net")
		}
		if err == nil {
			tax, err = parseYuanField(r.Form, "tax")
		}
		if err == nil {
			_, err = b.IssueFapiao(ctx, a, id, billing.IssueInput{FapiaoNo: r.FormValue("fapiao_no"), IssuedOn: r.FormValue("issued_on"),
				Type: billing.FapiaoType(r.FormValue("type")), Medium: billing.FapiaoMedium(r.FormValue("medium")), NetFen: net, TaxFen: tax, FileName: name, File: data})
		}
	case "deliver":
		_, err = b.DeliverFapiao(ctx, a, id)
	case "reject":
		_, err = b.RejectFapiao(ctx, a, id, r.FormValue("reason"))
	case "reverse":
		_, err = b.ReverseFapiao(ctx, a, id, billing.ReverseInput{FapiaoNo: r.FormValue("red_no"), IssuedOn: r.FormValue("red_on"),
			Reason: r.FormValue("red_reason"), Reissue: r.FormValue("reissue") != ""})
	default:
		err = errs.Missing()
	}
	if err != nil {
		p, perr := s.bkFapiaoDetail(r, a)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "books_fapiao", p)
		return
	}
	redirect(w, r, "/billing/fapiao/"+strconv.FormatInt(id, 10), "saved")
}

type bkCreditsData struct {
	List      []billing.Credit
	CanCredit bool
	Threshold int64
	Decidable map[int64]bool
	Charge    int64
}

func (s *Server) bkCreditsPage(r *http.Request, a access.Actor) (*Page, error) {
	list, err := s.app.Books.ListCredits(r.Context(), a, r.URL.Query().Get("status"))
	if err != nil {
		return nil, err
	}
	th, err := billing.CreditThreshold(r.Context(), s.app.DB)
	if err != nil {
		return nil, err
	}
	d := &bkCreditsData{List: list, CanCredit: billing.CanCredit(a), Threshold: th, Decidable: map[int64]bool{}}
	d.Charge, _ = parseID(r.URL.Query().Get("charge"))
	for _, k := range list {
		if k.Status == billing.CreditPending && approval.CanDecide(a, k.Chain) {
			d.Decidable[k.ID] = true
		}
	}
	return s.newPage(r, "books.credits.title", "billing", d), nil
}

func (s *Server) bkCredits(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.bkCreditsPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if p.Data.(*bkCreditsData).Charge != 0 {
		p.Form = url.Values{"charge_id": {r.URL.Query().Get("charge")}}
	}
	s.render(w, r, http.StatusOK, "books_credits", p)
}

func (s *Server) bkCreditPropose(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if !billing.CanCredit(a) {
		s.fail(w, r, errs.Forbid(), "", nil)
		return
	}
	_ = r.ParseForm()
	charge, _ := parseID(r.PostForm.Get("charge_id"))
	fen, err := parseYuanField(r.PostForm, "amount")
	if err == nil {
		_, err = s.app.Books.ProposeCredit(r.Context(), a, billing.CreditInput{ChargeID: charge, AmountFen: fen, Reason: r.PostForm.Get("reason")})
	}
	if err != nil {
		p, e := s.bkCreditsPage(r, a)
		if e != nil {
			s.fail(w, r, e, "", nil)
			return
		}
		s.fail(w, r, err, "books_credits", p)
		return
	}
	redirect(w, r, "/billing/credits", "saved")
}

func (s *Server) bkCreditDecide(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if _, err := s.app.Books.DecideCredit(r.Context(), a, pathInt(r, "id"), r.FormValue("decision"), r.FormValue("comment")); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/billing/credits", "saved")
}

type bkAgeingData struct {
	Rep  billing.Ageing
	Keys []string
}

func (s *Server) bkAgeing(w http.ResponseWriter, r *http.Request, a access.Actor) {
	rep, err := s.app.Books.AgeingReport(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "books_ageing", s.newPage(r, "books.ageing.title", "billing", &bkAgeingData{Rep: rep, Keys: billing.AgeBucketKeys[:]}))
}

func (s *Server) bkAccount(w http.ResponseWriter, r *http.Request, a access.Actor) {
	v, err := s.app.Books.View(r.Context(), a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "books.account.title", "billing", &v)
	p.Title = v.Account.Name
	s.render(w, r, http.StatusOK, "books_account", p)
}

func (s *Server) bkPortal(w http.ResponseWriter, r *http.Request, a access.Actor) {
	acc, err := s.app.Books.OrgAccount(r.Context(), a, 0)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			s.render(w, r, http.StatusOK, "books_account", s.newPage(r, "books.portal.title", "portal-billing", &billing.AccountView{}))
			return
		}
		s.fail(w, r, err, "", nil)
		return
	}
	v, err := s.app.Books.View(r.Context(), a, acc.ID)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "books_account", s.newPage(r, "books.portal.title", "portal-billing", &v))
}

// bkProfileData offers the default fapiao types of an account.
type bkProfileData struct{ Types []string }

func (s *Server) bkProfilePage(r *http.Request, a access.Actor) (*Page, billing.Account, error) {
	acc, err := s.app.Books.OrgAccount(r.Context(), a, 0)
	if err != nil {
		return nil, acc, err
	}
	return s.newPage(r, "books.profile.title", "portal-billing", &bkProfileData{Types: billing.FapiaoTypes[1:]}), acc, nil
}

func (s *Server) bkProfileForm(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, acc, err := s.bkProfilePage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	b := acc.ProfileBuyer()
	p.Form = url.Values{"fapiao_type": {acc.FapiaoType}, "buyer_kind": {string(b.Kind)}, "buyer_name": {b.Name}, "buyer_tax_id": {b.TaxID},
		"buyer_address_phone": {b.AddressPhone}, "buyer_bank_account": {b.BankAccount}, "fapiao_email": {acc.FapiaoEmail}}
	s.render(w, r, http.StatusOK, "books_profile", p)
}

func (s *Server) bkProfileSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	p, acc, err := s.bkProfilePage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	f := fapiaoForm(r.PostForm)
	in := billing.ProfileInput{FapiaoType: r.PostForm.Get("fapiao_type"), Buyer: f.Buyer, FapiaoEmail: r.PostForm.Get("fapiao_email")}
	if _, err := s.app.Books.SaveProfile(r.Context(), a, acc.ID, in); err != nil {
		s.fail(w, r, err, "books_profile", p)
		return
	}
	redirect(w, r, "/portal/billing", "saved")
}

// booksFuncs are the template helpers of the books' pages.
func booksFuncs() template.FuncMap {
	return template.FuncMap{
		"booksRate": func(bp int) string { return billing.TaxRate(bp).String() },
		"booksNet":  func(amount, credited int64) int64 { return amount - credited },
		"booksYuan": yuanInput,
	}
}
