package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

func complaintBody() map[string]any {
	return map[string]any{
		"respondent_id": "demo-merchant", "platform_id": "demo-platform", "order_ref": "ORD-20261127-001",
		"listing_url": "https://shop.example.com/item/1", "category": "quality", "amount": "129.90", "currency": "CNY",
		"description": "充电宝使用两天后外壳鼓包发烫。", "request": "退货退款",
	}
}

// fileComplaint files as the demo consumer and returns the new complaint's id.
func fileComplaint(t *testing.T, ts *testServer, consumer string) string {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody())
	if r.Status != 201 {
		t.Fatalf("file complaint: %d %s", r.Status, r.Body)
	}
	return r.json(t)["id"].(string)
}

// act takes an action and checks the status it gets; it returns the answer's JSON when 200.
func act(t *testing.T, ts *testServer, token, id, action string, body any, want int) map[string]any {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/complaints/"+id+"/actions/"+action, token, body)
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d: %s", action, r.Status, want, r.Body)
	}
	if want == 200 {
		return r.json(t)
	}
	return nil
}

func actionNames(t *testing.T, ts *testServer, token, id string) []string {
	t.Helper()
	r := ts.do(t, "GET", "/api/v1/complaints/"+id+"/actions", token, nil)
	if r.Status != 200 {
		t.Fatalf("actions: %d %s", r.Status, r.Body)
	}
	var names []string
	for _, a := range r.json(t)["actions"].([]any) {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	return names
}

func timelineActions(t *testing.T, ts *testServer, token, id string) []string {
	t.Helper()
	r := ts.do(t, "GET", "/api/v1/complaints/"+id+"/timeline", token, nil)
	if r.Status != 200 {
		t.Fatalf("timeline: %d %s", r.Status, r.Body)
	}
	var out []string
	for _, e := range r.json(t)["items"].([]any) {
		e := e.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%s", e["action"], e["relation"]))
	}
	return out
}

func TestComplaintMerchantOfferAccepted(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant := ts.token(t, "consumer"), ts.token(t, "merchant")

	r := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody())
	if r.Status != 201 {
		t.Fatalf("file: %d %s", r.Status, r.Body)
	}
	c := r.json(t)
	id := c["id"].(string)
	due, err := time.Parse(time.RFC3339, c["deadlines"].(map[string]any)["respond_by"].(string))
	filedAt, _ := time.Parse(time.RFC3339, c["created_at"].(string))
	if c["status"] != "filed" || c["jurisdiction"] != "330106" || err != nil || !due.Equal(workflows.Calendar{}.Due("complaint.respond", filedAt)) ||
		due.Sub(filedAt) < 12*24*time.Hour {
		// 10 working days end at the end of a working day, at least 12 calendar days on (from a Sunday).
		t.Fatalf("filed complaint: %v (due %v)", c, due)
	}
	if !strings.HasPrefix(c["number"].(string), "CP-") || c["links"].(map[string]any)["actions"] == nil {
		t.Fatalf("number or links: %v", c)
	}

	if got := actionNames(t, ts, consumer, id); strings.Join(got, ",") != "withdraw" {
		t.Fatalf("consumer's actions while the merchant may still answer: %v", got)
	}
	if got := actionNames(t, ts, merchant, id); strings.Join(got, ",") != "respond" {
		t.Fatalf("merchant's actions: %v", got)
	}
	act(t, ts, consumer, id, "escalate", nil, 409) // too early: the merchant still has time
	act(t, ts, consumer, id, "respond", map[string]any{"remedy": "refund", "message": "x"}, 403)
	act(t, ts, merchant, id, "respond", map[string]any{"remedy": "cash", "message": ""}, 422)
	c = act(t, ts, merchant, id, "respond", map[string]any{"remedy": "refund", "amount": "129.90", "message": "全额退款"}, 200)
	if c["status"] != "offered" || c["offer"].(map[string]any)["amount"] != "129.90" {
		t.Fatalf("after respond: %v", c)
	}
	if _, still := c["deadlines"].(map[string]any)["respond_by"]; still {
		t.Fatal("respond_by still runs after the answer")
	}
	act(t, ts, merchant, id, "respond", map[string]any{"remedy": "refund", "message": "again"}, 409)
	act(t, ts, merchant, id, "accept_offer", nil, 403)
	c = act(t, ts, consumer, id, "accept_offer", nil, 200)
	if c["status"] != "resolved" {
		t.Fatalf("after accept_offer: %v", c)
	}
	if got := strings.Join(timelineActions(t, ts, consumer, id), " "); got != "file:complainant respond:respondent accept_offer:complainant" {
		t.Fatalf("timeline: %s", got)
	}
	expectCredit(t, ts, "demo-merchant", id, "complaint_settled_in_time")
	// Each step left its audit record; the filing's names what was filed, its number included.
	var audited []models.AuditRecord
	if err := ts.srv.Store().Gorm().Where("object_type = 'complaints' AND object_id = ?", id).Order("id").Find(&audited).Error; err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audited {
		actions = append(actions, a.Action)
	}
	if strings.Join(actions, " ") != "complaints.file complaints.respond complaints.accept_offer" {
		t.Fatalf("audit records: %v", actions)
	}
	var filed map[string]any
	if err := json.Unmarshal(audited[0].After, &filed); err != nil || filed["number"] != c["number"] ||
		filed["amount"] != "129.90" || filed["respondent_id"] != "demo-merchant" || audited[0].Before != nil {
		t.Fatalf("audit of the filing: before %s, after %s (%v)", audited[0].Before, audited[0].After, err)
	}
	notes := ts.do(t, "GET", "/api/v1/notifications", merchant, nil)
	if !strings.Contains(string(notes.Body), `"event":"file"`) || !strings.Contains(string(notes.Body), `"event":"accept_offer"`) {
		t.Fatalf("merchant's notifications: %s", notes.Body)
	}
}

