package handlers

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
)

// StatsPage shows the public statistics as charts, each with its numbers as a table, with a
// filter by district and months and links to the same figures as CSV, XLSX and JSON.
func (h *Handlers) StatsPage(c *fiber.Ctx) error {
	f := statsFilter(c)
	ctx, cancel := ctx(c)
	defer cancel()
	l := lang(c)
	jurisdictions, err := h.Store.Jurisdictions(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{"": h.T(l, "stats.no_district", nil)}
	for _, j := range jurisdictions {
		names[j.Code] = j.NameZh
		if l == "en" {
			names[j.Code] = j.NameEn
		}
	}
	extra := fiber.Map{"Filter": f, "Jurisdictions": jurisdictions, "Names": names}
	st, err := h.Store.Statistics(ctx, f)
	if err != nil {
		fields, msg, ferr := h.formErrors(c, err)
		if ferr != nil {
			return ferr
		}
		extra["Errors"], extra["FormError"] = fields, msg
		return render(c, fiber.StatusUnprocessableEntity, "stats", "stats.title", extra)
	}
	q := url.Values{}
	for k, v := range map[string]string{"jurisdiction": f.Jurisdiction, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	query := q.Encode()
	for _, format := range []string{"csv", "xlsx"} {
		q.Set("format", format)
		extra["Download"+format] = "/api/v1/public/stats?" + q.Encode()
	}
	extra["DownloadJSON"] = "/api/v1/public/stats?" + query
	sc := statsCharts{t: func(id string) string { return h.T(l, id, nil) }, names: names}
	extra["Stats"], extra["Formula"] = st, models.QualityIndexFormula
	charts := sc.build(st)
	for i := range charts {
		charts[i].EmptyText = sc.t("stats.no_data")
	}
	extra["Charts"] = charts
	if a := st.Table("merchant_answers"); a != nil && len(a.Rows) == 1 {
		due, onTime := a.Rows[0][0].(int64), a.Rows[0][1].(int64)
		extra["AnswersShare"] = percent(a.Rows[0][2])
		extra["AnswersDetail"] = h.T(l, "stats.answers_detail", map[string]any{"Due": due, "OnTime": onTime})
	}
	return render(c, fiber.StatusOK, "stats", "stats.title", extra)
}

// statsCharts turns the statistics' sections into the page's charts.
type statsCharts struct {
	t     func(id string) string
	names map[string]string
}

func (sc statsCharts) build(st *models.Statistics) []chart {
	t := sc.t
	var out []chart

	vol := st.Table("volumes")
	var labels, shown []string
	var values []float64
	var rows [][]string
	for _, r := range vol.Rows {
		labels = append(labels, t("kind."+r[0].(string)))
		values = append(values, num(r[1]))
		shown = append(shown, cell(r[1]))
		rows = append(rows, []string{t("kind." + r[0].(string)), cell(r[1]), cell(r[2]), cell(r[3])})
	}
	ch := barChart("chart-volumes", t("stats.chart.volumes"), t("stats.chart.volumes_desc"), labels, values, shown)
	ch.Head, ch.Rows = sc.head("kind", "filed", "open", "closed"), rows
	out = append(out, ch)

	labels, shown, values, rows = nil, nil, nil, nil
	for _, r := range st.Table("outcomes").Rows {
		label := t("kind."+r[0].(string)) + " · " + t("status."+r[1].(string))
		labels, values, shown = append(labels, label), append(values, num(r[2])), append(shown, cell(r[2]))
		rows = append(rows, []string{label, cell(r[2])})
	}
	ch = barChart("chart-outcomes", t("stats.chart.outcomes"), t("stats.chart.outcomes_desc"), labels, values, shown)
	ch.Head, ch.Rows = sc.head("status", "count"), rows
	out = append(out, ch)

	// Times against deadlines: the stages that have one and were timed; the table has them all.
	labels, shown, values, rows = nil, nil, nil, nil
	var deadlines []float64
	for _, r := range st.Table("handling").Rows {
		label := t("kind."+r[0].(string)) + " · " + t("stats.stage."+r[1].(string))
		rows = append(rows, []string{label, cell(r[2]), cell(r[3]), cell(r[4]), percent(r[6])})
		if r[2].(int64) == 0 || r[4] == nil || num(r[4]) == 0 {
			continue
		}
		labels, values, deadlines = append(labels, label), append(values, num(r[3])), append(deadlines, num(r[4]))
		shown = append(shown, cell(r[3])+" / "+cell(r[4])+" "+t("stats.days"))
	}
	ch = deadlineChart("chart-handling", t("stats.chart.handling"), t("stats.chart.handling_desc"), labels, values, deadlines, shown)
	ch.Head, ch.Rows = sc.head("stage", "count", "median_days", "deadline_days", "within_deadline_share"), rows
	out = append(out, ch)

	for _, sec := range []struct{ table, id string }{{"inspections_by_category", "categories"}, {"inspections_by_origin", "origins"}} {
		labels, shown, values, rows = nil, nil, nil, nil
		for _, r := range st.Table(sec.table).Rows {
			labels, values, shown = append(labels, r[0].(string)), append(values, num(r[3])*100), append(shown, percent(r[3]))
			rows = append(rows, []string{r[0].(string), cell(r[1]), cell(r[2]), percent(r[3])})
		}
		ch = scaledBarChart("chart-"+sec.id, t("stats.chart."+sec.id), t("stats.chart.rates_desc"), labels, values, shown, 100)
		ch.Head, ch.Rows = sc.head(st.Table(sec.table).Columns[0], "inspections", "non_conformant", "rate"), rows
		out = append(out, ch)
	}

	labels, shown, values, rows = nil, nil, nil, nil
	for _, r := range st.Table("alerts_by_hazard").Rows {
		label := t("hazard." + r[0].(string))
		labels, values, shown = append(labels, label), append(values, num(r[1])), append(shown, cell(r[1]))
		rows = append(rows, []string{label, cell(r[1])})
	}
	ch = barChart("chart-hazards", t("stats.chart.hazards"), t("stats.chart.hazards_desc"), labels, values, shown)
	ch.Head, ch.Rows = sc.head("hazard", "alerts"), rows
	out = append(out, ch)

	labels, shown, values, rows = nil, nil, nil, nil
	for _, r := range st.Table("by_jurisdiction").Rows {
		name := sc.names[r[0].(string)]
		labels, values, shown = append(labels, name), append(values, num(r[1])), append(shown, cell(r[1]))
		rows = append(rows, []string{name, cell(r[1]), cell(r[2]), cell(r[3]), cell(r[4]), cell(r[5]), cell(r[6])})
	}
	ch = barChart("chart-jurisdictions", t("stats.chart.jurisdictions"), t("stats.chart.jurisdictions_desc"), labels, values, shown)
	ch.Head, ch.Rows = sc.head("jurisdiction", "complaints", "claims", "cases", "inspections", "non_conformant", "alerts"), rows
	out = append(out, ch)

	var months []string
	values, rows = nil, nil
	for _, r := range st.Table("by_month").Rows {
		months, values = append(months, r[0].(string)), append(values, num(r[1]))
		rows = append(rows, []string{r[0].(string), cell(r[1]), cell(r[2]), cell(r[3]), cell(r[4]), cell(r[5]), cell(r[6])})
	}
	ch = columnChart("chart-months", t("stats.chart.months"), t("stats.chart.months_desc"), months, values)
	ch.Head, ch.Rows = sc.head("month", "complaints", "claims", "cases", "inspections", "non_conformant", "alerts"), rows
	out = append(out, ch)

	months, values, rows = nil, nil, nil
	for _, r := range st.Table("quality_index").Rows {
		months, values = append(months, r[0].(string)), append(values, num(r[1]))
		rows = append(rows, []string{r[0].(string), cell(r[1]), percent(r[2]), percent(r[3]), percent(r[4]), percent(r[5])})
	}
	ch = lineChart("chart-index", t("stats.chart.index"), t("stats.chart.index_desc"), months, values)
	ch.Head, ch.Rows = sc.head("month", "index", "complaint_rate", "non_conformance", "overdue_measures", "on_time_answers"), rows
	out = append(out, ch)
	return out
}

func (sc statsCharts) head(cols ...string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = sc.t("stats.col." + c)
	}
	return out
}

// num reads a section's number; nil (no value) is 0.
func num(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// cell shows a section's value; nil is a dash.
func cell(v any) string {
	if v == nil {
		return "—"
	}
	return statsCell(v)
}

// percent shows a share as a percentage with one decimal.
func percent(v any) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(num(v)*100, 'f', 1, 64) + "%"
}
