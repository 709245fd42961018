package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/models/recalls"
)

// The demo story (demo_story.go) is told through the portal's own API, in process, as the demo
// accounts would tell it: every rule, audit record, credit mark and deadline job follows as it
// would in use. Its clock starts demoDays before today, so the records have a history and the
// statistics months; the timeouts that silence applies in the story (an unanswered claim
// approved, a measure gone overdue) are applied by the engine as its deadline job would.

// demoDays is how far back the story starts.
const demoDays = 75

// DemoSeeded is the audit action that marks a database whose demo story is loaded.
const DemoSeeded = "demo.seeded"

// DemoSummary says what SeedDemo did.
type DemoSummary struct {
	Loaded  bool // false: the story was already there and nothing was written
	Alerts  int  // public alerts imported from the real recalls
	Records int  // complaints, claims, cases and measures the story files
	Took    time.Duration
}

// SeedDemo loads the demo story into the database cfg names, once: a database that has it is left
// alone. The real data (recalls, GS1's EPCIS examples) is read from testdata, the repository's
// folder of it; reviews, when not empty, is the zip of real shopping reviews (never shipped:
// they state no licence), a few of whose complaints the story then files. Statistics are built
// and the search index filled before it returns, so the pages show the story at once.
func SeedDemo(ctx context.Context, cfg Config, testdata, reviews string) (DemoSummary, error) {
	began := time.Now()
	realNow := time.Now()
	start := clock.StartOfDay(realNow.AddDate(0, 0, -demoDays)).Add(9 * time.Hour)
	clk := clock.NewManual(start)
	cfg.Clock = clk
	srv, err := New(ctx, cfg)
	if err != nil {
		return DemoSummary{}, err
	}
	defer srv.store.Close()
	if _, err := Seed(ctx, srv.store); err != nil {
		return DemoSummary{}, err
	}
	state, err := srv.store.DemoState(ctx, DemoSeeded)
	if err != nil || state == models.DemoComplete {
		return DemoSummary{Took: time.Since(began)}, err
	}
	if state == models.DemoPartial {
		return DemoSummary{}, fmt.Errorf("this database holds part of the demo story (an earlier seed stopped half-way): " +
			"start from an empty data folder (make clean-data) or a new database")
	}

	d := &demo{ctx: ctx, srv: srv, clock: clk, start: start, realNow: realNow, tokens: map[string]string{}, data: testdata, reviews: reviews}
	alerts := d.importRecalls()
	d.tell()
	if d.err != nil {
		return DemoSummary{}, d.err
	}
	clk.Set(realNow)
	if err := srv.engine.ComputeQualityIndex(ctx, d.months()...); err != nil { // refreshes the rollups first
		return DemoSummary{}, fmt.Errorf("demo statistics: %w", err)
	}
	if err := srv.search.Reindex(ctx, func(int, int) {}); err != nil {
		return DemoSummary{}, fmt.Errorf("demo search index: %w", err)
	}
	if err := srv.store.MarkDemoSeeded(ctx, DemoSeeded, map[string]any{"alerts_imported": alerts, "records": d.records}); err != nil {
		return DemoSummary{}, err
	}
	return DemoSummary{Loaded: true, Alerts: alerts, Records: d.records, Took: time.Since(began)}, nil
}

// demo tells the story; the first error stops it (later calls do nothing) and is its result.
type demo struct {
	ctx            context.Context
	srv            *Server
	clock          *clock.Manual
	start, realNow time.Time
	tokens         map[string]string // by account e-mail
	data, reviews  string
	records        int
	err            error
}

// day sets the portal's clock to the story's day n (0 is its first), at the hour given.
func (d *demo) day(n int, hour float64) {
	d.clock.Set(d.start.AddDate(0, 0, n).Add(time.Duration(hour * float64(time.Hour))).Add(-9 * time.Hour))
}

// recent sets the clock to hours before now: the records still waiting for someone.
func (d *demo) recent(hoursAgo float64) {
	d.clock.Set(d.realNow.Add(-time.Duration(hoursAgo * float64(time.Hour))))
}

