package handlers

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn on the server as SVG, no script: each has a title and a description read by
// screen readers, and the same numbers as a table beneath it. Geometry is computed here, in a
// viewBox 360 wide (a phone's width, so its text stays legible there) that the page scales to its
// column. Body writes the drawing (a page has hundreds of marks: one pass here costs a fraction of
// a template action each); the template places it with its title and table.
const (
	chartWidth    = 360.0
	chartBarMax   = 250.0 // the longest bar, leaving room for its value
	chartDeadline = 160.0 // where a deadline falls on a chart of times against deadlines
	chartRow      = 44.0  // label line and bar of one row
)

// chart is one figure of the statistics page.
type chart struct {
	ID, Title, Desc string
	Kind            string // "bars", "columns" or "line"
	Height          float64
	Bars            []chartBar
	Columns         []chartColumn
	Line            *chartLine
	Empty           bool
	// EmptyText is what an empty chart says.
	EmptyText string
	// Head and Rows are the table that stands in for the picture.
	Head []string
	Rows [][]string
}

// chartBar is one horizontal bar with its label above it.
type chartBar struct {
	Label, Value        string
	LabelY, BarY, TextY string
	Width, TextX        string
	// Mark is where a deadline falls on the same scale ("" when none), drawn across the bar.
	Mark, MarkTop, MarkEnd string
}

// chartColumn is one vertical bar of a series over months.
type chartColumn struct {
	X, Y, W, H string
	Label      string // shown under every few columns, "" otherwise
	LabelX     string
	Title      string // the month and value, as a tooltip
}

// chartLine is a series of points over months on a 0–100 scale.
type chartLine struct {
	Points string
	Dots   []chartDot
	Grid   []chartGrid
	Labels []chartColumn
}

type chartDot struct{ X, Y, Title string }

type chartGrid struct{ Y, Label string }

