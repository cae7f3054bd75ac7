package auth

import (
	"context"
	"testing"
	"time"

	"jiedai/internal/errs"
)

// One slot and one waiting place: the second caller waits for the slot,
// the third is refused at once, and a waiter gives up after the wait.
func TestHashGate(t *testing.T) {
	g := newHashGate(1, 1, time.Hour)
	ctx := context.Background()
	hold, held := make(chan struct{}), make(chan struct{})
	go func() { _ = g.run(ctx, func() { close(held); <-hold }) }()
	<-held
	second := make(chan error)
	go func() { second <- g.run(ctx, func() {}) }()
	for len(g.waiting) < 2 {
		time.Sleep(time.Millisecond)
	}
	if err := g.run(ctx, func() { t.Error("third caller ran") }); errs.As(err).Key != "err.login_busy" {
		t.Fatalf("third caller: %v", err)
	}
	close(hold)
	if err := <-second; err != nil {
		t.Fatalf("waiting caller: %v", err)
	}
	short := newHashGate(1, 1, 10*time.Millisecond)
	short.slots <- struct{}{}
	if err := short.run(ctx, func() { t.Error("ran without a slot") }); errs.As(err).Kind != errs.TooMany {
		t.Fatalf("waiter past its wait: %v", err)
	}
}
