package money

import (
	"math"
	"math/big"
	"testing"

	"jiedai/internal/errs"
)

func TestMul(t *testing.T) {
	for _, c := range []struct {
		unit, qty, want int64
		ok              bool
	}{
		{3800, 12, 45600, true},
		{0, math.MaxInt64, 0, true},
		{Max, 1, Max, true},
		{Max, 2, 0, false},
		{1 << 62, 3, 0, false}, // the reported overflow: stored negative before
		{Max / 10000, 10000, Max, true},
		{Max/10000 + 1, 10000, 0, false},
		{-1, 3, 0, false},
		{5, -1, 0, false},
		{math.MaxInt64, math.MaxInt64, 0, false},
	} {
		got, ok := Mul(c.unit, c.qty)
		if got != c.want || ok != c.ok {
			t.Errorf("Mul(%d, %d) = %d, %v; want %d, %v", c.unit, c.qty, got, ok, c.want, c.ok)
		}
	}
}

func TestSum(t *testing.T) {
	for _, c := range []struct {
		in   []int64
		want int64
		ok   bool
	}{
		{nil, 0, true},
		{[]int64{1, 2, 3}, 6, true},
		{[]int64{Max, 0}, Max, true},
		{[]int64{Max, 1}, 0, false},
		{[]int64{Max / 2, Max/2 + 1}, 0, false},
		{[]int64{math.MaxInt64, math.MaxInt64}, 0, false},
		{[]int64{5, -1}, 0, false},
	} {
		got, ok := Sum(c.in...)
		if got != c.want || ok != c.ok {
			t.Errorf("Sum(%v) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		pct  int
		want int64
	}{{98000, 50, 49000}, {99, 50, 49}, {Max, 100, Max}, {Max, 150, Max}, {100, -5, 0}, {-100, 50, 0}} {
		if got := Percent(c.fen, c.pct); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.fen, c.pct, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	var l errs.List
	Check(&l, "ok", Max)
	Check(&l, "neg", -1)
	Check(&l, "big", Max+1)
	CheckUpTo(&l, "rate", 1001, 1000)
	if len(l) != 3 || l[0].Field != "neg" || l[0].Key != "err.must_be_positive" ||
		l[1].Field != "big" || l[1].Key != "err.input.money_range" || l[1].Args["max"] != MaxYuan ||
		l[2].Field != "rate" || l[2].Args["max"] != int64(10) {
		t.Fatalf("errors %+v", l)
	}
}

// FuzzMul checks Mul against exact big-number arithmetic: it never
// reports a product beyond Max, nor refuses one within it.
func FuzzMul(f *testing.F) {
	for _, s := range [][2]int64{{1 << 62, 3}, {Max, 1}, {Max, 2}, {0, math.MaxInt64}, {-1, 1}, {3800, 12}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, unit, qty int64) {
		got, ok := Mul(unit, qty)
		exact := new(big.Int).Mul(big.NewInt(unit), big.NewInt(qty))
		exactOK := Valid(unit) && qty >= 0 && exact.Cmp(big.NewInt(Max)) <= 0
		if ok != exactOK || (ok && got != exact.Int64()) {
			t.Fatalf("Mul(%d, %d) = %d, %v", unit, qty, got, ok)
		}
	})
}
