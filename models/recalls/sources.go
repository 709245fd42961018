// Package recalls reads the files of external alert sources: the EU Safety Gate (RAPEX) export and
// the US recalls list of children's products (CPSC, with NHTSA and FDA rows). It touches no
// database: models imports what it reads as alerts.
package recalls

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hzcbec/portal/models/codes"
)

// Each CSV row becomes one alert; the row is kept whole in
// the alert's external column, and what the portal understands of it (hazards, measures, GTINs,
// brand and model) is mapped by the tables below.

// Sources of imported alerts, as the alerts table names them.
const (
	SourceSafetyGate = "safety_gate"
	SourceCPSC       = "cpsc"
)

// Alert is one alert read from a source file, before it is stored.
type Alert struct {
	Line        int // where the row starts in the file, 1-based, the header being line 1
	SourceRef   string
	Title       string
	Level       string
	Product     string
	Brand       string
	Model       string
	Country     string
	Description string
	Hazards     []string
	GTINs       []string // valid GTINs, as 14 digits
	Measures    []string
	IssuedOn    *string // the day the source issued it ("2026-08-27"); nil when it does not say
	// InvalidBarcodes are the barcodes that are not GTINs (ASINs, short or mistyped numbers):
	// they stay in the row only.
	InvalidBarcodes []string
	Row             map[string]string // the row as read, header → value
	sortKey         string
}

// SkippedRow is a row of a source file that creates no alert, and why.
type SkippedRow struct {
	Line   int    `json:"line"`
	Ref    string `json:"ref"`
	Reason string `json:"reason"`
}

// File is a source file read into alerts.
type File struct {
	Source  string
	Rows    int // data rows read, the header not counted
	Alerts  []Alert
	Skipped []SkippedRow
}

// ErrNotSourceFile says a file lacks the columns of the source it was read as.
var ErrNotSourceFile = errors.New("not a file of this source")

// safetyGateHazards maps Safety Gate risk types (the column lists several, comma-separated) to
// the hazard vocabulary. A risk type not listed here is "other".
var safetyGateHazards = map[string]string{
	"chemical":            "chemical",
	"choking":             "choking",
	"injuries":            "injuries",
	"electric shock":      "electric_shock",
	"fire":                "fire",
	"burns":               "burns",
	"cuts":                "cuts",
	"strangulation":       "strangulation",
	"suffocation":         "suffocation",
	"drowning":            "drowning",
	"entrapment":          "entrapment",
	"damage to hearing":   "damage_to_hearing",
	"damage to sight":     "damage_to_sight",
	"microbiological":     "microbiological",
	"environment":         "environment",
	"health risk":         "health_risk",
	"health risk / other": "health_risk",
	"asphyxiation":        "asphyxiation",
	"security":            "security",
	"other":               "other",
}

// usHazards finds hazards in a US recall's title and hazard text, in this order. Every CPSC
// title says "Risk of Serious Injury or Death", so "injuries" comes only from the named mechanism
// (falls, crashes, tip-overs, swallowed batteries and magnets). A recall naming none is "other".
var usHazards = []struct {
	pattern *regexp.Regexp
	hazard  string
}{
	{regexp.MustCompile(`\bchok|small parts|small ball`), "choking"},
	{regexp.MustCompile(`\bstrangulat`), "strangulation"},
	{regexp.MustCompile(`\bsuffocat`), "suffocation"},
	{regexp.MustCompile(`\basphyxi|\baspiration`), "asphyxiation"},
	{regexp.MustCompile(`\bentrapment|\bentrap`), "entrapment"},
	{regexp.MustCompile(`\bdrown`), "drowning"},
	{regexp.MustCompile(`\bburn`), "burns"},
	{regexp.MustCompile(`\bfire\b|flammab`), "fire"},
	{regexp.MustCompile(`electric shock|electrocut|shock hazard`), "electric_shock"},
	{regexp.MustCompile(`\blacerat|\bcuts?\b`), "cuts"},
	{regexp.MustCompile(`\blead\b|phthalate|asbestos|poison|chemical|toxic|toxin`), "chemical"},
	{regexp.MustCompile(`\bfalls?\b|crash|tip-?over|head injur|ingest|detach|impact`), "injuries"},
	{regexp.MustCompile(`\bhearing\b`), "damage_to_hearing"},
	{regexp.MustCompile(`\beye injur|\bvision\b|\bblind`), "damage_to_sight"},
	{regexp.MustCompile(`bacteri|botulinum|salmonella|listeria|cronobacter|\bmou?ld\b|yeast|microb|contaminat`), "microbiological"},
}

