package codes_test

import (
	"encoding/csv"
	"os"
	"testing"

	"github.com/hzcbec/portal/migrations/testdb"

	"github.com/hzcbec/portal/models/codes"
)

func TestLookupHSCode(t *testing.T) {
	for _, c := range []struct{ code, heading string }{
		{"950300", "9503"},     // tricycles, scooters, dolls, other toys
		{"95030089", "9503"},   // with the national tariff digits
		{"9503008900", "9503"}, // China's 10-digit tariff line
		{"851631", "8516"},     // hair dryers
		{"010121", "0101"},     // the first subheading
	} {
		sub, ok := codes.LookupHSCode(c.code)
		if !ok || sub.Heading != c.heading || sub.Description == "" {
			t.Errorf("LookupHSCode(%q) = %+v, %v; want heading %s", c.code, sub, ok, c.heading)
		}
	}
	for _, bad := range []string{
		"9503",        // a heading alone
		"95",          // a chapter
		"950390",      // no such subheading in HS 2022
		"999999",      // no such chapter
		"95030",       // 5 digits
		"95030089001", // 11 digits
		"9503.00",     // with the dot
		"95030a",
		"",
	} {
		if sub, ok := codes.LookupHSCode(bad); ok {
			t.Errorf("LookupHSCode(%q) = %+v, accepted", bad, sub)
		}
	}
}

// Every subheading of the published HS 2022 nomenclature is accepted, and nothing shorter.
func TestHSCodesOfTheNomenclature(t *testing.T) {
	f, err := os.Open(testdb.Testdata(t, "hs", "harmonized-system.csv"))
	if err != nil {
		t.Skip("shared test data not present:", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	subheadings := 0
	for _, r := range rows[1:] { // section,hscode,description,parent,level
		code, level := r[1], r[4]
		_, ok := codes.LookupHSCode(code)
		switch {
		case r[0] == "TOTAL": // UN Comtrade's 999999 "not specified according to kind" is no HS code
			if ok {
				t.Errorf("%s (%s) accepted", code, r[2])
			}
		case level == "6":
			subheadings++
			if !ok {
				t.Errorf("subheading %s (%s) refused", code, r[2])
			}
		default:
			if ok {
				t.Errorf("%s of level %s accepted as a subheading", code, level)
			}
		}
	}
	if subheadings != 5612 { // the 5,613 six-digit rows of the file, less 999999
		t.Errorf("%d subheadings in the nomenclature, want 5612", subheadings)
	}
}
