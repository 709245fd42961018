package models_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models"
)

func TestCreditRecordsRollBackWithTheirEvent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	party := models.Party{ID: "rollback-shop", Kind: "merchant", Name: "回滚商店", Country: "CN"}
	if _, err := s.EnsureParty(ctx, models.SystemActor, party); err != nil {
		t.Fatal(err)
	}
	_ = s.Gorm().Transaction(func(tx *gorm.DB) error {
		if err := s.Within(tx).AddCreditRecord(context.Background(), models.SystemActor, party.ID, "award_against", "cases", "c-1"); err != nil {
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
			return s.Within(tx).AddCreditRecord(context.Background(), models.SystemActor, party.ID, "award_against", "cases", "c-2")
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
			return s.Within(tx).AddCreditRecord(context.Background(), models.SystemActor, party.ID, "measure_ignored", kind, id)
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
