package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/approval"
	"jiedai/internal/apptest"
	"jiedai/internal/client"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// actorOf is a demo user as an actor.
func actorOf(t *testing.T, a *app.App, username string) access.Actor {
	t.Helper()
	u, err := a.Auth.GetByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor("127.0.0.1")
}

// clientCase is a case of the demo client user's organisation in
// planning, with internal arrangements, an itinerary step naming the
// leader met and a guest with a mobile number.
func clientCase(t *testing.T, a *app.App, db *store.DB) (reception.Reception, reception.Guest) {
	t.Helper()
	ctx := context.Background()
	var org int64
	if err := db.QueryRow(ctx, `SELECT org_id FROM users WHERE username = 'client'`).Scan(&org); err != nil {
		t.Fatal(err)
	}
	staff := actorOf(t, a, "staff")
	r, err := a.Reception.Create(ctx, staff, reception.Application{OrgID: org, Purpose: "洽谈年度框架协议", VisitDate: "2026-03-20", ArrivalTime: "10:00",
		Tier: reception.TierHigh, BudgetFen: 8888800, LiaisonID: staff.UserID, Guest: reception.Person{Name: "陈立", Title: "总经理"},
		Form: reception.Form{ArrivalMode: "train", MeetingRoom: true, Gifts: true, GiftLevel: "fine", LeaderAppointment: true, LeaderName: "董事长秘密会见",
			Lunch: reception.Arrangement{Need: true, Place: "楼外楼", Headcount: 4, BudgetFen: 7777700}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reception.Submit(ctx, staff, r.ID); err != nil {
		t.Fatal(err)
	}
	if r, err = a.Reception.Decide(ctx, actorOf(t, a, "manager"), r.ID, approval.Approve, "底价不低于八十万"); err != nil || r.Status != reception.StatusPlanning {
		t.Fatalf("approve: %v %s", err, r.Status)
	}
	office := actorOf(t, a, "office")
	if err := a.Reception.AddItinerary(ctx, office, r.ID, reception.ItineraryInput{Kind: "negotiation", Start: "10:30", End: "11:30", Place: "一号会议室",
		People: "董事长秘密会见", Notes: "让步上限百分之五"}); err != nil {
		t.Fatal(err)
	}
	g, err := a.Reception.AddGuest(ctx, office, r.ID, reception.GuestInput{Name: "欧阳明月", Mobile: "13912345678", Note: "对坚果过敏"})
	if err != nil {
		t.Fatal(err)
	}
	return r, g
}

// TestPrivacyPages: the client user's case pages show the client view
// only; the guest list shows contact details to those working on the case
// only; the office erases a guest and a client contact from the pages.
func TestPrivacyPages(t *testing.T) {
	db := storetest.NewTestDB(t, "sqlite")
	a, _ := apptest.New(t, db)
	srv := apptest.Serve(t, a)
	r, g := clientCase(t, a, db)
	caseURL := fmt.Sprintf("%s/receptions/%d", srv.URL, r.ID)

	cl := apptest.Login(t, srv, "client")
	for _, tab := range []string{"", "/plan"} {
		body := checkPage(t, cl, caseURL+tab, 200)
		for _, s := range []string{"董事长秘密会见", "让步上限", "底价", "88,888", "77,777", "reception.tier"} {
			if strings.Contains(body, s) {
				t.Errorf("the client's page %s shows %q", tab, s)
			}
		}
		if !strings.Contains(body, "洽谈年度框架协议") {
			t.Errorf("the client's page %s lacks the purpose", tab)
		}
	}

	// The receptionist is not on the case: names only.
	body := checkPage(t, apptest.Login(t, srv, "receptionist"), caseURL+"/guests", 200)
	if !strings.Contains(body, "欧阳明月") || strings.Contains(body, "13912345678") || strings.Contains(body, "对坚果过敏") {
		t.Errorf("the receptionist's guest list: names only expected")
	}
	office := apptest.Login(t, srv, "office")
	if body := checkPage(t, office, caseURL+"/guests", 200); !strings.Contains(body, "13912345678") || !strings.Contains(body, fmt.Sprintf("/guests/%d/erase", g.ID)) {
		t.Errorf("the office's guest list lacks the mobile number or the erase button")
	}

	// Erasing a guest: the staff member may not, the office may.
	if code, _ := postForm(t, apptest.Login(t, srv, "staff"), fmt.Sprintf("%s/guests/%d/erase", caseURL, g.ID), url.Values{}); code != 403 {
		t.Errorf("staff erasing a guest: %d", code)
	}
	if code, _ := postForm(t, office, fmt.Sprintf("%s/guests/%d/erase", caseURL, g.ID), url.Values{}); code != 303 {
		t.Fatalf("office erasing a guest: %d", code)
	}
	body = checkPage(t, office, caseURL+"/guests?ok=privacy_erased", 200)
	if strings.Contains(body, "欧阳明月") || !strings.Contains(body, "个人信息已删除") {
		t.Errorf("the erased guest's line: %.2000s", body)
	}

	// Erasing a client contact from the organisation's page.
	ctx := context.Background()
	c, err := a.Clients.CreateContact(ctx, actorOf(t, a, "office"), r.OrgID, client.ContactInput{Name: "顾敏", Mobile: "13700001111"})
	if err != nil {
		t.Fatal(err)
	}
	orgURL := fmt.Sprintf("%s/clients/%d", srv.URL, r.OrgID)
	if code, _ := postForm(t, office, fmt.Sprintf("%s/contacts/%d/erase", orgURL, c.ID), url.Values{}); code != 303 {
		t.Fatalf("office erasing a contact: %d", code)
	}
	if body := checkPage(t, office, orgURL, 200); strings.Contains(body, "13700001111") || strings.Contains(body, "顾敏") {
		t.Errorf("the erased contact still shows")
	}

	// The case's room is internal use: it never names the guest, and after
	// the erasure no booking row or audit row does.
	vs, err := a.Venues.All(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var venueID int64
	for _, v := range vs {
		if v.Capacity >= 10 && v.InService {
			venueID = v.ID
			break
		}
	}
	if code, page := postForm(t, office, caseURL+"/book-room", url.Values{"venue_id": {fmt.Sprint(venueID)}, "room_start": {"10:00"}, "room_end": {"11:30"}}); code != 303 {
		t.Fatalf("room request: %d %.600s", code, stripAttrs(page))
	}
	sys := access.SystemActor()
	got, _ := a.Reception.Get(ctx, sys, r.ID)
	if b, err := a.Bookings.Get(ctx, sys, got.BookingID); err != nil || b.ContactName != "" || b.Purpose != "internal" {
		t.Fatalf("the room booking's contact: %+v %v", b, err)
	}
	guests, err := a.Reception.Guests(ctx, sys, r.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := postForm(t, office, fmt.Sprintf("%s/guests/%d/erase", caseURL, guests[0].ID), url.Values{}); code != 303 {
		t.Fatalf("erasing the principal guest: %d", code)
	}
	if b, err := a.Bookings.Get(ctx, sys, got.BookingID); err != nil || b.ContactName != "" {
		t.Errorf("the room booking still names the erased guest: %+v %v", b, err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'booking' AND entity_id = ? AND (after_json LIKE '%陈立%' OR before_json LIKE '%陈立%')`, got.BookingID).Scan(&n); err != nil || n != 0 {
		t.Errorf("the booking's audit rows still name the erased guest: %d %v", n, err)
	}
}
