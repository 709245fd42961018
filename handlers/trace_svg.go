package handlers

import (
	"fmt"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hzcbec/portal/models"
)

// The picture of a trace: one box per stage, top to bottom from the listing to the origin, in
// a 360-unit wide viewBox that scales to the page (a phone shows it at about its natural size).
const (
	svgWidth    = 360
	svgMargin   = 12
	svgBoxX     = 16
	svgBoxW     = svgWidth - 2*svgBoxX
	svgBoxH     = 84
	svgGap      = 30 // room for the arrow between two boxes
	svgPad      = 14 // text inset inside a box
	svgTextW    = svgBoxW - 2*svgPad
	svgInk      = "#1d2733"
	svgMuted    = "#5b6775"
	svgBrand    = "#0b6e4f"
	svgBad      = "#b42318"
	svgBadFill  = "#fff5f4"
	svgMainSize = 14
)

// traceSVG draws a chain as SVG: a box per stage (its number and name, the party or record, how
// many events and documents), arrows from each stage to the one before it in the goods' way,
// and each missing stage dashed and red with its gap. Every text is escaped; t translates
// catalog ids.
func traceSVG(tc *models.TraceChain, t func(id string, data map[string]any) string, l string) string {
	n := len(tc.Chain)
	height := 2*svgMargin + n*svgBoxH + max(n-1, 0)*svgGap
	var b strings.Builder
	title := t("trace.title", nil)
	// A group, not an img: each box is a link to its stage's details, and an img's content is
	// one picture to assistive technology, its links unreachable (axe-core: nested-interactive).
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="trace-chain" viewBox="0 0 %d %d" width="100%%" role="group" aria-labelledby="trace-svg-title">`, svgWidth, height)
	fmt.Fprintf(&b, `<title id="trace-svg-title">%s</title>`, esc(title))
	fmt.Fprintf(&b, `<defs><marker id="trace-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker></defs>`, svgMuted)
	for i := 0; i+1 < n; i++ {
		y := svgMargin + i*(svgBoxH+svgGap) + svgBoxH
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" marker-end="url(#trace-arrow)"/>`,
			svgWidth/2, y+2, svgWidth/2, y+svgGap-3, svgMuted)
	}
	for i, st := range tc.Chain {
		y := svgMargin + i*(svgBoxH+svgGap)
		label := fmt.Sprintf("%d. %s", i+1, t("trace.stage."+st.Stage, nil))
		main := stageLine(tc, st, l)
		counts := t("trace.counts", map[string]any{"Events": len(st.Events), "Documents": len(st.Documents)})
		stroke, fill, ink, dash := svgBrand, "#ffffff", svgInk, ""
		if st.Missing {
			stroke, fill, ink, dash = svgBad, svgBadFill, svgBad, ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<g class="stage%s" id="stage-%s" data-stage="%s" data-missing="%t">`,
			map[bool]string{true: " missing", false: ""}[st.Missing], esc(st.Stage), esc(st.Stage), st.Missing)
		tip := label + ": " + main
		if st.Missing {
			tip = label + ": " + st.Gap
		}
		fmt.Fprintf(&b, `<title>%s</title><a href="#stage-detail-%s">`, esc(tip), esc(st.Stage))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="8" fill="%s" stroke="%s" stroke-width="2"%s/>`,
			svgBoxX, y, svgBoxW, svgBoxH, fill, stroke, dash)
		text := func(dy, size int, weight, color, s string) {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d"%s fill="%s">%s</text>`, svgBoxX+svgPad, y+dy, size, weight, color, esc(s))
		}
		text(24, 15, ` font-weight="700"`, ink, fitText(label, svgTextW, 15))
		if st.Missing {
			lines := wrapText(st.Gap, svgTextW, svgMainSize, 2)
			text(47, svgMainSize, "", svgBad, lines[0])
			if len(lines) > 1 {
				text(69, svgMainSize, "", svgBad, lines[1])
			} else {
				text(70, 12, "", svgMuted, fitText(counts, svgTextW, 12))
			}
		} else {
			text(47, svgMainSize, "", svgInk, fitText(main, svgTextW, svgMainSize))
			text(70, 12, "", svgMuted, fitText(counts, svgTextW, 12))
		}
		b.WriteString(`</a></g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// stageLine is what a stage's box names: its party, or its record (the listing's title, the
// declaration's number, the shipment's waybill).
func stageLine(tc *models.TraceChain, st models.TraceStage, l string) string {
	switch {
	case st.Stage == models.StageListing && tc.Subject.Listing != nil:
		return tc.Subject.Listing.Title
	case st.Stage == models.StageDeclaration && st.Declaration != nil:
		return st.Declaration.Number + " · " + st.Declaration.TradeMode
	case st.Stage == models.StageShipment && len(st.Shipments) > 0:
		if st.Party != nil {
			return partyName(l, st.Party) + " · " + st.Shipments[0].Waybill
		}
		return st.Shipments[0].Waybill
	}
	return partyName(l, st.Party)
}

// esc escapes text for SVG's XML: names come from users.
func esc(s string) string { return template.HTMLEscapeString(s) }

// textWidth estimates how wide s is drawn at size: wide (CJK) characters take a full em, others about half.
func textWidth(s string, size int) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r) * float64(size)
	}
	return w
}

func runeWidth(r rune) float64 {
	switch {
	case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef):
		return 1
	case unicode.IsUpper(r) || r == 'm' || r == 'w' || r == 'M' || r == 'W':
		return 0.68
	}
	return 0.55
}

// fitText cuts s to width with an ellipsis.
func fitText(s string, width, size int) string {
	if textWidth(s, size) <= float64(width) {
		return s
	}
	limit := float64(width) - textWidth("…", size)
	w := 0.0
	for i, r := range s {
		w += runeWidth(r) * float64(size)
		if w > limit {
			return s[:i] + "…"
		}
	}
	return s
}

// wrapText breaks s into at most n lines of width, at spaces where it can (between any two
// wide characters otherwise), the last line cut with an ellipsis.
func wrapText(s string, width, size, n int) []string {
	var lines []string
	for s != "" && len(lines) < n-1 {
		if textWidth(s, size) <= float64(width) {
			break
		}
		cut, w, lastSpace := 0, 0.0, -1
		for i, r := range s {
			w += runeWidth(r) * float64(size)
			if w > float64(width) {
				break
			}
			if r == ' ' {
				lastSpace = i
			}
			cut = i + utf8.RuneLen(r)
		}
		if lastSpace > 0 {
			cut = lastSpace
		}
		lines = append(lines, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	return append(lines, fitText(s, width, size))
}
