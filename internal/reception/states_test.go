package reception_test

import (
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/auth"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
)

// An application on time has one review step; rejection, return,
// resubmission and cancellation follow the state machine, and a client
// user sees only their organisation's submitted cases.
func TestApplicationStates(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 2, 24, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u

		r, err := svc.Create(ctx, u["xiaoming"], f.application("2026-03-02"))
		f.must(err)
		r, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		f.must(err)
		if r.Late {
			t.Fatal("five working days ahead (with the make-up Saturday) is not late")
		}
		ch, _, _ := svc.Chains(ctx, u["xiaoming"], r.ID)
		if len(ch.Steps) != 1 {
			t.Fatalf("on-time chain has %d steps", len(ch.Steps))
		}
		if _, err := svc.Submit(ctx, u["xiaoming"], r.ID); kind(err) != errs.Conflict {
			t.Fatalf("submit twice: %v", err)
		}
		if _, err := svc.SubmitPlan(ctx, u["wang"], r.ID); kind(err) != errs.Conflict {
			t.Fatalf("plan before approval: %v", err)
		}
		// Rejected: editable again, and a new submission starts a new chain.
		r, err = svc.Decide(ctx, u["boss"], r.ID, approval.Reject, "预算过高，请压缩")
		f.must(err)
		if r.Status != reception.StatusRejected || r.StatusNote != "预算过高，请压缩" {
			t.Fatalf("rejected: %s %q", r.Status, r.StatusNote)
		}
		if _, err := svc.Decide(ctx, u["boss"], r.ID, approval.Approve, ""); kind(err) != errs.Conflict {
			t.Fatalf("deciding a rejected case: %v", err)
		}
		app := f.application("2026-03-02")
		app.Tier = reception.TierBusiness
		app.BudgetFen = 320000
		r, err = svc.Update(ctx, u["xiaoming"], r.ID, app)
		f.must(err)
		if r.TierPriceFen != 8000 {
			t.Fatalf("business tier price %d", r.TierPriceFen)
		}
		// One working day later the same visit is late.
		f.clk.Set(at(2026, 2, 25, 9, 0))
		_, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		if fieldErrs(err)["late_reason"] == "" {
			t.Fatalf("resubmitted late without reason: %v", err)
		}
		app.LateReason = "预算调整后重新提交"
		_, err = svc.Update(ctx, u["xiaoming"], r.ID, app)
		f.must(err)
		r, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		f.must(err)
		ch, _, _ = svc.Chains(ctx, u["xiaoming"], r.ID)
		if !r.Late || len(ch.Steps) != 2 {
			t.Fatalf("late resubmission: late %v steps %d", r.Late, len(ch.Steps))
		}
		// Returned: back to draft; submitting again replaces the chain.
		r, err = svc.Decide(ctx, u["boss"], r.ID, approval.Return, "补充随同人员职务")
		f.must(err)
		if r.Status != reception.StatusDraft {
			t.Fatalf("returned: %s", r.Status)
		}
		r, err = svc.Submit(ctx, u["xiaoming"], r.ID)
		f.must(err)
		if r.Status != reception.StatusPending {
			t.Fatalf("resubmitted: %s", r.Status)
		}

		// A client user of the organisation sees the case but cannot act.
		as := auth.New(db, f.clk)
		cu, err := as.Create(ctx, access.SystemActor(), auth.UserInput{Username: "huaxin", Password: "password-123", Roles: []string{access.Client}, OrgID: r.OrgID})
		f.must(err)
		ca := cu.Actor("")
		if _, err := svc.Get(ctx, ca, r.ID); err != nil {
			t.Fatalf("client reading own case: %v", err)
		}
		list, total, err := svc.List(ctx, ca, reception.Filter{})
		f.must(err)
		if total != 1 || list[0].ID != r.ID {
			t.Fatalf("client list: %d", total)
		}
		if _, err := svc.Decide(ctx, ca, r.ID, approval.Approve, ""); kind(err) != errs.Forbidden {
			t.Fatalf("client deciding: %v", err)
		}
		if _, err := svc.Materials(ctx, ca, r.ID); kind(err) != errs.Forbidden {
			t.Fatalf("client reading materials: %v", err)
		}
		other, err := svc.Create(ctx, u["boss"], reception.Application{OrgName: "上海东方航运集团", VisitDate: "2026-03-10"})
		f.must(err)
		if _, err := svc.Get(ctx, ca, other.ID); kind(err) != errs.NotFound {
			t.Fatalf("client reading another org's case: %v", err)
		}
		// A draft of their own organisation is internal until applied for;
		// editing it from the form (which names the organisation) keeps the link.
		draft, err := svc.Create(ctx, u["boss"], reception.Application{OrgID: r.OrgID, OrgName: r.OrgName, VisitDate: "2026-03-12"})
		f.must(err)
		if _, err := svc.Get(ctx, ca, draft.ID); kind(err) != errs.NotFound {
			t.Fatalf("client reading their organisation's draft: %v", err)
		}
		draft, err = svc.Update(ctx, u["boss"], draft.ID, reception.Application{OrgName: r.OrgName, VisitDate: "2026-03-13"})
		f.must(err)
		if draft.OrgID != r.OrgID {
			t.Fatalf("editing by name unlinked the draft: org %d, want %d", draft.OrgID, r.OrgID)
		}

		// Approved, then cancelled by the office: open duties are cancelled.
		r, err = svc.Decide(ctx, u["boss"], r.ID, approval.Approve, "")
		f.must(err)
		r, err = svc.Decide(ctx, u["zhao"], r.ID, approval.Approve, "")
		f.must(err)
		if r.Status != reception.StatusPlanning {
			t.Fatalf("approved: %s", r.Status)
		}
		if _, err := svc.Cancel(ctx, u["xiaoming"], r.ID, "客户改期"); kind(err) != errs.Forbidden {
			t.Fatalf("applicant cancelling during planning: %v", err)
		}
		if _, err := svc.Cancel(ctx, u["wang"], r.ID, " "); kind(err) != errs.Invalid {
			t.Fatalf("cancel without reason: %v", err)
		}
		r, err = svc.Cancel(ctx, u["wang"], r.ID, "客户改期至四月")
		f.must(err)
		if r.Status != reception.StatusCancelled {
			t.Fatalf("cancelled: %s", r.Status)
		}
		ts, err := task.List(ctx, db, task.Filter{Entity: reception.Entity, EntityID: r.ID})
		f.must(err)
		for _, tk := range ts {
			if tk.Status != task.StatusCancelled {
				t.Fatalf("task %d left %s", tk.ID, tk.Status)
			}
		}
		if _, err := svc.Start(ctx, u["wang"], r.ID); kind(err) != errs.Conflict {
			t.Fatalf("starting a cancelled case: %v", err)
		}

		// The applicant may withdraw his own pending draft.
		d, err := svc.Create(ctx, u["xiaoming"], f.application("2026-03-20"))
		f.must(err)
		d, err = svc.Submit(ctx, u["xiaoming"], d.ID)
		f.must(err)
		d, err = svc.Cancel(ctx, u["xiaoming"], d.ID, "合作暂缓")
		f.must(err)
		c, _, _ := svc.Chains(ctx, u["xiaoming"], d.ID)
		if d.Status != reception.StatusCancelled || c.Status != approval.StatusCancelled {
			t.Fatalf("withdrawn: %s chain %s", d.Status, c.Status)
		}
	})
}
