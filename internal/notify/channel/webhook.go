package channel

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Generic webhook headers.
const (
	HeaderTimestamp = "X-Jiedai-Timestamp"
	HeaderSignature = "X-Jiedai-Signature"
)

// maxResponse caps how much of a webhook answer is read.
const maxResponse = 64 << 10

// defaultTimeout bounds a webhook call made with a nil client.
const defaultTimeout = 10 * time.Second

// genericPayload is the JSON body of the generic webhook.
type genericPayload struct {
	Title  string `json:"title"`
	Body   string `json:"body"`
	Link   string `json:"link"`
	SentAt string `json:"sent_at"`
}

// SendGeneric POSTs m as {"title","body","link","sent_at"} to url. The header
// X-Jiedai-Timestamp carries now in unix seconds; when secret is non-empty,
// X-Jiedai-Signature carries "sha256=" + hex HMAC-SHA256(secret,
// timestamp + "." + body), which VerifyGeneric checks. Any 2xx is success.
func SendGeneric(ctx context.Context, client *http.Client, url, secret string, m Message, now time.Time) error {
	body, err := json.Marshal(genericPayload{
		Title:  m.Title,
		Body:   m.Body,
		Link:   m.Link,
		SentAt: now.UTC().Format(time.RFC3339),
	})
	if err != nil {
		return fmt.Errorf("generic webhook: encode payload: %w", err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	header := http.Header{}
	header.Set(HeaderTimestamp, ts)
	if secret != "" {
		header.Set(HeaderSignature, SignGeneric(secret, ts, body))
	}
	_, err = post(ctx, client, KindGeneric, url, header, body)
	return err
}

// SignGeneric returns the X-Jiedai-Signature value for a generic webhook body.
func SignGeneric(secret, ts string, body []byte) string {
	return "sha256=" + hex.EncodeToString(genericMAC(secret, ts, body))
}

// VerifyGeneric reports whether sig is a valid X-Jiedai-Signature for ts and
// body under secret. It compares in constant time and rejects an empty
// secret; checking that ts is recent is left to the receiver.
func VerifyGeneric(secret string, ts string, body []byte, sig string) bool {
	if secret == "" {
		return false
	}
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	return hmac.Equal(got, genericMAC(secret, ts, body))
}

func genericMAC(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return mac.Sum(nil)
}

// post sends body as JSON and returns the response body of a 2xx answer.
// A nil client gets a private client with a 10 s timeout.
func post(ctx context.Context, client *http.Client, kind, url string, header http.Header, body []byte) ([]byte, error) {
	if url == "" {
		return nil, fmt.Errorf("%s webhook: empty url", kind)
	}
	if client == nil {
		client = &http.Client{Timeout: defaultTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s webhook: build request: %w", kind, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Jiedai-notify/1")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s webhook: post: %w", kind, err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &HTTPStatusError{Kind: kind, StatusCode: resp.StatusCode, Body: snippet(respBody)}
	}
	if err != nil {
		return nil, fmt.Errorf("%s webhook: read response: %w", kind, err)
	}
	return respBody, nil
}

// snippet shortens a response body for an error message.
func snippet(b []byte) string {
	const limit = 512
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) <= limit {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(truncate(s, limit)) + "…"
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
