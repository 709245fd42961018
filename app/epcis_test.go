package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/hzcbec/portal/migrations/testdb"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// epcisTestdata holds the GS1 EPCIS 2.0 examples and the OpenEPCIS valid and invalid documents.
func epcisTestdata(tb testing.TB) string { return testdb.Testdata(tb, "epcis") }

// epcisFile is one test document and what it says of itself.
type epcisFile struct {
	name   string
	body   []byte
	doc    map[string]any
	events []any
}

func readEPCISFiles(t *testing.T, dir string) []epcisFile {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(epcisTestdata(t), dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []epcisFile
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".jsonld")) {
			continue
		}
		body, err := os.ReadFile(filepath.Join(epcisTestdata(t), dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		f := epcisFile{name: e.Name(), body: body}
		if err := json.Unmarshal(body, &f.doc); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if b, ok := f.doc["epcisBody"].(map[string]any); ok {
			f.events, _ = b["eventList"].([]any)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		t.Fatalf("no test documents in %s", dir)
	}
	return out
}

// countRows counts a table's rows, straight from the database.
func countRows(t *testing.T, ts *testServer, table string) int {
	t.Helper()
	var n int
	if err := ts.srv.Store().Pool().QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// queryEPCIS runs GET /api/v1/epcis/events and returns the query document.
func queryEPCIS(t *testing.T, ts *testServer, token string, params url.Values) (map[string]any, []any, response) {
	t.Helper()
	res := ts.do(t, "GET", "/api/v1/epcis/events?"+params.Encode(), token, nil)
	if res.Status != 200 {
		t.Fatalf("query %s: status %d\n%s", params.Encode(), res.Status, truncate(res.Body))
	}
	doc := res.json(t)
	if doc["type"] != "EPCISQueryDocument" || doc["schemaVersion"] != "2.0" || doc["creationDate"] == nil || doc["@context"] == nil {
		t.Fatalf("not an EPCISQueryDocument: %s", truncate(res.Body))
	}
	results := doc["epcisBody"].(map[string]any)["queryResults"].(map[string]any)
	if results["queryName"] != "SimpleEventQuery" {
		t.Fatalf("queryName %v", results["queryName"])
	}
	events, _ := results["resultsBody"].(map[string]any)["eventList"].([]any)
	return doc, events, res
}

// TestEPCISCaptureTestdata captures every GS1 example EPCISDocument and every OpenEPCIS valid
// document (each in full, the query giving back each event's JSON-LD as sent), and rejects every
// OpenEPCIS invalid document with a 422 that names what is wrong, storing nothing of it.
func TestEPCISCaptureTestdata(t *testing.T) {
	ts := startServer(t, nil)
	token := ts.token(t, "inspector")
	pool := ts.srv.Store().Pool()

	captured, rejected := 0, 0
	for _, dir := range []string{"gs1", "openepcis/valid"} {
		for _, f := range readEPCISFiles(t, dir) {
			t.Run(dir+"/"+f.name, func(t *testing.T) {
				if f.doc["type"] != "EPCISDocument" {
					// The GS1 examples also hold a query answer, which is no capture.
					res := ts.do(t, "POST", "/api/v1/epcis/capture", token, string(f.body))
					if res.Status != 422 || !hasFieldError(res.json(t), "type") {
						t.Fatalf("%s is a %v: status %d, want 422 naming type\n%s", f.name, f.doc["type"], res.Status, truncate(res.Body))
					}
					return
				}
				// Some examples reuse another example's eventID for a different event; each file
				// is captured into an empty repository (the idempotency test covers repeats).
				if _, err := pool.Exec(context.Background(), "DELETE FROM trace_events"); err != nil {
					t.Fatal(err)
				}
				res := ts.do(t, "POST", "/api/v1/epcis/capture", token, string(f.body), "Content-Type", "application/ld+json")
				if res.Status != 201 {
					t.Fatalf("status %d, want 201\n%s", res.Status, truncate(res.Body))
				}
				out := res.json(t)
				ids, _ := out["event_ids"].([]any)
				if out["captured"] != float64(len(f.events)) || len(ids) != len(f.events) {
					t.Fatalf("captured %v with %d ids, want %d events", out["captured"], len(ids), len(f.events))
				}
				if n := countRows(t, ts, "trace_events"); n != len(f.events) {
					t.Fatalf("%d trace events stored, want %d", n, len(f.events))
				}
				for i, id := range ids {
					if want, ok := f.events[i].(map[string]any)["eventID"]; ok && id != want {
						t.Errorf("event_ids[%d] = %v, want the document's %v", i, id, want)
					} else if !ok && !strings.HasPrefix(id.(string), "urn:uuid:") {
						t.Errorf("event_ids[%d] = %v, want a urn:uuid:", i, id)
					}
				}
				checkRoundTrip(t, ts, token, f, ids)
				captured++
			})
		}
	}

	for _, f := range readEPCISFiles(t, "openepcis/invalid") {
		t.Run("openepcis/invalid/"+f.name, func(t *testing.T) {
			events, captures := countRows(t, ts, "trace_events"), countRows(t, ts, "epcis_captures")
			res := ts.do(t, "POST", "/api/v1/epcis/capture", token, string(f.body), "Accept-Language", "en")
			if res.Status != 422 {
				t.Fatalf("status %d, want 422\n%s", res.Status, truncate(res.Body))
			}
			problem := res.json(t)
			errs, _ := problem["errors"].([]any)
			if len(errs) == 0 {
				t.Fatalf("422 without errors: %s", truncate(res.Body))
			}
			for _, e := range errs {
				fe := e.(map[string]any)
				if fe["field"] == "" || fe["message"] == "" || strings.HasPrefix(fe["message"].(string), "field.") {
					t.Errorf("error without field or message: %v", fe)
				}
			}
			for _, want := range invalidEPCIS[f.name] {
				if !hasFieldMessage(problem, want.field, want.says) {
					t.Errorf("no error on %s saying %q in\n%s", want.field, want.says, res.Body)
				}
			}
			if n := countRows(t, ts, "trace_events"); n != events {
				t.Errorf("trace events %d → %d: an invalid document stored events", events, n)
			}
			if n := countRows(t, ts, "epcis_captures"); n != captures {
				t.Errorf("captures %d → %d: an invalid document stored its capture", captures, n)
			}
			rejected++
		})
	}
	t.Logf("captured %d EPCISDocuments, rejected %d invalid ones", captured, rejected)
}

// invalidEPCIS is what the answer must say about each OpenEPCIS invalid document (English).
var invalidEPCIS = map[string][]struct{ field, says string }{
	"Combination_of_events_with_missing_mandatory_fields.json": {
		{"epcisBody.eventList[0].action", "required"}, {"epcisBody.eventList[1].action", "required"},
		{"epcisBody.eventList[1].eventTimeZoneOffset", "required"}},
	"Combination_of_multiple_invalid_fields.json": {
		{"epcisBody.eventList[0].bizStep", "not a CBV 2.0 bizStep"}, {"epcisBody.eventList[1].disposition", "not a CBV 2.0 disposition"},
		{"epcisBody.eventList[2].sourceList[0].type", "source or destination type"},
		{"epcisBody.eventList[3].ilmd.materialType", "namespaced"}, {"epcisBody.eventList[4].eventTime", "RFC 3339"},
		{"epcisBody.eventList[4].action", "ADD, OBSERVE or DELETE"}},
	"Combination_of_non_standard_bizStep_and_disposition.json": {
		{"epcisBody.eventList[0].bizStep", "transforming is not a CBV 2.0 bizStep"},
		{"epcisBody.eventList[1].disposition", "in_transport is not a CBV 2.0 disposition"}},
	"EPCISDocument_without_context.json":                 {{"@context", "@context"}},
	"ObjectEvent_with_ilmd_field_without_namespace.json": {{"epcisBody.eventList[0].ilmd.materialType", "prefix declared in @context"}},
	"ObjectEvent_with_invalid_action.json":               {{"epcisBody.eventList[0].action", "CREATE"}},
	"ObjectEvent_with_invalid_certificationInfo.json": {
		{"epcisBody.eventList[0].certificationInfo[0]", "URI"}, {"epcisBody.eventList[0].certificationInfo[1]", "URI"}},
	"ObjectEvent_with_invalid_eventTime_format.json":             {{"epcisBody.eventList[0].eventTime", "22-07-2026"}},
	"ObjectEvent_with_non_standard_bizStep.json":                 {{"epcisBody.eventList[0].bizStep", "not a CBV 2.0 bizStep"}},
	"ObjectEvent_with_non_standard_bizStep_in_second_event.json": {{"epcisBody.eventList[1].bizStep", "not a CBV 2.0 bizStep"}},
	"ObjectEvent_with_non_standard_disposition.json":             {{"epcisBody.eventList[0].disposition", "not a CBV 2.0 disposition"}},
	"ObjectEvent_with_quantity_as_text.json":                     {{"epcisBody.eventList[0].quantityList[0].quantity", "number"}},
	"ObjectEvent_with_unknown_field_in_quantityList.json":        {{"epcisBody.eventList[0].quantityList[0].weight", "epcClass, quantity and uom only"}},
	"ObjectEvent_without_action_and_eventTime.json": {
		{"epcisBody.eventList[0].action", "required"}, {"epcisBody.eventList[0].eventTime", "required"}},
	"ObjectEvent_without_identifier_list.json": {{"epcisBody.eventList[0].epcList", "epcList or a quantityList"}},
}

func hasFieldError(problem map[string]any, field string) bool {
	return hasFieldMessage(problem, field, "")
}

func hasFieldMessage(problem map[string]any, field, says string) bool {
	errs, _ := problem["errors"].([]any)
	for _, e := range errs {
		fe, _ := e.(map[string]any)
		msg, _ := fe["message"].(string)
		if fe["field"] == field && strings.Contains(strings.ToLower(msg), strings.ToLower(says)) {
			return true
		}
	}
	return false
}

// checkRoundTrip queries the file's events by id and compares each with the document's, as JSON;
// the query document's @context declares every term the file's @context declared.
func checkRoundTrip(t *testing.T, ts *testServer, token string, f epcisFile, ids []any) {
	t.Helper()
	var idList []string
	for _, id := range ids {
		idList = append(idList, id.(string))
	}
	doc, events, _ := queryEPCIS(t, ts, token, url.Values{"EQ_eventID": {strings.Join(idList, "|")}, "perPage": {"1000"}})
	if len(events) != len(f.events) {
		t.Fatalf("query gave %d events, want %d", len(events), len(f.events))
	}
	for i := range events {
		if !reflect.DeepEqual(events[i], f.events[i]) {
			got, _ := json.Marshal(events[i])
			want, _ := json.Marshal(f.events[i])
			t.Errorf("event %d came back changed:\n got %s\nwant %s", i, got, want)
		}
	}
	declared := map[string]any{}
	for _, item := range doc["@context"].([]any) {
		if m, ok := item.(map[string]any); ok {
			for k, v := range m {
				declared[k] = v
			}
		}
	}
	sent, _ := f.doc["@context"].([]any)
	for _, item := range sent {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		for k, v := range m {
			if !reflect.DeepEqual(declared[k], v) {
				t.Errorf("@context of the answer declares %s as %v, the document as %v", k, declared[k], v)
			}
		}
	}
}

// epcisDoc wraps events in an EPCISDocument with an "example" prefix.
func epcisDoc(events ...string) string {
	return `{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "https://ns.example.com/epcis/"}],
		"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-07-22T10:30:00Z",
		"epcisBody": {"eventList": [` + strings.Join(events, ",") + `]}}`
}

// epcisObjectEvent is an ObjectEvent with the given id, time, step, disposition and EPCs.
func epcisObjectEvent(id, at, bizStep, disposition string, epcs ...string) string {
	list, _ := json.Marshal(epcs)
	ev := fmt.Sprintf(`{"type": "ObjectEvent", "eventID": %q, "eventTime": %q, "eventTimeZoneOffset": "+08:00",
		"action": "OBSERVE", "epcList": %s, "bizStep": %q, "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"}`,
		id, at, list, bizStep)
	if disposition != "" {
		ev += fmt.Sprintf(`, "disposition": %q`, disposition)
	}
	return ev + "}"
}

// TestEPCISQuery checks the SimpleEventQuery filters, in both the CBV word and URI forms, and paging.
func TestEPCISQuery(t *testing.T) {
	ts := startServer(t, nil)
	token := ts.token(t, "inspector")
	doc := epcisDoc(
		epcisObjectEvent("urn:uuid:00000000-0000-4000-8000-000000000001", "2026-03-01T09:00:00+08:00", "commissioning", "active", "urn:epc:id:sgtin:6901234.012345.1"),
		epcisObjectEvent("urn:uuid:00000000-0000-4000-8000-000000000002", "2026-03-02T09:00:00+08:00", "urn:epcglobal:cbv:bizstep:shipping", "urn:epcglobal:cbv:disp:in_transit", "urn:epc:id:sgtin:6901234.012345.1", "urn:epc:id:sgtin:6901234.012345.2"),
		epcisObjectEvent("urn:uuid:00000000-0000-4000-8000-000000000003", "2026-03-05T10:00:00+08:00", "https://ref.gs1.org/cbv/BizStep-receiving", "https://ref.gs1.org/cbv/Disp-in_progress", "urn:epc:id:sgtin:6901234.012345.2"),
		`{"type": "AggregationEvent", "eventID": "urn:uuid:00000000-0000-4000-8000-000000000004", "eventTime": "2026-03-05T11:00:00+08:00",
		  "eventTimeZoneOffset": "+08:00", "action": "ADD", "parentID": "urn:epc:id:sscc:6901234.0000000001",
		  "childEPCs": ["urn:epc:id:sgtin:6901234.012345.3"], "bizStep": "packing", "disposition": "in_progress"}`,
		epcisObjectEvent("urn:uuid:00000000-0000-4000-8000-000000000005", "2026-03-09T09:00:00Z", "example:customs_clearing", "", "urn:epc:id:sgtin:6901234.099999.7"),
	)
	if res := ts.do(t, "POST", "/api/v1/epcis/capture", token, doc); res.Status != 201 {
		t.Fatalf("capture: %d %s", res.Status, res.Body)
	}
	idsOf := func(events []any) string {
		var ids []string
		for _, e := range events {
			id := e.(map[string]any)["eventID"].(string)
			ids = append(ids, id[len(id)-1:])
		}
		return strings.Join(ids, ",")
	}
	for _, c := range []struct {
		query string
		want  string // the last digit of each eventID, in capture order
	}{
		{"", "1,2,3,4,5"},
		{"eventType=AggregationEvent", "4"},
		{"eventType=ObjectEvent|AggregationEvent", "1,2,3,4,5"},
		{"EQ_bizStep=shipping", "2"},
		{"EQ_bizStep=urn:epcglobal:cbv:bizstep:receiving", "3"},
		{"EQ_bizStep=https://ref.gs1.org/cbv/BizStep-commissioning|packing", "1,4"},
		{"EQ_bizStep=https://ns.example.com/epcis/customs_clearing", "5"},
		{"EQ_disposition=in_transit", "2"},
		{"EQ_disposition=urn:epcglobal:cbv:disp:in_progress", "3,4"},
		{"MATCH_epc=urn:epc:id:sgtin:6901234.012345.2", "2,3"},
		{"MATCH_epc=urn:epc:id:sscc:6901234.0000000001", "4"},
		{"MATCH_epc=urn:epc:idpat:sgtin:6901234.012345.*", "1,2,3,4"},
		{"GE_eventTime=2026-03-02T01:00:00Z", "2,3,4,5"},
		{"LT_eventTime=2026-03-05T10:00:00%2B08:00", "1,2"},
		{"GE_eventTime=2026-03-02T09:00:00+08:00&LT_eventTime=2026-03-06T00:00:00+08:00", "2,3,4"},
		{"EQ_bizStep=receiving&EQ_disposition=in_transit", ""},
		{"EQ_action=ADD", "4"},
		{"EQ_readPoint=urn:epc:id:sgln:6901234.00001.0&eventType=ObjectEvent&LT_eventTime=2026-03-03T00:00:00Z", "1,2"},
	} {
		res := ts.do(t, "GET", "/api/v1/epcis/events?"+c.query, token, nil)
		if res.Status != 200 {
			t.Errorf("%s: status %d\n%s", c.query, res.Status, truncate(res.Body))
			continue
		}
		results := res.json(t)["epcisBody"].(map[string]any)["queryResults"].(map[string]any)
		events, _ := results["resultsBody"].(map[string]any)["eventList"].([]any)
		if got := idsOf(events); got != c.want {
			t.Errorf("%s: events %q, want %q", c.query, got, c.want)
		}
	}

	// Paging: two at a time, following the Link header's next page.
	var got []string
	next := "/api/v1/epcis/events?perPage=2"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		res := ts.do(t, "GET", next, token, nil)
		if res.Status != 200 {
			t.Fatalf("%s: %d %s", next, res.Status, res.Body)
		}
		events := res.json(t)["epcisBody"].(map[string]any)["queryResults"].(map[string]any)["resultsBody"].(map[string]any)["eventList"].([]any)
		if len(events) > 2 {
			t.Fatalf("perPage=2 gave %d events", len(events))
		}
		got = append(got, idsOf(events))
		next = ""
		if link := res.Header.Get("Link"); link != "" {
			u, err := url.Parse(strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`))
			if err != nil || u.Query().Get("nextPageToken") == "" || u.Query().Get("perPage") != "2" {
				t.Fatalf("Link %q", link)
			}
			next = u.RequestURI()
		}
	}
	if strings.Join(got, "/") != "1,2/3,4/5" {
		t.Errorf("pages %v, want 1,2/3,4/5", got)
	}

	for _, bad := range []struct{ query, field string }{
		{"perPage=0", "perPage"}, {"perPage=1001", "perPage"}, {"eventType=Event", "eventType"},
		{"GE_eventTime=yesterday", "GE_eventTime"}, {"nextPageToken=nonsense", "nextPageToken"},
		{"EQ_colour=red", "EQ_colour"}, {"EQ_action=CREATE", "EQ_action"},
	} {
		res := ts.do(t, "GET", "/api/v1/epcis/events?"+bad.query, token, nil)
		if res.Status != 422 || !hasFieldError(res.json(t), bad.field) {
			t.Errorf("%s: status %d, want 422 naming %s\n%s", bad.query, res.Status, bad.field, truncate(res.Body))
		}
	}
}

// TestEPCISCaptureRepeats: the same document twice is captured once; a different event under a
// taken eventID is a 409 naming it, and nothing of its document is stored; a document with one bad
// event stores none of its good ones.
func TestEPCISCaptureRepeats(t *testing.T) {
	ts := startServer(t, nil)
	token := ts.token(t, "inspector")
	first := epcisObjectEvent("urn:uuid:10000000-0000-4000-8000-000000000001", "2026-04-01T08:00:00+08:00", "shipping", "in_transit", "urn:epc:id:sgtin:6901234.012345.10")
	second := epcisObjectEvent("urn:uuid:10000000-0000-4000-8000-000000000002", "2026-04-01T09:00:00+08:00", "receiving", "in_progress", "urn:epc:id:sgtin:6901234.012345.10")
	// An event without eventID gets one made from its JSON.
	unnamed := `{"type": "ObjectEvent", "eventTime": "2026-04-01T10:00:00+08:00", "eventTimeZoneOffset": "+08:00",
		"action": "OBSERVE", "epcList": ["urn:epc:id:sgtin:6901234.012345.11"], "bizStep": "inspecting"}`
	doc := epcisDoc(first, second, unnamed)

	res := ts.do(t, "POST", "/api/v1/epcis/capture", token, doc)
	if res.Status != 201 || res.json(t)["duplicates"] != float64(0) {
		t.Fatalf("first capture: %d %s", res.Status, res.Body)
	}
	made := res.json(t)["event_ids"].([]any)[2]
	// The same JSON, differently laid out, is the same event: 201 again, nothing new.
	res = ts.do(t, "POST", "/api/v1/epcis/capture", token, strings.ReplaceAll(doc, "\n", " "))
	if res.Status != 201 || res.json(t)["captured"] != float64(3) || res.json(t)["duplicates"] != float64(3) {
		t.Fatalf("repeated capture: %d %s", res.Status, res.Body)
	}
	if again := res.json(t)["event_ids"].([]any)[2]; again != made {
		t.Errorf("the event without eventID was named %v, then %v", made, again)
	}
	if n := countRows(t, ts, "trace_events"); n != 3 {
		t.Fatalf("%d trace events after a repeat, want 3", n)
	}

	// A new event, and a different event under the first one's eventID.
	third := epcisObjectEvent("urn:uuid:10000000-0000-4000-8000-000000000003", "2026-04-02T09:00:00+08:00", "storing", "", "urn:epc:id:sgtin:6901234.012345.10")
	changed := strings.Replace(first, `"in_transit"`, `"damaged"`, 1)
	res = ts.do(t, "POST", "/api/v1/epcis/capture", token, epcisDoc(third, changed))
	if res.Status != 409 || !hasFieldError(res.json(t), "epcisBody.eventList[1].eventID") {
		t.Fatalf("conflicting capture: status %d, want 409 naming eventList[1].eventID\n%s", res.Status, res.Body)
	}
	if n := countRows(t, ts, "trace_events"); n != 3 {
		t.Fatalf("%d trace events after a conflict, want 3 (the new event of that document must not stay)", n)
	}

	// One bad event spoils its document.
	bad := epcisObjectEvent("urn:uuid:10000000-0000-4000-8000-000000000004", "2026-04-03T09:00:00+08:00", "teleporting", "", "urn:epc:id:sgtin:6901234.012345.10")
	res = ts.do(t, "POST", "/api/v1/epcis/capture", token, epcisDoc(third, bad), "Accept-Language", "en")
	if res.Status != 422 || !hasFieldMessage(res.json(t), "epcisBody.eventList[1].bizStep", "teleporting is not a CBV 2.0 bizStep") {
		t.Fatalf("document with a bad event: %d %s", res.Status, res.Body)
	}
	// Twice the same eventID in one document.
	res = ts.do(t, "POST", "/api/v1/epcis/capture", token, epcisDoc(third, third))
	if res.Status != 422 || !hasFieldError(res.json(t), "epcisBody.eventList[1].eventID") {
		t.Fatalf("document repeating an eventID: %d %s", res.Status, res.Body)
	}
	// Not JSON at all.
	if res = ts.do(t, "POST", "/api/v1/epcis/capture", token, "<epcis/>"); res.Status != 400 {
		t.Fatalf("XML body: %d, want 400", res.Status)
	}
	if n := countRows(t, ts, "trace_events"); n != 3 {
		t.Fatalf("%d trace events, want 3", n)
	}
	// Each capture is on the audit trail.
	var audited int
	if err := ts.srv.Store().Pool().QueryRow(context.Background(),
		"SELECT count(*) FROM audit_records WHERE action = 'epcis.capture' AND actor_id = $1", ts.users["inspector"].ID).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 2 {
		t.Errorf("%d capture audit records, want 2", audited)
	}
}

// TestEPCISProductLink: an event whose EPC or class is an SGTIN, LGTIN or Digital Link of one of
// our products' GTINs points at the product (and at the batch its lot names); an event recorded
// through the portal's own API comes back from the EPCIS query written as EPCIS.
func TestEPCISProductLink(t *testing.T) {
	ts := startServer(t, nil)
	token := ts.token(t, "inspector")
	ctx := context.Background()
	pool := ts.srv.Store().Pool()
	// GTIN 06901234123456: company prefix 6901234, item reference 012345 (indicator 0).
	if _, err := pool.Exec(ctx, `INSERT INTO products (id, name, brand, category, origin_country, gtin)
		VALUES ('p-epcis', '儿童水杯', 'Acme', 'toys', 'CN', '06901234123456');
		INSERT INTO batches (id, product_id, lot) VALUES ('b-epcis', 'p-epcis', 'L42')`); err != nil {
		t.Fatal(err)
	}
	doc := epcisDoc(
		epcisObjectEvent("urn:uuid:20000000-0000-4000-8000-000000000001", "2026-05-01T08:00:00+08:00", "shipping", "", "urn:epc:id:sgtin:6901234.012345.99"),
		epcisObjectEvent("urn:uuid:20000000-0000-4000-8000-000000000002", "2026-05-01T08:00:00+08:00", "shipping", "", "https://id.gs1.org/01/06901234123456/21/5"),
		`{"type": "ObjectEvent", "eventID": "urn:uuid:20000000-0000-4000-8000-000000000003", "eventTime": "2026-05-01T08:00:00+08:00",
		  "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "quantityList": [{"epcClass": "urn:epc:class:lgtin:6901234.012345.L42", "quantity": 12, "uom": "EA"}]}`,
		epcisObjectEvent("urn:uuid:20000000-0000-4000-8000-000000000004", "2026-05-01T08:00:00+08:00", "shipping", "", "urn:epc:id:sgtin:4012345.011111.1"),
	)
	if res := ts.do(t, "POST", "/api/v1/epcis/capture", token, doc); res.Status != 201 {
		t.Fatalf("capture: %d %s", res.Status, res.Body)
	}
	rows, err := pool.Query(ctx, `SELECT right(event_id, 1), coalesce(product_id, ''), coalesce(batch_id, ''),
		coalesce(quantity::text, ''), coalesce(uom, '') FROM trace_events ORDER BY event_id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id, product, batch, qty, uom string
		if err := rows.Scan(&id, &product, &batch, &qty, &uom); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{id, product, batch, qty, uom}, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"1 p-epcis   ", "2 p-epcis   ", "3 p-epcis b-epcis 12.000 EA", "4    "}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("links %q, want %q", got, want)
	}

	// An event recorded through the API has no JSON-LD: the query writes it from its columns.
	if _, err := pool.Exec(ctx, `INSERT INTO trace_events (event_id, type, action, event_time, event_time_zone, biz_step,
		disposition, epcs, documents, source) VALUES ('api-event-1', 'object', 'OBSERVE', '2026-05-02T01:00:00Z', '+08:00',
		'inspecting', 'non_conformant', '{urn:epc:id:sgtin:6901234.012345.99}',
		'[{"type": "declaration", "number": "DEC-1"}, {"type": "po", "number": "urn:epcglobal:cbv:bt:6901234000004:77"}]', 'api')`); err != nil {
		t.Fatal(err)
	}
	_, events, _ := queryEPCIS(t, ts, token, url.Values{"EQ_disposition": {"non_conformant"}})
	if len(events) != 1 {
		t.Fatalf("%d events, want the API one", len(events))
	}
	wantEvent := map[string]any{"type": "ObjectEvent", "eventID": "api-event-1", "eventTime": "2026-05-02T09:00:00+08:00",
		"eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "epcList": []any{"urn:epc:id:sgtin:6901234.012345.99"},
		"bizStep": "inspecting", "disposition": "non_conformant", "bizTransactionList": []any{
			map[string]any{"bizTransaction": "urn:hzcbec:doc:declaration:DEC-1"},
			map[string]any{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000004:77"}}}
	if !reflect.DeepEqual(events[0], wantEvent) {
		b, _ := json.Marshal(events[0])
		t.Errorf("API event as EPCIS:\n%s", b)
	}
}
