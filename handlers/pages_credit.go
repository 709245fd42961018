package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/hzcbec/portal/models"
)

// PartyCreditPage shows a party's public credit record: score and grade with how the score is
// made, negative-list status, certifications and the records behind it; to those the policy lets,
// the forms to record a certification and to put the party on the negative list.
func (h *Handlers) PartyCreditPage(c *fiber.Ctx) error {
	return h.renderCredit(c, fiber.StatusOK, c.Params("id"), nil)
}

// renderCredit shows a party's credit page; extra carries a refused form back with its errors.
func (h *Handlers) renderCredit(c *fiber.Ctx, status int, partyID string, extra fiber.Map) error {
	ctx, cancel := ctx(c)
	defer cancel()
	credit, err := h.Store.CreditOf(ctx, partyID)
	if err != nil {
		return err
	}
	name := credit.Party.Name
	if lang(c) == "en" && credit.Party.NameEn != "" {
		name = credit.Party.NameEn
	}
	data := fiber.Map{"Credit": credit, "PartyName": name, "Errors": map[string]string{},
		"Authorities":   certificationAuthorities,
		"MayCertify":    h.may(c, "certification", "create"),
		"MayList":       !credit.NegativeListed && h.may(c, "negative_list", "create"),
		"Certification": certificationForm{}, "Done": c.Query("done")}
	// The address the party's notices also go to, for those who may set it (admins) only.
	if h.may(c, "party_contact", "update") {
		contact, err := h.Store.PartyContactOf(ctx, partyID)
		if err != nil {
			return err
		}
		data["MayContact"], data["ContactEmail"] = true, ""
		if contact.Email != nil {
			data["ContactEmail"] = *contact.Email
		}
	}
	for k, v := range extra {
		data[k] = v
	}
	return render(c, status, "credit", "credit.title", data)
}

// NegativeListPage lists the parties on the negative list now; ?q= searches names and
// registration codes. Staff of a listed party find the form to appeal its entry.
func (h *Handlers) NegativeListPage(c *fiber.Ctx) error {
	return h.renderNegativeList(c, fiber.StatusOK, fiber.Map{"Appealed": c.Query("appealed"), "Decided": c.Query("decided")})
}

// renderNegativeList shows the negative list; extra carries a refused appeal back with its errors.
func (h *Handlers) renderNegativeList(c *fiber.Ctx, status int, extra fiber.Map) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	q := c.Query("q")
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.NegativeList(ctx, q, false, p)
	if err != nil {
		return err
	}
	data := fiber.Map{"Items": items, "Q": q, "Errors": map[string]string{}}
	if next != nil {
		data["More"] = "/negative-list?" + url.Values{"q": {q}, "cursor": {*next}}.Encode()
	}
	// Only a party's own staff may appeal its entry (the model checks it again when they do).
	if u := currentUser(c); u != nil && u.PartyID != nil && h.may(c, "appeal", "create") {
		data["OwnParty"] = *u.PartyID
	}
	// Those who decide appeals see the open ones.
	if h.may(c, "appeal", "decide") {
		open, err := h.Store.OpenAppeals(ctx)
		if err != nil {
			return err
		}
		data["OpenAppeals"], data["Decider"] = open, true
	}
	// The zone office sees the stays rules proposed, to confirm or dismiss each.
	if h.may(c, "negative_list", "confirm") {
		proposals, _, err := h.Store.NegativeList(ctx, "", true, models.Page{Limit: 100})
		if err != nil {
			return err
		}
		data["Proposals"], data["Confirmer"] = proposals, true
	}
	for k, v := range extra {
		data[k] = v
	}
	return render(c, status, "negative_list", "negative.title", data)
}
