package channel_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"jiedai/internal/notify/channel"
)

var sendTime = time.Date(2026, 3, 9, 14, 30, 5, 123_000_000, time.FixedZone("CST", 8*3600))

// captured is one request a fake webhook received.
type captured struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
}

// hook is a fake webhook endpoint answering with a fixed status and body.
type hook struct {
	URL string

	mu   sync.Mutex
	reqs []captured
}

func newHook(t *testing.T, status int, answer string) *hook {
	t.Helper()
	h := &hook{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.reqs = append(h.reqs, captured{r.Method, r.URL, r.Header.Clone(), body})
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

func (h *hook) only(t *testing.T) captured {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.reqs) != 1 {
		t.Fatalf("webhook got %d requests, want 1", len(h.reqs))
	}
	r := h.reqs[0]
	if r.method != http.MethodPost {
		t.Errorf("method = %s, want POST", r.method)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	return r
}

// decode unmarshals a JSON object body into a generic map.
func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body %s is not a JSON object: %v", body, err)
	}
	return v
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func object(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is not a JSON object", v)
	}
	return m
}

func containsAll(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s %q lacks %q", what, got, w)
		}
	}
}

func hmacSHA256(key, msg []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(msg)
	return mac.Sum(nil)
}

func TestGenericPayloadAndSignature(t *testing.T) {
	h := newHook(t, http.StatusNoContent, "")
	const secret = "通用-secret"
	if err := channel.SendGeneric(testCtx(t), http.DefaultClient, h.URL, secret, zhMessage, sendTime); err != nil {
		t.Fatalf("SendGeneric: %v", err)
	}
	r := h.only(t)
	got := decode(t, r.body)
	if k := keys(got); !slices.Equal(k, []string{"body", "link", "sent_at", "title"}) {
		t.Errorf("keys = %v", k)
	}
	if got["title"] != zhMessage.Title || got["body"] != zhMessage.Body || got["link"] != zhMessage.Link {
		t.Errorf("payload = %v", got)
	}
	if got["sent_at"] != "2026-03-09T06:30:05Z" {
		t.Errorf("sent_at = %v", got["sent_at"])
	}
	ts := r.header.Get("X-Jiedai-Timestamp")
	if ts != strconv.FormatInt(sendTime.Unix(), 10) {
		t.Errorf("timestamp = %q, want %d", ts, sendTime.Unix())
	}
	want := "sha256=" + hex.EncodeToString(hmacSHA256([]byte(secret), []byte(ts+"."+string(r.body))))
	sig := r.header.Get("X-Jiedai-Signature")
	if sig != want {
		t.Errorf("signature = %q, want %q", sig, want)
	}
	if !channel.VerifyGeneric(secret, ts, r.body, sig) {
		t.Error("VerifyGeneric rejected the request it was sent")
	}
}

func TestGenericWithoutSecretIsUnsigned(t *testing.T) {
	h := newHook(t, http.StatusOK, "ok")
	if err := channel.SendGeneric(testCtx(t), http.DefaultClient, h.URL, "", zhMessage, sendTime); err != nil {
		t.Fatalf("SendGeneric: %v", err)
	}
	r := h.only(t)
	if sig := r.header.Get("X-Jiedai-Signature"); sig != "" {
		t.Errorf("unsigned request carries signature %q", sig)
	}
	if r.header.Get("X-Jiedai-Timestamp") == "" {
		t.Error("timestamp header missing")
	}
}

func TestVerifyGeneric(t *testing.T) {
	// Vector computed with: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac gen-secret
	const (
		secret = "gen-secret"
		ts     = "1700000000"
		body   = `{"a":1}`
		sig    = "sha256=93e7dbfe8b0248bcc5b113cc1de6339f7c92245f73cea6fc79ef70a1adb411ae"
	)
	tests := []struct {
		name                string
		secret, ts, body, s string
		want                bool
	}{
		{"valid", secret, ts, body, sig, true},
		{"upper-case hex", secret, ts, body, "sha256=" + strings.ToUpper(strings.TrimPrefix(sig, "sha256=")), true},
		{"wrong secret", "other", ts, body, sig, false},
		{"empty secret", "", ts, body, sig, false},
		{"other timestamp", secret, "1700000001", body, sig, false},
		{"tampered body", secret, ts, `{"a":2}`, sig, false},
		{"missing prefix", secret, ts, body, strings.TrimPrefix(sig, "sha256="), false},
		{"bad hex", secret, ts, body, "sha256=zz", false},
		{"empty signature", secret, ts, body, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := channel.VerifyGeneric(tt.secret, tt.ts, []byte(tt.body), tt.s); got != tt.want {
				t.Errorf("VerifyGeneric = %v, want %v", got, tt.want)
			}
		})
	}
	if got := channel.SignGeneric(secret, ts, []byte(body)); got != sig {
		t.Errorf("SignGeneric = %q, want %q", got, sig)
	}
}

