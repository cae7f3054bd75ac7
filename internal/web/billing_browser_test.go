package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiedai/internal/apptest"
	"jiedai/internal/billing"
	"jiedai/internal/browsertest"
	"jiedai/internal/demo"
	"jiedai/internal/server"
	"jiedai/internal/storetest"
)

// TestBrowserFinancePaysBookingAndPrintsReceipt: finance opens a settled
// booking's charge from the settlement queue's account, records a payment
// against it with a receipt, prints the three-part receipt and reprints it
// (补打); the booking's statement then reads paid from the ledger.
// Screenshots of the statement and the receipt go to JIEDAI_SCREENSHOTS.
func TestBrowserFinancePaysBookingAndPrintsReceipt(t *testing.T) {
	for _, w := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(w.name, func(t *testing.T) {
			br := browsertest.New(t, browsertest.WithWindow(w.width, w.height), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(120*time.Second))
			a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
			ctx := context.Background()
			fin, _ := a.Auth.GetByUsername(ctx, "finance")
			// A settled booking of the demo whose charge is still open: settle one without payment.
			var bookingID int64
			if err := a.DB.QueryRow(ctx, `SELECT b.id FROM bookings b WHERE b.status = 'completed' AND NOT EXISTS (SELECT 1 FROM booking_settlements s WHERE s.booking_id = b.id) ORDER BY b.id LIMIT 1`).Scan(&bookingID); err != nil {
				t.Fatalf("a completed, unsettled demo booking: %v", err)
			}
			h, err := server.Handler(a)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			br.Navigate(srv.URL + "/login")
			br.SetValue("input[name=username]", "finance")
			br.SetValue("input[name=password]", demo.Password)
			br.Click("form[action='/login'] button[type=submit]")
			br.WaitVisible("header.topbar")

			// The queue lists it as not settled; settle it with no payment taken.
			br.Navigate(srv.URL + "/billing/queue")
			br.WaitVisible("a[href='/bookings/" + strconv.FormatInt(bookingID, 10) + "/statement']")
			br.Navigate(srv.URL + "/bookings/" + strconv.FormatInt(bookingID, 10) + "/statement")
			br.WaitVisible("form.settle-form")
			br.SetValue("input[name=paid]", "")
			br.Submit("form.settle-form")
			br.WaitVisible("a[href^='/billing/accounts/']")
			st, err := a.Bookings.Statement(ctx, fin.Actor(""), bookingID)
			if err != nil || st.ChargeID == 0 || st.Paid() {
				t.Fatalf("settled statement: %+v (%v)", st, err)
			}
			// Record the payment against the booking's charge, with a receipt.
			br.Navigate(srv.URL + "/billing/accounts/" + strconv.FormatInt(st.AccountID, 10) + "?charge=" + strconv.FormatInt(st.ChargeID, 10) + "#pay")
			br.WaitVisible("form[action$='/payments']")
			br.SetValue("input[name=amount]", billing.Yuan(st.TotalFen))
			br.SetValue("input[name=reference]", "CMB0303-88")
			br.SetSelect("form[action$='/payments'] select[name=method]", "transfer")
			br.Submit("form[action$='/payments']")
			br.WaitVisible("#print-receipt")
			if !strings.Contains(br.HTML(), "SJ-2026-") {
				t.Fatal("no receipt number on the receipt page")
			}
			br.Click("#print-receipt")
			br.WaitVisible(".receipt-sheet")
			html := br.HTML()
			for _, want := range []string{"财务联", "客户联", "存根联", "本收据不作报销凭证"} {
				if !strings.Contains(html, want) {
					t.Errorf("receipt print lacks %q", want)
				}
			}
			if strings.Contains(html, "补打") {
				t.Error("the first print is marked 补打")
			}
			t.Logf("screenshot %s", br.Screenshot("billing-receipt-"+w.name+".png"))
			loc := br.Location()
			id := loc[strings.Index(loc, "/receipts/")+len("/receipts/"):]
			id = id[:strings.Index(id, "/")]
			br.Navigate(srv.URL + "/billing/receipts/" + id)
			br.Click("#print-receipt")
			br.WaitVisible(".receipt-sheet")
			if !strings.Contains(br.HTML(), "补打") {
				t.Error("a second print is not marked 补打")
			}
			t.Logf("screenshot %s", br.Screenshot("billing-receipt-reprint-"+w.name+".png"))
			// The booking statement now reads paid from the ledger.
			br.Navigate(srv.URL + "/bookings/" + strconv.FormatInt(bookingID, 10) + "/statement")
			br.WaitVisible("article.statement")
			if !strings.Contains(br.Text("article.statement"), "已付") {
				t.Errorf("booking statement not paid: %s", br.Text("article.statement"))
			}
			t.Logf("screenshot %s", br.Screenshot("billing-booking-statement-"+w.name+".png"))
			// The account statement of the month.
			br.Navigate(srv.URL + "/billing/accounts/" + strconv.FormatInt(st.AccountID, 10) + "/statement?from=2026-01-01&to=2026-03-31")
			br.WaitVisible("article.statement")
			t.Logf("screenshot %s", br.Screenshot("billing-account-statement-"+w.name+".png"))
			br.Navigate(srv.URL + "/billing/accounts/" + strconv.FormatInt(st.AccountID, 10))
			br.WaitVisible(".stats")
			t.Logf("screenshot %s", br.Screenshot("billing-account-"+w.name+".png"))
		})
	}
}
