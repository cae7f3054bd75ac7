package booking

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/billing"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// Statement is the itemised statement (费用明细) of a booking: room time by
// the rate card, the services actually used, a discount with its reason,
// a late-cancellation fee, and the payment and invoice. What was paid is
// read from the billing ledger (the booking's charge), never stored here.
type Statement struct {
	BookingID      int64     `json:"booking_id"`
	Draft          bool      `json:"draft" doc:"Not yet settled: worked out from the booking"`
	RoomFen        int64     `json:"room_fen"`
	RoomBasis      string    `json:"room_basis"`
	Lines          []Item    `json:"lines"`
	AddonsFen      int64     `json:"addons_fen"`
	CancelFee      int64     `json:"cancel_fee_fen"`
	DiscountFen    int64     `json:"discount_fen"`
	DiscountReason string    `json:"discount_reason,omitempty"`
	TotalFen       int64     `json:"total_fen"`
	PaidFen        int64     `json:"paid_fen" doc:"Paid on the booking's charge in the billing ledger"`
	PayMethod      string    `json:"pay_method,omitempty" doc:"Method of the latest payment"`
	PaidAt         time.Time `json:"paid_at,omitzero" doc:"Time of the latest payment"`
	AccountID      int64     `json:"account_id,omitempty" doc:"The billing account charged"`
	ChargeID       int64     `json:"charge_id,omitempty" doc:"The booking's charge in the billing ledger"`
	InvoiceNo      string    `json:"invoice_no,omitempty"`
	InvoiceDate    string    `json:"invoice_date,omitempty"`
	SettledBy      string    `json:"settled_by,omitempty"`
	SettledAt      time.Time `json:"settled_at,omitzero"`
}

// Paid reports whether the statement is paid in full.
func (st Statement) Paid() bool { return !st.Draft && st.PaidFen >= st.TotalFen }

// CanSettle reports whether the actor settles bookings: office and finance.
func CanSettle(a access.Actor) bool { return a.Has(access.Office, access.Finance) }

// settleable reports whether a booking in this status can be charged.
func settleable(b Booking) bool {
	return b.Status == StatusCompleted || b.Status == StatusInUse || (b.Status == StatusCancelled && b.CancelFee > 0) || b.Status == StatusNoShow
}

// Statement returns the settlement of a booking, or a draft worked out from
// the rate card while it is not settled. Office, finance, and the owners.
func (s *Service) Statement(ctx context.Context, a access.Actor, id int64) (Statement, error) {
	b, err := s.Get(ctx, a, id)
	if err != nil {
		return Statement{}, err
	}
	if b.Redacted || (!CanSettle(a) && !canManage(a, b)) {
		return Statement{}, errs.Forbid()
	}
	return s.statement(ctx, s.DB, b)
}

func (s *Service) statement(ctx context.Context, q store.Querier, b Booking) (Statement, error) {
	v, err := s.Venues.Get(ctx, q, b.VenueID)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{BookingID: b.ID, CancelFee: b.CancelFee}
	var by sql.NullString
	var settled int64
	err = q.QueryRow(ctx, `SELECT s.room_fen, s.room_note, s.addons_fen, s.discount_fen, s.discount_reason, s.total_fen,
 s.invoice_no, s.invoice_date, u.display_name, s.settled_at FROM booking_settlements s LEFT JOIN users u ON u.id = s.settled_by WHERE s.booking_id = ?`, b.ID).Scan(
		&st.RoomFen, &st.RoomBasis, &st.AddonsFen, &st.DiscountFen, &st.DiscountReason, &st.TotalFen,
		&st.InvoiceNo, &st.InvoiceDate, &by, &settled)
	if store.IsNoRows(err) {
		st.Draft = true
		if b.Status != StatusCancelled {
			st.RoomFen, st.RoomBasis = v.RoomFee(b.RateTier, b.Duration())
			st.Lines = b.Items
		} else {
			st.Lines = []Item{}
		}
		for _, it := range st.Lines {
			st.AddonsFen += it.Amount
		}
		st.TotalFen = st.RoomFen + st.AddonsFen + st.CancelFee
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read settlement: %w", err)
	}
	st.SettledAt, st.SettledBy = store.Time(settled), by.String
	paid, err := billing.SourcePaid(ctx, q, billing.SourceBooking, b.ID)
	if err != nil {
		return st, err
	}
	st.PaidFen, st.PayMethod, st.PaidAt, st.AccountID, st.ChargeID = paid.PaidFen, paid.Method, paid.At, paid.AccountID, paid.ChargeID
	if st.Lines, err = s.items(ctx, q, b.ID, "actual"); err != nil {
		return st, err
	}
	return st, nil
}

