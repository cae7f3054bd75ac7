package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/approval"
	"jiedai/internal/billing"
	"jiedai/internal/store"
)

// loadBooks gives the first client organisations billing accounts with
// charges of every age, a payment, fapiao in every state (a red-letter
// reversal among them), credits applied and awaiting approval, and audit
// periods: last month signed off and locked, this month open with a finding.
func loadBooks(ctx context.Context, d *loader) error {
	db, b := d.app.DB, d.app.Books
	now := d.app.Clock.Now()
	loc := d.app.Loc
	day := func(days int) string { return now.In(loc).AddDate(0, 0, days).Format(time.DateOnly) }
	rows, err := db.Query(ctx, `SELECT id, name FROM client_orgs WHERE merged_into IS NULL ORDER BY id LIMIT 3`)
	if err != nil {
		return fmt.Errorf("client organisations: %w", err)
	}
	type org struct {
		id   int64
		name string
	}
	var orgs []org
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.id, &o.name); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if len(orgs) < 2 {
		return fmt.Errorf("need two client organisations, have %d", len(orgs))
	}
	accounts := make([]int64, len(orgs))
	for i, o := range orgs {
		// The ledger may have opened the account already (settled bookings).
		err := db.QueryRow(ctx, `SELECT id FROM billing_accounts WHERE kind = 'org' AND org_id = ?`, o.id).Scan(&accounts[i])
		if store.IsNoRows(err) {
			accounts[i], err = store.InsertID(ctx, db, `INSERT INTO billing_accounts (kind, org_id, name, created_at, updated_at) VALUES ('org', ?, ?, ?, ?)`,
				o.id, o.name, store.Ms(now), store.Ms(now))
		}
		if err != nil {
			return fmt.Errorf("account of %s: %w", o.name, err)
		}
	}
	fin, err := d.actor(ctx, "finance")
	if err != nil {
		return err
	}
	office, err := d.actor(ctx, "office")
	if err != nil {
		return err
	}
	client, err := d.actor(ctx, "client")
	if err != nil {
		return err
	}
	aud, err := d.actor(ctx, "audit")
	if err != nil {
		return err
	}
	if _, err := b.SaveProfile(ctx, fin, accounts[0], billing.ProfileInput{FapiaoType: "digital_special", FapiaoEmail: "finance@" + "demo.jiedai.local",
		Buyer: billing.Buyer{Kind: billing.BuyerEnterprise, Name: orgs[0].name, TaxID: "91310115MA1K3YJ2X5",
			AddressPhone: "上海市浦东新区世纪大道100号 021-6888 1234", BankAccount: "招商银行上海陆家嘴支行 1219 0876 5410 001"}}); err != nil {
		return fmt.Errorf("billing profile: %w", err)
	}
	type ch struct {
		acc          int
		source, desc string
		fen          int64
		rate         int
		due          int
	}
	charges := []ch{
		{0, billing.SourceRental, "1201室 本月租金", 1850000, 900, 5},
		{0, billing.SourceManagementFee, "1201室 本月物业管理费", 286000, 600, 5},
		{0, billing.SourceServiceOrder, "商务中心 打印复印", 12800, 600, -12},
		{0, billing.SourceManual, "多功能厅 设备租用", 98000, 600, -40},
		{0, billing.SourceServiceOrder, "会议茶歇（40人）", 320000, 600, -20},
		{0, billing.SourceServiceOrder, "商务中心 翻译服务", 150000, 600, -25},
		{1, billing.SourceManual, "洽谈室 半天", 60000, 600, -70},
		{1, billing.SourceServiceOrder, "快递代寄", 4600, 600, -100},
		{1, billing.SourceServiceOrder, "临时办公室 一周", 280000, 600, 10},
	}
	if len(orgs) > 2 {
		charges = append(charges, ch{2, billing.SourceManual, "会议室 全天", 168000, 600, -3})
	}
	ids := make([]int64, len(charges))
	for i, c := range charges {
		ids[i], err = store.InsertID(ctx, db, `INSERT INTO billing_charges (account_id, source, description, unit_fen, amount_fen, tax_rate_bp, due_on, created_by, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, accounts[c.acc], c.source, c.desc, c.fen, c.fen, c.rate, day(c.due), store.IDOrNil(fin.UserID), store.Ms(now.AddDate(0, 0, min(c.due, 0)-10)), store.Ms(now))
		if err != nil {
			return fmt.Errorf("charge %s: %w", c.desc, err)
		}
	}
	// The tea break and the translation are paid by transfer.
	for _, i := range []int{4, 5} {
		pid, err := store.InsertID(ctx, db, `INSERT INTO billing_payments (account_id, amount_fen, method, reference, note, received_at, received_by, created_by, created_at)
 VALUES (?, ?, 'transfer', ?, '', ?, ?, ?, ?)`, accounts[0], charges[i].fen, fmt.Sprintf("招行流水 2026%04d", 3000+i), store.Ms(now.AddDate(0, 0, -2)), fin.UserID, fin.UserID, store.Ms(now))
		if err != nil {
			return fmt.Errorf("payment: %w", err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO billing_allocations (charge_id, payment_id, amount_fen, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			ids[i], pid, charges[i].fen, fin.UserID, store.Ms(now)); err != nil {
			return fmt.Errorf("allocation: %w", err)
		}
		if _, err := db.Exec(ctx, `UPDATE billing_charges SET status = 'paid' WHERE id = ?`, ids[i]); err != nil {
			return err
		}
	}
	pdf := []byte("%PDF-1.4\n% demo fapiao\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	special := billing.FapiaoInput{AccountID: accounts[0], Type: billing.FapiaoSpecial, Medium: billing.MediumDigital}
	request := func(in billing.FapiaoInput, charge ...int) (billing.Fapiao, error) {
		for _, i := range charge {
			in.ChargeIDs = append(in.ChargeIDs, ids[i])
		}
		fs, err := b.RequestFapiao(ctx, client, in)
		if err != nil {
			return billing.Fapiao{}, fmt.Errorf("fapiao request: %w", err)
		}
		return fs[0], nil
	}
	issue := func(f billing.Fapiao, no string) error {
		_, err := b.IssueFapiao(ctx, fin, f.ID, billing.IssueInput{FapiaoNo: no, IssuedOn: day(-1), NetFen: f.NetFen, TaxFen: f.TaxFen, FileName: "fapiao-" + no + ".pdf", File: pdf})
		return err
	}
	// Delivered: the tea break. Issued, then reversed by a red-letter
	// fapiao and requested again: the translation. Requested: rent and
	// management fee (the property address goes into 备注). Rejected: the
	// printing, to be invoiced with the month's other services.
	tea, err := request(special, 4)
	if err != nil {
		return err
	}
	if err := issue(tea, "26312000000011112222"); err != nil {
		return err
	}
	if _, err := b.DeliverFapiao(ctx, fin, tea.ID); err != nil {
		return err
	}
	tr, err := request(special, 5)
	if err != nil {
		return err
	}
	if err := issue(tr, "26312000000011113333"); err != nil {
		return err
	}
	if _, err := b.ReverseFapiao(ctx, fin, tr.ID, billing.ReverseInput{FapiaoNo: "26312000000011114444", IssuedOn: day(0), Reason: "服务名称应为“笔译服务”", Reissue: true}); err != nil {
		return fmt.Errorf("red letter: %w", err)
	}
	rent := special
	rent.PropertyAddress = "上海市浦东新区世纪大道100号 环球金融中心12层1201室"
	if _, err := request(rent, 0, 1); err != nil {
		return err
	}
	printing, err := request(billing.FapiaoInput{AccountID: accounts[0], Type: billing.FapiaoNormal, Medium: billing.MediumDigital}, 2)
	if err != nil {
		return err
	}
	if _, err := b.RejectFapiao(ctx, fin, printing.ID, "打印费请与本月其他服务合并开票"); err != nil {
		return err
	}
	// Credits: a small one applied at once, a large one waiting for the
	// manager.
	if _, err := b.ProposeCredit(ctx, office, billing.CreditInput{ChargeID: ids[3], AmountFen: 18000, Reason: "投影仪故障半小时，按比例减免"}); err != nil {
		return fmt.Errorf("credit: %w", err)
	}
	if _, err := b.ProposeCredit(ctx, office, billing.CreditInput{ChargeID: ids[8], AmountFen: 140000, Reason: "长期客户，临时办公室半价优惠"}); err != nil {
		return fmt.Errorf("credit: %w", err)
	}
	// Audit periods: last month locked, this month open with a finding.
	last := now.In(loc).AddDate(0, -1, 0).Format("2006-01")
	p, err := b.OpenPeriod(ctx, aud, last)
	if err != nil {
		return fmt.Errorf("audit period: %w", err)
	}
	if _, err := b.SubmitPeriod(ctx, aud, p.ID, "已核对上月收入、付款、冲减、作废收据与红字发票，账实相符，无重大问题。"); err != nil {
		return err
	}
	if _, err := b.SignOff(ctx, aud, p.ID, approval.Approve, "同意签核"); err != nil {
		return err
	}
	cur, err := b.OpenPeriod(ctx, aud, now.In(loc).Format("2006-01"))
	if err != nil {
		return err
	}
	_, err = b.AddFinding(ctx, aud, cur.ID, billing.FindingInput{Severity: "medium", DepartmentID: d.depts["service"],
		Text: "商务中心打印复印费未按收费标准第3版计价，请核对并说明差异。"})
	return err
}
