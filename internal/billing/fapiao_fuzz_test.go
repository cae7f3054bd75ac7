package billing

import (
	"testing"

	"jiedai/internal/errs"
	"jiedai/internal/money"
)

func FuzzParseTaxRate(f *testing.F) {
	for _, s := range []string{"6%", "0.06", "13", "", "1e308", "-0", "NaN", "9 %"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseTaxRate(s)
		if err != nil {
			return
		}
		back, err := ParseTaxRate(r.String())
		if err != nil || back != r {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, r, r.String(), back, err)
		}
	})
}

func FuzzBuyer(f *testing.F) {
	f.Add("enterprise", "某公司", "91350100m000100y43", "地址 电话", "银行 账号", true)
	f.Add("individual", "张三", "11010519491231002x", "", "", false)
	f.Add("", "", " 9135 0100 M000 100Y 43 ", "", "", true)
	f.Fuzz(func(t *testing.T, kind, name, taxID, addr, bank string, special bool) {
		b := Buyer{Kind: BuyerKind(kind), Name: name, TaxID: taxID, AddressPhone: addr, BankAccount: bank}.Normalize()
		ft := FapiaoNormal
		if special {
			ft = FapiaoSpecial
		}
		var l errs.List
		b.Validate(ft, "buyer_", &l)
		if l.Err() == nil {
			if b.Name == "" || (special && (b.AddressPhone == "" || b.BankAccount == "" || !ValidUSCC(b.TaxID))) {
				t.Fatalf("accepted %+v for %s", b, ft)
			}
		}
	})
}

func FuzzSplitTax(f *testing.F) {
	f.Add(int64(100), 600)
	f.Add(money.Max, 1300)
	f.Add(int64(1), 0)
	f.Fuzz(func(t *testing.T, gross int64, rate int) {
		if !money.Valid(gross) || rate < 0 || rate > 10000 {
			return
		}
		net, tax := SplitTax(gross, TaxRate(rate))
		if net+tax != gross || net < 0 || tax < 0 || net > gross {
			t.Fatalf("SplitTax(%d, %d) = %d, %d", gross, rate, net, tax)
		}
	})
}
