package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hzcbec/portal/workflows"
)

// statsFixture is a known set of records, made through the API and then moved back in time
// (as if the days had passed) into March and April 2026, so their statistics are known:
//
//	complaints (all in 330106)  C1 answered on day 2, offer accepted day 3          March
//	                            C2 answered day 4, offer rejected day 5, accepted by
//	                               the office day 6, settled day 10                 March
//	                            C3 withdrawn on day 1, never answered               March
//	                            C4 never answered, its time to answer long gone     April
//	                            C5 answered on day 20, after its deadline (day 14)  April
//	claims                      K1 refund approved day 1, refunded day 3; K2 rejected day 2   March
//	cases                       one, filed                                          March
//	inspections                 electronics from CN: 1 of 2 non-conformant; toys from DE: 1 of 3   March
//	alerts                      [fire burns], [fire], [chemical]                    March
//	measures                    deadlines 20 and 25 March: one overdue, one complied
type statsFixture struct {
	complaints map[string]string
}

// march and april give times inside those months in Hangzhou.
func march(day int, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) }
func april(day int, hour int) time.Time { return time.Date(2026, 4, day, hour, 0, 0, 0, time.UTC) }

func newStatsFixture(t *testing.T, ts *testServer) statsFixture {
	t.Helper()
	consumer, merchant, inspector := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "inspector")
	f := statsFixture{complaints: map[string]string{}}
	day := 24 * time.Hour
	for _, name := range []string{"C1", "C2", "C3", "C4", "C5"} {
		f.complaints[name] = fileComplaint(t, ts, consumer)
	}
	offer := map[string]any{"remedy": "refund", "amount": "129.90", "message": "全额退款"}
	act(t, ts, merchant, f.complaints["C1"], "respond", offer, 200)
	act(t, ts, consumer, f.complaints["C1"], "accept_offer", nil, 200)
	act(t, ts, merchant, f.complaints["C2"], "respond", offer, 200)
	act(t, ts, consumer, f.complaints["C2"], "reject_offer", nil, 200)
	act(t, ts, inspector, f.complaints["C2"], "accept", nil, 200)
	act(t, ts, inspector, f.complaints["C2"], "settle", map[string]any{"terms": "退款并补偿"}, 200)
	act(t, ts, consumer, f.complaints["C3"], "withdraw", map[string]any{"reason": "已自行解决"}, 200)
	act(t, ts, merchant, f.complaints["C5"], "respond", offer, 200)

	t1, t2, t4, t5 := march(2, 2), march(3, 2), april(1, 2), april(2, 2)
	backdate(t, ts, "complaints", f.complaints["C1"], t1, map[string]time.Time{"respond": t1.Add(2 * day), "accept_offer": t1.Add(3 * day)})
	backdate(t, ts, "complaints", f.complaints["C2"], t1, map[string]time.Time{"respond": t1.Add(4 * day), "reject_offer": t1.Add(5 * day),
		"accept": t1.Add(6 * day), "settle": t1.Add(10 * day)})
	backdate(t, ts, "complaints", f.complaints["C3"], t2, map[string]time.Time{"withdraw": t2.Add(day)})
	backdate(t, ts, "complaints", f.complaints["C4"], t4, nil)
	backdate(t, ts, "complaints", f.complaints["C5"], t5, map[string]time.Time{"respond": t5.Add(20 * day)})

	k1, k2 := ts.do(t, "POST", "/api/v1/claims", consumer, claimBody("refund")), ts.do(t, "POST", "/api/v1/claims", consumer, claimBody("refund"))
	if k1.Status != 201 || k2.Status != 201 {
		t.Fatalf("claims: %d %d", k1.Status, k2.Status)
	}
	claim1, claim2 := k1.json(t)["id"].(string), k2.json(t)["id"].(string)
	actOnClaim(t, ts, merchant, claim1, "approve", nil, 200)
	actOnClaim(t, ts, merchant, claim1, "refund", map[string]any{"amount": "299.00", "reference": "RF-1"}, 200)
	actOnClaim(t, ts, merchant, claim2, "reject", map[string]any{"reason": "已超过退货期限"}, 200)
	backdate(t, ts, "claims", claim1, t1, map[string]time.Time{"approve": t1.Add(day), "refund": t1.Add(3 * day)})
	backdate(t, ts, "claims", claim2, t1, map[string]time.Time{"reject": t1.Add(2 * day)})

	filed := ts.do(t, "POST", "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant",
		"amount": "10.00", "currency": "CNY", "claim": "退款", "agreement": "仲裁条款"})
	if filed.Status != 201 {
		t.Fatalf("case: %d %s", filed.Status, filed.Body)
	}
	backdate(t, ts, "cases", filed.json(t)["id"].(string), t1, nil)

	db := ts.srv.Store().Gorm()
	products := map[string]string{"electronics": "fx-stats-pb-" + randomSuffix(t), "toys": "fx-stats-toy-" + randomSuffix(t)}
	for category, origin := range map[string]string{"electronics": "CN", "toys": "DE"} {
		if err := db.Exec(`INSERT INTO products (id, name, brand, category, origin_country) VALUES (?, '样品', 'Brand', ?, ?)`,
			products[category], category, origin).Error; err != nil {
			t.Fatal(err)
		}
	}
	for i, sample := range []struct {
		category string
		fail     bool
	}{{"electronics", true}, {"electronics", false}, {"toys", true}, {"toys", false}, {"toys", false}} {
		verdict, conclusion := "pass", "conformant"
		if sample.fail {
			verdict, conclusion = "fail", "non_conformant"
		}
		r := ts.do(t, "POST", "/api/v1/inspections", inspector, map[string]any{"product_id": products[sample.category],
			"kind": "market", "sampled_at": march(10+i, 2), "conclusion": conclusion,
			"items": []map[string]any{{"name": "总铅", "standard": "GB 6675.4-2014", "value": "10", "unit": "mg/kg", "limit": "90", "verdict": verdict}}})
		if r.Status != 201 {
			t.Fatalf("inspection: %d %s", r.Status, r.Body)
		}
	}
	for _, hazards := range [][]string{{"fire", "burns"}, {"fire"}, {"chemical"}} {
		r := ts.do(t, "POST", "/api/v1/alerts", inspector, map[string]any{"title": "统计测试预警", "level": "high", "hazards": hazards,
			"product_ids": []string{products["electronics"]}, "description": "测试", "public": true})
		if r.Status != 201 {
			t.Fatalf("alert: %d %s", r.Status, r.Body)
		}
		exec(t, ts, `UPDATE alerts SET created_at = ? WHERE id = ?`, march(15, 2), r.json(t)["id"])
	}
	for i, status := range []string{"overdue", "complied"} {
		r := ts.do(t, "POST", "/api/v1/measures", inspector, map[string]any{"kind": "recall", "target_party_id": "demo-merchant",
			"deadline": time.Now().Add(72 * time.Hour), "basis": "召回"})
		if r.Status != 201 {
			t.Fatalf("measure: %d %s", r.Status, r.Body)
		}
		exec(t, ts, `UPDATE measures SET deadline = ?, status = ? WHERE id = ?`, march(20+5*i, 2), status, r.json(t)["id"])
	}
	return f
}

