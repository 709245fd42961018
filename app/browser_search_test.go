package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Searching from the home page: the public finds the public alert only; the consumer who filed
// the complaint finds both.
func TestBrowserSearchFromTheHomePage(t *testing.T) {
	ts := startServer(t, nil)
	consumer, inspector := ts.token(t, "consumer"), ts.token(t, "inspector")
	body := complaintBody()
	body["description"] = "移动电源充电时鼓包发烫，外壳变形。"
	complaint := ts.do(t, "POST", "/api/v1/complaints", consumer, body).json(t)["id"].(string)
	alert := ts.do(t, "POST", "/api/v1/alerts", inspector, map[string]any{"title": "Voltix 充电宝召回", "level": "high",
		"hazards": []string{"fire"}, "description": "电芯过热，存在起火风险。", "measures": []string{"recall"}, "public": true})
	if alert.Status != 201 {
		t.Fatalf("alert: %d %s", alert.Status, alert.Body)
	}
	alertID := alert.json(t)["id"].(string)
	q := "/api/v1/search?q=" + url.QueryEscape("充电宝")
	eventuallyWithin(t, 30*time.Second, func() bool {
		hits := string(ts.do(t, "GET", q, consumer, nil).Body)
		return strings.Contains(hits, complaint) && strings.Contains(hits, alertID)
	}, "both records to be searchable")

	b := newBrowserWithin(t, ts, 60*time.Second)
	search := func(who string) string {
		b.do(who+" searching from the home page",
			chromedp.Navigate(b.base+"/"),
			chromedp.WaitVisible(chromedp.ID("header-q")),
			chromedp.SendKeys(chromedp.ID("header-q"), "充电宝"+kb.Enter),
			chromedp.WaitVisible(chromedp.ID("search-hits")),
		)
		return get(b, "reading the hits", chromedp.Text(chromedp.ID("search-hits")))
	}
	public := search("the public")
	if !strings.Contains(public, "Voltix") || strings.Contains(public, "鼓包") {
		t.Fatalf("the public's hits: %s", public)
	}
	b.signInAs("consumer")
	mine := search("the consumer")
	if !strings.Contains(mine, "Voltix") || !strings.Contains(mine, "投诉") {
		t.Fatalf("the consumer's hits: %s", mine)
	}
	b.do("opening the complaint from the hits",
		chromedp.Click(chromedp.CSS(".hit-complaint")),
		chromedp.WaitVisible(chromedp.ID("record-status")),
	)
	b.expectLocation("/complaints/" + complaint)
}
