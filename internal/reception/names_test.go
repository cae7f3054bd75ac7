package reception_test

import (
	"testing"
	"time"

	"jiedai/internal/namecheck"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestNamesRefuseInvisibleCharacters: the client, the guest and the people
// on an application, and a guest added to a case, may not hold a
// bidirectional control or a zero-width character.
func TestNamesRefuseInvisibleCharacters(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
		for field, edit := range map[string]func(*reception.Application){
			"org_name":        func(a *reception.Application) { a.OrgName = "北京华信科技\u202e司公限有" },
			"guest_name":      func(a *reception.Application) { a.Guest.Name = "张\u200b伟" },
			"companion_names": func(a *reception.Application) { a.Companions[1].Name = "王\u2066芳" },
		} {
			app := f.application("2026-03-20")
			edit(&app)
			_, err := f.svc.Create(f.ctx, f.u["xiaoming"], app)
			if fe := fieldErrs(err); fe[field] != namecheck.KeyInvisible {
				t.Errorf("%s: %v", field, err)
			}
		}
		r := f.planning("2026-03-20")
		for field, in := range map[string]reception.GuestInput{"name": {Name: "李\u202e强"}, "company": {Name: "李强", Company: "华信\ufeff科技"}} {
			_, err := f.svc.AddGuest(f.ctx, f.u["wang"], r.ID, in)
			if fe := fieldErrs(err); fe[field] != namecheck.KeyInvisible {
				t.Errorf("guest %s: %v", field, err)
			}
		}
	})
}
