// Package faults tests the portal against the faults an operator meets: a portal killed (kill -9)
// under load and started again, two portals on one database, Postgres killed and started again,
// Meilisearch frozen. It builds the portal, brings up a stack of its own (scripts/stack.sh in a
// folder of the test's: the Postgres it kills is nobody else's) and loads it from several clients
// that send every filing with an Idempotency-Key and retry it, to the other portal, until answered.
// Then nothing acknowledged is lost or doubled, no key is stranded, every deadline fired exactly
// once, the search index matches Postgres and the audit chain verifies.
//
// `make test` runs the short form (about a minute and a half); `make chaos` the long one
// (PORTAL_CHAOS=1: a longer load, every fault several times, Meilisearch killed too). The
// figures it prints are in docs/reliability.md.
package faults

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// stack is the test's own Postgres and Meilisearch (scripts/stack.sh in dir).
type stack struct {
	t        *testing.T
	repo     string
	dir      string
	env      map[string]string // DATABASE_URL, MEILI_URL, MEILI_MASTER_KEY
	ownerURL string            // the tables' owner (migrations)
	appURL   string            // the portal's own role
	backups  bool              // PORTAL_BACKUPS: WAL archiving and pgBackRest
}

func repoRoot(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd) // faults/ is at the top of the repository
}

// up starts (or starts again) what is not running, as make run does.
func (s *stack) up() {
	s.t.Helper()
	var out []byte
	var err error
	for try := 0; try < 20; try++ { // a killed postmaster's backends take a moment to go
		cmd := exec.Command("bash", filepath.Join(s.repo, "scripts/stack.sh"), "env")
		cmd.Dir = s.repo
		cmd.Env = s.stackEnv()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if out, err = cmd.Output(); err == nil {
			break
		}
		s.t.Logf("stack.sh env (try %d): %v\n%s", try+1, err, stderr.String())
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal("the stack did not come up")
	}
	s.env = map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		if uq, err := strconv.Unquote(strings.ReplaceAll(v, "'", `"`)); err == nil {
			v = uq
		}
		s.env[k] = v
	}
	s.ownerURL = s.env["DATABASE_URL"]
	s.appURL = strings.Replace(s.ownerURL, "://postgres@", "://portal@", 1)
}

// stackEnv is the environment scripts/stack.sh runs in for this stack.
func (s *stack) stackEnv() []string {
	backups := "0"
	if s.backups {
		backups = "1"
	}
	return append(cleanEnv(), "PORTAL_DATA_DIR="+s.dir, "PORTAL_BACKUPS="+backups)
}

// script runs scripts/stack.sh with args on this stack.
func (s *stack) script(args ...string) {
	s.t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(s.repo, "scripts/stack.sh")}, args...)...)
	cmd.Dir = s.repo
	cmd.Env = s.stackEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("stack.sh %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// cleanEnv is the test's environment without the stack of `make test` it runs in.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "MEILI_URL", "MEILI_MASTER_KEY", "PORTAL_DATA_DIR", "PORTAL_BACKUPS":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (s *stack) down() {
	cmd := exec.Command("bash", filepath.Join(s.repo, "scripts/stack.sh"), "stop")
	cmd.Dir = s.repo
	cmd.Env = s.stackEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Logf("stack.sh stop: %v\n%s", err, out)
	}
}

