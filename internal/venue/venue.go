// Package venue holds the bookable venues (会场/会议室): names, type,
// location, capacity per layout, equipment, setup and teardown buffers,
// opening hours, maintenance periods, the rate card with its add-ons, and
// equipment repairs (报修).
package venue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
	"jiedai/internal/wallclock"
)

// Kinds of venue.
const (
	KindMeetingRoom = "meeting_room"
	KindMultiHall   = "multi_hall"
	KindNegotiation = "negotiation"
	KindTraining    = "training"
	KindReception   = "reception"
	KindOther       = "other"
	// Bookable resources that are not meeting rooms, through the
	// same booking engine and its no-overlap guarantee.
	KindOffice      = "office"       // 临时办公室, rented by the hour, half day or day
	KindServiceLift = "service_lift" // 货梯, booked for a move: no seating layouts
)

// Kinds lists the venue kinds in display order.
var Kinds = []string{KindMeetingRoom, KindMultiHall, KindNegotiation, KindTraining, KindReception, KindOffice, KindServiceLift, KindOther}

// Seated reports whether the venue is arranged in seating layouts (every
// kind but the service lift).
func (v Venue) Seated() bool { return v.Kind != KindServiceLift }

// Layouts of the seating.
const (
	LayoutBoardroom = "boardroom"
	LayoutTheatre   = "theatre"
	LayoutClassroom = "classroom"
	LayoutUShape    = "ushape"
)

// Layouts lists the seating layouts.
var Layouts = []string{LayoutBoardroom, LayoutTheatre, LayoutClassroom, LayoutUShape}

// Equipment lists the known equipment codes.
var Equipment = []string{"projector", "screen", "sound", "microphone", "video_conference", "phone_conference", "whiteboard", "tv", "lectern", "stage_lighting", "interpretation", "recording"}

// Rate tiers of the rate card.
const (
	TierInternal = "internal"
	TierClient   = "client"
	TierKey      = "key"
)

// Tiers lists the rate tiers.
var Tiers = []string{TierInternal, TierClient, TierKey}

// AuditEntity names venues in the audit log.
const AuditEntity = "venue"

// MaxRateFen bounds each room price (10 million yuan), so that a day's
// room charge stays far within money.Max.
const MaxRateFen = 1_000_000_000

// Rate is one tier's room prices in fen.
type Rate struct {
	Hour    int64 `json:"hour"`
	HalfDay int64 `json:"half_day"`
	FullDay int64 `json:"full_day"`
}

// Rates is the rate card of a venue.
type Rates struct {
	Internal Rate `json:"internal,omitzero" doc:"Internal charge-back prices (staff only; absent when all zero)"`
	Client   Rate `json:"client"`
	Key      Rate `json:"key"`
}

// For returns the tier's rate.
func (r Rates) For(tier string) Rate {
	switch tier {
	case TierClient:
		return r.Client
	case TierKey:
		return r.Key
	}
	return r.Internal
}

// Capacities per layout; zero means "the venue's capacity".
type Capacities struct {
	Boardroom int `json:"boardroom"`
	Theatre   int `json:"theatre"`
	Classroom int `json:"classroom"`
	UShape    int `json:"ushape"`
}

