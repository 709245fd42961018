package handlers

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/recalls"
)

// alertCard is one alert as the public pages show it.
type alertCard struct {
	models.Alert
	Date     string
	Products []string    // the registered products' names, or the product as the source names it
	Facts    []alertFact // details from the source row (detail page only)
}

// alertFact is one detail of the source row; a web address is shown as a link.
type alertFact struct {
	Label string // catalog id
	Value string
	Link  bool
}

// sourceFacts are the columns of a source row the detail page shows, in this order.
var sourceFacts = map[string][]string{
	recalls.SourceSafetyGate: {"product_category", "batch_number", "company_recall_code", "production_dates",
		"notifying_country", "counterfeit", "company_recall_page", "case_url"},
	recalls.SourceCPSC: {"category", "url"},
}

// AlertsPage lists the public alerts and recalls, newest first, to anyone; those the policy lets
// read every alert are shown the way to the full list, and inspectors the way to raise one.
func (h *Handlers) AlertsPage(c *fiber.Ctx) error {
	return h.alertsPage(c, true)
}

// InspectorAlertsPage lists every alert, those not made public included (inspectors, admin): the
// same list as GET /api/v1/alerts.
func (h *Handlers) InspectorAlertsPage(c *fiber.Ctx) error {
	return h.alertsPage(c, false)
}

func (h *Handlers) alertsPage(c *fiber.Ctx, onlyPublic bool) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListAlerts(ctx, onlyPublic, p)
	if err != nil {
		return err
	}
	cards, err := h.alertCards(c, items, false)
	if err != nil {
		return err
	}
	list, title := "/alerts", "nav.alerts"
	if !onlyPublic {
		list, title = "/inspect/alerts", "alerts.all"
	}
	return render(c, fiber.StatusOK, "alerts", title, fiber.Map{"Items": cards, "NextCursor": next, "List": list,
		"All": !onlyPublic, "CanReadAll": h.may(c, "alert", "read"), "CanRaise": h.may(c, "alert", "create")})
}

// AlertPage shows one alert. An alert that is not public is shown only to those the policy lets
// read every alert (inspectors, admin); to anyone else it is not found. Inspectors are offered its
// import matches and a measure that follows it.
func (h *Handlers) AlertPage(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	a, err := h.Store.AlertByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	readsAll := h.may(c, "alert", "read")
	if !a.Public && !readsAll {
		return models.Errorf(models.ENOTFOUND, "not_found")
	}
	cards, err := h.alertCards(c, []models.Alert{*a}, true)
	if err != nil {
		return err
	}
	var batches []string
	if readsAll {
		if batches, err = h.batchLots(c, a.ProductIDs, a.BatchIDs); err != nil {
			return err
		}
	}
	return render(c, fiber.StatusOK, "alert", "nav.alerts", fiber.Map{"Alert": cards[0], "Batches": batches,
		"CanMatch": readsAll, "CanOrder": h.may(c, "measure", "create")})
}

// batchLots names an alert's batches by their lots, looked up among its products' batches; a
// batch of another product is shown by its id.
func (h *Handlers) batchLots(c *fiber.Ctx, productIDs, batchIDs []string) ([]string, error) {
	if len(batchIDs) == 0 {
		return nil, nil
	}
	ctx, cancel := ctx(c)
	defer cancel()
	lots := map[string]string{}
	for _, p := range productIDs {
		batches, _, err := h.Store.ListBatches(ctx, p, models.Page{Limit: models.MaxPageLimit})
		if err != nil && models.ErrorCode(err) != models.ENOTFOUND {
			return nil, err
		}
		for _, b := range batches {
			lots[b.ID] = b.Lot
		}
	}
	out := make([]string, len(batchIDs))
	for i, id := range batchIDs {
		out[i] = id
		if lot, ok := lots[id]; ok {
			out[i] = lot
		}
	}
	return out, nil
}

// alertCards names each alert's products and, for the detail page, picks the source's details.
func (h *Handlers) alertCards(c *fiber.Ctx, alerts []models.Alert, withFacts bool) ([]alertCard, error) {
	var ids []string
	for _, a := range alerts {
		ids = append(ids, a.ProductIDs...)
	}
	ctx, cancel := ctx(c)
	defer cancel()
	names, err := h.Store.ProductNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]alertCard, len(alerts))
	for i, a := range alerts {
		card := alertCard{Alert: a, Date: a.Issued()}
		for _, id := range a.ProductIDs {
			if n, ok := names[id]; ok {
				card.Products = append(card.Products, n)
			}
		}
		if len(card.Products) == 0 {
			if named := strings.TrimSpace(strings.Join(presentValues(a.Product, strings.TrimSpace(a.Brand+" "+a.Model)), " · ")); named != "" {
				card.Products = []string{named}
			}
		}
		if withFacts && a.External != nil {
			var row map[string]any
			if json.Unmarshal(a.External, &row) == nil {
				for _, k := range sourceFacts[a.Source] {
					if v, ok := row[k].(string); ok && strings.TrimSpace(v) != "" && !strings.EqualFold(strings.TrimSpace(v), "none") {
						v = strings.TrimSpace(v)
						link := strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://")
						card.Facts = append(card.Facts, alertFact{Label: "alert_fact." + k, Value: v, Link: link && !strings.ContainsAny(v, " \n")})
					}
				}
			}
		}
		out[i] = card
	}
	return out, nil
}

func presentValues(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