// ActualLine is a service used, at the rate card's price unless given.
type ActualLine struct {
	AddonID int64
	Name    string // for a line not on the rate card
	Qty     int
	UnitFen int64 // for a line not on the rate card
}

// SettleInput records the settlement of a booking.
type SettleInput struct {
	Lines          []ActualLine
	DiscountFen    int64
	DiscountReason string
	// A payment received with the settlement, recorded in the billing
	// ledger against the booking's charge (rest as account credit).
	PaidFen      int64
	PayMethod    string // one of the site's payment methods; empty while unpaid
	PayReference string // cheque number, bank reference, card last 4
	PaidAt       time.Time
	InvoiceNo    string
	InvoiceDate  string // YYYY-MM-DD
}

// Settle writes (or rewrites) the statement of a used booking, or of a
// late cancellation (office, finance): room time by the rate card, the
// services actually used, a discount with its reason, and the invoice. In
// the same transaction it posts (or updates) the booking's charge in the
// billing ledger and records a payment taken with it.
func (s *Service) Settle(ctx context.Context, a access.Actor, id int64, in SettleInput) (Statement, error) {
	if !CanSettle(a) {
		return Statement{}, s.refuse(ctx, a, id)
	}
	in.DiscountReason, in.InvoiceNo, in.InvoiceDate = strings.TrimSpace(in.DiscountReason), strings.TrimSpace(in.InvoiceNo), strings.TrimSpace(in.InvoiceDate)
	var l errs.List
	money.Check(&l, "discount", in.DiscountFen)
	if in.DiscountFen > 0 && in.DiscountReason == "" {
		l.Add("discount_reason", "err.booking_discount_reason")
	}
	if utf8.RuneCountInString(in.DiscountReason) > 200 {
		l.Add("discount_reason", "err.too_long", "max", 200)
	}
	money.Check(&l, "paid", in.PaidFen)
	methods, err := billing.PayMethods(ctx, s.DB)
	if err != nil {
		return Statement{}, err
	}
	if in.PayMethod != "" && !slices.Contains(methods, in.PayMethod) {
		l.Add("pay_method", "err.invalid")
	}
	if in.PaidFen > 0 && in.PayMethod == "" {
		l.Add("pay_method", "err.required")
	}
	if utf8.RuneCountInString(in.InvoiceNo) > 40 {
		l.Add("invoice_no", "err.too_long", "max", 40)
	}
	if in.InvoiceDate != "" {
		if _, err := time.Parse("2006-01-02", in.InvoiceDate); err != nil {
			l.Add("invoice_date", "err.bad_date")
		}
	}
	if len(in.Lines) > 50 {
		l.Add("lines", "err.invalid")
	}
	for _, ln := range in.Lines {
		if ln.Qty < 1 || ln.Qty > 10000 || ln.UnitFen < 0 || (ln.AddonID == 0 && strings.TrimSpace(ln.Name) == "") {
			l.Add("lines", "err.booking_item")
			break
		}
		if ln.UnitFen > money.Max {
			l = append(l, money.TooLarge("lines"))
			break
		}
	}
	if err := l.Err(); err != nil {
		return Statement{}, err
	}
	now := s.Clock.Now()
	var out Statement
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !settleable(b) {
			return stateErr(b.Status, "settle")
		}
		v, err := s.Venues.Get(ctx, tx, b.VenueID)
		if err != nil {
			return err
		}
		addons, err := s.Venues.Addons(ctx, tx, false)
		if err != nil {
			return err
		}
		var room int64
		basis := ""
		if b.Status != StatusCancelled {
			room, basis = v.RoomFee(b.RateTier, b.Duration())
		}
		var lines []Item
		var addonsFen int64
		for _, ln := range in.Lines {
			it := Item{Name: strings.TrimSpace(ln.Name), Unit: "unit", Qty: ln.Qty, UnitFen: ln.UnitFen}
			if ln.AddonID != 0 {
				i := slices.IndexFunc(addons, func(x venue.Addon) bool { return x.ID == ln.AddonID })
				if i < 0 {
					return errs.Field("lines", "err.booking_item")
				}
				it.AddonID, it.Name, it.Unit, it.UnitFen = ln.AddonID, addons[i].Name, addons[i].Unit, addons[i].Price(b.RateTier)
			}
			var ok bool
			if it.Amount, ok = money.Mul(it.UnitFen, int64(it.Qty)); !ok {
				return money.TooLarge("lines")
			}
			if addonsFen, ok = money.Sum(addonsFen, it.Amount); !ok {
				return money.TooLarge("lines")
			}
			lines = append(lines, it)
		}
		due, ok := money.Sum(room, addonsFen, b.CancelFee)
		if !ok {
			return money.TooLarge("lines")
		}
		total := due - in.DiscountFen
		if total < 0 {
			return errs.Field("discount", "err.booking_discount_too_big")
		}
		before, err := s.statement(ctx, tx, b)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM booking_items WHERE booking_id = ? AND phase = 'actual'`, id); err != nil {
			return fmt.Errorf("replace statement lines: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM booking_settlements WHERE booking_id = ?`, id); err != nil {
			return fmt.Errorf("replace settlement: %w", err)
		}
		for _, it := range lines {
			if _, err := tx.Exec(ctx, `INSERT INTO booking_items (booking_id, phase, addon_id, name, unit, qty, unit_fen, amount_fen) VALUES (?, 'actual', ?, ?, ?, ?, ?, ?)`,
				id, store.IDOrNil(it.AddonID), it.Name, it.Unit, it.Qty, it.UnitFen, it.Amount); err != nil {
				return fmt.Errorf("insert statement line: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO booking_settlements (booking_id, room_fen, room_note, addons_fen, discount_fen, discount_reason, total_fen,
 invoice_no, invoice_date, settled_by, settled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, room, basis, addonsFen, in.DiscountFen, in.DiscountReason, total,
			in.InvoiceNo, in.InvoiceDate, store.IDOrNil(a.UserID), store.Ms(now)); err != nil {
			return fmt.Errorf("insert settlement: %w", err)
		}
		if err := s.postCharge(ctx, tx, now, a, b, v, total, in); err != nil {
			return err
		}
		out, err = s.statement(ctx, tx, b)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditEntity, id, "settle", before, out)
	})
	return out, err
}

