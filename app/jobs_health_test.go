package app_test

import (
	"strings"
	"testing"
	"time"
)

// An admin's /readyz says whether the job system works: a leader elected, and no due job
// waiting longer than a minute; /metrics has the jobs by queue and state, each queue's lag, the
// rescued jobs and the leader.
func TestReadyzAndMetricsReportTheJobSystem(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.token(t, "admin")
	jobsCheck := func() any {
		r := ts.do(t, "GET", "/readyz", admin, nil)
		return r.json(t)["checks"].(map[string]any)["jobs"]
	}
	eventuallyWithin(t, 30*time.Second, func() bool { return jobsCheck() == "ok" }, "a job leader to be elected")
	if r := ts.do(t, "GET", "/readyz", "", nil).json(t); r["checks"] != nil {
		t.Fatalf("a stranger is told the checks: %v", r)
	}

	// A job due two minutes ago in a queue no portal works: the system counts as stalled.
	err := ts.srv.Store().Gorm().Exec(`INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
		VALUES ('{}', 'nobody_works_this', 1, 1, 'forgotten', 'available', now() - interval '2 minutes')`).Error
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := jobsCheck().(string); !strings.HasPrefix(got, "stalled: a due job has waited 1") {
		t.Fatalf("a job waiting two minutes: jobs check %q", got)
	}
	if r := ts.do(t, "GET", "/metrics", "", nil); r.Status != 401 {
		t.Errorf("/metrics for a stranger: %d", r.Status)
	}
	metrics := string(ts.do(t, "GET", "/metrics", admin, nil).Body)
	for _, series := range []string{`portal_job_leader 1`, `portal_jobs{queue="forgotten",state="available"} 1`,
		`portal_job_queue_lag_seconds{queue="forgotten"} 12`, `portal_jobs_rescued 0`} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics has no %s: %s", series, grepLines(metrics, "portal_job"))
		}
	}
}
