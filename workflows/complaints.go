package workflows

import (
	"encoding/json"
	"time"

	"github.com/hzcbec/portal/models"
)

// Complaint payloads.
type (
	respondPayload struct {
		Remedy  string `json:"remedy" validate:"required,oneof=refund return replace repair compensation apology other"`
		Amount  string `json:"amount" validate:"omitempty,money"`
		Message string `json:"message" validate:"required,max=5000"`
	}
	refusePayload struct {
		Reason string `json:"reason" validate:"required,oneof=outside_remit before_court_or_arbitration not_consumer time_barred materials_missing"`
		Note   string `json:"note" validate:"max=2000"`
	}
	settlePayload struct {
		Terms string `json:"terms" validate:"required,max=5000"`
	}
	terminatePayload struct {
		Reason string `json:"reason" validate:"required,max=2000"`
	}
	notePayload struct {
		Reason string `json:"reason" validate:"max=2000"`
	}
)

// complaintFlow is the complaint (投诉) workflow: the merchant answers first (12315 ODR, 10
// working days; silence escalates to the office), then the office of the jurisdiction accepts or
// refuses (SAMR measures Art. 14–15), mediates (Art. 16–21, 45 working days, paused for testing
// per Art. 20) and settles or terminates.
var complaintFlow = &Workflow{
	Kind:     "complaints",
	Object:   "complaint",
	States:   []string{"filed", "offered", "in_review", "in_mediation", "paused", "resolved", "refused", "unresolved", "withdrawn"},
	Open:     []string{"filed", "offered", "in_review", "in_mediation", "paused"},
	Sides:    []string{"complainant", "respondent"},
	New:      func() Record { return &models.Complaint{} },
	Timeouts: map[string]string{"respond_by": "escalate", "mediation_by": "terminate"},
	// A consumer files; the office that handles it is found, the merchant's time to answer starts
	// and the merchant is told.
	Filing: &Filing{Name: "file", To: "filed", Payload: func() any { return &models.NewComplaint{} },
		Effect: func(s *Step) error {
			in := s.Payload.(*models.NewComplaint)
			jurisdiction, err := s.Store.ComplaintJurisdiction(s.Ctx, in.RespondentID, in.PlatformID, s.engine.DefaultJurisdiction)
			if err != nil {
				return err
			}
			c := complaintOf(s)
			*c = models.Complaint{ComplainantID: s.Actor.UserID, RespondentID: in.RespondentID, PlatformID: in.PlatformID,
				OrderRef: in.OrderRef, ListingID: in.ListingID, ListingURL: in.ListingURL, ProductID: in.ProductID,
				Category: in.Category, Amount: in.Amount, Currency: in.Currency, Description: in.Description, Request: in.Request}
			c.Jurisdiction = jurisdiction
			s.StartDeadline("respond_by", "complaint.respond")
			s.Notify(s.Holders("respondent"))
			return nil
		}},
	Actions: []*Action{
		{Name: "respond", From: []string{"filed"}, To: "offered",
			Payload: func() any { return &respondPayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("respond_by")
				s.Set("offer", jsonOf(s.Payload))
				s.Notify(s.Holders("complainant"))
				return nil
			}},
		{Name: "accept_offer", From: []string{"offered"}, To: "resolved",
			Effect: func(s *Step) error {
				s.Set("outcome", jsonOf(map[string]any{"resolution": "offer_accepted", "offer": complaintOf(s).Offer}))
				// The merchant put it right before the office had to step in: a good mark.
				s.ConsumerCreditRecord(complaintOf(s).ComplainantID, complaintOf(s).RespondentID, "complaint_settled_in_time")
				s.Notify(s.Holders("respondent"))
				return nil
			}},
		{Name: "reject_offer", From: []string{"offered"}, To: "in_review",
			Effect: func(s *Step) error {
				s.StartDeadline("review_by", "complaint.review")
				s.Notify(s.Holders("respondent"), s.Holders("jurisdiction_inspector"))
				return nil
			}},
		{Name: "escalate", From: []string{"filed"}, To: "in_review",
			// The complainant may escalate once the merchant's time to answer has run out; the
			// deadline itself escalates too, so a merchant's silence never stalls the case.
			Guard: func(rec Record, rels []string, now time.Time) error {
				due, ok := rec.State().Deadlines["respond_by"]
				if ok && now.Before(due) && !has(rels, "system") {
					return models.Errorf(models.ECONFLICT, "too_early")
				}
				return nil
			},
			Effect: func(s *Step) error {
				s.StopDeadlines("respond_by")
				s.StartDeadline("review_by", "complaint.review")
				s.Notify(s.Holders("respondent"), s.Holders("jurisdiction_inspector"), s.Holders("complainant"))
				return nil
			}},
		{Name: "accept", From: []string{"in_review"}, To: "in_mediation",
			Effect: func(s *Step) error {
				s.StopDeadlines("review_by")
				s.StartDeadline("mediation_by", "complaint.mediation")
				s.Notify(s.Holders("complainant"), s.Holders("respondent"))
				return nil
			}},
		{Name: "refuse", From: []string{"in_review"}, To: "refused",
			Payload: func() any { return &refusePayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("review_by")
				s.Set("outcome", jsonOf(s.Payload))
				s.Notify(s.Holders("complainant"))
				return nil
			}},
		{Name: "settle", From: []string{"in_mediation"}, To: "resolved",
			Payload: func() any { return &settlePayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("mediation_by")
				s.Set("outcome", jsonOf(map[string]any{"resolution": "settled", "terms": s.Payload.(*settlePayload).Terms}))
				s.CreditRecord(complaintOf(s).RespondentID, "complaint_upheld")
				s.Notify(s.Holders("complainant"), s.Holders("respondent"))
				return nil
			}},
		{Name: "terminate", From: []string{"in_mediation"}, To: "unresolved",
			Payload: func() any { return &terminatePayload{} },
			Effect: func(s *Step) error {
				reason := s.Payload.(*terminatePayload).Reason
				if has(s.Relations, "system") {
					reason = "mediation_deadline"
				}
				s.StopDeadlines("mediation_by")
				s.Set("outcome", jsonOf(map[string]any{"resolution": "terminated", "reason": reason}))
				s.Notify(s.Holders("complainant"), s.Holders("respondent"))
				return nil
			}},
		{Name: "pause", From: []string{"in_mediation"}, To: "paused",
			Payload: func() any { return &notePayload{} },
			Effect: func(s *Step) error {
				// Time for testing does not count (Art. 20): the clock stops here.
				s.Transition.Pause = true
				s.Notify(s.Holders("complainant"), s.Holders("respondent"))
				return nil
			}},
		{Name: "resume", From: []string{"paused"}, To: "in_mediation",
			Effect: func(s *Step) error {
				s.Transition.Resume = true
				if since := s.Record.State().PausedAt; since != nil {
					stopped := s.Now.Sub(*since)
					for name, due := range s.Transition.Deadlines {
						s.Transition.Deadlines[name] = due.Add(stopped).UTC().Truncate(time.Microsecond)
					}
				}
				s.Notify(s.Holders("complainant"), s.Holders("respondent"))
				return nil
			}},
		{Name: "to_arbitration", From: []string{"unresolved", "refused"},
			Guard: func(rec Record, _ []string, _ time.Time) error {
				if rec.(*models.Complaint).CaseID != nil {
					return models.Errorf(models.ECONFLICT, "already_in_arbitration")
				}
				return nil
			},
			Payload: func() any { return &toArbitrationPayload{} },
			Effect:  toArbitration},
		{Name: "withdraw", From: []string{"filed", "offered", "in_review", "in_mediation", "paused"}, To: "withdrawn",
			Payload: func() any { return &notePayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("respond_by", "review_by", "mediation_by")
				s.Notify(s.Holders("respondent"))
				return nil
			}},
	},
}

func complaintOf(s *Step) *models.Complaint { return s.Record.(*models.Complaint) }

func complainantOf(s *Step) models.Recipient {
	return models.Recipient{Type: "user", ID: complaintOf(s).ComplainantID}
}

func respondentOf(s *Step) models.Recipient {
	return models.Recipient{Type: "party", ID: complaintOf(s).RespondentID}
}

func officeOf(s *Step) models.Recipient {
	return models.Recipient{Type: "jurisdiction", ID: complaintOf(s).Jurisdiction}
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
