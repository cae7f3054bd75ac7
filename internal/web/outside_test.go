package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/storetest"
)

// The site settings page warns while no public URL is set, saves one
// (refusing a bad one with the field named), and then stops warning.
func TestPublicURLSetting(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	admin := apptest.Login(t, srv, "admin")
	if _, body := apptest.Get(t, admin, srv.URL+"/admin/settings"); !strings.Contains(body, `id="public-url-unset"`) || !strings.Contains(body, `name="base_url"`) {
		t.Fatalf("no warning or field while the public URL is unset:\n%s", body)
	}
	form := url.Values{"name": {""}, "time_zone": {"Asia/Shanghai"}, "currency": {"CNY"}, "base_url": {"jiedai.example.cn"}}
	resp, err := admin.PostForm(srv.URL+"/admin/settings", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Fatalf("address without scheme: %d", resp.StatusCode)
	}
	form.Set("base_url", "https://jiedai.example.cn/")
	resp, err = admin.PostForm(srv.URL+"/admin/settings", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	_, body := apptest.Get(t, admin, srv.URL+"/admin/settings")
	if strings.Contains(body, `id="public-url-unset"`) || !strings.Contains(body, `value="https://jiedai.example.cn"`) {
		t.Fatalf("after saving:\n%s", body)
	}
	if got := a.PublicURL(t.Context()); got != "https://jiedai.example.cn" {
		t.Fatalf("PublicURL = %q", got)
	}
}
