// Package numbering gives documents gapless numbers per series and year
// (spec X-02), such as "SJ-2026-000123" for the 123rd receipt of 2026.
//
// Next must be called inside the transaction that inserts the document:
// the counter row it increments stays locked until that transaction ends
// (SQLite's single writer, PostgreSQL's row lock), so concurrent documents
// get consecutive numbers, and a transaction that rolls back returns its
// number, leaving no gap. A table's autoincrement id is never used as a
// document number: it leaves gaps.
package numbering

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/store"
)

// Series names a document series. Its prefix is printed in the number.
type Series string

// The document series of the site.
const (
	Receipt       Series = "receipt"        // 收据
	FeeNotice     Series = "fee_notice"     // 收费通知单
	Contract      Series = "contract"       // 合同
	PaymentNotice Series = "payment_notice" // 付款通知
	Complaint     Series = "complaint"      // 投诉
	Incident      Series = "incident"       // 安全事件
	KeySlip       Series = "key_slip"       // 钥匙交接单
	MoveIn        Series = "move_in"        // 入驻
	MoveOut       Series = "move_out"       // 退租
	Credit        Series = "credit"         // 冲减
	FapiaoRequest Series = "fapiao_request" // 开票申请
)

// prefixes maps each series to the letters its numbers start with.
var prefixes = map[Series]string{
	Receipt: "SJ", FeeNotice: "SF", Contract: "HT", PaymentNotice: "FK",
	Complaint: "TS", Incident: "SG", KeySlip: "YS", MoveIn: "RZ", MoveOut: "TZ",
	Credit: "CR", FapiaoRequest: "FP",
}

// Prefix returns the series' prefix, or "" for an unknown series.
func (s Series) Prefix() string { return prefixes[s] }

// beijing is China Standard Time: a document's year is its year in China
// (no daylight saving there), whatever zone the caller's time carries.
var beijing = time.FixedZone("CST", 8*60*60)

// Next takes the next number of series s for the year of at (in China
// Standard Time) and returns it formatted, e.g. "SJ-2026-000123". Call it
// with the transaction (store.Tx) that writes the document.
func Next(ctx context.Context, q store.Querier, s Series, at time.Time) (string, error) {
	prefix := s.Prefix()
	if prefix == "" {
		return "", fmt.Errorf("numbering: unknown series %q", s)
	}
	year := at.In(beijing).Year()
	var n int64
	err := q.QueryRow(ctx, `INSERT INTO doc_counters (series, year, last_no) VALUES (?, ?, 1)
		ON CONFLICT (series, year) DO UPDATE SET last_no = doc_counters.last_no + 1
		RETURNING last_no`, string(s), year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("numbering: next %s number of %d: %w", s, year, store.MapError(err))
	}
	return Format(s, year, n), nil
}

// Format writes the number n of series s in year: PREFIX-YYYY-NNNNNN.
func Format(s Series, year int, n int64) string {
	return fmt.Sprintf("%s-%04d-%06d", s.Prefix(), year, n)
}

// Last returns the last number taken in series s and year (0 when none),
// for reports that check a series has no gaps.
func Last(ctx context.Context, q store.Querier, s Series, year int) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT last_no FROM doc_counters WHERE series = ? AND year = ?`, string(s), year).Scan(&n)
	if err != nil {
		if store.IsNoRows(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("numbering: last %s number of %d: %w", s, year, err)
	}
	return n, nil
}