// measureWords maps the words of a measure's description (Safety Gate "Category of measure(s)",
// compulsory and voluntary measures) to measure kinds, one entry per kind in the portal's order
// of them (models.MeasureKinds). Warnings to consumers or sellers and "measure not yet taken" are
// no measure of the portal's kinds and map to none.
var measureWords = []struct {
	pattern *regexp.Regexp
	kind    string
}{
	{regexp.MustCompile(`listing|delist|online marketplace`), "delist"},
	{regexp.MustCompile(`\bban\b|stop of sales|stop sales|sales stop|marketing ban`), "sales_ban"},
	{regexp.MustCompile(`withdraw`), "withdrawal"},
	{regexp.MustCompile(`recall`), "recall"},
	{regexp.MustCompile(`destruct|destroy`), "destruction"},
	{regexp.MustCompile(`import rejected|rejected at (the )?border|import rejection|rejection of import`), "import_rejection"},
}

// usDestruction: a US recall whose remedy has consumers destroy or dispose of the product.
var usDestruction = regexp.MustCompile(`destroy|dispose|discard|throw (it |them )?away`)

// nullWords are what the sources write for "nothing".
var nullWords = map[string]bool{"none": true, "null": true, "n/a": true, "unknown": true, "-": true}

// clean trims a cell and turns the sources' words for nothing into "".
func clean(s string) string {
	s = strings.TrimSpace(s)
	if nullWords[strings.ToLower(s)] {
		return ""
	}
	return s
}

// ReadSafetyGate reads a Safety Gate CSV export. Both exports in use are read: the full one
// (type_of_alert, alert_number, ..., barcode, batch_number, compulsory and voluntary measures) and
// the short one with risk_description and measures_authorities. A file without alert numbers and
// brands (the Slovak SOI list) is refused with ErrNotSourceFile.
func ReadSafetyGate(r io.Reader) (*File, error) {
	return readAlertCSV(r, SourceSafetyGate, []string{"alert_number", "risk_type", "product_name", "brand"}, safetyGateRow)
}

// ReadCPSC reads the US recalls CSV (id, agency, date, title, category, hazard, remedy, url).
// Only the CPSC's recalls are alerts of source cpsc; NHTSA and FDA rows are skipped.
func ReadCPSC(r io.Reader) (*File, error) {
	return readAlertCSV(r, SourceCPSC, []string{"id", "agency", "date", "title", "hazard", "remedy"}, cpscRow)
}

