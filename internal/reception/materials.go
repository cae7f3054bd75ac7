package reception

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/money"
	"jiedai/internal/store"
)

// StockItem is a reusable thing in the office's inventory (玻璃杯、茶具、果碟、电脑、
// 投影仪、翻页笔…) or a consumable bought per case (白纸、铅笔、签字笔…).
type StockItem struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Category   string `json:"category,omitempty"`
	Unit       string `json:"unit,omitempty"`
	Stock      int    `json:"stock"`
	Out        int    `json:"out"` // lent to cases, not yet checked back
	Consumable bool   `json:"consumable"`
	Note       string `json:"note,omitempty"`
	Active     bool   `json:"active"`
}

// Available is the stock not out on loan.
func (it StockItem) Available() int { return it.Stock - it.Out }

// StockItemInput creates or edits an inventory item.
type StockItemInput struct {
	Name       string `json:"name"`
	Category   string `json:"category,omitempty"`
	Unit       string `json:"unit,omitempty"`
	Stock      int    `json:"stock"`
	Consumable bool   `json:"consumable,omitempty"`
	Note       string `json:"note,omitempty"`
	Active     bool   `json:"active"`
}

func (in *StockItemInput) validate() error {
	trimAll(&in.Name, &in.Category, &in.Unit, &in.Note)
	var l errs.List
	if in.Name == "" {
		l.Add("name", "err.required")
	}
	for _, f := range []struct {
		n, v string
		max  int
	}{{"name", in.Name, MaxShort}, {"category", in.Category, MaxShort}, {"unit", in.Unit, 10}, {"note", in.Note, MaxText}} {
		if utf8.RuneCountInString(f.v) > f.max {
			l.Add(f.n, "err.too_long", "max", f.max)
		}
	}
	if in.Stock < 0 || in.Stock > 100000 {
		l.Add("stock", "err.reception.range", "min", 0, "max", 100000)
	}
	return l.Err()
}

// outQuery counts each item's quantity lent and not yet checked back.
const outQuery = `(SELECT COALESCE(SUM(m.qty), 0) FROM reception_materials m WHERE m.item_id = i.id AND m.purchase = FALSE AND m.borrowed_at IS NOT NULL AND m.checked_at IS NULL)`

// Items lists the inventory by category and name.
func (s *Service) Items(ctx context.Context, a access.Actor, activeOnly bool) ([]StockItem, error) {
	if !a.IsStaff() {
		return nil, errs.Forbid()
	}
	return loadItems(ctx, s.DB, activeOnly, 0)
}

func loadItems(ctx context.Context, q store.Querier, activeOnly bool, id int64) ([]StockItem, error) {
	query := `SELECT i.id, i.name, i.category, i.unit, i.stock, ` + outQuery + `, i.consumable, i.note, i.active FROM reception_items i`
	var args []any
	switch {
	case id != 0:
		query += ` WHERE i.id = ?`
		args = append(args, id)
	case activeOnly:
		query += ` WHERE i.active = TRUE`
	}
	rows, err := q.Query(ctx, query+` ORDER BY i.category, i.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	var out []StockItem
	for rows.Next() {
		var it StockItem
		if err := rows.Scan(&it.ID, &it.Name, &it.Category, &it.Unit, &it.Stock, &it.Out, &it.Consumable, &it.Note, &it.Active); err != nil {
			return nil, fmt.Errorf("scan item: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func getItem(ctx context.Context, q store.Querier, id int64) (StockItem, error) {
	items, err := loadItems(ctx, q, false, id)
	if err != nil {
		return StockItem{}, err
	}
	if len(items) == 0 {
		return StockItem{}, errs.Missing()
	}
	return items[0], nil
}

// SaveItem creates (id 0) or edits an inventory item; the office only.
func (s *Service) SaveItem(ctx context.Context, a access.Actor, id int64, in StockItemInput) (int64, error) {
	if !a.Has(access.Office, access.Supervisor) {
		return 0, errs.Forbid()
	}
	if err := in.validate(); err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		var before any
		if id == 0 {
			id, err = store.InsertID(ctx, tx, `INSERT INTO reception_items (name, category, unit, stock, consumable, note, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				in.Name, in.Category, in.Unit, in.Stock, in.Consumable, in.Note, in.Active, store.Ms(now), store.Ms(now))
		} else {
			var old StockItem
			if old, err = getItem(ctx, tx, id); err != nil {
				return err
			}
			before = old
			_, err = tx.Exec(ctx, `UPDATE reception_items SET name = ?, category = ?, unit = ?, stock = ?, consumable = ?, note = ?, active = ?, updated_at = ? WHERE id = ?`,
				in.Name, in.Category, in.Unit, in.Stock, in.Consumable, in.Note, in.Active, store.Ms(now), id)
			err = store.MapError(err)
		}
		if errors.Is(err, store.ErrConflict) {
			return errs.Field("name", "err.reception.item_exists")
		}
		if err != nil {
			return fmt.Errorf("save item: %w", err)
		}
		return auditEntity(ctx, tx, now, a, "reception_item", id, "save", before, in)
	})
	return id, err
}

