package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// batchForm is the form that adds a lot to a product; days are <input type="date"> values.
type batchForm struct {
	Lot        string `form:"lot"`
	ProducedOn string `form:"produced_on"`
	ExpiresOn  string `form:"expires_on"`
}

// ProductPage shows a registered product: its facts, its batches with the form to add one, its
// inspections, and the way to its trace.
func (h *Handlers) ProductPage(c *fiber.Ctx) error {
	return h.renderProduct(c, fiber.StatusOK, c.Params("id"), batchForm{}, map[string]string{}, "")
}

func (h *Handlers) renderProduct(c *fiber.Ctx, status int, id string, form batchForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	product, err := h.Store.ProductByID(ctx, id)
	if err != nil {
		return err
	}
	var maker string
	if product.ManufacturerID != nil {
		names, err := h.Store.PartyNames(ctx, []string{*product.ManufacturerID})
		if err != nil {
			return err
		}
		maker = names[*product.ManufacturerID]
	}
	batches, _, err := h.Store.ListBatches(ctx, product.ID, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	inspections, _, err := h.Store.ListInspections(ctx, product.ID, models.Page{Limit: models.DefaultPageLimit})
	if err != nil {
		return err
	}
	return render(c, status, "registry_product", "registry.product.title", fiber.Map{"Product": product, "Manufacturer": maker,
		"Batches": batches, "Inspections": inspections, "Form": form, "Errors": errs, "FormError": msg})
}

// AddBatchForm adds a production lot to a product from the form on its page.
func (h *Handlers) AddBatchForm(c *fiber.Ctx) error {
	var form batchForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	id := c.Params("id")
	in := models.NewBatch{Lot: form.Lot, ProducedOn: optionalField(form.ProducedOn), ExpiresOn: optionalField(form.ExpiresOn)}
	ctx, cancel := ctx(c)
	defer cancel()
	if _, err := h.Store.CreateBatch(ctx, actor(c), id, in); err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderProduct(c, fiber.StatusUnprocessableEntity, id, form, fields, msg)
		})
	}
	return c.Redirect("/registry/products/"+url.PathEscape(id)+"#batches", fiber.StatusSeeOther)
}
