package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/workflows"
)

func complaintFacts(c *models.Complaint) (string, []fact, []fact) {
	facts := []fact{
		{"field_label.category", "category." + c.Category},
		{"field_label.amount", c.Amount + " " + c.Currency},
		{"field_label.order_ref", c.OrderRef},
		{"field_label.respondent_id", c.RespondentID},
	}
	if c.PlatformID != nil {
		facts = append(facts, fact{"field_label.platform_id", *c.PlatformID})
	}
	facts = append(facts, []fact{
		{"field_label.jurisdiction", "jurisdiction." + c.Jurisdiction},
		{"field_label.description", c.Description},
		{"field_label.request", c.Request},
	}...)
	if c.ListingURL != "" {
		facts = append(facts, fact{"field_label.listing_url", c.ListingURL})
	}
	facts = append(facts, jsonFacts("offer.", c.Offer)...)
	facts = append(facts, jsonFacts("outcome.", c.Outcome)...)
	var links []fact
	if c.CaseID != nil {
		links = append(links, fact{"kind.cases", "/cases/" + *c.CaseID})
	}
	return c.Number, facts, links
}

// ComplaintsPage lists the complaints the caller may see: a consumer's own, a merchant's inbox,
// an inspector's queue; ?status= narrows.
func (h *Handlers) ComplaintsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := workflows.List[models.Complaint](ctx, h.Engine, currentUser(c), "complaints", c.Query("status"), p)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "complaints", "kind.complaints", fiber.Map{
		"Items": items, "NextCursor": next, "Status": c.Query("status"),
		"CanFile": currentUser(c).Roles.Has(models.RoleConsumer)})
}

// complaintForm is the complaint form's fields as typed.
type complaintForm struct {
	RespondentID string `form:"respondent_id"`
	PlatformID   string `form:"platform_id"`
	OrderRef     string `form:"order_ref"`
	ListingURL   string `form:"listing_url"`
	Category     string `form:"category"`
	Amount       string `form:"amount"`
	Currency     string `form:"currency"`
	Description  string `form:"description"`
	Request      string `form:"request"`
}

func (h *Handlers) renderComplaintForm(c *fiber.Ctx, status int, form complaintForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	merchants, err := h.Store.PartiesOfKind(ctx, "merchant", "ebc", "brand_owner")
	if err != nil {
		return err
	}
	platforms, err := h.Store.PartiesOfKind(ctx, "platform")
	if err != nil {
		return err
	}
	if form.Currency == "" {
		form.Currency = "CNY"
	}
	return render(c, status, "complaint_new", "complaint.new", fiber.Map{"Form": form, "Errors": errs, "FormError": msg,
		"Merchants": merchants, "Platforms": platforms, "Categories": models.ComplaintCategories})
}

// NewComplaintPage shows the complaint form.
func (h *Handlers) NewComplaintPage(c *fiber.Ctx) error {
	return h.renderComplaintForm(c, fiber.StatusOK, complaintForm{}, map[string]string{}, "")
}

// FileComplaintForm files a complaint from the form, with an optional photo or PDF as its first
// evidence, and opens it; invalid input shows the form again with its errors.
func (h *Handlers) FileComplaintForm(c *fiber.Ctx) error {
	var form complaintForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	in := models.NewComplaint{RespondentID: form.RespondentID, OrderRef: form.OrderRef, ListingURL: form.ListingURL,
		Category: form.Category, Amount: form.Amount, Currency: form.Currency, Description: form.Description, Request: form.Request}
	if form.PlatformID != "" {
		in.PlatformID = &form.PlatformID
	}
	// The photo is checked before anything is filed, so a bad file loses nothing and files nothing.
	name, photo, err := h.optionalEvidence(c)
	if err != nil {
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return h.renderComplaintForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
	}
	ctx, cancel := ctx(c)
	defer cancel()
	complaint, err := workflows.FileAs[models.Complaint](ctx, h.Engine, currentUser(c), "complaints", &in)
	if err != nil {
		fields, msg, err := h.formErrors(c, err)
		if err != nil {
			return err
		}
		return h.renderComplaintForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
	}
	if photo != nil {
		if _, err := h.Engine.AddEvidence(ctx, currentUser(c), "complaints", complaint.ID, name, photo); err != nil {
			return err
		}
	}
	return c.Redirect("/complaints/"+complaint.ID, fiber.StatusSeeOther)
}

// optionalEvidence reads the form's file field, if one was chosen, and checks its size and type
// as an upload would; a refused file is a field error on "file".
func (h *Handlers) optionalEvidence(c *fiber.Ctx) (string, []byte, error) {
	if fh, err := c.FormFile("file"); err != nil || fh.Size == 0 {
		return "", nil, nil
	}
	name, data, err := uploadedFile(c, "file", h.Engine.MaxEvidenceBytes())
	if err != nil {
		return "", nil, err
	}
	if int64(len(data)) > h.Engine.MaxEvidenceBytes() {
		return "", nil, models.Invalid(models.FieldError{Field: "file", Rule: "file_too_large"})
	}
	if _, err := models.EvidenceContentType(data); err != nil {
		return "", nil, models.Invalid(models.FieldError{Field: "file", Rule: "file_type"})
	}
	return name, data, nil
}
