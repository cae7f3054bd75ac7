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

// ChargeDetails describes the charges of bookings on account statements:
// the discount given at settlement and its reason (billing.DetailFunc).
func (s *Service) ChargeDetails(ctx context.Context, q store.Querier, _ string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT booking_id, discount_fen, discount_reason FROM booking_settlements WHERE discount_fen > 0 AND booking_id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read discounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, fen int64
		var why string
		if err := rows.Scan(&id, &fen, &why); err != nil {
			return nil, fmt.Errorf("read discount: %w", err)
		}
		out[id] = "−¥" + billing.Yuan(fen) + " " + why
	}
	return out, rows.Err()
}

// QueueRow is a used booking whose money is not settled: no statement
// yet, or its charge not paid in full.
type QueueRow struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Client      string    `json:"client"`
	VenueID     int64     `json:"venue_id"`
	Status      string    `json:"status"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Settled     bool      `json:"settled"`
	TotalFen    int64     `json:"total_fen" doc:"Settled total, or the quote while not settled"`
	PaidFen     int64     `json:"paid_fen"`
	ChargeID    int64     `json:"charge_id,omitempty"`
	AccountID   int64     `json:"account_id,omitempty"`
	ChargeState string    `json:"charge_status,omitempty"`
}

// SettlementQueue lists completed bookings (and late cancellations with a
// fee) that are not settled or not paid in full, oldest first (office, finance).
func (s *Service) SettlementQueue(ctx context.Context, a access.Actor) ([]QueueRow, error) {
	if !CanSettle(a) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT b.id, b.title, COALESCE(o.name, b.client_name), b.venue_id, b.status, b.start_ms, b.end_ms, s.booking_id IS NOT NULL,
 COALESCE(s.total_fen, b.quote_fen + b.cancel_fee), COALESCE(c.id, 0), COALESCE(c.account_id, 0), COALESCE(c.status, ''),
 COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.charge_id = c.id AND l.credit_id IS NULL), 0)
 FROM bookings b LEFT JOIN client_orgs o ON o.id = b.org_id LEFT JOIN booking_settlements s ON s.booking_id = b.id
 LEFT JOIN billing_charges c ON c.source = 'booking' AND c.source_id = b.id AND c.period = ''
 WHERE (b.status = 'completed' OR (b.status = 'cancelled' AND b.cancel_fee > 0))
   AND (s.booking_id IS NULL OR c.status IN ('open', 'partly_paid'))
 ORDER BY b.end_ms, b.id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("settlement queue: %w", err)
	}
	defer rows.Close()
	var out []QueueRow
	for rows.Next() {
		var q QueueRow
		var start, end int64
		if err := rows.Scan(&q.ID, &q.Title, &q.Client, &q.VenueID, &q.Status, &start, &end, &q.Settled, &q.TotalFen, &q.ChargeID, &q.AccountID, &q.ChargeState, &q.PaidFen); err != nil {
			return nil, fmt.Errorf("read queue row: %w", err)
		}
		q.Start, q.End = store.Time(start), store.Time(end)
		out = append(out, q)
	}
	return out, rows.Err()
}
