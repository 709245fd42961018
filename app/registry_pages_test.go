package app_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/app"
)

// registryPage: the registry's pages are for inspectors and the admin; the public is sent to
// sign in, every other role gets 403, inspectors and the admin `ok`.
func registryPage(ok int) [7]int { return [7]int{303, 403, 403, 403, ok, 403, ok} }

// formPage is a form page answered after a post: its status and its text as a reader sees it.
type formPage struct {
	status int
	body   string
}

func (ts *testServer) postForm(t *testing.T, path, role string, values url.Values) formPage {
	t.Helper()
	r := ts.form(t, path, ts.token(t, role), values)
	return formPage{status: r.Status, body: html.UnescapeString(string(r.Body))}
}

// wantFieldError expects the form back (422) with the message of rule (and its param) next to
// the field whose input has the id field.
func (p formPage) wantFieldError(t *testing.T, what, field, rule string, param ...string) {
	t.Helper()
	tr, err := app.NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{}
	if len(param) > 0 {
		data["Param"] = param[0]
	}
	msg := tr.T("zh-CN", "field."+rule, data)
	if p.status != 422 {
		t.Errorf("%s: %d, want the form again with 422", what, p.status)
		return
	}
	marked := fmt.Sprintf(`id="%s-error">%s<`, field, msg)
	if !strings.Contains(p.body, marked) {
		t.Errorf("%s: the form does not say %q next to %s", what, msg, field)
	}
	if !strings.Contains(p.body, fmt.Sprintf(`id="%s" name=`, field)) || !strings.Contains(p.body, `aria-invalid="true" aria-describedby="`+field+`-error"`) {
		t.Errorf("%s: the field %s is not marked invalid", what, field)
	}
}

// count counts the rows of table matching where.
func (ts *testServer) count(t *testing.T, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := ts.srv.Store().Gorm().Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRegistryFormsShowTheModelsFieldErrors posts the registry's forms with one mistake each: the
// form comes back with the model's message next to the field, what was typed kept, nothing stored.
func TestRegistryFormsShowTheModelsFieldErrors(t *testing.T) {
	ts := startServer(t, nil)
	tag := randomSuffix(t)

	// A Chinese firm's code with a wrong check character.
	party := url.Values{"kind": {"manufacturer"}, "name": {"宁波表单测试玩具厂 " + tag}, "country": {"CN"},
		"registration_code": {usccManufacturer[:17] + "X"}, "jurisdiction": {"330106"}}
	p := ts.postForm(t, "/registry/parties", "inspector", party)
	p.wantFieldError(t, "a party with a bad USCC", "registration_code", "uscc")
	if !strings.Contains(p.body, `value="宁波表单测试玩具厂 `+tag+`"`) {
		t.Error("the party form lost the name typed")
	}
	if n := ts.count(t, "parties", "name = ?", party.Get("name")); n != 0 {
		t.Errorf("a refused party was stored (%d rows)", n)
	}

	// The same party with a correct code is registered and shown at the top of the list.
	party.Set("registration_code", usccManufacturer)
	r := ts.form(t, "/registry/parties", ts.token(t, "admin"), party)
	if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/registry/parties?registered=") {
		t.Fatalf("registering a valid party: %d %s", r.Status, r.Header.Get("Location"))
	}
	manufacturer := strings.TrimPrefix(r.Header.Get("Location"), "/registry/parties?registered=")

	// A GTIN whose check digit is wrong.
	good := gtin13(fmt.Sprintf("69%010d", len(tag)*7919))
	bad := good[:12] + fmt.Sprint((int(good[12]-'0')+1)%10)
	product := url.Values{"name": {"表单测试积木 " + tag}, "brand": {"Formtest"}, "model": {"FT-" + tag}, "gtin": {bad},
		"hs_code": {"9503006000"}, "category": {"toys"}, "origin_country": {"CN"}, "manufacturer_id": {manufacturer}}
	p = ts.postForm(t, "/registry/products", "inspector", product)
	p.wantFieldError(t, "a product with a bad GTIN check digit", "gtin", "gtin")
	if !strings.Contains(p.body, `value="FT-`+tag+`"`) || !strings.Contains(p.body, `value="`+manufacturer+`" selected`) {
		t.Error("the product form lost what was typed")
	}
	if n := ts.count(t, "products", "name = ?", product.Get("name")); n != 0 {
		t.Errorf("a refused product was stored (%d rows)", n)
	}

	// A declaration whose first row is left empty and whose second has a 4-digit HS heading: the
	// error is shown on the second row, as the inspector typed it.
	importer := ts.party(t, ts.token(t, "inspector"), "importer", "表单测试进口 "+tag, "CN")
	declaration := url.Values{"number": {"FORM-" + tag}, "order_no": {"ORD-" + tag}, "logistics_no": {"WB-" + tag},
		"trade_mode": {"1210"}, "importer_id": {importer}, "declared_at": {"2026-01-15T10:30"}, "rows": {"3"},
		"lines.currency.0": {"CNY"}, "lines.name.1": {"积木"}, "lines.hs_code.1": {"9503"}, "lines.origin_country.1": {"CN"},
		"lines.quantity.1": {"10"}, "lines.unit.1": {"盒"}, "lines.price.1": {"59.00"}, "lines.currency.1": {"CNY"}}
	p = ts.postForm(t, "/registry/declarations", "inspector", declaration)
	p.wantFieldError(t, "a declaration line with a 4-digit HS heading", "line-hs_code-1", "hs_code")
	if n := ts.count(t, "declarations", "number = ?", "FORM-"+tag); n != 0 {
		t.Errorf("a refused declaration was stored (%d rows)", n)
	}

	// "Add a line" shows one more row and stores nothing.
	declaration.Set("add_row", "1")
	p = ts.postForm(t, "/registry/declarations", "inspector", declaration)
	if p.status != 200 || !strings.Contains(p.body, `id="line-3"`) || !strings.Contains(p.body, `value="积木"`) {
		t.Errorf("adding a line: %d, a fourth row shown: %v", p.status, strings.Contains(p.body, `id="line-3"`))
	}
	if n := ts.count(t, "declarations", "number = ?", "FORM-"+tag); n != 0 {
		t.Errorf("adding a line stored the declaration")
	}

	// A transformation event has no action; a day that is not a time is named as such.
	event := url.Values{"type": {"transformation"}, "action": {"ADD"}, "event_time": {"yesterday"}, "biz_step": {"commissioning"}}
	p = ts.postForm(t, "/registry/trace-events", "inspector", event)
	p.wantFieldError(t, "a trace event with an unreadable time", "event_time", "date")
	if !strings.Contains(p.body, `id="action-error"`) {
		t.Error("the trace event form does not name the action a transformation may not have")
	}
	if !strings.Contains(p.body, `id="product_id-error"`) {
		t.Error("the trace event form does not ask what the event is about")
	}

	// A batch that expires before it was made.
	productID := ts.created(t, "/api/v1/products", ts.token(t, "inspector"), map[string]any{"name": "表单测试批次 " + tag,
		"brand": "Formtest", "category": "toys", "origin_country": "CN"})["id"].(string)
	p = ts.postForm(t, "/registry/products/"+productID+"/batches", "inspector",
		url.Values{"lot": {"L-" + tag}, "produced_on": {"2026-02-01"}, "expires_on": {"2026-01-01"}})
	p.wantFieldError(t, "a batch expiring before it was made", "expires_on", "not_before", "produced_on")
	if n := ts.count(t, "batches", "product_id = ?", productID); n != 0 {
		t.Errorf("a refused batch was stored (%d rows)", n)
	}
}