func fmtf(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// barChart draws one bar per value, scaled to the largest value.
func barChart(id, title, desc string, labels []string, values []float64, shown []string) chart {
	return scaledBarChart(id, title, desc, labels, values, shown, 0)
}

// scaledBarChart draws bars where full is the whole length (0: the largest value): 100 for
// percentages, so that rates compare with the whole and not only with each other.
func scaledBarChart(id, title, desc string, labels []string, values []float64, shown []string, full float64) chart {
	top := full
	for _, v := range values {
		top = math.Max(top, v)
	}
	scaled := make([]float64, len(values))
	for i, v := range values {
		if top > 0 {
			scaled[i] = v / top * chartBarMax
		}
	}
	return bars(id, title, desc, labels, scaled, shown, nil)
}

// deadlineChart draws each time against its own deadline: the deadline is the same mark on
// every row, a bar reaching past it took longer (drawn up to half as long again).
func deadlineChart(id, title, desc string, labels []string, values, deadlines []float64, shown []string) chart {
	scaled, marks := make([]float64, len(values)), make([]float64, len(values))
	for i, v := range values {
		scaled[i] = math.Min(v/deadlines[i], 1.5) * chartDeadline
		marks[i] = chartDeadline
	}
	return bars(id, title, desc, labels, scaled, shown, marks)
}

func bars(id, title, desc string, labels []string, widths []float64, shown []string, marks []float64) chart {
	c := chart{ID: id, Title: title, Desc: desc, Kind: "bars"}
	if len(widths) == 0 {
		c.Empty, c.Height = true, 40
		return c
	}
	for i, w := range widths {
		y := float64(i) * chartRow
		end := w
		b := chartBar{Label: labels[i], Value: shown[i], LabelY: fmtf(y + 16), BarY: fmtf(y + 22), TextY: fmtf(y + 36),
			Width: fmtf(math.Max(w, 1))}
		if marks != nil {
			b.Mark, b.MarkTop, b.MarkEnd = fmtf(marks[i]), fmtf(y+19), fmtf(y+41)
			end = math.Max(end, marks[i])
		}
		b.TextX = fmtf(end + 6)
		c.Bars = append(c.Bars, b)
	}
	c.Height = float64(len(widths))*chartRow + 8
	return c
}

// columnChart draws a series over months as vertical bars.
func columnChart(id, title, desc string, months []string, values []float64) chart {
	c := chart{ID: id, Title: title, Desc: desc, Kind: "columns", Height: 240}
	if len(values) == 0 {
		c.Empty, c.Height = true, 40
		return c
	}
	top := 0.0
	for _, v := range values {
		top = math.Max(top, v)
	}
	const plot, base = 180.0, 200.0
	step := chartWidth / float64(len(values))
	every := int(math.Ceil(float64(len(values)) / 4))
	for i, v := range values {
		h := 0.0
		if top > 0 {
			h = v / top * plot
		}
		col := chartColumn{X: fmtf(float64(i)*step + step*0.15), W: fmtf(step * 0.7), Y: fmtf(base - h), H: fmtf(math.Max(h, 1)),
			Title: fmt.Sprintf("%s: %s", months[i], strconv.FormatFloat(v, 'f', -1, 64))}
		if i%every == 0 {
			col.Label, col.LabelX = months[i], fmtf(float64(i)*step+step/2)
		}
		c.Columns = append(c.Columns, col)
	}
	return c
}

// lineChart draws a 0–100 series over months.
func lineChart(id, title, desc string, months []string, values []float64) chart {
	c := chart{ID: id, Title: title, Desc: desc, Kind: "line", Height: 240}
	if len(values) == 0 {
		c.Empty, c.Height = true, 40
		return c
	}
	const left, right, top, bottom = 32.0, chartWidth - 32, 20.0, 200.0
	l := &chartLine{}
	for _, g := range []float64{0, 50, 100} {
		l.Grid = append(l.Grid, chartGrid{Y: fmtf(bottom - g/100*(bottom-top)), Label: fmtf(g)})
	}
	step := 0.0
	if len(values) > 1 {
		step = (right - left) / float64(len(values)-1)
	}
	every := int(math.Ceil(float64(len(values)) / 4))
	for i, v := range values {
		x := left + float64(i)*step
		if len(values) == 1 {
			x = (left + right) / 2
		}
		y := bottom - v/100*(bottom-top)
		if l.Points != "" {
			l.Points += " "
		}
		l.Points += fmtf(x) + "," + fmtf(y)
		l.Dots = append(l.Dots, chartDot{X: fmtf(x), Y: fmtf(y), Title: fmt.Sprintf("%s: %s", months[i], fmtf(v))})
		if i%every == 0 {
			l.Labels = append(l.Labels, chartColumn{Label: months[i], LabelX: fmtf(x)})
		}
	}
	c.Line = l
	return c
}

// Body is the drawing inside the chart's <svg>, its words escaped.
func (c chart) Body() template.HTML {
	var b strings.Builder
	e := html.EscapeString
	switch {
	case c.Empty:
		fmt.Fprintf(&b, `<text x="0" y="24" class="chart-empty">%s</text>`, e(c.EmptyText))
	case c.Kind == "bars":
		for _, r := range c.Bars {
			fmt.Fprintf(&b, `<g><text x="0" y="%s" class="chart-label">%s</text>`, r.LabelY, e(r.Label))
			fmt.Fprintf(&b, `<rect x="0" y="%s" width="%s" height="16" rx="2" class="chart-bar"><title>%s: %s</title></rect>`,
				r.BarY, r.Width, e(r.Label), e(r.Value))
			if r.Mark != "" {
				fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" class="chart-mark"/>`, r.Mark, r.Mark, r.MarkTop, r.MarkEnd)
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" class="chart-value">%s</text></g>`, r.TextX, r.TextY, e(r.Value))
		}
	case c.Kind == "columns":
		fmt.Fprintf(&b, `<line x1="0" x2="%s" y1="200" y2="200" class="chart-axis"/>`, fmtf(chartWidth))
		for _, col := range c.Columns {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" class="chart-bar"><title>%s</title></rect>`,
				col.X, col.Y, col.W, col.H, e(col.Title))
			if col.Label != "" {
				fmt.Fprintf(&b, `<text x="%s" y="224" text-anchor="middle" class="chart-label">%s</text>`, col.LabelX, e(col.Label))
			}
		}
	case c.Line != nil:
		for _, g := range c.Line.Grid {
			fmt.Fprintf(&b, `<line x1="32" x2="%s" y1="%s" y2="%s" class="chart-axis"/>`, fmtf(chartWidth-32), g.Y, g.Y)
			fmt.Fprintf(&b, `<text x="26" y="%s" text-anchor="end" dominant-baseline="middle" class="chart-label">%s</text>`, g.Y, e(g.Label))
		}
		fmt.Fprintf(&b, `<polyline points="%s" class="chart-line"/>`, c.Line.Points)
		for _, d := range c.Line.Dots {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="4" class="chart-dot"><title>%s</title></circle>`, d.X, d.Y, e(d.Title))
		}
		for _, l := range c.Line.Labels {
			fmt.Fprintf(&b, `<text x="%s" y="224" text-anchor="middle" class="chart-label">%s</text>`, l.LabelX, e(l.Label))
		}
	}
	return template.HTML(b.String()) //nolint:gosec // every word is escaped above; the rest are numbers
}

// Table is the chart's numbers as the rows of its table, escaped.
func (c chart) Table() template.HTML {
	var b strings.Builder
	for _, row := range c.Rows {
		b.WriteString("<tr>")
		for _, cell := range row {
			b.WriteString("<td>")
			b.WriteString(html.EscapeString(cell))
			b.WriteString("</td>")
		}
		b.WriteString("</tr>")
	}
	if len(c.Rows) == 0 {
		fmt.Fprintf(&b, `<tr><td colspan="%d">%s</td></tr>`, max(1, len(c.Head)), html.EscapeString(c.EmptyText))
	}
	return template.HTML(b.String()) //nolint:gosec // every cell is escaped
}
