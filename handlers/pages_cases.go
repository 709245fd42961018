package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

func caseFacts(k *models.ArbitrationCase) (string, []fact, []fact) {
	facts := []fact{
		{"field_label.amount", k.Amount + " " + k.Currency},
		{"field_label.procedure", "procedure." + k.Procedure},
		{"field_label.respondent_id", k.RespondentID},
		{"field_label.claim", k.Claim},
		{"field_label.agreement", k.Agreement},
	}
	if k.ArbitratorID != nil {
		facts = append(facts, fact{"field_label.arbitrator_id", *k.ArbitratorID})
	}
	facts = append(facts, jsonFacts("defence.", k.Defence)...)
	facts = append(facts, jsonFacts("hearing.", k.Hearing)...)
	facts = append(facts, jsonFacts("award.", k.Award)...)
	facts = append(facts, jsonFacts("outcome.", k.Outcome)...)
	var links []fact
	if k.ComplaintID != nil {
		links = append(links, fact{"kind.complaints", "/complaints/" + *k.ComplaintID})
	}
	return k.Number, facts, links
}

// CasesPage is the docket: the cases the caller may see; ?status= narrows.
func (h *Handlers) CasesPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := workflows.List[models.ArbitrationCase](ctx, h.Engine, currentUser(c), "cases", c.Query("status"), p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "cases", "kind.cases", fiber.Map{"Items": items, "NextCursor": next, "Status": c.Query("status")})
}

// RulingsPage shows the published awards, anonymised, to anyone.
func (h *Handlers) RulingsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.PublicRulings(ctx, p)
	if err != nil {
		return err
	}
	type ruling struct {
		models.Ruling
		Facts []fact
	}
	out := make([]ruling, len(items))
	for i, r := range items {
		out[i] = ruling{Ruling: r, Facts: jsonFacts("award.", r.Award)}
	}
	return render(c, fiber.StatusOK, "rulings", "nav.rulings", fiber.Map{"Items": out, "NextCursor": next})
}
