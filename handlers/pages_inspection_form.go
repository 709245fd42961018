package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
)

// The inspection form: a sample of a product (and the lot and listing it came from) with its test
// items, a few rows at a time. Empty rows are left out; "add a test item" shows one more row
// without saving, so no script is needed.

// inspectionRows is how many test items the form starts with; maxInspectionRows bounds "add a test item".
const (
	inspectionRows    = 3
	maxInspectionRows = 50
)

// inspectionForm is the inspection form as typed; SampledAt is a date input's value.
type inspectionForm struct {
	ProductID, BatchID, ListingID, Kind, SampledAt, LabID, Conclusion, ReportNo string
	Items                                                                       []models.InspectionItem
}

func (h *Handlers) renderInspectionForm(c *fiber.Ctx, status int, form inspectionForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	labs, err := h.Store.PartiesOfKind(ctx, "lab")
	if err != nil {
		return err
	}
	products, err := h.productChoices(ctx, form.ProductID)
	if err != nil {
		return err
	}
	batches, err := h.batchChoices(ctx, []string{form.ProductID})
	if err != nil {
		return err
	}
	return render(c, status, "inspection_new", "inspection.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Labs": labs, "Products": products, "Batches": batches})
}

// NewInspectionPage shows the inspection form for a product (?product_id=, its lots offered) and
// the listing it was bought from (?listing_id=).
func (h *Handlers) NewInspectionPage(c *fiber.Ctx) error {
	return h.renderInspectionForm(c, fiber.StatusOK, inspectionForm{ProductID: c.Query("product_id"), BatchID: c.Query("batch_id"),
		ListingID: c.Query("listing_id"), Kind: "online_purchase", SampledAt: clock.Day(h.Store.Now()),
		Items: make([]models.InspectionItem, inspectionRows)}, map[string]string{}, "")
}

// RecordInspection records an inspection from the form (the API's model calls); a non-conformant
// result goes on to the alert form, prefilled. "Add a test item" and "offer its batches" show the
// form again without saving.
func (h *Handlers) RecordInspection(c *fiber.Ctx) error {
	v := func(f string) string { return c.FormValue(f) }
	form := inspectionForm{ProductID: v("product_id"), BatchID: v("batch_id"), ListingID: v("listing_id"), Kind: v("kind"),
		SampledAt: v("sampled_at"), LabID: v("lab_id"), Conclusion: v("conclusion"), ReportNo: v("report_no")}
	for i := 0; i < formRows(c, inspectionRows, maxInspectionRows); i++ {
		p := func(f string) string { return strings.TrimSpace(v("items." + f + "." + strconv.Itoa(i))) }
		form.Items = append(form.Items, models.InspectionItem{Name: p("name"), Standard: p("standard"), Value: p("value"),
			Unit: p("unit"), Limit: p("limit"), Verdict: p("verdict")})
	}
	if c.FormValue("add_row") != "" || c.FormValue("offer_batches") != "" {
		return h.renderInspectionForm(c, fiber.StatusOK, form, map[string]string{}, "")
	}
	in := models.NewInspection{ProductID: form.ProductID, BatchID: optionalField(form.BatchID), ListingID: optionalField(form.ListingID),
		Kind: form.Kind, SampledAt: clock.When(form.SampledAt), LabID: optionalField(form.LabID), Conclusion: form.Conclusion,
		ReportNo: form.ReportNo}
	var kept []int
	for i, it := range form.Items {
		if it.Name+it.Standard+it.Value+it.Unit+it.Limit != "" {
			kept = append(kept, i)
			in.Items = append(in.Items, it)
		}
	}
	ctx, cancel := ctx(c)
	defer cancel()
	ins, err := h.Store.CreateInspection(ctx, actor(c), currentUser(c).Jurisdiction, in)
	if err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderInspectionForm(c, fiber.StatusUnprocessableEntity, form, renumber(fields, "items", kept), msg)
		})
	}
	if ins.Conclusion == "non_conformant" {
		return c.Redirect(raiseAlertHref(ins), fiber.StatusSeeOther)
	}
	// The inspection's own page, where the lab report is attached.
	return c.Redirect("/inspections/"+url.PathEscape(ins.ID), fiber.StatusSeeOther)
}

// raiseAlertHref is the alert form prefilled from a non-conformant inspection, as the API's
// raise_alert prefill: the inspection, its product, its lot and the listing it was bought from.
func raiseAlertHref(ins *models.Inspection) string {
	q := url.Values{"inspection_id": {ins.ID}, "product_id": {ins.ProductID}}
	if ins.BatchID != nil {
		q.Set("batch_id", *ins.BatchID)
	}
	if ins.ListingID != nil {
		q.Set("listing_id", *ins.ListingID)
	}
	return "/inspect/alerts/new?" + q.Encode()
}
