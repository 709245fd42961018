package workflows

import (
	"time"

	"github.com/hzcbec/portal/models"
)

// goodsComeBack tells the claims whose goods travel back to the merchant before anything else.
func goodsComeBack(c *models.Claim) bool { return c.Type == "return" || c.Type == "replace" }

func claimOf(s *Step) *models.Claim { return s.Record.(*models.Claim) }

// Claim payloads.
type (
	claimRejectPayload struct {
		Reason string `json:"reason" validate:"required,max=2000"`
	}
	returnShipmentPayload struct {
		Carrier string `json:"carrier" validate:"required,max=100"`
		Waybill string `json:"waybill" validate:"required,max=100"`
	}
	claimRefundPayload struct {
		Amount    string `json:"amount" validate:"required,money"`
		Reference string `json:"reference" validate:"required,max=100"`
	}
)

// escalatedClaimRequest is what the complaint an escalated claim opens asks the office for.
const escalatedClaimRequest = "复核售后申请 / review the after-sales claim"

// claimFlow is the after-sales claim (售后) workflow: the merchant answers within 3 business
// days and silence approves; goods to be returned or replaced travel back first and the refund
// is due 7 days after they arrive (Consumer Protection Law Art. 25); a rejected claim can be
// escalated into a complaint.
var claimFlow = &Workflow{
	Kind:   "claims",
	Object: "claim",
	States: []string{"requested", "approved", "rejected", "return_shipped", "received", "refunded", "escalated", "withdrawn"},
	Open:   []string{"requested", "approved", "rejected", "return_shipped", "received"},
	Sides:  []string{"claimant", "respondent"},
	New:    func() Record { return &models.Claim{} },
	// refund_by has no timeout action: it only shows the merchant when the refund is due.
	Timeouts: map[string]string{"answer_by": "approve"},
	// A consumer files within the no-reason return window; the merchant's time to answer starts
	// and the merchant is told.
	Filing: &Filing{Name: "file", To: "requested", Payload: func() any { return &models.NewClaim{} },
		Effect: func(s *Step) error {
			in := s.Payload.(*models.NewClaim)
			jurisdiction, err := s.Store.ComplaintJurisdiction(s.Ctx, in.RespondentID, nil, s.engine.DefaultJurisdiction)
			if err != nil {
				return err
			}
			delivered, released := in.Dates()
			c := claimOf(s)
			*c = models.Claim{ClaimantID: s.Actor.UserID, RespondentID: in.RespondentID, OrderRef: in.OrderRef, Type: in.Type,
				NoReason: in.NoReason, DeliveredAt: delivered, CustomsReleasedAt: released, Amount: in.Amount,
				Currency: in.Currency, Reason: in.Reason}
			c.Jurisdiction = jurisdiction
			s.StartDeadline("answer_by", "claim.answer")
			s.Notify(s.Holders("respondent"))
			return nil
		}},
	Actions: []*Action{
		{Name: "approve", From: []string{"requested"}, To: "approved",
			Effect: func(s *Step) error {
				s.StopDeadlines("answer_by")
				if has(s.Relations, "system") {
					// The answer deadline passed: silence approved the claim. It counts against the
					// party only if it has staff who were told and could have answered; a party
					// nobody answers for is the office's to look into (issue 12).
					c := claimOf(s)
					staffed, err := s.Store.PartyAnswers(s.Ctx, c.RespondentID)
					if err != nil {
						return err
					}
					if staffed {
						s.ConsumerCreditRecord(c.ClaimantID, c.RespondentID, "claim_approved_by_silence")
					} else {
						s.Notify(models.Recipient{Type: "jurisdiction", ID: c.Jurisdiction})
					}
				}
				s.Notify(s.Holders("claimant"))
				return nil
			}},
		{Name: "reject", From: []string{"requested"}, To: "rejected",
			Payload: func() any { return &claimRejectPayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("answer_by")
				s.Set("rejection", jsonOf(s.Payload))
				s.Notify(s.Holders("claimant"))
				return nil
			}},
		{Name: "ship_return", From: []string{"approved"}, To: "return_shipped",
			Guard: func(rec Record, _ []string, _ time.Time) error {
				if !goodsComeBack(rec.(*models.Claim)) {
					return models.Errorf(models.ECONFLICT, "no_return_needed")
				}
				return nil
			},
			Payload: func() any { return &returnShipmentPayload{} },
			Effect: func(s *Step) error {
				s.Set("return_shipment", jsonOf(s.Payload))
				s.Notify(s.Holders("respondent"))
				return nil
			}},
		{Name: "confirm_receipt", From: []string{"return_shipped"}, To: "received",
			Effect: func(s *Step) error {
				s.StartDeadline("refund_by", "claim.refund")
				s.Notify(s.Holders("claimant"))
				return nil
			}},
		{Name: "refund", From: []string{"approved", "received"}, To: "refunded",
			// A refund or repair claim is refunded once approved; returned or replaced goods
			// come back first.
			Guard: func(rec Record, _ []string, _ time.Time) error {
				if c := rec.(*models.Claim); c.Status == "approved" && goodsComeBack(c) {
					return models.Errorf(models.ECONFLICT, "goods_not_received")
				}
				return nil
			},
			Payload: func() any { return &claimRefundPayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("refund_by")
				s.Set("refund", jsonOf(s.Payload))
				s.Notify(s.Holders("claimant"))
				return nil
			}},
		{Name: "escalate", From: []string{"rejected"}, To: "escalated", Effect: escalateClaim},
		{Name: "withdraw", From: []string{"requested", "approved", "return_shipped"}, To: "withdrawn",
			Payload: func() any { return &notePayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("answer_by", "refund_by")
				s.Notify(s.Holders("respondent"))
				return nil
			}},
	},
}

// escalateClaim opens a complaint about a rejected claim, filed as the claimant would file it,
// in the transaction that escalates the claim: both happen or neither does.
func escalateClaim(s *Step) error {
	c := claimOf(s)
	in := models.NewComplaint{RespondentID: c.RespondentID, OrderRef: c.OrderRef, Category: "after_sales",
		Amount: c.Amount, Currency: c.Currency, Description: c.Reason, Request: escalatedClaimRequest}
	claimant := &models.User{ID: c.ClaimantID}
	s.Notify(s.Holders("respondent"))
	s.InTransaction(func(st *models.Store) error {
		e := s.engine.within(st)
		complaint, err := e.file(s.Ctx, claimant, complaintFlow, &in)
		if err != nil {
			return err
		}
		return st.LinkClaimComplaint(s.Ctx, c.ID, complaint.RecordID())
	})
	return nil
}

// within is the engine writing through st, a store in a transaction, so the records it files
// commit or roll back with it.
func (e *Engine) within(st *models.Store) *Engine {
	inTx := *e
	inTx.store = st
	return &inTx
}
