package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// traceChain is a whole chain registered through the API: the parties of every stage, a
// product of the manufacturer, its declaration, the shipment to the bonded warehouse, the
// events on the way and the listing where it was found.
type traceChain struct {
	manufacturer, exporter, importer, warehouse, carrier, merchant, platform string
	product, declaration, declarationNo, shipment, waybill, listing          string
}

// gtin13 makes an EAN-13 of 12 digits by adding its check digit.
func gtin13(body string) string {
	sum := 0
	for i, r := range body {
		d := int(r - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return body + fmt.Sprint((10-sum%10)%10)
}

func (ts *testServer) party(t *testing.T, token, kind, name, country string) string {
	t.Helper()
	return ts.created(t, "/api/v1/parties", token, map[string]any{"kind": kind, "name": name, "country": country})["id"].(string)
}

// newTraceChain registers a complete chain; with declared false the goods were never declared,
// so the declaration and what only it knows (the shipment, the importer) are missing.
func newTraceChain(t *testing.T, ts *testServer, token, tag string, declared bool) traceChain {
	t.Helper()
	c := traceChain{
		manufacturer: ts.party(t, token, "manufacturer", "宁波示例玩具制造有限公司 "+tag, "CN"),
		exporter:     ts.party(t, token, "exporter", "Example Export GmbH "+tag, "DE"),
		importer:     ts.party(t, token, "importer", "杭州示例进口贸易有限公司 "+tag, "CN"),
		warehouse:    ts.party(t, token, "warehouse", "下沙保税仓 "+tag, "CN"),
		carrier:      ts.party(t, token, "logistics", "示例国际货运 "+tag, "CN"),
		merchant:     ts.party(t, token, "merchant", "Tom & Jerry <Toys> "+tag, "CN"),
		platform:     ts.party(t, token, "platform", "示例跨境商城 "+tag, "CN"),
	}
	gtin := gtin13(fmt.Sprintf("69%010d", time.Now().UnixNano()%1e10))
	c.product = ts.created(t, "/api/v1/products", token, map[string]any{"name": "儿童积木 " + tag, "name_en": "Building blocks",
		"brand": "Example", "model": "BB-" + tag, "gtin": gtin, "hs_code": "9503006000", "category": "toys",
		"origin_country": "CN", "manufacturer_id": c.manufacturer})["id"].(string)
	batch := ts.created(t, "/api/v1/products/"+c.product+"/batches", token, map[string]any{"lot": "L-" + tag})["id"].(string)
	at := time.Now().Add(-30 * 24 * time.Hour).UTC()
	c.declarationNo, c.waybill = "DECL-"+tag, "WB-"+tag
	docs := []map[string]any{{"type": "declaration", "number": c.declarationNo}, {"type": "inv", "number": "INV-" + tag}}
	if declared {
		c.declaration = ts.created(t, "/api/v1/declarations", token, map[string]any{"number": c.declarationNo, "order_no": "ORD-" + tag,
			"logistics_no": c.waybill, "trade_mode": "1210", "importer_id": c.importer, "ebc_id": c.merchant, "ebp_id": c.platform,
			"declared_at": at.Add(5 * 24 * time.Hour), "lines": []map[string]any{{"product_id": c.product, "hs_code": "9503006000",
				"name": "儿童积木", "barcode": gtin, "origin_country": "CN", "quantity": "200", "unit": "盒", "price": "59.00", "currency": "CNY"}}})["id"].(string)
		c.shipment = ts.created(t, "/api/v1/shipments", token, map[string]any{"declaration_id": c.declaration, "carrier_id": c.carrier,
			"waybill": c.waybill, "status": "arrived", "from_party_id": c.exporter, "to_party_id": c.warehouse,
			"shipped_at": at.Add(2 * 24 * time.Hour), "arrived_at": at.Add(4 * 24 * time.Hour)})["id"].(string)
	} else {
		docs = docs[1:]
	}
	for _, ev := range []map[string]any{
		{"type": "object", "action": "ADD", "event_time": at, "biz_step": "commissioning", "product_id": c.product, "batch_id": batch,
			"party_id": c.manufacturer},
		{"type": "object", "action": "OBSERVE", "event_time": at.Add(2 * 24 * time.Hour), "biz_step": "shipping", "disposition": "in_transit",
			"product_id": c.product, "from_party_id": c.exporter, "to_party_id": c.warehouse, "documents": docs},
		{"type": "object", "action": "OBSERVE", "event_time": at.Add(4 * 24 * time.Hour), "biz_step": "receiving", "disposition": "in_progress",
			"product_id": c.product, "party_id": c.warehouse},
	} {
		ts.created(t, "/api/v1/trace-events", token, ev)
	}
	c.listing = ts.created(t, "/api/v1/listings", token, map[string]any{"platform_id": c.platform, "merchant_id": c.merchant,
		"url": "https://shop.example.com/item/" + tag, "title": "儿童积木 BB-" + tag, "price": "89.00", "currency": "CNY",
		"product_id": c.product, "gtins": []string{gtin}})["id"].(string)
	return c
}

// stageOf finds a stage of a trace answer by name.
func stageOf(t *testing.T, trace map[string]any, stage string) map[string]any {
	t.Helper()
	for _, s := range trace["chain"].([]any) {
		if m := s.(map[string]any); m["stage"] == stage {
			return m
		}
	}
	t.Fatalf("no stage %q in %v", stage, trace["chain"])
	return nil
}

func stageNames(trace map[string]any) []string {
	var out []string
	for _, s := range trace["chain"].([]any) {
		out = append(out, s.(map[string]any)["stage"].(string))
	}
	return out
}

func partyID(stage map[string]any) any {
	if p, ok := stage["party"].(map[string]any); ok {
		return p["id"]
	}
	return stage["party"]
}

func TestListingTraceCompleteChain(t *testing.T) {
	ts := startServer(t, nil)
	inspector := ts.token(t, "inspector")
	c := newTraceChain(t, ts, inspector, "A1", true)

	r := ts.do(t, "GET", "/api/v1/listings/"+c.listing+"/trace", inspector, nil, "Accept-Language", "en")
	if r.Status != 200 {
		t.Fatalf("trace: %d %s", r.Status, r.Body)
	}
	trace := r.json(t)
	want := []string{"listing", "merchant", "platform", "declaration", "shipment", "warehouse", "importer", "exporter", "manufacturer"}
	if got := stageNames(trace); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
	for stage, party := range map[string]any{"listing": nil, "merchant": c.merchant, "platform": c.platform, "declaration": nil,
		"shipment": c.carrier, "warehouse": c.warehouse, "importer": c.importer, "exporter": c.exporter, "manufacturer": c.manufacturer} {
		st := stageOf(t, trace, stage)
		if got := partyID(st); got != party {
			t.Errorf("stage %s: party %v, want %v", stage, got, party)
		}
		if st["missing"] != false {
			t.Errorf("stage %s is missing: %v", stage, st)
		}
	}
	if origin, _ := trace["origin"].(map[string]any); origin == nil || origin["id"] != c.manufacturer {
		t.Errorf("origin %v, want the manufacturer %s", trace["origin"], c.manufacturer)
	}
	if gaps := trace["gaps"].([]any); len(gaps) != 0 {
		t.Errorf("gaps of a complete chain: %v", gaps)
	}
	subject := trace["subject"].(map[string]any)
	if subject["type"] != "listing" || subject["id"] != c.listing || subject["product"].(map[string]any)["id"] != c.product {
		t.Errorf("subject: %v", subject)
	}

	// Each event sits at the stage it shows; the documents that tie the stages are listed.
	for stage, step := range map[string]string{"manufacturer": "commissioning", "exporter": "shipping", "warehouse": "receiving"} {
		events := stageOf(t, trace, stage)["events"].([]any)
		if len(events) != 1 || events[0].(map[string]any)["biz_step"] != step {
			t.Errorf("stage %s: events %v, want one %s", stage, events, step)
		}
	}
	decl := stageOf(t, trace, "declaration")
	if d, _ := decl["declaration"].(map[string]any); d == nil || d["id"] != c.declaration {
		t.Errorf("declaration stage: %v", decl)
	}
	hasDoc := func(stage, kind, number string) bool {
		for _, d := range stageOf(t, trace, stage)["documents"].([]any) {
			if m := d.(map[string]any); m["type"] == kind && m["number"] == number {
				return true
			}
		}
		return false
	}
	for _, d := range []struct{ stage, kind, number string }{
		{"declaration", "declaration", c.declarationNo}, {"declaration", "waybill", c.waybill},
		{"shipment", "waybill", c.waybill}, {"exporter", "declaration", c.declarationNo}, {"exporter", "inv", "INV-A1"},
	} {
		if !hasDoc(d.stage, d.kind, d.number) {
			t.Errorf("stage %s does not list %s %s: %v", d.stage, d.kind, d.number, stageOf(t, trace, d.stage)["documents"])
		}
	}
	if sh := stageOf(t, trace, "shipment")["shipments"].([]any); len(sh) != 1 || sh[0].(map[string]any)["id"] != c.shipment {
		t.Errorf("shipment stage: %v", sh)
	}

	// The product's own trace starts at its declaration and names its listings.
	r = ts.do(t, "GET", "/api/v1/products/"+c.product+"/trace", inspector, nil)
	if r.Status != 200 {
		t.Fatalf("product trace: %d %s", r.Status, r.Body)
	}
	ptrace := r.json(t)
	if got := stageNames(ptrace); fmt.Sprint(got) != fmt.Sprint(want[3:]) {
		t.Errorf("product trace stages %v, want %v", got, want[3:])
	}
	if gaps := ptrace["gaps"].([]any); len(gaps) != 0 || ptrace["origin"].(map[string]any)["id"] != c.manufacturer {
		t.Errorf("product trace: gaps %v, origin %v", gaps, ptrace["origin"])
	}
	if ls := ptrace["subject"].(map[string]any)["listings"].([]any); len(ls) != 1 || ls[0].(map[string]any)["id"] != c.listing {
		t.Errorf("product trace listings: %v", ls)
	}

	// A listing that names no product, only a GTIN no product is registered with: the GTIN is a
	// declaration line's barcode, and that line names the product, so the chain is whole again.
	unregistered := ts.created(t, "/api/v1/products", inspector, map[string]any{"name": "积木散装", "brand": "Example",
		"category": "toys", "origin_country": "CN", "manufacturer_id": c.manufacturer})["id"].(string)
	barcode := gtin13("690000000099")
	ts.created(t, "/api/v1/declarations", inspector, map[string]any{"number": "DECL-GTIN", "order_no": "ORD-GTIN",
		"logistics_no": "WB-GTIN", "trade_mode": "9610", "importer_id": c.importer, "declared_at": time.Now().Add(-time.Hour),
		"lines": []map[string]any{{"product_id": unregistered, "hs_code": "9503006000", "name": "积木", "barcode": barcode,
			"origin_country": "CN", "quantity": "1", "unit": "盒", "price": "9.00", "currency": "CNY"}}})
	byGTIN := ts.created(t, "/api/v1/listings", inspector, map[string]any{"platform_id": c.platform, "merchant_id": c.merchant,
		"url": "https://shop.example.com/item/gtin", "title": "散装积木", "price": "19.00", "currency": "CNY", "gtins": []string{barcode}})["id"].(string)
	gt := ts.do(t, "GET", "/api/v1/listings/"+byGTIN+"/trace", inspector, nil, "Accept-Language", "en").json(t)
	if p, _ := gt["subject"].(map[string]any)["product"].(map[string]any); p == nil || p["id"] != unregistered {
		t.Errorf("product found through the declaration line: %v", gt["subject"])
	}
	if d, _ := stageOf(t, gt, "declaration")["declaration"].(map[string]any); d == nil || d["number"] != "DECL-GTIN" {
		t.Errorf("declaration found by barcode: %v", stageOf(t, gt, "declaration"))
	}
	// Direct mail (9610) passes no bonded warehouse: that stage is left out, not reported missing.
	if got := stageNames(gt); slices.Contains(got, "warehouse") {
		t.Errorf("a 9610 chain with a warehouse stage: %v", got)
	}
	if fmt.Sprint(gt["gaps"]) != "[no shipment found for these goods the exporter is not known]" || gt["origin"].(map[string]any)["id"] != c.manufacturer {
		t.Errorf("GTIN-only listing: gaps %v, origin %v", gt["gaps"], gt["origin"])
	}

	// Only inspectors and the zone office trace.
	for _, path := range []string{"/api/v1/listings/" + c.listing + "/trace", "/api/v1/products/" + c.product + "/trace"} {
		for role, status := range map[string]int{"public": 401, "consumer": 403, "merchant": 403, "platform": 403, "admin": 200} {
			if r := ts.do(t, "GET", path, ts.token(t, role), nil); r.Status != status {
				t.Errorf("%s as %s: %d, want %d", path, role, r.Status, status)
			}
		}
	}

	// The page: one group per stage in the picture, names escaped, the events below it.
	page := ts.do(t, "GET", "/listings/"+c.listing+"/trace", inspector, nil, "Accept-Language", "en")
	if page.Status != 200 {
		t.Fatalf("trace page: %d %s", page.Status, truncate(page.Body))
	}
	body := string(page.Body)
	svg := svgOf(t, body)
	if n := strings.Count(svg, "<g "); n != len(want) {
		t.Errorf("the picture has %d groups, want one per stage (%d)", n, len(want))
	}
	for _, stage := range want {
		if !strings.Contains(svg, `data-stage="`+stage+`"`) {
			t.Errorf("the picture has no stage %s", stage)
		}
	}
	if strings.Contains(svg, "stroke-dasharray") || strings.Contains(svg, `data-missing="true"`) {
		t.Errorf("a complete chain drawn with a missing stage")
	}
	if strings.Contains(body, "<Toys>") || !strings.Contains(svg, "Tom &amp; Jerry &lt;Toys&gt;") {
		t.Errorf("the merchant's name is not escaped in the picture")
	}
	for _, s := range []string{`viewBox="0 0 360 `, `width="100%"`, "Manufacturer", "Events: 1", c.declarationNo, c.waybill, "commissioning", "shipping", "receiving", "INV-A1", "/api/v1/listings/" + c.listing + "/trace"} {
		if !strings.Contains(body, s) {
			t.Errorf("the trace page does not show %q", s)
		}
	}
	if page := ts.do(t, "GET", "/products/"+c.product+"/trace", inspector, nil); page.Status != 200 ||
		strings.Count(svgOf(t, string(page.Body)), "<g ") != len(want)-3 || !strings.Contains(string(page.Body), "源头追溯") {
		t.Errorf("product trace page: %d %s", page.Status, truncate(page.Body))
	}

	// A later declaration of the same goods by another firm: the listing's trace keeps the one
	// its merchant filed on its platform, the product's takes the latest.
	other := ts.party(t, inspector, "ebc", "另一家电商企业", "CN")
	later := ts.created(t, "/api/v1/declarations", inspector, map[string]any{"number": "DECL-LATER", "order_no": "ORD-LATER",
		"logistics_no": "WB-LATER", "trade_mode": "1210", "importer_id": c.importer, "ebc_id": other,
		"declared_at": time.Now().Add(-time.Hour), "lines": []map[string]any{{"product_id": c.product, "hs_code": "9503006000",
			"name": "儿童积木", "origin_country": "CN", "quantity": "5", "unit": "盒", "price": "59.00", "currency": "CNY"}}})["id"].(string)
	declarationOf := func(path string) any {
		d, _ := stageOf(t, ts.do(t, "GET", path, inspector, nil).json(t), "declaration")["declaration"].(map[string]any)
		return d["id"]
	}
	if got := declarationOf("/api/v1/listings/" + c.listing + "/trace"); got != c.declaration {
		t.Errorf("listing trace took declaration %v, want its merchant's %s", got, c.declaration)
	}
	if got := declarationOf("/api/v1/products/" + c.product + "/trace"); got != later {
		t.Errorf("product trace took declaration %v, want the latest %s", got, later)
	}
}

func TestListingTraceWithoutDeclaration(t *testing.T) {
	ts := startServer(t, nil)
	inspector := ts.token(t, "inspector")
	c := newTraceChain(t, ts, inspector, "B2", false)

	trace := ts.do(t, "GET", "/api/v1/listings/"+c.listing+"/trace", inspector, nil, "Accept-Language", "en").json(t)
	gaps := trace["gaps"].([]any)
	if len(gaps) == 0 || gaps[0] != "no declaration found for this product" {
		t.Fatalf("gaps %v, want the declaration first", gaps)
	}
	for _, stage := range []string{"declaration", "shipment", "importer"} {
		if st := stageOf(t, trace, stage); st["missing"] != true || st["gap"] == "" || st["party"] != nil {
			t.Errorf("stage %s should be missing: %v", stage, st)
		}
	}
	// What follows the missing declaration is still filled from the product and its events.
	for stage, party := range map[string]string{"merchant": c.merchant, "platform": c.platform, "warehouse": c.warehouse,
		"exporter": c.exporter, "manufacturer": c.manufacturer} {
		if st := stageOf(t, trace, stage); partyID(st) != party || st["missing"] != false {
			t.Errorf("stage %s: %v, want party %s", stage, st, party)
		}
	}
	if origin, _ := trace["origin"].(map[string]any); origin == nil || origin["id"] != c.manufacturer {
		t.Errorf("origin %v", trace["origin"])
	}
	if fmt.Sprint(gaps) != "[no declaration found for this product no shipment found for these goods the importer is not known]" {
		t.Errorf("gaps %v", gaps)
	}
	// In Chinese by default.
	zh := ts.do(t, "GET", "/api/v1/listings/"+c.listing+"/trace", inspector, nil).json(t)
	if g := zh["gaps"].([]any); len(g) == 0 || g[0] != "未找到该产品的申报清单" {
		t.Errorf("Chinese gaps: %v", g)
	}

	// The page draws the missing stages dashed and red, with their gaps.
	page := ts.do(t, "GET", "/listings/"+c.listing+"/trace", inspector, nil, "Accept-Language", "en")
	svg := svgOf(t, string(page.Body))
	if n := strings.Count(svg, `data-missing="true"`); n != 3 {
		t.Errorf("%d stages drawn missing, want 3", n)
	}
	if !strings.Contains(svg, "stroke-dasharray") || !strings.Contains(svg, "no declaration found for this product") {
		t.Errorf("the missing declaration is not drawn with its gap:\n%s", svg)
	}

	// A listing whose product is not registered: only the GTIN seen is known, and nothing declares it.
	bare := ts.created(t, "/api/v1/listings", inspector, map[string]any{"platform_id": c.platform, "merchant_id": c.merchant,
		"url": "https://shop.example.com/item/unknown", "title": "无名积木", "price": "9.90", "currency": "CNY",
		"gtins": []string{gtin13("690000000001")}})["id"].(string)
	trace = ts.do(t, "GET", "/api/v1/listings/"+bare+"/trace", inspector, nil, "Accept-Language", "en").json(t)
	if gaps := trace["gaps"].([]any); len(gaps) != 7 || gaps[0] != "no registered product is linked to this listing" || trace["origin"] != nil {
		t.Errorf("listing without a product: gaps %v, origin %v", gaps, trace["origin"])
	}
}

// svgOf is the first <svg> element of a page.
func svgOf(t *testing.T, body string) string {
	t.Helper()
	start := strings.Index(body, "<svg")
	end := strings.Index(body, "</svg>")
	if start < 0 || end < start {
		t.Fatalf("no <svg> on the page:\n%s", truncate([]byte(body)))
	}
	return body[start : end+len("</svg>")]
}
