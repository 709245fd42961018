package workflows

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
)

// StatsRefreshInterval is how often the statistics rollups are rebuilt.
const StatsRefreshInterval = 5 * time.Minute

// StatsPlan says what the statistics measure (Art. 21, 33): complaints, claims and cases by
// status, and the stages of each whose handling time is compared with its deadline.
func (e *Engine) StatsPlan() models.StatsPlan {
	var plan models.StatsPlan
	for _, kind := range []string{"complaints", "claims", "cases"} {
		plan.Kinds = append(plan.Kinds, models.StatsKind{Kind: kind, Open: e.flows[kind].Open})
	}
	stage := func(kind, name string, from, to []string, deadline string) models.StatsStage {
		st := models.StatsStage{Kind: kind, Stage: name, From: from, To: to}
		if deadline != "" {
			st.Deadline = e.calendar.Span(deadline)
		}
		return st
	}
	total := func(kind string) models.StatsStage {
		return models.StatsStage{Kind: kind, Stage: "total", From: []string{"file"}, ToStates: e.flows[kind].closed()}
	}
	plan.Stages = []models.StatsStage{
		stage("complaints", "answer", []string{"file"}, []string{"respond"}, "complaint.respond"),
		stage("complaints", "review", []string{"escalate", "reject_offer"}, []string{"accept", "refuse"}, "complaint.review"),
		stage("complaints", "mediation", []string{"accept"}, []string{"settle", "terminate"}, "complaint.mediation"),
		total("complaints"),
		stage("claims", "answer", []string{"file"}, []string{"approve", "reject"}, "claim.answer"),
		stage("claims", "refund", []string{"confirm_receipt"}, []string{"refund"}, "claim.refund"),
		total("claims"),
		// Most cross-border consumer cases are small claims under the summary procedure.
		stage("cases", "defence", []string{"accept"}, []string{"submit_defence"}, "case.defence_summary"),
		stage("cases", "award", []string{"appoint"}, []string{"issue_award"}, "case.award"),
		total("cases"),
	}
	return plan
}

// closed are the states a record of the workflow has left handling in (an awarded case waits
// only for compliance).
func (wf *Workflow) closed() []string {
	var out []string
	for _, s := range wf.States {
		if !has(wf.Open, s) {
			out = append(out, s)
		}
	}
	return out
}

// Span is how long the deadline name runs, as the statistics compare with it: working days
// count 7/5 calendar days each, months 30.44 days; an override is taken as it is.
func (c Calendar) Span(name string) time.Duration {
	if d, ok := c.Overrides[name]; ok {
		return d
	}
	p := DefaultDeadlines[name]
	day := 24 * time.Hour
	return time.Duration(p.WorkingDays)*day*7/5 + time.Duration(p.Days)*day + time.Duration(float64(p.Months)*30.44*float64(day))
}

// RefreshStats rebuilds the statistics rollups now.
func (e *Engine) RefreshStats(ctx context.Context) error {
	return e.store.RefreshStats(ctx, e.StatsPlan())
}

// QualityIndexJob refreshes the rollups and computes the quality index of every complete month
// before now that has none yet, and again of the month just ended (its last days may have been
// counted after the previous run). Earlier months keep the value they were published with.
func (e *Engine) QualityIndexJob(ctx context.Context, now time.Time) error {
	if err := e.RefreshStats(ctx); err != nil {
		return err
	}
	local := now.In(clock.Hangzhou)
	thisMonth := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, time.UTC)
	months, err := e.store.QualityIndexMonthsDue(ctx, thisMonth)
	if err != nil {
		return err
	}
	lastMonth := thisMonth.AddDate(0, -1, 0)
	if len(months) == 0 || !months[len(months)-1].Equal(lastMonth) {
		months = append(months, lastMonth)
	}
	return e.computeQualityIndex(ctx, months)
}

// ComputeQualityIndex refreshes the rollups and computes (again) the index of the given months,
// on demand.
func (e *Engine) ComputeQualityIndex(ctx context.Context, months ...time.Time) error {
	if err := e.RefreshStats(ctx); err != nil {
		return err
	}
	return e.computeQualityIndex(ctx, months)
}

func (e *Engine) computeQualityIndex(ctx context.Context, months []time.Time) error {
	for _, m := range months {
		if _, err := e.store.ComputeQualityIndex(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// statsJobs are the statistics' workers and periodic jobs, added to the portal's River client.
func statsJobs(workers *river.Workers, engine *Engine) []*river.PeriodicJob {
	river.AddWorker(workers, &StatsRefreshWorker{engine: engine})
	river.AddWorker(workers, &QualityIndexWorker{engine: engine})
	// At most one of each waiting or running: a slow refresh does not pile up behind itself.
	once := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(StatsRefreshInterval),
			func() (river.JobArgs, *river.InsertOpts) { return StatsRefreshArgs{}, once },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(monthly{},
			func() (river.JobArgs, *river.InsertOpts) { return QualityIndexArgs{}, once },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}

// StatsRefreshArgs asks for the statistics rollups to be rebuilt.
type StatsRefreshArgs struct{}

// Kind names the job in River's table.
func (StatsRefreshArgs) Kind() string { return "stats_refresh" }

// StatsRefreshWorker rebuilds the rollups, every few minutes and once at start-up.
type StatsRefreshWorker struct {
	river.WorkerDefaults[StatsRefreshArgs]
	engine *Engine
}

// Timeout leaves a large database the time a full rebuild takes.
func (w *StatsRefreshWorker) Timeout(*river.Job[StatsRefreshArgs]) time.Duration {
	return 15 * time.Minute
}

// Work runs one refresh, unless one is running already (a job River took back from a portal it
// thought dead, which is still at it): the rebuild holds a lock while it runs.
func (w *StatsRefreshWorker) Work(ctx context.Context, _ *river.Job[StatsRefreshArgs]) error {
	release, ok, err := w.engine.store.TryLock(ctx, "stats")
	if err != nil || !ok {
		return err // nil when another refresh runs: its result is as fresh as this one's
	}
	defer release()
	start := time.Now()
	if err := w.engine.RefreshStats(ctx); err != nil {
		return err
	}
	slog.Info("statistics refreshed", "took_ms", time.Since(start).Milliseconds())
	return nil
}

// QualityIndexArgs asks for the monthly quality index.
type QualityIndexArgs struct{}

// Kind names the job in River's table.
func (QualityIndexArgs) Kind() string { return "stats_quality_index" }

// QualityIndexWorker computes the index of the months that ended, at the start of each month.
type QualityIndexWorker struct {
	river.WorkerDefaults[QualityIndexArgs]
	engine *Engine
}

// Timeout: the job refreshes the rollups first.
func (w *QualityIndexWorker) Timeout(*river.Job[QualityIndexArgs]) time.Duration {
	return 15 * time.Minute
}

// Work computes the index, after any rebuild of the rollups that is running (they share its lock).
func (w *QualityIndexWorker) Work(ctx context.Context, _ *river.Job[QualityIndexArgs]) error {
	release, ok, err := w.engine.store.TryLock(ctx, "stats")
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(time.Minute)
	}
	defer release()
	return w.engine.QualityIndexJob(ctx, w.engine.store.Now())
}

// monthly falls at 00:30 on the first day of each month, Hangzhou time.
type monthly struct{}

// Next is the first of next month.
func (monthly) Next(t time.Time) time.Time {
	l := t.In(clock.Hangzhou)
	return time.Date(l.Year(), l.Month()+1, 1, 0, 30, 0, 0, clock.Hangzhou)
}
