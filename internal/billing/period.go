package billing

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/approval"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/settings"
	"jiedai/internal/store"
	"jiedai/internal/task"
)

// Audit period statuses: open (the auditor reviews and records findings),
// review (sign-off asked), locked (signed off: nothing may be dated in it).
const (
	PeriodOpen   = "open"
	PeriodReview = "review"
	PeriodLocked = "locked"
)

// EntityPeriod is the approval entity of a period's sign-off.
const EntityPeriod = "billing_period"

// Finding severities.
var Severities = []string{"low", "medium", "high"}

// Period is an audit period (month or quarter) of the books (BIL-13).
type Period struct {
	ID       int64          `json:"id"`
	Kind     string         `json:"kind" enum:"month,quarter"`
	Label    string         `json:"label" doc:"2026-03 or 2026-Q1"`
	StartOn  string         `json:"start_on"`
	EndOn    string         `json:"end_on"`
	Status   string         `json:"status" enum:"open,review,locked"`
	Summary  string         `json:"summary,omitempty"`
	OpenedBy string         `json:"opened_by,omitempty"`
	OpenedAt time.Time      `json:"opened_at"`
	LockedAt time.Time      `json:"locked_at,omitzero"`
	Findings []Finding      `json:"findings"`
	Chain    approval.Chain `json:"approval,omitzero"`
}

// Finding is something the auditor found, given to a department as a task.
type Finding struct {
	ID           int64  `json:"id"`
	Severity     string `json:"severity" enum:"low,medium,high"`
	Text         string `json:"text"`
	DepartmentID int64  `json:"department_id,omitempty"`
	Department   string `json:"department,omitempty"`
	TaskID       int64  `json:"task_id,omitempty"`
	TaskStatus   string `json:"task_status,omitempty"`
}

// CanAudit reports whether the actor runs audit periods: audit (and admin).
func CanAudit(a access.Actor) bool { return a.IsStaff() && a.Has(access.Audit) }

var labelRE = regexp.MustCompile(`^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$`)

// ParsePeriod reads "2026-03" (a month) or "2026-Q1" (a quarter) and
// returns its kind and first and last days.
func ParsePeriod(label string) (kind, start, end string, err error) {
	m := labelRE.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(label)))
	if m == nil {
		return "", "", "", errs.Field("period", "err.billing_period_label")
	}
	year, _ := strconv.Atoi(m[1])
	if year < 2000 || year > 2100 {
		return "", "", "", errs.Field("period", "err.billing_period_label")
	}
	var first time.Time
	months := 1
	kind = "month"
	if m[3] != "" {
		q, _ := strconv.Atoi(m[3])
		first, months, kind = time.Date(year, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC), 3, "quarter"
	} else {
		mo, _ := strconv.Atoi(m[2])
		first = time.Date(year, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
	}
	last := first.AddDate(0, months, -1)
	return kind, first.Format(time.DateOnly), last.Format(time.DateOnly), nil
}

func periodLabel(kind, start string) string {
	if kind == "quarter" {
		t, _ := time.Parse(time.DateOnly, start)
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
	}
	return start[:7]
}

