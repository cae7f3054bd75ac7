package web

import (
	"context"
	"net/http"
	"strconv"

	"jiedai/internal/access"
	"jiedai/internal/ack"
	"jiedai/internal/app"
	"jiedai/internal/approval"
	"jiedai/internal/auth"
	"jiedai/internal/doctemplate"
	"jiedai/internal/errs"
)

// Pages of the document templates, the acknowledgements and
// the client portal.
func (s *Server) routesDocuments(mux *http.ServeMux) {
	mux.HandleFunc("GET /templates", s.authed(s.templateList, staffRoles()...))
	mux.HandleFunc("GET /templates/new", s.authed(s.templateNew, staffRoles()...))
	mux.HandleFunc("POST /templates/new", s.authed(s.templateCreate, staffRoles()...))
	mux.HandleFunc("GET /templates/{id}", s.authed(s.templateShow, staffRoles()...))
	mux.HandleFunc("POST /templates/{id}/edit", s.authed(s.templateEdit, staffRoles()...))
	mux.HandleFunc("POST /templates/versions/{id}/{action}", s.authed(s.templateAct, staffRoles()...))
	mux.HandleFunc("GET /acks", s.authed(s.ackList))
	mux.HandleFunc("GET /acks/{id}", s.authed(s.ackShow))
	mux.HandleFunc("POST /acks/{id}/sign", s.authed(s.ackSign))
	mux.HandleFunc("POST /acks/{id}/scan", s.authed(s.ackScan))
	mux.HandleFunc("GET /portal", s.authed(s.portal, access.Client))
}

// --- templates -------------------------------------------------------------

type templateData struct {
	T        doctemplate.Template
	Shown    doctemplate.Version // the version shown: ?v=, else the newest
	Chain    *approval.Chain
	CanEdit  bool
	Decides  bool
	Requests bool
	Acks     []ack.Ack
	Users    []auth.User
	Kinds    []string
	Known    []string
	Unsigned int
}

func (s *Server) templateList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ts, err := s.app.Templates.List(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "templates_list", s.newPage(r, "doctemplate.title", "templates", map[string]any{"List": ts, "CanEdit": doctemplate.CanEdit(a)}))
}

func (s *Server) templateNewPage(r *http.Request, a access.Actor) *Page {
	return s.newPage(r, "doctemplate.new", "templates", &templateData{Kinds: doctemplate.Kinds, Known: doctemplate.Known, CanEdit: doctemplate.CanEdit(a)})
}

func (s *Server) templateNew(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if !doctemplate.CanEdit(a) {
		s.fail(w, r, errs.Forbid(), "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "templates_form", s.templateNewPage(r, a))
}

func templateInput(r *http.Request) doctemplate.Input {
	f := r.PostForm
	return doctemplate.Input{Code: f.Get("code"), Kind: f.Get("kind"), OwnerDeptID: formID(f, "owner_dept_id"), Title: f.Get("title"),
		BodyZhHans: f.Get("body_zh_hans"), BodyZhHant: f.Get("body_zh_hant"), BodyEn: f.Get("body_en"), Resign: f.Get("resign") == "1"}
}

func (s *Server) templateCreate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	if !s.parsed(w, r) {
		return
	}
	t, err := s.app.Templates.Create(r.Context(), a, templateInput(r))
	if err != nil {
		s.fail(w, r, err, "templates_form", s.templateNewPage(r, a))
		return
	}
	redirect(w, r, doctemplate.Link(t.ID), "saved")
}

func (s *Server) templatePage(r *http.Request, a access.Actor, id int64) (*Page, error) {
	ctx := r.Context()
	t, err := s.app.Templates.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &templateData{T: t, Shown: t.Latest(), CanEdit: doctemplate.CanEdit(a), Requests: ack.CanRequest(a), Kinds: doctemplate.Kinds, Known: doctemplate.Known}
	if v, ok := parseID(r.URL.Query().Get("v")); ok {
		for _, tv := range t.Versions {
			if tv.ID == v {
				d.Shown = tv
			}
		}
	}
	c, ok, err := s.app.Templates.Chain(ctx, a, d.Shown.ID)
	if err != nil {
		return nil, err
	}
	if ok {
		d.Chain = &c
		d.Decides = d.Shown.Status == doctemplate.Submitted && approval.CanDecide(a, c)
	}
	if d.Requests && d.Shown.Status == doctemplate.Published {
		if d.Acks, err = s.app.Acks.Status(ctx, a, d.Shown.ID); err != nil {
			return nil, err
		}
		for _, k := range d.Acks {
			if k.Status == ack.Pending {
				d.Unsigned++
			}
		}
		if d.Users, err = s.app.Auth.List(ctx, a); err != nil {
			return nil, err
		}
	}
	p := s.newPage(r, "", "templates", d)
	p.Title = d.Shown.Title
	return p, nil
}

func (s *Server) templateShow(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.templatePage(r, a, pathInt(r, "id"))
	s.show(w, r, "templates_show", p, err)
}

func (s *Server) templateEdit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	if !s.parsed(w, r) {
		return
	}
	v, err := s.app.Templates.Edit(r.Context(), a, id, templateInput(r))
	if err != nil {
		s.failOnPage(w, r, err, "templates_show", func() (*Page, error) { return s.templatePage(r, a, id) })
		return
	}
	redirect(w, r, doctemplate.Link(id)+"?v="+strconv.FormatInt(v.ID, 10), "saved")
}

