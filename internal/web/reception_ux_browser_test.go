package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/browsertest"
	"jiedai/internal/reception"
	"jiedai/internal/storetest"
)

// A guest signed in at the desk reaches the host's inbox at once; the
// confirmation letter shows the issuer block (name, phone, bank account,
// QR code) at desktop and phone width; the invitation gives the way there.
func TestBrowserArrivalNoticeAndIssuerBlock(t *testing.T) {
	b := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	ctx := context.Background()
	ongoing := demoCase(t, a.Reception, reception.StatusOngoing)
	gs, err := a.Reception.Guests(ctx, access.SystemActor(), ongoing.ID, "孙悦")
	if err != nil || len(gs) != 1 {
		t.Fatalf("the demo's companion on the way: %v %v", gs, err)
	}
	var host string
	if err := a.DB.QueryRow(ctx, `SELECT username FROM users WHERE id = ?`, ongoing.ApplicantID).Scan(&host); err != nil {
		t.Fatal(err)
	}

	browserLogin(t, b, srv.URL, "receptionist")
	b.Navigate(fmt.Sprintf("%s/receptions/%d/desk?q=%s", srv.URL, ongoing.ID, "%E5%AD%99%E6%82%A6"))
	b.WaitVisible(".guest-card details summary")
	b.Click(".guest-card details summary")
	b.WaitVisible(".card-form button[type=submit]")
	b.Click(".card-form button[type=submit]")
	b.WaitVisible(".guest-card.arrived")

	// The host opens the inbox: the arrival is there, naming the guest.
	b2 := browsertest.New(t, browsertest.WithWindow(390, 844), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	browserLogin(t, b2, srv.URL, host)
	b2.Navigate(srv.URL + "/inbox")
	b2.WaitText("main", "孙悦")
	if got := b2.Text("main"); !strings.Contains(got, "已于") || !strings.Contains(got, "在前台签到") {
		t.Fatalf("host's inbox: %.300s", got)
	}
	b2.Screenshot("reception/arrival-inbox-390.png")

	// The letter's issuer block, desktop and phone width.
	var id int64
	var tok string
	if err := a.DB.QueryRow(ctx, `SELECT id, confirm_token FROM bookings WHERE status = 'approved' AND confirm_token <> '' ORDER BY id LIMIT 1`).Scan(&id, &tok); err != nil {
		t.Fatal(err)
	}
	b3 := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(90*time.Second))
	browserLogin(t, b3, srv.URL, "office")
	b3.Navigate(fmt.Sprintf("%s/bookings/%d/letter", srv.URL, id))
	b3.WaitVisible("#letter-issuer")
	got := b3.Text("#letter-issuer")
	for _, want := range []string{"北京华远商务中心有限公司", "010-6588 8800", "中国工商银行北京建国路支行", "0200 0412 0910 0123 456", "扫码在线确认"} {
		if !strings.Contains(got, want) {
			t.Errorf("issuer block lacks %q: %q", want, got)
		}
	}
	if !strings.Contains(b3.HTML(), `class="seal-img"`) {
		t.Errorf("no seal image on the letter")
	}
	b3.Screenshot("booking/letter-issuer-1280.png")
	// The client's view behind the confirmation link, at phone width.
	b2.Navigate(srv.URL + "/confirm/" + tok)
	b2.WaitVisible("#letter-issuer")
	b2.Screenshot("booking/letter-issuer-390.png")
}
