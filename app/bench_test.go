package app_test

import (
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// meClients is how many callers keep GET /api/v1/me busy at once.
const meClients = 50

// BenchmarkMe drives GET /api/v1/me on the real portal and on a bare Fiber app answering the
// same JSON with no middleware; the ratio of the two is the cost of our middleware (request id,
// logs, metrics, language, the token lookup in Postgres, CSRF, policy). Both sides get the same
// load generator, one keep-alive fasthttp connection per caller that reuses its request and
// response, so the client's share of the machine (it runs beside the servers) is equal and small.
func BenchmarkMe(b *testing.B) {
	ts := startServer(b, nil)
	token := ts.token(b, "consumer")
	// The same user value the portal encodes, so the bare app spends the same on JSON.
	me := *ts.users["consumer"]
	bareURL := startBareFiber(b, func(c *fiber.Ctx) error { return c.JSON(&me) })

	var p, bare meResult
	okPortal := b.Run("portal", func(b *testing.B) {
		p = driveGET(b, ts.URL+"/api/v1/me", "Bearer "+token)
	})
	okBare := b.Run("bare-fiber", func(b *testing.B) {
		bare = driveGET(b, bareURL+"/api/v1/me", "")
	})
	// Shown with -v (scripts/bench.sh passes it): figures of the last, longest run of each side.
	if okPortal && okBare && p.reqPerSec > 0 && bare.reqPerSec > 0 {
		b.Logf("portal/bare-fiber: throughput %.2fx lower, p50 %.2fx, p99 %.2fx; bodies %d and %d bytes",
			bare.reqPerSec/p.reqPerSec, p.p50/bare.p50, p.p99/bare.p99, p.bodyLen, bare.bodyLen)
	}
}

// startBareFiber serves handler as GET /api/v1/me on a loopback port, with Fiber's defaults and
// nothing else, until the benchmark ends.
func startBareFiber(b *testing.B, handler fiber.Handler) string {
	b.Helper()
	bare := fiber.New(fiber.Config{DisableStartupMessage: true})
	bare.Get("/api/v1/me", handler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- bare.Listener(ln) }()
	b.Cleanup(func() {
		if err := bare.ShutdownWithTimeout(10 * time.Second); err != nil {
			b.Error(err)
		}
		<-done
	})
	return "http://" + ln.Addr().String()
}

// meResult is what one run measured, kept so the parent can compare the two sides.
type meResult struct {
	reqPerSec, p50, p99 float64 // p50 and p99 in µs
	bodyLen             int
}

// driveGET sends b.N GET requests to url from meClients concurrent callers, each on its own
// keep-alive connection, and reports throughput and latency percentiles. Any answer but 200
// fails the benchmark.
func driveGET(b *testing.B, url, authorization string) meResult {
	host := strings.TrimPrefix(url, "http://")
	host, _, _ = strings.Cut(host, "/")
	clients := make([]*fasthttp.HostClient, meClients)
	for i := range clients {
		clients[i] = &fasthttp.HostClient{Addr: host, MaxConns: 1, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	}
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()
	newRequest := func() *fasthttp.Request {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI(url)
		req.Header.SetMethod(fasthttp.MethodGet)
		if authorization != "" {
			req.Header.Set(fasthttp.HeaderAuthorization, authorization)
		}
		return req
	}

	// Open every connection (and check the answer) before the clock starts.
	bodyLen := 0
	for _, c := range clients {
		req, res := newRequest(), fasthttp.AcquireResponse()
		err := c.Do(req, res)
		if err == nil && res.StatusCode() != fasthttp.StatusOK {
			err = fmt.Errorf("status %d: %s", res.StatusCode(), res.Body())
		}
		bodyLen = len(res.Body())
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(res)
		if err != nil {
			b.Fatalf("GET %s (warm-up): %v", url, err)
		}
	}

	var (
		next    atomic.Int64 // requests handed out so far
		failure atomic.Pointer[error]
		wg      sync.WaitGroup
	)
	latencies := make([][]time.Duration, meClients)
	b.ResetTimer()
	start := time.Now()
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, res := newRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			lat := make([]time.Duration, 0, b.N/meClients+1)
			for next.Add(1) <= int64(b.N) && failure.Load() == nil {
				t0 := time.Now()
				err := c.Do(req, res)
				lat = append(lat, time.Since(t0))
				if err == nil && res.StatusCode() != fasthttp.StatusOK {
					err = fmt.Errorf("status %d: %s", res.StatusCode(), res.Body())
				}
				if err != nil {
					err = fmt.Errorf("GET %s: %w", url, err)
					failure.CompareAndSwap(nil, &err)
					return
				}
			}
			latencies[i] = lat
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := failure.Load(); err != nil {
		b.Fatal(*err)
	}

	all := make([]time.Duration, 0, b.N)
	for _, lat := range latencies {
		all = append(all, lat...)
	}
	if len(all) != b.N {
		b.Fatalf("%d latency samples for %d requests", len(all), b.N)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	at := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))].Nanoseconds()) / 1e3 }
	r := meResult{reqPerSec: float64(b.N) / elapsed.Seconds(), p50: at(0.50), p99: at(0.99), bodyLen: bodyLen}
	b.ReportMetric(r.reqPerSec, "req/s")
	b.ReportMetric(r.p50, "p50-µs")
	b.ReportMetric(r.p99, "p99-µs")
	return r
}
