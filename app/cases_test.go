package app_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hzcbec/portal/models"
)

func caseAct(t *testing.T, ts *testServer, token, id, action string, body any, want int) map[string]any {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/cases/"+id+"/actions/"+action, token, body)
	if r.Status != want {
		t.Fatalf("case %s: status %d, want %d: %s", action, r.Status, want, r.Body)
	}
	if want == 200 {
		return r.json(t)
	}
	return nil
}

// newArbitrator makes another arbitrator, optionally staff of a party (a conflict of interest).
func newArbitrator(t *testing.T, ts *testServer, email string, party *string) (string, string) {
	t.Helper()
	u, err := ts.srv.Store().CreateUser(context.Background(), models.SystemActor, models.NewUser{
		Email: email, Password: "a long password", Name: "Arbitrator " + email, Roles: []string{"arbitrator", "merchant"}[:1+boolInt(party != nil)], PartyID: party})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.srv.Store().IssueToken(context.Background(), u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID, tok
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A complaint the office refuses goes to arbitration in one step and ends in a published,
// anonymised award that the respondent complies with.
func TestComplaintToArbitrationToPublishedAward(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "complaint.respond=1ms"})
	consumer, merchant, inspector, arbitrator := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "inspector"), ts.token(t, "arbitrator")
	body := complaintBody()
	body["description"] = "本人王小明，电话 13812345678，邮箱 xiaoming@example.com：充电宝鼓包。"
	r := ts.do(t, "POST", "/api/v1/complaints", consumer, body)
	id := r.json(t)["id"].(string)
	time.Sleep(5 * time.Millisecond)
	act(t, ts, consumer, id, "escalate", nil, 200)
	act(t, ts, inspector, id, "refuse", map[string]any{"reason": "before_court_or_arbitration"}, 200)
	act(t, ts, consumer, id, "to_arbitration", map[string]any{}, 422) // the agreement is required
	c := act(t, ts, consumer, id, "to_arbitration", map[string]any{"agreement": "平台用户协议第 12 条：争议提交在线仲裁。"}, 200)
	caseID, _ := c["case_id"].(string)
	if c["status"] != "refused" || caseID == "" || c["links"].(map[string]any)["case"] != "/api/v1/cases/"+caseID {
		t.Fatalf("after to_arbitration: %v", c)
	}
	act(t, ts, consumer, id, "to_arbitration", map[string]any{"agreement": "again"}, 409)

	k := ts.do(t, "GET", "/api/v1/cases/"+caseID, consumer, nil).json(t)
	if k["status"] != "filed" || k["complaint_id"] != id || k["procedure"] != "summary" || k["amount"] != "129.90" {
		t.Fatalf("the new case: %v", k)
	}
	caseAct(t, ts, merchant, caseID, "accept", nil, 403)
	k = caseAct(t, ts, arbitrator, caseID, "accept", nil, 200)
	due, _ := time.Parse(time.RFC3339Nano, k["deadlines"].(map[string]any)["defence_by"].(string))
	if k["status"] != "accepted" || due.Sub(time.Now()) < 19*24*time.Hour {
		t.Fatalf("after accept: %v", k)
	}
	caseAct(t, ts, merchant, caseID, "submit_defence", map[string]any{"defence": "产品合格，消费者使用不当。"}, 200)

	merchantParty := "demo-merchant"
	newArbitrator(t, ts, "conflicted@example.com", &merchantParty)
	conflictedID, _ := ts.srv.Store().UserByEmail(context.Background(), "conflicted@example.com")
	r = ts.do(t, "POST", "/api/v1/cases/"+caseID+"/actions/appoint", arbitrator, map[string]any{"arbitrator_id": conflictedID.ID})
	if r.Status != 409 || !strings.Contains(string(r.Body), "arbitrator_id") {
		t.Fatalf("appointing the respondent's own staff: %d %s", r.Status, r.Body)
	}
	caseAct(t, ts, arbitrator, caseID, "appoint", map[string]any{"arbitrator_id": ts.users["consumer"].ID}, 422)
	otherID, other := newArbitrator(t, ts, "other-arbitrator@example.com", nil)
	_ = otherID
	k = caseAct(t, ts, arbitrator, caseID, "appoint", map[string]any{"arbitrator_id": ts.users["arbitrator"].ID}, 200)
	if k["status"] != "tribunal_formed" || k["deadlines"].(map[string]any)["award_by"] == nil {
		t.Fatalf("after appoint: %v", k)
	}
	caseAct(t, ts, other, caseID, "schedule_hearing", map[string]any{"at": time.Now().Add(48 * time.Hour), "mode": "online"}, 403)
	caseAct(t, ts, arbitrator, caseID, "schedule_hearing", map[string]any{"at": time.Now().Add(-time.Hour), "mode": "online"}, 422)
	caseAct(t, ts, arbitrator, caseID, "schedule_hearing", map[string]any{"at": time.Now().Add(48 * time.Hour), "mode": "online"}, 200)
	caseAct(t, ts, arbitrator, caseID, "close_hearing", nil, 200)
	caseAct(t, ts, other, caseID, "issue_award", map[string]any{"outcome": "upheld", "reasoning": "x"}, 403)
	caseAct(t, ts, arbitrator, caseID, "issue_award", map[string]any{"outcome": "upheld", "amount": "129.90", "currency": "CNY",
		"reasoning": "申请人王小明提交的检测报告证明产品存在缺陷，联系电话 13812345678。"}, 200)
	k = caseAct(t, ts, arbitrator, caseID, "publish", nil, 200)
	if k["status"] != "published" || k["published_at"] == nil {
		t.Fatalf("after publish: %v", k)
	}

	rulings := ts.do(t, "GET", "/api/v1/public/rulings", "", nil)
	text := string(rulings.Body)
	if rulings.Status != 200 || !strings.Contains(text, caseID) || !strings.Contains(text, "检测报告") {
		t.Fatalf("public rulings: %d %s", rulings.Status, text)
	}
	for _, personal := range []string{"王小明", "13812345678", "xiaoming@example.com"} {
		if strings.Contains(text, personal) {
			t.Errorf("the published ruling shows %q: %s", personal, text)
		}
	}
	caseAct(t, ts, consumer, caseID, "record_compliance", nil, 403)
	k = caseAct(t, ts, merchant, caseID, "record_compliance", nil, 200)
	if k["status"] != "complied" {
		t.Fatalf("after record_compliance: %v", k)
	}
}

