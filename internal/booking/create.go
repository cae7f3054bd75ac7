package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/money"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// ItemInput orders an add-on with a booking.
type ItemInput struct {
	AddonID int64
	Qty     int
}

// Request is what a booking request (or an edit of one) carries.
type Request struct {
	VenueID       int64
	Start, End    time.Time
	Title         string
	Headcount     int
	Layout        string
	Equipment     []string
	Purpose       string // internal (default) or client
	Channel       string // online (default), phone, email, walk_in, portal
	Priority      string // normal (default), important, urgent
	OrgID         int64
	ClientName    string
	ContactName   string
	ContactPhone  string
	ContactEmail  string
	RateTier      string // internal, client or key; from the purpose when empty
	UnderContract bool
	ContractNo    string
	Notes         string
	Items         []ItemInput
	// Bump places the booking over lower-priority bookings in its way
	// (office, important or urgent only).
	Bump bool
	// Approve accepts the request at once (office only).
	Approve bool
}

// Limits.
const (
	MaxTitle     = 200
	MaxNotes     = 2000
	MaxHeadcount = 5000
	MaxDuration  = 24 * time.Hour
)

// normalize validates the request's own fields and fills defaults.
func (s *Service) normalize(a access.Actor, in *Request, now time.Time, p Policy) error {
	var l errs.List
	in.Title = strings.TrimSpace(in.Title)
	in.ClientName = namecheck.Field(&l, "client_name", in.ClientName)
	in.ContactName = namecheck.Field(&l, "contact_name", in.ContactName)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	in.ContractNo = strings.TrimSpace(in.ContractNo)
	in.Notes = strings.TrimSpace(in.Notes)
	if a.IsClient() {
		in.Purpose, in.Channel, in.OrgID = PurposeClient, "portal", a.OrgID
		in.Bump, in.Approve, in.UnderContract = false, false, false
		if in.RateTier != venue.TierKey {
			in.RateTier = ""
		}
	}
	if in.VenueID <= 0 {
		l.Add("venue_id", "err.required")
	}
	// Whole minutes, before the checks: 10:00:30–10:00:50 is no booking.
	in.Start, in.End = in.Start.Truncate(time.Minute), in.End.Truncate(time.Minute)
	switch {
	case in.Start.IsZero():
		l.Add("start", "err.required")
	case in.Start.Before(now.Add(-15 * time.Minute)):
		l.Add("start", "err.booking_in_past")
	case in.Start.After(now.AddDate(0, 0, p.MaxAdvanceDays)):
		l.Add("start", "err.booking_too_far", "days", p.MaxAdvanceDays)
	}
	switch {
	case in.End.IsZero():
		l.Add("end", "err.required")
	case !in.Start.IsZero() && !in.End.After(in.Start):
		l.Add("end", "err.booking_end_before_start")
	case in.End.Sub(in.Start) > MaxDuration:
		l.Add("end", "err.booking_too_long")
	}
	switch {
	case in.Title == "":
		l.Add("title", "err.required")
	case utf8.RuneCountInString(in.Title) > MaxTitle:
		l.Add("title", "err.too_long", "max", MaxTitle)
	}
	if in.Headcount < 1 || in.Headcount > MaxHeadcount {
		l.Add("headcount", "err.booking_headcount", "max", MaxHeadcount)
	}
	if in.Layout != "" && !slices.Contains(venue.Layouts, in.Layout) {
		l.Add("layout", "err.invalid")
	}
	eq := []string{}
	for _, e := range in.Equipment {
		e = strings.TrimSpace(e)
		if e == "" || slices.Contains(eq, e) {
			continue
		}
		if !slices.Contains(venue.Equipment, e) {
			l.Add("equipment", "err.venue_unknown_equipment", "code", e)
			continue
		}
		eq = append(eq, e)
	}
	in.Equipment = eq
	if in.Purpose == "" {
		in.Purpose = PurposeInternal
		if in.OrgID != 0 || in.ClientName != "" {
			in.Purpose = PurposeClient
		}
	}
	if in.Purpose != PurposeInternal && in.Purpose != PurposeClient {
		l.Add("purpose", "err.invalid")
	}
	if in.Channel == "" {
		in.Channel = "online"
	}
	if !slices.Contains(Channels, in.Channel) {
		l.Add("channel", "err.invalid")
	}
	if in.Priority == "" {
		in.Priority = PriorityNormal
	}
	if !slices.Contains(Priorities, in.Priority) {
		l.Add("priority", "err.invalid")
	}
	if in.RateTier == "" {
		in.RateTier = venue.TierInternal
		if in.Purpose == PurposeClient {
			in.RateTier = venue.TierClient
		}
	}
	if !slices.Contains(venue.Tiers, in.RateTier) {
		l.Add("rate_tier", "err.invalid")
	}
	if in.Purpose == PurposeClient && in.OrgID == 0 && in.ClientName == "" {
		l.Add("client_name", "err.booking_client_required")
	}
	if in.OrgID < 0 {
		l.Add("org_id", "err.invalid")
	}
	for field, v := range map[string]string{"client_name": in.ClientName, "contact_name": in.ContactName, "contact_phone": in.ContactPhone, "contact_email": in.ContactEmail, "contract_no": in.ContractNo} {
		if utf8.RuneCountInString(v) > 100 {
			l.Add(field, "err.too_long", "max", 100)
		}
	}
	if in.ContactEmail != "" && !strings.Contains(in.ContactEmail, "@") {
		l.Add("contact_email", "err.email")
	}
	if utf8.RuneCountInString(in.Notes) > MaxNotes {
		l.Add("notes", "err.too_long", "max", MaxNotes)
	}
	if len(in.Items) > 30 {
		l.Add("items", "err.invalid")
	}
	for _, it := range in.Items {
		if it.AddonID <= 0 || it.Qty < 1 || it.Qty > 10000 {
			l.Add("items", "err.booking_item")
			break
		}
	}
	if in.Bump && (!IsOffice(a) || in.Priority == PriorityNormal) {
		l.Add("priority", "err.booking_bump_not_allowed")
	}
	if in.Approve && !IsOffice(a) {
		in.Approve = false
	}
	return l.Err()
}

