package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/billing"
	"jiedai/internal/errs"
)

func (s *Server) routesBilling(mux *http.ServeMux) {
	mux.HandleFunc("GET /billing", s.authed(s.blList))
	mux.HandleFunc("POST /billing/accounts", s.authed(s.blOpenAccount))
	mux.HandleFunc("GET /billing/accounts/{id}", s.authed(s.blAccount))
	mux.HandleFunc("POST /billing/accounts/{id}", s.authed(s.blUpdateAccount))
	mux.HandleFunc("POST /billing/accounts/{id}/payments", s.authed(s.blRecordPayment))
	mux.HandleFunc("POST /billing/accounts/{id}/deposits", s.authed(s.blTakeDeposit))
	mux.HandleFunc("POST /billing/accounts/{id}/charges", s.authed(s.blChargeFromPrice))
	mux.HandleFunc("GET /billing/accounts/{id}/statement", s.authed(s.blStatement))
	mux.HandleFunc("GET /billing/payments/{id}", s.authed(s.blPayment))
	mux.HandleFunc("POST /billing/payments/{id}/reverse", s.authed(s.blReverse))
	mux.HandleFunc("POST /billing/payments/{id}/allocate", s.authed(s.blAllocate))
	mux.HandleFunc("POST /billing/payments/{id}/receipt", s.authed(s.blIssueReceipt))
	mux.HandleFunc("GET /billing/deposits/{id}", s.authed(s.blDeposit))
	mux.HandleFunc("POST /billing/deposits/{id}/apply", s.authed(s.blApplyDeposit))
	mux.HandleFunc("POST /billing/deposits/{id}/refund", s.authed(s.blRefundDeposit))
	mux.HandleFunc("GET /billing/receipts/{id}", s.authed(s.blReceipt))
	mux.HandleFunc("POST /billing/receipts/{id}/print", s.authed(s.blPrintReceipt))
	mux.HandleFunc("GET /billing/receipts/{id}/print", s.authed(s.blReceiptPrint))
	mux.HandleFunc("POST /billing/receipts/{id}/void", s.authed(s.blVoidReceipt))
	s.routesBillingPrices(mux)
	s.routesBillingReports(mux)
}

type blListData struct {
	Rows     []billing.AccountRow
	Total    int
	Next     int
	Prev     int
	CanKeep  bool
	Deposits int64
}

func (s *Server) blList(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	if a.IsClient() {
		acc, err := s.app.Billing.AccountForOrg(r.Context(), a, a.OrgID)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/billing/accounts/%d", acc.ID), http.StatusSeeOther)
		return
	}
	off, _ := strconv.Atoi(q.Get("offset"))
	rows, total, err := s.app.Billing.Accounts(r.Context(), a, billing.AccountFilter{Q: strings.TrimSpace(q.Get("q")), Owing: q.Get("owing") != "", Limit: 50, Offset: off})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &blListData{Rows: rows, Total: total, CanKeep: billing.CanKeep(a), Prev: -1}
	if off+len(rows) < total {
		d.Next = off + len(rows)
	}
	if off > 0 {
		d.Prev = max(0, off-50)
	}
	if d.Deposits, err = billing.DepositsHeld(r.Context(), s.app.DB); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "billing.title", "billing", d)
	p.Form = q
	s.render(w, r, http.StatusOK, "billing_list", p)
}

func accountInput(f url.Values) billing.AccountInput {
	return billing.AccountInput{Kind: f.Get("kind"), Name: f.Get("name"), ContactName: f.Get("contact_name"), Phone: f.Get("phone"), Email: f.Get("email"),
		PostalAddress: f.Get("postal_address"), FapiaoType: f.Get("fapiao_type"), BuyerName: f.Get("buyer_name"), BuyerTaxID: f.Get("buyer_tax_id"),
		BuyerAddressPhone: f.Get("buyer_address_phone"), BuyerBankAccount: f.Get("buyer_bank_account"), FapiaoEmail: f.Get("fapiao_email")}
}

func (s *Server) blOpenAccount(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	acc, err := s.app.Billing.OpenAccount(r.Context(), a, accountInput(r.PostForm))
	if err != nil {
		s.failBack(w, r, err, "/billing")
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/accounts/%d", acc.ID), "saved")
}

// failBack answers a refused form post on a page with several forms:
// field errors go back to the page as a message; other errors as usual.
func (s *Server) failBack(w http.ResponseWriter, r *http.Request, err error, to string) {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict {
		s.fail(w, r, err, "", nil)
		return
	}
	l := s.app.I18n.For(langFrom(r))
	msg := l.TArgs(e.Key, e.Args)
	if e.Field != "" {
		msg = l.T("billing.field."+e.Field) + ": " + msg
	}
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"err="+url.QueryEscape(msg), http.StatusSeeOther)
}

type blAccountData struct {
	Acc       billing.Account
	Bal       billing.Balance
	Charges   []billing.Charge
	Unpaid    []billing.Charge
	Payments  []billing.Payment
	Deposits  []billing.Deposit
	Receipts  []billing.Receipt
	Methods   []string
	Prices    []billing.Price
	CanKeep   bool
	CanRecord bool
	Error     string
	Focus     int64 // a charge to pay, from ?charge=
	Month     string
	MonthEnd  string
	Purposes  []string
	Fapiao    []string
}

