package codes_test

import (
	"testing"

	"github.com/hzcbec/portal/models/codes"
)

func TestNormalizeUSCC(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"91350100M000100Y43", "91350100M000100Y43"}, // the example of GB 32100-2015
		{"91330100799655058B", "91330100799655058B"}, // check character a letter
		{"91110000802100433B", "91110000802100433B"},
		{" 91350100m000100y43 ", "91350100M000100Y43"}, // lower case and spaces tolerated
	} {
		got, ok := codes.NormalizeUSCC(c.in)
		if !ok || got != c.want {
			t.Errorf("NormalizeUSCC(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{
		"91350100M000100Y44",  // wrong check character
		"91330100799655058C",  // wrong check character
		"91350100M000100Y4",   // 17 characters
		"91350100M000100Y433", // 19 characters
		"91330106MA2DEMO01X",  // O is not in the alphabet
		"9135010IM000100Y43",  // I is not either
		"913501A0M000100Y43",  // a letter in the administrative division code
		"",
	} {
		if got, ok := codes.NormalizeUSCC(bad); ok {
			t.Errorf("NormalizeUSCC(%q) = %q, accepted", bad, got)
		}
	}
}
