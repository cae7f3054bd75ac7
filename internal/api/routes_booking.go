package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/recur"
	"jiedai/internal/task"
	"jiedai/internal/venue"
	"jiedai/internal/wallclock"
)

// VenueBody creates or edits a venue; on PATCH only the fields sent change.
// Creating one needs only name and capacity.
type VenueBody struct {
	Name           *string         `json:"name,omitempty" maxLength:"64"`
	NameEn         *string         `json:"name_en,omitempty" maxLength:"64"`
	Code           *string         `json:"code,omitempty" maxLength:"32" doc:"Short code; generated when absent"`
	Kind           *string         `json:"kind,omitempty" enum:"meeting_room,multi_hall,negotiation,training,reception,other"`
	Location       *string         `json:"location,omitempty" maxLength:"100"`
	Floor          *string         `json:"floor,omitempty" maxLength:"20"`
	Capacity       *int            `json:"capacity,omitempty" minimum:"1" maximum:"5000"`
	Capacities     *CapacitiesBody `json:"capacities,omitempty" doc:"Seats per layout; 0 = the capacity"`
	Equipment      []string        `json:"equipment,omitempty" maxItems:"20" doc:"Codes: projector, screen, sound, microphone, video_conference, phone_conference, whiteboard, tv, lectern, stage_lighting, interpretation, recording"`
	BufferBefore   *int            `json:"buffer_before_min,omitempty" minimum:"0" maximum:"240"`
	BufferAfter    *int            `json:"buffer_after_min,omitempty" minimum:"0" maximum:"240"`
	OpenFrom       *int            `json:"open_from_min,omitempty" minimum:"0" maximum:"1439"`
	OpenTo         *int            `json:"open_to_min,omitempty" minimum:"1" maximum:"1440"`
	OpenDays       *int            `json:"open_days,omitempty" minimum:"0" maximum:"127"`
	InService      *bool           `json:"in_service,omitempty"`
	ClientBookable *bool           `json:"client_bookable,omitempty"`
	Description    *string         `json:"description,omitempty" maxLength:"2000"`
	Rates          *RatesBody      `json:"rates,omitempty" doc:"Prices in fen; tiers sent replace the venue's"`
	Sort           *int            `json:"sort,omitempty" minimum:"-99999" maximum:"99999" doc:"Display order"`
}

// CapacitiesBody gives seats per layout.
type CapacitiesBody struct {
	Boardroom int `json:"boardroom,omitempty" minimum:"0" maximum:"5000"`
	Theatre   int `json:"theatre,omitempty" minimum:"0" maximum:"5000"`
	Classroom int `json:"classroom,omitempty" minimum:"0" maximum:"5000"`
	UShape    int `json:"ushape,omitempty" minimum:"0" maximum:"5000"`
}

// RateBody is one tier's prices in fen.
type RateBody struct {
	Hour    int64 `json:"hour,omitempty" minimum:"0"`
	HalfDay int64 `json:"half_day,omitempty" minimum:"0"`
	FullDay int64 `json:"full_day,omitempty" minimum:"0"`
}

// RatesBody is the rate card: internal, client and key-client prices.
type RatesBody struct {
	Internal *RateBody `json:"internal,omitempty"`
	Client   *RateBody `json:"client,omitempty"`
	Key      *RateBody `json:"key,omitempty"`
}

// apply overlays the fields sent onto in.
func (b VenueBody) apply(in *venue.Input) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	seti := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Name, b.Name)
	set(&in.NameEn, b.NameEn)
	set(&in.Code, b.Code)
	set(&in.Kind, b.Kind)
	set(&in.Location, b.Location)
	set(&in.Floor, b.Floor)
	set(&in.Description, b.Description)
	seti(&in.Capacity, b.Capacity)
	seti(&in.BufferBefore, b.BufferBefore)
	seti(&in.BufferAfter, b.BufferAfter)
	seti(&in.OpenFrom, b.OpenFrom)
	seti(&in.OpenTo, b.OpenTo)
	seti(&in.OpenDays, b.OpenDays)
	seti(&in.Sort, b.Sort)
	if c := b.Capacities; c != nil {
		in.Capacities = venue.Capacities{Boardroom: c.Boardroom, Theatre: c.Theatre, Classroom: c.Classroom, UShape: c.UShape}
	}
	if b.Equipment != nil {
		in.Equipment = b.Equipment
	}
	if b.InService != nil {
		in.InService = *b.InService
	}
	if b.ClientBookable != nil {
		in.ClientBookable = *b.ClientBookable
	}
	if r := b.Rates; r != nil {
		for _, t := range []struct {
			src *RateBody
			dst *venue.Rate
		}{{r.Internal, &in.Rates.Internal}, {r.Client, &in.Rates.Client}, {r.Key, &in.Rates.Key}} {
			if t.src != nil {
				*t.dst = venue.Rate{Hour: t.src.Hour, HalfDay: t.src.HalfDay, FullDay: t.src.FullDay}
			}
		}
	}
}

