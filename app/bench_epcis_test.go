package app_test

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkEPCISCapture posts EPCISDocuments to the real portal, one after the other, and reports
// events captured per second: parsing and validating every field, mapping, the product lookup,
// one transaction per document (capture record, multi-row inserts, audit) and the answer. Each
// event is a realistic ObjectEvent of about 1 kB: three SGTINs, CBV step and disposition, read
// point and location, two business transactions, ILMD and, on every fourth, a sensor report.
func BenchmarkEPCISCapture(b *testing.B) {
	ts := startServer(b, nil)
	token := ts.token(b, "inspector")
	for _, size := range []int{100, 1000} {
		b.Run(fmt.Sprintf("%d-events-per-document", size), func(b *testing.B) {
			bodies := make([]string, b.N)
			for i := range bodies {
				benchDocuments++
				bodies[i] = benchEPCISDocument(size, benchDocuments)
			}
			b.SetBytes(int64(len(bodies[0])))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res := ts.do(b, "POST", "/api/v1/epcis/capture", token, bodies[i])
				if res.Status != 201 {
					b.Fatalf("status %d: %s", res.Status, truncate(res.Body))
				}
			}
			b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// benchDocuments counts the documents made, so that every run of the benchmark (b.N grows, the
// server stays) sends new eventIDs.
var benchDocuments int

// benchEPCISDocument is document n: size ObjectEvents with eventIDs of their own.
func benchEPCISDocument(size, n int) string {
	var sb strings.Builder
	sb.WriteString(`{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "https://ns.example.com/epcis/"}],
  "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-07-22T10:30:00Z",
  "epcisBody": {"eventList": [`)
	steps := []string{"shipping", "urn:epcglobal:cbv:bizstep:receiving", "https://ref.gs1.org/cbv/BizStep-inspecting", "storing"}
	disps := []string{"in_transit", "urn:epcglobal:cbv:disp:in_progress", "https://ref.gs1.org/cbv/Disp-sellable_accessible", "active"}
	for i := 0; i < size; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		serial := n*size + i
		fmt.Fprintf(&sb, `
    {"type": "ObjectEvent", "eventID": "urn:uuid:%08x-%04x-4000-8000-%012x",
     "eventTime": "2026-07-%02dT%02d:%02d:00.000+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD",
     "epcList": ["urn:epc:id:sgtin:6901234.012345.%d", "urn:epc:id:sgtin:6901234.012345.%d", "urn:epc:id:sgtin:6901234.067890.%d"],
     "bizStep": %q, "disposition": %q,
     "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.%d"}, "bizLocation": {"id": "urn:epc:id:sgln:6901234.00001.0"},
     "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000004:PO%d"},
       {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000004:ASN%d"}],
     "ilmd": {"example:lot": "L%d", "example:bestBefore": "2027-12-31"}`,
			n, i, serial, 1+serial%28, serial%24, serial%60, 3*serial, 3*serial+1, 3*serial+2,
			steps[serial%4], disps[serial%4], serial%10, serial/10, serial/10, serial%97)
		if serial%4 == 0 {
			fmt.Fprintf(&sb, `,
     "sensorElementList": [{"sensorMetadata": {"time": "2026-07-%02dT%02d:00:00+08:00"},
       "sensorReport": [{"type": "Temperature", "value": %d.5, "uom": "CEL"}, {"type": "RelativeHumidity", "value": 41, "uom": "P1"}]}]`,
				1+serial%28, serial%24, serial%30)
		}
		sb.WriteString("}")
	}
	sb.WriteString("]}}")
	return sb.String()
}