func readAlertCSV(r io.Reader, source string, required []string, convert func(row map[string]string) (Alert, string)) (*File, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short or long row is skipped with its line, not fatal
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: the file is empty", ErrNotSourceFile)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	var missing []string
	for _, col := range required {
		if !hasColumn(header, col) {
			missing = append(missing, col)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: no column %s", ErrNotSourceFile, strings.Join(missing, ", "))
	}
	f := &File{Source: source}
	firstLine := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d: %w", pe.StartLine, err)
			}
			return nil, err
		}
		f.Rows++
		if len(rec) != len(header) {
			f.Skipped = append(f.Skipped, SkippedRow{Line: line, Reason: fmt.Sprintf("%d fields where the header has %d", len(rec), len(header))})
			continue
		}
		row := make(map[string]string, len(header))
		for i, h := range header {
			row[h] = rec[i]
		}
		a, skip := convert(row)
		a.Line = line
		if skip == "" && firstLine[a.SourceRef] != 0 {
			skip = fmt.Sprintf("the same alert as line %d", firstLine[a.SourceRef])
		}
		if skip != "" {
			f.Skipped = append(f.Skipped, SkippedRow{Line: line, Ref: a.SourceRef, Reason: skip})
			continue
		}
		firstLine[a.SourceRef] = line
		a.Row = row
		f.Alerts = append(f.Alerts, a)
	}
	// Oldest first, so that alerts get time-ordered ids: undated ones are then listed newest first too.
	sort.SliceStable(f.Alerts, func(i, j int) bool {
		if f.Alerts[i].sortKey != f.Alerts[j].sortKey {
			return f.Alerts[i].sortKey < f.Alerts[j].sortKey
		}
		return f.Alerts[i].SourceRef < f.Alerts[j].SourceRef
	})
	return f, nil
}

func hasColumn(header []string, col string) bool {
	for _, h := range header {
		if h == col {
			return true
		}
	}
	return false
}

// safetyGateRef: the year an alert number was given ("A12/00328/22" → 2022).
var safetyGateRef = regexp.MustCompile(`/(\d{2})$`)

// safetyGateRow maps one Safety Gate row. The level is "serious" when a risk_level (or level)
// column says serious, "high" otherwise: the exports in use carry no risk level, and Safety Gate
// lists only products that pose a risk.
func safetyGateRow(row map[string]string) (Alert, string) {
	a := Alert{SourceRef: clean(row["alert_number"])}
	if a.SourceRef == "" {
		return a, "no alert number: not a Safety Gate alert (national lists such as the Slovak SOI's have none)"
	}
	a.Product = clean(row["product_name"])
	a.Brand = clean(row["brand"])
	a.Model = clean(row["model_type_number"])
	if a.Model == "" {
		a.Model = clean(row["product_description"])
	}
	a.Country = clean(row["country_of_origin"])
	a.Description = clean(row["risk_description"])
	a.Level = "high"
	if strings.Contains(strings.ToLower(row["risk_level"]+" "+row["level"]), "serious") {
		a.Level = "serious"
	}
	for _, t := range strings.Split(row["risk_type"], ",") {
		if t = strings.ToLower(clean(t)); t == "" {
			continue
		}
		h, ok := safetyGateHazards[t]
		if !ok {
			h = "other"
		}
		a.Hazards = appendNew(a.Hazards, h)
	}
	if len(a.Hazards) == 0 {
		a.Hazards = []string{"other"}
	}
	a.Measures = measureKinds(row["measures_authorities"], row["compulsory_measures"], row["voluntary_measures"])
	a.GTINs, a.InvalidBarcodes = barcodes(row["barcode"])
	a.IssuedOn = parseSourceDay(row["published_on"])
	a.Title = joinTitle(a.Product, strings.TrimSpace(a.Brand+" "+a.Model))
	if a.Title == "" {
		a.Title = "Safety Gate " + a.SourceRef
	}
	if a.IssuedOn != nil {
		a.sortKey = *a.IssuedOn
	} else {
		a.sortKey = SafetyGateYear(a.SourceRef)
	}
	return a, ""
}

// usRecallTitle: "HABA USA Recalls Rainbow Rattle ... Due to Risk ..." names the firm and the
// product; "Montessori Baby Toy Sets Recalled Due to ..." only the product.
var (
	usFirmRecalls   = regexp.MustCompile(`^(.+?) Recalls (.+?)(?: Due to |;|$)`)
	usRecalled      = regexp.MustCompile(`^(?:Recall of )?(.+?) (?:Recalled|Expanded) Due to `)
	usRecalledPlain = regexp.MustCompile(`^(.+?) Recalled\b`)
)

