package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestCreditPageForms records a certification and puts a party on the negative list from its
// credit page, as an inspector; a consumer sees neither form and may not post them.
func TestCreditPageForms(t *testing.T) {
	ts := startServer(t, nil)
	const page = "/parties/demo-merchant/credit"
	certs := func() int64 { return ts.count(t, "certifications", "party_id = ?", "demo-merchant") }
	listed := func() int64 {
		return ts.count(t, "negative_list_entries", "party_id = ? AND exited_at IS NULL", "demo-merchant")
	}

	consumer := string(ts.do(t, "GET", page, ts.token(t, "consumer"), nil).Body)
	for _, form := range []string{`id="certification-form"`, `id="negative-list-form"`} {
		if strings.Contains(consumer, form) {
			t.Errorf("a consumer sees the form %s", form)
		}
	}
	cert := url.Values{"authority": {"customs"}, "grade": {"AEO 高级认证"}, "valid_from": {"2026-01-01"}, "valid_until": {"2028-12-31"}}
	if r := ts.form(t, "/parties/demo-merchant/certifications", ts.token(t, "consumer"), cert); r.Status != 403 {
		t.Errorf("a consumer records a certification: %d", r.Status)
	}
	listing := url.Values{"party_id": {"demo-merchant"}, "reason": {"多次销售不合格产品"}}
	if r := ts.form(t, "/negative-list", ts.token(t, "consumer"), listing); r.Status != 403 {
		t.Errorf("a consumer lists a party: %d", r.Status)
	}
	if certs() != 0 || listed() != 0 {
		t.Fatal("a consumer's forms stored something")
	}

	inspector := string(ts.do(t, "GET", page, ts.token(t, "inspector"), nil).Body)
	for _, form := range []string{`id="certification-form"`, `id="negative-list-form"`} {
		if !strings.Contains(inspector, form) {
			t.Errorf("the inspector does not see the form %s", form)
		}
	}

	// A certification that ends before it starts: the model's message next to valid_until.
	backwards := url.Values{"authority": {"customs"}, "grade": {"AEO 高级认证"}, "valid_from": {"2026-01-01"}, "valid_until": {"2025-12-31"}}
	p := ts.postForm(t, "/parties/demo-merchant/certifications", "inspector", backwards)
	p.wantFieldError(t, "a certification ending before it starts", "valid_until", "after")
	if !strings.Contains(p.body, `value="AEO 高级认证"`) || !strings.Contains(p.body, `value="2025-12-31"`) {
		t.Error("the certification form lost what was typed")
	}
	if certs() != 0 {
		t.Fatal("a refused certification was stored")
	}
	if r := ts.form(t, "/parties/demo-merchant/certifications", ts.token(t, "inspector"), cert); r.Status != 303 ||
		!strings.HasPrefix(r.Header.Get("Location"), page) {
		t.Fatalf("certification: %d %s", r.Status, r.Header.Get("Location"))
	}
	if body := string(ts.do(t, "GET", page, "", nil).Body); !strings.Contains(body, "AEO 高级认证") || !strings.Contains(body, "2028-12-31") {
		t.Error("the credit page does not show the certification recorded")
	}

	// Listing without a reason, then with one.
	p = ts.postForm(t, "/negative-list", "inspector", url.Values{"party_id": {"demo-merchant"}})
	p.wantFieldError(t, "a listing without a reason", "reason", "required")
	if listed() != 0 {
		t.Fatal("a refused listing was stored")
	}
	if r := ts.form(t, "/negative-list", ts.token(t, "inspector"), listing); r.Status != 303 ||
		!strings.HasPrefix(r.Header.Get("Location"), page) {
		t.Fatalf("listing: %d %s", r.Status, r.Header.Get("Location"))
	}
	body := string(ts.do(t, "GET", page, ts.token(t, "inspector"), nil).Body)
	if !strings.Contains(body, `data-listed="true"`) || !strings.Contains(body, "多次销售不合格产品") {
		t.Error("the credit page does not show the party listed with the reason")
	}
	if strings.Contains(body, `id="negative-list-form"`) {
		t.Error("the listing form is still offered for a listed party")
	}
}

