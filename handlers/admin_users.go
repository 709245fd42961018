package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateUser makes an account of any role (admin).
func (h *Handlers) CreateUser(c *fiber.Ctx) error {
	var in models.NewUser
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	u, err := h.Store.CreateUser(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": u})
}

// ListUsers pages through accounts (admin).
func (h *Handlers) ListUsers(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	users, next, err := h.Store.ListUsers(ctx, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(users, next))
}
