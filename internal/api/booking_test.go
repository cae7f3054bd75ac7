package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/auth"
	"jiedai/internal/clock"
	"jiedai/internal/server"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

type apiEnv struct {
	srv    *httptest.Server
	app    *app.App
	clk    *clock.Fake
	tokens map[string]string
}

func newAPIEnv(t *testing.T, db *store.DB) *apiEnv {
	t.Helper()
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, loc))
	a, err := app.New(ctx, db, clk, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.Handler(a)
	if err != nil {
		t.Fatal(err)
	}
	e := &apiEnv{srv: httptest.NewServer(h), app: a, clk: clk, tokens: map[string]string{}}
	t.Cleanup(e.srv.Close)
	for _, u := range []struct{ name, role string }{{"office", access.Office}, {"staff", access.Staff}, {"staff2", access.Staff}} {
		user, err := a.Auth.Create(ctx, access.SystemActor(), auth.UserInput{Username: u.name, DisplayName: u.name, Password: "password-123", Roles: []string{u.role}, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := a.Auth.IssueToken(ctx, user.Actor(""), "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.name] = tok
	}
	return e
}

// call sends a request as user (none when ""), returning status and decoded JSON.
func (e *apiEnv) call(t *testing.T, user, method, path string, body any) (int, map[string]any) {
	t.Helper()
	status, raw := e.raw(t, user, method, path, body)
	var m map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return status, m
}

func (e *apiEnv) raw(t *testing.T, user, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, e.srv.URL+"/api/v1"+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

func errField(m map[string]any) (code, field string) {
	e, _ := m["error"].(map[string]any)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return
}

func (e *apiEnv) venue(t *testing.T, body map[string]any) int64 {
	t.Helper()
	st, m := e.call(t, "office", "POST", "/venues", body)
	if st != http.StatusCreated {
		t.Fatalf("create venue: %d %v", st, m)
	}
	return int64(m["id"].(float64))
}

func TestAPIVenuesAndBookings(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newAPIEnv(t, db)
		room := e.venue(t, map[string]any{"name": "长江厅", "capacity": 20, "equipment": []string{"projector", "microphone"}})
		hall := e.venue(t, map[string]any{"name": "黄河厅", "capacity": 60, "equipment": []string{"projector", "microphone", "video_conference"}})
		st, m := e.call(t, "office", "GET", fmt.Sprintf("/venues/%d", room), nil)
		if st != 200 || m["open_from_min"].(float64) != 480 || m["in_service"] != true {
			t.Fatalf("venue defaults: %d %v", st, m)
		}
		if st, m := e.call(t, "office", "PATCH", fmt.Sprintf("/venues/%d", room), map[string]any{"buffer_after_min": 15}); st != 200 || m["buffer_after_min"].(float64) != 15 || m["name"] != "长江厅" {
			t.Fatalf("patch venue: %d %v", st, m)
		}
		if st, m := e.call(t, "staff", "POST", "/venues", map[string]any{"name": "x", "capacity": 2}); st != 403 {
			t.Errorf("staff creating a venue: %d %v", st, m)
		}
		if st, m := e.call(t, "office", "POST", "/venues", map[string]any{"name": "x"}); st != 422 {
			t.Errorf("venue without capacity: %d %v", st, m)
		} else if _, f := errField(m); f != "capacity" {
			t.Errorf("venue without capacity names %q", f)
		}

		ok := map[string]any{"venue_id": room, "start": "2026-03-03T10:00:00+08:00", "end": "2026-03-03T11:00:00+08:00", "title": "供应商洽谈", "headcount": 6}
		st, m = e.call(t, "staff", "POST", "/bookings", ok)
		if st != 201 || m["status"] != "pending" || m["id"] == nil {
			t.Fatalf("create booking: %d %v", st, m)
		}
		id := int64(m["id"].(float64))

		clash := map[string]any{"venue_id": room, "start": "2026-03-03T10:30:00+08:00", "end": "2026-03-03T11:30:00+08:00", "title": "另一个会", "headcount": 6, "equipment": []string{"projector"}}
		st, m = e.call(t, "staff2", "POST", "/bookings", clash)
		if st != 409 {
			t.Fatalf("overlap: %d %v", st, m)
		}
		if c, _ := errField(m); c != "conflict" {
			t.Errorf("overlap code %q", c)
		}
		conf, _ := m["conflicts"].([]any)
		alts, _ := m["alternatives"].([]any)
		if len(conf) != 1 || len(alts) == 0 {
			t.Fatalf("overlap body: %v", m)
		}
		if c := conf[0].(map[string]any); c["title"] != nil || c["booking_id"].(float64) != float64(id) {
			t.Errorf("another requester must not see the title: %v", c)
		}
		if a := alts[0].(map[string]any); a["kind"] != "venue" || a["venue_id"].(float64) != float64(hall) {
			t.Errorf("first alternative should be the hall: %v", a)
		}
		// The office sees what is in the way.
		_, m = e.call(t, "office", "POST", "/bookings", clash)
		if c := m["conflicts"].([]any)[0].(map[string]any); c["title"] != "供应商洽谈" {
			t.Errorf("office should see the title: %v", c)
		}

		// Availability.
		st, m = e.call(t, "staff", "GET", "/availability?from=2026-03-03T10:30:00%2B08:00&to=2026-03-03T11:30:00%2B08:00&capacity=10&equipment=projector,microphone", nil)
		if v := m["venues"].([]any); st != 200 || len(v) != 1 || v[0].(map[string]any)["id"].(float64) != float64(hall) {
			t.Errorf("availability: %d %v", st, m)
		}

		// Actions.
		if st, _ := e.call(t, "staff", "POST", fmt.Sprintf("/bookings/%d/approve", id), nil); st != 403 {
			t.Errorf("staff approving: %d", st)
		}
		st, m = e.call(t, "office", "POST", fmt.Sprintf("/bookings/%d/approve", id), nil)
		if st != 200 || m["status"] != "confirmed" {
			t.Fatalf("approve: %d %v", st, m)
		}
		if st, m := e.call(t, "office", "POST", fmt.Sprintf("/bookings/%d/reject", id), map[string]any{"reason": "x"}); st != 409 {
			t.Errorf("reject a confirmed booking: %d %v", st, m)
		}
		if st, m := e.call(t, "staff", "POST", fmt.Sprintf("/bookings/%d/check-in", id), nil); st != 409 {
			t.Errorf("check-in a day early: %d %v", st, m)
		}
		e.clk.Set(time.Date(2026, 3, 3, 1, 50, 0, 0, time.UTC)) // 09:50 in Shanghai
		if st, m := e.call(t, "staff", "POST", fmt.Sprintf("/bookings/%d/check-in", id), nil); st != 200 || m["status"] != "in_use" {
			t.Errorf("check-in: %d %v", st, m)
		}
		if st, m := e.call(t, "staff", "POST", fmt.Sprintf("/bookings/%d/complete", id), nil); st != 200 || m["status"] != "completed" {
			t.Errorf("complete: %d %v", st, m)
		}
		st, m = e.call(t, "office", "GET", fmt.Sprintf("/bookings?venue_id=%d&from=2026-03-03&to=2026-03-04&status=completed", room), nil)
		if list := m["bookings"].([]any); st != 200 || len(list) != 1 {
			t.Errorf("list: %d %v", st, m)
		}

		// Calendars: bearer, token, neither.
		st, raw := e.raw(t, "staff", "GET", fmt.Sprintf("/venues/%d/calendar.ics", room), nil)
		if st != 200 || !bytes.Contains(raw, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.Contains(raw, []byte("SUMMARY:供应商洽谈")) {
			t.Errorf("calendar with bearer: %d %s", st, raw)
		}
		v, _ := e.app.Venues.Get(context.Background(), nil, room)
		if st, raw := e.raw(t, "", "GET", fmt.Sprintf("/venues/%d/calendar.ics?token=%s", room, v.FeedToken), nil); st != 200 || !bytes.Contains(raw, []byte("UID:booking-")) {
			t.Errorf("calendar with token: %d %s", st, raw)
		}
		if st, _ := e.raw(t, "", "GET", fmt.Sprintf("/venues/%d/calendar.ics?token=wrong-token-wrong-token", room), nil); st != 404 {
			t.Errorf("calendar with a wrong token: %d", st)
		}
		if st, _ := e.raw(t, "", "GET", fmt.Sprintf("/venues/%d/calendar.ics", room), nil); st != 401 {
			t.Errorf("calendar without credentials: %d", st)
		}
	})
}

// TestAPIBadInput: malformed input gets 400 or 422 naming the field, never 500.
func TestAPIBadInput(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newAPIEnv(t, db)
		room := e.venue(t, map[string]any{"name": "长江厅", "capacity": 20})
		base := func(kv ...any) map[string]any {
			m := map[string]any{"venue_id": room, "start": "2026-03-03T10:00:00+08:00", "end": "2026-03-03T11:00:00+08:00", "title": "会议", "headcount": 6}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == nil {
					delete(m, kv[i].(string))
				} else {
					m[kv[i].(string)] = kv[i+1]
				}
			}
			return m
		}
		tests := []struct {
			name   string
			method string
			path   string
			body   any
			status int
			field  string
		}{
			{"not JSON", "POST", "/bookings", "{not json", 400, ""},
			{"no title", "POST", "/bookings", base("title", nil), 422, "title"},
			{"blank title", "POST", "/bookings", base("title", "  "), 422, "title"},
			{"bad start", "POST", "/bookings", base("start", "tomorrow"), 422, "start"},
			{"end before start", "POST", "/bookings", base("end", "2026-03-03T09:00:00+08:00"), 422, "end"},
			{"zero headcount", "POST", "/bookings", base("headcount", 0), 422, "headcount"},
			{"too many people", "POST", "/bookings", base("headcount", 21), 422, "headcount"},
			{"headcount as text", "POST", "/bookings", base("headcount", "six"), 422, "headcount"},
			{"unknown venue", "POST", "/bookings", base("venue_id", 999), 422, "venue_id"},
			{"unknown equipment", "POST", "/bookings", base("equipment", []string{"jetpack"}), 422, "equipment"},
			{"bad priority", "POST", "/bookings", base("priority", "vip"), 422, "priority"},
			{"closed at night", "POST", "/bookings", base("start", "2026-03-03T22:00:00+08:00", "end", "2026-03-03T23:00:00+08:00"), 422, "start"},
			{"bad list date", "GET", "/bookings?from=yesterday", nil, 422, "from"},
			{"bad list status", "GET", "/bookings?status=happy", nil, 422, "status"},
			{"availability without to", "GET", "/availability?from=2026-03-03T10:00:00Z", nil, 422, "to"},
			{"availability reversed", "GET", "/availability?from=2026-03-03T10:00:00Z&to=2026-03-03T09:00:00Z", nil, 422, "to"},
			{"unknown booking", "GET", "/bookings/424242", nil, 404, ""},
			{"booking id not a number", "GET", "/bookings/abc", nil, 422, "id"},
			{"action on unknown booking", "POST", "/bookings/424242/approve", nil, 404, ""},
			{"reject without reason", "POST", "/bookings/1/reject", map[string]any{}, 422, "reason"},
			{"venue patch bad kind", "PATCH", fmt.Sprintf("/venues/%d", room), map[string]any{"kind": "castle"}, 422, "kind"},
		}
		for _, tc := range tests {
			st, m := e.call(t, "office", tc.method, tc.path, tc.body)
			if st != tc.status {
				t.Errorf("%s: status %d, want %d (%v)", tc.name, st, tc.status, m)
				continue
			}
			if _, f := errField(m); tc.field != "" && f != tc.field {
				t.Errorf("%s: field %q, want %q (%v)", tc.name, f, tc.field, m)
			}
		}
		if st, _ := e.call(t, "", "GET", "/bookings", nil); st != 401 {
			t.Errorf("no token: %d", st)
		}
	})
}

