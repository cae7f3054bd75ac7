package i18n_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"jiedai/internal/i18n"
)

// Every catalogue has every key, and no message is empty.
func TestCataloguesComplete(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := b.Keys(i18n.ZhHans)
	if len(base) < 100 {
		t.Fatalf("only %d keys in zh-Hans", len(base))
	}
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, lang := range i18n.Langs {
		for _, k := range base {
			if !b.Has(lang, k) {
				t.Errorf("%s misses key %s", lang, k)
			}
		}
		for _, k := range b.Keys(lang) {
			if !b.Has(i18n.ZhHans, k) {
				t.Errorf("%s has key %s that zh-Hans lacks", lang, k)
			}
			if b.T(lang, k, nil) == "" {
				t.Errorf("%s: empty message for %s", lang, k)
			}
			// The same placeholders in every language.
			want := placeholder.FindAllString(b.T(i18n.ZhHans, k, nil), -1)
			got := placeholder.FindAllString(b.T(lang, k, nil), -1)
			if len(want) != len(got) {
				t.Errorf("%s: %s has placeholders %v, zh-Hans %v", lang, k, got, want)
			}
		}
	}
}

func TestTranslateAndNegotiate(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := b.T(i18n.En, "err.too_long", map[string]any{"max": 64}); got != "At most 64 characters." {
		t.Fatalf("en placeholder: %q", got)
	}
	if got := b.T(i18n.ZhHant, "nav.today", nil); got != "今日" {
		t.Fatalf("zh-Hant: %q", got)
	}
	if got := b.T(i18n.En, "no.such.key", nil); got != "no.such.key" {
		t.Fatalf("missing key: %q", got)
	}
	cases := []struct{ user, cookie, accept, want string }{
		{"", "", "", i18n.ZhHans},
		{"", "", "en-US,en;q=0.9", i18n.En},
		{"", "", "zh-TW,zh;q=0.9", i18n.ZhHant},
		{"", "", "fr;q=0.9, en;q=0.5, zh-HK;q=0.8", i18n.ZhHant},
		{"", "zh-Hant", "en", i18n.ZhHant},
		{"en", "zh-Hant", "zh-CN", i18n.En},
		{"xx", "", "de", i18n.ZhHans},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", "lang="+c.cookie)
		}
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		if got := i18n.Negotiate(r, c.user); got != c.want {
			t.Errorf("Negotiate(user=%q cookie=%q accept=%q) = %s, want %s", c.user, c.cookie, c.accept, got, c.want)
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "en", "zh-CN,zh;q=0.9", "en;q=abc", ";;;", "zh-Hant;q=1e309"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", accept)
		if !i18n.Supported(i18n.Negotiate(r, "")) {
			t.Fatalf("unsupported language for %q", accept)
		}
	})
}

// TestListValue: a list of codes in a message reads as the language lists
// things, never as raw codes.
func TestListValue(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	missing := i18n.List{{Key: "venue.eq.projector"}, {Key: "venue.eq.interpretation"}}
	for lang, want := range map[string]string{i18n.ZhHans: "投影仪、", i18n.En: "Projector, "} {
		got := b.T(lang, "err.booking_equipment", map[string]any{"missing": missing})
		if !strings.Contains(got, want) || strings.Contains(got, "projector") || strings.Contains(got, "interpretation") {
			t.Errorf("%s: %q", lang, got)
		}
	}
}
