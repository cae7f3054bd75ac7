// Package client keeps the client organisations (客户单位) and their contacts
// (联系人): who they are, the history of their receptions, meetings and
// bookings (each area adds a history source), and the merging of duplicates.
// Client users (users.org_id) see only their own organisation.
package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Audit entity names.
const (
	EntityOrg     = "client_org"
	EntityContact = "client_contact"
)

// Ref is a column of another area's table holding an organisation or contact
// id; merging re-points it from the duplicate to the record kept. Table and
// column names come from code, never from input.
type Ref struct {
	Table  string
	Column string
}

// HistoryItem is one past or planned dealing with a client.
type HistoryItem struct {
	Kind      string    `json:"kind"` // area: reception, meeting, booking…
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	At        time.Time `json:"at"`
	StatusKey string    `json:"status_key"` // i18n key of the record's state
	Link      string    `json:"link"`
}

// HistorySource lists an area's records for an organisation (and, when
// contactID is not 0, only those involving that contact).
type HistorySource func(ctx context.Context, q store.Querier, orgID, contactID int64) ([]HistoryItem, error)

// Service is the client register.
type Service struct {
	DB            *store.DB
	Clock         clock.Clock
	orgRefs       []Ref
	contactRefs   []Ref
	history       []HistorySource
	clientHistory []HistorySource
	onErase       []EraseHook
}

// New returns the client register.
func New(db *store.DB, c clock.Clock) *Service { return &Service{DB: db, Clock: c} }

// AddOrgRef registers a column holding organisation ids (re-pointed on merge).
func (s *Service) AddOrgRef(table, column string) {
	s.orgRefs = append(s.orgRefs, Ref{table, column})
}

// AddContactRef registers a column holding contact ids (re-pointed on merge).
func (s *Service) AddContactRef(table, column string) {
	s.contactRefs = append(s.contactRefs, Ref{table, column})
}

// AddHistory registers an area's history source, for staff.
func (s *Service) AddHistory(src HistorySource) { s.history = append(s.history, src) }

// AddClientHistory registers an area's history source as client users of
// the organisation may see it.
func (s *Service) AddClientHistory(src HistorySource) {
	s.clientHistory = append(s.clientHistory, src)
}

// Org is a client organisation.
type Org struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Kind       string         `json:"kind" enum:"company,rep_office,foreign_company,in_formation,individual" doc:"company 公司, rep_office 代表处, foreign_company 外国公司, in_formation 筹建中的公司, individual 个人"`
	ShortName  string         `json:"short_name,omitempty"`
	Industry   string         `json:"industry,omitempty"`
	Address    string         `json:"address,omitempty"`
	Phone      string         `json:"phone,omitempty"`
	Website    string         `json:"website,omitempty"`
	Notes      string         `json:"notes,omitempty"`
	Billing    BillingProfile `json:"billing"`
	MergedInto int64          `json:"merged_into,omitempty"`
	Contacts   int            `json:"contact_count"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// OrgInput creates or edits an organisation.
type OrgInput struct {
	Name      string `json:"name"`
	Kind      string `json:"kind,omitempty" enum:"company,rep_office,foreign_company,in_formation,individual" doc:"Blank means company"`
	ShortName string `json:"short_name,omitempty"`
	Industry  string `json:"industry,omitempty"`
	Address   string `json:"address,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Website   string `json:"website,omitempty"`
	Notes     string `json:"notes,omitempty"`
}

// Contact is a person at a client organisation.
type Contact struct {
	ID         int64     `json:"id"`
	OrgID      int64     `json:"org_id"`
	Name       string    `json:"name"`
	Title      string    `json:"title,omitempty"`
	Mobile     string    `json:"mobile,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	Email      string    `json:"email,omitempty"`
	WeChat     string    `json:"wechat,omitempty"`
	Notes      string    `json:"notes,omitempty"`
	MergedInto int64     `json:"merged_into,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	ErasedAt   time.Time `json:"erased_at,omitzero" doc:"Personal data erased on request (right to deletion)"`
}

// ContactInput creates or edits a contact.
type ContactInput struct {
	Name   string `json:"name"`
	Title  string `json:"title,omitempty"`
	Mobile string `json:"mobile,omitempty"`
	Phone  string `json:"phone,omitempty"`
	Email  string `json:"email,omitempty"`
	WeChat string `json:"wechat,omitempty"`
	Notes  string `json:"notes,omitempty"`
}

