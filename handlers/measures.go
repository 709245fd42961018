package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// IssueMeasure orders a measure (inspector).
func (h *Handlers) IssueMeasure(c *fiber.Ctx) error {
	var in models.NewMeasure
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	m, err := workflows.FileAs[models.Measure](ctx, h.Engine, currentUser(c), "measures", &in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(recordView("measures", m.ID, m))
}

// ListMeasures lists the measures the caller may see: addressed to their party, or issued by
// their office; ?status= narrows.
func (h *Handlers) ListMeasures(c *fiber.Ctx) error {
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
	return c.JSON(listOf(items, next))
}
