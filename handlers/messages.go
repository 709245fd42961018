package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// The conversation on a workflow record, the same for every kind; kind is fixed by the route line.

// PostMessage answers POST /{kind}/{id}/messages {body} with the new message.
func (h *Handlers) PostMessage(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in models.NewMessage
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		ctx, cancel := ctx(c)
		defer cancel()
		m, err := h.Engine.PostMessage(ctx, currentUser(c), kind, c.Params("id"), in.Body)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(m)
	}
}

// ListMessages answers GET /{kind}/{id}/messages, oldest first.
func (h *Handlers) ListMessages(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := page(c)
		if err != nil {
			return err
		}
		ctx, cancel := ctx(c)
		defer cancel()
		items, next, err := h.Engine.Messages(ctx, currentUser(c), kind, c.Params("id"), p)
		if err != nil {
			return err
		}
		return c.JSON(listOf(items, next))
	}
}