func TestComplaintMediationByTheJurisdiction(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant, inspector := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "inspector")
	elsewhere := otherInspector(t, ts, "330108")
	id := fileComplaint(t, ts, consumer)

	act(t, ts, merchant, id, "respond", map[string]any{"remedy": "repair", "message": "可以维修"}, 200)
	act(t, ts, consumer, id, "reject_offer", nil, 200)
	act(t, ts, elsewhere, id, "accept", nil, 404) // another district's inspector does not see it
	c := act(t, ts, inspector, id, "accept", nil, 200)
	if c["status"] != "in_mediation" || c["deadlines"].(map[string]any)["mediation_by"] == nil {
		t.Fatalf("after accept: %v", c)
	}
	before := c["deadlines"].(map[string]any)["mediation_by"].(string)
	act(t, ts, inspector, id, "pause", map[string]any{"reason": "送检"}, 200)
	act(t, ts, inspector, id, "settle", map[string]any{"terms": "x"}, 409) // paused
	time.Sleep(1100 * time.Millisecond)
	c = act(t, ts, inspector, id, "resume", nil, 200)
	after := c["deadlines"].(map[string]any)["mediation_by"].(string)
	b, _ := time.Parse(time.RFC3339Nano, before)
	a, _ := time.Parse(time.RFC3339Nano, after)
	if a.Sub(b) < time.Second {
		t.Fatalf("the pause did not stop the clock: %s → %s", before, after)
	}
	act(t, ts, inspector, id, "settle", map[string]any{}, 422)
	c = act(t, ts, inspector, id, "settle", map[string]any{"terms": "商家退款 100 元"}, 200)
	if c["status"] != "resolved" || c["outcome"].(map[string]any)["terms"] != "商家退款 100 元" {
		t.Fatalf("after settle: %v", c)
	}
	expectCredit(t, ts, "demo-merchant", id, "complaint_upheld")
}

func TestComplaintRefusedWithAFixedReason(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "complaint.respond=1ms"})
	consumer, inspector := ts.token(t, "consumer"), ts.token(t, "inspector")
	id := fileComplaint(t, ts, consumer)
	time.Sleep(5 * time.Millisecond)
	act(t, ts, consumer, id, "escalate", nil, 200) // the merchant's time is up
	act(t, ts, inspector, id, "refuse", map[string]any{"reason": "too_boring"}, 422)
	c := act(t, ts, inspector, id, "refuse", map[string]any{"reason": "materials_missing"}, 200)
	if c["status"] != "refused" || c["outcome"].(map[string]any)["reason"] != "materials_missing" {
		t.Fatalf("after refuse: %v", c)
	}
	act(t, ts, consumer, id, "withdraw", nil, 409) // refused is not open
}

