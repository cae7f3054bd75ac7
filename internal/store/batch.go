package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit for SQLite.
//
// SQLite has one writer at a time and, with synchronous=FULL, every commit
// waits for an fsync of the write-ahead log: a few hundred commits per
// second on ordinary disks. The batcher lets concurrent write transactions
// share that fsync: one goroutine owns the writing connection, takes every
// transaction waiting in the queue, runs each inside its own SAVEPOINT of
// one BEGIN IMMEDIATE transaction and commits them together.
//
// What a caller sees is unchanged: InTx returns only after the COMMIT that
// holds its writes has reached the disk (so an answer sent after it is
// durable); a transaction whose function fails is rolled back to its
// savepoint and leaves nothing behind; transactions run one after another,
// each seeing the writes of those before it, exactly as if each had
// committed alone. If the shared transaction itself breaks (an error that
// aborts the whole SQLite transaction, or a failed COMMIT), the members
// that had succeeded are run again one by one, each in its own transaction.
//
// A transaction function runs on the batcher's goroutine with its caller's
// context detached from cancellation (a cancelled statement would abort
// the whole shared transaction); a caller whose context is done before its
// turn is answered with the context's error and nothing runs. As before,
// a function must not start another InTx: it would wait for itself.

// maxBatch bounds how many transactions share one commit, which bounds
// the wait of the first one in the group.
const maxBatch = 128

type batchReq struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	tx   *Tx // the member's view, for its AfterCommit functions
	err  error
	done chan struct{}
	// panicked holds a panic raised by fn, re-raised in the caller.
	panicked any
}

type batcher struct {
	db      *DB
	commits atomic.Int64 // transactions committed (shared or alone)
	members atomic.Int64 // InTx calls that committed
	queue   chan *batchReq
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func newBatcher(db *DB) *batcher {
	b := &batcher{db: db, queue: make(chan *batchReq, 4*maxBatch), stop: make(chan struct{}), stopped: make(chan struct{})}
	go b.loop()
	return b
}

// close stops the writer goroutine after the transactions queued so far.
func (b *batcher) close() {
	b.once.Do(func() { close(b.stop) })
	<-b.stopped
}

// submit queues fn and waits until its group has committed or failed.
func (b *batcher) submit(ctx context.Context, fn func(tx *Tx) error) error {
	r := &batchReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case b.queue <- r:
	case <-b.stop:
		return errors.New("store: database closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the outcome is awaited even if ctx ends: a commit may be
	// under way.
	select {
	case <-r.done:
	case <-b.stopped:
		select {
		case <-r.done:
		default: // queued after the last drain: never ran
			return errors.New("store: database closed")
		}
	}
	if r.panicked != nil {
		panic(r.panicked)
	}
	if r.err == nil {
		for _, f := range r.tx.after {
			f()
		}
	}
	return r.err
}

func (b *batcher) loop() {
	defer close(b.stopped)
	for {
		var first *batchReq
		select {
		case first = <-b.queue:
		case <-b.stop:
			// Finish what was queued before the stop.
			for {
				select {
				case r := <-b.queue:
					b.run([]*batchReq{r})
				default:
					return
				}
			}
		}
		group := []*batchReq{first}
	drain:
		for len(group) < maxBatch {
			select {
			case r := <-b.queue:
				group = append(group, r)
			default:
				break drain
			}
		}
		b.run(group)
	}
}

// run executes one group in one transaction and answers every member.
func (b *batcher) run(group []*batchReq) {
	live := group[:0:0]
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			close(r.done)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		b.alone(live[0])
		return
	}
	stx, err := b.db.sql.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("begin transaction: %w", MapError(err))
		for _, r := range live {
			r.err = err
			close(r.done)
		}
		return
	}
	var ok []*batchReq
	broken := false
	for _, r := range live {
		if broken {
			// The shared transaction is gone: the rest run alone.
			b.alone(r)
			continue
		}
		if _, err := stx.Exec("SAVEPOINT member"); err != nil {
			_ = stx.Rollback()
			broken = true
			b.rerun(ok)
			ok = nil
			b.alone(r)
			continue
		}
		r.tx = &Tx{tx: stx, dialect: b.db.dialect, stmts: b.db.stmts, detached: true}
		ferr, p := b.call(r)
		if ferr == nil && p == nil {
			if _, err := stx.Exec("RELEASE member"); err == nil {
				ok = append(ok, r)
				continue
			}
			ferr = errors.New("store: release savepoint failed")
		}
		// The member failed: undo its writes only.
		r.err, r.panicked = ferr, p
		_, rbErr := stx.Exec("ROLLBACK TO member")
		if rbErr == nil {
			_, rbErr = stx.Exec("RELEASE member")
		}
		close(r.done)
		if rbErr != nil {
			// Its error aborted the whole transaction: the members that
			// had succeeded lost their writes and run again alone.
			_ = stx.Rollback()
			broken = true
			b.rerun(ok)
			ok = nil
		}
	}
	if broken {
		return
	}
	if len(ok) == 0 {
		_ = stx.Rollback()
		return
	}
	if err := stx.Commit(); err != nil {
		err = fmt.Errorf("commit: %w", MapError(err))
		for _, r := range ok {
			r.err = err
			close(r.done)
		}
		return
	}
	b.commits.Add(1)
	b.members.Add(int64(len(ok)))
	for _, r := range ok {
		close(r.done)
	}
}

// rerun runs members again, each alone, after their group was lost.
func (b *batcher) rerun(members []*batchReq) {
	for _, r := range members {
		b.alone(r)
	}
}

// alone runs one member in a transaction of its own.
func (b *batcher) alone(r *batchReq) {
	defer close(r.done)
	stx, err := b.db.sql.BeginTx(context.Background(), nil)
	if err != nil {
		r.err = fmt.Errorf("begin transaction: %w", MapError(err))
		return
	}
	r.tx = &Tx{tx: stx, dialect: b.db.dialect, stmts: b.db.stmts, detached: true}
	ferr, p := b.call(r)
	if ferr != nil || p != nil {
		_ = stx.Rollback()
		r.err, r.panicked = ferr, p
		return
	}
	if err := stx.Commit(); err != nil {
		r.err = fmt.Errorf("commit: %w", MapError(err))
		return
	}
	b.commits.Add(1)
	b.members.Add(1)
}

// call runs the member's function, catching a panic to hand it back to
// the caller's goroutine.
func (b *batcher) call(r *batchReq) (err error, p any) {
	defer func() {
		if v := recover(); v != nil {
			p = v
			if p == nil {
				p = errors.New("panic(nil) in transaction function")
			}
		}
	}()
	r.tx.after = nil
	return r.fn(r.tx), nil
}

// CommitStats reports, for SQLite, how many commits were made and how many
// write transactions they carried (their ratio is the mean group size).
func (db *DB) CommitStats() (commits, txs int64) {
	if db.batch == nil {
		return 0, 0
	}
	return db.batch.commits.Load(), db.batch.members.Load()
}
