package app_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAlertsOnPhone opens the public alerts page, with the real Safety Gate and CPSC data
// imported, on a phone-sized screen: nothing sticks out sideways, each alert shows its hazards in
// Chinese, and an alert opens on its own page.
func TestBrowserAlertsOnPhone(t *testing.T) {
	ts := startServer(t, nil)
	importFile(t, ts.srv.Store(), "eu_safety_gate_alerts_222_with_risk_measures.csv", safetyGate)
	importFile(t, ts.srv.Store(), "us_kids_product_recalls_cpsc_nhtsa.csv", cpsc)
	b := newBrowser(t, ts)

	const width = 390
	b.do("opening the alerts on a phone",
		chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(b.base+"/alerts"),
		chromedp.WaitVisible(chromedp.CSS("li.alert")),
	)
	if dir := os.Getenv("PORTAL_SCREENSHOTS"); dir != "" {
		png := get(b, "taking a screenshot", chromedp.FullScreenshot(100))
		_ = os.WriteFile(dir+"/alerts-phone.png", png, 0o644)
	}
	type layout struct {
		ScrollWidth int    `json:"scrollWidth"`
		InnerWidth  int    `json:"innerWidth"`
		Items       int    `json:"items"`
		First       string `json:"first"`
	}
	got := get(b, "measuring the page", chromedp.Evaluate[layout](`({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
		items: document.querySelectorAll("li.alert").length,
		first: document.querySelector("li.alert").innerText,
	})`))
	if got.ScrollWidth > got.InnerWidth {
		t.Errorf("the alerts page is %d px wide on a %d px screen: it scrolls sideways", got.ScrollWidth, got.InnerWidth)
	}
	if got.Items != 20 || !strings.Contains(got.First, "Montessori Baby Toy Sets") || !strings.Contains(got.First, "窒息") ||
		!strings.Contains(got.First, "召回") || !strings.Contains(got.First, "2026-08-27") {
		t.Errorf("%d alerts on the first page; the first reads:\n%s", got.Items, got.First)
	}
	b.do("opening the first alert",
		chromedp.Click(chromedp.CSS("li.alert a")),
		chromedp.WaitVisible(chromedp.CSS(".alert-detail")),
	)
	if dir := os.Getenv("PORTAL_SCREENSHOTS"); dir != "" {
		png := get(b, "taking a screenshot", chromedp.FullScreenshot(100))
		_ = os.WriteFile(dir+"/alert-phone.png", png, 0o644)
	}
	detail := get(b, "reading the alert", chromedp.Evaluate[layout](`({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
		first: document.querySelector(".alert-detail").innerText,
	})`))
	if detail.ScrollWidth > detail.InnerWidth || !strings.Contains(detail.First, "26-727") || !strings.Contains(detail.First, "cpsc.gov") {
		t.Errorf("the alert's page (%d px on %d):\n%s", detail.ScrollWidth, detail.InnerWidth, detail.First)
	}
}
