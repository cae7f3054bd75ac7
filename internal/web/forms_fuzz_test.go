package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/storetest"
)

var paramRE = regexp.MustCompile(`\{[^}]*\}`)

// FuzzWebForms sends arbitrary form bodies (URL-encoded or multipart) and
// query strings to every page route, signed in as the administrator, with
// arbitrary path values: the form decoding of every handler must answer
// without a 5xx. Routes that end the session are left out.
func FuzzWebForms(f *testing.F) {
	routes, err := apptest.WebRoutes(".")
	if err != nil {
		f.Fatal(err)
	}
	var list []string
	for _, r := range routes {
		if r == "POST /logout" || r == "POST /account/password" {
			continue
		}
		list = append(list, r)
	}
	a, _ := apptest.New(f, storetest.NewTestDB(f, "sqlite"))
	srv := apptest.Serve(f, a)
	c := apptest.Login(f, srv, "admin")
	for i, r := range list {
		f.Add(uint8(i), "1", "", false)
		if strings.HasPrefix(r, "POST ") {
			f.Add(uint8(i), "1", "name=%E4%B8%AD%E6%96%87&id=1&date=2026-03-02&start=09:00&end=10:00&title=x", false)
			f.Add(uint8(i), "approve", "reason=%00&id=-1&date=2026-02-30&start=24:00", false)
			f.Add(uint8(i), "x", "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ--\r\n", true)
		} else {
			f.Add(uint8(i), "2", "from=2026-03-02&to=10000-01-01&entity=booking&limit=-1", false)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, param, body string, multipart bool) {
		method, pattern, _ := strings.Cut(list[int(route)%len(list)], " ")
		path := strings.ReplaceAll(paramRE.ReplaceAllString(pattern, url.PathEscape(param)), "{$}", "")
		var req *http.Request
		if method == http.MethodGet {
			req, err = http.NewRequest(method, srv.URL+path+"?"+body, nil)
		} else {
			req, err = http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if multipart {
					req.Header.Set("Content-Type", "multipart/form-data; boundary=XyZ")
				}
			}
		}
		if err != nil {
			return // not a request a client could send
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s with %q: status %d: %.300s", method, path, body, resp.StatusCode, data)
		}
	})
}
