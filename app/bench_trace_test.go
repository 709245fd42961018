//go:build bench

package app_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
)

// BenchmarkListingTrace traces the whole chain of one listing (models.FillTraceBench: nine
// stages, eleven events of its own) on a database holding PORTAL_BENCH_TRACE_EVENTS other trace
// events (100 000 by default, so a run stays short; docs/benchmarks.md records a run with
// 1 000 000; or set PORTAL_BENCH_TRACE_DATABASE_URL to a database `portal bench-data trace`
// filled, which the benchmark then uses as it is, demo accounts added), and reports p50 and p99
// of one trace. "api" is GET /api/v1/listings/:id/trace on
// the real portal, one request after the other (middleware, the six queries, JSON of about
// 60 events); "model" is models.Store.TraceListing alone.
func BenchmarkListingTrace(b *testing.B) {
	events := 100_000
	if v := os.Getenv("PORTAL_BENCH_TRACE_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			b.Fatalf("PORTAL_BENCH_TRACE_EVENTS=%q: not a number of events", v)
		}
		events = n
	}
	ctx := context.Background()
	dsn := os.Getenv("PORTAL_BENCH_TRACE_DATABASE_URL")
	if dsn == "" {
		dsn = testdb.New(b)
		store, err := models.Open(ctx, dsn, nil)
		if err != nil {
			b.Fatal(err)
		}
		filled := time.Now()
		if _, err := store.FillTraceBench(ctx, models.TraceBenchOptions{Events: events}); err != nil {
			b.Fatal(err)
		}
		store.Close()
		b.Logf("%d other trace events written in %s", events, time.Since(filled).Round(time.Millisecond))
	}

	ts := startServer(b, map[string]string{"DATABASE_URL": dsn})
	token := ts.token(b, "inspector")
	path := "/api/v1/listings/" + models.TraceBenchListing + "/trace"
	// The chain must be whole, or the benchmark measures something else.
	trace := ts.do(b, "GET", path, token, nil).json(b)
	if gaps, _ := trace["gaps"].([]any); len(gaps) != 0 || len(trace["chain"].([]any)) != 9 ||
		trace["origin"].(map[string]any)["id"] != "bench-chain-manufacturer" {
		b.Fatalf("the bench chain is not whole: gaps %v, origin %v", trace["gaps"], trace["origin"])
	}

	b.Run("api", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			res := ts.do(b, "GET", path, token, nil)
			lat = append(lat, time.Since(t0))
			if res.Status != 200 {
				b.Fatalf("status %d: %s", res.Status, truncate(res.Body))
			}
		}
		reportLatency(b, lat)
	})
	b.Run("model", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if _, err := ts.srv.Store().TraceListing(ctx, models.TraceBenchListing); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		reportLatency(b, lat)
	})
}

// reportLatency reports p50 and p99 in milliseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1e3 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
