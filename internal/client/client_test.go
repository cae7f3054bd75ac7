package client_test

import (
	"context"

	"golang.org/x/text/unicode/norm"

	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/client"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func newService(t *testing.T, db *store.DB) (*client.Service, *auth.Service) {
	t.Helper()
	c := clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	return client.New(db, c), auth.New(db, c)
}

func mkUser(t *testing.T, as *auth.Service, name string, org int64, roles ...string) access.Actor {
	t.Helper()
	u, err := as.Create(context.Background(), access.SystemActor(), auth.UserInput{Username: name, Password: "password-123", Roles: roles, OrgID: org})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u.Actor("127.0.0.1")
}

func kindOf(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.As(err).Kind
}

func TestOrgsAndContacts(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cs, as := newService(t, db)
		staff := mkUser(t, as, "staff", 0, access.Staff)
		office := mkUser(t, as, "office", 0, access.Office)

		hx, err := cs.Create(ctx, staff, client.OrgInput{Name: "北京华信科技有限公司", Industry: "信息技术", Phone: "010-8888 6666"})
		if err != nil {
			t.Fatalf("create org: %v", err)
		}
		other, err := cs.Create(ctx, staff, client.OrgInput{Name: "上海东方航运集团"})
		if err != nil {
			t.Fatalf("create second org: %v", err)
		}

		// The same organisation under another legal form is refused.
		_, err = cs.Create(ctx, staff, client.OrgInput{Name: "北京华信科技 公司"})
		if e := errs.As(err); err == nil || e.Field != "name" || e.Key != "err.client.duplicate" {
			t.Fatalf("duplicate create: got %v, want name/err.client.duplicate", err)
		}
		// Bad fields are reported together.
		_, err = cs.Create(ctx, staff, client.OrgInput{Name: "", Phone: "call me"})
		if e := errs.As(err); err == nil || len(e.Extra.([]*errs.Error)) != 2 {
			t.Fatalf("invalid create: got %v, want two field errors", err)
		}

		list, total, err := cs.List(ctx, staff, client.Filter{Q: "华信"})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != hx.ID {
			t.Fatalf("search: got %v %d %v", list, total, err)
		}

		c1, err := cs.CreateContact(ctx, staff, hx.ID, client.ContactInput{Name: "张伟", Title: "采购总监", Mobile: "13800138000"})
		if err != nil {
			t.Fatalf("create contact: %v", err)
		}
		if _, err := cs.CreateContact(ctx, staff, hx.ID, client.ContactInput{Name: "李强", Email: "not-an-email"}); kindOf(err) != errs.Invalid {
			t.Fatalf("bad email: got %v", err)
		}

		// A client user sees only their own organisation.
		cl := mkUser(t, as, "client", hx.ID, access.Client)
		list, total, err = cs.List(ctx, cl, client.Filter{})
		if err != nil || total != 1 || list[0].ID != hx.ID {
			t.Fatalf("client list: got %v %d %v", list, total, err)
		}
		if _, err := cs.Get(ctx, cl, other.ID); kindOf(err) != errs.NotFound {
			t.Fatalf("client reading another org: got %v, want not found", err)
		}
		if _, err := cs.Contacts(ctx, cl, other.ID); kindOf(err) != errs.Forbidden {
			t.Fatalf("client reading another org's contacts: got %v", err)
		}
		if _, err := cs.Update(ctx, cl, hx.ID, client.OrgInput{Name: "改名"}); kindOf(err) != errs.Forbidden {
			t.Fatalf("client update: got %v, want forbidden", err)
		}
		if _, err := cs.Contact(ctx, cl, c1.ID); err != nil {
			t.Fatalf("client reading own contact: %v", err)
		}

		// EnsureContact fills blanks of the same person and creates new ones.
		var id1, id2 int64
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if id1, err = client.EnsureContact(ctx, tx, time.Now(), staff, hx.ID, client.ContactInput{Name: "张伟", Email: "zhangwei@huaxin.example"}); err != nil {
				return err
			}
			id2, err = client.EnsureContact(ctx, tx, time.Now(), staff, hx.ID, client.ContactInput{Name: "王芳", Title: "总经理助理"})
			return err
		})
		if err != nil || id1 != c1.ID || id2 == c1.ID {
			t.Fatalf("ensure contact: %d %d %v", id1, id2, err)
		}
		got, _ := cs.Contact(ctx, staff, c1.ID)
		if got.Email != "zhangwei@huaxin.example" || got.Title != "采购总监" {
			t.Fatalf("ensure contact did not fill blanks: %+v", got)
		}

		// Merging contacts: only office/supervisor, same organisation.
		if _, err := cs.MergeContacts(ctx, staff, c1.ID, id2); kindOf(err) != errs.Forbidden {
			t.Fatalf("staff merge contacts: got %v", err)
		}
		oc, _ := cs.CreateContact(ctx, staff, other.ID, client.ContactInput{Name: "赵敏"})
		if _, err := cs.MergeContacts(ctx, office, c1.ID, oc.ID); kindOf(err) != errs.Invalid {
			t.Fatalf("merge contacts across orgs: got %v", err)
		}
		kept, err := cs.MergeContacts(ctx, office, id2, c1.ID)
		if err != nil || kept.Mobile != "13800138000" {
			t.Fatalf("merge contacts: %+v %v", kept, err)
		}
		cts, _ := cs.Contacts(ctx, staff, hx.ID)
		if len(cts) != 1 || cts[0].ID != id2 {
			t.Fatalf("contacts after merge: %+v", cts)
		}
	})
}

