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

// CreditWeights are the points each kind of record counts against a party (the credit work
// turns them into a score and the negative list).
var CreditWeights = map[string]float64{
	"complaint_upheld":     2,
	"award_against":        5,
	"award_non_compliance": 10,
	"inspection_failed":    5,
	"measure_ignored":      10,
}

// AddCreditRecordTx marks a party's record inside the caller's transaction, with its audit
// record; the same mark for the same record is written once.
func AddCreditRecordTx(tx *gorm.DB, actor Actor, partyID, reason, kind, recordID string) error {
	res := tx.Exec(`INSERT INTO credit_records (party_id, reason, weight, record_kind, record_id) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, partyID, reason, CreditWeights[reason], kind, recordID)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return audit(tx, actor, "credit.record", "party", partyID, nil,
		map[string]any{"reason": reason, "weight": CreditWeights[reason], "record_kind": kind, "record_id": recordID})
}

// CreditRecords lists a party's marks, newest first.
func (s *Store) CreditRecords(ctx context.Context, partyID string) ([]CreditRecord, error) {
	var out []CreditRecord
	err := s.db.WithContext(ctx).Where("party_id = ?", partyID).Order("at DESC, id DESC").Limit(500).Find(&out).Error
	return out, err
}
