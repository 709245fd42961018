package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
)

// testServer is a real portal on a loopback port, on its own fresh database and the real
// Meilisearch, with the demo accounts loaded.
type testServer struct {
	URL    string
	srv    *app.Server
	users  map[string]*models.User // demo user by role
	client *http.Client
}

// roles in the order the access matrix lists them; "public" is nobody signed in.
var roles = []string{"public", "consumer", "merchant", "platform", "inspector", "arbitrator", "admin"}

func startServer(t testing.TB, env map[string]string) *testServer {
	t.Helper()
	return startServerAt(t, env, nil)
}

// startServerAt is startServer with the portal's clock set to clk (nil: the machine's).
func startServerAt(t testing.TB, env map[string]string, clk clock.Clock) *testServer {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if env["DATABASE_URL"] == "" {
		env["DATABASE_URL"] = testdb.New(t)
	}
	if env["PORTAL_DATA_DIR"] == "" {
		env["PORTAL_DATA_DIR"] = t.TempDir() // evidence files of this server only
	}
	if env["PORTAL_SEARCH_WARM_UP"] == "" {
		// Meilisearch works one task at a time for all indexes: a warm-up per test server
		// (seconds on a new index) would hold up every other test's indexing.
		env["PORTAL_SEARCH_WARM_UP"] = "0"
	}
	if env["PORTAL_AUDIT_KEY"] == "" {
		env["PORTAL_AUDIT_KEY"] = testAuditKey // servers sharing a database sign its log with one key
	}
	ownIndex := env["PORTAL_SEARCH_INDEX"] == ""
	if ownIndex {
		// The database's own search index: servers sharing a database share it, no others.
		u, err := url.Parse(env["DATABASE_URL"])
		if err != nil {
			t.Fatal(err)
		}
		env["PORTAL_SEARCH_INDEX"] = strings.TrimPrefix(u.Path, "/")
	}
	cfg := testConfig(t, env)
	cfg.Clock = clk
	ctx, cancel := context.WithCancel(context.Background())
	s, err := app.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if ownIndex {
		// Registered first, so it runs last: once the server (and its indexing) has stopped.
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = s.Search().DeleteIndex(ctx)
		})
	}
	if _, err := app.Seed(ctx, s.Store()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s")
		}
	})
	ts := &testServer{URL: "http://" + ln.Addr().String(), srv: s, users: map[string]*models.User{},
		client: &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	for _, role := range roles[1:] {
		u, err := s.Store().UserByEmail(ctx, role+"@demo.portal")
		if err != nil {
			t.Fatal(err)
		}
		ts.users[role] = u
	}
	return ts
}

// testConfig is the portal's configuration from env, then the test process's environment.
func testConfig(t testing.TB, env map[string]string) app.Config {
	t.Helper()
	cfg, err := app.LoadConfig(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// token issues a fresh bearer token for a demo role ("" for public).
func (ts *testServer) token(t testing.TB, role string) string {
	t.Helper()
	if role == "public" || role == "" {
		return ""
	}
	tok, err := ts.srv.Store().IssueToken(context.Background(), ts.users[role].ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// response is an answer with its body read.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// do sends a JSON request (body marshalled unless it is a string or nil) with an optional token.
func (ts *testServer) do(t testing.TB, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.send(t, req)
}

// form posts a page form with a valid CSRF pair (cookie and field), as a browser would.
func (ts *testServer) form(t testing.TB, path, token string, values url.Values) response {
	t.Helper()
	if values == nil {
		values = url.Values{}
	}
	values.Set("_csrf", "test-csrf-token")
	req, err := http.NewRequest("POST", ts.URL+path, strings.NewReader(values.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "portal_csrf", Value: "test-csrf-token"})
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return ts.send(t, req)
}

func (ts *testServer) send(t testing.TB, req *http.Request) response {
	t.Helper()
	res, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: body}
}

// testAuditKey signs the audit checkpoints of every test server.
var testAuditKey = func() string {
	k, err := models.GenerateAuditKey()
	if err != nil {
		panic(err)
	}
	return k
}()
