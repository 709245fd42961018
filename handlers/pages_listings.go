package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// The inspector's workspace: online discoveries (listings), and from a listing its trace, an
// inspection, an alert, a measure and the hand-off to the responsible jurisdiction.

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
	for _, g := range strings.FieldsFunc(form.GTINs, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		in.GTINs = append(in.GTINs, g)
	}
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

// ListingPage shows a discovery with what an inspector does next.
func (h *Handlers) ListingPage(c *fiber.Ctx) error {
	return h.renderListing(c, fiber.StatusOK, c.Params("id"), map[string]string{}, "")
}

func (h *Handlers) renderListing(c *fiber.Ctx, status int, id string, errs map[string]string, msg string) error {
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
	return render(c, status, "listing", "discovery.title", fiber.Map{"Listing": listing, "Product": product,
		"Platform": names[listing.PlatformID], "Merchant": merchant, "Inspections": inspections,
		"Jurisdictions": jurisdictionCodes, "Errors": errs, "FormError": msg, "Handed": c.Query("handed")})
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
	inv, err := h.Engine.HandOff(ctx, currentUser(c), in)
	if err != nil {
		if in.SubjectType != "listing" || in.SubjectID == "" {
			return err
		}
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return h.renderListing(c, fiber.StatusUnprocessableEntity, in.SubjectID, fields, msg)
	}
	return c.Redirect("/listings/"+url.PathEscape(in.SubjectID)+"?handed="+url.QueryEscape(inv.Number+" → "+inv.Jurisdiction), fiber.StatusSeeOther)
}

// inspectionRows is how many test items the inspection form offers.
const inspectionRows = 3

// NewInspectionPage shows the inspection form for a product (and the listing it was bought from).
func (h *Handlers) NewInspectionPage(c *fiber.Ctx) error {
	return h.renderInspectionForm(c, fiber.StatusOK, inspectionForm{ProductID: c.Query("product_id"), ListingID: c.Query("listing_id"),
		Kind: "online_purchase", SampledAt: time.Now().Format("2006-01-02"), Items: make([]models.InspectionItem, inspectionRows)}, map[string]string{}, "")
}

type inspectionForm struct {
	ProductID, ListingID, Kind, SampledAt, LabID, Conclusion, ReportNo string
	Items                                                              []models.InspectionItem
}

func (h *Handlers) renderInspectionForm(c *fiber.Ctx, status int, form inspectionForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	labs, err := h.Store.PartiesOfKind(ctx, "lab")
	if err != nil {
		return err
	}
	products, _, err := h.Store.ListProducts(ctx, models.ProductFilter{}, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	return render(c, status, "inspection_new", "inspection.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Labs": labs, "Products": products})
}

// RecordInspection records an inspection from the form; a non-conformant result goes on to the
// alert form, prefilled.
func (h *Handlers) RecordInspection(c *fiber.Ctx) error {
	form := inspectionForm{ProductID: c.FormValue("product_id"), ListingID: c.FormValue("listing_id"), Kind: c.FormValue("kind"),
		SampledAt: c.FormValue("sampled_at"), LabID: c.FormValue("lab_id"), Conclusion: c.FormValue("conclusion"), ReportNo: c.FormValue("report_no")}
	for i := 0; i < inspectionRows; i++ {
		p := func(f string) string { return strings.TrimSpace(c.FormValue("items." + f + "." + itoa(i))) }
		form.Items = append(form.Items, models.InspectionItem{Name: p("name"), Standard: p("standard"), Value: p("value"),
			Unit: p("unit"), Limit: p("limit"), Verdict: p("verdict")})
	}
	in := models.NewInspection{ProductID: form.ProductID, Kind: form.Kind, Conclusion: form.Conclusion, ReportNo: form.ReportNo}
	if form.ListingID != "" {
		in.ListingID = &form.ListingID
	}
	if form.LabID != "" {
		in.LabID = &form.LabID
	}
	if t, err := time.ParseInLocation("2006-01-02", form.SampledAt, hangzhou()); err == nil {
		in.SampledAt = t.Add(12 * time.Hour)
	}
	for _, it := range form.Items {
		if it.Name != "" {
			in.Items = append(in.Items, it)
		}
	}
	ctx, cancel := ctx(c)
	defer cancel()
	err := in.Validate()
	var ins *models.Inspection
	if err == nil {
		ins, err = h.Store.CreateInspection(ctx, actor(c), currentUser(c).Jurisdiction, in)
	}
	if err != nil {
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return h.renderInspectionForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
	}
	if ins.Conclusion == "non_conformant" {
		q := url.Values{"inspection_id": {ins.ID}, "product_id": {ins.ProductID}, "listing_id": {form.ListingID}}
		return c.Redirect("/inspect/alerts/new?"+q.Encode(), fiber.StatusSeeOther)
	}
	// The inspection's own page, where the lab report is attached.
	return c.Redirect("/inspections/"+url.PathEscape(ins.ID), fiber.StatusSeeOther)
}

func backToListing(listingID string) string {
	if listingID == "" {
		return "/listings"
	}
	return "/listings/" + url.PathEscape(listingID)
}

// NewAlertPage shows the alert form, prefilled from the inspection it follows.
func (h *Handlers) NewAlertPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "alert_new", "alert.new", fiber.Map{"Form": alertForm{InspectionID: c.Query("inspection_id"),
		ProductID: c.Query("product_id"), ListingID: c.Query("listing_id"), Level: "high", Public: true},
		"Hazards": models.Hazards, "MeasureKinds": models.MeasureKinds, "Errors": map[string]string{}})
}

type alertForm struct {
	InspectionID, ProductID, ListingID, Title, Level, Description string
	Hazards, Measures                                             []string
	Public                                                        bool
}

// RaiseAlert raises an alert from the form and goes back to the listing.
func (h *Handlers) RaiseAlert(c *fiber.Ctx) error {
	args := c.Request().PostArgs()
	form := alertForm{InspectionID: c.FormValue("inspection_id"), ProductID: c.FormValue("product_id"), ListingID: c.FormValue("listing_id"),
		Title: c.FormValue("title"), Level: c.FormValue("level"), Description: c.FormValue("description"), Public: c.FormValue("public") == "on"}
	for _, v := range args.PeekMulti("hazards") {
		form.Hazards = append(form.Hazards, string(v))
	}
	for _, v := range args.PeekMulti("measures") {
		form.Measures = append(form.Measures, string(v))
	}
	in := models.NewAlert{Title: form.Title, Level: form.Level, Hazards: form.Hazards, Description: form.Description,
		Measures: form.Measures, Public: form.Public}
	if form.ProductID != "" {
		in.ProductIDs = []string{form.ProductID}
	}
	if form.InspectionID != "" {
		in.InspectionID = &form.InspectionID
	}
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.CreateAlert(ctx, actor(c), currentUser(c).Jurisdiction, in); err != nil {
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return render(c, fiber.StatusUnprocessableEntity, "alert_new", "alert.new", fiber.Map{"Form": form, "Hazards": models.Hazards,
			"MeasureKinds": models.MeasureKinds, "Errors": fields, "FormError": msg})
	}
	return c.Redirect(backToListing(form.ListingID), fiber.StatusSeeOther)
}

func itoa(i int) string { return string(rune('0' + i)) }
