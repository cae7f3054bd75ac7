package reception

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Guest kinds: the principal guest (来宾) and companions (随同人员) from the
// application, guests invited later, and walk-ins registered at the desk.
const (
	GuestPrincipal = "principal"
	GuestCompanion = "companion"
	GuestInvited   = "invited"
	GuestWalkIn    = "walkin"
)

// Guest is a visitor on the guest list.
type Guest struct {
	ID          int64     `json:"id"`
	ReceptionID int64     `json:"reception_id"`
	Kind        string    `json:"kind"`
	Seq         int       `json:"seq"`
	Name        string    `json:"name"`
	Title       string    `json:"title,omitempty"`
	Company     string    `json:"company,omitempty"`
	Mobile      string    `json:"mobile,omitempty"`
	Email       string    `json:"email,omitempty"`
	IDMasked    string    `json:"id_number_masked,omitempty"` // the ID number is never shown whole
	HasID       bool      `json:"has_id_number"`
	ContactID   int64     `json:"contact_id,omitempty"`
	Token       string    `json:"-"`
	InvitedAt   time.Time `json:"invited_at,omitzero"`
	ArrivedAt   time.Time `json:"arrived_at,omitzero"`
	LeftAt      time.Time `json:"left_at,omitzero"`
	SignedInBy  int64     `json:"signed_in_by,omitempty"`
	SelfSigned  bool      `json:"self_signed"`
	BadgeAt     time.Time `json:"badge_printed_at,omitzero"`
	Note        string    `json:"note,omitempty"`
	// ContactsHidden: the reader does not work on the case and sees the
	// guest's name only.
	ContactsHidden bool      `json:"contacts_hidden,omitempty"`
	ErasedAt       time.Time `json:"erased_at,omitzero" doc:"Personal data erased on request (right to deletion)"`
}

// OnSite reports whether the guest has arrived and not left.
func (g Guest) OnSite() bool { return !g.ArrivedAt.IsZero() && g.LeftAt.IsZero() }