// Venue is a bookable room or hall.
type Venue struct {
	ID             int64      `json:"id"`
	Code           string     `json:"code"`
	Name           string     `json:"name"`
	NameEn         string     `json:"name_en"`
	Kind           string     `json:"kind"`
	Location       string     `json:"location"`
	Floor          string     `json:"floor"`
	Capacity       int        `json:"capacity"`
	Capacities     Capacities `json:"capacities"`
	Equipment      []string   `json:"equipment"`
	BufferBefore   int        `json:"buffer_before_min"`
	BufferAfter    int        `json:"buffer_after_min"`
	OpenFrom       int        `json:"open_from_min" doc:"Opening time, minutes after midnight"`
	OpenTo         int        `json:"open_to_min" doc:"Closing time, minutes after midnight (1440 = midnight)"`
	OpenDays       int        `json:"open_days" doc:"Bit mask of open weekdays, bit 0 = Sunday … bit 6 = Saturday"`
	InService      bool       `json:"in_service"`
	ClientBookable bool       `json:"client_bookable"`
	Description    string     `json:"description"`
	Rates          Rates      `json:"rates"`
	Sort           int        `json:"sort"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	FeedToken      string     `json:"-"`
	FeedRevoked    bool       `json:"-"` // the feed link answers no one until a new one is made
	DoorToken      string     `json:"-"`
}

// DisplayName returns the name in lang (English when asked and known).
func (v Venue) DisplayName(lang string) string {
	if lang == "en" && v.NameEn != "" {
		return v.NameEn
	}
	return v.Name
}

// CapacityFor returns the seats for a layout ("" = the venue's capacity).
func (v Venue) CapacityFor(layout string) int {
	c := 0
	switch layout {
	case LayoutBoardroom:
		c = v.Capacities.Boardroom
	case LayoutTheatre:
		c = v.Capacities.Theatre
	case LayoutClassroom:
		c = v.Capacities.Classroom
	case LayoutUShape:
		c = v.Capacities.UShape
	}
	if c <= 0 {
		return v.Capacity
	}
	return c
}

// MaxCapacity is the largest capacity over every layout.
func (v Venue) MaxCapacity() int {
	m := v.Capacity
	for _, c := range []int{v.Capacities.Boardroom, v.Capacities.Theatre, v.Capacities.Classroom, v.Capacities.UShape} {
		m = max(m, c)
	}
	return m
}

// HasEquipment reports whether the venue has every listed code.
func (v Venue) HasEquipment(codes []string) bool {
	for _, c := range codes {
		if !slices.Contains(v.Equipment, c) {
			return false
		}
	}
	return true
}

// Place is where the venue is, said the same way on every page: its
// location and floor ("裙楼三层西侧 · 3F"), either alone when only one is set.
func (v Venue) Place() string {
	switch {
	case v.Location == "":
		return v.Floor
	case v.Floor == "":
		return v.Location
	}
	return v.Location + " · " + v.Floor
}

// EquipmentOf lists, in the order of Equipment, the codes at least one of
// the venues has: what a request may ask for.
func EquipmentOf(vs []Venue) []string {
	out := []string{}
	for _, c := range Equipment {
		if slices.ContainsFunc(vs, func(v Venue) bool { return slices.Contains(v.Equipment, c) }) {
			out = append(out, c)
		}
	}
	return out
}

// MissingEquipment returns the codes the venue lacks.
func (v Venue) MissingEquipment(codes []string) []string {
	var out []string
	for _, c := range codes {
		if !slices.Contains(v.Equipment, c) {
			out = append(out, c)
		}
	}
	return out
}

// OpenOn reports whether the venue opens on t's weekday (in loc).
func (v Venue) OpenOn(t time.Time, loc *time.Location) bool {
	return v.OpenDays&(1<<int(t.In(loc).Weekday())) != 0
}

// OpenWindow returns the opening and closing time on the civil day of t,
// read on the wall clock (so on a daylight-saving change day too).
func (v Venue) OpenWindow(t time.Time, loc *time.Location) (time.Time, time.Time) {
	return wallclock.OnForward(t, v.OpenFrom/60, v.OpenFrom%60, loc), wallclock.OnForward(t, v.OpenTo/60, v.OpenTo%60, loc)
}

// WithinHours reports whether [start, end) lies inside one day's opening
// hours on an open day.
func (v Venue) WithinHours(start, end time.Time, loc *time.Location) bool {
	if !v.OpenOn(start, loc) {
		return false
	}
	from, to := v.OpenWindow(start, loc)
	return !start.Before(from) && !end.After(to)
}

// Block returns the range a booking [start, end) holds: widened by the buffers.
func (v Venue) Block(start, end time.Time) (int64, int64) {
	return store.Ms(start) - int64(v.BufferBefore)*60000, store.Ms(end) + int64(v.BufferAfter)*60000
}

// Input creates or edits a venue.
type Input struct {
	Code           string
	Name           string
	NameEn         string
	Kind           string
	Location       string
	Floor          string
	Capacity       int
	Capacities     Capacities
	Equipment      []string
	BufferBefore   int
	BufferAfter    int
	OpenFrom       int
	OpenTo         int
	OpenDays       int
	InService      bool
	ClientBookable bool
	Description    string
	Rates          Rates
	Sort           int
}

// FromVenue returns an Input holding v's values (for partial edits).
func FromVenue(v Venue) Input {
	return Input{Code: v.Code, Name: v.Name, NameEn: v.NameEn, Kind: v.Kind, Location: v.Location, Floor: v.Floor,
		Capacity: v.Capacity, Capacities: v.Capacities, Equipment: v.Equipment, BufferBefore: v.BufferBefore,
		BufferAfter: v.BufferAfter, OpenFrom: v.OpenFrom, OpenTo: v.OpenTo, OpenDays: v.OpenDays, InService: v.InService,
		ClientBookable: v.ClientBookable, Description: v.Description, Rates: v.Rates, Sort: v.Sort}
}

// Defaults returns an Input with the defaults a new venue gets: a meeting
// room open 08:00–22:00 every day, in service, bookable by clients.
func Defaults() Input {
	return Input{Kind: KindMeetingRoom, OpenFrom: 8 * 60, OpenTo: 22 * 60, OpenDays: 127, InService: true, ClientBookable: true}
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// MaxSort bounds the display order (the column is a 32-bit INTEGER).
const MaxSort = 99999

// MaxCapacity is the largest capacity accepted.
const MaxCapacity = 5000

func (in *Input) normalize() error {
	var l errs.List
	in.Name = namecheck.Check(&l, "name", in.Name, true, 64)
	in.NameEn = namecheck.Check(&l, "name_en", in.NameEn, false, 64)
	in.Code = strings.TrimSpace(in.Code)
	in.Location = strings.TrimSpace(in.Location)
	in.Floor = strings.TrimSpace(in.Floor)
	in.Description = strings.TrimSpace(in.Description)
	if in.Code != "" && !codeRE.MatchString(in.Code) {
		l.Add("code", "err.venue_code")
	}
	if in.Kind == "" {
		in.Kind = KindMeetingRoom
	}
	if !slices.Contains(Kinds, in.Kind) {
		l.Add("kind", "err.invalid")
	}
	if utf8.RuneCountInString(in.Location) > 100 {
		l.Add("location", "err.too_long", "max", 100)
	}
	if utf8.RuneCountInString(in.Floor) > 20 {
		l.Add("floor", "err.too_long", "max", 20)
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		l.Add("description", "err.too_long", "max", 2000)
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		l.Add("capacity", "err.venue_capacity", "max", MaxCapacity)
	}
	for name, c := range map[string]int{"cap_boardroom": in.Capacities.Boardroom, "cap_theatre": in.Capacities.Theatre, "cap_classroom": in.Capacities.Classroom, "cap_ushape": in.Capacities.UShape} {
		if c < 0 || c > MaxCapacity {
			l.Add(name, "err.venue_capacity", "max", MaxCapacity)
		} else if c > 0 && in.Kind == KindServiceLift {
			l.Add(name, "err.venue.lift_no_layouts")
		}
	}
	eq := []string{}
	for _, e := range in.Equipment {
		e = strings.TrimSpace(e)
		if e == "" || slices.Contains(eq, e) {
			continue
		}
		if !slices.Contains(Equipment, e) {
			l.Add("equipment", "err.venue_unknown_equipment", "code", e)
			continue
		}
		eq = append(eq, e)
	}
	slices.SortFunc(eq, func(a, b string) int { return slices.Index(Equipment, a) - slices.Index(Equipment, b) })
	in.Equipment = eq
	if in.BufferBefore < 0 || in.BufferBefore > 240 {
		l.Add("buffer_before_min", "err.venue_buffer")
	}
	if in.BufferAfter < 0 || in.BufferAfter > 240 {
		l.Add("buffer_after_min", "err.venue_buffer")
	}
	if in.OpenFrom < 0 || in.OpenFrom >= 1440 {
		l.Add("open_from_min", "err.invalid")
	}
	if in.OpenTo <= in.OpenFrom || in.OpenTo > 1440 {
		l.Add("open_to_min", "err.venue_hours")
	}
	if in.OpenDays < 0 || in.OpenDays > 127 {
		l.Add("open_days", "err.invalid")
	}
	if in.Sort < -MaxSort || in.Sort > MaxSort {
		l.Add("sort", "err.invalid")
	}
	for _, r := range []Rate{in.Rates.Internal, in.Rates.Client, in.Rates.Key} {
		n := len(l)
		for _, fen := range []int64{r.Hour, r.HalfDay, r.FullDay} {
			money.CheckUpTo(&l, "rates", fen, MaxRateFen)
		}
		if len(l) > n {
			break
		}
	}
	return l.Err()
}

// Service is the venue service.
type Service struct {
	DB      *store.DB
	Clock   clock.Clock
	Loc     *time.Location
	cache   listCache
	buffers []BufferHook
	Notify  Notifier // optional: tells engineering and the office of repair reports
}

// BufferHook is called inside the transaction that changes a venue's setup
// or teardown buffer, so that what holds slots of the venue (bookings) can
// take the new buffers; an error refuses the change.
type BufferHook func(ctx context.Context, tx *store.Tx, venueID int64, old, new Buffers, now time.Time) error

// Buffers are a venue's setup and teardown minutes around each booking.
type Buffers struct{ Before, After int }

// OnBuffersChanged registers a hook for buffer changes (at start-up).
func (s *Service) OnBuffersChanged(h BufferHook) { s.buffers = append(s.buffers, h) }

// New returns the venue service.
func New(db *store.DB, c clock.Clock, loc *time.Location) *Service {
	return &Service{DB: db, Clock: c, Loc: loc}
}

// CanManage reports whether the actor may edit venues, rates and maintenance.
func CanManage(a access.Actor) bool { return a.Has(access.Office) }

const cols = `id, code, name, name_en, kind, location, floor, capacity, cap_boardroom, cap_theatre, cap_classroom, cap_ushape,
 equipment, buffer_before_min, buffer_after_min, open_from_min, open_to_min, open_days, in_service, bookable_by_clients, description,
 rate_hour_internal, rate_half_internal, rate_day_internal, rate_hour_client, rate_half_client, rate_day_client,
 rate_hour_key, rate_half_key, rate_day_key, feed_token, door_token, sort, created_at, updated_at, feed_revoked`

func scan(sc interface{ Scan(...any) error }) (Venue, error) {
	var v Venue
	var eq string
	var created, updated int64
	err := sc.Scan(&v.ID, &v.Code, &v.Name, &v.NameEn, &v.Kind, &v.Location, &v.Floor, &v.Capacity,
		&v.Capacities.Boardroom, &v.Capacities.Theatre, &v.Capacities.Classroom, &v.Capacities.UShape,
		&eq, &v.BufferBefore, &v.BufferAfter, &v.OpenFrom, &v.OpenTo, &v.OpenDays, &v.InService, &v.ClientBookable, &v.Description,
		&v.Rates.Internal.Hour, &v.Rates.Internal.HalfDay, &v.Rates.Internal.FullDay,
		&v.Rates.Client.Hour, &v.Rates.Client.HalfDay, &v.Rates.Client.FullDay,
		&v.Rates.Key.Hour, &v.Rates.Key.HalfDay, &v.Rates.Key.FullDay, &v.FeedToken, &v.DoorToken, &v.Sort, &created, &updated, &v.FeedRevoked)
	if err != nil {
		return v, err
	}
	v.Equipment = SplitCodes(eq)
	v.CreatedAt, v.UpdatedAt = store.Time(created), store.Time(updated)
	return v, nil
}

// SplitCodes splits a stored comma list.
func SplitCodes(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Token returns a random URL-safe secret.
func Token() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Filter selects venues.
type Filter struct {
	Kind        string
	MinCapacity int
	Equipment   []string
	InService   bool // only venues in service
	ClientsOnly bool // only venues clients may book
}

// All lists every venue in display order, without authorisation (for
// internal use by other domain calls and the public pages). Outside a
// transaction (q nil) the list comes from the cache (see venuecache.go).
func (s *Service) All(ctx context.Context, q store.Querier) ([]Venue, error) {
	if q == nil {
		return s.cache.all(ctx, s)
	}
	return s.load(ctx, q)
}

// load reads every venue in display order.
func (s *Service) load(ctx context.Context, q store.Querier) ([]Venue, error) {
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM venues ORDER BY sort, id`)
	if err != nil {
		return nil, fmt.Errorf("list venues: %w", err)
	}
	defer rows.Close()
	out := []Venue{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan venue: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ForReader returns the venue as the actor may see it: client users do not
// see the internal rate (the venue page hides it; the public rate card
// shows the client and key-client rates).
func (v Venue) ForReader(a access.Actor) Venue {
	if a.IsClient() {
		v.Rates.Internal = Rate{}
	}
	return v
}

// List returns the venues matching f for a signed-in user.
func (s *Service) List(ctx context.Context, a access.Actor, f Filter) ([]Venue, error) {
	if a.UserID == 0 && !a.System {
		return nil, errs.New(errs.Unauthorized, "err.login_required")
	}
	all, err := s.All(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := []Venue{}
	for _, v := range all {
		if f.Kind != "" && v.Kind != f.Kind {
			continue
		}
		if f.MinCapacity > 0 && v.MaxCapacity() < f.MinCapacity {
			continue
		}
		if !v.HasEquipment(f.Equipment) || (f.InService && !v.InService) {
			continue
		}
		if (f.ClientsOnly || a.IsClient()) && !v.ClientBookable {
			continue
		}
		out = append(out, v.ForReader(a))
	}
	return out, nil
}

// Get returns one venue.
func (s *Service) Get(ctx context.Context, q store.Querier, id int64) (Venue, error) {
	if q == nil {
		q = s.DB
	}
	v, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM venues WHERE id = ?`, id))
	if err != nil {
		return v, errs.Wrap(store.MapError(err), "get venue")
	}
	return v, nil
}

// ByToken finds a venue by its feed or door token.
func (s *Service) ByToken(ctx context.Context, column, token string) (Venue, error) {
	if column != "feed_token" && column != "door_token" {
		return Venue{}, fmt.Errorf("venue by token: bad column %q", column)
	}
	if token == "" {
		return Venue{}, errs.Missing()
	}
	where := column + ` = ?`
	if column == "feed_token" {
		where += ` AND feed_revoked = FALSE`
	}
	v, err := scan(s.DB.QueryRow(ctx, `SELECT `+cols+` FROM venues WHERE `+where, token))
	if err != nil {
		return v, errs.Wrap(store.MapError(err), "venue by token")
	}
	return v, nil
}

// Create adds a venue (office).
func (s *Service) Create(ctx context.Context, a access.Actor, in Input) (Venue, error) {
	if !CanManage(a) {
		return Venue{}, errs.Forbid()
	}
	if err := in.normalize(); err != nil {
		return Venue{}, err
	}
	now := s.Clock.Now()
	feed, err := Token()
	if err != nil {
		return Venue{}, err
	}
	door, err := Token()
	if err != nil {
		return Venue{}, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		code := in.Code
		if code == "" {
			code = "V" + door[:8]
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO venues (code, name, name_en, kind, location, floor, capacity, cap_boardroom, cap_theatre, cap_classroom, cap_ushape,
 equipment, buffer_before_min, buffer_after_min, open_from_min, open_to_min, open_days, in_service, bookable_by_clients, description,
 rate_hour_internal, rate_half_internal, rate_day_internal, rate_hour_client, rate_half_client, rate_day_client,
 rate_hour_key, rate_half_key, rate_day_key, feed_token, door_token, sort, created_at, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			code, in.Name, in.NameEn, in.Kind, in.Location, in.Floor, in.Capacity, in.Capacities.Boardroom, in.Capacities.Theatre,
			in.Capacities.Classroom, in.Capacities.UShape, strings.Join(in.Equipment, ","), in.BufferBefore, in.BufferAfter,
			in.OpenFrom, in.OpenTo, in.OpenDays, in.InService, in.ClientBookable, in.Description,
			in.Rates.Internal.Hour, in.Rates.Internal.HalfDay, in.Rates.Internal.FullDay,
			in.Rates.Client.Hour, in.Rates.Client.HalfDay, in.Rates.Client.FullDay,
			in.Rates.Key.Hour, in.Rates.Key.HalfDay, in.Rates.Key.FullDay, feed, door, in.Sort, store.Ms(now), store.Ms(now))
		if err != nil {
			if isConflict(err) {
				return errs.Field("code", "err.code_taken")
			}
			return fmt.Errorf("insert venue: %w", err)
		}
		in.Code = code
		tx.AfterCommit(s.cache.forget)
		return audit.Record(ctx, tx, now, a, AuditEntity, id, "create", nil, in)
	})
	if err != nil {
		return Venue{}, err
	}
	return s.Get(ctx, nil, id)
}

// Update edits a venue (office).
func (s *Service) Update(ctx context.Context, a access.Actor, id int64, in Input) (Venue, error) {
	if !CanManage(a) {
		return Venue{}, errs.Forbid()
	}
	if err := in.normalize(); err != nil {
		return Venue{}, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Code == "" {
			in.Code = before.Code
		}
		_, err = tx.Exec(ctx, `UPDATE venues SET code = ?, name = ?, name_en = ?, kind = ?, location = ?, floor = ?, capacity = ?, cap_boardroom = ?,
 cap_theatre = ?, cap_classroom = ?, cap_ushape = ?, equipment = ?, buffer_before_min = ?, buffer_after_min = ?, open_from_min = ?, open_to_min = ?,
 open_days = ?, in_service = ?, bookable_by_clients = ?, description = ?, rate_hour_internal = ?, rate_half_internal = ?, rate_day_internal = ?,
 rate_hour_client = ?, rate_half_client = ?, rate_day_client = ?, rate_hour_key = ?, rate_half_key = ?, rate_day_key = ?, sort = ?, updated_at = ?
 WHERE id = ?`,
			in.Code, in.Name, in.NameEn, in.Kind, in.Location, in.Floor, in.Capacity, in.Capacities.Boardroom, in.Capacities.Theatre,
			in.Capacities.Classroom, in.Capacities.UShape, strings.Join(in.Equipment, ","), in.BufferBefore, in.BufferAfter,
			in.OpenFrom, in.OpenTo, in.OpenDays, in.InService, in.ClientBookable, in.Description,
			in.Rates.Internal.Hour, in.Rates.Internal.HalfDay, in.Rates.Internal.FullDay,
			in.Rates.Client.Hour, in.Rates.Client.HalfDay, in.Rates.Client.FullDay,
			in.Rates.Key.Hour, in.Rates.Key.HalfDay, in.Rates.Key.FullDay, in.Sort, store.Ms(now), id)
		if err != nil {
			if isConflict(err) {
				return errs.Field("code", "err.code_taken")
			}
			return fmt.Errorf("update venue: %w", err)
		}
		if in.BufferBefore != before.BufferBefore || in.BufferAfter != before.BufferAfter {
			for _, h := range s.buffers {
				if err := h(ctx, tx, id, Buffers{before.BufferBefore, before.BufferAfter}, Buffers{in.BufferBefore, in.BufferAfter}, now); err != nil {
					return err
				}
			}
		}
		tx.AfterCommit(s.cache.forget)
		return audit.Record(ctx, tx, now, a, AuditEntity, id, "update", FromVenue(before), in)
	})
	if err != nil {
		return Venue{}, err
	}
	return s.Get(ctx, nil, id)
}

// nullInt reads a nullable BIGINT as 0.
func nullInt(v sql.NullInt64) int64 {
	if v.Valid {
		return v.Int64
	}
	return 0
}

func isConflict(err error) bool { return errors.Is(store.MapError(err), store.ErrConflict) }
