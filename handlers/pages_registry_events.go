package handlers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/codes"
)

// traceDocumentRows is how many document rows the trace event form offers (a declaration and a
// waybill, the documents a cross-border event most often cites).
const traceDocumentRows = 2

// TraceEventsPage lists trace events in the order they happened; ?product_id= narrows to a product's.
func (h *Handlers) TraceEventsPage(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	productID := c.Query("product_id")
	items, next, err := h.Store.ListTraceEvents(ctx, models.TraceEventFilter{ProductID: productID}, p)
	if err != nil {
		return err
	}
	var parties, products []string
	for _, ev := range items {
		for _, id := range []*string{ev.PartyID, ev.FromPartyID, ev.ToPartyID} {
			if id != nil {
				parties = append(parties, *id)
			}
		}
		if ev.ProductID != nil {
			products = append(products, *ev.ProductID)
		}
	}
	partyNames, err := h.Store.PartyNames(ctx, parties)
	if err != nil {
		return err
	}
	productNames, err := h.Store.ProductNames(ctx, products)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "registry_trace_events", "registry.trace_events", fiber.Map{"Items": items, "NextCursor": next,
		"ProductID": productID, "Parties": partyNames, "Products": productNames})
}

// traceEventForm is the trace event form as typed; EventTime is a datetime-local value, EPCs
// one per line.
type traceEventForm struct {
	Type, Action, EventTime, EventTimeZone, BizStep, Disposition, ReadPoint, BizLocation string
	ProductID, BatchID, EPCs, Quantity, UOM, PartyID, FromPartyID, ToPartyID             string
	Documents                                                                            []models.TraceDocument
}

func (h *Handlers) renderTraceEventForm(c *fiber.Ctx, status int, form traceEventForm, errs map[string]string, msg string) error {
	ctx, cancel := ctx(c)
	defer cancel()
	products, _, err := h.Store.ListProducts(ctx, models.ProductFilter{}, models.Page{Limit: models.MaxPageLimit})
	if err != nil {
		return err
	}
	// The batches offered are the chosen product's: the form opened from a product's page has one.
	var batches []models.Batch
	if form.ProductID != "" {
		if batches, _, err = h.Store.ListBatches(ctx, form.ProductID, models.Page{Limit: models.MaxPageLimit}); err != nil &&
			models.ErrorCode(err) != models.ENOTFOUND {
			return err
		}
	}
	parties, err := h.Store.PartiesOfKind(ctx, models.PartyKinds...)
	if err != nil {
		return err
	}
	return render(c, status, "registry_trace_event_new", "registry.trace_event.new", fiber.Map{"Form": form, "Errors": errs,
		"FormError": msg, "Products": products, "Batches": batches, "Parties": parties, "Types": models.TraceEventTypes,
		"BizSteps": codes.CBVBizSteps, "Dispositions": codes.CBVDispositions, "DocumentTypes": codes.TraceDocumentTypes})
}

// NewTraceEventPage shows the trace event form; ?product_id= picks the product and offers its batches.
func (h *Handlers) NewTraceEventPage(c *fiber.Ctx) error {
	return h.renderTraceEventForm(c, fiber.StatusOK, traceEventForm{Type: "object", Action: "OBSERVE", EventTime: h.nowForInput(),
		EventTimeZone: "+08:00", ProductID: c.Query("product_id"), Documents: []models.TraceDocument{{Type: "declaration"}, {Type: "waybill"}}},
		map[string]string{}, "")
}

// RecordTraceEvent records a trace event from the form and shows the product's events.
func (h *Handlers) RecordTraceEvent(c *fiber.Ctx) error {
	v := func(f string) string { return c.FormValue(f) }
	form := traceEventForm{Type: v("type"), Action: v("action"), EventTime: v("event_time"), EventTimeZone: v("event_time_zone"),
		BizStep: v("biz_step"), Disposition: v("disposition"), ReadPoint: v("read_point"), BizLocation: v("biz_location"),
		ProductID: v("product_id"), BatchID: v("batch_id"), EPCs: v("epcs"), Quantity: v("quantity"), UOM: v("uom"),
		PartyID: v("party_id"), FromPartyID: v("from_party_id"), ToPartyID: v("to_party_id")}
	in := models.NewTraceEvent{Type: form.Type, Action: form.Action, EventTimeZone: form.EventTimeZone, BizStep: form.BizStep,
		Disposition: form.Disposition, ReadPoint: form.ReadPoint, BizLocation: form.BizLocation, ProductID: optionalField(form.ProductID),
		BatchID: optionalField(form.BatchID), UOM: form.UOM, PartyID: optionalField(form.PartyID),
		FromPartyID: optionalField(form.FromPartyID), ToPartyID: optionalField(form.ToPartyID), EPCs: idList(form.EPCs)}
	if q := strings.TrimSpace(form.Quantity); q != "" {
		quantity := models.Quantity(q)
		in.Quantity = &quantity
	}
	var kept []int
	for i := 0; i < traceDocumentRows; i++ {
		d := models.TraceDocument{Type: v("documents.type." + strconv.Itoa(i)), Number: v("documents.number." + strconv.Itoa(i))}
		form.Documents = append(form.Documents, d)
		if strings.TrimSpace(d.Number) != "" {
			kept = append(kept, i)
			in.Documents = append(in.Documents, d)
		}
	}
	refused := func(err error) error {
		return h.formRefused(c, err, func(fields map[string]string, msg string) error {
			fields = renumber(fields, "documents", kept)
			for k, m := range fields {
				if strings.HasPrefix(k, "epcs[") {
					fields["epcs"] = m
				}
			}
			return h.renderTraceEventForm(c, fiber.StatusUnprocessableEntity, form, fields, msg)
		})
	}
	at, ok := formDateTime(form.EventTime)
	if !ok {
		return refused(unreadable(in.Validate(h.Store.Now()), models.FieldError{Field: "event_time", Rule: "date"}))
	}
	in.EventTime = at
	ctx, cancel := ctx(c)
	defer cancel()
	ev, err := h.Store.CreateTraceEvent(ctx, actor(c), in)
	if err != nil {
		return refused(err)
	}
	back := "/registry/trace-events"
	if ev.ProductID != nil {
		back += "?product_id=" + url.QueryEscape(*ev.ProductID)
	}
	return c.Redirect(back+"#event-"+strconv.FormatInt(ev.ID, 10), fiber.StatusSeeOther)
}
