package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/reception"
	"jiedai/internal/task"
)

type receptionListIn struct {
	Status string `query:"status" doc:"A status, or active for every case not closed or cancelled" enum:"draft,pending,rejected,planning,plan_review,ready,ongoing,wrapup,closed,cancelled,active,"`
	Q      string `query:"q" maxLength:"100" doc:"Part of the code, guest organisation or purpose"`
	From   string `query:"from" doc:"Visits on or after this date (YYYY-MM-DD)"`
	To     string `query:"to" doc:"Visits on or before this date (YYYY-MM-DD)"`
	OrgID  int64  `query:"org_id" minimum:"0"`
	Mine   bool   `query:"mine" doc:"Only cases I applied for, liaise or hold a duty in"`
	Limit  int    `query:"limit" minimum:"0" maximum:"500"`
	Offset int    `query:"offset" minimum:"0"`
}

type applicationIn struct {
	Body reception.Application
}

type applicationUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.Application
}

type receptionOut struct {
	Status int
	Body   reception.Reception
}

type decisionIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Comment string `json:"comment,omitempty" maxLength:"2000" doc:"Required to reject or return"`
	}
}

type reasonIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Reason string `json:"reason" maxLength:"500"`
	}
}

type approvalsOut struct {
	Body struct {
		Application *approval.Chain `json:"application,omitempty"`
		Plan        *approval.Chain `json:"plan,omitempty"`
	}
}

type dutiesOut struct {
	Body struct {
		Duties []reception.Duty `json:"duties"`
	}
}

type dutyAddIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.DutyInput
}

type dutyAssignIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"Duty id"`
	Body struct {
		OwnerID     int64  `json:"owner_id" minimum:"0" doc:"责任人; 0 leaves it in the office queue"`
		AssistantID int64  `json:"assistant_id,omitempty" minimum:"0" doc:"辅助人"`
		Offset      int    `json:"offset" minimum:"-30" maximum:"30" doc:"Working days from the visit date"`
		At          string `json:"at,omitempty" doc:"Time of day HH:MM"`
	}
}

type dutyProgressIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"Duty id"`
	Body struct {
		Progress int    `json:"progress" minimum:"0" maximum:"100"`
		Done     bool   `json:"done,omitempty" doc:"Complete the duty with the result"`
		Result   string `json:"result,omitempty" maxLength:"8000"`
	}
}

type itineraryOut struct {
	Body struct {
		Items []reception.ItineraryItem `json:"items"`
	}
}

type itineraryAddIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.ItineraryInput
}

type guestsIn struct {
	ID int64  `path:"id" minimum:"1"`
	Q  string `query:"q" maxLength:"60" doc:"Part of the name, company or mobile (the desk's search)"`
}

type guestsOut struct {
	Body struct {
		Guests []reception.Guest `json:"guests"`
		Count  reception.Count   `json:"count"`
	}
}

type guestIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.GuestInput
}

type cardIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"Guest id"`
	Body struct {
		Title    string `json:"title,omitempty"`
		Company  string `json:"company,omitempty"`
		Mobile   string `json:"mobile,omitempty"`
		Email    string `json:"email,omitempty"`
		IDNumber string `json:"id_number,omitempty" doc:"Shown masked afterwards and erased after the retention period"`
	}
}

type guestOut struct {
	Status int
	Body   reception.Guest
}

type materialsOut struct {
	Body struct {
		Materials      []reception.Material     `json:"materials"`
		Reconciliation reception.Reconciliation `json:"reconciliation"`
	}
}

type materialAddIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.MaterialInput
}

type returnIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"Material line id"`
	Body struct {
		Returned int    `json:"returned" minimum:"0" doc:"Back in good order"`
		Damaged  int    `json:"damaged,omitempty" minimum:"0"`
		Missing  int    `json:"missing,omitempty" minimum:"0"`
		Note     string `json:"note,omitempty" maxLength:"500" doc:"Required when something is damaged or missing"`
	}
}

type itemsOut struct {
	Body struct {
		Items []reception.StockItem `json:"items"`
	}
}

type itemIn struct{ Body reception.StockItemInput }

type itemUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.StockItemInput
}

type settlementOut struct{ Body reception.Settlement }

type expenseAddIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.ExpenseInput
}

type reportIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body reception.ReportInput
}

type reportOut struct {
	Body struct {
		Report    reception.Report `json:"report"`
		FollowUps []task.Task      `json:"follow_ups"`
	}
}

type surveysOut struct {
	Body struct {
		Surveys []reception.Survey `json:"surveys"`
	}
}