// templateAct runs submit, decide and request on a version.
func (s *Server) templateAct(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	vid := pathInt(r, "id")
	if !s.parsed(w, r) {
		return
	}
	v, err := s.app.Templates.Version(ctx, a, vid)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	flash := ""
	switch r.PathValue("action") {
	case "submit":
		err, flash = s.app.Templates.Submit(ctx, a, vid), "doc_submitted"
	case "decide":
		err, flash = s.app.Templates.Decide(ctx, a, vid, r.PostForm.Get("decision"), r.PostForm.Get("comment")), "doc_decided"
	case "request":
		var ids []int64
		for _, v := range r.PostForm["user_id"] {
			if id, ok := parseID(v); ok {
				ids = append(ids, id)
			}
		}
		_, err = s.app.Acks.Request(ctx, a, ack.RequestInput{VersionID: vid, UserIDs: ids})
		flash = "ack_requested"
	default:
		err = errs.Missing()
	}
	back := doctemplate.Link(v.TemplateID) + "?v=" + strconv.FormatInt(vid, 10)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			s.fail(w, r, err, "", nil)
			return
		}
		r.URL.RawQuery = "v=" + strconv.FormatInt(vid, 10)
		s.failOnPage(w, r, err, "templates_show", func() (*Page, error) { return s.templatePage(r, a, v.TemplateID) })
		return
	}
	redirect(w, r, back, flash)
}

// --- acknowledgements -------------------------------------------------------

type ackData struct {
	K       ack.Ack
	Body    string // the version's text in the reader's language, filled where it can be
	Mine    bool   // the reader is the person asked
	Records bool   // the reader records paper signatures
	List    []ack.Ack
}

func (s *Server) ackList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.app.Acks.Mine(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "acks_list", s.newPage(r, "ack.title", "acks", &ackData{List: list}))
}

func (s *Server) ackPage(r *http.Request, a access.Actor, id int64) (*Page, error) {
	ctx := r.Context()
	k, err := s.app.Acks.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	v, err := s.app.Templates.Text(ctx, k.VersionID)
	if err != nil {
		return nil, err
	}
	p := s.newPage(r, "", "acks", nil)
	d := &ackData{K: k, Mine: k.UserID == a.UserID, Records: a.IsStaff() && ack.CanRequest(a)}
	d.Body = s.fillAck(ctx, v.Body(p.L.Lang), k, p)
	p.Data, p.Title = d, k.Title
	return p, nil
}

// fillAck fills the placeholders it knows for the person asked; a text
// with others is shown as written.
func (s *Server) fillAck(ctx context.Context, body string, k ack.Ack, p *Page) string {
	vals := map[string]string{"person.name": k.UserName, "site.name": p.SiteName, "date.today": p.Now.In(p.Loc).Format("2006-01-02")}
	if k.OrgID != 0 {
		if o, err := s.app.Clients.Get(ctx, access.SystemActor(), k.OrgID); err == nil {
			vals["org.name"] = o.Name
		}
	}
	if out, err := doctemplate.Fill(body, vals); err == nil {
		return out
	}
	return body
}

func (s *Server) ackShow(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.ackPage(r, a, pathInt(r, "id"))
	s.show(w, r, "ack_show", p, err)
}

func (s *Server) ackSign(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	if !s.parsed(w, r) {
		return
	}
	if _, err := s.app.Acks.Sign(r.Context(), a, id, r.PostForm.Get("name")); err != nil {
		s.failOnPage(w, r, err, "ack_show", func() (*Page, error) { return s.ackPage(r, a, id) })
		return
	}
	to := ack.Link(id)
	if a.IsClient() {
		to = "/portal"
	}
	redirect(w, r, to, "ack_signed")
}

// ackScan records a paper signature: the scan is attached to the
// acknowledgement, then the acknowledgement is completed with it.
func (s *Server) ackScan(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	id := pathInt(r, "id")
	k, err := s.app.Acks.Get(ctx, a, id)
	if err == nil && !ack.CanRequest(a) {
		err = errs.Forbid()
	}
	if err == nil && k.Status != ack.Pending {
		err = errs.State(k.Status, "sign")
	}
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	data, name, err := readUpload(w, r, "file")
	if err == nil {
		var at int64
		if f, aerr := s.app.Files.Add(ctx, a, ack.Entity, id, name, data); aerr != nil {
			err = aerr
		} else {
			at = f.ID
			_, err = s.app.Acks.RecordScan(ctx, a, id, at)
		}
	}
	if err != nil {
		s.failOnPage(w, r, err, "ack_show", func() (*Page, error) { return s.ackPage(r, a, id) })
		return
	}
	redirect(w, r, ack.Link(id), "ack_signed")
}

// show renders a page built by a page function, or its error.
func (s *Server) show(w http.ResponseWriter, r *http.Request, name string, p *Page, err error) {
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, name, p)
}

// parsed parses a posted form, answering 400 when it cannot.
func (s *Server) parsed(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.BadRequest, "err.bad_request"), "", nil)
		return false
	}
	return true
}

// failOnPage answers a failed POST with its page shown again (values kept,
// fields marked), or with the page's own error when it cannot be shown.
func (s *Server) failOnPage(w http.ResponseWriter, r *http.Request, err error, form string, page func() (*Page, error)) {
	p, perr := page()
	if perr != nil {
		s.fail(w, r, perr, "", nil)
		return
	}
	s.fail(w, r, err, form, p)
}

// --- portal -------------------------------------------------------------------

func (s *Server) portal(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p := s.newPage(r, "portal.title", "portal", nil)
	var secs []app.TodaySection
	for _, src := range s.app.Portal {
		sec, err := src(r.Context(), a, p.L.Lang)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		if sec.Key != "" && len(sec.Items) > 0 {
			secs = append(secs, sec)
		}
	}
	p.Data = secs
	s.render(w, r, http.StatusOK, "portal", p)
}
