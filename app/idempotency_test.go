package app_test

import (
	"context"
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
// runs waits for it and gets its answer; concurrent copies of one request file one complaint.
func TestARetryAfterACrashGoesAheadAndOneWhileRunningGetsTheAnswer(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	key := []string{"Idempotency-Key", "file-once-after-crash"}

	release := blockComplaints(t, ts)
	died := make(chan response, 1)
	go func() { died <- ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...) }()
	pid := waitForBlockedFiling(t, ts, 1)[0]
	if err := ts.srv.Store().Gorm().Exec(`SELECT pg_terminate_backend(?)`, pid).Error; err != nil {
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

	// Five copies of one request at once, the first held up: all get the one answer.
	release = blockComplaints(t, ts)
	key = []string{"Idempotency-Key", "file-once-concurrently"}
	answers := make(chan response, 5)
	go func() { answers <- ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...) }()
	waitForBlockedFiling(t, ts, 1)
	for range 4 {
		go func() { answers <- ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody(), key...) }()
	}
	time.Sleep(200 * time.Millisecond) // the copies reach the key and wait behind the first
	release()
	ids := map[any]int{}
	for range 5 {
		r := <-answers
		if r.Status != 201 {
			t.Fatalf("a copy got %d %s", r.Status, r.Body)
		}
		ids[r.json(t)["id"]]++
	}
	if len(ids) != 1 || complaintCount(t, ts) != 2 {
		t.Fatalf("five copies of a request: answers %v, %d complaints in all (want one new)", ids, complaintCount(t, ts))
	}
	var kept []int
	ts.srv.Store().Gorm().WithContext(context.Background()).Raw(`SELECT status FROM idempotency_keys ORDER BY key`).Scan(&kept)
	if len(kept) != 2 || kept[0] != 201 || kept[1] != 201 {
		t.Fatalf("kept keys: %v, want two answered 201", kept)
	}
}
