package app_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// registryAccess: the traceability registry is written and read by inspectors and the admin
// only; the public gets 401, every other role 403, inspectors and the admin `ok`.
func registryAccess(ok int) [7]int { return [7]int{401, 403, 403, 403, ok, 403, ok} }

// Unified social credit codes with correct check characters (the first is GB 32100-2015's example).
const (
	usccManufacturer = "91350100M000100Y43"
	usccImporter     = "91330100799655058B"
	usccLogistics    = "91110000802100433B"
)

// created posts body and expects 201, returning the created record.
func (ts *testServer) created(t *testing.T, path, token string, body any) map[string]any {
	t.Helper()
	r := ts.do(t, "POST", path, token, body)
	if r.Status != 201 {
		t.Fatalf("POST %s: %d, want 201\n%s", path, r.Status, r.Body)
	}
	return r.json(t)
}

// fieldErrors are the fields a problem document names, with their messages.
func fieldErrors(t *testing.T, r response) map[string]string {
	t.Helper()
	out := map[string]string{}
	errs, _ := r.json(t)["errors"].([]any)
	for _, e := range errs {
		m := e.(map[string]any)
		out[m["field"].(string)] = m["message"].(string)
	}
	return out
}

// wantInvalid expects a 422 naming field.
func wantInvalid(t *testing.T, what string, r response, field string) {
	t.Helper()
	if r.Status != 422 {
		t.Errorf("%s: %d, want 422\n%s", what, r.Status, r.Body)
		return
	}
	if _, ok := fieldErrors(t, r)[field]; !ok {
		t.Errorf("%s: 422 does not name %q\n%s", what, field, r.Body)
	}
}

// uploadFile posts data as the multipart field "file", with extra headers (name, value, ...).
func (ts *testServer) uploadFile(t *testing.T, path, token, name, declaredType string, data []byte, headers ...string) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, name))
	h.Set("Content-Type", declaredType)
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", ts.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.send(t, req)
}

// registryParties registers a manufacturer, an importer and a carrier; the demo merchant and
// platform are the others.
func registryParties(t *testing.T, ts *testServer, token string) (manufacturer, importer, carrier string) {
	t.Helper()
	m := ts.created(t, "/api/v1/parties", token, map[string]any{"kind": "manufacturer", "name": "福建示例玩具有限公司",
		"name_en": "Fujian Example Toys Co., Ltd.", "country": "cn", "registration_code": strings.ToLower(usccManufacturer),
		"address": "福州市鼓楼区"})
	i := ts.created(t, "/api/v1/parties", token, map[string]any{"kind": "importer", "name": "杭州示例进口有限公司",
		"country": "CN", "registration_code": usccImporter, "jurisdiction": "330108"})
	c := ts.created(t, "/api/v1/parties", token, map[string]any{"kind": "logistics", "name": "示例国际物流有限公司",
		"country": "CN", "registration_code": usccLogistics})
	return m["id"].(string), i["id"].(string), c["id"].(string)
}