func TestCaseDefenceDeadlineProceedsInDefault(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "case.defence_summary=1s"})
	consumer, arbitrator := ts.token(t, "consumer"), ts.token(t, "arbitrator")
	r := ts.do(t, "POST", "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant", "amount": "300.00",
		"currency": "CNY", "claim": "退还货款 300 元", "agreement": "订单页面的在线仲裁条款"})
	if r.Status != 201 {
		t.Fatalf("file case: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	caseAct(t, ts, arbitrator, id, "accept", nil, 200)
	var k map[string]any
	eventuallyWithin(t, 20*time.Second, func() bool {
		k = ts.do(t, "GET", "/api/v1/cases/"+id, consumer, nil).json(t)
		return k["status"] == "defence_filed"
	}, "the defence deadline to pass")
	if k["defence"].(map[string]any)["in_default"] != true {
		t.Fatalf("defence after the deadline: %v", k["defence"])
	}
	tl := ts.do(t, "GET", "/api/v1/cases/"+id+"/timeline", consumer, nil)
	if !strings.Contains(string(tl.Body), `"action":"submit_defence","actor_id":"system"`) {
		t.Fatalf("timeline: %s", tl.Body)
	}
}

func TestCaseOtherPaths(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "case.comply=1ms"}) // the time to comply is over at once
	consumer, merchant, arbitrator := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "arbitrator")
	file := func() string {
		r := ts.do(t, "POST", "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant", "amount": "88.00",
			"currency": "CNY", "claim": "赔偿", "agreement": "仲裁条款"})
		if r.Status != 201 {
			t.Fatalf("file: %d %s", r.Status, r.Body)
		}
		return r.json(t)["id"].(string)
	}
	if r := ts.do(t, "POST", "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant"}); r.Status != 422 {
		t.Fatalf("a case without claim: %d", r.Status)
	}
	if r := ts.do(t, "POST", "/api/v1/cases", merchant, map[string]any{}); r.Status != 403 {
		t.Fatalf("a merchant files a case: %d", r.Status)
	}

	rejected := file()
	caseAct(t, ts, arbitrator, rejected, "reject", map[string]any{"reason": "无有效仲裁协议"}, 200)
	caseAct(t, ts, consumer, rejected, "withdraw", nil, 409)

	withdrawn := file()
	caseAct(t, ts, consumer, withdrawn, "withdraw", map[string]any{"reason": "已和解"}, 200)

	settled := file()
	caseAct(t, ts, arbitrator, settled, "accept", nil, 200)
	caseAct(t, ts, merchant, settled, "submit_defence", map[string]any{"defence": "同意调解"}, 200)
	caseAct(t, ts, arbitrator, settled, "appoint", map[string]any{"arbitrator_id": ts.users["arbitrator"].ID}, 200)
	caseAct(t, ts, arbitrator, settled, "settle", map[string]any{"terms": "退款 88 元"}, 200)

	objected := file()
	caseAct(t, ts, arbitrator, objected, "accept", nil, 200)
	caseAct(t, ts, merchant, objected, "submit_defence", map[string]any{"defence": "无"}, 200)
	caseAct(t, ts, arbitrator, objected, "appoint", map[string]any{"arbitrator_id": ts.users["arbitrator"].ID}, 200)
	k := caseAct(t, ts, merchant, objected, "object_to_arbitrator", map[string]any{"reason": "仲裁员曾代理申请人"}, 200)
	if k["status"] != "defence_filed" || k["arbitrator_id"] != nil {
		t.Fatalf("after the objection: %v", k)
	}
	otherArbitrator, _ := newArbitrator(t, ts, "second-arbitrator@example.com", nil)
	caseAct(t, ts, arbitrator, objected, "appoint", map[string]any{"arbitrator_id": otherArbitrator}, 200)

	unpaid := file()
	caseAct(t, ts, arbitrator, unpaid, "accept", nil, 200)
	caseAct(t, ts, merchant, unpaid, "submit_defence", map[string]any{"defence": "无"}, 200)
	caseAct(t, ts, arbitrator, unpaid, "appoint", map[string]any{"arbitrator_id": ts.users["arbitrator"].ID}, 200)
	caseAct(t, ts, arbitrator, unpaid, "schedule_hearing", map[string]any{"at": time.Now(), "mode": "documents_only"}, 200)
	caseAct(t, ts, arbitrator, unpaid, "close_hearing", nil, 200)
	caseAct(t, ts, arbitrator, unpaid, "issue_award", map[string]any{"outcome": "upheld", "amount": "88.00", "reasoning": "x"}, 422)
	caseAct(t, ts, arbitrator, unpaid, "issue_award", map[string]any{"outcome": "upheld", "amount": "88.00", "currency": "CNY", "reasoning": "支持申请人请求"}, 200)
	k = caseAct(t, ts, consumer, unpaid, "report_non_compliance", map[string]any{"reason": "未付款"}, 200)
	if k["status"] != "non_compliant" {
		t.Fatalf("after report_non_compliance: %v", k)
	}
	expectCredit(t, ts, "demo-merchant", unpaid, "award_against")
	expectCredit(t, ts, "demo-merchant", unpaid, "award_non_compliance")

	// The docket: the arbitrator sees every case, the consumer their own four, another merchant none.
	if n := len(ts.do(t, "GET", "/api/v1/cases", arbitrator, nil).json(t)["items"].([]any)); n != 5 {
		t.Fatalf("docket: %d cases", n)
	}
	if n := len(ts.do(t, "GET", "/api/v1/cases?status=settled", consumer, nil).json(t)["items"].([]any)); n != 1 {
		t.Fatalf("consumer's settled cases: %d", n)
	}
	if r := ts.do(t, "GET", "/api/v1/cases/"+unpaid, ts.token(t, "platform"), nil); r.Status != 404 {
		t.Fatalf("the platform opens a case it is not party to: %d", r.Status)
	}
}

