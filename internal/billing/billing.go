package billing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// Service is the billing area: the ledger's pages and API call it. The
// ledger functions that other areas call inside their own transactions
// (PostCharge, RecordPaymentTx, SourcePaid, AllocateCredit) are
// package-level and take the transaction.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
	Loc   *time.Location
	// details describe charges of a source for statements (e.g. the
	// discount of a booking and its reason), registered by the source's area.
	details map[string]DetailFunc
}

// DetailFunc returns, for charges of one source, a note per source id
// (e.g. "优惠 ¥500.00: 老客户") shown under the charge on statements.
type DetailFunc func(ctx context.Context, q store.Querier, lang string, sourceIDs []int64) (map[int64]string, error)

// New returns the billing service.
func New(db *store.DB, c clock.Clock, loc *time.Location) *Service {
	return &Service{DB: db, Clock: c, Loc: loc, details: map[string]DetailFunc{}}
}

// Describe registers how statements describe the charges of a source.
func (s *Service) Describe(source string, f DetailFunc) { s.details[source] = f }

// Settings keys of the billing area.
const (
	SettingPayMethods    = "billing.pay_methods"
	SettingReceiptNotice = "billing.receipt_notice"
)

// DefaultPayMethods are the seed's four (001 六(二)1): 现金、支票、转账、信用卡.
var DefaultPayMethods = []string{"cash", "cheque", "transfer", "card"}

// KnownPayMethods are the methods a site may accept (BIL-02).
var KnownPayMethods = []string{"cash", "cheque", "transfer", "card", "wechat", "alipay", "unionpay"}

// DefaultReceiptNotice is printed on every receipt unless the site says otherwise.
const DefaultReceiptNotice = "本收据不作报销凭证"

// PayMethods returns the accepted payment methods from the site settings.
func PayMethods(ctx context.Context, q store.Querier) ([]string, error) {
	m, err := settings.Value(ctx, q, SettingPayMethods, DefaultPayMethods)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return DefaultPayMethods, nil
	}
	return m, nil
}

// SetPayMethods stores the accepted methods (admins), each a known one.
func SetPayMethods(ctx context.Context, q store.Querier, now time.Time, a access.Actor, methods []string) error {
	var out []string
	for _, m := range methods {
		if !slices.Contains(KnownPayMethods, m) {
			return errs.Field("pay_methods", "err.invalid")
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return errs.Field("pay_methods", "err.required")
	}
	return settings.Set(ctx, q, now, a, SettingPayMethods, out)
}

// ReceiptNotice returns the text printed on receipts.
func ReceiptNotice(ctx context.Context, q store.Querier) (string, error) {
	return settings.Value(ctx, q, SettingReceiptNotice, DefaultReceiptNotice)
}

// SetReceiptNotice stores the receipt text (admins), at most 100 characters.
func SetReceiptNotice(ctx context.Context, q store.Querier, now time.Time, a access.Actor, text string) error {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 100 {
		return errs.Field("receipt_notice", "err.too_long", "max", 100)
	}
	return settings.Set(ctx, q, now, a, SettingReceiptNotice, text)
}

// checkMethod validates a payment method against the site's list.
func checkMethod(ctx context.Context, q store.Querier, l *errs.List, field, m string) error {
	if m == "" {
		l.Add(field, "err.required")
		return nil
	}
	ms, err := PayMethods(ctx, q)
	if err != nil {
		return err
	}
	if !slices.Contains(ms, m) {
		l.Add(field, "err.billing.method")
	}
	return nil
}

// Who may do what. Finance keeps the ledger; office records payments for
// venue bookings (as it settles them); audit and executives read it; a
// client user reads their own organisation's account.

// CanRead reports whether the actor reads the whole ledger.
func CanRead(a access.Actor) bool {
	return a.Has(access.Finance, access.Office, access.Audit, access.Executive)
}

// CanKeep reports whether the actor keeps the ledger: payments of any
// source, deposits, refunds, receipts, manual charges.
func CanKeep(a access.Actor) bool { return a.Has(access.Finance) }

// CanRecordBooking reports whether the actor records payments for venue bookings.
func CanRecordBooking(a access.Actor) bool { return a.Has(access.Finance, access.Office) }

// CanPrice reports whether the actor drafts and publishes the price list.
func CanPrice(a access.Actor) bool { return a.Has(access.Finance, access.Office) }

// canReadAccount reports whether the actor reads account acc.
func canReadAccount(a access.Actor, acc Account) bool {
	if CanRead(a) {
		return true
	}
	return a.IsClient() && a.OrgID != 0 && acc.Kind == AccountOrg && acc.OrgID == a.OrgID
}

// parseDate checks a YYYY-MM-DD date.
func parseDate(l *errs.List, field, s string, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			l.Add(field, "err.required")
		}
		return ""
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		l.Add(field, "err.bad_date")
		return ""
	}
	return s
}

// checkText trims s and checks its length.
func checkText(l *errs.List, field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	if required && s == "" {
		l.Add(field, "err.required")
	}
	if utf8.RuneCountInString(s) > max {
		l.Add(field, "err.too_long", "max", max)
	}
	return s
}

// day returns the date of t in the site zone.
func (s *Service) day(t time.Time) string { return t.In(s.Loc).Format("2006-01-02") }

// wrap adds context to a database error.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return errs.Wrap(err, what)
}

// Yuan writes fen as yuan for messages, e.g. "1280.50".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// lockRow takes a row's lock on PostgreSQL before a change reads it, so
// two payments or refunds racing for the same charge or deposit see each
// other's result (SQLite's BEGIN IMMEDIATE already serialises writers).
func lockRow(ctx context.Context, q store.Querier, table string, id int64) error {
	if q.Dialect() != store.Postgres {
		return nil
	}
	var x int64
	if err := q.QueryRow(ctx, `SELECT id FROM `+table+` WHERE id = ? FOR UPDATE`, id).Scan(&x); err != nil {
		return errs.Wrap(store.MapError(err), "lock "+table)
	}
	return nil
}
