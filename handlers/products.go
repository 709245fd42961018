package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateProduct registers a product; its GTIN comes back as 14 digits.
func (h *Handlers) CreateProduct(c *fiber.Ctx) error {
	var in models.NewProduct
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	p, err := h.Store.CreateProduct(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// ListProducts lists products, newest first; ?gtin=, ?manufacturer_id= and ?hs_code= (a prefix) narrow.
func (h *Handlers) ListProducts(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	f := models.ProductFilter{GTIN: c.Query("gtin"), ManufacturerID: c.Query("manufacturer_id"), HSCode: c.Query("hs_code")}
	items, next, err := h.Store.ListProducts(ctx, f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// Product answers one product.
func (h *Handlers) Product(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	p, err := h.Store.ProductByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// CreateBatch adds a production lot to a product.
func (h *Handlers) CreateBatch(c *fiber.Ctx) error {
	var in models.NewBatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	b, err := h.Store.CreateBatch(ctx, actor(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

// ListBatches lists a product's lots, newest first.
func (h *Handlers) ListBatches(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListBatches(ctx, c.Params("id"), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}
