package reception_test

import (
	"testing"
	"time"

	"jiedai/internal/approval"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// planning returns a case approved into planning, visiting on date.
func (f *fixture) planning(date string) reception.Reception {
	f.t.Helper()
	r, err := f.svc.Create(f.ctx, f.u["xiaoming"], f.application(date))
	f.must(err)
	r, err = f.svc.Submit(f.ctx, f.u["xiaoming"], r.ID)
	f.must(err)
	for _, who := range []string{"boss", "wang"} {
		if r.Status == reception.StatusPending {
			r, err = f.svc.Decide(f.ctx, f.u[who], r.ID, approval.Approve, "")
			f.must(err)
		}
	}
	if r.Status != reception.StatusPlanning {
		f.t.Fatalf("case not in planning: %s", r.Status)
	}
	return r
}

// TestReceptionTotalsBounded: a purchase's unit cost × quantity, and the
// case's purchase, budget and actual totals, are kept within money.Max;
// beyond it the line is refused on its field and nothing is written.
func TestReceptionTotalsBounded(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
		ctx, svc, wang := f.ctx, f.svc, f.u["wang"]
		r := f.planning("2026-03-20")
		buy := reception.MaterialInput{Name: "纪念品", Purchase: true, Qty: 10000, UnitCostFen: reception.MaxBudgetFen}
		if err := svc.AddMaterial(ctx, wang, r.ID, buy); errs.As(err).Field != "unit_cost" || errs.As(err).Key != "err.input.money_range" {
			t.Fatalf("purchase of 10000 × 1 亿元: %v", err)
		}
		buy.Qty = 100 // exactly money.Max
		f.must(svc.AddMaterial(ctx, wang, r.ID, buy))
		buy.Qty, buy.UnitCostFen = 1, 1
		if err := svc.AddMaterial(ctx, wang, r.ID, buy); errs.As(err).Key != "err.input.money_range" {
			t.Fatalf("purchases beyond money.Max in total: %v", err)
		}
		ms, err := svc.Materials(ctx, wang, r.ID)
		f.must(err)
		if n := len(ms); n != 1 {
			t.Fatalf("%d material lines, want 1", n)
		}

		st, err := svc.Settlement(ctx, wang, r.ID)
		f.must(err)
		// Fill the budget up to money.Max with lines at the per-line bound.
		left := money.Max - st.BudgetFen
		for left > 0 {
			b := min(left, reception.MaxBudgetFen)
			f.must(svc.AddExpense(ctx, wang, r.ID, reception.ExpenseInput{Category: "other", BudgetFen: b}))
			left -= b
		}
		if err := svc.AddExpense(ctx, wang, r.ID, reception.ExpenseInput{Category: "other", BudgetFen: 1}); errs.As(err).Field != "budget" || errs.As(err).Key != "err.input.money_range" {
			t.Fatalf("a budget line beyond money.Max in total: %v", err)
		}
		st, err = svc.Settlement(ctx, wang, r.ID)
		f.must(err)
		if st.BudgetFen != money.Max {
			t.Fatalf("budget total %d, want money.Max", st.BudgetFen)
		}
		// Editing a line in place counts it once.
		e := st.Lines[len(st.Lines)-1]
		f.must(svc.UpdateExpense(ctx, wang, e.ID, reception.ExpenseInput{Category: e.Category, BudgetFen: e.BudgetFen}))
		if err := svc.UpdateExpense(ctx, wang, e.ID, reception.ExpenseInput{Category: e.Category, BudgetFen: e.BudgetFen + 1}); errs.As(err).Field != "budget" {
			t.Fatalf("raising a line beyond money.Max in total: %v", err)
		}
	})
}
