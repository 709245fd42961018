package handlers

import (
	"context"
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/workflows"
)

// The measure form (处置措施): an order to a party, from a listing's page (its merchant by default)
// or on its own page, following an alert when it comes from one. The deadline is a day: the
// order runs to the end of it.

// measureTargetKinds are the parties a measure may order: those who make, trade, ship or hold
// the goods (a lab or an authority is not ordered).
var measureTargetKinds = []string{"merchant", "ebc", "platform", "importer", "exporter", "manufacturer", "brand_owner",
	"logistics", "warehouse"}

// measureForm is the measure form as typed. From is "listing" when it was sent from a listing's
// page, which then shows the form again on a mistake; Deadline is a date input's value.
type measureForm struct {
	From, Kind, AlertID, TargetPartyID, ListingID, Deadline, Basis string
}

func (h *Handlers) renderMeasureForm(c *fiber.Ctx, status int, form measureForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	var alert *models.Alert
	if form.AlertID != "" {
		a, err := h.Store.AlertByID(ctx, form.AlertID)
		if err != nil {
			return err
		}
		alert = a
	}
	listings, err := h.listingChoices(ctx, form.ListingID, alert)
	if err != nil {
		return err
	}
	targets, err := h.Store.PartiesOfKind(ctx, measureTargetKinds...)
	if err != nil {
		return err
	}
	return render(c, status, "measure_new", "measure.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Alert": alert, "Listings": listings, "Targets": targets, "MeasureKinds": models.MeasureKinds})
}

// listingChoices are the listings a measure may name (a delisting must): the one chosen, and
// those of the alert's products and GTINs.
func (h *Handlers) listingChoices(ctx context.Context, chosen string, alert *models.Alert) ([]models.Listing, error) {
	var out []models.Listing
	add := func(items []models.Listing) {
		for _, l := range items {
			if !slices.ContainsFunc(out, func(o models.Listing) bool { return o.ID == l.ID }) {
				out = append(out, l)
			}
		}
	}
	if chosen != "" {
		l, err := h.Store.ListingByID(ctx, chosen)
		switch {
		case models.ErrorCode(err) == models.ENOTFOUND: // offered as typed; the model names the mistake
			add([]models.Listing{{ID: chosen, Title: chosen}})
		case err != nil:
			return nil, err
		default:
			add([]models.Listing{l.Listing})
		}
	}
	if alert == nil {
		return out, nil
	}
	var filters []models.ListingFilter
	for _, p := range alert.ProductIDs {
		filters = append(filters, models.ListingFilter{ProductID: p})
	}
	for _, g := range alert.GTINs {
		filters = append(filters, models.ListingFilter{GTIN: g})
	}
	for _, f := range filters {
		items, _, err := h.Store.ListListings(ctx, f, models.Page{Limit: models.DefaultPageLimit})
		if err != nil {
			return nil, err
		}
		add(items)
	}
	return out, nil
}

// NewMeasurePage shows the measure form; ?alert_id= makes the measure follow an alert (its first
// measure called for is proposed), ?listing_id= and ?target_party_id= prefill whom it orders.
func (h *Handlers) NewMeasurePage(c *fiber.Ctx) error {
	form := measureForm{AlertID: c.Query("alert_id"), ListingID: c.Query("listing_id"), TargetPartyID: c.Query("target_party_id"),
		Kind: "recall"}
	if form.AlertID != "" {
		ctx, cancel := ctx(c)
		defer cancel()
		a, err := h.Store.AlertByID(ctx, form.AlertID)
		if err != nil {
			return err
		}
		if len(a.Measures) > 0 {
			form.Kind = a.Measures[0]
		}
	}
	return h.renderMeasureForm(c, fiber.StatusOK, form, map[string]string{}, "")
}

// IssueMeasureForm orders a measure from a listing's page or the measure form (the API's model
// call), then opens it; a mistake shows the form it came from again.
func (h *Handlers) IssueMeasureForm(c *fiber.Ctx) error {
	v := func(f string) string { return c.FormValue(f) }
	form := measureForm{From: v("from"), Kind: v("kind"), AlertID: v("alert_id"), TargetPartyID: v("target_party_id"),
		ListingID: v("listing_id"), Deadline: v("deadline"), Basis: v("basis")}
	in := models.NewMeasure{Kind: form.Kind, Basis: form.Basis, Deadline: clock.When(form.Deadline), AlertID: optionalField(form.AlertID),
		TargetPartyID: optionalField(form.TargetPartyID), ListingID: optionalField(form.ListingID)}
	refused := func(err error) error {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			if form.From == "listing" && form.ListingID != "" {
				return h.renderListing(c, fiber.StatusUnprocessableEntity, form.ListingID, form, fields, msg)
			}
			return h.renderMeasureForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
		})
	}
	ctx, cancel := ctx(c)
	defer cancel()
	m, err := workflows.FileAs[models.Measure](ctx, h.Engine, currentUser(c), "measures", &in)
	if err != nil {
		return refused(err)
	}
	return c.Redirect("/measures/"+url.PathEscape(m.ID), fiber.StatusSeeOther)
}
