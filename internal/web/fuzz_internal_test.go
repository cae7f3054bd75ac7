package web

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jiedai/internal/store"
)

// browserView is how a browser reads a Location: tabs and newlines are
// dropped, and a backslash counts as a slash.
func browserView(s string) string {
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	return strings.ReplaceAll(strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "), "\\", "/")
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/bookings?x=1", "//evil.example", "/\\evil.example", "https://evil.example", "/\t/evil.example",
		"/\n/evil.example", "/\\\t\\evil.example", " //evil.example", "javascript:alert(1)", "/%2F/evil.example", "", "/admin/users/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got == "/" {
			return
		}
		seen := browserView(got)
		if !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
			t.Fatalf("safeNext(%q) = %q, which a browser reads as %q: off this site", next, got, seen)
		}
		if u, err := url.Parse(seen); err == nil && (u.Host != "" || u.Scheme != "") {
			t.Fatalf("safeNext(%q) = %q: host %q scheme %q", next, got, u.Host, u.Scheme)
		}
	})
}

func TestSafeNextRefusesControlCharacters(t *testing.T) {
	for _, s := range []string{"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\\t/evil.example", "/ok\x00", "/\x7f/x"} {
		if got := safeNext(s); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", s, got)
		}
	}
	for _, s := range []string{"/bookings?from=2026-03-02", "/admin/users/3", "/会议室?q=长江"} {
		if got := safeNext(s); got != s {
			t.Errorf("safeNext(%q) = %q, want it kept", s, got)
		}
	}
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "", "abc", "9223372036854775807", "9223372036854775808", "+5", "0x10", " 7", "١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := parseID(s)
		if ok != (id > 0) || (!ok && id != 0) {
			t.Fatalf("parseID(%q) = %d, %v", s, id, ok)
		}
		if want, err := strconv.ParseInt(s, 10, 64); ok && (err != nil || want != id) {
			t.Fatalf("parseID(%q) = %d, not the number written", s, id)
		}
	})
}

// FuzzCheckInput: any query and form body either passes with only
// storable text in it or is refused with a 400 key; it never panics.
func FuzzCheckInput(f *testing.F) {
	for _, c := range [][2]string{{"a=1&b=2", "title=会议&start=2026-03-02T09:00"}, {"x=%00", ""}, {"", "name=%FF"}, {"%zz", ""}, {"", "a=%"},
		{"q=" + strings.Repeat("长", 100), "k=v&k=w"}, {"", "\x00=1"}} {
		f.Add(c[0], c[1], true)
	}
	f.Fuzz(func(t *testing.T, query, body string, form bool) {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
		r.URL.RawQuery = query
		if form {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		switch key := checkInput(r); key {
		case "":
			for k, vs := range r.Form {
				for _, v := range append(vs, k) {
					if !store.StorableText(v) {
						t.Fatalf("passed a value the database cannot store: %q", v)
					}
				}
			}
		case "err.bad_text", "err.bad_request":
		default:
			t.Fatalf("unexpected key %q", key)
		}
	})
}
