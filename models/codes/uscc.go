package codes

import "strings"

// The unified social credit code (统一社会信用代码, GB 32100-2015) every Chinese firm and
// organisation is registered under: 18 characters from a 31-character alphabet (digits and
// capitals without I, O, S, V, Z):
//
//	1     registration authority (9 = market regulation, ...)
//	2     kind of entity
//	3–8   administrative division of the registering office (GB/T 2260), digits
//	9–17  the organisation code (GB 11714)
//	18    check character: weights 3^(i-1) mod 31 over characters 1–17, C18 = 31 − (Σ mod 31)

// usccAlphabet maps characters to their values 0–30.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1–17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeUSCC checks an 18-character unified social credit code (surrounding spaces and
// lower case tolerated) with its check character, and returns it in upper case.
func NormalizeUSCC(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return "", false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, s[i])
		if v < 0 || (i >= 2 && i < 8 && v > 9) {
			return "", false
		}
		sum += v * usccWeights[i]
	}
	if usccAlphabet[(31-sum%31)%31] != s[17] {
		return "", false
	}
	return s, true
}
