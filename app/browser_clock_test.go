package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/hzcbec/portal/models/clock"
)

// TestBrowserInspectionSampledTodayAtNineInTheMorning records, at 09:00 in Hangzhou, an
// inspection sampled "today" (the form's default date): main refused it until noon, when today
// read as 12:00 stopped being in the future (issue 11).
func TestBrowserInspectionSampledTodayAtNineInTheMorning(t *testing.T) {
	nine := clock.In(2026, 12, 4, 9, 0, 0)
	ts := startServerAt(t, nil, clock.NewManual(nine))
	f := newTraceFixture(t, ts)
	b := newBrowser(t, ts)
	b.signInAs("inspector")
	b.do("opening the inspection form",
		chromedp.Navigate(b.base+"/inspect/inspections/new?product_id="+f.product+"&listing_id="+f.listing),
		chromedp.WaitVisible(chromedp.ID("inspection-submit")),
	)
	if got := get(b, "reading the sampling date", chromedp.Value(chromedp.ID("sampled_at"))); got != "2026-12-04" {
		t.Fatalf("the sampling date offered at 09:00 on 4 December is %q, want today, 2026-12-04", got)
	}
	b.do("recording the inspection sampled today",
		chromedp.SendKeys(chromedp.ID("item-name-0"), "输出电压"),
		chromedp.SendKeys(chromedp.ID("item-standard-0"), "GB/T 35590-2017"),
		chromedp.SendKeys(chromedp.ID("item-value-0"), "5.1"),
		chromedp.SendKeys(chromedp.ID("item-limit-0"), "5.0±0.25"),
		chromedp.SetValue(chromedp.ID("conclusion"), "conformant"),
		chromedp.Click(chromedp.ID("inspection-submit")),
		// A recorded inspection lands on its own page, where the lab report is attached.
		chromedp.WaitVisible(chromedp.ID("report-submit")),
	)
	if text := get(b, "reading the inspection", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "2026-12-04 09:00") {
		t.Errorf("the inspection page does not say it was sampled at 2026-12-04 09:00:\n%s", text)
	}
	if n := ts.count(t, "inspections", "product_id = ? AND sampled_at = ?", f.product, nine); n != 1 {
		t.Errorf("inspections of the product sampled at 09:00: %d, want 1", n)
	}
}
