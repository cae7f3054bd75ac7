package namecheck

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"jiedai/internal/errs"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		in, want, key string
	}{
		{"  华信科技有限公司 ", "华信科技有限公司", ""},
		{"Cafe\u0301 Lumière", "Café Lumière", ""}, // NFC
		{"O'Brien & Söhne GmbH", "O'Brien & Söhne GmbH", ""},
		{"张\u3000伟", "张\u3000伟", ""},       // an ideographic space is visible spacing
		{"👩\u200d💻 工作室", "", KeyInvisible}, // ZWJ is a format character
		{"华信科技\u202e司公限有", "", KeyInvisible},
		{"华信\u200b科技", "", KeyInvisible},
		{"\u2066华信\u2069", "", KeyInvisible},
		{"华信\u00ad科技", "", KeyInvisible}, // soft hyphen
		{"华信\ufeff", "", KeyInvisible},
		{"华\u3164信", "", KeyInvisible},
		{"华\u200e信", "", KeyInvisible},
		{"华\n信", "", KeyInvisible},
		{"华\ue000信", "", KeyInvisible},     // private use
		{"华\U000E0041信", "", KeyInvisible}, // tag character
		{"   ", "", "err.required"},
		{strings.Repeat("名", 31), "", "err.too_long"},
	} {
		var l errs.List
		got := Check(&l, "name", c.in, true, 30)
		switch {
		case c.key == "" && (len(l) != 0 || got != c.want):
			t.Errorf("Check(%q) = %q, %v; want %q", c.in, got, l, c.want)
		case c.key != "" && (len(l) != 1 || l[0].Key != c.key || l[0].Field != "name"):
			t.Errorf("Check(%q): errors %v, want %s", c.in, l, c.key)
		}
	}
	var l errs.List
	if got := Check(&l, "short_name", "", false, 10); got != "" || len(l) != 0 {
		t.Errorf("optional empty name: %q %v", got, l)
	}
}

// FuzzCheck: an accepted name is NFC, trimmed, within its length and holds
// no refused character; Check is idempotent on it.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"华信科技有限公司", "华信科技\u202e司公限有", "Cafe\u0301", " \u200b ", "\xff", "a\u0000b", "\u2066x\u2069", "한\u3164글", strings.Repeat("名", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var l errs.List
		got := Check(&l, "name", s, true, 64)
		if len(l) > 0 {
			return
		}
		if _, bad := Invisible(got); bad || !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) || got != strings.TrimSpace(got) || got == "" || utf8.RuneCountInString(got) > 64 {
			t.Fatalf("Check(%q) accepted %q", s, got)
		}
		var l2 errs.List
		if again := Check(&l2, "name", got, true, 64); again != got || len(l2) > 0 {
			t.Fatalf("Check not idempotent on %q: %q %v", got, again, l2)
		}
	})
}
