package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiedai/internal/booking"
	"jiedai/internal/recur"
)

// TestApprovalsFoldSeries: a weekly request shows as one card with how many
// dates wait, the requester, equipment and fee, and one click approves
// every date.
func TestApprovalsFoldSeries(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	loc := e.app.Loc
	st := time.Date(2026, 3, 3, 14, 0, 0, 0, loc)
	_, occ, err := e.app.Bookings.CreateSeries(ctx, e.users["staff"], booking.Request{VenueID: e.room.ID, Start: st, End: st.Add(time.Hour),
		Title: "周二项目例会", Headcount: 8, Equipment: []string{"projector"}}, recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 5}, false)
	if err != nil || len(occ) != 5 {
		t.Fatalf("series: %v %+v", err, occ)
	}
	oc := e.client(t, "office")
	_, body := get(t, oc, e.srv.URL+"/bookings/approvals")
	if n := strings.Count(body, "周二项目例会"); n != 1 {
		t.Errorf("the series shows %d times, want one card", n)
	}
	for _, want := range []string{"共 5 次，至 03-31", "全部批准（5 次）", "申请人：staff", "投影仪", "¥"} {
		if !strings.Contains(body, want) {
			t.Errorf("approvals page lacks %q", want)
		}
	}
	st2, loc2, _ := post(t, oc, fmt.Sprintf("%s/bookings/%d/approve-series", e.srv.URL, occ[0].BookingID), url.Values{"next": {"/bookings/approvals"}})
	if st2 != 303 || !strings.HasPrefix(loc2, "/bookings/approvals") {
		t.Fatalf("approve series: %d %s", st2, loc2)
	}
	list, err := e.app.Bookings.List(ctx, e.users["office"], booking.Filter{Statuses: []string{booking.StatusPending}})
	if err != nil || len(list) != 0 {
		t.Errorf("%d requests still wait after approving the series (%v)", len(list), err)
	}
}