// checkVenue refuses a venue that does not suit the request: not in
// service, closed at that time, too small, or missing equipment. The
// refusal carries alternatives once filled in by refusal().
func (s *Service) checkVenue(a access.Actor, v venue.Venue, in Request) error {
	field, key := "", ""
	var args []any
	switch {
	case !v.InService:
		field, key = "venue_id", "err.venue_out_of_service"
	case a.IsClient() && !v.ClientBookable:
		field, key = "venue_id", "err.venue_not_for_clients"
	case !v.WithinHours(in.Start, in.End, s.Loc):
		from, to := v.OpenFrom, v.OpenTo
		field, key = "start", "err.booking_closed"
		args = []any{"from", fmt.Sprintf("%02d:%02d", from/60, from%60), "to", fmt.Sprintf("%02d:%02d", to/60, to%60)}
	case !v.Seated() && in.Layout != "":
		field, key = "layout", "err.venue.lift_no_layouts"
	case v.CapacityFor(in.Layout) < in.Headcount:
		field, key = "headcount", "err.booking_capacity"
		args = []any{"capacity", v.CapacityFor(in.Layout)}
	case !v.HasEquipment(in.Equipment):
		field, key = "equipment", "err.booking_equipment"
		var missing i18n.List
		for _, c := range v.MissingEquipment(in.Equipment) {
			missing = append(missing, i18n.Msg{Key: "venue.eq." + c})
		}
		args = []any{"missing", missing}
	default:
		return nil
	}
	e := errs.Field(field, key, args...)
	e.Extra = &Refusal{Conflicts: []Conflict{}}
	return e
}

// conflictErr is the 409 refusal for a taken slot.
func conflictErr(c []Conflict) error {
	e := errs.New(errs.Conflict, "err.booking_conflict")
	e.Extra = &Refusal{Conflicts: c}
	return e
}