func TestRegistryCreateAndRead(t *testing.T) {
	dataDir := t.TempDir()
	ts := startServer(t, map[string]string{"PORTAL_DATA_DIR": dataDir})
	inspector, admin := ts.token(t, "inspector"), ts.token(t, "admin")

	// Parties: country and registration code kept in upper case, jurisdiction kept.
	manufacturer, importer, carrier := registryParties(t, ts, inspector)
	p := ts.do(t, "GET", "/api/v1/parties/"+manufacturer, admin, nil).json(t)
	if p["country"] != "CN" || p["registration_code"] != usccManufacturer || p["kind"] != "manufacturer" {
		t.Errorf("party: %v", p)
	}
	if imp := ts.do(t, "GET", "/api/v1/parties/"+importer, inspector, nil).json(t); imp["jurisdiction"] != "330108" {
		t.Errorf("importer jurisdiction: %v", imp["jurisdiction"])
	}
	foreign := ts.created(t, "/api/v1/parties", inspector, map[string]any{"kind": "exporter", "name": "Example GmbH",
		"country": "DE", "registration_code": "HRB 12345"}) // not Chinese: no USCC check
	if foreign["registration_code"] != "HRB 12345" {
		t.Errorf("foreign registration code: %v", foreign["registration_code"])
	}
	page1 := ts.do(t, "GET", "/api/v1/parties?limit=2", inspector, nil).json(t)
	if items := page1["items"].([]any); len(items) != 2 || page1["next_cursor"] == nil {
		t.Fatalf("first page of parties: %v", page1)
	}
	page2 := ts.do(t, "GET", "/api/v1/parties?limit=2&cursor="+page1["next_cursor"].(string), inspector, nil).json(t)
	if items := page2["items"].([]any); len(items) != 2 || items[0].(map[string]any)["id"] == page1["items"].([]any)[1].(map[string]any)["id"] {
		t.Fatalf("second page of parties: %v", page2)
	}
	if kinds := ts.do(t, "GET", "/api/v1/parties?kind=logistics", inspector, nil).json(t)["items"].([]any); len(kinds) != 1 ||
		kinds[0].(map[string]any)["id"] != carrier {
		t.Errorf("?kind=logistics: %v", kinds)
	}

	// Products: an EAN-13 comes back as 14 digits; the 10-digit tariff line of a subheading is fine.
	prod := ts.created(t, "/api/v1/products", inspector, map[string]any{"name": "儿童电动滑板车", "name_en": "Children's e-scooter",
		"brand": "Example", "model": "ES-1", "gtin": "4006381333931", "hs_code": "9503008900", "category": "toys",
		"origin_country": "CN", "manufacturer_id": manufacturer})
	productID := prod["id"].(string)
	if prod["gtin"] != "04006381333931" || prod["hs_code"] != "9503008900" || prod["manufacturer_id"] != manufacturer {
		t.Errorf("product: %v", prod)
	}
	if got := ts.do(t, "GET", "/api/v1/products/"+productID, admin, nil).json(t); got["gtin"] != "04006381333931" {
		t.Errorf("GET product: %v", got)
	}
	// Any form of the GTIN finds it.
	for _, g := range []string{"4006381333931", "04006381333931"} {
		if items := ts.do(t, "GET", "/api/v1/products?gtin="+g, inspector, nil).json(t)["items"].([]any); len(items) != 1 {
			t.Errorf("?gtin=%s: %d products", g, len(items))
		}
	}
	if items := ts.do(t, "GET", "/api/v1/products?hs_code=9503", inspector, nil).json(t)["items"].([]any); len(items) != 1 {
		t.Errorf("?hs_code=9503: %d products", len(items))
	}
	upc := ts.created(t, "/api/v1/products", inspector, map[string]any{"name": "Scale model", "brand": "Other",
		"gtin": "036000291452", "category": "toys", "origin_country": "US"})
	if upc["gtin"] != "00036000291452" {
		t.Errorf("GTIN-12 stored as %v", upc["gtin"])
	}

	// Batches: the lot is unique per product, a batch expires after it was made.
	batch := ts.created(t, "/api/v1/products/"+productID+"/batches", inspector, map[string]any{"lot": "L2026-03",
		"produced_on": "2026-01-15", "expires_on": "2031-01-14"})
	batchID := batch["id"].(string)
	if batch["produced_on"] != "2026-01-15" || batch["expires_on"] != "2031-01-14" || batch["product_id"] != productID {
		t.Errorf("batch: %v", batch)
	}
	if r := ts.do(t, "POST", "/api/v1/products/"+productID+"/batches", inspector, map[string]any{"lot": "L2026-03"}); r.Status != 409 {
		t.Errorf("duplicate lot: %d, want 409\n%s", r.Status, r.Body)
	}
	// The same lot on another product is another batch.
	ts.created(t, "/api/v1/products/"+upc["id"].(string)+"/batches", inspector, map[string]any{"lot": "L2026-03"})
	wantInvalid(t, "expires before produced", ts.do(t, "POST", "/api/v1/products/"+productID+"/batches", inspector,
		map[string]any{"lot": "L2", "produced_on": "2026-02-01", "expires_on": "2026-01-31"}), "expires_on")
	wantInvalid(t, "not a date", ts.do(t, "POST", "/api/v1/products/"+productID+"/batches", inspector,
		map[string]any{"lot": "L3", "produced_on": "2026-02-30"}), "produced_on")
	batches := ts.do(t, "GET", "/api/v1/products/"+productID+"/batches", inspector, nil).json(t)["items"].([]any)
	if len(batches) != 1 || batches[0].(map[string]any)["lot"] != "L2026-03" {
		t.Errorf("batches: %v", batches)
	}

	// Listings: GTINs seen normalised (and once each), the price as a decimal, who found it.
	listing := ts.created(t, "/api/v1/listings", inspector, map[string]any{"platform_id": "demo-platform",
		"merchant_id": "demo-merchant", "url": "https://shop.example.com/item/123", "title": "儿童电动滑板车 ES-1",
		"price": "129.9", "currency": "cny", "product_id": productID, "gtins": []string{"4006381333931", "04006381333931", "96385074"}})
	listingID := listing["id"].(string)
	if fmt.Sprint(listing["gtins"]) != "[04006381333931 00000096385074]" || listing["price"] != "129.90" ||
		listing["currency"] != "CNY" || listing["status"] != "active" || listing["discovered_by"] != ts.users["inspector"].ID {
		t.Errorf("listing: %v", listing)
	}
	if at, err := time.Parse(time.RFC3339, listing["discovered_at"].(string)); err != nil || time.Since(at) > time.Minute {
		t.Errorf("discovered_at defaults to now: %v", listing["discovered_at"])
	}
	if items := ts.do(t, "GET", "/api/v1/listings?gtin=96385074", inspector, nil).json(t)["items"].([]any); len(items) != 1 {
		t.Errorf("listings with GTIN 96385074: %d", len(items))
	}

	// The captured page: stored with its SHA-256, judged by its bytes.
	img := pngBytes(t)
	r := ts.uploadFile(t, "/api/v1/listings/"+listingID+"/snapshot", inspector, "page.png", "image/png", img)
	if r.Status != 201 {
		t.Fatalf("snapshot: %d %s", r.Status, r.Body)
	}
	snap := r.json(t)
	if snap["sha256"] != hexSHA256(img) || snap["content_type"] != "image/png" || snap["size"] != float64(len(img)) ||
		snap["name"] != "page.png" || snap["id"] == nil {
		t.Errorf("snapshot: %v", snap)
	}
	if files := storedFiles(t, dataDir); len(files) != 1 || !strings.HasSuffix(files[0], hexSHA256(img)) {
		t.Errorf("stored files: %v", files)
	}
	pdf := ts.uploadFile(t, "/api/v1/listings/"+listingID+"/snapshot", admin, "page.pdf", "application/pdf", []byte(minimalPDF))
	if pdf.Status != 201 || pdf.json(t)["content_type"] != "application/pdf" {
		t.Errorf("PDF snapshot: %d %s", pdf.Status, pdf.Body)
	}
	if r := ts.uploadFile(t, "/api/v1/listings/"+listingID+"/snapshot", inspector, "page.png", "image/png", []byte("<html>not an image</html>")); r.Status != 415 {
		t.Errorf("HTML named .png: %d, want 415", r.Status)
	}
	got := ts.do(t, "GET", "/api/v1/listings/"+listingID, inspector, nil).json(t)
	if snaps := got["snapshots"].([]any); len(snaps) != 2 || snaps[0].(map[string]any)["sha256"] != hexSHA256(img) {
		t.Errorf("listing snapshots: %v", got["snapshots"])
	}

	// Declarations with their lines; barcodes as 14 digits.
	decl := ts.created(t, "/api/v1/declarations", inspector, map[string]any{"number": "2926202600012345", "order_no": "ORD-1",
		"payment_no": "PAY-1", "logistics_no": "SF1234567890", "trade_mode": "1210", "importer_id": importer,
		"ebc_id": "demo-merchant", "ebp_id": "demo-platform", "customs_code": "2926", "port_code": "2926",
		"declared_at": "2026-02-01T10:00:00+08:00", "lines": []map[string]any{
			{"product_id": productID, "hs_code": "9503008900", "name": "儿童电动滑板车", "model": "ES-1", "barcode": "4006381333931",
				"origin_country": "CN", "quantity": 2, "unit": "件", "price": "129.90", "currency": "CNY"},
			{"hs_code": "851631", "name": "电吹风", "origin_country": "DE", "quantity": "1.5", "unit": "个", "price": "300",
				"currency": "EUR"},
		}})
	declID := decl["id"].(string)
	got = ts.do(t, "GET", "/api/v1/declarations/"+declID, inspector, nil).json(t)
	lines := got["lines"].([]any)
	if len(lines) != 2 || got["declared_at"] != "2026-02-01T02:00:00Z" || got["trade_mode"] != "1210" {
		t.Fatalf("declaration: %v", got)
	}
	l0, l1 := lines[0].(map[string]any), lines[1].(map[string]any)
	if l0["barcode"] != "04006381333931" || l0["quantity"] != float64(2) || l0["line_no"] != float64(1) ||
		l1["quantity"] != 1.5 || l1["price"] != "300.00" || l1["barcode"] != "" {
		t.Errorf("lines: %v", lines)
	}

	// Shipments.
	ship := ts.created(t, "/api/v1/shipments", inspector, map[string]any{"declaration_id": declID, "carrier_id": carrier,
		"waybill": "SF1234567890", "from_party_id": manufacturer, "to_party_id": importer,
		"shipped_at": "2026-01-20T08:00:00Z", "arrived_at": "2026-01-25T08:00:00Z"})
	if ship["status"] != "in_transit" || ship["carrier_id"] != carrier {
		t.Errorf("shipment: %v", ship)
	}
	if items := ts.do(t, "GET", "/api/v1/shipments?declaration_id="+declID, admin, nil).json(t)["items"].([]any); len(items) != 1 {
		t.Errorf("shipments of the declaration: %d", len(items))
	}

	// Trace events: a urn:uuid id, source api, CBV URIs kept as words, the product found from the batch.
	ev := ts.created(t, "/api/v1/trace-events", inspector, map[string]any{"type": "object", "action": "OBSERVE",
		"event_time": "2026-01-20T16:00:00+08:00", "biz_step": "urn:epcglobal:cbv:bizstep:shipping",
		"disposition": "https://ref.gs1.org/cbv/Disp-in_transit", "batch_id": batchID,
		"epcs": []string{"urn:epc:id:sgtin:4006381.033393.1"}, "quantity": 2, "uom": "EA",
		"from_party_id": manufacturer, "to_party_id": importer,
		"documents": []map[string]any{{"type": "declaration", "number": "2926202600012345"}, {"type": "bol", "number": "SF1234567890"}}})
	if !strings.HasPrefix(ev["event_id"].(string), "urn:uuid:") || ev["source"] != "api" || ev["biz_step"] != "shipping" ||
		ev["disposition"] != "in_transit" || ev["product_id"] != productID || ev["event_time_zone"] != "+08:00" ||
		ev["event_time"] != "2026-01-20T08:00:00Z" || ev["quantity"] != float64(2) || ev["captured_by"] != ts.users["inspector"].ID {
		t.Errorf("trace event: %v", ev)
	}
	ts.created(t, "/api/v1/trace-events", admin, map[string]any{"type": "object", "action": "OBSERVE",
		"event_time": "2026-01-25T09:00:00Z", "biz_step": "receiving", "product_id": productID, "party_id": importer})
	ts.created(t, "/api/v1/trace-events", admin, map[string]any{"type": "transformation",
		"event_time": "2026-01-10T09:00:00Z", "biz_step": "commissioning", "product_id": upc["id"]})
	events := ts.do(t, "GET", "/api/v1/trace-events?product_id="+productID+"&limit=1", inspector, nil).json(t)
	first := events["items"].([]any)
	if len(first) != 1 || first[0].(map[string]any)["biz_step"] != "shipping" || events["next_cursor"] == nil {
		t.Fatalf("first event of the product: %v", events)
	}
	events = ts.do(t, "GET", "/api/v1/trace-events?product_id="+productID+"&limit=1&cursor="+events["next_cursor"].(string), inspector, nil).json(t)
	if next := events["items"].([]any); len(next) != 1 || next[0].(map[string]any)["biz_step"] != "receiving" || events["next_cursor"] != nil {
		t.Fatalf("second event of the product: %v", events)
	}
	if items := ts.do(t, "GET", "/api/v1/trace-events?batch_id="+batchID, inspector, nil).json(t)["items"].([]any); len(items) != 1 {
		t.Errorf("events of the batch: %d", len(items))
	}

	// Every write left an audit record.
	audit := ts.do(t, "GET", "/api/v1/admin/audit?limit=100", admin, nil).json(t)["items"].([]any)
	actions := map[string]int{}
	for _, a := range audit {
		actions[a.(map[string]any)["action"].(string)]++
	}
	for action, n := range map[string]int{"party.create": 4, "product.create": 2, "batch.create": 2, "listing.create": 1,
		"listing.snapshot": 2, "declaration.create": 1, "shipment.create": 1, "trace_event.create": 3} {
		if actions[action] < n {
			t.Errorf("audit %s: %d records, want %d", action, actions[action], n)
		}
	}
}

