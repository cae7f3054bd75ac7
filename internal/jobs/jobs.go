// Package jobs runs durable due-time work: reply-by expiries, reminders,
// overdue sweeps. A job is a row (kind, key, payload, due_at) scheduled
// idempotently; a Runner claims one due job at a time in a write
// transaction, runs its handler in that same transaction and marks it done
// there, so its database effects happen exactly once across restarts and
// across instances sharing one database. Failures are retried with
// exponential backoff and, after MaxAttempts, kept as failed for the admin.
package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// AuditEntity is the entity name of jobs in the audit log (admin retries).
const AuditEntity = "job"

// Defaults for a Runner's zero fields.
const (
	DefaultMaxAttempts = 8
	DefaultTimeout     = time.Minute
	DefaultBackoffBase = 30 * time.Second
	DefaultBackoffMax  = 6 * time.Hour
	maxErrorLen        = 2000
	maxKeyLen          = 200
)

// Job is one scheduled piece of work.
type Job struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Key         string    `json:"key"`
	Payload     string    `json:"payload,omitempty"` // JSON text
	DueAt       time.Time `json:"due_at"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	FailedAt    time.Time `json:"failed_at,omitzero"`
	Attempts    int       `json:"attempts"` // attempts made so far, the current one excluded
	LastError   string    `json:"last_error,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"` // deadline of the last claim's handler
	LockedBy    string    `json:"locked_by,omitempty"`   // runner that last claimed the job
}

// Decode unmarshals the payload into v.
func (j Job) Decode(v any) error {
	if j.Payload == "" {
		return fmt.Errorf("job %s/%s: empty payload", j.Kind, j.Key)
	}
	if err := json.Unmarshal([]byte(j.Payload), v); err != nil {
		return fmt.Errorf("job %s/%s: decode payload: %w", j.Kind, j.Key, err)
	}
	return nil
}

// Handler does a job's work inside the transaction that marks it done; an
// error rolls its effects back and schedules a retry. Handlers should be
// short: on SQLite the transaction holds the write lock.
type Handler func(ctx context.Context, tx *store.Tx, job Job) error

func validate(kind, key string) error {
	if kind == "" || strings.TrimSpace(kind) != kind || len(kind) > 64 {
		return fmt.Errorf("jobs: invalid kind %q", kind)
	}
	if key == "" || utf8.RuneCountInString(key) > maxKeyLen {
		return fmt.Errorf("jobs: invalid key %q for kind %s", key, kind)
	}
	return nil
}

func marshal(payload any) (string, error) {
	if payload == nil {
		return "", nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("jobs: marshal payload: %w", err)
	}
	return string(b), nil
}

// Schedule adds a job unless one with the same kind and key exists (done or
// not), so calling it again is harmless. Run it in the transaction that
// makes the job necessary.
func Schedule(ctx context.Context, q store.Querier, kind, key string, due time.Time, payload any) error {
	if err := validate(kind, key); err != nil {
		return err
	}
	p, err := marshal(payload)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO jobs (kind, key, payload, due_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO NOTHING`,
		kind, key, p, store.Ms(due)); err != nil {
		return fmt.Errorf("schedule job %s/%s: %w", kind, key, err)
	}
	return nil
}

// Reschedule sets the job's due time and payload, creating it if needed and
// re-arming it if it was done or failed (attempts start again).
func Reschedule(ctx context.Context, q store.Querier, kind, key string, due time.Time, payload any) error {
	if err := validate(kind, key); err != nil {
		return err
	}
	p, err := marshal(payload)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO jobs (kind, key, payload, due_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, key) DO UPDATE SET payload = excluded.payload, due_at = excluded.due_at,
		done_at = NULL, failed_at = NULL, attempts = 0, last_error = '', locked_until = NULL, locked_by = ''`,
		kind, key, p, store.Ms(due)); err != nil {
		return fmt.Errorf("reschedule job %s/%s: %w", kind, key, err)
	}
	return nil
}

// Cancel deletes the job if it has not run yet and reports whether it did.
// A job already done stays as the record that it ran.
func Cancel(ctx context.Context, q store.Querier, kind, key string) (bool, error) {
	res, err := q.Exec(ctx, `DELETE FROM jobs WHERE kind = ? AND key = ? AND done_at IS NULL`, kind, key)
	if err != nil {
		return false, fmt.Errorf("cancel job %s/%s: %w", kind, key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

const cols = `id, kind, key, payload, due_at, done_at, failed_at, attempts, last_error, locked_until, locked_by`

func scan(sc interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var due int64
	var done, failed, locked sql.NullInt64
	err := sc.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &due, &done, &failed, &j.Attempts, &j.LastError, &locked, &j.LockedBy)
	j.DueAt, j.DoneAt, j.FailedAt, j.LockedUntil = store.Time(due), store.NullMs(done), store.NullMs(failed), store.NullMs(locked)
	return j, err
}

// Get returns the job of a kind and key.
func Get(ctx context.Context, q store.Querier, kind, key string) (Job, error) {
	j, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM jobs WHERE kind = ? AND key = ?`, kind, key))
	if err != nil {
		return Job{}, errs.Wrap(store.MapError(err), fmt.Sprintf("get job %s/%s", kind, key))
	}
	return j, nil
}