type venueCreateIn struct{ Body VenueBody }

type venuePatchIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body VenueBody
}

type venueOut struct {
	Status int
	Body   venue.Venue
}

type venuesIn struct {
	Kind      string `query:"kind" maxLength:"32"`
	Capacity  int    `query:"capacity" minimum:"0" maximum:"5000" doc:"At least this many seats in some layout"`
	Equipment string `query:"equipment" maxLength:"400" doc:"Comma-separated equipment codes the venue must have"`
}

type venuesOut struct {
	Body struct {
		Venues []venue.Venue `json:"venues"`
	}
}

// BookingBody is a booking request. venue_id, start, end, title and
// headcount are required; times are RFC 3339.
type BookingBody struct {
	VenueID       int64      `json:"venue_id" minimum:"1"`
	Start         time.Time  `json:"start" doc:"RFC 3339"`
	End           time.Time  `json:"end" doc:"RFC 3339, after start"`
	Title         string     `json:"title" minLength:"1" maxLength:"200"`
	Headcount     int        `json:"headcount" minimum:"1" maximum:"5000"`
	Layout        string     `json:"layout,omitempty" enum:"boardroom,theatre,classroom,ushape,"`
	Equipment     []string   `json:"equipment,omitempty" maxItems:"20"`
	Purpose       string     `json:"purpose,omitempty" enum:"internal,client," doc:"internal (default) or client"`
	Channel       string     `json:"channel,omitempty" enum:"online,phone,email,walk_in,portal,"`
	Priority      string     `json:"priority,omitempty" enum:"normal,important,urgent,"`
	OrgID         int64      `json:"org_id,omitempty" minimum:"0"`
	ClientName    string     `json:"client_name,omitempty" maxLength:"100"`
	ContactName   string     `json:"contact_name,omitempty" maxLength:"100"`
	ContactPhone  string     `json:"contact_phone,omitempty" maxLength:"100"`
	ContactEmail  string     `json:"contact_email,omitempty" maxLength:"100"`
	RateTier      string     `json:"rate_tier,omitempty" enum:"internal,client,key,"`
	UnderContract bool       `json:"under_contract,omitempty"`
	ContractNo    string     `json:"contract_no,omitempty" maxLength:"100"`
	Notes         string     `json:"notes,omitempty" maxLength:"2000"`
	Items         []ItemBody `json:"items,omitempty" maxItems:"30" doc:"Add-ons from the rate card"`
	Bump          bool       `json:"bump,omitempty" doc:"Office: place an important or urgent booking over lower-priority ones"`
	Approve       bool       `json:"approve,omitempty" doc:"Office: accept the request at once"`
}

// ItemBody orders an add-on.
type ItemBody struct {
	AddonID int64 `json:"addon_id" minimum:"1"`
	Qty     int   `json:"qty" minimum:"1" maximum:"10000"`
}

func (b BookingBody) request() booking.Request {
	r := booking.Request{VenueID: b.VenueID, Start: b.Start, End: b.End, Title: b.Title, Headcount: b.Headcount, Layout: b.Layout,
		Equipment: b.Equipment, Purpose: b.Purpose, Channel: b.Channel, Priority: b.Priority, OrgID: b.OrgID, ClientName: b.ClientName,
		ContactName: b.ContactName, ContactPhone: b.ContactPhone, ContactEmail: b.ContactEmail, RateTier: b.RateTier,
		UnderContract: b.UnderContract, ContractNo: b.ContractNo, Notes: b.Notes, Bump: b.Bump, Approve: b.Approve}
	for _, it := range b.Items {
		r.Items = append(r.Items, booking.ItemInput{AddonID: it.AddonID, Qty: it.Qty})
	}
	return r
}

