package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// NotificationsPage lists the caller's notices, newest first, each linking to its record;
// ?cursor= pages on.
func (h *Handlers) NotificationsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.NotificationsFor(ctx, currentUser(c), h.Policy.Reads(currentUser(c)), p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "notifications", "nav.notifications", fiber.Map{"Items": items, "NextCursor": next})
}
