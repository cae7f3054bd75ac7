package billing

import (
	"fmt"
	"strconv"
	"strings"

	"jiedai/internal/errs"
	"jiedai/internal/money"
)

// TaxRate is a VAT rate in basis points (600 = 6%).
type TaxRate int

// TaxRates are the VAT rates a fapiao line may carry: 0 (免税/零税率), the
// small-scale 1% and 3%, 5% (simplified method, e.g. 不动产经营租赁), 6%
// (modern services), 9% (real-estate leasing) and 13% (goods, movable
// property leasing).
var TaxRates = []TaxRate{0, 100, 300, 500, 600, 900, 1300}

// String writes the rate as a percentage, e.g. "6%".
func (r TaxRate) String() string {
	s := strconv.FormatFloat(float64(r)/100, 'f', -1, 64)
	return s + "%"
}

// ParseTaxRate reads a rate written "6%", "6" or "0.06" and accepts it only
// when it is one of TaxRates.
func ParseTaxRate(s string) (TaxRate, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	bad := errs.Field("tax_rate", "err.fapiao_tax_rate")
	if s == "" || len(s) > 8 {
		return 0, bad
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 100 {
		return 0, bad
	}
	if f < 1 && strings.Contains(s, ".") && s != "0" {
		f *= 100 // a fraction: 0.06
	}
	bp := f * 100
	r := TaxRate(bp + 0.5)
	if float64(r)-bp > 0.001 || bp-float64(r) > 0.001 {
		return 0, bad
	}
	for _, ok := range TaxRates {
		if r == ok {
			return r, nil
		}
	}
	return 0, bad
}

// SplitTax splits a tax-inclusive amount into 金额 (net) and 税额 (tax):
// net = gross ÷ (1 + rate) rounded half up to the fen, tax = gross − net,
// so that net + tax is exactly the gross amount. gross is a Valid amount.
func SplitTax(gross int64, r TaxRate) (net, tax int64) {
	d := int64(10000 + r)
	net = (gross*10000*2 + d) / (2 * d)
	return net, gross - net
}

// FapiaoLine is one line of a fapiao: the item, and the tax-inclusive
// amount of the charge it invoices split into 金额 and 税额.
type FapiaoLine struct {
	ChargeID int64   `json:"charge_id,omitempty"`
	Source   string  `json:"source,omitempty" doc:"The charge's source, e.g. booking, rent"`
	Item     string  `json:"item" doc:"货物或应税劳务、服务名称"`
	Spec     string  `json:"spec,omitempty" doc:"规格型号"`
	Unit     string  `json:"unit,omitempty" doc:"单位"`
	Qty      int64   `json:"qty" doc:"数量"`
	Rate     TaxRate `json:"rate_bp" doc:"税率 in basis points (600 = 6%)"`
	GrossFen int64   `json:"gross_fen" doc:"价税合计 of the line"`
	NetFen   int64   `json:"net_fen" doc:"金额 (excluding tax)"`
	TaxFen   int64   `json:"tax_fen" doc:"税额"`
}

// UnitPrice is the line's unit price excluding tax in yuan, to the 0.01 fen
// as fapiao print it (单价 may have more decimals than the amount).
func (ln FapiaoLine) UnitPrice() string {
	if ln.Qty <= 0 {
		return ""
	}
	// hundredths of a fen, rounded half up
	v := (ln.NetFen*100*2 + ln.Qty) / (2 * ln.Qty)
	return fmt.Sprintf("%d.%04d", v/10000, v%10000)
}

// SplitLines fills each line's net and tax amounts from its gross amount and
// rate. It refuses lines that are deposits (a deposit is a liability, never
// a sale) and amounts out of range, and returns the totals.
func SplitLines(lines []FapiaoLine) (net, tax, gross int64, err error) {
	var l errs.List
	for i := range lines {
		ln := &lines[i]
		if ln.Source == SourceDeposit {
			l.Add("charges", "err.fapiao_deposit")
			continue
		}
		if !money.Valid(ln.GrossFen) || ln.GrossFen == 0 {
			l.Add("charges", "err.fapiao_line_amount", "item", ln.Item)
			continue
		}
		ln.NetFen, ln.TaxFen = SplitTax(ln.GrossFen, ln.Rate)
		var ok bool
		if gross, ok = money.Sum(gross, ln.GrossFen); !ok {
			return 0, 0, 0, money.TooLarge("charges")
		}
		net += ln.NetFen
		tax += ln.TaxFen
	}
	if err := l.Err(); err != nil {
		return 0, 0, 0, err
	}
	return net, tax, gross, nil
}

// Line limits: a 数电发票 takes up to 2000 lines; a paper fapiao prints 8
// lines (more need a 销货清单, which Jiedai does not print).
const (
	DigitalLineLimit = 2000
	PaperLineLimit   = 8
)

// LineLimit returns the number of lines one fapiao of the medium takes.
func LineLimit(m FapiaoMedium) int {
	if m == MediumPaper {
		return PaperLineLimit
	}
	return DigitalLineLimit
}

// ChunkLines splits lines into groups of at most limit lines, in order:
// one fapiao request per group.
func ChunkLines(lines []FapiaoLine, limit int) [][]FapiaoLine {
	if limit < 1 {
		limit = 1
	}
	var out [][]FapiaoLine
	for len(lines) > limit {
		out = append(out, lines[:limit:limit])
		lines = lines[limit:]
	}
	if len(lines) > 0 {
		out = append(out, lines)
	}
	return out
}

// premisesSources are the charge sources that invoice 不动产经营租赁 (rent
// and the management of premises): their fapiao carry the property's
// detailed address in 备注.
var premisesSources = []string{SourceRental, SourceManagementFee}

// IsPremises reports whether a charge of this source is a premises lease.
func IsPremises(source string) bool {
	for _, s := range premisesSources {
		if s == source {
			return true
		}
	}
	return false
}

// PremisesRemarks returns remarks that name each property address of the
// premises lines ("不动产地址：…"), keeping what the remarks already say and
// not repeating an address they contain.
func PremisesRemarks(remarks string, addresses []string) string {
	remarks = strings.TrimSpace(remarks)
	for _, a := range addresses {
		a = strings.TrimSpace(a)
		if a == "" || strings.Contains(remarks, a) {
			continue
		}
		if remarks != "" {
			remarks += "\n"
		}
		remarks += "不动产地址：" + a
	}
	return remarks
}
