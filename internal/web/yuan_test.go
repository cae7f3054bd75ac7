package web_test

import (
	"strconv"
	"strings"
	"testing"

	"jiedai/internal/web"
)

func TestParseYuan(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true}, {"1280", 128000, true}, {"1,280.5", 128050, true}, {"¥99.90", 9990, true}, {"６０", 0, false},
		{"12.345", 0, false}, {"abc", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"3 000 元", 300000, true}, {"-20", -2000, true},
	}
	for _, c := range cases {
		got, err := web.ParseYuan(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

// FuzzReceptionYuan: any input either fails or gives the amount it spells.
func FuzzReceptionYuan(f *testing.F) {
	for _, s := range []string{"1280", "1,280.50", "¥99", "0.01", "-5", "", "1e9", "９９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := web.ParseYuan(s)
		if err != nil {
			return
		}
		// Separators and currency signs go first, then surrounding space
		// (",\v1" is one yuan), as ParseYuan does.
		clean := strings.TrimSpace(strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "").Replace(s))
		whole, frac, _ := strings.Cut(strings.TrimPrefix(clean, "-"), ".")
		w, _ := strconv.ParseInt(whole, 10, 64)
		fr, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
		want := w*100 + fr
		if strings.HasPrefix(clean, "-") {
			want = -want
		}
		if clean != "" && v != want {
			t.Fatalf("ParseYuan(%q) = %d, want %d", s, v, want)
		}
	})
}
