package meeting_test

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
	"jiedai/internal/money"
	"jiedai/internal/namecheck"
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

// TestNamesRefuseInvisibleCharacters: the client, a guest attendee and a
// guest presenter of a meeting may not hold a bidirectional control or a
// zero-width character.
func TestNamesRefuseInvisibleCharacters(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 4, 6, 9, 0))
		start := at(2026, 4, 7, 10, 0)
		for field, edit := range map[string]func(*meeting.Input){
			"client_name":             func(in *meeting.Input) { in.ClientName = "华润置地\u202e司公限有" },
			"attendees.3.guest_name":  func(in *meeting.Input) { in.Attendees[3].GuestName = "张\u200b伟" },
			"attendees.3.guest_org":   func(in *meeting.Input) { in.Attendees[3].GuestOrg = "华润\u2066置地" },
			"agenda.2.presenter_name": func(in *meeting.Input) { in.Agenda[2].PresenterName = "张总\u200e" },
		} {
			in := f.baseInput(start)
			edit(&in)
			_, err := f.svc.Create(context.Background(), f.u("host"), in)
			found := false
			if x := errs.As(err); err != nil {
				list, _ := x.Extra.([]*errs.Error)
				for _, fe := range append(list, x) {
					found = found || (fe.Key == namecheck.KeyInvisible && fe.Field == field)
				}
			}
			if !found {
				t.Errorf("%s: %v", field, err)
			}
		}
	})
}
