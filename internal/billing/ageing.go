package billing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/jobs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// Ageing buckets of an unpaid amount, by days past its due date.
const (
	AgeCurrent = iota // not yet due
	Age1to30
	Age31to60
	Age61to90
	AgeOver90
	ageBuckets
)

// AgeBucketKeys are the catalogue keys of the buckets' headings.
var AgeBucketKeys = [ageBuckets]string{"books.age.current", "books.age.1_30", "books.age.31_60", "books.age.61_90", "books.age.over_90"}

// AgeBucket returns the bucket of an amount due on due (YYYY-MM-DD) on the
// day today (YYYY-MM-DD).
func AgeBucket(due, today string) int {
	d, err1 := time.Parse(time.DateOnly, due)
	t, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil {
		return AgeCurrent
	}
	days := int(t.Sub(d).Hours() / 24)
	switch {
	case days <= 0:
		return AgeCurrent
	case days <= 30:
		return Age1to30
	case days <= 60:
		return Age31to60
	case days <= 90:
		return Age61to90
	}
	return AgeOver90
}

// AgeingRow is what one account owes, by bucket.
type AgeingRow struct {
	AccountID   int64             `json:"account_id"`
	AccountName string            `json:"account_name"`
	Buckets     [ageBuckets]int64 `json:"buckets_fen" doc:"current, 1-30, 31-60, 61-90, over 90 days past due"`
	TotalFen    int64             `json:"total_fen"`
	Charges     int               `json:"charges" doc:"How many charges are unpaid"`
}

// Ageing is the receivables ageing report on a day.
type Ageing struct {
	AsOf  string      `json:"as_of"`
	Rows  []AgeingRow `json:"rows"`
	Total AgeingRow   `json:"total"`
}

// Receivable is one unpaid charge with what is still owed on it.
type Receivable struct {
	ChargeID    int64  `json:"charge_id"`
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	OrgID       int64  `json:"-"`
	Description string `json:"description"`
	Source      string `json:"source"`
	DueOn       string `json:"due_on"`
	AmountFen   int64  `json:"amount_fen"`
	OwedFen     int64  `json:"owed_fen"`
	Bucket      int    `json:"bucket"`
}

