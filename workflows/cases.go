package workflows

import (
	"time"

	"github.com/hzcbec/portal/models"
)

// Case payloads.
type (
	reasonPayload struct {
		Reason string `json:"reason" validate:"required,max=2000"`
	}
	defencePayload struct {
		Defence string `json:"defence" validate:"required,max=20000"`
	}
	appointPayload struct {
		ArbitratorID string `json:"arbitrator_id" validate:"required,max=64"`
	}
	hearingPayload struct {
		At   time.Time `json:"at" validate:"required"`
		Mode string    `json:"mode" validate:"required,oneof=online documents_only"`
	}
	awardPayload struct {
		Outcome   string `json:"outcome" validate:"required,oneof=upheld partially_upheld dismissed"`
		Amount    string `json:"amount" validate:"omitempty,money"`
		Currency  string `json:"currency" validate:"omitempty,iso4217"`
		Reasoning string `json:"reasoning" validate:"required,max=20000"`
	}
	termsPayload struct {
		Terms string `json:"terms" validate:"required,max=5000"`
	}
	toArbitrationPayload struct {
		Claim     string `json:"claim" validate:"max=10000"`
		Agreement string `json:"agreement" validate:"required,max=5000"`
	}
)

// caseFlow is the online arbitration workflow (CIETAC online rules; PRC Arbitration Law 2025,
// in force 2026-03-01, online by default): the institution's secretary accepts and serves notice,
// the respondent defends (silence proceeds in default), a tribunal free of conflicts is appointed,
// hears the case online or on documents, and issues an award that is published anonymised.
var caseFlow = &Workflow{
	Kind:   "cases",
	Object: "case",
	States: []string{"filed", "accepted", "rejected", "defence_filed", "tribunal_formed", "hearing", "deliberation",
		"awarded", "published", "settled", "complied", "non_compliant", "withdrawn"},
	Open:     []string{"filed", "accepted", "defence_filed", "tribunal_formed", "hearing", "deliberation"},
	Sides:    []string{"claimant", "respondent"},
	New:      func() Record { return &models.ArbitrationCase{} },
	Timeouts: map[string]string{"defence_by": "submit_defence"},
	// A consumer files with the arbitration agreement; the merchant and the institution's
	// arbitrators are told. A complaint goes to arbitration by its own action (to_arbitration).
	Filing: &Filing{Name: "file", To: "filed", Payload: func() any { return &models.NewCase{} },
		Effect: func(s *Step) error {
			in := s.Payload.(*models.NewCase)
			if in.ComplaintID != nil {
				return models.Invalid(models.FieldError{Field: "complaint_id", Rule: "use_to_arbitration"})
			}
			return fillCase(s, *in)
		}},
	Actions: []*Action{
		{Name: "accept", From: []string{"filed"}, To: "accepted",
			Effect: func(s *Step) error {
				// Acceptance serves the notice electronically: the respondent's time to defend starts now.
				c := caseOf(s)
				s.Set("secretary_id", s.Actor.UserID)
				s.StartDeadline("defence_by", "case.defence_"+c.Procedure)
				s.Notify(caseClaimant(c), caseRespondent(c))
				return nil
			}},
		{Name: "reject", From: []string{"filed"}, To: "rejected",
			Payload: func() any { return &reasonPayload{} },
			Effect: func(s *Step) error {
				s.Set("outcome", jsonOf(map[string]any{"rejected": s.Payload.(*reasonPayload).Reason}))
				s.Notify(caseClaimant(caseOf(s)))
				return nil
			}},
		{Name: "submit_defence", From: []string{"accepted"}, To: "defence_filed",
			Payload: func() any { return &defencePayload{} },
			Effect: func(s *Step) error {
				c := caseOf(s)
				s.StopDeadlines("defence_by")
				if has(s.Relations, "system") {
					// The respondent let the time pass: the case proceeds in default.
					s.Set("defence", jsonOf(map[string]any{"in_default": true}))
				} else {
					s.Set("defence", jsonOf(map[string]any{"in_default": false, "text": s.Payload.(*defencePayload).Defence}))
				}
				s.Notify(caseClaimant(c), caseSecretary(c))
				return nil
			}},
		{Name: "appoint", From: []string{"defence_filed"}, To: "tribunal_formed",
			Payload: func() any { return &appointPayload{} },
			Effect: func(s *Step) error {
				c := caseOf(s)
				id := s.Payload.(*appointPayload).ArbitratorID
				a, err := s.Store.UserByID(s.Ctx, id)
				if err != nil || !a.Roles.Has(models.RoleArbitrator) {
					return models.Invalid(models.FieldError{Field: "arbitrator_id", Rule: "arbitrator"})
				}
				// Conflict of interest: an arbitrator who is a party, or staff of one, may not sit.
				if a.ID == c.ClaimantID || (a.PartyID != nil && *a.PartyID == c.RespondentID) {
					return &models.Error{Code: models.ECONFLICT, Message: "arbitrator_conflict",
						Fields: []models.FieldError{{Field: "arbitrator_id", Rule: "conflict"}}}
				}
				s.Set("arbitrator_id", a.ID)
				if c.Procedure == "summary" {
					s.StartDeadline("award_by", "case.award")
				}
				s.Notify(models.Recipient{Type: "user", ID: a.ID}, caseClaimant(c), caseRespondent(c))
				return nil
			}},
		{Name: "object_to_arbitrator", From: []string{"tribunal_formed"}, To: "defence_filed",
			// After the arbitrator's disclosure a party may object; the secretary appoints again.
			// Each side objects to one arbitrator once: objections cannot stall a case for ever.
			Payload: func() any { return &reasonPayload{} },
			Effect: func(s *Step) error {
				c := caseOf(s)
				if c.ArbitratorID != nil {
					objected, err := s.Store.HasObjected(s.Ctx, c.ID, s.Transition.Relation, *c.ArbitratorID)
					if err != nil {
						return err
					}
					if objected {
						return models.Errorf(models.ECONFLICT, "already_objected")
					}
					s.Transition.Payload = map[string]any{"reason": s.Payload.(*reasonPayload).Reason, "arbitrator_id": *c.ArbitratorID}
				}
				s.Set("arbitrator_id", nil)
				s.StopDeadlines("award_by")
				if c.ArbitratorID != nil {
					s.Notify(models.Recipient{Type: "user", ID: *c.ArbitratorID})
				}
				s.Notify(caseSecretary(c), caseClaimant(c), caseRespondent(c))
				return nil
			}},
		{Name: "schedule_hearing", From: []string{"tribunal_formed"}, To: "hearing",
			Payload: func() any { return &hearingPayload{} },
			Effect: func(s *Step) error {
				p := s.Payload.(*hearingPayload)
				if p.Mode == "online" && !p.At.After(s.Now) {
					return models.Invalid(models.FieldError{Field: "at", Rule: "future"})
				}
				c := caseOf(s)
				s.Set("hearing", jsonOf(map[string]any{"at": p.At.UTC(), "mode": p.Mode}))
				s.Notify(caseClaimant(c), caseRespondent(c))
				return nil
			}},
		{Name: "close_hearing", From: []string{"hearing"}, To: "deliberation"},
		{Name: "issue_award", From: []string{"deliberation"}, To: "awarded",
			Payload: func() any { return &awardPayload{} },
			Effect: func(s *Step) error {
				c := caseOf(s)
				p := s.Payload.(*awardPayload)
				if p.Outcome != "dismissed" && (p.Amount == "") != (p.Currency == "") {
					return models.Invalid(models.FieldError{Field: "currency", Rule: "required_with", Param: "amount"})
				}
				s.StopDeadlines("award_by")
				if p.Outcome != "dismissed" {
					s.CreditRecord(c.RespondentID, "award_against")
					s.StartDeadline("comply_by", "case.comply") // what the award orders is due then
				}
				s.Set("award", jsonOf(map[string]any{"outcome": p.Outcome, "amount": p.Amount, "currency": p.Currency,
					"reasoning": p.Reasoning, "issued_at": s.Now.UTC()}))
				s.Notify(caseClaimant(c), caseRespondent(c))
				return nil
			}},
		{Name: "publish", From: []string{"awarded"}, To: "published",
			Effect: func(s *Step) error {
				s.Set("published_at", s.Now.UTC())
				return nil
			}},
		{Name: "settle", From: []string{"accepted", "defence_filed", "tribunal_formed", "hearing", "deliberation"}, To: "settled",
			Payload: func() any { return &termsPayload{} },
			Effect: func(s *Step) error {
				// Conciliation at any time ends in a consent award.
				c := caseOf(s)
				s.StopDeadlines("defence_by", "award_by")
				s.Set("outcome", jsonOf(map[string]any{"consent_award": s.Payload.(*termsPayload).Terms}))
				s.Notify(caseClaimant(c), caseRespondent(c))
				return nil
			}},
		{Name: "record_compliance", From: []string{"awarded", "published"}, To: "complied",
			Effect: func(s *Step) error {
				s.StopDeadlines("comply_by")
				s.Notify(caseClaimant(caseOf(s)))
				return nil
			}},
		// Non-compliance can be reported only of an award that ordered the respondent to do
		// something (not one that dismissed the claim), and only once its time to comply is over
		// (issue 12: a consumer who lost could mark the merchant's credit record).
		{Name: "report_non_compliance", From: []string{"awarded", "published"}, To: "non_compliant",
			Guard: func(rec Record, _ []string, now time.Time) error {
				due, ordered := rec.State().Deadlines["comply_by"]
				if !ordered {
					return models.Errorf(models.ECONFLICT, "nothing_ordered")
				}
				if now.Before(due) {
					return models.Errorf(models.ECONFLICT, "too_early")
				}
				return nil
			},
			Payload: func() any { return &notePayload{} },
			Effect: func(s *Step) error {
				c := caseOf(s)
				s.StopDeadlines("comply_by")
				s.Set("outcome", jsonOf(map[string]any{"non_compliance": s.Payload.(*notePayload).Reason}))
				s.ConsumerCreditRecord(c.ClaimantID, c.RespondentID, "award_non_compliance")
				s.Notify(caseRespondent(c), caseSecretary(c))
				return nil
			}},
		{Name: "withdraw", From: []string{"filed", "accepted", "defence_filed", "tribunal_formed", "hearing"}, To: "withdrawn",
			Payload: func() any { return &notePayload{} },
			Effect: func(s *Step) error {
				s.StopDeadlines("defence_by", "award_by")
				s.Notify(caseRespondent(caseOf(s)))
				return nil
			}},
	},
}

