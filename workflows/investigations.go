package workflows

import (
	"github.com/hzcbec/portal/models"
)

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
	New:    func() Record { return &models.Investigation{} },
	// An office hands a case to the jurisdiction of the responsible party; that jurisdiction is told.
	Filing: &Filing{Name: "handoff", To: "open", By: "handing_office", Payload: func() any { return &models.NewHandoff{} },
		Effect: func(s *Step) error {
			in := s.Payload.(*models.NewHandoff)
			inv := s.Record.(*models.Investigation)
			*inv = models.Investigation{SubjectType: in.SubjectType, SubjectID: in.SubjectID,
				Reason: in.Reason, OpenedBy: s.Actor.UserID}
			inv.Jurisdiction = in.Jurisdiction
			s.Notify(s.Holders("jurisdiction_inspector"))
			return nil
		}},
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
				inv := s.Record.(*models.Investigation)
				p := s.Payload.(*transferPayload)
				if p.Jurisdiction == inv.Jurisdiction {
					return models.Invalid(models.FieldError{Field: "jurisdiction", Rule: "different"})
				}
				from, actor := inv.Jurisdiction, s.Actor
				s.Set("jurisdiction", p.Jurisdiction)
				s.Set("assignee_id", nil)
				s.InTransaction(func(st *models.Store) error {
					return st.AddHandoff(s.Ctx, actor, inv.ID, from, p.Jurisdiction, p.Reason)
				})
				s.Notify(models.Recipient{Type: "jurisdiction", ID: p.Jurisdiction})
				return nil
			}},
	},
}
