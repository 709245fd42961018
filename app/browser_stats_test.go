package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// statsCharts are the charts of the statistics page, by id.
var statsCharts = []string{"chart-volumes", "chart-outcomes", "chart-handling", "chart-categories", "chart-origins",
	"chart-hazards", "chart-jurisdictions", "chart-months", "chart-index"}

// chartBoxes reads, for each chart on the page, whether its <svg> is drawn with a size and fits
// the window, and whether it has a title and a table beneath it.
const chartBoxes = `Array.from(document.querySelectorAll("figure.chart")).map(f => {
	const svg = f.querySelector("svg"), r = svg ? svg.getBoundingClientRect() : null;
	return f.id + ":" + (r && r.width > 100 && r.height > 20 ? "drawn" : "missing") +
		(r && r.right <= window.innerWidth + 1 ? "" : ":overflows") +
		(svg && svg.querySelector("title") && svg.querySelector("title").textContent.trim() ? "" : ":untitled") +
		(f.querySelector("details table tbody tr") ? "" : ":no-table");
}).join(" ")`

// TestBrowserStatisticsAndCreditPages opens the public statistics page on a desktop and on a
// phone, follows the negative list to a party's credit page, and checks what a visitor sees.
func TestBrowserStatisticsAndCreditPages(t *testing.T) {
	ts := startServer(t, nil)
	newStatsFixture(t, ts)
	if r := ts.do(t, "POST", "/api/v1/negative-list", ts.token(t, "inspector"), map[string]any{"party_id": "demo-merchant",
		"reason": "多次销售不合格产品"}); r.Status != 201 {
		t.Fatalf("listing the demo merchant: %d %s", r.Status, r.Body)
	}
	refreshStats(t, ts)
	b := newBrowserWithin(t, ts, 2*browserTimeout)

	var want []string
	for _, id := range statsCharts {
		want = append(want, id+":drawn")
	}
	for _, viewport := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 375, 740, true}} {
		opts := []chromedp.EmulateViewportOption{}
		if viewport.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
		}
		b.do("opening the statistics page on a "+viewport.name,
			chromedp.EmulateViewport(viewport.width, viewport.height, opts...),
			chromedp.Navigate(b.base+"/stats"),
			chromedp.WaitVisible(chromedp.ID("chart-index")),
		)
		if got := get(b, "reading the charts", chromedp.Evaluate[string](chartBoxes)); got != strings.Join(want, " ") {
			t.Errorf("on a %s the charts are\n  %s\nwant\n  %s", viewport.name, got, strings.Join(want, " "))
		}
	}
	b.expectText("#answers-on-time .stats-figure", "50.0%")
	if points := get(b, "reading the index line", chromedp.Evaluate[string](
		`document.querySelector("#chart-index polyline").getAttribute("points").split(" ").length + ""`)); points != "2" {
		t.Errorf("the index line has %s points, want March and April", points)
	}
	// The table under a chart holds its numbers.
	b.do("opening the hazards table", chromedp.Click(chromedp.CSS("#chart-hazards summary")),
		chromedp.WaitVisible(chromedp.CSS("#chart-hazards table")))
	if got := get(b, "reading the hazards table", chromedp.Text(chromedp.CSS("#chart-hazards tbody tr:first-child"))); !strings.Contains(got, "火灾") || !strings.Contains(got, "2") {
		t.Errorf("the first hazard row reads %q, want fire (火灾) with 2 alerts", got)
	}

	// Narrow to a district with nothing: the charts stay, empty.
	b.do("choosing 上城区",
		chromedp.SetValue(chromedp.ID("jurisdiction"), "330102"),
		chromedp.Click(chromedp.ID("stats-apply")),
		chromedp.WaitVisible(chromedp.CSS(`#download-csv[href*="330102"]`)),
	)
	if got := get(b, "reading the volumes", chromedp.TextContent(chromedp.CSS("#chart-volumes svg"))); !strings.Contains(got, "0") {
		t.Errorf("the volumes of an empty district read %q", got)
	}

	// The negative list, searched, leads to the party's credit page.
	b.do("searching the negative list",
		chromedp.Navigate(b.base+"/negative-list"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "示例跨境"),
		chromedp.Click(chromedp.ID("negative-search")),
		// The whole list shows before the search too: wait for the searched page (its box holds
		// the words in its value attribute, which typing does not set), not for an entry of the
		// page the search is leaving.
		chromedp.WaitVisible(chromedp.CSS(`#q[value="示例跨境"]`)),
		chromedp.WaitVisible(chromedp.CSS("#negative-list .negative-entry")),
	)
	b.do("opening the credit page",
		chromedp.Click(chromedp.CSS("#negative-list .negative-entry a")),
		chromedp.WaitVisible(chromedp.ID("credit-score")),
	)
	b.expectLocation("/parties/demo-merchant/credit")
	credit := ts.do(t, "GET", "/api/v1/public/parties/demo-merchant/credit", "", nil).json(t)
	b.expectText("#credit-score", fmt.Sprint(credit["score"]))
	b.expectText("#credit-grade", credit["grade"].(string))
	if listed := get(b, "reading the status", chromedp.AttributeValue(chromedp.ID("negative-status"), "data-listed")).Value; listed != "true" {
		t.Errorf("the credit page shows negative-listed %q", listed)
	}
	if rows := get(b, "reading the explanation", chromedp.Evaluate[int](`document.querySelectorAll("#credit-explanation tbody tr").length`)); rows < 2 {
		t.Errorf("the score's explanation has %d rows", rows)
	}

	// A search that finds nothing says so.
	b.do("searching for nobody",
		chromedp.Navigate(b.base+"/negative-list?q=nobody-at-all"),
		chromedp.WaitVisible(chromedp.ID("negative-empty")),
	)
}
