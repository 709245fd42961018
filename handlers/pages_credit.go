package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// PartyCreditPage shows a party's public credit record: score and grade with how the score is
// made, negative-list status, certifications and the records behind it.
func (h *Handlers) PartyCreditPage(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	credit, err := h.Store.CreditOf(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	name := credit.Party.Name
	if lang(c) == "en" && credit.Party.NameEn != "" {
		name = credit.Party.NameEn
	}
	return render(c, fiber.StatusOK, "credit", "credit.title", fiber.Map{"Credit": credit, "PartyName": name})
}

// NegativeListPage lists the parties on the negative list now; ?q= searches names and
// registration codes.
func (h *Handlers) NegativeListPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	q := c.Query("q")
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.NegativeList(ctx, q, p)
	if err != nil {
		return err
	}
	extra := fiber.Map{"Items": items, "Q": q}
	if next != nil {
		extra["More"] = "/negative-list?" + url.Values{"q": {q}, "cursor": {*next}}.Encode()
	}
	return render(c, fiber.StatusOK, "negative_list", "negative.title", extra)
}
