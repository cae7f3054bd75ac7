package web

import (
	"net/url"
	"strconv"
	"testing"
)

// FuzzParseQty: a quantity read from a form is positive, at most three
// decimals, never overflows, and what the page shows of it reads back.
func FuzzParseQty(f *testing.F) {
	for _, s := range []string{"", "1", "120.5", "0.001", "0", "-1", "1e3", "999999999.999", "1.2345", ".5", "１", "9223372036854775807"} {
		f.Add(s)
	}
	show := billingFuncs()["blQty"].(func(int64) string)
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseQty(s)
		if !ok {
			return
		}
		if n <= 0 || n > 999_999_999_999 {
			t.Fatalf("parseQty(%q) = %d", s, n)
		}
		if back, ok := parseQty(show(n)); !ok || back != n {
			t.Fatalf("parseQty(%q) = %d shows as %q, reads back %d", s, n, show(n), back)
		}
	})
}

// FuzzSharesFrom: the amounts put on charges are positive fen on positive
// charge ids, or the form is refused; it never panics.
func FuzzSharesFrom(f *testing.F) {
	f.Add("share_12=30.50&share_13=0&amount=1")
	f.Add("share_x=1")
	f.Add("share_-1=1")
	f.Add("share_5=-3")
	f.Add("share_5=1e9")
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		shares, err := sharesFrom(v)
		if err != nil {
			return
		}
		for _, sh := range shares {
			if sh.ChargeID <= 0 || sh.AmountFen <= 0 {
				t.Fatalf("%q gave share %+v", q, sh)
			}
			if _, err := strconv.ParseInt(strconv.FormatInt(sh.ChargeID, 10), 10, 64); err != nil {
				t.Fatal(err)
			}
		}
	})
}