// GuestInput adds or edits a guest, or records business-card details.
type GuestInput struct {
	Name     string `json:"name"`
	Title    string `json:"title,omitempty"`
	Company  string `json:"company,omitempty"`
	Mobile   string `json:"mobile,omitempty"`
	Email    string `json:"email,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
	Note     string `json:"note,omitempty"`
}

var (
	mobileRE   = regexp.MustCompile(`^[0-9+()\- ]{5,24}$`)
	idNumberRE = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
)

func (in *GuestInput) validate(nameRequired bool) error {
	trimAll(&in.Name, &in.Title, &in.Company, &in.Mobile, &in.Email, &in.IDNumber, &in.Note)
	in.IDNumber = strings.ToUpper(strings.ReplaceAll(in.IDNumber, " ", ""))
	var l errs.List
	in.Name = namecheck.Field(&l, "name", in.Name)
	in.Company = namecheck.Field(&l, "company", in.Company)
	if nameRequired && in.Name == "" {
		l.Add("name", "err.required")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"name", in.Name, MaxShort}, {"title", in.Title, MaxShort}, {"company", in.Company, client.MaxName}, {"note", in.Note, MaxText}} {
		if utf8.RuneCountInString(f.v) > f.max {
			l.Add(f.name, "err.too_long", "max", f.max)
		}
	}
	if in.Mobile != "" && !mobileRE.MatchString(in.Mobile) {
		l.Add("mobile", "err.client.phone")
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || utf8.RuneCountInString(in.Email) > 254 || strings.ContainsAny(in.Email, " <>")) {
		l.Add("email", "err.email")
	}
	if in.IDNumber != "" && !ValidIDNumber(in.IDNumber) {
		l.Add("id_number", "err.reception.id_number")
	}
	return l.Err()
}

// ValidIDNumber accepts a mainland resident ID (18 characters with a
// correct check digit) or another document number of 5–20 letters and
// digits (passport, Hong Kong/Macau/Taiwan permits).
func ValidIDNumber(s string) bool {
	if !idNumberRE.MatchString(s) {
		return false
	}
	if len(s) != 18 {
		return len(s) != 15 || isDigits(s)
	}
	if !isDigits(s[:17]) {
		return true // an 18-character passport-style number
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return "10X98765432"[sum%11] == s[17]
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// MaskID masks an ID number for display, as the audit log does.
func MaskID(s string) string { return audit.MaskID(s) }

const guestCols = `id, reception_id, kind, seq, name, title, company, mobile, email, id_number, COALESCE(contact_id, 0), token, invited_at, arrived_at, left_at,
	COALESCE(signed_in_by, 0), self_signed, badge_printed_at, note, erased_at`

func scanGuest(sc interface{ Scan(...any) error }) (Guest, string, error) {
	var g Guest
	var id string
	var inv, arr, left, badge, erased sql.NullInt64
	err := sc.Scan(&g.ID, &g.ReceptionID, &g.Kind, &g.Seq, &g.Name, &g.Title, &g.Company, &g.Mobile, &g.Email, &id, &g.ContactID, &g.Token, &inv, &arr, &left,
		&g.SignedInBy, &g.SelfSigned, &badge, &g.Note, &erased)
	g.IDMasked, g.HasID = MaskID(id), id != ""
	g.InvitedAt, g.ArrivedAt, g.LeftAt, g.BadgeAt, g.ErasedAt = store.NullMs(inv), store.NullMs(arr), store.NullMs(left), store.NullMs(badge), store.NullMs(erased)
	return g, id, err
}

// NamesOnly returns the guest as staff who do not work on the case see
// them: without mobile number, e-mail, ID number, note or contact link.
func (g Guest) NamesOnly() Guest {
	g.Mobile, g.Email, g.IDMasked, g.HasID, g.Note, g.ContactID = "", "", "", false, "", 0
	g.ContactsHidden = true
	return g
}

// WorksOn reports whether the actor works on the case and so may read its
// guests' contact details: its applicant and liaison, the reception office,
// supervisors and the people on its division of labour.
func (s *Service) WorksOn(ctx context.Context, q store.Querier, a access.Actor, r Reception) (bool, error) {
	if a.IsClient() || !a.IsStaff() {
		return false, nil
	}
	if a.Has(access.Office, access.Supervisor) || (a.UserID != 0 && (a.UserID == r.ApplicantID || a.UserID == r.LiaisonID)) {
		return true, nil
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM reception_duties d JOIN tasks t ON t.id = d.task_id WHERE d.reception_id = ? AND (t.owner_id = ? OR t.assistant_id = ?)`,
		r.ID, a.UserID, a.UserID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("duties of user %d on reception %d: %w", a.UserID, r.ID, err)
	}
	return n > 0, nil
}

// Guests lists the case's guests in order; q filters by part of the name,
// company or (for those working on the case) mobile number: the desk's
// search. Staff not working on the case see the guests' names only.
func (s *Service) Guests(ctx context.Context, a access.Actor, id int64, q string) ([]Guest, error) {
	r, err := s.internal(ctx, a, id)
	if err != nil {
		return nil, err
	}
	full, err := s.WorksOn(ctx, s.DB, a, r)
	if err != nil {
		return nil, err
	}
	return loadGuests(ctx, s.DB, id, q, full)
}

