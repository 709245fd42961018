package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// ProductsPage lists the registered products, newest first, with their manufacturers.
func (h *Handlers) ProductsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListProducts(ctx, models.ProductFilter{}, p)
	if err != nil {
		return err
	}
	var makers []string
	for _, it := range items {
		if it.ManufacturerID != nil {
			makers = append(makers, *it.ManufacturerID)
		}
	}
	names, err := h.Store.PartyNames(ctx, makers)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "registry_products", "registry.products", fiber.Map{"Items": items, "NextCursor": next,
		"Makers": names})
}

// productForm is the product form as typed.
type productForm struct {
	Name           string `form:"name"`
	NameEn         string `form:"name_en"`
	Brand          string `form:"brand"`
	Model          string `form:"model"`
	GTIN           string `form:"gtin"`
	HSCode         string `form:"hs_code"`
	Category       string `form:"category"`
	OriginCountry  string `form:"origin_country"`
	ManufacturerID string `form:"manufacturer_id"`
}

func (h *Handlers) renderProductForm(c *fiber.Ctx, status int, form productForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	makers, err := h.Store.PartiesOfKind(ctx, "manufacturer")
	if err != nil {
		return err
	}
	return render(c, status, "registry_product_new", "registry.product.new", fiber.Map{"Form": form, "Errors": errs,
		"FormError": msg, "Manufacturers": makers})
}

// NewProductPage shows the product form; ?manufacturer_id= preselects the manufacturer.
func (h *Handlers) NewProductPage(c *fiber.Ctx) error {
	return h.renderProductForm(c, fiber.StatusOK, productForm{ManufacturerID: c.Query("manufacturer_id"), OriginCountry: "CN"},
		map[string]string{}, "")
}

// RegisterProduct registers a product from the form (GTIN check digit and HS code checked by
// the model) and opens its page.
func (h *Handlers) RegisterProduct(c *fiber.Ctx) error {
	var form productForm
	if err := c.BodyParser(&form); err != nil {
		return fiber.ErrBadRequest
	}
	in := models.NewProduct{Name: form.Name, NameEn: form.NameEn, Brand: form.Brand, Model: form.Model,
		GTIN: optionalField(form.GTIN), HSCode: optionalField(form.HSCode), Category: form.Category,
		OriginCountry: form.OriginCountry, ManufacturerID: optionalField(form.ManufacturerID)}
	ctx, cancel := ctx(c)
	defer cancel()
	product, err := h.Store.CreateProduct(ctx, actor(c), in)
	if err != nil {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			return h.renderProductForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
		})
	}
	return c.Redirect("/registry/products/"+url.PathEscape(product.ID), fiber.StatusSeeOther)
}
