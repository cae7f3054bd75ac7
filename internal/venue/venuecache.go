package venue

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// listCache keeps the venue list, which availability searches, the day
// grid and alternatives read on every request. Each use checks the cheap
// version of the table (how many venues, and the latest change, from an
// index) and reloads when it moved; a change made by this instance drops
// the cache at once; and the list is never older than listMaxAge, so
// another instance's edit within the same millisecond shows by then.
type listCache struct {
	mu     sync.Mutex
	list   []Venue
	count  int64
	latest int64
	at     time.Time
	gen    uint64 // bumped by forget: a load begun before does not land
}

const listMaxAge = 10 * time.Second

// forget drops the cached list (after a change committed here).
func (c *listCache) forget() {
	c.mu.Lock()
	c.list, c.gen = nil, c.gen+1
	c.mu.Unlock()
}

func (c *listCache) all(ctx context.Context, s *Service) ([]Venue, error) {
	var count, latest int64
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM venues`).Scan(&count, &latest); err != nil {
		return nil, fmt.Errorf("venue list version: %w", err)
	}
	c.mu.Lock()
	if c.list != nil && c.count == count && c.latest == latest && time.Since(c.at) < listMaxAge {
		out := slices.Clone(c.list)
		c.mu.Unlock()
		return out, nil
	}
	gen := c.gen
	c.mu.Unlock()
	list, err := s.load(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.list, c.count, c.latest, c.at = list, count, latest, time.Now()
	}
	c.mu.Unlock()
	return slices.Clone(list), nil
}
