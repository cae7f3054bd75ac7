package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/billing"
	"jiedai/internal/errs"
)

type fapiaoListIn struct {
	AccountID int64  `query:"account_id" minimum:"0"`
	Status    string `query:"status" enum:"requested,issued,delivered,rejected,reversed,"`
	Limit     int    `query:"limit" minimum:"0" maximum:"500"`
}

type fapiaoListOut struct {
	Body struct {
		Fapiao []billing.Fapiao `json:"fapiao"`
	}
}

type fapiaoRequestIn struct{ Body billing.FapiaoInput }

type fapiaoRequestOut struct {
	Status int
	Body   struct {
		Fapiao []billing.Fapiao `json:"fapiao" doc:"One request, or several when the lines exceed one fapiao's limit"`
	}
}

type fapiaoOut struct{ Body billing.Fapiao }

type fapiaoIssueIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		FapiaoNo string               `json:"fapiao_no" maxLength:"30" doc:"The number the tax platform gave"`
		IssuedOn string               `json:"issued_on" doc:"YYYY-MM-DD"`
		Type     billing.FapiaoType   `json:"type,omitempty" enum:"normal,special" doc:"Default: as requested"`
		Medium   billing.FapiaoMedium `json:"medium,omitempty" enum:"paper,digital" doc:"Default: as requested"`
		NetFen   int64                `json:"net_fen" doc:"金额; must equal the request's"`
		TaxFen   int64                `json:"tax_fen" doc:"税额; must equal the request's"`
		FileName string               `json:"file_name,omitempty" doc:"The PDF or OFD's file name"`
		File     []byte               `json:"file,omitempty" doc:"The PDF or OFD, base64; required for a 数电 fapiao"`
	}
}

type bookReasonIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Reason string `json:"reason" maxLength:"200"`
	}
}

type fapiaoReverseIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body billing.ReverseInput
}

type creditListIn struct {
	Status string `query:"status" enum:"pending,applied,rejected,"`
}

type creditListOut struct {
	Body struct {
		Credits []billing.Credit `json:"credits"`
	}
}

type creditIn struct{ Body billing.CreditInput }

type creditOut struct {
	Status int
	Body   billing.Credit
}

type bookDecisionIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Decision string `json:"decision" enum:"approve,reject"`
		Comment  string `json:"comment,omitempty" maxLength:"2000"`
	}
}

type ageingOut struct{ Body billing.Ageing }

type bookReportIn struct {
	From string `query:"from" doc:"YYYY-MM-DD; default the first of this month"`
	To   string `query:"to" doc:"YYYY-MM-DD; default the last of this month"`
}

type bookReportOut struct{ Body billing.FinanceReport }

type periodListOut struct {
	Body struct {
		Periods []billing.Period `json:"periods"`
	}
}

type periodOpenIn struct {
	Body struct {
		Period string `json:"period" doc:"2026-03 (a month) or 2026-Q1 (a quarter)"`
	}
}

type periodOut struct {
	Status int
	Body   billing.Period
}

type findingIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body billing.FindingInput
}

type summaryIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Summary string `json:"summary" maxLength:"4000"`
	}
}

type accountViewOut struct{ Body billing.AccountView }

type profileIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body billing.ProfileInput
}

type accountOut struct{ Body billing.Account }

