// Package search owns Meilisearch: the client, index settings, documents, the indexing worker
// and the Postgres fallback. Postgres is the truth; the index follows it through indexing jobs
// that triggers enqueue with every write (migrations/00030_search.sql).
package search

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/hzcbec/portal/models"
)

// DefaultIndex is the index's name when PORTAL_SEARCH_INDEX does not name another.
const DefaultIndex = "portal"

// Deadlines of the calls to Meilisearch.
const (
	// QueryTimeout bounds a search before it answers from Postgres instead.
	QueryTimeout = 500 * time.Millisecond
	// TaskTimeout bounds the wait for an indexing or settings task to finish.
	TaskTimeout = 30 * time.Second
	// callTimeout bounds one request (enqueueing a task, reading a page of documents).
	callTimeout = 10 * time.Second
)

// Client talks to one Meilisearch server, on one index, and reads the records from Postgres.
type Client struct {
	meili meilisearch.ServiceManager
	index string
	store *models.Store
	// WarmUp has Run write, delete and search one document first (warm), so that the first
	// user's write is as quick as the rest.
	WarmUp bool

	mu sync.Mutex
	// downSince is when Meilisearch stopped answering; zero while it answers.
	downSince time.Time
	// checkedAt is when it was last tried; while down, queries skip it until the next probe.
	checkedAt time.Time
	// setUp is true once the index has its primary key and settings.
	setUp bool

	// batches gathers the records of concurrent indexing jobs (batch.go).
	batches batcher
}

var indexName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,400}$`)

// Open makes a client for the server at url with the given key, on the named index (DefaultIndex
// when empty). It does not call the server: a portal starts, and searches from Postgres, while
// Meilisearch is away.
func Open(url, key, index string, store *models.Store) (*Client, error) {
	if url == "" {
		return nil, fmt.Errorf("MEILI_URL is not set: `make run` starts a Meilisearch server, or point MEILI_URL at one")
	}
	if index == "" {
		index = DefaultIndex
	}
	if !indexName.MatchString(index) {
		return nil, fmt.Errorf("PORTAL_SEARCH_INDEX=%q: an index name is letters, digits, - and _", index)
	}
	return &Client{meili: Connect(url, key), index: index, store: store}, nil
}

// Index is the name of the index this client writes and searches.
func (c *Client) Index() string { return c.index }

// Ping checks that the server answers and is available.
func (c *Client) Ping(ctx context.Context) error {
	h, err := c.meili.Health(ctx)
	if err != nil {
		return fmt.Errorf("meilisearch: %w", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("meilisearch: status %q", h.Status)
	}
	return nil
}

// DeleteIndex removes the index and waits for it to be gone (tests, and reindexing from nothing).
func (c *Client) DeleteIndex(ctx context.Context) error {
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	task, err := c.meili.DeleteIndex(callCtx, c.index)
	if err != nil {
		var me *meilisearch.Error
		if errors.As(err, &me) && me.StatusCode == http.StatusNotFound {
			return nil
		}
		return err
	}
	c.mu.Lock()
	c.setUp = false
	c.mu.Unlock()
	if err := c.wait(ctx, task, "deleting the index"); err != nil && !strings.Contains(err.Error(), "index_not_found") {
		return err
	}
	return nil
}

// wait waits, with TaskTimeout, for a task to finish and checks that it succeeded: a task that
// failed or is still waiting at the deadline is an error.
func (c *Client) wait(ctx context.Context, info *meilisearch.TaskInfo, what string) error {
	ctx, cancel := context.WithTimeout(ctx, TaskTimeout)
	defer cancel()
	task, err := c.meili.WaitForTask(ctx, info.TaskUID, 50*time.Millisecond)
	if err != nil {
		return fmt.Errorf("meilisearch: waiting for task %d (%s): %w", info.TaskUID, what, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("meilisearch: task %d (%s) %s: %s (%s)", info.TaskUID, what, task.Status, task.Error.Message, task.Error.Code)
	}
	return nil
}

// unavailable tells a server that does not answer (refused, timed out, 5xx) from one that
// answers with an error about the request.
func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var me *meilisearch.Error
	if !errors.As(err, &me) {
		return false
	}
	switch me.ErrCode {
	case meilisearch.TimeoutError, meilisearch.CommunicationError, meilisearch.MaxRetriesExceeded:
		return true
	}
	return me.StatusCode >= 500
}

// markDown notes that Meilisearch did not answer; markUp that it did.
func (c *Client) markDown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.downSince.IsZero() {
		c.downSince = now
	}
	c.checkedAt = now
}

func (c *Client) markUp() (wasDown bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wasDown = !c.downSince.IsZero()
	c.downSince = time.Time{}
	c.checkedAt = time.Now()
	return wasDown
}

// outage is how long Meilisearch has not answered (zero while it answers).
func (c *Client) outage() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.downSince.IsZero() {
		return 0
	}
	return time.Since(c.downSince)
}

// skip tells a query not to try Meilisearch: it was down at the last try, less than a probe
// interval ago. The background probe (Run) notices when it is back.
func (c *Client) skip() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.downSince.IsZero() && time.Since(c.checkedAt) < probeInterval
}
