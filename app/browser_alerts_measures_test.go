package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// proofFile writes the photo a merchant sends as proof of a recall.
func proofFile(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(photoFile(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "召回回收凭证.png")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// An inspector raises an alert that is not public from the alerts page, about a product, two
// GTINs and a batch; opens it (the public would get 404) and orders the merchant a recall that
// follows it. The merchant finds the measure in its list and complies with a proof file; the
// inspector sees it complied. The trace and the new forms fit a phone.
func TestBrowserAlertToMeasureComplied(t *testing.T) {
	ts := startServer(t, nil)
	f := newTraceFixture(t, ts)
	tag := randomSuffix(t)
	lot := "LOT-" + tag
	batch := ts.created(t, "/api/v1/products/"+f.product+"/batches", ts.token(t, "inspector"), map[string]any{"lot": lot})["id"].(string)
	gtinA := gtin13(fmt.Sprintf("69%010d", time.Now().UnixNano()%1e10))
	gtinB := gtin13(fmt.Sprintf("69%010d", (time.Now().UnixNano()+7)%1e10))
	title := "Voltix PB-20 批次外壳阻燃不合格 " + tag
	b := newBrowserWithin(t, ts, 180*time.Second)

	b.signInAs("inspector")
	b.do("opening the alert form from the alerts page",
		chromedp.Navigate(b.base+"/alerts"),
		chromedp.WaitVisible(chromedp.ID("raise-alert")),
		chromedp.Click(chromedp.ID("raise-alert")),
		chromedp.WaitVisible(chromedp.ID("alert-submit")),
	)
	b.do("choosing the product and asking for its batches",
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SetValue(chromedp.ID("level"), "serious"),
		chromedp.Click(chromedp.ID("hazard-fire")),
		chromedp.SendKeys(chromedp.ID("description"), "抽检批次外壳阻燃等级不符合 GB 4943.1-2022，存在起火风险。"),
		chromedp.SetValue(chromedp.ID("product_ids-0"), f.product),
		chromedp.Click(chromedp.ID("offer-batches")),
		chromedp.WaitVisible(chromedp.ID("batch-"+batch)),
	)
	if got := get(b, "reading the title", chromedp.Value(chromedp.ID("title"))); got != title {
		t.Errorf("offering the batches lost the title: %q", got)
	}
	b.do("raising the alert, not public",
		chromedp.Click(chromedp.ID("batch-"+batch)),
		chromedp.SendKeys(chromedp.ID("gtins"), gtinA+", "+gtinB),
		chromedp.Click(chromedp.ID("measure-recall")),
		chromedp.Click(chromedp.ID("public")),
		chromedp.Click(chromedp.ID("alert-submit")),
		chromedp.WaitVisible(chromedp.ID("alert-not-public")),
	)
	alertPage := strings.TrimPrefix(get(b, "reading the address", chromedp.Location()), b.base)
	b.expectText("#alert-title", title)
	b.expectText("#alert-gtins", "0"+gtinA+", 0"+gtinB)
	b.expectText("#alert-batches", lot)
	if r := ts.do(t, "GET", alertPage, "", nil); r.Status != 404 {
		t.Errorf("the public opens the alert that is not public: %d, want 404", r.Status)
	}
	b.do("finding it among every alert",
		chromedp.Navigate(b.base+"/alerts"),
		chromedp.WaitVisible(chromedp.ID("alerts-all")),
		chromedp.Click(chromedp.ID("alerts-all")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+alertPage+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="`+alertPage+`"]`)),
		chromedp.WaitVisible(chromedp.ID("order-measure")),
	)

	// The measure follows the alert and orders the merchant, chosen from the registry.
	basis := "《产品质量法》第四十九条；风险预警 " + tag
	b.do("ordering a recall from the alert",
		chromedp.Click(chromedp.ID("order-measure")),
		chromedp.WaitVisible(chromedp.ID("measure-alert")),
		chromedp.SetValue(chromedp.ID("kind"), "recall"),
		chromedp.SetValue(chromedp.ID("target_party_id"), "demo-merchant"),
		chromedp.SetValue(chromedp.ID("deadline"), time.Now().AddDate(0, 0, 10).Format("2006-01-02")),
		chromedp.SendKeys(chromedp.ID("basis"), basis),
		chromedp.Click(chromedp.ID("measure-submit")),
		chromedp.WaitReady(chromedp.CSS(`#record-status[data-status="issued"]`)),
	)
	measure := strings.TrimPrefix(get(b, "reading the address", chromedp.Location()), b.base)
	var alertID string
	if err := ts.srv.Store().Gorm().Raw(`SELECT alert_id FROM measures WHERE id = ?`, strings.TrimPrefix(measure, "/measures/")).Scan(&alertID).Error; err != nil {
		t.Fatal(err)
	}
	if alertID != strings.TrimPrefix(alertPage, "/alerts/") {
		t.Errorf("the measure follows alert %q, want the one it was ordered from (%s)", alertID, alertPage)
	}

	// The merchant complies, with a proof file.
	b.signInAs("merchant")
	b.do("opening the measure from the merchant's list",
		chromedp.Navigate(b.base+"/measures"),
		chromedp.WaitVisible(chromedp.CSS(`.records a[href="`+measure+`"]`)),
		chromedp.Click(chromedp.CSS(`.records a[href="`+measure+`"]`)),
		chromedp.WaitVisible(chromedp.ID("evidence-submit")),
	)
	b.do("uploading the proof",
		chromedp.SetUploadFiles(chromedp.ID("evidence-file"), []string{proofFile(t)}),
		chromedp.Click(chromedp.ID("evidence-submit")),
		chromedp.WaitVisible(chromedp.CSS("#evidence .evidence-link")),
	)
	b.expectText("#evidence .evidence-link", "召回回收凭证.png")
	b.takeAction("comply", "complied", chromedp.SendKeys(chromedp.ID("comply-proof"), "批次 "+lot+" 已全部下架召回，回收凭证见附件。"))

	// The inspector sees it complied, with the proof.
	b.signInAs("inspector")
	b.do("opening the measure as the inspector",
		chromedp.Navigate(b.base+"/measures"),
		chromedp.WaitVisible(chromedp.CSS(`.records a[href="`+measure+`"] .status-complied`)),
		chromedp.Click(chromedp.CSS(`.records a[href="`+measure+`"]`)),
		chromedp.WaitReady(chromedp.CSS(`#record-status[data-status="complied"]`)),
	)
	b.expectText("#evidence .evidence-link", "召回回收凭证.png")

	// On a phone: the listing's trace, the alert and the forms.
	b.fitsPhone("/listings/"+f.listing+"/trace", "#trace-picture")
	b.fitsPhone(alertPage, "#order-measure")
	b.fitsPhone("/inspect/alerts/new?product_id="+f.product, "#alert-submit")
	b.fitsPhone("/inspect/measures/new?alert_id="+strings.TrimPrefix(alertPage, "/alerts/"), "#measure-submit")
	b.fitsPhone("/inspect/inspections/new?product_id="+f.product, "#inspection-submit")
	b.fitsPhone("/listings/"+f.listing, "#measure-submit")
}
