package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateAlert raises a risk alert.
func (h *Handlers) CreateAlert(c *fiber.Ctx) error {
	var in models.NewAlert
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	a, err := h.Store.CreateAlert(ctx, actor(c), currentUser(c).Jurisdiction, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// ListAlerts lists every alert, newest first (inspectors and the zone office).
func (h *Handlers) ListAlerts(c *fiber.Ctx) error { return h.alerts(c, false) }

// PublicAlerts lists the public alerts and recalls, for anyone.
func (h *Handlers) PublicAlerts(c *fiber.Ctx) error { return h.alerts(c, true) }

func (h *Handlers) alerts(c *fiber.Ctx, onlyPublic bool) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListAlerts(ctx, onlyPublic, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// GetAlert answers one alert.
func (h *Handlers) GetAlert(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	a, err := h.Store.AlertByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}
