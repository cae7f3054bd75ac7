package billing

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
)

// Units a price may be charged by.
var PriceUnits = []string{"item", "page", "hour", "day", "month", "sqm_month", "key", "time", "set", "percent"}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,39}$`)

const listCols = `l.id, l.version, l.title, l.notes, l.status, l.effective_from, l.effective_to, l.created_at, l.published_at, COALESCE(u.display_name, '')`

func scanList(sc interface{ Scan(...any) error }) (PriceList, error) {
	var x PriceList
	var created int64
	var pub sql.NullInt64
	err := sc.Scan(&x.ID, &x.Version, &x.Title, &x.Notes, &x.Status, &x.EffectiveFrom, &x.EffectiveTo, &created, &pub, &x.PublishedBy)
	x.CreatedAt, x.PublishedAt = store.Time(created), store.NullMs(pub)
	return x, err
}

func getList(ctx context.Context, q store.Querier, id int64) (PriceList, error) {
	x, err := scanList(q.QueryRow(ctx, `SELECT `+listCols+` FROM billing_price_lists l LEFT JOIN users u ON u.id = l.published_by WHERE l.id = ?`, id))
	if err != nil {
		return x, wrap(err, "read price list")
	}
	x.Prices, err = listPrices(ctx, q, id)
	return x, err
}

const priceCols = `p.id, p.list_id, p.section, p.code, p.name_zh, p.name_hant, p.name_en, p.unit, p.unit_fen, p.percent_bp, p.tax_rate_bp, p.fapiao_item, p.client_bookable, p.note, p.seq`

func scanPrice(sc interface{ Scan(...any) error }) (Price, error) {
	var p Price
	err := sc.Scan(&p.ID, &p.ListID, &p.Section, &p.Code, &p.NameZh, &p.NameHant, &p.NameEn, &p.Unit, &p.UnitFen, &p.PercentBP, &p.TaxRateBP, &p.FapiaoItem, &p.ClientBookable, &p.Note, &p.Seq)
	return p, err
}

func listPrices(ctx context.Context, q store.Querier, listID int64) ([]Price, error) {
	rows, err := q.Query(ctx, `SELECT `+priceCols+` FROM billing_prices p WHERE p.list_id = ? ORDER BY p.seq, p.id`, listID)
	if err != nil {
		return nil, fmt.Errorf("list prices: %w", err)
	}
	defer rows.Close()
	out := []Price{}
	for rows.Next() {
		p, err := scanPrice(rows)
		if err != nil {
			return nil, fmt.Errorf("read price: %w", err)
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b Price) int { return slices.Index(Sections, a.Section) - slices.Index(Sections, b.Section) })
	return out, rows.Err()
}

// PriceLists lists every version, newest first, without their prices.
// The price list is public (六(一)2: 公示); drafts only for those who price.
func (s *Service) PriceLists(ctx context.Context, a access.Actor) ([]PriceList, error) {
	where := "l.status = 'published'"
	if CanPrice(a) || CanRead(a) {
		where = "1=1"
	}
	rows, err := s.DB.Query(ctx, `SELECT `+listCols+` FROM billing_price_lists l LEFT JOIN users u ON u.id = l.published_by WHERE `+where+` ORDER BY l.version DESC`)
	if err != nil {
		return nil, fmt.Errorf("list price lists: %w", err)
	}
	defer rows.Close()
	var out []PriceList
	for rows.Next() {
		x, err := scanList(rows)
		if err != nil {
			return nil, fmt.Errorf("read price list: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fillEnds(out)
	return out, nil
}

// fillEnds shows, for a published version without an end of its own, the
// day before the next published version takes effect (lists newest first).
func fillEnds(lists []PriceList) {
	next := ""
	for i := range lists {
		if lists[i].Status != ListPublished {
			continue
		}
		if lists[i].EffectiveTo == "" && next != "" {
			if t, err := time.Parse("2006-01-02", next); err == nil {
				lists[i].EffectiveTo = t.AddDate(0, 0, -1).Format("2006-01-02")
			}
		}
		next = lists[i].EffectiveFrom
	}
}

// PriceList returns one version with its prices.
func (s *Service) PriceList(ctx context.Context, a access.Actor, id int64) (PriceList, error) {
	x, err := getList(ctx, s.DB, id)
	if err != nil {
		return x, err
	}
	if x.Status != ListPublished && !CanPrice(a) && !CanRead(a) {
		return PriceList{}, errs.Missing()
	}
	return x, nil
}

// currentListID returns the published version in effect on day (0 if none).
func currentListID(ctx context.Context, q store.Querier, day string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM billing_price_lists WHERE status = 'published' AND effective_from <= ? AND (effective_to = '' OR effective_to >= ?)
 ORDER BY effective_from DESC, version DESC LIMIT 1`, day, day).Scan(&id)
	if store.IsNoRows(err) {
		return 0, nil
	}
	return id, wrap(err, "find current price list")
}

