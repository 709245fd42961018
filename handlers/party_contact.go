package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// PartyContact answers the address a party's notices also go to ({"party_id", "contact_email"}).
func (h *Handlers) PartyContact(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	contact, err := h.Store.PartyContactOf(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(contact)
}

// SetPartyContact sets a party's contact address ({"contact_email": "..."}; null or "" removes it).
func (h *Handlers) SetPartyContact(c *fiber.Ctx) error {
	var in models.PartyContact
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.PartyID = c.Params("id")
	ctx, cancel := ctx(c)
	defer cancel()
	contact, err := h.Store.SetPartyContact(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(contact)
}

// PartyContactForm sets a party's contact address from its page and goes back to it.
func (h *Handlers) PartyContactForm(c *fiber.Ctx) error {
	partyID := c.Params("id")
	email := c.FormValue("contact_email")
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.SetPartyContact(ctx, actor(c), models.PartyContact{PartyID: partyID, Email: &email}); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderCredit(c, fiber.StatusUnprocessableEntity, partyID,
				fiber.Map{"ContactEmail": email, "Errors": fields, "FormError": msg, "Refused": "contact"})
		})
	}
	return c.Redirect("/parties/"+url.PathEscape(partyID)+"/credit?done=contact#party-contact", fiber.StatusSeeOther)
}
