package models

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"
	"github.com/hzcbec/portal/models/codes"
	"gorm.io/gorm"
)

// TraceEvent is something that happened to goods, shaped like a GS1 EPCIS 2.0 event: what
// (product, batch, EPCs, quantity), when (time and zone), why (business step, disposition),
// who (parties) and on which documents. Events come from this API (source "api") or from
// captured EPCIS documents (source "epcis").
type TraceEvent struct {
	ID            int64          `json:"id,string"`
	EventID       string         `json:"event_id"`
	Type          string         `json:"type"`
	Action        *string        `json:"action"`
	EventTime     time.Time      `json:"event_time"`
	EventTimeZone string         `json:"event_time_zone"`
	RecordTime    time.Time      `json:"record_time"`
	BizStep       *string        `json:"biz_step"`
	Disposition   *string        `json:"disposition"`
	ReadPoint     *string        `json:"read_point"`
	BizLocation   *string        `json:"biz_location"`
	ProductID     *string        `json:"product_id"`
	BatchID       *string        `json:"batch_id"`
	EPCs          EPCList        `json:"epcs" gorm:"column:epcs;type:text[]"`
	Quantity      *Quantity      `json:"quantity"`
	UOM           *string        `json:"uom" gorm:"column:uom"`
	FromPartyID   *string        `json:"from_party_id"`
	ToPartyID     *string        `json:"to_party_id"`
	PartyID       *string        `json:"party_id"`
	Documents     TraceDocuments `json:"documents" gorm:"type:jsonb"`
	Source        string         `json:"source"`
	CapturedBy    *string        `json:"captured_by"`
}

// TraceDocument is a business transaction an event cites: a declaration, waybill, invoice, test result.
type TraceDocument struct {
	Type   string `json:"type" validate:"required,trace_document_type"`
	Number string `json:"number" validate:"required,max=100"`
}

// TraceDocuments are an event's documents, a jsonb array.
type TraceDocuments []TraceDocument

// Value writes the JSON array.
func (d TraceDocuments) Value() (driver.Value, error) {
	if d == nil {
		return "[]", nil
	}
	b, err := json.Marshal(d)
	return string(b), err
}

// Scan reads the JSON array.
func (d *TraceDocuments) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*d = TraceDocuments{}
		return nil
	default:
		return fmt.Errorf("trace documents: cannot scan %T", src)
	}
	*d = TraceDocuments{}
	return json.Unmarshal(b, d)
}

// EPCList is a trace event's EPCs, a Postgres text[]. Events captured from EPCIS documents may
// hold any URI, so elements are quoted on the way in and unquoted on the way out.
type EPCList []string

// Value writes the array literal, every element quoted.
func (l EPCList) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// Scan reads a one-dimensional text[] literal: {a,"b c","d\"e"}.
func (l *EPCList) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case nil:
		*l = EPCList{}
		return nil
	default:
		return fmt.Errorf("epc list: cannot scan %T", src)
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return fmt.Errorf("epc list: not an array literal: %q", s)
	}
	out := EPCList{}
	body := s[1 : len(s)-1]
	for i := 0; i < len(body); {
		var el strings.Builder
		if body[i] == '"' {
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				el.WriteByte(body[i])
			}
			i++ // the closing quote
		} else {
			for ; i < len(body) && body[i] != ','; i++ {
				el.WriteByte(body[i])
			}
		}
		out = append(out, el.String())
		i++ // the comma
	}
	*l = out
	return nil
}

// TraceEventTypes are the EPCIS 2.0 event types.
var TraceEventTypes = []string{"object", "aggregation", "transformation", "transaction", "association"}

