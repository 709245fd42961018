package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hzcbec/portal/models"
)

// jobsCollector reads the job system's state (models.JobsHealth) when /metrics is scraped: the
// jobs of each queue by state, how long the job due the longest has waited in each, the jobs
// rescued from dead workers and whether a leader schedules and rescues.
type jobsCollector struct {
	store                      *models.Store
	jobs, lag, rescued, leader *prometheus.Desc
}

func newJobsCollector(store *models.Store) *jobsCollector {
	return &jobsCollector{
		store: store,
		jobs:  prometheus.NewDesc("portal_jobs", "River jobs by queue and state (completed ones are kept a day).", []string{"queue", "state"}, nil),
		lag: prometheus.NewDesc("portal_job_queue_lag_seconds",
			"How long the job that has been due the longest has waited, by queue (0: none waits).", []string{"queue"}, nil),
		rescued: prometheus.NewDesc("portal_jobs_rescued", "Jobs River took back from a worker that died, among those it keeps.", nil, nil),
		leader:  prometheus.NewDesc("portal_job_leader", "1 while a River leader schedules, rescues and prunes jobs, else 0.", nil, nil),
	}
}

func (c *jobsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.jobs
	ch <- c.lag
	ch <- c.rescued
	ch <- c.leader
}

func (c *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	h, err := c.store.JobsHealth(ctx)
	if err != nil {
		slog.Warn("metrics: reading the job system", "err", err)
		return // no series rather than made-up zeros; the scrape shows the others
	}
	for _, q := range h.Queues {
		for state, n := range q.ByState {
			ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(n), q.Name, state)
		}
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, q.Lag.Seconds(), q.Name)
	}
	ch <- prometheus.MustNewConstMetric(c.rescued, prometheus.GaugeValue, float64(h.Rescued))
	leader := 0.0
	if h.Leader != "" {
		leader = 1
	}
	ch <- prometheus.MustNewConstMetric(c.leader, prometheus.GaugeValue, leader)
}
