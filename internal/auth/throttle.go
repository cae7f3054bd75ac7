package auth

import (
	"context"
	"fmt"
	"sort"
	"time"

	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Throttle: attempts are counted in fixed windows per bucket. One user name
// from one address, and any names from one address, are locked for the rest
// of the window past their limit; a user name tried from many addresses is
// only slowed down, so that guessing it cannot lock its owner out.
const (
	throttleWindow     = 15 * time.Minute
	maxFailuresPerPair = 5  // one user name from one address
	maxFailuresPerIP   = 20 // any user names from one address
	slowAfterFailures  = 5  // one user name from anywhere: then each try waits
	slowStep           = time.Second
	maxSlowdown        = 10 * time.Second
)

// attempt is one log-in attempt's buckets and their counts.
type attempt struct {
	pair, ip, user string
	counts         map[string]int64
	ends           map[string]time.Time // when each bucket's window ends
}

func newAttempt(username, ip string) *attempt {
	return &attempt{pair: "p:" + ip + "|" + username, ip: "i:" + ip, user: "u:" + username}
}

// count adds the attempt to its buckets in one statement, before the
// password is checked, so that attempts racing each other all see each
// other's counts. Buckets go in a fixed order (no deadlock on PostgreSQL).
func (s *Service) count(ctx context.Context, at *attempt, now time.Time) error {
	keys := []string{at.pair, at.ip, at.user}
	sort.Strings(keys)
	start, cutoff := store.Ms(now), store.Ms(now.Add(-throttleWindow))
	rows, err := s.DB.Query(ctx, `INSERT INTO login_throttle (bucket, window_start, n) VALUES (?, ?, 1), (?, ?, 1), (?, ?, 1)
		ON CONFLICT (bucket) DO UPDATE SET
			n = CASE WHEN login_throttle.window_start <= ? THEN 1 ELSE login_throttle.n + 1 END,
			window_start = CASE WHEN login_throttle.window_start <= ? THEN excluded.window_start ELSE login_throttle.window_start END
		RETURNING bucket, n, window_start`, keys[0], start, keys[1], start, keys[2], start, cutoff, cutoff)
	if err != nil {
		return fmt.Errorf("count log-in attempt: %w", err)
	}
	defer rows.Close()
	at.counts, at.ends = map[string]int64{}, map[string]time.Time{}
	for rows.Next() {
		var b string
		var n, ws int64
		if err := rows.Scan(&b, &n, &ws); err != nil {
			return fmt.Errorf("scan log-in count: %w", err)
		}
		at.counts[b], at.ends[b] = n, store.Time(ws).Add(throttleWindow)
	}
	return rows.Err()
}

// refused returns the rate-limited error of an attempt past the limit of
// its pair or its address, or nil.
func (at *attempt) refused(now time.Time) error {
	var end time.Time
	if at.counts[at.pair] > maxFailuresPerPair {
		end = at.ends[at.pair]
	}
	if at.counts[at.ip] > maxFailuresPerIP && at.ends[at.ip].After(end) {
		end = at.ends[at.ip]
	}
	if end.IsZero() {
		return nil
	}
	secs := max(1, int((end.Sub(now)+time.Second-1)/time.Second))
	return errs.New(errs.TooMany, "err.login_throttled", "minutes", (secs+59)/60, "retry_after", secs)
}

// slowdown is how long the attempt waits because its user name failed
// often in the window, from wherever.
func (at *attempt) slowdown() time.Duration {
	over := at.counts[at.user] - slowAfterFailures
	if over <= 0 {
		return 0
	}
	return min(time.Duration(over)*slowStep, maxSlowdown)
}

// uncount takes back the attempt from its buckets: a success is no failure
// (and clears its pair), and an attempt refused for lack of a hash slot
// was never checked.
func (s *Service) uncount(ctx context.Context, q store.Querier, at *attempt, clearPair bool) error {
	if clearPair {
		if _, err := q.Exec(ctx, `DELETE FROM login_throttle WHERE bucket = ?`, at.pair); err != nil {
			return fmt.Errorf("clear log-in count: %w", err)
		}
	}
	if _, err := q.Exec(ctx, `UPDATE login_throttle SET n = n - 1 WHERE bucket IN (?, ?, ?) AND n > 0`, at.pair, at.ip, at.user); err != nil {
		return fmt.Errorf("take back log-in count: %w", err)
	}
	return nil
}
