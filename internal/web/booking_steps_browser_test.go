package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jiedai/internal/app"
	"jiedai/internal/browsertest"
	"jiedai/internal/clock"
	"jiedai/internal/demo"
	"jiedai/internal/server"
	"jiedai/internal/storetest"
)

// TestBrowserBookingSteps walks the booking steps of issue 10 in the demo
// at 1280 and 390 px: the office rewrites the room usage rules, sees them
// on a confirmation letter and at a room's door, arranges the seating of
// the coming summit whose engineering duty has a named engineer, and looks
// at the hall's periodic inspections; screenshots go to JIEDAI_SCREENSHOTS.
func TestBrowserBookingSteps(t *testing.T) {
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clk := clock.NewFake(time.Date(2026, 3, 3, 10, 40, 0, 0, loc))
	db := storetest.NewTestDB(t, "sqlite")
	a, err := app.New(ctx, db, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{Demo: true, DemoPassword: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, a); err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(a)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	id := func(q string, args ...any) int64 {
		var v int64
		if err := db.QueryRow(ctx, q, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	summit := id(`SELECT id FROM bookings WHERE title = ?`, "行业峰会：数字化供应链论坛")
	letter := id(`SELECT id FROM bookings WHERE title = ? AND status = 'approved'`, "鼎盛贸易经销商座谈会")
	hall := id(`SELECT id FROM venues WHERE code = 'CJ'`)
	var door string
	if err := db.QueryRow(ctx, `SELECT door_token FROM venues WHERE id = ?`, hall).Scan(&door); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{1280, 390} {
		br := browsertest.New(t, browsertest.WithWindow(width, 900), browsertest.WithLang("zh-CN"), browsertest.WithTimeout(180*time.Second))
		shot := func(name string) {
			t.Logf("screenshot %s", br.Screenshot(fmt.Sprintf("booking-steps-%s-%d.png", name, width)))
		}
		br.Navigate(srv.URL + "/login")
		br.SetValue("input[name=username]", "office")
		br.SetValue("input[name=password]", demo.Password)
		br.Click("form[action='/login'] button[type=submit]")
		br.WaitVisible("header.topbar")

		// The office edits the rules on the setup page.
		br.Navigate(srv.URL + "/venues/setup")
		br.WaitVisible("#rules textarea[name=rules_zh_hans]")
		rule := fmt.Sprintf("宽 %d：会场内禁止吸烟", width)
		br.SetValue("#rules textarea[name=rules_zh_hans]", rule+"\n请于会议开始前15分钟到场")
		br.Click("#rules button[type=submit]")
		br.WaitVisible(".flash.ok")
		shot("rules")

		// The letter carries them, in Chinese and English.
		br.Navigate(fmt.Sprintf("%s/bookings/%d/letter", srv.URL, letter))
		br.WaitVisible(".letter-rules")
		if txt := br.Text(".letter-rules"); !strings.Contains(txt, rule) || !strings.Contains(txt, "arrive 15 minutes before") {
			t.Errorf("letter rules: %q", txt)
		}
		shot("letter")

		// The door page shows them too.
		br.Navigate(srv.URL + "/door/" + door)
		br.WaitVisible(".door-rules")
		if !strings.Contains(br.Text(".door-rules"), rule) {
			t.Errorf("door rules: %q", br.Text(".door-rules"))
		}
		shot("door")

		// The summit: its engineering duty names the engineer; the seating.
		br.Navigate(fmt.Sprintf("%s/bookings/%d", srv.URL, summit))
		br.WaitVisible("#seating")
		if txt := br.Text("#duties"); !strings.Contains(txt, "工程") {
			t.Errorf("duties: %q", txt)
		}
		br.Click("#seating details summary")
		br.SetValue("#seating textarea[name=seats]", "主1, 冯秘书长, 上海物流与采购协会\n主2, 孙建国, 中联建设集团\nB9, 嘉宾甲")
		br.Click("#seating form[action$='/seats'] button[type=submit]")
		br.WaitText("#seating table", "嘉宾甲") // the page after the save, not the one before it
		if txt := br.Text("#seating table"); !strings.Contains(txt, "嘉宾甲") || strings.Contains(txt, "钱多多") {
			t.Errorf("seat list after saving: %q", txt)
		}
		if width > 390 { // the full-page shot of this long page hangs headless Chromium at phone width
			shot("booking")
		}

		// The hall's inspections.
		br.Navigate(fmt.Sprintf("%s/venues/%d", srv.URL, hall))
		br.WaitVisible("#inspections")
		if !strings.Contains(br.Text("#inspections"), "同传设备") {
			t.Errorf("inspections: %q", br.Text("#inspections"))
		}
		shot("venue")
	}
}
