package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hzcbec/portal/models/recalls"
)

// reportPDF writes a one-page lab report as a real PDF (objects, cross-reference table and
// trailer with their byte offsets) and returns its path and bytes.
func reportPDF(t *testing.T, reportNo string) (string, []byte) {
	t.Helper()
	content := fmt.Sprintf("BT /F1 14 Tf 72 770 Td (Test report %s: conformant) Tj ET", reportNo)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	path := filepath.Join(t.TempDir(), "检验报告-"+reportNo+".pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

// importedMatches registers two products and imports a recall that names the first's GTIN and
// the second's brand and model, as the recall import does: the two are proposed to the inspectors.
func importedMatches(t *testing.T, ts *testServer, tag string) (alertID, byGTIN, byBrandModel string) {
	t.Helper()
	inspector := ts.token(t, "inspector")
	gtin := gtin13(fmt.Sprintf("40%010d", time.Now().UnixNano()%1e10))
	byGTIN = ts.created(t, "/api/v1/products", inspector, map[string]any{"name": "磁力积木 " + tag, "brand": "Magbricks",
		"model": "MB-" + tag, "gtin": gtin, "category": "toys", "origin_country": "CN"})["id"].(string)
	byBrandModel = ts.created(t, "/api/v1/products", inspector, map[string]any{"name": "拉线玩具 " + tag, "brand": "Kidblox®",
		"model": "KB 200" + tag, "category": "toys", "origin_country": "CN"})["id"].(string)
	ctx := context.Background()
	s := ts.srv.Store()
	res, err := s.ImportAlerts(ctx, &recalls.File{Source: recalls.SourceSafetyGate, Rows: 1, Alerts: []recalls.Alert{{
		Line: 2, SourceRef: "A12/" + tag, Title: "Magnetic toy and pull toy " + tag, Level: "serious", Product: "Toys",
		Brand: "KIDBLOX", Model: "KB-200" + tag, Country: "China", Description: "Small magnets can be swallowed.",
		Hazards: []string{"choking"}, GTINs: []string{"0" + gtin}, Measures: []string{"withdrawal"},
		Row: map[string]string{"product_category": "Toys"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.MatchAlerts(ctx, res.AlertIDs, nil); err != nil || n != 2 {
		t.Fatalf("matching the imported recall: %d proposed, %v; want the two products", n, err)
	}
	return res.AlertIDs[0], byGTIN, byBrandModel
}

// matchOf finds the match of an alert with a subject through the API.
func matchOf(t *testing.T, ts *testServer, alertID, subjectID string) map[string]any {
	t.Helper()
	r := ts.do(t, "GET", "/api/v1/alerts/"+alertID+"/matches", ts.token(t, "inspector"), nil)
	for _, it := range r.json(t)["items"].([]any) {
		if m := it.(map[string]any); m["subject_id"] == subjectID {
			return m
		}
	}
	t.Fatalf("alert %s has no match with %s: %s", alertID, subjectID, r.Body)
	return nil
}

// fitsPhone opens a page on a phone-sized screen and checks nothing sticks out sideways.
func (b *browser) fitsPhone(path, ready string) {
	b.t.Helper()
	b.do("opening "+path+" on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(b.base+path),
		chromedp.WaitVisible(chromedp.CSS(ready)),
	)
	type width struct {
		Scroll int `json:"scroll"`
		Inner  int `json:"inner"`
	}
	w := get(b, "measuring "+path, chromedp.Evaluate[width](`({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})`))
	if w.Scroll > w.Inner {
		b.t.Errorf("%s is %d px wide on a %d px phone: it scrolls sideways", path, w.Scroll, w.Inner)
	}
}

// An inspector registers a chain in the browser (a manufacturer, a product with its batch, a
// declaration of two lines, its shipment and a trace event), opens the product's trace, uploads
// the lab report of an inspection and sees its fingerprint, then works the queue of import
// matches: one confirmed, one rejected. The registry's pages fit a phone.
func TestBrowserInspectorRegistersAChain(t *testing.T) {
	ts := startServer(t, nil)
	tag := randomSuffix(t)
	inspector := ts.token(t, "inspector")
	importer := ts.party(t, inspector, "importer", "杭州浏览器进口贸易有限公司 "+tag, "CN")
	carrier := ts.party(t, inspector, "logistics", "浏览器国际货运 "+tag, "CN")
	alertID, byGTIN, byBrandModel := importedMatches(t, ts, tag)
	b := newBrowserWithin(t, ts, 240*time.Second)
	b.signInAs("inspector")

	// The manufacturer: a mistyped credit code is refused next to the field, then corrected.
	maker := "宁波浏览器玩具制造有限公司 " + tag
	b.do("opening the party form",
		chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`nav.nav a[href="/registry/products"]`)),
		chromedp.Click(chromedp.CSS(`nav.nav a[href="/registry/products"]`)),
		chromedp.WaitVisible(chromedp.ID("tab-parties")),
		chromedp.Click(chromedp.ID("tab-parties")),
		chromedp.WaitVisible(chromedp.ID("new-party")),
		chromedp.Click(chromedp.ID("new-party")),
		chromedp.WaitVisible(chromedp.ID("party-submit")),
	)
	b.do("registering the manufacturer with a mistyped code",
		chromedp.SetValue(chromedp.ID("kind"), "manufacturer"),
		chromedp.SendKeys(chromedp.ID("name"), maker),
		chromedp.SendKeys(chromedp.ID("registration_code"), usccManufacturer[:17]+"X"),
		chromedp.SetValue(chromedp.ID("jurisdiction"), "330106"),
		chromedp.Click(chromedp.ID("party-submit")),
		chromedp.WaitVisible(chromedp.ID("registration_code-error")),
	)
	if got := get(b, "reading the name", chromedp.Value(chromedp.ID("name"))); got != maker {
		t.Errorf("after the error the name field holds %q", got)
	}
	b.do("correcting the code",
		chromedp.SetValue(chromedp.ID("registration_code"), usccManufacturer),
		chromedp.Click(chromedp.ID("party-submit")),
		chromedp.WaitVisible(chromedp.ID("registered")),
	)
	b.expectText("#registered .party-name", maker)
	href := get(b, "reading the party's link", chromedp.AttributeValue(chromedp.CSS("#registered a"), "href")).Value
	manufacturer := strings.TrimSuffix(strings.TrimPrefix(href, "/parties/"), "/credit")

	// The product, then a batch of it.
	gtin := gtin13(fmt.Sprintf("69%010d", time.Now().UnixNano()%1e10))
	b.do("registering the product",
		chromedp.Click(chromedp.ID("tab-products")),
		chromedp.WaitVisible(chromedp.ID("new-product")),
		chromedp.Click(chromedp.ID("new-product")),
		chromedp.WaitVisible(chromedp.ID("product-submit")),
		chromedp.SendKeys(chromedp.ID("name"), "儿童积木 "+tag),
		chromedp.SendKeys(chromedp.ID("brand"), "Example"),
		chromedp.SendKeys(chromedp.ID("model"), "BB-"+tag),
		chromedp.SendKeys(chromedp.ID("gtin"), gtin),
		chromedp.SendKeys(chromedp.ID("hs_code"), "9503006000"),
		chromedp.SendKeys(chromedp.ID("category"), "toys"),
		chromedp.SetValue(chromedp.ID("manufacturer_id"), manufacturer),
		chromedp.Click(chromedp.ID("product-submit")),
		chromedp.WaitVisible(chromedp.ID("product-title")),
	)
	product := strings.TrimPrefix(get(b, "reading the address", chromedp.Location()), b.base)
	productID := strings.TrimPrefix(product, "/registry/products/")
	b.expectText("#product-gtin", "0"+gtin)
	b.do("adding a batch",
		chromedp.SendKeys(chromedp.ID("lot"), "L-"+tag),
		chromedp.SetValue(chromedp.ID("produced_on"), "2026-01-05"),
		chromedp.Click(chromedp.ID("batch-submit")),
		chromedp.WaitVisible(chromedp.CSS("#batch-list .lot")),
	)
	b.expectText("#batch-list .lot", "L-"+tag)

	// A declaration of two lines, a third row added and left empty.
	number := "DECL-" + tag
	b.do("filling the declaration",
		chromedp.Click(chromedp.ID("tab-declarations")),
		chromedp.WaitVisible(chromedp.ID("new-declaration")),
		chromedp.Click(chromedp.ID("new-declaration")),
		chromedp.WaitVisible(chromedp.ID("declaration-submit")),
		chromedp.SendKeys(chromedp.ID("number"), number),
		chromedp.SendKeys(chromedp.ID("order_no"), "ORD-"+tag),
		chromedp.SendKeys(chromedp.ID("logistics_no"), "WB-"+tag),
		chromedp.SetValue(chromedp.ID("importer_id"), importer),
		chromedp.SetValue(chromedp.ID("line-product_id-0"), productID),
		chromedp.SendKeys(chromedp.ID("line-name-0"), "儿童积木"),
		chromedp.SendKeys(chromedp.ID("line-hs_code-0"), "9503006000"),
		chromedp.SendKeys(chromedp.ID("line-origin_country-0"), "CN"),
		chromedp.SendKeys(chromedp.ID("line-barcode-0"), gtin),
		chromedp.SendKeys(chromedp.ID("line-quantity-0"), "200"),
		chromedp.SendKeys(chromedp.ID("line-unit-0"), "盒"),
		chromedp.SendKeys(chromedp.ID("line-price-0"), "59.00"),
		chromedp.SendKeys(chromedp.ID("line-name-1"), "积木收纳盒"),
		chromedp.SendKeys(chromedp.ID("line-hs_code-1"), "392690"),
		chromedp.SendKeys(chromedp.ID("line-origin_country-1"), "CN"),
		chromedp.SendKeys(chromedp.ID("line-quantity-1"), "20"),
		chromedp.SendKeys(chromedp.ID("line-unit-1"), "个"),
		chromedp.SendKeys(chromedp.ID("line-price-1"), "12.50"),
		chromedp.Click(chromedp.ID("add-line")),
		chromedp.WaitVisible(chromedp.ID("line-3")),
	)
	if got := get(b, "reading the second line", chromedp.Value(chromedp.ID("line-name-1"))); got != "积木收纳盒" {
		t.Errorf("adding a line lost the second line: %q", got)
	}
	b.do("registering the declaration",
		chromedp.Click(chromedp.ID("declaration-submit")),
		chromedp.WaitVisible(chromedp.ID("declaration-title")),
	)
	if n := get(b, "counting the lines", chromedp.Evaluate[int](`document.querySelectorAll("#declaration-lines tbody tr").length`)); n != 2 {
		t.Errorf("the declaration has %d lines, want 2", n)
	}

	// Its shipment, from the declaration's page.
	b.do("registering the shipment",
		chromedp.Click(chromedp.ID("new-shipment")),
		chromedp.WaitVisible(chromedp.ID("shipment-submit")),
		chromedp.SendKeys(chromedp.ID("waybill"), "WB-"+tag),
		chromedp.SetValue(chromedp.ID("status"), "arrived"),
		chromedp.SetValue(chromedp.ID("carrier_id"), carrier),
		chromedp.SetValue(chromedp.ID("from_party_id"), manufacturer),
		chromedp.SetValue(chromedp.ID("to_party_id"), importer),
		chromedp.Click(chromedp.ID("shipment-submit")),
		chromedp.WaitVisible(chromedp.ID("shipment-title")),
	)
	b.expectText("#shipment-declaration", number)

	// A trace event at the manufacturer, from the product's page: its batch is offered.
	b.do("opening the trace event form",
		chromedp.Navigate(b.base+product),
		chromedp.WaitVisible(chromedp.ID("record-event")),
		chromedp.Click(chromedp.ID("record-event")),
		chromedp.WaitVisible(chromedp.ID("trace-event-submit")),
	)
	batch := get(b, "reading the batch offered", chromedp.Evaluate[string](`document.querySelector("#batch_id option:nth-child(2)").value`))
	b.do("recording the event",
		chromedp.SetValue(chromedp.ID("action"), "ADD"),
		chromedp.SetValue(chromedp.ID("biz_step"), "commissioning"),
		chromedp.SetValue(chromedp.ID("disposition"), "active"),
		chromedp.SetValue(chromedp.ID("batch_id"), batch),
		chromedp.SetValue(chromedp.ID("party_id"), manufacturer),
		chromedp.SetValue(chromedp.ID("document-type-0"), "declaration"),
		chromedp.SendKeys(chromedp.ID("document-number-0"), number),
		chromedp.Click(chromedp.ID("trace-event-submit")),
		chromedp.WaitVisible(chromedp.CSS(`#trace-events li[data-biz-step="commissioning"]`)),
	)

	// The product's trace reaches its manufacturer.
	b.do("opening the product's trace",
		chromedp.Navigate(b.base+product),
		chromedp.WaitVisible(chromedp.ID("open-trace")),
		chromedp.Click(chromedp.ID("open-trace")),
		chromedp.WaitVisible(chromedp.ID("trace-origin")),
	)
	if text := get(b, "reading the origin", chromedp.Text(chromedp.ID("trace-origin"))); !strings.Contains(text, maker) {
		t.Errorf("the trace's origin reads %q, want the manufacturer %q", text, maker)
	}
	if text := get(b, "reading the trace", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, number) {
		t.Errorf("the trace does not show the declaration %s", number)
	}

	// An inspection of the product, then its lab report: the page shows the report's SHA-256,
	// and what the link downloads hashes to it.
	reportNo := "HZ-LAB-" + tag
	b.do("recording a passed inspection",
		chromedp.Navigate(b.base+product),
		chromedp.WaitVisible(chromedp.ID("record-inspection")),
		chromedp.Click(chromedp.ID("record-inspection")),
		chromedp.WaitVisible(chromedp.ID("inspection-submit")),
		chromedp.SendKeys(chromedp.ID("item-name-0"), "可迁移元素"),
		chromedp.SendKeys(chromedp.ID("item-standard-0"), "GB 6675.4-2014"),
		chromedp.SendKeys(chromedp.ID("item-value-0"), "12"),
		chromedp.SendKeys(chromedp.ID("item-limit-0"), "90"),
		chromedp.SetValue(chromedp.ID("conclusion"), "conformant"),
		chromedp.SendKeys(chromedp.ID("report_no"), reportNo),
		chromedp.Click(chromedp.ID("inspection-submit")),
		// A passed inspection lands on its own page, where its lab report is attached.
		chromedp.WaitVisible(chromedp.ID("report-submit")),
	)
	path, pdf := reportPDF(t, reportNo)
	sum := sha256.Sum256(pdf)
	b.do("uploading the lab report",
		chromedp.Navigate(b.base+product),
		chromedp.WaitVisible(chromedp.CSS("#inspections a")),
		chromedp.Click(chromedp.CSS("#inspections a")),
		chromedp.WaitVisible(chromedp.ID("report-submit")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}),
		chromedp.Click(chromedp.ID("report-submit")),
		chromedp.WaitVisible(chromedp.CSS(".report-sha256")),
	)
	inspection := strings.TrimSuffix(strings.TrimPrefix(get(b, "reading the address", chromedp.Location()), b.base), "#reports")
	b.expectText(".report-sha256", "SHA-256 "+hex.EncodeToString(sum[:]))
	b.expectText(".report-link", filepath.Base(path))
	downloaded := get(b, "downloading the report", chromedp.Evaluate[string](`fetch(document.querySelector(".report-link").href)
		.then(r => r.arrayBuffer()).then(b => crypto.subtle.digest("SHA-256", b))
		.then(d => Array.from(new Uint8Array(d)).map(x => x.toString(16).padStart(2, "0")).join(""))`, chromedp.EvalAwaitPromise))
	if downloaded != hex.EncodeToString(sum[:]) {
		t.Errorf("the report downloaded hashes to %s, want %x", downloaded, sum)
	}

	// The queue of import matches, from the recall's page: the GTIN match is confirmed, the
	// brand-and-model one rejected.
	gtinMatch, brandMatch := matchOf(t, ts, alertID, byGTIN)["id"].(string), matchOf(t, ts, alertID, byBrandModel)["id"].(string)
	b.do("opening the recall's matches",
		chromedp.Navigate(b.base+"/alerts/"+alertID),
		chromedp.WaitVisible(chromedp.ID("alert-matches")),
		chromedp.Click(chromedp.ID("alert-matches")),
		chromedp.WaitVisible(chromedp.ID("match-"+gtinMatch)),
		chromedp.WaitVisible(chromedp.ID("match-"+brandMatch)),
	)
	for id, method := range map[string]string{gtinMatch: "gtin", brandMatch: "brand_model"} {
		if got := get(b, "reading how it matched", chromedp.AttributeValue(chromedp.ID("match-"+id), "data-method")).Value; got != method {
			t.Errorf("match %s was found by %q, want %q", id, got, method)
		}
	}
	b.do("confirming the GTIN match",
		chromedp.Click(chromedp.ID("confirm-"+gtinMatch)),
		chromedp.WaitNotPresent(chromedp.ID("match-"+gtinMatch)),
		chromedp.WaitVisible(chromedp.ID("match-"+brandMatch)),
	)
	b.do("rejecting the brand-and-model match",
		chromedp.Click(chromedp.ID("reject-"+brandMatch)),
		chromedp.WaitVisible(chromedp.ID("matches-empty")),
		chromedp.Click(chromedp.ID("matches-confirmed")),
		chromedp.WaitVisible(chromedp.ID("match-"+gtinMatch)),
	)
	if got := matchOf(t, ts, alertID, byGTIN)["status"]; got != "confirmed" {
		t.Errorf("the GTIN match is %v, want confirmed", got)
	}
	if got := matchOf(t, ts, alertID, byBrandModel)["status"]; got != "rejected" {
		t.Errorf("the brand-and-model match is %v, want rejected", got)
	}
	alert := ts.do(t, "GET", "/api/v1/alerts/"+alertID, inspector, nil).json(t)
	var products []string
	for _, p := range alert["product_ids"].([]any) {
		products = append(products, p.(string))
	}
	if !slices.Contains(products, byGTIN) || slices.Contains(products, byBrandModel) {
		t.Errorf("the alert's products are %v: want the confirmed %s and not the rejected %s", products, byGTIN, byBrandModel)
	}

	// The forms and lists fit a phone.
	b.fitsPhone("/registry/declarations/new", "#declaration-submit")
	b.fitsPhone("/registry/trace-events/new?product_id="+productID, "#trace-event-submit")
	b.fitsPhone(product, "#batch-submit")
	b.fitsPhone(inspection, "#report-submit")
	b.fitsPhone("/inspect/matches?status=confirmed", "#matches")
}
