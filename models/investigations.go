package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/clock"
	"gorm.io/gorm"
)

// Investigation is a case handed to the jurisdiction of the responsible party (属地查处): only
// that jurisdiction's inspectors see and work it.
type Investigation struct {
	ID          string  `json:"id"`
	Number      string  `json:"number"`
	SubjectType string  `json:"subject_type"`
	SubjectID   string  `json:"subject_id"`
	Reason      string  `json:"reason"`
	AssigneeID  *string `json:"assignee_id"`
	Findings    string  `json:"findings"`
	Outcome     string  `json:"outcome"`
	OpenedBy    string  `json:"opened_by"`
	WorkflowState
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Handoff is one hand-off of an investigation to a jurisdiction: the first, or a transfer.
type Handoff struct {
	ID               int64     `json:"id"`
	InvestigationID  string    `json:"investigation_id"`
	FromJurisdiction *string   `json:"from_jurisdiction"`
	ToJurisdiction   string    `json:"to_jurisdiction"`
	Reason           string    `json:"reason"`
	ByUser           string    `json:"by_user"`
	At               time.Time `json:"at"`
}

// NewHandoff is what an inspector sends: the subject, the jurisdiction it goes to, and why.
type NewHandoff struct {
	SubjectType  string `json:"subject_type" validate:"required,oneof=listing product party inspection alert complaint"`
	SubjectID    string `json:"subject_id" validate:"required,max=64"`
	Jurisdiction string `json:"jurisdiction" validate:"required,numeric,len=6"`
	Reason       string `json:"reason" validate:"required,max=5000"`
}

// subjectTables are where each kind of subject lives.
var subjectTables = map[string]string{"listing": "listings", "product": "products", "party": "parties",
	"inspection": "inspections", "alert": "alerts", "complaint": "complaints"}

// CreateInvestigation opens an investigation in the jurisdiction it is handed to, with the
// hand-off, the timeline entry, the audit record and the notice to that jurisdiction.
func (s *Store) CreateInvestigation(ctx context.Context, actor Actor, in NewHandoff) (*Investigation, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if err := Validate(in); err != nil {
		return nil, err
	}
	inv := &Investigation{ID: newID(), SubjectType: in.SubjectType, SubjectID: in.SubjectID, Reason: in.Reason,
		OpenedBy: actor.UserID, WorkflowState: WorkflowState{Status: "open", Version: 1, Jurisdiction: in.Jurisdiction, Deadlines: Deadlines{}}}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := allExist(tx, subjectTables[in.SubjectType], []string{in.SubjectID}, "subject_id"); err != nil {
			return err
		}
		var seq int64
		if err := tx.Raw("SELECT nextval('investigation_number_seq')").Scan(&seq).Error; err != nil {
			return err
		}
		inv.Number = fmt.Sprintf("IV-%d-%06d", tx.NowFunc().In(clock.Hangzhou).Year(), seq)
		if err := tx.Omit("AssigneeID", "PausedAt").Create(inv).Error; err != nil {
			return err
		}
		if err := AddHandoffTx(tx, actor, inv.ID, nil, in.Jurisdiction, in.Reason); err != nil {
			return err
		}
		return recordStep(tx, "investigations", inv.ID, actor, "inspector", "handoff", "", "open",
			map[string]any{"jurisdiction": in.Jurisdiction, "reason": in.Reason},
			[]Recipient{{Type: "jurisdiction", ID: in.Jurisdiction}})
	})
	if isForeignKeyViolation(err) {
		return nil, Invalid(FieldError{Field: "jurisdiction", Rule: "exists"})
	}
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// AddHandoffTx records a hand-off (from nil for the first) with its audit record, inside the
// caller's transaction.
func AddHandoffTx(tx *gorm.DB, actor Actor, investigationID string, from *string, to, reason string) error {
	if err := tx.Exec(`INSERT INTO handoffs (investigation_id, from_jurisdiction, to_jurisdiction, reason, by_user, at) VALUES (?, ?, ?, ?, ?, ?)`,
		investigationID, from, to, reason, actor.UserID, tx.NowFunc()).Error; err != nil {
		return err
	}
	return audit(tx, actor, "investigations.handoff", "investigations", investigationID,
		map[string]any{"jurisdiction": from}, map[string]any{"jurisdiction": to, "reason": reason})
}

// InvestigationByID loads one investigation.
func (s *Store) InvestigationByID(ctx context.Context, id string) (*Investigation, error) {
	return byID[Investigation](ctx, s.db, id)
}

// Handoffs lists an investigation's hand-offs, oldest first.
func (s *Store) Handoffs(ctx context.Context, investigationID string) ([]Handoff, error) {
	var out []Handoff
	err := s.db.WithContext(ctx).Where("investigation_id = ?", investigationID).Order("id").Find(&out).Error
	return out, err
}
