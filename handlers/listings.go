package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateListing records an online discovery; the caller is who discovered it.
func (h *Handlers) CreateListing(c *fiber.Ctx) error {
	var in models.NewListing
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	l, err := h.Store.CreateListing(ctx, actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}

// ListListings lists listings, newest first; ?product_id=, ?merchant_id=, ?platform_id=,
// ?gtin= and ?status= narrow.
func (h *Handlers) ListListings(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	f := models.ListingFilter{ProductID: c.Query("product_id"), MerchantID: c.Query("merchant_id"),
		PlatformID: c.Query("platform_id"), GTIN: c.Query("gtin"), Status: c.Query("status")}
	items, next, err := h.Store.ListListings(ctx, f, p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// Listing answers one listing with its snapshots.
func (h *Handlers) Listing(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	l, err := h.Store.ListingByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

// UploadListingSnapshot stores the captured page of a listing (multipart, field "file": PNG,
// JPEG, WebP or PDF by its bytes) and answers id, name, size, content_type and sha256.
func (h *Handlers) UploadListingSnapshot(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	// A missing listing is a 404 before the upload is read.
	if _, err := h.Store.ListingByID(ctx, c.Params("id")); err != nil {
		return err
	}
	name, data, err := uploadedFile(c, "file", h.Engine.MaxEvidenceBytes())
	if err != nil {
		return err
	}
	ev, err := h.Engine.AddListingSnapshot(ctx, actor(c), c.Params("id"), name, data)
	if err != nil {
		return h.uploadRefused(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(ev)
}