// loadGuests reads a case's guests; full includes their contact details.
func loadGuests(ctx context.Context, db store.Querier, id int64, q string, full bool) ([]Guest, error) {
	query := `SELECT ` + guestCols + ` FROM reception_guests WHERE reception_id = ?`
	args := []any{id}
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + strings.ToLower(escapeLike(q)) + "%"
		query += ` AND (LOWER(name) LIKE ? ESCAPE '\' OR LOWER(company) LIKE ? ESCAPE '\'`
		args = append(args, like, like)
		if full {
			query += ` OR mobile LIKE ? ESCAPE '\'`
			args = append(args, like)
		}
		query += `)`
	}
	rows, err := db.Query(ctx, query+` ORDER BY seq, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list guests of reception %d: %w", id, err)
	}
	defer rows.Close()
	var out []Guest
	for rows.Next() {
		g, _, err := scanGuest(rows)
		if err != nil {
			return nil, fmt.Errorf("scan guest: %w", err)
		}
		if !full {
			g = g.NamesOnly()
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func getGuest(ctx context.Context, q store.Querier, where string, arg any) (Guest, string, error) {
	g, idNo, err := scanGuest(q.QueryRow(ctx, `SELECT `+guestCols+` FROM reception_guests WHERE `+where, arg))
	if err != nil {
		return Guest{}, "", errs.Wrap(store.MapError(err), "get guest")
	}
	return g, idNo, nil
}

// Guest returns one guest of a case the actor may see.
func (s *Service) Guest(ctx context.Context, a access.Actor, guestID int64) (Guest, error) {
	g, _, err := getGuest(ctx, s.DB, "id = ?", guestID)
	if err != nil {
		return Guest{}, err
	}
	r, err := s.internal(ctx, a, g.ReceptionID)
	if err != nil {
		return Guest{}, err
	}
	full, err := s.WorksOn(ctx, s.DB, a, r)
	if err != nil || full {
		return g, err
	}
	return g.NamesOnly(), nil
}

// Invitation is what a guest's invitation link shows to whoever holds it:
// the guest as invited and the visit. The guest's contact details and ID
// number, and the staff's note on the guest, are not part of it.
type Invitation struct {
	Guest       InvitedGuest `json:"guest"`
	Org         string       `json:"org"`
	Purpose     string       `json:"purpose"`
	VisitDate   string       `json:"visit_date"`
	ArrivalTime string       `json:"arrival_time"`
	SignInOpen  bool         `json:"sign_in_open" doc:"Self sign-in works on the visit day"`
	Directions
}

// InvitedGuest is the guest of an invitation link.
type InvitedGuest struct {
	Name      string    `json:"name"`
	Title     string    `json:"title,omitempty"`
	Company   string    `json:"company,omitempty"`
	ArrivedAt time.Time `json:"arrived_at,omitzero"`
}

// Invitation returns what the invitation link of token shows (no login:
// the token is the permission).
func (s *Service) Invitation(ctx context.Context, token string) (Invitation, error) {
	g, r, err := s.guestByToken(ctx, token)
	if err != nil {
		return Invitation{}, err
	}
	inv := s.invitation(g, r)
	if inv.Directions, err = s.directions(ctx, r); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

func (s *Service) invitation(g Guest, r Reception) Invitation {
	return Invitation{Guest: InvitedGuest{Name: g.Name, Title: g.Title, Company: g.Company, ArrivedAt: g.ArrivedAt},
		Org: r.OrgName, Purpose: r.Purpose, VisitDate: r.VisitDate, ArrivalTime: r.ArrivalTime, SignInOpen: s.SelfSignInOpen(r)}
}

// guestByToken returns the guest of an invitation link and the case.
func (s *Service) guestByToken(ctx context.Context, token string) (Guest, Reception, error) {
	token = strings.ToLower(strings.TrimSpace(token))
	if token == "" || len(token) > 64 {
		return Guest{}, Reception{}, errs.Missing()
	}
	g, _, err := getGuest(ctx, s.DB, "token = ?", token)
	if err != nil {
		return Guest{}, Reception{}, err
	}
	if !g.ErasedAt.IsZero() {
		return Guest{}, Reception{}, errs.Missing()
	}
	r, err := s.load(ctx, s.DB, g.ReceptionID)
	if err != nil {
		return Guest{}, Reception{}, err
	}
	if r.Status == StatusDraft || r.Status == StatusCancelled || r.Status == StatusRejected {
		return Guest{}, Reception{}, errs.Missing()
	}
	return g, r, nil
}

// AddGuest adds an invited guest to the list.
func (s *Service) AddGuest(ctx context.Context, a access.Actor, id int64, in GuestInput) (Guest, error) {
	if err := in.validate(true); err != nil {
		return Guest{}, err
	}
	var gid int64
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.manageable(ctx, tx, a, id, "edit_guests")
		if err != nil {
			return err
		}
		if err := s.checkIDNumber(r, in.IDNumber, ""); err != nil {
			return err
		}
		if in.Company == "" {
			in.Company = r.OrgName
		}
		gid, err = insertGuest(ctx, tx, now, r.ID, GuestInvited, in, time.Time{}, 0)
		if err != nil {
			return err
		}
		return auditCase(ctx, tx, now, a, id, "add_guest", nil, redacted(in))
	})
	if err != nil {
		return Guest{}, err
	}
	return s.Guest(ctx, a, gid)
}

func insertGuest(ctx context.Context, tx store.Querier, now time.Time, rid int64, kind string, in GuestInput, arrived time.Time, by int64) (int64, error) {
	tok, err := newToken()
	if err != nil {
		return 0, err
	}
	var seq int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM reception_guests WHERE reception_id = ?`, rid).Scan(&seq); err != nil {
		return 0, fmt.Errorf("next guest seq: %w", err)
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO reception_guests (reception_id, kind, seq, name, title, company, mobile, email, id_number, token, arrived_at, signed_in_by, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rid, kind, seq, in.Name, in.Title, in.Company, in.Mobile, in.Email, in.IDNumber, tok, store.MsOrNil(arrived), store.IDOrNil(by), in.Note, store.Ms(now), store.Ms(now))
	if err != nil {
		return 0, fmt.Errorf("insert guest: %w", err)
	}
	return id, nil
}

