package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// PartyCredit answers a party's public credit record: score, grade, how it is made, the records
// behind it, certifications and negative-list status.
func (h *Handlers) PartyCredit(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	credit, err := h.Store.CreditOf(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(credit)
}

// NegativeList lists the parties on the negative list now; ?q= searches their names.
func (h *Handlers) NegativeList(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.NegativeList(ctx, c.Query("q"), false, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// NegativeListProposals lists the stays rules proposed, waiting for the zone office (admin).
func (h *Handlers) NegativeListProposals(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.NegativeList(ctx, c.Query("q"), true, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

type confirmationRequest struct {
	Decision string `json:"decision"` // confirm or dismiss
	Reason   string `json:"reason"`
}

// ConfirmListing confirms a proposed stay (it becomes public) or dismisses it (admin).
func (h *Handlers) ConfirmListing(c *fiber.Ctx) error {
	var in confirmationRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Decision != "confirm" && in.Decision != "dismiss" {
		return models.Invalid(models.FieldError{Field: "decision", Rule: "oneof", Param: "confirm dismiss"})
	}
	ctx, cancel := ctx(c)
	defer cancel()
	e, err := h.Store.ConfirmListing(ctx, actor(c), c.Params("id"), in.Decision == "confirm", in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

type listPartyRequest struct {
	PartyID string `json:"party_id"`
	Reason  string `json:"reason"`
}

// ListParty puts a party on the negative list by an inspector's decision.
func (h *Handlers) ListParty(c *fiber.Ctx) error {
	var in listPartyRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	entry, err := h.Store.ListParty(ctx, actor(c), currentUser(c).Jurisdiction, in.PartyID, in.Reason)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(entry)
}

type appealRequest struct {
	Grounds string `json:"grounds"`
}

// FileAppeal appeals a party's stay on the negative list (its own staff).
func (h *Handlers) FileAppeal(c *fiber.Ctx) error {
	var in appealRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	a, err := h.Store.FileAppeal(ctx, actor(c), currentUser(c), c.Params("id"), in.Grounds)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// DecideAppeal grants or denies an appeal (admin).
func (h *Handlers) DecideAppeal(c *fiber.Ctx) error {
	var in decisionRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	a, err := h.Store.DecideAppeal(ctx, actor(c), c.Params("id"), in.Decision, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// AddCertification records an authority's grade for a party (inspector).
func (h *Handlers) AddCertification(c *fiber.Ctx) error {
	var in models.NewCertification
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	cert, err := h.Store.AddCertification(ctx, actor(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cert)
}
