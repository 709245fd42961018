package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// FileClaim files a consumer's after-sales claim.
func (h *Handlers) FileClaim(c *fiber.Ctx) error {
	var in models.NewClaim
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	claim, err := workflows.FileAs[models.Claim](ctx, h.Engine, currentUser(c), "claims", &in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(recordView("claims", claim.ID, claim))
}

// ListClaims lists the claims the caller may see, newest first; ?status= narrows.
func (h *Handlers) ListClaims(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := workflows.List[models.Claim](ctx, h.Engine, currentUser(c), "claims", c.Query("status"), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}
