package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// The credit forms are the browser half of the credit API: they call the same model functions
// and show the models' field errors next to the fields; nothing is validated twice.

// certificationAuthorities are the authorities whose grades are recorded (the model's oneof).
var certificationAuthorities = []string{"customs", "inspection", "tax", "market_supervision"}

// certificationForm is the certification form as typed.
type certificationForm struct {
	Authority  string `form:"authority"`
	Grade      string `form:"grade"`
	ValidFrom  string `form:"valid_from"`
	ValidUntil string `form:"valid_until"`
}

// AddCertificationForm records an authority's grade for a party and goes back to its credit page.
func (h *Handlers) AddCertificationForm(c *fiber.Ctx) error {
	var form certificationForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	partyID := c.Params("id")
	in := models.NewCertification{Authority: form.Authority, Grade: form.Grade, ValidFrom: form.ValidFrom, ValidUntil: form.ValidUntil}
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.AddCertification(ctx, actor(c), partyID, in); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderCredit(c, fiber.StatusUnprocessableEntity, partyID,
				fiber.Map{"Certification": form, "Errors": fields, "FormError": msg, "Refused": "certification"})
		})
	}
	return c.Redirect("/parties/"+url.PathEscape(partyID)+"/credit#credit-certifications", fiber.StatusSeeOther)
}

// listingForm is the form that puts a party on the negative list.
type listingForm struct {
	PartyID string `form:"party_id"`
	Reason  string `form:"reason"`
}

// ListPartyForm puts a party on the negative list by an inspector's decision and goes back to
// its credit page.
func (h *Handlers) ListPartyForm(c *fiber.Ctx) error {
	var form listingForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.ListParty(ctx, actor(c), currentUser(c).Jurisdiction, form.PartyID, form.Reason); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			if form.PartyID == "" {
				return err // not sent from a credit page: there is no page to show it on
			}
			return h.renderCredit(c, fiber.StatusUnprocessableEntity, form.PartyID,
				fiber.Map{"Reason": form.Reason, "Errors": fields, "FormError": msg, "Refused": "listing"})
		})
	}
	return c.Redirect("/parties/"+url.PathEscape(form.PartyID)+"/credit#negative-status", fiber.StatusSeeOther)
}

// appealForm is the form a listed party's staff appeal its entry with.
type appealForm struct {
	Grounds string `form:"grounds"`
}

// FileAppealForm appeals a party's stay on the negative list (its own staff) and goes back to
// the list, which says the appeal was filed.
func (h *Handlers) FileAppealForm(c *fiber.Ctx) error {
	var form appealForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	entryID := c.Params("id")
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.FileAppeal(ctx, actor(c), currentUser(c), entryID, form.Grounds); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderNegativeList(c, fiber.StatusUnprocessableEntity,
				fiber.Map{"Grounds": form.Grounds, "AppealEntry": entryID, "Errors": fields, "FormError": msg})
		})
	}
	return c.Redirect("/negative-list?appealed="+url.QueryEscape(entryID)+"#entry-"+url.PathEscape(entryID), fiber.StatusSeeOther)
}

// decisionForm is an admin's decision on an appeal: the button pressed, and why.
type decisionForm struct {
	Decision string `form:"decision"`
	Reason   string `form:"reason"`
}

// ConfirmListingForm confirms or dismisses a proposed stay from the negative list (admin) and
// goes back to it.
func (h *Handlers) ConfirmListingForm(c *fiber.Ctx) error {
	var form decisionForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	entryID := c.Params("id")
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.ConfirmListing(ctx, actor(c), entryID, form.Decision == "confirm", form.Reason); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderNegativeList(c, fiber.StatusUnprocessableEntity,
				fiber.Map{"ProposalReason": form.Reason, "DecidingProposal": entryID, "Errors": fields, "FormError": msg})
		})
	}
	return c.Redirect("/negative-list?confirmed="+url.QueryEscape(entryID)+"#proposals", fiber.StatusSeeOther)
}

// DecideAppealForm grants or denies an appeal from the negative list (admin) and goes back to
// it, which then lists the party only if the appeal was denied.
func (h *Handlers) DecideAppealForm(c *fiber.Ctx) error {
	var form decisionForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	appealID := c.Params("id")
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.DecideAppeal(ctx, actor(c), appealID, form.Decision, form.Reason); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderNegativeList(c, fiber.StatusUnprocessableEntity,
				fiber.Map{"DecisionReason": form.Reason, "DecidingAppeal": appealID, "Errors": fields, "FormError": msg})
		})
	}
	return c.Redirect("/negative-list?decided="+url.QueryEscape(appealID)+"#open-appeals", fiber.StatusSeeOther)
}
