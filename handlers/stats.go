package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// statsFilter reads ?jurisdiction=, ?from= and ?to= (months, YYYY-MM).
func statsFilter(c *fiber.Ctx) models.StatsFilter {
	return models.StatsFilter{Jurisdiction: c.Query("jurisdiction"), From: c.Query("from"), To: c.Query("to")}
}

// PublicStats answers the public statistics (Art. 21, 33) from the rollups: JSON, or with
// ?format=csv one table with a section column, or with ?format=xlsx a workbook with a sheet per
// section. The three carry the same numbers.
func (h *Handlers) PublicStats(c *fiber.Ctx) error {
	format := c.Query("format", "json")
	if format != "json" && format != "csv" && format != "xlsx" {
		return models.Invalid(models.FieldError{Field: "format", Rule: "oneof", Param: "json csv xlsx"})
	}
	ctx, cancel := ctx(c)
	defer cancel()
	st, err := h.Store.Statistics(ctx, statsFilter(c))
	if err != nil {
		return err
	}
	// The rollups change every few minutes at most.
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	switch format {
	case "csv":
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="statistics.csv"`)
		return writeStatsCSV(c.Response().BodyWriter(), st)
	case "xlsx":
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="statistics.xlsx"`)
		return writeStatsXLSX(c.Response().BodyWriter(), st)
	}
	return c.JSON(st)
}
