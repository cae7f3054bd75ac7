package client

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Kinds of client organisation. Contract signing differs by kind
// (seed 002-4 二 a–c); an individual is a "client organisation" of kind
// KindIndividual and is never merged with another by name.
const (
	KindCompany     = "company"         // 公司
	KindRepOffice   = "rep_office"      // 代表处
	KindForeign     = "foreign_company" // 外国公司
	KindInFormation = "in_formation"    // 筹建中的公司
	KindIndividual  = "individual"      // 个人
)

// Kinds lists the organisation kinds in the order forms show them.
var Kinds = []string{KindCompany, KindRepOffice, KindForeign, KindInFormation, KindIndividual}

// Fapiao types a billing profile may ask for by default.
const (
	FapiaoGeneral = "general" // 普通发票
	FapiaoSpecial = "special" // 增值税专用发票
)

// FapiaoTypes lists the default fapiao types ("" means not set).
var FapiaoTypes = []string{FapiaoGeneral, FapiaoSpecial}

// BillingProfile is an organisation's 开票信息: the buyer's details printed on
// a fapiao, the fapiao type it usually asks for and where to send it.
type BillingProfile struct {
	Title         string `json:"title" required:"false" doc:"名称: the buyer's name on the fapiao (blank: the organisation's name)"`
	TaxID         string `json:"tax_id" required:"false" doc:"纳税人识别号 (unified social credit code, 15 to 20 letters and digits)"`
	AddressPhone  string `json:"address_phone" required:"false" doc:"地址、电话"`
	BankAccount   string `json:"bank_account" required:"false" doc:"开户行及账号"`
	FapiaoType    string `json:"fapiao_type" required:"false" doc:"Default fapiao type: general (普通发票) or special (专用发票); blank when not set"`
	EFapiaoEmail  string `json:"efapiao_email" required:"false" doc:"E-mail address the e-fapiao is sent to"`
	PostalAddress string `json:"postal_address" required:"false" doc:"Postal address for paper fapiao"`
}

// BuyerName is the name a fapiao for the organisation is made out to.
func (o Org) BuyerName() string {
	if o.Billing.Title != "" {
		return o.Billing.Title
	}
	return o.Name
}

var taxIDRE = regexp.MustCompile(`^[0-9A-Z]{15,20}$`)

// normalize trims the profile's fields and upper-cases the tax ID.
func (p *BillingProfile) normalize() {
	for _, f := range []*string{&p.Title, &p.TaxID, &p.AddressPhone, &p.BankAccount, &p.FapiaoType, &p.EFapiaoEmail, &p.PostalAddress} {
		*f = strings.TrimSpace(*f)
	}
	p.TaxID = strings.ToUpper(strings.ReplaceAll(p.TaxID, " ", ""))
}

// validate checks the profile's fields on their own, and that the default
// fapiao type can be issued from it (Check).
func (p *BillingProfile) validate(kind string) error {
	p.normalize()
	var l errs.List
	tooLong(&l, "title", p.Title, MaxName)
	tooLong(&l, "address_phone", p.AddressPhone, MaxText)
	tooLong(&l, "bank_account", p.BankAccount, MaxText)
	tooLong(&l, "postal_address", p.PostalAddress, MaxText)
	if p.TaxID != "" && !taxIDRE.MatchString(p.TaxID) {
		l.Add("tax_id", "err.client.tax_id")
	}
	if p.FapiaoType != "" && !slices.Contains(FapiaoTypes, p.FapiaoType) {
		l.Add("fapiao_type", "err.invalid")
	}
	if p.EFapiaoEmail != "" && !validEmail(p.EFapiaoEmail) {
		l.Add("efapiao_email", "err.email")
	}
	if len(l) > 0 {
		return l.Err()
	}
	if p.FapiaoType != "" {
		return p.Check(kind, p.FapiaoType)
	}
	return nil
}

// Check reports, field by field, what the profile lacks for a fapiao of the
// given type to a buyer of the given kind: a special fapiao needs all four
// buyer fields (name, tax ID, address and phone, bank and account); a
// general fapiao to an enterprise needs its tax ID (SAT 2017 No.16); to an
// individual, the name only.
func (p BillingProfile) Check(kind, fapiaoType string) error {
	var l errs.List
	switch fapiaoType {
	case FapiaoSpecial:
		if kind == KindIndividual {
			l.Add("fapiao_type", "err.client.special_individual")
			break
		}
		for _, f := range []struct{ field, v string }{{"tax_id", p.TaxID}, {"address_phone", p.AddressPhone}, {"bank_account", p.BankAccount}} {
			if f.v == "" {
				l.Add(f.field, "err.client.fapiao_needs")
			}
		}
	case FapiaoGeneral:
		if kind != KindIndividual && p.TaxID == "" {
			l.Add("tax_id", "err.client.fapiao_needs")
		}
	default:
		l.Add("fapiao_type", "err.invalid")
	}
	return l.Err()
}

// CanEditBilling reports whether the actor may edit an organisation's
// billing profile: staff, and the organisation's own client users (portal).
func CanEditBilling(a access.Actor, orgID int64) bool {
	return CanWrite(a) || (a.IsClient() && CanRead(a, orgID))
}

// UpdateBilling replaces an organisation's billing profile. Audited.
func (s *Service) UpdateBilling(ctx context.Context, a access.Actor, id int64, p BillingProfile) (Org, error) {
	if !CanEditBilling(a, id) {
		return Org{}, errs.Refuse(CanRead(a, id))
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := getOrg(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.MergedInto != 0 {
			return errs.New(errs.Conflict, "err.client.merged")
		}
		if err := p.validate(before.Kind); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE client_orgs SET bill_title = ?, bill_tax_id = ?, bill_address_phone = ?, bill_bank_account = ?, bill_fapiao_type = ?, bill_email = ?, bill_postal_address = ?, updated_at = ? WHERE id = ?`,
			p.Title, p.TaxID, p.AddressPhone, p.BankAccount, p.FapiaoType, p.EFapiaoEmail, p.PostalAddress, store.Ms(now), id); err != nil {
			return fmt.Errorf("update billing profile of client org %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, EntityOrg, id, "update_billing", before.Billing, p)
	})
	if err != nil {
		return Org{}, err
	}
	return s.Get(ctx, a, id)
}
