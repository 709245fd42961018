package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// AlertMatches lists the products and listings proposed, confirmed or rejected for one alert.
func (h *Handlers) AlertMatches(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.AlertByID(ctx, c.Params("id")); err != nil {
		return err
	}
	items, next, err := h.Store.ListAlertMatches(ctx, models.AlertMatchFilter{AlertID: c.Params("id"), Status: c.Query("status")}, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// AlertMatchQueue lists matches across alerts, newest first; ?status=proposed is the inspectors' queue.
func (h *Handlers) AlertMatchQueue(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListAlertMatches(ctx, models.AlertMatchFilter{Status: c.Query("status")}, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// ConfirmAlertMatch confirms that an alert concerns the proposed product or listing.
func (h *Handlers) ConfirmAlertMatch(c *fiber.Ctx) error {
	return h.decideAlertMatch(c, models.MatchConfirmed)
}

// RejectAlertMatch rejects a proposed match.
func (h *Handlers) RejectAlertMatch(c *fiber.Ctx) error {
	return h.decideAlertMatch(c, models.MatchRejected)
}

func (h *Handlers) decideAlertMatch(c *fiber.Ctx, decision string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	m, err := h.Store.DecideAlertMatch(ctx, actor(c), c.Params("id"), c.Params("match_id"), decision)
	if err != nil {
		return err
	}
	return c.JSON(m)
}
