package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// PartiesPage lists the registered parties, newest first; ?kind= narrows.
func (h *Handlers) PartiesPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListParties(ctx, models.PartyFilter{Kind: c.Query("kind")}, p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "registry_parties", "registry.parties", fiber.Map{"Items": items, "NextCursor": next,
		"Kind": c.Query("kind"), "Kinds": models.PartyKinds, "Registered": c.Query("registered")})
}

// partyForm is the party form as typed.
type partyForm struct {
	Kind             string `form:"kind"`
	Name             string `form:"name"`
	NameEn           string `form:"name_en"`
	Country          string `form:"country"`
	RegistrationCode string `form:"registration_code"`
	Jurisdiction     string `form:"jurisdiction"`
	Address          string `form:"address"`
}

func (h *Handlers) renderPartyForm(c *fiber.Ctx, status int, form partyForm, errs map[string]string, msg string) error {
	return render(c, status, "registry_party_new", "registry.party.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Kinds": models.PartyKinds, "Jurisdictions": jurisdictionCodes})
}

// NewPartyPage shows the party form; ?kind= preselects the kind.
func (h *Handlers) NewPartyPage(c *fiber.Ctx) error {
	return h.renderPartyForm(c, fiber.StatusOK, partyForm{Kind: c.Query("kind"), Country: "CN"}, map[string]string{}, "")
}

// RegisterParty registers a party from the form (a Chinese firm's code is checked as a unified
// social credit code) and shows it at the top of the list.
func (h *Handlers) RegisterParty(c *fiber.Ctx) error {
	var form partyForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	in := models.NewParty{Kind: form.Kind, Name: form.Name, NameEn: form.NameEn, Country: form.Country,
		RegistrationCode: form.RegistrationCode, Jurisdiction: optionalField(form.Jurisdiction), Address: form.Address}
	ctx, cancel := ctx(c)
	defer cancel()
	party, err := h.Store.CreateParty(ctx, actor(c), in)
	if err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderPartyForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
		})
	}
	return c.Redirect("/registry/parties?registered="+url.QueryEscape(party.ID), fiber.StatusSeeOther)
}
