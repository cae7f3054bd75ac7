package billing

import (
	"errors"
	"testing"

	"jiedai/internal/errs"
	"jiedai/internal/money"
)

func TestValidUSCC(t *testing.T) {
	for _, c := range []struct {
		code string
		ok   bool
	}{
		{"91350100M000100Y43", true},  // the standard's example
		{"911100001011140060", false}, // wrong check character
		{"91110000101114006X", false}, // X is not the check here
		{"91350100M000100Y4", false},  // 17 characters
		{"91350100M000100Y433", false},
		{"9135010OM000100Y43", false}, // O is not in the alphabet
		{"91350100I000100Y43", false}, // I neither
		{"913501A0M000100Y43", false}, // division code must be digits
		{"", false},
	} {
		if got := ValidUSCC(c.code); got != c.ok {
			t.Errorf("ValidUSCC(%q) = %v, want %v", c.code, got, c.ok)
		}
	}
	// Every 17-character stem has exactly one check character.
	stem := "91310115MA1K3YJ2"
	for _, last := range usccChars {
		base := stem + string(last)
		n := 0
		for _, chk := range usccChars {
			if ValidUSCC(base + string(chk)) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s: %d valid check characters", base, n)
		}
	}
}

func TestValidResidentID(t *testing.T) {
	if !ValidResidentID("11010519491231002X") {
		t.Error("the standard's example is refused")
	}
	if ValidResidentID("110105194912310021") {
		t.Error("a wrong check digit is accepted")
	}
}

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	var e *errs.Error
	if !errors.As(err, &e) {
		return out
	}
	list, _ := e.Extra.([]*errs.Error)
	for _, x := range list {
		out[x.Field] = x.Key
	}
	return out
}

func TestBuyerValidate(t *testing.T) {
	full := Buyer{Kind: BuyerEnterprise, Name: "上海某某科技有限公司", TaxID: "91350100M000100Y43",
		AddressPhone: "上海市浦东新区世纪大道100号 021-12345678", BankAccount: "招商银行上海分行 121234567810001"}
	for _, c := range []struct {
		name string
		t    FapiaoType
		edit func(*Buyer)
		want []string // failing fields
	}{
		{"special full", FapiaoSpecial, func(*Buyer) {}, nil},
		{"special without address", FapiaoSpecial, func(b *Buyer) { b.AddressPhone = "" }, []string{"buyer_address_phone"}},
		{"special without bank", FapiaoSpecial, func(b *Buyer) { b.BankAccount = "" }, []string{"buyer_bank_account"}},
		{"special without tax id", FapiaoSpecial, func(b *Buyer) { b.TaxID = "" }, []string{"buyer_tax_id"}},
		{"special without name", FapiaoSpecial, func(b *Buyer) { b.Name = "" }, []string{"buyer_name"}},
		{"special with name only", FapiaoSpecial, func(b *Buyer) { *b = Buyer{Kind: BuyerEnterprise, Name: "X"} },
			[]string{"buyer_tax_id", "buyer_address_phone", "buyer_bank_account"}},
		{"special to an individual", FapiaoSpecial, func(b *Buyer) { b.Kind = BuyerIndividual }, []string{"buyer_kind"}},
		{"normal enterprise name and id", FapiaoNormal, func(b *Buyer) { b.AddressPhone, b.BankAccount = "", "" }, nil},
		{"normal enterprise without id", FapiaoNormal, func(b *Buyer) { b.TaxID = "" }, []string{"buyer_tax_id"}},
		{"normal enterprise bad id", FapiaoNormal, func(b *Buyer) { b.TaxID = "91350100M000100Y44" }, []string{"buyer_tax_id"}},
		{"normal individual name only", FapiaoNormal, func(b *Buyer) { *b = Buyer{Kind: BuyerIndividual, Name: "张三"} }, nil},
		{"normal individual with resident id", FapiaoNormal, func(b *Buyer) { *b = Buyer{Kind: BuyerIndividual, Name: "张三", TaxID: "11010519491231002X"} }, nil},
		{"normal individual bad id", FapiaoNormal, func(b *Buyer) { *b = Buyer{Kind: BuyerIndividual, Name: "张三", TaxID: "123"} }, []string{"buyer_tax_id"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := full
			c.edit(&b)
			var l errs.List
			b.Normalize().Validate(c.t, "buyer_", &l)
			got := fieldsOf(l.Err())
			if len(got) != len(c.want) {
				t.Fatalf("errors %v, want fields %v", got, c.want)
			}
			for _, f := range c.want {
				if _, ok := got[f]; !ok {
					t.Errorf("no error on %s (got %v)", f, got)
				}
			}
		})
	}
}

