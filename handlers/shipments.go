package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateShipment registers a shipment under its waybill.
func (h *Handlers) CreateShipment(c *fiber.Ctx) error {
	var in models.NewShipment
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	sh, err := h.Store.CreateShipment(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sh)
}

// ListShipments lists shipments, newest first; ?declaration_id=, ?waybill=, ?carrier_id= and ?status= narrow.
func (h *Handlers) ListShipments(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	f := models.ShipmentFilter{DeclarationID: c.Query("declaration_id"), Waybill: c.Query("waybill"),
		CarrierID: c.Query("carrier_id"), Status: c.Query("status")}
	items, next, err := h.Store.ListShipments(ctx, f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// Shipment answers one shipment.
func (h *Handlers) Shipment(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	sh, err := h.Store.ShipmentByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(sh)
}
