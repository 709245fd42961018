package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hzcbec/portal/models/clock"
)

// daysAgo is a date input's value n days before today, in Hangzhou.
func daysAgo(n int) string {
	return time.Now().In(clock.Hangzhou).AddDate(0, 0, -n).Format(time.DateOnly)
}

// A consumer asks for a no-reason return too late and is told so by the delivery date, then
// asks for a refund; the merchant approves and refunds; the consumer's notices lead back to it.
func TestBrowserClaimApprovedAndRefunded(t *testing.T) {
	ts := startServer(t, nil)
	b := newBrowserWithin(t, ts, 120*time.Second)

	b.signInAs("consumer")
	const orderRef, amount, reason = "ORD-BROWSER-CLAIM-1", "299.00", "尺码不合适，申请退货。"
	b.do("filing a no-reason return delivered 10 days ago",
		chromedp.Navigate(b.base+"/claims"),
		chromedp.WaitVisible(chromedp.ID("new-claim")),
		chromedp.Click(chromedp.ID("new-claim")),
		chromedp.WaitVisible(chromedp.ID("claim-submit")),
		chromedp.SetValue(chromedp.ID("respondent_id"), "demo-merchant"),
		chromedp.SendKeys(chromedp.ID("order_ref"), orderRef),
		chromedp.SetValue(chromedp.ID("type"), "return"),
		chromedp.Click(chromedp.ID("no_reason")),
		chromedp.SetValue(chromedp.ID("delivered_at"), daysAgo(10)),
		chromedp.SendKeys(chromedp.ID("amount"), amount),
		chromedp.SendKeys(chromedp.ID("reason"), reason),
		chromedp.Click(chromedp.ID("claim-submit")),
		chromedp.WaitVisible(chromedp.ID("delivered_at-error")),
	)
	if msg := get(b, "reading the delivery date's error", chromedp.Text(chromedp.ID("delivered_at-error"))); !strings.Contains(msg, "7") {
		t.Errorf("the delivery date's error %q does not name the 7-day window", msg)
	}
	for field, want := range map[string]string{"order_ref": orderRef, "amount": amount, "reason": reason,
		"type": "return", "respondent_id": "demo-merchant", "delivered_at": daysAgo(10), "currency": "CNY"} {
		if got := get(b, "reading "+field, chromedp.Value(chromedp.ID(field))); got != want {
			t.Errorf("after the error %s holds %q, want the typed %q", field, got, want)
		}
	}
	if !get(b, "reading the no-reason box", chromedp.Evaluate[bool](`document.getElementById("no_reason").checked`)) {
		t.Errorf("after the error the no-reason box is no longer ticked")
	}

	b.do("filing a refund delivered 2 days ago",
		chromedp.SetValue(chromedp.ID("type"), "refund"),
		chromedp.Click(chromedp.ID("no_reason")),
		chromedp.SetValue(chromedp.ID("delivered_at"), daysAgo(2)),
		chromedp.Click(chromedp.ID("claim-submit")),
		chromedp.WaitVisible(chromedp.ID("record-status")),
	)
	claim := strings.TrimPrefix(get(b, "reading the address", chromedp.Location()), b.base)
	if !strings.HasPrefix(claim, "/claims/") || b.status() != "requested" {
		t.Fatalf("the claim is at %s with status %q", claim, b.status())
	}

	b.signInAs("merchant")
	b.do("opening the merchant's inbox", chromedp.Navigate(b.base+"/claims"), chromedp.WaitVisible(chromedp.CSS(`.records a[href="`+claim+`"]`)))
	b.do("opening the claim", chromedp.Click(chromedp.CSS(`.records a[href="`+claim+`"]`)), chromedp.WaitVisible(chromedp.ID("do-approve")))
	b.takeAction("approve", "approved")
	b.takeAction("refund", "refunded",
		chromedp.SendKeys(chromedp.ID("refund-amount"), amount),
		chromedp.SendKeys(chromedp.ID("refund-reference"), "RF-20261127-0001"),
	)
	if text := get(b, "reading the facts", chromedp.Text(chromedp.CSS(".facts"))); !strings.Contains(text, "RF-20261127-0001") {
		t.Errorf("the claim page does not show the refund's reference: %s", text)
	}

	b.signInAs("consumer")
	approval := `#notifications a[href="` + claim + `"][data-event="approve"]`
	b.do("opening my notices", chromedp.Click(chromedp.ID("notifications-link")), chromedp.WaitVisible(chromedp.CSS(approval)))
	if text := get(b, "reading the approval notice", chromedp.Text(chromedp.CSS(approval))); !strings.Contains(text, "同意") || !strings.Contains(text, "售后申请") {
		t.Errorf("the approval notice reads %q", text)
	}
	b.do("opening the claim from the notice", chromedp.Click(chromedp.CSS(approval)), chromedp.WaitVisible(chromedp.ID("record-status")))
	b.expectLocation(claim)
	if b.status() != "refunded" {
		t.Errorf("the claim is %q, want refunded", b.status())
	}
}
