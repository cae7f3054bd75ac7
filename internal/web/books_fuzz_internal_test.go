package web

import (
	"net/url"
	"testing"

	"jiedai/internal/billing"
	"jiedai/internal/errs"
)

// FuzzFapiaoForm: any request form reads without panic into an input
// whose validation names a field or passes with a complete buyer block.
func FuzzFapiaoForm(f *testing.F) {
	f.Add("type=special&medium=digital&buyer_kind=enterprise&buyer_name=%E6%9F%90&buyer_tax_id=91350100M000100Y43&charge=1&charge=2")
	f.Add("type=normal&medium=paper&buyer_kind=individual&buyer_name=x&charge=-1&charge=abc")
	f.Add("%zz&charge=99999999999999999999")
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		in := fapiaoForm(v)
		for _, id := range in.ChargeIDs {
			if id <= 0 {
				t.Fatalf("charge id %d from %q", id, q)
			}
		}
		var l errs.List
		b := in.Buyer.Normalize()
		b.Validate(in.Type, "buyer_", &l)
		if len(l) == 0 && in.Type == billing.FapiaoSpecial && (b.AddressPhone == "" || b.BankAccount == "") {
			t.Fatalf("special accepted without all four fields: %q", q)
		}
	})
}
