package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"jiedai/internal/access"
	"jiedai/internal/client"
)

func (s *Server) routesClients(mux *http.ServeMux) {
	mux.HandleFunc("GET /clients", s.authed(s.clList))
	mux.HandleFunc("GET /clients/new", s.authed(s.clForm))
	mux.HandleFunc("POST /clients/new", s.authed(s.clSave))
	mux.HandleFunc("GET /clients/duplicates", s.authed(s.clDuplicates, access.Office, access.Supervisor))
	mux.HandleFunc("GET /clients/{id}", s.authed(s.clDetail))
	mux.HandleFunc("GET /clients/{id}/edit", s.authed(s.clForm))
	mux.HandleFunc("POST /clients/{id}/edit", s.authed(s.clSave))
	mux.HandleFunc("POST /clients/{id}/merge", s.authed(s.clMerge))
	mux.HandleFunc("POST /clients/{id}/billing", s.authed(s.clSaveBilling))
	mux.HandleFunc("POST /clients/{id}/contacts", s.authed(s.clSaveContact))
	mux.HandleFunc("POST /clients/{id}/contacts/{c}", s.authed(s.clSaveContact))
	mux.HandleFunc("POST /clients/{id}/contacts/{c}/merge", s.authed(s.clMergeContact))
	mux.HandleFunc("POST /clients/{id}/contacts/{c}/erase", s.authed(s.clEraseContact))
}

type clListData struct {
	Orgs     []client.Org
	Total    int
	CanEdit  bool
	CanMerge bool
	Next     int
	Prev     int
}

func (s *Server) clList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	off, _ := strconv.Atoi(q.Get("offset"))
	orgs, total, err := s.app.Clients.List(r.Context(), a, client.Filter{Q: q.Get("q"), Limit: 50, Offset: off})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &clListData{Orgs: orgs, Total: total, CanEdit: client.CanWrite(a), CanMerge: client.CanMerge(a), Prev: -1}
	if off+len(orgs) < total {
		d.Next = off + len(orgs)
	}
	if off > 0 {
		d.Prev = max(0, off-50)
	}
	p := s.newPage(r, "client.title", "clients", d)
	p.Form = q
	s.render(w, r, http.StatusOK, "clients_list", p)
}

type clFormData struct {
	ID    int64
	Kinds []string
}

func (s *Server) clForm(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	p := s.newPage(r, "client.new", "clients", &clFormData{ID: id, Kinds: client.Kinds})
	if id != 0 {
		o, err := s.app.Clients.Get(r.Context(), a, id)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		p.Title = p.L.T("client.edit")
		p.Form = url.Values{"name": {o.Name}, "kind": {o.Kind}, "short_name": {o.ShortName}, "industry": {o.Industry}, "address": {o.Address}, "phone": {o.Phone}, "website": {o.Website}, "notes": {o.Notes}}
	}
	s.render(w, r, http.StatusOK, "clients_form", p)
}

func orgInput(f url.Values) client.OrgInput {
	return client.OrgInput{Name: f.Get("name"), Kind: f.Get("kind"), ShortName: f.Get("short_name"), Industry: f.Get("industry"), Address: f.Get("address"), Phone: f.Get("phone"), Website: f.Get("website"), Notes: f.Get("notes")}
}

func (s *Server) clSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	var o client.Org
	var err error
	if id == 0 {
		o, err = s.app.Clients.Create(r.Context(), a, orgInput(r.PostForm))
	} else {
		o, err = s.app.Clients.Update(r.Context(), a, id, orgInput(r.PostForm))
	}
	if err != nil {
		title := "client.new"
		if id != 0 {
			title = "client.edit"
		}
		s.fail(w, r, err, "clients_form", s.newPage(r, title, "clients", &clFormData{ID: id, Kinds: client.Kinds}))
		return
	}
	redirect(w, r, "/clients/"+strconv.FormatInt(o.ID, 10), "saved")
}

type clDetailData struct {
	Org      client.Org
	Merged   client.Org
	Contacts []client.Contact
	History  []client.HistoryItem
	CanEdit  bool
	CanMerge bool
	CanErase bool
	// CanBill: the reader may edit the billing profile (staff, the org's client users).
	CanBill     bool
	FapiaoTypes []string
	Bill        client.BillingProfile // the profile form's values: the org's, or those just posted
	BillOpen    bool                  // the profile form is open (a posted profile came back with errors)
	Others      []client.Org
	EditID      int64
}

