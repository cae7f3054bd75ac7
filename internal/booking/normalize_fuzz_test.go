package booking

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/venue"
)

// FuzzNormalize feeds arbitrary booking requests (as the API and the forms
// decode them) to the validation, as office, staff and client users: it
// never panics, and whatever it accepts is a booking the database can hold.
func FuzzNormalize(f *testing.F) {
	f.Add(int64(1), int64(0), int64(60), "季度例会", 8, "", "", "", "", "", "", int64(0), "projector,whiteboard", uint8(0), false, false)
	f.Add(int64(3), int64(-20), int64(1441), "  ", 0, "theatre", "client", "phone", "urgent", "key", "远景资本", int64(7), "tv,tv,,laser", uint8(1), true, true)
	f.Add(int64(-1), int64(400*24*60), int64(0), strings.Repeat("长", 201), 5001, "x", "other", "fax", "low", "gold", "", int64(-1), "", uint8(2), true, false)
	f.Add(int64(2), int64(30), int64(1), "a", 1, "ushape", "", "", "important", "", "", int64(0), " sound ", uint8(2), false, true)
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	actors := []access.Actor{
		{UserID: 1, Roles: []string{access.Office}},
		{UserID: 2, Roles: []string{access.Staff}, DepartmentID: 3},
		{UserID: 3, Roles: []string{access.Client}, OrgID: 9},
	}
	s := &Service{Loc: loc}
	p := DefaultPolicy()
	f.Fuzz(func(t *testing.T, venueID, startMin, durSec int64, title string, headcount int, layout, purpose, channel, priority, tier, client string,
		org int64, equipment string, who uint8, bump, approve bool) {
		a := actors[int(who)%len(actors)]
		in := Request{VenueID: venueID, Start: now.Add(time.Duration(startMin) * time.Minute), Title: title, Headcount: headcount, Layout: layout,
			Purpose: purpose, Channel: channel, Priority: priority, RateTier: tier, ClientName: client, OrgID: org,
			Equipment: strings.Split(equipment, ","), Bump: bump, Approve: approve}
		in.End = in.Start.Add(time.Duration(durSec) * time.Second)
		if err := s.normalize(a, &in, now, p); err != nil {
			return
		}
		switch {
		case in.VenueID <= 0:
			t.Fatalf("accepted venue %d", in.VenueID)
		case in.Start.Truncate(time.Minute) != in.Start || in.End.Truncate(time.Minute) != in.End:
			t.Fatalf("accepted times not in whole minutes: %v–%v", in.Start, in.End)
		case !in.End.After(in.Start) || in.End.Sub(in.Start) > MaxDuration:
			t.Fatalf("accepted %v–%v", in.Start, in.End)
		case in.Start.Before(now.Add(-15*time.Minute)) || in.Start.After(now.AddDate(0, 0, p.MaxAdvanceDays)):
			t.Fatalf("accepted a start outside the booking window: %v", in.Start)
		case in.Title == "" || in.Title != strings.TrimSpace(in.Title) || utf8.RuneCountInString(in.Title) > MaxTitle:
			t.Fatalf("accepted title %q", in.Title)
		case in.Headcount < 1 || in.Headcount > MaxHeadcount:
			t.Fatalf("accepted headcount %d", in.Headcount)
		case in.Layout != "" && !slices.Contains(venue.Layouts, in.Layout):
			t.Fatalf("accepted layout %q", in.Layout)
		case in.Purpose != PurposeInternal && in.Purpose != PurposeClient:
			t.Fatalf("accepted purpose %q", in.Purpose)
		case !slices.Contains(Channels, in.Channel) || !slices.Contains(Priorities, in.Priority) || !slices.Contains(venue.Tiers, in.RateTier):
			t.Fatalf("accepted channel %q priority %q tier %q", in.Channel, in.Priority, in.RateTier)
		case in.OrgID < 0:
			t.Fatalf("accepted org %d", in.OrgID)
		case in.Approve && !IsOffice(a), in.Bump && !IsOffice(a):
			t.Fatalf("a %v may not approve or bump", a.Roles)
		case a.IsClient() && (in.OrgID != a.OrgID || in.Purpose != PurposeClient):
			t.Fatalf("client booking for org %d purpose %s", in.OrgID, in.Purpose)
		}
		seen := map[string]bool{}
		for _, e := range in.Equipment {
			if seen[e] || !slices.Contains(venue.Equipment, e) {
				t.Fatalf("accepted equipment %q", in.Equipment)
			}
			seen[e] = true
		}
	})
}
