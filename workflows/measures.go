package workflows

import (
	"context"

	"gorm.io/gorm"

	"github.com/hzcbec/portal/models"
)

type (
	compliancePayload struct {
		Proof string `json:"proof" validate:"required,max=5000"`
	}
	rejectionPayload struct {
		Reason string `json:"reason" validate:"required,max=2000"`
	}
)

// measureFlow: an order is issued with a deadline; the target party complies with proof and the
// office verifies; a deadline that passes unanswered makes it overdue by itself, which marks the
// party's credit record (Art. 20). A late compliance is still accepted.
var measureFlow = &Workflow{
	Kind:     "measures",
	Object:   "measure",
	States:   []string{"issued", "complied", "verified", "overdue"},
	Open:     []string{"issued", "overdue"},
	Sides:    []string{"target", "jurisdiction_inspector"},
	New:      func() Record { return &models.Measure{} },
	Timeouts: map[string]string{"comply_by": "overdue"},
	Actions: []*Action{
		{Name: "comply", From: []string{"issued", "overdue"}, To: "complied",
			Payload: func() any { return &compliancePayload{} },
			Effect: func(s *Step) error {
				m := s.Record.(*models.Measure)
				s.StopDeadlines("comply_by")
				s.Set("proof", jsonOf(map[string]any{"text": s.Payload.(*compliancePayload).Proof, "at": s.Now.UTC(), "by": s.Actor.UserID}))
				if m.Kind == "delist" && m.ListingID != nil {
					listing, id, actor := *m.ListingID, m.ID, s.Actor
					s.InTransaction(func(tx *gorm.DB) error { return models.DelistTx(tx, actor, listing, id) })
				}
				s.Notify(s.Holders("jurisdiction_inspector"))
				return nil
			}},
		// Only compliance the office has verified, and that came before the deadline, counts for
		// the party: a proof is a claim until then (issue 12).
		{Name: "verify", From: []string{"complied"}, To: "verified",
			Effect: func(s *Step) error {
				m := s.Record.(*models.Measure)
				if !m.ProofAt().After(m.Deadline) {
					s.CreditRecord(m.TargetPartyID, "measure_complied")
				}
				s.Notify(s.Holders("target"))
				return nil
			}},
		// The office rejects a proof that does not show compliance: the order is issued again
		// with its deadline unchanged (a deadline already passed makes it overdue at once).
		{Name: "reject_proof", From: []string{"complied"}, To: "issued",
			Payload: func() any { return &rejectionPayload{} },
			Effect: func(s *Step) error {
				m := s.Record.(*models.Measure)
				s.Transition.Deadlines["comply_by"] = m.Deadline
				s.Set("proof", jsonOf(map[string]any{"rejected": m.Proof, "reason": s.Payload.(*rejectionPayload).Reason,
					"at": s.Now.UTC(), "by": s.Actor.UserID}))
				s.Notify(s.Holders("target"))
				return nil
			}},
		{Name: "overdue", From: []string{"issued"}, To: "overdue",
			Effect: func(s *Step) error {
				m := s.Record.(*models.Measure)
				s.StopDeadlines("comply_by")
				s.CreditRecord(m.TargetPartyID, "measure_ignored")
				s.Notify(s.Holders("target"), s.Holders("jurisdiction_inspector"))
				return nil
			}},
	},
}

// IssueMeasure orders a measure from an inspector's office; its deadline runs from now.
func (e *Engine) IssueMeasure(ctx context.Context, u *models.User, in models.NewMeasure) (*models.Measure, error) {
	if err := in.Validate(e.store.Now()); err != nil {
		return nil, err
	}
	if u.Jurisdiction == nil {
		return nil, models.Errorf(models.EFORBIDDEN, "forbidden")
	}
	target := ""
	if in.TargetPartyID != nil {
		target = *in.TargetPartyID
	} else {
		merchant, err := e.store.ListingMerchant(ctx, *in.ListingID)
		if err != nil {
			return nil, err
		}
		target = merchant
	}
	if err := e.store.MayActOnParty(ctx, target, u.Jurisdiction); err != nil {
		return nil, err
	}
	m := &models.Measure{Kind: in.Kind, AlertID: in.AlertID, TargetPartyID: target, ListingID: in.ListingID,
		Deadline: in.DueBy(), Basis: in.Basis,
		WorkflowState: models.WorkflowState{Status: "issued", Jurisdiction: *u.Jurisdiction,
			Deadlines: models.Deadlines{"comply_by": in.DueBy()}}}
	notify := []models.Recipient{{Type: "party", ID: target}}
	err := e.store.CreateMeasure(ctx, models.Actor{UserID: u.ID}, m, notify, func(tx *gorm.DB) error {
		return e.scheduleDeadlines(ctx, tx, "measures", m.ID, m.Deadlines, 1)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