// Field length limits.
const (
	MaxName  = 200
	MaxShort = 60
	MaxText  = 300
	MaxNotes = 2000
)

var phoneRE = regexp.MustCompile(`^[0-9+()\- ]{5,24}$`)

func tooLong(l *errs.List, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		l.Add(field, "err.too_long", "max", max)
	}
}

func (in *OrgInput) validate() error {
	var l errs.List
	for _, p := range []*string{&in.Kind, &in.Industry, &in.Address, &in.Phone, &in.Website, &in.Notes} {
		*p = strings.TrimSpace(*p)
	}
	if in.Kind == "" {
		in.Kind = KindCompany
	}
	if !slices.Contains(Kinds, in.Kind) {
		l.Add("kind", "err.invalid")
	}
	n := len(l)
	in.Name = namecheck.Check(&l, "name", in.Name, true, MaxName)
	if len(l) == n && Key(in.Name) == "" {
		l.Add("name", "err.client.name_empty")
	}
	in.ShortName = namecheck.Check(&l, "short_name", in.ShortName, false, MaxShort)
	tooLong(&l, "industry", in.Industry, MaxShort)
	tooLong(&l, "address", in.Address, MaxText)
	tooLong(&l, "website", in.Website, MaxText)
	tooLong(&l, "notes", in.Notes, MaxNotes)
	if in.Phone != "" && !phoneRE.MatchString(in.Phone) {
		l.Add("phone", "err.client.phone")
	}
	return l.Err()
}

func (in *ContactInput) validate() error {
	var l errs.List
	for _, p := range []*string{&in.Title, &in.Mobile, &in.Phone, &in.Email, &in.WeChat, &in.Notes} {
		*p = strings.TrimSpace(*p)
	}
	in.Name = namecheck.Check(&l, "name", in.Name, true, MaxShort)
	tooLong(&l, "title", in.Title, MaxShort)
	tooLong(&l, "wechat", in.WeChat, MaxShort)
	tooLong(&l, "notes", in.Notes, MaxNotes)
	if in.Mobile != "" && !phoneRE.MatchString(in.Mobile) {
		l.Add("mobile", "err.client.phone")
	}
	if in.Phone != "" && !phoneRE.MatchString(in.Phone) {
		l.Add("phone", "err.client.phone")
	}
	if in.Email != "" && !validEmail(in.Email) {
		l.Add("email", "err.email")
	}
	return l.Err()
}

// validEmail is a light check of an e-mail address: an @, no spaces or
// angle brackets, at most 254 characters.
func validEmail(e string) bool {
	return strings.Contains(e, "@") && utf8.RuneCountInString(e) <= 254 && !strings.ContainsAny(e, " \t<>")
}

// CanRead reports whether the actor may see an organisation: staff see all,
// client users only their own.
func CanRead(a access.Actor, orgID int64) bool {
	if a.IsClient() {
		return a.OrgID != 0 && a.OrgID == orgID
	}
	return a.IsStaff()
}

// CanWrite reports whether the actor may create and edit organisations and
// contacts: any member of staff.
func CanWrite(a access.Actor) bool { return a.IsStaff() }

// CanMerge reports whether the actor may merge duplicates.
func CanMerge(a access.Actor) bool { return a.Has(access.Office, access.Supervisor) }

const orgCols = `o.id, o.name, o.kind, o.short_name, o.industry, o.address, o.phone, o.website, o.notes,
	o.bill_title, o.bill_tax_id, o.bill_address_phone, o.bill_bank_account, o.bill_fapiao_type, o.bill_email, o.bill_postal_address,
	COALESCE(o.merged_into, 0), o.created_at, o.updated_at,
	(SELECT COUNT(*) FROM client_contacts c WHERE c.org_id = o.id AND c.merged_into IS NULL)`

func scanOrg(sc interface{ Scan(...any) error }, extra ...any) (Org, error) {
	var o Org
	var c, u int64
	b := &o.Billing
	err := sc.Scan(append([]any{&o.ID, &o.Name, &o.Kind, &o.ShortName, &o.Industry, &o.Address, &o.Phone, &o.Website, &o.Notes,
		&b.Title, &b.TaxID, &b.AddressPhone, &b.BankAccount, &b.FapiaoType, &b.EFapiaoEmail, &b.PostalAddress,
		&o.MergedInto, &c, &u, &o.Contacts}, extra...)...)
	o.CreatedAt, o.UpdatedAt = store.Time(c), store.Time(u)
	return o, err
}

