package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// FileCase files an arbitration case (consumer).
func (h *Handlers) FileCase(c *fiber.Ctx) error {
	var in models.NewCase
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	arbitration, err := workflows.FileAs[models.ArbitrationCase](ctx, h.Engine, currentUser(c), "cases", &in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(recordView("cases", arbitration.ID, arbitration))
}

// ListCases lists the cases the caller may see, newest first; ?status= narrows.
func (h *Handlers) ListCases(c *fiber.Ctx) error {
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
	return c.JSON(listOf(items, next))
}

// PublicRulings lists published awards, anonymised, for anyone.
func (h *Handlers) PublicRulings(c *fiber.Ctx) error {
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
	return c.JSON(listOf(items, next))
}