// redacted is the input as the audit log keeps it: the ID number masked.
func redacted(in GuestInput) GuestInput {
	in.IDNumber = MaskID(in.IDNumber)
	return in
}

// UpdateGuest edits a guest's details (an empty ID number keeps the one on
// file).
func (s *Service) UpdateGuest(ctx context.Context, a access.Actor, guestID int64, in GuestInput) error {
	if err := in.validate(true); err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, idNo, err := getGuest(ctx, tx, "id = ?", guestID)
		if err != nil {
			return err
		}
		r, err := s.manageable(ctx, tx, a, g.ReceptionID, "edit_guests")
		if err != nil {
			return err
		}
		if !g.ErasedAt.IsZero() {
			return errs.New(errs.Conflict, "err.privacy.erased")
		}
		if err := s.checkIDNumber(r, in.IDNumber, idNo); err != nil {
			return err
		}
		if in.IDNumber == "" {
			in.IDNumber = idNo
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_guests SET name = ?, title = ?, company = ?, mobile = ?, email = ?, id_number = ?, note = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.Title, in.Company, in.Mobile, in.Email, in.IDNumber, in.Note, store.Ms(now), guestID); err != nil {
			return fmt.Errorf("update guest %d: %w", guestID, err)
		}
		return auditCase(ctx, tx, now, a, g.ReceptionID, "edit_guest", map[string]any{"guest": guestID, "name": g.Name}, redacted(in))
	})
}

// RemoveGuest takes a guest who has not arrived off the list.
func (s *Service) RemoveGuest(ctx context.Context, a access.Actor, guestID int64) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, _, err := getGuest(ctx, tx, "id = ?", guestID)
		if err != nil {
			return err
		}
		if _, err := s.manageable(ctx, tx, a, g.ReceptionID, "edit_guests"); err != nil {
			return err
		}
		if !g.ArrivedAt.IsZero() {
			return errs.New(errs.Conflict, "err.reception.guest_arrived")
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_lost_items SET guest_id = NULL WHERE guest_id = ?`, guestID); err != nil {
			return fmt.Errorf("unlink lost items: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reception_guests WHERE id = ?`, guestID); err != nil {
			return fmt.Errorf("delete guest %d: %w", guestID, err)
		}
		return auditCase(ctx, tx, now, a, g.ReceptionID, "remove_guest", map[string]any{"guest": guestID, "name": g.Name}, nil)
	})
}

