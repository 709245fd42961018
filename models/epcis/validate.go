// Package epcis reads GS1 EPCIS 2.0 JSON-LD capture documents: the checks of the standard (and of
// the OpenEPCIS invalid test documents), and the mapping of each event onto a trace event. It
// touches no database: models stores what it reads.
package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hzcbec/portal/models/codes"
)

// Every problem of the whole document is reported at once, each naming its field by its path in
// the document ("epcisBody.eventList[1].bizStep"), so that nothing is stored unless all is well.

// MaxEvents bounds one document: a capture is one transaction.
const MaxEvents = 10_000

// epcisMaxErrors bounds the field errors one answer lists.
const epcisMaxErrors = 100

// Document is a capture document that passed validation.
type Document struct {
	Context       json.RawMessage // the @context as sent
	SchemaVersion string
	CreationDate  time.Time
	Header        json.RawMessage // the document without @context and epcisBody, nil when nothing else was sent
	Events        []Event
}

// Event is one event of a document, mapped onto the columns of trace_events.
type Event struct {
	EventID     string // the document's eventID, or a name-based urn:uuid: made from the event's JSON
	Type        string // object, aggregation, transformation, transaction, association
	Action      *string
	EventTime   time.Time // UTC
	TimeZone    string    // eventTimeZoneOffset, ±hh:mm
	BizStep     *string   // the bare CBV word, or the full URI of an extension
	Disposition *string
	ReadPoint   *string
	BizLocation *string
	EPCs        []string // EPCs, parentID and quantity classes, in document order, without repeats
	Quantity    *string  // when the event counts exactly one quantity element
	UOM         *string
	Documents   []BizTransaction
	Sensor      json.RawMessage // sensorElementList as sent
	Original    json.RawMessage // the event's JSON-LD as sent
}

// BizTransaction is a business transaction an event cites, as trace_events.documents keeps it.
type BizTransaction struct {
	Type   string `json:"type"`
	Number string `json:"number"`
}

// EventTypes maps the EPCIS event types to the words of trace_events.type.
var EventTypes = map[string]string{
	"ObjectEvent": "object", "AggregationEvent": "aggregation", "TransformationEvent": "transformation",
	"TransactionEvent": "transaction", "AssociationEvent": "association",
}

// EventTypeList is EventTypes' keys, for messages.
const EventTypeList = "ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent"

// epcisCommonFields are the fields every event type has.
var epcisCommonFields = []string{"@context", "type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime",
	"errorDeclaration", "certificationInfo", "readPoint", "bizLocation", "bizStep", "disposition",
	"persistentDisposition", "bizTransactionList", "sourceList", "destinationList", "sensorElementList"}

// epcisFields are the standard fields of each event type.
var epcisFields = map[string]map[string]bool{
	"ObjectEvent":         epcisFieldSet("action", "epcList", "quantityList", "ilmd"),
	"AggregationEvent":    epcisFieldSet("action", "parentID", "childEPCs", "childQuantityList"),
	"TransactionEvent":    epcisFieldSet("action", "parentID", "epcList", "quantityList"),
	"TransformationEvent": epcisFieldSet("inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID", "ilmd"),
	"AssociationEvent":    epcisFieldSet("action", "parentID", "childEPCs", "childQuantityList"),
}

func epcisFieldSet(fields ...string) map[string]bool {
	set := map[string]bool{}
	for _, f := range append(slices.Clone(epcisCommonFields), fields...) {
		set[f] = true
	}
	return set
}

