package workflows

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/hzcbec/portal/models"
)

// AuditChainArgs asks for the audit records committed since the last run to be linked into the
// hash chain (models.LinkAudit). Writes append their records unlinked, so they never wait on
// each other for the chain; this job, every second, is the chain's only writer.
type AuditChainArgs struct{}

// Kind names the job in River's table.
func (AuditChainArgs) Kind() string { return "audit_chain" }

// auditChainEvery is how long a record may wait to be linked.
const auditChainEvery = time.Second

// AuditChainWorker links the waiting audit records.
type AuditChainWorker struct {
	river.WorkerDefaults[AuditChainArgs]
	store *models.Store
}

// Work links every record that is waiting, unless another sequencer is at it, and signs a
// checkpoint of the log when it has grown (every checkpointEvery at most).
func (w *AuditChainWorker) Work(ctx context.Context, _ *river.Job[AuditChainArgs]) error {
	if _, err := w.store.LinkAuditIfFree(ctx); err != nil {
		return err
	}
	return w.store.CheckpointAudit(ctx, false)
}

// auditChainJob runs the worker every second; a run that finds another still linking ends at
// once and leaves the work to it.
func auditChainJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(auditChainEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return AuditChainArgs{}, &river.InsertOpts{MaxAttempts: 1}
		},
		&river.PeriodicJobOpts{RunOnStart: true})
}
