package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateParty registers a firm of the supply chain.
func (h *Handlers) CreateParty(c *fiber.Ctx) error {
	var in models.NewParty
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	p, err := h.Store.CreateParty(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// ListParties lists parties, newest first; ?kind=, ?country= and ?registration_code= narrow.
func (h *Handlers) ListParties(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	f := models.PartyFilter{Kind: c.Query("kind"), Country: c.Query("country"), RegistrationCode: c.Query("registration_code")}
	items, next, err := h.Store.ListParties(ctx, f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// Party answers one party.
func (h *Handlers) Party(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	p, err := h.Store.PartyByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}