// Material is a line of a case's materials checklist (物品清单表).
type Material struct {
	ID          int64     `json:"id"`
	ReceptionID int64     `json:"reception_id"`
	ItemID      int64     `json:"item_id,omitempty"`
	Seq         int       `json:"seq"`
	Name        string    `json:"name"`
	Category    string    `json:"category,omitempty"`
	Qty         int       `json:"qty"`
	OwnerID     int64     `json:"owner_id,omitempty"`
	Purchase    bool      `json:"purchase"`
	UnitCostFen int64     `json:"unit_cost_fen,omitempty"`
	BorrowedAt  time.Time `json:"borrowed_at,omitzero"`
	ReturnedAt  time.Time `json:"returned_at,omitzero"`
	ReturnedQty int       `json:"returned_qty"`
	DamagedQty  int       `json:"damaged_qty"`
	MissingQty  int       `json:"missing_qty"`
	CheckedAt   time.Time `json:"checked_at,omitzero"`
	CheckedBy   int64     `json:"checked_by,omitempty"`
	Note        string    `json:"note,omitempty"`
}

// State is the line's stage: planned, bought, borrowed, returned or checked.
func (m Material) State() string {
	switch {
	case m.Purchase && m.BorrowedAt.IsZero():
		return "planned"
	case m.Purchase:
		return "bought"
	case !m.CheckedAt.IsZero():
		return "checked"
	case !m.ReturnedAt.IsZero():
		return "returned"
	case !m.BorrowedAt.IsZero():
		return "borrowed"
	}
	return "planned"
}

// Flagged reports a line with missing or damaged items.
func (m Material) Flagged() bool { return m.DamagedQty > 0 || m.MissingQty > 0 }

// CostFen is what a purchase cost.
func (m Material) CostFen() int64 {
	if !m.Purchase {
		return 0
	}
	return m.UnitCostFen * int64(m.Qty)
}

// MaterialInput adds a line: an inventory item to borrow, or a purchase.
type MaterialInput struct {
	ItemID      int64  `json:"item_id,omitempty"`
	Name        string `json:"name,omitempty"` // for purchases not in the inventory
	Category    string `json:"category,omitempty"`
	Qty         int    `json:"qty"`
	OwnerID     int64  `json:"owner_id,omitempty"`
	Purchase    bool   `json:"purchase,omitempty"`
	UnitCostFen int64  `json:"unit_cost_fen,omitempty"`
	Note        string `json:"note,omitempty"`
}

const materialCols = `id, reception_id, COALESCE(item_id, 0), seq, name, category, qty, COALESCE(owner_id, 0), purchase, unit_cost_fen, borrowed_at, returned_at,
	returned_qty, damaged_qty, missing_qty, checked_at, COALESCE(checked_by, 0), note`

func scanMaterial(sc interface{ Scan(...any) error }) (Material, error) {
	var m Material
	var bor, ret, chk sql.NullInt64
	err := sc.Scan(&m.ID, &m.ReceptionID, &m.ItemID, &m.Seq, &m.Name, &m.Category, &m.Qty, &m.OwnerID, &m.Purchase, &m.UnitCostFen, &bor, &ret,
		&m.ReturnedQty, &m.DamagedQty, &m.MissingQty, &chk, &m.CheckedBy, &m.Note)
	m.BorrowedAt, m.ReturnedAt, m.CheckedAt = store.NullMs(bor), store.NullMs(ret), store.NullMs(chk)
	return m, err
}

// Materials returns the case's checklist in order.
func (s *Service) Materials(ctx context.Context, a access.Actor, id int64) ([]Material, error) {
	if _, err := s.viewable(ctx, a, id); err != nil {
		return nil, err
	}
	if a.IsClient() {
		return nil, errs.Forbid()
	}
	return loadMaterials(ctx, s.DB, id)
}

