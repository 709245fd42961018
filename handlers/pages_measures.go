package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

func measureFacts(m *models.Measure) (string, []fact, []fact) {
	facts := []fact{
		{"field_label.kind", "measure." + m.Kind},
		{"field_label.target_party_id", m.TargetPartyID},
		{"field_label.deadline", localTime(m.Deadline)},
		{"field_label.basis", m.Basis},
		{"field_label.jurisdiction", "jurisdiction." + m.Jurisdiction},
	}
	facts = append(facts, jsonFacts("proof.", m.Proof)...)
	var links []fact
	if m.ListingID != nil {
		links = append(links, fact{"kind.listings", "/listings/" + *m.ListingID})
	}
	return m.Number, facts, links
}

func investigationFacts(inv *models.Investigation) (string, []fact, []fact) {
	facts := []fact{
		{"field_label.subject_type", "subject." + inv.SubjectType},
		{"field_label.reason", inv.Reason},
		{"field_label.jurisdiction", "jurisdiction." + inv.Jurisdiction},
	}
	if inv.Findings != "" {
		facts = append(facts, fact{"field_label.findings", inv.Findings}, fact{"field_label.outcome", "outcome." + inv.Outcome})
	}
	var links []fact
	if inv.SubjectType == "listing" {
		links = append(links, fact{"kind.listings", "/listings/" + inv.SubjectID})
	}
	return inv.Number, facts, links
}

// MeasuresPage lists the measures addressed to the caller's party or issued by their office.
func (h *Handlers) MeasuresPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := workflows.List[models.Measure](ctx, h.Engine, currentUser(c), "measures", c.Query("status"), p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "measures", "kind.measures", fiber.Map{"Items": items, "NextCursor": next})
}

// InvestigationsPage lists the investigations of the caller's jurisdiction.
func (h *Handlers) InvestigationsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := workflows.List[models.Investigation](ctx, h.Engine, currentUser(c), "investigations", c.Query("status"), p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "investigations", "kind.investigations", fiber.Map{"Items": items, "NextCursor": next})
}
