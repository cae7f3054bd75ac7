package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/web"
)

// Templates may hold no user-visible text of their own: every word comes
// from the catalogues. Text nodes, once tags and entities are removed, must
// contain no letters; visible attributes (placeholder, title, aria-label,
// alt) must not hold literal letters either.
func TestTemplatesHaveNoUntranslatedLiterals(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	s, err := web.New(a)
	if err != nil {
		t.Fatal(err)
	}
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	entities := regexp.MustCompile(`&[a-zA-Z#0-9]+;`)
	letters := regexp.MustCompile(`\p{L}{2,}`)
	attr := regexp.MustCompile(`(?i)\b(placeholder|title|aria-label|alt|data-confirm)="([^"{]*)"`)
	// Symbols allowed as literals: none are letters, so only real words fail.
	checked := 0
	for name, tmpl := range s.Templates() {
		for _, tt := range tmpl.Templates() {
			if tt.Tree == nil {
				continue
			}
			// Rebuild the source with every action as a marker, so tags
			// split by actions are whole again, then strip tags.
			var b strings.Builder
			var walk func(n parse.Node)
			walk = func(n parse.Node) {
				switch x := n.(type) {
				case *parse.ListNode:
					if x == nil {
						return
					}
					for _, c := range x.Nodes {
						walk(c)
					}
				case *parse.TextNode:
					checked++
					b.Write(x.Text)
				case *parse.IfNode:
					b.WriteString("\x00")
					walk(x.List)
					walk(x.ElseList)
				case *parse.RangeNode:
					b.WriteString("\x00")
					walk(x.List)
					walk(x.ElseList)
				case *parse.WithNode:
					b.WriteString("\x00")
					walk(x.List)
					walk(x.ElseList)
				default:
					b.WriteString("\x00")
				}
			}
			walk(tt.Tree.Root)
			src := b.String()
			for _, m := range attr.FindAllStringSubmatch(src, -1) {
				if letters.MatchString(m[2]) {
					t.Errorf("%s/%s: literal %s=%q", name, tt.Name(), m[1], m[2])
				}
			}
			text := entities.ReplaceAllString(tags.ReplaceAllString(src, " "), " ")
			if w := letters.FindString(text); w != "" {
				t.Errorf("%s/%s: untranslated text %q", name, tt.Name(), w)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d text nodes checked", checked)
	}
}

func TestLoginTodayLanguageAndLogout(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		anon := apptest.Client(t)

		code, body := apptest.Get(t, anon, srv.URL+"/")
		if code != http.StatusSeeOther {
			t.Fatalf("anonymous today: %d", code)
		}
		code, body = apptest.Get(t, anon, srv.URL+"/login")
		if code != 200 || !strings.Contains(body, "登录") || !strings.Contains(body, "jiedai-demo") {
			t.Fatalf("login page: %d", code)
		}
		resp, err := anon.PostForm(srv.URL+"/login", url.Values{"username": {"office"}, "password": {"nope"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("bad login: %d", resp.StatusCode)
		}

		c := apptest.Login(t, srv, "office")
		code, body = apptest.Get(t, c, srv.URL+"/")
		if code != 200 || !strings.Contains(body, "王静") || !strings.Contains(body, "今日") {
			t.Fatalf("today: %d %.300s", code, body)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
			r, _ := c.Get(srv.URL + "/")
			if r.Header.Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
			r.Body.Close()
		}
		// A cross-site form post is refused.
		req, _ := http.NewRequest("POST", srv.URL+"/lang", strings.NewReader("lang=en"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site POST: %d", r.StatusCode)
		}
		// Switching language is remembered on the user, not only the cookie.
		r, err = c.PostForm(srv.URL+"/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		fresh := apptest.Login(t, srv, "office")
		if _, body = apptest.Get(t, fresh, srv.URL+"/"); !strings.Contains(body, "Today") || strings.Contains(body, "今日待办") {
			t.Fatalf("language not remembered per user: %.400s", body)
		}
		// Role-gated pages.
		if code, _ = apptest.Get(t, c, srv.URL+"/admin/users"); code != http.StatusForbidden {
			t.Fatalf("office on admin page: %d", code)
		}
		admin := apptest.Login(t, srv, "admin")
		if code, body = apptest.Get(t, admin, srv.URL+"/admin/users"); code != 200 || !strings.Contains(body, "receptionist") {
			t.Fatalf("admin users: %d", code)
		}
		// Invalid user form keeps values and names the field.
		if code, body := postFollow(t, admin, srv.URL+"/admin/users/new", url.Values{"username": {"新 用户"}, "display_name": {"保留的姓名"}, "password": {"x"}}); code != 200 || !strings.Contains(body, "保留的姓名") || !strings.Contains(body, "用户名须为") {
			t.Fatalf("invalid user form: %d", code)
		}
		// Logout ends the session.
		r, err = c.PostForm(srv.URL+"/logout", nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if code, _ = apptest.Get(t, c, srv.URL+"/"); code != http.StatusSeeOther {
			t.Fatalf("after logout: %d", code)
		}
	})
}

func TestOpsEndpoints(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	c := apptest.Client(t)
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "jiedai_http_request_duration_seconds"} {
		apptest.Get(t, c, srv.URL+"/login")
		code, body := apptest.Get(t, c, srv.URL+path)
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %.100s", path, code, body)
		}
	}
	if code, _ := apptest.Get(t, c, srv.URL+"/no/such/page"); code != http.StatusSeeOther && code != 404 {
		t.Errorf("unknown page: %d", code)
	}
}