// Runner claims and runs due jobs. Set DB, Clock and Log (or use
// NewRunner); zero limits take the defaults.
type Runner struct {
	DB          *store.DB
	Clock       clock.Clock
	Log         *slog.Logger
	ID          string        // recorded in locked_by; NewRunner makes one
	MaxAttempts int           // failures before a job is marked failed
	Timeout     time.Duration // a handler's time limit
	// Backoff gives the wait after the n-th failure (n ≥ 1); by default
	// 30 s doubling up to 6 h.
	Backoff func(n int) time.Duration

	handlers map[string]Handler
	ticks    []tick
}

type tick struct {
	name string
	fn   func(ctx context.Context) error
}

// NewRunner returns a runner with an ID naming this host and process.
func NewRunner(db *store.DB, c clock.Clock, log *slog.Logger) *Runner {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return &Runner{DB: db, Clock: c, Log: log, ID: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// Register sets the handler of a kind. Registering a kind twice or a nil
// handler is a programming error and panics.
func (r *Runner) Register(kind string, h Handler) {
	if h == nil {
		panic("jobs: nil handler for " + kind)
	}
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	if _, dup := r.handlers[kind]; dup {
		panic("jobs: handler for " + kind + " registered twice")
	}
	r.handlers[kind] = h
}

// Tick adds work that Start runs on every round after the due jobs, e.g.
// sending pending notification deliveries.
func (r *Runner) Tick(name string, fn func(ctx context.Context) error) {
	r.ticks = append(r.ticks, tick{name: name, fn: fn})
}

func (r *Runner) kinds() []any {
	ks := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	out := make([]any, len(ks))
	for i, k := range ks {
		out[i] = k
	}
	return out
}

func (r *Runner) maxAttempts() int {
	if r.MaxAttempts > 0 {
		return r.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (r *Runner) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return DefaultTimeout
}

func (r *Runner) backoff(n int) time.Duration {
	if r.Backoff != nil {
		return r.Backoff(n)
	}
	return Backoff(n, DefaultBackoffBase, DefaultBackoffMax)
}

// Backoff returns base·2^(n-1), at most max: the wait after the n-th failure.
func Backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

func (r *Runner) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

// handlerError marks an error returned by a handler (as opposed to the
// database), so RunDue records it on the job instead of returning it.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// RunDue runs up to limit due jobs, one transaction each, and returns how
// many it handled (done or failed attempt). Handler errors are recorded on
// the jobs; only database errors are returned.
func (r *Runner) RunDue(ctx context.Context, limit int) (int, error) {
	n := 0
	for n < limit {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		ran, err := r.runOne(ctx)
		if err != nil {
			return n, err
		}
		if !ran {
			break
		}
		n++
	}
	return n, nil
}

func (r *Runner) runOne(ctx context.Context) (bool, error) {
	if len(r.handlers) == 0 {
		return false, nil
	}
	kinds := r.kinds()
	var job Job
	var claimed bool
	err := r.DB.InTx(ctx, func(tx *store.Tx) error {
		claimed = false
		now := r.Clock.Now()
		query := `SELECT ` + cols + ` FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND due_at <= ? AND kind IN (` +
			store.Placeholders(len(kinds)) + `) ORDER BY due_at, id LIMIT 1`
		if tx.Dialect() == store.Postgres {
			query += ` FOR UPDATE SKIP LOCKED`
		}
		var err error
		job, err = scan(tx.QueryRow(ctx, query, append([]any{store.Ms(now)}, kinds...)...))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		claimed = true
		deadline := now.Add(r.timeout())
		if err := r.call(ctx, tx, job, deadline); err != nil {
			return &handlerError{err}
		}
		res, err := tx.Exec(ctx, `UPDATE jobs SET done_at = ?, attempts = attempts + 1, last_error = '', locked_until = ?, locked_by = ? WHERE id = ? AND done_at IS NULL`,
			store.Ms(r.Clock.Now()), store.Ms(deadline), r.ID, job.ID)
		if err != nil {
			return fmt.Errorf("mark job %d done: %w", job.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("mark job %d done: it was done meanwhile", job.ID)
		}
		return nil
	})
	var he *handlerError
	if errors.As(err, &he) {
		return true, r.recordFailure(ctx, job, he.err)
	}
	if err != nil {
		return false, err
	}
	return claimed, nil
}

// call runs the handler with a deadline, turning a panic into an error.
func (r *Runner) call(ctx context.Context, tx *store.Tx, job Job, deadline time.Time) (err error) {
	h := r.handlers[job.Kind]
	hctx, cancel := context.WithTimeout(ctx, deadline.Sub(r.Clock.Now()))
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			r.logger().Error("job handler panicked", "kind", job.Kind, "key", job.Key, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	return h(hctx, tx, job)
}

// recordFailure counts a failed attempt in a new transaction: the job is
// due again after the backoff, or marked failed after MaxAttempts.
func (r *Runner) recordFailure(ctx context.Context, job Job, cause error) error {
	msg := cause.Error()
	if utf8.RuneCountInString(msg) > maxErrorLen {
		msg = string([]rune(msg)[:maxErrorLen])
	}
	attempts := job.Attempts + 1
	now := r.Clock.Now()
	var failed any
	due := now.Add(r.backoff(attempts))
	if attempts >= r.maxAttempts() {
		failed, due = store.Ms(now), job.DueAt
	}
	r.logger().Warn("job failed", "kind", job.Kind, "key", job.Key, "attempt", attempts, "error", msg, "gave_up", failed != nil)
	err := r.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE jobs SET attempts = ?, last_error = ?, due_at = ?, failed_at = ?, locked_until = ?, locked_by = ? WHERE id = ? AND done_at IS NULL AND attempts = ?`,
			attempts, msg, store.Ms(due), failed, store.Ms(now), r.ID, job.ID, job.Attempts)
		return err
	})
	if err != nil {
		return fmt.Errorf("record failure of job %d: %w", job.ID, err)
	}
	return nil
}

// Start runs due jobs and then the ticks every interval until ctx ends.
func (r *Runner) Start(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

const batch = 100

func (r *Runner) round(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := r.RunDue(ctx, batch)
		if err != nil && ctx.Err() == nil {
			r.logger().Error("run due jobs", "error", err)
		}
		if err != nil || n < batch {
			break
		}
	}
	for _, tk := range r.ticks {
		if ctx.Err() != nil {
			return
		}
		if err := tk.fn(ctx); err != nil && ctx.Err() == nil {
			r.logger().Error("job tick", "name", tk.name, "error", err)
		}
	}
}

// Failed lists the jobs that gave up, newest first; admins only.
func Failed(ctx context.Context, q store.Querier, a access.Actor, limit int) ([]Job, error) {
	if !a.Has(access.Admin) {
		return nil, errs.Forbid()
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM jobs WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT `+fmt.Sprint(limit))
	if err != nil {
		return nil, fmt.Errorf("list failed jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan job: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Retry puts a failed job back in the queue, due at now with attempts
// reset; admins only, audited.
func Retry(ctx context.Context, q store.Querier, now time.Time, a access.Actor, id int64) error {
	if !a.Has(access.Admin) {
		return errs.Forbid()
	}
	before, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM jobs WHERE id = ?`, id))
	if err != nil {
		return errs.Wrap(store.MapError(err), fmt.Sprintf("get job %d", id))
	}
	if before.FailedAt.IsZero() {
		return errs.New(errs.Conflict, "err.jobs.not_failed")
	}
	if _, err := q.Exec(ctx, `UPDATE jobs SET failed_at = NULL, attempts = 0, due_at = ? WHERE id = ? AND failed_at IS NOT NULL`, store.Ms(now), id); err != nil {
		return fmt.Errorf("retry job %d: %w", id, err)
	}
	return audit.Record(ctx, q, now, a, AuditEntity, id, "retry", before, map[string]any{"kind": before.Kind, "key": before.Key, "due_at": now})
}
