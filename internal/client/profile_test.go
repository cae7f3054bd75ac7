package client_test

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func TestIndividualsAreNeverMergedByName(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cs, as := newService(t, db)
		staff := mkUser(t, as, "staff", 0, access.Staff)
		office := mkUser(t, as, "office", 0, access.Office)

		a, err := cs.Create(ctx, staff, client.OrgInput{Name: "张伟", Kind: client.KindIndividual, Phone: "13800000001"})
		if err != nil {
			t.Fatalf("create first 张伟: %v", err)
		}
		b, err := cs.Create(ctx, staff, client.OrgInput{Name: "张伟", Kind: client.KindIndividual, Phone: "13800000002"})
		if err != nil {
			t.Fatalf("a second individual with the same name must be accepted: %v", err)
		}
		if a.ID == b.ID || b.Kind != client.KindIndividual {
			t.Fatalf("two individuals: %+v %+v", a, b)
		}
		// A company of that name is not the person either.
		co, err := cs.Create(ctx, staff, client.OrgInput{Name: "张伟"})
		if err != nil || co.Kind != client.KindCompany {
			t.Fatalf("company named like a person: %+v %v", co, err)
		}
		// A second company of that name is refused.
		if _, err := cs.Create(ctx, staff, client.OrgInput{Name: "张伟有限公司"}); errs.As(err).Key != "err.client.duplicate" {
			t.Fatalf("duplicate company: %v", err)
		}
		// Ensure (a guest organisation named on an application) never
		// resolves to an individual: it finds the company.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			id, err := client.Ensure(ctx, tx, cs.Clock.Now(), staff, "张伟")
			if err == nil && id != co.ID {
				t.Errorf("Ensure picked %d, want the company %d", id, co.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Duplicate suggestions do not pair individuals by name.
		pairs, err := cs.Duplicates(ctx, office)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pairs {
			if p.Reason == "name" && (p.A.Kind == client.KindIndividual || p.B.Kind == client.KindIndividual) {
				t.Errorf("individual suggested as a name duplicate: %d/%d", p.A.ID, p.B.ID)
			}
		}
		// An unknown kind is refused, naming the field.
		if _, err := cs.Create(ctx, staff, client.OrgInput{Name: "某某", Kind: "partnership"}); errs.As(err).Field != "kind" {
			t.Fatalf("bad kind: %v", err)
		}
	})
}

func TestBillingProfile(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cs, as := newService(t, db)
		staff := mkUser(t, as, "staff", 0, access.Staff)
		org, err := cs.Create(ctx, staff, client.OrgInput{Name: "北京华信科技有限公司"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := cs.Create(ctx, staff, client.OrgInput{Name: "上海东方航运集团"})
		if err != nil {
			t.Fatal(err)
		}
		own := mkUser(t, as, "own", org.ID, access.Client)
		foreign := mkUser(t, as, "foreign", other.ID, access.Client)

		// A special fapiao by default needs all four buyer fields.
		_, err = cs.UpdateBilling(ctx, staff, org.ID, client.BillingProfile{FapiaoType: client.FapiaoSpecial, TaxID: "91110108mA01abcd2x"})
		var fields []string
		if l, ok := errs.As(err).Extra.([]*errs.Error); ok {
			for _, x := range l {
				fields = append(fields, x.Field)
			}
		}
		if len(fields) != 2 || fields[0] != "address_phone" || fields[1] != "bank_account" {
			t.Fatalf("special fapiao without address and bank: fields %v (%v)", fields, err)
		}
		// A malformed tax ID and e-mail are refused and nothing is written.
		_, err = cs.UpdateBilling(ctx, staff, org.ID, client.BillingProfile{TaxID: "12-34", EFapiaoEmail: "no mail"})
		if err == nil {
			t.Fatal("bad tax id accepted")
		}
		// The organisation's client user may keep its profile; another's may not.
		p := client.BillingProfile{Title: "北京华信科技有限公司", TaxID: " 91110108ma01abcd2x ", AddressPhone: "北京市海淀区中关村大街1号 010-88886666",
			BankAccount: "招商银行北京分行 1109 0000 0000 0001", FapiaoType: client.FapiaoSpecial, EFapiaoEmail: "ap@huaxin.example", PostalAddress: "北京市海淀区中关村大街1号 财务部"}
		got, err := cs.UpdateBilling(ctx, own, org.ID, p)
		if err != nil {
			t.Fatalf("client user keeps own billing profile: %v", err)
		}
		if got.Billing.TaxID != "91110108MA01ABCD2X" || got.Billing.FapiaoType != client.FapiaoSpecial || got.BuyerName() != "北京华信科技有限公司" {
			t.Fatalf("saved profile: %+v", got.Billing)
		}
		if _, err := cs.UpdateBilling(ctx, foreign, org.ID, p); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("another org's client user: %v", err)
		}
		re, err := cs.Get(ctx, staff, org.ID)
		if err != nil || re.Billing != got.Billing {
			t.Fatalf("re-read: %+v %v", re.Billing, err)
		}
		// Check: an individual gets a general fapiao on the name alone, never a special one.
		if err := (client.BillingProfile{}).Check(client.KindIndividual, client.FapiaoGeneral); err != nil {
			t.Fatalf("individual general fapiao: %v", err)
		}
		if err := (client.BillingProfile{}).Check(client.KindCompany, client.FapiaoGeneral); errs.As(err).Field != "tax_id" {
			t.Fatalf("company general fapiao without tax id: %v", err)
		}
		if err := got.Billing.Check(client.KindIndividual, client.FapiaoSpecial); err == nil {
			t.Fatal("special fapiao to an individual accepted")
		}
		// Merging fills an empty profile from the duplicate.
		dup, err := cs.Create(ctx, staff, client.OrgInput{Name: "华信(北京)"})
		if err != nil {
			t.Fatal(err)
		}
		office := mkUser(t, as, "office", 0, access.Office)
		if _, err := cs.UpdateBilling(ctx, staff, dup.ID, client.BillingProfile{TaxID: "91310000MA1FL0000X"}); err != nil {
			t.Fatal(err)
		}
		kept, err := cs.Merge(ctx, office, other.ID, dup.ID)
		if err != nil || kept.Billing.TaxID != "91310000MA1FL0000X" {
			t.Fatalf("merge billing: %+v %v", kept.Billing, err)
		}
	})
}
