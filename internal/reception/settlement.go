package reception

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
)

// ExpenseCategories are the budget lines of a case (活动结算).
var ExpenseCategories = []string{"standard", "car", "tickets", "hotel", "lunch", "dinner", "entertainment", "gifts", "materials", ExpenseVenue, "other"}

// ExpenseVenue is the line of the meeting room booked for the case: its
// internal-rate cost belongs to the case's budget.
const ExpenseVenue = "venue"

// Expense is a budget line with its actual cost once settled.
type Expense struct {
	ID        int64  `json:"id"`
	Category  string `json:"category"`
	Item      string `json:"item,omitempty"`
	BudgetFen int64  `json:"budget_fen"`
	ActualFen int64  `json:"actual_fen"`
	Settled   bool   `json:"settled"` // the actual cost is recorded
	Liaison   string `json:"liaison,omitempty"`
	Note      string `json:"note,omitempty"`
	Seq       int    `json:"seq"`
}

// DiffFen is actual minus budget (positive = over budget).
func (e Expense) DiffFen() int64 { return e.ActualFen - e.BudgetFen }

// ExpenseInput adds or edits a line; ActualFen nil leaves it unsettled.
type ExpenseInput struct {
	Category  string `json:"category"`
	Item      string `json:"item,omitempty"`
	BudgetFen int64  `json:"budget_fen"`
	ActualFen *int64 `json:"actual_fen,omitempty"`
	Liaison   string `json:"liaison,omitempty"`
	Note      string `json:"note,omitempty"`
}

func (in *ExpenseInput) validate() error {
	trimAll(&in.Category, &in.Item, &in.Liaison, &in.Note)
	var l errs.List
	if !slices.Contains(ExpenseCategories, in.Category) {
		l.Add("category", "err.invalid")
	}
	if utf8.RuneCountInString(in.Item) > MaxShort*2 {
		l.Add("item", "err.too_long", "max", MaxShort*2)
	}
	if utf8.RuneCountInString(in.Liaison) > MaxShort {
		l.Add("liaison", "err.too_long", "max", MaxShort)
	}
	if utf8.RuneCountInString(in.Note) > MaxText {
		l.Add("note", "err.too_long", "max", MaxText)
	}
	if in.BudgetFen < 0 || in.BudgetFen > MaxBudgetFen {
		l.Add("budget", "err.reception.money")
	}
	if in.ActualFen != nil && (*in.ActualFen < 0 || *in.ActualFen > MaxBudgetFen) {
		l.Add("actual", "err.reception.money")
	}
	return l.Err()
}

