package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/forms"
)

// Printed forms in copies: an area's handler loads its record
// through its domain read call (which decides who may see it), then hands
// a PaperForm to servePaperForm for both GET and POST of its print route.
// GET shows the preview with the print history; POST registers a print
// (the first, or a reprint with its reason) and answers with the copies to
// print, each with its part label, the number, 补打 on a reprint,
// signature and seal boxes and a QR code back to the record. See
// docs/forms.md.

// PaperForm is one form of one record, ready to print.
type PaperForm struct {
	Spec     forms.Spec
	EntityID int64
	Number   string // document number printed on every copy
	Title    string // translated title of the form
	Back     string // the record's page, for the back link and the QR code
	Nav      string // the active navigation item
	Body     string // name of the body template (defined in a _partial), run with a Page whose Data is BodyData
	BodyData any
	Signs    []SignBox // signature and seal boxes under every copy
}

// SignBox is one signature box under a copy: a translated label, with a
// seal circle when the party seals (盖章) and a date line.
type SignBox struct {
	Label string
	Seal  bool
}

// FreshPrint is how long after registering a print its copies are shown
// for printing; later the page shows the preview again, so paper printed
// from an old page is always registered (and marked 补打).
const FreshPrint = 15 * time.Minute

// paperCopy is one copy as the template draws it.
type paperCopy struct {
	Part  string // translated part label
	Index int    // 1-based
}

// paperData feeds form_print.
type paperData struct {
	F       PaperForm
	Copies  []paperCopy
	Body    template.HTML
	QR      template.HTML
	Cut     bool
	History []forms.Print
	Print   *forms.Print // the registered print being printed; nil: preview
	Action  string
}

func (s *Server) servePaperForm(w http.ResponseWriter, r *http.Request, a access.Actor, f PaperForm) {
	ctx := r.Context()
	if a.IsClient() {
		s.fail(w, r, errs.Forbid(), "", nil)
		return
	}
	d := &paperData{F: f, Cut: f.Spec.Layout == forms.Cut, Action: r.URL.Path}
	p := s.newPage(r, "", f.Nav, d)
	p.Title = f.Title
	if r.Method == http.MethodPost {
		pr, err := s.app.Forms.Record(ctx, a, f.Spec, f.EntityID, f.Number, r.PostFormValue("reason"))
		if err != nil {
			if perr := s.fillPaper(r, p, d); perr != nil {
				s.fail(w, r, perr, "", nil)
				return
			}
			s.fail(w, r, err, "form_print", p)
			return
		}
		http.Redirect(w, r, r.URL.Path+"?print="+strconv.FormatInt(pr.ID, 10)+"&auto=1", http.StatusSeeOther)
		return
	}
	if id, ok := parseID(r.URL.Query().Get("print")); ok {
		pr, err := s.app.Forms.Get(ctx, f.Spec, f.EntityID, id)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		if pr.By == a.UserID && p.Now.Sub(pr.At) < FreshPrint {
			d.Print = &pr
		}
	}
	if err := s.fillPaper(r, p, d); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.Print != nil && d.Print.ID != d.History[len(d.History)-1].ID {
		d.Print = nil // a later print supersedes it
	}
	s.render(w, r, http.StatusOK, "form_print", p)
}

// fillPaper renders the body once, the QR code and the copies' labels, and
// reads the print history.
func (s *Server) fillPaper(r *http.Request, p *Page, d *paperData) error {
	f := d.F
	var err error
	if d.History, err = s.app.Forms.History(r.Context(), f.Spec, f.EntityID); err != nil {
		return err
	}
	for i, part := range f.Spec.Parts {
		d.Copies = append(d.Copies, paperCopy{Part: p.L.T(part.Key, "n", part.N), Index: i + 1})
	}
	base := s.app.PublicURL(r.Context())
	if base == "" {
		base = baseURL(r)
	}
	qr, err := QRSVG(base + f.Back)
	if err != nil {
		return err
	}
	d.QR = template.HTML(qr) // drawn by QRSVG from numbers only
	t, ok := s.pages["form_print"]
	if !ok {
		return errs.Missing()
	}
	body := *p
	body.Data = f.BodyData
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, f.Body, &body); err != nil {
		return errs.Wrap(err, "render form body "+f.Body)
	}
	d.Body = template.HTML(buf.String()) // the output of html/template, escaped there
	return nil
}