// untranslated is a catalog id left in a page instead of its text.
var untranslated = regexp.MustCompile(`\b(registry|matches|inspection|inspection_kind|trace|field_label|field|conclusion|verdict|jurisdiction|nav)\.[a-z_.0-9]+`)

// TestRegistryPagesInBothLanguages opens every registry page, the inspection page and the queue
// of matches in Chinese and in English: each answers, and no catalog id is left untranslated.
func TestRegistryPagesInBothLanguages(t *testing.T) {
	ts := startServer(t, nil)
	tag := randomSuffix(t)
	inspector := ts.token(t, "inspector")
	c := newTraceChain(t, ts, inspector, tag, true)
	inspection := ts.created(t, "/api/v1/inspections", inspector, map[string]any{"product_id": c.product, "kind": "port",
		"sampled_at": time.Now().Add(-time.Hour), "conclusion": "conformant", "report_no": "R-" + tag,
		"items": []map[string]any{{"name": "可迁移元素", "standard": "GB 6675.4-2014", "value": "12", "unit": "mg/kg", "limit": "90", "verdict": "pass"}},
	})["inspection"].(map[string]any)["id"].(string)
	alertID, _, _ := importedMatches(t, ts, tag)
	for _, path := range []string{"/registry/parties", "/registry/parties/new", "/registry/products", "/registry/products/new",
		"/registry/products/" + c.product, "/registry/declarations", "/registry/declarations/new", "/registry/declarations/" + c.declaration,
		"/registry/shipments", "/registry/shipments/new", "/registry/shipments/" + c.shipment, "/registry/trace-events",
		"/registry/trace-events?product_id=" + c.product, "/registry/trace-events/new?product_id=" + c.product,
		"/inspections/" + inspection, "/inspect/matches", "/inspect/matches?alert_id=" + alertID} {
		for _, lang := range []string{"zh-CN", "en"} {
			r := ts.do(t, "GET", path, inspector, nil, "Accept-Language", lang)
			if r.Status != 200 {
				t.Errorf("%s in %s: %d", path, lang, r.Status)
				continue
			}
			if m := untranslated.FindString(string(r.Body)); m != "" {
				t.Errorf("%s in %s shows the catalog id %q", path, lang, m)
			}
			if !strings.Contains(string(r.Body), `<html lang="`+lang+`">`) {
				t.Errorf("%s is not in %s", path, lang)
			}
		}
	}
}
