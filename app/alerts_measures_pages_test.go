package app_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/models/clock"
)

// fieldMessage is the Chinese message of a model's rule, as the forms show it.
func fieldMessage(t *testing.T, rule string) string {
	t.Helper()
	tr, err := app.NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	return tr.T("zh-CN", "field."+rule, nil)
}

// TestAlertMeasureInspectionFormsShowTheModelsFieldErrors posts the inspectors' alert, measure and
// inspection forms with one mistake each: the form comes back with the model's message next to
// the field and what was typed, and nothing is stored. "Add a product" and "add a test item" show
// one more row; an inspection of a lot records it and leads to the alert form with the lot.
func TestAlertMeasureInspectionFormsShowTheModelsFieldErrors(t *testing.T) {
	ts := startServer(t, nil)
	f := newTraceFixture(t, ts)
	tag := randomSuffix(t)
	inspector := ts.token(t, "inspector")
	batch := ts.created(t, "/api/v1/products/"+f.product+"/batches", inspector, map[string]any{"lot": "L-" + tag})["id"].(string)

	// Two GTINs in one box, the second with a wrong check digit: the model's message names it.
	good := gtin13(fmt.Sprintf("69%010d", len(tag)*7907))
	bad := good[:12] + fmt.Sprint((int(good[12]-'0')+1)%10)
	title := "表单测试预警 " + tag
	alert := url.Values{"title": {title}, "level": {"high"}, "hazards": {"fire"}, "description": {"外壳阻燃不合格"},
		"rows": {"1"}, "product_ids.0": {f.product}, "gtins": {good + "，\n" + bad}, "batch_ids": {batch}}
	p := ts.postForm(t, "/inspect/alerts", "inspector", alert)
	if p.status != 422 {
		t.Fatalf("an alert with a bad GTIN: %d, want the form again with 422", p.status)
	}
	if want := `id="gtins-error">` + bad + ": " + fieldMessage(t, "gtin") + "<"; !strings.Contains(p.body, want) {
		t.Errorf("the alert form does not say which GTIN is wrong next to the GTINs: want %q", want)
	}
	if !strings.Contains(p.body, `aria-invalid="true" aria-describedby="gtins-error"`) {
		t.Error("the GTINs field is not marked invalid")
	}
	if !strings.Contains(p.body, `value="`+title+`"`) || !strings.Contains(p.body, `value="`+f.product+`" selected`) ||
		!strings.Contains(p.body, `id="batch-`+batch+`" checked`) {
		t.Error("the alert form lost the title, the product or the batch ticked")
	}
	if n := ts.count(t, "alerts", "title = ?", title); n != 0 {
		t.Errorf("a refused alert was stored (%d rows)", n)
	}

	// A batch id that names no batch is refused next to the batches, by its id.
	alert.Set("gtins", good)
	alert.Set("other_batch_ids", "no-such-batch")
	p = ts.postForm(t, "/inspect/alerts", "inspector", alert)
	if want := `id="batch_ids-error">no-such-batch: ` + fieldMessage(t, "exists") + "<"; p.status != 422 || !strings.Contains(p.body, want) {
		t.Errorf("an alert with an unknown batch: %d, want 422 with %q", p.status, want)
	}

	// "Add a product" shows a second product row and raises nothing.
	alert.Set("add_row", "1")
	p = ts.postForm(t, "/inspect/alerts", "inspector", alert)
	if p.status != 200 || !strings.Contains(p.body, `id="product_ids-1"`) || !strings.Contains(p.body, `value="`+title+`"`) {
		t.Errorf("adding a product: %d, a second row shown: %v", p.status, strings.Contains(p.body, `id="product_ids-1"`))
	}
	if n := ts.count(t, "alerts", "title = ?", title); n != 0 {
		t.Errorf("adding a product raised the alert")
	}

	// A measure without a deadline, on the measure form and on the listing's page.
	basis := "《产品质量法》第四十九条 " + tag
	measure := url.Values{"kind": {"recall"}, "target_party_id": {"demo-merchant"}, "basis": {basis}}
	p = ts.postForm(t, "/inspect/measures", "inspector", measure)
	p.wantFieldError(t, "a measure without a deadline", "deadline", "required")
	if !strings.Contains(p.body, `value="demo-merchant" selected`) || !strings.Contains(p.body, basis+"</textarea>") {
		t.Error("the measure form lost the party or the basis")
	}
	measure = url.Values{"from": {"listing"}, "listing_id": {f.listing}, "kind": {"delist"}, "basis": {basis}}
	p = ts.postForm(t, "/inspect/measures", "inspector", measure)
	p.wantFieldError(t, "a measure on a listing without a deadline", "measure-deadline", "required")
	if !strings.Contains(p.body, `id="listing-title"`) {
		t.Error("a measure refused on the listing's page does not show the listing's page again")
	}
	// Neither a party nor a listing: the model asks whom it orders.
	p = ts.postForm(t, "/inspect/measures", "inspector", url.Values{"kind": {"recall"}, "basis": {basis},
		"deadline": {time.Now().AddDate(0, 0, 7).Format("2006-01-02")}})
	if !strings.Contains(p.body, `id="target_party_id-error"`) {
		t.Errorf("a measure ordering nobody: %d, no error next to whom it orders", p.status)
	}
	if n := ts.count(t, "measures", "basis = ?", basis); n != 0 {
		t.Errorf("a refused measure was stored (%d rows)", n)
	}

	// The inspection form: a fourth test item added, then one item whose limit is missing.
	report := "HZ-FORM-" + tag
	inspection := url.Values{"product_id": {f.product}, "batch_id": {batch}, "listing_id": {f.listing}, "kind": {"online_purchase"},
		"sampled_at": {clock.Day(time.Now())}, "conclusion": {"non_conformant"}, "report_no": {report}, "rows": {"3"},
		"items.name.3": {"外壳阻燃"}, "items.standard.3": {"GB 4943.1-2022"}, "items.value.3": {"V-2"}, "items.verdict.3": {"fail"}}
	inspection.Set("add_row", "1")
	p = ts.postForm(t, "/inspect/inspections", "inspector", inspection)
	if p.status != 200 || !strings.Contains(p.body, `id="item-3"`) || !strings.Contains(p.body, `value="`+batch+`" selected`) {
		t.Errorf("adding a test item: %d, a fourth row shown: %v, the batch kept: %v", p.status,
			strings.Contains(p.body, `id="item-3"`), strings.Contains(p.body, `value="`+batch+`" selected`))
	}
	inspection.Del("add_row")
	inspection.Set("rows", "4")
	p = ts.postForm(t, "/inspect/inspections", "inspector", inspection)
	p.wantFieldError(t, "a test item without its limit", "item-limit-3", "required")
	if n := ts.count(t, "inspections", "report_no = ?", report); n != 0 {
		t.Errorf("a refused inspection was stored (%d rows)", n)
	}

	// With the limit, the failing inspection is recorded with its lot and leads to the alert form.
	inspection.Set("items.limit.3", "V-1")
	r := ts.form(t, "/inspect/inspections", inspector, inspection)
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.Status != 303 || loc.Path != "/inspect/alerts/new" || loc.Query().Get("batch_id") != batch {
		t.Fatalf("a failing inspection of a lot: %d → %s, want the alert form with the lot", r.Status, r.Header.Get("Location"))
	}
	if n := ts.count(t, "inspections", "report_no = ? AND batch_id = ?", report, batch); n != 1 {
		t.Errorf("the inspection was not stored with its lot (%d rows)", n)
	}
	form := ts.do(t, "GET", loc.String(), inspector, nil)
	if !strings.Contains(string(form.Body), `id="batch-`+batch+`" checked`) {
		t.Error("the alert form after the inspection does not tick its lot")
	}
	page := ts.do(t, "GET", "/inspections/"+loc.Query().Get("inspection_id"), inspector, nil)
	if !strings.Contains(string(page.Body), `id="raise-alert"`) || !strings.Contains(string(page.Body), "L-"+tag) {
		t.Errorf("the non-conformant inspection's page offers no alert or does not name its lot: %d", page.Status)
	}
}