// backdate moves a record's filing and its steps to the given times.
func backdate(t *testing.T, ts *testServer, kind, id string, filed time.Time, steps map[string]time.Time) {
	t.Helper()
	exec(t, ts, `UPDATE `+kind+` SET created_at = ? WHERE id = ?`, filed, id)
	exec(t, ts, `UPDATE workflow_events SET at = ? WHERE kind = ? AND record_id = ? AND action = 'file'`, filed, kind, id)
	if kind == "complaints" {
		exec(t, ts, `UPDATE complaints SET respond_due = ? WHERE id = ?`, filed.Add(14*24*time.Hour), id)
	}
	for action, at := range steps {
		exec(t, ts, `UPDATE workflow_events SET at = ? WHERE kind = ? AND record_id = ? AND action = ?`, at, kind, id, action)
	}
}

func exec(t *testing.T, ts *testServer, sql string, args ...any) {
	t.Helper()
	if err := ts.srv.Store().Gorm().Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// refreshStats forces what the periodic jobs do: rebuild the rollups, then the monthly index.
func refreshStats(t testing.TB, ts *testServer) {
	t.Helper()
	engine, err := workflows.NewEngine(ts.srv.Store(), nil, workflows.Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.ComputeQualityIndex(context.Background(), march(1, 0), april(1, 0)); err != nil {
		t.Fatal(err)
	}
}

// statsJSON is the JSON answer with its sections as arrays of objects.
type statsJSON map[string]any

func getStats(t *testing.T, ts *testServer, query string) statsJSON {
	t.Helper()
	r := ts.do(t, "GET", "/api/v1/public/stats"+query, "", nil)
	if r.Status != 200 {
		t.Fatalf("GET stats%s: %d %s", query, r.Status, r.Body)
	}
	return statsJSON(r.json(t))
}

// row finds the section's object whose fields match the given key values.
func (s statsJSON) row(t *testing.T, section string, keys ...string) map[string]any {
	t.Helper()
	rows, _ := s[section].([]any)
	for _, r := range rows {
		obj := r.(map[string]any)
		match := true
		for i := 0; i+1 < len(keys); i += 2 {
			if fmt.Sprint(obj[keys[i]]) != keys[i+1] {
				match = false
			}
		}
		if match {
			return obj
		}
	}
	t.Fatalf("no %v in %s: %v", keys, section, rows)
	return nil
}

// expect checks fields of an object against their expected values, written as JSON would print them.
func expect(t *testing.T, what string, obj map[string]any, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := fmt.Sprint(obj[k]); got != v {
			t.Errorf("%s: %s = %s, want %s", what, k, got, v)
		}
	}
}

func TestStatisticsOfAKnownFixture(t *testing.T) {
	ts := startServer(t, nil)
	newStatsFixture(t, ts)
	refreshStats(t, ts)
	s := getStats(t, ts, "")

	if s["generated_at"] == nil || s["jurisdiction"] != nil {
		t.Errorf("head: generated_at %v, jurisdiction %v", s["generated_at"], s["jurisdiction"])
	}
	expect(t, "complaints", s.row(t, "volumes", "kind", "complaints"), map[string]string{"filed": "5", "open": "2", "closed": "3"})
	expect(t, "claims", s.row(t, "volumes", "kind", "claims"), map[string]string{"filed": "2", "open": "1", "closed": "1"})
	expect(t, "cases", s.row(t, "volumes", "kind", "cases"), map[string]string{"filed": "1", "open": "1", "closed": "0"})
	for status, n := range map[string]string{"resolved": "2", "withdrawn": "1", "filed": "1", "offered": "1"} {
		expect(t, "complaints "+status, s.row(t, "outcomes", "kind", "complaints", "status", status), map[string]string{"count": n})
	}
	expect(t, "claims refunded", s.row(t, "outcomes", "kind", "claims", "status", "refunded"), map[string]string{"count": "1"})

	// Handling: medians in days against deadlines (10 working days = 14 days, 3 = 4.2).
	for _, c := range []struct {
		kind, stage string
		want        map[string]string
	}{
		{"complaints", "answer", map[string]string{"count": "3", "median_days": "4", "deadline_days": "14", "within_deadline": "2", "within_deadline_share": "0.6667"}},
		{"complaints", "review", map[string]string{"count": "1", "median_days": "1", "deadline_days": "9.8", "within_deadline": "1"}},
		{"complaints", "mediation", map[string]string{"count": "1", "median_days": "4", "deadline_days": "63"}},
		{"complaints", "total", map[string]string{"count": "3", "median_days": "3", "deadline_days": "<nil>", "within_deadline_share": "<nil>"}},
		{"claims", "answer", map[string]string{"count": "2", "median_days": "1.5", "deadline_days": "4.2", "within_deadline_share": "1"}},
		{"claims", "total", map[string]string{"count": "1", "median_days": "3"}},
		{"cases", "defence", map[string]string{"count": "0", "median_days": "<nil>", "deadline_days": "20"}},
	} {
		expect(t, c.kind+" "+c.stage, s.row(t, "handling", "kind", c.kind, "stage", c.stage), c.want)
	}

	expect(t, "answers", s.row(t, "merchant_answers"), map[string]string{"due": "4", "on_time": "2", "share": "0.5"})
	expect(t, "electronics", s.row(t, "inspections_by_category", "category", "electronics"), map[string]string{"inspections": "2", "non_conformant": "1", "rate": "0.5"})
	expect(t, "toys", s.row(t, "inspections_by_category", "category", "toys"), map[string]string{"inspections": "3", "non_conformant": "1", "rate": "0.3333"})
	expect(t, "DE", s.row(t, "inspections_by_origin", "origin_country", "DE"), map[string]string{"inspections": "3", "non_conformant": "1"})
	expect(t, "fire", s.row(t, "alerts_by_hazard", "hazard", "fire"), map[string]string{"alerts": "2"})
	expect(t, "burns", s.row(t, "alerts_by_hazard", "hazard", "burns"), map[string]string{"alerts": "1"})
	expect(t, "330106", s.row(t, "by_jurisdiction", "jurisdiction", "330106"), map[string]string{"complaints": "5", "claims": "2",
		"cases": "1", "inspections": "5", "non_conformant": "2", "alerts": "3"})
	expect(t, "330102", s.row(t, "by_jurisdiction", "jurisdiction", "330102"), map[string]string{"complaints": "0"})
	expect(t, "March", s.row(t, "by_month", "month", "2026-03"), map[string]string{"complaints": "3", "claims": "2", "cases": "1",
		"inspections": "5", "non_conformant": "2", "alerts": "3", "answers_due": "2", "answers_on_time": "2", "measures_due": "2", "measures_overdue": "1"})
	expect(t, "April", s.row(t, "by_month", "month", "2026-04"), map[string]string{"complaints": "2", "answers_due": "2", "answers_on_time": "0"})

	// March: c = 1/3 reached the office, n = 2/5, o = 1/2, a = 2/2: 100 − 10 − 12 − 7.5 − 0.
	// April: nothing but two answers due, neither on time: 100 − 25.
	expect(t, "index March", s.row(t, "quality_index", "month", "2026-03"), map[string]string{"index": "70.5",
		"complaint_rate": "0.3333", "non_conformance": "0.4", "overdue_measures": "0.5", "on_time_answers": "1"})
	expect(t, "index April", s.row(t, "quality_index", "month", "2026-04"), map[string]string{"index": "75"})

	// Filters: a month range, a district, and bad input.
	aprilOnly := getStats(t, ts, "?from=2026-04&to=2026-04")
	expect(t, "April only", aprilOnly.row(t, "volumes", "kind", "complaints"), map[string]string{"filed": "2", "open": "2"})
	if rows := aprilOnly["quality_index"].([]any); len(rows) != 1 {
		t.Errorf("April's index history: %v", rows)
	}
	year := getStats(t, ts, "?from=2026-01&to=2026-12") // read from the monthly histograms, not the all-time ones
	expect(t, "2026 answers", year.row(t, "handling", "kind", "complaints", "stage", "answer"), map[string]string{"count": "3", "median_days": "4", "within_deadline": "2"})
	expect(t, "2026 total", year.row(t, "handling", "kind", "complaints", "stage", "total"), map[string]string{"count": "3", "median_days": "3"})
	other := getStats(t, ts, "?jurisdiction=330102")
	expect(t, "330102 only", other.row(t, "volumes", "kind", "complaints"), map[string]string{"filed": "0"})
	if rows := other["by_jurisdiction"].([]any); len(rows) != 1 {
		t.Errorf("a district's statistics list %d districts", len(rows))
	}
	xihu := getStats(t, ts, "?jurisdiction=330106&from=2026-03&to=2026-03")
	expect(t, "330106 in March", xihu.row(t, "volumes", "kind", "complaints"), map[string]string{"filed": "3"})
	expect(t, "330106 index", xihu.row(t, "quality_index", "month", "2026-03"), map[string]string{"index": "70.5"})
	for query, field := range map[string]string{"?from=2026-13": "from", "?from=2026-05&to=2026-04": "to", "?jurisdiction=999999": "jurisdiction", "?format=pdf": "format"} {
		r := ts.do(t, "GET", "/api/v1/public/stats"+query, "", nil, "Accept-Language", "en")
		if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", query, r.Status, r.Body)
		}
	}
}

