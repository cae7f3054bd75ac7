package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Limits of a seat list.
const (
	MaxSeats    = 500
	maxSeatText = 60
)

// Seat is one place of a booking's seating plan (座位图): the seat (number
// or label), the person seated there and a note (organisation, title).
type Seat struct {
	Seat string `json:"seat" minLength:"1" maxLength:"60"`
	Name string `json:"name" minLength:"1" maxLength:"60"`
	Note string `json:"note,omitempty" maxLength:"60"`
}

// ParseSeats reads a seat list typed one seat a line: seat, name and an
// optional note separated by commas (, ，), 、, tabs or |; blank lines are
// skipped. A bad line is refused naming field with its line number.
func ParseSeats(field, text string) ([]Seat, error) {
	out := []Seat{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(",，、\t|｜", r) })
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return nil, errs.Field(field, "err.booking_seat_line", "line", i+1)
		}
		s := Seat{Seat: parts[0], Name: parts[1]}
		if len(parts) == 3 {
			s.Note = parts[2]
		}
		out = append(out, s)
	}
	return out, nil
}

// SeatText writes a seat list the way ParseSeats reads it.
func SeatText(seats []Seat) string {
	var b strings.Builder
	for _, s := range seats {
		b.WriteString(s.Seat + ", " + s.Name)
		if s.Note != "" {
			b.WriteString(", " + s.Note)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func checkSeats(field string, seats []Seat) error {
	if len(seats) > MaxSeats {
		return errs.Field(field, "err.booking_seats_count", "max", MaxSeats)
	}
	taken := map[string]bool{}
	for i, s := range seats {
		for _, v := range []string{s.Seat, s.Name, s.Note} {
			if utf8.RuneCountInString(v) > maxSeatText || strings.ContainsAny(v, "\r\n") || !utf8.ValidString(v) {
				return errs.Field(field, "err.booking_seat_line", "line", i+1)
			}
		}
		if strings.TrimSpace(s.Seat) == "" || strings.TrimSpace(s.Name) == "" {
			return errs.Field(field, "err.booking_seat_line", "line", i+1)
		}
		if taken[s.Seat] {
			return errs.Field(field, "err.booking_seat_twice", "seat", s.Seat)
		}
		taken[s.Seat] = true
	}
	return nil
}

// CanSeat reports whether the actor arranges the seating of b: those who
// manage it (office, requester, the client's users) and the reception
// staff who usher the guests to their seats.
func CanSeat(a access.Actor, b Booking) bool {
	return canManage(a, b) || (a.IsStaff() && a.Has(access.Supervisor, access.Receptionist))
}

// Seats returns the seating plan of a booking the actor may see in full.
func (s *Service) Seats(ctx context.Context, a access.Actor, id int64) ([]Seat, error) {
	b, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if b.Redacted {
		return nil, errs.Forbid()
	}
	return loadSeats(ctx, s.DB, id)
}

func loadSeats(ctx context.Context, q store.Querier, id int64) ([]Seat, error) {
	rows, err := q.Query(ctx, `SELECT seat, name, note FROM booking_seats WHERE booking_id = ? ORDER BY sort, id`, id)
	if err != nil {
		return nil, fmt.Errorf("seats of booking %d: %w", id, err)
	}
	defer rows.Close()
	out := []Seat{}
	for rows.Next() {
		var st Seat
		if err := rows.Scan(&st.Seat, &st.Name, &st.Note); err != nil {
			return nil, fmt.Errorf("scan seat: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// SetSeats replaces the seating plan of a booking not yet over (those who
// manage it, supervisors and receptionists).
func (s *Service) SetSeats(ctx context.Context, a access.Actor, id int64, seats []Seat) ([]Seat, error) {
	for i := range seats {
		seats[i].Seat, seats[i].Name, seats[i].Note = strings.TrimSpace(seats[i].Seat), strings.TrimSpace(seats[i].Name), strings.TrimSpace(seats[i].Note)
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanSeat(a, b) {
			return errs.Refuse(visible(a, b))
		}
		if !slices.Contains([]string{StatusPending, StatusApproved, StatusConfirmed, StatusInUse}, b.Status) {
			return stateErr(b.Status, "seat")
		}
		if err := checkSeats("seats", seats); err != nil {
			return err
		}
		before, err := loadSeats(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM booking_seats WHERE booking_id = ?`, id); err != nil {
			return fmt.Errorf("clear seats: %w", err)
		}
		for i, st := range seats {
			if _, err := tx.Exec(ctx, `INSERT INTO booking_seats (booking_id, seat, name, note, sort) VALUES (?, ?, ?, ?, ?)`, id, st.Seat, st.Name, st.Note, i); err != nil {
				return fmt.Errorf("insert seat: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, a, AuditEntity, id, "seats", map[string]any{"seats": len(before)}, map[string]any{"seats": len(seats)})
	})
	if err != nil {
		return nil, err
	}
	return seats, nil
}

// AttachmentGuard lets those who may see a booking in full see and add
// its attachments (a drawn seating plan).
func (s *Service) AttachmentGuard(ctx context.Context, a access.Actor, id int64) (bool, error) {
	b, err := s.Get(ctx, a, id)
	if err != nil {
		if k := errs.As(err).Kind; k == errs.NotFound || k == errs.Forbidden {
			return false, nil
		}
		return false, err
	}
	return !b.Redacted, nil
}
