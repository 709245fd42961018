package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/hzcbec/portal/models"
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
		out["problem"], out["checkpoints"] = v.Problem, v.Checkpoints
	}
	items, next, err := h.Store.AuditPage(ctx, p)
	if err != nil {
		return err
	}
	out["items"], out["next_cursor"] = items, next
	return c.JSON(out)
}

// AuditCheckpoint publishes the latest signed checkpoint of the audit log (a C2SP signed note:
// origin, tree size, base64 root hash, time, signature lines), for anyone to keep and check.
func (h *Handlers) AuditCheckpoint(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	signed, err := h.Store.LatestCheckpoint(ctx)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.SendString(signed)
}

// AuditVerifierKey publishes the public key that checkpoints are signed with.
func (h *Handlers) AuditVerifierKey(c *fiber.Ctx) error {
	k := h.Store.AuditKey()
	if k == nil {
		return models.Errorf(models.ENOTFOUND, "not_found")
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(k.VerifierKey + "\n")
}

// AuditProof proves that a record is in the log a signed checkpoint covers.
func (h *Handlers) AuditProof(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return models.Errorf(models.ENOTFOUND, "not_found")
	}
	ctx, cancel := ctx(c)
	defer cancel()
	p, err := h.Store.ProveAuditRecord(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}
