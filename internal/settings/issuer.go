package settings

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// KeyIssuer is the key of the issuer's identity.
const KeyIssuer = "issuer"

// Issuer is the company that issues documents to clients (the
// confirmation letter's letterhead and signature block): its name in
// Chinese and English, address, phone, the bank account that takes
// transfers, and the image of its seal.
type Issuer struct {
	Name    string `json:"name"`
	NameEn  string `json:"name_en,omitempty"`
	Address string `json:"address,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Bank    string `json:"bank,omitempty"`    // 开户行
	Account string `json:"account,omitempty"` // 账号
	SealID  int64  `json:"seal_id,omitempty"` // attachment id of the seal image, 0 for none
}

// KeyDirections is the key of what guests are told to find the site.
const KeyDirections = "directions"

// Directions tell an invited guest how to reach the site: the address,
// a link to a map, where to park, and the reception desk's phone (used
// when the host has none on file).
type Directions struct {
	Address string `json:"address,omitempty"`
	MapURL  string `json:"map_url,omitempty"`
	Parking string `json:"parking,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

// Limits of the issuer's and the directions' fields.
const (
	MaxIssuerName = 100
	MaxAddress    = 200
	MaxPhone      = 40
	MaxAccount    = 60
	MaxParking    = 500
	MaxMapURL     = 500
)

// GetIssuer returns the issuer's identity (empty when never set).
func GetIssuer(ctx context.Context, q store.Querier) (Issuer, error) {
	return Value(ctx, q, KeyIssuer, Issuer{})
}

// GetDirections returns the directions for guests (empty when never set).
func GetDirections(ctx context.Context, q store.Querier) (Directions, error) {
	return Value(ctx, q, KeyDirections, Directions{})
}

// field trims v and checks its length against max runes.
func field(l *errs.List, name string, v *string, max int) {
	*v = strings.TrimSpace(*v)
	if utf8.RuneCountInString(*v) > max {
		l.Add(name, "err.too_long", "max", max)
	}
}

// validPhone reports whether p holds only what phone numbers are written
// with: digits, spaces, + - ( ) and the extension marks.
func validPhone(p string) bool {
	for _, r := range p {
		if !strings.ContainsRune("0123456789 +-()/转,，;", r) && r != 'x' && r != 'X' {
			return false
		}
	}
	return true
}

// SaveIssuer validates and stores the issuer's identity; admins only.
func SaveIssuer(ctx context.Context, q store.Querier, now time.Time, a access.Actor, in Issuer) (Issuer, error) {
	if !a.Has(access.Admin) {
		return Issuer{}, errs.Forbid()
	}
	var l errs.List
	field(&l, "issuer_name", &in.Name, MaxIssuerName)
	field(&l, "issuer_name_en", &in.NameEn, MaxIssuerName)
	field(&l, "issuer_address", &in.Address, MaxAddress)
	field(&l, "issuer_phone", &in.Phone, MaxPhone)
	field(&l, "issuer_bank", &in.Bank, MaxIssuerName)
	field(&l, "issuer_account", &in.Account, MaxAccount)
	if !validPhone(in.Phone) {
		l.Add("issuer_phone", "err.settings.phone")
	}
	if in.SealID < 0 {
		l.Add("seal", "err.invalid")
	}
	if (in.Bank == "") != (in.Account == "") {
		if in.Bank == "" {
			l.Add("issuer_bank", "err.settings.bank_pair")
		} else {
			l.Add("issuer_account", "err.settings.bank_pair")
		}
	}
	if err := l.Err(); err != nil {
		return Issuer{}, err
	}
	if err := Set(ctx, q, now, a, KeyIssuer, in); err != nil {
		return Issuer{}, err
	}
	return in, nil
}

// SaveDirections validates and stores the directions for guests; admins only.
func SaveDirections(ctx context.Context, q store.Querier, now time.Time, a access.Actor, in Directions) (Directions, error) {
	if !a.Has(access.Admin) {
		return Directions{}, errs.Forbid()
	}
	var l errs.List
	field(&l, "visit_address", &in.Address, MaxAddress)
	field(&l, "visit_parking", &in.Parking, MaxParking)
	field(&l, "visit_phone", &in.Phone, MaxPhone)
	field(&l, "map_url", &in.MapURL, MaxMapURL)
	if !validPhone(in.Phone) {
		l.Add("visit_phone", "err.settings.phone")
	}
	if in.MapURL != "" {
		if u, err := url.Parse(in.MapURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(in.MapURL, " \t\r\n") {
			l.Add("map_url", "err.settings.map_url")
		}
	}
	if err := l.Err(); err != nil {
		return Directions{}, err
	}
	if err := Set(ctx, q, now, a, KeyDirections, in); err != nil {
		return Directions{}, err
	}
	return in, nil
}
