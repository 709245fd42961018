package workflows

import (
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
	// An inspector's office orders a measure of a party in its remit (or of a listing's
	// merchant); its deadline runs from now and the party is told.
	Filing: &Filing{Name: "issue", To: "issued", Payload: func() any { return &models.NewMeasure{} },
		Effect: func(s *Step) error {
			in := s.Payload.(*models.NewMeasure)
			if s.User.Jurisdiction == nil {
				return models.Errorf(models.EFORBIDDEN, "forbidden")
			}
			target := ""
			if in.TargetPartyID != nil {
				target = *in.TargetPartyID
			} else {
				merchant, err := s.Store.ListingMerchant(s.Ctx, *in.ListingID)
				if err != nil {
					return err
				}
				target = merchant
			}
			if err := s.Store.MayActOnParty(s.Ctx, target, s.User.Jurisdiction); err != nil {
				return err
			}
			m := s.Record.(*models.Measure)
			*m = models.Measure{Kind: in.Kind, AlertID: in.AlertID, TargetPartyID: target, ListingID: in.ListingID,
				Deadline: in.DueBy(), Basis: in.Basis, IssuedBy: s.Actor.UserID}
			m.Jurisdiction = *s.User.Jurisdiction
			s.Transition.Deadlines["comply_by"] = in.DueBy()
			s.Notify(s.Holders("target"))
			return nil
		}},
	Actions: []*Action{
		{Name: "comply", From: []string{"issued", "overdue"}, To: "complied",
			Payload: func() any { return &compliancePayload{} },
			Effect: func(s *Step) error {
				m := s.Record.(*models.Measure)
				s.StopDeadlines("comply_by")
				s.Set("proof", jsonOf(map[string]any{"text": s.Payload.(*compliancePayload).Proof, "at": s.Now.UTC(), "by": s.Actor.UserID}))
				if m.Kind == "delist" && m.ListingID != nil {
					listing, id, actor := *m.ListingID, m.ID, s.Actor
					s.InTransaction(func(st *models.Store) error { return st.Delist(s.Ctx, actor, listing, id) })
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