// Current returns the price list in effect today, or ok false when none
// is published yet. Clients and the public see only client-bookable items.
func (s *Service) Current(ctx context.Context, a access.Actor) (PriceList, bool, error) {
	id, err := currentListID(ctx, s.DB, s.day(s.Clock.Now()))
	if err != nil || id == 0 {
		return PriceList{}, false, err
	}
	x, err := getList(ctx, s.DB, id)
	if err != nil {
		return x, false, err
	}
	if !a.IsStaff() {
		x.Prices = slices.DeleteFunc(x.Prices, func(p Price) bool { return !p.ClientBookable })
	}
	if lists, err := s.PriceLists(ctx, access.Actor{}); err == nil {
		for _, l := range lists {
			if l.ID == x.ID {
				x.EffectiveTo = l.EffectiveTo
			}
		}
	}
	return x, true, nil
}

// effectivePrice returns a price of the version in effect on day.
func effectivePrice(ctx context.Context, q store.Querier, priceID int64, day string) (Price, error) {
	p, err := scanPrice(q.QueryRow(ctx, `SELECT `+priceCols+` FROM billing_prices p WHERE p.id = ?`, priceID))
	if err != nil {
		if store.IsNoRows(err) {
			return p, errs.Field("price", "err.not_found")
		}
		return p, fmt.Errorf("read price: %w", err)
	}
	cur, err := currentListID(ctx, q, day)
	if err != nil {
		return p, err
	}
	if cur == 0 || p.ListID != cur {
		return p, errs.Field("price", "err.billing.price_not_current")
	}
	return p, nil
}

// ListInput opens a draft version: its title, the day it takes effect, an
// optional last day, and notes. A new draft copies the current version's prices.
type ListInput struct {
	Title         string
	Notes         string
	EffectiveFrom string
	EffectiveTo   string
}

func (in *ListInput) check() error {
	var l errs.List
	in.Title = checkText(&l, "title", in.Title, 100, true)
	in.Notes = checkText(&l, "notes", in.Notes, 1000, false)
	in.EffectiveFrom = parseDate(&l, "effective_from", in.EffectiveFrom, true)
	in.EffectiveTo = parseDate(&l, "effective_to", in.EffectiveTo, false)
	if in.EffectiveTo != "" && in.EffectiveFrom != "" && in.EffectiveTo < in.EffectiveFrom {
		l.Add("effective_to", "err.billing.to_before_from")
	}
	return l.Err()
}

// CreateDraft opens a new draft version, copying the prices of the latest version.
func (s *Service) CreateDraft(ctx context.Context, a access.Actor, in ListInput) (PriceList, error) {
	if !CanPrice(a) {
		return PriceList{}, errs.Forbid()
	}
	if err := in.check(); err != nil {
		return PriceList{}, err
	}
	now := s.Clock.Now()
	var out PriceList
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var version int
		var last sql.NullInt64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0), MAX(id) FROM billing_price_lists`).Scan(&version, &last); err != nil {
			return fmt.Errorf("next version: %w", err)
		}
		var drafts int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM billing_price_lists WHERE status = 'draft'`).Scan(&drafts); err != nil {
			return fmt.Errorf("count drafts: %w", err)
		}
		if drafts > 0 {
			return errs.New(errs.Conflict, "err.billing.draft_exists")
		}
		id, err := store.InsertID(ctx, tx, `INSERT INTO billing_price_lists (version, title, notes, status, effective_from, effective_to, created_by, created_at)
 VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)`, version+1, in.Title, in.Notes, in.EffectiveFrom, in.EffectiveTo, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert price list: %w", err)
		}
		if last.Valid {
			if _, err := tx.Exec(ctx, `INSERT INTO billing_prices (list_id, section, code, name_zh, name_hant, name_en, unit, unit_fen, percent_bp, tax_rate_bp, fapiao_item, client_bookable, note, seq)
 SELECT ?, section, code, name_zh, name_hant, name_en, unit, unit_fen, percent_bp, tax_rate_bp, fapiao_item, client_bookable, note, seq FROM billing_prices WHERE list_id = ?`, id, last.Int64); err != nil {
				return fmt.Errorf("copy prices: %w", err)
			}
		}
		if out, err = getList(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPriceList, id, "draft", nil, out)
	})
	return out, err
}

// PriceInput is a priced item of a draft.
type PriceInput struct {
	Section        string
	Code           string
	NameZh         string
	NameHant       string
	NameEn         string
	Unit           string
	UnitFen        int64
	PercentBP      int
	TaxRateBP      int
	FapiaoItem     string
	ClientBookable bool
	Note           string
	Seq            int
}

