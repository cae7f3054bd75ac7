package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/auth"
	"jiedai/internal/demo"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// Whole bodies that are not what any endpoint expects.
var brokenBodies = []string{
	"", " ", "{", "}", "[", "[]", "null", "true", "0", "-1", `"x"`, `{"a":}`, `{,}`, `{"a" 1}`, `{'a':1}`,
	`{"a":1,}`, `{}{}`, `{} trailing`, "\xef\xbb\xbf{}", "{\"title\":\"\xff\xfe\"}", "\x00", "{\"a\":\"\x00\"}",
	strings.Repeat("[", 100000), strings.Repeat(`{"a":`, 20000), `{"x":1e999}`, `{"x":` + strings.Repeat("9", 5000) + `}`,
	`{"title":"` + strings.Repeat("长", 1<<19) + `"}`, // over the 1 MiB body limit
	`{"__proto__":{}}`, `{"a":"\ud800"}`, `{"a":"\u0000"}`, `{"a":1,"a":2}`,
}

// Values for one property: wrong types, huge and odd numbers, bad text.
var badValues = []string{
	`null`, `true`, `false`, `0`, `-1`, `1.5`, `1e308`, `-1e308`, `9223372036854775807`, `9223372036854775808`,
	`-9223372036854775809`, `2147483648`, `4294967296`, `1e20`, `""`, `" "`, `"x"`, `"` + strings.Repeat("x", 70000) + `"`,
	`"\u0000"`, `"a\u0000b"`, `"\ud800"`, "\"\xff\xfe\"", `"中文"`, `"<script>alert(1)</script>"`, `"'; DROP TABLE bookings;--"`,
	`[]`, `[null]`, `[1,2,3]`, `[""]`, `["` + strings.Repeat("y", 5000) + `"]`, `{}`, `{"a":1}`,
}

// Time-zone and calendar tricks, sent to every string property.
var timeTricks = []string{
	`"2026-03-02T09:00:00+14:00"`, `"2026-03-02T09:00:00-12:00"`, `"2026-03-02T09:00:00"`, `"2026-03-02"`, `"24:00"`,
	`"2026-03-02T24:00:00+08:00"`, `"2016-12-31T23:59:60Z"`, `"2026-03-02T09:00:60+08:00"`, `"10000-01-01T00:00:00Z"`,
	`"9999-12-31T23:59:59Z"`, `"0001-01-01T00:00:00Z"`, `"0000-01-01T00:00:00Z"`, `"1969-12-31T23:59:59Z"`,
	`"2026-02-29T09:00:00+08:00"`, `"2026-03-02T09:00:00+08:60"`, `"2026-03-02T09:00:00+25:00"`,
	`"2026-03-10T10:00:00.123456789+08:00"`, `"2026-03-10T10:00:30+08:00"`, `"2026-03-10t10:00:00z"`, `"+002026-03-02T09:00:00Z"`,
	`" 2026-03-10T10:00:00Z"`, `"2026-03-10T10:00:00Z "`,
}

// Start and end pairs around the minute truncation, the day and the zones.
var timePairs = [][2]string{
	{"2026-03-10T10:00:30+08:00", "2026-03-10T10:00:50+08:00"},
	{"2026-03-10T10:00:00+08:00", "2026-03-10T10:00:59+08:00"},
	{"2026-03-10T10:00:00+08:00", "2026-03-10T10:00:00+08:00"},
	{"2026-03-10T10:00:00+08:00", "2026-03-10T02:00:00Z"},
	{"2026-03-10T10:00:00+14:00", "2026-03-09T08:00:00-12:00"},
	{"2026-03-10T10:00:00+08:00", "2026-03-11T10:01:00+08:00"},
	{"2026-03-10T23:30:00+08:00", "2026-03-11T00:30:00+08:00"},
	{"2026-03-10T10:00:00+08:00", "9999-12-31T23:59:59Z"},
	{"0001-01-01T00:00:00Z", "2026-03-10T10:00:00+08:00"},
}

// Path values for {id}.
var badIDs = []string{"0", "-1", "abc", "99999999999999999999", "9223372036854775807", "1.5", "%00", "%E4%B8%AD", "1%20"}

// omit in an overlay leaves the property out of the sample.
var omit = &struct{}{}

type malformedEnv struct {
	base     string
	tokens   map[string]string // subject → bearer token
	seq      int               // makes each created record distinct
	fixtures int               // days used by the actions' bookings
	ids      map[string]string // path prefix → an existing record's id
	overlay  map[string]any    // sensible values for properties by name
}

