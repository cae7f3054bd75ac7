package web_test

import (
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/browsertest"
	"jiedai/internal/storetest"
)

// A person logs in, switches the language and sees their today page.
func TestBrowserLoginSwitchLanguageToday(t *testing.T) {
	b := browsertest.New(t, browsertest.WithLang("zh-CN"))
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)

	b.Navigate(srv.URL + "/")
	b.WaitVisible("form[action='/login']")
	if !strings.Contains(b.Text("h1"), "接待") {
		t.Fatalf("login page heading: %q", b.Text("h1"))
	}
	b.Screenshot("foundation/login.png")
	b.SetValue("input[name=username]", "office")
	b.SetValue("input[name=password]", "jiedai-demo")
	b.Click("form[action='/login'] button[type=submit]")
	b.WaitVisible("#today-approvals, .page-head")
	if got := b.Text(".page-head h1"); !strings.Contains(got, "王静") {
		t.Fatalf("today greeting: %q", got)
	}
	b.Screenshot("foundation/today-zh.png")

	// Switch to English with the language menu (auto-submits on change).
	b.SetSelect("#lang-select", "en")
	b.WaitText(".nav", "Today")
	if got := b.Text(".page-head h1"); !strings.Contains(got, "Hello") {
		t.Fatalf("after switching to English: %q", got)
	}
	b.Screenshot("foundation/today-en.png")
	b.SetSelect("#lang-select", "zh-Hant")
	b.WaitText(".nav", "今日")
	if got := b.Text(".topbar"); !strings.Contains(got, "登出") {
		t.Fatalf("after switching to zh-Hant: %q", got)
	}
}
