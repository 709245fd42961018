package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// FileComplaint files a consumer's complaint.
func (h *Handlers) FileComplaint(c *fiber.Ctx) error {
	var in models.NewComplaint
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	complaint, err := workflows.FileAs[models.Complaint](ctx, h.Engine, currentUser(c), "complaints", &in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(recordView("complaints", complaint.ID, complaint))
}

// ListComplaints lists the complaints the caller may see, newest first; ?status= narrows.
func (h *Handlers) ListComplaints(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := workflows.List[models.Complaint](ctx, h.Engine, currentUser(c), "complaints", c.Query("status"), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}
