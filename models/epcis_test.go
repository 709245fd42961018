package models_test

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
)

// A capture of a body that is not a JSON object is EBADREQUEST; of a document with problems,
// EINVALID naming each field (epcis.ParseDocument finds them).
func TestEPCISCaptureRefusesBadDocuments(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.CaptureEPCIS(ctx, models.SystemActor, []byte(`<epcis/>`)); models.ErrorCode(err) != models.EBADREQUEST {
		t.Errorf("XML: %v, want EBADREQUEST", err)
	}
	doc := `{"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", "type": "EPCISDocument",
		"schemaVersion": "1.2", "epcisBody": {"eventList": []}}`
	_, err := s.CaptureEPCIS(ctx, models.SystemActor, []byte(doc))
	var de *models.Error
	if !errors.As(err, &de) || de.Code != models.EINVALID {
		t.Fatalf("a document with problems: %v, want EINVALID", err)
	}
	want := []models.FieldError{{Field: "schemaVersion", Rule: "epcis_schema_version", Param: "1.2"}, {Field: "creationDate", Rule: "required"}}
	if !reflect.DeepEqual(de.Fields, want) {
		t.Errorf("fields %+v, want %+v", de.Fields, want)
	}
}

func TestEPCGTIN(t *testing.T) {
	for _, c := range []struct{ epc, gtin, lot string }{
		{"urn:epc:id:sgtin:6901234.012345.1", "06901234123456", ""},
		{"urn:epc:id:sgtin:0614141.107346.2017", "10614141073464", ""},
		{"urn:epc:class:lgtin:6901234.012345.L%2F7", "06901234123456", "L/7"},
		{"urn:epc:idpat:sgtin:6901234.012345.*", "06901234123456", ""},
		{"https://id.gs1.org/01/06901234123456/21/9", "06901234123456", ""},
		{"https://brand.example.com/shop/01/06901234123456/10/L7?s=1", "06901234123456", "L7"},
		{"https://id.gs1.org/01/06901234123457/21/9", "", ""}, // wrong check digit
		{"urn:epc:id:sscc:6901234.0000000001", "", ""},
		{"urn:epc:id:sgtin:6901234.01234.1", "", ""}, // 12 digits
	} {
		gtin, lot, ok := models.EPCGTIN(c.epc)
		if gtin != c.gtin || lot != c.lot || ok != (c.gtin != "") {
			t.Errorf("%s: %q %q %v, want %q %q", c.epc, gtin, lot, ok, c.gtin, c.lot)
		}
	}
}

func TestParseEPCISQuery(t *testing.T) {
	params, _ := url.ParseQuery("eventType=ObjectEvent|AggregationEvent&EQ_bizStep=urn:epcglobal:cbv:bizstep:shipping|https://ref.gs1.org/cbv/BizStep-receiving" +
		"&EQ_bizStep=holding&EQ_disposition=in_transit&MATCH_epc=urn:epc:id:sgtin:6901234.012345.1&GE_eventTime=2026-07-22T06:45:00+02:00&perPage=5")
	q, err := models.ParseEPCISQuery(params)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(q.EventTypes, []string{"object", "aggregation"}) || !reflect.DeepEqual(q.BizSteps, []string{"shipping", "receiving", "holding"}) ||
		!reflect.DeepEqual(q.Dispositions, []string{"in_transit"}) || !reflect.DeepEqual(q.EPCs, []string{"urn:epc:id:sgtin:6901234.012345.1"}) ||
		q.GEEventTime == nil || !q.GEEventTime.Equal(time.Date(2026, 7, 22, 4, 45, 0, 0, time.UTC)) || q.PerPage != 5 {
		t.Errorf("query %+v", q)
	}
	if q, _ := models.ParseEPCISQuery(url.Values{}); q.PerPage != models.EPCISDefaultPerPage {
		t.Errorf("default perPage %d", q.PerPage)
	}
	for _, bad := range []string{"perPage=0", "perPage=1001", "perPage=ten", "eventType=Event", "LT_eventTime=2026-07-22",
		"nextPageToken=abc", "EQ_action=CREATE", "foo=bar"} {
		params, _ := url.ParseQuery(bad)
		if _, err := models.ParseEPCISQuery(params); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("%s: %v, want EINVALID", bad, err)
		}
	}
}
