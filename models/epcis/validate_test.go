package epcis_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/models/epcis"
)

// epcisTestDoc wraps events in an EPCISDocument whose @context declares "example".
func epcisTestDoc(events ...string) string {
	return `{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "https://ns.example.com/epcis/"}],
		"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-07-22T10:30:00Z",
		"epcisBody": {"eventList": [` + strings.Join(events, ",") + `]}}`
}

// epcisTestEvent is a valid ObjectEvent with extra fields spliced in.
func epcisTestEvent(extra string) string {
	ev := `{"type": "ObjectEvent", "eventTime": "2026-07-22T06:45:00+02:00", "eventTimeZoneOffset": "+02:00",
		"action": "ADD", "epcList": ["urn:epc:id:sgtin:6901234.012345.1"]`
	if extra != "" {
		ev += ", " + extra
	}
	return ev + "}"
}

// problemRules maps each field a document's problems name to the rule it breaks.
func problemRules(err error) map[string]string {
	var problems epcis.Problems
	if !errors.As(err, &problems) {
		return nil
	}
	out := map[string]string{}
	for _, p := range problems {
		out[p.Field] = p.Rule
	}
	return out
}

func TestParseDocumentRejects(t *testing.T) {
	const ev0 = "epcisBody.eventList[0]"
	for _, c := range []struct {
		name, doc   string
		field, rule string
	}{
		{"no context", `{"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-07-22T10:30:00Z", "epcisBody": {"eventList": []}}`, "@context", "epcis_context"},
		{"empty context", `{"@context": [], "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-07-22T10:30:00Z", "epcisBody": {"eventList": []}}`, "@context", "epcis_context"},
		{"query document", strings.Replace(epcisTestDoc(), `"EPCISDocument"`, `"EPCISQueryDocument"`, 1), "type", "epcis_document_type"},
		{"no schemaVersion", strings.Replace(epcisTestDoc(), `"schemaVersion": "2.0",`, "", 1), "schemaVersion", "required"},
		{"schemaVersion 1.2", strings.Replace(epcisTestDoc(), `"schemaVersion": "2.0"`, `"schemaVersion": "1.2"`, 1), "schemaVersion", "epcis_schema_version"},
		{"no creationDate", strings.Replace(epcisTestDoc(), `"creationDate": "2026-07-22T10:30:00Z",`, "", 1), "creationDate", "required"},
		{"creationDate without zone", strings.Replace(epcisTestDoc(), `2026-07-22T10:30:00Z`, `2026-07-22T10:30:00`, 1), "creationDate", "epcis_time"},
		{"bare document field", strings.Replace(epcisTestDoc(), `"type"`, `"comment": "x", "type"`, 1), "comment", "epcis_unknown_field"},
		{"no eventList", `{"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-07-22T10:30:00Z", "epcisBody": {}}`, "epcisBody.eventList", "required"},
		{"event not an object", epcisTestDoc(`"ObjectEvent"`), ev0, "epcis_type"},
		{"no type", epcisTestDoc(`{"eventTime": "2026-07-22T06:45:00+02:00", "eventTimeZoneOffset": "+02:00"}`), ev0 + ".type", "required"},
		{"unknown type", epcisTestDoc(strings.Replace(epcisTestEvent(""), "ObjectEvent", "SensorEvent", 1)), ev0 + ".type", "epcis_event_type"},
		{"no eventTime", epcisTestDoc(strings.Replace(epcisTestEvent(""), `"eventTime": "2026-07-22T06:45:00+02:00",`, "", 1)), ev0 + ".eventTime", "required"},
		{"eventTime without offset", epcisTestDoc(strings.Replace(epcisTestEvent(""), "06:45:00+02:00", "06:45:00", 1)), ev0 + ".eventTime", "epcis_time"},
		{"eventTime as a date", epcisTestDoc(strings.Replace(epcisTestEvent(""), "2026-07-22T06:45:00+02:00", "22-07-2026", 1)), ev0 + ".eventTime", "epcis_time"},
		{"no offset", epcisTestDoc(strings.Replace(epcisTestEvent(""), `"eventTimeZoneOffset": "+02:00",`, "", 1)), ev0 + ".eventTimeZoneOffset", "required"},
		{"offset without colon", epcisTestDoc(strings.Replace(epcisTestEvent(""), `"+02:00",`, `"+0200",`, 1)), ev0 + ".eventTimeZoneOffset", "epcis_offset"},
		{"no action", epcisTestDoc(strings.Replace(epcisTestEvent(""), `"action": "ADD",`, "", 1)), ev0 + ".action", "required"},
		{"action CREATE", epcisTestDoc(strings.Replace(epcisTestEvent(""), `"ADD"`, `"CREATE"`, 1)), ev0 + ".action", "epcis_action"},
		{"action on a transformation", epcisTestDoc(`{"type": "TransformationEvent", "eventTime": "2026-07-22T06:45:00+02:00", "eventTimeZoneOffset": "+02:00", "action": "ADD", "inputEPCList": ["urn:epc:id:sgtin:6901234.012345.1"]}`), ev0 + ".action", "epcis_unknown_field"},
		{"empty transformation", epcisTestDoc(`{"type": "TransformationEvent", "eventTime": "2026-07-22T06:45:00+02:00", "eventTimeZoneOffset": "+02:00", "inputEPCList": []}`), ev0 + ".inputEPCList", "epcis_transformation_lists"},
		{"no identifier list", epcisTestDoc(strings.Replace(epcisTestEvent(""), `, "epcList": ["urn:epc:id:sgtin:6901234.012345.1"]`, "", 1)), ev0 + ".epcList", "epcis_identifier_list"},
		{"EPC not a URI", epcisTestDoc(strings.Replace(epcisTestEvent(""), "urn:epc:id:sgtin:6901234.012345.1", "6901234012345", 1)), ev0 + ".epcList[0]", "epcis_uri"},
		{"childEPCs on an ObjectEvent", epcisTestDoc(epcisTestEvent(`"childEPCs": []`)), ev0 + ".childEPCs", "epcis_unknown_field"},
		{"bizStep transforming", epcisTestDoc(epcisTestEvent(`"bizStep": "transforming"`)), ev0 + ".bizStep", "epcis_bizstep"},
		{"bizStep unknown CBV URN", epcisTestDoc(epcisTestEvent(`"bizStep": "urn:epcglobal:cbv:bizstep:teleporting"`)), ev0 + ".bizStep", "epcis_bizstep"},
		{"bizStep unknown GS1 URI", epcisTestDoc(epcisTestEvent(`"bizStep": "https://ref.gs1.org/cbv/BizStep-teleporting"`)), ev0 + ".bizStep", "epcis_bizstep"},
		{"disposition as a bizStep URI", epcisTestDoc(epcisTestEvent(`"disposition": "urn:epcglobal:cbv:bizstep:shipping"`)), ev0 + ".disposition", "epcis_disposition"},
		{"disposition in_transport", epcisTestDoc(epcisTestEvent(`"disposition": "in_transport"`)), ev0 + ".disposition", "epcis_disposition"},
		{"bizStep with an undeclared prefix", epcisTestDoc(epcisTestEvent(`"bizStep": "acme:grading"`)), ev0 + ".bizStep", "epcis_prefix"},
		{"bizStep a number", epcisTestDoc(epcisTestEvent(`"bizStep": 7`)), ev0 + ".bizStep", "epcis_type"},
		{"quantity as text", epcisTestDoc(epcisTestEvent(`"quantityList": [{"epcClass": "urn:epc:class:lgtin:6901234.012345.L1", "quantity": "twenty"}]`)), ev0 + ".quantityList[0].quantity", "epcis_number"},
		{"quantity element field", epcisTestDoc(epcisTestEvent(`"quantityList": [{"epcClass": "urn:epc:class:lgtin:6901234.012345.L1", "weight": 5}]`)), ev0 + ".quantityList[0].weight", "epcis_quantity_field"},
		{"namespaced quantity element field", epcisTestDoc(epcisTestEvent(`"quantityList": [{"epcClass": "urn:epc:class:lgtin:6901234.012345.L1", "example:weight": 5}]`)), ev0 + ".quantityList[0].example:weight", "epcis_quantity_field"},
		{"quantity without class", epcisTestDoc(epcisTestEvent(`"quantityList": [{"quantity": 5}]`)), ev0 + ".quantityList[0].epcClass", "required"},
		{"uom lowercase", epcisTestDoc(epcisTestEvent(`"quantityList": [{"epcClass": "urn:epc:class:lgtin:6901234.012345.L1", "quantity": 5, "uom": "kg"}]`)), ev0 + ".quantityList[0].uom", "epcis_uom"},
		{"ilmd bare field", epcisTestDoc(epcisTestEvent(`"ilmd": {"materialType": "soil"}`)), ev0 + ".ilmd.materialType", "epcis_namespace"},
		{"ilmd on OBSERVE", epcisTestDoc(strings.Replace(epcisTestEvent(`"ilmd": {"example:lot": "L1"}`), `"ADD"`, `"OBSERVE"`, 1)), ev0 + ".ilmd", "epcis_ilmd_action"},
		{"bare extension", epcisTestDoc(epcisTestEvent(`"temperature": 4`)), ev0 + ".temperature", "epcis_unknown_field"},
		{"undeclared prefix", epcisTestDoc(epcisTestEvent(`"acme:temperature": 4`)), ev0 + ".acme:temperature", "epcis_prefix"},
		{"readPoint without id", epcisTestDoc(epcisTestEvent(`"readPoint": {"example:gln": "x"}`)), ev0 + ".readPoint.id", "required"},
		{"readPoint bare field", epcisTestDoc(epcisTestEvent(`"readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0", "name": "dock"}`)), ev0 + ".readPoint.name", "epcis_unknown_field"},
		{"certificationInfo objects", epcisTestDoc(epcisTestEvent(`"certificationInfo": [{"gs1:certificationAgency": "x"}]`)), ev0 + ".certificationInfo[0]", "epcis_certification_info"},
		{"certificationInfo number", epcisTestDoc(epcisTestEvent(`"certificationInfo": 3`)), ev0 + ".certificationInfo", "epcis_certification_info"},
		{"source type place", epcisTestDoc(epcisTestEvent(`"sourceList": [{"type": "place", "source": "urn:epc:id:sgln:6901234.00001.0"}]`)), ev0 + ".sourceList[0].type", "epcis_sdt"},
		{"destination without destination", epcisTestDoc(epcisTestEvent(`"destinationList": [{"type": "owning_party"}]`)), ev0 + ".destinationList[0].destination", "required"},
		{"bizTransaction type", epcisTestDoc(epcisTestEvent(`"bizTransactionList": [{"type": "receipt", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000004:1"}]`)), ev0 + ".bizTransactionList[0].type", "epcis_btt"},
		{"transaction without transactions", epcisTestDoc(`{"type": "TransactionEvent", "eventTime": "2026-07-22T06:45:00+02:00", "eventTimeZoneOffset": "+02:00", "action": "ADD", "epcList": [], "bizTransactionList": []}`), ev0 + ".bizTransactionList", "epcis_min_items"},
		{"association without parent", epcisTestDoc(`{"type": "AssociationEvent", "eventTime": "2026-07-22T06:45:00+02:00", "eventTimeZoneOffset": "+02:00", "action": "ADD", "childEPCs": ["urn:epc:id:giai:4000001.12345"]}`), ev0 + ".parentID", "required"},
		{"aggregation ADD without parent", epcisTestDoc(`{"type": "AggregationEvent", "eventTime": "2026-07-22T06:45:00+02:00", "eventTimeZoneOffset": "+02:00", "action": "ADD", "childEPCs": ["urn:epc:id:sgtin:6901234.012345.1"]}`), ev0 + ".parentID", "required"},
		{"sensor value as text", epcisTestDoc(epcisTestEvent(`"sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": "cold"}]}]`)), ev0 + ".sensorElementList[0].sensorReport[0].value", "epcis_number"},
		{"sensor element without report", epcisTestDoc(epcisTestEvent(`"sensorElementList": [{"sensorMetadata": {}}]`)), ev0 + ".sensorElementList[0].sensorReport", "required"},
		{"errorDeclaration without time", epcisTestDoc(epcisTestEvent(`"errorDeclaration": {"reason": "incorrect_data"}`)), ev0 + ".errorDeclaration.declarationTime", "required"},
		{"persistentDisposition word", epcisTestDoc(epcisTestEvent(`"persistentDisposition": {"set": ["finished"]}`)), ev0 + ".persistentDisposition.set[0]", "epcis_disposition"},
		{"eventID not a URI", epcisTestDoc(epcisTestEvent(`"eventID": "event 1"`)), ev0 + ".eventID", "epcis_uri"},
		{"repeated eventID", epcisTestDoc(epcisTestEvent(`"eventID": "urn:uuid:1"`), epcisTestEvent(`"eventID": "urn:uuid:1"`)), "epcisBody.eventList[1].eventID", "epcis_duplicate_event_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := epcis.ParseDocument([]byte(c.doc))
			if problemRules(err) == nil {
				t.Fatalf("error %v, want Problems", err)
			}
			if got := problemRules(err)[c.field]; got != c.rule {
				t.Errorf("%s: rule %q, want %q (all: %v)", c.field, got, c.rule, err)
			}
		})
	}
	if _, err := epcis.ParseDocument([]byte(`<epcis/>`)); !errors.Is(err, epcis.ErrNotJSON) {
		t.Errorf("XML: %v, want ErrNotJSON", err)
	}
	if _, err := epcis.ParseDocument([]byte(epcisTestDoc(epcisTestEvent(`"example:note": "a\u0000b"`)))); problemRules(err)["epcisBody.eventList[0]"] != "epcis_nul" {
		t.Errorf("NUL in an event: %v, want epcis_nul", err)
	}
	if _, err := epcis.ParseDocument([]byte("{\"type\": \"EPCISDocument\xff\"}")); !errors.Is(err, epcis.ErrNotJSON) {
		t.Errorf("not UTF-8: %v, want ErrNotJSON", err)
	}
	if _, err := epcis.ParseDocument([]byte(`[]`)); !errors.Is(err, epcis.ErrNotJSON) {
		t.Errorf("an array: %v, want ErrNotJSON", err)
	}
}