func loadMaterials(ctx context.Context, q store.Querier, id int64) ([]Material, error) {
	rows, err := q.Query(ctx, `SELECT `+materialCols+` FROM reception_materials WHERE reception_id = ? ORDER BY seq, id`, id)
	if err != nil {
		return nil, fmt.Errorf("list materials of reception %d: %w", id, err)
	}
	defer rows.Close()
	var out []Material
	for rows.Next() {
		m, err := scanMaterial(rows)
		if err != nil {
			return nil, fmt.Errorf("scan material: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func getMaterial(ctx context.Context, q store.Querier, id int64) (Material, error) {
	m, err := scanMaterial(q.QueryRow(ctx, `SELECT `+materialCols+` FROM reception_materials WHERE id = ?`, id))
	if err != nil {
		return Material{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get material %d", id))
	}
	return m, nil
}

// AddMaterial adds a line to the case's checklist.
func (s *Service) AddMaterial(ctx context.Context, a access.Actor, id int64, in MaterialInput) error {
	trimAll(&in.Name, &in.Category, &in.Note)
	var l errs.List
	if in.Qty <= 0 || in.Qty > 10000 {
		l.Add("qty", "err.reception.range", "min", 1, "max", 10000)
	}
	if in.ItemID == 0 && in.Name == "" {
		l.Add("item_id", "err.reception.item_or_name")
	}
	if in.ItemID == 0 && !in.Purchase {
		l.Add("item_id", "err.reception.borrow_needs_item")
	}
	if utf8.RuneCountInString(in.Name) > MaxShort || utf8.RuneCountInString(in.Category) > MaxShort {
		l.Add("name", "err.too_long", "max", MaxShort)
	}
	if utf8.RuneCountInString(in.Note) > MaxText {
		l.Add("note", "err.too_long", "max", MaxText)
	}
	if in.UnitCostFen < 0 || in.UnitCostFen > MaxBudgetFen {
		l.Add("unit_cost", "err.reception.money")
	}
	cost, ok := int64(0), true
	if in.Purchase {
		cost, ok = money.Mul(in.UnitCostFen, int64(in.Qty))
	}
	if !ok && len(l) == 0 {
		l = append(l, money.TooLarge("unit_cost"))
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.manageable(ctx, tx, a, id, "edit_materials"); err != nil {
			return err
		}
		if in.ItemID != 0 {
			it, err := getItem(ctx, tx, in.ItemID)
			if err != nil {
				l.Add("item_id", "err.not_found")
			} else {
				in.Name, in.Category = it.Name, it.Category
				if !it.Active {
					l.Add("item_id", "err.reception.item_inactive")
				}
			}
		}
		if in.OwnerID != 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE id = ? AND active = TRUE`, in.OwnerID).Scan(&n); err != nil {
				return fmt.Errorf("check owner: %w", err)
			}
			if n == 0 {
				l.Add("owner_id", "err.not_found")
			}
		}
		if err := l.Err(); err != nil {
			return err
		}
		var bought int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(unit_cost_fen * qty), 0) FROM reception_materials WHERE reception_id = ? AND purchase`, id).Scan(&bought); err != nil {
			return fmt.Errorf("total purchases of reception %d: %w", id, err)
		}
		if _, ok := money.Sum(bought, cost); !ok {
			return money.TooLarge("unit_cost")
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM reception_materials WHERE reception_id = ?`, id).Scan(&seq); err != nil {
			return fmt.Errorf("next material seq: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reception_materials (reception_id, item_id, seq, name, category, qty, owner_id, purchase, unit_cost_fen, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, store.IDOrNil(in.ItemID), seq, in.Name, in.Category, in.Qty, store.IDOrNil(in.OwnerID), in.Purchase, in.UnitCostFen, in.Note, store.Ms(now), store.Ms(now)); err != nil {
			return fmt.Errorf("insert material: %w", err)
		}
		return auditCase(ctx, tx, now, a, id, "add_material", nil, in)
	})
}

// RemoveMaterial deletes a line that has not been borrowed or bought.
func (s *Service) RemoveMaterial(ctx context.Context, a access.Actor, materialID int64) error {
	return s.materialStep(ctx, a, materialID, "remove_material", func(tx *store.Tx, now time.Time, m Material) error {
		if !m.BorrowedAt.IsZero() {
			return errs.New(errs.Conflict, "err.reception.material_in_use")
		}
		_, err := tx.Exec(ctx, `DELETE FROM reception_materials WHERE id = ?`, m.ID)
		return err
	})
}

// Borrow takes a line's items out of the inventory (or records a purchase
// as bought), refusing more than is available.
func (s *Service) Borrow(ctx context.Context, a access.Actor, materialID int64) error {
	return s.materialStep(ctx, a, materialID, "borrow", func(tx *store.Tx, now time.Time, m Material) error {
		if !m.BorrowedAt.IsZero() {
			return errs.New(errs.Conflict, "err.reception.already_borrowed")
		}
		if !m.Purchase {
			it, err := getItem(ctx, tx, m.ItemID)
			if err != nil {
				return err
			}
			if it.Available() < m.Qty {
				return errs.New(errs.Conflict, "err.reception.not_enough", "name", it.Name, "n", it.Available())
			}
		}
		_, err := tx.Exec(ctx, `UPDATE reception_materials SET borrowed_at = ?, borrowed_by = ?, updated_at = ? WHERE id = ? AND borrowed_at IS NULL`,
			store.Ms(now), store.IDOrNil(a.UserID), store.Ms(now), m.ID)
		return err
	})
}

// Return records what came back of a borrowed line: returned in good
// order, damaged and missing must add up to the quantity lent.
func (s *Service) Return(ctx context.Context, a access.Actor, materialID int64, returned, damaged, missing int, note string) error {
	note = strings.TrimSpace(note)
	return s.materialStep(ctx, a, materialID, "return", func(tx *store.Tx, now time.Time, m Material) error {
		if m.Purchase {
			return errs.New(errs.Conflict, "err.reception.purchase_no_return")
		}
		if m.BorrowedAt.IsZero() || !m.CheckedAt.IsZero() {
			return materialStateError(m.State(), "return_material")
		}
		if returned < 0 || damaged < 0 || missing < 0 || returned+damaged+missing != m.Qty {
			return errs.Field("returned_qty", "err.reception.return_sum", "n", m.Qty)
		}
		if (damaged > 0 || missing > 0) && note == "" {
			return errs.Field("note", "err.reception.loss_note")
		}
		if utf8.RuneCountInString(note) > MaxText {
			return errs.Field("note", "err.too_long", "max", MaxText)
		}
		if note == "" {
			note = m.Note
		}
		_, err := tx.Exec(ctx, `UPDATE reception_materials SET returned_at = ?, returned_by = ?, returned_qty = ?, damaged_qty = ?, missing_qty = ?, note = ?, updated_at = ? WHERE id = ?`,
			store.Ms(now), store.IDOrNil(a.UserID), returned, damaged, missing, note, store.Ms(now), m.ID)
		return err
	})
}

// Check confirms a returned line (检查); missing and damaged items come
// off the inventory's stock.
func (s *Service) Check(ctx context.Context, a access.Actor, materialID int64) error {
	return s.materialStep(ctx, a, materialID, "check", func(tx *store.Tx, now time.Time, m Material) error {
		if m.ReturnedAt.IsZero() || !m.CheckedAt.IsZero() {
			return materialStateError(m.State(), "check")
		}
		if lost := m.DamagedQty + m.MissingQty; lost > 0 {
			if _, err := tx.Exec(ctx, `UPDATE reception_items SET stock = CASE WHEN stock > ? THEN stock - ? ELSE 0 END, updated_at = ? WHERE id = ?`,
				lost, lost, store.Ms(now), m.ItemID); err != nil {
				return fmt.Errorf("reduce stock of item %d: %w", m.ItemID, err)
			}
		}
		_, err := tx.Exec(ctx, `UPDATE reception_materials SET checked_at = ?, checked_by = ?, updated_at = ? WHERE id = ?`, store.Ms(now), store.IDOrNil(a.UserID), store.Ms(now), m.ID)
		return err
	})
}

func (s *Service) materialStep(ctx context.Context, a access.Actor, materialID int64, action string, fn func(tx *store.Tx, now time.Time, m Material) error) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := getMaterial(ctx, tx, materialID)
		if err != nil {
			return err
		}
		if _, err := s.manageable(ctx, tx, a, m.ReceptionID, "edit_materials"); err != nil {
			return err
		}
		if err := fn(tx, now, m); err != nil {
			return err
		}
		after, err := getMaterial(ctx, tx, materialID)
		if err != nil && action != "remove_material" {
			return err
		}
		return auditCase(ctx, tx, now, a, m.ReceptionID, action, m, after)
	})
}

// Reconciliation sums up a case's materials for the wrap-up.
type Reconciliation struct {
	Lines       int   `json:"lines"`
	Out         int   `json:"out"`       // borrowed, not returned
	Unchecked   int   `json:"unchecked"` // returned, not checked
	Damaged     int   `json:"damaged"`
	Missing     int   `json:"missing"`
	PurchaseFen int64 `json:"purchase_fen"`
}

// Reconcile totals the checklist.
func Reconcile(ms []Material) Reconciliation {
	var r Reconciliation
	for _, m := range ms {
		r.Lines++
		r.PurchaseFen += m.CostFen()
		if m.Purchase {
			continue
		}
		switch m.State() {
		case "borrowed":
			r.Out++
		case "returned":
			r.Unchecked++
		}
		r.Damaged += m.DamagedQty
		r.Missing += m.MissingQty
	}
	return r
}

// materialStateError refuses an action a checklist line's stage does not allow.
func materialStateError(state, action string) error {
	return &errs.Error{Kind: errs.Conflict, Key: "err.bad_transition", Args: map[string]any{
		"from":   i18n.Msg{Key: "reception.mstate." + state},
		"action": i18n.Msg{Key: "reception.action." + action},
	}}
}
