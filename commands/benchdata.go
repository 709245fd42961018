//go:build bench

package commands

import (
	"context"
	"errors"
	"io"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations"
	"github.com/hzcbec/portal/models"
)

// benchData is `portal bench-data trace|stats|reviews`: a benchmark's data set written into the
// database DATABASE_URL names.
func benchData(ctx context.Context, cfg app.Config, kind string, args []string, w io.Writer) error {
	switch kind {
	case "trace":
		return benchDataTrace(ctx, cfg, args, w)
	case "stats":
		return benchDataStats(ctx, cfg, args, w)
	}
	return benchDataReviews(ctx, cfg, args, w)
}

// openBenchStore opens the benchmark database DATABASE_URL names, which must be migrated.
func openBenchStore(ctx context.Context, cfg app.Config) (*models.Store, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("DATABASE_URL is not set: point it at a migrated database made for benchmarks")
	}
	store, err := models.Open(ctx, cfg.DatabaseURL, nil)
	if err != nil {
		return nil, err
	}
	db := app.SQLDB(store)
	err = migrations.Check(ctx, db)
	db.Close()
	if err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}