// Standard fields of the structures inside an event, and of the document.
var (
	epcisDocumentFields     = map[string]bool{"@context": true, "type": true, "schemaVersion": true, "creationDate": true, "epcisHeader": true, "epcisBody": true, "id": true, "sender": true, "receiver": true, "instanceIdentifier": true}
	epcisQuantityFields     = map[string]bool{"epcClass": true, "quantity": true, "uom": true}
	epcisLocationFields     = map[string]bool{"id": true}
	epcisBizTxFields        = map[string]bool{"type": true, "bizTransaction": true}
	epcisSourceFields       = map[string]bool{"type": true, "source": true}
	epcisDestinationFields  = map[string]bool{"type": true, "destination": true}
	epcisPersistentFields   = map[string]bool{"set": true, "unset": true}
	epcisErrorDeclFields    = map[string]bool{"declarationTime": true, "reason": true, "correctiveEventIDs": true}
	epcisSensorElementField = map[string]bool{"sensorMetadata": true, "sensorReport": true}
	epcisSensorMetaFields   = map[string]string{"time": "time", "startTime": "time", "endTime": "time", "deviceID": "uri",
		"deviceMetadata": "uri", "rawData": "uri", "dataProcessingMethod": "uri", "bizRules": "uri"}
	epcisSensorReportFields = map[string]string{"type": "string", "exception": "string", "deviceID": "uri", "deviceMetadata": "uri",
		"rawData": "uri", "dataProcessingMethod": "uri", "time": "time", "microorganism": "uri", "chemicalSubstance": "uri",
		"value": "number", "component": "string", "stringValue": "string", "booleanValue": "boolean", "hexBinaryValue": "hex",
		"uriValue": "uri", "minValue": "number", "maxValue": "number", "meanValue": "number", "sDev": "number",
		"percRank": "number", "percValue": "number", "uom": "string", "coordinateReferenceSystem": "uri", "bizRules": "uri"}
)

// epcisVocabulary is a CBV vocabulary: its words and the URI forms of a word.
type epcisVocabulary struct {
	rule     string // the field rule when a value is not in it
	words    []string
	prefixes []string
}

// epcisVocabularies are the CBV 2.0 vocabularies an event uses. A value is a bare word, a URN
// or GS1 Web URI of one, or a URI of the sender's own vocabulary (anything outside the CBV's).
var epcisVocabularies = map[string]epcisVocabulary{
	"bizstep":     {"epcis_bizstep", codes.CBVBizSteps, []string{"urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"}},
	"disposition": {"epcis_disposition", codes.CBVDispositions, []string{"urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"}},
	"btt":         {"epcis_btt", codes.CBVBizTransactionTypes, []string{"urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"}},
	"sdt":         {"epcis_sdt", []string{"owning_party", "possessing_party", "location"}, []string{"urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"}},
	"er":          {"epcis_error_reason", []string{"did_not_occur", "incorrect_data"}, []string{"urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"}},
}

// epcisStandardPrefixes are the prefixes the EPCIS 2.0 context itself declares.
var epcisStandardPrefixes = map[string]string{
	"epcis": "https://ref.gs1.org/epcis/", "cbv": "https://ref.gs1.org/cbv/", "cbvmda": "urn:epcglobal:cbv:mda:",
	"gs1": "https://gs1.org/voc/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#",
	"xsd": "http://www.w3.org/2001/XMLSchema#", "dcterms": "http://purl.org/dc/terms/",
}