func TestGenericHTTPError(t *testing.T) {
	h := newHook(t, http.StatusInternalServerError, "服务器错误")
	err := channel.SendGeneric(testCtx(t), http.DefaultClient, h.URL, "s", zhMessage, sendTime)
	var se *channel.HTTPStatusError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v, want *HTTPStatusError", err)
	}
	if se.StatusCode != 500 || !se.Temporary() || !strings.Contains(se.Body, "服务器错误") {
		t.Errorf("HTTPStatusError = %+v", se)
	}
}

func TestHTTPStatusTemporary(t *testing.T) {
	for code, want := range map[int]bool{400: false, 404: false, 429: true, 500: true, 503: true} {
		if got := (&channel.HTTPStatusError{StatusCode: code}).Temporary(); got != want {
			t.Errorf("Temporary(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestWeComMarkdown(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	if err := channel.SendWeCom(testCtx(t), http.DefaultClient, h.URL+"/cgi-bin/webhook/send?key=abc", "", zhMessage, sendTime); err != nil {
		t.Fatalf("SendWeCom: %v", err)
	}
	r := h.only(t)
	if r.url.Query().Get("key") != "abc" {
		t.Errorf("query = %q, key lost", r.url.RawQuery)
	}
	got := decode(t, r.body)
	if k := keys(got); !slices.Equal(k, []string{"markdown", "msgtype"}) || got["msgtype"] != "markdown" {
		t.Fatalf("payload = %s", r.body)
	}
	md := object(t, got["markdown"])
	content, _ := md["content"].(string)
	containsAll(t, "content", content, zhMessage.Title, "王先生已于 14:30 到达前台", "]("+zhMessage.Link+")")
}

func TestWeComTruncatesLongContent(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	m := channel.Message{Title: "长消息", Body: strings.Repeat("接待", 2000)}
	if err := channel.SendWeCom(testCtx(t), http.DefaultClient, h.URL, "", m, sendTime); err != nil {
		t.Fatalf("SendWeCom: %v", err)
	}
	content, _ := object(t, decode(t, h.only(t).body)["markdown"])["content"].(string)
	if len(content) > 4096 || len(content) < 4000 || !utf8.ValidString(content) {
		t.Errorf("content is %d bytes, valid UTF-8 %v; want ≤4096 and valid", len(content), utf8.ValidString(content))
	}
}

func TestRobotErrors(t *testing.T) {
	send := map[string]channel.WebhookFunc{
		"wecom":    channel.SendWeCom,
		"dingtalk": channel.SendDingTalk,
		"feishu":   channel.SendFeishu,
	}
	tests := []struct {
		kind    string
		status  int
		answer  string
		code    int // RobotError code, or 0 for another error
		httpErr bool
	}{
		{"wecom", 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`, 93000, false},
		{"wecom", 500, `{"errcode":0}`, 0, true},
		{"wecom", 200, `{"foo":1}`, 0, false},
		{"wecom", 200, `not json`, 0, false},
		{"dingtalk", 200, `{"errcode":310000,"errmsg":"sign not match"}`, 310000, false},
		{"dingtalk", 502, `bad gateway`, 0, true},
		{"feishu", 200, `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time","data":{}}`, 19021, false},
		{"feishu", 200, `{"StatusCode":9499,"StatusMessage":"Bad Request"}`, 9499, false},
		{"feishu", 400, `{"code":9499,"msg":"Bad Request"}`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+strconv.Itoa(tt.status)+"/"+tt.answer, func(t *testing.T) {
			h := newHook(t, tt.status, tt.answer)
			err := send[tt.kind](testCtx(t), http.DefaultClient, h.URL, "", zhMessage, sendTime)
			if err == nil {
				t.Fatal("no error")
			}
			var re *channel.RobotError
			if tt.code != 0 {
				if !errors.As(err, &re) || re.Code != tt.code || re.Kind != tt.kind || re.Message == "" {
					t.Errorf("error = %#v, want RobotError code %d", err, tt.code)
				}
			} else if errors.As(err, &re) {
				t.Errorf("error = %v, want no RobotError", err)
			}
			var se *channel.HTTPStatusError
			if errors.As(err, &se) != tt.httpErr {
				t.Errorf("error = %v, HTTPStatusError expected %v", err, tt.httpErr)
			}
		})
	}
}

func TestDingTalkSignedMarkdown(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	const secret = "SEC1234567890abcdef"
	if err := channel.SendDingTalk(testCtx(t), http.DefaultClient, h.URL+"/robot/send?access_token=tok", secret, zhMessage, sendTime); err != nil {
		t.Fatalf("SendDingTalk: %v", err)
	}
	r := h.only(t)
	q := r.url.Query()
	ts := strconv.FormatInt(sendTime.UnixMilli(), 10)
	if q.Get("access_token") != "tok" || q.Get("timestamp") != ts {
		t.Errorf("query = %q, want access_token=tok and timestamp=%s", r.url.RawQuery, ts)
	}
	sign := base64.StdEncoding.EncodeToString(hmacSHA256([]byte(secret), []byte(ts+"\n"+secret)))
	if q.Get("sign") != sign {
		t.Errorf("sign = %q, want %q", q.Get("sign"), sign)
	}
	wantRaw := "access_token=tok&timestamp=" + ts + "&sign=" + url.QueryEscape(sign)
	if r.url.RawQuery != wantRaw {
		t.Errorf("raw query = %q, want %q", r.url.RawQuery, wantRaw)
	}
	got := decode(t, r.body)
	if k := keys(got); !slices.Equal(k, []string{"markdown", "msgtype"}) || got["msgtype"] != "markdown" {
		t.Fatalf("payload = %s", r.body)
	}
	md := object(t, got["markdown"])
	if md["title"] != zhMessage.Title {
		t.Errorf("markdown.title = %v", md["title"])
	}
	text, _ := md["text"].(string)
	containsAll(t, "markdown.text", text, zhMessage.Title, "王先生已于 14:30 到达前台", "会议室：松风厅", "]("+zhMessage.Link+")")
}

func TestDingTalkSignVector(t *testing.T) {
	// Vector computed with:
	// printf '1700000000000\nSECtest密钥' | openssl dgst -sha256 -hmac 'SECtest密钥' -binary | base64
	if got := channel.DingTalkSign("SECtest密钥", "1700000000000"); got != "psZmSlqSpgi/+xqRpzUDeNMyKz3GSHVEPtIOi/TrRX0=" {
		t.Errorf("DingTalkSign = %q", got)
	}
	h := newHook(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	now := time.UnixMilli(1700000000000)
	if err := channel.SendDingTalk(testCtx(t), http.DefaultClient, h.URL, "SECtest密钥", channel.Message{Body: "到访"}, now); err != nil {
		t.Fatalf("SendDingTalk: %v", err)
	}
	r := h.only(t)
	if want := "timestamp=1700000000000&sign=psZmSlqSpgi%2F%2BxqRpzUDeNMyKz3GSHVEPtIOi%2FTrRX0%3D"; r.url.RawQuery != want {
		t.Errorf("raw query = %q, want %q", r.url.RawQuery, want)
	}
	md := object(t, decode(t, r.body)["markdown"])
	if title, _ := md["title"].(string); title == "" {
		t.Error("markdown.title is empty; DingTalk requires one")
	}
}

func TestDingTalkUnsigned(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	if err := channel.SendDingTalk(testCtx(t), http.DefaultClient, h.URL+"/robot/send?access_token=tok", "", zhMessage, sendTime); err != nil {
		t.Fatalf("SendDingTalk: %v", err)
	}
	if raw := h.only(t).url.RawQuery; raw != "access_token=tok" {
		t.Errorf("raw query = %q, want only the access token", raw)
	}
}

func TestFeishuSignedText(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"code":0,"data":{},"msg":"success"}`)
	const secret = "feishu-密钥"
	if err := channel.SendFeishu(testCtx(t), http.DefaultClient, h.URL+"/open-apis/bot/v2/hook/x", secret, zhMessage, sendTime); err != nil {
		t.Fatalf("SendFeishu: %v", err)
	}
	got := decode(t, h.only(t).body)
	if k := keys(got); !slices.Equal(k, []string{"content", "msg_type", "sign", "timestamp"}) || got["msg_type"] != "text" {
		t.Fatalf("payload keys = %v", k)
	}
	ts, ok := got["timestamp"].(string)
	if !ok || ts != strconv.FormatInt(sendTime.Unix(), 10) {
		t.Errorf("timestamp = %#v, want string %d", got["timestamp"], sendTime.Unix())
	}
	want := base64.StdEncoding.EncodeToString(hmacSHA256([]byte(ts+"\n"+secret), nil))
	if got["sign"] != want {
		t.Errorf("sign = %v, want %s", got["sign"], want)
	}
	text, _ := object(t, got["content"])["text"].(string)
	containsAll(t, "content.text", text, zhMessage.Title, zhMessage.Body, zhMessage.Link)
}

func TestFeishuSignVector(t *testing.T) {
	// Vector computed with openssl: HMAC-SHA256 of the empty string under the
	// key "1700000000\nfeishu-secret", base64-encoded.
	if got := channel.FeishuSign("feishu-secret", "1700000000"); got != "OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU=" {
		t.Errorf("FeishuSign = %q", got)
	}
}

func TestFeishuUnsigned(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"StatusCode":0,"StatusMessage":"success"}`)
	if err := channel.SendFeishu(testCtx(t), http.DefaultClient, h.URL, "", zhMessage, sendTime); err != nil {
		t.Fatalf("SendFeishu: %v", err)
	}
	if k := keys(decode(t, h.only(t).body)); !slices.Equal(k, []string{"content", "msg_type"}) {
		t.Errorf("unsigned payload keys = %v", k)
	}
}

func TestSendDispatch(t *testing.T) {
	tests := []struct {
		kind   string
		answer string
		check  func(t *testing.T, r captured)
	}{
		{"generic", ``, func(t *testing.T, r captured) {
			if decode(t, r.body)["title"] != zhMessage.Title || r.header.Get("X-Jiedai-Signature") == "" {
				t.Errorf("not a signed generic payload: %s", r.body)
			}
		}},
		{"wecom", `{"errcode":0}`, func(t *testing.T, r captured) {
			if decode(t, r.body)["msgtype"] != "markdown" || r.url.Query().Has("sign") {
				t.Errorf("not a WeCom payload: %s %s", r.url, r.body)
			}
		}},
		{"dingtalk", `{"errcode":0}`, func(t *testing.T, r captured) {
			if decode(t, r.body)["msgtype"] != "markdown" || !r.url.Query().Has("sign") {
				t.Errorf("not a signed DingTalk request: %s %s", r.url, r.body)
			}
		}},
		{"feishu", `{"code":0}`, func(t *testing.T, r captured) {
			if got := decode(t, r.body); got["msg_type"] != "text" || got["sign"] == nil {
				t.Errorf("not a signed Feishu payload: %s", r.body)
			}
		}},
	}
	if len(tests) != len(channel.Kinds()) {
		t.Fatalf("test covers %d kinds, package has %v", len(tests), channel.Kinds())
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			h := newHook(t, http.StatusOK, tt.answer)
			if err := channel.Send(testCtx(t), http.DefaultClient, tt.kind, h.URL, "secret", zhMessage, sendTime); err != nil {
				t.Fatalf("Send: %v", err)
			}
			tt.check(t, h.only(t))
		})
	}
}

func TestSendUnknownKind(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"errcode":0}`)
	for _, kind := range []string{"", "slack", "WeCom"} {
		err := channel.Send(testCtx(t), http.DefaultClient, kind, h.URL, "", zhMessage, sendTime)
		if !errors.Is(err, channel.ErrUnknownKind) {
			t.Errorf("Send(%q) error = %v, want ErrUnknownKind", kind, err)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.reqs) != 0 {
		t.Errorf("unknown kinds made %d requests", len(h.reqs))
	}
}

func TestWebhookTransportErrors(t *testing.T) {
	h := newHook(t, http.StatusOK, `{"errcode":0,"code":0}`)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, kind := range channel.Kinds() {
		t.Run(kind, func(t *testing.T) {
			if err := channel.Send(cancelled, http.DefaultClient, kind, h.URL, "s", zhMessage, sendTime); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled context: error = %v", err)
			}
			if err := channel.Send(testCtx(t), http.DefaultClient, kind, "", "s", zhMessage, sendTime); err == nil {
				t.Error("empty url: no error")
			}
			if err := channel.Send(testCtx(t), nil, kind, h.URL, "s", zhMessage, sendTime); err != nil {
				t.Errorf("nil client: %v", err)
			}
		})
	}
}
