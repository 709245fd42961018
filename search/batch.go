package search

import (
	"context"
	"sync"
	"time"
)

// Batching: the indexing jobs of a bulk write run side by side on the 'search' queue, and each
// alone would cost a Postgres read, a Meilisearch task and a wait. The jobs that arrive within
// batchWindow of each other hand their record to one batch per table instead, which reads,
// sends and waits once for all of them and gives each job the shared result.
const (
	// batchWindow is how long a batch gathers records after its first; it adds at most this to
	// a single write's commit-to-searchable time.
	batchWindow = 10 * time.Millisecond
	// batchMax closes a batch early. Reading and sending hold a lock per record
	// (models.Store.SearchRecords: so what is sent last is what was read last), so a batch
	// stays the size of the pages reindexing sends. Batches sharing records take their locks
	// in id order and wait for each other rather than deadlock.
	batchMax = pageSize
)

// batcher gathers the records asked for by concurrent jobs, per table. Its zero value is ready.
type batcher struct {
	mu   sync.Mutex
	open map[string]*batch // by table, the batch still taking records
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
	timer   *time.Timer
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

// join adds a record to the table's open batch, opening one if there is none, and starts the
// batch when it is full.
func (bs *batcher) join(c *Client, table, id string) *batch {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if bs.open == nil {
		bs.open = map[string]*batch{}
	}
	b := bs.open[table]
	if b == nil {
		// The batch outlives any one job: it stops when nobody waits for it any more, or at the
		// deadline a job of its own would have.
		ctx, cancel := context.WithTimeout(context.Background(), TaskTimeout+2*callTimeout)
		b = &batch{table: table, has: map[string]bool{}, ctx: ctx, cancel: cancel, done: make(chan struct{})}
		bs.open[table] = b
		b.timer = time.AfterFunc(batchWindow, func() { bs.start(c, b) })
	}
	b.waiting++
	if !b.has[id] {
		b.has[id] = true
		b.ids = append(b.ids, id)
	}
	if len(b.ids) >= batchMax && b.timer.Stop() {
		delete(bs.open, table)
		go bs.run(c, b)
	}
	return b
}

// start closes the batch to new records, when its window ends, and runs it.
func (bs *batcher) start(c *Client, b *batch) {
	bs.mu.Lock()
	if bs.open[b.table] != b {
		bs.mu.Unlock()
		return // all its jobs left
	}
	delete(bs.open, b.table)
	bs.mu.Unlock()
	bs.run(c, b)
}

// run indexes the batch's records and gives the result to its jobs.
func (bs *batcher) run(c *Client, b *batch) {
	defer b.cancel()
	_, b.err = c.indexRecords(b.ctx, b.table, b.ids)
	close(b.done)
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
		b.timer.Stop()
	}
	b.cancel()
}