// TestParseDocumentAccepts checks the forms the standard allows and how each event maps
// onto the trace event columns.
func TestParseDocumentAccepts(t *testing.T) {
	doc := epcisTestDoc(
		`{"type": "ObjectEvent", "eventID": "urn:uuid:6f1d2c3b-0000-4000-8000-000000000001",
		  "eventTime": "2026-07-22T06:45:00.250+02:00", "eventTimeZoneOffset": "+02:00", "action": "OBSERVE",
		  "epcList": ["urn:epc:id:sgtin:6901234.012345.1", "urn:epc:id:sgtin:6901234.012345.1"],
		  "quantityList": [{"epcClass": "urn:epc:class:lgtin:6901234.012345.L7", "quantity": 12.5, "uom": "KGM"}],
		  "bizStep": "urn:epcglobal:cbv:bizstep:shipping", "disposition": "https://ref.gs1.org/cbv/Disp-in_transit",
		  "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0", "example:dock": "3"},
		  "bizLocation": {"id": "https://id.gs1.org/414/6901234000017"},
		  "bizTransactionList": [{"type": "urn:epcglobal:cbv:btt:po", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000004:PO1"},
		    {"bizTransaction": "https://example.com/waybill/SF123"}],
		  "sourceList": [{"type": "https://ref.gs1.org/cbv/SDT-owning_party", "source": "urn:epc:id:pgln:6901234.00000"}],
		  "sensorElementList": [{"sensorMetadata": {"time": "2026-07-22T06:40:00+02:00", "example:probe": "p1"},
		    "sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}, {"type": "example:Odour", "stringValue": "none"}]}],
		  "certificationInfo": "https://cert.example.com/1",
		  "example:operator": {"name": "王"}, "https://ns.example.com/epcis/shift": 2}`,
		`{"type": "AggregationEvent", "eventTime": "2026-07-22T05:00:00Z", "eventTimeZoneOffset": "+08:00", "action": "ADD",
		  "parentID": "urn:epc:id:sscc:6901234.0000000001", "childEPCs": ["urn:epc:id:sgtin:6901234.012345.1"],
		  "childQuantityList": [{"epcClass": "urn:epc:idpat:sgtin:6901234.067890.*"}],
		  "bizStep": "cbv:BizStep-packing", "disposition": "example:quarantined"}`,
		`{"type": "TransformationEvent", "eventTime": "2026-07-22T05:00:00-03:30", "eventTimeZoneOffset": "-03:30",
		  "inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:6901234.012345.L7", "quantity": 100}],
		  "outputEPCList": ["https://id.gs1.org/01/06901234123456/21/9"], "transformationID": "urn:epc:id:gdti:6901234.00001.1",
		  "ilmd": {"example:lot": "L8", "cbvmda:countryOfOrigin": "CN"}, "bizStep": "http://ref.gs1.org/cbv/BizStep-commissioning"}`,
		`{"type": "ObjectEvent", "eventTime": "2026-07-22T05:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "OBSERVE",
		  "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
		  "sensorElementList": [{"sensorReport": [{"exception": "gs1:ALARM_CONDITION", "booleanValue": true}]}]}`,
	)
	parsed, err := epcis.ParseDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(parsed.Events) != 4 || parsed.SchemaVersion != "2.0" || !parsed.CreationDate.Equal(time.Date(2026, 7, 22, 10, 30, 0, 0, time.UTC)) {
		t.Fatalf("document %+v", parsed)
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	o := parsed.Events[0]
	if o.EventID != "urn:uuid:6f1d2c3b-0000-4000-8000-000000000001" || o.Type != "object" || str(o.Action) != "OBSERVE" ||
		!o.EventTime.Equal(time.Date(2026, 7, 22, 4, 45, 0, 250e6, time.UTC)) || o.EventTime.Location() != time.UTC || o.TimeZone != "+02:00" ||
		str(o.BizStep) != "shipping" || str(o.Disposition) != "in_transit" ||
		str(o.ReadPoint) != "urn:epc:id:sgln:6901234.00001.0" || str(o.BizLocation) != "https://id.gs1.org/414/6901234000017" ||
		str(o.Quantity) != "12.5" || str(o.UOM) != "KGM" {
		t.Errorf("object event mapped to %+v", o)
	}
	if want := []string{"urn:epc:id:sgtin:6901234.012345.1", "urn:epc:class:lgtin:6901234.012345.L7"}; !reflect.DeepEqual(o.EPCs, want) {
		t.Errorf("epcs %v, want %v", o.EPCs, want)
	}
	if want := []epcis.BizTransaction{{Type: "po", Number: "urn:epcglobal:cbv:bt:6901234000004:PO1"},
		{Type: "", Number: "https://example.com/waybill/SF123"}}; !reflect.DeepEqual(o.Documents, want) {
		t.Errorf("documents %+v", o.Documents)
	}
	var sensor []any
	if err := json.Unmarshal(o.Sensor, &sensor); err != nil || len(sensor) != 1 {
		t.Errorf("sensor %s", o.Sensor)
	}
	var original, sent map[string]any
	_ = json.Unmarshal(o.Original, &original)
	var whole map[string]any
	_ = json.Unmarshal([]byte(doc), &whole)
	sent = whole["epcisBody"].(map[string]any)["eventList"].([]any)[0].(map[string]any)
	if !reflect.DeepEqual(original, sent) {
		t.Errorf("original is not the event as sent: %s", o.Original)
	}

	a := parsed.Events[1]
	if a.Type != "aggregation" || str(a.BizStep) != "packing" || str(a.Disposition) != "https://ns.example.com/epcis/quarantined" ||
		a.Quantity != nil || a.TimeZone != "+08:00" {
		t.Errorf("aggregation event mapped to %+v", a)
	}
	if want := []string{"urn:epc:id:sscc:6901234.0000000001", "urn:epc:id:sgtin:6901234.012345.1", "urn:epc:idpat:sgtin:6901234.067890.*"}; !reflect.DeepEqual(a.EPCs, want) {
		t.Errorf("aggregation epcs %v", a.EPCs)
	}
	if !strings.HasPrefix(a.EventID, "urn:uuid:") {
		t.Errorf("made eventID %q", a.EventID)
	}
	tr := parsed.Events[2]
	if tr.Type != "transformation" || tr.Action != nil || str(tr.BizStep) != "commissioning" || str(tr.Quantity) != "100" || tr.UOM != nil ||
		!tr.EventTime.Equal(time.Date(2026, 7, 22, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("transformation event mapped to %+v", tr)
	}

	// The made eventID depends on the event's JSON, not on its layout or key order.
	again, err := epcis.ParseDocument([]byte(strings.ReplaceAll(strings.Replace(doc,
		`"disposition": "example:quarantined"`, `"disposition": "in_progress"`, 1), "\n", " ")))
	if err != nil {
		t.Fatal(err)
	}
	if again.Events[1].EventID == a.EventID {
		t.Error("a different event got the same made eventID")
	}
	reordered := strings.Replace(doc, `"type": "AggregationEvent", "eventTime": "2026-07-22T05:00:00Z"`, `"eventTime": "2026-07-22T05:00:00Z", "type": "AggregationEvent"`, 1)
	if same, err := epcis.ParseDocument([]byte(reordered)); err != nil || same.Events[1].EventID != a.EventID {
		t.Errorf("the same event, keys reordered, got another eventID (%v)", err)
	}
}