// refusal completes a refusal error from inside a transaction with the
// alternatives (computed after the transaction); a database-level overlap
// (trigger or exclusion constraint) becomes a conflict refusal too.
func (s *Service) refusal(ctx context.Context, a access.Actor, err error, in Request, excludeID int64) error {
	if err == nil {
		return nil
	}
	r := RefusalOf(err)
	if r == nil && errors.Is(err, store.ErrConflict) {
		v, verr := s.Venues.Get(ctx, nil, in.VenueID)
		if verr != nil {
			return err
		}
		bs, be := v.Block(in.Start, in.End)
		m, berr := s.busy(ctx, s.DB, v.ID, bs, be, excludeID)
		if berr != nil {
			return err
		}
		ne := conflictErr(m.conflicts(a, v, in.Start, in.End))
		r = RefusalOf(ne)
		err = ne
	}
	if r == nil {
		return err
	}
	alts, aerr := s.Alternatives(ctx, a, Want{VenueID: in.VenueID, Start: in.Start, End: in.End, Headcount: in.Headcount, Layout: in.Layout, Equipment: in.Equipment, ExcludeID: excludeID})
	if aerr != nil {
		return aerr
	}
	r.Alternatives = alts
	return err
}

// lockVenue serialises bookings of one venue on PostgreSQL (SQLite's
// BEGIN IMMEDIATE already serialises every writer) and returns it.
func (s *Service) lockVenue(ctx context.Context, tx *store.Tx, id int64) (venue.Venue, error) {
	if tx.Dialect() == store.Postgres {
		var x int64
		if err := tx.QueryRow(ctx, `SELECT id FROM venues WHERE id = ? FOR UPDATE`, id).Scan(&x); err != nil {
			if store.IsNoRows(err) {
				return venue.Venue{}, errs.Field("venue_id", "err.venue_unknown")
			}
			return venue.Venue{}, fmt.Errorf("lock venue: %w", err)
		}
	}
	v, err := s.Venues.Get(ctx, tx, id)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return v, errs.Field("venue_id", "err.venue_unknown")
		}
		return v, err
	}
	return v, nil
}

// pricedItems resolves ordered add-ons at the tier's prices.
func (s *Service) pricedItems(ctx context.Context, q store.Querier, in Request) ([]Item, error) {
	if len(in.Items) == 0 {
		return []Item{}, nil
	}
	addons, err := s.Venues.Addons(ctx, q, true)
	if err != nil {
		return nil, err
	}
	out := []Item{}
	for _, it := range in.Items {
		i := slices.IndexFunc(addons, func(x venue.Addon) bool { return x.ID == it.AddonID })
		if i < 0 {
			return nil, errs.Field("items", "err.booking_item")
		}
		ad := addons[i]
		p := ad.Price(in.RateTier)
		amount, ok := money.Mul(p, int64(it.Qty))
		if !ok {
			return nil, money.TooLarge("items")
		}
		out = append(out, Item{AddonID: ad.ID, Name: ad.Name, Unit: ad.Unit, Qty: it.Qty, UnitFen: p, Amount: amount})
	}
	return out, nil
}

// quote is the quoted charge: room time by the rate card plus the ordered
// add-ons, refused on "items" when it would exceed money.Max.
func quote(v venue.Venue, in Request, items []Item) (int64, error) {
	fee, _ := v.RoomFee(in.RateTier, in.End.Sub(in.Start))
	for _, it := range items {
		var ok bool
		if fee, ok = money.Sum(fee, it.Amount); !ok {
			return 0, money.TooLarge("items")
		}
	}
	return fee, nil
}

// Create accepts a booking request: it holds the slot at once (status
// pending, or accepted when an office user approves it on the spot). A
// taken slot is refused with the conflicts and alternatives; a venue that
// does not suit is refused on the field concerned, with alternatives.
func (s *Service) Create(ctx context.Context, a access.Actor, in Request) (Booking, error) {
	if !a.System && a.UserID == 0 {
		return Booking{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Booking{}, err
	}
	if err := s.normalize(a, &in, now, p); err != nil {
		return Booking{}, err
	}
	if err := s.precheck(ctx, a, in); err != nil {
		return Booking{}, s.refusal(ctx, a, err, in, 0)
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, a, in, now, p, 0)
		return err
	})
	if err != nil {
		return Booking{}, s.refusal(ctx, a, err, in, 0)
	}
	return s.load(ctx, s.DB, id)
}

