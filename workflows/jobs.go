// Package workflows owns the state machines (states, actions, who may act, deadlines) and the
// background jobs that carry deadlines and after-commit work, on River.
package workflows

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/hzcbec/portal/models"
)

// NewJobs builds the River client with every worker and periodic job of the portal. more
// registers the workers of other packages (search's indexing worker), which workflows may not
// import, and those made with what the app holds (the notice mails' worker, with the catalogs).
func NewJobs(store *models.Store, engine *Engine, more ...func(*river.Workers)) (*river.Client[pgx.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &CleanupWorker{store: store})
	river.AddWorker(workers, &DeadlineWorker{engine: engine})
	river.AddWorker(workers, &AuditChainWorker{store: store})
	for _, add := range more {
		add(workers)
	}
	statistics := statsJobs(workers, engine)
	return river.NewClient(riverpgxv5.New(store.Pool()), &river.Config{
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 10},
			// Deadlines (models/deadline_jobs.go): thousands may fall due at once while filings
			// go on; each transition is a statement or two, so more workers than cores help
			// while the database has connections to spare (models.Open: at least 10 each portal).
			models.DeadlineQueue: {MaxWorkers: 20},
			// Search indexing (migrations/00033_search_queue.sql): a job mostly waits for the
			// batch it shares with the jobs beside it (search/batch.go): one being indexed, the
			// next gathering, each of up to a thousand or so records in a bulk load (1 000 workers
			// gave 840 documents/s there, 2 000 gave 1 560). The triggers send no NOTIFY, so the
			// queue polls often: a write is searchable soon.
			"search": {MaxWorkers: 2000, FetchPollInterval: SearchFetchPoll},
			// Notices by e-mail (mail.go): a try may wait seconds on a mail server, so on a queue
			// of its own, whose workers the deadlines never wait for.
			models.NoticeMailQueue: {MaxWorkers: 10},
		},
		Workers: workers,
		PeriodicJobs: append([]*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			auditChainJob(),
		}, statistics...),
		// River's own news (job counts every five seconds per queue, leadership) is for
		// debugging; its warnings and errors go to the portal's log.
		Logger: slog.New(atLeast{slog.Default().Handler(), slog.LevelWarn}),
		// A job held by a portal that died is taken back by the leader's rescuer (every 30 s) once
		// it has been running RescueAfter and its worker's Timeout, not River's hour: deadlines,
		// mail and clean-ups within a minute, indexing (101 s) within about two, a statistics
		// rebuild (15 min; it holds a lock, so a second copy does nothing) after its timeout.
		JobTimeout:           JobTimeout,
		RescueStuckJobsAfter: RescueAfter,
		// Deadlines set in seconds (PORTAL_DEADLINES in tests) must fire promptly.
		FetchPollInterval: 500 * time.Millisecond,
	})
}

// JobTimeout is how long a job may run unless its worker says otherwise; RescueAfter is when
// River takes back a job whose portal died while holding it.
const (
	JobTimeout  = 25 * time.Second
	RescueAfter = 30 * time.Second
)

// atLeast passes on the records of level min and above.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(attrs []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(attrs), h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{h.Handler.WithGroup(name), h.min}
}

// SearchFetchPoll is how often the search queue looks for new indexing jobs.
const SearchFetchPoll = 100 * time.Millisecond

// CleanupArgs asks for expired bearer tokens and browser sessions to be deleted.
type CleanupArgs struct{}

// Kind names the job in River's table.
func (CleanupArgs) Kind() string { return "cleanup_expired_credentials" }

// CleanupWorker deletes expired credentials, hourly.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	store *models.Store
}

// Work runs one cleanup.
func (w *CleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	n, err := w.store.DeleteExpiredCredentials(ctx)
	if err == nil && n > 0 {
		slog.Info("expired credentials deleted", "count", n)
	}
	return err
}
