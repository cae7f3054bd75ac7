package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/jobs"
	"jiedai/internal/notify"
	"jiedai/internal/notify/channel"
	"jiedai/internal/notify/channel/smtptest"
	"jiedai/internal/settings"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

var (
	t0    = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	admin = access.Actor{Username: "root", Roles: []string{access.Admin}}
)

type env struct {
	db    *store.DB
	clk   *clock.Fake
	svc   *notify.Service
	users map[string]access.Actor
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(t0)
	e := &env{db: db, clk: clk, users: map[string]access.Actor{},
		svc: &notify.Service{DB: db, Clock: clk, I18n: b, BaseURL: "https://jiedai.example.com/"}}
	return e
}

func (e *env) addUser(t *testing.T, name, display, email, lang string, active bool) access.Actor {
	t.Helper()
	id, err := store.InsertID(context.Background(), e.db, `INSERT INTO users (username, display_name, password_hash, email, lang, active, created_at, updated_at) VALUES (?, ?, 'x', ?, ?, ?, 0, 0)`,
		name, display, email, lang, active)
	if err != nil {
		t.Fatal(err)
	}
	a := access.Actor{UserID: id, Username: name, Roles: []string{access.Staff}, Lang: lang}
	e.users[name] = a
	return a
}

func (e *env) notify(t *testing.T, users []string, key string, args map[string]any, link string) {
	t.Helper()
	var ids []int64
	for _, u := range users {
		ids = append(ids, e.users[u].UserID)
	}
	err := e.db.InTx(context.Background(), func(tx *store.Tx) error {
		return e.svc.Notify(context.Background(), tx, e.clk.Now(), ids, key, args, link)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInboxInUserLanguage(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.addUser(t, "ann", "Ann", "", i18n.En, true)
		e.addUser(t, "mei", "美", "", i18n.ZhHant, true)
		e.addUser(t, "li", "李", "", "", true)
		e.addUser(t, "gone", "", "", i18n.En, false)
		e.notify(t, []string{"ann", "mei", "li", "gone", "ann"}, "notify.test", map[string]any{"name": "王经理"}, "/bookings/7")
		e.clk.Advance(time.Minute)
		e.notify(t, []string{"ann", "mei", "li"}, "notify.approval.rejected",
			map[string]any{"title": "Lease 12F", "comment": i18n.Msg{Key: "approval.status.returned"}}, "/contracts/3")
		tests := []struct {
			user  string
			texts []string
		}{
			{"ann", []string{"“Lease 12F” was rejected: Returned for changes", "王经理, this is a test notification."}},
			{"mei", []string{"「Lease 12F」被駁回：已退回修改", "王经理，這是一則測試通知。"}},
			{"li", []string{"“Lease 12F”被驳回：已退回修改", "王经理，这是一条测试通知。"}},
			{"gone", nil},
		}
		for _, tc := range tests {
			got, err := e.svc.Inbox(ctx, e.users[tc.user], 10)
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, n := range got {
				texts = append(texts, n.Text)
			}
			if fmt.Sprint(texts) != fmt.Sprint(tc.texts) {
				t.Errorf("%s inbox = %q, want %q", tc.user, texts, tc.texts)
			}
		}
		for _, key := range []string{"", "notify.no_such_message"} {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return e.svc.Notify(ctx, tx, t0, []int64{e.users["ann"].UserID}, key, nil, "")
			})
			if err == nil {
				t.Fatalf("Notify with key %q accepted", key)
			}
		}
		ann := e.users["ann"]
		if n, _ := e.svc.UnreadCount(ctx, ann.UserID); n != 2 {
			t.Fatalf("unread = %d, want 2 (duplicate id notified once)", n)
		}
		inbox, _ := e.svc.Inbox(ctx, ann, 10)
		meiInbox, _ := e.svc.Inbox(ctx, e.users["mei"], 10)
		if err := e.svc.MarkRead(ctx, ann, meiInbox[0].ID); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("marking someone else's notification: %v", err)
		}
		if err := e.svc.MarkRead(ctx, ann, inbox[1].ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.MarkRead(ctx, ann, inbox[1].ID); err != nil {
			t.Fatal(err)
		}
		unread, _ := e.svc.Unread(ctx, ann, 10)
		if len(unread) != 1 || unread[0].ID != inbox[0].ID || unread[0].Link != "/contracts/3" {
			t.Fatalf("unread = %+v", unread)
		}
		if n, err := e.svc.MarkAllRead(ctx, ann); err != nil || n != 1 {
			t.Fatalf("MarkAllRead = %d, %v", n, err)
		}
		if n, _ := e.svc.UnreadCount(ctx, e.users["mei"].UserID); n != 2 {
			t.Fatalf("mei's unread changed: %d", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = ?`, notify.AuditNotification); n != 2 {
			t.Fatalf("read audit rows = %d, want 2 (one read, one read_all)", n)
		}
		// No webhooks, nobody chose email: nothing to deliver.
		if n := count(t, db, `SELECT COUNT(*) FROM deliveries`); n != 0 {
			t.Fatalf("deliveries = %d", n)
		}
	})
}

type hookServer struct {
	*httptest.Server
	mu       sync.Mutex
	bodies   [][]byte
	headers  []http.Header
	failures atomic.Int32 // answer 500 this many more times
	status   atomic.Int32 // permanent status to answer, 0 for 200
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if st := h.status.Load(); st != 0 {
			http.Error(w, "nope", int(st))
			return
		}
		if h.failures.Add(-1) >= 0 {
			http.Error(w, "overloaded", http.StatusInternalServerError)
			return
		}
		h.mu.Lock()
		h.bodies = append(h.bodies, body)
		h.headers = append(h.headers, r.Header.Clone())
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) received() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.bodies) }

func (e *env) addHook(t *testing.T, name, url, secret string) notify.Webhook {
	t.Helper()
	w, err := e.svc.SaveWebhook(context.Background(), admin, 0, notify.WebhookInput{Name: name, Kind: channel.KindGeneric, URL: url, Secret: secret, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWebhookDelivery(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		srv := newHookServer(t)
		e.svc.HTTP = srv.Client()
		e.addUser(t, "ann", "Ann", "", i18n.En, true)
		e.addUser(t, "li", "李雷", "", "", true)
		e.addUser(t, "quiet", "Quiet", "", "", true)
		if err := e.svc.SetPrefs(ctx, e.users["quiet"], e.users["quiet"].UserID, notify.Prefs{Webhook: false}); err != nil {
			t.Fatal(err)
		}
		e.addHook(t, "前台群", srv.URL+"/hook?token=abc", "s3cret")
		off := e.addHook(t, "old", srv.URL+"/old", "")
		if _, err := e.svc.SaveWebhook(ctx, admin, off.ID, notify.WebhookInput{Name: "old", Kind: channel.KindGeneric, URL: srv.URL + "/old"}); err != nil {
			t.Fatal(err)
		}
		e.notify(t, []string{"ann", "li", "quiet"}, "notify.approval.waiting", map[string]any{"title": "会议室预订"}, "/approvals/9")
		e.notify(t, []string{"quiet"}, "notify.test", map[string]any{"name": "x"}, "")
		if n := count(t, db, `SELECT COUNT(*) FROM deliveries`); n != 1 {
			t.Fatalf("deliveries = %d, want 1 (one active webhook; quiet opted out)", n)
		}
		n, err := e.svc.DeliverDue(ctx, 10)
		if err != nil || n != 1 {
			t.Fatalf("DeliverDue = %d, %v", n, err)
		}
		if srv.received() != 1 {
			t.Fatalf("webhook received %d posts", srv.received())
		}
		body, hdr := srv.bodies[0], srv.headers[0]
		if !channel.VerifyGeneric("s3cret", hdr.Get(channel.HeaderTimestamp), body, hdr.Get(channel.HeaderSignature)) {
			t.Fatal("webhook signature does not verify")
		}
		var p struct{ Title, Body, Link string }
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Title != "“会议室预订”等待您审核" || p.Link != "https://jiedai.example.com/approvals/9" || !strings.Contains(p.Body, "提醒：Ann、李雷") || strings.Contains(p.Body, "Quiet") {
			t.Fatalf("payload = %+v", p)
		}
		ds, err := e.svc.Deliveries(ctx, admin, notify.DeliveryFilter{})
		if err != nil || len(ds) != 1 || ds[0].Status != notify.StatusSent || ds[0].SentAt.IsZero() || ds[0].Attempts != 1 {
			t.Fatalf("deliveries = %+v, %v", ds, err)
		}
		if n, _ := e.svc.DeliverDue(ctx, 10); n != 0 {
			t.Fatal("a sent delivery was sent again")
		}
		for _, r := range auditRowsJSON(t, db, notify.AuditWebhook) {
			if strings.Contains(r, "s3cret") || strings.Contains(r, "token=abc") {
				t.Fatalf("webhook secret in audit log: %s", r)
			}
		}
	})
}

// Without the --base-url flag, links in robot messages start with the
// public URL of the site settings, and stay relative when that is unset.
func TestLinksTakeSitePublicURL(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.svc.BaseURL = ""
		srv := newHookServer(t)
		e.svc.HTTP = srv.Client()
		e.addUser(t, "li", "李雷", "", "", true)
		e.addHook(t, "前台群", srv.URL+"/hook", "")
		e.notify(t, []string{"li"}, "notify.approval.waiting", map[string]any{"title": "会议室预订"}, "/approvals/9")
		site := settings.DefaultSite()
		site.BaseURL = "https://jiedai.example.cn/"
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := settings.SaveSite(ctx, tx, t0, admin, site); return err }); err != nil {
			t.Fatal(err)
		}
		e.notify(t, []string{"li"}, "notify.approval.waiting", map[string]any{"title": "会议室预订"}, "/approvals/10")
		if n, err := e.svc.DeliverDue(ctx, 10); err != nil || n != 2 {
			t.Fatalf("DeliverDue = %d, %v", n, err)
		}
		var links []string
		for _, body := range srv.bodies {
			var p struct{ Link string }
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			links = append(links, p.Link)
		}
		if fmt.Sprint(links) != "[/approvals/9 https://jiedai.example.cn/approvals/10]" {
			t.Fatalf("links = %q", links)
		}
	})
}

// A message with a ".subject" key goes out with that short subject (the
// meeting's title) and the whole notice in the body.
func TestShortSubject(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.NewTestDB(t, "sqlite"))
	srv := newHookServer(t)
	e.svc.HTTP = srv.Client()
	e.addUser(t, "li", "李雷", "", "", true)
	e.addHook(t, "前台群", srv.URL+"/hook", "")
	args := map[string]any{"title": "华润置地年度合作洽谈", "time": "2026-03-04 14:00–15:30", "place": "18 楼 1 号会议室", "ics": "/meetings/3/invite.ics"}
	e.notify(t, []string{"li"}, "meeting.msg.notice", args, "/meetings/3")
	if n, err := e.svc.DeliverDue(ctx, 10); err != nil || n != 1 {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	var p struct{ Title, Body string }
	if err := json.Unmarshal(srv.bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	if p.Title != "会议通知：华润置地年度合作洽谈" || !strings.Contains(p.Body, "2026-03-04 14:00–15:30") || !strings.Contains(p.Body, "18 楼 1 号会议室") {
		t.Fatalf("title %q, body %q", p.Title, p.Body)
	}
}

func auditRowsJSON(t *testing.T, db *store.DB, entity string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT before_json || after_json FROM audit_log WHERE entity = ? ORDER BY id`, entity)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestRetryAfterFailingEndpoint(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		e.svc.MaxAttempts = 3
		srv := newHookServer(t)
		e.svc.HTTP = srv.Client()
		e.addUser(t, "ann", "Ann", "", i18n.En, true)
		e.addHook(t, "team", srv.URL, "")
		srv.failures.Store(2)
		e.notify(t, []string{"ann"}, "notify.test", map[string]any{"name": "Ann"}, "")
		steps := []struct {
			advance  time.Duration
			tried    int
			status   string
			attempts int
		}{
			{0, 1, notify.StatusPending, 1},
			{30 * time.Second, 0, notify.StatusPending, 1},
			{30 * time.Second, 1, notify.StatusPending, 2}, // 1 min after the first failure
			{time.Minute, 0, notify.StatusPending, 2},
			{time.Minute, 1, notify.StatusSent, 3}, // 2 min after the second
		}
		for i, s := range steps {
			e.clk.Advance(s.advance)
			n, err := e.svc.DeliverDue(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			ds, _ := e.svc.Deliveries(ctx, admin, notify.DeliveryFilter{})
			if n != s.tried || ds[0].Status != s.status || ds[0].Attempts != s.attempts {
				t.Fatalf("step %d: tried %d, delivery %+v", i, n, ds[0])
			}
			if s.status == notify.StatusPending && !strings.Contains(ds[0].LastError, "HTTP 500") {
				t.Fatalf("step %d: last error %q", i, ds[0].LastError)
			}
		}
		if srv.received() != 1 {
			t.Fatalf("received %d", srv.received())
		}

		// An endpoint that keeps refusing: failed after MaxAttempts, visible
		// to the admin only, and retried on request.
		srv.status.Store(http.StatusBadRequest)
		e.notify(t, []string{"ann"}, "notify.test", map[string]any{"name": "Ann"}, "")
		for i := 0; i < 3; i++ {
			if n, err := e.svc.DeliverDue(ctx, 10); err != nil || n != 1 {
				t.Fatalf("attempt %d: %d, %v", i, n, err)
			}
			e.clk.Advance(time.Hour)
		}
		failed, err := e.svc.Deliveries(ctx, admin, notify.DeliveryFilter{Status: notify.StatusFailed})
		if err != nil || len(failed) != 1 || failed[0].Attempts != 3 || !strings.Contains(failed[0].LastError, "HTTP 400") {
			t.Fatalf("failed = %+v, %v", failed, err)
		}
		if _, err := e.svc.Deliveries(ctx, e.users["ann"], notify.DeliveryFilter{}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin listed deliveries: %v", err)
		}
		if n, _ := e.svc.DeliverDue(ctx, 10); n != 0 {
			t.Fatal("a failed delivery was tried again")
		}
		if err := e.svc.RetryDelivery(ctx, e.users["ann"], failed[0].ID); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin retried: %v", err)
		}
		srv.status.Store(0)
		if err := e.svc.RetryDelivery(ctx, admin, failed[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RetryDelivery(ctx, admin, failed[0].ID); errs.As(err).Key != "err.notify.not_failed" {
			t.Fatalf("retry of a pending delivery: %v", err)
		}
		if n, _ := e.svc.DeliverDue(ctx, 10); n != 1 || srv.received() != 2 {
			t.Fatalf("after retry: tried %d, received %d", n, srv.received())
		}
	})
}

func TestPermanentFailures(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		srv := newHookServer(t)
		e.svc.HTTP = srv.Client()
		e.addUser(t, "ann", "Ann", "", i18n.En, true)
		gone := e.addHook(t, "gone", srv.URL, "")
		paused := e.addHook(t, "paused", srv.URL, "")
		e.notify(t, []string{"ann"}, "notify.test", map[string]any{"name": "Ann"}, "")
		if err := e.svc.DeleteWebhook(ctx, e.users["ann"], gone.ID); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin deleted a webhook: %v", err)
		}
		if err := e.svc.DeleteWebhook(ctx, admin, gone.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SaveWebhook(ctx, admin, paused.ID, notify.WebhookInput{Name: "paused", Kind: channel.KindGeneric, URL: srv.URL, Active: false}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.DeliverDue(ctx, 10); err != nil || n != 2 {
			t.Fatalf("DeliverDue = %d, %v", n, err)
		}
		failed, _ := e.svc.Deliveries(ctx, admin, notify.DeliveryFilter{Status: notify.StatusFailed})
		if len(failed) != 2 || srv.received() != 0 {
			t.Fatalf("failed = %+v, received %d", failed, srv.received())
		}
		for _, d := range failed {
			if d.Attempts != 1 || !(strings.Contains(d.LastError, "deleted") || strings.Contains(d.LastError, "inactive")) {
				t.Fatalf("delivery = %+v", d)
			}
		}
	})
}

func TestEmailDelivery(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		mail := smtptest.StartWith(t, smtptest.Config{Username: "robot", Password: "pw"})
		ann := e.addUser(t, "ann", "Ann", "ann@example.com", i18n.En, true)
		li := e.addUser(t, "li", "李", "li@example.com", "", true)
		noMail := e.addUser(t, "nomail", "N", "", "", true)

		if err := e.svc.SetPrefs(ctx, noMail, noMail.UserID, notify.Prefs{Email: true}); errs.As(err).Key != "err.notify.no_email" {
			t.Fatalf("email without address: %v", err)
		}
		if err := e.svc.SetPrefs(ctx, ann, li.UserID, notify.Prefs{Email: true}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("set someone else's prefs: %v", err)
		}
		if err := e.svc.SetPrefs(ctx, ann, ann.UserID, notify.Prefs{Email: true, Webhook: true}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetPrefs(ctx, admin, li.UserID, notify.Prefs{Email: true}); err == nil {
			t.Fatal("admin without a user id set prefs")
		}
		rootUser := e.addUser(t, "root", "Root", "", "", true)
		rootUser.Roles = []string{access.Admin}
		if err := e.svc.SetPrefs(ctx, rootUser, li.UserID, notify.Prefs{Email: true}); err != nil {
			t.Fatal(err)
		}
		if p, _ := e.svc.Prefs(ctx, ann.UserID); p != (notify.Prefs{Email: true, Webhook: true}) {
			t.Fatalf("prefs = %+v", p)
		}
		if p, _ := e.svc.Prefs(ctx, noMail.UserID); p != notify.DefaultPrefs() {
			t.Fatalf("default prefs = %+v", p)
		}

		// SMTP disabled: no email deliveries are queued.
		e.notify(t, []string{"ann"}, "notify.test", map[string]any{"name": "Ann"}, "/x")
		if n := count(t, db, `SELECT COUNT(*) FROM deliveries`); n != 0 {
			t.Fatalf("queued %d deliveries without SMTP", n)
		}
		cfg := notify.SMTP{Enabled: true, Host: mail.Host, Port: mail.Port, Username: "robot", Password: "pw", From: "接待台 <reception@example.com>", TLS: channel.TLSNone}
		if _, err := e.svc.SaveSMTP(ctx, ann, cfg); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin saved SMTP: %v", err)
		}
		if _, err := e.svc.SaveSMTP(ctx, admin, cfg); err != nil {
			t.Fatal(err)
		}
		cfg.Password = "" // keeps the stored password
		if _, err := e.svc.SaveSMTP(ctx, admin, cfg); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.svc.LoadSMTP(ctx, admin); got.Password != "pw" {
			t.Fatalf("password after saving empty = %q", got.Password)
		}
		for _, r := range auditRowsJSON(t, db, "setting") {
			if strings.Contains(r, `"pw"`) {
				t.Fatalf("SMTP password in audit log: %s", r)
			}
		}

		e.notify(t, []string{"ann", "li", "nomail"}, "notify.task.overdue", map[string]any{"title": "Flowers"}, "/tasks/5")
		if n, err := e.svc.DeliverDue(ctx, 10); err != nil || n != 2 {
			t.Fatalf("DeliverDue = %d, %v", n, err)
		}
		msgs := mail.Messages()
		if len(msgs) != 2 {
			t.Fatalf("server got %d messages", len(msgs))
		}
		got := map[string]string{}
		for _, m := range msgs {
			subj, err := m.Subject()
			if err != nil {
				t.Fatal(err)
			}
			text, err := m.Text()
			if err != nil {
				t.Fatal(err)
			}
			if m.AuthUser != "robot" || !strings.Contains(text, "https://jiedai.example.com/tasks/5") {
				t.Fatalf("message = %+v, text %q", m, text)
			}
			got[strings.Join(m.To, ",")] = subj
		}
		want := map[string]string{"ann@example.com": "Task “Flowers” is overdue", "li@example.com": "任务“Flowers”已逾期"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("subjects = %v, want %v", got, want)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = ?`, notify.AuditPrefs); n != 2 {
			t.Fatalf("prefs audit rows = %d", n)
		}

		// A mail server that is down: the delivery waits and retries.
		mail.Close()
		e.notify(t, []string{"ann"}, "notify.test", map[string]any{"name": "Ann"}, "")
		if n, _ := e.svc.DeliverDue(ctx, 10); n != 1 {
			t.Fatal("no attempt")
		}
		ds, _ := e.svc.Deliveries(ctx, admin, notify.DeliveryFilter{Channel: notify.ChannelEmail, Status: notify.StatusPending})
		if len(ds) != 1 || ds[0].LastError == "" || !ds[0].NextAt.After(e.clk.Now()) {
			t.Fatalf("pending after SMTP failure = %+v", ds)
		}
	})
}

func TestSettingsValidation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		smtpCases := []struct {
			name  string
			c     notify.SMTP
			field string
			key   string
		}{
			{"enabled without host", notify.SMTP{Enabled: true, From: "a@b.c"}, "host", "err.required"},
			{"host with scheme", notify.SMTP{Host: "smtp://x", From: "a@b.c"}, "host", "err.notify.smtp_host"},
			{"port", notify.SMTP{Host: "x", Port: 70000, From: "a@b.c"}, "port", "err.notify.smtp_port"},
			{"enabled without sender", notify.SMTP{Enabled: true, Host: "x"}, "from", "err.required"},
			{"bad sender", notify.SMTP{Host: "x", From: "not an address"}, "from", "err.email"},
			{"bad tls", notify.SMTP{Host: "x", From: "a@b.c", TLS: "ssl3"}, "tls", "err.invalid"},
		}
		for _, tc := range smtpCases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.SaveSMTP(ctx, admin, tc.c)
				var de *errs.Error
				if !errors.As(err, &de) || de.Field != tc.field || de.Key != tc.key {
					t.Fatalf("error = %v, want %s on %s", err, tc.key, tc.field)
				}
			})
		}
		hookCases := []struct {
			name  string
			in    notify.WebhookInput
			field string
			key   string
		}{
			{"no name", notify.WebhookInput{Kind: channel.KindWeCom, URL: "https://qyapi.weixin.qq.com/x"}, "name", "err.required"},
			{"bad kind", notify.WebhookInput{Name: "n", Kind: "slack", URL: "https://x.test/"}, "kind", "err.notify.webhook_kind"},
			{"ftp url", notify.WebhookInput{Name: "n", Kind: channel.KindFeishu, URL: "ftp://x.test/"}, "url", "err.notify.url"},
			{"relative url", notify.WebhookInput{Name: "n", Kind: channel.KindDingTalk, URL: "/hook"}, "url", "err.notify.url"},
		}
		for _, tc := range hookCases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.SaveWebhook(ctx, admin, 0, tc.in)
				var de *errs.Error
				if !errors.As(err, &de) || de.Field != tc.field || de.Key != tc.key {
					t.Fatalf("error = %v, want %s on %s", err, tc.key, tc.field)
				}
			})
		}
		staff := access.Actor{UserID: 1, Roles: []string{access.Office}}
		if _, err := e.svc.SaveWebhook(ctx, staff, 0, notify.WebhookInput{Name: "n", Kind: channel.KindGeneric, URL: "https://x.test/"}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin created a webhook: %v", err)
		}
		if _, err := e.svc.Webhooks(ctx, staff); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("non-admin listed webhooks: %v", err)
		}
		w, err := e.svc.SaveWebhook(ctx, admin, 0, notify.WebhookInput{Name: "n", Kind: channel.KindGeneric, URL: "https://x.test/", Secret: "k1", Active: true})
		if err != nil || !w.HasSecret {
			t.Fatalf("create = %+v, %v", w, err)
		}
		w, _ = e.svc.SaveWebhook(ctx, admin, w.ID, notify.WebhookInput{Name: "n2", Kind: channel.KindGeneric, URL: "https://x.test/", Active: true})
		if w.Secret != "k1" || w.Name != "n2" {
			t.Fatalf("update without secret = %+v", w)
		}
		w, _ = e.svc.SaveWebhook(ctx, admin, w.ID, notify.WebhookInput{Name: "n2", Kind: channel.KindGeneric, URL: "https://x.test/", ClearSecret: true})
		if w.HasSecret || w.Active {
			t.Fatalf("update clearing secret = %+v", w)
		}
		if _, err := e.svc.SaveWebhook(ctx, admin, 999, notify.WebhookInput{Name: "n", Kind: channel.KindGeneric, URL: "https://x.test/"}); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("update of a missing webhook: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = ?`, notify.AuditWebhook); n != 3 {
			t.Fatalf("webhook audit rows = %d", n)
		}
	})
}