// Refuse adds to a refused request's error the conflicts and alternatives
// a person needs to choose again.
func (s *Service) Refuse(ctx context.Context, a access.Actor, err error, in Request) error {
	return s.refusal(ctx, a, err, in, 0)
}

// precheck refuses, before queueing for the writing transaction, a
// request whose slot is already seen taken (the usual fate of all but one
// of many people racing for one slot): a read on any connection, so the
// refusals do not wait in line behind the writes. The transaction checks
// again; a bump may displace what is there and is not prechecked.
func (s *Service) precheck(ctx context.Context, a access.Actor, in Request) error {
	if in.Bump {
		return nil
	}
	v, err := s.Venues.Get(ctx, nil, in.VenueID)
	if err != nil || s.checkVenue(a, v, in) != nil {
		return nil // the transaction reports it, as it would have
	}
	bs, be := v.Block(in.Start, in.End)
	m, err := s.blocked(ctx, s.DB, v.ID, bs, be, 0)
	if err != nil {
		return err
	}
	if !m.free(v, in.Start, in.End) {
		return fmt.Errorf("slot taken: %w", store.ErrConflict)
	}
	return nil
}

// checkOrg refuses a client organisation that is not in the client
// register (or was merged into another); a client user's own organisation
// is taken from their account and not checked again.
func checkOrg(ctx context.Context, tx *store.Tx, a access.Actor, org int64) error {
	if org == 0 || a.IsClient() {
		return nil
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM client_orgs WHERE id = ? AND merged_into IS NULL`, org).Scan(&n); err != nil {
		return fmt.Errorf("check client organisation: %w", err)
	}
	if n == 0 {
		return errs.Field("org_id", "err.booking_org_unknown")
	}
	return nil
}

// insert writes one booking inside tx after checking the venue and the
// slot; seriesID links an occurrence of a recurring booking.
func (s *Service) insert(ctx context.Context, tx *store.Tx, a access.Actor, in Request, now time.Time, p Policy, seriesID int64) (int64, error) {
	v, err := s.lockVenue(ctx, tx, in.VenueID)
	if err != nil {
		return 0, err
	}
	if err := s.checkVenue(a, v, in); err != nil {
		return 0, err
	}
	if err := checkOrg(ctx, tx, a, in.OrgID); err != nil {
		return 0, err
	}
	items, err := s.pricedItems(ctx, tx, in)
	if err != nil {
		return 0, err
	}
	quoted, err := quote(v, in, items)
	if err != nil {
		return 0, err
	}
	bs, be := v.Block(in.Start, in.End)
	m, err := s.busy(ctx, tx, v.ID, bs, be, 0)
	if err != nil {
		return 0, err
	}
	var bumped []Booking
	if c := m.conflicts(a, v, in.Start, in.End); len(c) > 0 {
		if !in.Bump {
			return 0, conflictErr(c)
		}
		for _, sp := range m[v.ID] {
			if !(sp.s < be && bs < sp.e) {
				continue
			}
			b := sp.booking()
			if b.ID == 0 || rank(b.Priority) >= rank(in.Priority) || !slices.Contains([]string{StatusPending, StatusApproved, StatusConfirmed}, b.Status) || !b.Start.After(now) {
				return 0, conflictErr(c)
			}
			bumped = append(bumped, b)
		}
		for _, b := range bumped {
			if _, err := tx.Exec(ctx, `UPDATE bookings SET status = ?, active = ?, seq = seq + 1, updated_at = ? WHERE id = ?`, StatusBumped, false, store.Ms(now), b.ID); err != nil {
				return 0, fmt.Errorf("bump booking %d: %w", b.ID, store.MapError(err))
			}
		}
	}
	noshow := p.NoShowMin
	if in.Purpose == PurposeClient {
		noshow = p.NoShowClientMin
	}
	dept := a.DepartmentID
	id, err := store.InsertID(ctx, tx, `INSERT INTO bookings (venue_id, series_id, title, start_ms, end_ms, block_start, block_end, active, status, purpose, channel,
 headcount, layout, equipment, priority, org_id, client_name, contact_name, contact_phone, contact_email, rate_tier, under_contract, contract_no, notes,
 requested_by, department_id, noshow_min, quote_fen, seq, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, store.IDOrNil(seriesID), in.Title, store.Ms(in.Start), store.Ms(in.End), bs, be, true, StatusPending, in.Purpose, in.Channel,
		in.Headcount, in.Layout, strings.Join(in.Equipment, ","), in.Priority, store.IDOrNil(in.OrgID), in.ClientName, in.ContactName, in.ContactPhone,
		in.ContactEmail, in.RateTier, in.UnderContract, in.ContractNo, in.Notes, store.IDOrNil(a.UserID), store.IDOrNil(dept), noshow,
		quoted, 0, store.Ms(now), store.Ms(now))
	if err != nil {
		return 0, fmt.Errorf("insert booking: %w", err)
	}
	for _, it := range items {
		if _, err := tx.Exec(ctx, `INSERT INTO booking_items (booking_id, phase, addon_id, name, unit, qty, unit_fen, amount_fen) VALUES (?, 'ordered', ?, ?, ?, ?, ?, ?)`,
			id, it.AddonID, it.Name, it.Unit, it.Qty, it.UnitFen, it.Amount); err != nil {
			return 0, fmt.Errorf("insert booking item: %w", err)
		}
	}
	if err := audit.Record(ctx, tx, now, a, AuditEntity, id, "create", nil, auditView(in)); err != nil {
		return 0, err
	}
	for _, b := range bumped {
		if _, err := tx.Exec(ctx, `UPDATE bookings SET bumped_by = ? WHERE id = ?`, id, b.ID); err != nil {
			return 0, fmt.Errorf("link bumped booking: %w", err)
		}
		if err := audit.Record(ctx, tx, now, a, AuditEntity, b.ID, "bump", map[string]any{"status": b.Status}, map[string]any{"status": StatusBumped, "bumped_by": id}); err != nil {
			return 0, err
		}
		if err := closeReview(ctx, tx, b.ID, now, "bumped"); err != nil {
			return 0, err
		}
		if err := s.onReleased(ctx, tx, b.ID, now, ""); err != nil {
			return 0, err
		}
		if err := s.tellBumped(ctx, tx, now, b.ID); err != nil {
			return 0, err
		}
	}
	if in.Approve {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return 0, err
		}
		if err := s.approveTx(ctx, tx, a, b, "", now, p); err != nil {
			return 0, err
		}
	} else if err := s.startReview(ctx, tx, id, now); err != nil {
		return 0, err
	}
	return id, nil
}