type bookingCreateIn struct{ Body BookingBody }

type bookingUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body BookingBody
}

type bookingOut struct {
	Status int
	Body   booking.Booking
}

type bookingsIn struct {
	VenueID int64  `query:"venue_id" minimum:"0"`
	From    string `query:"from" maxLength:"40" doc:"RFC 3339 or YYYY-MM-DD: bookings ending after"`
	To      string `query:"to" maxLength:"40" doc:"RFC 3339 or YYYY-MM-DD: bookings starting before"`
	Status  string `query:"status" maxLength:"200" doc:"Comma-separated statuses"`
	Mine    bool   `query:"mine" doc:"Only bookings I requested"`
	Limit   int    `query:"limit" minimum:"0" maximum:"2000"`
}

type bookingsOut struct {
	Body struct {
		Bookings []booking.Booking `json:"bookings"`
	}
}

type actionIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body *struct {
		Reason   string `json:"reason,omitempty" maxLength:"500" doc:"Reject: required; approve and cancel: optional note"`
		Via      string `json:"via,omitempty" enum:"portal,link,phone,email," doc:"Confirm: how the client confirmed"`
		WaiveFee bool   `json:"waive_fee,omitempty" doc:"Cancel (office): no late-cancellation fee"`
	}
}

func (in *actionIn) reason() string {
	if in.Body == nil {
		return ""
	}
	return in.Body.Reason
}

type availabilityIn struct {
	From      string `query:"from" required:"true" maxLength:"40" doc:"RFC 3339 start of the window"`
	To        string `query:"to" required:"true" maxLength:"40" doc:"RFC 3339 end of the window"`
	Capacity  int    `query:"capacity" minimum:"0" maximum:"5000"`
	Layout    string `query:"layout" enum:"boardroom,theatre,classroom,ushape,"`
	Equipment string `query:"equipment" maxLength:"400" doc:"Comma-separated equipment codes, e.g. projector,microphone"`
}

type calendarIn struct {
	ID    int64  `path:"id" minimum:"1"`
	Token string `query:"token" maxLength:"100" doc:"The venue feed's secret token (for calendar programs), instead of a bearer token"`
}

type calendarOut struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

type runSheetOut struct {
	Body struct {
		Tasks []task.Task `json:"tasks"`
	}
}

type letterOut struct{ Body booking.Letter }

type seriesIn struct {
	Body struct {
		BookingBody
		Rule          string `json:"rule" minLength:"1" maxLength:"200" doc:"Recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10 or FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231;X-SKIP-HOLIDAYS=TRUE (at most a year)"`
		SkipConflicts bool   `json:"skip_conflicts,omitempty" doc:"Book the free dates and leave out the taken ones"`
		Preview       bool   `json:"preview,omitempty" doc:"Only list the dates and their conflicts; nothing is booked"`
	}
}

type seriesOut struct {
	Status int
	Body   struct {
		SeriesID    int64                `json:"series_id,omitempty"`
		Occurrences []booking.Occurrence `json:"occurrences"`
	}
}

type statementOut struct{ Body booking.Statement }

// SettleLine is a service actually used: an add-on of the rate card, or a
// named line with its own price.
type SettleLine struct {
	AddonID int64  `json:"addon_id,omitempty" minimum:"0"`
	Name    string `json:"name,omitempty" maxLength:"60" doc:"For a line not on the rate card"`
	Qty     int    `json:"qty" minimum:"1" maximum:"10000"`
	UnitFen int64  `json:"unit_fen,omitempty" minimum:"0" doc:"For a line not on the rate card"`
}

type settleIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Lines          []SettleLine `json:"lines,omitempty" maxItems:"50" doc:"Services actually used"`
		DiscountFen    int64        `json:"discount_fen,omitempty" minimum:"0"`
		DiscountReason string       `json:"discount_reason,omitempty" maxLength:"200"`
		PaidFen        int64        `json:"paid_fen,omitempty" minimum:"0" doc:"A payment received with the settlement, recorded in the billing ledger against the booking's charge"`
		PayMethod      string       `json:"pay_method,omitempty" maxLength:"20" doc:"One of the site's payment methods (GET /billing/pay-methods)"`
		PayReference   string       `json:"pay_reference,omitempty" maxLength:"60" doc:"Cheque number, bank reference or card last 4"`
		PaidAt         string       `json:"paid_at,omitempty" maxLength:"40" doc:"RFC 3339; now when paid and empty"`
		InvoiceNo      string       `json:"invoice_no,omitempty" maxLength:"40"`
		InvoiceDate    string       `json:"invoice_date,omitempty" maxLength:"10" doc:"YYYY-MM-DD"`
	}
}

func (s *Server) parseWhen(field, v string, required bool) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		if required {
			return time.Time{}, errs.Field(field, "err.required")
		}
		return time.Time{}, nil
	}
	t, err := booking.ParseTime(v, s.app.Loc)
	if err != nil {
		return time.Time{}, errs.Field(field, wallclock.Key(err, "err.bad_time"))
	}
	return t, nil
}

