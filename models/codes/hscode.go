package codes

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"sync"
)

// The Harmonized System (HS 2022, WCO): 2-digit chapters, 4-digit headings and 6-digit
// subheadings. National tariff lines (China's 10-digit 税则号列) extend a 6-digit subheading, so
// a code is accepted when it has 6 to 10 digits and its first six name a real HS 2022
// subheading; a heading alone ("9503") does not say what the goods are precisely enough.

//go:embed reference/hs2022.csv
var hs2022CSV []byte

// HSSubheading is one 6-digit subheading of HS 2022.
type HSSubheading struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Heading     string `json:"heading"`
	Section     string `json:"section"`
}

// hsSubheadings reads the embedded nomenclature once, on first use.
var hsSubheadings = sync.OnceValue(func() map[string]HSSubheading {
	rows, err := csv.NewReader(bytes.NewReader(hs2022CSV)).ReadAll()
	if err != nil {
		panic("models/codes/reference/hs2022.csv: " + err.Error()) // shipped in the binary: a bad file is a build error
	}
	out := make(map[string]HSSubheading, 6000)
	for _, r := range rows[1:] { // section,hscode,description,parent,level
		// Section "TOTAL" is UN Comtrade's 99 "not specified according to kind", not the HS.
		if len(r) == 5 && r[4] == "6" && len(r[1]) == 6 && r[0] != "TOTAL" {
			out[r[1]] = HSSubheading{Code: r[1], Description: r[2], Heading: r[3], Section: r[0]}
		}
	}
	return out
})

// LookupHSCode returns the HS 2022 subheading of a 6- to 10-digit code, and whether the code is
// well formed and its first six digits are a subheading.
func LookupHSCode(code string) (HSSubheading, bool) {
	if len(code) < 6 || len(code) > 10 {
		return HSSubheading{}, false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return HSSubheading{}, false
		}
	}
	sub, ok := hsSubheadings()[code[:6]]
	return sub, ok
}

// ValidHSCode tells whether code is 6 to 10 digits starting with an HS 2022 subheading.
func ValidHSCode(code string) bool {
	_, ok := LookupHSCode(code)
	return ok
}