func auditView(in Request) map[string]any {
	return map[string]any{"venue_id": in.VenueID, "start": in.Start, "end": in.End, "title": in.Title, "headcount": in.Headcount,
		"layout": in.Layout, "equipment": in.Equipment, "purpose": in.Purpose, "channel": in.Channel, "priority": in.Priority,
		"org_id": in.OrgID, "client_name": in.ClientName, "rate_tier": in.RateTier, "bump": in.Bump, "items": in.Items}
}

// RequestOf returns the request that would recreate b (for edit forms).
func RequestOf(b Booking) Request {
	r := Request{VenueID: b.VenueID, Start: b.Start, End: b.End, Title: b.Title, Headcount: b.Headcount, Layout: b.Layout,
		Equipment: b.Equipment, Purpose: b.Purpose, Channel: b.Channel, Priority: b.Priority, OrgID: b.OrgID, ClientName: b.ClientName,
		ContactName: b.ContactName, ContactPhone: b.ContactPhone, ContactEmail: b.ContactEmail, RateTier: b.RateTier,
		UnderContract: b.UnderContract, ContractNo: b.ContractNo, Notes: b.Notes}
	for _, it := range b.Items {
		r.Items = append(r.Items, ItemInput{AddonID: it.AddonID, Qty: it.Qty})
	}
	return r
}

// Update edits a booking that still lies ahead (pending, approved or
// confirmed): its requester, the client's users or the office. The new
// slot is checked like a new request. A change of venue or time made by
// anyone but the office sends an accepted booking back for approval.
func (s *Service) Update(ctx context.Context, a access.Actor, id int64, in Request) (Booking, error) {
	if !a.System && a.UserID == 0 {
		return Booking{}, errs.New(errs.Unauthorized, "err.login_required")
	}
	now := s.Clock.Now()
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Booking{}, err
	}
	in.Bump, in.Approve = false, false
	if err := s.normalize(a, &in, now, p); err != nil {
		return Booking{}, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		return s.updateTx(ctx, tx, a, id, in, now)
	})
	if err != nil {
		return Booking{}, s.refusal(ctx, a, err, in, id)
	}
	return s.load(ctx, s.DB, id)
}

