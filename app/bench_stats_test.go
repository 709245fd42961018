//go:build bench

package app_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// benchSize reads a size from the environment, else the default.
func benchSize(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		b.Fatalf("%s=%q is not a count", name, v)
	}
	return n
}

// BenchmarkPublicStats measures GET /api/v1/public/stats and GET /stats (unfiltered, and the
// API narrowed to a district and a year) on a database of PORTAL_BENCH_STATS_COMPLAINTS
// complaints (default 20 000; the full run uses 1 000 000) and PORTAL_BENCH_STATS_INSPECTIONS
// inspections (default 2 000; full run 100 000), with claims, cases, alerts and measures in
// proportion (models.FillStatsBench), after one rebuild of the rollups. One caller, then 8 at
// once; each on a keep-alive connection. Every answer must be 200.
func BenchmarkPublicStats(b *testing.B) {
	ts := startServer(b, nil)
	ctx := context.Background()
	opts := models.StatsBenchOptions{Complaints: benchSize(b, "PORTAL_BENCH_STATS_COMPLAINTS", 20_000),
		Inspections: benchSize(b, "PORTAL_BENCH_STATS_INSPECTIONS", 2_000)}
	started := time.Now()
	res, err := ts.srv.Store().FillStatsBench(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("data: %d complaints, %d claims, %d cases, %d timeline steps, %d inspections, %d alerts, %d measures, copied in %s",
		res.Complaints, res.Claims, res.Cases, res.Events, res.Inspections, res.Alerts, res.Measures, time.Since(started).Round(time.Second))
	engine, err := workflows.NewEngine(ts.srv.Store(), nil, workflows.Calendar{})
	if err != nil {
		b.Fatal(err)
	}
	started = time.Now()
	if err := engine.RefreshStats(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("rollups rebuilt in %s", time.Since(started).Round(time.Millisecond))
	var rollupRows int64
	if err := ts.srv.Store().Gorm().Raw(`SELECT (SELECT count(*) FROM stats_facts) + (SELECT count(*) FROM stats_durations)`).Scan(&rollupRows).Error; err != nil {
		b.Fatal(err)
	}
	b.Logf("rollup rows: %d", rollupRows)

	before, err := ts.srv.Store().StatsRefreshed(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		// The periodic refresh (every 5 minutes) may fall inside the measurement: say so.
		if after, err := ts.srv.Store().StatsRefreshed(ctx); err == nil && after != nil && before != nil && after.After(*before) {
			b.Logf("a periodic rebuild of the rollups ran during the measurement")
		}
	}()
	year := strconv.Itoa(time.Now().Year() - 1)
	for _, route := range []struct{ name, path string }{
		{"api", "/api/v1/public/stats"},
		{"api-filtered", "/api/v1/public/stats?jurisdiction=330106&from=" + year + "-01&to=" + year + "-12"},
		{"page", "/stats"},
	} {
		for _, clients := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/%d-clients", route.name, clients), func(b *testing.B) {
				driveStats(b, ts.URL+route.path, clients)
			})
		}
	}
}

// driveStats sends b.N GETs to url from clients concurrent callers and reports throughput and
// the latency percentiles.
func driveStats(b *testing.B, url string, clients int) {
	host, _, _ := strings.Cut(strings.TrimPrefix(url, "http://"), "/")
	conns := make([]*fasthttp.HostClient, clients)
	for i := range conns {
		conns[i] = &fasthttp.HostClient{Addr: host, MaxConns: 1, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
			MaxResponseBodySize: 64 << 20}
	}
	defer func() {
		for _, c := range conns {
			c.CloseIdleConnections()
		}
	}()
	get := func(c *fasthttp.HostClient, res *fasthttp.Response) error {
		req := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(req)
		req.SetRequestURI(url)
		err := c.Do(req, res)
		if err == nil && res.StatusCode() != fasthttp.StatusOK {
			err = fmt.Errorf("status %d: %.300s", res.StatusCode(), res.Body())
		}
		return err
	}
	bodyLen := 0
	for _, c := range conns { // open every connection before the clock starts
		res := fasthttp.AcquireResponse()
		err := get(c, res)
		bodyLen = len(res.Body())
		fasthttp.ReleaseResponse(res)
		if err != nil {
			b.Fatalf("GET %s (warm-up): %v", url, err)
		}
	}
	var (
		next    atomic.Int64
		failure atomic.Pointer[error]
		wg      sync.WaitGroup
	)
	latencies := make([][]time.Duration, clients)
	b.ResetTimer()
	start := time.Now()
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := fasthttp.AcquireResponse()
			defer fasthttp.ReleaseResponse(res)
			for next.Add(1) <= int64(b.N) && failure.Load() == nil {
				t0 := time.Now()
				err := get(c, res)
				latencies[i] = append(latencies[i], time.Since(t0))
				if err != nil {
					err = fmt.Errorf("GET %s: %w", url, err)
					failure.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := failure.Load(); err != nil {
		b.Fatal(*err)
	}
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	at := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(bodyLen), "body-bytes")
}
