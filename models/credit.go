package models

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models/creditscore"
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
// counts for it. The score (models/creditscore) decays them with age.
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

// CreditContribution is what one record takes off (or adds to) the score today.
type CreditContribution struct {
	CreditRecord
	Decay  float64 `json:"decay"`  // ½^(age / half-life)
	Points float64 `json:"points"` // weight × decay, taken off the score
}

// creditMarks are the records as the score weighs them (creditscore.Compute).
func creditMarks(records []CreditRecord) []creditscore.Mark {
	marks := make([]creditscore.Mark, len(records))
	for i, r := range records {
		marks[i] = creditscore.Mark{Weight: r.Weight, At: r.At}
	}
	return marks
}

// MayActOnParty says whether an inspector of jurisdiction may order a measure against, or list,
// the party (属地查处): a party registered in their district, a party registered in no district
// of Hangzhou, or one whose case the party's own district has handed to theirs (an open
// investigation an inspector of the party's district opened). Another
// district's party is its own inspectors' (issue 12: any inspector could act on any party).
// A party that does not exist passes: the write names it as a field error.
func (s *Store) MayActOnParty(ctx context.Context, partyID string, jurisdiction *string) error {
	return mayActOnParty(s.db.WithContext(ctx), partyID, jurisdiction)
}

func mayActOnParty(tx *gorm.DB, partyID string, jurisdiction *string) error {
	if jurisdiction == nil {
		return Errorf(EFORBIDDEN, "outside_jurisdiction")
	}
	var may []bool
	err := tx.Raw(`SELECT p.jurisdiction IS NULL OR p.jurisdiction = @j OR EXISTS (SELECT 1 FROM investigations i
		WHERE i.subject_type = 'party' AND i.subject_id = p.id AND i.jurisdiction = @j AND i.status <> 'closed'
		  AND EXISTS (SELECT 1 FROM users u WHERE u.id = i.opened_by AND u.jurisdiction = p.jurisdiction))
		FROM parties p WHERE p.id = @party`, sql.Named("j", *jurisdiction), sql.Named("party", partyID)).Scan(&may).Error
	if err != nil || len(may) == 0 || may[0] {
		return err
	}
	return Errorf(EFORBIDDEN, "outside_jurisdiction")
}

// PartyAnswers says whether a party has merchant staff, who get its notices and may answer
// complaints and claims against it: a party without them cannot be blamed for its silence.
func (s *Store) PartyAnswers(ctx context.Context, partyID string) (bool, error) {
	var staffed bool
	err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM users WHERE party_id = ? AND 'merchant' = ANY (roles))`, partyID).
		Scan(&staffed).Error
	return staffed, err
}

// Caps on the marks a consumer's own steps bring about (a claim approved by silence, an offer
// accepted, non-compliance reported), each direction (against the party, for it) on its own:
// in any 90 days, one mark per consumer and party, and ten per party from all consumers. So one
// consumer with many claims, or a merchant with many consumer accounts, moves a score by a
// bounded amount, and a listing by rule is only ever a proposal (negative_list.go).
const (
	consumerMarkWindow      = 90 * 24 * time.Hour
	consumerMarksPerParty   = 10
	consumerMarksByConsumer = 1
)

// AddCreditRecord marks a party's record with its audit record (a store Within a transaction
// writes it in that transaction); the same mark for the same record is written once.
func (s *Store) AddCreditRecord(ctx context.Context, actor Actor, partyID, reason, kind, recordID string) error {
	return addCreditRecord(s.db.WithContext(ctx), actor, partyID, nil, reason, kind, recordID)
}

// AddConsumerCreditRecord is AddCreditRecord for a mark that consumerID's own steps brought
// about. It writes nothing when the consumer is staff of the party or shares an address with
// its staff (the party marking itself), or when the caps above are reached.
func (s *Store) AddConsumerCreditRecord(ctx context.Context, actor Actor, consumerID, partyID, reason, kind, recordID string) error {
	tx := s.db.WithContext(ctx)
	// One party's consumer marks are weighed one transaction at a time, so the caps hold.
	if err := tx.Exec(`SELECT 1 FROM parties WHERE id = ? FOR NO KEY UPDATE`, partyID).Error; err != nil {
		return err
	}
	var c struct {
		Related             bool
		ByConsumer, FromAll int64
	}
	against := CreditWeights[reason] > 0
	err := tx.Raw(`SELECT
		EXISTS (SELECT 1 FROM users u WHERE u.id = @consumer AND u.party_id = @party)
		OR EXISTS (SELECT 1 FROM user_addresses mine JOIN user_addresses theirs ON theirs.address = mine.address
			JOIN users staff ON staff.id = theirs.user_id
			WHERE mine.user_id = @consumer AND staff.party_id = @party) AS related,
		count(*) FILTER (WHERE consumer_id = @consumer) AS by_consumer,
		count(*) AS from_all
		FROM credit_records WHERE party_id = @party AND consumer_id IS NOT NULL AND at > @since AND (weight > 0) = @against`,
		sql.Named("consumer", consumerID), sql.Named("party", partyID), sql.Named("since", tx.NowFunc().Add(-consumerMarkWindow)),
		sql.Named("against", against)).Scan(&c).Error
	if err != nil || c.Related || c.ByConsumer >= consumerMarksByConsumer || c.FromAll >= consumerMarksPerParty {
		return err
	}
	return addCreditRecord(tx, actor, partyID, &consumerID, reason, kind, recordID)
}

func addCreditRecord(tx *gorm.DB, actor Actor, partyID string, consumerID *string, reason, kind, recordID string) error {
	res := tx.Exec(`INSERT INTO credit_records (party_id, reason, weight, record_kind, record_id, at, consumer_id) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, partyID, reason, CreditWeights[reason], kind, recordID, tx.NowFunc(), consumerID)
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