// TestStatisticsExportsMatchTheJSON reads the CSV and the XLSX back and finds every number of
// the JSON in them, section by section.
func TestStatisticsExportsMatchTheJSON(t *testing.T) {
	ts := startServer(t, nil)
	newStatsFixture(t, ts)
	refreshStats(t, ts)
	s := getStats(t, ts, "")

	r := ts.do(t, "GET", "/api/v1/public/stats?format=csv", "", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	header := records[0]
	if header[0] != "section" {
		t.Fatalf("CSV header: %v", header)
	}
	csvRows := map[string][]map[string]string{}
	for _, rec := range records[1:] {
		m := map[string]string{}
		for i, v := range rec {
			if v != "" {
				m[header[i]] = v
			}
		}
		csvRows[rec[0]] = append(csvRows[rec[0]], m)
	}

	r = ts.do(t, "GET", "/api/v1/public/stats?format=xlsx", "", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("XLSX: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	book, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer book.Close()

	sections := 0
	for name, v := range s {
		rows, ok := v.([]any)
		if !ok {
			continue
		}
		sections++
		sheet, err := book.GetRows(name)
		if err != nil {
			t.Errorf("no sheet %s in the XLSX: %v", name, err)
			continue
		}
		if len(sheet)-1 != len(rows) || len(csvRows[name]) != len(rows) {
			t.Errorf("%s: %d rows in the JSON, %d in the CSV, %d in the XLSX", name, len(rows), len(csvRows[name]), len(sheet)-1)
			continue
		}
		for i, row := range rows {
			for k, want := range row.(map[string]any) {
				if got := csvRows[name][i][k]; !sameValue(want, got) {
					t.Errorf("%s row %d %s: CSV %q, JSON %v", name, i, k, got, want)
				}
				col := -1
				for c, h := range sheet[0] {
					if h == k {
						col = c
					}
				}
				got := ""
				if col >= 0 && col < len(sheet[i+1]) {
					got = sheet[i+1][col]
				}
				if !sameValue(want, got) {
					t.Errorf("%s row %d %s: XLSX %q, JSON %v", name, i, k, got, want)
				}
			}
		}
	}
	if sections != 10 || len(book.GetSheetList()) != sections {
		t.Errorf("%d sections in the JSON, sheets %v", sections, book.GetSheetList())
	}
}

// sameValue compares a JSON value with a cell's text: numbers by value, null as empty.
func sameValue(want any, got string) bool {
	switch w := want.(type) {
	case nil:
		return got == ""
	case float64:
		g, err := strconv.ParseFloat(got, 64)
		return err == nil && g == w
	case string:
		return got == w
	}
	b, _ := json.Marshal(want)
	return string(b) == got
}
