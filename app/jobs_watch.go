package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/hzcbec/portal/models"
)

// watchJobs logs when the job system's leadership changes (a portal elected, or none: nobody
// schedules, rescues or prunes jobs) and when it stalls or recovers, until ctx ends.
func (s *Server) watchJobs(ctx context.Context) {
	leader, stalled := "", false
	for {
		readCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
		h, err := s.store.JobsHealth(readCtx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			if h.Leader != leader {
				if h.Leader == "" {
					slog.Warn("job system: no leader", "previous", leader)
				} else {
					slog.Info("job system: leader elected", "leader", h.Leader, "previous", leader)
				}
				leader = h.Leader
			}
			if lag := h.OldestLag(); (lag > models.JobsStalledAfter) != stalled {
				stalled = !stalled
				if stalled {
					slog.Warn("job system: stalled, a due job is waiting", "waited_s", lag.Seconds())
				} else {
					slog.Info("job system: due jobs are being worked again")
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}
