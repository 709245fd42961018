package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// Audit pages through the audit trail, newest first; ?verify=true also walks the whole chain.
func (h *Handlers) Audit(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.AuditPage(ctx, p)
	if err != nil {
		return err
	}
	out := fiber.Map{"items": items, "next_cursor": next}
	if c.QueryBool("verify") {
		v, err := h.Store.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		out["verified"], out["records"], out["first_broken"] = v.Verified, v.Records, v.FirstBroken
	}
	return c.JSON(out)
}
