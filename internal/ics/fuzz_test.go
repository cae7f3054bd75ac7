package ics_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"jiedai/internal/ics"
)

// normalizeText is what a TEXT value is expected to read back as: invalid
// UTF-8 replaced, line breaks turned into LF and other ASCII control
// characters except HTAB removed.
func normalizeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func FuzzWriteFold(f *testing.F) {
	f.Add("客户来访：华东区供应链合作洽谈会议（第二轮），请提前十分钟到达前台签到", "a,b;c\\d\ne", "x")
	f.Add(strings.Repeat("é", 80), strings.Repeat("𠮷", 40), strings.Repeat("a", 74)+"中")
	f.Add("\xff\xfe bad", "\r\n\r\r", "\x00\x7f\t")
	f.Add(strings.Repeat(`\,`, 50), strings.Repeat("a", 73)+"😀", "")
	loc := shanghai(f)
	f.Fuzz(func(t *testing.T, summary, description, location string) {
		c := ics.Calendar{
			Name: summary,
			TZID: "Asia/Shanghai",
			Events: []ics.Event{{
				UID:         "fuzz@jiedai",
				Start:       time.Date(2026, 3, 10, 9, 0, 0, 0, loc),
				End:         time.Date(2026, 3, 10, 10, 0, 0, 0, loc),
				Summary:     summary,
				Description: description,
				Location:    location,
				Created:     time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			}},
		}
		var buf bytes.Buffer
		if err := ics.Write(&buf, c); err != nil {
			t.Fatal(err)
		}
		checkPhysicalLines(t, buf.String())
		props := properties(t, buf.String())
		for name, want := range map[string]string{
			"SUMMARY":      summary,
			"DESCRIPTION":  description,
			"LOCATION":     location,
			"X-WR-CALNAME": summary,
		} {
			got := props[name]
			if want == "" {
				continue // optional properties may be omitted
			}
			if len(got) != 1 {
				t.Fatalf("%s occurs %d times", name, len(got))
			}
			if u := unescape(got[0]); u != normalizeText(want) {
				t.Errorf("%s round trip: got %q, want %q", name, u, normalizeText(want))
			}
		}
	})
}