func TestMergeOrgs(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cs, as := newService(t, db)
		if _, err := db.Exec(ctx, `CREATE TABLE merge_probe (id INTEGER PRIMARY KEY, org_id BIGINT)`); err != nil {
			t.Fatal(err)
		}
		cs.AddOrgRef("merge_probe", "org_id")
		var seen []int64
		cs.AddHistory(func(ctx context.Context, q store.Querier, orgID, contactID int64) ([]client.HistoryItem, error) {
			seen = append(seen, orgID)
			return []client.HistoryItem{{Kind: "probe", ID: orgID, Title: "来访", At: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)}}, nil
		})
		staff := mkUser(t, as, "staff", 0, access.Staff)
		sup := mkUser(t, as, "sup", 0, access.Supervisor)

		keep, _ := cs.Create(ctx, staff, client.OrgInput{Name: "深圳腾飞电子有限公司", Phone: "0755-2666 8888"})
		dup, _ := cs.Create(ctx, staff, client.OrgInput{Name: "腾飞电子（深圳）", Address: "深圳市南山区科技园", Website: "https://www.tengfei.example/"})
		third, _ := cs.Create(ctx, staff, client.OrgInput{Name: "杭州西湖文旅", Website: "tengfei.example"})
		if _, err := db.Exec(ctx, `INSERT INTO merge_probe (id, org_id) VALUES (1, ?)`, dup.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CreateContact(ctx, staff, dup.ID, client.ContactInput{Name: "陈静"}); err != nil {
			t.Fatal(err)
		}
		cu := mkUser(t, as, "cu", dup.ID, access.Client)

		pairs, err := cs.Duplicates(ctx, sup)
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[[2]int64]string{}
		for _, p := range pairs {
			reasons[[2]int64{p.A.ID, p.B.ID}] = p.Reason
		}
		if reasons[[2]int64{keep.ID, dup.ID}] != "name" || reasons[[2]int64{dup.ID, third.ID}] != "website" {
			t.Fatalf("duplicate suggestions: %v", reasons)
		}

		if _, err := cs.Merge(ctx, staff, keep.ID, dup.ID); kindOf(err) != errs.Forbidden {
			t.Fatalf("staff merge: got %v", err)
		}
		if _, err := cs.Merge(ctx, sup, keep.ID, keep.ID); kindOf(err) != errs.Invalid {
			t.Fatalf("self merge: got %v", err)
		}
		if _, err := cs.Merge(ctx, sup, keep.ID, 9999); kindOf(err) != errs.Invalid {
			t.Fatalf("merge unknown: got %v", err)
		}
		merged, err := cs.Merge(ctx, sup, keep.ID, dup.ID)
		if err != nil {
			t.Fatalf("merge: %v", err)
		}
		if merged.Address != "深圳市南山区科技园" || merged.Phone != "0755-2666 8888" || merged.Contacts != 1 {
			t.Fatalf("merged org: %+v", merged)
		}
		var ref int64
		if err := db.QueryRow(ctx, `SELECT org_id FROM merge_probe WHERE id = 1`).Scan(&ref); err != nil || ref != keep.ID {
			t.Fatalf("reference not re-pointed: %d %v", ref, err)
		}
		u, _ := as.Get(ctx, cu.UserID)
		if u.OrgID != keep.ID {
			t.Fatalf("client user org = %d, want %d", u.OrgID, keep.ID)
		}
		d, err := cs.Get(ctx, staff, dup.ID)
		if err != nil || d.MergedInto != keep.ID {
			t.Fatalf("duplicate after merge: %+v %v", d, err)
		}
		if _, err := cs.Merge(ctx, sup, keep.ID, dup.ID); kindOf(err) != errs.Conflict {
			t.Fatalf("merge twice: got %v", err)
		}
		if _, err := cs.Update(ctx, staff, dup.ID, client.OrgInput{Name: "新名字"}); kindOf(err) != errs.Conflict {
			t.Fatalf("update merged: got %v", err)
		}
		_, total, _ := cs.List(ctx, staff, client.Filter{})
		if total != 2 {
			t.Fatalf("orgs after merge = %d, want 2", total)
		}
		h, err := cs.History(ctx, staff, keep.ID, 0)
		if err != nil || len(h) != 1 || len(seen) != 1 || seen[0] != keep.ID {
			t.Fatalf("history: %v %v %v", h, seen, err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND action = 'merge'`, client.EntityOrg).Scan(&n); err != nil || n != 1 {
			t.Fatalf("merge audit rows = %d %v", n, err)
		}
	})
}

func TestKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"北京华信科技有限公司", "北京华信科技"},
		{"北京华信科技 股份有限公司", "北京华信科技"},
		{"ＡＢＣ　Ｔｒａｄｉｎｇ Co., Ltd.", "abctrading"},
		{"华信（北京）集团有限公司", "华信北京"},
		{"Costco", "costco"},
		{"公司", "公司"},
		{"Acme Inc", "acme"},
		{"  ", ""},
	}
	for _, c := range cases {
		if got := client.Key(c.in); got != c.want {
			t.Errorf("Key(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"北京华信科技有限公司", "ＡＢＣ Co., Ltd.", "公司公司", "co co", "", "a\u0301 Inc", "Cafe\u0301 Lumie\u0300re", "华信科技\u202e司公限有", "华信\u200b科技"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := client.Key(s)
		if k2 := client.Key(k); k2 != k {
			t.Fatalf("Key not idempotent: %q -> %q -> %q", s, k, k2)
		}
		// Canonically equivalent spellings are one name.
		if kd := client.Key(norm.NFD.String(s)); kd != k {
			t.Fatalf("Key(%q) = %q but its decomposed form gives %q", s, k, kd)
		}
	})
}