// NewTraceEvent is an event an inspector records through the API. Words of the CBV may be
// given as bare words or as their URIs; the bare word is kept.
type NewTraceEvent struct {
	Type          string          `json:"type" validate:"required,oneof=object aggregation transformation transaction association"`
	Action        string          `json:"action" validate:"omitempty,oneof=ADD OBSERVE DELETE"`
	EventTime     time.Time       `json:"event_time" validate:"required"`
	EventTimeZone string          `json:"event_time_zone" validate:"omitempty,time_zone"`
	BizStep       string          `json:"biz_step" validate:"required,cbv_bizstep"`
	Disposition   string          `json:"disposition" validate:"omitempty,cbv_disposition"`
	ReadPoint     string          `json:"read_point" validate:"omitempty,max=500,epc"`
	BizLocation   string          `json:"biz_location" validate:"omitempty,max=500,epc"`
	ProductID     *string         `json:"product_id" validate:"omitempty,max=64"`
	BatchID       *string         `json:"batch_id" validate:"omitempty,max=64"`
	EPCs          []string        `json:"epcs" validate:"max=1000,dive,max=500,epc"`
	Quantity      *Quantity       `json:"quantity" validate:"omitempty,quantity"`
	UOM           string          `json:"uom" validate:"max=10"`
	FromPartyID   *string         `json:"from_party_id" validate:"omitempty,max=64"`
	ToPartyID     *string         `json:"to_party_id" validate:"omitempty,max=64"`
	PartyID       *string         `json:"party_id" validate:"omitempty,max=64"`
	Documents     []TraceDocument `json:"documents" validate:"max=50,dive"`
}

// Validate checks the fields. Every type but transformation has an action (a transformation
// event has none); an event says what it is about (a product, a batch or EPCs); it has
// happened, so it is not in the future; the zone defaults to the offset event_time was given in.
func (in *NewTraceEvent) Validate(now time.Time) error {
	trimAll(&in.Type, &in.Action, &in.EventTimeZone, &in.BizStep, &in.Disposition, &in.ReadPoint, &in.BizLocation, &in.UOM)
	in.Action = strings.ToUpper(in.Action)
	for _, p := range []**string{&in.ProductID, &in.BatchID, &in.FromPartyID, &in.ToPartyID, &in.PartyID} {
		optionalID(p)
	}
	for i := range in.EPCs {
		in.EPCs[i] = strings.TrimSpace(in.EPCs[i])
	}
	err := Validate(in)
	var fields []FieldError
	switch {
	case in.Type == "transformation" && in.Action != "":
		fields = append(fields, FieldError{Field: "action", Rule: "excluded_if", Param: "type=transformation"})
	case in.Type != "transformation" && in.Action == "":
		fields = append(fields, FieldError{Field: "action", Rule: "required"})
	}
	if in.ProductID == nil && in.BatchID == nil && len(in.EPCs) == 0 {
		fields = append(fields, FieldError{Field: "product_id", Rule: "event_subject"})
	}
	if !in.EventTime.IsZero() && in.EventTime.After(now.Add(clockSkew)) {
		fields = append(fields, FieldError{Field: "event_time", Rule: "not_future"})
	}
	if err := withFields(err, fields...); err != nil {
		return err
	}
	in.BizStep, _ = codes.NormalizeBizStep(in.BizStep)
	if in.Disposition != "" {
		in.Disposition, _ = codes.NormalizeDisposition(in.Disposition)
	}
	for i := range in.Documents {
		in.Documents[i].Type, _ = codes.NormalizeTraceDocumentType(in.Documents[i].Type)
		in.Documents[i].Number = strings.TrimSpace(in.Documents[i].Number)
	}
	if in.EventTimeZone == "" {
		in.EventTimeZone = in.EventTime.Format("-07:00")
	}
	return nil
}

