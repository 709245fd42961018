package codes_test

import (
	"encoding/csv"
	"os"
	"regexp"
	"testing"

	"github.com/hzcbec/portal/migrations/testdb"

	"github.com/hzcbec/portal/models/codes"
)

func TestNormalizeGTIN(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"4006381333931", "04006381333931"},   // GTIN-13 (EAN-13)
		{"036000291452", "00036000291452"},    // GTIN-12 (UPC-A)
		{"96385074", "00000096385074"},        // GTIN-8
		{"10614141000415", "10614141000415"},  // GTIN-14, a case of a trade item
		{" 9780306406157 ", "09780306406157"}, // ISBN-13 is a GTIN-13; spaces around are dropped
	} {
		got, ok := codes.NormalizeGTIN(c.in)
		if !ok || got != c.want {
			t.Errorf("NormalizeGTIN(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{
		"4006381333932",   // wrong check digit
		"036000291453",    // wrong check digit
		"96385075",        // wrong check digit
		"400638133393",    // 12 digits, but not a GTIN-12 (the EAN-13 without its check)
		"1234567",         // 7 digits
		"123456789",       // 9 digits: no such GTIN
		"40063813339311",  // 14 digits, wrong check
		"400638133393101", // 15 digits
		"4006381-333931",  // not only digits
		"４００６３８１３３３９３１", // full-width digits
		"",
	} {
		if got, ok := codes.NormalizeGTIN(bad); ok {
			t.Errorf("NormalizeGTIN(%q) = %q, accepted", bad, got)
		}
	}
}

// Barcodes as printed on real products recalled in the EU (Safety Gate): nearly all are valid
// GTINs, and any other last digit than the printed one makes them invalid.
func TestNormalizeGTINOnSafetyGateBarcodes(t *testing.T) {
	f, err := os.Open(testdb.Testdata(t, "recalls", "eu_safety_gate_alerts_353.csv"))
	if err != nil {
		t.Skip("shared test data not present:", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "barcode" {
			col = i
		}
	}
	if col < 0 {
		t.Fatal("no barcode column")
	}
	number := regexp.MustCompile(`\b(\d{8}|\d{12,14})\b`)
	seen, valid := 0, 0
	for _, r := range rows[1:] {
		for _, code := range number.FindAllString(r[col], -1) {
			seen++
			n, ok := codes.NormalizeGTIN(code)
			if !ok {
				continue
			}
			valid++
			if len(n) != 14 || n[14-len(code):] != code {
				t.Errorf("%s normalised to %s", code, n)
			}
			for d := byte('0'); d <= '9'; d++ {
				if other := code[:len(code)-1] + string(d); d != code[len(code)-1] {
					if _, ok := codes.NormalizeGTIN(other); ok {
						t.Errorf("%s (check digit changed from %s) accepted", other, code)
					}
				}
			}
		}
	}
	if seen < 100 || valid*100 < seen*90 {
		t.Fatalf("%d of %d real barcodes valid: want at least 90%% of at least 100", valid, seen)
	}
}
