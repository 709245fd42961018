package handlers

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// CaptureEPCIS captures a GS1 EPCIS 2.0 JSON-LD EPCISDocument: every event or, when anything in
// the document is wrong, none.
func (h *Handlers) CaptureEPCIS(c *fiber.Ctx) error {
	ctx, cancel := ctx(c)
	defer cancel()
	res, err := h.Store.CaptureEPCIS(ctx, actor(c), c.Body())
	if err != nil {
		return err
	}
	c.Set("GS1-EPCIS-Version", "2.0.0")
	return c.Status(fiber.StatusCreated).JSON(res)
}

// EPCISEvents answers a SimpleEventQuery with an EPCISQueryDocument. The next page, if any, is
// the Link header's rel="next": the same query with its nextPageToken.
func (h *Handlers) EPCISEvents(c *fiber.Ctx) error {
	params, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the query string is not well formed: "+err.Error())
	}
	q, err := models.ParseEPCISQuery(params)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	doc, next, err := h.Store.QueryEPCIS(ctx, q)
	if err != nil {
		return err
	}
	c.Set("GS1-EPCIS-Version", "2.0.0")
	if next != "" {
		params.Set("nextPageToken", next)
		c.Set(fiber.HeaderLink, "<"+c.BaseURL()+c.Path()+"?"+params.Encode()+`>; rel="next"`)
	}
	return c.JSON(doc)
}