// TestNegativeListAppealForm: the listed party's staff appeal their entry from the negative
// list page; nobody else is offered the form.
func TestNegativeListAppealForm(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	if r := ts.form(t, "/negative-list", ts.token(t, "inspector"), url.Values{"party_id": {"demo-merchant"}, "reason": {"多次销售不合格产品"}}); r.Status != 303 {
		t.Fatalf("listing: %d", r.Status)
	}
	entry, err := ts.srv.Store().ActiveNegativeListEntry(ctx, "demo-merchant")
	if err != nil {
		t.Fatal(err)
	}
	appeals := func() int64 { return ts.count(t, "negative_list_appeals", "entry_id = ?", entry.ID) }
	form := `action="/negative-list/` + entry.ID + `/appeals"`
	for _, role := range []string{"consumer", "platform", "inspector", "admin"} {
		if strings.Contains(string(ts.do(t, "GET", "/negative-list", ts.token(t, role), nil).Body), form) {
			t.Errorf("%s is offered the demo merchant's appeal", role)
		}
	}
	if !strings.Contains(string(ts.do(t, "GET", "/negative-list", ts.token(t, "merchant"), nil).Body), form) {
		t.Fatal("the merchant is not offered the appeal of its entry")
	}
	if r := ts.form(t, "/negative-list/"+entry.ID+"/appeals", ts.token(t, "consumer"), url.Values{"grounds": {"x"}}); r.Status != 403 {
		t.Errorf("a consumer appeals: %d", r.Status)
	}

	p := ts.postForm(t, "/negative-list/"+entry.ID+"/appeals", "merchant", url.Values{"grounds": {"  "}})
	p.wantFieldError(t, "an appeal without grounds", "grounds", "required")
	if appeals() != 0 {
		t.Fatal("a refused appeal was stored")
	}
	r := ts.form(t, "/negative-list/"+entry.ID+"/appeals", ts.token(t, "merchant"), url.Values{"grounds": {"已全部整改"}})
	if r.Status != 303 {
		t.Fatalf("appeal: %d %s", r.Status, r.Body)
	}
	if body := string(ts.do(t, "GET", r.Header.Get("Location"), ts.token(t, "merchant"), nil).Body); !strings.Contains(body, `id="appeal-filed"`) {
		t.Error("the list does not say the appeal was filed")
	}
	if appeals() != 1 {
		t.Fatalf("%d appeals stored, want 1", appeals())
	}

	// The admin finds the appeal among the open ones on the list, must give a reason, and grants it.
	var appeal string
	if err := ts.srv.Store().Gorm().Table("negative_list_appeals").Where("entry_id = ?", entry.ID).
		Select("id").Scan(&appeal).Error; err != nil {
		t.Fatal(err)
	}
	admin := ts.token(t, "admin")
	if body := string(ts.do(t, "GET", "/negative-list", admin, nil).Body); !strings.Contains(body, `id="open-appeal-`+appeal+`"`) {
		t.Fatal("the admin's list does not show the open appeal")
	}
	if body := string(ts.do(t, "GET", "/negative-list", ts.token(t, "merchant"), nil).Body); strings.Contains(body, `id="open-appeals"`) {
		t.Error("the merchant is shown the open appeals")
	}
	if r := ts.form(t, "/appeals/"+appeal+"/decision", admin, url.Values{"decision": {"granted"}}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `id="reason-`+appeal+`-error"`) {
		t.Fatalf("a decision without a reason: %d", r.Status)
	}
	if r := ts.form(t, "/appeals/"+appeal+"/decision", ts.token(t, "inspector"), url.Values{"decision": {"granted"}, "reason": {"x"}}); r.Status != 403 {
		t.Fatalf("an inspector decides: %d", r.Status)
	}
	r = ts.form(t, "/appeals/"+appeal+"/decision", admin, url.Values{"decision": {"granted"}, "reason": {"整改到位"}})
	if r.Status != 303 {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
	if body := string(ts.do(t, "GET", r.Header.Get("Location"), admin, nil).Body); !strings.Contains(body, `id="appeal-decided"`) ||
		strings.Contains(body, `id="open-appeal-`+appeal+`"`) {
		t.Error("after the decision the list does not say so, or still shows the appeal as open")
	}
	if strings.Contains(string(ts.do(t, "GET", "/negative-list", "", nil).Body), `id="entry-`+entry.ID+`"`) {
		t.Error("the entry is still on the list after the granted appeal")
	}
}