// checkExpenseTotals refuses a line that would take the case's budget or
// actual total beyond money.Max; except is the line being replaced (0 for
// none).
func checkExpenseTotals(ctx context.Context, q store.Querier, id, except int64, in ExpenseInput) error {
	var budget, actual int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(budget_fen), 0), COALESCE(SUM(actual_fen), 0) FROM reception_expenses WHERE reception_id = ? AND id <> ?`,
		id, except).Scan(&budget, &actual); err != nil {
		return fmt.Errorf("total expenses of reception %d: %w", id, err)
	}
	if _, ok := money.Sum(budget, in.BudgetFen); !ok {
		return money.TooLarge("budget")
	}
	if in.ActualFen != nil {
		if _, ok := money.Sum(actual, *in.ActualFen); !ok {
			return money.TooLarge("actual")
		}
	}
	return nil
}

// Settlement is the budget against the actual cost of a case.
type Settlement struct {
	Lines       []Expense `json:"lines"`
	BudgetFen   int64     `json:"budget_fen"`   // sum of the lines' budgets
	ActualFen   int64     `json:"actual_fen"`   // sum of the settled actual costs
	ApprovedFen int64     `json:"approved_fen"` // the application's budget (预算)
	PurchaseFen int64     `json:"purchase_fen"` // materials bought
	Unsettled   int       `json:"unsettled"`
}

// OverBudget reports whether the actual cost exceeds the approved budget.
func (s Settlement) OverBudget() bool { return s.ApprovedFen > 0 && s.ActualFen > s.ApprovedFen }

// Settlement returns the case's budget lines and totals.
func (s *Service) Settlement(ctx context.Context, a access.Actor, id int64) (Settlement, error) {
	r, err := s.viewable(ctx, a, id)
	if err != nil {
		return Settlement{}, err
	}
	if a.IsClient() {
		return Settlement{}, errs.Forbid()
	}
	return loadSettlement(ctx, s.DB, r)
}

func loadSettlement(ctx context.Context, q store.Querier, r Reception) (Settlement, error) {
	rows, err := q.Query(ctx, `SELECT id, category, item, budget_fen, actual_fen, liaison, note, seq FROM reception_expenses WHERE reception_id = ? ORDER BY seq, id`, r.ID)
	if err != nil {
		return Settlement{}, fmt.Errorf("list expenses of reception %d: %w", r.ID, err)
	}
	defer rows.Close()
	st := Settlement{ApprovedFen: r.BudgetFen}
	for rows.Next() {
		var e Expense
		var actual sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Category, &e.Item, &e.BudgetFen, &actual, &e.Liaison, &e.Note, &e.Seq); err != nil {
			return Settlement{}, fmt.Errorf("scan expense: %w", err)
		}
		e.ActualFen, e.Settled = actual.Int64, actual.Valid
		st.BudgetFen += e.BudgetFen
		st.ActualFen += e.ActualFen
		if !e.Settled {
			st.Unsettled++
		}
		st.Lines = append(st.Lines, e)
	}
	if err := rows.Err(); err != nil {
		return Settlement{}, err
	}
	ms, err := loadMaterials(ctx, q, r.ID)
	if err != nil {
		return Settlement{}, err
	}
	st.PurchaseFen = Reconcile(ms).PurchaseFen
	return st, nil
}

// AddExpense adds a budget line.
func (s *Service) AddExpense(ctx context.Context, a access.Actor, id int64, in ExpenseInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.manageable(ctx, tx, a, id, "edit_expenses"); err != nil {
			return err
		}
		if err := checkExpenseTotals(ctx, tx, id, 0, in); err != nil {
			return err
		}
		if err := insertExpense(ctx, tx, now, id, in); err != nil {
			return err
		}
		return auditCase(ctx, tx, now, a, id, "add_expense", nil, in)
	})
}

func insertExpense(ctx context.Context, tx store.Querier, now time.Time, id int64, in ExpenseInput) error {
	var seq int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM reception_expenses WHERE reception_id = ?`, id).Scan(&seq); err != nil {
		return fmt.Errorf("next expense seq: %w", err)
	}
	var actual any
	if in.ActualFen != nil {
		actual = *in.ActualFen
	}
	if _, err := tx.Exec(ctx, `INSERT INTO reception_expenses (reception_id, category, item, budget_fen, actual_fen, liaison, note, seq, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, in.Category, in.Item, in.BudgetFen, actual, in.Liaison, in.Note, seq, store.Ms(now), store.Ms(now)); err != nil {
		return fmt.Errorf("insert expense: %w", err)
	}
	return nil
}

// UpdateExpense edits a line, recording its actual cost.
func (s *Service) UpdateExpense(ctx context.Context, a access.Actor, expenseID int64, in ExpenseInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		rid, err := parentOf(ctx, tx, "reception_expenses", expenseID)
		if err != nil {
			return err
		}
		if _, err := s.manageable(ctx, tx, a, rid, "edit_expenses"); err != nil {
			return err
		}
		if err := checkExpenseTotals(ctx, tx, rid, expenseID, in); err != nil {
			return err
		}
		var actual any
		if in.ActualFen != nil {
			actual = *in.ActualFen
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_expenses SET category = ?, item = ?, budget_fen = ?, actual_fen = ?, liaison = ?, note = ?, updated_at = ? WHERE id = ?`,
			in.Category, in.Item, in.BudgetFen, actual, in.Liaison, in.Note, store.Ms(now), expenseID); err != nil {
			return fmt.Errorf("update expense %d: %w", expenseID, err)
		}
		return auditCase(ctx, tx, now, a, rid, "edit_expense", map[string]any{"expense": expenseID}, in)
	})
}

// RemoveExpense deletes a line.
func (s *Service) RemoveExpense(ctx context.Context, a access.Actor, expenseID int64) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		rid, err := parentOf(ctx, tx, "reception_expenses", expenseID)
		if err != nil {
			return err
		}
		if _, err := s.manageable(ctx, tx, a, rid, "edit_expenses"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reception_expenses WHERE id = ?`, expenseID); err != nil {
			return fmt.Errorf("delete expense %d: %w", expenseID, err)
		}
		return auditCase(ctx, tx, now, a, rid, "remove_expense", map[string]any{"expense": expenseID}, nil)
	})
}

// defaultExpenses drafts the budget lines from the application: the
// tier's standard for the party, and each booked arrangement.
func (s *Service) defaultExpenses(ctx context.Context, tx store.Querier, now time.Time, r Reception) error {
	f := r.Form
	lines := []ExpenseInput{{Category: "standard", BudgetFen: r.ImpliedBudgetFen()}}
	if f.CarPickup {
		lines = append(lines, ExpenseInput{Category: "car", Item: f.VehicleType})
	}
	if f.Tickets {
		lines = append(lines, ExpenseInput{Category: "tickets", Item: f.TrainNo})
	}
	for _, ar := range []struct {
		cat string
		a   Arrangement
	}{{"hotel", f.Hotel}, {"lunch", f.Lunch}, {"dinner", f.Dinner}, {"entertainment", f.Entertainment}} {
		if ar.a.Need {
			lines = append(lines, ExpenseInput{Category: ar.cat, Item: ar.a.Place, BudgetFen: ar.a.BudgetFen, Liaison: ar.a.Liaison})
		}
	}
	if f.Gifts {
		lines = append(lines, ExpenseInput{Category: "gifts"})
	}
	for _, in := range lines {
		if err := insertExpense(ctx, tx, now, r.ID, in); err != nil {
			return err
		}
	}
	return nil
}
