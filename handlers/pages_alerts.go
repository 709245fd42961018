package handlers

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
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
	models.SourceSafetyGate: {"product_category", "batch_number", "company_recall_code", "production_dates",
		"notifying_country", "counterfeit", "company_recall_page", "case_url"},
	models.SourceCPSC: {"category", "url"},
}

// AlertsPage lists the public alerts and recalls, newest first, to anyone.
func (h *Handlers) AlertsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListAlerts(ctx, true, p)
	if err != nil {
		return err
	}
	cards, err := h.alertCards(c, items, false)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "alerts", "nav.alerts", fiber.Map{"Items": cards, "NextCursor": next})
}

// AlertPage shows one public alert; an alert that is not public is not found.
func (h *Handlers) AlertPage(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	a, err := h.Store.AlertByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if !a.Public {
		return models.Errorf(models.ENOTFOUND, "not_found")
	}
	cards, err := h.alertCards(c, []models.Alert{*a}, true)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "alert", "nav.alerts", fiber.Map{"Alert": cards[0]})
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
