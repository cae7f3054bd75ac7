package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/billing"
)

type blReceiptData struct {
	R        billing.Receipt
	CanPrint bool
	CanVoid  bool
	Error    string
}

func (s *Server) blReceipt(w http.ResponseWriter, r *http.Request, a access.Actor) {
	rc, err := s.app.Billing.Receipt(r.Context(), a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &blReceiptData{R: rc, CanPrint: billing.CanRecordBooking(a), CanVoid: billing.CanKeep(a) && !rc.Voided, Error: r.URL.Query().Get("err")}
	p := s.newPage(r, "", "billing", d)
	p.Title = p.L.T("billing.receipt.title") + " " + rc.Number
	s.render(w, r, http.StatusOK, "billing_receipt", p)
}

// blPrintReceipt counts a print (the first is the original, later ones
// are reprints, 补打) and opens the printable page of that print.
func (s *Server) blPrintReceipt(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	rc, err := s.app.Billing.PrintReceipt(r.Context(), a, id)
	if err != nil {
		s.failBack(w, r, err, fmt.Sprintf("/billing/receipts/%d", id))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/billing/receipts/%d/print?n=%d", id, rc.PrintCount), http.StatusSeeOther)
}

// receiptPart is one of the three parts of a printed receipt.
type receiptPart struct {
	Key  string // finance, client, stub
	Last bool
}

type blReceiptPrintData struct {
	R       billing.Receipt
	Parts   []receiptPart
	Reprint bool
	Print   int
	Upper   string // the amount in Chinese capitals (大写)
}

// blReceiptPrint shows the A4 three-part receipt (财务联/客户联/存根联) of a
// counted print; a print after the first is marked 补打.
func (s *Server) blReceiptPrint(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id := pathInt(r, "id")
	rc, err := s.app.Billing.Receipt(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	if !billing.CanRecordBooking(a) {
		s.renderError(w, r, http.StatusForbidden, "err.forbidden")
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n < 1 || n > rc.PrintCount {
		n = rc.PrintCount
	}
	if n == 0 {
		// Not printed yet: count this print first.
		http.Redirect(w, r, fmt.Sprintf("/billing/receipts/%d", id), http.StatusSeeOther)
		return
	}
	d := &blReceiptPrintData{R: rc, Reprint: n > 1, Print: n, Upper: billing.Capitals(rc.AmountFen)}
	for i, k := range billing.ReceiptCopies {
		d.Parts = append(d.Parts, receiptPart{Key: k, Last: i == len(billing.ReceiptCopies)-1})
	}
	p := s.newPage(r, "", "billing", d)
	p.Title = p.L.T("billing.receipt.title") + " " + rc.Number
	s.render(w, r, http.StatusOK, "billing_receipt_print", p)
}

func (s *Server) blVoidReceipt(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	if _, err := s.app.Billing.VoidReceipt(r.Context(), a, id, r.PostForm.Get("reason")); err != nil {
		s.failBack(w, r, err, fmt.Sprintf("/billing/receipts/%d", id))
		return
	}
	redirect(w, r, fmt.Sprintf("/billing/receipts/%d", id), "billing_voided")
}

func (s *Server) blStatement(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	now := s.app.Clock.Now().In(s.app.Loc)
	from, to := q.Get("from"), q.Get("to")
	if from == "" {
		from = now.Format("2006-01") + "-01"
	}
	if to == "" {
		to = now.Format("2006-01-02")
	}
	l := s.app.I18n.For(langFrom(r))
	st, err := s.app.Billing.Statement(r.Context(), a, pathInt(r, "id"), from, to, l.Lang)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "billing.statement.title", "billing", st)
	p.Form = q
	s.render(w, r, http.StatusOK, "billing_statement", p)
}

// billingFuncs are the template helpers of the billing pages.
func billingFuncs() map[string]any {
	return map[string]any{
		// qty shows a quantity in thousandths: 1000 → "1", 120500 → "120.5".
		"qty": func(milli int64) string {
			s := strconv.FormatInt(milli/1000, 10)
			if f := milli % 1000; f != 0 {
				s += strings.TrimRight(fmt.Sprintf(".%03d", f), "0")
			}
			return s
		},
		// yuanIn shows fen for an input field, "" for zero.
		"yuanIn": func(fen int64) string {
			if fen == 0 {
				return ""
			}
			return billing.Yuan(fen)
		},
		// pct shows basis points as a percentage: 600 → "6%".
		"pct":   func(bp int) string { return pctText(bp) + "%" },
		"pctIn": func(bp int) string { return pctText(bp) },
		"priceName": func(lang string, p billing.Price) string {
			switch {
			case lang == "en" && p.NameEn != "":
				return p.NameEn
			case lang == "zh-Hant" && p.NameHant != "":
				return p.NameHant
			}
			return p.NameZh
		},
	}
}

func pctText(bp int) string {
	s := strconv.Itoa(bp / 100)
	if f := bp % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	return s
}
