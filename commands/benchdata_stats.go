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
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// benchDataStats is `portal bench-data stats [--complaints N] [--inspections N]`: it fills the
// database named by DATABASE_URL with the statistics benchmark's data set
// (models.FillStatsBench), then builds the statistics rollups and the quality index history once,
// saying how long each took. For a benchmark database only: the rows bypass the audit trail.
func benchDataStats(ctx context.Context, cfg app.Config, args []string, w io.Writer) error {
	fs := flag.NewFlagSet("bench-data stats", flag.ContinueOnError)
	fs.SetOutput(w)
	complaints := fs.Int("complaints", 1_000_000, "complaints (claims are a tenth, cases a fiftieth of them)")
	inspections := fs.Int("inspections", 100_000, "inspections (alerts are a fifth, measures a twentieth of them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *complaints < 0 || *inspections < 0 {
		return errors.New("--complaints and --inspections must not be negative")
	}
	store, err := openBenchStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	started := time.Now()
	res, err := store.FillStatsBench(ctx, models.StatsBenchOptions{Complaints: *complaints, Inspections: *inspections})
	if err != nil {
		if models.ErrorCode(err) == models.ECONFLICT {
			return errors.New("this database already holds the statistics benchmark's data")
		}
		return err
	}
	fmt.Fprintf(w, "%d complaints, %d claims, %d cases, %d timeline steps, %d inspections, %d alerts, %d measures in %s\n",
		res.Complaints, res.Claims, res.Cases, res.Events, res.Inspections, res.Alerts, res.Measures, time.Since(started).Round(time.Second))
	engine, err := workflows.NewEngine(store, nil, workflows.Calendar{Overrides: cfg.Deadlines, Holidays: cfg.Holidays})
	if err != nil {
		return err
	}
	started = time.Now()
	if err := engine.RefreshStats(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "statistics rollups built in %s\n", time.Since(started).Round(time.Millisecond))
	started = time.Now()
	months := []time.Time{}
	for m := time.Now().AddDate(-2, 0, 0); m.Before(time.Now()); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	if err := engine.ComputeQualityIndex(ctx, months...); err != nil {
		return err
	}
	fmt.Fprintf(w, "quality index of %d months computed in %s (with a second refresh)\n", len(months), time.Since(started).Round(time.Millisecond))
	return nil
}
