package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// realIP puts the client address named by a trusted proxy's header into
// RemoteAddr, so that the log-in throttle and the audit log see the real
// client instead of the proxy. Only a configured header is read (anyone can
// send one that is not), and of a list (X-Forwarded-For) only the last
// entry, which our proxy added; a value that is no address is ignored.
func realIP(header string, next http.Handler) http.Handler {
	if header == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Header.Values(header)
		if len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				r2 := *r
				r2.RemoteAddr = net.JoinHostPort(ip.Unmap().String(), "0")
				r = &r2
			}
		}
		next.ServeHTTP(w, r)
	})
}
