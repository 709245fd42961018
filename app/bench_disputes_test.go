package app_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// How many callers keep each dispute write busy at once. scripts/bench.sh runs pgbench with the
// same 16 clients on scripts/bench/file_complaint.sql, the SQL of one filing.
const (
	fileClients   = 16
	actionClients = 50
)

// actionPaces are how often each of the actionClients acts in BenchmarkComplaintActionPaced,
// for at least pacedSeconds each.
var actionPaces = []time.Duration{100 * time.Millisecond, 50 * time.Millisecond}

const pacedSeconds = 10

// BenchmarkFileComplaint files complaints through POST /api/v1/complaints on the real portal,
// from fileClients concurrent callers, all as the demo consumer. Each filing is one transaction
// with the complaint, its first timeline step, a notification, an audit record (appended
// unlinked; the sequencer job chains it after commit) and the River job of the merchant's deadline.
// Every answer must be 201.
func BenchmarkFileComplaint(b *testing.B) {
	ts := startServer(b, nil)
	load := postLoad{
		clients:       fileClients,
		authorization: "Bearer " + ts.token(b, "consumer"),
		want:          fasthttp.StatusCreated,
		request:       fileRequest(b),
	}
	b.Run("api", func(b *testing.B) {
		b.ResetTimer()
		r := load.run(b, ts.URL, b.N)
		b.StopTimer()
		r.report(b)
	})
}

// BenchmarkComplaintAction has the demo merchant respond to complaints, from actionClients
// concurrent callers, each request on a complaint of its own: b.N complaints are filed before
// the clock starts, and request i answers complaint i. Each respond is one transaction (the
// versioned update, a timeline step, a notification, an audit record), between the loading of
// the complaint and its reloading for the answer. Every answer must be 200 with the offer made.
func BenchmarkComplaintAction(b *testing.B) {
	ts := startServer(b, nil)
	b.Run("respond", func(b *testing.B) {
		benchRespond(b, ts, b.N, 0)
	})
}

// BenchmarkComplaintActionPaced is BenchmarkComplaintAction at a steady load rather than at
// saturation: each of the 50 callers answers a complaint once every pace (100 ms: 500 actions/s
// in all; 50 ms: 1 000/s; flat out the machine does about 1 400/s), so the latencies are those
// of an action, not of a queue of 50.
func BenchmarkComplaintActionPaced(b *testing.B) {
	ts := startServer(b, nil)
	for _, pace := range actionPaces {
		perSecond := int(actionClients * time.Second / pace)
		b.Run(fmt.Sprintf("%d/s", perSecond), func(b *testing.B) {
			// At least pacedSeconds of load: a p99 of a shorter run hangs on whether one of the
			// occasional stalls (a Meilisearch batch, a garbage collection) falls inside it.
			benchRespond(b, ts, max(b.N, pacedSeconds*perSecond), pace)
		})
	}
}

// benchRespond files n complaints as the demo consumer, waits for their indexing (not the
// actions' load), then measures the demo merchant's respond to each, from actionClients callers
// each sending at most once a pace (0: at once).
func benchRespond(b *testing.B, ts *testServer, n int, pace time.Duration) {
	consumer, merchant := "Bearer "+ts.token(b, "consumer"), "Bearer "+ts.token(b, "merchant")
	respond, err := json.Marshal(map[string]any{"remedy": "refund", "amount": "129.90", "message": "全额退款"})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, n)
	file := postLoad{
		clients: fileClients, authorization: consumer, want: fasthttp.StatusCreated, request: fileRequest(b),
		check: func(i int, body []byte) error {
			var c struct{ ID string }
			if err := json.Unmarshal(body, &c); err != nil || c.ID == "" {
				return fmt.Errorf("no id in %s", body)
			}
			ids[i] = c.ID
			return nil
		},
	}
	file.run(b, ts.URL, n)
	waitBacklog(b, ts, time.Minute)

	act := postLoad{
		clients: actionClients, authorization: merchant, want: fasthttp.StatusOK, pace: pace,
		request: func(i int) (string, []byte) {
			return "/api/v1/complaints/" + ids[i] + "/actions/respond", respond
		},
		check: func(_ int, body []byte) error {
			if !strings.Contains(string(body), `"status":"offered"`) {
				return fmt.Errorf("not offered: %s", body)
			}
			return nil
		},
	}
	b.ResetTimer()
	r := act.run(b, ts.URL, n)
	b.StopTimer()
	r.report(b)
}

