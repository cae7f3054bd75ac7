package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/browsertest"
	"jiedai/internal/meeting"
)

// TestMeetingFormPicksClientAndRoom creates a client meeting in the
// browser as a member of staff would: the client is found in the register
// and picked, the room is picked from the rooms the availability search
// offers, and saving books it (an internal booking waiting for the
// office). The form is photographed at desktop and phone width.
func TestMeetingFormPicksClientAndRoom(t *testing.T) {
	b := browsertest.New(t, browsertest.WithWindow(1280, 900), browsertest.WithLang("zh-CN"))
	a, srv := demoServer(t)
	login(b, srv.URL, "staff")
	b.Navigate(srv.URL + "/meetings/new")
	b.WaitVisible("#client")
	b.SetValue("input[name=title]", "华信科技场地合作洽谈")
	b.SetValue("input[name=agenda_topic]", "需求介绍")
	b.SetValue("input[name=att_name]", "张伟")
	b.SetValue("#mf-client-q", "华信")
	b.Click("button[name=look][value=client]")
	b.WaitVisible("input[name=client_org_id]")
	if got := b.Text("#client"); !strings.Contains(got, "北京华信科技有限公司") {
		t.Fatalf("client search: %q", got)
	}
	b.Click("#client input[name=client_org_id]")
	b.Click("button[name=look][value=rooms]")
	b.WaitVisible("#room input[name=venue_id]")
	if got := b.Text("#room"); !strings.Contains(got, "座") {
		t.Fatalf("free rooms: %q", got)
	}
	if got := b.HTML(); !strings.Contains(got, "华信科技场地合作洽谈") || !strings.Contains(got, "需求介绍") {
		t.Fatal("the look-ups lost what was typed")
	}
	t.Logf("meeting form: %s", b.Screenshot("meeting-form.png"))
	b.Click("#room input[name=venue_id]")
	b.Click("form .actions button.primary")
	b.WaitVisible(".facts")

	hits, err := a.Meetings.Search(context.Background(), access.SystemActor(), meeting.Filter{Text: "华信科技场地合作洽谈"})
	if err != nil || len(hits) != 1 {
		t.Fatalf("created meeting: %v %d", err, len(hits))
	}
	d, err := a.Meetings.Get(context.Background(), access.SystemActor(), hits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.ClientOrgID == 0 || d.ClientName != "北京华信科技有限公司" || d.BookingID == 0 || d.VenueID == 0 {
		t.Fatalf("meeting: client %d %q booking %d venue %d", d.ClientOrgID, d.ClientName, d.BookingID, d.VenueID)
	}
	bk, err := a.Bookings.Get(context.Background(), access.SystemActor(), d.BookingID)
	if err != nil || bk.Purpose != booking.PurposeInternal || bk.Status != booking.StatusPending || !bk.Start.Equal(d.StartAt) || bk.VenueName != d.Place {
		t.Fatalf("booking: %+v %v", bk, err)
	}

	phone := browsertest.New(t, browsertest.WithWindow(390, 844), browsertest.WithLang("zh-CN"))
	login(phone, srv.URL, "staff")
	phone.Navigate(srv.URL + "/meetings/" + strconv.FormatInt(d.ID, 10) + "/edit")
	phone.WaitVisible("#room")
	if got := phone.Text("#room"); !strings.Contains(got, d.Place) {
		t.Errorf("edit form does not show the booked room: %q", got)
	}
	t.Logf("meeting form at 390 px: %s", phone.Screenshot("meeting-form-phone.png"))
}