// TestMalformedInputNever500 sends broken JSON, wrong types, huge values,
// bad UTF-8 and time-zone tricks to every POST, PATCH and PUT operation of
// the OpenAPI document, as an administrator and as a client user: no answer
// may be a 5xx, and every error must be a JSON error body.
func TestMalformedInputNever500(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		ctx := context.Background()
		if _, err := a.Auth.Create(ctx, access.SystemActor(), auth.UserInput{Username: "kehu", DisplayName: "客户联系人", Password: demo.Password,
			Roles: []string{access.Client}, OrgID: 1, Active: true}); err != nil {
			t.Fatal(err)
		}
		e := &malformedEnv{base: srv.URL, tokens: map[string]string{"admin": apptest.Token(t, srv, "admin"), "client": apptest.Token(t, srv, "kehu"),
			"staff": apptest.Token(t, srv, "staff")}}
		venue := e.create(t, "/api/v1/venues", `{"name":"长江厅","capacity":30}`)
		actionVenue := e.create(t, "/api/v1/venues", `{"name":"黄河厅","capacity":30}`)
		bookingID := e.create(t, "/api/v1/bookings", `{"venue_id":`+venue+`,"start":"2026-03-10T10:00:00+08:00","end":"2026-03-10T11:00:00+08:00","title":"季度例会","headcount":6}`)
		userID := e.create(t, "/api/v1/users", `{"username":"zhaoyun","password":"a-long-password","roles":["staff"]}`)
		e.ids = map[string]string{"/api/v1/venues/": venue, "/api/v1/bookings/": bookingID, "/api/v1/users/": userID}
		e.overlay = map[string]any{"venue_id": json.Number(venue), "start": "2026-03-12T14:00:00+08:00", "end": "2026-03-12T15:00:00+08:00",
			"headcount": 4, "capacity": 20, "open_from_min": 480, "open_to_min": 1320, "addon_id": 1, "org_id": 0,
			"contact_email": "lianxi@example.com", "email": "zhaoyun@example.com", "roles": []string{"staff"},
			"username": "zhaoyun", "bump": false, "approve": false, "purpose": "internal", "rate_tier": "internal", "items": []any{},
			"equipment": []string{}, "capacities": map[string]int{"boardroom": 0, "theatre": 0, "classroom": 0, "ushape": 0}, "code": omit,
			"layout": omit, "active": true, "rule": "FREQ=WEEKLY;COUNT=3", "skip_conflicts": true, "paid_at": "2026-03-10T12:00:00+08:00",
			"invoice_date": "2026-03-10", "in_service": true, "client_bookable": true, "buffer_before_min": 0, "buffer_after_min": 0}

		oa := loadOpenAPI(t, srv.URL)
		n := 0
		for _, op := range oa.ops {
			if op.Method != http.MethodPost && op.Method != http.MethodPatch && op.Method != http.MethodPut {
				continue
			}
			n++
			t.Run(op.ID, func(t *testing.T) {
				if strings.HasPrefix(op.Path, "/api/v1/bookings/{id}/") {
					// Each action gets its own pending booking.
					e.fixtures++
					start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)).AddDate(0, 0, e.fixtures)
					e.ids["/api/v1/bookings/"] = e.createAs(t, "staff", "/api/v1/bookings", fmt.Sprintf(`{"venue_id":%s,"start":%q,"end":%q,"title":"部门周会","headcount":5}`,
						actionVenue, start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)))
				}
				codes := e.sendCorpus(t, oa, op)
				t.Logf("%s: answers by status %v", op, codes)
			})
		}
		if n < 5 {
			t.Fatalf("only %d write operations found", n)
		}
	})
}

func (e *malformedEnv) create(t *testing.T, path, body string) string {
	t.Helper()
	return e.createAs(t, "admin", path, body)
}

func (e *malformedEnv) createAs(t *testing.T, subject, path, body string) string {
	t.Helper()
	st, resp, _ := e.send(subject, http.MethodPost, path, "application/json", []byte(body))
	if st != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", path, st, resp)
	}
	var out struct{ ID int64 }
	if err := json.Unmarshal(resp, &out); err != nil || out.ID == 0 {
		t.Fatalf("POST %s: %s", path, resp)
	}
	return fmt.Sprint(out.ID)
}

