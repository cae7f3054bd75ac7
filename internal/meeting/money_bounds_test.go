package meeting_test

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/money"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestNegotiationAmountsBounded: a quoted or agreed price beyond money.Max
// is refused on its field.
func TestNegotiationAmountsBounded(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		d, _ := f.held(access.Internal, access.Internal)
		_, err := f.svc.SaveNegotiation(context.Background(), f.u("recorder"), d.ID, meeting.NegotiationInput{Goals: "x", QuotedFen: 1 << 62})
		if e := errs.As(err); err == nil || e.Field != "quoted_fen" || e.Key != "err.input.money_range" {
			t.Fatalf("quoted 2^62 fen: %v", err)
		}
		_, err = f.svc.SaveNegotiation(context.Background(), f.u("recorder"), d.ID, meeting.NegotiationInput{Goals: "x", AgreedFen: money.Max})
		if err != nil {
			t.Fatalf("agreed money.Max: %v", err)
		}
	})
}
