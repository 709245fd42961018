package models

import (
	"context"
	"database/sql/driver"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hzcbec/portal/models/codes"
	"github.com/hzcbec/portal/models/epcis"
	"gorm.io/gorm"
)

// GS1 EPCIS 2.0 capture and query (PRODUCT.md "Trace events"): existing traceability systems
// send EPCISDocuments, the portal keeps each event as a trace event with its JSON-LD as sent, and
// answers SimpleEventQuery with EPCISQueryDocuments. The EPCIS words are kept where the standard
// uses them: the events' JSON-LD and the query parameters.
//
// Capturing an eventID that is already captured is idempotent when the event is the same JSON
// (a client retrying a document gets 201 again and nothing is stored twice) and a conflict
// (ECONFLICT, naming the event, nothing of the document stored) when it differs: an eventID names
// one event. Events sent without eventID are named from their JSON, so a retry repeats them too.

// EPCISContextURL is the JSON-LD context of EPCIS 2.0.
const EPCISContextURL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// EPCISCaptureResult is what a capture stored.
type EPCISCaptureResult struct {
	CaptureID string   `json:"capture_id"`
	Captured  int      `json:"captured"`   // events of the document now in the repository
	Duplicate int      `json:"duplicates"` // of those, already captured before (the same JSON), left as they were
	EventIDs  []string `json:"event_ids"`  // in document order; urn:uuid: ones made for events sent without eventID
}

// epcisInsertBatch is how many events one INSERT carries (20 parameters each, under Postgres' 65535).
const epcisInsertBatch = 1000