func (s *Server) routesBillingBooks() {
	b := s.app.Books
	const tag = "billing"
	handle(s, op(http.MethodGet, "/billing/fapiao", "list-fapiao", "Fapiao requests and records (client users see their own organisation's)", tag, false),
		func(ctx context.Context, a access.Actor, in *fapiaoListIn) (*fapiaoListOut, error) {
			list, err := b.ListFapiao(ctx, a, billing.FapiaoFilter{AccountID: in.AccountID, Status: in.Status, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &fapiaoListOut{}
			out.Body.Fapiao = nonNil(list)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/billing/fapiao", "request-fapiao", "Ask for a fapiao for charges of an account (its client users, finance, office)", tag, false),
		func(ctx context.Context, a access.Actor, in *fapiaoRequestIn) (*fapiaoRequestOut, error) {
			list, err := b.RequestFapiao(ctx, a, in.Body)
			if err != nil {
				return nil, err
			}
			out := &fapiaoRequestOut{Status: http.StatusCreated}
			out.Body.Fapiao = list
			return out, nil
		})
	handle(s, op(http.MethodGet, "/billing/fapiao/{id}", "get-fapiao", "A fapiao with its lines", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*fapiaoOut, error) {
			f, err := b.GetFapiao(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &fapiaoOut{Body: f}, nil
		})
	issue := op(http.MethodPost, "/billing/fapiao/{id}/issue", "issue-fapiao", "Record the fapiao issued on the tax platform: number, date, type, amounts and file (finance)", tag, false)
	issue.MaxBodyBytes = 15 << 20
	handle(s, issue, func(ctx context.Context, a access.Actor, in *fapiaoIssueIn) (*fapiaoOut, error) {
		bd := in.Body
		ii := billing.IssueInput{FapiaoNo: bd.FapiaoNo, IssuedOn: bd.IssuedOn, Type: bd.Type, Medium: bd.Medium, NetFen: bd.NetFen, TaxFen: bd.TaxFen, FileName: bd.FileName, File: bd.File}
		f, err := b.IssueFapiao(ctx, a, in.ID, ii)
		if err != nil {
			return nil, err
		}
		return &fapiaoOut{Body: f}, nil
	})
	handle(s, op(http.MethodPost, "/billing/fapiao/{id}/deliver", "deliver-fapiao", "Mark an issued fapiao delivered (finance)", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*fapiaoOut, error) {
			f, err := b.DeliverFapiao(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &fapiaoOut{Body: f}, nil
		})
	handle(s, op(http.MethodPost, "/billing/fapiao/{id}/reject", "reject-fapiao", "Refuse a fapiao request with a reason (finance)", tag, false),
		func(ctx context.Context, a access.Actor, in *bookReasonIn) (*fapiaoOut, error) {
			f, err := b.RejectFapiao(ctx, a, in.ID, in.Body.Reason)
			if err != nil {
				return nil, err
			}
			return &fapiaoOut{Body: f}, nil
		})
	handle(s, op(http.MethodPost, "/billing/fapiao/{id}/reverse", "reverse-fapiao", "Reverse an issued fapiao by a red-letter record, optionally requesting it again (finance)", tag, false),
		func(ctx context.Context, a access.Actor, in *fapiaoReverseIn) (*fapiaoOut, error) {
			f, err := b.ReverseFapiao(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &fapiaoOut{Body: f}, nil
		})
	handle(s, op(http.MethodGet, "/billing/credits", "list-credits", "Credits with their reasons and approvals (finance, office, audit, executive)", tag, false),
		func(ctx context.Context, a access.Actor, in *creditListIn) (*creditListOut, error) {
			list, err := b.ListCredits(ctx, a, in.Status)
			if err != nil {
				return nil, err
			}
			out := &creditListOut{}
			out.Body.Credits = nonNil(list)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/billing/credits", "propose-credit", "Reduce or cancel an open charge, with a reason; above the threshold it waits for approval (finance, office)", tag, false),
		func(ctx context.Context, a access.Actor, in *creditIn) (*creditOut, error) {
			k, err := b.ProposeCredit(ctx, a, in.Body)
			if err != nil {
				return nil, err
			}
			return &creditOut{Status: http.StatusCreated, Body: k}, nil
		})
	handle(s, op(http.MethodPost, "/billing/credits/{id}/decide", "decide-credit", "Approve or reject a pending credit's current step", tag, false),
		func(ctx context.Context, a access.Actor, in *bookDecisionIn) (*creditOut, error) {
			k, err := b.DecideCredit(ctx, a, in.ID, in.Body.Decision, in.Body.Comment)
			if err != nil {
				return nil, err
			}
			return &creditOut{Status: http.StatusOK, Body: k}, nil
		})
	handle(s, op(http.MethodGet, "/billing/ageing", "billing-ageing", "Receivables by age past due, per account (finance, office, audit, executive)", tag, false),
		func(ctx context.Context, a access.Actor, _ *empty) (*ageingOut, error) {
			rep, err := b.AgeingReport(ctx, a)
			if err != nil {
				return nil, err
			}
			return &ageingOut{Body: rep}, nil
		})
	handle(s, op(http.MethodGet, "/billing/report", "billing-report", "Income, discounts and credits, cancellation fees, deposits held, unpaid by age and charge-backs of a date range", tag, false),
		func(ctx context.Context, a access.Actor, in *bookReportIn) (*bookReportOut, error) {
			rep, err := b.Report(ctx, a, in.From, in.To)
			if err != nil {
				return nil, err
			}
			return &bookReportOut{Body: rep}, nil
		})
	handle(s, op(http.MethodGet, "/billing/periods", "list-audit-periods", "Audit periods of the books", tag, false),
		func(ctx context.Context, a access.Actor, _ *empty) (*periodListOut, error) {
			list, err := b.ListPeriods(ctx, a)
			if err != nil {
				return nil, err
			}
			out := &periodListOut{}
			out.Body.Periods = list
			return out, nil
		})
	handle(s, op(http.MethodPost, "/billing/periods", "open-audit-period", "Open an audit period (audit)", tag, false),
		func(ctx context.Context, a access.Actor, in *periodOpenIn) (*periodOut, error) {
			p, err := b.OpenPeriod(ctx, a, in.Body.Period)
			if err != nil {
				return nil, err
			}
			return &periodOut{Status: http.StatusCreated, Body: p}, nil
		})
	handle(s, op(http.MethodGet, "/billing/periods/{id}", "get-audit-period", "An audit period with its findings and sign-off", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*periodOut, error) {
			p, err := b.GetPeriod(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &periodOut{Status: http.StatusOK, Body: p}, nil
		})
	handle(s, op(http.MethodPost, "/billing/periods/{id}/findings", "add-audit-finding", "Record a finding; it becomes a task of the department (audit)", tag, false),
		func(ctx context.Context, a access.Actor, in *findingIn) (*periodOut, error) {
			p, err := b.AddFinding(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &periodOut{Status: http.StatusOK, Body: p}, nil
		})
	handle(s, op(http.MethodPost, "/billing/periods/{id}/submit", "submit-audit-period", "Ask for the period's sign-off with the summary (audit)", tag, false),
		func(ctx context.Context, a access.Actor, in *summaryIn) (*periodOut, error) {
			p, err := b.SubmitPeriod(ctx, a, in.ID, in.Body.Summary)
			if err != nil {
				return nil, err
			}
			return &periodOut{Status: http.StatusOK, Body: p}, nil
		})
	handle(s, op(http.MethodPost, "/billing/periods/{id}/signoff", "sign-off-audit-period", "Sign the period off (locks it) or send it back (audit)", tag, false),
		func(ctx context.Context, a access.Actor, in *bookDecisionIn) (*periodOut, error) {
			p, err := b.SignOff(ctx, a, in.ID, in.Body.Decision, in.Body.Comment)
			if err != nil {
				return nil, err
			}
			return &periodOut{Status: http.StatusOK, Body: p}, nil
		})
	handle(s, op(http.MethodGet, "/billing/accounts/{id}/view", "billing-account-view", "An account's open charges, payments, deposits held and fapiao (its client users and the books' readers)", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*accountViewOut, error) {
			v, err := b.View(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &accountViewOut{Body: v}, nil
		})
	handle(s, op(http.MethodGet, "/portal/billing", "portal-billing", "The client user's own organisation's billing", tag, false),
		func(ctx context.Context, a access.Actor, _ *empty) (*accountViewOut, error) {
			if !a.IsClient() {
				return nil, errs.Forbid()
			}
			acc, err := b.OrgAccount(ctx, a, 0)
			if err != nil {
				return nil, err
			}
			v, err := b.View(ctx, a, acc.ID)
			if err != nil {
				return nil, err
			}
			return &accountViewOut{Body: v}, nil
		})
	handle(s, op(http.MethodPut, "/billing/accounts/{id}/profile", "save-billing-profile", "Edit the billing profile (开票信息) for future fapiao requests (its client users, finance)", tag, false),
		func(ctx context.Context, a access.Actor, in *profileIn) (*accountOut, error) {
			acc, err := b.SaveProfile(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &accountOut{Body: acc}, nil
		})
}
