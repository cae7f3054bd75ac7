package booking_test

import (
	"context"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// TestNamesRefuseInvisibleCharacters: venue, add-on, user, department and
// a booking's client and contact names holding a bidirectional control or a
// zero-width character are refused on their field, nothing written.
func TestNamesRefuseInvisibleCharacters(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		au := auth.New(db, e.clk)
		sys := access.SystemActor()
		want := func(what, field string, err error) {
			t.Helper()
			if x := errs.As(err); err == nil || x.Field != field || x.Key != namecheck.KeyInvisible {
				t.Errorf("%s: %v, want %s refused", what, err, field)
			}
		}
		in := venue.Defaults()
		in.Name, in.Code, in.Capacity = "第二\u202e室议会", "R2", 10
		_, err := e.venues.Create(ctx, e.office, in)
		want("venue", "name", err)
		in.Name, in.NameEn = "第二会议室", "Room\u200b 2"
		_, err = e.venues.Create(ctx, e.office, in)
		want("venue English name", "name_en", err)
		_, err = e.venues.SaveAddon(ctx, e.office, 0, venue.Addon{Code: "tea", Name: "茶\u2066歇", Kind: venue.AddonService, Unit: "person", Active: true})
		want("add-on", "name", err)
		_, err = au.Create(ctx, sys, auth.UserInput{Username: "wang", DisplayName: "王\u202e静", Password: "password-123", Roles: []string{access.Staff}, Active: true})
		want("user", "display_name", err)
		_, err = au.SaveDepartment(ctx, sys, 0, auth.DepartmentInput{Code: "fin", Name: "财务\ufeff部"})
		want("department", "name", err)
		r := e.req("2026-03-03", "10:00", "11:00")
		r.Purpose, r.ClientName = "client", "华信科技\u202e司公限有"
		_, err = e.svc.Create(ctx, e.office, r)
		want("booking client", "client_name", err)
		r.ClientName, r.ContactName = "华信科技有限公司", "张\u200d伟"
		_, err = e.svc.Create(ctx, e.office, r)
		want("booking contact", "contact_name", err)
		var n int
		if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM bookings) + (SELECT COUNT(*) FROM venue_addons) + (SELECT COUNT(*) FROM users WHERE username = 'wang')`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows written: %d %v", n, err)
		}
	})
}
