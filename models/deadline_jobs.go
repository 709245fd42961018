package models

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// DeadlineQueue is the River queue of deadline jobs: their own workers, so that deadlines
// falling due together are never queued behind other work, nor other work behind them.
const DeadlineQueue = "deadline"

// DeadlineJob is the River job that applies a deadline's timeout when it falls (the workflows'
// DeadlineWorker works it). A step writes the jobs of the deadlines it sets in its own statement
// (deadlineJobsSQL), so a deadline and its job commit together or not at all.
type DeadlineJob struct {
	Workflow string    `json:"workflow"`
	RecordID string    `json:"record_id"`
	Deadline string    `json:"deadline"`
	Due      time.Time `json:"due"`
	Version  int       `json:"version,omitempty"` // the record's version when the deadline was set
}

// Kind names the job in River's table.
func (DeadlineJob) Kind() string { return "workflow_deadline" }

// deadlineJobsSQL adds to a step's statement the River jobs of the deadlines it sets (due, by
// name) on the record of kind with the id, at the record's new version; none when rec wrote
// nothing. River keeps the machine's time, so a job is due as far from the machine's now as its
// deadline is from the portal's (now; the same instant unless a test set the portal's clock
// elsewhere). A job is unique by its arguments while it waits, runs or after it ran (River's
// ByArgs states: every state but cancelled and discarded), so a deadline set again at the same
// instant on a new version (a measure's proof rejected) is a new job. Its unique key is this
// portal's own (the SHA-256 of "workflow_deadline:" and the arguments), not the one River's
// client would compute: every deadline job is written here, so they only need to agree among
// themselves. Jobs are written as River's client writes them by default (priority 1, 25
// attempts), in DeadlineQueue, with one difference: a job due later is written "available" with
// its time, not "scheduled". River's workers take an available job once its scheduled_at has come
// (their fetch asks for both), within a poll (FetchPollInterval); a scheduled one would first wait
// for the leader's scheduler, which makes due jobs available every 5 s (not configurable in this
// River), so deadlines would fire up to 5 s late before any work was done.
func deadlineJobsSQL(q *strings.Builder, args []any, kind, id string, deadlines Deadlines, version int, now time.Time) ([]any, error) {
	if len(deadlines) == 0 {
		return args, nil
	}
	names := make([]string, 0, len(deadlines))
	for name := range deadlines {
		names = append(names, name)
	}
	sort.Strings(names)
	machineNow := time.Now()
	rows := make([]string, len(names))
	for i, name := range names {
		due := deadlines[name]
		job, err := json.Marshal(DeadlineJob{Workflow: kind, RecordID: id, Deadline: name, Due: due, Version: version})
		if err != nil {
			return nil, err
		}
		rows[i] = "(?::jsonb, ?::timestamptz)"
		args = append(args, string(job), machineNow.Add(due.Sub(now)).UTC())
	}
	q.WriteString(`,
deadline_jobs AS (INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, metadata, tags,
		unique_key, unique_states)
	SELECT j.args, 'workflow_deadline', 25, 1, 'deadline',
		'available', j.at, '{}', '{}',
		sha256(convert_to('workflow_deadline:' || j.args::text, 'UTF8')), B'11110101'
	FROM rec, (VALUES ` + strings.Join(rows, ", ") + `) AS j(args, at)
	ON CONFLICT (unique_key)
		WHERE unique_key IS NOT NULL AND unique_states IS NOT NULL AND river_job_state_in_bitmask(unique_states, state)
		DO NOTHING)`)
	return args, nil
}
