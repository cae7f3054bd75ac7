// Package app wires the services together once, so that web, api and jobs
// receive the same instances. It holds no logic of its own.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/ack"
	"jiedai/internal/approval"
	"jiedai/internal/attachment"
	"jiedai/internal/audit"
	"jiedai/internal/auth"
	"jiedai/internal/billing"
	"jiedai/internal/booking"
	"jiedai/internal/caldav"
	"jiedai/internal/client"
	"jiedai/internal/clock"
	"jiedai/internal/doctemplate"
	"jiedai/internal/forms"
	"jiedai/internal/i18n"
	"jiedai/internal/jobs"
	"jiedai/internal/meeting"
	"jiedai/internal/notify"
	"jiedai/internal/post"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/task"
	"jiedai/internal/venue"
	"jiedai/internal/workday"
	"jiedai/internal/workday/overrides"
)

// Config is what the command line gives.
type Config struct {
	Demo          bool   // show demo accounts on the login page
	DemoPassword  string // the demo accounts' password, shown only in demo mode
	SecureCookies bool   // set the Secure flag on cookies (behind TLS)
	TimeZone      string // site zone, default Asia/Shanghai
	BaseURL       string // public URL, for links in emails and webhooks
	// TrustedProxyHeader names the header (e.g. X-Forwarded-For) in which a
	// reverse proxy in front gives the client's address; empty: none is trusted.
	TrustedProxyHeader string
	LoginHashes        int // password hashes run at once (0: one per core)
}

// App is every service, built once.
type App struct {
	Config    Config
	DB        *store.DB
	Clock     clock.Clock
	Log       *slog.Logger
	I18n      *i18n.Bundle
	Loc       *time.Location
	Calendar  *workday.Calendar
	Auth      *auth.Service
	Audit     *audit.Log // the audit log as readers see it, through the areas' screens
	Files     *attachment.Service
	Forms     *forms.Service       // the register of printed forms
	Templates *doctemplate.Service // document templates with versions
	Acks      *ack.Service         // acknowledgements and signatures
	Jobs      *jobs.Runner
	Notify    *notify.Service
	Venues    *venue.Service
	Bookings  *booking.Service
	Clients   *client.Service
	Posts     *post.Service
	Reception *reception.Service
	Meetings  *meeting.Service
	CalDAV    *caldav.Service
	Books     *billing.Books
	Billing   *billing.Service
	Today     []TodaySource
	Portal    []TodaySource // sections of the client portal "我的租务", see portal.go
	site      siteCache
}

// New builds the services on an open database.
func New(ctx context.Context, db *store.DB, c clock.Clock, log *slog.Logger, cfg Config) (*App, error) {
	if cfg.TimeZone == "" {
		cfg.TimeZone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("load time zone %s: %w", cfg.TimeZone, err)
	}
	bundle, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	cal, err := overrides.Calendar(ctx, db, loc)
	if err != nil {
		return nil, fmt.Errorf("working-day calendar: %w", err)
	}
	a := &App{Config: cfg, DB: db, Clock: c, Log: log, I18n: bundle, Loc: loc, Calendar: cal}
	a.Auth = auth.New(db, c)
	if cfg.LoginHashes > 0 {
		a.Auth.SetHashLimit(cfg.LoginHashes)
	}
	// Rows of engine records belong to the record they serve: its area's
	// screen decides how much of them a reader sees.
	a.Audit = audit.NewLog(db)
	a.Audit.Parent(task.AuditEntity, audit.ParentsIn("tasks"))
	a.Audit.Parent(approval.AuditEntity, audit.ParentsIn("approval_chains"))
	a.Audit.Parent(attachment.AuditEntity, audit.ParentsIn("attachments"))
	a.Files = attachment.New(db, c)
	a.Forms = forms.New(db, c)
	// Site files (the logo) are managed by admins; /site/logo serves the logo to all.
	a.Files.Guard("site", func(_ context.Context, a access.Actor, _ int64) (bool, error) { return a.Has(access.Admin), nil })
	a.Jobs = jobs.NewRunner(db, c, log)
	a.Notify = &notify.Service{DB: db, Clock: c, I18n: bundle, Log: log, BaseURL: cfg.BaseURL}
	a.Notify.Register(a.Jobs, 50)
	a.Today = append(a.Today, a.todayApprovals, a.todayTasks, a.todayInbox)
	a.Venues = venue.New(db, c, loc)
	a.Venues.Notify = a.Notify.Notify
	a.Venues.RegisterJobs(a.Jobs)
	a.Bookings = booking.New(db, c, loc, cal, a.Venues)
	a.Bookings.Notify = a.Notify.Notify
	a.Bookings.Mail = func(ctx context.Context, q store.Querier, now time.Time, to, key string, args map[string]any, link string) (bool, error) {
		return a.Notify.EmailTo(ctx, q, now, to, key, args, link, nil)
	}
	a.Files.Guard(booking.AuditEntity, a.Bookings.AttachmentGuard)
	a.Bookings.RegisterJobs(a.Jobs)
	a.Today = append(a.Today, a.bookingTodaySources()...)
	a.Clients = client.New(db, c)
	a.Posts = post.New(db, c, loc)
	a.Reception = reception.New(db, c, cal, loc)
	a.Reception.Notify = a.Notify.Notify
	a.Reception.OnCancel = a.releaseCaseRoom
	a.Reception.RegisterJobs(a.Jobs)
	a.Clients.AddOrgRef("receptions", "org_id")
	a.Clients.AddOrgRef("bookings", "org_id")
	a.Clients.AddContactRef("reception_guests", "contact_id")
	a.Clients.AddHistory(a.Reception.History)
	a.Clients.AddClientHistory(a.Reception.ClientHistory)
	a.Clients.OnErase(a.Reception.EraseContactGuests)
	a.Reception.EraseContact = a.Clients.EraseContactTx
	a.Reception.OnEraseGuest = eraseGuestBooking
	a.Today = append(a.Today, a.receptionToday)
	a.wireMeetings()
	a.wireCalDAV()
	a.wireDocuments()
	a.wireBilling()
	if err := a.wireBooks(ctx); err != nil {
		return nil, fmt.Errorf("billing books: %w", err)
	}
	return a, nil
}