func (s *Server) clDetailPage(r *http.Request, a access.Actor, id int64) (*Page, error) {
	ctx := r.Context()
	o, err := s.app.Clients.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &clDetailData{Org: o, CanEdit: client.CanWrite(a) && o.MergedInto == 0, CanMerge: client.CanMerge(a) && o.MergedInto == 0, CanErase: client.CanErase(a),
		CanBill: client.CanEditBilling(a, o.ID) && o.MergedInto == 0, FapiaoTypes: client.FapiaoTypes}
	if o.MergedInto != 0 {
		if d.Merged, err = s.app.Clients.Get(ctx, a, o.MergedInto); err != nil {
			return nil, err
		}
	}
	if d.Contacts, err = s.app.Clients.Contacts(ctx, a, id); err != nil {
		return nil, err
	}
	if d.History, err = s.app.Clients.History(ctx, a, id, 0); err != nil {
		return nil, err
	}
	if d.CanMerge {
		all, err := s.orgChoices(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, x := range all {
			if x.ID != id {
				d.Others = append(d.Others, x)
			}
		}
	}
	d.Bill = o.Billing
	if r.Method == http.MethodPost && r.PostForm.Has("fapiao_type") {
		d.Bill, d.BillOpen = billingForm(r.PostForm), true
	}
	d.EditID = formID(r.URL.Query(), "contact")
	p := s.newPage(r, "", "clients", d)
	p.Title = o.Name
	return p, nil
}

func (s *Server) clDetail(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.clDetailPage(r, a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "clients_detail", p)
}

func (s *Server) clDetailFail(w http.ResponseWriter, r *http.Request, a access.Actor, id int64, err error) {
	p, perr := s.clDetailPage(r, a, id)
	if perr != nil {
		s.fail(w, r, perr, "", nil)
		return
	}
	s.fail(w, r, err, "clients_detail", p)
}

func (s *Server) clMerge(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	if _, err := s.app.Clients.Merge(r.Context(), a, id, formID(r.PostForm, "duplicate_id")); err != nil {
		s.clDetailFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/clients/"+strconv.FormatInt(id, 10), "client_merged")
}

func (s *Server) clSaveContact(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id, cid := pathInt(r, "id"), pathInt(r, "c")
	in := client.ContactInput{Name: f.Get("name"), Title: f.Get("title"), Mobile: f.Get("mobile"), Phone: f.Get("phone"), Email: f.Get("email"), WeChat: f.Get("wechat"), Notes: f.Get("notes")}
	var err error
	if cid == 0 {
		_, err = s.app.Clients.CreateContact(r.Context(), a, id, in)
	} else {
		_, err = s.app.Clients.UpdateContact(r.Context(), a, cid, in)
	}
	if err != nil {
		s.clDetailFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/clients/"+strconv.FormatInt(id, 10), "saved")
}

// billingForm reads the billing profile form.
func billingForm(f url.Values) client.BillingProfile {
	return client.BillingProfile{Title: f.Get("bill_title"), TaxID: f.Get("tax_id"), AddressPhone: f.Get("address_phone"), BankAccount: f.Get("bank_account"),
		FapiaoType: f.Get("fapiao_type"), EFapiaoEmail: f.Get("efapiao_email"), PostalAddress: f.Get("postal_address")}
}

// clSaveBilling keeps the organisation's billing profile (开票信息).
func (s *Server) clSaveBilling(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	if _, err := s.app.Clients.UpdateBilling(r.Context(), a, id, billingForm(f)); err != nil {
		s.clDetailFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/clients/"+strconv.FormatInt(id, 10), "saved")
}

func (s *Server) clMergeContact(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	if _, err := s.app.Clients.MergeContacts(r.Context(), a, pathInt(r, "c"), formID(r.PostForm, "duplicate_id")); err != nil {
		s.clDetailFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/clients/"+strconv.FormatInt(id, 10), "client_merged")
}

func (s *Server) clDuplicates(w http.ResponseWriter, r *http.Request, a access.Actor) {
	pairs, err := s.app.Clients.Duplicates(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "clients_duplicates", s.newPage(r, "client.duplicates", "clients", pairs))
}

// orgChoices lists the client register for a form's organisation picker
// (the first 500 by name; a larger register is searched on /clients).
func (s *Server) orgChoices(ctx context.Context, a access.Actor) ([]client.Org, error) {
	orgs, _, err := s.app.Clients.List(ctx, a, client.Filter{Limit: 500})
	if err != nil {
		return nil, fmt.Errorf("list client organisations: %w", err)
	}
	return orgs, nil
}

// clEraseContact erases a contact's personal data on their request.
func (s *Server) clEraseContact(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	if err := s.app.Clients.EraseContact(r.Context(), a, pathInt(r, "c")); err != nil {
		s.clDetailFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/clients/"+strconv.FormatInt(id, 10), "privacy_erased")
}
