package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/venue"
)

// The printable documents of a booking: the bilingual confirmation letter
// (also behind the client's confirmation link, no login), and the
// itemised statement with the settlement form.
func (s *Server) routesBookingDocs(mux *http.ServeMux) {
	mux.HandleFunc("GET /bookings/{id}/letter", s.authed(s.bookingLetter))
	mux.HandleFunc("GET /confirm/{token}", s.confirmPage)
	mux.HandleFunc("POST /confirm/{token}", s.confirmSubmit)
	mux.HandleFunc("GET /bookings/{id}/statement", s.authed(s.bookingStatement))
	mux.HandleFunc("POST /bookings/{id}/statement", s.authed(s.bookingSettle)) // the domain call decides: 404 for whom the booking is hidden
}

// letterData feeds the letter: both languages at once.
type letterData struct {
	L        booking.Letter
	Zh, En   *i18n.Localizer
	Loc      *time.Location
	Public   bool // shown behind the confirmation link
	Token    string
	Hours    string
	Done     bool
	Expired  bool
	SiteZh   string
	SiteEn   string
	Confirms bool
}

func (s *Server) letterPage(r *http.Request, l booking.Letter) *Page {
	d := &letterData{L: l, Zh: s.app.I18n.For(i18n.ZhHans), En: s.app.I18n.For(i18n.En), Loc: s.app.Loc,
		Hours: strconv.FormatFloat(float64(l.DurationMin)/60, 'f', -1, 64)}
	d.SiteZh, d.SiteEn = d.Zh.T("app.name"), d.En.T("app.name")
	d.Done = l.Status == booking.StatusConfirmed || l.Status == booking.StatusInUse || l.Status == booking.StatusCompleted
	d.Expired = l.Status == booking.StatusForfeited
	return s.newPage(r, "booking.letter.title", "bookings", d)
}

func (s *Server) bookingLetter(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	l, err := s.app.Bookings.Letter(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "booking_letter", s.letterPage(r, l))
}

// confirmPage shows the letter behind the confirmation link, with the
// button that confirms it.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	l, err := s.app.Bookings.LetterByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.letterPage(r, l)
	d := p.Data.(*letterData)
	d.Public, d.Token = true, r.PathValue("token")
	d.Confirms = l.Status == booking.StatusApproved
	s.render(w, r, http.StatusOK, "booking_letter", p)
}

func (s *Server) confirmSubmit(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if _, err := s.app.Bookings.ConfirmByToken(r.Context(), tok); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	redirect(w, r, "/confirm/"+tok, "booking_confirm")
}

// statementData feeds the statement page.
type statementData struct {
	B        booking.Booking
	St       booking.Statement
	Venue    venue.Venue
	Addons   []venue.Addon
	CanEdit  bool
	Methods  []string
	Hours    string
	Extra    []int
	Settable bool
}

