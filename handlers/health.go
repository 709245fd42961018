package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hzcbec/portal/models"
)

// Healthz answers while the process is alive.
func (h *Handlers) Healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// Readyz answers 200 when Postgres and Meilisearch both answer, else 503. Only an admin is
// told which failed and how: a database error names hosts, roles and paths.
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
	if u := currentUser(c); u == nil || !u.Roles.Has(models.RoleAdmin) {
		return c.JSON(fiber.Map{"ready": ready})
	}
	// The job system: a stall does not stop this portal answering (readiness is about that),
	// but deadlines and notices wait, which an admin must know.
	if jobs, err := h.Store.JobsHealth(ctx); err != nil {
		checks["jobs"] = err.Error()
	} else {
		checks["jobs"] = jobs.Check()
		checks["jobs_oldest_due_seconds"] = jobs.OldestLag().Seconds()
	}
	return c.JSON(fiber.Map{"ready": ready, "checks": checks})
}

// OpenAPIDocument serves the OpenAPI 3 description of every route.
func (h *Handlers) OpenAPIDocument(c *fiber.Ctx) error {
	return c.JSON(h.OpenAPI())
}
