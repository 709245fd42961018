package handlers

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/workflows"
)

func claimFacts(c *models.Claim) (string, []fact, []fact) {
	facts := []fact{
		{"field_label.type", "option." + c.Type},
		{"field_label.no_reason", strconv.FormatBool(c.NoReason)},
		{"field_label.amount", c.Amount + " " + c.Currency},
		{"field_label.order_ref", c.OrderRef},
		{"field_label.respondent_id", c.RespondentID},
		{"field_label.delivered_at", clock.Day(c.DeliveredAt)},
	}
	if c.CustomsReleasedAt != nil {
		facts = append(facts, fact{"field_label.customs_released_at", clock.Day(*c.CustomsReleasedAt)})
	}
	facts = append(facts, fact{"field_label.reason", c.Reason})
	facts = append(facts, relabel(jsonFacts("rejection.", c.Rejection), "field_label.reason", "field_label.rejection_reason")...)
	facts = append(facts, jsonFacts("return_shipment.", c.ReturnShipment)...)
	facts = append(facts, relabel(jsonFacts("refund.", c.Refund), "field_label.amount", "field_label.refund_amount")...)
	var links []fact
	if c.ComplaintID != nil {
		links = append(links, fact{"kind.complaints", "/complaints/" + *c.ComplaintID})
	}
	return c.Number, facts, links
}

// relabel renames a flattened JSON fact whose label would repeat one of the claim's own (the
// merchant's reason beside the consumer's, the refunded amount beside the claimed one).
func relabel(facts []fact, from, to string) []fact {
	for i := range facts {
		if facts[i].Label == from {
			facts[i].Label = to
		}
	}
	return facts
}

// ClaimsPage lists the after-sales claims the caller may see: a consumer's own, a merchant's
// inbox, all for the admin; ?status= narrows.
func (h *Handlers) ClaimsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := workflows.List[models.Claim](ctx, h.Engine, currentUser(c), "claims", c.Query("status"), p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "claims", "kind.claims", fiber.Map{
		"Items": items, "NextCursor": next, "Status": c.Query("status"),
		"CanFile": currentUser(c).Roles.Has(models.RoleConsumer)})
}

// claimForm is the claim form's fields as typed; the dates are <input type="date"> values.
type claimForm struct {
	RespondentID      string `form:"respondent_id"`
	OrderRef          string `form:"order_ref"`
	Type              string `form:"type"`
	NoReason          string `form:"no_reason"`
	DeliveredAt       string `form:"delivered_at"`
	CustomsReleasedAt string `form:"customs_released_at"`
	Amount            string `form:"amount"`
	Currency          string `form:"currency"`
	Reason            string `form:"reason"`
}

func (h *Handlers) renderClaimForm(c *fiber.Ctx, status int, form claimForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	merchants, err := h.Store.PartiesOfKind(ctx, "merchant", "ebc", "brand_owner")
	if err != nil {
		return err
	}
	if form.Currency == "" {
		form.Currency = "CNY"
	}
	return render(c, status, "claim_new", "claim.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Merchants": merchants, "Types": models.ClaimTypes, "Today": clock.Day(h.Store.Now())})
}

// NewClaimPage shows the after-sales claim form.
func (h *Handlers) NewClaimPage(c *fiber.Ctx) error {
	return h.renderClaimForm(c, fiber.StatusOK, claimForm{}, map[string]string{}, "")
}

// FileClaimForm files an after-sales claim from the form and opens it; invalid input (a
// no-reason return outside its window among it) shows the form again with its errors.
func (h *Handlers) FileClaimForm(c *fiber.Ctx) error {
	var form claimForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	// The dates go to the model as typed: it reads them (a day in Hangzhou, clock.When) and
	// names every bad field at once.
	in := models.NewClaim{RespondentID: form.RespondentID, OrderRef: form.OrderRef, Type: form.Type,
		NoReason: form.NoReason != "", DeliveredAt: clock.When(form.DeliveredAt), CustomsReleasedAt: clock.When(form.CustomsReleasedAt),
		Amount: form.Amount, Currency: form.Currency, Reason: form.Reason}
	ctx, cancel := ctx(c)
	defer cancel()
	claim, err := workflows.FileAs[models.Claim](ctx, h.Engine, currentUser(c), "claims", &in)
	if err == nil {
		return c.Redirect("/claims/"+claim.ID, fiber.StatusSeeOther)
	}
	fields, msg, err := h.formErrors(c, err)
	if err != nil {
		return err
	}
	return h.renderClaimForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
}

// mergeInvalid adds the date fields that could not be read to a validation error, in place of
// the "required" those fields got for being left empty.
func mergeInvalid(err error, dates []models.FieldError) error {
	var de *models.Error
	if !errors.As(err, &de) || de.Code != models.EINVALID {
		return err
	}
	fields := append([]models.FieldError{}, dates...)
	for _, f := range de.Fields {
		replaced := false
		for _, d := range dates {
			replaced = replaced || d.Field == f.Field
		}
		if !replaced {
			fields = append(fields, f)
		}
	}
	return models.Invalid(fields...)
}
