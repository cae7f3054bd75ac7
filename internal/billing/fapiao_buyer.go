package billing

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"jiedai/internal/errs"
)

// FapiaoType is the kind of fapiao: 普通发票 or 专用发票.
type FapiaoType string

// The fapiao types.
const (
	FapiaoNormal  FapiaoType = "normal"  // 增值税普通发票
	FapiaoSpecial FapiaoType = "special" // 增值税专用发票
)

// FapiaoMedium is how a fapiao is issued: on paper or as a 数电发票.
type FapiaoMedium string

// The fapiao media.
const (
	MediumPaper   FapiaoMedium = "paper"
	MediumDigital FapiaoMedium = "digital" // 全面数字化的电子发票
)

// FapiaoKinds and FapiaoMedia list the accepted values of a request, in
// display order.
var (
	FapiaoKinds = []FapiaoType{FapiaoNormal, FapiaoSpecial}
	FapiaoMedia = []FapiaoMedium{MediumDigital, MediumPaper}
)

// ProfileKind reads an account's default fapiao type (FapiaoTypes:
// "normal", "special", "digital_normal", "digital_special") as the type
// and medium of a request; "" is a normal digital fapiao.
func ProfileKind(t string) (FapiaoType, FapiaoMedium) {
	kind, digital := strings.CutPrefix(t, "digital_")
	switch {
	case kind == string(FapiaoSpecial) && digital:
		return FapiaoSpecial, MediumDigital
	case kind == string(FapiaoSpecial):
		return FapiaoSpecial, MediumPaper
	case kind == string(FapiaoNormal) && !digital:
		return FapiaoNormal, MediumPaper
	}
	return FapiaoNormal, MediumDigital
}

// BuyerKind tells an enterprise buyer from an individual one.
type BuyerKind string

// The buyer kinds.
const (
	BuyerEnterprise BuyerKind = "enterprise"
	BuyerIndividual BuyerKind = "individual"
)

// Buyer is the 购买方 block of a fapiao (the 开票信息 of a billing profile).
type Buyer struct {
	Kind         BuyerKind `json:"kind" enum:"enterprise,individual"`
	Name         string    `json:"name" doc:"名称"`
	TaxID        string    `json:"tax_id,omitempty" doc:"纳税人识别号: unified social credit code (18 characters)"`
	AddressPhone string    `json:"address_phone,omitempty" doc:"地址、电话"`
	BankAccount  string    `json:"bank_account,omitempty" doc:"开户行及账号"`
}

// Field limits of a buyer block.
const (
	maxBuyerName  = 100
	maxBuyerBlock = 200
)

// Normalize trims the buyer's fields and writes the tax id in upper case
// without spaces, as people often type it in groups.
func (b Buyer) Normalize() Buyer {
	b.Name = strings.TrimSpace(b.Name)
	b.TaxID = NormalizeTaxID(b.TaxID)
	b.AddressPhone = strings.TrimSpace(b.AddressPhone)
	b.BankAccount = strings.TrimSpace(b.BankAccount)
	if b.Kind == "" {
		b.Kind = BuyerEnterprise
	}
	return b
}

// NormalizeTaxID removes white space and upper-cases a tax id.
func NormalizeTaxID(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
}

// Validate adds to l what the buyer block lacks for a fapiao of type t,
// fields prefixed with prefix ("buyer_"): 专用发票 needs all four fields;
// 普通发票 needs name and tax id for an enterprise and the name only for an
// individual. A tax id that is given must be valid.
func (b Buyer) Validate(t FapiaoType, prefix string, l *errs.List) {
	if b.Kind != BuyerEnterprise && b.Kind != BuyerIndividual {
		l.Add(prefix+"kind", "err.invalid")
	}
	if b.Name == "" {
		l.Add(prefix+"name", "err.required")
	}
	checkLen(l, prefix+"name", b.Name, maxBuyerName)
	checkLen(l, prefix+"address_phone", b.AddressPhone, maxBuyerBlock)
	checkLen(l, prefix+"bank_account", b.BankAccount, maxBuyerBlock)
	switch {
	case b.TaxID == "" && (t == FapiaoSpecial || b.Kind == BuyerEnterprise):
		l.Add(prefix+"tax_id", "err.fapiao_tax_id_required")
	case b.TaxID == "":
	case b.Kind == BuyerIndividual && t != FapiaoSpecial && ValidResidentID(b.TaxID):
	case !ValidUSCC(b.TaxID):
		l.Add(prefix+"tax_id", "err.fapiao_tax_id")
	}
	if t == FapiaoSpecial {
		if b.Kind == BuyerIndividual {
			l.Add(prefix+"kind", "err.fapiao_special_individual")
		}
		if b.AddressPhone == "" {
			l.Add(prefix+"address_phone", "err.fapiao_special_field")
		}
		if b.BankAccount == "" {
			l.Add(prefix+"bank_account", "err.fapiao_special_field")
		}
	}
}

func checkLen(l *errs.List, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		l.Add(field, "err.too_long", "max", max)
	}
}

// usccChars is the alphabet of the unified social credit code (GB 32100-2015):
// digits and upper-case letters without I, O, Z, S and V; a character's value
// is its index.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of the first 17 characters: 3^i mod 31.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidUSCC reports whether s is a unified social credit code (统一社会信用代码):
// 18 characters of the code's alphabet, positions 3–8 an administrative
// division code of digits, and the 18th the check character of GB 32100-2015.
func ValidUSCC(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, s[i])
		if v < 0 || (i >= 2 && i < 8 && v > 9) {
			return false
		}
		sum += v * usccWeights[i]
	}
	return s[17] == USCCCheck(sum)
}

// USCCCheck returns the check character for a weighted sum of the first 17
// characters: 31 − (sum mod 31), where 31 is written 0.
func USCCCheck(sum int) byte {
	return usccChars[(31-sum%31)%31]
}

// ValidResidentID reports whether s is an 18-character resident identity
// card number (GB 11643-1999) with its ISO 7064 MOD 11-2 check character,
// which individuals give as their tax id.
func ValidResidentID(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * (1 << (17 - i) % 11)
	}
	return s[17] == "10X98765432"[sum%11]
}