func TestComplaintDeadlinesMoveTheCaseByThemselves(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "complaint.respond=1s,complaint.mediation=1s"})
	consumer, inspector := ts.token(t, "consumer"), ts.token(t, "inspector")
	id := fileComplaint(t, ts, consumer)
	status := func() string {
		return ts.do(t, "GET", "/api/v1/complaints/"+id, consumer, nil).json(t)["status"].(string)
	}

	eventuallyWithin(t, 20*time.Second, func() bool { return status() == "in_review" }, "the silent merchant's complaint to escalate")
	act(t, ts, inspector, id, "accept", nil, 200)
	eventuallyWithin(t, 20*time.Second, func() bool { return status() == "unresolved" }, "mediation to end at its deadline")
	got := strings.Join(timelineActions(t, ts, consumer, id), " ")
	if got != "file:complainant escalate:system accept:jurisdiction_inspector terminate:system" {
		t.Fatalf("timeline: %s", got)
	}
}

func TestComplaintVisibility(t *testing.T) {
	ts := startServer(t, nil)
	owner := ts.token(t, "consumer")
	id := fileComplaint(t, ts, owner)
	other, err := ts.srv.Store().CreateUser(context.Background(), models.SystemActor, models.NewUser{
		Email: "other@example.com", Password: "a long password", Name: "Other", Roles: []string{"consumer"}})
	if err != nil {
		t.Fatal(err)
	}
	otherToken, _ := ts.srv.Store().IssueToken(context.Background(), other.ID, time.Hour)
	for _, path := range []string{"", "/actions", "/timeline"} {
		if r := ts.do(t, "GET", "/api/v1/complaints/"+id+path, otherToken, nil); r.Status != 404 {
			t.Errorf("another consumer GET %s: %d, want 404", path, r.Status)
		}
	}
	act(t, ts, otherToken, id, "withdraw", nil, 404)
	list := ts.do(t, "GET", "/api/v1/complaints", otherToken, nil).json(t)
	if len(list["items"].([]any)) != 0 {
		t.Fatalf("another consumer lists %v", list)
	}
	for _, role := range []string{"consumer", "merchant", "platform", "inspector", "admin"} {
		list := ts.do(t, "GET", "/api/v1/complaints", ts.token(t, role), nil).json(t)
		if len(list["items"].([]any)) != 1 {
			t.Errorf("%s lists %d complaints, want 1", role, len(list["items"].([]any)))
		}
	}
	if r := ts.do(t, "GET", "/api/v1/complaints", ts.token(t, "arbitrator"), nil).json(t); len(r["items"].([]any)) != 0 {
		t.Errorf("the arbitrator lists a complaint that is not a case")
	}
	if r := ts.do(t, "POST", "/api/v1/complaints", ts.token(t, "merchant"), complaintBody()); r.Status != 403 {
		t.Errorf("a merchant files a complaint: %d", r.Status)
	}
	bad := complaintBody()
	bad["respondent_id"], bad["amount"], bad["currency"], bad["category"] = "nobody", "12.345", "ABC", "weird"
	r := ts.do(t, "POST", "/api/v1/complaints", owner, bad, "Accept-Language", "en")
	for _, f := range []string{`"amount"`, `"currency"`, `"category"`} {
		if r.Status != 422 || !strings.Contains(string(r.Body), f) {
			t.Errorf("invalid complaint: %d %s (want an error on %s)", r.Status, r.Body, f)
		}
	}
	bad = complaintBody()
	bad["respondent_id"] = "nobody"
	if r := ts.do(t, "POST", "/api/v1/complaints", owner, bad); r.Status != 422 || !strings.Contains(string(r.Body), `"respondent_id"`) {
		t.Errorf("unknown respondent: %d %s", r.Status, r.Body)
	}
}

