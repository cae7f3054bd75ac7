package server

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// The client address comes from the configured proxy header only, and only
// when it holds an address; of a list, the entry the proxy added (the last).
func TestRealIP(t *testing.T) {
	cases := []struct {
		header, value, want string
	}{
		{"", "203.0.113.9", "10.0.0.1:5000"},
		{"X-Forwarded-For", "", "10.0.0.1:5000"},
		{"X-Forwarded-For", "203.0.113.9", "203.0.113.9:0"},
		{"X-Forwarded-For", "1.2.3.4, 203.0.113.9", "203.0.113.9:0"},
		{"X-Forwarded-For", "203.0.113.9, not-an-address", "10.0.0.1:5000"},
		{"X-Real-IP", "2001:db8::1", "[2001:db8::1]:0"},
		{"X-Real-IP", "::ffff:192.0.2.7", "192.0.2.7:0"},
	}
	for _, c := range cases {
		var got string
		h := realIP(c.header, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "10.0.0.1:5000"
		if c.value != "" {
			name := c.header
			if name == "" {
				name = "X-Forwarded-For"
			}
			r.Header.Set(name, c.value)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != c.want {
			t.Errorf("header %q = %q: RemoteAddr %q, want %q", c.header, c.value, got, c.want)
		}
	}
}

// Whatever the header holds, RemoteAddr stays as it was or becomes an
// address with port 0; it never takes text that is not an address.
func FuzzRealIP(f *testing.F) {
	for _, s := range []string{"203.0.113.9", "1.2.3.4, 5.6.7.8", "::1", "[::1]:80", "unknown", "", " 10.0.0.1 ", "1.2.3.4,", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var got string
		h := realIP("X-Forwarded-For", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "10.0.0.1:5000"
		r.Header["X-Forwarded-For"] = []string{v}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got == "10.0.0.1:5000" {
			return
		}
		host, port, err := net.SplitHostPort(got)
		if err != nil || port != "0" {
			t.Fatalf("%q gave RemoteAddr %q", v, got)
		}
		if _, err := netip.ParseAddr(host); err != nil {
			t.Fatalf("%q gave host %q: %v", v, host, err)
		}
	})
}
