package app_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// On a 390 px phone no page scrolls sideways and axe-core finds no WCAG 2.1 A or AA violation
// (b.do checks each page it opens): every page of every role's navigation, a search, and each
// page no navigation links to, as a role that may open it (the other browser tests measure a
// few more on a phone: the registry's forms, a product's and an inspection's page, the alert
// and measure forms, a listing and its trace, the public alerts).
func TestBrowserNoPageScrollsSidewaysOnAPhone(t *testing.T) {
	ts := startServer(t, nil)
	consumer, inspector := ts.token(t, "consumer"), ts.token(t, "inspector")
	// A long unbroken word (an address pasted from a shop) in the text that search shows.
	body := complaintBody()
	body["description"] = "充电宝鼓包，商品页 https://shop.example.com/item/1234567890?spm=a1z10.1-c-s.w4004-22883337712.2.3f8b1a2bXyZ&id=6543210987654321&skuId=1122334455667788"
	r := ts.do(t, "POST", "/api/v1/complaints", consumer, body)
	if r.Status != 201 {
		t.Fatalf("file: %d %s", r.Status, r.Body)
	}
	complaint := r.json(t)["id"].(string)
	// One record of each kind (the case ends in a published award), a whole trace chain (its
	// tables are the widest) and a party on the negative list, so that the records' pages and
	// the lists (the rulings, the negative list, the registry's) have something to show.
	chain := newTraceChain(t, ts, inspector, randomSuffix(t), true)
	claim := fileClaim(t, ts, consumer, "return")
	arbitrationCase := publishRuling(t, ts, consumer, "退还货款 199 元。", "检测报告证明产品存在安全缺陷，支持申请人的请求。")
	measure := ts.created(t, "/api/v1/measures", inspector, map[string]any{"kind": "recall", "target_party_id": "demo-merchant",
		"deadline": time.Now().Add(72 * time.Hour), "basis": "《产品质量法》第四十九条"})["id"].(string)
	investigation := ts.created(t, "/api/v1/handoffs", inspector, map[string]any{"subject_type": "party", "subject_id": "demo-merchant",
		"jurisdiction": "330106", "reason": "属地查处"})["investigation_id"].(string)
	ts.created(t, "/api/v1/negative-list", inspector, map[string]any{"party_id": "demo-merchant", "reason": "多次销售不合格产品"})
	importFile(t, ts.srv.Store(), "us_kids_product_recalls_cpsc_nhtsa.csv", cpsc)
	ts.indexed(t, 60*time.Second)
	unlinked := map[string][]string{
		"public":   {"/signin", "/signup", "/parties/demo-merchant/credit"},
		"consumer": {"/complaints/new", "/claims/new", "/claims/" + claim, "/cases/" + arbitrationCase, "/notifications"},
		"merchant": {"/measures/" + measure, "/notifications"},
		"inspector": {"/inspect/alerts", "/inspect/discoveries/new", "/investigations/" + investigation,
			"/products/" + chain.product + "/trace", "/listings/" + chain.listing + "/trace",
			"/registry/parties", "/registry/parties/new", "/registry/products/new", "/registry/declarations",
			"/registry/declarations/" + chain.declaration, "/registry/shipments", "/registry/shipments/new",
			"/registry/shipments/" + chain.shipment, "/registry/trace-events"},
	}
	b := newBrowserWithin(t, ts, 5*time.Minute)
	b.do("a phone-sized screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	type width struct {
		Scroll int `json:"scroll"`
		Inner  int `json:"inner"`
	}
	for _, role := range roles {
		if role != "public" {
			b.signInAs(role)
		}
		b.do("opening the home page as "+role, chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS("main")))
		pages := get(b, "reading the navigation", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("nav.nav a")].map(a => a.getAttribute("href"))`))
		pages = append(pages, "/search?q=%E5%85%85%E7%94%B5%E5%AE%9D", "/search?q=toy", "/complaints/"+complaint)
		for i, path := range append(pages, unlinked[role]...) {
			b.do(role+" opening "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
			if status := b.pageStatus(); i >= len(pages) && status != 200 {
				t.Errorf("%s as %s answers %d: the page measured is not the one meant", path, role, status)
			}
			w := get(b, "measuring "+path, chromedp.Evaluate[width](
				`({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})`))
			if w.Scroll > w.Inner {
				t.Errorf("%s as %s is %d px wide on a %d px screen: it scrolls sideways", path, role, w.Scroll, w.Inner)
			}
		}
	}
}
