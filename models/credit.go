package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// CreditRecord is one mark on a party's credit record.
type CreditRecord struct {
	ID         int64     `json:"id"`
	PartyID    string    `json:"party_id"`
	Reason     string    `json:"reason"`
	Weight     float64   `json:"weight"`
	RecordKind string    `json:"record_kind"`
	RecordID   string    `json:"record_id"`
	At         time.Time `json:"at"`
}

// CreditWeights are the points each kind of record counts against a party; a negative weight
// counts for it. The score (credit_score.go) decays them with age.
var CreditWeights = map[string]float64{
	"complaint_upheld":          2,
	"claim_approved_by_silence": 1,
	"award_against":             5,
	"award_non_compliance":      10,
	"inspection_failed":         5,
	"measure_ignored":           10,
	"complaint_settled_in_time": -1,
	"measure_complied":          -2,
}

// AddCreditRecordTx marks a party's record inside the caller's transaction, with its audit
// record; the same mark for the same record is written once.
func AddCreditRecordTx(tx *gorm.DB, actor Actor, partyID, reason, kind, recordID string) error {
	res := tx.Exec(`INSERT INTO credit_records (party_id, reason, weight, record_kind, record_id, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, partyID, reason, CreditWeights[reason], kind, recordID, tx.NowFunc())
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	if err := audit(tx, actor, "credit.record", "party", partyID, nil,
		map[string]any{"reason": reason, "weight": CreditWeights[reason], "record_kind": kind, "record_id": recordID}); err != nil {
		return err
	}
	return applyNegativeListRules(tx, partyID)
}

// CreditRecords lists a party's marks, newest first.
func (s *Store) CreditRecords(ctx context.Context, partyID string) ([]CreditRecord, error) {
	var out []CreditRecord
	err := s.db.WithContext(ctx).Where("party_id = ?", partyID).Order("at DESC, id DESC").Limit(500).Find(&out).Error
	return out, err
}