// CreateTraceEvent records an event with a new urn:uuid event id and its audit record. The
// product, batch and parties must exist; a batch of another product than the one named is a
// field error, and a batch alone names its product.
func (s *Store) CreateTraceEvent(ctx context.Context, actor Actor, in NewTraceEvent) (*TraceEvent, error) {
	if err := in.Validate(s.Now()); err != nil {
		return nil, err
	}
	ev := &TraceEvent{EventID: "urn:uuid:" + uuid.NewString(), Type: in.Type, Action: stringOrNil(in.Action),
		EventTime: in.EventTime.UTC().Truncate(time.Microsecond), EventTimeZone: in.EventTimeZone,
		BizStep: stringOrNil(in.BizStep), Disposition: stringOrNil(in.Disposition), ReadPoint: stringOrNil(in.ReadPoint),
		BizLocation: stringOrNil(in.BizLocation), ProductID: in.ProductID, BatchID: in.BatchID, EPCs: EPCList(in.EPCs),
		Quantity: in.Quantity, UOM: stringOrNil(in.UOM), FromPartyID: in.FromPartyID, ToPartyID: in.ToPartyID,
		PartyID: in.PartyID, Documents: TraceDocuments(in.Documents), Source: "api", CapturedBy: actorUser(actor),
		RecordTime: s.stamp()}
	if ev.EPCs == nil {
		ev.EPCs = EPCList{}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fields, err := checkPartyRefs(tx,
			partyRef{"from_party_id", ev.FromPartyID, nil},
			partyRef{"to_party_id", ev.ToPartyID, nil},
			partyRef{"party_id", ev.PartyID, nil})
		if err != nil {
			return err
		}
		if ev.ProductID != nil {
			ok, err := rowExists(tx, "products", *ev.ProductID)
			if err != nil {
				return err
			}
			if !ok {
				fields = append(fields, FieldError{Field: "product_id", Rule: "exists"})
			}
		}
		if ev.BatchID != nil {
			var b Batch
			res := tx.Select("id", "product_id").Where("id = ?", *ev.BatchID).Limit(1).Find(&b)
			switch {
			case res.Error != nil:
				return res.Error
			case res.RowsAffected == 0:
				fields = append(fields, FieldError{Field: "batch_id", Rule: "exists"})
			case ev.ProductID == nil:
				ev.ProductID = &b.ProductID
			case *ev.ProductID != b.ProductID:
				fields = append(fields, FieldError{Field: "batch_id", Rule: "batch_of_product"})
			}
		}
		if len(fields) > 0 {
			return Invalid(fields...)
		}
		if err := tx.Create(ev).Error; err != nil {
			return err
		}
		return audit(tx, actor, "trace_event.create", "trace_event", strconv.FormatInt(ev.ID, 10), nil, map[string]any{
			"event_id": ev.EventID, "type": ev.Type, "biz_step": ev.BizStep, "product_id": ev.ProductID, "batch_id": ev.BatchID})
	})
	if err != nil {
		return nil, err
	}
	return s.traceEventByID(ctx, ev.ID)
}

// stringOrNil is nil for "", a NULL column.
func stringOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Store) traceEventByID(ctx context.Context, id int64) (*TraceEvent, error) {
	var ev TraceEvent
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&ev)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &ev, nil
}

// TraceEventFilter narrows the list of trace events to a product's or a batch's.
type TraceEventFilter struct {
	ProductID string
	BatchID   string
}

// ListTraceEvents pages through trace events in the order they happened (event time, then the
// order they were recorded). The cursor is the last event's time and id.
func (s *Store) ListTraceEvents(ctx context.Context, f TraceEventFilter, page Page) ([]TraceEvent, *string, error) {
	q := s.db.WithContext(ctx).Model(&TraceEvent{}).Order("event_time, id").Limit(page.Limit + 1)
	if f.ProductID != "" {
		q = q.Where("product_id = ?", f.ProductID)
	}
	if f.BatchID != "" {
		q = q.Where("batch_id = ?", f.BatchID)
	}
	if page.Cursor != "" {
		at, id, ok := parseTraceCursor(page.Cursor)
		if !ok {
			return nil, nil, Invalid(FieldError{Field: "cursor", Rule: "cursor"})
		}
		q = q.Where("(event_time, id) > (?, ?)", at, id)
	}
	var out []TraceEvent
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(ev TraceEvent) string {
		return ev.EventTime.UTC().Format(time.RFC3339Nano) + "_" + strconv.FormatInt(ev.ID, 10)
	})
}

func parseTraceCursor(c string) (time.Time, int64, bool) {
	at, idText, ok := strings.Cut(c, "_")
	if !ok {
		return time.Time{}, 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return time.Time{}, 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	return t, id, err == nil
}

// epcPattern: an EPC, class id or location as a URI (urn:epc:id:sgtin:..., https://id.gs1.org/...),
// without the spaces, commas, quotes and braces a text[] element cannot hold unquoted.
var epcPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[^\s,{}"\\]+$`)

// timeZonePattern: a UTC offset as EPCIS writes it, "+08:00".
var timeZonePattern = regexp.MustCompile(`^[+-](0[0-9]|1[0-4]):[0-5][0-9]$`)

// init adds the validator rules "epc" and "time_zone".
func init() {
	_ = validate.RegisterValidation("epc", func(fl validator.FieldLevel) bool { return epcPattern.MatchString(fl.Field().String()) })
	_ = validate.RegisterValidation("time_zone", func(fl validator.FieldLevel) bool {
		return timeZonePattern.MatchString(fl.Field().String())
	})
}
