package booking

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/billing"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// PayMethods returns the accepted payment methods (seed 001 六(二)), a
// list in the site settings kept by billing.
func PayMethods(ctx context.Context, q store.Querier) ([]string, error) {
	return billing.PayMethods(ctx, q)
}

// Letter is the data of the confirmation letter (预订确认函): venue, time,
// duration, the itemised fee from the rate card, payment methods, the
// cancellation terms and the reply-by deadline.
type Letter struct {
	Number           string    `json:"number"`
	BookingID        int64     `json:"booking_id"`
	Status           string    `json:"status"`
	IssuedAt         time.Time `json:"issued_at"`
	Title            string    `json:"title"`
	Client           string    `json:"client"`
	ContactName      string    `json:"contact_name"`
	ContactPhone     string    `json:"contact_phone"`
	ContactEmail     string    `json:"contact_email"`
	VenueName        string    `json:"venue_name"`
	VenueNameEn      string    `json:"venue_name_en"`
	Location         string    `json:"location"`
	Floor            string    `json:"floor"`
	Start            time.Time `json:"start"`
	End              time.Time `json:"end"`
	DurationMin      int       `json:"duration_min"`
	Headcount        int       `json:"headcount"`
	Layout           string    `json:"layout,omitempty"`
	Equipment        []string  `json:"equipment"`
	RateTier         string    `json:"rate_tier"`
	RoomFee          int64     `json:"room_fee_fen"`
	RoomBasis        string    `json:"room_basis" doc:"hour, half_day, full_day or full_day_plus"`
	RoomRate         int64     `json:"room_rate_hour_fen"`
	Items            []Item    `json:"items"`
	Total            int64     `json:"total_fen"`
	Currency         string    `json:"currency"`
	PayMethods       []string  `json:"payment_methods"`
	ReplyBy          time.Time `json:"reply_by,omitzero"`
	ConfirmPath      string    `json:"confirm_path,omitempty" doc:"Link path for the client's confirmation, while it is awaited"`
	ConfirmedAt      time.Time `json:"confirmed_at,omitzero"`
	UnderContract    bool      `json:"under_contract"`
	ContractNo       string    `json:"contract_no,omitempty"`
	CancelFreeHours  int       `json:"cancel_free_hours"`
	CancelFeePercent int       `json:"cancel_fee_percent"`
	IssuedBy         string    `json:"issued_by"`
}

// Letter returns the confirmation letter of a booking the actor may see
// in full.
func (s *Service) Letter(ctx context.Context, a access.Actor, id int64) (Letter, error) {
	b, err := s.Get(ctx, a, id)
	if err != nil {
		return Letter{}, err
	}
	if b.Redacted {
		return Letter{}, errs.Forbid()
	}
	return s.letter(ctx, b)
}

// LetterByToken returns the letter a confirmation link names (no login).
func (s *Service) LetterByToken(ctx context.Context, token string) (Letter, error) {
	b, err := s.ByConfirmToken(ctx, token)
	if err != nil {
		return Letter{}, err
	}
	return s.letter(ctx, b)
}

func (s *Service) letter(ctx context.Context, b Booking) (Letter, error) {
	v, err := s.Venues.Get(ctx, nil, b.VenueID)
	if err != nil {
		return Letter{}, err
	}
	p, err := s.Policy(ctx, nil)
	if err != nil {
		return Letter{}, err
	}
	fee, basis := v.RoomFee(b.RateTier, b.Duration())
	total := fee
	for _, it := range b.Items {
		total += it.Amount
	}
	issued := b.DecidedAt
	if issued.IsZero() {
		issued = b.CreatedAt
	}
	var by string
	if b.DecidedBy != 0 {
		_ = s.DB.QueryRow(ctx, `SELECT display_name FROM users WHERE id = ?`, b.DecidedBy).Scan(&by)
	}
	methods, err := PayMethods(ctx, s.DB)
	if err != nil {
		return Letter{}, err
	}
	l := Letter{Number: fmt.Sprintf("JD-%s-%05d", issued.In(s.Loc).Format("20060102"), b.ID), BookingID: b.ID, Status: b.Status, IssuedAt: issued,
		Title: b.Title, Client: b.ClientName, ContactName: b.ContactName, ContactPhone: b.ContactPhone, ContactEmail: b.ContactEmail,
		VenueName: v.Name, VenueNameEn: v.NameEn, Location: v.Location, Floor: v.Floor, Start: b.Start, End: b.End,
		DurationMin: int(b.Duration() / time.Minute), Headcount: b.Headcount, Layout: b.Layout, Equipment: b.Equipment, RateTier: b.RateTier,
		RoomFee: fee, RoomBasis: basis, RoomRate: v.Rates.For(b.RateTier).Hour, Items: b.Items, Total: total, Currency: "CNY", PayMethods: methods,
		ReplyBy: b.ReplyBy, ConfirmedAt: b.ConfirmedAt, UnderContract: b.UnderContract, ContractNo: b.ContractNo,
		CancelFreeHours: p.CancelFreeHours, CancelFeePercent: p.CancelFeePercent, IssuedBy: by}
	if b.Status == StatusApproved && b.confirmToken != "" {
		l.ConfirmPath = "/confirm/" + b.confirmToken
	}
	return l, nil
}
