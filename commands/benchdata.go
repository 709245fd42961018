//go:build bench

package commands

import (
	"context"
	"io"

	"github.com/hzcbec/portal/app"
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
