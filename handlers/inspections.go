package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CreateInspection records an inspection; a non-conformant one links to raising an alert with
// what it already knows.
func (h *Handlers) CreateInspection(c *fiber.Ctx) error {
	var in models.NewInspection
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	ctx, cancel := ctx(c)
	defer cancel()
	ins, err := h.Store.CreateInspection(ctx, actor(c), u.Jurisdiction, in)
	if err != nil {
		return err
	}
	out := fiber.Map{"inspection": ins}
	if ins.Conclusion == "non_conformant" {
		out["raise_alert"] = fiber.Map{"href": "/api/v1/alerts", "method": "POST", "prefill": fiber.Map{
			"inspection_id": ins.ID, "product_ids": []string{ins.ProductID}, "level": "high",
			"batch_ids": nonEmpty(ins.BatchID), "measures": []string{"delist"}}}
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func nonEmpty(id *string) []string {
	if id == nil {
		return []string{}
	}
	return []string{*id}
}

// ListInspections lists inspections, newest first; ?product_id= narrows.
func (h *Handlers) ListInspections(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	items, next, err := h.Store.ListInspections(ctx, c.Query("product_id"), p)
	if err != nil {
		return err
	}
	return c.JSON(listOf(items, next))
}

// GetInspection answers one inspection.
func (h *Handlers) GetInspection(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	ins, err := h.Store.InspectionByID(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(ins)
}

// UploadInspectionReport stores an inspection's lab report (multipart, field "file": PDF or an
// image, judged by its bytes) with its SHA-256.
func (h *Handlers) UploadInspectionReport(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	// A missing inspection is a 404 before the upload is read.
	if _, err := h.Store.InspectionByID(ctx, c.Params("id")); err != nil {
		return err
	}
	name, data, err := uploadedFile(c, "file", h.Engine.MaxEvidenceBytes())
	if err != nil {
		return err
	}
	ev, err := h.Engine.AddInspectionReport(ctx, actor(c), c.Params("id"), name, data)
	if err != nil {
		return h.uploadRefused(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(ev)
}