func getOrg(ctx context.Context, q store.Querier, id int64) (Org, error) {
	o, err := scanOrg(q.QueryRow(ctx, `SELECT `+orgCols+` FROM client_orgs o WHERE o.id = ?`, id))
	if err != nil {
		return Org{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get client org %d", id))
	}
	return o, nil
}

// Filter selects organisations.
type Filter struct {
	Q      string // part of the name, short name or phone
	Limit  int    // default 50, at most 500
	Offset int
}

// List returns the organisations the actor may see (merged duplicates
// left out), by name.
func (s *Service) List(ctx context.Context, a access.Actor, f Filter) ([]Org, int, error) {
	if !a.IsStaff() && !a.IsClient() {
		return nil, 0, errs.Forbid()
	}
	where := []string{"o.merged_into IS NULL"}
	var args []any
	if a.IsClient() {
		where = append(where, "o.id = ?")
		args = append(args, a.OrgID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + strings.ToLower(escapeLike(q)) + "%"
		where = append(where, `(LOWER(o.name) LIKE ? ESCAPE '\' OR LOWER(o.short_name) LIKE ? ESCAPE '\' OR o.phone LIKE ? ESCAPE '\' OR o.name_key LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, "%"+escapeLike(Key(q))+"%")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM client_orgs o`+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count client orgs: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+orgCols+` FROM client_orgs o`+w+fmt.Sprintf(` ORDER BY o.name, o.id LIMIT %d OFFSET %d`, f.Limit, f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list client orgs: %w", err)
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan client org: %w", err)
		}
		if a.IsClient() {
			o = o.ForClient()
		}
		out = append(out, o)
	}
	return out, total, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Get returns an organisation the actor may see. A merged duplicate is
// returned with MergedInto set.
func (s *Service) Get(ctx context.Context, a access.Actor, id int64) (Org, error) {
	o, err := getOrg(ctx, s.DB, id)
	if err != nil {
		return Org{}, err
	}
	if !CanRead(a, o.ID) {
		if a.IsClient() {
			return Org{}, errs.Missing()
		}
		return Org{}, errs.Forbid()
	}
	if a.IsClient() {
		return o.ForClient(), nil
	}
	return o, nil
}

// Names returns the names of organisations by id (internal, for lists).
func Names(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT id, name FROM client_orgs WHERE id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("client org names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// Create adds an organisation. A name that normalises to an existing
// organisation's is refused, naming the existing one.
func (s *Service) Create(ctx context.Context, a access.Actor, in OrgInput) (Org, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = CreateTx(ctx, tx, s.Clock.Now(), a, in)
		return err
	})
	if err != nil {
		return Org{}, err
	}
	return getOrg(ctx, s.DB, id)
}

// CreateTx adds an organisation inside the caller's transaction.
func CreateTx(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, in OrgInput) (int64, error) {
	if !CanWrite(a) {
		return 0, errs.Forbid()
	}
	if err := in.validate(); err != nil {
		return 0, err
	}
	key := Key(in.Name)
	if err := refuseDuplicate(ctx, tx, in, key, 0); err != nil {
		return 0, err
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO client_orgs (name, name_key, kind, short_name, industry, address, phone, website, notes, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.Name, key, in.Kind, in.ShortName, in.Industry, in.Address, in.Phone, in.Website, in.Notes, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
	if err != nil {
		return 0, fmt.Errorf("insert client org: %w", err)
	}
	return id, audit.Record(ctx, tx, now, a, EntityOrg, id, "create", nil, in)
}

// Ensure returns the organisation whose name normalises like name, creating
// it when there is none (used when an application names a new guest
// organisation). It runs in the caller's transaction.
func Ensure(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, name string) (int64, error) {
	name = strings.TrimSpace(name)
	o, err := findByKey(ctx, tx, Key(name), 0)
	if err != nil {
		return 0, err
	}
	if o.ID != 0 {
		return o.ID, nil
	}
	return CreateTx(ctx, tx, now, a, OrgInput{Name: name})
}

// refuseDuplicate refuses an organisation whose normalised name is another
// live organisation's. Individuals are exempt both ways: two people may share
// a name, and a person may share one with a company.
func refuseDuplicate(ctx context.Context, q store.Querier, in OrgInput, key string, except int64) error {
	if in.Kind == KindIndividual {
		return nil
	}
	dup, err := findByKey(ctx, q, key, except)
	if err != nil {
		return err
	}
	if dup.ID != 0 {
		return errs.Field("name", "err.client.duplicate", "name", dup.Name)
	}
	return nil
}

// findByKey returns the live organisation (not an individual) with the
// normalised name, other than except (zero Org when none).
func findByKey(ctx context.Context, q store.Querier, key string, except int64) (Org, error) {
	if key == "" {
		return Org{}, nil
	}
	o, err := scanOrg(q.QueryRow(ctx, `SELECT `+orgCols+` FROM client_orgs o WHERE o.name_key = ? AND o.kind <> 'individual' AND o.merged_into IS NULL AND o.id <> ? ORDER BY o.id LIMIT 1`, key, except))
	if errors.Is(err, sql.ErrNoRows) {
		return Org{}, nil
	}
	if err != nil {
		return Org{}, fmt.Errorf("find client org by name: %w", err)
	}
	return o, nil
}

// Update edits an organisation.
func (s *Service) Update(ctx context.Context, a access.Actor, id int64, in OrgInput) (Org, error) {
	if !CanWrite(a) {
		return Org{}, errs.Refuse(CanRead(a, id))
	}
	if err := in.validate(); err != nil {
		return Org{}, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := getOrg(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.MergedInto != 0 {
			return errs.New(errs.Conflict, "err.client.merged")
		}
		key := Key(in.Name)
		if err := refuseDuplicate(ctx, tx, in, key, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE client_orgs SET name = ?, name_key = ?, kind = ?, short_name = ?, industry = ?, address = ?, phone = ?, website = ?, notes = ?, updated_at = ? WHERE id = ?`,
			in.Name, key, in.Kind, in.ShortName, in.Industry, in.Address, in.Phone, in.Website, in.Notes, store.Ms(now), id); err != nil {
			return fmt.Errorf("update client org %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, EntityOrg, id, "update", before, in)
	})
	if err != nil {
		return Org{}, err
	}
	return getOrg(ctx, s.DB, id)
}

// Merge folds the duplicate organisation dupID into keepID: its contacts,
// client users and every registered reference move to keepID, blank fields
// of keepID are filled from the duplicate, and the duplicate is marked
// merged. One transaction.
func (s *Service) Merge(ctx context.Context, a access.Actor, keepID, dupID int64) (Org, error) {
	if !CanMerge(a) {
		return Org{}, errs.Refuse(CanRead(a, keepID) && CanRead(a, dupID))
	}
	if keepID == dupID {
		return Org{}, errs.Field("duplicate_id", "err.client.merge_self")
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		keep, err := getOrg(ctx, tx, keepID)
		if err != nil {
			return err
		}
		dup, err := getOrg(ctx, tx, dupID)
		if err != nil {
			if errs.As(err).Kind == errs.NotFound {
				return errs.Field("duplicate_id", "err.not_found")
			}
			return err
		}
		if keep.MergedInto != 0 || dup.MergedInto != 0 {
			return errs.New(errs.Conflict, "err.client.merged")
		}
		fill := func(dst *string, src string) {
			if strings.TrimSpace(*dst) == "" {
				*dst = src
			}
		}
		merged := keep
		fill(&merged.ShortName, dup.ShortName)
		fill(&merged.Industry, dup.Industry)
		fill(&merged.Address, dup.Address)
		fill(&merged.Phone, dup.Phone)
		fill(&merged.Website, dup.Website)
		if merged.Billing == (BillingProfile{}) {
			merged.Billing = dup.Billing
		}
		if dup.Notes != "" && !strings.Contains(merged.Notes, dup.Notes) {
			merged.Notes = strings.TrimSpace(merged.Notes + "\n" + dup.Notes)
		}
		mb := merged.Billing
		if _, err := tx.Exec(ctx, `UPDATE client_orgs SET short_name = ?, industry = ?, address = ?, phone = ?, website = ?, notes = ?,
			bill_title = ?, bill_tax_id = ?, bill_address_phone = ?, bill_bank_account = ?, bill_fapiao_type = ?, bill_email = ?, bill_postal_address = ?, updated_at = ? WHERE id = ?`,
			merged.ShortName, merged.Industry, merged.Address, merged.Phone, merged.Website, merged.Notes,
			mb.Title, mb.TaxID, mb.AddressPhone, mb.BankAccount, mb.FapiaoType, mb.EFapiaoEmail, mb.PostalAddress, store.Ms(now), keepID); err != nil {
			return fmt.Errorf("merge into client org %d: %w", keepID, err)
		}
		stmts := []string{
			`UPDATE client_contacts SET org_id = ? WHERE org_id = ?`,
			`UPDATE users SET org_id = ? WHERE org_id = ?`,
			`UPDATE client_orgs SET merged_into = ? WHERE merged_into = ?`,
		}
		for _, r := range s.orgRefs {
			stmts = append(stmts, `UPDATE `+r.Table+` SET `+r.Column+` = ? WHERE `+r.Column+` = ?`)
		}
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q, keepID, dupID); err != nil {
				return fmt.Errorf("merge client org %d into %d: %w", dupID, keepID, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE client_orgs SET merged_into = ?, updated_at = ? WHERE id = ?`, keepID, store.Ms(now), dupID); err != nil {
			return fmt.Errorf("mark client org %d merged: %w", dupID, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityOrg, dupID, "merge", dup, map[string]any{"merged_into": keepID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, EntityOrg, keepID, "merge_keep", keep, map[string]any{"absorbed": dupID, "name": keep.Name})
	})
	if err != nil {
		return Org{}, err
	}
	return getOrg(ctx, s.DB, keepID)
}

// DuplicatePair is two live organisations that look like the same one.
type DuplicatePair struct {
	A, B   Org
	Reason string // "name", "phone" or "website"
}

// Duplicates suggests organisations that may be duplicates: one normalised
// name contains the other, or they share a phone number or website.
func (s *Service) Duplicates(ctx context.Context, a access.Actor) ([]DuplicatePair, error) {
	if !CanMerge(a) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT `+orgCols+`, o.name_key FROM client_orgs o WHERE o.merged_into IS NULL ORDER BY o.id DESC LIMIT 3000`)
	if err != nil {
		return nil, fmt.Errorf("list client orgs for duplicates: %w", err)
	}
	type row struct {
		o   Org
		key string
	}
	var all []row
	for rows.Next() {
		var r row
		var err error
		if r.o, err = scanOrg(rows, &r.key); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan client org: %w", err)
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].o.ID < all[j].o.ID })
	var out []DuplicatePair
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			x, y := all[i], all[j]
			reason := ""
			switch {
			case x.o.Kind != KindIndividual && y.o.Kind != KindIndividual && similarNames(x.key, y.key):
				reason = "name"
			case x.o.Phone != "" && digits(x.o.Phone) == digits(y.o.Phone):
				reason = "phone"
			case x.o.Website != "" && siteKey(x.o.Website) != "" && siteKey(x.o.Website) == siteKey(y.o.Website):
				reason = "website"
			}
			if reason != "" {
				out = append(out, DuplicatePair{A: x.o, B: y.o, Reason: reason})
				if len(out) >= 200 {
					return out, nil
				}
			}
		}
	}
	return out, nil
}

// similarNames reports whether two normalised names look alike: one holds
// the other, or at least half of their character pairs are shared (so
// "深圳腾飞电子" and "腾飞电子深圳" match).
func similarNames(a, b string) bool {
	if utf8.RuneCountInString(a) < 2 || utf8.RuneCountInString(b) < 2 {
		return a == b && a != ""
	}
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return true
	}
	ba, bb := bigrams(a), bigrams(b)
	common := 0
	for g := range ba {
		if bb[g] {
			common++
		}
	}
	union := len(ba) + len(bb) - common
	return union > 0 && 2*common >= union
}

func bigrams(s string) map[string]bool {
	r := []rune(s)
	out := make(map[string]bool, len(r))
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])] = true
	}
	return out
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func siteKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"https://", "http://", "www."} {
		s = strings.TrimPrefix(s, p)
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// History returns the organisation's dealings from every area, newest first.
func (s *Service) History(ctx context.Context, a access.Actor, orgID, contactID int64) ([]HistoryItem, error) {
	if !CanRead(a, orgID) {
		return nil, errs.Forbid()
	}
	var out []HistoryItem
	sources := s.history
	if a.IsClient() {
		sources = s.clientHistory
	}
	for _, src := range sources {
		items, err := src(ctx, s.DB, orgID, contactID)
		if err != nil {
			return nil, fmt.Errorf("client history of org %d: %w", orgID, err)
		}
		out = append(out, items...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, nil
}
