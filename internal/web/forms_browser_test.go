package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiedai/internal/browsertest"
)

// TestBrowserPaperForm prints a confirmation letter in its two copies: the
// preview prints only a note, the registered first print prints one page
// per copy, the reprint carries 补打; at desktop and phone width.
func TestBrowserPaperForm(t *testing.T) {
	br := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	a, srv := demoServer(t)
	var id int64
	if err := a.DB.QueryRow(context.Background(), `SELECT MIN(id) FROM bookings WHERE purpose = 'client' AND status = 'confirmed'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	login(br, srv.URL, "office")
	br.Navigate(srv.URL + "/bookings/" + strconv.FormatInt(id, 10))
	br.Click(`a[href$="/letter/print"]`)
	br.WaitVisible(".form-copy")
	t.Logf("screenshot %s", br.Screenshot("forms-letter-preview.png"))
	preview := br.PrintPDF()

	br.Click("form.form-register button.primary")
	br.WaitVisible("[data-autoprint]")
	if strings.Contains(br.Location(), "auto=1") {
		t.Errorf("the auto-print flag stayed in the address: %s", br.Location())
	}
	// the page opened the print dialog itself; load it again to print it here
	br.Navigate(br.Location())
	br.WaitVisible("[data-autoprint]")
	t.Logf("screenshot %s", br.Screenshot("forms-letter-first.png"))
	first := br.PrintPDF()
	if pages(first) < 2 || pages(first) <= pages(preview) {
		t.Errorf("first print has %d pages, the preview %d", pages(first), pages(preview))
	}

	br.Navigate(srv.URL + "/bookings/" + strconv.FormatInt(id, 10) + "/letter/print")
	br.SetValue("input[name=reason]", "客户联遗失")
	br.Click("form.form-register button.primary")
	br.WaitVisible("[data-autoprint]")
	if got := br.Text(".form-copy .form-reprint"); got != "补打" {
		t.Errorf("reprint mark %q", got)
	}
	t.Logf("screenshot %s", br.Screenshot("forms-letter-reprint.png"))

	phone := browsertest.New(t, browsertest.WithWindow(390, 844), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	login(phone, srv.URL, "office")
	phone.Navigate(srv.URL + "/bookings/" + strconv.FormatInt(id, 10) + "/letter/print")
	phone.WaitVisible(".form-copy")
	t.Logf("screenshot %s", phone.Screenshot("forms-letter-phone.png"))
}

// pages counts the pages of a PDF.
func pages(pdf []byte) int { return len(pdfPage.FindAll(pdf, -1)) }

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestBrowserPortalSign: the demo client opens 我的租务, finds the tenant
// handbook's second version waiting, reads it, is refused without a name,
// signs with it, and the portal is then empty; the office sees who signed.
func TestBrowserPortalSign(t *testing.T) {
	br := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	_, srv := demoServer(t)
	login(br, srv.URL, "client")
	br.Navigate(srv.URL + "/portal")
	br.WaitVisible("#portal-acks")
	t.Logf("screenshot %s", br.Screenshot("portal-pending.png"))
	br.Click("#portal-acks a")
	br.WaitVisible("form.sign-form")
	if txt := br.Text("#ack-text"); !strings.Contains(txt, "装修须提前五个工作日申报") {
		t.Fatalf("the document shown is not the new version: %q", txt)
	}
	br.Click("form.sign-form button.primary")
	br.WaitVisible(".field-err")
	br.SetValue("input[name=name]", "赵磊")
	t.Logf("screenshot %s", br.Screenshot("ack-sign.png"))
	br.Click("form.sign-form button.primary")
	br.WaitVisible(".flash.ok")
	if !strings.HasSuffix(strings.SplitN(br.Location(), "?", 2)[0], "/portal") || !strings.Contains(br.Text("main"), "目前没有需要您处理的事项") {
		t.Fatalf("after signing: %s %q", br.Location(), br.Text("main"))
	}
	t.Logf("screenshot %s", br.Screenshot("portal-done.png"))

	phone := browsertest.New(t, browsertest.WithWindow(390, 844), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	login(phone, srv.URL, "client")
	phone.Navigate(srv.URL + "/acks")
	phone.WaitVisible("main table")
	t.Logf("screenshot %s", phone.Screenshot("acks-phone.png"))

	office := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	login(office, srv.URL, "office")
	office.Navigate(srv.URL + "/templates")
	office.WaitVisible("main table")
	t.Logf("screenshot %s", office.Screenshot("templates-list.png"))
	office.Click(`main table a[href^="/templates/"]`)
	office.WaitVisible(".doc-text")
	t.Logf("screenshot %s", office.Screenshot("template-show.png"))
}
