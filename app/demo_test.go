package app_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/migrations/testdb"
)

// demoCounts are the rows of every table the story writes, to see that a second seed writes none.
func demoCounts(t *testing.T, ts *testServer) string {
	t.Helper()
	var out []string
	for _, table := range []string{"users", "parties", "products", "batches", "listings", "declarations", "shipments",
		"trace_events", "inspections", "alerts", "measures", "complaints", "claims", "cases", "workflow_events",
		"notifications", "credit_records", "negative_list_entries", "evidence", "audit_records"} {
		var n int64
		if err := ts.srv.Store().Gorm().Raw("SELECT count(*) FROM " + table).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(out, " ")
}

// The demo story: loaded once (a second seed changes nothing), and what a newcomer opens first
// shows something real: the recalls as public alerts, a listing traced to its factory, a
// published ruling, statistics, a search for 充电宝 that finds alerts and complaints, and records
// in the states of their workflows.
func TestDemoStoryTellsTheProduct(t *testing.T) {
	dsn := testdb.New(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATABASE_URL": dsn, "PORTAL_DATA_DIR": t.TempDir(), "PORTAL_AUDIT_KEY": testAuditKey,
		"PORTAL_SEARCH_INDEX": "demo_" + strings.TrimPrefix(u.Path, "/")}
	cfg := testConfig(t, env)
	ctx := context.Background()
	sum, err := app.SeedDemo(ctx, cfg, testdb.Testdata(t), os.Getenv("PORTAL_BENCH_REVIEWS"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo story loaded in %s: %d alerts imported, %d records", sum.Took, sum.Alerts, sum.Records)
	ts := startServerAt(t, env, nil)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = ts.srv.Search().DeleteIndex(ctx)
	})
	if !sum.Loaded || sum.Alerts < 500 || sum.Records < 20 {
		t.Fatalf("the story: %+v", sum)
	}

	before := demoCounts(t, ts)
	again, err := app.SeedDemo(ctx, cfg, testdb.Testdata(t), os.Getenv("PORTAL_BENCH_REVIEWS"))
	if err != nil || again.Loaded {
		t.Fatalf("seeding again: %+v %v", again, err)
	}
	if after := demoCounts(t, ts); after != before {
		t.Fatalf("seeding again wrote:\nbefore %s\nafter  %s", before, after)
	}

	// The public alerts number the recalls imported, and the inspector's own alert.
	var imported, public int64
	db := ts.srv.Store().Gorm()
	db.Raw("SELECT count(*) FILTER (WHERE source <> 'inspection'), count(*) FROM alerts WHERE public").Row().Scan(&imported, &public)
	if imported != int64(sum.Alerts) || public != imported+1 {
		t.Errorf("public alerts: %d imported (want %d), %d in all (want one more)", imported, sum.Alerts, public)
	}

	// The listing found online traces back to the factory with no gaps.
	inspector := ts.token(t, "inspector")
	var listing string
	db.Raw("SELECT id FROM listings WHERE url LIKE '%EP-20K'").Scan(&listing)
	trace := ts.do(t, "GET", "/api/v1/listings/"+listing+"/trace", inspector, nil).json(t)
	origin, _ := trace["origin"].(map[string]any)
	if gaps, _ := trace["gaps"].([]any); len(gaps) != 0 || origin == nil || origin["kind"] != "manufacturer" {
		t.Errorf("the demo listing's trace: gaps %v, origin %v", trace["gaps"], trace["origin"])
	}
	if got := stageNames(trace); !slices.Contains(got, "manufacturer") || !slices.Contains(got, "declaration") {
		t.Errorf("the demo listing's trace stages: %v", got)
	}

	// A published ruling, anonymised.
	rulings := ts.do(t, "GET", "/api/v1/public/rulings", "", nil)
	if items, _ := rulings.json(t)["items"].([]any); len(items) == 0 || strings.Contains(string(rulings.Body), "13812345678") {
		t.Errorf("public rulings: %s", truncate(rulings.Body))
	}

	// Statistics with figures.
	stats := ts.do(t, "GET", "/api/v1/public/stats", "", nil)
	if stats.Status != 200 || !nonZeroFigure(stats.json(t)) {
		t.Errorf("public stats without a figure: %s", truncate(stats.Body))
	}

	// One party on the negative list, confirmed by the zone office.
	if nl := ts.do(t, "GET", "/api/v1/public/negative-list", "", nil).json(t); len(nl["items"].([]any)) != 1 {
		t.Errorf("negative list: %v", nl)
	}

	// 充电宝 finds alerts and complaints, from the search index (not the degraded fallback).
	res := ts.do(t, "GET", "/api/v1/search?q="+url.QueryEscape("充电宝")+"&types=alert,complaint", inspector, nil).json(t)
	types := map[any]int{}
	for _, h := range res["hits"].([]any) {
		types[h.(map[string]any)["type"]]++
	}
	if res["degraded"] != false || types["alert"] == 0 || types["complaint"] == 0 {
		t.Errorf("search 充电宝: degraded %v, hits by type %v", res["degraded"], types)
	}

	// The home page tells each role where to start, with links it may follow.
	for role, first := range map[string]string{"public": "/alerts", "consumer": "/complaints", "merchant": "/complaints",
		"platform": "/complaints", "inspector": "/listings", "arbitrator": "/cases", "admin": "/negative-list"} {
		page := string(ts.do(t, "GET", "/", ts.token(t, role), nil, "Accept-Language", "en").Body)
		_, start, ok := strings.Cut(page, `class="start-here"`)
		if !ok || !strings.HasPrefix(strings.TrimSpace(start[strings.Index(start, ">")+1:]), "Start here:") ||
			!strings.Contains(start, `href="`+first+`"`) {
			t.Errorf("the home page of %s does not start at %s: %s", role, first, truncate([]byte(start)))
		}
	}

	// Records in the states of their workflows.
	for table, want := range map[string][]string{
		"complaints": {"filed", "offered", "resolved", "in_review", "in_mediation", "paused", "refused", "unresolved", "withdrawn"},
		"claims":     {"requested", "approved", "return_shipped", "refunded", "escalated", "withdrawn"},
		"cases":      {"filed", "tribunal_formed", "complied"},
		"measures":   {"verified", "overdue"},
	} {
		var states []string
		db.Raw("SELECT DISTINCT status FROM " + table).Scan(&states)
		for _, s := range want {
			if !slices.Contains(states, s) {
				t.Errorf("no demo %s in state %s (states: %v)", table, s, states)
			}
		}
	}
}

// nonZeroFigure finds a number above zero anywhere in a JSON answer.
func nonZeroFigure(v any) bool {
	switch x := v.(type) {
	case float64:
		return x > 0
	case map[string]any:
		for _, e := range x {
			if nonZeroFigure(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if nonZeroFigure(e) {
				return true
			}
		}
	}
	return false
}
