// Package codes checks the codes goods and firms are known by: GTINs, HS codes, unified social
// credit codes, and the GS1 CBV words trace events use. It touches no database.
package codes

import "strings"

// GTINs (GS1 General Specifications §7.9): GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN) and GTIN-14,
// each ending in a mod-10 check digit. The portal keeps them all as 14 digits, left-padded with
// zeros, so the same trade item read from an EAN-13 barcode and from a GTIN-14 case label match.

// gtinLengths are the lengths a GTIN may have.
var gtinLengths = map[int]bool{8: true, 12: true, 13: true, 14: true}

// NormalizeGTIN checks a GTIN-8/12/13/14 (digits only, surrounding spaces ignored) and its check
// digit, and returns it as 14 digits.
func NormalizeGTIN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !gtinLengths[len(s)] {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	if GTINCheckDigit(s[:len(s)-1]) != s[len(s)-1] {
		return "", false
	}
	return strings.Repeat("0", 14-len(s)) + s, true
}

// GTINCheckDigit is the GS1 mod-10 check digit of body: from the right, digits are weighted
// 3, 1, 3, 1, ...; the check digit brings the sum up to a multiple of ten.
func GTINCheckDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}
