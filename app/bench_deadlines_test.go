package app_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// deadlinesDue is how many complaints' answer deadlines fall due at one instant in
// BenchmarkDeadlinesDueTogether.
const deadlinesDue = 3000

// BenchmarkDeadlinesDueTogether: deadlinesDue complaints whose answer deadlines all fall due at
// one instant, while four clients go on filing. It reports how long after that instant each
// complaint was escalated (p50, p99, max, in seconds) and how many filings went on meanwhile.
// Run it with -benchtime=1x: one iteration files a few thousand complaints.
func BenchmarkDeadlinesDueTogether(b *testing.B) {
	for range b.N {
		ts := startServer(b, map[string]string{"PORTAL_DEADLINES": "complaint.respond=1h"})
		consumer := ts.token(b, "consumer")
		file := func() { // from any goroutine: a failed filing is reported, not fatal
			if r := ts.do(b, "POST", "/api/v1/complaints", consumer, complaintBody()); r.Status != 201 {
				b.Errorf("filing: %d %s", r.Status, r.Body)
			}
		}
		var wg sync.WaitGroup
		var next atomic.Int64
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= deadlinesDue {
					file()
				}
			}()
		}
		wg.Wait()

		// Every deadline, and its job, now falls due at one instant a few seconds ahead.
		instant := time.Now().Add(3 * time.Second).UTC().Truncate(time.Microsecond)
		db := ts.srv.Store().Gorm()
		if err := db.Exec(`UPDATE complaints SET deadlines = jsonb_set(deadlines::jsonb, '{respond_by}', to_jsonb(?::timestamptz))`,
			instant).Error; err != nil {
			b.Fatal(err)
		}
		if err := db.Exec(`UPDATE river_job SET args = jsonb_set(args, '{due}', to_jsonb(?::timestamptz)), scheduled_at = ?
			WHERE kind = 'workflow_deadline' AND state IN ('available', 'scheduled')`, instant, instant).Error; err != nil {
			b.Fatal(err)
		}

		// Filings go on while they fire.
		stop := make(chan struct{})
		var filed atomic.Int64
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
						file()
						filed.Add(1)
					}
				}
			}()
		}
		b.ResetTimer()
		deadline := time.Now().Add(5 * time.Minute)
		for {
			var escalated int64
			db.Raw(`SELECT count(*) FROM workflow_events WHERE kind = 'complaints' AND action = 'escalate'`).Scan(&escalated)
			if escalated >= deadlinesDue {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("only %d of %d deadlines fired within 5 minutes", escalated, deadlinesDue)
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.StopTimer()
		close(stop)
		wg.Wait()

		var lag struct{ P50, P99, Max float64 }
		db.Raw(`SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_disc(0.99) WITHIN GROUP (ORDER BY l) AS p99,
			max(l) AS max FROM (SELECT extract(epoch FROM at - ?::timestamptz)::float8 AS l FROM workflow_events
			WHERE kind = 'complaints' AND action = 'escalate') AS lags`, instant).Scan(&lag)
		b.ReportMetric(lag.P50, "p50-lag-s")
		b.ReportMetric(lag.P99, "p99-lag-s")
		b.ReportMetric(lag.Max, "max-lag-s")
		b.ReportMetric(float64(filed.Load()), "filed-meanwhile")
		b.Log(fmt.Sprintf("%d deadlines due at one instant: lag p50 %.2f s, p99 %.2f s, max %.2f s; %d filings meanwhile",
			deadlinesDue, lag.P50, lag.P99, lag.Max, filed.Load()))
	}
}