// OpenPeriod opens an audit period (audit). Periods may not overlap.
func (b *Books) OpenPeriod(ctx context.Context, a access.Actor, label string) (Period, error) {
	if !CanAudit(a) {
		return Period{}, errs.Forbid()
	}
	kind, start, end, err := ParsePeriod(label)
	if err != nil {
		return Period{}, err
	}
	now := b.Clock.Now()
	var id int64
	err = b.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM billing_periods WHERE start_on <= ? AND end_on >= ?`, end, start).Scan(&n); err != nil {
			return fmt.Errorf("overlapping periods: %w", err)
		}
		if n > 0 {
			return errs.Field("period", "err.billing_period_overlap")
		}
		id, err = store.InsertID(ctx, tx, `INSERT INTO billing_periods (kind, start_on, end_on, status, opened_by, opened_at) VALUES (?, ?, ?, 'open', ?, ?)`,
			kind, start, end, store.IDOrNil(a.UserID), store.Ms(now))
		if err != nil {
			return errs.Wrap(store.MapError(err), "insert period")
		}
		p, err := loadPeriod(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPeriod, id, "open", nil, p)
	})
	if err != nil {
		return Period{}, err
	}
	return loadPeriod(ctx, b.DB, id)
}

// FindingInput is a finding of the auditor, for a department.
type FindingInput struct {
	Severity     string `json:"severity" enum:"low,medium,high"`
	Text         string `json:"text"`
	DepartmentID int64  `json:"department_id"`
	DueOn        string `json:"due_on,omitempty" doc:"YYYY-MM-DD; default in 10 days"`
}

// AddFinding records a finding in an open period and gives it to the
// department as a task the auditor reviews.
func (b *Books) AddFinding(ctx context.Context, a access.Actor, id int64, in FindingInput) (Period, error) {
	in.Text = strings.TrimSpace(in.Text)
	now := b.Clock.Now()
	return b.changePeriod(ctx, a, id, "finding", func(tx *store.Tx, p Period) error {
		var l errs.List
		if !slices.Contains(Severities, in.Severity) {
			l.Add("severity", "err.invalid")
		}
		if in.Text == "" {
			l.Add("text", "err.required")
		} else if utf8.RuneCountInString(in.Text) > 2000 {
			l.Add("text", "err.too_long", "max", 2000)
		}
		if in.DepartmentID == 0 {
			l.Add("department_id", "err.required")
		}
		due := now.AddDate(0, 0, 10)
		if in.DueOn != "" {
			d, err := time.ParseInLocation(time.DateOnly, in.DueOn, b.Loc)
			if err != nil {
				l.Add("due_on", "err.bad_date")
			}
			due = d.Add(18 * time.Hour)
		}
		if err := l.Err(); err != nil {
			return err
		}
		if p.Status != PeriodOpen {
			return errs.State(p.Status, "finding")
		}
		t, err := task.Create(ctx, tx, now, a, task.Input{Kind: "billing.finding", Entity: AuditPeriod, EntityID: id,
			Title: fmt.Sprintf("%s [%s] %s", p.Label, in.Severity, firstLine(in.Text, 80)), Description: in.Text, DepartmentID: in.DepartmentID,
			DueAt: due, Link: fmt.Sprintf("/billing/periods/%d", id)})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO billing_findings (period_id, severity, text, department_id, task_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, in.Severity, in.Text, in.DepartmentID, t.ID, store.IDOrNil(a.UserID), store.Ms(now))
		return err
	})
}

func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// SubmitPeriod asks for the sign-off of an open period with the auditor's
// summary: an approval chain with the step audit.
func (b *Books) SubmitPeriod(ctx context.Context, a access.Actor, id int64, summary string) (Period, error) {
	summary = strings.TrimSpace(summary)
	now := b.Clock.Now()
	return b.changePeriod(ctx, a, id, "submit", func(tx *store.Tx, p Period) error {
		if utf8.RuneCountInString(summary) > 4000 {
			return errs.Field("summary", "err.too_long", "max", 4000)
		}
		if p.Status != PeriodOpen {
			return errs.State(p.Status, "submit")
		}
		if summary == "" {
			return errs.Field("summary", "err.required")
		}
		if err := cancelPeriodChain(ctx, tx, now, id); err != nil {
			return err
		}
		// The chain is the site's, not the auditor's own: the auditor who
		// reviewed the period may sign it off.
		if _, err := approval.Start(ctx, tx, now, access.SystemActor(), EntityPeriod, id, "审计期间 "+p.Label, fmt.Sprintf("/billing/periods/%d", id),
			[]approval.StepSpec{{Role: access.Audit}}, nil); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE billing_periods SET status = 'review', summary = ? WHERE id = ?`, summary, id)
		return err
	})
}

func cancelPeriodChain(ctx context.Context, tx store.Querier, now time.Time, id int64) error {
	c, err := approval.Get(ctx, tx, EntityPeriod, id)
	if err != nil {
		if errs.As(err).Kind == errs.NotFound {
			return nil
		}
		return err
	}
	if !c.Open() {
		return nil
	}
	_, err = approval.Cancel(ctx, tx, now, access.SystemActor(), c.ID, "resubmitted")
	return err
}

// SignOff decides the period's audit step: approving locks the period;
// rejecting sends it back to open with the comment.
func (b *Books) SignOff(ctx context.Context, a access.Actor, id int64, action, comment string) (Period, error) {
	now := b.Clock.Now()
	return b.changePeriod(ctx, a, id, "sign_off", func(tx *store.Tx, p Period) error {
		if action != approval.Approve && action != approval.Reject {
			return errs.Field("decision", "err.invalid")
		}
		if p.Status != PeriodReview {
			return errs.State(p.Status, action)
		}
		ch, err := approval.Decide(ctx, tx, now, a, p.Chain.ID, action, comment)
		if err != nil {
			return err
		}
		switch ch.Status {
		case approval.StatusApproved:
			_, err = tx.Exec(ctx, `UPDATE billing_periods SET status = 'locked', locked_at = ? WHERE id = ?`, store.Ms(now), id)
		case approval.StatusRejected:
			_, err = tx.Exec(ctx, `UPDATE billing_periods SET status = 'open' WHERE id = ?`, id)
		}
		return err
	})
}

