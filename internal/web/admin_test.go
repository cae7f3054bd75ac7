package web_test

import (
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// An admin's extra holiday takes effect at once in the live calendar, is
// audited, and can be removed again; a bad date is refused with the field named.
func TestAdminCalendarOverrides(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		admin := apptest.Login(t, srv, "admin")
		day := time.Date(2027, 3, 3, 12, 0, 0, 0, a.Loc) // a Wednesday beyond the bundled data
		if !a.Calendar.IsWorkday(day) {
			t.Fatal("2027-03-03 should start as a working day")
		}
		post := func(path string, v url.Values) (int, string) {
			resp, err := admin.PostForm(srv.URL+path, v)
			if err != nil {
				t.Fatal(err)
			}
			b := new(strings.Builder)
			_, _ = bufCopy(b, resp)
			return resp.StatusCode, b.String()
		}
		if code, _ := post("/admin/calendar", url.Values{"date": {"2027-03-03"}, "kind": {"holiday"}, "name": {"公司周年庆"}}); code != http.StatusSeeOther {
			t.Fatalf("add override: %d", code)
		}
		if a.Calendar.IsWorkday(day) {
			t.Fatal("override did not reach the live calendar")
		}
		if code, body := postFollow(t, admin, srv.URL+"/admin/calendar", url.Values{"date": {"2027-02-30"}, "kind": {"holiday"}}); code != 200 || !strings.Contains(body, "field-err") {
			t.Fatalf("bad date: %d", code)
		}
		_, body := apptest.Get(t, admin, srv.URL+"/admin/audit?entity=workday_override")
		if !strings.Contains(body, "公司周年庆") {
			t.Fatal("override not audited")
		}
		if code, _ := post("/admin/calendar/delete", url.Values{"date": {"2027-03-03"}}); code != http.StatusSeeOther {
			t.Fatalf("delete override: %d", code)
		}
		if !a.Calendar.IsWorkday(day) {
			t.Fatal("deleted override still in the calendar")
		}
		if code, _ := apptest.Get(t, apptest.Login(t, srv, "office"), srv.URL+"/admin/calendar"); code != http.StatusForbidden {
			t.Fatalf("office on the calendar admin: %d", code)
		}
		for _, p := range []string{"/admin/settings", "/admin/jobs", "/admin/departments"} {
			if code, _ := apptest.Get(t, admin, srv.URL+p); code != 200 {
				t.Errorf("%s: %d", p, code)
			}
		}
	})
}

// The site's name and logo, set by an admin, appear on every page and the
// logo is served without a login.
func TestSiteNameAndLogo(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	admin := apptest.Login(t, srv, "admin")
	resp, err := admin.PostForm(srv.URL+"/admin/settings", url.Values{"name": {"国贸商务中心"}, "time_zone": {"Asia/Shanghai"}, "currency": {"CNY"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", resp.StatusCode)
	}
	if code, body := postFollow(t, admin, srv.URL+"/admin/settings", url.Values{"name": {"x"}, "time_zone": {"Mars/Olympus"}, "currency": {"yuan"}}); code != 200 || !strings.Contains(body, `value="Mars/Olympus"`) || !strings.Contains(body, "field-err") {
		t.Fatalf("bad zone and currency: %d", code)
	}
	if _, body := apptest.Get(t, apptest.Client(t), srv.URL+"/login"); !strings.Contains(body, "国贸商务中心") {
		t.Fatal("site name not on the login page")
	}
	if code, _ := apptest.Get(t, apptest.Client(t), srv.URL+"/site/logo"); code != 404 {
		t.Fatalf("logo before upload: %d", code)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "logo.png")
	_, _ = fw.Write(png)
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/admin/settings/logo", strings.NewReader(buf.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = admin.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload logo: %d", resp.StatusCode)
	}
	code, body := apptest.Get(t, apptest.Client(t), srv.URL+"/site/logo")
	if code != 200 || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("logo: %d", code)
	}
}
