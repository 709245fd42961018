package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// HandOff hands a case to the jurisdiction of the responsible party (属地查处).
func (h *Handlers) HandOff(c *fiber.Ctx) error {
	var in models.NewHandoff
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	inv, err := workflows.FileAs[models.Investigation](ctx, h.Engine, currentUser(c), "investigations", &in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"investigation_id": inv.ID, "investigation": recordView("investigations", inv.ID, inv)})
}

// ListInvestigations lists the investigations of the caller's jurisdiction; ?status= narrows.
func (h *Handlers) ListInvestigations(c *fiber.Ctx) error {
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
	return c.JSON(listOf(items, next))
}