// TestAPIRace: 64 HTTP clients race for overlapping slots of one venue;
// exactly one gets 201, the others 409.
func TestAPIRace(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newAPIEnv(t, db)
		room := e.venue(t, map[string]any{"name": "长江厅", "capacity": 20})
		const n = 64
		codes := make([]int, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				body, _ := json.Marshal(map[string]any{"venue_id": room, "title": fmt.Sprintf("会议 %d", i), "headcount": 4,
					"start": fmt.Sprintf("2026-03-04T10:%02d:00+08:00", i%30), "end": "2026-03-04T11:00:00+08:00"})
				req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/bookings", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+e.tokens["staff"])
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				codes[i] = res.StatusCode
			}()
		}
		close(start)
		wg.Wait()
		created := 0
		for i, c := range codes {
			switch c {
			case 201:
				created++
			case 409:
			default:
				t.Errorf("client %d: status %d", i, c)
			}
		}
		var active int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM bookings WHERE venue_id = ? AND active = ?`, room, true).Scan(&active); err != nil {
			t.Fatal(err)
		}
		if created != 1 || active != 1 {
			t.Errorf("%d created, %d active; want exactly 1", created, active)
		}
	})
}

func TestAPISeriesAndSettlement(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newAPIEnv(t, db)
		room := e.venue(t, map[string]any{"name": "长江厅", "capacity": 20, "rates": map[string]any{"client": map[string]any{"hour": 30000}}})
		if st, m := e.call(t, "staff", "POST", "/bookings", map[string]any{"venue_id": room, "start": "2026-03-17T10:00:00+08:00", "end": "2026-03-17T11:00:00+08:00", "title": "占位", "headcount": 2}); st != 201 {
			t.Fatalf("blocker: %d %v", st, m)
		}
		body := map[string]any{"venue_id": room, "start": "2026-03-03T10:00:00+08:00", "end": "2026-03-03T11:00:00+08:00", "title": "周二例会", "headcount": 8,
			"rule": "FREQ=WEEKLY;BYDAY=TU;COUNT=4", "preview": true}
		st, m := e.call(t, "staff", "POST", "/bookings/series", body)
		occ, _ := m["occurrences"].([]any)
		if st != 200 || len(occ) != 4 || occ[2].(map[string]any)["skip"] != "conflict" {
			t.Fatalf("preview: %d %v", st, m)
		}
		delete(body, "preview")
		if st, m := e.call(t, "staff", "POST", "/bookings/series", body); st != 409 {
			t.Errorf("series over a conflict: %d %v", st, m)
		}
		body["skip_conflicts"] = true
		if st, m := e.call(t, "staff", "POST", "/bookings/series", body); st != 201 || m["series_id"] == nil {
			t.Errorf("series: %d %v", st, m)
		}
		body["rule"] = "FREQ=DAILY"
		if st, m := e.call(t, "staff", "POST", "/bookings/series", body); st != 422 {
			t.Errorf("bad rule: %d %v", st, m)
		} else if _, f := errField(m); f != "rule" {
			t.Errorf("bad rule names %q", f)
		}

		// Settle a client booking after use.
		st, m = e.call(t, "office", "POST", "/bookings", map[string]any{"venue_id": room, "start": "2026-03-02T09:30:00+08:00", "end": "2026-03-02T11:30:00+08:00",
			"title": "客户洽谈", "headcount": 6, "purpose": "client", "client_name": "远景资本", "under_contract": true, "approve": true})
		if st != 201 {
			t.Fatalf("client booking: %d %v", st, m)
		}
		id := int64(m["id"].(float64))
		e.clk.Set(time.Date(2026, 3, 2, 3, 40, 0, 0, time.UTC)) // 11:40 in Shanghai
		if st, m := e.call(t, "office", "POST", fmt.Sprintf("/bookings/%d/complete", id), nil); st != 200 {
			t.Fatalf("complete: %d %v", st, m)
		}
		st, m = e.call(t, "office", "GET", fmt.Sprintf("/bookings/%d/statement", id), nil)
		if st != 200 || m["draft"] != true || m["total_fen"].(float64) != 60000 {
			t.Fatalf("draft statement: %d %v", st, m)
		}
		// 2^62 fen × 3 stored a negative total: every amount is bounded (money.Max).
		st, m = e.call(t, "office", "POST", fmt.Sprintf("/bookings/%d/settle", id), map[string]any{"lines": []map[string]any{{"name": "x", "qty": 3, "unit_fen": int64(1) << 62}}})
		if _, f := errField(m); st != 422 || f != "lines" {
			t.Fatalf("settling 2^62 × 3: %d %v", st, m)
		}
		st, m = e.call(t, "office", "POST", fmt.Sprintf("/bookings/%d/settle", id), map[string]any{"discount_fen": 5000, "discount_reason": "首次合作", "paid_fen": 55000, "pay_method": "card", "invoice_no": "0442001", "invoice_date": "2026-03-02"})
		if st != 200 || m["draft"] != false || m["total_fen"].(float64) != 55000 {
			t.Fatalf("settle: %d %v", st, m)
		}
		if st, m := e.call(t, "staff", "POST", fmt.Sprintf("/bookings/%d/settle", id), map[string]any{}); st != 403 {
			t.Errorf("staff settling: %d %v", st, m)
		}
	})
}