// A complaint as long as the form allows still goes to arbitration: the case's claim takes as
// much of its words as a claim holds, and the case links the complaint for the rest.
func TestALongComplaintGoesToArbitration(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_DEADLINES": "complaint.respond=1ms"})
	consumer, inspector := ts.token(t, "consumer"), ts.token(t, "inspector")
	body := complaintBody()
	body["description"] = strings.Repeat("充电宝鼓包发烫。", 1250) // 10 000 characters
	body["request"] = strings.Repeat("退款", 500)
	r := ts.do(t, "POST", "/api/v1/complaints", consumer, body)
	if r.Status != 201 {
		t.Fatalf("file: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	time.Sleep(5 * time.Millisecond)
	act(t, ts, consumer, id, "escalate", nil, 200)
	act(t, ts, inspector, id, "refuse", map[string]any{"reason": "before_court_or_arbitration"}, 200)
	c := act(t, ts, consumer, id, "to_arbitration", map[string]any{"agreement": "平台用户协议第 12 条：争议提交在线仲裁。"}, 200)
	k := ts.do(t, "GET", "/api/v1/cases/"+c["case_id"].(string), consumer, nil).json(t)
	if claim, _ := k["claim"].(string); utf8.RuneCountInString(claim) != 10000 || !strings.HasPrefix(claim, "退款退款") {
		t.Fatalf("the case's claim: %d characters", utf8.RuneCountInString(claim))
	}
}
