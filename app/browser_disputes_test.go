package app_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hzcbec/portal/models/clock"
)

// signInAs signs the browser in as a demo account (signing out whoever was in first).
func (b *browser) signInAs(role string) {
	b.t.Helper()
	b.do("signing out before "+role,
		chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("main")),
	)
	signedIn := get(b, "reading the header", chromedp.Evaluate[bool](`!!document.getElementById("signout")`))
	if signedIn {
		b.do("signing out", chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-link")))
	}
	b.do("signing in as "+role,
		chromedp.Navigate(b.base+"/signin"),
		chromedp.WaitVisible(chromedp.ID("signin-submit")),
		chromedp.SendKeys(chromedp.ID("email"), role+"@demo.portal"),
		chromedp.SendKeys(chromedp.ID("password"), "demo-password-2026"),
		chromedp.Click(chromedp.ID("signin-submit")),
		chromedp.WaitVisible(chromedp.ID("who")),
	)
}

// status reads the record page's status.
func (b *browser) status() string {
	b.t.Helper()
	return get(b, "reading the status", chromedp.AttributeValue(chromedp.ID("record-status"), "data-status")).Value
}

// takeAction submits the form of an action on the record page and waits for the new state.
func (b *browser) takeAction(name, wantStatus string, fill ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	steps := append([]chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.ID("do-" + name))}, fill...)
	steps = append(steps, chromedp.Click(chromedp.ID("do-"+name)),
		chromedp.WaitReady(chromedp.CSS(`#record-status[data-status="`+wantStatus+`"]`)))
	b.do("taking the action "+name, steps...)
}

