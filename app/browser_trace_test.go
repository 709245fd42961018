package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An inspector records a discovery, opens its trace picture, records a failing inspection,
// raises an alert and hands the case off; the public alerts page shows the alert.
func TestBrowserInspectorDiscoveryToPublicAlert(t *testing.T) {
	ts := startServer(t, nil)
	f := newTraceFixture(t, ts) // a manufacturer and a product to pick (its listing is not used here)
	b := newBrowserWithin(t, ts, 120*time.Second)
	title := "Voltix PB-20 移动电源 " + randomSuffix(t)
	alertTitle := "Voltix PB-20 外壳阻燃不合格 " + randomSuffix(t)

	b.signInAs("inspector")
	b.do("opening the discoveries", chromedp.Navigate(b.base+"/listings"), chromedp.WaitVisible(chromedp.ID("new-discovery")))
	b.do("recording a discovery",
		chromedp.Click(chromedp.ID("new-discovery")),
		chromedp.WaitVisible(chromedp.ID("discovery-submit")),
		chromedp.SetValue(chromedp.ID("platform_id"), "demo-platform"),
		chromedp.SetValue(chromedp.ID("merchant_id"), "demo-merchant"),
		chromedp.SendKeys(chromedp.ID("url"), "https://shop.example.com/item/pb20"),
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SendKeys(chromedp.ID("price"), "99.00"),
		chromedp.SetValue(chromedp.ID("product_id"), f.product),
		chromedp.SendKeys(chromedp.ID("gtins"), "6901234567892"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{photoFile(t)}),
		chromedp.Click(chromedp.ID("discovery-submit")),
		chromedp.WaitVisible(chromedp.ID("listing-title")),
	)
	listing := strings.TrimPrefix(get(b, "reading the address", chromedp.Location()), b.base)
	b.expectText(".evidence-link", "鼓包照片.png")
	photo, err := os.ReadFile(photoFile(t))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(photo)
	b.expectText(".evidence .hash", "SHA-256 "+hex.EncodeToString(sum[:]))

	b.do("opening the trace picture", chromedp.Click(chromedp.ID("open-trace")), chromedp.WaitVisible(chromedp.CSS("svg")))
	if n := get(b, "counting the stages", chromedp.Evaluate[int](`document.querySelectorAll("svg g").length`)); n < 3 {
		t.Errorf("the trace picture has %d groups", n)
	}

	b.do("recording a failing inspection",
		chromedp.Navigate(b.base+listing),
		chromedp.WaitVisible(chromedp.ID("record-inspection")),
		chromedp.Click(chromedp.ID("record-inspection")),
		chromedp.WaitVisible(chromedp.ID("inspection-submit")),
		chromedp.SendKeys(chromedp.ID("item-name-0"), "外壳阻燃"),
		chromedp.SendKeys(chromedp.ID("item-standard-0"), "GB 4943.1-2022"),
		chromedp.SendKeys(chromedp.ID("item-value-0"), "V-2"),
		chromedp.SendKeys(chromedp.ID("item-limit-0"), "V-1"),
		chromedp.SetValue(chromedp.ID("item-verdict-0"), "fail"),
		chromedp.SetValue(chromedp.ID("conclusion"), "non_conformant"),
		chromedp.SendKeys(chromedp.ID("report_no"), "HZ-LAB-2026-0099"),
		chromedp.Click(chromedp.ID("inspection-submit")),
		chromedp.WaitVisible(chromedp.ID("alert-submit")),
	)
	b.do("raising the alert",
		chromedp.SendKeys(chromedp.ID("title"), alertTitle),
		chromedp.SetValue(chromedp.ID("level"), "serious"),
		chromedp.Click(chromedp.ID("hazard-fire")),
		chromedp.SendKeys(chromedp.ID("description"), "外壳阻燃等级不符合 GB 4943.1-2022，存在起火风险。"),
		chromedp.Click(chromedp.ID("measure-recall")),
		chromedp.Click(chromedp.ID("alert-submit")),
		chromedp.WaitVisible(chromedp.ID("handoff-submit")),
	)
	if text := get(b, "reading the inspections", chromedp.Text(chromedp.ID("inspections"))); !strings.Contains(text, "不合格") {
		t.Errorf("the listing does not show the failed inspection: %s", text)
	}
	b.do("handing the case off",
		chromedp.SetValue(chromedp.ID("handoff-jurisdiction"), "330108"),
		chromedp.SendKeys(chromedp.ID("handoff-reason"), "商家实际经营地在滨江区"),
		chromedp.Click(chromedp.ID("handoff-submit")),
		chromedp.WaitVisible(chromedp.ID("handed")),
	)
	if text := get(b, "reading the notice", chromedp.Text(chromedp.ID("handed"))); !strings.Contains(text, "330108") {
		t.Errorf("the hand-off notice: %s", text)
	}
	// The investigation is Binjiang's (330108) now: its inspectors see it, the one who handed it off does not.
	binjiang := otherInspector(t, ts, "330108")
	mine := ts.do(t, "GET", "/api/v1/investigations", binjiang, nil).json(t)["items"].([]any)
	if len(mine) != 1 {
		t.Fatalf("Binjiang's inspectors see %d investigations, want the one handed off", len(mine))
	}
	id := mine[0].(map[string]any)["id"].(string)
	if r := ts.do(t, "GET", "/api/v1/investigations/"+id, ts.token(t, "inspector"), nil); r.Status != 404 {
		t.Errorf("the inspector who handed it off opens the investigation: %d", r.Status)
	}
	// On its page, a transfer names the district from a list, not as typed digits.
	page := string(ts.do(t, "GET", "/investigations/"+id, binjiang, nil).Body)
	if !strings.Contains(page, `<select id="transfer-jurisdiction" name="jurisdiction">`) || !strings.Contains(page, `value="330110"`) {
		t.Errorf("the investigation page offers no list of districts to transfer to")
	}

	b.do("signing out", chromedp.Click(chromedp.ID("signout")), chromedp.WaitVisible(chromedp.ID("signin-link")))
	b.do("opening the public alerts", chromedp.Navigate(b.base+"/alerts"), chromedp.WaitVisible(chromedp.CSS("main")))
	if text := get(b, "reading the alerts", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, alertTitle) {
		t.Fatalf("the public alerts page does not show %q: %s", alertTitle, text)
	}
}
