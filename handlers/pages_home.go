package handlers

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// startHere are, for each role, the pages a newcomer in it begins with, the first most telling.
var startHere = map[string][]string{
	"public":     {"/alerts", "/rulings", "/stats"},
	"consumer":   {"/complaints", "/claims", "/alerts"},
	"merchant":   {"/complaints", "/claims", "/measures"},
	"platform":   {"/complaints", "/listings"},
	"inspector":  {"/listings", "/complaints", "/inspect/matches", "/measures"},
	"arbitrator": {"/cases", "/rulings"},
	"admin":      {"/negative-list", "/stats", "/admin/audit"},
}

// roleCard is a role's card on the home page: what it does here and where to start.
type roleCard struct {
	Role  string
	Start []navItem
}

// Home shows what the caller's roles can do here, and for each where to start: the pages of
// startHere the live policy lets the caller open (those of the navigation).
func (h *Handlers) Home(c *fiber.Ctx) error {
	u := currentUser(c)
	roles := []string{"public"}
	extra := fiber.Map{}
	if u != nil {
		extra["SignedInAs"] = h.T(lang(c), "home.signed_in_as", map[string]any{"Name": u.Name})
		roles = []string(u.Roles)
	}
	policy, _ := c.Locals(PolicyKey).(*models.Policy)
	nav := navFor(policy, u, "/")
	var cards []roleCard
	for _, role := range roles {
		card := roleCard{Role: role}
		for _, href := range startHere[role] {
			if i := slices.IndexFunc(nav, func(n navItem) bool { return n.Href == href }); i >= 0 {
				card.Start = append(card.Start, nav[i])
			}
		}
		cards = append(cards, card)
	}
	extra["Cards"] = cards
	return render(c, fiber.StatusOK, "home", "", extra)
}

// AuditPage shows the audit trail, newest first, and verifies the chain on request.
func (h *Handlers) AuditPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	extra := fiber.Map{}
	if c.QueryBool("verify") { // first: it links the records waiting for the chain
		v, err := h.Store.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		extra["Verification"] = v
		extra["VerifiedText"] = h.T(lang(c), "audit.verified", map[string]any{"Records": v.Records})
		if v.FirstBroken != nil {
			extra["BrokenText"] = h.T(lang(c), "audit.broken", map[string]any{"ID": *v.FirstBroken})
		}
	}
	recs, next, err := h.Store.AuditPage(ctx, p)
	if err != nil {
		return err
	}
	extra["Records"], extra["NextCursor"] = recs, next
	return render(c, fiber.StatusOK, "audit", "audit.title", extra)
}
