package recalls_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/hzcbec/portal/migrations/testdb"

	"github.com/hzcbec/portal/models/recalls"
)

func readRecalls(t *testing.T, name string, read func(f *os.File) (*recalls.File, error)) (*recalls.File, error) {
	t.Helper()
	f, err := os.Open(testdb.Testdata(t, "recalls", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return read(f)
}

func bySourceRef(f *recalls.File) map[string]recalls.Alert {
	out := map[string]recalls.Alert{}
	for _, a := range f.Alerts {
		out[a.SourceRef] = a
	}
	return out
}

// The mapping of the real files: risk types to hazards, measure texts to measure kinds, barcodes
// to GTINs, and the rows that make no alert.
func TestReadRecallFiles(t *testing.T) {
	sg := func(f *os.File) (*recalls.File, error) { return recalls.ReadSafetyGate(f) }
	us := func(f *os.File) (*recalls.File, error) { return recalls.ReadCPSC(f) }

	full, err := readRecalls(t, "eu_safety_gate_alerts_353.csv", sg)
	if err != nil {
		t.Fatal(err)
	}
	if full.Rows != 353 || len(full.Alerts) != 353 || len(full.Skipped) != 0 {
		t.Fatalf("353 file: %d rows, %d alerts, skipped %v", full.Rows, len(full.Alerts), full.Skipped)
	}
	alerts := bySourceRef(full)
	// Eight barcodes on lines of one cell; an ASIN kept out of the GTINs.
	multi, asin := 0, false
	for _, a := range full.Alerts {
		if len(a.GTINs) == 8 {
			multi++
		}
		for _, b := range a.InvalidBarcodes {
			asin = asin || b == "B0CHYPVWHV"
		}
		for _, g := range a.GTINs {
			if len(g) != 14 {
				t.Errorf("%s: GTIN %q is not 14 digits", a.SourceRef, g)
			}
		}
	}
	if multi != 1 || !asin {
		t.Errorf("barcodes: %d alerts with the 8 GTINs of one cell, ASIN kept out: %v", multi, asin)
	}
	if a := alerts["A12/00017/20"]; strings.Join(a.Hazards, ",") != "fire,injuries" || a.Brand != "Bentley" || a.Level != "high" || a.IssuedOn != nil {
		t.Errorf("A12/00017/20: %+v", a)
	}

	short, err := readRecalls(t, "eu_safety_gate_alerts_222_with_risk_measures.csv", sg)
	if err != nil {
		t.Fatal(err)
	}
	if len(short.Alerts) != 182 || len(short.Skipped) != 40 || !strings.HasPrefix(short.Skipped[0].Reason, "no alert number") {
		t.Fatalf("222 file: %d alerts, %d skipped (%v)", len(short.Alerts), len(short.Skipped), short.Skipped[:1])
	}
	kinds := map[string]int{}
	for _, a := range short.Alerts {
		for _, m := range a.Measures {
			kinds[m]++
		}
	}
	// Every measure kind of the portal (models.MeasureKinds).
	for _, k := range []string{"delist", "sales_ban", "withdrawal", "recall", "destruction", "import_rejection"} {
		if kinds[k] == 0 {
			t.Errorf("no alert of the 222 file calls for %s: %v", k, kinds)
		}
	}

	if _, err := readRecalls(t, "sk_soi_unsafe_products_110.csv", sg); !errors.Is(err, recalls.ErrNotSourceFile) {
		t.Errorf("the Slovak SOI list: %v", err)
	}
	if _, err := readRecalls(t, "eu_safety_gate_alerts_353.csv", us); !errors.Is(err, recalls.ErrNotSourceFile) {
		t.Errorf("a Safety Gate file read as CPSC: %v", err)
	}

	cpsc, err := readRecalls(t, "us_kids_product_recalls_cpsc_nhtsa.csv", us)
	if err != nil {
		t.Fatal(err)
	}
	if len(cpsc.Alerts) != 182 || len(cpsc.Skipped) != 18 {
		t.Fatalf("US file: %d alerts, %d skipped", len(cpsc.Alerts), len(cpsc.Skipped))
	}
	recalls := bySourceRef(cpsc)
	if a := recalls["26-721"]; a.Brand != "Kmaier" || a.Product != "Infant Walkers" || strings.Join(a.Hazards, ",") != "injuries" {
		t.Errorf("26-721 (fall hazard): %+v", a)
	}
	if a := recalls["26-727"]; a.Brand != "" || a.Product != "Montessori Baby Toy Sets" || !hasValue(a.Hazards, "choking") {
		t.Errorf("26-727: %+v", a)
	}
	destroyed := 0
	for _, a := range cpsc.Alerts {
		if a.Measures[0] != "recall" || a.Level != "high" || a.IssuedOn == nil {
			t.Errorf("%s: measures %v, level %s, issued %v", a.SourceRef, a.Measures, a.Level, a.IssuedOn)
		}
		if hasValue(a.Measures, "destruction") {
			destroyed++
		}
	}
	if destroyed == 0 {
		t.Error("no recall has consumers destroy the product")
	}
}

func hasValue(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
