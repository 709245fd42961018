package workflows

import (
	"context"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models"
)

// investigationRecord adapts models.Investigation to the engine.
type investigationRecord struct{ *models.Investigation }

func (i investigationRecord) RecordID() string             { return i.ID }
func (i investigationRecord) State() *models.WorkflowState { return &i.WorkflowState }
func (i investigationRecord) Row() any                     { return i.Investigation }

type closePayload struct {
	Findings string `json:"findings" validate:"required,max=20000"`
	Outcome  string `json:"outcome" validate:"required,oneof=no_violation warning fine confiscation referred other"`
}

type transferPayload struct {
	Jurisdiction string `json:"jurisdiction" validate:"required,numeric,len=6"`
	Reason       string `json:"reason" validate:"max=5000"`
}

// investigationFlow (属地查处): an investigation handed to a jurisdiction is taken by one of its
// inspectors, closed with findings, or transferred to another jurisdiction, whose inspectors
// alone then see it.
var investigationFlow = &Workflow{
	Kind:   "investigations",
	Object: "investigation",
	States: []string{"open", "investigating", "closed"},
	Open:   []string{"open", "investigating"},
	New:    func() Record { return investigationRecord{&models.Investigation{}} },
	Load: func(ctx context.Context, s *models.Store, id string) (Record, error) {
		inv, err := s.InvestigationByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return investigationRecord{inv}, nil
	},
	Relations: func(rec Record, u *models.User) []string {
		inv := rec.(investigationRecord).Investigation
		if u == nil {
			return nil
		}
		var rels []string
		if u.Jurisdiction != nil && u.Roles.Has(models.RoleInspector) && *u.Jurisdiction == inv.Jurisdiction {
			rels = append(rels, "jurisdiction_inspector")
		}
		if u.Roles.Has(models.RoleAdmin) {
			rels = append(rels, "administrator")
		}
		return rels
	},
	Actions: []*Action{
		{Name: "take", From: []string{"open"}, To: "investigating",
			Effect: func(s *Step) error {
				s.Set("assignee_id", s.Actor.UserID)
				return nil
			}},
		{Name: "close", From: []string{"investigating"}, To: "closed",
			Payload: func() any { return &closePayload{} },
			Effect: func(s *Step) error {
				p := s.Payload.(*closePayload)
				s.Set("findings", p.Findings)
				s.Set("outcome", p.Outcome)
				return nil
			}},
		{Name: "transfer", From: []string{"open", "investigating"}, To: "open",
			Payload: func() any { return &transferPayload{} },
			Effect: func(s *Step) error {
				inv := s.Record.(investigationRecord).Investigation
				p := s.Payload.(*transferPayload)
				if p.Jurisdiction == inv.Jurisdiction {
					return models.Invalid(models.FieldError{Field: "jurisdiction", Rule: "different"})
				}
				from, actor := inv.Jurisdiction, s.Actor
				s.Set("jurisdiction", p.Jurisdiction)
				s.Set("assignee_id", nil)
				s.InTransaction(func(tx *gorm.DB) error {
					return models.AddHandoffTx(tx, actor, inv.ID, &from, p.Jurisdiction, p.Reason)
				})
				s.Notify(models.Recipient{Type: "jurisdiction", ID: p.Jurisdiction})
				return nil
			}},
	},
}

// HandOff opens an investigation in the jurisdiction of the responsible party.
func (e *Engine) HandOff(ctx context.Context, u *models.User, in models.NewHandoff) (*models.Investigation, error) {
	return e.store.CreateInvestigation(ctx, models.Actor{UserID: u.ID}, in)
}

// ListInvestigations lists the investigations of the user's jurisdiction; all for the admin.
func (e *Engine) ListInvestigations(ctx context.Context, u *models.User, status string, page models.Page) ([]models.Investigation, *string, error) {
	jurisdiction := ""
	if u.Jurisdiction != nil && u.Roles.Has(models.RoleInspector) {
		jurisdiction = *u.Jurisdiction
	}
	return e.store.ListInvestigations(ctx, jurisdiction, u.Roles.Has(models.RoleAdmin), status, page)
}

// InvestigationOf returns the investigation behind a record, if it is one.
func InvestigationOf(r Record) (*models.Investigation, bool) {
	i, ok := r.(investigationRecord)
	return i.Investigation, ok
}
