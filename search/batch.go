package search

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Batching: the indexing jobs of a bulk write run side by side on the 'search' queue, and each
// alone would cost a Postgres read, a Meilisearch task and a wait. The jobs hand their record to
// one batch per table instead, which reads, sends and waits once for all of them and gives each
// job the shared result.
//
// One batch per table is indexed at a time. A lone write waits batchWindow at most. The records
// that arrive while a batch is being indexed gather in the next one, which starts once the first
// is done and, if the first held loadBatch records or more, loadWindow has passed since its own
// first record: under load, Meilisearch gets a batch about once a second. Each of its batches costs about as much again as a hundred documents (it
// updates its word and prefix databases whole), so fewer and larger ones leave more of the
// machine to the writes (docs/benchmarks.md, "Disputes").
const (
	// batchWindow is how long an idle table's batch gathers records after its first.
	batchWindow = 10 * time.Millisecond
	// loadWindow is how long a batch gathering behind a busy one gathers at least.
	loadWindow = time.Second
	// batchMax starts an idle table's batch early. Reading and sending hold a lock per record
	// (models.Store.SearchRecords: so what is sent last is what was read last), and batches
	// sharing records take their locks in id order and wait for each other rather than deadlock.
	batchMax = pageSize
	// loadMax starts a batch gathering behind a busy one before its loadWindow is over.
	loadMax = 4 * pageSize
	// loadBatch is the size from which a batch counts as load: the one behind it waits for its
	// loadWindow. Behind a smaller one, it starts as soon as that one is done.
	loadBatch = 20
)

// batcher gathers the records asked for by concurrent jobs, per table. Its zero value is ready.
type batcher struct {
	mu   sync.Mutex
	open map[string]*batch // by table, the batch still taking records
	busy map[string]bool   // by table, whether a batch is being indexed
}

// batch is one indexRecords call shared by the jobs waiting for it.
type batch struct {
	table string
	ids   []string
	has   map[string]bool
	// waiting counts the jobs still waiting; when the last one leaves, ctx is cancelled.
	waiting int
	ctx     context.Context
	cancel  context.CancelFunc
	timer   *time.Timer   // the gathering window of an idle table's batch; nil behind a busy one
	due     time.Time     // behind a busy one: when it may start
	done    chan struct{} // closed when err is set
	err     error
}

// indexBatched indexes one record of a table along with the others asked for meanwhile, and answers
// once the batch holding it is indexed (or failed), or ctx ends.
func (c *Client) indexBatched(ctx context.Context, table, id string) error {
	b := c.batches.join(c, table, id)
	select {
	case <-b.done:
		return b.err
	case <-ctx.Done():
		c.batches.leave(b)
		return ctx.Err()
	}
}

// join adds a record to the table's open batch, opening one if there is none. An idle table's
// batch starts when its window ends or it is full; a busy table's when the busy one is done.
func (bs *batcher) join(c *Client, table, id string) *batch {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.open == nil {
		bs.open, bs.busy = map[string]*batch{}, map[string]bool{}
	}
	b := bs.open[table]
	if b == nil {
		b = newBatch(table)
		bs.open[table] = b
		if bs.busy[table] {
			b.due = time.Now().Add(loadWindow)
		} else {
			b.timer = time.AfterFunc(batchWindow, func() { bs.start(c, b) })
		}
	}
	b.waiting++
	if !b.has[id] {
		b.has[id] = true
		b.ids = append(b.ids, id)
	}
	if len(b.ids) >= batchMax && b.timer != nil && b.timer.Stop() {
		bs.take(b)
		go bs.run(c, b)
	}
	return b
}

// batchBudget is how long indexing one batch may take, from when it starts (not from when it
// began to gather): a read, a send and the tasks' wait.
const batchBudget = TaskTimeout + 2*callTimeout

// newBatch is an empty batch. It outlives any one job: it stops when nobody waits for it any
// more, or batchBudget after it starts.
func newBatch(table string) *batch {
	ctx, cancel := context.WithCancel(context.Background())
	return &batch{table: table, has: map[string]bool{}, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// take closes the batch to new records and marks its table busy; bs.mu is held.
func (bs *batcher) take(b *batch) {
	delete(bs.open, b.table)
	bs.busy[b.table] = true
}

// start runs the batch when its window ends, unless all its jobs left.
func (bs *batcher) start(c *Client, b *batch) {
	bs.mu.Lock()
	if bs.open[b.table] != b {
		bs.mu.Unlock()
		return
	}
	bs.take(b)
	bs.mu.Unlock()
	bs.run(c, b)
}

// run indexes the batch's records and gives the result to its jobs, then the batches that
// gather behind it, until none is left.
func (bs *batcher) run(c *Client, b *batch) {
	for b != nil {
		b.err = b.index(c)
		b.cancel()
		close(b.done)
		b = bs.next(b.table, len(b.ids))
	}
}

// index indexes the batch's records within batchBudget. It runs outside River's own recovery,
// so a panic becomes the batch's error (its jobs fail and are retried) instead of ending the portal.
func (b *batch) index(c *Client) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search: indexing %d %s panicked: %v", len(b.ids), b.table, r)
		}
	}()
	ctx, cancel := context.WithTimeout(b.ctx, batchBudget)
	defer cancel()
	_, err = c.indexRecords(ctx, b.table, b.ids)
	return err
}

// next takes the batch gathering behind the one just indexed, of size done: at once after a
// small one (a quiet table: its next record should not wait), else when it is due or full. With
// none left, it marks the table idle and answers nil.
func (bs *batcher) next(table string, done int) *batch {
	for {
		bs.mu.Lock()
		n := bs.open[table]
		if n == nil {
			bs.busy[table] = false
			bs.mu.Unlock()
			return nil
		}
		if wait := time.Until(n.due); wait > 0 && done >= loadBatch && len(n.ids) < loadMax {
			bs.mu.Unlock()
			time.Sleep(min(wait, 50*time.Millisecond))
			continue
		}
		bs.take(n)
		bs.mu.Unlock()
		return n
	}
}

// leave takes a job whose context ended off its batch. A batch nobody waits for is dropped while
// it still gathers, or cancelled while it runs: its jobs will be retried and index the records again.
func (bs *batcher) leave(b *batch) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b.waiting--
	if b.waiting > 0 {
		return
	}
	if bs.open[b.table] == b {
		delete(bs.open, b.table)
		if b.timer != nil {
			b.timer.Stop()
		}
	}
	b.cancel()
}
