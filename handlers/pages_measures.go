package handlers

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
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
	items, next, err := h.Engine.ListMeasures(ctx, currentUser(c), c.Query("status"), p)
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
	items, next, err := h.Engine.ListInvestigations(ctx, currentUser(c), c.Query("status"), p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "investigations", "kind.investigations", fiber.Map{"Items": items, "NextCursor": next})
}

// IssueMeasureForm orders a measure from a listing's page; the deadline is the end of the chosen day.
func (h *Handlers) IssueMeasureForm(c *fiber.Ctx) error {
	listingID := c.FormValue("listing_id")
	in := models.NewMeasure{Kind: c.FormValue("kind"), Basis: c.FormValue("basis")}
	if listingID != "" {
		in.ListingID = &listingID
	}
	if d, err := time.ParseInLocation("2006-01-02", c.FormValue("deadline"), hangzhou()); err == nil {
		in.Deadline = d.Add(24*time.Hour - time.Second)
	}
	ctx, cancel := ctx(c)
	defer cancel()
	m, err := h.Engine.IssueMeasure(ctx, currentUser(c), in)
	if err != nil {
		if listingID == "" { // not from a listing's page: the error page says what is wrong
			return err
		}
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return h.renderListing(c, fiber.StatusUnprocessableEntity, listingID, fields, msg)
	}
	return c.Redirect("/measures/"+url.PathEscape(m.ID), fiber.StatusSeeOther)
}