// ChargeTaxBP is the VAT rate of venue and meeting services (现代服务 6%),
// in basis points, on a booking's charge.
const ChargeTaxBP = 600

// postCharge writes the booking's charge in the billing ledger (the
// client organisation's account, the department's for an internal booking,
// or a one-off walk-in account), due on the day of settlement, and records
// a payment taken with the settlement against it.
func (s *Service) postCharge(ctx context.Context, tx *store.Tx, now time.Time, a access.Actor, b Booking, v venue.Venue, total int64, in SettleInput) error {
	party := billing.Party{OrgID: b.OrgID, Origin: "booking:" + strconv.FormatInt(b.ID, 10), Name: b.ClientName,
		ContactName: b.ContactName, Phone: b.ContactPhone, Email: b.ContactEmail}
	if b.OrgID == 0 && b.Purpose == PurposeInternal && b.DepartmentID != 0 {
		party.DepartmentID = b.DepartmentID
	}
	if party.Name == "" {
		party.Name = b.Title
	}
	desc := b.Title + " · " + v.Name + " " + b.Start.In(s.Loc).Format("2006-01-02")
	c, err := billing.PostCharge(ctx, tx, now, a, billing.ChargeInput{Party: party, Source: billing.SourceBooking, SourceID: b.ID,
		Description: desc, AmountFen: total, TaxRateBP: ChargeTaxBP, DueOn: now.In(s.Loc).Format("2006-01-02")})
	if err != nil {
		return err
	}
	if in.PaidFen <= 0 {
		return nil
	}
	if !billing.CanKeep(a) && in.PaidFen > c.Outstanding() {
		return errs.Field("paid", "err.billing.over_outstanding", "outstanding", billing.Yuan(c.Outstanding()))
	}
	share := min(in.PaidFen, c.Outstanding())
	pay := billing.PaymentInput{AccountID: c.AccountID, AmountFen: in.PaidFen, Method: in.PayMethod, Reference: in.PayReference,
		ReceivedAt: in.PaidAt, Source: billing.SourceBooking, SourceID: b.ID}
	if share > 0 {
		pay.Shares = []billing.Share{{ChargeID: c.ID, AmountFen: share}}
	}
	_, err = billing.RecordPaymentTx(ctx, tx, now, a, pay)
	return err
}
