package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/billing"
	"jiedai/internal/store"
)

// The policy rows of the finance books (internal/billing: books.go,
// fapiao.go, credit.go, period.go, portal.go): the books' readers are
// finance, office, audit and executives; finance keeps fapiao, finance and
// office propose credits, audit runs periods; a client user reads and asks
// on their own organisation's account only.

// bfReaders read every account's books (billing.CanReadBooks).
var bfReaders = roles(access.Finance, access.Office, access.Audit, access.Executive)

// bfAccount is the billing account of orgA (or orgB), with a profile.
func (e *authzEnv) bfAccount(org int64) int64 {
	return e.once(fmt.Sprintf("bf-account-%d", org), func() int64 {
		e.orgs()
		now := store.Ms(e.app.Clock.Now())
		// Another area's fixture (a booking's settlement) may have opened it.
		var id int64
		if err := e.app.DB.QueryRow(context.Background(), `SELECT id FROM billing_accounts WHERE org_id = ?`, org).Scan(&id); err == nil {
			e.exec(`UPDATE billing_accounts SET buyer_name = name, buyer_tax_id = '91350100M000100Y43', fapiao_email = 'fin@example.com' WHERE id = ?`, id)
			return id
		}
		return e.exec(`INSERT INTO billing_accounts (kind, org_id, name, buyer_name, buyer_tax_id, fapiao_email, created_at, updated_at)
 VALUES ('org', ?, ?, ?, '91350100M000100Y43', 'fin@example.com', ?, ?)`, org, fmt.Sprintf("授权测试单位%d", org), fmt.Sprintf("授权测试单位%d", org), now, now)
	})
}

// bfCharge is a new open charge of orgA's account.
func (e *authzEnv) bfCharge() int64 {
	e.shared["bf-charge"]++
	now := store.Ms(e.app.Clock.Now())
	return e.exec(`INSERT INTO billing_charges (account_id, source, description, unit_fen, amount_fen, tax_rate_bp, due_on, created_at, updated_at)
 VALUES (?, 'manual', ?, 10600, 10600, 600, '2026-03-20', ?, ?)`, e.bfAccount(orgA), fmt.Sprintf("授权测试费用%d", e.shared["bf-charge"]), now, now)
}

// bfFapiao is a paper fapiao request of orgA, issued when asked; a new one
// for every call when fresh.
func (e *authzEnv) bfFapiao(issued, fresh bool) int64 {
	make := func() int64 {
		ctx := context.Background()
		fs, err := e.app.Books.RequestFapiao(ctx, e.by[access.Finance].actor, billing.FapiaoInput{AccountID: e.bfAccount(orgA), Type: billing.FapiaoNormal,
			Medium: billing.MediumPaper, ChargeIDs: []int64{e.bfCharge()}})
		if err != nil {
			e.t.Fatalf("fixture fapiao: %v", err)
		}
		f := fs[0]
		if issued {
			if _, err := e.app.Books.IssueFapiao(ctx, e.by[access.Finance].actor, f.ID, billing.IssueInput{FapiaoNo: "12345678", IssuedOn: "2026-03-02", NetFen: f.NetFen, TaxFen: f.TaxFen}); err != nil {
				e.t.Fatalf("fixture issue: %v", err)
			}
		}
		return f.ID
	}
	if fresh {
		return make()
	}
	return e.once(fmt.Sprintf("bf-fapiao-%v", issued), make)
}

// bfCredit is a new credit of orgA's charge above the threshold, waiting
// for the manager step (finance proposes; finance's department head is
// finance itself, so the step falls to the manager role).
func (e *authzEnv) bfCredit() int64 {
	k, err := e.app.Books.ProposeCredit(context.Background(), e.by[access.Finance].actor, billing.CreditInput{ChargeID: e.bfBigCharge(), AmountFen: 200000, Reason: "授权测试"})
	if err != nil {
		e.t.Fatalf("fixture credit: %v", err)
	}
	return k.ID
}

func (e *authzEnv) bfBigCharge() int64 {
	now := store.Ms(e.app.Clock.Now())
	return e.exec(`INSERT INTO billing_charges (account_id, source, description, unit_fen, amount_fen, tax_rate_bp, due_on, created_at, updated_at)
 VALUES (?, 'manual', '授权测试大额费用', 500000, 500000, 600, '2026-03-20', ?, ?)`, e.bfAccount(orgA), now, now)
}

