package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// DeclarationsPage lists the declarations (清单), newest first; ?logistics_no= finds a waybill's.
func (h *Handlers) DeclarationsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListDeclarations(ctx, models.DeclarationFilter{LogisticsNo: c.Query("logistics_no")}, p)
	if err != nil {
		return err
	}
	var importers []string
	for _, d := range items {
		importers = append(importers, d.ImporterID)
	}
	names, err := h.Store.PartyNames(ctx, importers)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "registry_declarations", "registry.declarations", fiber.Map{"Items": items,
		"NextCursor": next, "Importers": names})
}

// DeclarationPage shows a declaration with its lines and the shipments registered under it.
func (h *Handlers) DeclarationPage(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	d, err := h.Store.DeclarationByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	parties := []string{d.ImporterID}
	for _, id := range []*string{d.EbcID, d.EbpID} {
		if id != nil {
			parties = append(parties, *id)
		}
	}
	names, err := h.Store.PartyNames(ctx, parties)
	if err != nil {
		return err
	}
	var productIDs []string
	for _, l := range d.Lines {
		if l.ProductID != nil {
			productIDs = append(productIDs, *l.ProductID)
		}
	}
	products, err := h.Store.ProductNames(ctx, productIDs)
	if err != nil {
		return err
	}
	shipments, _, err := h.Store.ListShipments(ctx, models.ShipmentFilter{DeclarationID: d.ID}, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "registry_declaration", "registry.declaration.title", fiber.Map{"Declaration": d,
		"Names": names, "Products": products, "Shipments": shipments})
}
