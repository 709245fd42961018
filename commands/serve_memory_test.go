package commands

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hzcbec/portal/migrations/testdb"
)

// Issue 12, seen 3: every sign-in costs 19 MiB of Argon2id memory, with no bound on how many run
// at once. 200 parallel sign-ins against a real `portal serve` (built without the race detector,
// as it is deployed) must keep its resident memory under 300 MB.
func TestParallelSignInsKeepMemoryFlat(t *testing.T) {
	dsn := testdb.New(t)
	t.Setenv("DATABASE_URL", dsn)
	if err := Run(context.Background(), []string{"seed", "--accounts"}); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "portal")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/hzcbec/portal").CombinedOutput(); err != nil {
		t.Fatalf("building the portal: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	u, _ := url.Parse(dsn)
	serve := exec.Command(bin, "serve")
	serve.Env = append(os.Environ(), "PORTAL_ADDR="+addr, "PORTAL_DATA_DIR="+t.TempDir(), "PORTAL_AUTH_RATE=100000",
		"PORTAL_SEARCH_INDEX="+strings.TrimPrefix(u.Path, "/"), "PORTAL_LOG_LEVEL=error")
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- serve.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = serve.Process.Kill()
		}
	})
	client := &http.Client{Timeout: 120 * time.Second}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if r, err := client.Get("http://" + addr + "/healthz"); err == nil {
			r.Body.Close()
			break
		}
		if time.Since(start) > 60*time.Second {
			t.Fatal("portal serve did not answer within a minute")
		}
	}

	var wg sync.WaitGroup
	statuses := make(chan int, 200)
	for i := 0; i < 200; i++ {
		email := "consumer@demo.portal"
		if i%2 == 1 {
			email = fmt.Sprintf("nobody-%d@example.com", i)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := strings.NewReader(fmt.Sprintf(`{"email": %q, "password": "demo-password-2026"}`, email))
			r, err := client.Post("http://"+addr+"/api/v1/auth/login", "application/json", body)
			if err != nil {
				statuses <- 0
				return
			}
			r.Body.Close()
			statuses <- r.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	answered := map[int]int{}
	for s := range statuses {
		answered[s]++
	}
	if answered[200]+answered[401] != 200 {
		t.Fatalf("answers to 200 parallel sign-ins: %v, want each a 200 or a 401", answered)
	}
	peak := peakResidentMiB(t, serve.Process.Pid)
	t.Logf("200 parallel sign-ins: answers %v, peak resident memory %d MiB", answered, peak)
	if peak >= 300 {
		t.Fatalf("peak resident memory of portal serve: %d MiB, want under 300", peak)
	}
}

// peakResidentMiB is the most memory the process has held resident (VmHWM).
func peakResidentMiB(t *testing.T, pid int) int {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return kb / 1024
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
