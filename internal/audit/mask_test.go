package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func TestMaskers(t *testing.T) {
	for _, c := range []struct {
		name     string
		fn       func(string) string
		in, want string
	}{
		{"resident id", audit.MaskID, "11010519491231002X", "110105********002X"},
		{"passport", audit.MaskID, "E12345678", "E1*****78"},
		{"short id", audit.MaskID, "A12", "***"},
		{"mobile", audit.MaskPhone, "13800138000", "138****8000"},
		{"mobile with spaces", audit.MaskPhone, "138 0013 8000", "138 **** 8000"},
		{"mobile with +86", audit.MaskPhone, "+86 138-0013-8000", "+86 1**-****-8000"},
		{"office phone", audit.MaskPhone, "0755-8888123", "075*-***8123"},
		{"extension", audit.MaskPhone, "8123", "**23"},
		{"email", audit.MaskEmail, "zhang.wei@example.cn", "z***@example.cn"},
		{"not an email", audit.MaskEmail, "zhangwei", "zh****ei"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.fn(c.in)
			if got != c.want {
				t.Fatalf("%s(%q) = %q, want %q", c.name, c.in, got, c.want)
			}
			if again := c.fn(got); again != got {
				t.Fatalf("masking twice changed %q to %q", got, again)
			}
		})
	}
}

// TestRecordMasksPersonalData proves that the audit engine masks mobile
// numbers, e-mail addresses and ID numbers whichever area writes the row:
// under the keys that name them (at any depth, in structs, maps and
// pre-marshalled JSON) and inside free text, while other values stay.
func TestRecordMasksPersonalData(t *testing.T) {
	type contact struct {
		Name   string `json:"name"`
		Mobile string `json:"mobile"`
		Phone  string `json:"phone,omitempty"`
		Email  string `json:"email"`
		WeChat string `json:"wechat,omitempty"`
	}
	type booking struct {
		Title        string `json:"title"`
		ContactPhone string `json:"contact_phone"`
		ContactEmail string `json:"contact_email"`
		SHA256       string `json:"sha256"`
		QuotedFen    int64  `json:"quoted_fen"`
	}
	whole := []string{"13800138000", "139 1234 5678", "zhang.wei@example.cn", "li@huaxin.com.cn", "0755-86001234", "11010519491231002X", "wxid_zhangwei88", "13712345678"}
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 4, 6, 2, 0, 0, 0, time.UTC)
		a := access.Actor{UserID: 0, Username: "desk", IP: "10.0.0.8"}
		rows := []struct {
			entity        string
			before, after any
		}{
			{"client_contact", nil, map[string]any{"org_id": 7, "contact": contact{Name: "张伟", Mobile: "13800138000", Phone: "0755-86001234", Email: "zhang.wei@example.cn", WeChat: "wxid_zhangwei88"}}},
			{"booking", booking{Title: "年度洽谈", ContactPhone: "139 1234 5678", ContactEmail: "li@huaxin.com.cn", SHA256: "a13912345678b", QuotedFen: 13812345678}, nil},
			{"reception", nil, map[string]any{"guests": []any{map[string]any{"id_number": "11010519491231002X"}}, "note": "到达后请拨13712345678联系，或发邮件 zhang.wei@example.cn"}},
			{"setting", `{"reply_to":"li@huaxin.com.cn"}`, "请联系 13712345678"},
		}
		for i, r := range rows {
			if err := audit.Record(ctx, db, now, a, r.entity, int64(i+1), "update", r.before, r.after); err != nil {
				t.Fatal(err)
			}
		}
		got, err := audit.List(ctx, db, access.SystemActor(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, e := range got {
			all.WriteString(e.Before + "\n" + e.After + "\n")
		}
		text := all.String()
		for _, w := range whole {
			if strings.Contains(text, w) {
				t.Errorf("%q written in full: %s", w, text)
			}
		}
		for _, w := range []string{"138****8000", "139 **** 5678", "z***@example.cn", "l***@huaxin.com.cn", "110105********002X", "137****5678",
			"张伟", "年度洽谈", "a13912345678b", "13812345678", `"org_id":7`} {
			if !strings.Contains(text, w) {
				t.Errorf("%q missing: %s", w, text)
			}
		}
	})
}

// TestListMasksRowsWrittenBefore: rows written before the engine masked
// (the log is append-only, so they stay as written) are read masked.
func TestListMasksRowsWrittenBefore(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, `INSERT INTO audit_log (at, actor_name, entity, entity_id, action, before_json, after_json, ip) VALUES (0, 'desk', 'client_contact', 1, 'update', ?, ?, '')`,
			`{"mobile":"13800138000"}`, `{"email":"zhang.wei@example.cn","note":"请拨 13912345678"}`); err != nil {
			t.Fatal(err)
		}
		l := audit.NewLog(db)
		for _, a := range []access.Actor{access.SystemActor(), {UserID: 3, Roles: []string{access.Audit}}} {
			rows, err := l.List(ctx, a, audit.Filter{})
			if err != nil || len(rows) != 1 {
				t.Fatalf("%d rows: %v", len(rows), err)
			}
			if got := rows[0].Before + rows[0].After; strings.Contains(got, "13800138000") || strings.Contains(got, "zhang.wei@") || strings.Contains(got, "13912345678") ||
				!strings.Contains(got, "138****8000") {
				t.Errorf("as %v: %s", a.Roles, got)
			}
		}
	})
}
