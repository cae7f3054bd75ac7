package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps prepared statements for the queries a program runs
// again and again. Parsing and planning a statement costs SQLite (here
// compiled to Go) more than running most of ours, so each connection
// prepares a query once and reuses it (database/sql keeps a *sql.Stmt
// prepared per connection, and transactions reuse their connection's).
//
// A query is prepared in the background the first time it is seen, so
// that no caller ever waits for a second connection while holding one; it
// runs unprepared until then. Only the first maxStmts distinct queries are
// kept: queries built with varying shapes beyond that run unprepared.
// Scripts of several statements (migrations) are never cached.
type stmtCache struct {
	db   *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt // nil value: being prepared, or failed
	done bool
}

const maxStmts = 256

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of q, or nil to run q unprepared.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, seen := c.m[q]
	c.mu.RUnlock()
	if seen {
		return st
	}
	if strings.Contains(q, ";") {
		return nil
	}
	c.mu.Lock()
	if _, seen := c.m[q]; seen || len(c.m) >= maxStmts || c.done {
		c.mu.Unlock()
		return nil
	}
	c.m[q] = nil
	c.mu.Unlock()
	go c.prepare(q)
	return nil
}

func (c *stmtCache) prepare(q string) {
	st, err := c.db.PrepareContext(context.Background(), q)
	if err != nil {
		return // stays nil: the query runs unprepared and reports its error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		st.Close()
		return
	}
	c.m[q] = st
}

// close releases the statements; later queries run unprepared.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done = true
	for q, st := range c.m {
		if st != nil {
			st.Close()
		}
		delete(c.m, q)
	}
}
