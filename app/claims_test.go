package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
)

// claimBody is a return of goods delivered two days ago, against the demo merchant.
func claimBody(kind string) map[string]any {
	return map[string]any{
		"respondent_id": "demo-merchant", "order_ref": "ORD-20261127-002", "type": kind, "no_reason": true,
		"delivered_at": time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339), "amount": "299.00", "currency": "CNY",
		"reason": "尺码不合适，申请七天无理由退货。",
	}
}

// fileClaim files a claim as the given consumer and returns its id.
func fileClaim(t *testing.T, ts *testServer, consumer, kind string) string {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/claims", consumer, claimBody(kind))
	if r.Status != 201 {
		t.Fatalf("file claim: %d %s", r.Status, r.Body)
	}
	return r.json(t)["id"].(string)
}

// actOnClaim takes an action on a claim and checks the status; it returns the answer when 200.
func actOnClaim(t *testing.T, ts *testServer, token, id, action string, body any, want int) map[string]any {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/claims/"+id+"/actions/"+action, token, body)
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", action, r.Status, want, r.Body)
	}
	if want == 200 {
		return r.json(t)
	}
	return nil
}

func claimActionNames(t *testing.T, ts *testServer, token, id string) string {
	t.Helper()
	r := ts.do(t, "GET", "/api/v1/claims/"+id+"/actions", token, nil)
	if r.Status != 200 {
		t.Fatalf("actions: %d %s", r.Status, r.Body)
	}
	var names []string
	for _, a := range r.json(t)["actions"].([]any) {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	return strings.Join(names, ",")
}

func claimTimeline(t *testing.T, ts *testServer, token, id string) string {
	t.Helper()
	r := ts.do(t, "GET", "/api/v1/claims/"+id+"/timeline", token, nil)
	if r.Status != 200 {
		t.Fatalf("timeline: %d %s", r.Status, r.Body)
	}
	var out []string
	for _, e := range r.json(t)["items"].([]any) {
		e := e.(map[string]any)
		out = append(out, e["action"].(string)+":"+e["relation"].(string))
	}
	return strings.Join(out, " ")
}

func TestClaimApprovedThenRefunded(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant := ts.token(t, "consumer"), ts.token(t, "merchant")

	r := ts.do(t, "POST", "/api/v1/claims", consumer, claimBody("refund"))
	if r.Status != 201 {
		t.Fatalf("file: %d %s", r.Status, r.Body)
	}
	c := r.json(t)
	id := c["id"].(string)
	due, err := time.Parse(time.RFC3339, c["deadlines"].(map[string]any)["answer_by"].(string))
	if c["status"] != "requested" || c["jurisdiction"] != "330106" || err != nil || due.Sub(time.Now()) < 3*24*time.Hour {
		// 3 business days are at least 3 calendar days.
		t.Fatalf("filed claim: %v (due %v)", c, due)
	}
	if !strings.HasPrefix(c["number"].(string), "AS-") || c["links"].(map[string]any)["actions"] == nil {
		t.Fatalf("number or links: %v", c)
	}
	if got := claimActionNames(t, ts, consumer, id); got != "withdraw" {
		t.Fatalf("consumer's actions: %s", got)
	}
	if got := claimActionNames(t, ts, merchant, id); got != "approve,reject" {
		t.Fatalf("merchant's actions: %s", got)
	}
	actOnClaim(t, ts, consumer, id, "approve", nil, 403)
	c = actOnClaim(t, ts, merchant, id, "approve", nil, 200)
	if _, still := c["deadlines"].(map[string]any)["answer_by"]; c["status"] != "approved" || still {
		t.Fatalf("after approve: %v", c)
	}
	actOnClaim(t, ts, consumer, id, "ship_return", map[string]any{"carrier": "SF", "waybill": "SF1"}, 409) // a refund sends nothing back
	actOnClaim(t, ts, merchant, id, "refund", map[string]any{"amount": "2.999", "reference": ""}, 422)
	c = actOnClaim(t, ts, merchant, id, "refund", map[string]any{"amount": "299.00", "reference": "RF-0001"}, 200)
	if c["status"] != "refunded" || c["refund"].(map[string]any)["reference"] != "RF-0001" {
		t.Fatalf("after refund: %v", c)
	}
	actOnClaim(t, ts, merchant, id, "refund", map[string]any{"amount": "299.00", "reference": "RF-0002"}, 409)
	if got := claimTimeline(t, ts, consumer, id); got != "file:claimant approve:respondent refund:respondent" {
		t.Fatalf("timeline: %s", got)
	}
	notes := ts.do(t, "GET", "/api/v1/notifications", consumer, nil)
	if !strings.Contains(string(notes.Body), `"kind":"claims"`) || !strings.Contains(string(notes.Body), `"event":"refund"`) {
		t.Fatalf("consumer's notifications: %s", notes.Body)
	}
}

func TestClaimReturnShippedReceivedRefunded(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant := ts.token(t, "consumer"), ts.token(t, "merchant")
	id := fileClaim(t, ts, consumer, "return")

	actOnClaim(t, ts, merchant, id, "approve", nil, 200)
	actOnClaim(t, ts, merchant, id, "refund", map[string]any{"amount": "299.00", "reference": "RF-1"}, 409) // goods first
	if got := claimActionNames(t, ts, consumer, id); got != "ship_return,withdraw" {
		t.Fatalf("consumer's actions once approved: %s", got)
	}
	actOnClaim(t, ts, consumer, id, "ship_return", map[string]any{"carrier": "顺丰"}, 422)
	actOnClaim(t, ts, merchant, id, "ship_return", map[string]any{"carrier": "顺丰", "waybill": "SF1234567890"}, 403)
	c := actOnClaim(t, ts, consumer, id, "ship_return", map[string]any{"carrier": "顺丰", "waybill": "SF1234567890"}, 200)
	if c["status"] != "return_shipped" || c["return_shipment"].(map[string]any)["waybill"] != "SF1234567890" {
		t.Fatalf("after ship_return: %v", c)
	}
	actOnClaim(t, ts, consumer, id, "confirm_receipt", nil, 403)
	c = actOnClaim(t, ts, merchant, id, "confirm_receipt", nil, 200)
	due, err := time.Parse(time.RFC3339, c["deadlines"].(map[string]any)["refund_by"].(string))
	if c["status"] != "received" || err != nil || due.Sub(time.Now()) < 6*24*time.Hour {
		t.Fatalf("after confirm_receipt: %v", c)
	}
	actOnClaim(t, ts, consumer, id, "withdraw", nil, 409) // the goods are back: too late to withdraw
	c = actOnClaim(t, ts, merchant, id, "refund", map[string]any{"amount": "299.00", "reference": "RF-2"}, 200)
	if _, still := c["deadlines"].(map[string]any)["refund_by"]; c["status"] != "refunded" || still {
		t.Fatalf("after refund: %v", c)
	}
	want := "file:claimant approve:respondent ship_return:claimant confirm_receipt:respondent refund:respondent"
	if got := claimTimeline(t, ts, merchant, id); got != want {
		t.Fatalf("timeline: %s", got)
	}
}

func TestClaimRejectedThenEscalatedIntoAComplaint(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant := ts.token(t, "consumer"), ts.token(t, "merchant")
	id := fileClaim(t, ts, consumer, "return")

	actOnClaim(t, ts, consumer, id, "escalate", nil, 409) // only after a rejection
	actOnClaim(t, ts, merchant, id, "reject", map[string]any{}, 422)
	c := actOnClaim(t, ts, merchant, id, "reject", map[string]any{"reason": "商品已拆封使用"}, 200)
	if c["status"] != "rejected" || c["rejection"].(map[string]any)["reason"] != "商品已拆封使用" {
		t.Fatalf("after reject: %v", c)
	}
	actOnClaim(t, ts, merchant, id, "escalate", nil, 403)
	c = actOnClaim(t, ts, consumer, id, "escalate", nil, 200)
	complaintID, _ := c["complaint_id"].(string)
	if c["status"] != "escalated" || complaintID == "" {
		t.Fatalf("after escalate: %v", c)
	}

	r := ts.do(t, "GET", "/api/v1/complaints/"+complaintID, consumer, nil)
	if r.Status != 200 {
		t.Fatalf("the linked complaint: %d %s", r.Status, r.Body)
	}
	comp := r.json(t)
	if comp["category"] != "after_sales" || comp["status"] != "filed" || comp["respondent_id"] != "demo-merchant" ||
		comp["amount"] != "299.00" || comp["currency"] != "CNY" || comp["description"] != "尺码不合适，申请七天无理由退货。" ||
		!strings.Contains(comp["request"].(string), "复核售后申请") {
		t.Fatalf("linked complaint: %v", comp)
	}
	if comp["deadlines"].(map[string]any)["respond_by"] == nil {
		t.Fatalf("the linked complaint does not run the merchant's time to answer: %v", comp)
	}
	list := ts.do(t, "GET", "/api/v1/complaints", consumer, nil).json(t)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != complaintID {
		t.Fatalf("the consumer's complaints: %v", list)
	}
	if got := claimTimeline(t, ts, consumer, id); got != "file:claimant reject:respondent escalate:claimant" {
		t.Fatalf("timeline: %s", got)
	}
	actOnClaim(t, ts, consumer, id, "escalate", nil, 409) // once only
}

func TestClaimWithdrawn(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant := ts.token(t, "consumer"), ts.token(t, "merchant")
	id := fileClaim(t, ts, consumer, "repair")

	actOnClaim(t, ts, merchant, id, "withdraw", nil, 403)
	c := actOnClaim(t, ts, consumer, id, "withdraw", map[string]any{"reason": "已与商家协商解决"}, 200)
	if _, still := c["deadlines"].(map[string]any)["answer_by"]; c["status"] != "withdrawn" || still {
		t.Fatalf("after withdraw: %v", c)
	}
	actOnClaim(t, ts, merchant, id, "approve", nil, 409)
	if got := claimActionNames(t, ts, merchant, id); got != "" {
		t.Fatalf("actions on a withdrawn claim: %s", got)
	}
}

// The merchant's silence approves the claim when its time to answer runs out.
func TestClaimSilenceApproves(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "claim.answer=1s"})
	consumer := ts.token(t, "consumer")
	id := fileClaim(t, ts, consumer, "refund")
	status := func() string {
		return ts.do(t, "GET", "/api/v1/claims/"+id, consumer, nil).json(t)["status"].(string)
	}
	eventuallyWithin(t, 20*time.Second, func() bool { return status() == "approved" }, "the silent merchant's claim to be approved")
	if got := claimTimeline(t, ts, consumer, id); got != "file:claimant approve:system" {
		t.Fatalf("timeline: %s", got)
	}
	expectCredit(t, ts, "demo-merchant", id, "claim_approved_by_silence")
}

