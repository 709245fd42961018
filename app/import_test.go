package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hzcbec/portal/migrations/testdb"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/recalls"
)

// recallsDir is the real recall data: EU Safety Gate exports and the US recalls of children's products.
func recallsDir(tb testing.TB) string { return testdb.Testdata(tb, "recalls") }

// importFile reads a recalls file as the command line does and imports and matches its alerts.
func importFile(t *testing.T, s *models.Store, name string, read func(f *os.File) (*recalls.File, error)) (models.ImportResult, int) {
	t.Helper()
	fh, err := os.Open(filepath.Join(recallsDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := read(fh)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ctx := context.Background()
	progressed := 0
	res, err := s.ImportAlerts(ctx, f, func(n int) { progressed += n })
	if err != nil {
		t.Fatalf("importing %s: %v", name, err)
	}
	if progressed != len(f.Alerts) {
		t.Errorf("%s: progress reported %d of %d alerts", name, progressed, len(f.Alerts))
	}
	proposed, err := s.MatchAlerts(ctx, res.AlertIDs, nil)
	if err != nil {
		t.Fatalf("matching %s: %v", name, err)
	}
	return res, proposed
}

func safetyGate(f *os.File) (*recalls.File, error) { return recalls.ReadSafetyGate(f) }
func cpsc(f *os.File) (*recalls.File, error)       { return recalls.ReadCPSC(f) }

// The real Safety Gate and CPSC files imported into a fresh database: every Safety Gate alert of
// the 353 file, the short export's alerts less its Slovak rows, the CPSC's recalls less the NHTSA
// and FDA rows; a second import creates nothing; products and listings with an alert's GTIN or
// brand and model are proposed to the inspectors, who alone confirm or reject; the public sees
// the alerts on its page and through the API.
func TestImportRecallsAndMatch(t *testing.T) {
	ts := startServer(t, nil)
	s := ts.srv.Store()
	ctx := context.Background()
	inspector, merchant := ts.token(t, "inspector"), ts.token(t, "merchant")
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := s.Gorm().Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Registered before the import: a cream with the GTIN of Safety Gate alert SR/03835/24
	// (Lancome Miracle Air De Teint, barcode 3605533244807), a car of the brand and model of five
	// alerts (Bentley Bentayga, no barcode: A12/00577/20, ...), written differently, and a listing
	// showing the cream's GTIN.
	created := func(path string, body map[string]any) string {
		t.Helper()
		r := ts.do(t, "POST", path, inspector, body)
		if r.Status != 201 {
			t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
		}
		return r.json(t)["id"].(string)
	}
	cream := created("/api/v1/products", map[string]any{"name": "兰蔻奇迹空气粉底", "brand": "Lancome Paris",
		"model": "Miracle Air De Teint", "gtin": "3605533244807", "category": "cosmetics", "origin_country": "FR"})
	car := created("/api/v1/products", map[string]any{"name": "宾利添越", "brand": "BENTLEY", "model": "Ben-tayga",
		"category": "vehicles", "origin_country": "GB"})
	listing := created("/api/v1/listings", map[string]any{"platform_id": "demo-platform", "merchant_id": "demo-merchant",
		"url": "https://shop.example/cream", "title": "Miracle Air cream", "price": "199.00", "currency": "CNY",
		"gtins": []string{"03605533244807"}})

	res, proposed := importFile(t, s, "eu_safety_gate_alerts_353.csv", safetyGate)
	if res.Read != 353 || res.Created != 353 || res.AlreadyPresent != 0 || len(res.Skipped) != 0 {
		t.Fatalf("353 file: read %d, created %d, present %d, skipped %v", res.Read, res.Created, res.AlreadyPresent, res.Skipped)
	}
	if res.InvalidBarcodes != 10 {
		t.Errorf("353 file: %d barcodes that are no GTIN, want the 10 (ASINs, short and mistyped numbers)", res.InvalidBarcodes)
	}
	if proposed < 3 {
		t.Errorf("353 file: %d matches proposed, want at least the cream, its listing and the car", proposed)
	}
	if n := count(`SELECT count(*) FROM alerts WHERE source = 'safety_gate' AND public AND level = 'high'`); n != 353 {
		t.Errorf("%d public Safety Gate alerts of level high, want 353", n)
	}
	if n := count(`SELECT count(*) FROM audit_records WHERE action = 'alert.create' AND actor_id = 'system'`); n != 353 {
		t.Errorf("%d alert.create audit records by the system, want one per alert", n)
	}
	var bentley models.Alert
	if err := s.Gorm().Raw(`SELECT hazards, gtins, external::text AS external FROM alerts WHERE source_ref = 'A12/00017/20'`).Scan(&bentley).Error; err != nil {
		t.Fatal(err)
	}
	var row map[string]string
	if err := json.Unmarshal(bentley.External, &row); err != nil {
		t.Fatal(err)
	}
	if strings.Join(bentley.Hazards, ",") != "fire,injuries" || row["company_recall_code"] != "RE 19/27 (RB41)" || len(row) != 25 {
		t.Errorf("A12/00017/20: hazards %v, external %s", bentley.Hazards, bentley.External)
	}

	again, proposedAgain := importFile(t, s, "eu_safety_gate_alerts_353.csv", safetyGate)
	if again.Created != 0 || again.AlreadyPresent != 353 || proposedAgain != 0 {
		t.Fatalf("second import: created %d, present %d, proposed %d; want 0, 353, 0", again.Created, again.AlreadyPresent, proposedAgain)
	}

	// The short export: 182 Safety Gate alerts (57 of them also in the 353 file) and 40 Slovak rows.
	short, _ := importFile(t, s, "eu_safety_gate_alerts_222_with_risk_measures.csv", safetyGate)
	if short.Read != 222 || short.Created != 125 || short.AlreadyPresent != 57 || len(short.Skipped) != 40 {
		t.Fatalf("222 file: read %d, created %d, present %d, skipped %d", short.Read, short.Created, short.AlreadyPresent, len(short.Skipped))
	}
	if n := count(`SELECT count(*) FROM alerts WHERE source_ref = 'A12/00328/22' AND measures = '{recall}'`); n != 1 {
		t.Error("A12/00328/22 (Recall of the product from end users) does not call for a recall")
	}
	soi, err := os.Open(filepath.Join(recallsDir(t), "sk_soi_unsafe_products_110.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer soi.Close()
	if _, err := recalls.ReadSafetyGate(soi); !errors.Is(err, recalls.ErrNotSourceFile) {
		t.Errorf("the Slovak SOI list read as Safety Gate: %v, want ErrNotSourceFile", err)
	}

	us, _ := importFile(t, s, "us_kids_product_recalls_cpsc_nhtsa.csv", cpsc)
	if us.Read != 200 || us.Created != 182 || len(us.Skipped) != 18 {
		t.Fatalf("US file: read %d, created %d, skipped %d", us.Read, us.Created, len(us.Skipped))
	}
	sample, _ := importFile(t, s, "us_cpsc_nhtsa_fda_kids_recalls_kindlykiddo_sample.csv", cpsc)
	if sample.Read != 10 || sample.Created != 0 || sample.AlreadyPresent != 8 || len(sample.Skipped) != 2 {
		t.Fatalf("US sample: read %d, created %d, present %d, skipped %d", sample.Read, sample.Created, sample.AlreadyPresent, len(sample.Skipped))
	}
	var haba models.Alert
	if err := s.Gorm().Raw(`SELECT brand, product, hazards, measures, issued_on FROM alerts WHERE source = 'cpsc' AND source_ref = '26-719'`).Scan(&haba).Error; err != nil {
		t.Fatal(err)
	}
	if haba.Brand != "HABA USA" || haba.Product != "Rainbow Rattle Grasping and Teething Toys" || !haba.Hazards.Has("choking") ||
		!haba.Measures.Has("recall") || haba.IssuedOn == nil || *haba.IssuedOn != "2026-08-27" {
		t.Errorf("CPSC 26-719: %+v", haba)
	}

	// The inspectors' queue: the cream and its listing by GTIN, the car by brand and model.
	queue := ts.do(t, "GET", "/api/v1/alert-matches?status=proposed&limit=100", inspector, nil)
	if queue.Status != 200 {
		t.Fatalf("queue: %d %s", queue.Status, queue.Body)
	}
	type match struct{ id, alert, method string }
	found := map[string]match{}
	for _, it := range queue.json(t)["items"].([]any) {
		m := it.(map[string]any)
		found[m["subject_type"].(string)+"/"+m["subject_id"].(string)] = match{m["id"].(string), m["alert_id"].(string), m["method"].(string)}
	}
	creamMatch, carMatch, listingMatch := found["product/"+cream], found["product/"+car], found["listing/"+listing]
	if creamMatch.method != "gtin" || listingMatch.method != "gtin" || carMatch.method != "brand_model" {
		t.Fatalf("proposed: cream %+v, listing %+v, car %+v (queue %v)", creamMatch, listingMatch, carMatch, found)
	}
	if r := ts.do(t, "GET", "/api/v1/alert-matches?status=proposed", merchant, nil); r.Status != 403 {
		t.Errorf("a merchant reads the queue: %d", r.Status)
	}
	if r := ts.do(t, "GET", "/api/v1/alert-matches?status=maybe", inspector, nil); r.Status != 422 {
		t.Errorf("queue with an unknown status: %d", r.Status)
	}
	matches := ts.do(t, "GET", "/api/v1/alerts/"+carMatch.alert+"/matches", inspector, nil)
	if matches.Status != 200 || !strings.Contains(string(matches.Body), car) || !strings.Contains(string(matches.Body), "Ben-tayga") {
		t.Errorf("the car alert's matches: %d %s", matches.Status, matches.Body)
	}

	confirm := fmt.Sprintf("/api/v1/alerts/%s/matches/%s/confirm", creamMatch.alert, creamMatch.id)
	if r := ts.do(t, "POST", confirm, merchant, nil); r.Status != 403 {
		t.Fatalf("a merchant confirms: %d %s", r.Status, r.Body)
	}
	r := ts.do(t, "POST", confirm, inspector, nil)
	if r.Status != 200 || r.json(t)["status"] != "confirmed" || r.json(t)["decided_by"] != ts.users["inspector"].ID {
		t.Fatalf("the inspector confirms: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "POST", confirm, inspector, nil); r.Status != 200 {
		t.Errorf("confirming twice: %d %s", r.Status, r.Body)
	}
	alert := ts.do(t, "GET", "/api/v1/alerts/"+creamMatch.alert, inspector, nil).json(t)
	if ids, _ := alert["product_ids"].([]any); len(ids) != 1 || ids[0] != cream {
		t.Errorf("the confirmed cream is not among the alert's products: %v", alert["product_ids"])
	}
	reject := fmt.Sprintf("/api/v1/alerts/%s/matches/%s/reject", carMatch.alert, carMatch.id)
	if r := ts.do(t, "POST", reject, inspector, nil); r.Status != 200 || r.json(t)["status"] != "rejected" {
		t.Fatalf("the inspector rejects: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "POST", fmt.Sprintf("/api/v1/alerts/%s/matches/%s/confirm", carMatch.alert, carMatch.id), inspector, nil); r.Status != 409 {
		t.Errorf("confirming a rejected match: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "POST", fmt.Sprintf("/api/v1/alerts/%s/matches/%s/confirm", carMatch.alert, creamMatch.id), inspector, nil); r.Status != 404 {
		t.Errorf("a match under another alert: %d", r.Status)
	}
	if n := count(`SELECT count(*) FROM audit_records WHERE action IN ('alert_match.confirm', 'alert_match.reject') AND actor_id = ?`, ts.users["inspector"].ID); n != 2 {
		t.Errorf("%d decisions audited, want 2", n)
	}

	// Matching any alert again, after a product is registered: only the new one is proposed.
	created("/api/v1/products", map[string]any{"name": "宾利添越 V8", "brand": "Bentley", "model": "Bentayga V8",
		"category": "vehicles", "origin_country": "GB"})
	var all []string
	if err := s.Gorm().Raw(`SELECT id FROM alerts`).Scan(&all).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := s.MatchAlerts(ctx, all, nil); err != nil || n != 1 {
		t.Errorf("matching every alert again: %d proposed (%v), want the Bentayga V8 only", n, err)
	}

	// The public: the API and the page, newest first, with hazards and measures in its language.
	public := ts.do(t, "GET", "/api/v1/public/alerts?limit=100", "", nil)
	items := public.json(t)["items"].([]any)
	if public.Status != 200 || len(items) != 100 || items[0].(map[string]any)["source_ref"] != "26-727" {
		t.Fatalf("public alerts API: %d, %d items, first %v", public.Status, len(items), items[0].(map[string]any)["source_ref"])
	}
	total, cursor := 0, ""
	for pages := 0; pages < 20; pages++ {
		p := ts.do(t, "GET", "/api/v1/public/alerts?limit=100&cursor="+cursor, "", nil).json(t)
		total += len(p["items"].([]any))
		next, _ := p["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if total != 353+125+182 {
		t.Errorf("%d public alerts paged through, want %d", total, 353+125+182)
	}
	page := ts.do(t, "GET", "/alerts", "", nil, "Accept-Language", "en")
	body := string(page.Body)
	if page.Status != 200 || !strings.Contains(body, "Montessori Baby Toy Sets") || !strings.Contains(body, "Choking") ||
		!strings.Contains(body, "Recall") || !strings.Contains(body, "US CPSC") || !strings.Contains(body, "2026-08-27") {
		t.Fatalf("public alerts page: %d\n%s", page.Status, truncate(page.Body))
	}
	zh := ts.do(t, "GET", "/alerts/"+creamMatch.alert, "", nil, "Accept-Language", "zh-CN")
	if zh.Status != 200 || !strings.Contains(string(zh.Body), "兰蔻奇迹空气粉底") || !strings.Contains(string(zh.Body), "03605533244807") ||
		!strings.Contains(string(zh.Body), "欧盟 Safety Gate") || !strings.Contains(string(zh.Body), "2024") {
		t.Errorf("public alert page (the cream's, in Chinese): %d\n%s", zh.Status, truncate(zh.Body))
	}
	// An inspector's own alert, not public, about the cream's GTIN: the cream and its listing are
	// proposed for it at once.
	internal := ts.do(t, "POST", "/api/v1/alerts", inspector, map[string]any{"title": "内部预警", "level": "medium",
		"hazards": []string{"chemical"}, "description": "仅供检查人员", "public": false, "gtins": []string{"3605533244807"}})
	if internal.Status != 201 {
		t.Fatalf("internal alert: %d %s", internal.Status, internal.Body)
	}
	own := ts.do(t, "GET", "/api/v1/alerts/"+internal.json(t)["id"].(string)+"/matches", inspector, nil)
	if items, _ := own.json(t)["items"].([]any); own.Status != 200 || len(items) != 2 {
		t.Errorf("the inspector's alert's matches: %d %s", own.Status, own.Body)
	}
	if r := ts.do(t, "GET", "/alerts/"+internal.json(t)["id"].(string), "", nil); r.Status != 404 {
		t.Errorf("a non-public alert's page, to the public: %d", r.Status)
	}
}