func TestRegistryValidation(t *testing.T) {
	ts := startServer(t, nil)
	inspector := ts.token(t, "inspector")
	manufacturer, importer, _ := registryParties(t, ts, inspector)
	en := []string{"Accept-Language", "en"}

	// Parties.
	r := ts.do(t, "POST", "/api/v1/parties", inspector, map[string]any{"kind": "manufacturer", "name": "X",
		"country": "CN", "registration_code": "91350100M000100Y44"}, en...)
	wantInvalid(t, "USCC with a wrong check character", r, "registration_code")
	if msg := fieldErrors(t, r)["registration_code"]; !strings.Contains(msg, "unified social credit code") {
		t.Errorf("message in English: %q", msg)
	}
	wantInvalid(t, "no such country", ts.do(t, "POST", "/api/v1/parties", inspector, map[string]any{"kind": "lab",
		"name": "X", "country": "XX"}), "country")
	wantInvalid(t, "not a Hangzhou district", ts.do(t, "POST", "/api/v1/parties", inspector, map[string]any{"kind": "lab",
		"name": "X", "country": "CN", "jurisdiction": "330100"}), "jurisdiction")
	wantInvalid(t, "no such kind", ts.do(t, "POST", "/api/v1/parties", inspector, map[string]any{"kind": "shop",
		"name": "X", "country": "CN"}), "kind")
	if r := ts.do(t, "POST", "/api/v1/parties", inspector, map[string]any{"kind": "exporter", "name": "Same firm again",
		"country": "CN", "registration_code": usccManufacturer}); r.Status != 409 {
		t.Errorf("registration code registered twice: %d, want 409\n%s", r.Status, r.Body)
	}

	// Products.
	product := map[string]any{"name": "玩具", "brand": "B", "category": "toys", "origin_country": "CN"}
	with := func(base map[string]any, k string, v any) map[string]any {
		out := map[string]any{}
		for key, val := range base {
			out[key] = val
		}
		out[k] = v
		return out
	}
	r = ts.do(t, "POST", "/api/v1/products", inspector, with(product, "gtin", "4006381333932"), en...)
	wantInvalid(t, "GTIN with a wrong check digit", r, "gtin")
	if msg := fieldErrors(t, r)["gtin"]; !strings.Contains(msg, "check digit") {
		t.Errorf("GTIN message in English: %q", msg)
	}
	wantInvalid(t, "GTIN of 9 digits", ts.do(t, "POST", "/api/v1/products", inspector, with(product, "gtin", "123456789")), "gtin")
	wantInvalid(t, "no such HS subheading", ts.do(t, "POST", "/api/v1/products", inspector, with(product, "hs_code", "950390")), "hs_code")
	wantInvalid(t, "an HS heading alone", ts.do(t, "POST", "/api/v1/products", inspector, with(product, "hs_code", "9503")), "hs_code")
	wantInvalid(t, "no such origin", ts.do(t, "POST", "/api/v1/products", inspector, with(product, "origin_country", "ZZ")), "origin_country")
	wantInvalid(t, "manufacturer of the wrong kind", ts.do(t, "POST", "/api/v1/products", inspector,
		with(product, "manufacturer_id", importer)), "manufacturer_id")
	wantInvalid(t, "no such manufacturer", ts.do(t, "POST", "/api/v1/products", inspector,
		with(product, "manufacturer_id", "no-such-party")), "manufacturer_id")
	ts.created(t, "/api/v1/products", inspector, with(product, "gtin", "96385074"))
	if r := ts.do(t, "POST", "/api/v1/products", inspector, with(product, "gtin", "0000096385074")); r.Status != 409 {
		t.Errorf("the same GTIN in another length: %d, want 409\n%s", r.Status, r.Body)
	}

	// Listings.
	listing := map[string]any{"platform_id": "demo-platform", "merchant_id": "demo-merchant", "url": "https://shop.example.com/1",
		"title": "T", "price": "10.00", "currency": "CNY"}
	wantInvalid(t, "platform that is a merchant", ts.do(t, "POST", "/api/v1/listings", inspector,
		with(listing, "platform_id", "demo-merchant")), "platform_id")
	wantInvalid(t, "merchant that is a manufacturer", ts.do(t, "POST", "/api/v1/listings", inspector,
		with(listing, "merchant_id", manufacturer)), "merchant_id")
	wantInvalid(t, "a bad GTIN seen", ts.do(t, "POST", "/api/v1/listings", inspector,
		with(listing, "gtins", []string{"96385074", "96385075"})), "gtins[1]")
	wantInvalid(t, "price with three decimals", ts.do(t, "POST", "/api/v1/listings", inspector, with(listing, "price", "1.005")), "price")
	wantInvalid(t, "no such currency", ts.do(t, "POST", "/api/v1/listings", inspector, with(listing, "currency", "XYZ")), "currency")
	wantInvalid(t, "not a web address", ts.do(t, "POST", "/api/v1/listings", inspector, with(listing, "url", "javascript:alert(1)")), "url")
	wantInvalid(t, "no such product", ts.do(t, "POST", "/api/v1/listings", inspector, with(listing, "product_id", "nope")), "product_id")

	// Declarations: one bad line refuses the whole declaration, and none of it is stored.
	line := map[string]any{"hs_code": "950300", "name": "玩具", "origin_country": "CN", "quantity": 1, "unit": "件",
		"price": "10.00", "currency": "CNY"}
	decl := map[string]any{"number": "DECL-BAD-1", "order_no": "O1", "logistics_no": "W1", "trade_mode": "9610",
		"importer_id": importer, "declared_at": "2026-02-01T00:00:00Z"}
	for _, c := range []struct {
		what  string
		line  map[string]any
		field string
	}{
		{"a barcode with a wrong check digit", with(line, "barcode", "4006381333932"), "lines[1].barcode"},
		{"an HS heading", with(line, "hs_code", "9503"), "lines[1].hs_code"},
		{"no quantity", with(line, "quantity", 0), "lines[1].quantity"},
		{"a price in three decimals", with(line, "price", "1.234"), "lines[1].price"},
		{"no such currency", with(line, "currency", "ABC"), "lines[1].currency"},
		{"no such product", with(line, "product_id", "no-such-product"), "lines[1].product_id"},
	} {
		wantInvalid(t, "declaration with "+c.what, ts.do(t, "POST", "/api/v1/declarations", inspector,
			with(decl, "lines", []map[string]any{line, c.line})), c.field)
	}
	if items := ts.do(t, "GET", "/api/v1/declarations?number=DECL-BAD-1", inspector, nil).json(t)["items"].([]any); len(items) != 0 {
		t.Errorf("a refused declaration was stored: %v", items)
	}
	wantInvalid(t, "trade mode 0110", ts.do(t, "POST", "/api/v1/declarations", inspector,
		with(with(decl, "trade_mode", "0110"), "lines", []map[string]any{line})), "trade_mode")
	wantInvalid(t, "importer that is a manufacturer", ts.do(t, "POST", "/api/v1/declarations", inspector,
		with(with(decl, "importer_id", manufacturer), "lines", []map[string]any{line})), "importer_id")
	wantInvalid(t, "ebp that is a merchant", ts.do(t, "POST", "/api/v1/declarations", inspector,
		with(with(decl, "ebp_id", "demo-merchant"), "lines", []map[string]any{line})), "ebp_id")
	wantInvalid(t, "no lines", ts.do(t, "POST", "/api/v1/declarations", inspector, decl), "lines")
	ts.created(t, "/api/v1/declarations", inspector, with(decl, "lines", []map[string]any{line}))
	if r := ts.do(t, "POST", "/api/v1/declarations", inspector, with(decl, "lines", []map[string]any{line})); r.Status != 409 {
		t.Errorf("the same declaration number twice: %d, want 409", r.Status)
	}

	// Shipments.
	wantInvalid(t, "carrier that is not a logistics firm", ts.do(t, "POST", "/api/v1/shipments", inspector,
		map[string]any{"waybill": "W1", "carrier_id": importer}), "carrier_id")
	wantInvalid(t, "no such status", ts.do(t, "POST", "/api/v1/shipments", inspector,
		map[string]any{"waybill": "W1", "status": "lost"}), "status")
	wantInvalid(t, "no such declaration", ts.do(t, "POST", "/api/v1/shipments", inspector,
		map[string]any{"waybill": "W1", "declaration_id": "nope"}), "declaration_id")

	// Trace events.
	event := map[string]any{"type": "object", "action": "OBSERVE", "event_time": "2026-01-20T08:00:00Z", "biz_step": "shipping",
		"epcs": []string{"urn:epc:id:sgtin:4006381.033393.1"}}
	ts.created(t, "/api/v1/trace-events", inspector, event)
	wantInvalid(t, "not a CBV business step", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "biz_step", "transforming")), "biz_step")
	wantInvalid(t, "not a CBV disposition", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "disposition", "in_transport")), "disposition")
	wantInvalid(t, "no such event type", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "type", "sensor")), "type")
	wantInvalid(t, "no action", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "action", "")), "action")
	wantInvalid(t, "a transformation with an action", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "type", "transformation")), "action")
	wantInvalid(t, "about nothing", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "epcs", []string{})), "product_id")
	wantInvalid(t, "in the future", ts.do(t, "POST", "/api/v1/trace-events", inspector,
		with(event, "event_time", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))), "event_time")
	wantInvalid(t, "an unknown document type", ts.do(t, "POST", "/api/v1/trace-events", inspector,
		with(event, "documents", []map[string]any{{"type": "receipt", "number": "1"}})), "documents[0].type")
	wantInvalid(t, "no such party", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "party_id", "nope")), "party_id")
	wantInvalid(t, "no such batch", ts.do(t, "POST", "/api/v1/trace-events", inspector, with(event, "batch_id", "nope")), "batch_id")
}

