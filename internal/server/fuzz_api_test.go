package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiedai/internal/apptest"
	"jiedai/internal/storetest"
)

// fuzzAPI starts an app with a venue and a booking and returns its URL, an
// administrator's token and the OpenAPI operations.
func fuzzAPI(f *testing.F) (string, string, []apiOp) {
	a, _ := apptest.New(f, storetest.NewTestDB(f, "sqlite"))
	srv := apptest.Serve(f, a)
	tok := apptest.Token(f, srv, "admin")
	for _, c := range [][2]string{{"/api/v1/venues", `{"name":"长江厅","capacity":30}`},
		{"/api/v1/bookings", `{"venue_id":1,"start":"2026-03-10T10:00:00+08:00","end":"2026-03-10T11:00:00+08:00","title":"季度例会","headcount":6}`}} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+c[0], strings.NewReader(c[1]))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			f.Fatalf("fixture %s: %v %v", c[0], err, resp)
		}
		resp.Body.Close()
	}
	return srv.URL, tok, loadOpenAPI(f, srv.URL).ops
}

func fuzzSend(t *testing.T, method, u, tok string, body []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return // not a request a client could send
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := checkAnswer(resp.StatusCode, data, resp.Header); err != nil {
		t.Fatalf("%s %s with %q: %v: %.300s", method, u, body, err, data)
	}
}

// FuzzAPIWrite sends arbitrary JSON bodies to every POST, PATCH and PUT
// operation of the OpenAPI document (booking requests among them): never a
// 5xx, and every error is a JSON error body.
func FuzzAPIWrite(f *testing.F) {
	base, tok, all := fuzzAPI(f)
	var ops []apiOp
	for _, op := range all {
		if op.Method == http.MethodPost || op.Method == http.MethodPatch || op.Method == http.MethodPut {
			ops = append(ops, op)
		}
	}
	for i := range ops {
		f.Add(uint8(i), []byte(`{}`))
		f.Add(uint8(i), []byte(`{"venue_id":1,"start":"2026-03-12T14:00:30+08:00","end":"2026-03-12T14:00:50+08:00","title":"会","headcount":2}`))
		f.Add(uint8(i), []byte(`{"name":"a\u0000b","capacity":2147483648,"sort":-1e9,"reason":"\ud800","username":"x","roles":["client"]}`))
		f.Add(uint8(i), []byte(`{"start":"2026-03-02T09:00:00+14:00","end":"10000-01-01T00:00:00Z","headcount":1e999}`))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		op := ops[int(which)%len(ops)]
		fuzzSend(t, op.Method, base+fill(op.Path, "1"), tok, body)
	})
}

// FuzzAPIQuery sends arbitrary query strings (time ranges, codes, limits)
// and path values to every GET operation: never a 5xx.
func FuzzAPIQuery(f *testing.F) {
	base, tok, all := fuzzAPI(f)
	var ops []apiOp
	for _, op := range all {
		if op.Method == http.MethodGet {
			ops = append(ops, op)
		}
	}
	for i := range ops {
		f.Add(uint8(i), "1", "from=2026-03-02T09:00:00%2B08:00&to=2026-03-02T11:00:00%2B08:00")
		f.Add(uint8(i), "-1", "from=2026-03-02&to=2025-01-01&limit=-5&capacity=99999999999")
		f.Add(uint8(i), "abc", "from=24:00&to=10000-01-01T00:00:00Z&status=approved,%00&equipment=,,,")
		f.Add(uint8(i), "1", "from=2016-12-31T23:59:60Z&to=2026-03-02T09:00:00&entity=%FF")
	}
	f.Fuzz(func(t *testing.T, which uint8, id, query string) {
		if strings.ContainsFunc(query, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' }) {
			return // not a request line: net/http refuses it before any handler
		}
		op := ops[int(which)%len(ops)]
		fuzzSend(t, http.MethodGet, base+fill(op.Path, url.PathEscape(id))+"?"+query, tok, nil)
	})
}
