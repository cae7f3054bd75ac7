package booking_test

import (
	"context"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// TestFeedTokenRotateRevoke: a person gives their feed a new address (the
// old one stops answering) or turns it off (no address answers, and none
// is made again until they ask); both are audited without the token.
func TestFeedTokenRotateRevoke(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		old, err := e.svc.FeedToken(ctx, e.staff)
		if err != nil || old == "" {
			t.Fatalf("first token: %q %v", old, err)
		}
		tok, err := e.svc.RotateFeedToken(ctx, e.staff)
		if err != nil || tok == "" || tok == old {
			t.Fatalf("rotate: %q %v", tok, err)
		}
		if _, err := e.svc.UserFeed(ctx, old); kindOf(err) != errs.NotFound {
			t.Errorf("old token after rotation: %v", err)
		}
		if data, err := e.svc.UserFeed(ctx, tok); err != nil || !strings.Contains(string(data), "SUMMARY:季度销售例会") {
			t.Errorf("new token: %v", err)
		}
		if got, _ := e.svc.FeedToken(ctx, e.staff); got != tok {
			t.Errorf("page shows %q, want the new token", got)
		}

		if err := e.svc.RevokeFeedToken(ctx, e.staff); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UserFeed(ctx, tok); kindOf(err) != errs.NotFound {
			t.Errorf("token after revocation: %v", err)
		}
		if got, err := e.svc.FeedToken(ctx, e.staff); err != nil || got != "" {
			t.Errorf("a revoked feed came back on the page: %q %v", got, err)
		}
		again, err := e.svc.RotateFeedToken(ctx, e.staff)
		if err != nil || again == tok {
			t.Fatalf("new address after revocation: %q %v", again, err)
		}
		if _, err := e.svc.UserFeed(ctx, again); err != nil {
			t.Errorf("new address after revocation: %v", err)
		}
		if _, err := e.svc.RotateFeedToken(ctx, access.Actor{}); kindOf(err) != errs.Unauthorized {
			t.Errorf("rotate without a user: %v", err)
		}

		rows, err := db.Query(ctx, `SELECT action, after_json FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id`, booking.FeedAuditEntity, e.staff.UserID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var actions []string
		for rows.Next() {
			var action, after string
			if err := rows.Scan(&action, &after); err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{old, tok, again} {
				if strings.Contains(after, secret) {
					t.Errorf("audit row %s holds a token", action)
				}
			}
			actions = append(actions, action)
		}
		if strings.Join(actions, ",") != "rotate_feed,revoke_feed,rotate_feed" {
			t.Errorf("audit actions %v", actions)
		}
	})
}

// TestVenueFeedHidesBookingsFromTokenHolders: the venue feed read by its
// token (no one signed in) shows a client booking as no more than a
// signed-in staff user who does not serve it sees: a taken slot, without
// title, client, contact or requester.
func TestVenueFeedHidesBookingsFromTokenHolders(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-03", "14:00", "15:00")
		r.Title, r.ClientName, r.ContactName, r.ContactPhone, r.Notes = "并购谈判", "华星科技", "李娜", "13912345678", "底价八百万"
		b := e.mustCreate(t, e.office, r)
		secrets := []string{"并购谈判", "华星科技", "李娜", "13912345678", "底价八百万", "office"}

		staffView, err := e.svc.Get(ctx, e.other, b.ID)
		if err != nil || !staffView.Redacted {
			t.Fatalf("fixture: staff of another department should see the slot only: %+v %v", staffView, err)
		}
		for _, c := range []struct {
			name string
			a    access.Actor
		}{{"token holder", access.Actor{}}, {"staff of another department", e.other}} {
			data, err := e.svc.VenueFeed(ctx, c.a, e.room)
			if err != nil {
				t.Fatal(err)
			}
			s := string(data)
			if !strings.Contains(s, "UID:booking-") {
				t.Errorf("%s: the slot is missing:\n%s", c.name, s)
			}
			for _, secret := range secrets {
				if strings.Contains(s, secret) {
					t.Errorf("%s sees %q:\n%s", c.name, secret, s)
				}
			}
		}
		// The office serving it sees it in full, as on its pages.
		data, err := e.svc.VenueFeed(ctx, e.office, e.room)
		if err != nil || !strings.Contains(string(data), "并购谈判") || !strings.Contains(string(data), "华星科技") {
			t.Errorf("office: %v\n%s", err, data)
		}
	})
}

// TestVenueFeedRotateRevoke: the office gives a venue's feed a new address
// or turns it off; others are refused (and a client user of a venue hidden
// from clients is told it does not exist).
func TestVenueFeedRotateRevoke(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		old := e.room.FeedToken
		v, err := e.venues.RotateFeed(ctx, e.office, e.room.ID)
		if err != nil || v.FeedToken == old || v.FeedRevoked {
			t.Fatalf("rotate: %+v %v", v, err)
		}
		if _, err := e.venues.ByToken(ctx, "feed_token", old); kindOf(err) != errs.NotFound {
			t.Errorf("old token after rotation: %v", err)
		}
		if got, err := e.venues.ByToken(ctx, "feed_token", v.FeedToken); err != nil || got.ID != e.room.ID {
			t.Errorf("new token: %v", err)
		}
		if err := e.venues.RevokeFeed(ctx, e.office, e.room.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.venues.ByToken(ctx, "feed_token", v.FeedToken); kindOf(err) != errs.NotFound {
			t.Errorf("token after revocation: %v", err)
		}
		now, _ := e.venues.Get(ctx, nil, e.room.ID)
		if !now.FeedRevoked {
			t.Error("venue not marked revoked")
		}
		if _, err := e.venues.ByToken(ctx, "feed_token", now.FeedToken); kindOf(err) != errs.NotFound {
			t.Errorf("a revoked feed answers at its current token: %v", err)
		}
		if err := e.venues.RevokeFeed(ctx, e.staff, e.room.ID); kindOf(err) != errs.Forbidden {
			t.Errorf("staff revokes: %v", err)
		}
		hidden := venue.Defaults()
		hidden.Name, hidden.Code, hidden.Capacity, hidden.ClientBookable = "董事会议室", "B1", 10, false
		hv := mustVenue(t, e, hidden)
		if _, err := e.venues.RotateFeed(ctx, e.client, hv.ID); kindOf(err) != errs.NotFound {
			t.Errorf("client rotates a venue hidden from clients: %v", err)
		}
		if _, err := e.venues.RotateFeed(ctx, e.client, e.room.ID); kindOf(err) != errs.Forbidden {
			t.Errorf("client rotates a bookable venue: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action IN (?, ?)`, venue.AuditEntity, e.room.ID, venue.ActRotateFeed, venue.ActRevokeFeed).Scan(&n); err != nil || n != 2 {
			t.Errorf("audit rows: %d %v", n, err)
		}
	})
}
