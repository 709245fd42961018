//go:build bench

package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/hzcbec/portal/app"
)

// benchDataReviews is `portal bench-data reviews --file ZIP [--limit N]`: it inserts the real
// online-shopping reviews as complaint descriptions, then runs the indexing workers (a running
// portal helps) until the index has caught up, and says the indexing throughput.
// For a benchmark database only: the rows bypass the workflow's timeline and the audit trail.
func benchDataReviews(ctx context.Context, cfg app.Config, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("bench-data reviews", flag.ContinueOnError)
	fs.SetOutput(w)
	file := fs.String("file", "", "online_shopping_10_cats.zip")
	limit := fs.Int("limit", 0, "load at most N reviews (0: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("--file is required: the zip of online_shopping_10_cats.csv")
	}
	reviews, err := app.ReadReviews(*file, *limit)
	if err != nil {
		return err
	}
	s, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Store().Close()
	bar := newBar(len(reviews), "inserting", w)
	started := time.Now()
	ids, err := app.LoadReviews(ctx, s.Store(), reviews, cfg.DefaultJurisdiction, func(n int) { _ = bar.Add(n) })
	_ = bar.Finish()
	if err != nil {
		return err
	}
	inserted := time.Since(started)
	fmt.Fprintf(w, "%d complaints inserted in %s (%.0f rows/s)\n", len(ids), inserted.Round(time.Millisecond), float64(len(ids))/inserted.Seconds())

	jobsCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	if err := s.Jobs().Start(jobsCtx); err != nil {
		return fmt.Errorf("starting the job workers: %w", err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = s.Jobs().Stop(stopCtx)
	}()
	backlog, err := s.Store().SearchBacklog(ctx)
	if err != nil {
		return err
	}
	bar = newBar(backlog, "indexing", w)
	for backlog > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if backlog, err = s.Store().SearchBacklog(ctx); err != nil {
			return err
		}
		_ = bar.Set(max(bar.GetMax()-backlog, 0))
	}
	_ = bar.Finish()
	took := time.Since(started)
	fmt.Fprintf(w, "index %s caught up: %d complaints searchable %s after the first commit: %.0f docs/s\n",
		s.Search().Index(), len(ids), took.Round(time.Millisecond), float64(len(ids))/took.Seconds())
	return nil
}