// Trace data is written by inspectors and the office only: a consumer or a merchant is refused
// and nothing is stored.
func TestTraceDataIsNotWrittenByConsumersOrMerchants(t *testing.T) {
	ts := startServer(t, nil)
	event := map[string]any{"type": "object", "action": "OBSERVE", "event_time": "2026-01-20T08:00:00Z", "biz_step": "shipping",
		"epcs": []string{"urn:epc:id:sgtin:4006381.033393.1"}}
	for _, role := range []string{"consumer", "merchant"} {
		token := ts.token(t, role)
		for path, body := range map[string]any{
			"/api/v1/trace-events": event,
			"/api/v1/products":     map[string]any{"name": "P", "brand": "B", "category": "toys", "origin_country": "CN"},
			"/api/v1/parties":      map[string]any{"kind": "manufacturer", "name": "M", "country": "CN"},
		} {
			if r := ts.do(t, "POST", path, token, body); r.Status != 403 {
				t.Errorf("%s POST %s: %d, want 403", role, path, r.Status)
			}
		}
		if r := ts.do(t, "GET", "/api/v1/trace-events", token, nil); r.Status != 403 {
			t.Errorf("%s GET trace events: %d, want 403", role, r.Status)
		}
	}
	if items := ts.do(t, "GET", "/api/v1/trace-events", ts.token(t, "admin"), nil).json(t)["items"].([]any); len(items) != 0 {
		t.Errorf("trace events stored: %v", items)
	}
}