func photoFile(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for x := 0; x < 32; x++ {
		img.Set(x, x, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "鼓包照片.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileComplaintInBrowser fills the complaint form as the signed-in consumer and returns the
// complaint page's path.
func (b *browser) fileComplaint(photo string) string {
	b.t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(b.base + "/complaints"),
		chromedp.WaitVisible(chromedp.ID("new-complaint")),
		chromedp.Click(chromedp.ID("new-complaint")),
		chromedp.WaitVisible(chromedp.ID("complaint-submit")),
		chromedp.SetValue(chromedp.ID("respondent_id"), "demo-merchant"),
		chromedp.SetValue(chromedp.ID("platform_id"), "demo-platform"),
		chromedp.SendKeys(chromedp.ID("order_ref"), "ORD-BROWSER-1"),
		chromedp.SetValue(chromedp.ID("category"), "safety"),
		chromedp.SendKeys(chromedp.ID("amount"), "199.00"),
		chromedp.SendKeys(chromedp.ID("description"), "充电宝充电时发烫鼓包。"),
		chromedp.SendKeys(chromedp.ID("request"), "退货退款"),
	}
	if photo != "" {
		steps = append(steps, chromedp.SetUploadFiles(chromedp.ID("file"), []string{photo}))
	}
	steps = append(steps, chromedp.Click(chromedp.ID("complaint-submit")), chromedp.WaitVisible(chromedp.ID("record-status")))
	b.do("filing a complaint", steps...)
	loc := get(b, "reading the address", chromedp.Location())
	return strings.TrimPrefix(loc, b.base)
}

// A consumer files a complaint with a photo, the merchant offers a refund, the consumer accepts.
func TestBrowserComplaintResolvedByOffer(t *testing.T) {
	ts := startServer(t, nil)
	b := newBrowserWithin(t, ts, 90*time.Second)

	b.signInAs("consumer")
	complaint := b.fileComplaint(photoFile(t))
	if b.status() != "filed" {
		t.Fatalf("a new complaint is %q", b.status())
	}
	b.expectText(".evidence-link", "鼓包照片.png")

	b.signInAs("merchant")
	b.do("opening the merchant's inbox", chromedp.Navigate(b.base+"/complaints"), chromedp.WaitVisible(chromedp.CSS(".records a")))
	b.do("opening the complaint", chromedp.Click(chromedp.CSS(`.records a[href="`+complaint+`"]`)), chromedp.WaitVisible(chromedp.ID("record-status")))
	b.takeAction("respond", "offered",
		chromedp.SetValue(chromedp.ID("respond-remedy"), "refund"),
		chromedp.SendKeys(chromedp.ID("respond-amount"), "199.00"),
		chromedp.SendKeys(chromedp.ID("respond-message"), "全额退款，无需退货。"),
	)

	b.signInAs("consumer")
	b.do("opening my complaint", chromedp.Navigate(b.base+complaint), chromedp.WaitVisible(chromedp.ID("do-accept_offer")))
	b.takeAction("accept_offer", "resolved")
	if text := get(b, "reading the timeline", chromedp.Text(chromedp.ID("timeline"))); !strings.Contains(text, "接受方案") {
		t.Errorf("the timeline does not show the accepted offer: %s", text)
	}
}

// A second complaint goes unanswered, escalates by its deadline, is refused by the office, goes
// to arbitration and ends in an award published on the public rulings page.
func TestBrowserComplaintToPublishedAward(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "complaint.respond=1s"})
	b := newBrowserWithin(t, ts, 150*time.Second)

	b.signInAs("consumer")
	complaint := b.fileComplaint("")
	// Nobody answers: the deadline escalates it to the office by itself.
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.do("reloading the complaint", chromedp.Navigate(b.base+complaint), chromedp.WaitVisible(chromedp.ID("record-status")))
		if b.status() == "in_review" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the unanswered complaint is still %q", b.status())
		}
		time.Sleep(time.Second)
	}

	b.signInAs("inspector")
	b.do("opening the review queue", chromedp.Navigate(b.base+"/complaints?status=in_review"), chromedp.WaitVisible(chromedp.CSS(`.records a[href="`+complaint+`"]`)))
	b.do("opening the complaint", chromedp.Click(chromedp.CSS(`.records a[href="`+complaint+`"]`)), chromedp.WaitVisible(chromedp.ID("do-refuse")))
	b.takeAction("refuse", "refused", chromedp.SetValue(chromedp.ID("refuse-reason"), "before_court_or_arbitration"))

	b.signInAs("consumer")
	b.do("opening my complaint", chromedp.Navigate(b.base+complaint), chromedp.WaitVisible(chromedp.ID("do-to_arbitration")))
	b.do("going to arbitration",
		chromedp.SendKeys(chromedp.ID("to_arbitration-agreement"), "平台用户协议约定争议提交在线仲裁。"),
		chromedp.Click(chromedp.ID("do-to_arbitration")),
		chromedp.WaitVisible(chromedp.ID("link-cases")),
	)
	b.do("opening the case", chromedp.Click(chromedp.ID("link-cases")), chromedp.WaitReady(chromedp.CSS(`#record-status[data-status="filed"]`)))
	arbitrationCase := strings.TrimPrefix(get(b, "reading the address", chromedp.Location()), b.base)
	number := get(b, "reading the case number", chromedp.Text(chromedp.ID("record-number")))

	b.signInAs("arbitrator")
	b.do("opening the docket", chromedp.Navigate(b.base+"/cases"), chromedp.WaitVisible(chromedp.CSS(`.records a[href="`+arbitrationCase+`"]`)))
	b.do("opening the case", chromedp.Click(chromedp.CSS(`.records a[href="`+arbitrationCase+`"]`)), chromedp.WaitVisible(chromedp.ID("do-accept")))
	b.takeAction("accept", "accepted")

	b.signInAs("merchant")
	b.do("opening the case", chromedp.Navigate(b.base+arbitrationCase), chromedp.WaitVisible(chromedp.ID("do-submit_defence")))
	b.takeAction("submit_defence", "defence_filed", chromedp.SendKeys(chromedp.ID("submit_defence-defence"), "产品已通过检测。"))

	b.signInAs("arbitrator")
	b.do("opening the case", chromedp.Navigate(b.base+arbitrationCase), chromedp.WaitVisible(chromedp.ID("do-appoint")))
	b.takeAction("appoint", "tribunal_formed", chromedp.SetValue(chromedp.ID("appoint-arbitrator_id"), ts.users["arbitrator"].ID))
	b.takeAction("schedule_hearing", "hearing",
		chromedp.SetValue(chromedp.ID("schedule_hearing-at"), time.Now().Add(72*time.Hour).In(clock.Hangzhou).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.ID("schedule_hearing-mode"), "online"),
	)
	b.takeAction("close_hearing", "deliberation")
	b.takeAction("issue_award", "awarded",
		chromedp.SetValue(chromedp.ID("issue_award-outcome"), "upheld"),
		chromedp.SendKeys(chromedp.ID("issue_award-amount"), "199.00"),
		chromedp.SendKeys(chromedp.ID("issue_award-currency"), "CNY"),
		chromedp.SendKeys(chromedp.ID("issue_award-reasoning"), "检测报告证明产品存在安全缺陷，支持申请人的请求。"),
	)
	b.takeAction("publish", "published")

	// Anyone, signed in or not, reads it on the rulings page.
	b.do("signing out", chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-link")))
	b.do("opening the rulings", chromedp.Navigate(b.base+"/rulings"), chromedp.WaitVisible(chromedp.CSS(".ruling")))
	text := get(b, "reading the rulings", chromedp.Text(chromedp.CSS(".rulings")))
	if !strings.Contains(text, number) || !strings.Contains(text, "安全缺陷") {
		t.Fatalf("the rulings page does not show the award %s: %s", number, text)
	}
}
