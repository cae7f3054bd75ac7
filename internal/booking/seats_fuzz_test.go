package booking

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseSeats feeds arbitrary typed seat lists to the parser: it never
// panics; what it accepts has a seat and a name on every line, and what
// also passes the checks survives a round trip through SeatText.
func FuzzParseSeats(f *testing.F) {
	f.Add("主1, 张伟, 华信科技总经理\n主2，李娜\n\n3|王强|财务")
	f.Add("1,\n,名字")
	f.Add("a,b,c,d")
	f.Add(strings.Repeat("1、甲\n", 600))
	f.Add("\t\t\n｜｜")
	f.Fuzz(func(t *testing.T, text string) {
		seats, err := ParseSeats("seats", text)
		if err != nil {
			return
		}
		for _, s := range seats {
			if s.Seat == "" || s.Name == "" {
				t.Fatalf("accepted an empty seat or name: %+v", s)
			}
		}
		if checkSeats("seats", seats) != nil || !utf8.ValidString(text) {
			return
		}
		again, err := ParseSeats("seats", SeatText(seats))
		if err != nil || len(again) != len(seats) {
			t.Fatalf("round trip: %v %d/%d", err, len(again), len(seats))
		}
		for i := range seats {
			if again[i] != seats[i] {
				t.Fatalf("round trip changed %+v into %+v", seats[i], again[i])
			}
		}
	})
}