// TodayItem is one line on a person's today page.
type TodayItem struct {
	Title   string    `json:"title"`            // already in the reader's language, or user text
	Detail  string    `json:"detail,omitempty"` // a second line, optional
	Link    string    `json:"link,omitempty"`   // where to act on it
	Due     time.Time `json:"due,omitzero"`     // zero if none
	Overdue bool      `json:"overdue,omitempty"`
}

// TodaySection is one block of the today page, filled by one area.
type TodaySection struct {
	Key      string // stable id, e.g. "approvals"
	TitleKey string // i18n key of the heading
	EmptyKey string // i18n key shown when Items is empty
	Items    []TodayItem
	MoreLink string
	Total    int // how many there are when Items holds only the first (0: len(Items))
}

// TodayShown is how many lines a section of the today page lists; the
// rest are counted, up to TodayCounted, and reached through the section's
// more link.
const (
	TodayShown   = 15
	TodayCounted = 1000
)

// TodaySource fills a section of the today page for an actor reading in lang;
// a section without a Key is not shown (the area has nothing for that reader).
// Areas add theirs when they are wired in.
type TodaySource func(ctx context.Context, a access.Actor, lang string) (TodaySection, error)

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// StartBackground starts the periodic work (job runner, clean-ups) and
// returns a function that waits for it to stop after ctx is cancelled.
func (a *App) StartBackground(ctx context.Context) (wait func()) {
	done := make(chan struct{})
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		a.Jobs.Start(ctx, 2*time.Second)
	}()
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			if err := a.Auth.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("purge expired sessions", "err", err)
			}
			if _, err := a.Reception.PurgeIDs(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("purge guest ID numbers", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	calDone := make(chan struct{})
	go func() {
		defer close(calDone)
		a.watchCalendar(ctx, 30*time.Second)
	}()
	return func() { <-done; <-jobsDone; <-calDone }
}

// watchCalendar reloads the working-day overrides every period, so that
// one saved through another instance takes effect here too.
func (a *App) watchCalendar(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	var last []workday.Override
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var err error
		if last, err = overrides.Reload(ctx, a.DB, a.Calendar, last); err != nil && ctx.Err() == nil {
			a.Log.Warn("reload working-day overrides", "err", err)
		}
	}
}

// releaseCaseRoom cancels the meeting room a cancelled reception case had
// booked, in the same transaction: by the office user who cancels the
// case, or else by the system on their behalf; a booking that is already
// over, rejected or let go is left as it is. The cancellation fee follows
// the booking rules (internal bookings have none).
func (a *App) releaseCaseRoom(ctx context.Context, tx *store.Tx, actor access.Actor, r reception.Reception, why string) error {
	return caseRooms(a.Bookings).release(ctx, tx, actor, r.BookingID, r.Code+" "+why)
}

// eraseGuestBooking erases the principal guest of an erased guest line from
// the case's meeting-room booking, where they are named as its contact.
func eraseGuestBooking(ctx context.Context, tx store.Querier, now time.Time, actor access.Actor, r reception.Reception, g reception.Guest) error {
	if r.BookingID == 0 || g.Kind != reception.GuestPrincipal {
		return nil
	}
	return booking.EraseContact(ctx, tx, now, actor, r.BookingID, g.Name)
}