// TestAlertNotPublicShownOnlyToInspectors raises an alert that is not public: the public and the
// other roles get 404 on its page and do not find it on the public list; inspectors and the admin
// open it and find it on the list of every alert.
func TestAlertNotPublicShownOnlyToInspectors(t *testing.T) {
	ts := startServer(t, nil)
	title := "未公开预警 " + randomSuffix(t)
	id := ts.created(t, "/api/v1/alerts", ts.token(t, "inspector"), map[string]any{"title": title, "level": "medium",
		"hazards": []string{"chemical"}, "description": "内部核查中", "public": false})["id"].(string)

	for _, role := range roles {
		r := ts.do(t, "GET", "/alerts/"+id, ts.token(t, role), nil)
		want := 404
		if role == "inspector" || role == "admin" {
			want = 200
		}
		if r.Status != want {
			t.Errorf("the page of an alert that is not public, as %s: %d, want %d", role, r.Status, want)
		}
		if want == 200 && (!strings.Contains(string(r.Body), title) || !strings.Contains(string(r.Body), `id="alert-not-public"`)) {
			t.Errorf("as %s the alert's page does not show it as not public", role)
		}
	}
	if r := ts.do(t, "GET", "/alerts", "", nil); strings.Contains(string(r.Body), title) {
		t.Error("the public alerts page lists an alert that is not public")
	}
	if r := ts.do(t, "GET", "/inspect/alerts", ts.token(t, "inspector"), nil); r.Status != 200 || !strings.Contains(string(r.Body), title) {
		t.Errorf("the inspectors' list of every alert: %d, lists it: %v", r.Status, strings.Contains(string(r.Body), title))
	}
}
