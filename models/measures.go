package models

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
)

// Measure is an order to a party (delist, sales ban, recall, ...) with a deadline and proof of
// compliance (处置措施).
type Measure struct {
	ID            string    `json:"id"`
	Number        string    `json:"number"`
	Kind          string    `json:"kind"`
	AlertID       *string   `json:"alert_id"`
	TargetPartyID string    `json:"target_party_id"`
	ListingID     *string   `json:"listing_id"`
	Deadline      time.Time `json:"deadline"`
	Basis         string    `json:"basis"`
	Proof         JSONText  `json:"proof"`
	IssuedBy      string    `json:"issued_by"`
	WorkflowState
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ProofAt is when the target party sent its proof of compliance; the zero time when none.
func (m *Measure) ProofAt() time.Time {
	var p struct {
		At time.Time `json:"at"`
	}
	if len(m.Proof) == 0 || json.Unmarshal(m.Proof, &p) != nil {
		return time.Time{}
	}
	return p.At
}

// NewMeasure is what an inspector orders. A measure on a listing goes to its merchant unless a
// target party is named.
type NewMeasure struct {
	Kind          string     `json:"kind" validate:"required,oneof=delist sales_ban withdrawal recall destruction import_rejection"`
	AlertID       *string    `json:"alert_id" validate:"omitempty,max=64"`
	TargetPartyID *string    `json:"target_party_id" validate:"omitempty,max=64"`
	ListingID     *string    `json:"listing_id" validate:"omitempty,max=64"`
	Deadline      clock.When `json:"deadline" validate:"required"` // a time, or a day in Hangzhou: its end (clock.When)
	Basis         string     `json:"basis" validate:"required,max=5000"`

	dueBy time.Time // Deadline as read by Validate
}

// DueBy is the deadline as Validate read it.
func (in *NewMeasure) DueBy() time.Time { return in.dueBy }

// Validate checks the fields: a target (party or listing), a deadline in the future, and a
// listing for a delisting.
func (in *NewMeasure) Validate(now time.Time) error {
	in.Basis = strings.TrimSpace(in.Basis)
	var bad *FieldError
	in.dueBy, bad = until("deadline", in.Deadline, now)
	if err := withFields(Validate(in), addField(nil, bad)...); err != nil {
		return err
	}
	var fields []FieldError
	if in.TargetPartyID == nil && in.ListingID == nil {
		fields = append(fields, FieldError{Field: "target_party_id", Rule: "required_without", Param: "listing_id"})
	}
	if in.Kind == "delist" && in.ListingID == nil {
		fields = append(fields, FieldError{Field: "listing_id", Rule: "required"})
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// ListingMerchant is the merchant who runs a listing.
func (s *Store) ListingMerchant(ctx context.Context, listingID string) (string, error) {
	var merchant string
	res := s.db.WithContext(ctx).Raw(`SELECT merchant_id FROM listings WHERE id = ?`, listingID).Scan(&merchant)
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected == 0 {
		return "", Invalid(FieldError{Field: "listing_id", Rule: "exists"})
	}
	return merchant, nil
}

// fileMeasure writes an issued measure (File).
func (s *Store) fileMeasure(ctx context.Context, f Filing, m *Measure) error {
	now := s.Now()
	q, args := insertNumbered(now, "measures", "measure_number_seq", "ME", []string{"id", "kind", "alert_id", "target_party_id",
		"listing_id", "deadline", "basis", "issued_by", "status", "version", "jurisdiction", "deadlines"},
		[]any{m.ID, m.Kind, m.AlertID, m.TargetPartyID, m.ListingID, m.Deadline, m.Basis, m.IssuedBy, m.Status, 1,
			m.Jurisdiction, m.Deadlines})
	query, args, err := stepSQL(q, args, stepWrite{Kind: "measures", Action: f.Action, Relation: f.Relation,
		To: m.Status, Actor: f.Actor, At: now, Notify: f.Notify, RecordID: m.ID, Schedule: m.Deadlines, Version: 1,
		AuditAfterSQL: `json_build_object('deadline', ?::text, 'kind', rec.kind, 'listing_id', rec.listing_id,
		'number', rec.number, 'target_party_id', rec.target_party_id)`,
		AuditAfterArgs: []any{m.Deadline.UTC().Format(time.RFC3339Nano)}}) // in UTC whatever the session's time zone
	if err != nil {
		return err
	}
	err = s.fileStep(ctx, query, args, m)
	if isForeignKeyViolation(err) {
		return Invalid(FieldError{Field: foreignKeyField(err, map[string]string{"alert": "alert_id", "party": "target_party_id", "listing": "listing_id"}), Rule: "exists"})
	}
	return err
}

// Delist marks a listing delisted (inside the transaction of the measure complied with).
func (s *Store) Delist(ctx context.Context, actor Actor, listingID, measureID string) error {
	tx := s.db.WithContext(ctx)
	res := tx.Exec(`UPDATE listings SET status = 'delisted', updated_at = ? WHERE id = ? AND status <> 'delisted'`, s.stamp(), listingID)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	return audit(tx, actor, "listing.delist", "listings", listingID, map[string]any{"status": "active"},
		map[string]any{"status": "delisted", "measure_id": measureID})
}