// ScoreBody is one criterion's score.
type ScoreBody struct {
	Seq   int `json:"seq" minimum:"1"`
	Score int `json:"score" minimum:"0" maximum:"100"`
}

// SurveyBody answers a survey.
type SurveyBody struct {
	Respondent string      `json:"respondent,omitempty" maxLength:"60"`
	Comment    string      `json:"comment,omitempty" maxLength:"4000"`
	Scores     []ScoreBody `json:"scores" maxItems:"50"`
}

func (b SurveyBody) input() reception.SurveyInput {
	in := reception.SurveyInput{Respondent: b.Respondent, Comment: b.Comment, Scores: map[int]int{}}
	for _, s := range b.Scores {
		in.Scores[s.Seq] = s.Score
	}
	return in
}

type internalSurveyIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body SurveyBody
}

type surveyOut struct{ Body reception.Survey }

type tokenPath struct {
	Token string `path:"token" maxLength:"64"`
}

type publicSurveyIn struct {
	Token string `path:"token" maxLength:"64"`
	Body  SurveyBody
}

type publicSurveyOut struct {
	Body struct {
		Survey    reception.Survey `json:"survey"`
		Org       string           `json:"org"`
		VisitDate string           `json:"visit_date"`
	}
}

type invitationOut struct {
	Body reception.Invitation
}

type selfSignInIn struct {
	Token string `path:"token" maxLength:"64"`
	Body  struct {
		Title   string `json:"title,omitempty"`
		Company string `json:"company,omitempty"`
		Mobile  string `json:"mobile,omitempty"`
		Email   string `json:"email,omitempty"`
	}
}

type surveyReportIn struct {
	By   string `query:"by" enum:"month,tier,department," doc:"Grouping, default month"`
	From string `query:"from" doc:"Visits on or after (YYYY-MM-DD)"`
	To   string `query:"to" doc:"Visits on or before (YYYY-MM-DD)"`
}

type surveyReportOut struct {
	Body struct {
		By   string                `json:"by"`
		Rows []reception.ReportRow `json:"rows"`
	}
}

