package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/apptest"
	"jiedai/internal/billing"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestBooksPages walks the books' pages on the demo data: the client's
// billing and fapiao request (with an error kept in the form), finance's
// fapiao list and detail, the ageing report and its workbook, the report,
// credits and audit periods; another organisation's client sees none of it.
func TestBooksPages(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		ctx := context.Background()
		cl := apptest.Login(t, srv, "client")
		st, body := apptest.Get(t, cl, srv.URL+"/portal/billing")
		if st != 200 || !strings.Contains(body, "1201室 本月租金") || !strings.Contains(body, "招行流水") {
			t.Fatalf("portal billing %d:\n%s", st, body)
		}
		st, body = apptest.Get(t, cl, srv.URL+"/portal/billing/fapiao/new")
		if st != 200 || !strings.Contains(body, `name="charge"`) || !strings.Contains(body, "91310115MA1K3YJ2X5") {
			t.Fatalf("request form %d:\n%s", st, body)
		}
		acc, err := a.Books.OrgAccount(ctx, apptestActor(t, a, "finance"), orgOf(t, db, "client"))
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Books.View(ctx, apptestActor(t, a, "finance"), acc.ID)
		if err != nil || len(v.Invoiceable) == 0 {
			t.Fatalf("invoiceable %v, %v", v.Invoiceable, err)
		}
		var charge billing.Charge
		for _, c := range v.Invoiceable {
			if c.Source != billing.SourceRental && c.Source != billing.SourceManagementFee {
				charge = c
			}
		}
		form := url.Values{"type": {"special"}, "medium": {"digital"}, "buyer_kind": {"enterprise"}, "buyer_name": {acc.BuyerName},
			"buyer_tax_id": {acc.BuyerTaxID}, "buyer_address_phone": {""}, "buyer_bank_account": {acc.BuyerBankAccount}, "receive_email": {"a@example.com"},
			"charge": {strconv.FormatInt(charge.ID, 10)}}
		res, err := cl.PostForm(srv.URL+"/portal/billing/fapiao/new", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		// Refused: back to the form (redirect after POST) with the error and the values kept.
		if res.StatusCode != 303 {
			t.Fatalf("专票 without address: %d", res.StatusCode)
		}
		_, page := apptest.Get(t, cl, srv.URL+res.Header.Get("Location"))
		if !strings.Contains(page, "开具专用发票须填写此项") || !strings.Contains(page, acc.BuyerBankAccount) {
			t.Fatalf("专票 without address: the form does not come back with the error and the values\n%s", page)
		}
		form.Set("buyer_address_phone", "上海市浦东新区世纪大道100号 021-68881234")
		res, err = cl.PostForm(srv.URL+"/portal/billing/fapiao/new", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != 303 || !strings.HasPrefix(loc, "/billing/fapiao/") {
			t.Fatalf("request: %d %s", res.StatusCode, loc)
		}
		fpURL := srv.URL + strings.Split(loc, "?")[0]
		if st, body = apptest.Get(t, cl, fpURL); st != 200 || !strings.Contains(body, charge.Description) || strings.Contains(body, "登记开票") {
			t.Fatalf("client's fapiao %d:\n%s", st, body)
		}
		fin := apptest.Login(t, srv, "finance")
		for _, path := range []string{"/billing/fapiao", strings.TrimPrefix(fpURL, srv.URL), "/billing/credits", "/billing/ageing", "/billing/reports", "/billing/periods",
			"/billing/receivables/" + strconv.FormatInt(acc.ID, 10), "/billing/fapiao/new?account=" + strconv.FormatInt(acc.ID, 10)} {
			if st, body := apptest.Get(t, fin, srv.URL+path); st != 200 {
				t.Errorf("finance %s: %d\n%s", path, st, body)
			}
		}
		if st, body := apptest.Get(t, fin, fpURL); !strings.Contains(body, "登记开票") {
			t.Errorf("finance sees no issue form: %d", st)
		}
		res, err = fin.Get(srv.URL + "/billing/ageing.xlsx")
		if err != nil || res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheet") {
			t.Fatalf("ageing workbook: %v %v", res, err)
		}
		res.Body.Close()
		if st, _ := apptest.Get(t, cl, srv.URL+"/billing/ageing"); st != 403 {
			t.Errorf("client on the ageing report: %d", st)
		}
		if st, _ := apptest.Get(t, cl, srv.URL+"/billing/receivables/"+strconv.FormatInt(acc.ID, 10)); st != 403 {
			t.Errorf("client on staff account view: %d", st)
		}
		var periods int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM billing_periods WHERE status = 'locked'`).Scan(&periods); err != nil || periods != 1 {
			t.Errorf("demo locked periods %d, %v", periods, err)
		}
	})
}

func apptestActor(t *testing.T, a *app.App, username string) access.Actor {
	t.Helper()
	u, err := a.Auth.GetByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor("127.0.0.1")
}

func orgOf(t *testing.T, db *store.DB, username string) int64 {
	t.Helper()
	var org int64
	if err := db.QueryRow(context.Background(), `SELECT org_id FROM users WHERE username = ?`, username).Scan(&org); err != nil {
		t.Fatal(err)
	}
	return org
}