// pid reads a server's process id from its pid file.
func (s *stack) pid(file string) int {
	s.t.Helper()
	raw, err := os.ReadFile(filepath.Join(s.dir, file))
	if err != nil {
		s.t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	if err != nil {
		s.t.Fatal(err)
	}
	return pid
}

func (s *stack) killPostgres() { syscall.Kill(s.pid("pg/data/postmaster.pid"), syscall.SIGKILL) }

func (s *stack) meili(sig syscall.Signal) { syscall.Kill(s.pid("meili/pid"), sig) }

// portal is one `portal serve` process.
type portal struct {
	bin, addr, dataDir string
	env                []string
	cmd                *exec.Cmd
	log                *os.File
}

func (p *portal) start(t *testing.T) {
	t.Helper()
	p.cmd = exec.Command(p.bin, "serve")
	p.cmd.Env = append(append(cleanEnv(), p.env...), "PORTAL_ADDR="+p.addr)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.cmd.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := http.Get("http://" + p.addr + "/healthz"); err == nil {
			r.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("portal %s did not start; see %s", p.addr, p.log.Name())
}

func (p *portal) kill() { p.cmd.Process.Kill() }

func (p *portal) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Process.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// run runs the portal command to its end.
func run(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cleanEnv(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("portal %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// load is the clients: each files complaints one after another, every one under a new key, sent
// again under the same key (to the next portal) until it is answered.
type load struct {
	portals []string
	token   string
	mu      sync.Mutex
	acked   map[string]string // key -> complaint id
	retries atomic.Int64
	stop    atomic.Bool
}

func (l *load) client(t *testing.T, n int, wg *sync.WaitGroup) {
	defer wg.Done()
	for try := n; !l.stop.Load(); try++ {
		key := randomKey()
		id, retries, ok := l.file(t, n, key, try)
		if !ok {
			return
		}
		l.retries.Add(int64(retries))
		try += retries
		l.mu.Lock()
		l.acked[key] = id
		l.mu.Unlock()
	}
}

// file sends one filing under key until it is answered, starting at portal number try and going
// round them; it returns the complaint and the retries it took (ok false: refused for good).
func (l *load) file(t *testing.T, n int, key string, try int) (id string, retries int, ok bool) {
	hc := &http.Client{Timeout: 5 * time.Second}
	body, _ := json.Marshal(map[string]any{"respondent_id": "demo-merchant", "platform_id": "demo-platform",
		"order_ref": fmt.Sprintf("FAULT-%d", n), "category": "quality", "amount": "99.00", "currency": "CNY",
		"description": "充电宝外壳鼓包 fault test", "request": "退款"})
	for ; ; retries++ {
		req, _ := http.NewRequest("POST", "http://"+l.portals[(try+retries)%len(l.portals)]+"/api/v1/complaints", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+l.token)
		req.Header.Set("Idempotency-Key", key)
		res, err := hc.Do(req)
		if err == nil {
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 201 {
				var c struct{ ID string }
				json.Unmarshal(raw, &c)
				return c.ID, retries, true
			}
			if res.StatusCode < 500 && res.StatusCode != 429 && res.StatusCode != 409 { // 409: the key's first try still runs
				t.Errorf("a filing answered %d: %s", res.StatusCode, raw)
				return "", retries, false
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func randomKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// psql runs a query as the owner and returns its one value.
func (s *stack) psql(t *testing.T, query string) string {
	t.Helper()
	cmd := exec.Command("psql", s.ownerURL, "-XtA", "-v", "ON_ERROR_STOP=1")
	cmd.Stdin = strings.NewReader(query) // on stdin: a query may list thousands of ids
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql %.200s: %v %s", query, err, out)
	}
	return strings.TrimSpace(string(out))
}

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		if cond() {
			return time.Since(start)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("not within %s: %s", within, what)
	return 0
}

// site is a stack of the test's own with the portal built, migrated and the demo accounts made.
type site struct {
	stack      *stack
	bin, dir   string
	owner, app []string // the environment of the portal's commands as the tables' owner, and of serve
}

func newSite(t *testing.T, backups bool, env ...string) site {
	t.Helper()
	dir, err := os.MkdirTemp("", "faults-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &stack{t: t, repo: repoRoot(t), dir: filepath.Join(dir, "stack"), backups: backups}
	s.up()
	t.Cleanup(s.down)
	bin := filepath.Join(dir, "portal")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/hzcbec/portal").CombinedOutput(); err != nil {
		t.Fatalf("building the portal: %v\n%s", err, out)
	}
	base := append([]string{"MEILI_URL=" + s.env["MEILI_URL"], "MEILI_MASTER_KEY=" + s.env["MEILI_MASTER_KEY"],
		"PORTAL_DATA_DIR=" + s.dir, "PORTAL_SEARCH_INDEX=faults", "PORTAL_LOG_LEVEL=warn"}, env...)
	owner := append([]string{"DATABASE_URL=" + s.ownerURL, "PORTAL_APP_ROLE=portal"}, base...)
	run(t, bin, owner, "migrate")
	run(t, bin, owner, "seed", "--accounts")
	return site{stack: s, bin: bin, dir: dir, owner: owner, app: append([]string{"DATABASE_URL=" + s.appURL}, base...)}
}

func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the portal and its own stack")
	}
	long := os.Getenv("PORTAL_CHAOS") == "1"
	site := newSite(t, false, "PORTAL_DEADLINES=complaint.respond=6s")
	s, bin, dir, owner, app := site.stack, site.bin, site.dir, site.owner, site.app

	var portals []*portal
	for i := range 2 {
		logFile, err := os.Create(filepath.Join(dir, fmt.Sprintf("portal-%d.log", i)))
		if err != nil {
			t.Fatal(err)
		}
		p := &portal{bin: bin, addr: freeAddr(t), env: app, log: logFile}
		p.start(t)
		t.Cleanup(p.stop)
		portals = append(portals, p)
	}
	token := signIn(t, portals[0].addr, "consumer@demo.portal")

	l := &load{portals: []string{portals[0].addr, portals[1].addr}, token: token, acked: map[string]string{}}
	var wg sync.WaitGroup
	clients := 4
	for n := range clients {
		wg.Add(1)
		go l.client(t, n, &wg)
	}
	step := func(d time.Duration) { time.Sleep(d) }
	rounds := 1
	if long {
		rounds = 5
	}
	var recoveries []string
	var killedAt time.Time
	for round := range rounds {
		step(2 * time.Second)
		portals[0].kill() // kill -9 of a portal; the other goes on
		killedAt = time.Now()
		step(time.Second)
		portals[0].start(t)
		step(2 * time.Second)
		s.killPostgres() // kill -9 of the postmaster; both portals stay up
		step(time.Second)
		down := time.Now()
		s.up()
		recoveries = append(recoveries, fmt.Sprintf("round %d: Postgres back in %s", round+1, time.Since(down).Round(10*time.Millisecond)))
		step(2 * time.Second)
		s.meili(syscall.SIGSTOP) // Meilisearch frozen
		step(3 * time.Second)
		s.meili(syscall.SIGCONT)
		if long {
			step(2 * time.Second)
			s.meili(syscall.SIGKILL) // and killed: the stack starts it again
			step(time.Second)
			s.up()
		}
	}
	step(2 * time.Second)
	l.stop.Store(true)
	wg.Wait()
	if len(l.acked) == 0 {
		t.Fatal("no filing was acknowledged")
	}
	t.Logf("%d complaints acknowledged from %d clients, %d retries; %s", len(l.acked), clients, l.retries.Load(), strings.Join(recoveries, "; "))

	// Nothing acknowledged lost, nothing doubled, no key stranded.
	ids := make([]string, 0, len(l.acked))
	for _, id := range l.acked {
		ids = append(ids, "'"+id+"'")
	}
	if got := s.psql(t, "SELECT count(*) FROM complaints WHERE id IN ("+strings.Join(ids, ",")+")"); got != strconv.Itoa(len(l.acked)) {
		t.Errorf("%s of %d acknowledged complaints are in the database", got, len(l.acked))
	}
	if got := s.psql(t, "SELECT count(*) FROM complaints"); got != strconv.Itoa(len(l.acked)) {
		t.Errorf("%s complaints in the database, %d acknowledged: a retry filed twice", got, len(l.acked))
	}
	if got := s.psql(t, "SELECT count(*) FROM idempotency_keys WHERE status = 0 OR status >= 500"); got != "0" {
		t.Errorf("%s idempotency keys stranded", got)
	}

	// Every deadline fired, exactly once.
	took := eventually(t, 60*time.Second, "every complaint escalated by its deadline", func() bool {
		return s.psql(t, "SELECT count(*) FROM complaints WHERE status = 'filed'") == "0"
	})
	t.Logf("the last deadlines fired %s after the load ended; lag of each after its due time (p50 p99 max, s): %s",
		took.Round(100*time.Millisecond), s.psql(t, `SELECT concat_ws(' ', round(percentile_disc(0.5) WITHIN GROUP (ORDER BY lag)::numeric, 2),
			round(percentile_disc(0.99) WITHIN GROUP (ORDER BY lag)::numeric, 2), round(max(lag)::numeric, 2))
		FROM (SELECT extract(epoch FROM e.at - (c.created_at + interval '6 seconds')) AS lag FROM workflow_events e
			JOIN complaints c ON c.id = e.record_id WHERE e.kind = 'complaints' AND e.action = 'escalate') AS lags`))
	if got := s.psql(t, `SELECT count(*) FROM (SELECT record_id FROM workflow_events WHERE kind = 'complaints'
		AND action = 'escalate' GROUP BY record_id HAVING count(*) <> 1) AS twice`); got != "0" {
		t.Errorf("%s complaints escalated more than once", got)
	}

	// A deadline due while Postgres is down fires once, soon after it is back.
	late := fileOne(t, portals[1].addr, token)
	s.killPostgres()
	time.Sleep(8 * time.Second) // the 6 s deadline falls in the outage
	s.up()
	back := time.Now()
	eventually(t, 30*time.Second, "the deadline due in the outage to fire", func() bool {
		return s.psql(t, "SELECT status FROM complaints WHERE id = '"+late+"'") == "in_review"
	})
	t.Logf("a deadline due during a Postgres outage fired %s after Postgres was back", time.Since(back).Round(100*time.Millisecond))
	if got := s.psql(t, "SELECT count(*) FROM workflow_events WHERE action = 'escalate' AND record_id = '"+late+"'"); got != "1" {
		t.Errorf("the deadline due in the outage fired %s times", got)
	}

	// Jobs held by the killed portal are rescued (workflows.RescueAfter, or their worker's
	// timeout: up to two minutes for indexing); the long form waits for it.
	if long {
		cutoff := killedAt.UTC().Format(time.RFC3339Nano)
		held := s.psql(t, "SELECT count(*) FROM river_job WHERE state = 'running' AND attempted_at <= '"+cutoff+"'")
		eventually(t, 150*time.Second, "the jobs the killed portal held to be rescued", func() bool {
			return s.psql(t, "SELECT count(*) FROM river_job WHERE state = 'running' AND attempted_at <= '"+cutoff+"'") == "0"
		})
		t.Logf("%s jobs were running since before the last kill at the end of the load; none left %s after the kill", held,
			time.Since(killedAt).Round(time.Second))
	}

	// Search matches Postgres again.
	took = eventually(t, 100*time.Second, "the search index to match Postgres", func() bool {
		cmd := exec.Command(bin, "search", "check")
		cmd.Env = append(cleanEnv(), app...)
		return cmd.Run() == nil
	})
	t.Logf("search matched Postgres %s after the last fault", took.Round(time.Second))
	run(t, bin, owner, "audit", "verify")
}

func signIn(t *testing.T, addr, email string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": "demo-password-2026"})
	res, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	json.NewDecoder(res.Body).Decode(&out)
	if out.Token == "" {
		t.Fatalf("sign-in as %s: %d", email, res.StatusCode)
	}
	return out.Token
}

// fileOne files a complaint and returns its id, retrying while the portal cannot answer.
func fileOne(t *testing.T, addr, token string) string {
	t.Helper()
	l := &load{portals: []string{addr}, token: token}
	id, _, ok := l.file(t, 99, randomKey(), 0)
	if !ok {
		t.FailNow()
	}
	return id
}
