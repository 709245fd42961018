package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models"
)

func TestNegativeListDecisionAppealAndExit(t *testing.T) {
	ts := startServer(t, nil)
	inspector, merchant, admin := ts.token(t, "inspector"), ts.token(t, "merchant"), ts.token(t, "admin")

	if r := ts.do(t, "POST", "/api/v1/negative-list", inspector, map[string]any{"party_id": "demo-merchant"}); r.Status != 422 {
		t.Fatalf("without a reason: %d", r.Status)
	}
	r := ts.do(t, "POST", "/api/v1/negative-list", inspector, map[string]any{"party_id": "demo-merchant", "reason": "多次销售不合格产品"})
	if r.Status != 201 {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	entry := r.json(t)["id"].(string)
	if r := ts.do(t, "POST", "/api/v1/negative-list", inspector, map[string]any{"party_id": "demo-merchant", "reason": "again"}); r.Status != 409 {
		t.Fatalf("listing twice: %d", r.Status)
	}
	public := ts.do(t, "GET", "/api/v1/public/negative-list?q=示例跨境", "", nil)
	if !strings.Contains(string(public.Body), entry) {
		t.Fatalf("the public list does not show the entry: %s", public.Body)
	}
	credit := ts.do(t, "GET", "/api/v1/public/parties/demo-merchant/credit", "", nil).json(t)
	if credit["negative_listed"] != true || credit["grade"] == nil || credit["score"] == nil {
		t.Fatalf("credit page: %v", credit)
	}

	if r := ts.do(t, "POST", "/api/v1/negative-list/"+entry+"/appeals", otherMerchant(t, ts), map[string]any{"grounds": "x"}); r.Status != 404 {
		t.Fatalf("another party's merchant appeals: %d", r.Status)
	}
	first := ts.do(t, "POST", "/api/v1/negative-list/"+entry+"/appeals", merchant, map[string]any{"grounds": "已全部整改"})
	if first.Status != 201 {
		t.Fatalf("appeal: %d %s", first.Status, first.Body)
	}
	if r := ts.do(t, "POST", "/api/v1/negative-list/"+entry+"/appeals", merchant, map[string]any{"grounds": "再次申诉"}); r.Status != 409 {
		t.Fatalf("a second open appeal: %d", r.Status)
	}
	appeal := first.json(t)["id"].(string)
	if r := ts.do(t, "POST", "/api/v1/appeals/"+appeal+"/decision", admin, map[string]any{"decision": "denied", "reason": "整改材料不足"}); r.Status != 200 {
		t.Fatalf("deny: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "POST", "/api/v1/appeals/"+appeal+"/decision", admin, map[string]any{"decision": "granted", "reason": "x"}); r.Status != 409 {
		t.Fatalf("deciding twice: %d", r.Status)
	}
	second := ts.do(t, "POST", "/api/v1/negative-list/"+entry+"/appeals", merchant, map[string]any{"grounds": "补充整改报告"}).json(t)["id"].(string)
	if r := ts.do(t, "POST", "/api/v1/appeals/"+second+"/decision", admin, map[string]any{"decision": "granted", "reason": "整改到位"}); r.Status != 200 {
		t.Fatalf("grant: %d %s", r.Status, r.Body)
	}
	if public := ts.do(t, "GET", "/api/v1/public/negative-list", "", nil); strings.Contains(string(public.Body), entry) {
		t.Fatalf("the party is still listed after the granted appeal")
	}
	audit := string(ts.do(t, "GET", "/api/v1/admin/audit?limit=100", admin, nil).Body)
	for _, action := range []string{"negative_list.enter", "negative_list.appeal", "negative_list.appeal_denied", "negative_list.appeal_granted"} {
		if !strings.Contains(audit, `"action":"`+action+`"`) {
			t.Errorf("no %s in the audit trail", action)
		}
	}
}

func TestCertificationsOnTheCreditPage(t *testing.T) {
	ts := startServer(t, nil)
	inspector := ts.token(t, "inspector")
	bad := map[string]any{"authority": "customs", "grade": "AEO 高级认证", "valid_from": "2026-01-01", "valid_until": "2025-12-31"}
	if r := ts.do(t, "POST", "/api/v1/parties/demo-merchant/certifications", inspector, bad); r.Status != 422 {
		t.Fatalf("valid_until before valid_from: %d", r.Status)
	}
	bad["valid_until"] = "2028-12-31"
	if r := ts.do(t, "POST", "/api/v1/parties/demo-merchant/certifications", inspector, bad); r.Status != 201 {
		t.Fatalf("certification: %d %s", r.Status, r.Body)
	}
	credit := ts.do(t, "GET", "/api/v1/public/parties/demo-merchant/credit", "", nil).json(t)
	certs := credit["certifications"].([]any)
	if len(certs) != 1 || certs[0].(map[string]any)["grade"] != "AEO 高级认证" {
		t.Fatalf("certifications: %v", certs)
	}
	if credit["score"].(float64) != 100 || credit["grade"] != "A" {
		t.Fatalf("a party with no records: %v", credit)
	}
	if r := ts.do(t, "GET", "/api/v1/public/parties/nobody/credit", "", nil); r.Status != 404 {
		t.Fatalf("unknown party: %d", r.Status)
	}
}

// Grades drive supervision: a D-grade merchant's new listings are flagged for inspection.
func TestDGradeMerchantsListingsAreFlagged(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	shop := models.Party{ID: "d-grade-shop", Kind: "merchant", Name: "D 级商店", Country: "CN"}
	if _, err := ts.srv.Store().EnsureParty(ctx, models.SystemActor, shop); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ { // 5 × 10 points: a score of 50, grade D
		if err := ts.srv.Store().Gorm().Transaction(func(tx *gorm.DB) error {
			return ts.srv.Store().Within(tx).AddCreditRecord(context.Background(), models.SystemActor, shop.ID, "award_non_compliance", "cases", fmt.Sprintf("case-%d", i))
		}); err != nil {
			t.Fatal(err)
		}
	}
	if g := ts.do(t, "GET", "/api/v1/public/parties/"+shop.ID+"/credit", "", nil).json(t)["grade"]; g != "D" {
		t.Fatalf("grade %v, want D", g)
	}
	inspector := ts.token(t, "inspector")
	listing := func(merchant string) map[string]any {
		r := ts.do(t, "POST", "/api/v1/listings", inspector, map[string]any{"platform_id": "demo-platform", "merchant_id": merchant,
			"url": "https://shop.example.com/x", "title": "儿童玩具", "price": "19.90", "currency": "CNY"})
		if r.Status != 201 {
			t.Fatalf("listing: %d %s", r.Status, r.Body)
		}
		return r.json(t)
	}
	if l := listing(shop.ID); l["flagged_for_inspection"] != true || !strings.Contains(l["flag_reason"].(string), "grade D") {
		t.Fatalf("a D-grade merchant's listing: %v", l)
	}
	if l := listing("demo-merchant"); l["flagged_for_inspection"] != false {
		t.Fatalf("an A-grade merchant's listing is flagged: %v", l)
	}
}