// bfPeriod is an audit period (a month of its own) in the status: open,
// or review (submitted for sign-off); a new one for every call when fresh.
func (e *authzEnv) bfPeriod(status string, fresh bool) int64 {
	make := func() int64 {
		ctx := context.Background()
		aud := e.by[access.Audit].actor
		n := e.shared["bf-period"]
		e.shared["bf-period"]++
		p, err := e.app.Books.OpenPeriod(ctx, aud, fmt.Sprintf("%d-%02d", 2031+n/12, n%12+1))
		if err != nil {
			e.t.Fatalf("fixture period: %v", err)
		}
		if status == billing.PeriodReview {
			if _, err := e.app.Books.SubmitPeriod(ctx, aud, p.ID, "授权测试"); err != nil {
				e.t.Fatalf("fixture submit: %v", err)
			}
		}
		return p.ID
	}
	if fresh {
		return make()
	}
	return e.once("bf-period-"+status, make)
}

// bfOn fills {id} (and {action}) from a fixture maker.
func bfOn(id func(e *authzEnv) int64, action, body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		return call{path: fillParams(p, map[string]string{"id": idStr(id(e)), "action": action}), body: body}
	}
}

// bfWithAccount puts orgA's account in the body ({account}) or the query.
func bfWithAccount(query bool, body func(e *authzEnv) string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		e.bfAccount(orgB) // orgB's client has an account of their own
		acc := idStr(e.bfAccount(orgA))
		if query {
			p += "?account=" + acc
		}
		return call{path: fillParams(p, map[string]string{"id": acc}), body: strings.ReplaceAll(body(e), "{account}", acc)}
	}
}

func bfBody(s string) func(*authzEnv) string { return func(*authzEnv) string { return s } }

// bfRequestForm / JSON ask for a fapiao for a new charge of orgA.
func bfRequestForm(e *authzEnv) string {
	return url.Values{"type": {"normal"}, "medium": {"paper"}, "buyer_kind": {"enterprise"}, "buyer_name": {"授权测试单位"},
		"buyer_tax_id": {"91350100M000100Y43"}, "charge": {idStr(e.bfCharge())}}.Encode()
}

func bfRequestJSON(e *authzEnv) string {
	return fmt.Sprintf(`{"account_id":{account},"type":"normal","medium":"paper","charge_ids":[%d]}`, e.bfCharge())
}

