package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hzcbec/portal/models/clock"
)

// awardedCase files a case against demo-merchant and drives it to an award with outcome.
func awardedCase(t *testing.T, ts *testServer, outcome string) string {
	t.Helper()
	consumer, merchant, arbitrator := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "arbitrator")
	id := ts.created(t, "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant", "amount": "88.00",
		"currency": "CNY", "claim": "退还货款 88 元", "agreement": "订单页面的在线仲裁条款"})["id"].(string)
	caseAct(t, ts, arbitrator, id, "accept", nil, 200)
	caseAct(t, ts, merchant, id, "submit_defence", map[string]any{"defence": "产品合格"}, 200)
	caseAct(t, ts, arbitrator, id, "appoint", map[string]any{"arbitrator_id": ts.users["arbitrator"].ID}, 200)
	caseAct(t, ts, arbitrator, id, "schedule_hearing", map[string]any{"at": ts.srv.Store().Now().Add(48 * time.Hour), "mode": "online"}, 200)
	caseAct(t, ts, arbitrator, id, "close_hearing", nil, 200)
	award := map[string]any{"outcome": outcome, "reasoning": "经审理"}
	if outcome != "dismissed" {
		award["amount"], award["currency"] = "88.00", "CNY"
	}
	caseAct(t, ts, arbitrator, id, "issue_award", award, 200)
	return id
}

// Issue 12, seen 1: a consumer who lost an arbitration could still report non-compliance and
// mark the merchant's credit record (two such reports listed it). Now only an award that ordered
// something can be reported, and only after the time to comply.
func TestNonComplianceOnlyOfAnAwardThatOrderedSomethingAfterItsTime(t *testing.T) {
	clk := clock.NewManual(time.Now())
	ts := startServerAt(t, nil, clk)
	reasons := map[string]any{"reason": "未付款"}

	dismissed := awardedCase(t, ts, "dismissed")
	caseAct(t, ts, ts.token(t, "consumer"), dismissed, "report_non_compliance", reasons, 409)

	upheld := awardedCase(t, ts, "upheld")
	caseAct(t, ts, ts.token(t, "consumer"), upheld, "report_non_compliance", reasons, 409) // too early
	if n := ts.count(t, "credit_records", "reason = 'award_non_compliance'"); n != 0 {
		t.Fatalf("%d non-compliance marks before anyone could comply", n)
	}
	clk.Advance(20 * 24 * time.Hour) // 15 days, moved off a weekend or holiday, ended at midnight
	caseAct(t, ts, ts.token(t, "consumer"), upheld, "report_non_compliance", reasons, 200)
	if n := ts.count(t, "credit_records", "reason = 'award_non_compliance' AND record_id = ?", upheld); n != 1 {
		t.Fatalf("the report after the time to comply: %d marks, want 1", n)
	}
}

// Issue 12, seen 1: a measure's comply earned the favourable mark with any proof text, and the
// inspector could not reject the proof. Now the inspector rejects it (back to issued, deadline
// unchanged, reason kept) and only verified compliance counts.
func TestInspectorRejectsAMeasuresProof(t *testing.T) {
	ts := startServer(t, nil)
	inspector, merchant := ts.token(t, "inspector"), ts.token(t, "merchant")
	m := ts.created(t, "/api/v1/measures", inspector, map[string]any{"kind": "recall", "target_party_id": "demo-merchant",
		"deadline": clock.Day(time.Now().AddDate(0, 0, 10)), "basis": "《产品质量法》第四十九条"})
	id, deadline := m["id"].(string), m["deadline"]
	act := func(token, name string, body any, want int) map[string]any {
		t.Helper()
		r := ts.do(t, "POST", "/api/v1/measures/"+id+"/actions/"+name, token, body)
		if r.Status != want {
			t.Fatalf("%s: %d, want %d\n%s", name, r.Status, want, r.Body)
		}
		return r.json(t)
	}
	act(merchant, "comply", map[string]any{"proof": "已处理"}, 200)
	if n := ts.count(t, "credit_records", "reason = 'measure_complied' AND record_id = ?", id); n != 0 {
		t.Fatal("a proof nobody checked counted for the party")
	}
	act(merchant, "reject_proof", map[string]any{"reason": "x"}, 403)
	act(inspector, "reject_proof", map[string]any{}, 422)
	back := act(inspector, "reject_proof", map[string]any{"reason": "召回记录不完整，请补充召回数量与去向"}, 200)
	if back["status"] != "issued" || back["deadline"] != deadline || back["deadlines"].(map[string]any)["comply_by"] != deadline {
		t.Fatalf("after the rejection: %v, want issued with the deadline %v unchanged", back, deadline)
	}
	act(merchant, "comply", map[string]any{"proof": "召回 1 200 件，附销毁记录"}, 200)
	act(inspector, "verify", nil, 200)
	if n := ts.count(t, "credit_records", "reason = 'measure_complied' AND record_id = ?", id); n != 1 {
		t.Fatalf("verified compliance: %d favourable marks, want 1", n)
	}
}

