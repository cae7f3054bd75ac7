package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/billing"
	"jiedai/internal/clock"
	"jiedai/internal/store"
)

// demoPrices is the business centre's general price list (BIL-01).
func demoPrices() []billing.PriceInput {
	p := func(section, code, zh, hant, en, unit string, fen int64, tax int, client bool) billing.PriceInput {
		return billing.PriceInput{Section: section, Code: code, NameZh: zh, NameHant: hant, NameEn: en, Unit: unit, UnitFen: fen, TaxRateBP: tax, ClientBookable: client, FapiaoItem: zh}
	}
	out := []billing.PriceInput{
		p(billing.SectionBizCentre, "print_bw", "A4 黑白打印", "A4 黑白打印", "A4 black-and-white print", "page", 100, 600, true),
		p(billing.SectionBizCentre, "print_color", "A4 彩色打印", "A4 彩色打印", "A4 colour print", "page", 300, 600, true),
		p(billing.SectionBizCentre, "copy", "复印", "複印", "Photocopy", "page", 50, 600, true),
		p(billing.SectionBizCentre, "fax", "传真（国内）", "傳真（國內）", "Fax (domestic)", "page", 500, 600, true),
		p(billing.SectionBizCentre, "temp_office", "临时办公室", "臨時辦公室", "Temporary office", "day", 60000, 600, true),
		p(billing.SectionKeys, "key_cut", "配钥匙", "配鑰匙", "Key cutting", "key", 3000, 600, true),
		p(billing.SectionKeys, "lost_key", "遗失钥匙赔偿", "遺失鑰匙賠償", "Lost key compensation", "key", 20000, 0, true),
		p(billing.SectionDamage, "door_lock", "门锁损坏", "門鎖損壞", "Damaged door lock", "item", 50000, 0, false),
		p(billing.SectionDamage, "carpet", "地毯污损", "地毯污損", "Stained carpet", "sqm_month", 8000, 0, false),
		p(billing.SectionManagement, "mgmt_fee", "物业管理费", "物業管理費", "Management fee", "sqm_month", 1500, 600, true),
		p(billing.SectionParking, "parking_month", "地下车位月租", "地下車位月租", "Underground parking, monthly", "month", 80000, 900, true),
		p(billing.SectionPhone, "phone_line", "电话线路月租", "電話線路月租", "Phone line, monthly", "month", 10000, 900, true),
		p(billing.SectionDeposit, "dep_temp_office", "临时办公室押金", "臨時辦公室押金", "Temporary office deposit", "item", 200000, 0, true),
		p(billing.SectionDeposit, "dep_equipment", "设备租用押金", "設備租用押金", "Equipment rental deposit", "percent", 0, 0, true),
	}
	out[len(out)-1].PercentBP = 3000
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

// loadBilling publishes the price list (a version in force and its
// successor announced), and plays a few months of ledger work: tenants'
// monthly fees, part payments, a payment entered wrongly and reversed, a
// voided receipt, a reprint, and deposits held, applied and refunded.
func loadBilling(ctx context.Context, d *loader) error {
	loc := d.app.Loc
	clk := clock.NewFake(d.now.AddDate(0, 0, -45))
	svc := billing.New(d.app.DB, clk, loc)
	fin, err := d.actor(ctx, "finance")
	if err != nil {
		return err
	}
	day := func(t time.Time) string { return t.In(loc).Format("2006-01-02") }
	publish := func(title string, from time.Time, change func(*billing.PriceInput)) (billing.PriceList, error) {
		l, err := svc.CreateDraft(ctx, fin, billing.ListInput{Title: title, EffectiveFrom: day(from), Notes: "依据会场对客管理制度六(一)制定，经财务部审核后公示。"})
		if err != nil {
			return l, err
		}
		for _, p := range demoPrices() {
			if change != nil {
				change(&p)
			}
			if l, err = svc.SavePrice(ctx, fin, l.ID, p); err != nil {
				return l, err
			}
		}
		return svc.Publish(ctx, fin, l.ID)
	}
	v1, err := publish("商务中心收费标准", clk.Now(), nil)
	if err != nil {
		return fmt.Errorf("price list: %w", err)
	}
	price := map[string]int64{}
	for _, p := range v1.Prices {
		price[p.Code] = p.ID
	}
	var orgs []int64
	rows, err := d.app.DB.Query(ctx, `SELECT id FROM client_orgs WHERE merged_into IS NULL ORDER BY id LIMIT 3`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, id)
	}
	rows.Close()
	if len(orgs) < 3 {
		return fmt.Errorf("demo billing needs three client organisations")
	}
	acct := map[int64]int64{}
	for _, o := range orgs {
		var id int64
		err := d.app.DB.InTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = billing.AccountFor(ctx, tx, clk.Now(), billing.Party{OrgID: o})
			return err
		})
		if err != nil {
			return err
		}
		acct[o] = id
	}
	tenant, other, third := acct[orgs[0]], acct[orgs[1]], acct[orgs[2]]
	if _, err := svc.UpdateAccount(ctx, fin, tenant, billing.AccountInput{ContactName: "赵磊", Phone: "021-6288 1000", PostalAddress: "上海市静安区南京西路 1266 号 2305 室",
		FapiaoType: "digital_special", BuyerName: "", BuyerTaxID: "91310106MA1FY2XK3L", BuyerAddressPhone: "上海市静安区南京西路 1266 号 021-6288 1000", BuyerBankAccount: "招商银行上海分行 1219 0912 3410 801", FapiaoEmail: "finance@demo.jiedai.local"}); err != nil {
		return err
	}
	charge := func(acc int64, code string, qty int64, period, due string) (billing.Charge, error) {
		return svc.ChargeFromPrice(ctx, fin, billing.PriceChargeInput{AccountID: acc, PriceID: price[code], QtyMilli: qty, Period: period, DueOn: due})
	}
	pay := func(acc int64, fen int64, method, ref string, shares ...billing.Share) (billing.Payment, error) {
		return svc.RecordPayment(ctx, fin, billing.PaymentInput{AccountID: acc, AmountFen: fen, Method: method, Reference: ref, Shares: shares, Receipt: true})
	}
	// Two months of the tenant's fees: 186.5 m² of management fee, a parking space and a phone line.
	for m := 0; m < 2; m++ {
		clk.Set(d.now.AddDate(0, m-1, -10))
		period := clk.Now().In(loc).Format("2006-01")
		due := clk.Now().In(loc).AddDate(0, 0, 15).Format("2006-01-02")
		mgmt, err := charge(tenant, "mgmt_fee", 186500, period, due)
		if err != nil {
			return fmt.Errorf("management fee: %w", err)
		}
		park, err := charge(tenant, "parking_month", 1000, period, due)
		if err != nil {
			return err
		}
		phone, err := charge(tenant, "phone_line", 2000, period, due)
		if err != nil {
			return err
		}
		clk.Advance(5 * 24 * time.Hour)
		if m == 0 {
			// Paid in full by transfer.
			if _, err := pay(tenant, mgmt.AmountFen+park.AmountFen+phone.AmountFen, "transfer", "CMB20260"+period[5:]+"118",
				billing.Share{ChargeID: mgmt.ID, AmountFen: mgmt.AmountFen}, billing.Share{ChargeID: park.ID, AmountFen: park.AmountFen}, billing.Share{ChargeID: phone.ID, AmountFen: phone.AmountFen}); err != nil {
				return err
			}
			continue
		}
		// This month: entered with the wrong amount, reversed, entered again as a part payment.
		wrong, err := pay(tenant, 30000, "cheque", "00451287", billing.Share{ChargeID: park.ID, AmountFen: 30000})
		if err != nil {
			return err
		}
		clk.Advance(time.Hour)
		if _, err := svc.ReversePayment(ctx, fin, wrong.ID, "支票金额录错，应为 ¥800.00"); err != nil {
			return err
		}
		if _, err := pay(tenant, 80000, "cheque", "00451287", billing.Share{ChargeID: park.ID, AmountFen: 80000}); err != nil {
			return err
		}
		p, err := pay(tenant, 200000, "transfer", "CMB202603220045", billing.Share{ChargeID: mgmt.ID, AmountFen: 200000})
		if err != nil {
			return err
		}
		if _, err := svc.PrintReceipt(ctx, fin, p.ReceiptID); err != nil {
			return err
		}
		if _, err := svc.PrintReceipt(ctx, fin, p.ReceiptID); err != nil {
			return err
		}
	}
	// Another client: keys cut and a lost key, paid in cash; the receipt
	// made out to the wrong payer is voided and issued again.
	clk.Set(d.now.AddDate(0, 0, -12))
	keys, err := charge(other, "key_cut", 3000, "", day(clk.Now()))
	if err != nil {
		return err
	}
	lost, err := charge(other, "lost_key", 1000, "", day(clk.Now()))
	if err != nil {
		return err
	}
	p, err := pay(other, keys.AmountFen+lost.AmountFen, "cash", "", billing.Share{ChargeID: keys.ID, AmountFen: keys.AmountFen}, billing.Share{ChargeID: lost.ID, AmountFen: lost.AmountFen})
	if err != nil {
		return err
	}
	if _, err := svc.VoidReceipt(ctx, fin, p.ReceiptID, "交款单位写错，重开"); err != nil {
		return err
	}
	if _, err := svc.IssueReceipt(ctx, fin, p.ID); err != nil {
		return err
	}
	// A temporary office: deposit taken, the rent applied from it at
	// settlement and the rest refunded; another deposit still held.
	clk.Set(d.now.AddDate(0, 0, -8))
	dep, err := svc.TakeDeposit(ctx, fin, billing.DepositInput{AccountID: third, Purpose: billing.PurposeRental, Description: "临时办公室 B-3 三天", PriceID: price["dep_temp_office"], AmountFen: 200000, Method: "card", Reference: "6228"})
	if err != nil {
		return err
	}
	clk.Advance(3 * 24 * time.Hour)
	rent, err := charge(third, "temp_office", 3000, "", day(clk.Now()))
	if err != nil {
		return err
	}
	if _, err := svc.ApplyDeposit(ctx, fin, dep.ID, billing.Share{ChargeID: rent.ID, AmountFen: rent.AmountFen}); err != nil {
		return err
	}
	if _, err := svc.RefundDeposit(ctx, fin, dep.ID, billing.RefundInput{AmountFen: dep.AmountFen - rent.AmountFen, Method: "card", Reference: "6228", Note: "退还押金余额"}); err != nil {
		return err
	}
	clk.Set(d.now.AddDate(0, 0, -2))
	if _, err := svc.TakeDeposit(ctx, fin, billing.DepositInput{AccountID: tenant, Purpose: billing.PurposeKey, Description: "大门门禁卡 2 张", AmountFen: 20000, Method: "cash"}); err != nil {
		return err
	}
	if _, err := charge(third, "print_color", 120000, "", day(clk.Now())); err != nil {
		return err
	}
	// The next version is announced: key cutting goes up from next month.
	clk.Set(d.now)
	next := time.Date(d.now.In(loc).Year(), d.now.In(loc).Month()+1, 1, 0, 0, 0, 0, loc)
	if _, err := publish("商务中心收费标准（调整）", next, func(p *billing.PriceInput) {
		if p.Code == "key_cut" {
			p.UnitFen = 3500
		}
	}); err != nil {
		return fmt.Errorf("next price list: %w", err)
	}
	return nil
}