// fileRequest files the same complaint as the API tests, every time.
func fileRequest(b *testing.B) func(int) (string, []byte) {
	body, err := json.Marshal(complaintBody())
	if err != nil {
		b.Fatal(err)
	}
	return func(int) (string, []byte) { return "/api/v1/complaints", body }
}

// postLoad sends JSON POSTs from concurrent callers, each on its own keep-alive fasthttp
// connection, as driveGET does for GETs; request i's path and body come from request.
type postLoad struct {
	clients       int
	authorization string
	want          int                                    // the status every answer must have
	request       func(i int) (path string, body []byte) // i from 0 to n-1, each once
	check         func(i int, body []byte) error         // optional, on each answer's body
	// pace, when set, is how often each caller sends: one request, then a wait until its next
	// slot (callers start at spread-out phases). Zero sends the next request at once.
	pace time.Duration
}

// run sends n requests to baseURL and measures them; any other status than want, or a check
// that fails, fails the benchmark. The connections are opened (GET /api/v1/me) before the
// first request; the caller handles the benchmark's timer.
func (l postLoad) run(b *testing.B, baseURL string, n int) meResult {
	b.Helper()
	host := strings.TrimPrefix(baseURL, "http://")
	clients := make([]*fasthttp.HostClient, l.clients)
	for i := range clients {
		clients[i] = &fasthttp.HostClient{Addr: host, MaxConns: 1, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	}
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()
	for _, c := range clients {
		req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI(baseURL + "/api/v1/me")
		req.Header.Set(fasthttp.HeaderAuthorization, l.authorization)
		err := c.Do(req, res)
		if err == nil && res.StatusCode() != fasthttp.StatusOK {
			err = fmt.Errorf("status %d: %s", res.StatusCode(), res.Body())
		}
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(res)
		if err != nil {
			b.Fatalf("GET /api/v1/me (warm-up): %v", err)
		}
	}

	var (
		next    atomic.Int64 // requests handed out so far
		failure atomic.Pointer[error]
		wg      sync.WaitGroup
	)
	latencies := make([][]time.Duration, len(clients))
	start := time.Now()
	for ci, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			req.Header.SetMethod(fasthttp.MethodPost)
			req.Header.SetContentType("application/json")
			req.Header.Set(fasthttp.HeaderAuthorization, l.authorization)
			lat := make([]time.Duration, 0, n/len(clients)+1)
			slot := start.Add(l.pace * time.Duration(ci) / time.Duration(len(clients)))
			for failure.Load() == nil {
				if l.pace > 0 {
					time.Sleep(time.Until(slot))
					slot = slot.Add(l.pace)
				}
				i := int(next.Add(1)) - 1
				if i >= n {
					break
				}
				path, body := l.request(i)
				req.SetRequestURI(baseURL + path)
				req.SetBodyRaw(body)
				t0 := time.Now()
				err := c.Do(req, res)
				lat = append(lat, time.Since(t0))
				if err == nil && res.StatusCode() != l.want {
					err = fmt.Errorf("status %d, want %d: %s", res.StatusCode(), l.want, res.Body())
				}
				if err == nil && l.check != nil {
					err = l.check(i, res.Body())
				}
				if err != nil {
					err = fmt.Errorf("POST %s: %w", path, err)
					failure.CompareAndSwap(nil, &err)
					return
				}
			}
			latencies[ci] = lat
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := failure.Load(); err != nil {
		b.Fatal(*err)
	}

	all := make([]time.Duration, 0, n)
	for _, lat := range latencies {
		all = append(all, lat...)
	}
	if len(all) != n {
		b.Fatalf("%d latency samples for %d requests", len(all), n)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	at := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))].Nanoseconds()) / 1e3 }
	return meResult{reqPerSec: float64(n) / elapsed.Seconds(), p50: at(0.50), p99: at(0.99)}
}

// report adds throughput and latency percentiles to the benchmark's line. Its ns/op is the
// time per request of the load (1 s ÷ req/s): a paced run sends more requests than b.N.
func (r meResult) report(b *testing.B) {
	b.ReportMetric(1e9/r.reqPerSec, "ns/op")
	b.ReportMetric(r.reqPerSec, "req/s")
	b.ReportMetric(r.p50, "p50-µs")
	b.ReportMetric(r.p99, "p99-µs")
}
