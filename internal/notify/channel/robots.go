package channel

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// wecomMarkdownLimit is WeCom's documented cap on markdown content, in bytes.
const wecomMarkdownLimit = 4096

// linkLabel is the text shown for Message.Link in markdown robots.
const linkLabel = "查看详情"

// SendWeCom posts m to a WeCom (企业微信) group robot webhook as a markdown
// message. WeCom robots have no signing, so secret is ignored. Success is
// HTTP 2xx with errcode 0.
func SendWeCom(ctx context.Context, client *http.Client, webhookURL, secret string, m Message, now time.Time) error {
	type markdown struct {
		Content string `json:"content"`
	}
	payload := struct {
		MsgType  string   `json:"msgtype"`
		Markdown markdown `json:"markdown"`
	}{
		MsgType:  "markdown",
		Markdown: markdown{Content: truncate(markdownText(m, false), wecomMarkdownLimit)},
	}
	return postRobot(ctx, client, KindWeCom, webhookURL, payload)
}

// SendDingTalk posts m to a DingTalk (钉钉) custom robot webhook as a
// markdown message. When secret is non-empty it appends
// &timestamp=<ms>&sign=<url-encoded base64 HMAC-SHA256(secret,
// timestamp+"\n"+secret)> to the URL, as DingTalk's 加签 requires. Success is
// HTTP 2xx with errcode 0.
func SendDingTalk(ctx context.Context, client *http.Client, webhookURL, secret string, m Message, now time.Time) error {
	if secret != "" {
		ts := strconv.FormatInt(now.UnixMilli(), 10)
		sep := "?"
		if strings.Contains(webhookURL, "?") {
			sep = "&"
		}
		webhookURL += sep + "timestamp=" + ts + "&sign=" + url.QueryEscape(DingTalkSign(secret, ts))
	}
	title := m.Title
	if title == "" {
		title = "通知"
	}
	type markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	payload := struct {
		MsgType  string   `json:"msgtype"`
		Markdown markdown `json:"markdown"`
	}{
		MsgType:  "markdown",
		Markdown: markdown{Title: title, Text: markdownText(m, true)},
	}
	return postRobot(ctx, client, KindDingTalk, webhookURL, payload)
}

// DingTalkSign returns DingTalk's robot signature before URL encoding:
// base64(HMAC-SHA256(key=secret, msg=timestamp+"\n"+secret)), timestamp in ms.
func DingTalkSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SendFeishu posts m to a Feishu (飞书) custom robot webhook as a text
// message. When secret is non-empty the body also carries "timestamp" (unix
// seconds, as a string) and "sign" (see FeishuSign). Success is HTTP 2xx with
// code 0 (or the older StatusCode 0).
func SendFeishu(ctx context.Context, client *http.Client, webhookURL, secret string, m Message, now time.Time) error {
	type content struct {
		Text string `json:"text"`
	}
	payload := struct {
		Timestamp string  `json:"timestamp,omitempty"`
		Sign      string  `json:"sign,omitempty"`
		MsgType   string  `json:"msg_type"`
		Content   content `json:"content"`
	}{
		MsgType: "text",
		Content: content{Text: plainText(m)},
	}
	if secret != "" {
		payload.Timestamp = strconv.FormatInt(now.Unix(), 10)
		payload.Sign = FeishuSign(secret, payload.Timestamp)
	}
	return postRobot(ctx, client, KindFeishu, webhookURL, payload)
}

// FeishuSign returns Feishu's robot signature:
// base64(HMAC-SHA256(key=timestamp+"\n"+secret, msg=empty)), timestamp in s.
func FeishuSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// robotResponse covers the result fields of the three robot APIs.
type robotResponse struct {
	ErrCode       *int   `json:"errcode"`
	ErrMsg        string `json:"errmsg"`
	Code          *int   `json:"code"`
	Msg           string `json:"msg"`
	StatusCode    *int   `json:"StatusCode"`
	StatusMessage string `json:"StatusMessage"`
}

// postRobot posts payload and turns a non-zero robot result code into a
// RobotError. An answer without a result code is an error too.
func postRobot(ctx context.Context, client *http.Client, kind, webhookURL string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("%s webhook: encode payload: %w", kind, err)
	}
	respBody, err := post(ctx, client, kind, webhookURL, nil, body)
	if err != nil {
		return err
	}
	var r robotResponse
	if err := json.Unmarshal(respBody, &r); err != nil {
		return fmt.Errorf("%s webhook: decode response %q: %w", kind, snippet(respBody), err)
	}
	code, msg := r.ErrCode, r.ErrMsg
	if kind == KindFeishu {
		code, msg = r.Code, r.Msg
		if code == nil {
			code, msg = r.StatusCode, r.StatusMessage
		}
	}
	if code == nil {
		return fmt.Errorf("%s webhook: response without result code: %s", kind, snippet(respBody))
	}
	if *code != 0 {
		return &RobotError{Kind: kind, Code: *code, Message: msg}
	}
	return nil
}

// markdownText renders m as robot markdown; hardBreaks turns each newline of
// the body into a markdown hard break, which DingTalk needs.
func markdownText(m Message, hardBreaks bool) string {
	var b strings.Builder
	if m.Title != "" {
		b.WriteString("### " + m.Title + "\n\n")
	}
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	if hardBreaks {
		body = strings.ReplaceAll(body, "\n", "  \n")
	}
	b.WriteString(body)
	if m.Link != "" {
		link := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29").Replace(m.Link)
		b.WriteString("\n\n[" + linkLabel + "](" + link + ")")
	}
	return b.String()
}

// plainText renders m as plain text: title, body and link on their own lines.
func plainText(m Message) string {
	parts := make([]string, 0, 3)
	for _, s := range []string{m.Title, m.Body, m.Link} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}