func (in *PriceInput) check() error {
	var l errs.List
	if !slices.Contains(Sections, in.Section) {
		l.Add("section", "err.invalid")
	}
	if !codeRE.MatchString(in.Code) {
		l.Add("code", "err.billing.code")
	}
	in.NameZh = checkText(&l, "name_zh", in.NameZh, 100, true)
	in.NameHant = checkText(&l, "name_hant", in.NameHant, 100, false)
	in.NameEn = checkText(&l, "name_en", in.NameEn, 100, false)
	if !slices.Contains(PriceUnits, in.Unit) {
		l.Add("unit", "err.invalid")
	}
	money.Check(&l, "unit_price", in.UnitFen)
	if in.PercentBP < 0 || in.PercentBP > 10000 {
		l.Add("percent", "err.billing.percent")
	}
	if in.Unit == "percent" && in.PercentBP == 0 {
		l.Add("percent", "err.required")
	}
	if in.TaxRateBP < 0 || in.TaxRateBP > 10000 {
		l.Add("tax_rate", "err.billing.percent")
	}
	in.FapiaoItem = checkText(&l, "fapiao_item", in.FapiaoItem, 100, false)
	in.Note = checkText(&l, "note", in.Note, 200, false)
	if in.Seq < 0 || in.Seq > 100000 {
		l.Add("seq", "err.invalid")
	}
	return l.Err()
}

// draftForEdit locks a version for a change and refuses a published one.
func draftForEdit(ctx context.Context, tx store.Querier, listID int64) (PriceList, error) {
	x, err := getList(ctx, tx, listID)
	if err != nil {
		return x, err
	}
	if x.Status != ListDraft {
		return x, errs.New(errs.Conflict, "err.billing.published_frozen")
	}
	return x, nil
}

// SavePrice adds a price to a draft, or replaces the draft's price with
// the same code. A published version is never edited.
func (s *Service) SavePrice(ctx context.Context, a access.Actor, listID int64, in PriceInput) (PriceList, error) {
	if !CanPrice(a) {
		return PriceList{}, errs.Forbid()
	}
	if err := in.check(); err != nil {
		return PriceList{}, err
	}
	now := s.Clock.Now()
	var out PriceList
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := draftForEdit(ctx, tx, listID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM billing_prices WHERE list_id = ? AND code = ?`, listID, in.Code); err != nil {
			return fmt.Errorf("replace price: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO billing_prices (list_id, section, code, name_zh, name_hant, name_en, unit, unit_fen, percent_bp, tax_rate_bp, fapiao_item, client_bookable, note, seq)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, listID, in.Section, in.Code, in.NameZh, in.NameHant, in.NameEn, in.Unit, in.UnitFen, in.PercentBP,
			in.TaxRateBP, in.FapiaoItem, in.ClientBookable, in.Note, in.Seq); err != nil {
			return fmt.Errorf("insert price: %w", err)
		}
		if out, err = getList(ctx, tx, listID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPriceList, listID, "price", before, out)
	})
	return out, err
}

// DeletePrice removes a price from a draft.
func (s *Service) DeletePrice(ctx context.Context, a access.Actor, listID int64, code string) (PriceList, error) {
	if !CanPrice(a) {
		return PriceList{}, errs.Forbid()
	}
	now := s.Clock.Now()
	var out PriceList
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := draftForEdit(ctx, tx, listID)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM billing_prices WHERE list_id = ? AND code = ?`, listID, code)
		if err != nil {
			return fmt.Errorf("delete price: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Missing()
		}
		if out, err = getList(ctx, tx, listID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPriceList, listID, "price_delete", before, out)
	})
	return out, err
}

// Publish makes a draft the price list from its effective date on. It must
// take effect today or later, and after every published version; from then
// on it is never edited, only replaced by a newer version.
func (s *Service) Publish(ctx context.Context, a access.Actor, listID int64) (PriceList, error) {
	if !CanPrice(a) {
		return PriceList{}, errs.Forbid()
	}
	now := s.Clock.Now()
	var out PriceList
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := draftForEdit(ctx, tx, listID)
		if err != nil {
			return err
		}
		if len(before.Prices) == 0 {
			return errs.Field("prices", "err.billing.no_prices")
		}
		if before.EffectiveFrom < s.day(now) {
			return errs.Field("effective_from", "err.billing.from_past")
		}
		var latest string
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(effective_from), '') FROM billing_price_lists WHERE status = 'published'`).Scan(&latest); err != nil {
			return fmt.Errorf("latest published: %w", err)
		}
		if latest != "" && before.EffectiveFrom <= latest {
			return errs.Field("effective_from", "err.billing.from_after", "date", latest)
		}
		if _, err := tx.Exec(ctx, `UPDATE billing_price_lists SET status = 'published', published_by = ?, published_at = ? WHERE id = ?`,
			store.IDOrNil(a.UserID), store.Ms(now), listID); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		if out, err = getList(ctx, tx, listID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPriceList, listID, "publish", before, out)
	})
	return out, err
}

// PriceByCode returns the price with code in the version in effect on day,
// for areas that bill a fixed item (e.g. key cutting).
func PriceByCode(ctx context.Context, q store.Querier, code, day string) (Price, error) {
	id, err := currentListID(ctx, q, day)
	if err != nil {
		return Price{}, err
	}
	p, err := scanPrice(q.QueryRow(ctx, `SELECT `+priceCols+` FROM billing_prices p WHERE p.list_id = ? AND p.code = ?`, id, code))
	if store.IsNoRows(err) {
		return p, errs.Field("price", "err.billing.price_not_current")
	}
	return p, wrap(err, "read price")
}