// MarkInvited records that the invitation (link or QR code) was sent.
func (s *Service) MarkInvited(ctx context.Context, a access.Actor, guestID int64) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, _, err := getGuest(ctx, tx, "id = ?", guestID)
		if err != nil {
			return err
		}
		if _, err := s.manageable(ctx, tx, a, g.ReceptionID, "edit_guests"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_guests SET invited_at = ?, updated_at = ? WHERE id = ?`, store.Ms(now), store.Ms(now), guestID); err != nil {
			return fmt.Errorf("mark guest %d invited: %w", guestID, err)
		}
		return auditCase(ctx, tx, now, a, g.ReceptionID, "invite_guest", nil, map[string]any{"guest": guestID})
	})
}

// deskOpen reports whether guests may sign in to the case: from the plan
// stage until the visit is over.
func deskOpen(r Reception) bool {
	return slices.Contains([]string{StatusPlanning, StatusPlanReview, StatusReady, StatusOngoing}, r.Status)
}

// SignIn marks a guest arrived now at the desk, with the business-card
// details handed over (blank fields keep what is on file). The guest's
// card becomes a contact of the client organisation, and the first
// arrival starts a ready case.
func (s *Service) SignIn(ctx context.Context, a access.Actor, guestID int64, card GuestInput) (Guest, error) {
	if err := card.validate(false); err != nil {
		return Guest{}, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, _, err := getGuest(ctx, tx, "id = ?", guestID)
		if err != nil {
			return err
		}
		r, err := s.deskCase(ctx, tx, a, g.ReceptionID)
		if err != nil {
			return err
		}
		return s.signIn(ctx, tx, now, a, r, g, card, false)
	})
	if err != nil {
		return Guest{}, err
	}
	return s.Guest(ctx, a, guestID)
}

// SelfSignIn signs in the guest of an invitation link, on the visit day,
// and returns what the link shows now.
func (s *Service) SelfSignIn(ctx context.Context, token string, card GuestInput) (Invitation, error) {
	if err := card.validate(false); err != nil {
		return Invitation{}, err
	}
	g, r, err := s.guestByToken(ctx, token)
	if err != nil {
		return Invitation{}, err
	}
	if !s.SelfSignInOpen(r) {
		return Invitation{}, errs.New(errs.Conflict, "err.reception.not_visit_day", "date", r.VisitDate)
	}
	now := s.Clock.Now()
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		g, _, err := getGuest(ctx, tx, "id = ?", g.ID)
		if err != nil {
			return err
		}
		return s.signIn(ctx, tx, now, access.SystemActor(), r, g, card, true)
	})
	if err != nil {
		return Invitation{}, err
	}
	return s.Invitation(ctx, token)
}

// SelfSignInOpen reports whether an invitation link may sign in today: the
// desk is open and today is the visit date.
func (s *Service) SelfSignInOpen(r Reception) bool {
	return deskOpen(r) && s.Clock.Now().In(s.Loc).Format(time.DateOnly) == r.VisitDate
}

func (s *Service) signIn(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception, g Guest, card GuestInput, self bool) error {
	if !deskOpen(r) {
		return stateError(r.Status, "sign_in")
	}
	if !g.ArrivedAt.IsZero() {
		return errs.New(errs.Conflict, "err.reception.already_signed_in", "time", g.ArrivedAt.In(s.Loc).Format("15:04"))
	}
	if err := s.checkIDNumber(r, card.IDNumber, ""); err != nil {
		return err
	}
	fill := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	fill(&g.Title, card.Title)
	fill(&g.Company, card.Company)
	fill(&g.Mobile, card.Mobile)
	fill(&g.Email, card.Email)
	if card.Name != "" && !self {
		g.Name = card.Name
	}
	contactID, err := s.cardContact(ctx, tx, now, a, r, g)
	if err != nil {
		return err
	}
	set := `arrived_at = ?, left_at = NULL, signed_in_by = ?, self_signed = ?, name = ?, title = ?, company = ?, mobile = ?, email = ?, contact_id = ?, updated_at = ?`
	args := []any{store.Ms(now), store.IDOrNil(a.UserID), self, g.Name, g.Title, g.Company, g.Mobile, g.Email, store.IDOrNil(contactID), store.Ms(now)}
	if card.IDNumber != "" {
		set += `, id_number = ?`
		args = append(args, card.IDNumber)
	}
	res, err := tx.Exec(ctx, `UPDATE reception_guests SET `+set+` WHERE id = ? AND arrived_at IS NULL`, append(args, g.ID)...)
	if err != nil {
		return fmt.Errorf("sign in guest %d: %w", g.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.New(errs.Conflict, "err.reception.already_signed_in", "time", "")
	}
	if err := auditCase(ctx, tx, now, a, r.ID, "sign_in", nil, map[string]any{"guest": g.ID, "name": g.Name, "self": self}); err != nil {
		return err
	}
	if err := s.tellArrival(ctx, tx, now, a, r, g); err != nil {
		return err
	}
	if r.Status == StatusReady {
		return s.setStatus(ctx, tx, now, a, r, StatusOngoing, "start", "started_at = ?", store.Ms(now))
	}
	return nil
}

// cardContact keeps a guest of the client organisation as its contact.
func (s *Service) cardContact(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, r Reception, g Guest) (int64, error) {
	if r.OrgID == 0 || g.Name == "" || (g.Company != "" && client.Key(g.Company) != client.Key(r.OrgName)) {
		return g.ContactID, nil
	}
	actor := a
	if !actor.IsStaff() {
		actor = access.SystemActor()
	}
	return client.EnsureContact(ctx, tx, now, actor, r.OrgID, client.ContactInput{Name: g.Name, Title: g.Title, Mobile: g.Mobile, Email: g.Email})
}

// WalkIn registers a guest who was not on the list and signs them in.
func (s *Service) WalkIn(ctx context.Context, a access.Actor, id int64, in GuestInput) (Guest, error) {
	if err := in.validate(true); err != nil {
		return Guest{}, err
	}
	var gid int64
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.deskCase(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !deskOpen(r) {
			return stateError(r.Status, "sign_in")
		}
		if in.Company == "" {
			in.Company = r.OrgName
		}
		gid, err = insertGuest(ctx, tx, now, r.ID, GuestWalkIn, GuestInput{Name: in.Name, Note: in.Note}, time.Time{}, 0)
		if err != nil {
			return err
		}
		g, _, err := getGuest(ctx, tx, "id = ?", gid)
		if err != nil {
			return err
		}
		return s.signIn(ctx, tx, now, a, r, g, in, false)
	})
	if err != nil {
		return Guest{}, err
	}
	return s.Guest(ctx, a, gid)
}

// UndoSignIn clears a mistaken arrival.
func (s *Service) UndoSignIn(ctx context.Context, a access.Actor, guestID int64) error {
	return s.guestStamp(ctx, a, guestID, "undo_sign_in", `arrived_at = NULL, left_at = NULL, signed_in_by = NULL, self_signed = FALSE`, nil, func(g Guest) error {
		if g.ArrivedAt.IsZero() {
			return errs.New(errs.Conflict, "err.reception.not_signed_in")
		}
		return nil
	})
}

// MarkLeft records that a guest has left the premises.
func (s *Service) MarkLeft(ctx context.Context, a access.Actor, guestID int64) error {
	now := s.Clock.Now()
	return s.guestStamp(ctx, a, guestID, "guest_left", `left_at = ?`, []any{store.Ms(now)}, func(g Guest) error {
		if !g.OnSite() {
			return errs.New(errs.Conflict, "err.reception.not_on_site")
		}
		return nil
	})
}

// BadgePrinted records that a guest's badge was printed.
func (s *Service) BadgePrinted(ctx context.Context, a access.Actor, guestID int64) error {
	now := s.Clock.Now()
	return s.guestStamp(ctx, a, guestID, "badge", `badge_printed_at = ?`, []any{store.Ms(now)}, func(Guest) error { return nil })
}

func (s *Service) guestStamp(ctx context.Context, a access.Actor, guestID int64, action, set string, args []any, check func(Guest) error) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, _, err := getGuest(ctx, tx, "id = ?", guestID)
		if err != nil {
			return err
		}
		r, err := s.deskCase(ctx, tx, a, g.ReceptionID)
		if err != nil {
			return err
		}
		if !deskOpen(r) && r.Status != StatusWrapUp {
			return stateError(r.Status, action)
		}
		if err := check(g); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE reception_guests SET `+set+`, updated_at = ? WHERE id = ?`, append(args, store.Ms(now), guestID)...); err != nil {
			return fmt.Errorf("%s guest %d: %w", action, guestID, err)
		}
		return auditCase(ctx, tx, now, a, r.ID, action, nil, map[string]any{"guest": guestID, "name": g.Name})
	})
}

