package models_test

import (
	"context"
	"math"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models"
)

// The worked example of the formula in credit_score.go.
func TestCreditScoreWorkedExample(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	year := 365 * 24 * time.Hour
	records := []models.CreditRecord{
		{Reason: "award_non_compliance", Weight: 10, At: now},           // 10 × 1      = 10
		{Reason: "inspection_failed", Weight: 5, At: now.Add(-year)},    // 5 × ½       = 2.5
		{Reason: "complaint_upheld", Weight: 2, At: now.Add(-2 * year)}, // 2 × ¼       = 0.5
		{Reason: "complaint_settled_in_time", Weight: -1, At: now},      // −1 × 1      = −1
	}
	got := models.ScoreCredit(records, now)
	if math.Abs(got.Score-88) > 1e-9 || got.Grade != "B" {
		t.Fatalf("score %v grade %s, want 88 B", got.Score, got.Grade)
	}
	if got.Contributions[1].Decay != 0.5 || got.Contributions[1].Points != 2.5 {
		t.Fatalf("the explanation of the inspection: %+v", got.Contributions[1])
	}
	if s := models.ScoreCredit(nil, now); s.Score != 100 || s.Grade != "A" {
		t.Fatalf("no records: %+v", s)
	}
	// Good marks win back what was lost, but cannot be banked ahead of misconduct: ten offers
	// accepted a year ago leave a party at 100, and the award against it today takes 5 off.
	banked := []models.CreditRecord{{Reason: "award_against", Weight: 5, At: now}}
	for i := 0; i < 10; i++ {
		banked = append(banked, models.CreditRecord{Reason: "complaint_settled_in_time", Weight: -1, At: now.Add(-year)})
	}
	if s := models.ScoreCredit(banked, now); s.Score != 95 {
		t.Fatalf("good marks banked before the award: score %v, want 95", s.Score)
	}
	for score, grade := range map[float64]string{90: "A", 89.99: "B", 75: "B", 60: "C", 59.9: "D", 0: "D"} {
		if g := models.GradeOf(score); g != grade {
			t.Errorf("grade of %v: %s, want %s", score, g, grade)
		}
	}
}

func TestCreditRecordsRollBackWithTheirEvent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	party := models.Party{ID: "rollback-shop", Kind: "merchant", Name: "回滚商店", Country: "CN"}
	if _, err := s.EnsureParty(ctx, models.SystemActor, party); err != nil {
		t.Fatal(err)
	}
	_ = s.Gorm().Transaction(func(tx *gorm.DB) error {
		if err := models.AddCreditRecordTx(tx, models.SystemActor, party.ID, "award_against", "cases", "c-1"); err != nil {
			t.Fatal(err)
		}
		return context.Canceled // the event fails after its credit record was written
	})
	if recs, _ := s.CreditRecords(ctx, party.ID); len(recs) != 0 {
		t.Fatalf("a rolled-back event left %d credit records", len(recs))
	}
	// Written twice for the same record, it counts once.
	for i := 0; i < 2; i++ {
		if err := s.Gorm().Transaction(func(tx *gorm.DB) error {
			return models.AddCreditRecordTx(tx, models.SystemActor, party.ID, "award_against", "cases", "c-2")
		}); err != nil {
			t.Fatal(err)
		}
	}
	if recs, _ := s.CreditRecords(ctx, party.ID); len(recs) != 1 {
		t.Fatalf("%d records for one event", len(recs))
	}
}

func TestNegativeListByRule(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	party := models.Party{ID: "repeat-offender", Kind: "merchant", Name: "屡犯商店", Country: "CN"}
	if _, err := s.EnsureParty(ctx, models.SystemActor, party); err != nil {
		t.Fatal(err)
	}
	mark := func(kind, id string) {
		t.Helper()
		if err := s.Gorm().Transaction(func(tx *gorm.DB) error {
			return models.AddCreditRecordTx(tx, models.SystemActor, party.ID, "measure_ignored", kind, id)
		}); err != nil {
			t.Fatal(err)
		}
	}
	mark("measures", "m-1")
	if _, err := s.ActiveNegativeListEntry(ctx, party.ID); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("listed after one ignored measure: %v", err)
	}
	mark("measures", "m-2")
	e, err := s.ActiveNegativeListEntry(ctx, party.ID)
	if err != nil || e.Basis != "repeated_non_compliance" || e.PartyName != "屡犯商店" || e.Confirmed() {
		t.Fatalf("after the second ignored measure: %+v %v, want a proposal", e, err)
	}
	if c, err := s.CreditOf(ctx, party.ID); err != nil || c.NegativeListed || c.NegativeList != nil {
		t.Fatalf("a proposal is public: %+v %v", c, err)
	}
	if _, err := s.ConfirmListing(ctx, models.SystemActor, e.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if c, err := s.CreditOf(ctx, party.ID); err != nil || !c.NegativeListed {
		t.Fatalf("a confirmed stay is not public: %+v %v", c, err)
	}
	if _, err := s.ConfirmListing(ctx, models.SystemActor, e.ID, false, "again"); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("deciding a decided proposal: %v", err)
	}
	var audited int64
	s.Gorm().Raw(`SELECT count(*) FROM audit_records WHERE action = 'negative_list.enter' AND object_id = ?`, party.ID).Scan(&audited)
	if audited != 1 {
		t.Fatalf("%d audit records of the entry", audited)
	}
}