// cpscRow maps one row of the US recalls list. Every CPSC recall calls for a recall, and for the
// product's destruction when the remedy has consumers destroy or dispose of it; the level is high.
func cpscRow(row map[string]string) (Alert, string) {
	a := Alert{SourceRef: clean(row["id"])}
	if agency := clean(row["agency"]); !strings.EqualFold(agency, "CPSC") {
		if agency == "" {
			agency = "none"
		}
		return a, fmt.Sprintf("agency %s: not a CPSC recall (alerts come from Safety Gate and the CPSC only)", agency)
	}
	if a.SourceRef == "" {
		return a, "no recall number"
	}
	title := clean(row["title"])
	if title == "" {
		return a, "no title"
	}
	a.Title = truncateRunes(title, 500)
	if m := usFirmRecalls.FindStringSubmatch(title); m != nil {
		a.Brand, a.Product = m[1], m[2]
	} else if m := usRecalled.FindStringSubmatch(title); m != nil {
		a.Product = m[1]
	} else if m := usRecalledPlain.FindStringSubmatch(title); m != nil {
		a.Product = m[1]
	}
	a.Level = "high"
	hazardText := strings.ToLower(title + " " + row["hazard"])
	for _, h := range usHazards {
		if h.pattern.MatchString(hazardText) {
			a.Hazards = appendNew(a.Hazards, h.hazard)
		}
	}
	if len(a.Hazards) == 0 {
		a.Hazards = []string{"other"}
	}
	a.Measures = []string{"recall"}
	if usDestruction.MatchString(strings.ToLower(row["remedy"])) {
		a.Measures = append(a.Measures, "destruction")
	}
	a.Description = strings.TrimSpace(clean(row["hazard"]) + "\n\n" + clean(row["remedy"]))
	a.IssuedOn = parseSourceDay(row["date"])
	if a.IssuedOn != nil {
		a.sortKey = *a.IssuedOn
	}
	return a, ""
}

// measureKinds finds the measure kinds named in the sources' measure texts, in the portal's order.
func measureKinds(texts ...string) []string {
	all := strings.ToLower(strings.Join(texts, "\n"))
	var out []string
	for _, w := range measureWords {
		if w.pattern.MatchString(all) {
			out = append(out, w.kind)
		}
	}
	return out
}

// barcodes splits a barcode cell (one or more, on lines or separated by commas and semicolons)
// into valid GTINs, as 14 digits, and the rest.
func barcodes(cell string) (gtins, invalid []string) {
	for _, b := range strings.FieldsFunc(cell, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' || r == ' ' || r == '\t' }) {
		if g, ok := codes.NormalizeGTIN(b); ok {
			gtins = appendNew(gtins, g)
		} else if b = clean(b); b != "" {
			invalid = append(invalid, b)
		}
	}
	return gtins, invalid
}

// sourceDayLayouts are the ways the sources write a day.
var sourceDayLayouts = []string{time.DateOnly, "02/01/2006", "2/1/2006", "02.01.2006", "2.1.2006", "January 2, 2006"}

// parseSourceDay reads a day as the sources write it; nil when it is none of their layouts.
func parseSourceDay(s string) *string {
	s = clean(s)
	for _, layout := range sourceDayLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			d := t.Format(time.DateOnly)
			return &d
		}
	}
	return nil
}

func joinTitle(product, brandModel string) string {
	switch {
	case product == "":
		return truncateRunes(brandModel, 500)
	case brandModel == "":
		return truncateRunes(product, 500)
	}
	return truncateRunes(product+": "+brandModel, 500)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// SafetyGateYear is the year a Safety Gate alert number was given ("A12/00328/22" → "2022"), ""
// when the number does not say.
func SafetyGateYear(ref string) string {
	if m := safetyGateRef.FindStringSubmatch(ref); m != nil {
		return "20" + m[1]
	}
	return ""
}
