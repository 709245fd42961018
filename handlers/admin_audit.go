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
	// Verifying links the records waiting for the chain first, so the page then shows them linked.
	out := fiber.Map{}
	if c.QueryBool("verify") {
		v, err := h.Store.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		out["verified"], out["records"], out["first_broken"] = v.Verified, v.Records, v.FirstBroken
	}
	items, next, err := h.Store.AuditPage(ctx, p)
	if err != nil {
		return err
	}
	out["items"], out["next_cursor"] = items, next
	return c.JSON(out)
}
