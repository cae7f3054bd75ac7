package settings_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func TestIssuerAndDirections(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if got, err := settings.GetIssuer(ctx, db); err != nil || got != (settings.Issuer{}) {
			t.Fatalf("unset issuer = %+v, %v", got, err)
		}
		saveIssuer := func(a access.Actor, in settings.Issuer) (settings.Issuer, error) {
			var out settings.Issuer
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				out, err = settings.SaveIssuer(ctx, tx, t0, a, in)
				return err
			})
			return out, err
		}
		if _, err := saveIssuer(staff, settings.Issuer{Name: "x"}); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("staff saved the issuer: %v", err)
		}
		bad := []struct {
			in    settings.Issuer
			field string
		}{
			{settings.Issuer{Name: strings.Repeat("名", 101)}, "issuer_name"},
			{settings.Issuer{Phone: "call me"}, "issuer_phone"},
			{settings.Issuer{Bank: "工商银行"}, "issuer_account"},
			{settings.Issuer{Account: "6222"}, "issuer_bank"},
			{settings.Issuer{SealID: -1}, "seal"},
		}
		for _, c := range bad {
			_, err := saveIssuer(admin, c.in)
			var e *errs.Error
			if !errors.As(err, &e) || !hasField(e, c.field) {
				t.Errorf("%+v: err = %v, want field %s", c.in, err, c.field)
			}
		}
		want := settings.Issuer{Name: "北京华远商务中心有限公司", NameEn: "Huayuan Business Centre", Address: "北京市朝阳区建国路88号", Phone: "010-8888 6666", Bank: "工商银行建国路支行", Account: "0200 0012 3456 789", SealID: 3}
		if _, err := saveIssuer(admin, settings.Issuer{Name: " " + want.Name + " ", NameEn: want.NameEn, Address: want.Address, Phone: want.Phone, Bank: want.Bank, Account: want.Account, SealID: 3}); err != nil {
			t.Fatal(err)
		}
		if got, err := settings.GetIssuer(ctx, db); err != nil || got != want {
			t.Fatalf("issuer = %+v, %v; want %+v", got, err, want)
		}
		saveDir := func(in settings.Directions) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := settings.SaveDirections(ctx, tx, t0, admin, in)
				return err
			})
		}
		for _, c := range []struct {
			in    settings.Directions
			field string
		}{
			{settings.Directions{MapURL: "javascript:alert(1)"}, "map_url"},
			{settings.Directions{MapURL: "https://"}, "map_url"},
			{settings.Directions{Phone: "abc"}, "visit_phone"},
			{settings.Directions{Parking: strings.Repeat("车", 501)}, "visit_parking"},
		} {
			var e *errs.Error
			if err := saveDir(c.in); !errors.As(err, &e) || !hasField(e, c.field) {
				t.Errorf("%+v: err = %v, want field %s", c.in, err, c.field)
			}
		}
		dir := settings.Directions{Address: "建国路88号 A座", MapURL: "https://uri.amap.com/marker?position=116.46,39.91", Parking: "B2 访客车位", Phone: "010-8888 6600"}
		if err := saveDir(dir); err != nil {
			t.Fatal(err)
		}
		if got, err := settings.GetDirections(ctx, db); err != nil || got != dir {
			t.Fatalf("directions = %+v, %v", got, err)
		}
		if n := len(auditRows(t, db)); n != 2 {
			t.Fatalf("audit rows = %d, want 2", n)
		}
	})
}

// hasField reports whether e or one of its listed errors names field.
func hasField(e *errs.Error, field string) bool {
	if e.Field == field {
		return true
	}
	list, _ := e.Extra.([]*errs.Error)
	for _, fe := range list {
		if fe.Field == field {
			return true
		}
	}
	return false
}