var (
	epcisOffsetPattern = regexp.MustCompile(`^[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)$`)
	epcisURIPattern    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$`)
	epcisUOMPattern    = regexp.MustCompile(`^[A-Z0-9]{2,3}$`)
	epcisHexPattern    = regexp.MustCompile(`^[A-Fa-f0-9]+$`)
	epcisVersion       = regexp.MustCompile(`^2\.0(\.[0-9]+)?$`)
)

// epcisEventNamespace names the UUIDs made for events sent without an eventID.
var epcisEventNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/hzcbec/portal/epcis/event"))

// epcisNameEvent makes the eventID of an event sent without one: a name-based UUID of the event's
// JSON (keys sorted, numbers as written), so that a client resending a document, or part of it,
// captures nothing twice.
func epcisNameEvent(e map[string]any) string {
	canonical, err := json.Marshal(e)
	if err != nil {
		return "urn:uuid:" + uuid.NewString()
	}
	return "urn:uuid:" + uuid.NewSHA1(epcisEventNamespace, canonical).String()
}

// epcisNUL is the one character JSON may carry and Postgres' jsonb and text may not.
var epcisNUL = []byte(`\u0000`)

// ErrNotJSON is the error of a body that is not a JSON object in UTF-8.
var ErrNotJSON = errors.New("epcis: the document is not a JSON object in UTF-8")

// Problem is what is wrong with one field of a document: the field by its path, the rule it
// breaks and the rule's argument (a value, a list, a length).
type Problem struct {
	Field string
	Rule  string
	Param string
}

// Problems is the error of a document that breaks rules: every problem found, up to 100.
type Problems []Problem

func (p Problems) Error() string {
	return fmt.Sprintf("epcis: %d problems in the document, the first %s (%s)", len(p), p[0].Field, p[0].Rule)
}

// epcisCheck collects the problems of one document.
type epcisCheck struct {
	terms  map[string]string // prefixes and terms the @context declares, with their IRIs ("" when not a plain IRI)
	errs   Problems
	events []Event
}

func (v *epcisCheck) fail(field, rule, param string) {
	if len(v.errs) < epcisMaxErrors {
		v.errs = append(v.errs, Problem{Field: field, Rule: rule, Param: param})
	}
}

// ParseDocument checks an EPCIS 2.0 JSON-LD EPCISDocument and maps its events. A body that is
// not a JSON object is ErrNotJSON; a document with problems is Problems naming each.
func ParseDocument(body []byte) (*Document, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil || !utf8.Valid(body) {
		return nil, ErrNotJSON
	}
	v := &epcisCheck{terms: map[string]string{}}
	for _, k := range epcisKeys(top) {
		if k != "epcisBody" && bytes.Contains(top[k], epcisNUL) {
			v.fail(k, "epcis_nul", "")
		}
	}
	doc := &Document{}
	v.context("@context", top["@context"], true)
	doc.Context = top["@context"]
	if t, ok := v.required(top, "", "type"); ok {
		if s, ok := v.str("type", t); ok && s != "EPCISDocument" {
			v.fail("type", "epcis_document_type", s)
		}
	}
	if sv, ok := v.required(top, "", "schemaVersion"); ok {
		if s, ok := v.str("schemaVersion", sv); ok {
			if !epcisVersion.MatchString(s) {
				v.fail("schemaVersion", "epcis_schema_version", s)
			}
			doc.SchemaVersion = s
		}
	}
	if cd, ok := v.required(top, "", "creationDate"); ok {
		doc.CreationDate, _ = v.time("creationDate", cd)
	}
	v.extensions("", epcisKeys(top), epcisDocumentFields, "EPCISDocument")
	header := map[string]json.RawMessage{}
	for k, raw := range top {
		if k != "@context" && k != "epcisBody" && k != "type" && k != "schemaVersion" && k != "creationDate" {
			header[k] = raw
		}
	}
	if len(header) > 0 {
		doc.Header, _ = json.Marshal(header)
	}
	if raw, ok := v.required(top, "", "epcisBody"); ok {
		v.body(raw)
	}
	if len(v.errs) > 0 {
		return nil, v.errs
	}
	doc.Events = v.events
	return doc, nil
}

// body checks epcisBody.eventList and each event in it.
func (v *epcisCheck) body(raw json.RawMessage) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil || body == nil {
		v.fail("epcisBody", "epcis_type", "object")
		return
	}
	v.extensions("epcisBody", epcisKeys(body), map[string]bool{"eventList": true}, "epcisBody")
	listRaw, ok := v.required(body, "epcisBody", "eventList")
	if !ok {
		return
	}
	var list []json.RawMessage
	if err := json.Unmarshal(listRaw, &list); err != nil || list == nil {
		v.fail("epcisBody.eventList", "epcis_type", "array")
		return
	}
	if len(list) > MaxEvents {
		v.fail("epcisBody.eventList", "epcis_max_events", strconv.Itoa(MaxEvents))
		return
	}
	seen := make(map[string]int, len(list))
	v.events = make([]Event, 0, len(list))
	for i, raw := range list {
		path := "epcisBody.eventList[" + strconv.Itoa(i) + "]"
		ev, ok := v.event(path, raw)
		if !ok {
			continue
		}
		if j, dup := seen[ev.EventID]; dup {
			v.fail(path+".eventID", "epcis_duplicate_event_id", "epcisBody.eventList["+strconv.Itoa(j)+"]")
			continue
		}
		seen[ev.EventID] = i
		v.events = append(v.events, ev)
	}
}

// event checks one event and maps it; ok is false when it has problems.
func (v *epcisCheck) event(path string, raw json.RawMessage) (Event, bool) {
	before := len(v.errs)
	out := Event{Original: raw}
	if bytes.Contains(raw, epcisNUL) {
		v.fail(path, "epcis_nul", "")
		return out, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var e map[string]any
	if err := dec.Decode(&e); err != nil || e == nil {
		v.fail(path, "epcis_type", "object")
		return out, false
	}
	// An event may carry its own @context; its prefixes count for it alone.
	saved := v.terms
	if c, ok := e["@context"]; ok {
		v.terms = maps.Clone(saved)
		rawCtx, _ := json.Marshal(c)
		v.context(path+".@context", rawCtx, false)
	}
	defer func() { v.terms = saved }()

	typ := ""
	if t, ok := v.requiredAny(e, path, "type"); ok {
		if s, ok := v.str(path+".type", t); ok {
			if _, known := EventTypes[s]; known {
				typ = s
			} else {
				v.fail(path+".type", "epcis_event_type", EventTypeList)
			}
		}
	}
	out.Type = EventTypes[typ]
	if typ != "" {
		v.extensions(path, epcisKeysAny(e), epcisFields[typ], typ)
	}
	if t, ok := v.requiredAny(e, path, "eventTime"); ok {
		out.EventTime, _ = v.time(path+".eventTime", t)
	}
	if z, ok := v.requiredAny(e, path, "eventTimeZoneOffset"); ok {
		if s, ok := v.str(path+".eventTimeZoneOffset", z); ok {
			if !epcisOffsetPattern.MatchString(s) {
				v.fail(path+".eventTimeZoneOffset", "epcis_offset", s)
			}
			out.TimeZone = s
		}
	}
	if t, ok := e["recordTime"]; ok {
		v.time(path+".recordTime", t)
	}
	if id, ok := e["eventID"]; ok {
		out.EventID, _ = v.uri(path+".eventID", id)
	} else {
		out.EventID = epcisNameEvent(e)
	}
	if typ != "" && typ != "TransformationEvent" {
		if a, ok := v.requiredAny(e, path, "action"); ok {
			if s, ok := v.str(path+".action", a); ok {
				if s != "ADD" && s != "OBSERVE" && s != "DELETE" {
					v.fail(path+".action", "epcis_action", s)
				}
				out.Action = &s
			}
		}
	}
	out.BizStep = v.vocabField(e, path, "bizStep", "bizstep")
	out.Disposition = v.vocabField(e, path, "disposition", "disposition")
	out.ReadPoint = v.location(e, path, "readPoint")
	out.BizLocation = v.location(e, path, "bizLocation")
	if pd, ok := e["persistentDisposition"]; ok {
		v.persistentDisposition(path+".persistentDisposition", pd)
	}

	var quantities []map[string]any
	for _, f := range []string{"parentID", "epcList", "childEPCs", "inputEPCList", "outputEPCList",
		"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"} {
		val, ok := e[f]
		if !ok || !epcisFields[typ][f] {
			continue
		}
		switch {
		case f == "parentID":
			if s, ok := v.uri(path+"."+f, val); ok {
				out.EPCs = append(out.EPCs, s)
			}
		case strings.HasSuffix(f, "QuantityList") || f == "quantityList":
			for j, q := range v.array(path+"."+f, val) {
				if qe, cls, ok := v.quantityElement(fmt.Sprintf("%s.%s[%d]", path, f, j), q); ok {
					out.EPCs = append(out.EPCs, cls)
					quantities = append(quantities, qe)
				}
			}
		default:
			for j, item := range v.array(path+"."+f, val) {
				if s, ok := v.uri(fmt.Sprintf("%s.%s[%d]", path, f, j), item); ok {
					out.EPCs = append(out.EPCs, s)
				}
			}
		}
	}
	out.EPCs = epcisUnique(out.EPCs)
	if len(quantities) == 1 {
		if n, ok := quantities[0]["quantity"].(json.Number); ok {
			if f, err := n.Float64(); err == nil && f > -1e11 && f < 1e11 {
				s := n.String()
				out.Quantity = &s
				if u, ok := quantities[0]["uom"].(string); ok {
					out.UOM = &u
				}
			}
		}
	}
	switch typ {
	case "ObjectEvent":
		// What the event is about: EPCs or quantities; a sensor reading at a read point may have neither.
		_, hasEPCs := e["epcList"]
		_, hasQuantities := e["quantityList"]
		sensors, _ := e["sensorElementList"].([]any)
		_, hasReadPoint := e["readPoint"]
		if !hasEPCs && !hasQuantities && (len(sensors) == 0 || !hasReadPoint) {
			v.fail(path+".epcList", "epcis_identifier_list", "")
		}
		if _, hasILMD := e["ilmd"]; hasILMD && out.Action != nil && *out.Action != "ADD" {
			v.fail(path+".ilmd", "epcis_ilmd_action", *out.Action)
		}
	case "AggregationEvent":
		if out.Action != nil && *out.Action != "OBSERVE" {
			v.requiredAny(e, path, "parentID")
		}
	case "AssociationEvent":
		v.requiredAny(e, path, "parentID")
	case "TransformationEvent":
		some := false
		for _, f := range []string{"inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList"} {
			list, _ := e[f].([]any)
			some = some || len(list) > 0
		}
		if !some {
			v.fail(path+".inputEPCList", "epcis_transformation_lists", "")
		}
	case "TransactionEvent":
		if list, ok := v.requiredAny(e, path, "bizTransactionList"); ok {
			if a, ok := list.([]any); ok && len(a) == 0 {
				v.fail(path+".bizTransactionList", "epcis_min_items", "1")
			}
		}
	}
	if t, ok := e["transformationID"]; ok && typ == "TransformationEvent" {
		v.uri(path+".transformationID", t)
	}
	if list, ok := e["bizTransactionList"]; ok {
		out.Documents = v.bizTransactions(path+".bizTransactionList", list)
	}
	for _, what := range []string{"source", "destination"} {
		if list, ok := e[what+"List"]; ok {
			v.sourcesOrDestinations(path+"."+what+"List", list, what)
		}
	}
	if list, ok := e["sensorElementList"]; ok {
		if v.sensorElements(path+".sensorElementList", list) {
			out.Sensor, _ = json.Marshal(list)
		}
	}
	if ed, ok := e["errorDeclaration"]; ok {
		v.errorDeclaration(path+".errorDeclaration", ed)
	}
	if ci, ok := e["certificationInfo"]; ok {
		v.certificationInfo(path+".certificationInfo", ci)
	}
	if il, ok := e["ilmd"]; ok && epcisFields[typ]["ilmd"] {
		if m, ok := v.object(path+".ilmd", il); ok {
			for _, k := range epcisSortedKeys(m) {
				if !v.namespaced(k) {
					v.fail(path+".ilmd."+k, "epcis_namespace", k)
				}
			}
		}
	}
	return out, len(v.errs) == before
}

// context checks @context (a URI, an object or a list of them) and learns the prefixes and
// terms it declares.
func (v *epcisCheck) context(field string, raw json.RawMessage, required bool) {
	if raw == nil {
		if required {
			v.fail(field, "epcis_context", "")
		}
		return
	}
	var c any
	if err := json.Unmarshal(raw, &c); err != nil {
		v.fail(field, "epcis_context", "")
		return
	}
	items, isList := c.([]any)
	if !isList {
		items = []any{c}
	}
	if len(items) == 0 {
		v.fail(field, "epcis_context", "")
		return
	}
	for i, item := range items {
		path := field
		if isList {
			path = fmt.Sprintf("%s[%d]", field, i)
		}
		switch it := item.(type) {
		case string:
			if !epcisURIPattern.MatchString(it) {
				v.fail(path, "epcis_uri", it)
			}
		case map[string]any:
			for term, def := range it {
				if strings.HasPrefix(term, "@") {
					continue
				}
				iri := ""
				switch d := def.(type) {
				case string:
					iri = d
				case map[string]any:
					iri, _ = d["@id"].(string)
				}
				v.terms[term] = iri
			}
		default:
			v.fail(path, "epcis_context", "")
		}
	}
}

// namespaced tells an extension field's name: a term or prefix:name the @context declares,
// or an absolute URI.
func (v *epcisCheck) namespaced(key string) bool {
	if _, ok := v.terms[key]; ok {
		return true
	}
	prefix, rest, ok := strings.Cut(key, ":")
	if !ok || prefix == "" || rest == "" {
		return false
	}
	if strings.HasPrefix(rest, "//") || prefix == "urn" {
		return true
	}
	_, declared := v.terms[prefix]
	_, standard := epcisStandardPrefixes[prefix]
	return declared || standard
}

// extensions reports each field of a standard structure that is neither standard nor namespaced.
func (v *epcisCheck) extensions(path string, keys []string, standard map[string]bool, what string) {
	sort.Strings(keys)
	for _, k := range keys {
		if standard[k] || v.namespaced(k) {
			continue
		}
		field := k
		if path != "" {
			field = path + "." + k
		}
		if prefix, _, ok := strings.Cut(k, ":"); ok && prefix != "" {
			v.fail(field, "epcis_prefix", prefix)
		} else {
			v.fail(field, "epcis_unknown_field", what)
		}
	}
}

// expand turns a compact IRI (prefix:name with a declared prefix) into the full IRI.
func (v *epcisCheck) expand(s string) (string, bool) {
	prefix, rest, ok := strings.Cut(s, ":")
	if !ok {
		return s, true
	}
	if strings.HasPrefix(rest, "//") || prefix == "urn" {
		return s, true
	}
	if iri, declared := v.terms[prefix]; declared && iri != "" {
		return iri + rest, true
	}
	if iri, standard := epcisStandardPrefixes[prefix]; standard {
		return iri + rest, true
	}
	return s, false
}

// vocab checks a value of a CBV vocabulary and returns what trace_events keeps: the bare CBV
// word, or the full URI of the sender's own vocabulary.
func (v *epcisCheck) vocab(field string, val any, kind string) (string, bool) {
	s, ok := v.str(field, val)
	if !ok {
		return "", false
	}
	voc := epcisVocabularies[kind]
	full, ok := v.expand(s)
	if !ok {
		prefix, _, _ := strings.Cut(s, ":")
		v.fail(field, "epcis_prefix", prefix)
		return "", false
	}
	if w, isCBV := epcisVocabWord(kind, full); isCBV {
		if slices.Contains(voc.words, w) {
			return w, true
		}
		v.fail(field, voc.rule, s)
		return "", false
	}
	return full, true
}

// epcisVocabWord returns the word a bare word or CBV URI of the vocabulary names, and whether
// the value is in the CBV's space at all (a bare word, or a URI under the CBV's namespaces).
func epcisVocabWord(kind, s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "http://ref.gs1.org/"); ok {
		s = "https://ref.gs1.org/" + rest
	}
	for _, p := range epcisVocabularies[kind].prefixes {
		if w, ok := strings.CutPrefix(s, p); ok {
			return w, true
		}
	}
	if !strings.Contains(s, ":") {
		return s, true
	}
	// Other CBV URIs (a bizStep URI given as a disposition, a typo in the namespace) are not extensions.
	return s, strings.HasPrefix(s, "urn:epcglobal:cbv:") || strings.HasPrefix(s, "https://ref.gs1.org/cbv/")
}

// VocabWord normalises a query value of a CBV vocabulary ("bizstep" or "disposition"): the bare
// word for a CBV word or URI, anything else as given.
func VocabWord(kind, s string) string {
	w, _ := epcisVocabWord(kind, strings.TrimSpace(s))
	return w
}

func (v *epcisCheck) vocabField(e map[string]any, path, field, kind string) *string {
	val, ok := e[field]
	if !ok {
		return nil
	}
	if s, ok := v.vocab(path+"."+field, val, kind); ok {
		return &s
	}
	return nil
}

// location checks readPoint or bizLocation and returns its id.
func (v *epcisCheck) location(e map[string]any, path, field string) *string {
	val, ok := e[field]
	if !ok {
		return nil
	}
	m, ok := v.object(path+"."+field, val)
	if !ok {
		return nil
	}
	v.extensions(path+"."+field, epcisKeysAny(m), epcisLocationFields, field)
	id, ok := v.requiredAny(m, path+"."+field, "id")
	if !ok {
		return nil
	}
	if s, ok := v.uri(path+"."+field+".id", id); ok {
		return &s
	}
	return nil
}

func (v *epcisCheck) persistentDisposition(path string, val any) {
	m, ok := v.object(path, val)
	if !ok {
		return
	}
	v.extensions(path, epcisKeysAny(m), epcisPersistentFields, "persistentDisposition")
	for _, f := range []string{"set", "unset"} {
		if list, ok := m[f]; ok {
			for j, d := range v.array(path+"."+f, list) {
				v.vocab(fmt.Sprintf("%s.%s[%d]", path, f, j), d, "disposition")
			}
		}
	}
}

// quantityElement checks {epcClass, quantity?, uom?} and returns it with its class.
func (v *epcisCheck) quantityElement(path string, val any) (map[string]any, string, bool) {
	m, ok := v.object(path, val)
	if !ok {
		return nil, "", false
	}
	before := len(v.errs)
	for _, k := range epcisSortedKeys(m) {
		if !epcisQuantityFields[k] {
			v.fail(path+"."+k, "epcis_quantity_field", k)
		}
	}
	cls := ""
	if c, ok := v.requiredAny(m, path, "epcClass"); ok {
		cls, _ = v.uri(path+".epcClass", c)
	}
	if q, ok := m["quantity"]; ok {
		v.number(path+".quantity", q)
	}
	if u, ok := m["uom"]; ok {
		if s, ok := v.str(path+".uom", u); ok && !epcisUOMPattern.MatchString(s) {
			v.fail(path+".uom", "epcis_uom", s)
		}
	}
	return m, cls, len(v.errs) == before
}

// bizTransactions checks bizTransactionList and maps it to documents.
func (v *epcisCheck) bizTransactions(path string, val any) []BizTransaction {
	var out []BizTransaction
	for j, item := range v.array(path, val) {
		p := fmt.Sprintf("%s[%d]", path, j)
		m, ok := v.object(p, item)
		if !ok {
			continue
		}
		v.extensions(p, epcisKeysAny(m), epcisBizTxFields, "bizTransaction")
		doc := BizTransaction{}
		if bt, ok := v.requiredAny(m, p, "bizTransaction"); ok {
			doc.Number, _ = v.uri(p+".bizTransaction", bt)
		}
		if t, ok := m["type"]; ok {
			doc.Type, _ = v.vocab(p+".type", t, "btt")
		}
		out = append(out, doc)
	}
	return out
}

func (v *epcisCheck) sourcesOrDestinations(path string, val any, what string) {
	fields := epcisSourceFields
	if what == "destination" {
		fields = epcisDestinationFields
	}
	for j, item := range v.array(path, val) {
		p := fmt.Sprintf("%s[%d]", path, j)
		m, ok := v.object(p, item)
		if !ok {
			continue
		}
		v.extensions(p, epcisKeysAny(m), fields, what)
		if t, ok := v.requiredAny(m, p, "type"); ok {
			v.vocab(p+".type", t, "sdt")
		}
		if s, ok := v.requiredAny(m, p, what); ok {
			v.uri(p+"."+what, s)
		}
	}
}

// sensorElements checks sensorElementList; ok when it has no problems.
func (v *epcisCheck) sensorElements(path string, val any) bool {
	before := len(v.errs)
	for j, item := range v.array(path, val) {
		p := fmt.Sprintf("%s[%d]", path, j)
		m, ok := v.object(p, item)
		if !ok {
			continue
		}
		v.extensions(p, epcisKeysAny(m), epcisSensorElementField, "sensorElement")
		if md, ok := m["sensorMetadata"]; ok {
			v.typedFields(p+".sensorMetadata", md, epcisSensorMetaFields, "sensorMetadata")
		}
		if reports, ok := v.requiredAny(m, p, "sensorReport"); ok {
			for k, r := range v.array(p+".sensorReport", reports) {
				v.typedFields(fmt.Sprintf("%s.sensorReport[%d]", p, k), r, epcisSensorReportFields, "sensorReport")
			}
		}
	}
	return len(v.errs) == before
}

// typedFields checks an object whose standard fields each have a type.
func (v *epcisCheck) typedFields(path string, val any, fields map[string]string, what string) {
	m, ok := v.object(path, val)
	if !ok {
		return
	}
	keys := epcisKeysAny(m)
	standard := make(map[string]bool, len(fields))
	for k := range fields {
		standard[k] = true
	}
	v.extensions(path, keys, standard, what)
	for _, k := range keys {
		f := path + "." + k
		switch fields[k] {
		case "string":
			v.str(f, m[k])
		case "uri":
			v.uri(f, m[k])
		case "time":
			v.time(f, m[k])
		case "number":
			v.number(f, m[k])
		case "boolean":
			if _, ok := m[k].(bool); !ok {
				v.fail(f, "epcis_type", "boolean")
			}
		case "hex":
			if s, ok := v.str(f, m[k]); ok && !epcisHexPattern.MatchString(s) {
				v.fail(f, "epcis_hex", s)
			}
		}
	}
}

func (v *epcisCheck) errorDeclaration(path string, val any) {
	m, ok := v.object(path, val)
	if !ok {
		return
	}
	v.extensions(path, epcisKeysAny(m), epcisErrorDeclFields, "errorDeclaration")
	if t, ok := v.requiredAny(m, path, "declarationTime"); ok {
		v.time(path+".declarationTime", t)
	}
	if r, ok := m["reason"]; ok {
		v.vocab(path+".reason", r, "er")
	}
	if ids, ok := m["correctiveEventIDs"]; ok {
		for j, id := range v.array(path+".correctiveEventIDs", ids) {
			v.uri(fmt.Sprintf("%s.correctiveEventIDs[%d]", path, j), id)
		}
	}
}

// certificationInfo is a URI or a list of URIs.
func (v *epcisCheck) certificationInfo(path string, val any) {
	switch c := val.(type) {
	case string:
		if !epcisURIPattern.MatchString(c) {
			v.fail(path, "epcis_certification_info", "")
		}
	case []any:
		for j, item := range c {
			if s, ok := item.(string); !ok || !epcisURIPattern.MatchString(s) {
				v.fail(fmt.Sprintf("%s[%d]", path, j), "epcis_certification_info", "")
			}
		}
	default:
		v.fail(path, "epcis_certification_info", "")
	}
}

// required returns a field of a raw object, failing when it is missing.
func (v *epcisCheck) required(m map[string]json.RawMessage, path, field string) (json.RawMessage, bool) {
	raw, ok := m[field]
	if !ok {
		v.fail(epcisJoin(path, field), "required", "")
	}
	return raw, ok
}

// requiredAny returns a field of a decoded object, failing when it is missing.
func (v *epcisCheck) requiredAny(m map[string]any, path, field string) (any, bool) {
	val, ok := m[field]
	if !ok {
		v.fail(epcisJoin(path, field), "required", "")
	}
	return val, ok
}

func epcisJoin(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// str accepts a JSON string (raw or decoded).
func (v *epcisCheck) str(field string, val any) (string, bool) {
	switch s := val.(type) {
	case string:
		return s, true
	case json.RawMessage:
		var out string
		if err := json.Unmarshal(s, &out); err == nil {
			return out, true
		}
	}
	v.fail(field, "epcis_type", "string")
	return "", false
}

// IsURI tells whether s is an absolute URI, as the standard's identifiers must be.
func IsURI(s string) bool { return epcisURIPattern.MatchString(s) }

func (v *epcisCheck) uri(field string, val any) (string, bool) {
	s, ok := v.str(field, val)
	if !ok {
		return "", false
	}
	if !epcisURIPattern.MatchString(s) {
		v.fail(field, "epcis_uri", s)
		return "", false
	}
	return s, true
}

// time accepts an RFC 3339 date-time with a time zone (Z or ±hh:mm) and returns it in UTC.
func (v *epcisCheck) time(field string, val any) (time.Time, bool) {
	s, ok := v.str(field, val)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		v.fail(field, "epcis_time", s)
		return time.Time{}, false
	}
	return t.UTC(), true
}

func (v *epcisCheck) number(field string, val any) {
	if _, ok := val.(json.Number); !ok {
		v.fail(field, "epcis_number", "")
	}
}

func (v *epcisCheck) object(field string, val any) (map[string]any, bool) {
	m, ok := val.(map[string]any)
	if !ok {
		v.fail(field, "epcis_type", "object")
	}
	return m, ok
}

func (v *epcisCheck) array(field string, val any) []any {
	a, ok := val.([]any)
	if !ok {
		v.fail(field, "epcis_type", "array")
	}
	return a
}

func epcisKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func epcisKeysAny(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func epcisSortedKeys(m map[string]any) []string {
	keys := epcisKeysAny(m)
	sort.Strings(keys)
	return keys
}

func epcisUnique(s []string) []string {
	if len(s) < 2 {
		return s
	}
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
