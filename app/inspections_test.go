package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
)

// traceFixture adds a manufacturer, a product and a listing of the demo merchant on the demo
// platform straight to the database, so these tests stand on their own.
type traceFixture struct{ manufacturer, product, listing string }

func newTraceFixture(t *testing.T, ts *testServer) traceFixture {
	t.Helper()
	db := ts.srv.Store().Gorm()
	f := traceFixture{manufacturer: "fx-maker-" + randomSuffix(t), product: "fx-product-" + randomSuffix(t), listing: "fx-listing-" + randomSuffix(t)}
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO parties (id, kind, name, country) VALUES (?, 'manufacturer', '深圳示例电子厂', 'CN')`, []any{f.manufacturer}},
		{`INSERT INTO products (id, name, brand, model, category, origin_country, manufacturer_id) VALUES (?, '移动电源', 'Voltix', 'PB-20', 'electronics', 'CN', ?)`, []any{f.product, f.manufacturer}},
		{`INSERT INTO listings (id, platform_id, merchant_id, url, title, price, currency, product_id, discovered_at) VALUES (?, 'demo-platform', 'demo-merchant', 'https://shop.example.com/pb20', 'Voltix 20000mAh 充电宝', 99.00, 'CNY', ?, now())`, []any{f.listing, f.product}},
	} {
		if err := db.Exec(stmt.sql, stmt.args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func failingInspection(f traceFixture) map[string]any {
	return map[string]any{"product_id": f.product, "listing_id": f.listing, "kind": "online_purchase",
		"sampled_at": time.Now().Add(-48 * time.Hour), "conclusion": "non_conformant", "report_no": "HZ-LAB-2026-0042",
		"items": []map[string]any{
			{"name": "外壳阻燃", "standard": "GB 4943.1-2022", "value": "V-2", "unit": "", "limit": "V-1", "verdict": "fail"},
			{"name": "输出电压", "standard": "GB/T 35590-2017", "value": "5.1", "unit": "V", "limit": "5.0±0.25", "verdict": "pass"},
		}}
}

func TestInspectionAlertAndMeasure(t *testing.T) {
	ts := startServer(t, nil)
	inspector, merchant := ts.token(t, "inspector"), ts.token(t, "merchant")
	f := newTraceFixture(t, ts)

	if r := ts.do(t, "POST", "/api/v1/inspections", ts.token(t, "consumer"), failingInspection(f)); r.Status != 403 {
		t.Fatalf("a consumer records an inspection: %d", r.Status)
	}
	wrong := failingInspection(f)
	wrong["conclusion"] = "conformant"
	if r := ts.do(t, "POST", "/api/v1/inspections", inspector, wrong); r.Status != 422 || !strings.Contains(string(r.Body), `"conclusion"`) {
		t.Fatalf("a conformant conclusion with a failed item: %d %s", r.Status, r.Body)
	}
	r := ts.do(t, "POST", "/api/v1/inspections", inspector, failingInspection(f))
	if r.Status != 201 {
		t.Fatalf("inspection: %d %s", r.Status, r.Body)
	}
	body := r.json(t)
	inspection := body["inspection"].(map[string]any)["id"].(string)
	prefill := body["raise_alert"].(map[string]any)["prefill"].(map[string]any)
	if prefill["inspection_id"] != inspection {
		t.Fatalf("a non-conformant result does not offer an alert: %v", body)
	}
	report := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	up := uploadFile(t, ts, "/api/v1/inspections/"+inspection+"/report", inspector, "报告.pdf", report)
	sum := sha256.Sum256(report)
	if up.Status != 201 || up.json(t)["sha256"] != hex.EncodeToString(sum[:]) || up.json(t)["content_type"] != "application/pdf" {
		t.Fatalf("report upload: %d %s", up.Status, up.Body)
	}
	if got := ts.do(t, "GET", "/api/v1/evidence/"+up.json(t)["id"].(string), inspector, nil); got.Status != 200 || string(got.Body) != string(report) {
		t.Fatalf("report download: %d", got.Status)
	}
	if r := uploadFile(t, ts, "/api/v1/inspections/"+inspection+"/report", inspector, "report.pdf", []byte("plain text, not a PDF")); r.Status != 415 {
		t.Fatalf("a text file as report: %d", r.Status)
	}
	expectCredit(t, ts, "demo-merchant", inspection, "inspection_failed")
	expectCredit(t, ts, f.manufacturer, inspection, "inspection_failed")

	alert := map[string]any{"title": "Voltix PB-20 移动电源外壳阻燃不合格", "level": "serious", "hazards": []string{"fire", "burns"},
		"product_ids": []string{f.product}, "gtins": []string{"6901234567892"}, "description": "外壳阻燃等级不符合 GB 4943.1-2022。",
		"measures": []string{"delist", "recall"}, "public": true, "inspection_id": inspection}
	bad := map[string]any{}
	for k, v := range alert {
		bad[k] = v
	}
	bad["hazards"], bad["gtins"] = []string{"spooky"}, []string{"6901234567891"}
	if r := ts.do(t, "POST", "/api/v1/alerts", inspector, bad); r.Status != 422 || !strings.Contains(string(r.Body), "hazards[0]") {
		t.Fatalf("a bad hazard: %d %s", r.Status, r.Body)
	}
	r = ts.do(t, "POST", "/api/v1/alerts", inspector, alert)
	if r.Status != 201 {
		t.Fatalf("alert: %d %s", r.Status, r.Body)
	}
	a := r.json(t)
	if a["gtins"].([]any)[0] != "06901234567892" || !strings.HasPrefix(a["number"].(string), "RA-") || a["source"] != "inspection" {
		t.Fatalf("alert: %v", a)
	}
	public := ts.do(t, "GET", "/api/v1/public/alerts", "", nil)
	if public.Status != 200 || !strings.Contains(string(public.Body), a["id"].(string)) {
		t.Fatalf("public alerts: %d %s", public.Status, public.Body)
	}

	// Delist the listing; the merchant answers with proof and the listing is delisted.
	if r := ts.do(t, "POST", "/api/v1/measures", inspector, map[string]any{"kind": "delist", "listing_id": f.listing,
		"deadline": time.Now().Add(-time.Hour), "basis": "x"}); r.Status != 422 || !strings.Contains(string(r.Body), `"deadline"`) {
		t.Fatalf("a deadline in the past: %d %s", r.Status, r.Body)
	}
	r = ts.do(t, "POST", "/api/v1/measures", inspector, map[string]any{"kind": "delist", "alert_id": a["id"], "listing_id": f.listing,
		"deadline": time.Now().Add(72 * time.Hour), "basis": "《产品质量法》第四十九条"})
	if r.Status != 201 {
		t.Fatalf("measure: %d %s", r.Status, r.Body)
	}
	m := r.json(t)
	id := m["id"].(string)
	if m["target_party_id"] != "demo-merchant" || m["status"] != "issued" || m["deadlines"].(map[string]any)["comply_by"] == nil {
		t.Fatalf("measure: %v", m)
	}
	other := otherMerchant(t, ts)
	if r := ts.do(t, "GET", "/api/v1/measures/"+id, other, nil); r.Status != 404 {
		t.Fatalf("another merchant opens the measure: %d", r.Status)
	}
	if list := ts.do(t, "GET", "/api/v1/measures", other, nil).json(t); len(list["items"].([]any)) != 0 {
		t.Fatalf("another merchant lists %v", list)
	}
	if list := ts.do(t, "GET", "/api/v1/measures", merchant, nil).json(t); len(list["items"].([]any)) != 1 {
		t.Fatalf("the target merchant lists %v", list)
	}
	measureAct(t, ts, inspector, id, "comply", map[string]any{"proof": "x"}, 403)
	measureAct(t, ts, merchant, id, "comply", map[string]any{}, 422)
	m = measureAct(t, ts, merchant, id, "comply", map[string]any{"proof": "已于今日下架，见截图。"}, 200)
	var status string
	ts.srv.Store().Gorm().Raw("SELECT status FROM listings WHERE id = ?", f.listing).Scan(&status)
	if m["status"] != "complied" || status != "delisted" {
		t.Fatalf("after comply: measure %v, listing %s", m["status"], status)
	}
	m = measureAct(t, ts, inspector, id, "verify", nil, 200)
	if m["status"] != "verified" {
		t.Fatalf("after verify: %v", m)
	}
	expectCredit(t, ts, "demo-merchant", id, "measure_complied") // only verified compliance counts
}

func TestMeasureBecomesOverdueByItself(t *testing.T) {
	ts := startServer(t, nil)
	inspector, merchant := ts.token(t, "inspector"), ts.token(t, "merchant")
	r := ts.do(t, "POST", "/api/v1/measures", inspector, map[string]any{"kind": "recall", "target_party_id": "demo-merchant",
		"deadline": time.Now().Add(1500 * time.Millisecond), "basis": "召回"})
	if r.Status != 201 {
		t.Fatalf("measure: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	eventuallyWithin(t, 20*time.Second, func() bool {
		return ts.do(t, "GET", "/api/v1/measures/"+id, merchant, nil).json(t)["status"] == "overdue"
	}, "the unanswered measure to become overdue")
	expectCredit(t, ts, "demo-merchant", id, "measure_ignored")
	// Late compliance is still taken.
	if m := measureAct(t, ts, merchant, id, "comply", map[string]any{"proof": "已召回"}, 200); m["status"] != "complied" {
		t.Fatalf("late compliance: %v", m)
	}
}

func TestHandoffOnlyTheJurisdictionWorksIt(t *testing.T) {
	ts := startServer(t, nil)
	xihu := ts.token(t, "inspector")
	binjiang, yuhang := otherInspector(t, ts, "330108"), otherInspector(t, ts, "330110")
	f := newTraceFixture(t, ts)

	if r := ts.do(t, "POST", "/api/v1/handoffs", ts.token(t, "consumer"), map[string]any{}); r.Status != 403 {
		t.Fatalf("a consumer hands off: %d", r.Status)
	}
	if r := ts.do(t, "POST", "/api/v1/handoffs", xihu, map[string]any{"subject_type": "listing", "subject_id": "nope",
		"jurisdiction": "330108", "reason": "x"}); r.Status != 422 || !strings.Contains(string(r.Body), "subject_id") {
		t.Fatalf("an unknown subject: %d %s", r.Status, r.Body)
	}
	r := ts.do(t, "POST", "/api/v1/handoffs", xihu, map[string]any{"subject_type": "listing", "subject_id": f.listing,
		"jurisdiction": "330108", "reason": "商家注册地在滨江区"})
	if r.Status != 201 {
		t.Fatalf("handoff: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["investigation_id"].(string)
	path := "/api/v1/investigations/" + id
	for _, tok := range []string{xihu, yuhang, ts.token(t, "merchant")} {
		if r := ts.do(t, "GET", path, tok, nil); r.Status != 404 {
			t.Fatalf("someone outside 330108 opens it: %d", r.Status)
		}
	}
	investigationAct(t, ts, xihu, id, "take", nil, 404)
	if got := investigationAct(t, ts, binjiang, id, "take", nil, 200); got["status"] != "investigating" {
		t.Fatalf("after take: %v", got)
	}
	investigationAct(t, ts, binjiang, id, "transfer", map[string]any{"jurisdiction": "330108"}, 422)
	investigationAct(t, ts, binjiang, id, "transfer", map[string]any{"jurisdiction": "330110", "reason": "实际经营地在余杭区"}, 200)
	if r := ts.do(t, "GET", path, binjiang, nil); r.Status != 404 {
		t.Fatalf("the former jurisdiction still opens it: %d", r.Status)
	}
	if got := ts.do(t, "GET", path, yuhang, nil).json(t); got["status"] != "open" || got["jurisdiction"] != "330110" {
		t.Fatalf("at the new jurisdiction: %v", got)
	}
	investigationAct(t, ts, yuhang, id, "take", nil, 200)
	investigationAct(t, ts, yuhang, id, "close", map[string]any{"findings": "确认销售不合格产品", "outcome": "fine"}, 200)
	tl := ts.do(t, "GET", path+"/timeline", ts.token(t, "admin"), nil)
	var steps []string
	for _, e := range tl.json(t)["items"].([]any) {
		steps = append(steps, e.(map[string]any)["action"].(string))
	}
	if strings.Join(steps, " ") != "handoff take transfer take close" {
		t.Fatalf("timeline: %v", steps)
	}
	handoffs, err := ts.srv.Store().Handoffs(context.Background(), id)
	if err != nil || len(handoffs) != 2 || *handoffs[1].FromJurisdiction != "330108" || handoffs[1].ToJurisdiction != "330110" {
		t.Fatalf("hand-offs: %+v %v", handoffs, err)
	}
	audit := ts.do(t, "GET", "/api/v1/admin/audit?limit=100", ts.token(t, "admin"), nil)
	if strings.Count(string(audit.Body), `"action":"investigations.handoff"`) != 2 {
		t.Fatalf("the hand-offs are not both in the audit trail")
	}
}

func measureAct(t *testing.T, ts *testServer, token, id, action string, body any, want int) map[string]any {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/measures/"+id+"/actions/"+action, token, body)
	if r.Status != want {
		t.Fatalf("measure %s: %d, want %d: %s", action, r.Status, want, r.Body)
	}
	if want == 200 {
		return r.json(t)
	}
	return nil
}

func investigationAct(t *testing.T, ts *testServer, token, id, action string, body any, want int) map[string]any {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/investigations/"+id+"/actions/"+action, token, body)
	if r.Status != want {
		t.Fatalf("investigation %s: %d, want %d: %s", action, r.Status, want, r.Body)
	}
	if want == 200 {
		return r.json(t)
	}
	return nil
}

// otherMerchant is a merchant of another party.
func otherMerchant(t *testing.T, ts *testServer) string {
	t.Helper()
	ctx := context.Background()
	party := "other-shop-" + randomSuffix(t)
	if _, err := ts.srv.Store().EnsureParty(ctx, models.SystemActor, models.Party{ID: party, Kind: "merchant", Name: "另一家店", Country: "CN"}); err != nil {
		t.Fatal(err)
	}
	u, err := ts.srv.Store().CreateUser(ctx, models.SystemActor, models.NewUser{Email: party + "@example.com", Password: "a long password",
		Name: "Other merchant", Roles: []string{"merchant"}, PartyID: &party})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.srv.Store().IssueToken(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// uploadFile posts one file as multipart field "file".
func uploadFile(t *testing.T, ts *testServer, path, token, name string, data []byte) response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	req, err := http.NewRequest("POST", ts.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return ts.send(t, req)
}
