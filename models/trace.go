package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The stages of a trace (源头追溯), in the order it walks them: from the listing where the goods
// were found online back to the factory that made them.
const (
	StageListing      = "listing"
	StageMerchant     = "merchant"
	StagePlatform     = "platform"
	StageDeclaration  = "declaration"
	StageShipment     = "shipment"
	StageWarehouse    = "warehouse"
	StageImporter     = "importer"
	StageExporter     = "exporter"
	StageManufacturer = "manufacturer"
)

// listingStages are the stages of a listing's trace; a product's trace starts at its declaration.
var listingStages = []string{StageListing, StageMerchant, StagePlatform, StageDeclaration, StageShipment,
	StageWarehouse, StageImporter, StageExporter, StageManufacturer}

// MaxTraceEvents bounds the events one trace reads, oldest first: a product sold for years may
// have many more, and a chain of a thousand events is already more than anyone reads.
const MaxTraceEvents = 1000

// maxTraceShipments bounds the shipments of one declaration a trace shows.
const maxTraceShipments = 50

// TraceChain is the way goods took from a listing (or a product) back to their origin: one
// stage per link, each with its party, the events that show it and the documents that tie it
// to its neighbours. Gaps name, in order, the links nobody has recorded.
type TraceChain struct {
	Subject TraceSubject `json:"subject"`
	Chain   []TraceStage `json:"chain"`
	Origin  *Party       `json:"origin"`
	// Gaps are catalog keys ("trace.gap.declaration") until the edge puts them in the caller's language.
	Gaps []string `json:"gaps"`
	// Parties are the parties the chain and its events name, by id, for pages.
	Parties map[string]Party `json:"-"`
}

// TraceSubject is what was traced: a listing (with the product it sells, when known) or a
// product (with up to 20 listings that sell it, each a trace of its own).
type TraceSubject struct {
	Type     string    `json:"type"` // "listing" or "product"
	ID       string    `json:"id"`
	Listing  *Listing  `json:"listing,omitempty"`
	Product  *Product  `json:"product"`
	Listings []Listing `json:"listings,omitempty"`
}

// TraceStage is one link of the chain. Party is the firm at this link (the carrier for the
// shipment, none for the listing and the declaration, which are records); Missing is set when
// the link is not known, and Gap then says so (a catalog key until the edge translates it).
type TraceStage struct {
	Stage       string          `json:"stage"`
	Party       *Party          `json:"party"`
	Declaration *Declaration    `json:"declaration,omitempty"`
	Shipments   []Shipment      `json:"shipments,omitempty"`
	Events      []TraceEvent    `json:"events"`
	Documents   []TraceDocument `json:"documents"`
	Missing     bool            `json:"missing"`
	Gap         string          `json:"gap,omitempty"`
}

// GapProduct is the gap of a listing that no registered product is known for. A missing
// stage's gap is "trace.gap." and the stage's name; both are catalog keys.
const GapProduct = "trace.gap.product"

