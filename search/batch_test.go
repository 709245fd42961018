package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/recalls"
)

// testClient is a client on a fresh database and an index of its own, deleted when the test ends.
func testClient(t *testing.T) (*Client, *models.Store) {
	t.Helper()
	if os.Getenv("MEILI_URL") == "" {
		t.Fatal("MEILI_URL is not set: run the tests with `make test`, which starts Meilisearch")
	}
	store, err := models.Open(context.Background(), testdb.New(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	c, err := Open(os.Getenv("MEILI_URL"), os.Getenv("MEILI_MASTER_KEY"), "test_batch_"+hex.EncodeToString(buf), store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteIndex(context.Background()) })
	return c, store
}

// importAlerts imports a real recall file as public alerts.
func importAlerts(t *testing.T, s *models.Store, name string, read func(*os.File) (*recalls.File, error)) []string {
	t.Helper()
	fh, err := os.Open(testdb.Testdata(t, "recalls", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := read(fh)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportAlerts(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.AlertIDs
}

func safetyGate(f *os.File) (*recalls.File, error) { return recalls.ReadSafetyGate(f) }

// caughtUp waits until no indexing job waits and Check finds no difference.
func caughtUp(t *testing.T, c *Client, s *models.Store, limit time.Duration) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(limit)
	for {
		var last string
		n, err := s.SearchBacklog(ctx)
		if err == nil && n == 0 {
			diffs, err := c.Check(ctx)
			if err == nil && len(diffs) == 0 {
				return
			}
			last = fmt.Sprintf("%d differences (%v): %s", len(diffs), err, describe(diffs))
		} else {
			last = fmt.Sprintf("%d indexing jobs waiting (%v)", n, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index does not match Postgres within %s: %s", limit, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func describe(diffs []Difference) string {
	var b strings.Builder
	for i, d := range diffs {
		if i == 5 {
			b.WriteString("…")
			break
		}
		b.WriteString(d.String() + "; ")
	}
	return b.String()
}

// additions counts the document additions Meilisearch received for the index.
func additions(t *testing.T, c *Client) int64 {
	t.Helper()
	res, err := c.meili.GetTasks(context.Background(), &meilisearch.TasksQuery{IndexUIDS: []string{c.index},
		Types: []meilisearch.TaskType{meilisearch.TaskTypeDocumentAdditionOrUpdate}, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// A bulk write goes through the outbox in batches: hundreds of real recalls imported, then all
// changed in one transaction, then a hundred deleted in one; after each, every record is in the
// index as Postgres has it.
func TestBulkWritesReachTheIndexInBatches(t *testing.T) {
	c, store := testClient(t)
	ctx := context.Background()
	if err := c.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	c.AddWorkers(workers)
	jobs, err := river.NewClient(riverpgxv5.New(store.Pool()), &river.Config{
		Queues:  map[string]river.QueueConfig{Queue: {MaxWorkers: 200, FetchPollInterval: 100 * time.Millisecond}},
		Workers: workers,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = jobs.Stop(stopCtx)
	})

	ids := importAlerts(t, store, "eu_safety_gate_alerts_353.csv", safetyGate)
	ids = append(ids, importAlerts(t, store, "eu_safety_gate_alerts_222_with_risk_measures.csv", safetyGate)...)
	if len(ids) < 500 {
		t.Fatalf("imported %d alerts", len(ids))
	}
	caughtUp(t, c, store, 2*time.Minute)
	res, err := c.Search(ctx, models.SearchViewer{}, Request{Query: "Bentley", Types: []string{"alert"}, Limit: 5})
	if err != nil || res.Degraded || len(res.Hits) == 0 {
		t.Fatalf("the imported recalls are not searchable: %+v %v", res, err)
	}
	if n := additions(t, c); n >= int64(len(ids)) {
		t.Errorf("%d records sent in %d additions: not batched", len(ids), n)
	} else {
		t.Logf("%d records sent in %d additions", len(ids), n)
	}

	// Every alert withdrawn from the public in one transaction, a hundred deleted in another.
	if _, err := store.Pool().Exec(ctx, `UPDATE alerts SET public = false, level = 'low' WHERE id = ANY($1)`, ids); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool().Exec(ctx, `DELETE FROM alerts WHERE id = ANY($1)`, ids[:100]); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, c, store, 2*time.Minute)
	res, err = c.Search(ctx, models.SearchViewer{}, Request{Query: "Bentley", Types: []string{"alert"}, Limit: 5})
	if err != nil || len(res.Hits) != 0 {
		t.Errorf("the public still finds withdrawn recalls: %+v %v", res, err)
	}
}

// When the task of a batch fails, every job waiting for the batch fails with it, so River
// retries each; none completes as if its record were indexed.
func TestAFailedBatchFailsEveryJob(t *testing.T) {
	c, store := testClient(t)
	ctx := context.Background()
	ids := importAlerts(t, store, "us_cpsc_nhtsa_fda_kids_recalls_kindlykiddo_sample.csv",
		func(f *os.File) (*recalls.File, error) { return recalls.ReadCPSC(f) })
	// An index keyed on another field refuses the documents: the addition task fails.
	task, err := c.meili.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: c.index, PrimaryKey: "record_id"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.wait(ctx, task, "creating the index"); err != nil {
		t.Fatal(err)
	}
	w := &IndexWorker{client: c}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			errs[i] = w.Work(ctx, &river.Job[IndexArgs]{JobRow: &rivertype.JobRow{}, Args: IndexArgs{Type: "alert", ID: id}})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "index_primary_key_already_exists") {
			t.Errorf("job of alert %s: %v, want the failed task", ids[i], err)
		}
	}
	if n := additions(t, c); n >= int64(len(ids)) {
		t.Logf("%d jobs sent %d additions: not batched this time", len(ids), n)
	}
}

// A job whose context ends stops waiting; a batch nobody waits for any more is dropped.
func TestAJobStopsWaitingWhenItsContextEnds(t *testing.T) {
	c, err := Open("http://127.0.0.1:1", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.indexBatched(ctx, "alert", "a1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled job: %v", err)
	}
	c.batches.mu.Lock()
	open := len(c.batches.open)
	c.batches.mu.Unlock()
	if open != 0 {
		t.Errorf("%d batches still gather for nobody", open)
	}
}