// Issue 12, seen 1: one consumer filed 65 claims of ¥1 against demo-platform (no merchant staff
// can answer for it); silence approved each, each marked its credit record, and 30 s later the
// platform was on the public negative list. Now a party without staff who could answer is not
// marked for its silence (the office is told instead); a party with staff gets one mark from one
// consumer in the period; and a listing by rule is only a proposal.
func TestSilentClaimsCannotListAParty(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "claim.answer=1ms"})
	consumer := ts.token(t, "consumer")
	claim := claimBody("refund")
	claim["no_reason"], claim["amount"] = false, "1.00"
	file := func(respondent string, n int) {
		claim["respondent_id"] = respondent
		for i := 0; i < n; i++ {
			ts.created(t, "/api/v1/claims", consumer, claim)
		}
	}
	file("demo-platform", 65)
	file("demo-merchant", 12)
	for start := time.Now(); ts.count(t, "claims", "status = 'approved'") < 77; time.Sleep(200 * time.Millisecond) {
		if time.Since(start) > 90*time.Second {
			t.Fatalf("only %d of 77 claims approved by silence in 90 s", ts.count(t, "claims", "status = 'approved'"))
		}
	}
	if n := ts.count(t, "credit_records", "party_id = 'demo-platform'"); n != 0 {
		t.Errorf("the staffless platform got %d marks for its silence", n)
	}
	if n := ts.count(t, "notifications", "recipient_type = 'jurisdiction' AND kind = 'claims' AND event = 'approve'"); n < 65 {
		t.Errorf("the office was told of %d silent approvals against a party nobody answers for, want 65", n)
	}
	if n := ts.count(t, "credit_records", "party_id = 'demo-merchant' AND reason = 'claim_approved_by_silence'"); n != 1 {
		t.Errorf("12 silent claims of one consumer marked the merchant %d times, want once", n)
	}
	time.Sleep(time.Second)
	list := ts.do(t, "GET", "/api/v1/public/negative-list", "", nil).json(t)
	if items := list["items"].([]any); len(items) != 0 {
		t.Fatalf("the public negative list after 77 silent claims: %v", items)
	}
	for _, party := range []string{"demo-platform", "demo-merchant"} {
		if c := ts.do(t, "GET", "/api/v1/public/parties/"+party+"/credit", "", nil).json(t); c["negative_listed"] != false || c["grade"] != "A" {
			t.Errorf("%s after the claims: %v", party, c)
		}
	}
}

// Issue 12, seen 1: a merchant raised its own score with its own consumer accounts (complain,
// offer, accept: −1 each, summed before the cap). Accounts that signed up or in where the
// merchant's staff did do not count, and good marks cannot be banked above 100.
func TestSelfDealingAcceptsDoNotRaiseAScore(t *testing.T) {
	ts := startServer(t, nil)
	exec(t, ts, `INSERT INTO credit_records (party_id, reason, weight, record_kind, record_id, at) VALUES ('demo-merchant', 'award_against', 5, 'cases', 'earlier-award', now())`)
	score := func() float64 {
		return ts.do(t, "GET", "/api/v1/public/parties/demo-merchant/credit", "", nil).json(t)["score"].(float64)
	}
	before := score()
	login := func(email, password string) string {
		t.Helper()
		r := ts.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password})
		if r.Status != 200 {
			t.Fatalf("sign-in of %s: %d %s", email, r.Status, r.Body)
		}
		return r.json(t)["token"].(string)
	}
	merchant := login("merchant@demo.portal", "demo-password-2026") // the merchant's staff, from this address
	offer := map[string]any{"remedy": "refund", "amount": "1.00", "message": "退款"}
	settle := func(consumer string) {
		t.Helper()
		id := fileComplaint(t, ts, consumer)
		act(t, ts, merchant, id, "respond", offer, 200)
		act(t, ts, consumer, id, "accept_offer", nil, 200)
	}
	for i := 0; i < 5; i++ {
		email := fmt.Sprintf("sockpuppet-%d-%s@example.com", i, randomSuffix(t))
		ts.created(t, "/api/v1/auth/register", "", map[string]any{"email": email, "password": "a long password", "name": "顾客"})
		settle(login(email, "a long password"))
	}
	if after := score(); after != before {
		t.Fatalf("five accepts by accounts from the merchant's own address moved its score from %v to %v", before, after)
	}
	// A consumer unrelated to the merchant still counts, once.
	settle(ts.token(t, "consumer"))
	settle(ts.token(t, "consumer"))
	if after := score(); after != before+1 {
		t.Fatalf("an unrelated consumer's two accepts: score %v → %v, want one point back", before, after)
	}
}

// A proof rejected after the measure's deadline has passed leaves the measure overdue at once:
// its deadline job runs again (review of issue 12: River dropped it as a duplicate of the first).
func TestAProofRejectedAfterTheDeadlineMakesTheMeasureOverdue(t *testing.T) {
	ts := startServer(t, nil)
	inspector, merchant := ts.token(t, "inspector"), ts.token(t, "merchant")
	deadline := time.Now().Add(3 * time.Second)
	m := ts.created(t, "/api/v1/measures", inspector, map[string]any{"kind": "recall", "target_party_id": "demo-merchant",
		"deadline": deadline.UTC().Format(time.RFC3339Nano), "basis": "召回"})
	id := m["id"].(string)
	do := func(token, name string, body any) {
		t.Helper()
		if r := ts.do(t, "POST", "/api/v1/measures/"+id+"/actions/"+name, token, body); r.Status != 200 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	do(merchant, "comply", map[string]any{"proof": "已处理"})
	time.Sleep(time.Until(deadline) + 2*time.Second) // the deadline's job has run and found it complied
	do(inspector, "reject_proof", map[string]any{"reason": "证明不充分"})
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		status := ts.do(t, "GET", "/api/v1/measures/"+id, inspector, nil).json(t)["status"]
		if status == "overdue" {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("30 s after the proof was rejected past its deadline the measure is %v, want overdue", status)
		}
	}
	if n := ts.count(t, "credit_records", "reason = 'measure_ignored' AND record_id = ?", id); n != 1 {
		t.Fatalf("measure_ignored marks: %d, want 1", n)
	}
}
