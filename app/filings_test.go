package app_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
)

// Filing a claim, a case or a measure writes the record with its number, its first timeline
// step, its notices and an audit record naming what was filed, all at once; a filing that fails
// (an unknown respondent) writes none of it.
func TestFilingsWriteTheirFirstStep(t *testing.T) {
	ts := startServer(t, nil)
	consumer, inspector := ts.token(t, "consumer"), ts.token(t, "inspector")
	caseBody := map[string]any{"respondent_id": "demo-merchant", "amount": "88.00", "currency": "CNY",
		"claim": "退还货款 88 元。", "agreement": "平台用户协议第 12 条：争议提交在线仲裁。"}
	for _, f := range []struct {
		kind, path, token, prefix, action string
		body                              map[string]any
	}{
		{"claims", "/api/v1/claims", consumer, "AS-", "file", claimBody("refund")},
		{"cases", "/api/v1/cases", consumer, "AR-", "file", caseBody},
		{"measures", "/api/v1/measures", inspector, "ME-", "issue", map[string]any{"kind": "recall",
			"target_party_id": "demo-merchant", "deadline": time.Now().Add(72 * time.Hour), "basis": "召回"}},
	} {
		r := ts.do(t, "POST", f.path, f.token, f.body)
		if r.Status != 201 {
			t.Fatalf("%s: %d %s", f.kind, r.Status, r.Body)
		}
		rec := r.json(t)
		id, number := rec["id"].(string), rec["number"].(string)
		if !strings.HasPrefix(number, f.prefix) || rec["version"] != float64(1) || rec["created_at"] == nil {
			t.Errorf("%s as filed: %v", f.kind, rec)
		}
		if n := ts.count(t, "workflow_events", "kind = ? AND record_id = ? AND action = ?", f.kind, id, f.action); n != 1 {
			t.Errorf("%s: %d first steps", f.kind, n)
		}
		if n := ts.count(t, "notifications", "kind = ? AND record_id = ? AND event = ?", f.kind, id, f.action); n < 1 {
			t.Errorf("%s: %d notices", f.kind, n)
		}
		var audited []models.AuditRecord
		if err := ts.srv.Store().Gorm().Where("object_type = ? AND object_id = ?", f.kind, id).Find(&audited).Error; err != nil {
			t.Fatal(err)
		}
		var after map[string]any
		if len(audited) != 1 || audited[0].Action != f.kind+"."+f.action || audited[0].Before != nil ||
			json.Unmarshal(audited[0].After, &after) != nil || after["number"] != number {
			t.Errorf("%s: audit records %+v", f.kind, audited)
		}
		if d, _ := after["deadline"].(string); f.kind == "measures" && !strings.HasSuffix(d, "Z") {
			t.Errorf("the measure's audited deadline %q is not in UTC", d)
		}

		f.body["respondent_id"], f.body["target_party_id"] = "nobody", "nobody"
		before := ts.count(t, f.kind, "true")
		if r := ts.do(t, "POST", f.path, f.token, f.body); r.Status != 422 {
			t.Errorf("%s against nobody: %d %s", f.kind, r.Status, r.Body)
		}
		if after := ts.count(t, f.kind, "true"); after != before {
			t.Errorf("%s: a failed filing stored a record", f.kind)
		}
	}
}

// Numbers have at least six digits and grow past them: the millionth complaint of a year is
// CP-YYYY-1000000, not a truncated copy of the hundred-thousandth.
func TestNumbersGrowPastSixDigits(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	if err := ts.srv.Store().Gorm().Exec("SELECT setval('complaint_number_seq', 999998)").Error; err != nil {
		t.Fatal(err)
	}
	year := time.Now().Year()
	for _, want := range []string{"999999", "1000000"} {
		r := ts.do(t, "POST", "/api/v1/complaints", consumer, complaintBody())
		if r.Status != 201 || r.json(t)["number"] != fmt.Sprintf("CP-%d-%s", year, want) {
			t.Fatalf("complaint %s: %d %s", want, r.Status, r.Body)
		}
	}
}
