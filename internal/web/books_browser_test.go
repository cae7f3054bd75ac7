package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiedai/internal/apptest"
	"jiedai/internal/browsertest"
	"jiedai/internal/demo"
	"jiedai/internal/storetest"
)

// TestBrowserBooks: the demo client signs in, sees a payment on their
// billing page, asks for a fapiao for an open charge (a 专票 with the
// billing profile's four buyer fields) and lands on the request; finance
// opens the ageing report. Screenshots of the request form and the ageing
// report, at desktop and phone width, go to JIEDAI_SCREENSHOTS.
func TestBrowserBooks(t *testing.T) {
	br := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(120*time.Second))
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	login := func(b *browsertest.Browser, user string) {
		b.Navigate(srv.URL + "/login")
		b.SetValue("input[name=username]", user)
		b.SetValue("input[name=password]", demo.Password)
		b.Click("form[action='/login'] button[type=submit]")
		b.WaitVisible("header.topbar")
	}
	login(br, "client")
	br.Navigate(srv.URL + "/portal/billing")
	br.WaitVisible("main .stats")
	if html := br.HTML(); !strings.Contains(html, "招行流水 20263004") || !strings.Contains(html, "¥3200.00") {
		t.Fatalf("the client does not see the payment:\n%s", br.Text("main"))
	}
	br.Click("a[href='/portal/billing/fapiao/new']")
	br.WaitVisible("form.fapiao-form")
	t.Logf("screenshot %s", br.Screenshot("books-fapiao-request-1280.png"))
	// The charge "多功能厅 设备租用" (not rent: no property address needed).
	var charge int64
	if err := a.DB.QueryRow(context.Background(), `SELECT id FROM billing_charges WHERE description = '多功能厅 设备租用'`).Scan(&charge); err != nil {
		t.Fatal(err)
	}
	br.Click(fmt.Sprintf("#charge-%d", charge))
	br.Click("form.fapiao-form button.primary")
	br.WaitVisible(".kv")
	if loc := br.Location(); !strings.Contains(loc, "/billing/fapiao/") {
		t.Fatalf("after the request: %s", loc)
	}
	if txt := br.Text("main"); !strings.Contains(txt, "多功能厅 设备租用") || !strings.Contains(txt, "已申请") {
		t.Fatalf("request page:\n%s", txt)
	}

	fin := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(120*time.Second))
	login(fin, "finance")
	fin.Navigate(srv.URL + "/billing/ageing")
	fin.WaitVisible("table.num-table")
	if txt := fin.Text("main"); !strings.Contains(txt, "逾期31–60天") {
		t.Fatalf("ageing report:\n%s", txt)
	}
	t.Logf("screenshot %s", fin.Screenshot("books-ageing-1280.png"))

	phone := browsertest.New(t, browsertest.WithWindow(390, 844), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(120*time.Second))
	login(phone, "client")
	phone.Navigate(srv.URL + "/portal/billing/fapiao/new")
	phone.WaitVisible("form.fapiao-form")
	t.Logf("screenshot %s", phone.Screenshot("books-fapiao-request-390.png"))
	phone.Navigate(srv.URL + "/portal/billing")
	phone.WaitVisible("main .stats")
	t.Logf("screenshot %s", phone.Screenshot("books-portal-390.png"))
	phoneFin := browsertest.New(t, browsertest.WithWindow(390, 844), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(120*time.Second))
	login(phoneFin, "finance")
	phoneFin.Navigate(srv.URL + "/billing/ageing")
	phoneFin.WaitVisible("table.num-table")
	t.Logf("screenshot %s", phoneFin.Screenshot("books-ageing-390.png"))
}
