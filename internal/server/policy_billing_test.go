package server_test

import (
	"context"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/billing"
	"jiedai/internal/store"
)

// The policy rows of billing (internal/billing: billing.go's Can* and
// canReadAccount): finance keeps the ledger; office records payments and
// booking deposits for venue bookings; audit and executives read it; the
// client user of the account's organisation (clientA) reads its own
// account, payments, deposits, receipts and statements.
var (
	blReaders = roles(access.Finance, access.Office, access.Audit, access.Executive)
	blOwn     = blReaders.plus(clientA)
	blKeep    = roles(access.Finance)
	blRecord  = roles(access.Finance, access.Office)
)

// blActor is the demo finance user, who makes the fixtures.
func (e *authzEnv) blActor() access.Actor {
	u, err := e.app.Auth.GetByUsername(context.Background(), "finance")
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Actor("127.0.0.1")
}

// blCharge is a venue-booking charge on orgA's account.
func (e *authzEnv) blCharge() billing.Charge {
	id := e.once("bl-charge", func() int64 {
		e.orgs()
		var c billing.Charge
		err := e.app.DB.InTx(context.Background(), func(tx *store.Tx) error {
			var err error
			c, err = billing.PostCharge(context.Background(), tx, e.app.Clock.Now(), e.blActor(), billing.ChargeInput{Party: billing.Party{OrgID: orgA},
				Source: billing.SourceBooking, SourceID: 990001, Description: "年会 · 多功能厅", AmountFen: 5_000_000, DueOn: e.app.Clock.Now().In(e.app.Loc).Format(time.DateOnly)})
			return err
		})
		if err != nil {
			e.t.Fatal(err)
		}
		return c.ID
	})
	c, err := e.app.Billing.Charge(context.Background(), e.blActor(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// blPayment is a receipted part payment on the booking charge.
func (e *authzEnv) blPayment() billing.Payment {
	id := e.once("bl-payment", func() int64 {
		c := e.blCharge()
		p, err := e.app.Billing.RecordPayment(context.Background(), e.blActor(), billing.PaymentInput{AccountID: c.AccountID, AmountFen: 10000, Method: "cash",
			Shares: []billing.Share{{ChargeID: c.ID, AmountFen: 10000}}, Receipt: true})
		if err != nil {
			e.t.Fatal(err)
		}
		return p.ID
	})
	p, err := e.app.Billing.Payment(context.Background(), e.blActor(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// blReceipt is a receipt of orgA's account (its own, not the payment's, so
// that reversing the payment does not void it under the rows).
func (e *authzEnv) blReceipt() int64 {
	return e.once("bl-receipt", func() int64 {
		d := e.blDeposit()
		return d.ReceiptID
	})
}

// blDeposit is a rental deposit held on orgA's account.
func (e *authzEnv) blDeposit() billing.Deposit {
	id := e.once("bl-deposit", func() int64 {
		c := e.blCharge()
		d, err := e.app.Billing.TakeDeposit(context.Background(), e.blActor(), billing.DepositInput{AccountID: c.AccountID, Purpose: billing.PurposeRental,
			Description: "临时办公室", AmountFen: 500000, Method: "cash"})
		if err != nil {
			e.t.Fatal(err)
		}
		return d.ID
	})
	d, err := e.app.Billing.Deposit(context.Background(), e.blActor(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// blDraft is a draft version of the price list (one at a time).
func (e *authzEnv) blDraft() int64 {
	return e.once("bl-draft", func() int64 {
		var id int64
		if err := e.app.DB.QueryRow(context.Background(), `SELECT id FROM billing_price_lists WHERE status = 'draft'`).Scan(&id); err == nil {
			return id
		}
		l, err := e.app.Billing.CreateDraft(context.Background(), e.blActor(), billing.ListInput{Title: "草稿", EffectiveFrom: "2027-01-01"})
		if err != nil {
			e.t.Fatal(err)
		}
		return l.ID
	})
}

func onID(get func(e *authzEnv) int64, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		return call{path: fillParams(p, map[string]string{"id": idStr(get(e))}), body: body}
	}
}

func blAccountID(e *authzEnv) int64 { return e.blCharge().AccountID }
func blPaymentID(e *authzEnv) int64 { return e.blPayment().ID }
func blDepositID(e *authzEnv) int64 { return e.blDeposit().ID }

func billingPolicy() []rule {
	return []rule{
		{route: "GET /billing", allow: blReaders, make: plain("")},
		{route: "POST /billing/accounts", allow: blKeep, make: plain("kind=individual&name=李女士")},
		{route: "GET /billing/accounts/{id}", allow: blOwn, make: onID(blAccountID, "")},
		{route: "POST /billing/accounts/{id}", allow: blKeep, make: onID(blAccountID, "contact_name=赵磊")},
		{route: "POST /billing/accounts/{id}/payments", allow: blRecord, make: func(e *authzEnv, _ *subject, p string) call {
			c := e.blCharge()
			return call{path: fillParams(p, map[string]string{"id": idStr(c.AccountID)}), body: "amount=1&method=cash&share_" + idStr(c.ID) + "=1"}
		}},
		{route: "POST /billing/accounts/{id}/deposits", allow: blRecord, make: onID(blAccountID, "purpose=booking&amount=100&method=cash")},
		{route: "POST /billing/accounts/{id}/charges", allow: blKeep, make: onID(blAccountID, "price_id=0&qty=1")},
		{route: "GET /billing/accounts/{id}/statement", allow: blOwn, make: onID(blAccountID, "")},
		{route: "GET /billing/payments/{id}", allow: blOwn, make: onID(blPaymentID, "")},
		{route: "POST /billing/payments/{id}/receipt", allow: blRecord, make: onID(blPaymentID, "")},
		{route: "POST /billing/payments/{id}/allocate", allow: blKeep, make: onID(blPaymentID, "amount=1&charge_id=0")},
		{route: "POST /billing/payments/{id}/reverse", allow: blRecord, make: onID(blPaymentID, "reason=录错")},
		{route: "GET /billing/deposits/{id}", allow: blOwn, make: onID(blDepositID, "")},
		{route: "POST /billing/deposits/{id}/apply", allow: blKeep, make: onID(blDepositID, "amount=1&charge_id=0")},
		{route: "POST /billing/deposits/{id}/refund", allow: blKeep, make: onID(blDepositID, "amount=1&method=cash")},
		{route: "GET /billing/receipts/{id}", allow: blOwn, make: onID((*authzEnv).blReceipt, "")},
		{route: "POST /billing/receipts/{id}/print", allow: blRecord, make: onID((*authzEnv).blReceipt, "")},
		{route: "GET /billing/receipts/{id}/print", allow: blRecord, make: onID((*authzEnv).blReceipt, "")},
		{route: "POST /billing/receipts/{id}/void", allow: blKeep, make: onID((*authzEnv).blReceipt, "reason=开错")},
		{route: "GET /billing/prices", allow: signedIn(), make: plain("")},
		{route: "POST /billing/prices", allow: blRecord, make: plain("title=x&effective_from=2000-01-01")},
		{route: "GET /billing/prices/{id}", allow: blRecord.plus(access.Audit, access.Executive), make: onID((*authzEnv).blDraft, "")},
		{route: "POST /billing/prices/{id}/prices", allow: blRecord, make: onID((*authzEnv).blDraft, "section=keys&code=key_cut&name_zh=配钥匙&unit=key&unit_price=30")},
		{route: "POST /billing/prices/{id}/prices/{code}/delete", allow: blRecord, make: func(e *authzEnv, s *subject, p string) call {
			// Each caller deletes an item of its own, added by finance.
			code := "x-" + strings.ReplaceAll(s.name, "_", "-")
			if _, err := e.app.Billing.SavePrice(context.Background(), e.blActor(), e.blDraft(), billing.PriceInput{Section: billing.SectionKeys, Code: code, NameZh: "配钥匙", Unit: "key", UnitFen: 3000}); err != nil {
				e.t.Fatal(err)
			}
			return call{path: fillParams(p, map[string]string{"id": idStr(e.blDraft()), "code": code})}
		}},
		{route: "POST /billing/prices/{id}/publish", allow: blRecord, make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.blDraft())})}
		}},
		{route: "GET /billing/settings", allow: roles(access.Admin), make: plain("")},
		{route: "POST /billing/settings", allow: roles(access.Admin), make: plain("methods=cash&methods=transfer&notice=本收据不作报销凭证")},
		{route: "GET /billing/queue", allow: blRecord, make: plain("")},
		{route: "GET /billing/receivables", allow: blReaders, make: plain("")},
		{route: "GET /billing/receivables.xlsx", allow: blReaders, make: plain("")},
	}
}
