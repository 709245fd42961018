package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

// The inspector's workspace: online discoveries (listings), and from a listing its trace, the way
// to an inspection and an alert (their forms have their own files), a measure to its merchant or
// another party, and the hand-off to the responsible jurisdiction.

// ListingsPage lists the discoveries, newest first.
func (h *Handlers) ListingsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListListings(ctx, models.ListingFilter{Status: c.Query("status")}, p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "listings", "nav.listings", fiber.Map{"Items": items, "NextCursor": next})
}

// discoveryForm is the discovery form as typed.
type discoveryForm struct {
	PlatformID string `form:"platform_id"`
	MerchantID string `form:"merchant_id"`
	URL        string `form:"url"`
	Title      string `form:"title"`
	Price      string `form:"price"`
	Currency   string `form:"currency"`
	ProductID  string `form:"product_id"`
	GTINs      string `form:"gtins"`
}

func (h *Handlers) renderDiscoveryForm(c *fiber.Ctx, status int, form discoveryForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	platforms, err := h.Store.PartiesOfKind(ctx, "platform")
	if err != nil {
		return err
	}
	merchants, err := h.Store.PartiesOfKind(ctx, "merchant", "ebc")
	if err != nil {
		return err
	}
	products, _, err := h.Store.ListProducts(ctx, models.ProductFilter{}, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	if form.Currency == "" {
		form.Currency = "CNY"
	}
	return render(c, status, "discovery_new", "discovery.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Platforms": platforms, "Merchants": merchants, "Products": products})
}

// NewDiscoveryPage shows the discovery form.
func (h *Handlers) NewDiscoveryPage(c *fiber.Ctx) error {
	return h.renderDiscoveryForm(c, fiber.StatusOK, discoveryForm{}, map[string]string{}, "")
}

// RecordDiscovery records a listing from the form with its snapshot, then opens it.
func (h *Handlers) RecordDiscovery(c *fiber.Ctx) error {
	var form discoveryForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	in := models.NewListing{PlatformID: form.PlatformID, MerchantID: form.MerchantID, URL: form.URL, Title: form.Title,
		Price: form.Price, Currency: form.Currency}
	if form.ProductID != "" {
		in.ProductID = &form.ProductID
	}
	in.GTINs = idList(form.GTINs)
	failed := func(err error) error {
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return h.renderDiscoveryForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
	}
	name, snapshot, err := h.optionalEvidence(c)
	if err != nil {
		return failed(err)
	}
	ctx, cancel := ctx(c)
	defer cancel()
	listing, err := h.Store.CreateListing(ctx, actor(c), in)
	if err != nil {
		return failed(err)
	}
	if snapshot != nil {
		if _, err := h.Engine.AddListingSnapshot(ctx, actor(c), listing.ID, name, snapshot); err != nil {
			return err
		}
	}
	return c.Redirect("/listings/"+url.PathEscape(listing.ID), fiber.StatusSeeOther)
}

// ListingPage shows a discovery with what an inspector does next; ?alert_id= (after raising an
// alert from it) makes the measure ordered there follow that alert.
func (h *Handlers) ListingPage(c *fiber.Ctx) error {
	form := measureForm{From: "listing", ListingID: c.Params("id"), AlertID: c.Query("alert_id")}
	return h.renderListing(c, fiber.StatusOK, c.Params("id"), form, map[string]string{}, "")
}

// renderListing draws a listing's page with its measure form as typed (errs are that form's or
// the hand-off form's).
func (h *Handlers) renderListing(c *fiber.Ctx, status int, id string, measure measureForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	listing, err := h.Store.ListingByID(ctx, id)
	if err != nil {
		return err
	}
	names, err := h.Store.PartyNames(ctx, []string{listing.PlatformID, listing.MerchantID})
	if err != nil {
		return err
	}
	var product *models.Product
	var inspections []models.Inspection
	if listing.ProductID != nil {
		if product, err = h.Store.ProductByID(ctx, *listing.ProductID); err != nil {
			return err
		}
		if inspections, _, err = h.Store.ListInspections(ctx, product.ID, models.Page{Limit: models.MaxPageLimit}); err != nil {
			return err
		}
	}
	merchant, err := h.Store.PartyByID(ctx, listing.MerchantID)
	if err != nil {
		return err
	}
	targets, err := h.Store.PartiesOfKind(ctx, measureTargetKinds...)
	if err != nil {
		return err
	}
	// The alert the measure follows; one that does not exist is dropped rather than refused later.
	var alert *models.Alert
	if measure.AlertID != "" {
		if alert, err = h.Store.AlertByID(ctx, measure.AlertID); models.ErrorCode(err) == models.ENOTFOUND {
			measure.AlertID, err = "", nil
		}
		if err != nil {
			return err
		}
	}
	if measure.Kind == "" {
		measure.Kind = "delist"
	}
	return render(c, status, "listing", "discovery.title", fiber.Map{"Listing": listing, "Product": product,
		"Platform": names[listing.PlatformID], "Merchant": merchant, "Inspections": inspections,
		"Jurisdictions": jurisdictionCodes, "Errors": errs, "FormError": msg, "Handed": c.Query("handed"),
		"Measure": measure, "Alert": alert, "Targets": targets, "MeasureKinds": models.MeasureKinds})
}

// jurisdictionCodes are the 13 districts and counties; the catalogs name them.
var jurisdictionCodes = []string{"330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112",
	"330113", "330114", "330122", "330127", "330182"}

// HandOffForm hands a listing's case to a jurisdiction; the inspector stays on the listing
// (the investigation may now belong to another district).
func (h *Handlers) HandOffForm(c *fiber.Ctx) error {
	in := models.NewHandoff{SubjectType: c.FormValue("subject_type"), SubjectID: c.FormValue("subject_id"),
		Jurisdiction: c.FormValue("jurisdiction"), Reason: c.FormValue("reason")}
	ctx, cancel := ctx(c)
	defer cancel()
	inv, err := workflows.FileAs[models.Investigation](ctx, h.Engine, currentUser(c), "investigations", &in)
	if err != nil {
		if in.SubjectType != "listing" || in.SubjectID == "" {
			return err
		}
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return h.renderListing(c, fiber.StatusUnprocessableEntity, in.SubjectID, measureForm{From: "listing", ListingID: in.SubjectID}, fields, msg)
	}
	return c.Redirect("/listings/"+url.PathEscape(in.SubjectID)+"?handed="+url.QueryEscape(inv.Number+" → "+inv.Jurisdiction), fiber.StatusSeeOther)
}

func backToListing(listingID string) string {
	if listingID == "" {
		return "/listings"
	}
	return "/listings/" + url.PathEscape(listingID)
}
