package models

import (
	"context"
	"strings"
	"time"
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

// Validate trims the reason and checks the fields.
func (in *NewHandoff) Validate() error {
	in.Reason = strings.TrimSpace(in.Reason)
	return Validate(in)
}

// subjectTables are where each kind of subject lives.
var subjectTables = map[string]string{"listing": "listings", "product": "products", "party": "parties",
	"inspection": "inspections", "alert": "alerts", "complaint": "complaints"}

// fileInvestigation writes an investigation handed to a jurisdiction (File), with its first
// hand-off in the same statement.
func (s *Store) fileInvestigation(ctx context.Context, f Filing, inv *Investigation) error {
	if err := allExist(s.db.WithContext(ctx), subjectTables[inv.SubjectType], []string{inv.SubjectID}, "subject_id"); err != nil {
		return err
	}
	now := s.Now()
	q, args := insertNumbered(now, "investigations", "investigation_number_seq", "IV", []string{"id", "subject_type", "subject_id",
		"reason", "opened_by", "status", "version", "jurisdiction", "deadlines"},
		[]any{inv.ID, inv.SubjectType, inv.SubjectID, inv.Reason, inv.OpenedBy, inv.Status, 1, inv.Jurisdiction, inv.Deadlines})
	q.WriteString(`,
handoff AS (INSERT INTO handoffs (investigation_id, from_jurisdiction, to_jurisdiction, reason, by_user, at)
	SELECT rec.id, NULL, rec.jurisdiction, rec.reason, ?, ?::timestamptz FROM rec)`)
	args = append(args, f.Actor.UserID, now.UTC().Truncate(time.Microsecond))
	query, args, err := stepSQL(q, args, stepWrite{Kind: "investigations", Action: f.Action, Relation: f.Relation, To: inv.Status,
		Actor: f.Actor, At: now, Payload: map[string]any{"jurisdiction": inv.Jurisdiction, "reason": inv.Reason},
		Notify: f.Notify, AuditBefore: map[string]any{"jurisdiction": nil},
		AuditAfter: map[string]any{"jurisdiction": inv.Jurisdiction, "reason": inv.Reason}})
	if err != nil {
		return err
	}
	err = s.fileStep(ctx, query, args, inv)
	if isForeignKeyViolation(err) {
		return Invalid(FieldError{Field: "jurisdiction", Rule: "exists"})
	}
	return err
}

// AddHandoff records an investigation's transfer from one jurisdiction to another with its
// audit record (inside the transaction of the transfer step).
func (s *Store) AddHandoff(ctx context.Context, actor Actor, investigationID, from, to, reason string) error {
	tx := s.db.WithContext(ctx)
	if err := tx.Exec(`INSERT INTO handoffs (investigation_id, from_jurisdiction, to_jurisdiction, reason, by_user, at) VALUES (?, ?, ?, ?, ?, ?)`,
		investigationID, from, to, reason, actor.UserID, s.stamp()).Error; err != nil {
		return err
	}
	return audit(tx, actor, "investigations.handoff", "investigations", investigationID,
		map[string]any{"jurisdiction": from}, map[string]any{"jurisdiction": to, "reason": reason})
}

// Handoffs lists an investigation's hand-offs, oldest first.
func (s *Store) Handoffs(ctx context.Context, investigationID string) ([]Handoff, error) {
	var out []Handoff
	err := s.db.WithContext(ctx).Where("investigation_id = ?", investigationID).Order("id").Find(&out).Error
	return out, err
}