func (s *Server) routesReception() {
	svc := s.app.Reception
	const tag = "receptions"
	handle(s, op(http.MethodGet, "/receptions", "list-receptions", "List reception cases", tag, false),
		func(ctx context.Context, a access.Actor, in *receptionListIn) (*caseListOut, error) {
			list, total, err := svc.List(ctx, a, reception.Filter{Status: in.Status, Q: in.Q, From: in.From, To: in.To, OrgID: in.OrgID, Mine: in.Mine, Limit: in.Limit, Offset: in.Offset})
			if err != nil {
				return nil, err
			}
			out := &caseListOut{}
			out.Body.Receptions, out.Body.Total = []caseBody{}, total
			for _, r := range list {
				out.Body.Receptions = append(out.Body.Receptions, caseFor(a, r))
			}
			return out, nil
		})
	handle(s, op(http.MethodPost, "/receptions", "create-reception", "Save a new application (接待申请单) as a draft", tag, false),
		func(ctx context.Context, a access.Actor, in *applicationIn) (*receptionOut, error) {
			r, err := svc.Create(ctx, a, in.Body)
			return created(r, err)
		})
	handle(s, op(http.MethodGet, "/receptions/{id}", "get-reception", "A reception case with its application and schedule", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*caseOut, error) {
			r, err := svc.Get(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &caseOut{Body: caseFor(a, r)}, nil
		})
	handle(s, op(http.MethodPut, "/receptions/{id}", "update-reception", "Edit a draft or rejected application", tag, false),
		func(ctx context.Context, a access.Actor, in *applicationUpdateIn) (*receptionOut, error) {
			r, err := svc.Update(ctx, a, in.ID, in.Body)
			return ok(r, err)
		})
	action := func(path, id, summary string, fn func(ctx context.Context, a access.Actor, id int64) (reception.Reception, error)) {
		handle(s, op(http.MethodPost, path, id, summary, tag, false),
			func(ctx context.Context, a access.Actor, in *idPath) (*receptionOut, error) {
				r, err := fn(ctx, a, in.ID)
				return ok(r, err)
			})
	}
	action("/receptions/{id}/submit", "submit-reception", "Submit the application for review (late ones need a reason and one more step)", svc.Submit)
	action("/receptions/{id}/submit-plan", "submit-reception-plan", "Submit the plan to the superior", svc.SubmitPlan)
	action("/receptions/{id}/start", "start-reception", "Mark the visit under way", svc.Start)
	action("/receptions/{id}/finish", "finish-reception", "End the visit and begin the wrap-up", svc.Finish)
	action("/receptions/{id}/close", "close-reception", "Close a wrapped-up case", svc.Close)
	decide := func(path, id, summary, act string) {
		handle(s, op(http.MethodPost, path, id, summary, tag, false),
			func(ctx context.Context, a access.Actor, in *decisionIn) (*receptionOut, error) {
				r, err := svc.Decide(ctx, a, in.ID, act, in.Body.Comment)
				return ok(r, err)
			})
	}
	decide("/receptions/{id}/approve", "approve-reception", "Approve the current review step (application or plan)", approval.Approve)
	decide("/receptions/{id}/reject", "reject-reception", "Reject at the current review step, with a comment", approval.Reject)
	decide("/receptions/{id}/return", "return-reception", "Send back for changes at the current review step, with a comment", approval.Return)
	handle(s, op(http.MethodPost, "/receptions/{id}/cancel", "cancel-reception", "Cancel a case, with a reason", tag, false),
		func(ctx context.Context, a access.Actor, in *reasonIn) (*receptionOut, error) {
			r, err := svc.Cancel(ctx, a, in.ID, in.Body.Reason)
			return ok(r, err)
		})
	handle(s, op(http.MethodGet, "/receptions/{id}/approvals", "get-reception-approvals", "The application's and the plan's review chains (staff: the reviewers' comments are internal)", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*approvalsOut, error) {
			app, plan, err := svc.Chains(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &approvalsOut{}
			if app.ID != 0 {
				out.Body.Application = &app
			}
			if plan.ID != 0 {
				out.Body.Plan = &plan
			}
			return out, nil
		})

	handle(s, op(http.MethodGet, "/receptions/{id}/duties", "list-reception-duties", "The division of labour (分工推进表)", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*dutiesOut, error) {
			ds, err := svc.Duties(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &dutiesOut{}
			out.Body.Duties = nonNil(ds)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/duties", "add-reception-duty", "Add a line to the division of labour", tag, false),
		func(ctx context.Context, a access.Actor, in *dutyAddIn) (*noContent, error) {
			return done(svc.AddDuty(ctx, a, in.ID, in.Body))
		})
	handle(s, op(http.MethodPut, "/reception-duties/{id}", "assign-reception-duty", "Set a duty's owner, assistant and deadline", tag, false),
		func(ctx context.Context, a access.Actor, in *dutyAssignIn) (*noContent, error) {
			return done(svc.AssignDuty(ctx, a, in.ID, in.Body.OwnerID, in.Body.AssistantID, in.Body.Offset, in.Body.At))
		})
	handle(s, op(http.MethodPost, "/reception-duties/{id}/progress", "report-reception-duty", "Report a duty's progress or complete it", tag, false),
		func(ctx context.Context, a access.Actor, in *dutyProgressIn) (*noContent, error) {
			if in.Body.Done {
				return done(svc.CompleteDuty(ctx, a, in.ID, in.Body.Result))
			}
			return done(svc.DutyProgress(ctx, a, in.ID, in.Body.Progress))
		})

	handle(s, op(http.MethodGet, "/receptions/{id}/itinerary", "list-reception-itinerary", "The visit's timeline", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*itineraryOut, error) {
			its, err := svc.Itinerary(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &itineraryOut{}
			out.Body.Items = nonNil(its)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/itinerary", "add-reception-itinerary", "Add a step to the timeline", tag, false),
		func(ctx context.Context, a access.Actor, in *itineraryAddIn) (*noContent, error) {
			return done(svc.AddItinerary(ctx, a, in.ID, in.Body))
		})

	handle(s, op(http.MethodGet, "/receptions/{id}/guests", "list-reception-guests", "The guest list with the on-site count", tag, false),
		func(ctx context.Context, a access.Actor, in *guestsIn) (*guestsOut, error) {
			gs, err := svc.Guests(ctx, a, in.ID, in.Q)
			if err != nil {
				return nil, err
			}
			out := &guestsOut{}
			out.Body.Guests, out.Body.Count = nonNil(gs), reception.CountOf(gs)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/guests", "add-reception-guest", "Add a guest to the list", tag, false),
		func(ctx context.Context, a access.Actor, in *guestIn) (*guestOut, error) {
			g, err := svc.AddGuest(ctx, a, in.ID, in.Body)
			return guestResult(g, err, http.StatusCreated)
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/walk-ins", "add-reception-walk-in", "Register and sign in a guest who was not on the list", tag, false),
		func(ctx context.Context, a access.Actor, in *guestIn) (*guestOut, error) {
			g, err := svc.WalkIn(ctx, a, in.ID, in.Body)
			return guestResult(g, err, http.StatusCreated)
		})
	handle(s, op(http.MethodPost, "/reception-guests/{id}/sign-in", "sign-in-reception-guest", "Sign a guest in at the desk, with business-card details", tag, false),
		func(ctx context.Context, a access.Actor, in *cardIn) (*guestOut, error) {
			b := in.Body
			g, err := svc.SignIn(ctx, a, in.ID, reception.GuestInput{Title: b.Title, Company: b.Company, Mobile: b.Mobile, Email: b.Email, IDNumber: b.IDNumber})
			return guestResult(g, err, http.StatusOK)
		})

	handle(s, op(http.MethodPost, "/reception-guests/{id}/erase", "erase-reception-guest", "Erase a guest's personal data on their request (PIPL; office, supervisor): blanked on the list and in older audit rows, counts kept; a guest who became a client contact is erased as that contact", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*noContent, error) {
			return done(svc.EraseGuest(ctx, a, in.ID))
		})

	handle(s, op(http.MethodGet, "/receptions/{id}/materials", "list-reception-materials", "The materials checklist (物品清单表) with its reconciliation", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*materialsOut, error) {
			ms, err := svc.Materials(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &materialsOut{}
			out.Body.Materials, out.Body.Reconciliation = nonNil(ms), reception.Reconcile(ms)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/materials", "add-reception-material", "Add an inventory item to borrow, or a purchase", tag, false),
		func(ctx context.Context, a access.Actor, in *materialAddIn) (*noContent, error) {
			return done(svc.AddMaterial(ctx, a, in.ID, in.Body))
		})
	handle(s, op(http.MethodPost, "/reception-materials/{id}/borrow", "borrow-reception-material", "Take a line's items out of the inventory (or record a purchase)", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*noContent, error) {
			return done(svc.Borrow(ctx, a, in.ID))
		})
	handle(s, op(http.MethodPost, "/reception-materials/{id}/return", "return-reception-material", "Record a return: good, damaged and missing must add up to the quantity", tag, false),
		func(ctx context.Context, a access.Actor, in *returnIn) (*noContent, error) {
			return done(svc.Return(ctx, a, in.ID, in.Body.Returned, in.Body.Damaged, in.Body.Missing, in.Body.Note))
		})
	handle(s, op(http.MethodPost, "/reception-materials/{id}/check", "check-reception-material", "Confirm a return; losses come off the stock", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*noContent, error) {
			return done(svc.Check(ctx, a, in.ID))
		})
	handle(s, op(http.MethodGet, "/reception-items", "list-reception-items", "The materials inventory with stock and items out", tag, false),
		func(ctx context.Context, a access.Actor, _ *empty) (*itemsOut, error) {
			items, err := svc.Items(ctx, a, false)
			if err != nil {
				return nil, err
			}
			out := &itemsOut{}
			out.Body.Items = nonNil(items)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/reception-items", "create-reception-item", "Add an inventory item (office)", tag, false),
		func(ctx context.Context, a access.Actor, in *itemIn) (*noContent, error) {
			_, err := svc.SaveItem(ctx, a, 0, in.Body)
			if err != nil {
				return nil, err
			}
			return &noContent{Status: http.StatusCreated}, nil
		})
	handle(s, op(http.MethodPut, "/reception-items/{id}", "update-reception-item", "Edit an inventory item (office)", tag, false),
		func(ctx context.Context, a access.Actor, in *itemUpdateIn) (*noContent, error) {
			_, err := svc.SaveItem(ctx, a, in.ID, in.Body)
			return done(err)
		})

	handle(s, op(http.MethodGet, "/receptions/{id}/settlement", "get-reception-settlement", "Budget against actual cost", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*settlementOut, error) {
			st, err := svc.Settlement(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			st.Lines = nonNil(st.Lines)
			return &settlementOut{Body: st}, nil
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/expenses", "add-reception-expense", "Add a budget line", tag, false),
		func(ctx context.Context, a access.Actor, in *expenseAddIn) (*noContent, error) {
			return done(svc.AddExpense(ctx, a, in.ID, in.Body))
		})
	handle(s, op(http.MethodPut, "/reception-expenses/{id}", "update-reception-expense", "Edit a budget line and record its actual cost", tag, false),
		func(ctx context.Context, a access.Actor, in *expenseAddIn) (*noContent, error) {
			return done(svc.UpdateExpense(ctx, a, in.ID, in.Body))
		})

	handle(s, op(http.MethodGet, "/receptions/{id}/report", "get-reception-report", "The visit report and its follow-up tasks", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*reportOut, error) {
			rep, err := svc.GetReport(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			fus, err := svc.FollowUps(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &reportOut{}
			out.Body.Report, out.Body.FollowUps = rep, nonNil(fus)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/report", "save-reception-report", "Save or submit the visit report; submitting creates the follow-up tasks", tag, false),
		func(ctx context.Context, a access.Actor, in *reportIn) (*reportOut, error) {
			rep, err := svc.SaveReport(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			fus, err := svc.FollowUps(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &reportOut{}
			out.Body.Report, out.Body.FollowUps = rep, nonNil(fus)
			return out, nil
		})

	handle(s, op(http.MethodGet, "/receptions/{id}/surveys", "list-reception-surveys", "The client survey and the internal evaluation", tag, false),
		func(ctx context.Context, a access.Actor, in *idPath) (*surveysOut, error) {
			svs, err := svc.Surveys(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &surveysOut{}
			out.Body.Surveys = nonNil(svs)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/receptions/{id}/surveys/internal", "submit-reception-evaluation", "Fill in the internal evaluation (接待满意度调查表)", tag, false),
		func(ctx context.Context, a access.Actor, in *internalSurveyIn) (*surveyOut, error) {
			sv, err := svc.SubmitInternalSurvey(ctx, a, in.ID, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &surveyOut{Body: sv}, nil
		})
	handle(s, op(http.MethodGet, "/reception-survey-report", "reception-survey-report", "Average satisfaction by month, tier or department", tag, false),
		func(ctx context.Context, a access.Actor, in *surveyReportIn) (*surveyReportOut, error) {
			by := in.By
			if by == "" {
				by = reception.ByMonth
			}
			rows, err := svc.SurveyReport(ctx, a, by, in.From, in.To)
			if err != nil {
				return nil, err
			}
			out := &surveyReportOut{}
			out.Body.By, out.Body.Rows = by, nonNil(rows)
			return out, nil
		})

	// Links for guests and clients, no login: the token is the permission.
	handlePublic(s, op(http.MethodGet, "/surveys/{token}", "get-survey", "A client's satisfaction survey (link, no login)", tag, true),
		func(ctx context.Context, in *tokenPath) (*publicSurveyOut, error) {
			sv, r, err := svc.SurveyByToken(ctx, in.Token)
			if err != nil {
				return nil, err
			}
			out := &publicSurveyOut{}
			out.Body.Survey, out.Body.Org, out.Body.VisitDate = sv, r.OrgName, r.VisitDate
			return out, nil
		})
	handlePublic(s, op(http.MethodPost, "/surveys/{token}", "submit-survey", "Answer a client's satisfaction survey (link, no login)", tag, true),
		func(ctx context.Context, in *publicSurveyIn) (*surveyOut, error) {
			sv, err := svc.SubmitClientSurvey(ctx, in.Token, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &surveyOut{Body: sv}, nil
		})
	handlePublic(s, op(http.MethodGet, "/invitations/{token}", "get-invitation", "A guest's invitation (link, no login)", tag, true),
		func(ctx context.Context, in *tokenPath) (*invitationOut, error) {
			inv, err := svc.Invitation(ctx, in.Token)
			if err != nil {
				return nil, err
			}
			return &invitationOut{Body: inv}, nil
		})
	handlePublic(s, op(http.MethodPost, "/invitations/{token}/sign-in", "self-sign-in", "Sign in with the invitation link on the visit day", tag, true),
		func(ctx context.Context, in *selfSignInIn) (*invitationOut, error) {
			b := in.Body
			inv, err := svc.SelfSignIn(ctx, in.Token, reception.GuestInput{Title: b.Title, Company: b.Company, Mobile: b.Mobile, Email: b.Email})
			if err != nil {
				return nil, err
			}
			return &invitationOut{Body: inv}, nil
		})
}

func created(r reception.Reception, err error) (*receptionOut, error) {
	if err != nil {
		return nil, err
	}
	return &receptionOut{Status: http.StatusCreated, Body: r}, nil
}

func ok(r reception.Reception, err error) (*receptionOut, error) {
	if err != nil {
		return nil, err
	}
	return &receptionOut{Status: http.StatusOK, Body: r}, nil
}

func done(err error) (*noContent, error) {
	if err != nil {
		return nil, err
	}
	return &noContent{Status: http.StatusNoContent}, nil
}

func guestResult(g reception.Guest, err error, status int) (*guestOut, error) {
	if err != nil {
		return nil, err
	}
	return &guestOut{Status: status, Body: g}, nil
}
