package client_test

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/client"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestNamesRefuseInvisibleCharacters: a client's or a contact's name with a
// bidirectional control (U+202E shows "华信科技\u202e司公限有" as
// "华信科技有限公司") or another invisible character is refused on the
// field, and a name typed in decomposed form (e + U+0301) is stored in NFC
// and found as the duplicate it is.
func TestNamesRefuseInvisibleCharacters(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cs, as := newService(t, db)
		staff := mkUser(t, as, "staff", 0, access.Staff)
		for _, name := range []string{"华信科技\u202e司公限有", "华信\u200b科技", "\u2067华信科技\u2069", "华信科技\u00ad"} {
			_, err := cs.Create(ctx, staff, client.OrgInput{Name: name})
			if e := errs.As(err); err == nil || e.Field != "name" || e.Key != namecheck.KeyInvisible {
				t.Errorf("org %q: %v", name, err)
			}
		}
		_, err := cs.Create(ctx, staff, client.OrgInput{Name: "华信科技", ShortName: "华\u202e信"})
		if e := errs.As(err); err == nil || e.Field != "short_name" || e.Key != namecheck.KeyInvisible {
			t.Errorf("short name: %v", err)
		}
		cafe, err := cs.Create(ctx, staff, client.OrgInput{Name: " Café Lumière "})
		if err != nil || cafe.Name != "Café Lumière" {
			t.Fatalf("create: %v %q", err, cafe.Name)
		}
		_, err = cs.Create(ctx, staff, client.OrgInput{Name: "Cafe\u0301 Lumie\u0300re"})
		if e := errs.As(err); err == nil || e.Key != "err.client.duplicate" {
			t.Fatalf("decomposed duplicate: %v", err)
		}
		_, err = cs.CreateContact(ctx, staff, cafe.ID, client.ContactInput{Name: "张\u202e伟"})
		if e := errs.As(err); err == nil || e.Field != "name" || e.Key != namecheck.KeyInvisible {
			t.Errorf("contact: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM client_orgs) + (SELECT COUNT(*) FROM client_contacts)`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("rows written: %d %v", n, err)
		}
	})
}
