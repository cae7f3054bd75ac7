package auth

import (
	"context"
	"time"

	"jiedai/internal/errs"
)

// hashGate bounds the password hashes that run at once: each argon2id
// check takes argonMemory KiB, so unbounded parallel log-ins would
// exhaust memory and CPU. A few callers may wait briefly for a slot; the
// rest are refused at once.
type hashGate struct {
	slots   chan struct{} // held while hashing
	waiting chan struct{} // held while hashing or waiting for a slot
	wait    time.Duration // longest wait for a slot
}

// busyRetry is the Retry-After (seconds) of a refusal for lack of a slot.
const busyRetry = 1

func newHashGate(workers, waiters int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, workers), waiting: make(chan struct{}, workers+waiters), wait: wait}
}

// admit takes a place among those hashing or waiting to, or refuses at
// once when every place is taken; leave gives the place back.
func (g *hashGate) admit() (leave func(), err error) {
	select {
	case g.waiting <- struct{}{}:
		return func() { <-g.waiting }, nil
	default:
		return nil, busy()
	}
}

// run waits for a slot, at most g.wait, and calls f holding it; the caller
// holds a place (see admit). When no slot frees up in time it returns a
// rate-limited error instead.
func (g *hashGate) run(ctx context.Context, f func()) error {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-t.C:
		return busy()
	case <-ctx.Done():
		return busy()
	}
	defer func() { <-g.slots }()
	f()
	return nil
}

// do is admit and run together.
func (g *hashGate) do(ctx context.Context, f func()) error {
	leave, err := g.admit()
	if err != nil {
		return err
	}
	defer leave()
	return g.run(ctx, f)
}

func busy() error {
	return errs.New(errs.TooMany, "err.login_busy", "retry_after", busyRetry)
}