// TraceListing traces a listing back to its origin: its merchant and platform; the latest
// declaration whose lines carry the listing's product or one of the GTINs seen, preferring the
// ones its merchant filed (ebc) on its platform (ebp); the declaration's shipments and the bonded
// warehouse they went to; its importer; the exporter and the manufacturer, from the product and
// the trace events of the product and of the consignment's documents. ENOTFOUND when there is no
// such listing. Three round trips to the database whatever the chain's length (see load).
func (s *Store) TraceListing(ctx context.Context, id string) (*TraceChain, error) {
	t := &tracer{ctx: ctx, pool: s.pool}
	if err := t.load(id, ""); err != nil {
		return nil, err
	}
	if t.listing == nil {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return t.assemble(TraceSubject{Type: "listing", ID: t.listing.ID, Listing: t.listing, Product: t.product}), nil
}

// TraceProduct traces a product back to its origin. It starts at the product's latest
// declaration (no listing, merchant or platform stages: a product is sold by many merchants;
// the subject lists up to 20 of its listings, whose traces have those stages). ENOTFOUND when
// there is no such product.
func (s *Store) TraceProduct(ctx context.Context, id string) (*TraceChain, error) {
	t := &tracer{ctx: ctx, pool: s.pool}
	if err := t.load("", id); err != nil {
		return nil, err
	}
	if t.product == nil {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return t.assemble(TraceSubject{Type: "product", ID: t.product.ID, Product: t.product, Listings: t.listings}), nil
}

// tracer holds what one trace has read, before it assembles the chain.
type tracer struct {
	ctx       context.Context
	pool      *pgxpool.Pool
	listing   *Listing
	product   *Product
	listings  []Listing // a product's
	decl      *Declaration
	shipments []Shipment
	events    []TraceEvent
	parties   map[string]*Party
	// consignment are the documents of the declaration and its shipments: its number, its
	// waybill and the shipments' waybills. Events citing them belong to this consignment.
	consignment []TraceDocument
}

// traceHeadSQL finds, in one statement, the listing ($1) or the product ($2) traced, the
// product a listing sells (the one it names, else the registered product of a GTIN seen on the
// page), and the latest declaration with a line of that product or of one of its GTINs (as the
// line's barcode), preferring those the listing's merchant filed (ebc) on its platform (ebp).
// When only a GTIN is known, the declaration line that names a product makes it known. Each
// step is an index lookup: the primary keys, products_gtin_key, declaration_lines_product_idx
// and declaration_lines_barcode_idx. Rows come back as JSON (the price as a decimal string).
const traceHeadSQL = `
WITH l AS (
    SELECT * FROM listings WHERE id = $1
), p0 AS (
    SELECT pr.* FROM products pr WHERE pr.id = COALESCE($2::text, (SELECT product_id FROM l))
    UNION ALL
    (SELECT pr.* FROM products pr, l
      WHERE l.product_id IS NULL AND pr.gtin = ANY (l.gtins::bpchar[]) ORDER BY pr.id LIMIT 1)
), k AS (
    SELECT (SELECT id FROM p0 LIMIT 1) AS product_id,
           ARRAY(SELECT unnest(gtins) FROM l UNION SELECT gtin::text FROM p0 WHERE gtin IS NOT NULL) AS gtins,
           (SELECT merchant_id FROM l) AS merchant_id, (SELECT platform_id FROM l) AS platform_id
), d AS (
    SELECT d.*, (SELECT dl.product_id FROM declaration_lines dl
                  WHERE dl.declaration_id = d.id AND dl.product_id IS NOT NULL
                    AND (dl.product_id = k.product_id OR dl.barcode = ANY (k.gtins))
                  ORDER BY dl.line_no LIMIT 1) AS line_product_id
    FROM declarations d, k
    WHERE d.id IN (SELECT declaration_id FROM declaration_lines WHERE product_id = (SELECT product_id FROM k)
                   UNION
                   SELECT declaration_id FROM declaration_lines WHERE barcode = ANY ((SELECT gtins FROM k)::text[]) AND barcode <> '')
    ORDER BY COALESCE(d.ebc_id = k.merchant_id, false)::int + COALESCE(d.ebp_id = k.platform_id, false)::int DESC,
             d.declared_at DESC, d.id DESC
    LIMIT 1
), p AS (
    SELECT * FROM p0
    UNION ALL
    SELECT pr.* FROM products pr, d WHERE NOT EXISTS (SELECT 1 FROM p0) AND pr.id = d.line_product_id
)
SELECT (SELECT to_jsonb(l) || jsonb_build_object('price', l.price::text) FROM l),
       (SELECT to_jsonb(p) FROM p LIMIT 1),
       (SELECT to_jsonb(d) - 'line_product_id' FROM d)`

// Columns of the events and shipments a trace reads (the events' JSON-LD and sensor data stay behind).
const (
	traceEventsSQL = `SELECT id, event_id, type, action, event_time, event_time_zone, record_time, biz_step,
		disposition, read_point, biz_location, product_id, batch_id, epcs, quantity::text, uom, from_party_id, to_party_id,
		party_id, documents, source, captured_by FROM trace_events`
	traceShipmentsSQL = `SELECT id, declaration_id, carrier_id, waybill, status, from_party_id, to_party_id, shipped_at,
		arrived_at, created_at FROM shipments`
)

// load reads everything a trace needs in three round trips: the head (traceHeadSQL); then, in
// one batch, the declaration's shipments, the events of the product and of the consignment's
// documents, and a product's listings; then every party named. Rare chains cost one more:
// shipments under other waybills than the declaration's, or, with no declaration, shipments
// found through the waybills the product's events cite. Rows are scanned by pgx itself: a
// chain has dozens of events, and reflecting on each cost more than the query.
func (t *tracer) load(listingID, productID string) error {
	var listing, product, decl []byte
	err := t.pool.QueryRow(t.ctx, traceHeadSQL, nullIfEmpty(listingID), nullIfEmpty(productID)).Scan(&listing, &product, &decl)
	if err != nil {
		return err
	}
	for _, part := range []struct {
		raw  []byte
		into any
	}{{listing, &t.listing}, {product, &t.product}, {decl, &t.decl}} {
		if part.raw != nil {
			if err := json.Unmarshal(part.raw, part.into); err != nil {
				return err
			}
		}
	}
	if t.listing == nil && t.product == nil {
		return nil
	}
	t.utc()
	if t.decl != nil {
		t.consignment = []TraceDocument{{Type: "declaration", Number: t.decl.Number}, {Type: "waybill", Number: t.decl.LogisticsNo}}
	}

	batch := &pgx.Batch{}
	if t.decl != nil {
		batch.Queue(traceShipmentsSQL+` WHERE declaration_id = $1 OR waybill = $2
			ORDER BY COALESCE(shipped_at, created_at), id LIMIT `+fmt.Sprint(maxTraceShipments), t.decl.ID, t.decl.LogisticsNo).
			Query(func(rows pgx.Rows) error { return t.scanShipments(rows) })
	}
	if err := t.queueEvents(batch, t.productID(), t.consignment); err != nil {
		return err
	}
	if t.listing == nil {
		batch.Queue(`SELECT COALESCE(jsonb_agg(to_jsonb(l) || jsonb_build_object('price', l.price::text)), '[]')
			FROM (SELECT * FROM listings WHERE product_id = $1 ORDER BY discovered_at DESC, id DESC LIMIT 20) l`, t.product.ID).
			QueryRow(func(row pgx.Row) error {
				var raw []byte
				if err := row.Scan(&raw); err != nil {
					return err
				}
				return json.Unmarshal(raw, &t.listings)
			})
	}
	if batch.Len() > 0 {
		if err := t.pool.SendBatch(t.ctx, batch).Close(); err != nil {
			return err
		}
	}

	// Waybills not yet asked about: the shipments' own, or (with no declaration) those the
	// product's events cite, which may name shipments.
	var more []TraceDocument
	if t.decl != nil {
		for _, sh := range t.shipments {
			if d := (TraceDocument{Type: "waybill", Number: sh.Waybill}); !slices.Contains(t.consignment, d) && !slices.Contains(more, d) {
				more = append(more, d)
			}
		}
	} else if waybills := t.citedWaybills(); len(waybills) > 0 {
		if err := t.queryShipments(traceShipmentsSQL+` WHERE waybill = ANY ($1)
			ORDER BY COALESCE(shipped_at, created_at), id LIMIT `+fmt.Sprint(maxTraceShipments), waybills); err != nil {
			return err
		}
		for _, sh := range t.shipments {
			if d := (TraceDocument{Type: "waybill", Number: sh.Waybill}); !slices.Contains(more, d) {
				more = append(more, d)
			}
		}
	}
	if len(more) > 0 {
		t.consignment = append(t.consignment, more...)
		batch := &pgx.Batch{}
		if err := t.queueEvents(batch, "", more); err != nil {
			return err
		}
		if err := t.pool.SendBatch(t.ctx, batch).Close(); err != nil {
			return err
		}
		t.dedupeEvents()
	}
	return t.loadParties()
}

// nullIfEmpty is nil for "", a NULL parameter.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// utc puts the times read as JSON (in the session's zone) in UTC, as the API answers them.
func (t *tracer) utc() {
	if l := t.listing; l != nil {
		l.DiscoveredAt, l.CreatedAt, l.UpdatedAt = l.DiscoveredAt.UTC(), l.CreatedAt.UTC(), l.UpdatedAt.UTC()
		if l.GTINs == nil {
			l.GTINs = TextList{}
		}
	}
	if p := t.product; p != nil {
		p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	}
	if d := t.decl; d != nil {
		d.DeclaredAt, d.CreatedAt = d.DeclaredAt.UTC(), d.CreatedAt.UTC()
	}
}

// productID is the traced product's id, or "" when it is not known.
func (t *tracer) productID() string {
	if t.product == nil {
		return ""
	}
	return t.product.ID
}

// queueEvents asks for the events of a product and those citing documents, oldest first. Each
// condition has its index: the product's (product_id, event_time) and the GIN index on
// documents, combined in one bitmap scan.
func (t *tracer) queueEvents(batch *pgx.Batch, productID string, docs []TraceDocument) error {
	var conds []string
	var args []any
	if productID != "" {
		args = append(args, productID)
		conds = append(conds, fmt.Sprintf("product_id = $%d", len(args)))
	}
	for _, d := range docs {
		b, err := json.Marshal([]TraceDocument{d})
		if err != nil {
			return err
		}
		args = append(args, string(b))
		conds = append(conds, fmt.Sprintf("documents @> $%d::jsonb", len(args)))
	}
	if len(conds) == 0 {
		return nil
	}
	batch.Queue(traceEventsSQL+` WHERE `+strings.Join(conds, " OR ")+` ORDER BY event_time, id LIMIT `+fmt.Sprint(MaxTraceEvents), args...).
		Query(func(rows pgx.Rows) error { return t.scanEvents(rows) })
	return nil
}

func (t *tracer) scanEvents(rows pgx.Rows) error {
	for rows.Next() {
		var ev TraceEvent
		var epcs []string
		var quantity *string
		var docs []byte
		if err := rows.Scan(&ev.ID, &ev.EventID, &ev.Type, &ev.Action, &ev.EventTime, &ev.EventTimeZone, &ev.RecordTime,
			&ev.BizStep, &ev.Disposition, &ev.ReadPoint, &ev.BizLocation, &ev.ProductID, &ev.BatchID, &epcs, &quantity, &ev.UOM,
			&ev.FromPartyID, &ev.ToPartyID, &ev.PartyID, &docs, &ev.Source, &ev.CapturedBy); err != nil {
			return err
		}
		ev.EventTime, ev.RecordTime = ev.EventTime.UTC(), ev.RecordTime.UTC()
		ev.EPCs = EPCList(epcs)
		if ev.EPCs == nil {
			ev.EPCs = EPCList{}
		}
		if quantity != nil {
			q := Quantity(*quantity)
			ev.Quantity = &q
		}
		if err := ev.Documents.Scan(docs); err != nil {
			return err
		}
		t.events = append(t.events, ev)
	}
	return rows.Err()
}

// dedupeEvents keeps each event once, oldest first, after a second query added some.
func (t *tracer) dedupeEvents() {
	slices.SortFunc(t.events, func(a, b TraceEvent) int {
		if c := a.EventTime.Compare(b.EventTime); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	t.events = slices.CompactFunc(t.events, func(a, b TraceEvent) bool { return a.ID == b.ID })
	if len(t.events) > MaxTraceEvents {
		t.events = t.events[:MaxTraceEvents]
	}
}

func (t *tracer) queryShipments(sql string, args ...any) error {
	rows, err := t.pool.Query(t.ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return t.scanShipments(rows)
}

func (t *tracer) scanShipments(rows pgx.Rows) error {
	for rows.Next() {
		var sh Shipment
		if err := rows.Scan(&sh.ID, &sh.DeclarationID, &sh.CarrierID, &sh.Waybill, &sh.Status, &sh.FromPartyID, &sh.ToPartyID,
			&sh.ShippedAt, &sh.ArrivedAt, &sh.CreatedAt); err != nil {
			return err
		}
		sh.ShippedAt, sh.ArrivedAt, sh.CreatedAt = utcMicro(sh.ShippedAt), utcMicro(sh.ArrivedAt), sh.CreatedAt.UTC()
		t.shipments = append(t.shipments, sh)
	}
	return rows.Err()
}

// citedWaybills are the waybills the events cite.
func (t *tracer) citedWaybills() []string {
	var out []string
	for _, ev := range t.events {
		for _, d := range ev.Documents {
			if d.Type == "waybill" && !slices.Contains(out, d.Number) {
				out = append(out, d.Number)
			}
		}
	}
	return out
}

// loadParties reads every party the listing, product, declaration, shipments and events name.
func (t *tracer) loadParties() error {
	ids := map[string]bool{}
	add := func(ps ...*string) {
		for _, p := range ps {
			if p != nil && *p != "" {
				ids[*p] = true
			}
		}
	}
	if t.listing != nil {
		add(&t.listing.MerchantID, &t.listing.PlatformID)
	}
	if t.product != nil {
		add(t.product.ManufacturerID)
	}
	if t.decl != nil {
		add(&t.decl.ImporterID, t.decl.EbcID, t.decl.EbpID)
	}
	for i := range t.shipments {
		add(t.shipments[i].CarrierID, t.shipments[i].FromPartyID, t.shipments[i].ToPartyID)
	}
	for i := range t.events {
		add(t.events[i].PartyID, t.events[i].FromPartyID, t.events[i].ToPartyID)
	}
	t.parties = map[string]*Party{}
	if len(ids) == 0 {
		return nil
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	rows, err := t.pool.Query(t.ctx, `SELECT id, kind, name, name_en, country, registration_code, jurisdiction, address,
		created_at, updated_at FROM parties WHERE id = ANY($1)`, list)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p Party
		if err := rows.Scan(&p.ID, &p.Kind, &p.Name, &p.NameEn, &p.Country, &p.RegistrationCode, &p.Jurisdiction, &p.Address,
			&p.CreatedAt, &p.UpdatedAt); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
		t.parties[p.ID] = &p
	}
	return rows.Err()
}

// party is the loaded party of an id, or nil.
func (t *tracer) party(id *string) *Party {
	if id == nil {
		return nil
	}
	return t.parties[*id]
}

// partyOfKind is the party of an id when it is of the kind.
func (t *tracer) partyOfKind(id *string, kind string) *Party {
	if p := t.party(id); p != nil && p.Kind == kind {
		return p
	}
	return nil
}

// citesConsignment tells whether an event cites the declaration or one of its waybills.
func (t *tracer) citesConsignment(ev *TraceEvent) bool {
	for _, d := range ev.Documents {
		if slices.Contains(t.consignment, d) {
			return true
		}
	}
	return false
}

// partyFromEvents picks the party of a kind that the events name. Events citing the
// consignment's documents count most, then events of the given steps (and, for a manufacturer,
// transformations), then any; among equals the latest event wins, or the earliest when first
// is set (a factory is where the goods began).
func (t *tracer) partyFromEvents(kind string, steps []string, first bool) *Party {
	var best *Party
	bestScore := -1
	for i := range t.events {
		ev := &t.events[i]
		var p *Party
		for _, id := range []*string{ev.PartyID, ev.FromPartyID, ev.ToPartyID} {
			if p = t.partyOfKind(id, kind); p != nil {
				break
			}
		}
		if p == nil {
			continue
		}
		score := 0
		if t.citesConsignment(ev) {
			score += 2
		}
		if (ev.BizStep != nil && slices.Contains(steps, *ev.BizStep)) || (kind == "manufacturer" && ev.Type == "transformation") {
			score++
		}
		if score > bestScore || (score == bestScore && !first) {
			best, bestScore = p, score
		}
	}
	return best
}

// Business steps that point at a link of the chain (CBV 2.0 words).
var (
	makingSteps    = []string{"commissioning", "creating_class_instance", "encoding", "assembling", "packing", "repackaging"}
	departingSteps = []string{"shipping", "departing", "loading", "staging_outbound"}
	arrivingSteps  = []string{"receiving", "arriving", "accepting", "storing", "stocking", "picking"}
	customsSteps   = []string{"inspecting", "sampling", "holding"}
	sellingSteps   = []string{"retail_selling", "dispensing"}
)

// assemble builds the chain from what was read.
func (t *tracer) assemble(subject TraceSubject) *TraceChain {
	stages := listingStages
	if t.listing == nil {
		stages = listingStages[3:]
	}
	// The party of each stage.
	partyOf := map[string]*Party{}
	if t.listing != nil {
		partyOf[StageMerchant] = t.party(&t.listing.MerchantID)
		partyOf[StagePlatform] = t.party(&t.listing.PlatformID)
	}
	for i := range t.shipments {
		if p := t.partyOfKind(t.shipments[i].CarrierID, "logistics"); p != nil {
			partyOf[StageShipment] = p
			break
		}
	}
	for i := range t.shipments {
		if p := t.partyOfKind(t.shipments[i].ToPartyID, "warehouse"); p != nil {
			partyOf[StageWarehouse] = p
			break
		}
	}
	if partyOf[StageWarehouse] == nil {
		partyOf[StageWarehouse] = t.partyFromEvents("warehouse", arrivingSteps, false)
	}
	if t.decl != nil {
		partyOf[StageImporter] = t.party(&t.decl.ImporterID)
	}
	if partyOf[StageImporter] == nil {
		partyOf[StageImporter] = t.partyFromEvents("importer", arrivingSteps, false)
	}
	partyOf[StageExporter] = t.partyFromEvents("exporter", departingSteps, false)
	if partyOf[StageExporter] == nil {
		for i := range t.shipments {
			if p := t.partyOfKind(t.shipments[i].FromPartyID, "exporter"); p != nil {
				partyOf[StageExporter] = p
				break
			}
		}
	}
	if t.product != nil {
		partyOf[StageManufacturer] = t.party(t.product.ManufacturerID)
	}
	if partyOf[StageManufacturer] == nil {
		partyOf[StageManufacturer] = t.partyFromEvents("manufacturer", makingSteps, true)
	}
	// Goods imported by direct mail (9610) pass no bonded warehouse: that stage is left out
	// rather than reported missing when none is known.
	if partyOf[StageWarehouse] == nil && t.decl != nil && t.decl.TradeMode != "1210" {
		stages = slices.DeleteFunc(slices.Clone(stages), func(s string) bool { return s == StageWarehouse })
	}

	tc := &TraceChain{Subject: subject, Chain: make([]TraceStage, len(stages)), Gaps: []string{}, Parties: map[string]Party{}}
	index := map[string]int{}
	stageOfParty := map[string]string{}
	for i, st := range stages {
		index[st] = i
		tc.Chain[i] = TraceStage{Stage: st, Party: partyOf[st], Events: []TraceEvent{}, Documents: []TraceDocument{}}
		if p := partyOf[st]; p != nil {
			if _, taken := stageOfParty[p.ID]; !taken {
				stageOfParty[p.ID] = st
			}
		}
	}
	if i, ok := index[StageDeclaration]; ok && t.decl != nil {
		tc.Chain[i].Declaration = t.decl
		for _, d := range t.consignment[:2] {
			tc.Chain[i].Documents = appendDocument(tc.Chain[i].Documents, d)
		}
	}
	if i, ok := index[StageShipment]; ok && len(t.shipments) > 0 {
		tc.Chain[i].Shipments = t.shipments
		for _, sh := range t.shipments {
			tc.Chain[i].Documents = appendDocument(tc.Chain[i].Documents, TraceDocument{Type: "waybill", Number: sh.Waybill})
		}
	}
	for i := range t.events {
		ev := t.events[i]
		j, ok := index[t.stageOf(&ev, stageOfParty)]
		if !ok { // a stage left out: the shipment stands for the way between
			j = index[StageShipment]
		}
		tc.Chain[j].Events = append(tc.Chain[j].Events, ev)
		for _, d := range ev.Documents {
			tc.Chain[j].Documents = appendDocument(tc.Chain[j].Documents, d)
		}
	}
	if t.listing != nil && t.product == nil {
		tc.Gaps = append(tc.Gaps, GapProduct)
	}
	for i := range tc.Chain {
		st := &tc.Chain[i]
		switch st.Stage {
		case StageListing:
		case StageDeclaration:
			st.Missing = t.decl == nil
		case StageShipment:
			st.Missing = len(t.shipments) == 0
		default:
			st.Missing = st.Party == nil
		}
		if st.Missing {
			st.Gap = "trace.gap." + st.Stage
			tc.Gaps = append(tc.Gaps, st.Gap)
		}
	}
	tc.Origin = partyOf[StageManufacturer]
	for id, p := range t.parties {
		tc.Parties[id] = *p
	}
	return tc
}

// stageOf places an event at one stage: the stage of the party acting in it (where it happened,
// else who received goods on arrival and who sent them otherwise), else the declaration or
// shipment whose documents it cites, else the stage its business step points at.
func (t *tracer) stageOf(ev *TraceEvent, stageOfParty map[string]string) string {
	step := ""
	if ev.BizStep != nil {
		step = *ev.BizStep
	}
	acting := []*string{ev.PartyID, ev.FromPartyID, ev.ToPartyID}
	if slices.Contains(arrivingSteps, step) {
		acting = []*string{ev.PartyID, ev.ToPartyID, ev.FromPartyID}
	}
	for _, id := range acting {
		if id != nil {
			if st, ok := stageOfParty[*id]; ok {
				return st
			}
		}
	}
	for _, d := range ev.Documents {
		if !slices.Contains(t.consignment, d) {
			continue
		}
		if d.Type == "declaration" {
			return StageDeclaration
		}
		return StageShipment
	}
	switch {
	case ev.Type == "transformation" || slices.Contains(makingSteps, step):
		return StageManufacturer
	case slices.Contains(departingSteps, step):
		return StageExporter
	case slices.Contains(arrivingSteps, step):
		return StageWarehouse
	case slices.Contains(customsSteps, step):
		return StageDeclaration
	case slices.Contains(sellingSteps, step) && t.listing != nil:
		return StageListing
	}
	return StageShipment
}

// appendDocument adds a document once.
func appendDocument(docs []TraceDocument, d TraceDocument) []TraceDocument {
	if d.Number == "" || slices.Contains(docs, d) {
		return docs
	}
	return append(docs, d)
}