func (e *malformedEnv) send(subject, method, path, ctype string, body []byte) (int, []byte, http.Header) {
	req, err := http.NewRequest(method, e.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, []byte(err.Error()), nil
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok := e.tokens[subject]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, []byte(err.Error()), nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp.Header
}

// path fills {id} with an existing record of the path's kind.
func (e *malformedEnv) path(op apiOp) string {
	for prefix, id := range e.ids {
		if strings.HasPrefix(op.Path, prefix) {
			return fill(op.Path, id)
		}
	}
	return fill(op.Path, "1")
}

// sendCorpus sends the whole corpus to one operation and checks every answer.
func (e *malformedEnv) sendCorpus(t *testing.T, oa *openAPI, op apiOp) map[int]int {
	codes := map[int]int{}
	check := func(subject, desc, path, ctype string, body []byte) {
		t.Helper()
		st, resp, h := e.send(subject, op.Method, path, ctype, body)
		codes[st]++
		if err := checkAnswer(st, resp, h); err != nil {
			shown := string(body)
			if len(shown) > 200 {
				shown = shown[:200] + "…"
			}
			t.Errorf("%s %s as %s, %s: %v\nbody sent: %q\nanswer: %.300s", op.Method, path, subject, desc, err, shown, resp)
		}
	}
	path := e.path(op)
	var base map[string]any
	if op.Body != nil {
		base, _ = oa.sample(op.Body, e.overlay).(map[string]any)
	}
	baseJSON, _ := json.Marshal(base)
	subjects := []string{"admin", "client"}
	for _, sub := range subjects {
		for _, b := range brokenBodies {
			check(sub, "broken body", path, "application/json", []byte(b))
		}
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"} {
			check(sub, "content type "+ct, path, ct, baseJSON)
		}
		if strings.Contains(op.Path, "{") {
			for _, id := range badIDs {
				check(sub, "id "+id, fill(op.Path, id), "application/json", baseJSON)
			}
		}
	}
	if base == nil {
		return codes
	}
	props := make([]string, 0, len(base))
	for k := range base {
		props = append(props, k)
	}
	sort.Strings(props)
	props = append(props, "unknown_field")
	for _, sub := range subjects {
		check(sub, "sample body", path, "application/json", baseJSON)
		if st, _, _ := e.send(sub, op.Method, path, "application/json", baseJSON); st == http.StatusForbidden || st == http.StatusUnauthorized {
			continue // the role may not call it at all: the broken bodies above suffice
		}
		for _, p := range props {
			// Every time trick for time properties, a few for other text.
			values := badValues
			switch ps := oa.resolve(op.Body["properties"].(map[string]any)[p]); {
			case ps != nil && ps["format"] == "date-time":
				values = append(append([]string{}, badValues...), timeTricks...)
			case ps == nil || contains(types(ps), "string"):
				values = append(append([]string{}, badValues...), timeTricks[:6]...)
			}
			for _, v := range values {
				check(sub, p+"="+short(v), path, "application/json", withRaw(e.vary(op, base, p), p, v))
			}
		}
		if _, ok := base["start"]; ok {
			for _, pr := range timePairs {
				b := e.vary(op, base, "")
				b["start"], b["end"] = pr[0], pr[1]
				body, _ := json.Marshal(b)
				check(sub, "start/end "+pr[0]+" "+pr[1], path, "application/json", body)
			}
		}
	}
	return codes
}

// vary gives each request that creates a record its own free slot and
// name, so that the mutated property (but not a taken slot or a taken
// name) decides the answer; keep is the property under test.
func (e *malformedEnv) vary(op apiOp, base map[string]any, keep string) map[string]any {
	b := map[string]any{}
	for k, v := range base {
		b[k] = v
	}
	if op.Method != http.MethodPost || strings.Contains(op.Path, "{") {
		return b
	}
	e.seq++
	if _, ok := b["start"]; ok && keep != "start" && keep != "end" {
		day := time.Date(2026, 3, 3, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)).AddDate(0, 0, e.seq/12).Add(time.Duration(e.seq%12) * time.Hour)
		b["start"], b["end"] = day.Format(time.RFC3339), day.Add(time.Hour).Format(time.RFC3339)
	}
	if _, ok := b["username"]; ok && (keep == "" || keep == "username") {
		// Creating a user needs a password, whose hashing is slow on
		// purpose: only the username's variations get one and reach the
		// database; the others stop at validation.
		b["password"] = "a-long-password"
	}
	for _, k := range []string{"username", "name"} {
		if v, ok := b[k].(string); ok && k != keep {
			b[k] = fmt.Sprintf("%s%d", v, e.seq)
		}
	}
	return b
}

// withRaw returns base as JSON with property p set to the raw JSON text v
// (which may hold bytes that are not UTF-8).
func withRaw(base map[string]any, p, v string) []byte {
	b := map[string]any{}
	for k, x := range base {
		if k != p {
			b[k] = x
		}
	}
	const mark = "\"@@RAW@@\""
	b[p] = json.RawMessage(mark)
	out, _ := json.Marshal(b)
	return bytes.Replace(out, []byte(mark), []byte(v), 1)
}

func short(v string) string {
	if len(v) > 40 {
		return v[:40] + "…"
	}
	return v
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// checkAnswer: never a 5xx; an error is a JSON error body with a code and a
// message; a success with content is JSON.
func checkAnswer(status int, body []byte, h http.Header) error {
	switch {
	case status == 0:
		return fmt.Errorf("no answer: %s", body)
	case status >= 500:
		return fmt.Errorf("status %d", status)
	case status == http.StatusNoContent:
		return nil
	}
	ct := h.Get("Content-Type")
	if status < 400 {
		if strings.Contains(ct, "json") && !json.Valid(body) {
			return fmt.Errorf("status %d with a body that is not JSON", status)
		}
		return nil // a success may be another format (text/calendar)
	}
	if !strings.Contains(ct, "json") {
		return fmt.Errorf("status %d with Content-Type %q", status, ct)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		return fmt.Errorf("status %d without a JSON error body", status)
	}
	return nil
}
