package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateTraceEvent records an EPCIS-shaped trace event (source "api") under a new urn:uuid id.
func (h *Handlers) CreateTraceEvent(c *fiber.Ctx) error {
	var in models.NewTraceEvent
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	ev, err := h.Store.CreateTraceEvent(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ev)
}

// ListTraceEvents lists trace events in the order they happened; ?product_id= and ?batch_id= narrow.
func (h *Handlers) ListTraceEvents(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	f := models.TraceEventFilter{ProductID: c.Query("product_id"), BatchID: c.Query("batch_id")}
	items, next, err := h.Store.ListTraceEvents(ctx, f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}
