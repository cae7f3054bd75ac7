package caldav_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"jiedai/internal/meeting"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/task"
)

// TestPersonCalendar: a person's own calendar holds the meetings they take
// part in and the reception duties they own, besides their bookings, each
// as the libical-valid VEVENT the calendar programs get.
func TestPersonCalendar(t *testing.T) {
	e := newEnv(t, storetest.NewTestDB(t, "sqlite"))
	ctx := context.Background()
	now := store.Ms(e.clock.Now())
	var dutyOwner, dutyID int64
	err := e.app.DB.QueryRow(ctx, `SELECT t.owner_id, t.id FROM tasks t JOIN receptions r ON r.id = t.entity_id
 WHERE t.entity = ? AND t.kind = ? AND t.owner_id IS NOT NULL AND t.status <> ? AND r.status <> ? AND t.due_at > ? ORDER BY t.due_at LIMIT 1`,
		reception.Entity, reception.KindDuty, task.StatusCancelled, reception.StatusCancelled, now).Scan(&dutyOwner, &dutyID)
	if err != nil {
		t.Fatalf("demo data has no open reception duty with an owner: %v", err)
	}
	var host, meetingID int64
	err = e.app.DB.QueryRow(ctx, `SELECT host_id, id FROM meetings WHERE status IN (?, ?) AND level IN ('public', 'internal') AND start_at > ? ORDER BY start_at LIMIT 1`,
		meeting.StatusApproved, meeting.StatusNotified, now).Scan(&host, &meetingID)
	if err != nil {
		t.Fatalf("demo data has no upcoming meeting: %v", err)
	}
	for _, c := range []struct {
		user int64
		want string
	}{{dutyOwner, "reception-duty-" + itoa(dutyID) + ".ics"}, {host, "meeting-" + itoa(meetingID) + ".ics"}} {
		u, err := e.app.Auth.Get(ctx, c.user)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := e.app.Bookings.FeedToken(ctx, u.Actor(""))
		if err != nil {
			t.Fatal(err)
		}
		mine := "/dav/u" + itoa(u.ID) + "/calendars/mine/"
		code, body := e.dav(t, "REPORT", mine, u.Username, tok, "0", sprintf(syncReport, ""))
		if code != http.StatusMultiStatus || !strings.Contains(body, mine+c.want) {
			t.Fatalf("%s's calendar lacks %s: %d %s", u.Username, c.want, code, body)
		}
		code, obj := e.dav(t, "GET", mine+c.want, u.Username, tok, "", "")
		if code != http.StatusOK || !strings.Contains(obj, "BEGIN:VEVENT") {
			t.Fatalf("GET %s: %d %s", c.want, code, obj)
		}
	}
	// A cancelled meeting leaves the host's calendar.
	u, _ := e.app.Auth.Get(ctx, host)
	if _, err := e.app.DB.Exec(ctx, `UPDATE meetings SET status = ?, updated_at = ? WHERE id = ?`, meeting.StatusCancelled, now, meetingID); err != nil {
		t.Fatal(err)
	}
	tok, _ := e.app.Bookings.FeedToken(ctx, u.Actor(""))
	if code, body := e.dav(t, "REPORT", "/dav/u"+itoa(host)+"/calendars/mine/", u.Username, tok, "0", sprintf(syncReport, "")); code != http.StatusMultiStatus || strings.Contains(body, "meeting-"+itoa(meetingID)+".ics") {
		t.Fatalf("cancelled meeting still listed: %d %s", code, body)
	}
}