func billingFapiaoPolicy() []rule {
	keep := roles(access.Finance)
	credit := roles(access.Finance, access.Office)
	audit := roles(access.Audit)
	requested := func(e *authzEnv) int64 { return e.bfFapiao(false, true) }
	issued := func(e *authzEnv) int64 { return e.bfFapiao(true, true) }
	shared := func(e *authzEnv) int64 { return e.bfFapiao(false, false) }
	open := func(e *authzEnv) int64 { return e.bfPeriod(billing.PeriodOpen, false) }
	review := func(e *authzEnv) int64 { return e.bfPeriod(billing.PeriodReview, true) }
	account := func(e *authzEnv) int64 { return e.bfAccount(orgA) }
	const issueForm = "fapiao_no=87654321&issued_on=2026-03-02&net=100.00&tax=6.00"
	const issueJSON = `{"fapiao_no":"87654321","issued_on":"2026-03-02","net_fen":10000,"tax_fen":600}`
	const reverseForm = "red_no=87650000&red_on=2026-03-03&red_reason=%E5%BC%80%E7%A5%A8%E6%9C%89%E8%AF%AF"
	const reverseJSON = `{"fapiao_no":"87650000","issued_on":"2026-03-03","reason":"开票有误"}`
	approve := fmt.Sprintf(`{"decision":%q}`, approval.Approve)
	return []rule{
		// --- pages ---
		{route: "GET /billing/fapiao", allow: bfReaders},
		{route: "GET /billing/fapiao/new", allow: credit, make: bfWithAccount(true, bfBody(""))},
		{route: "POST /billing/fapiao/new", allow: credit, make: bfWithAccount(true, bfRequestForm)},
		{route: "GET /billing/fapiao/{id}", allow: bfReaders.plus(clientA), make: bfOn(shared, "", "")},
		{route: "POST /billing/fapiao/{id}/{action}", variant: "issue", allow: keep, make: bfOn(requested, "issue", issueForm)},
		{route: "POST /billing/fapiao/{id}/{action}", variant: "deliver", allow: keep, make: bfOn(issued, "deliver", "")},
		{route: "POST /billing/fapiao/{id}/{action}", variant: "reject", allow: keep, make: bfOn(requested, "reject", "reason=%E8%AF%B7%E6%A0%B8%E5%AF%B9")},
		{route: "POST /billing/fapiao/{id}/{action}", variant: "reverse", allow: keep, make: bfOn(issued, "reverse", reverseForm)},
		{route: "GET /billing/credits", allow: bfReaders},
		{route: "POST /billing/credits", allow: credit, make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: p, body: url.Values{"charge_id": {idStr(e.bfCharge())}, "amount": {"1.00"}, "reason": {"授权测试"}}.Encode()}
		}},
		{route: "POST /billing/credits/{id}/decide", allow: roles(access.Manager), make: bfOn((*authzEnv).bfCredit, "", "decision=approve")},
		{route: "GET /billing/ageing", allow: bfReaders},
		{route: "GET /billing/ageing.xlsx", allow: bfReaders},
		{route: "GET /billing/receivables/{id}", allow: bfReaders, make: bfOn(account, "", "")},
		{route: "GET /billing/reports", allow: bfReaders},
		{route: "GET /billing/reports.xlsx", allow: bfReaders},
		{route: "GET /billing/periods", allow: bfReaders},
		{route: "POST /billing/periods", allow: audit, make: plain("period=bad")},
		{route: "GET /billing/periods/{id}", allow: bfReaders, make: bfOn(open, "", "")},
		{route: "GET /billing/periods/{id}/print", allow: bfReaders, make: bfOn(open, "", "")},
		{route: "POST /billing/periods/{id}/{action}", variant: "findings", allow: audit, make: bfOn(open, "findings", "severity=low&text=")},
		{route: "POST /billing/periods/{id}/{action}", variant: "submit", allow: audit, make: bfOn(open, "submit", "summary=")},
		{route: "POST /billing/periods/{id}/{action}", variant: "signoff", allow: audit, make: bfOn(review, "signoff", "decision=reject&comment=%E8%A1%A5%E5%85%85")},
		{route: "GET /portal/billing", allow: only(clientA, clientB), make: bfWithAccount(false, bfBody(""))},
		{route: "GET /portal/billing/fapiao/new", allow: only(clientA, clientB), make: bfWithAccount(false, bfBody(""))},
		{route: "POST /portal/billing/fapiao/new", allow: only(clientA, clientB), make: bfWithAccount(false, bfRequestForm)}, // orgB's client: its own account, the charge refused (422)
		{route: "GET /portal/billing/profile", allow: only(clientA, clientB), make: bfWithAccount(false, bfBody(""))},
		{route: "POST /portal/billing/profile", allow: only(clientA, clientB), make: bfWithAccount(false, bfBody("fapiao_type=normal&buyer_kind=enterprise&buyer_name="))},

		// --- API ---
		{route: "GET /api/v1/billing/fapiao", allow: bfReaders.plus(clientA, clientB)}, // a client user lists their own organisation's
		{route: "POST /api/v1/billing/fapiao", allow: credit.plus(clientA), make: bfWithAccount(false, bfRequestJSON)},
		{route: "GET /api/v1/billing/fapiao/{id}", allow: bfReaders.plus(clientA), make: bfOn(shared, "", "")},
		{route: "POST /api/v1/billing/fapiao/{id}/issue", allow: keep, make: bfOn(requested, "", issueJSON)},
		{route: "POST /api/v1/billing/fapiao/{id}/deliver", allow: keep, make: bfOn(issued, "", `{}`)},
		{route: "POST /api/v1/billing/fapiao/{id}/reject", allow: keep, make: bfOn(requested, "", `{"reason":"请核对"}`)},
		{route: "POST /api/v1/billing/fapiao/{id}/reverse", allow: keep, make: bfOn(issued, "", reverseJSON)},
		{route: "GET /api/v1/billing/credits", allow: bfReaders},
		{route: "POST /api/v1/billing/credits", allow: credit, make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: p, body: fmt.Sprintf(`{"charge_id":%d,"amount_fen":100,"reason":"授权测试"}`, e.bfCharge())}
		}},
		{route: "POST /api/v1/billing/credits/{id}/decide", allow: roles(access.Manager), make: bfOn((*authzEnv).bfCredit, "", approve)},
		{route: "GET /api/v1/billing/ageing", allow: bfReaders},
		{route: "GET /api/v1/billing/report", allow: bfReaders},
		{route: "GET /api/v1/billing/periods", allow: bfReaders},
		{route: "POST /api/v1/billing/periods", allow: audit, make: plain(`{"period":"bad"}`)},
		{route: "GET /api/v1/billing/periods/{id}", allow: bfReaders, make: bfOn(open, "", "")},
		{route: "POST /api/v1/billing/periods/{id}/findings", allow: audit, make: bfOn(open, "", `{"severity":"low","text":"","department_id":0}`)},
		{route: "POST /api/v1/billing/periods/{id}/submit", allow: audit, make: bfOn(open, "", `{"summary":""}`)},
		{route: "POST /api/v1/billing/periods/{id}/signoff", allow: audit, make: bfOn(review, "", `{"decision":"reject","comment":"补充"}`)},
		{route: "GET /api/v1/billing/accounts/{id}/view", allow: bfReaders.plus(clientA), make: bfOn(account, "", "")},
		{route: "PUT /api/v1/billing/accounts/{id}/profile", allow: keep.plus(clientA), make: bfOn(account, "", `{"fapiao_type":"normal","buyer":{"kind":"enterprise","name":""}}`)},
		{route: "GET /api/v1/portal/billing", allow: only(clientA, clientB), make: bfWithAccount(false, bfBody(""))},
	}
}