func (s *Server) statementPage(r *http.Request, a access.Actor, id int64) (*Page, *statementData, error) {
	ctx := r.Context()
	b, err := s.app.Bookings.Get(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.app.Bookings.Statement(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.app.Venues.Get(ctx, nil, b.VenueID)
	if err != nil {
		return nil, nil, err
	}
	addons, err := s.app.Venues.Addons(ctx, nil, true)
	if err != nil {
		return nil, nil, err
	}
	methods, err := booking.PayMethods(ctx, s.app.DB)
	if err != nil {
		return nil, nil, err
	}
	d := &statementData{B: b, St: st, Venue: v, Addons: addons, CanEdit: booking.CanSettle(a), Methods: methods,
		Hours: strconv.FormatFloat(b.Duration().Hours(), 'f', -1, 64), Extra: []int{1, 2},
		Settable: b.Status == booking.StatusCompleted || b.Status == booking.StatusInUse || b.Status == booking.StatusNoShow || (b.Status == booking.StatusCancelled && b.CancelFee > 0)}
	return s.newPage(r, "booking.statement.title", "bookings", d), d, nil
}

func (s *Server) bookingStatement(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p, d, err := s.statementPage(r, a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Form = map[string][]string{"discount": {yuanInput(d.St.DiscountFen)}, "discount_reason": {d.St.DiscountReason},
		"pay_method": {d.St.PayMethod}, "invoice_no": {d.St.InvoiceNo}, "invoice_date": {d.St.InvoiceDate}}
	for _, it := range d.St.Lines {
		if it.AddonID != 0 {
			p.Form.Set(fmt.Sprintf("addon_%d", it.AddonID), strconv.Itoa(it.Qty))
		}
	}
	if d.St.Draft {
		p.Form.Set("paid", yuanInput(d.St.TotalFen))
	} else if !d.St.Paid() {
		p.Form.Set("paid", yuanInput(d.St.TotalFen-d.St.PaidFen))
	}
	s.render(w, r, http.StatusOK, "booking_statement", p)
}

// yuanInput shows fen as a yuan amount for a form field.
func yuanInput(fen int64) string {
	if fen == 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(fen)/100, 'f', 2, 64)
}

// parseYuan reads a yuan amount ("1280", "1,280.50", "¥99") into fen.
func parseYuan(v string) (int64, bool) {
	v = strings.NewReplacer(",", "", "¥", "", "￥", "", " ", "").Replace(strings.TrimSpace(v))
	if v == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(v, ".")
	// At most 13 digits of yuan (under ten trillion: no overflow in fen),
	// and what yuanInput writes always reads back.
	if len(whole) > 13 || len(frac) > 2 || whole == "" && frac == "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if whole == "" {
		w, err = 0, nil
	}
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err != nil || err2 != nil || w < 0 || f < 0 {
		return 0, false
	}
	return w*100 + f, true
}

func (s *Server) bookingSettle(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p, _, err := s.statementPage(r, a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	_ = r.ParseForm()
	f := r.PostForm
	var l errs.List
	in := booking.SettleInput{DiscountReason: f.Get("discount_reason"), PayMethod: f.Get("pay_method"), PayReference: f.Get("pay_reference"), InvoiceNo: f.Get("invoice_no"), InvoiceDate: f.Get("invoice_date")}
	var ok bool
	if in.DiscountFen, ok = parseYuan(f.Get("discount")); !ok {
		l.Add("discount", "err.booking_money")
	}
	if in.PaidFen, ok = parseYuan(f.Get("paid")); !ok {
		l.Add("paid", "err.booking_money")
	}
	for k, vals := range f {
		idStr, isAddon := strings.CutPrefix(k, "addon_")
		if !isAddon || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" || vals[0] == "0" {
			continue
		}
		aid, err1 := strconv.ParseInt(idStr, 10, 64)
		qty, err2 := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err1 != nil || err2 != nil {
			l.Add("lines", "err.booking_item")
			continue
		}
		in.Lines = append(in.Lines, booking.ActualLine{AddonID: aid, Qty: qty})
	}
	for _, n := range []string{"1", "2"} {
		name := strings.TrimSpace(f.Get("extra_name_" + n))
		if name == "" {
			continue
		}
		qty, err1 := strconv.Atoi(strings.TrimSpace(f.Get("extra_qty_" + n)))
		price, ok := parseYuan(f.Get("extra_price_" + n))
		if err1 != nil || !ok {
			l.Add("lines", "err.booking_item")
			continue
		}
		in.Lines = append(in.Lines, booking.ActualLine{Name: name, Qty: qty, UnitFen: price})
	}
	err = l.Err()
	if err == nil {
		_, err = s.app.Bookings.Settle(r.Context(), a, id, in)
	}
	if err != nil {
		s.fail(w, r, err, "booking_statement", p)
		return
	}
	redirect(w, r, fmt.Sprintf("/bookings/%d/statement", id), "booking_settled")
}