func caseOf(s *Step) *models.ArbitrationCase { return s.Record.(*models.ArbitrationCase) }

func caseClaimant(c *models.ArbitrationCase) models.Recipient {
	return models.Recipient{Type: "user", ID: c.ClaimantID}
}

func caseRespondent(c *models.ArbitrationCase) models.Recipient {
	return models.Recipient{Type: "party", ID: c.RespondentID}
}

// caseSecretary is the secretary who accepted the case, or every secretary before that.
func caseSecretary(c *models.ArbitrationCase) models.Recipient {
	if c.SecretaryID != nil {
		return models.Recipient{Type: "user", ID: *c.SecretaryID}
	}
	return models.Recipient{Type: "role", ID: models.RoleArbitrator}
}

// fillCase makes a filed case from what is filed: the jurisdiction is the respondent's (or the
// default) so the shared workflow columns are always set; the merchant and the institution's
// arbitrators are told.
func fillCase(s *Step, in models.NewCase) error {
	jurisdiction, err := s.Store.ComplaintJurisdiction(s.Ctx, in.RespondentID, nil, s.engine.DefaultJurisdiction)
	if err != nil {
		return err
	}
	c := caseOf(s)
	*c = models.ArbitrationCase{ClaimantID: s.Actor.UserID, RespondentID: in.RespondentID, ComplaintID: in.ComplaintID,
		Amount: in.Amount, Currency: in.Currency, Claim: in.Claim, Agreement: in.Agreement, Procedure: models.ProcedureFor(in.Amount)}
	c.Jurisdiction = jurisdiction
	s.Notify(s.Holders("respondent"), models.Recipient{Type: "role", ID: models.RoleArbitrator})
	return nil
}

// maxClaimRunes is the longest claim a case holds (models.NewCase).
const maxClaimRunes = 10000

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// toArbitration is the complaint action that carries an unresolved or refused complaint to
// arbitration in one step: the case is filed (as the complainant files one) in the same
// transaction, and the two are linked both ways.
func toArbitration(s *Step) error {
	comp := complaintOf(s)
	p := s.Payload.(*toArbitrationPayload)
	claim := p.Claim
	if claim == "" {
		// The complaint's own words, as much as a claim holds: the case links the complaint.
		claim = truncate(comp.Request+"\n\n"+comp.Description, maxClaimRunes)
	}
	in := models.NewCase{RespondentID: comp.RespondentID, ComplaintID: &comp.ID, Amount: comp.Amount,
		Currency: comp.Currency, Claim: claim, Agreement: p.Agreement}
	if err := in.Validate(); err != nil { // before anything is written
		return err
	}
	id := models.NewID()
	s.Set("case_id", id)
	s.InTransaction(func(st *models.Store) error {
		_, err := s.engine.within(st).fileWith(s.Ctx, s.User, caseFlow, &in, func(cs *Step) error {
			err := fillCase(cs, in)
			caseOf(cs).ID = id
			return err
		})
		return err
	})
	return nil
}
