package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/booking"
)

// TestPaperFormCopies prints the confirmation letter in its two copies
// through the form helper: a preview first, then the registered first
// print, a reprint refused without a reason, and a reprint marked 补打 on
// every copy; both prints are in the booking's audit log.
func TestPaperFormCopies(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	start := time.Date(2026, 3, 5, 14, 0, 0, 0, e.app.Loc)
	b, err := e.app.Bookings.Create(ctx, e.users["office"], booking.Request{VenueID: e.hall.ID, Start: start, End: start.Add(3 * time.Hour), Title: "新品发布会",
		Headcount: 60, Purpose: "client", ClientName: "华信科技有限公司", ContactName: "张伟", ContactPhone: "13800001234", Approve: true})
	if err != nil {
		t.Fatal(err)
	}
	oc := e.client(t, "office")
	u := fmt.Sprintf("%s/bookings/%d/letter/print", e.srv.URL, b.ID)

	code, body := get(t, oc, u)
	if code != http.StatusOK {
		t.Fatalf("preview: %d", code)
	}
	for _, want := range []string{"一式2份", "客户联", "存档联", "第1联（共2联）", "第2联（共2联）", "预览", "登记打印", "华信科技有限公司", "<svg", "盖章", "JD-"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(body, "form-reprint\">补打") || strings.Count(body, `class="form-copy"`) != 2 {
		t.Errorf("preview: %d copies or a reprint mark", strings.Count(body, `class="form-copy"`))
	}

	// The first print: registered, shown for printing, not 补打.
	code, loc, _ := post(t, oc, u, url.Values{})
	if code != http.StatusSeeOther || !strings.Contains(loc, "?print=") {
		t.Fatalf("first print: %d %q", code, loc)
	}
	first := loc
	_, body = get(t, oc, e.srv.URL+first)
	if !strings.Contains(body, "已登记为首次打印") || strings.Contains(body, "form-reprint") || !strings.Contains(body, "data-autoprint") {
		t.Fatalf("first print page wrong:\n%s", body)
	}

	// A reprint needs a reason: the form comes back with the field marked.
	code, loc, _ = post(t, oc, u, url.Values{"reason": {" "}})
	if code != http.StatusSeeOther {
		t.Fatalf("reprint without reason: %d", code)
	}
	if _, body = get(t, oc, e.srv.URL+loc); !strings.Contains(body, "补打须写明原因") {
		t.Fatalf("reprint without reason: the form comes back without the error")
	}
	code, loc, _ = post(t, oc, u, url.Values{"reason": {"客户联盖章有误"}})
	if code != http.StatusSeeOther {
		t.Fatalf("reprint: %d", code)
	}
	_, body = get(t, oc, e.srv.URL+loc)
	if strings.Count(body, `<span class="form-reprint">补打</span>`) != 2 || !strings.Contains(body, "已登记补打（第2次打印）") || !strings.Contains(body, "客户联盖章有误") {
		t.Fatalf("reprint page wrong:\n%s", body)
	}
	// The first print, superseded, is a preview again; so is a print of
	// another person's and one older than FreshPrint.
	if _, body = get(t, oc, e.srv.URL+first); !strings.Contains(body, "form-preview") {
		t.Error("a superseded print still shows its copies for printing")
	}
	if _, body = get(t, e.client(t, "staff"), e.srv.URL+loc); strings.Contains(body, "data-autoprint") {
		t.Error("another person's print shows its copies for printing")
	}
	e.clk.Advance(20 * time.Minute)
	if _, body = get(t, oc, e.srv.URL+loc); strings.Contains(body, "data-autoprint") {
		t.Error("an old print shows its copies for printing")
	}
	// A print id of another record is not found.
	if code, _ = get(t, oc, fmt.Sprintf("%s/bookings/%d/letter/print?print=1", e.srv.URL, b.ID+1)); code != http.StatusNotFound {
		t.Errorf("print of another booking: %d", code)
	}

	rows, err := e.app.Audit.List(ctx, access.SystemActor(), audit.Filter{Entity: "booking", EntityID: b.ID})
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, r := range rows {
		if r.Action == "print" || r.Action == "reprint" {
			acts = append(acts, r.Action)
		}
	}
	if strings.Join(acts, ",") != "reprint,print" {
		t.Fatalf("audit: %v", acts)
	}
}
