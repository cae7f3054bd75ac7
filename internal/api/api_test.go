package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi-validator/schema_validation"

	"jiedai/internal/apptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

type errBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

func decodeErr(t *testing.T, body string) errBody {
	t.Helper()
	var e errBody
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an error body: %s (%v)", body, err)
	}
	return e
}

func TestTokensAndErrors(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, _ := apptest.New(t, db)
		srv := apptest.Serve(t, a)
		u := srv.URL + "/api/v1"

		code, body := apptest.API(t, "GET", u+"/me", "", "")
		if code != 401 || decodeErr(t, body).Error.Code != "unauthorized" {
			t.Fatalf("no token: %d %s", code, body)
		}
		code, body = apptest.API(t, "POST", u+"/tokens", "", `{"username":"office","password":"wrong"}`)
		if code != 401 || !strings.Contains(decodeErr(t, body).Error.Message, "用户名或密码错误") {
			t.Fatalf("bad password: %d %s", code, body)
		}
		tok := apptest.Token(t, srv, "office")
		code, body = apptest.API(t, "GET", u+"/me", tok, "")
		if code != 200 || !strings.Contains(body, `"username":"office"`) {
			t.Fatalf("me: %d %s", code, body)
		}
		code, body = apptest.API(t, "GET", u+"/me", tok+"x", "")
		if code != 401 {
			t.Fatalf("forged token: %d %s", code, body)
		}
		// Broken JSON, wrong types and missing fields are 4xx with a field, never 500.
		for _, b := range []string{`{`, `[]`, `{"username":1}`, `{"password":"x"}`, "\xff\xfe", `{"username":"` + strings.Repeat("a", 5000) + `","password":"x"}`} {
			code, body = apptest.API(t, "POST", u+"/tokens", "", b)
			if code < 400 || code >= 500 {
				t.Errorf("body %q: status %d %s", b, code, body)
				continue
			}
			decodeErr(t, body)
		}
		code, body = apptest.API(t, "POST", u+"/tokens", "", `{"password":"x"}`)
		if e := decodeErr(t, body); e.Error.Field != "username" {
			t.Errorf("missing username: field %q in %s", e.Error.Field, body)
		}
		// Only admins create users; the error is in the caller's language.
		req, _ := http.NewRequest("POST", u+"/users", strings.NewReader(`{"username":"x1","password":"longenough","roles":["staff"]}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "en-US,en;q=0.9")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e errBody
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 403 || e.Error.Code != "forbidden" || !strings.Contains(e.Error.Message, "not allowed") {
			t.Fatalf("office creating a user: %d %+v", resp.StatusCode, e)
		}
		admin := apptest.Token(t, srv, "admin")
		code, body = apptest.API(t, "POST", u+"/users", admin, `{"username":"wang5","password":"short","roles":["staff"]}`)
		if code != 422 || decodeErr(t, body).Error.Field != "password" {
			t.Fatalf("short password: %d %s", code, body)
		}
		code, body = apptest.API(t, "POST", u+"/users", admin, `{"username":"wang5","password":"longenough","roles":["staff"]}`)
		if code != 201 {
			t.Fatalf("create user: %d %s", code, body)
		}
		code, body = apptest.API(t, "GET", u+"/audit?entity=user&action=create", admin, "")
		if code != 200 || !strings.Contains(body, `"entity":"user"`) {
			t.Fatalf("audit: %d %s", code, body)
		}
		code, _ = apptest.API(t, "GET", u+"/audit", tok, "")
		if code != 403 {
			t.Fatalf("office reading audit: %d", code)
		}
		code, body = apptest.API(t, "GET", u+"/nope", tok, "")
		if code != 404 || decodeErr(t, body).Error.Code != "not_found" {
			t.Fatalf("unknown route: %d %s", code, body)
		}
	})
}

func TestWorkdaysEndpoint(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	tok := apptest.Token(t, srv, "staff")
	code, body := apptest.API(t, "GET", srv.URL+"/api/v1/workdays?from=2026-02-13&to=2026-02-24", tok, "")
	if code != 200 {
		t.Fatalf("workdays: %d %s", code, body)
	}
	var out struct {
		Days []struct{ Date, Kind string } `json:"days"`
		N    int                           `json:"workdays"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	// Feb 13 (Fri) work, 14 (Sat) make-up, 15–23 Spring Festival, 24 (Tue) work.
	if out.N != 3 || len(out.Days) != 12 || out.Days[1].Kind != "makeup" || out.Days[2].Kind != "holiday" {
		t.Fatalf("unexpected days: %+v", out)
	}
	for _, q := range []string{"from=2026-13-01&to=2026-12-01", "from=2026-01-01&to=2028-01-01", "from=x&to=y"} {
		code, body = apptest.API(t, "GET", srv.URL+"/api/v1/workdays?"+q, tok, "")
		if code != 422 {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
}

func TestOpenAPIDocumentValidates(t *testing.T) {
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	code, body := apptest.API(t, "GET", srv.URL+"/api/v1/openapi.json", "", "")
	if code != 200 {
		t.Fatalf("openapi.json: %d", code)
	}
	if !strings.Contains(body, `"openapi":"3.1`) {
		t.Fatalf("not OpenAPI 3.1: %.200s", body)
	}
	doc, err := libopenapi.NewDocument([]byte(body))
	if err != nil {
		t.Fatalf("parse OpenAPI document: %v", err)
	}
	ok, verrs := schema_validation.ValidateOpenAPIDocument(doc)
	if !ok {
		for _, e := range verrs {
			t.Errorf("OpenAPI: %s: %s", e.Message, e.Reason)
		}
	}
	if _, errs := doc.BuildV3Model(); errs != nil {
		t.Fatalf("build model: %v", errs)
	}
	for _, path := range []string{"/api/v1/tokens", "/api/v1/me", "/api/v1/audit", "/api/v1/workdays"} {
		if !strings.Contains(body, `"`+path+`"`) {
			t.Errorf("path %s missing from the document", path)
		}
	}
}

// The today endpoint lists the same sections as the page, and the inbox
// holds messages in the reader's language.
func TestTodayAndInbox(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		a, fc := apptest.New(t, db)
		ctx := t.Context()
		office, _ := a.Auth.GetByUsername(ctx, "office")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return a.Notify.Notify(ctx, tx, fc.Now(), []int64{office.ID}, "today.waiting_since", map[string]any{"time": "09:00"}, "/")
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := apptest.Serve(t, a)
		tok := apptest.Token(t, srv, "office")
		code, body := apptest.API(t, "GET", srv.URL+"/api/v1/today", tok, "")
		if code != 200 || !strings.Contains(body, `"key":"approvals"`) || !strings.Contains(body, `"key":"inbox"`) || !strings.Contains(body, "09:00 起等待") {
			t.Fatalf("today: %d %s", code, body)
		}
		code, body = apptest.API(t, "GET", srv.URL+"/api/v1/inbox?unread=true", tok, "")
		var out struct {
			Messages []struct {
				ID   int64  `json:"id"`
				Text string `json:"text"`
			} `json:"messages"`
			Unread int `json:"unread"`
		}
		if err := json.Unmarshal([]byte(body), &out); code != 200 || err != nil || out.Unread != 1 || len(out.Messages) != 1 {
			t.Fatalf("inbox: %d %s", code, body)
		}
		other := apptest.Token(t, srv, "staff")
		if code, _ := apptest.API(t, "POST", srv.URL+"/api/v1/inbox/"+strconv.FormatInt(out.Messages[0].ID, 10)+"/read", other, ""); code != 404 && code != 403 {
			t.Fatalf("someone else marking my message read: %d", code)
		}
		if code, body := apptest.API(t, "POST", srv.URL+"/api/v1/inbox/"+strconv.FormatInt(out.Messages[0].ID, 10)+"/read", tok, ""); code != 204 {
			t.Fatalf("mark read: %d %s", code, body)
		}
		_, body = apptest.API(t, "GET", srv.URL+"/api/v1/inbox?unread=true", tok, "")
		if !strings.Contains(body, `"unread":0`) {
			t.Fatalf("after reading: %s", body)
		}
	})
}
