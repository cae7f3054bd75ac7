package reception_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// A guest signing in, at the desk or by the invitation link, tells the host
// (the applicant) and the liaison at once; the receptionist who signed the
// guest in is not told what they just did.
func TestArrivalTellsHostAndLiaison(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 3, 2, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u
		r := f.caseIn("2026-03-10", reception.StatusReady)
		var notes []note
		var argsSeen []map[string]any
		svc.Notify = func(ctx context.Context, q store.Querier, now time.Time, ids []int64, key string, args map[string]any, link string) error {
			notes = append(notes, note{ids, key})
			argsSeen = append(argsSeen, args)
			return nil
		}
		g, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "周敏", Company: "北京华信科技有限公司"})
		f.must(err)
		f.clk.Set(at(2026, 3, 10, 9, 12))
		notes = nil
		_, err = svc.SignIn(ctx, u["chen"], g.ID, reception.GuestInput{})
		f.must(err)
		if len(notes) != 1 || notes[0].key != "rux.msg.guest_arrived" {
			t.Fatalf("arrival notices = %+v", notes)
		}
		if want := []int64{r.ApplicantID, r.LiaisonID}; !slices.Equal(notes[0].to, want) {
			t.Fatalf("told %v, want host and liaison %v", notes[0].to, want)
		}
		if argsSeen[0]["guest"] != "周敏" || argsSeen[0]["time"] != "09:12" {
			t.Fatalf("args = %v", argsSeen[0])
		}
		// The liaison signing a guest in is not told what they did.
		g2, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "孙悦"})
		f.must(err)
		notes = nil
		_, err = svc.SignIn(ctx, u["xiaoming"], g2.ID, reception.GuestInput{})
		f.must(err)
		for _, n := range notes {
			if slices.Contains(n.to, u["xiaoming"].UserID) {
				t.Fatalf("the liaison was told of their own sign-in: %+v", notes)
			}
		}
		// Self sign-in by the invitation link tells both.
		g3, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "李强"})
		f.must(err)
		notes = nil
		_, err = svc.SelfSignIn(ctx, g3.Token, reception.GuestInput{})
		f.must(err)
		if len(notes) != 1 || !slices.Contains(notes[0].to, r.LiaisonID) || !slices.Contains(notes[0].to, r.ApplicantID) {
			t.Fatalf("self sign-in notices = %+v", notes)
		}
	})
}