// months are the months the story spans, for the quality index.
func (d *demo) months() []time.Time {
	var out []time.Time
	for m := clock.Month(d.start); m.Before(clock.Month(d.realNow)); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

func (d *demo) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// token signs an account in (a token valid for the whole story).
func (d *demo) token(email string) string {
	if t, ok := d.tokens[email]; ok || d.err != nil {
		return t
	}
	u, err := d.srv.store.UserByEmail(d.ctx, email)
	if err != nil {
		d.fail(fmt.Errorf("demo account %s: %w", email, err))
		return ""
	}
	t, err := d.srv.store.IssueToken(d.ctx, u.ID, 2*demoDays*24*time.Hour)
	d.fail(err)
	d.tokens[email] = t
	return t
}

// account adds a demo account beyond the one per role that Seed makes.
func (d *demo) account(u models.NewUser) {
	if d.err != nil {
		return
	}
	u.Password = DemoPassword
	_, err := d.srv.store.CreateUser(d.ctx, models.SystemActor, u)
	if models.ErrorCode(err) != models.ECONFLICT {
		d.fail(err)
	}
}

// call sends one request as the account (by e-mail) and decodes a JSON object answer; any
// status but 2xx stops the story.
func (d *demo) call(method, path, as string, body any) map[string]any {
	if d.err != nil {
		return map[string]any{}
	}
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			d.fail(err)
			return map[string]any{}
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return d.send(req, as)
}

// upload sends a file (multipart, field file) as the account.
func (d *demo) upload(path, as, name string, data []byte) map[string]any {
	if d.err != nil {
		return map[string]any{}
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", name)
	if err == nil {
		_, err = part.Write(data)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		d.fail(err)
		return map[string]any{}
	}
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return d.send(req, as)
}

func (d *demo) send(req *http.Request, as string) map[string]any {
	req.Header.Set("Authorization", "Bearer "+d.token(as))
	req.Header.Set("Accept", "application/json")
	res, err := d.srv.fiber.Test(req, -1)
	if err != nil {
		d.fail(fmt.Errorf("demo %s %s: %w", req.Method, req.URL.Path, err))
		return map[string]any{}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		d.fail(fmt.Errorf("demo %s %s as %s: %d %s", req.Method, req.URL.Path, as, res.StatusCode, raw))
		return map[string]any{}
	}
	out := map[string]any{}
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		d.fail(fmt.Errorf("demo %s %s: not a JSON object: %.200s", req.Method, req.URL.Path, raw))
	}
	return out
}

// id is the "id" of an answer ("" after an error).
func id(m map[string]any) string {
	s, _ := m["id"].(string)
	return s
}

// file files a workflow record and counts it.
func (d *demo) file(kind, as string, body map[string]any) string {
	d.records++
	return id(d.call("POST", "/api/v1/"+kind, as, body))
}

// act takes an action on a record.
func (d *demo) act(kind, recordID, action, as string, body map[string]any) map[string]any {
	if body == nil {
		body = map[string]any{}
	}
	return d.call("POST", "/api/v1/"+kind+"/"+recordID+"/actions/"+action, as, body)
}

// lapse lets a record's deadline pass unanswered: the clock moves past it and the engine applies
// its timeout, as the deadline's job does when the portal runs.
func (d *demo) lapse(kind, recordID, deadline string) {
	rec := d.call("GET", "/api/v1/"+kind+"/"+recordID, "admin@demo.portal", nil)
	if d.err != nil {
		return
	}
	dueText, _ := rec["deadlines"].(map[string]any)[deadline].(string)
	due, err := time.Parse(time.RFC3339Nano, dueText)
	if err != nil {
		d.fail(fmt.Errorf("demo: %s %s has no deadline %s: %v", kind, recordID, deadline, rec["deadlines"]))
		return
	}
	d.clock.Set(due.Add(time.Hour))
	d.fail(d.srv.engine.Timeout(d.ctx, kind, recordID, deadline, due))
}

// importRecalls stores the real recalls as public alerts and proposes their matches, as
// `portal import` does; it returns how many alerts the files hold.
func (d *demo) importRecalls() int {
	files := []struct {
		name string
		read func(io.Reader) (*recalls.File, error)
	}{
		{"eu_safety_gate_alerts_353.csv", recalls.ReadSafetyGate},
		{"eu_safety_gate_alerts_222_with_risk_measures.csv", recalls.ReadSafetyGate},
		{"us_kids_product_recalls_cpsc_nhtsa.csv", recalls.ReadCPSC},
	}
	alerts := map[string]bool{} // the files overlap: an alert in two counts once
	for _, f := range files {
		if d.err != nil {
			return 0
		}
		file, err := os.Open(filepath.Join(d.data, "recalls", f.name))
		if err != nil {
			d.fail(fmt.Errorf("demo recalls (the repository's testdata folder, or PORTAL_TESTDATA): %w", err))
			return 0
		}
		parsed, err := f.read(file)
		file.Close()
		if err != nil {
			d.fail(fmt.Errorf("%s: %w", f.name, err))
			return 0
		}
		res, err := d.srv.store.ImportAlerts(d.ctx, parsed, nil)
		if err != nil {
			d.fail(err)
			return 0
		}
		if _, err := d.srv.store.MatchAlerts(d.ctx, res.AlertIDs, nil); err != nil {
			d.fail(err)
			return 0
		}
		for _, a := range res.AlertIDs {
			alerts[a] = true
		}
	}
	return len(alerts)
}

// readData reads a file of the real data.
func (d *demo) readData(parts ...string) []byte {
	if d.err != nil {
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(append([]string{d.data}, parts...)...))
	d.fail(err)
	return raw
}

// newJSONRequest is a request with a JSON body already encoded.
func newJSONRequest(method, path string, body []byte) *http.Request {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// when is an instant of the story for a JSON body.
func when(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// hangzhouDay is the day of t in Hangzhou (YYYY-MM-DD).
func hangzhouDay(t time.Time) string { return clock.Day(t) }
