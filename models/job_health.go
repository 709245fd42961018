package models

import (
	"context"
	"fmt"
	"time"
)

// JobQueue is one River queue as it stands: its jobs by state, and how long the job that has
// been due the longest has waited (zero when none is waiting).
type JobQueue struct {
	Name    string
	ByState map[string]int64
	Lag     time.Duration
}

// JobsHealth is the state of the job system (River): the leader that schedules, rescues and
// prunes (none: nobody does), each queue, and the jobs River rescued from a worker that died
// (among the jobs it still keeps, a day of them).
type JobsHealth struct {
	Leader        string
	LeaderExpires time.Time
	Queues        []JobQueue
	Rescued       int64
}

// rescuedError is what River's rescuer writes into a job it takes back from a dead worker.
const rescuedError = "Stuck job rescued by JobRescuer"

// JobsHealth reads the job system's state from River's tables, by the database's clock.
func (s *Store) JobsHealth(ctx context.Context) (JobsHealth, error) {
	var h JobsHealth
	var leader []struct {
		LeaderID  string
		ExpiresAt time.Time
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT leader_id, expires_at FROM river_leader WHERE expires_at > now()`).Scan(&leader).Error; err != nil {
		return h, err
	}
	if len(leader) > 0 {
		h.Leader, h.LeaderExpires = leader[0].LeaderID, leader[0].ExpiresAt
	}
	var rows []struct {
		Queue, State string
		Jobs         int64
		LagSeconds   *float64
	}
	// Due: waiting to run (available), or scheduled or retryable with their time come, which the
	// leader's scheduler has yet to make available.
	if err := s.db.WithContext(ctx).Raw(`SELECT queue, state::text AS state, count(*) AS jobs,
			extract(epoch FROM now() - min(scheduled_at) FILTER (WHERE state IN ('available', 'scheduled', 'retryable')
				AND scheduled_at <= now()))::float8 AS lag_seconds
		FROM river_job GROUP BY queue, state ORDER BY queue, state`).Scan(&rows).Error; err != nil {
		return h, err
	}
	for _, r := range rows {
		if n := len(h.Queues); n == 0 || h.Queues[n-1].Name != r.Queue {
			h.Queues = append(h.Queues, JobQueue{Name: r.Queue, ByState: map[string]int64{}})
		}
		q := &h.Queues[len(h.Queues)-1]
		q.ByState[r.State] = r.Jobs
		if r.LagSeconds != nil {
			q.Lag = max(q.Lag, time.Duration(*r.LagSeconds*float64(time.Second)))
		}
	}
	err := s.db.WithContext(ctx).Raw(`SELECT count(*) FROM river_job WHERE attempt > 1 AND EXISTS (
		SELECT 1 FROM unnest(errors) AS e WHERE e->>'error' = ?)`, rescuedError).Scan(&h.Rescued).Error
	return h, err
}

// JobsStalledAfter is how long a due job may wait before the job system counts as stalled.
const JobsStalledAfter = time.Minute

// Check says "ok", or how the job system is stalled (an admin's /readyz).
func (h JobsHealth) Check() string {
	switch {
	case h.Leader == "":
		return "stalled: no leader (nobody schedules or rescues jobs)"
	case h.OldestLag() > JobsStalledAfter:
		return fmt.Sprintf("stalled: a due job has waited %.0f s", h.OldestLag().Seconds())
	}
	return "ok"
}

// OldestLag is the longest any due job has waited, over every queue.
func (h JobsHealth) OldestLag() time.Duration {
	var lag time.Duration
	for _, q := range h.Queues {
		lag = max(lag, q.Lag)
	}
	return lag
}
