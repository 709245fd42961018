package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// blockComplaints holds a lock that stops every complaint from being written until release.
func blockComplaints(t *testing.T, ts *testServer) (release func()) {
	t.Helper()
	tx := ts.srv.Store().Gorm().Begin()
	if err := tx.Exec(`LOCK TABLE complaints IN EXCLUSIVE MODE`).Error; err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { tx.Rollback() }) }
	t.Cleanup(release)
	return release
}

// waitForBlockedFiling waits until n filings wait on the complaints lock, and returns their
// backends' process ids.
func waitForBlockedFiling(t *testing.T, ts *testServer, n int) []int {
	t.Helper()
	var pids []int
	eventuallyWithin(t, 10*time.Second, func() bool {
		pids = nil
		ts.srv.Store().Gorm().Raw(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'
			AND query LIKE '%INSERT INTO "complaints"%'`).Scan(&pids)
		return len(pids) >= n
	}, "the filing to wait on the lock")
	return pids
}

func complaintCount(t *testing.T, ts *testServer) int64 {
	t.Helper()
	var n int64
	ts.srv.Store().Gorm().Raw(`SELECT count(*) FROM complaints`).Scan(&n)
	return n
}

// Issue 14: a retry never strands a client. A request that dies before its effect commits (here
// its database session is killed mid-statement, as when the portal is killed) leaves its key
// free: the retry goes ahead and files once. A retry that comes while the first request still
// runs is told so at once (409 with a Retry-After: waiting copies would each hold a database
// connection), and gets the first's answer once it has committed.
func TestARetryAfterACrashGoesAheadAndOneWhileRunningGetsTheAnswer(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	key := []string{"Idempotency-Key", "file-once-after-crash"}

	release := blockComplaints(t, ts)
	died := make(chan response, 1)
	go func() { died <- ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...) }()
	pid := waitForBlockedFiling(t, ts, 1)[0]
	if err := ts.srv.Store().Gorm().Exec(`SELECT pg_terminate_backend(?, 10000)`, pid).Error; err != nil {
		t.Fatal(err)
	}
	if r := <-died; r.Status < 500 {
		t.Fatalf("a request whose session died: %d %s", r.Status, r.Body)
	}
	release()
	if n := complaintCount(t, ts); n != 0 {
		t.Fatalf("%d complaints after the request died", n)
	}
	retry := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...)
	if retry.Status != 201 || retry.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the retry after the crash: %d %s", retry.Status, retry.Body)
	}
	again := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...)
	if again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || again.json(t)["id"] != retry.json(t)["id"] {
		t.Fatalf("the retry after the answer: %d %s", again.Status, again.Body)
	}
	if n := complaintCount(t, ts); n != 1 {
		t.Fatalf("%d complaints after a crash and two retries, want 1", n)
	}

	// Copies of a request while the first is held up: told to come back, then given its answer.
	release = blockComplaints(t, ts)
	key = []string{"Idempotency-Key", "file-once-concurrently"}
	first := make(chan response, 1)
	go func() { first <- ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...) }()
	waitForBlockedFiling(t, ts, 1)
	for range 4 {
		r := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...)
		if r.Status != 409 || !strings.Contains(string(r.Body), "仍在处理中") || r.Header.Get("Retry-After") != "1" {
			t.Fatalf("a copy while the first runs: %d %s (Retry-After %q)", r.Status, r.Body, r.Header.Get("Retry-After"))
		}
	}
	release()
	answer := <-first
	later := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...)
	if answer.Status != 201 || later.Status != 201 || later.Header.Get("Idempotent-Replayed") != "true" ||
		later.json(t)["id"] != answer.json(t)["id"] || complaintCount(t, ts) != 2 {
		t.Fatalf("the first %d %s, a copy after it %d %s, %d complaints in all (want one new)",
			answer.Status, answer.Body, later.Status, later.Body, complaintCount(t, ts))
	}

	// A key an older portal left "running" (status 0) is taken over, not replayed as an empty answer.
	if err := ts.srv.Store().Gorm().Exec(`INSERT INTO idempotency_keys (scope, key, method, path, request_hash, created_at, status)
		SELECT scope, 'left-running', method, path, request_hash, created_at, 0 FROM idempotency_keys LIMIT 1`).Error; err != nil {
		t.Fatal(err)
	}
	if r := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), "Idempotency-Key", "left-running"); r.Status != 201 ||
		r.Header.Get("Idempotent-Replayed") != "" || complaintCount(t, ts) != 3 {
		t.Fatalf("a key left running by an older portal: %d %s", r.Status, r.Body)
	}
	var kept []int
	ts.srv.Store().Gorm().WithContext(context.Background()).Raw(`SELECT status FROM idempotency_keys ORDER BY key`).Scan(&kept)
	if len(kept) != 3 || kept[0] != 201 || kept[1] != 201 || kept[2] != 201 {
		t.Fatalf("kept keys: %v, want three answered 201", kept)
	}
}
