package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Healthz answers while the process is alive.
func (h *Handlers) Healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// Readyz answers 200 when Postgres and Meilisearch both answer, 503 naming the one that does not.
func (h *Handlers) Readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	checks := fiber.Map{"database": "ok", "search": "ok"}
	ready := true
	if err := h.Store.Ping(ctx); err != nil {
		checks["database"], ready = err.Error(), false
	}
	if err := h.Search.Ping(ctx); err != nil {
		checks["search"], ready = err.Error(), false
	}
	if !ready {
		c.Status(fiber.StatusServiceUnavailable)
	}
	return c.JSON(fiber.Map{"ready": ready, "checks": checks})
}

// OpenAPIDocument serves the OpenAPI 3 description of every route.
func (h *Handlers) OpenAPIDocument(c *fiber.Ctx) error {
	return c.JSON(h.OpenAPI())
}
