// Package booking runs venue bookings (预订): request, review, confirmation
// letter with a reply-by deadline, priority bumps, recurrence, run sheets,
// check-in and no-show, completion and settlement, and calendars.
//
// A booking holds its venue's time, widened by the venue's setup and
// teardown buffers, from the moment it is accepted until it is rejected,
// cancelled, forfeited, bumped or released. No two bookings holding time of
// one venue ever overlap: the check runs inside the writing transaction,
// and the database refuses overlaps itself (an exclusion constraint on
// PostgreSQL, a trigger on SQLite).
package booking

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/venue"
	"jiedai/internal/workday"
)

// Statuses of a booking.
const (
	StatusPending   = "pending"   // requested, waiting for the office
	StatusApproved  = "approved"  // accepted, waiting for the client's reply by ReplyBy
	StatusConfirmed = "confirmed" // accepted and confirmed
	StatusInUse     = "in_use"    // checked in
	StatusCompleted = "completed" // finished
	StatusRejected  = "rejected"
	StatusCancelled = "cancelled"
	StatusForfeited = "forfeited" // not confirmed by the reply-by deadline
	StatusBumped    = "bumped"    // displaced by a higher-priority meeting
	StatusNoShow    = "no_show"   // not checked in in time
	StatusLapsed    = "lapsed"    // still waiting for the office when it was due to start
)

// Statuses lists every status in display order.
var Statuses = []string{StatusPending, StatusApproved, StatusConfirmed, StatusInUse, StatusCompleted, StatusRejected, StatusCancelled, StatusForfeited, StatusLapsed, StatusBumped, StatusNoShow}

// holds reports whether a booking in status st holds its slot.
func holds(st string) bool {
	switch st {
	case StatusPending, StatusApproved, StatusConfirmed, StatusInUse, StatusCompleted:
		return true
	}
	return false
}

// Purposes, channels and priorities.
const (
	PurposeInternal = "internal"
	PurposeClient   = "client"

	PriorityNormal    = "normal"
	PriorityImportant = "important"
	PriorityUrgent    = "urgent"
)

// Channels a request comes in by.
var Channels = []string{"online", "phone", "email", "walk_in", "portal"}

// Priorities in rising order.
var Priorities = []string{PriorityNormal, PriorityImportant, PriorityUrgent}

func rank(p string) int { return slices.Index(Priorities, p) }

// AuditEntity names bookings in the audit log.
const AuditEntity = "booking"

// Item is an add-on line: ordered with the booking, or used (statement).
type Item struct {
	ID      int64  `json:"id"`
	AddonID int64  `json:"addon_id,omitempty"`
	Name    string `json:"name"`
	Unit    string `json:"unit"`
	Qty     int    `json:"qty"`
	UnitFen int64  `json:"unit_fen"`
	Amount  int64  `json:"amount_fen"`
}

