//go:build bench

package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/models"
)

// benchDataTrace is `portal bench-data trace [--events N]`: it fills the database named by
// DATABASE_URL with the trace benchmark's data set (models.FillTraceBench), showing a progress
// bar on w, and names the listing to trace. For a benchmark database only: the rows bypass the
// audit trail.
func benchDataTrace(ctx context.Context, cfg app.Config, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("bench-data trace", flag.ContinueOnError)
	fs.SetOutput(w)
	events := fs.Int("events", 1_000_000, "trace events besides those of the traced chain")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *events < 0 {
		return errors.New("--events must not be negative")
	}
	store, err := openBenchStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := progressbar.NewOptions64(int64(models.TraceBenchRows(*events)), progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("copying rows"), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w, "\nVACUUM ANALYZE ...") }))
	started := time.Now()
	res, err := store.FillTraceBench(ctx, models.TraceBenchOptions{Events: *events, Progress: func(n int) { _ = bar.Add(n) }})
	if err != nil {
		if models.ErrorCode(err) == models.ECONFLICT {
			return errors.New("this database already holds the trace benchmark's data")
		}
		return err
	}
	fmt.Fprintf(w, "%d rows in %s; trace the listing %s: GET /api/v1/listings/%s/trace\n",
		res.Rows, time.Since(started).Round(time.Second), res.ListingID, res.ListingID)
	return nil
}
