package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// The inspectors' queue of import matches: products and listings an imported alert or recall
// may concern, found by GTIN or by brand and model, each confirmed or rejected by an inspector.

// matchCard is a match as the queue shows it, beside the alert it was matched with.
type matchCard struct {
	models.AlertMatch
	Alert *models.Alert
}

// MatchesPage lists matches, newest first: the proposed ones unless ?status= says otherwise;
// ?alert_id= narrows to one alert's.
func (h *Handlers) MatchesPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := models.AlertMatchFilter{AlertID: c.Query("alert_id"), Status: c.Query("status", models.MatchProposed)}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListAlertMatches(ctx, f, p)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(items))
	for _, m := range items {
		ids = append(ids, m.AlertID)
	}
	alerts, err := h.Store.AlertsByID(ctx, ids) // one query for the page, not one an alert
	if err != nil {
		return err
	}
	cards := make([]matchCard, len(items))
	for i, m := range items {
		cards[i] = matchCard{AlertMatch: m, Alert: alerts[m.AlertID]}
	}
	var more string
	if next != nil {
		q := url.Values{"status": {f.Status}, "cursor": {*next}}
		if f.AlertID != "" {
			q.Set("alert_id", f.AlertID)
		}
		more = "/inspect/matches?" + q.Encode()
	}
	return render(c, fiber.StatusOK, "matches", "matches.title", fiber.Map{"Items": cards, "More": more,
		"Status": f.Status, "AlertID": f.AlertID, "Back": c.OriginalURL(),
		"Statuses": []string{models.MatchProposed, models.MatchConfirmed, models.MatchRejected}})
}

// ConfirmMatchForm confirms a match from the queue: the alert concerns this product or listing.
func (h *Handlers) ConfirmMatchForm(c *fiber.Ctx) error {
	return h.decideMatchForm(c, models.MatchConfirmed)
}

// RejectMatchForm rejects a match from the queue.
func (h *Handlers) RejectMatchForm(c *fiber.Ctx) error {
	return h.decideMatchForm(c, models.MatchRejected)
}

// decideMatchForm makes the same call as the API (the form names the match's alert) and goes
// back to the queue the inspector came from.
func (h *Handlers) decideMatchForm(c *fiber.Ctx, decision string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.DecideAlertMatch(ctx, actor(c), c.FormValue("alert_id"), c.Params("id"), decision); err != nil {
		return err
	}
	back := c.FormValue("back")
	if back == "" {
		back = "/inspect/matches"
	}
	return c.Redirect(safeBack(back), fiber.StatusSeeOther)
}