func (s *Server) routesBooking() {
	b := s.app.Bookings
	v := s.app.Venues
	handle(s, op(http.MethodGet, "/venues", "list-venues", "List venues", "venues", false),
		func(ctx context.Context, a access.Actor, in *venuesIn) (*venuesOut, error) {
			list, err := v.List(ctx, a, venue.Filter{Kind: in.Kind, MinCapacity: in.Capacity, Equipment: booking.ParseCodes(in.Equipment)})
			if err != nil {
				return nil, err
			}
			out := &venuesOut{}
			out.Body.Venues = list
			return out, nil
		})
	handle(s, op(http.MethodPost, "/venues", "create-venue", "Create a venue (office); only name and capacity are required", "venues", false),
		func(ctx context.Context, a access.Actor, in *venueCreateIn) (*venueOut, error) {
			var l errs.List
			if in.Body.Name == nil {
				l.Add("name", "err.required")
			}
			if in.Body.Capacity == nil {
				l.Add("capacity", "err.required")
			}
			if err := l.Err(); err != nil {
				return nil, err
			}
			vi := venue.Defaults()
			in.Body.apply(&vi)
			out, err := v.Create(ctx, a, vi)
			if err != nil {
				return nil, err
			}
			return &venueOut{Status: http.StatusCreated, Body: out}, nil
		})
	handle(s, op(http.MethodGet, "/venues/{id}", "get-venue", "Get a venue", "venues", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*venueOut, error) {
			out, err := v.Get(ctx, nil, in.ID)
			if err != nil {
				return nil, err
			}
			if a.IsClient() && !out.ClientBookable {
				return nil, errs.Missing()
			}
			return &venueOut{Status: http.StatusOK, Body: out.ForReader(a)}, nil
		})
	handle(s, op(http.MethodPatch, "/venues/{id}", "update-venue", "Edit a venue (office); only the fields sent change", "venues", false),
		func(ctx context.Context, a access.Actor, in *venuePatchIn) (*venueOut, error) {
			if !venue.CanManage(a) {
				return nil, errs.Forbid()
			}
			cur, err := v.Get(ctx, nil, in.ID)
			if err != nil {
				return nil, err
			}
			vi := venue.FromVenue(cur)
			in.Body.apply(&vi)
			out, err := v.Update(ctx, a, in.ID, vi)
			if err != nil {
				return nil, err
			}
			return &venueOut{Status: http.StatusOK, Body: out}, nil
		})
	handlePublic(s, optionalBearer(op(http.MethodGet, "/venues/{id}/calendar.ics", "venue-calendar", "The venue's calendar (RFC 5545), with a bearer token or ?token=", "venues", true)),
		func(ctx context.Context, in *calendarIn) (*calendarOut, error) {
			a, _ := ctx.Value(keyActor).(access.Actor)
			var ven venue.Venue
			var err error
			switch {
			case a.UserID != 0:
				ven, err = v.Get(ctx, nil, in.ID)
				if err == nil && a.IsClient() && !ven.ClientBookable {
					err = errs.Missing()
				}
			case in.Token != "":
				ven, err = v.ByToken(ctx, "feed_token", in.Token)
				if err == nil && ven.ID != in.ID {
					err = errs.Missing()
				}
				a = access.Actor{} // the token holder is no one: it sees when the venue is taken, no more
			default:
				err = errs.New(errs.Unauthorized, "err.login_required")
			}
			if err != nil {
				return nil, err
			}
			data, err := b.VenueFeed(ctx, a, ven)
			if err != nil {
				return nil, err
			}
			return &calendarOut{ContentType: "text/calendar; charset=utf-8", Body: data}, nil
		})
	handle(s, op(http.MethodGet, "/availability", "availability", "The fitting venues free for the whole window", "bookings", false),
		func(ctx context.Context, a access.Actor, in *availabilityIn) (*venuesOut, error) {
			from, err := s.parseWhen("from", in.From, true)
			if err != nil {
				return nil, err
			}
			to, err := s.parseWhen("to", in.To, true)
			if err != nil {
				return nil, err
			}
			list, err := b.Availability(ctx, a, booking.Want{Start: from, End: to, Headcount: in.Capacity, Layout: in.Layout, Equipment: booking.ParseCodes(in.Equipment)})
			if err != nil {
				return nil, err
			}
			out := &venuesOut{}
			out.Body.Venues = list
			return out, nil
		})
	handle(s, op(http.MethodPost, "/bookings", "create-booking", "Request a booking; 409 with conflicts and alternatives when the slot is taken", "bookings", false),
		func(ctx context.Context, a access.Actor, in *bookingCreateIn) (*bookingOut, error) {
			out, err := b.Create(ctx, a, in.Body.request())
			if err != nil {
				return nil, err
			}
			return &bookingOut{Status: http.StatusCreated, Body: out}, nil
		})
	handle(s, op(http.MethodGet, "/bookings", "list-bookings", "List bookings", "bookings", false),
		func(ctx context.Context, a access.Actor, in *bookingsIn) (*bookingsOut, error) {
			f := booking.Filter{VenueID: in.VenueID, Limit: in.Limit}
			var err error
			if f.From, err = s.parseWhen("from", in.From, false); err != nil {
				return nil, err
			}
			if f.To, err = s.parseWhen("to", in.To, false); err != nil {
				return nil, err
			}
			for _, st := range booking.ParseCodes(in.Status) {
				if !containsString(booking.Statuses, st) {
					return nil, errs.Field("status", "err.invalid")
				}
				f.Statuses = append(f.Statuses, st)
			}
			if in.Mine {
				f.RequestedBy = a.UserID
			}
			list, err := b.List(ctx, a, f)
			if err != nil {
				return nil, err
			}
			out := &bookingsOut{}
			out.Body.Bookings = list
			return out, nil
		})
	handle(s, op(http.MethodGet, "/bookings/{id}", "get-booking", "Get a booking", "bookings", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*bookingOut, error) {
			out, err := b.Get(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &bookingOut{Status: http.StatusOK, Body: out}, nil
		})
	handle(s, op(http.MethodPatch, "/bookings/{id}", "update-booking", "Edit or move a booking that lies ahead", "bookings", false),
		func(ctx context.Context, a access.Actor, in *bookingUpdateIn) (*bookingOut, error) {
			out, err := b.Update(ctx, a, in.ID, in.Body.request())
			if err != nil {
				return nil, err
			}
			return &bookingOut{Status: http.StatusOK, Body: out}, nil
		})
	type action struct {
		path, id, summary string
		fn                func(ctx context.Context, a access.Actor, in *actionIn) (booking.Booking, error)
	}
	actions := []action{
		{"approve", "approve-booking", "Approve a pending booking (office)", func(ctx context.Context, a access.Actor, in *actionIn) (booking.Booking, error) {
			return b.Approve(ctx, a, in.ID, in.reason())
		}},
		{"reject", "reject-booking", "Reject a pending booking with a reason (office)", func(ctx context.Context, a access.Actor, in *actionIn) (booking.Booking, error) {
			return b.Reject(ctx, a, in.ID, in.reason())
		}},
		{"confirm", "confirm-booking", "Record the client's confirmation", func(ctx context.Context, a access.Actor, in *actionIn) (booking.Booking, error) {
			via := ""
			if in.Body != nil {
				via = in.Body.Via
			}
			return b.Confirm(ctx, a, in.ID, via)
		}},
		{"cancel", "cancel-booking", "Cancel a booking", func(ctx context.Context, a access.Actor, in *actionIn) (booking.Booking, error) {
			waive := in.Body != nil && in.Body.WaiveFee
			return b.Cancel(ctx, a, in.ID, in.reason(), waive)
		}},
		{"check-in", "check-in-booking", "Check a booking in (from 15 minutes before the start)", func(ctx context.Context, a access.Actor, in *actionIn) (booking.Booking, error) {
			return b.CheckIn(ctx, a, in.ID)
		}},
		{"complete", "complete-booking", "Complete a booking after use", func(ctx context.Context, a access.Actor, in *actionIn) (booking.Booking, error) {
			return b.Complete(ctx, a, in.ID)
		}},
	}
	for _, act := range actions {
		handle(s, op(http.MethodPost, "/bookings/{id}/"+act.path, act.id, act.summary, "bookings", false),
			func(ctx context.Context, a access.Actor, in *actionIn) (*bookingOut, error) {
				out, err := act.fn(ctx, a, in)
				if err != nil {
					return nil, err
				}
				return &bookingOut{Status: http.StatusOK, Body: out}, nil
			})
	}
	handle(s, op(http.MethodGet, "/bookings/{id}/run-sheet", "booking-run-sheet", "The departments' run-sheet tasks of a booking", "bookings", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*runSheetOut, error) {
			list, err := b.RunSheet(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &runSheetOut{}
			out.Body.Tasks = list
			return out, nil
		})
	handle(s, op(http.MethodPost, "/bookings/series", "create-booking-series", "Book a recurring booking, or preview its dates and conflicts", "bookings", false),
		func(ctx context.Context, a access.Actor, in *seriesIn) (*seriesOut, error) {
			rule, err := recur.Parse(in.Body.Rule)
			if err != nil {
				if re := booking.RecurError(err); re != nil {
					if e := errs.As(re); e.Kind == errs.Invalid {
						e.Field = "rule"
						return nil, e
					}
				}
				return nil, errs.Field("rule", "err.booking_recur_invalid")
			}
			out := &seriesOut{Status: http.StatusOK}
			if in.Body.Preview {
				occ, err := b.PreviewSeries(ctx, a, in.Body.request(), rule)
				if err != nil {
					return nil, err
				}
				out.Body.Occurrences = occ
				return out, nil
			}
			id, occ, err := b.CreateSeries(ctx, a, in.Body.request(), rule, in.Body.SkipConflicts)
			if err != nil {
				return nil, err
			}
			out.Status, out.Body.SeriesID, out.Body.Occurrences = http.StatusCreated, id, occ
			return out, nil
		})
	handle(s, op(http.MethodGet, "/bookings/{id}/statement", "booking-statement", "The itemised statement (a draft from the rate card until settled)", "bookings", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*statementOut, error) {
			st, err := b.Statement(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &statementOut{Body: st}, nil
		})
	handle(s, op(http.MethodPost, "/bookings/{id}/settle", "settle-booking", "Record the settlement: services used, discount, payment, invoice (office, finance)", "bookings", false),
		func(ctx context.Context, a access.Actor, in *settleIn) (*statementOut, error) {
			si := booking.SettleInput{DiscountFen: in.Body.DiscountFen, DiscountReason: in.Body.DiscountReason, PaidFen: in.Body.PaidFen,
				PayMethod: in.Body.PayMethod, PayReference: in.Body.PayReference, InvoiceNo: in.Body.InvoiceNo, InvoiceDate: in.Body.InvoiceDate}
			var err error
			if si.PaidAt, err = s.parseWhen("paid_at", in.Body.PaidAt, false); err != nil {
				return nil, err
			}
			for _, l := range in.Body.Lines {
				si.Lines = append(si.Lines, booking.ActualLine{AddonID: l.AddonID, Name: l.Name, Qty: l.Qty, UnitFen: l.UnitFen})
			}
			st, err := b.Settle(ctx, a, in.ID, si)
			if err != nil {
				return nil, err
			}
			return &statementOut{Body: st}, nil
		})
	handle(s, op(http.MethodGet, "/bookings/{id}/letter", "booking-letter", "The confirmation letter's data (预订确认函)", "bookings", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*letterOut, error) {
			l, err := b.Letter(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &letterOut{Body: l}, nil
		})
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