// CaptureEPCIS reads an EPCIS 2.0 JSON-LD capture document (epcis.ParseDocument) and stores it in
// one transaction: a capture record, every event (linked to our products and batches through the
// GTINs of its EPCs) and one audit record. A body that is not a JSON object is EBADREQUEST; a
// document with problems is EINVALID naming each, and nothing of it is stored.
func (s *Store) CaptureEPCIS(ctx context.Context, actor Actor, body []byte) (*EPCISCaptureResult, error) {
	doc, err := epcis.ParseDocument(body)
	if err != nil {
		return nil, epcisDocumentError(err)
	}
	res := &EPCISCaptureResult{CaptureID: newID(), Captured: len(doc.Events), EventIDs: make([]string, len(doc.Events))}
	for i := range doc.Events {
		res.EventIDs[i] = doc.Events[i].EventID
	}
	var capturedBy *string
	if actor.UserID != "" && actor.UserID != SystemActor.UserID {
		capturedBy = &actor.UserID
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO epcis_captures (id, context, schema_version, creation_date, header, events, captured_by)
			VALUES (?, ?::jsonb, ?, ?, ?::jsonb, ?, ?)`, res.CaptureID, string(doc.Context), doc.SchemaVersion,
			doc.CreationDate, nullJSON(JSONText(doc.Header)), len(doc.Events), capturedBy).Error; err != nil {
			return err
		}
		links, err := epcisProductLinks(tx, doc.Events)
		if err != nil {
			return err
		}
		inserted := map[string]bool{}
		for start := 0; start < len(doc.Events); start += epcisInsertBatch {
			batch := doc.Events[start:min(start+epcisInsertBatch, len(doc.Events))]
			ids, err := epcisInsert(tx, batch, links[start:start+len(batch)], res.CaptureID, capturedBy)
			if err != nil {
				return err
			}
			for _, id := range ids {
				inserted[id] = true
			}
		}
		if len(inserted) < len(doc.Events) {
			if err := epcisCheckDuplicates(tx, doc.Events, inserted); err != nil {
				return err
			}
			res.Duplicate = len(doc.Events) - len(inserted)
		}
		return audit(tx, actor, "epcis.capture", "epcis", res.CaptureID, nil, map[string]any{
			"events": len(doc.Events), "new": len(inserted), "event_ids": res.EventIDs})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// epcisDocumentError turns what epcis.ParseDocument found wrong into a domain error.
func epcisDocumentError(err error) error {
	var problems epcis.Problems
	if !errors.As(err, &problems) {
		return Errorf(EBADREQUEST, "bad_json")
	}
	fields := make([]FieldError, len(problems))
	for i, p := range problems {
		fields[i] = FieldError(p)
	}
	return Invalid(fields...)
}

// epcisLink is the product and batch an event is about, when its EPCs name one of ours.
type epcisLink struct{ productID, batchID *string }

func epcisInsert(tx *gorm.DB, events []epcis.Event, links []epcisLink, captureID string, capturedBy *string) ([]string, error) {
	var sql strings.Builder
	sql.WriteString(`INSERT INTO trace_events (event_id, type, action, event_time, event_time_zone, biz_step, disposition,
		read_point, biz_location, product_id, batch_id, epcs, quantity, uom, documents, sensor, source, original,
		captured_by, capture_id) VALUES `)
	args := make([]any, 0, len(events)*19)
	for i := range events {
		e := &events[i]
		if i > 0 {
			sql.WriteString(",")
		}
		sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?::numeric, ?, ?::jsonb, ?::jsonb, 'epcis', ?::jsonb, ?, ?)")
		docs := "[]"
		if len(e.Documents) > 0 {
			b, err := json.Marshal(e.Documents)
			if err != nil {
				return nil, err
			}
			docs = string(b)
		}
		var sensor any
		if e.Sensor != nil {
			sensor = string(e.Sensor)
		}
		args = append(args, e.EventID, e.Type, e.Action, e.EventTime, e.TimeZone, e.BizStep, e.Disposition,
			e.ReadPoint, e.BizLocation, links[i].productID, links[i].batchID, epcisTextArray(e.EPCs), e.Quantity, e.UOM,
			docs, sensor, string(e.Original), capturedBy, captureID)
	}
	sql.WriteString(" ON CONFLICT (event_id) DO NOTHING RETURNING event_id")
	var ids []string
	err := tx.Raw(sql.String(), args...).Scan(&ids).Error
	return ids, err
}

// epcisCheckDuplicates looks at the events a capture did not insert because their eventID was
// taken: the same JSON is a repeat and fine, anything else a conflict.
func epcisCheckDuplicates(tx *gorm.DB, events []epcis.Event, inserted map[string]bool) error {
	var ids, docs []string
	index := map[string]int{}
	for i := range events {
		if !inserted[events[i].EventID] {
			ids = append(ids, events[i].EventID)
			docs = append(docs, string(events[i].Original))
			index[events[i].EventID] = i
		}
	}
	var differing []string
	err := tx.Raw(`SELECT t.event_id FROM trace_events t
		JOIN unnest(?::text[], ?::text[]) AS n (id, doc) ON n.id = t.event_id
		WHERE t.source <> 'epcis' OR t.original IS DISTINCT FROM n.doc::jsonb`,
		epcisTextArray(ids), epcisTextArray(docs)).Scan(&differing).Error
	if err != nil || len(differing) == 0 {
		return err
	}
	fields := make([]FieldError, 0, len(differing))
	for _, id := range differing {
		fields = append(fields, FieldError{Field: fmt.Sprintf("epcisBody.eventList[%d].eventID", index[id]), Rule: "epcis_event_id_taken", Param: id})
	}
	slices.SortFunc(fields, func(a, b FieldError) int { return index[a.Param] - index[b.Param] })
	return &Error{Code: ECONFLICT, Message: "epcis_event_id_taken", Fields: fields}
}

// epcisProductLinks finds, for each event, the first of its EPCs or classes whose GTIN is one of
// our products, and the batch when the class names its lot.
func epcisProductLinks(tx *gorm.DB, events []epcis.Event) ([]epcisLink, error) {
	links := make([]epcisLink, len(events))
	gtinSet := map[string]bool{}
	for i := range events {
		for _, epc := range events[i].EPCs {
			if g, _, ok := EPCGTIN(epc); ok {
				gtinSet[g] = true
			}
		}
	}
	if len(gtinSet) == 0 {
		return links, nil
	}
	var products []struct{ ID, Gtin string }
	if err := tx.Raw(`SELECT id, gtin FROM products WHERE gtin IN ?`, slices.Collect(mapKeys(gtinSet))).Scan(&products).Error; err != nil {
		return nil, err
	}
	if len(products) == 0 {
		return links, nil
	}
	byGTIN := map[string]string{}
	productIDs := make([]string, 0, len(products))
	for _, p := range products {
		byGTIN[p.Gtin] = p.ID
		productIDs = append(productIDs, p.ID)
	}
	var batches []struct{ ID, ProductID, Lot string }
	if err := tx.Raw(`SELECT id, product_id, lot FROM batches WHERE product_id IN ?`, productIDs).Scan(&batches).Error; err != nil {
		return nil, err
	}
	batchOf := map[[2]string]string{}
	for _, b := range batches {
		batchOf[[2]string{b.ProductID, b.Lot}] = b.ID
	}
	for i := range events {
		for _, epc := range events[i].EPCs {
			g, lot, ok := EPCGTIN(epc)
			pid, known := byGTIN[g]
			if !ok || !known {
				continue
			}
			if links[i].productID == nil {
				links[i].productID = &pid
			}
			if bid, ok := batchOf[[2]string{pid, lot}]; ok && lot != "" && *links[i].productID == pid {
				links[i].batchID = &bid
				break
			}
		}
	}
	return links, nil
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var epcisDigitalLinkGTIN = regexp.MustCompile(`/01/([0-9]{8,14})(?:/10/([^/?#]+))?`)

// EPCGTIN reads the GTIN (14 digits) an EPC or class identifier names, and its lot when it has
// one: SGTIN and LGTIN URNs, SGTIN patterns, and GS1 Digital Link URIs (/01/{gtin}/10/{lot}).
func EPCGTIN(epc string) (gtin, lot string, ok bool) {
	for _, scheme := range []string{"urn:epc:id:sgtin:", "urn:epc:class:lgtin:", "urn:epc:idpat:sgtin:"} {
		rest, found := strings.CutPrefix(epc, scheme)
		if !found {
			continue
		}
		parts := strings.SplitN(rest, ".", 3)
		if len(parts) < 2 || len(parts[0])+len(parts[1]) != 13 || len(parts[1]) < 1 {
			return "", "", false
		}
		digits := parts[1][:1] + parts[0] + parts[1][1:]
		if strings.Trim(digits, "0123456789") != "" {
			return "", "", false
		}
		if scheme == "urn:epc:class:lgtin:" && len(parts) == 3 {
			if l, err := url.PathUnescape(parts[2]); err == nil {
				lot = l
			}
		}
		return digits + string(codes.GTINCheckDigit(digits)), lot, true
	}
	if strings.HasPrefix(epc, "https://") || strings.HasPrefix(epc, "http://") {
		m := epcisDigitalLinkGTIN.FindStringSubmatch(epc)
		if m == nil {
			return "", "", false
		}
		g, valid := codes.NormalizeGTIN(m[1])
		if !valid {
			return "", "", false
		}
		if m[2] != "" {
			if l, err := url.PathUnescape(m[2]); err == nil {
				lot = l
			}
		}
		return g, lot, true
	}
	return "", "", false
}

// epcisTextArray is a Postgres text[] of any strings, quoted element by element.
type epcisTextArray []string

// Value writes the array literal.
func (a epcisTextArray) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, r := range s {
			if r == '"' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// EPCISQuery is a SimpleEventQuery: every filter given must hold; a list filter holds when any
// of its values does.
type EPCISQuery struct {
	EventTypes   []string // trace_events.type words
	Actions      []string
	BizSteps     []string // bare CBV words, or extension URIs
	Dispositions []string
	ReadPoints   []string
	BizLocations []string
	EventIDs     []string
	EPCs         []string // exact EPCs or classes, or urn:epc:idpat: patterns
	GEEventTime  *time.Time
	LTEventTime  *time.Time
	GERecordTime *time.Time
	LTRecordTime *time.Time
	PerPage      int
	After        int64 // from nextPageToken
}

// Bounds of perPage.
const (
	EPCISDefaultPerPage = 100
	EPCISMaxPerPage     = 1000
)

// ParseEPCISQuery reads the query parameters of GET /epcis/events (EPCIS 2.0 REST names). A list
// parameter takes several values separated by "|" or repeated; bizStep and disposition take the
// CBV word or either URI form.
func ParseEPCISQuery(params url.Values) (EPCISQuery, error) {
	q := EPCISQuery{PerPage: EPCISDefaultPerPage}
	var errs []FieldError
	list := func(name string) []string {
		var out []string
		for _, v := range params[name] {
			for _, part := range strings.Split(v, "|") {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
		}
		return out
	}
	when := func(name string) *time.Time {
		v := params.Get(name)
		if v == "" {
			return nil
		}
		// A "+" of an offset arrives as a space when the client did not escape it.
		t, err := time.Parse(time.RFC3339Nano, strings.ReplaceAll(strings.TrimSpace(v), " ", "+"))
		if err != nil {
			errs = append(errs, FieldError{Field: name, Rule: "epcis_time", Param: v})
			return nil
		}
		return &t
	}
	for name := range params {
		switch name {
		case "eventType", "EQ_action", "EQ_bizStep", "EQ_disposition", "EQ_readPoint", "EQ_bizLocation", "EQ_eventID",
			"MATCH_epc", "MATCH_anyEPC", "MATCH_epcClass", "MATCH_anyEPCClass", "MATCH_parentID", "MATCH_inputEPC",
			"MATCH_outputEPC", "GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime", "perPage", "nextPageToken":
		default:
			errs = append(errs, FieldError{Field: name, Rule: "epcis_query_parameter", Param: name})
		}
	}
	for _, t := range list("eventType") {
		w, ok := epcis.EventTypes[t]
		if !ok && slices.Contains([]string{"object", "aggregation", "transformation", "transaction", "association"}, t) {
			w, ok = t, true
		}
		if !ok {
			errs = append(errs, FieldError{Field: "eventType", Rule: "epcis_event_type", Param: epcis.EventTypeList})
			continue
		}
		q.EventTypes = append(q.EventTypes, w)
	}
	for _, a := range list("EQ_action") {
		if a != "ADD" && a != "OBSERVE" && a != "DELETE" {
			errs = append(errs, FieldError{Field: "EQ_action", Rule: "epcis_action", Param: a})
		}
		q.Actions = append(q.Actions, a)
	}
	for _, b := range list("EQ_bizStep") {
		q.BizSteps = append(q.BizSteps, epcis.VocabWord("bizstep", b))
	}
	for _, d := range list("EQ_disposition") {
		q.Dispositions = append(q.Dispositions, epcis.VocabWord("disposition", d))
	}
	q.ReadPoints, q.BizLocations, q.EventIDs = list("EQ_readPoint"), list("EQ_bizLocation"), list("EQ_eventID")
	for _, name := range []string{"MATCH_epc", "MATCH_anyEPC", "MATCH_epcClass", "MATCH_anyEPCClass", "MATCH_parentID", "MATCH_inputEPC", "MATCH_outputEPC"} {
		q.EPCs = append(q.EPCs, list(name)...)
	}
	q.GEEventTime, q.LTEventTime = when("GE_eventTime"), when("LT_eventTime")
	q.GERecordTime, q.LTRecordTime = when("GE_recordTime"), when("LT_recordTime")
	if v := params.Get("perPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > EPCISMaxPerPage {
			errs = append(errs, FieldError{Field: "perPage", Rule: "between", Param: "1-" + strconv.Itoa(EPCISMaxPerPage)})
		} else {
			q.PerPage = n
		}
	}
	if v := params.Get("nextPageToken"); v != "" {
		after, ok := epcisParseToken(v)
		if !ok {
			errs = append(errs, FieldError{Field: "nextPageToken", Rule: "cursor"})
		}
		q.After = after
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
		return q, Invalid(errs...)
	}
	return q, nil
}

// The page token is opaque to clients: the last row's id, versioned.
func epcisToken(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("e1:" + strconv.FormatInt(id, 10)))
}

func epcisParseToken(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "e1:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id >= 0
}

// EPCISQueryDocument is the answer to a query (EPCIS 2.0 §12, JSON binding).
type EPCISQueryDocument struct {
	Context       []any          `json:"@context"`
	Type          string         `json:"type"`
	SchemaVersion string         `json:"schemaVersion"`
	CreationDate  string         `json:"creationDate"`
	EPCISBody     EPCISQueryBody `json:"epcisBody"`
}

// EPCISQueryBody holds the results of one query.
type EPCISQueryBody struct {
	QueryResults EPCISQueryResults `json:"queryResults"`
}

// EPCISQueryResults names the query and lists the events found.
type EPCISQueryResults struct {
	QueryName   string             `json:"queryName"`
	ResultsBody EPCISQueryEventSet `json:"resultsBody"`
}

// EPCISQueryEventSet is the events of one page, each as captured.
type EPCISQueryEventSet struct {
	EventList []json.RawMessage `json:"eventList"`
}

// epcisRow is a trace event as a query reads it.
type epcisRow struct {
	ID            int64     `gorm:"column:id"`
	EventID       string    `gorm:"column:event_id"`
	Type          string    `gorm:"column:type"`
	Action        *string   `gorm:"column:action"`
	EventTime     time.Time `gorm:"column:event_time"`
	EventTimeZone string    `gorm:"column:event_time_zone"`
	BizStep       *string   `gorm:"column:biz_step"`
	Disposition   *string   `gorm:"column:disposition"`
	ReadPoint     *string   `gorm:"column:read_point"`
	BizLocation   *string   `gorm:"column:biz_location"`
	EPCs          JSONText  `gorm:"column:epcs"`      // a JSON array, for events without their JSON-LD
	Documents     JSONText  `gorm:"column:documents"` // likewise
	Original      JSONText  `gorm:"column:original"`
	CaptureID     *string   `gorm:"column:capture_id"`
}

// QueryEPCIS runs a SimpleEventQuery, oldest capture first, and returns one page and the token
// of the next ("" on the last page). Events captured as EPCIS come back as sent; events recorded
// through the portal's own API are written out as EPCIS from their columns.
func (s *Store) QueryEPCIS(ctx context.Context, q EPCISQuery) (*EPCISQueryDocument, string, error) {
	db := s.db.WithContext(ctx)
	query := db.Table("trace_events").Select(`id, event_id, type, action, event_time, event_time_zone, biz_step,
		disposition, read_point, biz_location, CASE WHEN original IS NULL THEN to_jsonb(epcs)::text END AS epcs,
		CASE WHEN original IS NULL THEN documents::text END AS documents,
		original::text AS original, capture_id`)
	for _, f := range []struct {
		column string
		values []string
	}{{"type", q.EventTypes}, {"action", q.Actions}, {"biz_step", q.BizSteps}, {"disposition", q.Dispositions},
		{"read_point", q.ReadPoints}, {"biz_location", q.BizLocations}, {"event_id", q.EventIDs}} {
		if len(f.values) > 0 {
			query = query.Where(f.column+" IN ?", f.values)
		}
	}
	if len(q.EPCs) > 0 {
		conds := []string{"epcs && ?::text[]"}
		args := []any{epcisTextArray(q.EPCs)}
		for _, p := range q.EPCs {
			for _, like := range epcisPatternLikes(p) {
				conds = append(conds, "EXISTS (SELECT 1 FROM unnest(epcs) AS e WHERE e LIKE ?)")
				args = append(args, like)
			}
		}
		query = query.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	for _, f := range []struct {
		cond string
		t    *time.Time
	}{{"event_time >= ?", q.GEEventTime}, {"event_time < ?", q.LTEventTime},
		{"record_time >= ?", q.GERecordTime}, {"record_time < ?", q.LTRecordTime}} {
		if f.t != nil {
			query = query.Where(f.cond, *f.t)
		}
	}
	var rows []epcisRow
	if err := query.Where("id > ?", q.After).Order("id").Limit(q.PerPage + 1).Scan(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > q.PerPage {
		rows = rows[:q.PerPage]
		next = epcisToken(rows[len(rows)-1].ID)
	}
	contexts, err := s.epcisContexts(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	doc := &EPCISQueryDocument{Type: "EPCISQueryDocument", SchemaVersion: "2.0",
		CreationDate: s.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	doc.EPCISBody.QueryResults.QueryName = "SimpleEventQuery"
	doc.Context, doc.EPCISBody.QueryResults.ResultsBody.EventList, err = epcisResults(rows, contexts)
	return doc, next, err
}

// epcisPatternLikes turns an EPC pattern (urn:epc:idpat:sgtin:0614141.107346.*) into LIKE
// patterns for the EPCs and the lot classes it covers; other values give none.
func epcisPatternLikes(p string) []string {
	rest, ok := strings.CutPrefix(p, "urn:epc:idpat:")
	if !ok || !strings.HasSuffix(rest, "*") {
		return nil
	}
	scheme, body, _ := strings.Cut(rest, ":")
	body = strings.TrimSuffix(body, "*")
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	likes := []string{"urn:epc:id:" + esc.Replace(scheme+":"+body) + "%"}
	if scheme == "sgtin" {
		likes = append(likes, "urn:epc:class:lgtin:"+esc.Replace(body)+"%")
	}
	return likes
}

// epcisContexts loads the @context of each capture the rows came from.
func (s *Store) epcisContexts(ctx context.Context, rows []epcisRow) (map[string]JSONText, error) {
	ids := map[string]bool{}
	for _, r := range rows {
		if r.CaptureID != nil {
			ids[*r.CaptureID] = true
		}
	}
	out := map[string]JSONText{}
	if len(ids) == 0 {
		return out, nil
	}
	var caps []struct {
		ID      string
		Context JSONText
	}
	err := s.db.WithContext(ctx).Raw(`SELECT id, context::text AS context FROM epcis_captures WHERE id IN ?`,
		slices.Collect(mapKeys(ids))).Scan(&caps).Error
	for _, c := range caps {
		out[c.ID] = c.Context
	}
	return out, err
}

// epcisResults writes the events of a page and the @context of the query document: the EPCIS
// context, the other contexts the captures named, and one object with every term they declared.
// An event whose capture declared a term differently from an earlier one carries its own
// @context, so that each event keeps the meaning it was captured with.
func epcisResults(rows []epcisRow, contexts map[string]JSONText) ([]any, []json.RawMessage, error) {
	docContext := []any{EPCISContextURL}
	terms := map[string]json.RawMessage{}
	var termOrder []string
	own := map[string]json.RawMessage{} // capture id → its terms, for captures that disagree with earlier ones
	seenCapture := map[string]bool{}
	for _, r := range rows {
		if r.CaptureID == nil || seenCapture[*r.CaptureID] {
			continue
		}
		seenCapture[*r.CaptureID] = true
		var items []json.RawMessage
		raw := contexts[*r.CaptureID]
		if len(raw) > 0 && raw[0] == '[' {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, nil, err
			}
		} else if len(raw) > 0 {
			items = []json.RawMessage{json.RawMessage(raw)}
		}
		captureTerms := map[string]json.RawMessage{}
		var captureOrder []string
		for _, item := range items {
			var url string
			if json.Unmarshal(item, &url) == nil {
				if !strings.Contains(url, "epcis-context") && !slices.Contains(docContext, any(url)) {
					docContext = append(docContext, url)
				}
				continue
			}
			var obj map[string]json.RawMessage
			if json.Unmarshal(item, &obj) != nil {
				continue
			}
			for _, k := range epcisSortedRawKeys(obj) {
				if _, dup := captureTerms[k]; !dup {
					captureOrder = append(captureOrder, k)
				}
				captureTerms[k] = obj[k]
			}
		}
		conflict := false
		for _, k := range captureOrder {
			if prev, ok := terms[k]; ok && !epcisSameJSON(prev, captureTerms[k]) {
				conflict = true
			}
		}
		if conflict {
			b, err := epcisOrderedObject(captureOrder, captureTerms)
			if err != nil {
				return nil, nil, err
			}
			own[*r.CaptureID] = b
			continue
		}
		for _, k := range captureOrder {
			if _, ok := terms[k]; !ok {
				termOrder = append(termOrder, k)
				terms[k] = captureTerms[k]
			}
		}
	}
	if len(termOrder) > 0 {
		b, err := epcisOrderedObject(termOrder, terms)
		if err != nil {
			return nil, nil, err
		}
		docContext = append(docContext, json.RawMessage(b))
	}
	events := make([]json.RawMessage, 0, len(rows))
	for _, r := range rows {
		ev := json.RawMessage(r.Original)
		if r.Original == nil {
			var err error
			if ev, err = epcisFromColumns(r); err != nil {
				return nil, nil, err
			}
		}
		if r.CaptureID != nil && own[*r.CaptureID] != nil {
			ev = epcisWithContext(ev, own[*r.CaptureID])
		}
		events = append(events, ev)
	}
	return docContext, events, nil
}

// epcisWithContext adds "@context" to an event object, unless it has its own.
func epcisWithContext(ev, ctx json.RawMessage) json.RawMessage {
	var probe map[string]json.RawMessage
	if json.Unmarshal(ev, &probe) != nil {
		return ev
	}
	if _, has := probe["@context"]; has {
		return ev
	}
	out := []byte(`{"@context":`)
	out = append(out, ctx...)
	if len(probe) > 0 {
		rest := strings.TrimSpace(string(ev))
		out = append(out, ',')
		out = append(out, rest[1:]...)
	} else {
		out = append(out, '}')
	}
	return out
}

func epcisOrderedObject(order []string, values map[string]json.RawMessage) (json.RawMessage, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(values[k])
	}
	b.WriteByte('}')
	return json.RawMessage(b.String()), nil
}

func epcisSortedRawKeys(m map[string]json.RawMessage) []string {
	return slices.Sorted(maps.Keys(m))
}

func epcisSameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

// epcisTypeNames maps trace_events.type back to the EPCIS event types.
var epcisTypeNames = map[string]string{
	"object": "ObjectEvent", "aggregation": "AggregationEvent", "transformation": "TransformationEvent",
	"transaction": "TransactionEvent", "association": "AssociationEvent",
}

// epcisFromColumns writes a trace event recorded through the portal's API as EPCIS JSON-LD.
// Its EPCs go where the event type keeps them; its documents become business transactions (a
// number that is not a URI becomes urn:hzcbec:doc:{type}:{number}). Its quantity stays out: the
// columns do not say which class it counts.
func epcisFromColumns(r epcisRow) (json.RawMessage, error) {
	type location struct {
		ID string `json:"id"`
	}
	type bizTransaction struct {
		Type           string `json:"type,omitempty"`
		BizTransaction string `json:"bizTransaction"`
	}
	ev := struct {
		Type                string           `json:"type"`
		EventID             string           `json:"eventID"`
		EventTime           string           `json:"eventTime"`
		EventTimeZoneOffset string           `json:"eventTimeZoneOffset"`
		Action              *string          `json:"action,omitempty"`
		EPCList             *[]string        `json:"epcList,omitempty"`
		ChildEPCs           []string         `json:"childEPCs,omitempty"`
		OutputEPCList       []string         `json:"outputEPCList,omitempty"`
		BizStep             *string          `json:"bizStep,omitempty"`
		Disposition         *string          `json:"disposition,omitempty"`
		ReadPoint           *location        `json:"readPoint,omitempty"`
		BizLocation         *location        `json:"bizLocation,omitempty"`
		BizTransactionList  []bizTransaction `json:"bizTransactionList,omitempty"`
	}{Type: epcisTypeNames[r.Type], EventID: r.EventID, EventTimeZoneOffset: r.EventTimeZone, Action: r.Action,
		BizStep: r.BizStep, Disposition: r.Disposition}
	offset := time.UTC
	if t, err := time.Parse("-07:00", r.EventTimeZone); err == nil {
		offset = t.Location()
	}
	ev.EventTime = r.EventTime.In(offset).Format(time.RFC3339Nano)
	epcs := []string{}
	if len(r.EPCs) > 0 {
		if err := json.Unmarshal(r.EPCs, &epcs); err != nil {
			return nil, err
		}
	}
	switch r.Type {
	case "aggregation", "association":
		ev.ChildEPCs = epcs
	case "transformation":
		ev.OutputEPCList = epcs
	default:
		ev.EPCList = &epcs
	}
	if r.ReadPoint != nil {
		ev.ReadPoint = &location{*r.ReadPoint}
	}
	if r.BizLocation != nil {
		ev.BizLocation = &location{*r.BizLocation}
	}
	if len(r.Documents) > 0 {
		var docs []epcis.BizTransaction
		if err := json.Unmarshal(r.Documents, &docs); err != nil {
			return nil, err
		}
		for _, d := range docs {
			bt := bizTransaction{BizTransaction: d.Number}
			if slices.Contains(codes.CBVBizTransactionTypes, d.Type) {
				bt.Type = d.Type
			}
			if !epcis.IsURI(d.Number) {
				bt.BizTransaction = "urn:hzcbec:doc:" + url.PathEscape(d.Type) + ":" + url.PathEscape(d.Number)
			}
			ev.BizTransactionList = append(ev.BizTransactionList, bt)
		}
	}
	return json.Marshal(ev)
}
