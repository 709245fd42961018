package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// UpdateMe changes the caller's own settings ({"email_notices": true|false}: whether their
// notices also come by e-mail) and answers the account as it now stands.
func (h *Handlers) UpdateMe(c *fiber.Ctx) error {
	var in models.AccountSettings
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	u, err := h.Store.UpdateAccount(ctx, actor(c), currentUser(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// NoticesForm saves the account page's choice: notices by e-mail when the box is ticked (an
// unticked box sends nothing).
func (h *Handlers) NoticesForm(c *fiber.Ctx) error {
	on := c.FormValue("email_notices") == "on"
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.UpdateAccount(ctx, actor(c), currentUser(c).ID, models.AccountSettings{EmailNotices: &on}); err != nil {
		return err
	}
	return c.Redirect("/account?done=notices#notices", fiber.StatusSeeOther)
}
