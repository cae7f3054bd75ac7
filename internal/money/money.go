// Package money bounds amounts of money. Every amount is an integer number
// of fen (分, CNY); any single figure, product or total that a person can
// cause is kept within [0, Max], so that no sum or product of stored amounts
// can overflow an int64 and no total is ever stored negative by accident.
package money

import "jiedai/internal/errs"

// Max is the largest amount, in fen, of any price, line, budget or total:
// 100 亿元. Far beyond any real settlement, far below int64's range.
const Max int64 = 1_000_000_000_000

// MaxYuan is Max in whole yuan, for messages.
const MaxYuan = Max / 100

// Valid reports whether fen is a storable amount: 0 ≤ fen ≤ Max.
func Valid(fen int64) bool { return fen >= 0 && fen <= Max }

// Mul returns unit × qty when unit is Valid, qty is not negative and the
// product does not exceed Max; ok is false otherwise.
func Mul(unit, qty int64) (fen int64, ok bool) {
	if !Valid(unit) || qty < 0 {
		return 0, false
	}
	if unit != 0 && qty > Max/unit {
		return 0, false
	}
	return unit * qty, true
}

// Sum returns the total of amounts that are each Valid, when it does not
// exceed Max; ok is false otherwise. Each partial sum stays within Max, so
// the addition itself never overflows.
func Sum(fens ...int64) (total int64, ok bool) {
	for _, f := range fens {
		if !Valid(f) || f > Max-total {
			return 0, false
		}
		total += f
	}
	return total, true
}

// Percent returns pct percent of fen, rounded down; pct is clamped to
// [0, 100] so the result is never more than fen.
func Percent(fen int64, pct int) int64 {
	if !Valid(fen) || pct <= 0 {
		return 0
	}
	if pct > 100 {
		pct = 100
	}
	return fen * int64(pct) / 100
}

// TooLarge is the field error for an amount, product or total beyond Max.
func TooLarge(field string) *errs.Error { return tooLarge(field, Max) }

func tooLarge(field string, max int64) *errs.Error {
	return errs.Field(field, "err.input.money_range", "max", max/100)
}

// Check adds an error to l when fen is negative or beyond Max.
func Check(l *errs.List, field string, fen int64) { CheckUpTo(l, field, fen, Max) }

// CheckUpTo adds an error to l when fen is negative or beyond max (itself
// at most Max), for figures with a tighter bound such as an hourly rate.
func CheckUpTo(l *errs.List, field string, fen, max int64) {
	switch {
	case fen < 0:
		l.Add(field, "err.must_be_positive")
	case fen > min(max, Max):
		*l = append(*l, tooLarge(field, min(max, Max)))
	}
}
