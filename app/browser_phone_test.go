package app_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// On a 390 px phone no page scrolls sideways and axe-core finds no WCAG 2.1 A or AA violation:
// every page of every role's navigation, a search and a record page.
func TestBrowserNoPageScrollsSidewaysOnAPhone(t *testing.T) {
	ts := startServer(t, nil)
	// A long unbroken word (an address pasted from a shop) in the text that search shows.
	body := complaintBody()
	body["description"] = "充电宝鼓包，商品页 https://shop.example.com/item/1234567890?spm=a1z10.1-c-s.w4004-22883337712.2.3f8b1a2bXyZ&id=6543210987654321&skuId=1122334455667788"
	r := ts.do(t, "POST", "/api/v1/complaints", ts.token(t, "consumer"), body)
	if r.Status != 201 {
		t.Fatalf("file: %d %s", r.Status, r.Body)
	}
	complaint := r.json(t)["id"].(string)
	importFile(t, ts.srv.Store(), "us_kids_product_recalls_cpsc_nhtsa.csv", cpsc)
	ts.indexed(t, 60*time.Second)
	b := newBrowserWithin(t, ts, 4*time.Minute)
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
		for _, path := range pages {
			b.do(role+" opening "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
			w := get(b, "measuring "+path, chromedp.Evaluate[width](
				`({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})`))
			if w.Scroll > w.Inner {
				t.Errorf("%s as %s is %d px wide on a %d px screen: it scrolls sideways", path, role, w.Scroll, w.Inner)
			}
			b.expectAccessible(path + " as " + role)
		}
	}
}