// Twenty merchants' clicks at once on one complaint: exactly one answer wins.
func TestComplaintConcurrentActionsOneWins(t *testing.T) {
	ts := startServer(t, nil)
	id := fileComplaint(t, ts, ts.token(t, "consumer"))
	tokens := make([]string, 20)
	for i := range tokens {
		tokens[i] = ts.token(t, "merchant")
	}
	statuses := make([]int, 20)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tokens {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			statuses[i] = ts.do(t, "POST", "/api/v1/complaints/"+id+"/actions/respond", tokens[i],
				map[string]any{"remedy": "refund", "message": fmt.Sprintf("offer %d", i)}).Status
		}(i)
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[409] != 19 {
		t.Fatalf("statuses: %v", count)
	}
	if got := timelineActions(t, ts, ts.token(t, "consumer"), id); len(got) != 2 {
		t.Fatalf("timeline: %v", got)
	}
	// The losers wrote nothing else either: one audit record and one notice of the respond.
	if n := ts.count(t, "audit_records", "action = 'complaints.respond' AND object_id = ?", id); n != 1 {
		t.Errorf("%d audit records of the respond, want 1", n)
	}
	if n := ts.count(t, "notifications", "event = 'respond' AND record_id = ?", id); n != 1 {
		t.Errorf("%d notices of the respond, want 1", n)
	}
}

func otherInspector(t *testing.T, ts *testServer, jurisdiction string) string {
	t.Helper()
	u, err := ts.srv.Store().CreateUser(context.Background(), models.SystemActor, models.NewUser{
		Email: "inspector-" + jurisdiction + "@example.com", Password: "a long password", Name: "Inspector " + jurisdiction,
		Roles: []string{"inspector"}, Jurisdiction: &jurisdiction})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.srv.Store().IssueToken(context.Background(), u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func eventuallyWithin(t *testing.T, d time.Duration, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// expectCredit checks that a record left the given mark on a party's credit record, once.
func expectCredit(t *testing.T, ts *testServer, party, recordID, reason string) {
	t.Helper()
	records, err := ts.srv.Store().CreditRecords(context.Background(), party)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range records {
		if r.RecordID == recordID && r.Reason == reason {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%s has %d %q credit records for %s, want 1: %+v", party, n, reason, recordID, records)
	}
}

// Two portals share the database and both run the deadline workers: the timeout applies once.
func TestComplaintTimeoutAppliesOnceWithTwoServers(t *testing.T) {
	dsn := testdb.New(t)
	one := startServer(t, map[string]string{"DATABASE_URL": dsn, "PORTAL_DEADLINES": "complaint.respond=1s"})
	two := startServer(t, map[string]string{"DATABASE_URL": dsn, "PORTAL_DEADLINES": "complaint.respond=1s"})
	consumer := one.token(t, "consumer")
	ids := make([]string, 5)
	for i := range ids {
		ids[i] = fileComplaint(t, one, consumer)
	}
	for _, id := range ids {
		eventuallyWithin(t, 30*time.Second, func() bool {
			return two.do(t, "GET", "/api/v1/complaints/"+id, consumer, nil).json(t)["status"] == "in_review"
		}, "the deadline to escalate "+id)
	}
	time.Sleep(2 * time.Second) // a second application, if any, would land by now
	for _, id := range ids {
		if got := strings.Join(timelineActions(t, one, consumer, id), " "); got != "file:complainant escalate:system" {
			t.Errorf("%s timeline: %s", id, got)
		}
	}
}

// A record page shows a fixed choice in words, never its value: the offer's remedy reads 退款
// (Refund), not "refund"; free text stays as written.
func TestRecordPageShowsChoicesInWords(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant := ts.token(t, "consumer"), ts.token(t, "merchant")
	id := fileComplaint(t, ts, consumer)
	act(t, ts, merchant, id, "respond", map[string]any{"remedy": "refund", "amount": "129.90", "message": "同意全额退款"}, 200)
	for lang, want := range map[string]string{"zh-CN": "<dd>退款</dd>", "en": "<dd>Refund</dd>"} {
		page := ts.do(t, "GET", "/complaints/"+id, consumer, nil, "Accept", "text/html", "Accept-Language", lang)
		body := string(page.Body)
		if page.Status != 200 || !strings.Contains(body, want) || strings.Contains(body, "<dd>refund</dd>") || !strings.Contains(body, "<dd>同意全额退款</dd>") {
			t.Errorf("%s: %d, the remedy is not in words (%s)", lang, page.Status, want)
		}
	}
}
