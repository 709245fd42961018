package handlers

import "github.com/gofiber/fiber/v2"

// Jurisdictions lists Hangzhou's 13 districts and counties.
func (h *Handlers) Jurisdictions(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	js, err := h.Store.Jurisdictions(ctx)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": js, "next_cursor": nil})
}
