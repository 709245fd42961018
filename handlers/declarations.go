package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateDeclaration registers a cross-border declaration (清单) with its lines, all or nothing.
func (h *Handlers) CreateDeclaration(c *fiber.Ctx) error {
	var in models.NewDeclaration
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	d, err := h.Store.CreateDeclaration(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

// ListDeclarations lists declarations without their lines, newest first; ?logistics_no=,
// ?importer_id=, ?ebc_id= and ?number= narrow.
func (h *Handlers) ListDeclarations(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	f := models.DeclarationFilter{LogisticsNo: c.Query("logistics_no"), ImporterID: c.Query("importer_id"),
		EbcID: c.Query("ebc_id"), Number: c.Query("number")}
	items, next, err := h.Store.ListDeclarations(ctx, f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// Declaration answers one declaration with its lines.
func (h *Handlers) Declaration(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	d, err := h.Store.DeclarationByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}