func (b *Books) changePeriod(ctx context.Context, a access.Actor, id int64, action string, fn func(tx *store.Tx, p Period) error) (Period, error) {
	if !CanAudit(a) {
		if CanReadBooks(a) {
			return Period{}, errs.Forbid()
		}
		return Period{}, errs.Missing()
	}
	now := b.Clock.Now()
	err := b.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadPeriod(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(tx, before); err != nil {
			return err
		}
		after, err := loadPeriod(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditPeriod, id, action, before, after)
	})
	if err != nil {
		return Period{}, err
	}
	return loadPeriod(ctx, b.DB, id)
}

const periodCols = `p.id, p.kind, p.start_on, p.end_on, p.status, p.summary, COALESCE(u.display_name, ''), p.opened_at, p.locked_at
 FROM billing_periods p LEFT JOIN users u ON u.id = p.opened_by`

func scanPeriod(sc interface{ Scan(...any) error }) (Period, error) {
	var p Period
	var opened int64
	var locked *int64
	if err := sc.Scan(&p.ID, &p.Kind, &p.StartOn, &p.EndOn, &p.Status, &p.Summary, &p.OpenedBy, &opened, &locked); err != nil {
		return p, err
	}
	p.Label, p.OpenedAt = periodLabel(p.Kind, p.StartOn), store.Time(opened)
	if locked != nil {
		p.LockedAt = store.Time(*locked)
	}
	return p, nil
}

func loadPeriod(ctx context.Context, q store.Querier, id int64) (Period, error) {
	p, err := scanPeriod(q.QueryRow(ctx, `SELECT `+periodCols+` WHERE p.id = ?`, id))
	if err != nil {
		return Period{}, errs.Wrap(store.MapError(err), "read period")
	}
	rows, err := q.Query(ctx, `SELECT f.id, f.severity, f.text, COALESCE(f.department_id, 0), COALESCE(d.name, ''), COALESCE(f.task_id, 0), COALESCE(t.status, '')
 FROM billing_findings f LEFT JOIN departments d ON d.id = f.department_id LEFT JOIN tasks t ON t.id = f.task_id WHERE f.period_id = ? ORDER BY f.id`, id)
	if err != nil {
		return Period{}, fmt.Errorf("read findings: %w", err)
	}
	defer rows.Close()
	p.Findings = []Finding{}
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.ID, &f.Severity, &f.Text, &f.DepartmentID, &f.Department, &f.TaskID, &f.TaskStatus); err != nil {
			return Period{}, fmt.Errorf("scan finding: %w", err)
		}
		p.Findings = append(p.Findings, f)
	}
	if err := rows.Err(); err != nil {
		return Period{}, err
	}
	ch, err := approval.Get(ctx, q, EntityPeriod, id)
	if err != nil && errs.As(err).Kind != errs.NotFound {
		return Period{}, err
	}
	p.Chain = ch
	return p, nil
}

// GetPeriod returns a period to the books' readers.
func (b *Books) GetPeriod(ctx context.Context, a access.Actor, id int64) (Period, error) {
	if !CanReadBooks(a) {
		return Period{}, errs.Missing()
	}
	return loadPeriod(ctx, b.DB, id)
}

// ListPeriods returns the periods, latest first.
func (b *Books) ListPeriods(ctx context.Context, a access.Actor) ([]Period, error) {
	if !CanReadBooks(a) {
		return nil, errs.Forbid()
	}
	rows, err := b.DB.Query(ctx, `SELECT `+periodCols+` ORDER BY p.start_on DESC LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("list periods: %w", err)
	}
	defer rows.Close()
	out := []Period{}
	for rows.Next() {
		p, err := scanPeriod(rows)
		if err != nil {
			return nil, fmt.Errorf("scan period: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CheckOpenDate refuses a money record (payment, reversal, refund) dated
// at t when t's day in the site zone lies in a locked period: corrections
// of a locked period go into an open one, by reversal.
func CheckOpenDate(ctx context.Context, q store.Querier, t time.Time, field string) error {
	site, err := settings.GetSite(ctx, q)
	if err != nil {
		return err
	}
	loc, err := site.Location()
	if err != nil {
		return err
	}
	day := t.In(loc).Format(time.DateOnly)
	var kind, start string
	err = q.QueryRow(ctx, `SELECT kind, start_on FROM billing_periods WHERE status = 'locked' AND start_on <= ? AND end_on >= ?`, day, day).Scan(&kind, &start)
	if store.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("period lock of %s: %w", day, err)
	}
	return errs.Field(field, "err.billing_period_locked", "period", periodLabel(kind, start))
}
