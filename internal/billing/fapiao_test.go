package billing

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func TestFapiaoLifecycle(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newBooksFixture(t, db)
		b := f.books
		room := f.charge(t, f.account, SourceBooking, "多功能厅 全天", 388800, 600, "2026-03-10")
		rent := f.charge(t, f.account, SourceRental, "1201室 2026年3月租金", 1234567, 900, "2026-03-05")
		tea := f.charge(t, f.account, SourceManual, "茶歇", 33333, 600, "2026-03-10")
		f.pay(t, f.account, room, 388800, f.clk.Now())
		others := f.charge(t, f.otherAccount, SourceBooking, "会议室", 10000, 600, "2026-03-10")

		in := FapiaoInput{AccountID: f.account, Type: FapiaoSpecial, Medium: MediumDigital, ChargeIDs: []int64{room, tea},
			Buyer: Buyer{Kind: BuyerEnterprise, Name: "上海星河科技有限公司", TaxID: "91350100M000100Y43"}}
		// 专票 without address/phone and bank account is refused, nothing written.
		if _, err := b.RequestFapiao(ctx, f.client, in); err == nil {
			t.Fatal("专票 without all four buyer fields accepted")
		} else if field, _ := errKey(err); field != "buyer_address_phone" {
			t.Fatalf("专票: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM billing_fapiao`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("a refused request left %d rows (%v)", n, err)
		}
		// Another organisation's client cannot ask on this account, nor for its charges.
		if _, err := b.RequestFapiao(ctx, f.otherClient, in); err == nil {
			t.Fatal("client of another org requested a fapiao")
		}
		bad := in
		bad.Type, bad.ChargeIDs = FapiaoNormal, []int64{others}
		if _, err := b.RequestFapiao(ctx, f.client, bad); err == nil {
			t.Fatal("a charge of another account was invoiced")
		}
		// Rent needs the property address, which goes into 备注.
		bad.ChargeIDs = []int64{rent}
		if _, err := b.RequestFapiao(ctx, f.client, bad); err == nil {
			t.Fatal("rent without the property address")
		}
		bad.PropertyAddress = "上海市浦东新区世纪大道100号12层1201室"
		fs, err := b.RequestFapiao(ctx, f.client, bad)
		if err != nil {
			t.Fatal(err)
		}
		if fs[0].Remarks != "不动产地址：上海市浦东新区世纪大道100号12层1201室" || fs[0].NetFen != 1132630 || fs[0].TaxFen != 101937 {
			t.Fatalf("rent fapiao %+v", fs[0])
		}

		in.Buyer.AddressPhone, in.Buyer.BankAccount = "上海市浦东新区世纪大道100号 021-12345678", "招商银行上海分行 121234567810001"
		fs, err = b.RequestFapiao(ctx, f.client, in)
		if err != nil {
			t.Fatal(err)
		}
		fp := fs[0]
		if fp.Status != FapiaoRequested || fp.GrossFen != 388800+33333 || fp.NetFen+fp.TaxFen != fp.GrossFen || len(fp.Lines) != 2 || fp.RequestedBy != "" {
			t.Fatalf("request %+v", fp)
		}
		var net, tax int64
		for _, ln := range fp.Lines {
			net, tax = net+ln.NetFen, tax+ln.TaxFen
		}
		if net != fp.NetFen || tax != fp.TaxFen {
			t.Fatalf("lines %d/%d, fapiao %d/%d", net, tax, fp.NetFen, fp.TaxFen)
		}
		// A charge on a live request cannot be asked for again.
		if _, err := b.RequestFapiao(ctx, f.client, in); err == nil {
			t.Fatal("the same charges invoiced twice")
		}
		// The other client does not see it; the own client does.
		if _, err := b.GetFapiao(ctx, f.otherClient, fp.ID); err == nil {
			t.Fatal("another org's client read the fapiao")
		}
		if list, err := b.ListFapiao(ctx, f.otherClient, FapiaoFilter{}); err != nil || len(list) != 0 {
			t.Fatalf("other client's list: %d, %v", len(list), err)
		}
		// Only finance issues; amounts must match; 数电 needs its file.
		if _, err := b.IssueFapiao(ctx, f.client, fp.ID, IssueInput{FapiaoNo: "1", IssuedOn: "2026-03-02"}); err == nil {
			t.Fatal("a client issued a fapiao")
		}
		issue := IssueInput{FapiaoNo: "26312000000012345678", IssuedOn: "2026-03-02", NetFen: fp.NetFen, TaxFen: fp.TaxFen + 1, FileName: "fp.pdf", File: []byte("%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")}
		if _, err := b.IssueFapiao(ctx, f.finance, fp.ID, issue); err == nil {
			t.Fatal("wrong amounts accepted")
		}
		issue.TaxFen = fp.TaxFen
		got, err := b.IssueFapiao(ctx, f.finance, fp.ID, issue)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != FapiaoIssued || got.FapiaoNo != issue.FapiaoNo || got.FileID == 0 {
			t.Fatalf("issued %+v", got)
		}
		if ok, _ := b.CanReadFapiao(ctx, f.client, fp.ID); !ok {
			t.Fatal("the client cannot download their fapiao")
		}
		if ok, _ := b.CanReadFapiao(ctx, f.otherClient, fp.ID); ok {
			t.Fatal("another client can download it")
		}
		// An issued fapiao is never edited: issuing again or rejecting is refused.
		issue.FapiaoNo = "26312000000099999999"
		if _, err := b.IssueFapiao(ctx, f.finance, fp.ID, issue); err == nil {
			t.Fatal("an issued fapiao was re-issued (edited)")
		}
		if _, err := b.RejectFapiao(ctx, f.finance, fp.ID, "wrong"); err == nil {
			t.Fatal("an issued fapiao was rejected")
		}
		if _, err := b.DeliverFapiao(ctx, f.finance, fp.ID); err != nil {
			t.Fatal(err)
		}
		// It is reversed by a red-letter record, and requested again.
		if _, err := b.ReverseFapiao(ctx, f.finance, fp.ID, ReverseInput{FapiaoNo: "26312000000012349999", IssuedOn: "2026-03-03"}); err == nil {
			t.Fatal("a reversal without reason")
		}
		rev, err := b.ReverseFapiao(ctx, f.finance, fp.ID, ReverseInput{FapiaoNo: "26312000000012349999", IssuedOn: "2026-03-03", Reason: "购买方名称有误", Reissue: true})
		if err != nil {
			t.Fatal(err)
		}
		if rev.Status != FapiaoReversed || rev.ReversedByID == 0 || rev.FapiaoNo != "26312000000012345678" {
			t.Fatalf("reversed %+v", rev)
		}
		red, err := b.GetFapiao(ctx, f.finance, rev.ReversedByID)
		if err != nil || !red.Red || red.ReversesID != fp.ID || red.GrossFen != fp.GrossFen || red.Status != FapiaoIssued {
			t.Fatalf("red letter %+v, %v", red, err)
		}
		if _, err := b.ReverseFapiao(ctx, f.finance, fp.ID, ReverseInput{FapiaoNo: "1", IssuedOn: "2026-03-03", Reason: "again"}); err == nil {
			t.Fatal("reversed twice")
		}
		if _, err := b.ReverseFapiao(ctx, f.finance, red.ID, ReverseInput{FapiaoNo: "1", IssuedOn: "2026-03-03", Reason: "again"}); err == nil {
			t.Fatal("a red letter reversed")
		}
		list, err := b.ListFapiao(ctx, f.client, FapiaoFilter{Status: FapiaoRequested})
		if err != nil || len(list) != 2 || list[0].GrossFen != fp.GrossFen { // the rent request and the re-issue
			t.Fatalf("re-issued request: %+v, %v", list, err)
		}
		// The requested re-issue can be rejected with a reason.
		if _, err := b.RejectFapiao(ctx, f.finance, list[0].ID, ""); err == nil {
			t.Fatal("rejected without reason")
		}
		if r, err := b.RejectFapiao(ctx, f.finance, list[0].ID, "请核对开票信息"); err != nil || r.Status != FapiaoRejected {
			t.Fatalf("reject: %+v, %v", r, err)
		}
		var audits int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = ?`, AuditFapiao).Scan(&audits); err != nil || audits < 7 {
			t.Fatalf("audit rows %d, %v", audits, err)
		}
		_ = access.Finance
	})
}

func TestDepositChargeCannotBeInvoiced(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newBooksFixture(t, db)
		list, err := store.InsertID(ctx, db, `INSERT INTO billing_price_lists (version, status, effective_from, created_at) VALUES (1, 'published', '2026-01-01', 0)`)
		if err != nil {
			t.Fatal(err)
		}
		price, err := store.InsertID(ctx, db, `INSERT INTO billing_prices (list_id, section, code, name_zh, percent_bp) VALUES (?, 'deposit', 'dep', '押金', 3000)`, list)
		if err != nil {
			t.Fatal(err)
		}
		dep := f.charge(t, f.account, SourceServiceOrder, "服务押金", 50000, 0, "2026-03-10")
		if _, err := db.Exec(ctx, `UPDATE billing_charges SET price_id = ? WHERE id = ?`, price, dep); err != nil {
			t.Fatal(err)
		}
		_, err = f.books.RequestFapiao(ctx, f.finance, FapiaoInput{AccountID: f.account, Type: FapiaoNormal, Medium: MediumPaper, ChargeIDs: []int64{dep}})
		if field, key := errKey(err); field != "charges" || key != "err.fapiao_deposit" {
			t.Fatalf("deposit invoiced: %v", err)
		}
	})
}
