package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// Home shows what the caller's roles can do here.
func (h *Handlers) Home(c *fiber.Ctx) error {
	extra := fiber.Map{}
	if u := currentUser(c); u != nil {
		extra["SignedInAs"] = h.T(lang(c), "home.signed_in_as", map[string]any{"Name": u.Name})
	}
	return render(c, fiber.StatusOK, "home", "", extra)
}

// AuditPage shows the audit trail, newest first, and verifies the chain on request.
func (h *Handlers) AuditPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	extra := fiber.Map{}
	if c.QueryBool("verify") { // first: it links the records waiting for the chain
		v, err := h.Store.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		extra["Verification"] = v
		extra["VerifiedText"] = h.T(lang(c), "audit.verified", map[string]any{"Records": v.Records})
		if v.FirstBroken != nil {
			extra["BrokenText"] = h.T(lang(c), "audit.broken", map[string]any{"ID": *v.FirstBroken})
		}
	}
	recs, next, err := h.Store.AuditPage(ctx, p)
	if err != nil {
		return err
	}
	extra["Records"], extra["NextCursor"] = recs, next
	return render(c, fiber.StatusOK, "audit", "audit.title", extra)
}
