package handlers

import (
	"encoding/json"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// reportKind is the evidence kind an inspection's lab reports are stored under.
const reportKind = "inspections"

// InspectionPage shows an inspection: its product and lot, its test items and conclusion, and its
// lab reports with their SHA-256, with the form to upload one. A non-conformant one offers the
// alert form, prefilled as after recording it.
func (h *Handlers) InspectionPage(c *fiber.Ctx) error {
	return h.renderInspection(c, fiber.StatusOK, c.Params("id"), map[string]string{}, "")
}

func (h *Handlers) renderInspection(c *fiber.Ctx, status int, id string, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	ins, err := h.Store.InspectionByID(ctx, id)
	if err != nil {
		return err
	}
	product, err := h.Store.ProductByID(ctx, ins.ProductID)
	if err != nil {
		return err
	}
	var lab string
	if ins.LabID != nil {
		names, err := h.Store.PartyNames(ctx, []string{*ins.LabID})
		if err != nil {
			return err
		}
		lab = names[*ins.LabID]
	}
	var items []models.InspectionItem
	if err := json.Unmarshal(ins.Items, &items); err != nil {
		return err
	}
	reports, _, err := h.Store.ListEvidence(ctx, reportKind, ins.ID, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	var lot string
	if ins.BatchID != nil {
		lots, err := h.batchLots(c, []string{ins.ProductID}, []string{*ins.BatchID})
		if err != nil {
			return err
		}
		lot = lots[0]
	}
	var raise string
	if ins.Conclusion == "non_conformant" && h.may(c, "alert", "create") {
		raise = raiseAlertHref(ins)
	}
	return render(c, status, "inspection", "inspection.title", fiber.Map{"Inspection": ins, "Product": product, "Lab": lab,
		"Lot": lot, "Items": items, "Reports": reports, "RaiseAlert": raise, "Errors": errs, "FormError": msg})
}

// InspectionReportForm uploads an inspection's lab report from the form on its page (the same
// call as the API's), then shows the page again with the report's fingerprint.
func (h *Handlers) InspectionReportForm(c *fiber.Ctx) error {
	id := c.Params("id")
	ctx, cancel := ctx(c)
	defer cancel()
	// A missing inspection is a 404 before the upload is read.
	if _, err := h.Store.InspectionByID(ctx, id); err != nil {
		return err
	}
	name, data, err := h.optionalEvidence(c)
	if err == nil && data == nil {
		err = models.Invalid(models.FieldError{Field: "file", Rule: "required"})
	}
	if err == nil {
		_, err = h.Engine.AddInspectionReport(ctx, actor(c), id, name, data)
	}
	if err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderInspection(c, fiber.StatusUnprocessableEntity, id, fields, msg)
		})
	}
	return c.Redirect("/inspections/"+url.PathEscape(id)+"#reports", fiber.StatusSeeOther)
}
