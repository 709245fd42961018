package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"github.com/riverqueue/river"

	"github.com/hzcbec/portal/models"
)

// IndexArgs asks for one record's documents to be made the same as the record in Postgres.
// The triggers of migrations/00030_search.sql insert these jobs with every write, on the queue
// of migrations/00033_search_queue.sql.
type IndexArgs struct {
	Type string `json:"type"` // a table of models.SearchTables
	ID   string `json:"id"`
}

// Queue is the River queue of the indexing jobs (workflows/jobs.go gives it its workers).
const Queue = "search"

// Kind names the job in River's table; the triggers write it too.
func (IndexArgs) Kind() string { return "search_index" }

// InsertOpts are those the triggers write, for a job inserted from Go.
func (IndexArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 25, Priority: 2}
}

// IndexWorker indexes one record, in a batch with the records of the jobs running beside it
// (batch.go): the batch reads them, upserts their documents (or deletes them when a record is
// gone), waits for Meilisearch's tasks with a deadline, and each job fails unless the tasks
// succeeded, so River retries it with backoff. Doing it twice changes nothing: documents are
// replaced whole, by id.
type IndexWorker struct {
	river.WorkerDefaults[IndexArgs]
	client *Client
}

// AddWorkers registers the indexing worker; the app passes it to workflows.NewJobs.
func (c *Client) AddWorkers(workers *river.Workers) {
	river.AddWorker(workers, &IndexWorker{client: c})
}

// Timeout leaves room for the batch being indexed when the job came, the gathering of its own
// behind it, and its own (batch.go).
func (w *IndexWorker) Timeout(*river.Job[IndexArgs]) time.Duration {
	return 2*batchBudget + loadWindow
}

// Work indexes the record. While Meilisearch does not answer, the job is snoozed rather than
// failed, so a long outage uses up no attempts; Run makes the waiting jobs due again as soon as
// Meilisearch answers.
func (w *IndexWorker) Work(ctx context.Context, job *river.Job[IndexArgs]) error {
	if !slices.Contains(models.SearchTables, job.Args.Type) || job.Args.ID == "" {
		return river.JobCancel(fmt.Errorf("search_index: no record %q of kind %q", job.Args.ID, job.Args.Type))
	}
	err := w.client.indexBatched(ctx, job.Args.Type, job.Args.ID)
	if err != nil && unavailable(err) && ctx.Err() == nil {
		return river.JobSnooze(w.client.snoozeFor())
	}
	return err
}

// snoozeFor grows with the outage, from a second to a minute, with jitter so the backlog does
// not come back at once.
func (c *Client) snoozeFor() time.Duration {
	d := min(max(c.outage(), time.Second), time.Minute)
	return d/2 + rand.N(d/2+1)
}

// IndexRecords makes the documents of records of one table the same as Postgres: it upserts the
// documents of the records that exist and deletes the others (a deleted record, or a case no
// longer published), then waits for the tasks. Reading and sending hold a lock on each record,
// so what is sent last is what was read last.
func (c *Client) IndexRecords(ctx context.Context, table string, ids []string) error {
	_, err := c.indexRecords(ctx, table, ids)
	return err
}

// indexRecords is IndexRecords; it also answers the ids of the documents it upserted.
func (c *Client) indexRecords(ctx context.Context, table string, ids []string) ([]string, error) {
	var tasks []*meilisearch.TaskInfo
	var sent []string
	err := c.store.SearchRecords(ctx, table, ids, func(rows []models.SearchRow) error {
		docs := make([]Document, 0, len(rows))
		keep := map[string]bool{}
		for _, r := range rows {
			d := NewDocument(r)
			docs = append(docs, d)
			keep[d.ID] = true
			sent = append(sent, d.ID)
		}
		var gone []string
		for _, id := range ids {
			for _, t := range models.SearchDocTypes(table) {
				if did := DocumentID(t, id); !keep[did] && !slices.Contains(gone, did) {
					gone = append(gone, did)
				}
			}
		}
		var err error
		tasks, err = c.send(ctx, docs, gone)
		return err
	})
	if err != nil {
		return nil, c.failed(err)
	}
	for _, t := range tasks {
		if err := c.wait(ctx, t, fmt.Sprintf("indexing %d %s", len(ids), table)); err != nil {
			return nil, c.failed(err)
		}
	}
	c.markUp()
	return sent, nil
}

// send enqueues the upserts and the deletions; Meilisearch applies them in that order.
func (c *Client) send(ctx context.Context, docs []Document, gone []string) ([]*meilisearch.TaskInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	index := c.meili.Index(c.index)
	pk := primaryKey
	var tasks []*meilisearch.TaskInfo
	if len(docs) > 0 {
		t, err := index.AddDocuments(ctx, docs, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return nil, fmt.Errorf("meilisearch: adding documents: %w", err)
		}
		tasks = append(tasks, t)
	}
	if len(gone) > 0 {
		t, err := index.DeleteDocuments(ctx, gone, nil)
		if err != nil {
			return nil, fmt.Errorf("meilisearch: deleting documents: %w", err)
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}