// TestConcurrentDeliverDue races two senders over 30 deliveries: each is
// posted once.
func TestConcurrentDeliverDue(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		srv := newHookServer(t)
		e.svc.HTTP = srv.Client()
		e.addUser(t, "ann", "Ann", "", i18n.En, true)
		e.addHook(t, "team", srv.URL, "")
		for i := 0; i < 30; i++ {
			e.notify(t, []string{"ann"}, "notify.test", map[string]any{"name": i}, "")
		}
		var wg sync.WaitGroup
		var total atomic.Int32
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := e.svc.DeliverDue(ctx, 4)
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
					total.Add(int32(n))
				}
			}()
		}
		wg.Wait()
		if total.Load() != 30 || srv.received() != 30 {
			t.Fatalf("tried %d, received %d; want 30 each", total.Load(), srv.received())
		}
		seen := map[string]bool{}
		for _, b := range srv.bodies {
			seen[string(b)] = true
		}
		if len(seen) != 30 {
			t.Fatalf("distinct posts = %d", len(seen))
		}
	})
}

// TestRunnerSendsDeliveries checks that a job runner with the service
// registered sends queued deliveries on its own.
func TestRunnerSendsDeliveries(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		srv := newHookServer(t)
		e.svc.HTTP = srv.Client()
		e.addUser(t, "ann", "Ann", "", i18n.En, true)
		e.addHook(t, "team", srv.URL, "")
		r := jobs.NewRunner(db, e.clk, nil)
		e.svc.Register(r, 10)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Start(ctx, 5*time.Millisecond); close(done) }()
		defer func() { cancel(); <-done }()
		e.notify(t, []string{"ann"}, "notify.test", map[string]any{"name": "Ann"}, "")
		deadline := time.Now().Add(10 * time.Second)
		for srv.received() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the runner did not send the delivery")
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}
