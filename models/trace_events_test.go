package models_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hzcbec/portal/models"
)

// EPCs of any shape (EPCIS capture keeps URIs with commas, quotes or spaces) come back from
// Postgres as they went in.
func TestEPCListRoundTrip(t *testing.T) {
	s := openStore(t)
	for _, in := range []models.EPCList{
		{},
		{"urn:epc:id:sgtin:4006381.033393.1"},
		{"https://id.gs1.org/01/04006381333931/21/1", "urn:epc:class:lgtin:4006381.033393.L1"},
		{"urn:x:a,b", `urn:x:"quoted"`, `urn:x:back\slash`, "urn:x:with space", "urn:x:{brace}", "NULL"},
	} {
		var row struct {
			EPCs models.EPCList `gorm:"column:epcs"`
		}
		if err := s.Gorm().WithContext(context.Background()).Raw("SELECT ?::text[] AS epcs", in).Scan(&row).Error; err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(row.EPCs, in) {
			t.Errorf("%q came back as %q", in, row.EPCs)
		}
	}
}
