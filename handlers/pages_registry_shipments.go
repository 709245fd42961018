package handlers

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// ShipmentsPage lists the shipments, newest first; ?waybill= finds one.
func (h *Handlers) ShipmentsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListShipments(ctx, models.ShipmentFilter{Waybill: c.Query("waybill")}, p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "registry_shipments", "registry.shipments", fiber.Map{"Items": items, "NextCursor": next})
}

// ShipmentPage shows a shipment with its parties named.
func (h *Handlers) ShipmentPage(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	sh, err := h.Store.ShipmentByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	var ids []string
	for _, id := range []*string{sh.CarrierID, sh.FromPartyID, sh.ToPartyID} {
		if id != nil {
			ids = append(ids, *id)
		}
	}
	names, err := h.Store.PartyNames(ctx, ids)
	if err != nil {
		return err
	}
	var declaration *models.Declaration
	if sh.DeclarationID != nil {
		if declaration, err = h.Store.DeclarationByID(ctx, *sh.DeclarationID); err != nil {
			return err
		}
	}
	return render(c, fiber.StatusOK, "registry_shipment", "registry.shipment.title", fiber.Map{"Shipment": sh, "Names": names,
		"Declaration": declaration})
}

// shipmentForm is the shipment form as typed; the times are datetime-local values.
type shipmentForm struct {
	DeclarationID string `form:"declaration_id"`
	CarrierID     string `form:"carrier_id"`
	Waybill       string `form:"waybill"`
	Status        string `form:"status"`
	FromPartyID   string `form:"from_party_id"`
	ToPartyID     string `form:"to_party_id"`
	ShippedAt     string `form:"shipped_at"`
	ArrivedAt     string `form:"arrived_at"`
}

func (h *Handlers) renderShipmentForm(c *fiber.Ctx, status int, form shipmentForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	declarations, _, err := h.Store.ListDeclarations(ctx, models.DeclarationFilter{}, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	carriers, err := h.Store.PartiesOfKind(ctx, "logistics")
	if err != nil {
		return err
	}
	parties, err := h.Store.PartiesOfKind(ctx, models.PartyKinds...)
	if err != nil {
		return err
	}
	return render(c, status, "registry_shipment_new", "registry.shipment.new", fiber.Map{"Form": form, "Errors": errs,
		"FormError": msg, "Declarations": declarations, "Carriers": carriers, "Parties": parties, "Statuses": models.ShipmentStatuses})
}

// NewShipmentPage shows the shipment form; ?declaration_id= preselects the declaration.
func (h *Handlers) NewShipmentPage(c *fiber.Ctx) error {
	return h.renderShipmentForm(c, fiber.StatusOK, shipmentForm{DeclarationID: c.Query("declaration_id"), Status: "in_transit",
		ShippedAt: h.nowForInput()}, map[string]string{}, "")
}

// RegisterShipment registers a shipment from the form and opens it.
func (h *Handlers) RegisterShipment(c *fiber.Ctx) error {
	var form shipmentForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	in := models.NewShipment{DeclarationID: optionalField(form.DeclarationID), CarrierID: optionalField(form.CarrierID),
		Waybill: form.Waybill, Status: form.Status, FromPartyID: optionalField(form.FromPartyID), ToPartyID: optionalField(form.ToPartyID)}
	var bad []models.FieldError
	for _, t := range []struct {
		field, value string
		into         **time.Time
	}{{"shipped_at", form.ShippedAt, &in.ShippedAt}, {"arrived_at", form.ArrivedAt, &in.ArrivedAt}} {
		switch at, ok := formDateTime(t.value); {
		case !ok:
			bad = append(bad, models.FieldError{Field: t.field, Rule: "date"})
		case !at.IsZero():
			*t.into = &at
		}
	}
	refused := func(err error) error {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderShipmentForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
		})
	}
	if len(bad) > 0 {
		return refused(unreadable(in.Validate(), bad...))
	}
	ctx, cancel := ctx(c)
	defer cancel()
	sh, err := h.Store.CreateShipment(ctx, actor(c), in)
	if err != nil {
		return refused(err)
	}
	return c.Redirect("/registry/shipments/"+url.PathEscape(sh.ID), fiber.StatusSeeOther)
}