func TestSplitTaxSumsToTotal(t *testing.T) {
	lines := []FapiaoLine{
		{Item: "会议室租用", Qty: 1, Rate: 600, GrossFen: 100},
		{Item: "会议室租用", Qty: 3, Rate: 600, GrossFen: 1},
		{Item: "茶歇", Qty: 7, Rate: 600, GrossFen: 33333},
		{Item: "房屋租金", Qty: 1, Rate: 900, GrossFen: 1234567, Source: SourceRental},
		{Item: "物业管理费", Qty: 1, Rate: 500, GrossFen: 99999},
		{Item: "设备租赁", Qty: 2, Rate: 1300, GrossFen: 11300},
		{Item: "免税项目", Qty: 1, Rate: 0, GrossFen: 5000},
	}
	net, tax, gross, err := SplitLines(lines)
	if err != nil {
		t.Fatal(err)
	}
	var want, sn, st int64
	for _, ln := range lines {
		want += ln.GrossFen
		sn += ln.NetFen
		st += ln.TaxFen
		if ln.NetFen+ln.TaxFen != ln.GrossFen || ln.NetFen < 0 || ln.TaxFen < 0 {
			t.Errorf("%s: %d + %d != %d", ln.Item, ln.NetFen, ln.TaxFen, ln.GrossFen)
		}
	}
	if gross != want || net != sn || tax != st || net+tax != gross {
		t.Fatalf("totals net %d tax %d gross %d; lines sum to %d/%d/%d", net, tax, gross, sn, st, want)
	}
	// Hand-checked lines: 1.00 at 6% = 0.94 + 0.06; 113.00 at 13% = 100.00 + 13.00;
	// 12345.67 at 9% = 11326.30 + 1019.37; 999.99 at 5% = 952.37 + 47.62.
	for i, w := range [][2]int64{{94, 6}, {1, 0}, {31446, 1887}, {1132630, 101937}, {95237, 4762}, {10000, 1300}, {5000, 0}} {
		if lines[i].NetFen != w[0] || lines[i].TaxFen != w[1] {
			t.Errorf("line %d: net %d tax %d, want %d %d", i, lines[i].NetFen, lines[i].TaxFen, w[0], w[1])
		}
	}
	if got := lines[5].UnitPrice(); got != "50.0000" {
		t.Errorf("unit price %s", got)
	}
}

func TestDepositCannotBeInvoiced(t *testing.T) {
	_, _, _, err := SplitLines([]FapiaoLine{{Item: "会议室", Qty: 1, Rate: 600, GrossFen: 1000}, {Item: "押金", Qty: 1, Source: SourceDeposit, GrossFen: 5000}})
	if got := fieldsOf(err); got["charges"] != "err.fapiao_deposit" {
		t.Fatalf("deposit line: %v", err)
	}
}

func TestSplitLinesBounds(t *testing.T) {
	if _, _, _, err := SplitLines([]FapiaoLine{{Item: "x", GrossFen: money.Max}, {Item: "y", GrossFen: 1}}); err == nil {
		t.Fatal("a total beyond money.Max is accepted")
	}
	if _, _, _, err := SplitLines([]FapiaoLine{{Item: "x", GrossFen: 0}}); err == nil {
		t.Fatal("a zero line is accepted")
	}
}

func TestChunkLines(t *testing.T) {
	lines := make([]FapiaoLine, 2*DigitalLineLimit+1)
	chunks := ChunkLines(lines, LineLimit(MediumDigital))
	if len(chunks) != 3 || len(chunks[0]) != 2000 || len(chunks[2]) != 1 {
		t.Fatalf("chunks %d", len(chunks))
	}
	if got := ChunkLines(lines[:8], LineLimit(MediumPaper)); len(got) != 1 {
		t.Fatalf("8 paper lines in %d fapiao", len(got))
	}
	if got := ChunkLines(lines[:9], LineLimit(MediumPaper)); len(got) != 2 || len(got[1]) != 1 {
		t.Fatalf("9 paper lines: %d", len(got))
	}
	if ChunkLines(nil, 5) != nil {
		t.Fatal("no lines give a chunk")
	}
}

func TestParseTaxRate(t *testing.T) {
	for in, want := range map[string]TaxRate{"6%": 600, "6": 600, "0.06": 600, " 13 % ": 1300, "0": 0, "0%": 0, "9": 900, "1": 100, "3%": 300, "5": 500} {
		got, err := ParseTaxRate(in)
		if err != nil || got != want {
			t.Errorf("ParseTaxRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "7", "6.5", "-6", "abc", "NaN", "1e2", "600", "0.065", "Inf"} {
		if _, err := ParseTaxRate(in); err == nil {
			t.Errorf("ParseTaxRate(%q) accepted", in)
		}
	}
	if TaxRate(600).String() != "6%" || TaxRate(0).String() != "0%" {
		t.Error("String")
	}
}

func TestPremisesRemarks(t *testing.T) {
	got := PremisesRemarks("合同号 HT-2026-000001", []string{"上海市浦东新区世纪大道100号 12层1201室", "上海市浦东新区世纪大道100号 12层1201室"})
	want := "合同号 HT-2026-000001\n不动产地址：上海市浦东新区世纪大道100号 12层1201室"
	if got != want {
		t.Fatalf("got %q", got)
	}
	if !IsPremises(SourceRental) || !IsPremises(SourceManagementFee) || IsPremises("booking") {
		t.Fatal("IsPremises")
	}
}