func (s *Service) updateTx(ctx context.Context, tx *store.Tx, a access.Actor, id int64, in Request, now time.Time) error {
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	if !canManage(a, b) {
		return errs.Refuse(visible(a, b))
	}
	if !slices.Contains([]string{StatusPending, StatusApproved, StatusConfirmed}, b.Status) {
		return stateErr(b.Status, "edit")
	}
	if !IsOffice(a) {
		in.OrgID, in.Purpose, in.RateTier, in.UnderContract, in.ContractNo = b.OrgID, b.Purpose, b.RateTier, b.UnderContract, b.ContractNo
	}
	v, err := s.lockVenue(ctx, tx, in.VenueID)
	if err != nil {
		return err
	}
	if err := s.checkVenue(a, v, in); err != nil {
		return err
	}
	if in.OrgID != b.OrgID {
		if err := checkOrg(ctx, tx, a, in.OrgID); err != nil {
			return err
		}
	}
	items, err := s.pricedItems(ctx, tx, in)
	if err != nil {
		return err
	}
	quoted, err := quote(v, in, items)
	if err != nil {
		return err
	}
	bs, be := v.Block(in.Start, in.End)
	m, err := s.busy(ctx, tx, v.ID, bs, be, id)
	if err != nil {
		return err
	}
	if c := m.conflicts(a, v, in.Start, in.End); len(c) > 0 {
		return conflictErr(c)
	}
	status := b.Status
	moved := in.VenueID != b.VenueID || !in.Start.Equal(b.Start) || !in.End.Equal(b.End) || in.Headcount > b.Headcount
	if moved && !IsOffice(a) && status != StatusPending {
		status = StatusPending
	}
	_, err = tx.Exec(ctx, `UPDATE bookings SET venue_id = ?, title = ?, start_ms = ?, end_ms = ?, block_start = ?, block_end = ?, status = ?, channel = ?,
 headcount = ?, layout = ?, equipment = ?, priority = ?, org_id = ?, client_name = ?, contact_name = ?, contact_phone = ?, contact_email = ?,
 rate_tier = ?, under_contract = ?, contract_no = ?, notes = ?, quote_fen = ?, seq = seq + 1, updated_at = ? WHERE id = ?`,
		v.ID, in.Title, store.Ms(in.Start), store.Ms(in.End), bs, be, status, in.Channel, in.Headcount, in.Layout, strings.Join(in.Equipment, ","),
		in.Priority, store.IDOrNil(in.OrgID), in.ClientName, in.ContactName, in.ContactPhone, in.ContactEmail, in.RateTier, in.UnderContract,
		in.ContractNo, in.Notes, quoted, store.Ms(now), id)
	if err != nil {
		return fmt.Errorf("update booking: %w", store.MapError(err))
	}
	if _, err := tx.Exec(ctx, `DELETE FROM booking_items WHERE booking_id = ? AND phase = 'ordered'`, id); err != nil {
		return fmt.Errorf("replace booking items: %w", err)
	}
	for _, it := range items {
		if _, err := tx.Exec(ctx, `INSERT INTO booking_items (booking_id, phase, addon_id, name, unit, qty, unit_fen, amount_fen) VALUES (?, 'ordered', ?, ?, ?, ?, ?, ?)`,
			id, it.AddonID, it.Name, it.Unit, it.Qty, it.UnitFen, it.Amount); err != nil {
			return fmt.Errorf("insert booking item: %w", err)
		}
	}
	if moved {
		if err := s.onMoved(ctx, tx, id, now); err != nil {
			return err
		}
		if status == StatusPending {
			if _, open, err := openReview(ctx, tx, id); err != nil {
				return err
			} else if !open {
				if err := s.startReview(ctx, tx, id, now); err != nil {
					return err
				}
			}
		}
	}
	return audit.Record(ctx, tx, now, a, AuditEntity, id, "update", auditView(RequestOf(b)), auditView(in))
}
