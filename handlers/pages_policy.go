package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// may asks the access policy, as the route table's guard does, whether the caller may do act on
// obj: a page offers a link or shows a record only to those the policy lets use it.
func (h *Handlers) may(c *fiber.Ctx, obj, act string) bool {
	if h.Policy == nil {
		return false
	}
	return h.Policy.MayAs(currentUser(c), obj, act)
}