// Count is the desk's head count.
type Count struct {
	Expected int `json:"expected"` // on the list (walk-ins not included)
	Arrived  int `json:"arrived"`  // of those on the list, signed in
	OnSite   int `json:"on_site"`  // everyone here now, walk-ins included
	WalkIns  int `json:"walk_ins"`
}

// CountOf counts a guest list.
func CountOf(gs []Guest) Count {
	var c Count
	for _, g := range gs {
		if g.Kind == GuestWalkIn {
			c.WalkIns++
		} else {
			c.Expected++
			if !g.ArrivedAt.IsZero() {
				c.Arrived++
			}
		}
		if g.OnSite() {
			c.OnSite++
		}
	}
	return c
}

// PurgeIDs erases every ID number of a guest whose visit was longer ago
// than the retention setting, whether or not the case was purged before
// (a number added later is erased too), and returns how many cases it
// changed.
func (s *Service) PurgeIDs(ctx context.Context) (int, error) {
	cfg, err := s.Config(ctx)
	if err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	cutoff := now.In(s.Loc).AddDate(0, 0, -cfg.RetentionDays).Format(time.DateOnly)
	rows, err := s.DB.Query(ctx, `SELECT id FROM receptions r WHERE visit_date <> '' AND visit_date < ?
		AND (ids_purged_at IS NULL OR EXISTS (SELECT 1 FROM reception_guests g WHERE g.reception_id = r.id AND g.id_number <> ''))`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("find receptions to purge: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("scan reception to purge: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find receptions to purge: %w", err)
	}
	for _, id := range ids {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE reception_guests SET id_number = '' WHERE reception_id = ? AND id_number <> ''`, id)
			if err != nil {
				return fmt.Errorf("purge ID numbers of reception %d: %w", id, err)
			}
			n, _ := res.RowsAffected()
			if _, err := tx.Exec(ctx, `UPDATE receptions SET ids_purged_at = ? WHERE id = ?`, store.Ms(now), id); err != nil {
				return fmt.Errorf("mark reception %d purged: %w", id, err)
			}
			return auditCase(ctx, tx, now, access.SystemActor(), id, "purge_ids", nil, map[string]any{"guests": n, "retention_days": cfg.RetentionDays})
		})
		if err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// visitOver reports whether the case's visit has ended: wrapped up,
// closed or cancelled, or its date has passed.
func (s *Service) visitOver(r Reception) bool {
	if slices.Contains([]string{StatusWrapUp, StatusClosed, StatusCancelled}, r.Status) {
		return true
	}
	return r.VisitDate != "" && r.VisitDate < s.Clock.Now().In(s.Loc).Format(time.DateOnly)
}

// checkIDNumber refuses to take a new ID number for a guest of a case
// whose visit is over: it is kept only for the visit and then erased.
func (s *Service) checkIDNumber(r Reception, idNumber, onFile string) error {
	if idNumber != "" && idNumber != onFile && s.visitOver(r) {
		return errs.Field("id_number", "err.privacy.id_after_visit")
	}
	return nil
}
