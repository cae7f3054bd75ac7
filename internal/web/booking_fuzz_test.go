package web

import (
	"strconv"
	"testing"
)

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"1280", "1,280.50", "¥99", "0.5", "", ".", "-1", "1.234", "99999999999999999999", "12.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, ok := parseYuan(s)
		if !ok {
			return
		}
		if fen < 0 {
			t.Fatalf("%q → %d", s, fen)
		}
		// Showing the amount and reading it back gives the same fen.
		if back, ok := parseYuan(yuanInput(fen)); !ok || back != fen {
			t.Fatalf("%q → %d → %q → %d", s, fen, yuanInput(fen), back)
		}
	})
}

func TestParseYuan(t *testing.T) {
	tests := map[string]int64{"1280": 128000, "1,280.50": 128050, "¥99": 9900, "0.5": 50, "": 0, "12.3": 1230}
	for in, want := range tests {
		if got, ok := parseYuan(in); !ok || got != want {
			t.Errorf("parseYuan(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"-1", "1.234", "abc", "1e5", strconv.Itoa(1) + ".x"} {
		if _, ok := parseYuan(bad); ok {
			t.Errorf("parseYuan(%q) accepted", bad)
		}
	}
}