// Booking is one reservation of a venue.
type Booking struct {
	ID             int64     `json:"id"`
	VenueID        int64     `json:"venue_id"`
	VenueName      string    `json:"venue_name"`
	VenueNameEn    string    `json:"venue_name_en,omitempty"`
	SeriesID       int64     `json:"series_id,omitempty"`
	Title          string    `json:"title"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	Status         string    `json:"status"`
	Active         bool      `json:"active" doc:"Whether the booking holds its slot"`
	Purpose        string    `json:"purpose"`
	Channel        string    `json:"channel"`
	Headcount      int       `json:"headcount"`
	Layout         string    `json:"layout,omitempty"`
	Equipment      []string  `json:"equipment"`
	Priority       string    `json:"priority"`
	OrgID          int64     `json:"org_id,omitempty"`
	ClientName     string    `json:"client_name,omitempty"`
	ContactName    string    `json:"contact_name,omitempty"`
	ContactPhone   string    `json:"contact_phone,omitempty"`
	ContactEmail   string    `json:"contact_email,omitempty"`
	RateTier       string    `json:"rate_tier"`
	UnderContract  bool      `json:"under_contract"`
	ContractNo     string    `json:"contract_no,omitempty"`
	Notes          string    `json:"notes,omitempty"`
	RequestedBy    int64     `json:"requested_by,omitempty"`
	RequesterName  string    `json:"requester_name,omitempty"`
	DepartmentID   int64     `json:"department_id,omitempty"`
	DecidedBy      int64     `json:"decided_by,omitempty"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
	DecisionReason string    `json:"decision_reason,omitempty"`
	ReplyBy        time.Time `json:"reply_by,omitzero"`
	ConfirmedAt    time.Time `json:"confirmed_at,omitzero"`
	ConfirmedVia   string    `json:"confirmed_via,omitempty"`
	CancelledAt    time.Time `json:"cancelled_at,omitzero"`
	CancelReason   string    `json:"cancel_reason,omitempty"`
	CancelFee      int64     `json:"cancel_fee_fen,omitempty"`
	BumpedBy       int64     `json:"bumped_by,omitempty"`
	NoShowMin      int       `json:"no_show_after_min"`
	CheckedInAt    time.Time `json:"checked_in_at,omitzero"`
	CompletedAt    time.Time `json:"completed_at,omitzero"`
	QuoteFen       int64     `json:"quote_fen"`
	Seq            int       `json:"sequence"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Items          []Item    `json:"items"`
	Redacted       bool      `json:"redacted,omitempty" doc:"Details hidden: the reader may only see that the slot is taken"`
	BlockStart     time.Time `json:"block_start"`
	BlockEnd       time.Time `json:"block_end"`
	confirmToken   string
}

// Duration is the booked time.
func (b Booking) Duration() time.Duration { return b.End.Sub(b.Start) }

// Service runs bookings.
type Service struct {
	DB     *store.DB
	Clock  clock.Clock
	Loc    *time.Location
	Cal    *workday.Calendar
	Venues *venue.Service
	Notify Notifier // optional: tells people about their bookings
	Mail   Mailer   // optional: e-mails a client's contact (the confirmation letter)
	// alts lets concurrent identical searches for alternatives (many
	// people refused the same slot at once) share one computation.
	alts singleflight.Group
}

// New returns the booking service.
func New(db *store.DB, c clock.Clock, loc *time.Location, cal *workday.Calendar, venues *venue.Service) *Service {
	s := &Service{DB: db, Clock: c, Loc: loc, Cal: cal, Venues: venues}
	venues.OnBuffersChanged(s.reblock)
	return s
}

// IsOffice reports whether the actor runs bookings (approves, bumps, edits any).
func IsOffice(a access.Actor) bool { return a.Has(access.Office) }

// CanSee reports whether the actor may read the booking's details; others
// only see that the slot is taken.
func CanSee(a access.Actor, b Booking) bool {
	switch {
	case a.System:
		return true
	case a.UserID == 0:
		return false
	case a.IsClient():
		return b.OrgID != 0 && a.OrgID == b.OrgID
	case a.Has(access.Office, access.Supervisor, access.Receptionist, access.Service, access.Engineering, access.Security, access.Executive, access.Finance, access.Audit):
		return true
	case a.UserID == b.RequestedBy:
		return true
	}
	return a.DepartmentID != 0 && a.DepartmentID == b.DepartmentID
}

// visible reports whether the actor may know that the booking exists (Get
// finds it, perhaps redacted): everyone but client users of another
// organisation.
func visible(a access.Actor, b Booking) bool { return !a.IsClient() || CanSee(a, b) }

// refuse is the answer to an actor not allowed to act on booking id: 404
// when it is not visible to them either (see errs.Refuse), else 403.
func (s *Service) refuse(ctx context.Context, a access.Actor, id int64) error {
	b, err := s.load(ctx, s.DB, id)
	if err != nil {
		return err
	}
	return errs.Refuse(visible(a, b))
}

// redact hides everything but the venue, time and status.
func redact(b Booking) Booking {
	return Booking{ID: b.ID, VenueID: b.VenueID, VenueName: b.VenueName, VenueNameEn: b.VenueNameEn, Start: b.Start, End: b.End,
		Status: b.Status, Active: b.Active, Priority: b.Priority, Equipment: []string{}, Items: []Item{}, Redacted: true,
		BlockStart: b.BlockStart, BlockEnd: b.BlockEnd, Purpose: b.Purpose, Headcount: b.Headcount, SeriesID: b.SeriesID}
}

// CanManage reports whether the actor may edit or cancel the booking: the
// office, the requester, or a client user of its organisation.
func CanManage(a access.Actor, b Booking) bool { return canManage(a, b) }

// canManage reports whether the actor may change the booking as its owner
// side: the office, the requester, or a client user of its organisation.
func canManage(a access.Actor, b Booking) bool {
	if a.System || IsOffice(a) {
		return true
	}
	if a.UserID != 0 && a.UserID == b.RequestedBy {
		return true
	}
	return a.IsClient() && b.OrgID != 0 && a.OrgID == b.OrgID
}

const bookingCols = `b.id, b.venue_id, v.name, v.name_en, b.series_id, b.title, b.start_ms, b.end_ms, b.block_start, b.block_end, b.active, b.status,
 b.purpose, b.channel, b.headcount, b.layout, b.equipment, b.priority, b.org_id, b.client_name, b.contact_name, b.contact_phone, b.contact_email,
 b.rate_tier, b.under_contract, b.contract_no, b.notes, b.requested_by, COALESCE(u.display_name, ''), b.department_id, b.decided_by, b.decided_at,
 b.decision_reason, b.reply_by, b.confirm_token, b.confirmed_at, b.confirmed_via, b.cancelled_at, b.cancel_reason, b.cancel_fee, b.bumped_by,
 b.noshow_min, b.checked_in_at, b.completed_at, b.quote_fen, b.seq, b.created_at, b.updated_at`

const bookingFrom = ` FROM bookings b JOIN venues v ON v.id = b.venue_id LEFT JOIN users u ON u.id = b.requested_by`

func scanBooking(sc interface{ Scan(...any) error }) (Booking, error) {
	var b Booking
	var series, org, reqBy, dept, decBy, decAt, reply, confAt, cancAt, bumped, ciAt, compAt sql.NullInt64
	var st, en, bs, be, cr, up int64
	var eq string
	err := sc.Scan(&b.ID, &b.VenueID, &b.VenueName, &b.VenueNameEn, &series, &b.Title, &st, &en, &bs, &be, &b.Active, &b.Status,
		&b.Purpose, &b.Channel, &b.Headcount, &b.Layout, &eq, &b.Priority, &org, &b.ClientName, &b.ContactName, &b.ContactPhone, &b.ContactEmail,
		&b.RateTier, &b.UnderContract, &b.ContractNo, &b.Notes, &reqBy, &b.RequesterName, &dept, &decBy, &decAt,
		&b.DecisionReason, &reply, &b.confirmToken, &confAt, &b.ConfirmedVia, &cancAt, &b.CancelReason, &b.CancelFee, &bumped,
		&b.NoShowMin, &ciAt, &compAt, &b.QuoteFen, &b.Seq, &cr, &up)
	if err != nil {
		return b, err
	}
	n := func(v sql.NullInt64) int64 {
		if v.Valid {
			return v.Int64
		}
		return 0
	}
	b.SeriesID, b.OrgID, b.RequestedBy, b.DepartmentID, b.DecidedBy, b.BumpedBy = n(series), n(org), n(reqBy), n(dept), n(decBy), n(bumped)
	b.Start, b.End, b.BlockStart, b.BlockEnd, b.CreatedAt, b.UpdatedAt = store.Time(st), store.Time(en), store.Time(bs), store.Time(be), store.Time(cr), store.Time(up)
	b.DecidedAt, b.ReplyBy, b.ConfirmedAt, b.CancelledAt = store.NullMs(decAt), store.NullMs(reply), store.NullMs(confAt), store.NullMs(cancAt)
	b.CheckedInAt, b.CompletedAt = store.NullMs(ciAt), store.NullMs(compAt)
	b.Equipment = venue.SplitCodes(eq)
	b.Items = []Item{}
	return b, nil
}

const briefCols = `b.id, b.venue_id, v.name, v.name_en, b.series_id, b.title, b.start_ms, b.end_ms, b.block_start, b.block_end, b.active, b.status,
 b.purpose, b.headcount, b.priority, b.org_id, b.client_name, b.requested_by, COALESCE(u.display_name, ''), b.department_id, b.seq, b.created_at, b.updated_at`

func scanBrief(sc interface{ Scan(...any) error }) (Booking, error) {
	var b Booking
	var series, org, reqBy, dept sql.NullInt64
	var st, en, bs, be, cr, up int64
	err := sc.Scan(&b.ID, &b.VenueID, &b.VenueName, &b.VenueNameEn, &series, &b.Title, &st, &en, &bs, &be, &b.Active, &b.Status,
		&b.Purpose, &b.Headcount, &b.Priority, &org, &b.ClientName, &reqBy, &b.RequesterName, &dept, &b.Seq, &cr, &up)
	if err != nil {
		return b, err
	}
	b.SeriesID, b.OrgID, b.RequestedBy, b.DepartmentID = series.Int64, org.Int64, reqBy.Int64, dept.Int64
	b.Start, b.End, b.BlockStart, b.BlockEnd = store.Time(st), store.Time(en), store.Time(bs), store.Time(be)
	b.CreatedAt, b.UpdatedAt = store.Time(cr), store.Time(up)
	b.Equipment, b.Items = []string{}, []Item{}
	return b, nil
}

// load reads a booking without authorisation.
func (s *Service) load(ctx context.Context, q store.Querier, id int64) (Booking, error) {
	b, err := scanBooking(q.QueryRow(ctx, `SELECT `+bookingCols+bookingFrom+` WHERE b.id = ?`, id))
	if err != nil {
		return b, errs.Wrap(store.MapError(err), "get booking")
	}
	items, err := s.items(ctx, q, id, "ordered")
	if err != nil {
		return b, err
	}
	b.Items = items
	return b, nil
}

func (s *Service) items(ctx context.Context, q store.Querier, id int64, phase string) ([]Item, error) {
	rows, err := q.Query(ctx, `SELECT id, COALESCE(addon_id, 0), name, unit, qty, unit_fen, amount_fen FROM booking_items WHERE booking_id = ? AND phase = ? ORDER BY id`, id, phase)
	if err != nil {
		return nil, fmt.Errorf("list booking items: %w", err)
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.ID, &it.AddonID, &it.Name, &it.Unit, &it.Qty, &it.UnitFen, &it.Amount); err != nil {
			return nil, fmt.Errorf("scan booking item: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Get returns a booking the actor may see (details hidden from those who
// may only know the slot is taken; clients see only their organisation's).
func (s *Service) Get(ctx context.Context, a access.Actor, id int64) (Booking, error) {
	if !a.System && a.UserID == 0 {
		return Booking{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	b, err := s.load(ctx, s.DB, id)
	if err != nil {
		return b, err
	}
	if !visible(a, b) {
		return Booking{}, errs.Missing()
	}
	if !CanSee(a, b) {
		return redact(b), nil
	}
	return b, nil
}

// Filter selects bookings for List.
type Filter struct {
	VenueID     int64
	VenueIDs    []int64   // any of these venues (none: all)
	From, To    time.Time // overlapping [From, To)
	Statuses    []string
	ActiveOnly  bool
	RequestedBy int64
	OrgID       int64
	SeriesID    int64
	Query       string
	Limit       int
	Desc        bool
	// Brief reads only what calendars and grids show: venue, title, time,
	// status, requester and client, sequence and times of the record (no
	// contacts, notes, decisions, items).
	Brief bool
}

// List returns bookings matching f, ordered by start. Clients see only
// their organisation's; other staff see details only where CanSee allows.
func (s *Service) List(ctx context.Context, a access.Actor, f Filter) ([]Booking, error) {
	if !a.System && a.UserID == 0 {
		return nil, errs.New(errs.Unauthorized, "err.login_required")
	}
	var where []string
	var args []any
	add := func(c string, v ...any) { where = append(where, c); args = append(args, v...) }
	if f.VenueID != 0 {
		add("b.venue_id = ?", f.VenueID)
	}
	if len(f.VenueIDs) > 0 {
		ids := make([]any, len(f.VenueIDs))
		for i, id := range f.VenueIDs {
			ids[i] = id
		}
		add("b.venue_id IN ("+store.Placeholders(len(ids))+")", ids...)
	}
	if !f.From.IsZero() {
		// The lower bound on start keeps the scan to the window's rows.
		add("b.end_ms > ? AND b.start_ms > ?", store.Ms(f.From), store.Ms(f.From)-maxSpanMs)
	}
	if !f.To.IsZero() {
		add("b.start_ms < ?", store.Ms(f.To))
	}
	if len(f.Statuses) > 0 {
		vals := make([]any, len(f.Statuses))
		for i, st := range f.Statuses {
			vals[i] = st
		}
		add("b.status IN ("+store.Placeholders(len(vals))+")", vals...)
	}
	if f.ActiveOnly {
		add("b.active = ?", true)
	}
	if f.RequestedBy != 0 {
		add("b.requested_by = ?", f.RequestedBy)
	}
	if f.SeriesID != 0 {
		add("b.series_id = ?", f.SeriesID)
	}
	if a.IsClient() {
		add("b.org_id = ?", a.OrgID)
	} else if f.OrgID != 0 {
		add("b.org_id = ?", f.OrgID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(q) + "%"
		add("(b.title LIKE ? OR b.client_name LIKE ? OR v.name LIKE ?)", like, like, like)
	}
	query, scan := `SELECT `+bookingCols+bookingFrom, scanBooking
	if f.Brief {
		query, scan = `SELECT `+briefCols+bookingFrom, scanBrief
	}
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	order := "ASC"
	if f.Desc {
		order = "DESC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	query += fmt.Sprintf(" ORDER BY b.start_ms %s, b.id LIMIT %d", order, limit)
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list bookings: %w", err)
	}
	defer rows.Close()
	out := []Booking{}
	for rows.Next() {
		b, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan booking: %w", err)
		}
		if q := strings.TrimSpace(f.Query); !CanSee(a, b) {
			if q != "" {
				continue // a search must not reveal hidden titles
			}
			b = redact(b)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// History is one line of a booking's audit trail.
type History struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Note   string    `json:"note,omitempty"`
}

// History returns the audit trail of a booking the actor may see in full.
func (s *Service) History(ctx context.Context, a access.Actor, id int64) ([]History, error) {
	b, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if b.Redacted {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT l.at, COALESCE(u.display_name, l.actor_name), l.action FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
 WHERE l.entity = ? AND l.entity_id = ? ORDER BY l.id`, AuditEntity, id)
	if err != nil {
		return nil, fmt.Errorf("booking history: %w", err)
	}
	defer rows.Close()
	out := []History{}
	for rows.Next() {
		var h History
		var at int64
		if err := rows.Scan(&at, &h.Actor, &h.Action); err != nil {
			return nil, fmt.Errorf("scan history: %w", err)
		}
		h.At = store.Time(at)
		out = append(out, h)
	}
	return out, rows.Err()
}