func TestClaimNoReasonReturnWindow(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	daysAgo := func(n int) string { return time.Now().AddDate(0, 0, -n).UTC().Format(time.RFC3339) }
	file := func(change map[string]any) response {
		body := claimBody("return")
		for k, v := range change {
			body[k] = v
		}
		return ts.do(t, "POST", "/api/v1/claims", consumer, body, "Accept-Language", "en")
	}
	onDeliveredAt := func(r response, words string) {
		t.Helper()
		if r.Status != 422 {
			t.Fatalf("status %d, want 422: %s", r.Status, r.Body)
		}
		for _, e := range r.json(t)["errors"].([]any) {
			e := e.(map[string]any)
			if e["field"] == "delivered_at" && strings.Contains(e["message"].(string), words) {
				return
			}
		}
		t.Fatalf("no error on delivered_at saying %q: %s", words, r.Body)
	}

	onDeliveredAt(file(map[string]any{"delivered_at": daysAgo(8)}), "7 days")
	if r := file(map[string]any{"delivered_at": daysAgo(8), "no_reason": false}); r.Status != 201 {
		t.Errorf("a claim with a reason is not bound to the window: %d %s", r.Status, r.Body)
	}
	onDeliveredAt(file(map[string]any{"delivered_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}), "future")

	// Cross-border retail imports: 30 days from customs release.
	r := file(map[string]any{"customs_released_at": daysAgo(20), "delivered_at": daysAgo(12)})
	if r.Status != 201 {
		t.Fatalf("import released 20 days ago: %d %s", r.Status, r.Body)
	}
	if got := r.json(t)["customs_released_at"]; got == nil {
		t.Fatalf("customs_released_at not kept: %s", r.Body)
	}
	onDeliveredAt(file(map[string]any{"customs_released_at": daysAgo(31), "delivered_at": daysAgo(25)}), "30 days")

	bad := claimBody("exchange")
	bad["amount"], bad["currency"], bad["respondent_id"] = "1.234", "XYZ", "demo-merchant"
	r = ts.do(t, "POST", "/api/v1/claims", consumer, bad)
	for _, f := range []string{`"type"`, `"amount"`, `"currency"`} {
		if r.Status != 422 || !strings.Contains(string(r.Body), f) {
			t.Errorf("invalid claim: %d %s (want an error on %s)", r.Status, r.Body, f)
		}
	}
	bad = claimBody("return")
	bad["respondent_id"] = "nobody"
	if r := ts.do(t, "POST", "/api/v1/claims", consumer, bad); r.Status != 422 || !strings.Contains(string(r.Body), `"respondent_id"`) {
		t.Errorf("unknown respondent: %d %s", r.Status, r.Body)
	}
}

func TestClaimVisibility(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	owner := ts.token(t, "consumer")
	id := fileClaim(t, ts, owner, "return")

	other, err := ts.srv.Store().CreateUser(ctx, models.SystemActor, models.NewUser{
		Email: "other-claimant@example.com", Password: "a long password", Name: "Other", Roles: []string{"consumer"}})
	if err != nil {
		t.Fatal(err)
	}
	otherConsumer, _ := ts.srv.Store().IssueToken(ctx, other.ID, time.Hour)
	binjiang := "330108"
	if _, err := ts.srv.Store().EnsureParty(ctx, models.SystemActor, models.Party{ID: "other-merchant", Kind: "merchant",
		Name: "另一家商户", Country: "CN", Jurisdiction: &binjiang}); err != nil {
		t.Fatal(err)
	}
	party := "other-merchant"
	m, err := ts.srv.Store().CreateUser(ctx, models.SystemActor, models.NewUser{
		Email: "other-merchant@example.com", Password: "a long password", Name: "Other merchant",
		Roles: []string{"merchant"}, PartyID: &party})
	if err != nil {
		t.Fatal(err)
	}
	otherMerchant, _ := ts.srv.Store().IssueToken(ctx, m.ID, time.Hour)

	for who, token := range map[string]string{"another consumer": otherConsumer, "another party's merchant": otherMerchant,
		"the platform": ts.token(t, "platform"), "the inspector": ts.token(t, "inspector")} {
		for _, path := range []string{"", "/actions", "/timeline"} {
			if r := ts.do(t, "GET", "/api/v1/claims/"+id+path, token, nil); r.Status != 404 {
				t.Errorf("%s GET %s: %d, want 404", who, path, r.Status)
			}
		}
		if list := ts.do(t, "GET", "/api/v1/claims", token, nil).json(t); len(list["items"].([]any)) != 0 {
			t.Errorf("%s lists %v", who, list)
		}
	}
	actOnClaim(t, ts, otherConsumer, id, "withdraw", nil, 404)
	actOnClaim(t, ts, otherMerchant, id, "approve", nil, 404)
	for _, role := range []string{"consumer", "merchant", "admin"} {
		list := ts.do(t, "GET", "/api/v1/claims", ts.token(t, role), nil).json(t)
		if len(list["items"].([]any)) != 1 {
			t.Errorf("%s lists %d claims, want 1", role, len(list["items"].([]any)))
		}
	}
	admin := ts.token(t, "admin")
	if r := ts.do(t, "GET", "/api/v1/claims/"+id, admin, nil); r.Status != 200 {
		t.Errorf("the admin reads a claim: %d", r.Status)
	}
	actOnClaim(t, ts, admin, id, "approve", nil, 403) // the admin may read, not act
	for _, role := range []string{"merchant", "platform", "inspector", "arbitrator", "admin"} {
		if r := ts.do(t, "POST", "/api/v1/claims", ts.token(t, role), claimBody("return")); r.Status != 403 {
			t.Errorf("%s files a claim: %d, want 403", role, r.Status)
		}
	}
	if r := ts.do(t, "POST", "/api/v1/claims", "", claimBody("return")); r.Status != 401 {
		t.Errorf("the public files a claim: %d, want 401", r.Status)
	}
}
