package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/search"
)

// SearchRecords answers GET /api/v1/search?q=&types=&limit=: the records the caller may open
// that match, with facets; from Postgres, and "degraded": true, when Meilisearch cannot answer.
func (h *Handlers) SearchRecords(c *fiber.Ctx) error {
	req := search.Request{Query: strings.Clone(c.Query("q"))}
	if v := c.Query("types"); v != "" {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				req.Types = append(req.Types, strings.Clone(t))
			}
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return models.Invalid(models.FieldError{Field: "limit", Rule: "between", Param: "1-" + strconv.Itoa(search.MaxLimit)})
		}
		req.Limit = n
	}
	if err := req.Validate(); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	res, err := h.Search.Search(ctx, search.ViewerOf(currentUser(c), h.Policy), req)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// SearchPage shows search results for the box in every page's header, with facets to narrow by type.
func (h *Handlers) SearchPage(c *fiber.Ctx) error {
	req := search.Request{Query: strings.TrimSpace(strings.Clone(c.Query("q")))}
	if t := c.Query("types"); t != "" {
		req.Types = []string{strings.Clone(t)}
	}
	data := fiber.Map{"Query": req.Query, "Type": c.Query("types")}
	if req.Query == "" {
		return render(c, fiber.StatusOK, "search", "search.title", data)
	}
	if err := req.Validate(); err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	res, err := h.Search.Search(ctx, search.ViewerOf(currentUser(c), h.Policy), req)
	if err != nil {
		return err
	}
	data["Result"] = res
	return render(c, fiber.StatusOK, "search", "search.title", data)
}
