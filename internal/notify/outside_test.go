package notify_test

import (
	"context"
	"strings"
	"testing"

	"jiedai/internal/notify"
	"jiedai/internal/notify/channel"
	"jiedai/internal/notify/channel/smtptest"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestEmailToOutsideAddress: a message to a client's contact (no account)
// goes out in zh-Hans and English with a short subject and an absolute
// link; nothing is queued while SMTP is off or for a bad address.
func TestEmailToOutsideAddress(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		args := map[string]any{"number": "JD-20260302-00007", "name": "张伟", "title": "年度合作洽谈", "venue": "第一会议室",
			"start": "2026-03-10 14:00", "end": "16:00", "headcount": 8, "total": "¥600.00", "reply_by": "2026-03-04 18:00"}
		send := func(to string) bool {
			var queued bool
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				queued, err = e.svc.EmailTo(ctx, tx, e.clk.Now(), to, "booking.msg.letter", args, "/confirm/abc", nil)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return queued
		}
		if send("zhang.wei@example.com") {
			t.Fatal("queued while SMTP is off")
		}
		mail := smtptest.StartWith(t, smtptest.Config{})
		if _, err := e.svc.SaveSMTP(ctx, admin, notify.SMTP{Enabled: true, Host: mail.Host, Port: mail.Port, From: "接待台 <reception@example.com>", TLS: channel.TLSNone}); err != nil {
			t.Fatal(err)
		}
		if send("not an address") {
			t.Fatal("queued for a bad address")
		}
		if !send("张伟 <zhang.wei@example.com>") {
			t.Fatal("not queued")
		}
		if n, err := e.svc.DeliverDue(ctx, 10); err != nil || n != 1 {
			t.Fatalf("DeliverDue = %d, %v", n, err)
		}
		msgs := mail.Messages()
		if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "zhang.wei@example.com" {
			t.Fatalf("messages %+v", msgs)
		}
		subj, _ := msgs[0].Subject()
		text, _ := msgs[0].Text()
		if subj != "预订确认函 JD-20260302-00007 / Booking confirmation JD-20260302-00007" {
			t.Errorf("subject %q", subj)
		}
		for _, want := range []string{"https://jiedai.example.com/confirm/abc", "请于 2026-03-04 18:00 前", "confirm it by 2026-03-04 18:00"} {
			if !strings.Contains(text, want) {
				t.Errorf("body lacks %q:\n%s", want, text)
			}
		}
	})
}