func (s *Server) blAccount(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	id := pathInt(r, "id")
	acc, err := s.app.Billing.Account(ctx, a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &blAccountData{Acc: acc, CanKeep: billing.CanKeep(a), CanRecord: billing.CanRecordBooking(a), Error: r.URL.Query().Get("err"),
		Focus: formID(r.URL.Query(), "charge"), Purposes: billing.Purposes, Fapiao: billing.FapiaoTypes}
	now := s.app.Clock.Now().In(s.app.Loc)
	d.Month = now.Format("2006-01") + "-01"
	d.MonthEnd = time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, s.app.Loc).Format("2006-01-02")
	if d.Bal, err = billing.AccountBalance(ctx, s.app.DB, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.Charges, err = s.app.Billing.Charges(ctx, a, billing.ChargeFilter{AccountID: id}); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	for _, c := range d.Charges {
		if c.Status == billing.ChargeOpen || c.Status == billing.ChargePartlyPaid {
			d.Unpaid = append(d.Unpaid, c)
		}
	}
	if d.Payments, err = s.app.Billing.Payments(ctx, a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.Deposits, err = s.app.Billing.Deposits(ctx, a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.Receipts, err = s.app.Billing.Receipts(ctx, a, id); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.Methods, err = billing.PayMethods(ctx, s.app.DB); err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if d.CanKeep {
		if cur, ok, err := s.app.Billing.Current(ctx, a); err != nil {
			s.fail(w, r, err, "", nil)
			return
		} else if ok {
			d.Prices = cur.Prices
		}
	}
	p := s.newPage(r, "", "billing", d)
	p.Title = acc.Name
	p.Form = url.Values{"name": {acc.Name}, "contact_name": {acc.ContactName}, "phone": {acc.Phone}, "email": {acc.Email}, "postal_address": {acc.PostalAddress},
		"fapiao_type": {acc.FapiaoType}, "buyer_name": {acc.BuyerName}, "buyer_tax_id": {acc.BuyerTaxID}, "buyer_address_phone": {acc.BuyerAddressPhone},
		"buyer_bank_account": {acc.BuyerBankAccount}, "fapiao_email": {acc.FapiaoEmail}}
	s.render(w, r, http.StatusOK, "billing_account", p)
}

func (s *Server) blUpdateAccount(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	if _, err := s.app.Billing.UpdateAccount(r.Context(), a, id, accountInput(r.PostForm)); err != nil {
		s.failBack(w, r, err, fmt.Sprintf("/billing/accounts/%d", id))
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/accounts/%d", id), "saved")
}

// formTime reads a datetime-local field in the site zone; empty is zero.
func (s *Server) formTime(f url.Values, name string) (time.Time, error) {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(dateTimeLayout, v, s.app.Loc)
	if err != nil {
		return t, errs.Field(name, "err.billing.bad_time")
	}
	return t, nil
}

// sharesFrom reads the amounts put on charges: fields share_<chargeID> in yuan.
func sharesFrom(f url.Values) ([]billing.Share, error) {
	var out []billing.Share
	for k, vals := range f {
		idStr, ok := strings.CutPrefix(k, "share_")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		id, ok := parseID(idStr)
		fen, err := ParseYuan(vals[0])
		if !ok || err != nil || fen < 0 {
			return nil, errs.Field("shares", "err.reception.money")
		}
		if fen > 0 {
			out = append(out, billing.Share{ChargeID: id, AmountFen: fen})
		}
	}
	return out, nil
}

func (s *Server) blRecordPayment(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/accounts/%d", id)
	in := billing.PaymentInput{AccountID: id, Method: f.Get("method"), Reference: f.Get("reference"), Note: f.Get("note"), Receipt: f.Get("receipt") != ""}
	var err error
	if in.AmountFen, err = parseYuanField(f, "amount"); err == nil {
		if in.ReceivedAt, err = s.formTime(f, "received_at"); err == nil {
			in.Shares, err = sharesFrom(f)
		}
	}
	var p billing.Payment
	if err == nil {
		p, err = s.app.Billing.RecordPayment(r.Context(), a, in)
	}
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	if p.ReceiptID != 0 {
		redirect(w, r, fmt.Sprintf("/billing/receipts/%d", p.ReceiptID), "billing_paid")
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/payments/%d", p.ID), "billing_paid")
}

func (s *Server) blTakeDeposit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	in := billing.DepositInput{AccountID: id, Purpose: f.Get("purpose"), PurposeID: formID(f, "purpose_id"), Description: f.Get("description"),
		PriceID: formID(f, "price_id"), Method: f.Get("method"), Reference: f.Get("reference")}
	var err error
	if in.AmountFen, err = parseYuanField(f, "amount"); err == nil {
		in.ReceivedAt, err = s.formTime(f, "received_at")
	}
	var d billing.Deposit
	if err == nil {
		d, err = s.app.Billing.TakeDeposit(r.Context(), a, in)
	}
	if err != nil {
		s.failBack(w, r, err, fmt.Sprintf("/billing/accounts/%d", id))
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/receipts/%d", d.ReceiptID), "billing_deposit")
}

func (s *Server) blChargeFromPrice(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/accounts/%d", id)
	qty, ok := parseQty(f.Get("qty"))
	if !ok {
		s.failBack(w, r, errs.Field("qty", "err.billing.qty"), back)
		return
	}
	_, err := s.app.Billing.ChargeFromPrice(r.Context(), a, billing.PriceChargeInput{AccountID: id, PriceID: formID(f, "price_id"), QtyMilli: qty,
		Description: f.Get("description"), Period: f.Get("period"), DueOn: f.Get("due_on")})
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	redirect(w, r, back, "saved")
}

// parseQty reads a quantity with up to three decimals ("2", "120.5") into
// thousandths; empty is 1.
func parseQty(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 1000, true
	}
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(whole) > 9 || len(frac) > 3 || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	fr, _ := strconv.ParseInt((frac + "000")[:3], 10, 64)
	n := w*1000 + fr
	return n, n > 0
}

type blPaymentData struct {
	P         billing.Payment
	CanChange bool
	CanKeep   bool
	Unpaid    []billing.Charge
	Error     string
}

func (s *Server) blPayment(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	p, err := s.app.Billing.Payment(ctx, a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &blPaymentData{P: p, CanChange: billing.CanRecordBooking(a) && p.ReversesID == 0 && p.ReversedByID == 0, CanKeep: billing.CanKeep(a), Error: r.URL.Query().Get("err")}
	if d.CanKeep && p.UnallocFen > 0 && d.CanChange {
		if d.Unpaid, err = s.app.Billing.Charges(ctx, a, billing.ChargeFilter{AccountID: p.AccountID, Status: "unpaid"}); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
	}
	pg := s.newPage(r, "", "billing", d)
	pg.Title = pg.L.T("billing.payment.title") + " #" + strconv.FormatInt(p.ID, 10)
	s.render(w, r, http.StatusOK, "billing_payment", pg)
}

func (s *Server) blReverse(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	if _, err := s.app.Billing.ReversePayment(r.Context(), a, id, r.PostForm.Get("reason")); err != nil {
		s.failBack(w, r, err, fmt.Sprintf("/billing/payments/%d", id))
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/payments/%d", id), "billing_reversed")
}

func (s *Server) blAllocate(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/payments/%d", id)
	fen, err := parseYuanField(r.PostForm, "amount")
	if err == nil {
		_, err = s.app.Billing.AllocatePayment(r.Context(), a, id, billing.Share{ChargeID: formID(r.PostForm, "charge_id"), AmountFen: fen})
	}
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	redirect(w, r, back, "saved")
}

func (s *Server) blIssueReceipt(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	rc, err := s.app.Billing.IssueReceipt(r.Context(), a, id)
	if err != nil {
		s.failBack(w, r, err, fmt.Sprintf("/billing/payments/%d", id))
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/receipts/%d", rc.ID), "saved")
}

type blDepositData struct {
	D       billing.Deposit
	CanKeep bool
	Unpaid  []billing.Charge
	Methods []string
	Error   string
}

func (s *Server) blDeposit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	dep, err := s.app.Billing.Deposit(ctx, a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &blDepositData{D: dep, CanKeep: billing.CanKeep(a) || (billing.CanRecordBooking(a) && dep.Purpose == billing.PurposeBooking), Error: r.URL.Query().Get("err")}
	if d.CanKeep && dep.HeldFen > 0 {
		if d.Unpaid, err = s.app.Billing.Charges(ctx, a, billing.ChargeFilter{AccountID: dep.AccountID, Status: "unpaid"}); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		if d.Methods, err = billing.PayMethods(ctx, s.app.DB); err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
	}
	p := s.newPage(r, "", "billing", d)
	p.Title = p.L.T("billing.deposit.title") + " #" + strconv.FormatInt(dep.ID, 10)
	s.render(w, r, http.StatusOK, "billing_deposit", p)
}

func (s *Server) blApplyDeposit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/deposits/%d", id)
	fen, err := parseYuanField(r.PostForm, "amount")
	if err == nil {
		_, err = s.app.Billing.ApplyDeposit(r.Context(), a, id, billing.Share{ChargeID: formID(r.PostForm, "charge_id"), AmountFen: fen})
	}
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	redirect(w, r, back, "saved")
}

func (s *Server) blRefundDeposit(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	back := fmt.Sprintf("/billing/deposits/%d", id)
	in := billing.RefundInput{Method: f.Get("method"), Reference: f.Get("reference"), Note: f.Get("note")}
	var err error
	if in.AmountFen, err = parseYuanField(f, "amount"); err == nil {
		if in.RefundedAt, err = s.formTime(f, "refunded_at"); err == nil {
			_, err = s.app.Billing.RefundDeposit(r.Context(), a, id, in)
		}
	}
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	redirect(w, r, back, "billing_refunded")
}
