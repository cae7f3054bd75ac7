// Package channel holds Jiedai's outbound notification senders: email over
// SMTP and the generic, WeCom, DingTalk and Feishu webhooks. The senders are
// stateless and keep no records; queueing and retries live in the caller.
package channel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Message is one notification as the channels deliver it.
type Message struct {
	// Title is a short headline, used as the email subject.
	Title string
	// Body is plain text and may contain Chinese.
	Body string
	// Link optionally points at the related page in Jiedai.
	Link string
	// Files are attached to an e-mail (a calendar invitation); other
	// channels leave them out.
	Files []File `json:",omitempty"`
}

// File is an e-mail attachment.
type File struct {
	Name        string // file name, e.g. invite.ics
	ContentType string // e.g. "text/calendar; charset=utf-8; method=REQUEST"
	Data        []byte
}

// Webhook kinds accepted by Send.
const (
	KindGeneric  = "generic"
	KindWeCom    = "wecom"
	KindDingTalk = "dingtalk"
	KindFeishu   = "feishu"
)

// Kinds lists every webhook kind Send accepts.
func Kinds() []string {
	return []string{KindGeneric, KindWeCom, KindDingTalk, KindFeishu}
}

// WebhookFunc is the shape shared by every webhook sender.
type WebhookFunc func(ctx context.Context, client *http.Client, url, secret string, m Message, now time.Time) error

// ErrUnknownKind is returned by Send for a kind it does not know.
var ErrUnknownKind = errors.New("unknown webhook kind")

// Webhook returns the sender for kind, or ErrUnknownKind.
func Webhook(kind string) (WebhookFunc, error) {
	switch kind {
	case KindGeneric:
		return SendGeneric, nil
	case KindWeCom:
		return SendWeCom, nil
	case KindDingTalk:
		return SendDingTalk, nil
	case KindFeishu:
		return SendFeishu, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownKind, kind)
}

// Send delivers m through the webhook of the given kind ("generic", "wecom",
// "dingtalk" or "feishu"); now is the signing and sent_at time.
func Send(ctx context.Context, client *http.Client, kind, url, secret string, m Message, now time.Time) error {
	send, err := Webhook(kind)
	if err != nil {
		return fmt.Errorf("send notification: %w", err)
	}
	return send(ctx, client, url, secret, m, now)
}

// HTTPStatusError reports a webhook answer outside the 2xx range.
type HTTPStatusError struct {
	Kind       string
	StatusCode int
	// Body is the start of the response body, for logs.
	Body string
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("%s webhook: HTTP %d: %s", e.Kind, e.StatusCode, e.Body)
}

// Temporary reports whether a retry may succeed (429 or 5xx).
func (e *HTTPStatusError) Temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// RobotError reports a robot that answered HTTP 2xx with a non-zero error
// code (WeCom/DingTalk errcode, Feishu code).
type RobotError struct {
	Kind    string
	Code    int
	Message string
}

func (e *RobotError) Error() string {
	return fmt.Sprintf("%s robot: error code %d: %s", e.Kind, e.Code, e.Message)
}