// receivables returns the unpaid charges (open or partly paid) with what
// is owed, of one account or of all (account 0).
func receivables(ctx context.Context, q store.Querier, account int64, today string) ([]Receivable, error) {
	where, args := "", []any{}
	if account != 0 {
		where, args = " AND c.account_id = ?", append(args, account)
	}
	rows, err := q.Query(ctx, `SELECT c.id, c.account_id, a.name, COALESCE(a.org_id, 0), c.description, c.source, c.due_on, c.amount_fen,
 c.amount_fen - COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.charge_id = c.id), 0)
 FROM billing_charges c JOIN billing_accounts a ON a.id = c.account_id WHERE c.status IN ('open', 'partly_paid')`+where+` ORDER BY a.name, c.due_on, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("receivables: %w", err)
	}
	defer rows.Close()
	var out []Receivable
	for rows.Next() {
		var r Receivable
		if err := rows.Scan(&r.ChargeID, &r.AccountID, &r.AccountName, &r.OrgID, &r.Description, &r.Source, &r.DueOn, &r.AmountFen, &r.OwedFen); err != nil {
			return nil, fmt.Errorf("scan receivable: %w", err)
		}
		if r.OwedFen <= 0 {
			continue
		}
		r.Bucket = AgeBucket(r.DueOn, today)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AgeingReport returns the ageing of all accounts (the books' readers) on
// the site's today.
func (b *Books) AgeingReport(ctx context.Context, a access.Actor) (Ageing, error) {
	if !CanReadBooks(a) {
		return Ageing{}, errs.Forbid()
	}
	today := b.day(b.Clock.Now())
	rs, err := receivables(ctx, b.DB, 0, today)
	if err != nil {
		return Ageing{}, err
	}
	rep := Ageing{AsOf: today, Rows: []AgeingRow{}}
	for _, r := range rs {
		if n := len(rep.Rows); n == 0 || rep.Rows[n-1].AccountID != r.AccountID {
			rep.Rows = append(rep.Rows, AgeingRow{AccountID: r.AccountID, AccountName: r.AccountName})
		}
		row := &rep.Rows[len(rep.Rows)-1]
		for _, x := range []*AgeingRow{row, &rep.Total} {
			x.Buckets[r.Bucket] += r.OwedFen
			x.TotalFen += r.OwedFen
			x.Charges++
		}
	}
	return rep, nil
}

// OpenCharges returns the unpaid charges of an account the actor may read
// (the portal's "open charges with due dates").
func (b *Books) OpenCharges(ctx context.Context, a access.Actor, account int64) ([]Receivable, error) {
	if _, err := readableAccount(ctx, b.DB, a, account); err != nil {
		return nil, err
	}
	rs, err := receivables(ctx, b.DB, account, b.day(b.Clock.Now()))
	if rs == nil {
		rs = []Receivable{}
	}
	return rs, err
}

// Reminders says when clients are reminded of a due charge: BeforeDays
// before the due date, on it, and AfterDays after it (0 turns one off).
type Reminders struct {
	BeforeDays int    `json:"before_days"`
	OnDue      bool   `json:"on_due"`
	AfterDays  int    `json:"after_days"`
	At         string `json:"at" doc:"HH:MM in the site zone"`
}

// SettingReminders is the settings key of the reminder rule.
const SettingReminders = "billing.reminders"

// DefaultReminders: three days before, on the day and seven days after,
// at 09:00.
func DefaultReminders() Reminders {
	return Reminders{BeforeDays: 3, OnDue: true, AfterDays: 7, At: "09:00"}
}

// Job kinds of the books.
const (
	JobReminder      = "billing.reminder"
	JobReminderSweep = "billing.reminder_sweep"
)

// reminderPayload is the job's payload.
type reminderPayload struct {
	ChargeID int64  `json:"charge_id"`
	When     string `json:"when"` // before, due, after
}

// RegisterJobs registers the reminder jobs and arms the daily sweep.
func (b *Books) RegisterJobs(ctx context.Context, r *jobs.Runner) error {
	r.Register(JobReminder, b.remind)
	r.Register(JobReminderSweep, func(ctx context.Context, tx *store.Tx, _ jobs.Job) error {
		return b.sweepReminders(ctx, tx, b.Clock.Now())
	})
	return jobs.Schedule(ctx, b.DB, JobReminderSweep, "daily", b.Clock.Now(), nil)
}

// sweepReminders schedules, once per charge and occasion, the reminders of
// unpaid charges falling due in the coming days or past due, and arms
// itself for the next morning. Jobs are keyed (charge, occasion), so the
// sweep may run any number of times.
func (b *Books) sweepReminders(ctx context.Context, tx *store.Tx, now time.Time) error {
	cfg, err := settings.Value(ctx, tx, SettingReminders, DefaultReminders())
	if err != nil {
		return err
	}
	hh, mm := 9, 0
	if t, err := time.Parse("15:04", cfg.At); err == nil {
		hh, mm = t.Hour(), t.Minute()
	}
	today := b.day(now)
	rs, err := receivables(ctx, tx, 0, today)
	if err != nil {
		return err
	}
	for _, r := range rs {
		due, err := time.ParseInLocation(time.DateOnly, r.DueOn, b.Loc)
		if err != nil || r.OrgID == 0 {
			continue
		}
		at := func(days int) time.Time {
			d := due.AddDate(0, 0, days)
			return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, b.Loc)
		}
		for _, o := range []struct {
			when string
			on   bool
			days int
		}{{"before", cfg.BeforeDays > 0, -cfg.BeforeDays}, {"due", cfg.OnDue, 0}, {"after", cfg.AfterDays > 0, cfg.AfterDays}} {
			t := at(o.days)
			// Only occasions still ahead, or today's (a sweep late in the
			// day still sends the morning's reminder).
			if !o.on || b.day(t) < today {
				continue
			}
			if err := jobs.Schedule(ctx, tx, JobReminder, "charge:"+strconv.FormatInt(r.ChargeID, 10)+":"+o.when, t, reminderPayload{r.ChargeID, o.when}); err != nil {
				return err
			}
		}
	}
	next := now.In(b.Loc).AddDate(0, 0, 1)
	next = time.Date(next.Year(), next.Month(), next.Day(), 6, 0, 0, 0, b.Loc)
	return jobs.Reschedule(ctx, tx, JobReminderSweep, "daily", next, nil)
}

// remind tells the client users of a charge's account that it is due soon,
// due today or overdue, if it is still unpaid.
func (b *Books) remind(ctx context.Context, tx *store.Tx, job jobs.Job) error {
	var p reminderPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	now := b.Clock.Now()
	var account int64
	if err := tx.QueryRow(ctx, `SELECT account_id FROM billing_charges WHERE id = ?`, p.ChargeID).Scan(&account); err != nil {
		if store.IsNoRows(err) {
			return nil
		}
		return err
	}
	rs, err := receivables(ctx, tx, account, b.day(now))
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.ChargeID != p.ChargeID {
			continue
		}
		acc, err := loadAccount(ctx, tx, account)
		if err != nil {
			return err
		}
		ids, err := orgUsers(ctx, tx, acc)
		if err != nil {
			return err
		}
		return b.tell(ctx, tx, now, ids, "billing.msg.reminder_"+p.When,
			map[string]any{"item": r.Description, "amount": Yuan(r.OwedFen), "due": r.DueOn}, "/portal/billing")
	}
	return nil // paid or cancelled meanwhile: nothing to say
}
