//go:build bench

package models

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/hzcbec/portal/models/codes"
	"github.com/jackc/pgx/v5"
)

// The fixed ids of the chain the trace benchmark walks.
const (
	TraceBenchListing = "bench-chain-listing"
	TraceBenchProduct = "bench-chain-product"
)

// TraceBenchOptions sizes a benchmark data set.
type TraceBenchOptions struct {
	// Events is how many trace events to add besides the chain's own.
	Events int
	// Progress, when set, is told every block of rows copied (TraceBenchRows of them in all).
	Progress func(rows int)
}

// TraceBenchRows is how many rows FillTraceBench writes for a number of events.
func TraceBenchRows(events int) int { return newBenchGen(events).totalRows() }

// TraceBench is what FillTraceBench wrote.
type TraceBench struct {
	ListingID, ProductID string
	Rows                 int
}

// FillTraceBench writes the data set of the trace benchmark: one listing whose chain is whole
// (merchant, platform, a bonded-import declaration, its shipment to a bonded warehouse, importer,
// exporter, manufacturer, with the events of each link and the documents tying them), in a
// registry of realistic size around it: about a thousand parties, one product per 50 events,
// one declaration (with its shipment) per 20 events, and opts.Events trace events spread over
// two years and all the products, most of them citing declarations and waybills as the chain's
// do. Rows are copied with COPY in one transaction, without audit records: for benchmark
// databases only. ECONFLICT when the data set is already there.
func (s *Store) FillTraceBench(ctx context.Context, opts TraceBenchOptions) (*TraceBench, error) {
	if ok, err := rowExists(s.db.WithContext(ctx), "listings", TraceBenchListing); err != nil {
		return nil, err
	} else if ok {
		return nil, Errorf(ECONFLICT, "bench_data_loaded")
	}
	g := newBenchGen(opts.Events)
	progress := opts.Progress
	if progress == nil {
		progress = func(int) {}
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	rows := 0
	for _, t := range g.tables() {
		src := &benchSource{n: t.rows, row: t.row, done: func(n int) { rows += n; progress(n) }}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, src); err != nil {
			return nil, fmt.Errorf("copying %s: %w", t.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	// Fresh statistics, and the GIN indexes' pending lists merged, as autovacuum would soon do.
	for _, table := range []string{"parties", "products", "batches", "listings", "declarations", "declaration_lines", "shipments", "trace_events"} {
		if _, err := s.pool.Exec(ctx, "VACUUM (ANALYZE) "+table); err != nil {
			return nil, err
		}
	}
	return &TraceBench{ListingID: TraceBenchListing, ProductID: TraceBenchProduct, Rows: rows}, nil
}

// benchSource feeds COPY one generated row at a time and reports progress every 10 000 rows.
type benchSource struct {
	n, i int
	row  func(i int) []any
	done func(n int)
	cur  []any
}

func (b *benchSource) Next() bool {
	if b.i > 0 && b.i%10000 == 0 {
		b.done(10000)
	}
	if b.i >= b.n {
		if b.n%10000 != 0 {
			b.done(b.n % 10000)
		}
		return false
	}
	b.cur = b.row(b.i)
	b.i++
	return true
}

func (b *benchSource) Values() ([]any, error) { return b.cur, nil }
func (b *benchSource) Err() error             { return nil }

// benchTable is one table's generated rows.
type benchTable struct {
	name    string
	columns []string
	rows    int
	row     func(i int) []any
}

// benchGen makes the rows, deterministically (a fixed seed): the same size gives the same data.
type benchGen struct {
	rnd                      *rand.Rand
	events, products, decls  int
	kinds                    map[string]int // parties of each kind
	kindOrder                []string
	start                    time.Time
	chainParty               map[string]string
	chainDecl, chainWaybill  string
	chainGTIN                string
	chainTime                time.Time
	chainEvents              [][]any
	productIDs, declNumbers  func(i int) string
	declWaybill, productGTIN func(i int) string
}

func newBenchGen(events int) *benchGen {
	g := &benchGen{rnd: rand.New(rand.NewPCG(2026, 25)), events: events, products: max(1000, events/50), decls: max(500, events/20),
		kinds:     map[string]int{"manufacturer": 300, "exporter": 150, "importer": 100, "warehouse": 30, "logistics": 30, "merchant": 300, "platform": 15},
		kindOrder: []string{"manufacturer", "exporter", "importer", "warehouse", "logistics", "merchant", "platform"},
		start:     time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), chainTime: time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC),
		chainDecl: "330120260000000001", chainWaybill: "SF1400000000001"}
	g.chainParty = map[string]string{}
	for _, k := range g.kindOrder {
		g.chainParty[k] = "bench-chain-" + k
	}
	g.productIDs = func(i int) string { return fmt.Sprintf("bench-product-%07d", i) }
	g.productGTIN = func(i int) string { return benchGTIN("69", i) }
	g.declNumbers = func(i int) string { return fmt.Sprintf("3301202500%08d", i) }
	g.declWaybill = func(i int) string { return fmt.Sprintf("YT%013d", i) }
	g.chainGTIN = benchGTIN("70", 1)
	return g
}

// benchGTIN is a 14-digit GTIN: prefix, the number, the check digit.
func benchGTIN(prefix string, n int) string {
	body := fmt.Sprintf("%s%010d", prefix, n)
	return "0" + body + string(codes.GTINCheckDigit(body))
}

func (g *benchGen) partyID(kind string, i int) string { return fmt.Sprintf("bench-%s-%04d", kind, i) }

// party picks a random party of a kind.
func (g *benchGen) party(kind string) string { return g.partyID(kind, g.rnd.IntN(g.kinds[kind])) }

func (g *benchGen) randomTime() time.Time {
	return g.start.Add(time.Duration(g.rnd.Int64N(int64(2 * 365 * 24 * time.Hour))))
}

func (g *benchGen) totalRows() int {
	n := 0
	for _, t := range g.tables() {
		n += t.rows
	}
	return n
}

func str(s string) *string { return &s }

func benchDocs(docs ...TraceDocument) string {
	if len(docs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(docs)
	return string(b)
}

// tables lists the tables in the order their references need.
func (g *benchGen) tables() []benchTable {
	parties := 0
	for _, k := range g.kindOrder {
		parties += g.kinds[k]
	}
	kindOf := func(i int) (string, int) {
		for _, k := range g.kindOrder {
			if i < g.kinds[k] {
				return k, i
			}
			i -= g.kinds[k]
		}
		return "", 0
	}
	now := time.Now().UTC()
	lineProduct := func(decl, line int) int { return (decl*7919 + line*104729) % g.products }
	return []benchTable{
		{"parties", []string{"id", "kind", "name", "name_en", "country", "created_at", "updated_at"}, parties + len(g.kindOrder),
			func(i int) []any {
				if i >= parties {
					k := g.kindOrder[i-parties]
					return []any{g.chainParty[k], k, benchChainNames[k][0], benchChainNames[k][1], benchChainNames[k][2], now, now}
				}
				k, n := kindOf(i)
				country := "CN"
				if k == "exporter" || (k == "manufacturer" && n%3 == 0) {
					country = []string{"DE", "JP", "KR", "US", "AU", "FR"}[n%6]
				}
				return []any{g.partyID(k, n), k, fmt.Sprintf("%s样本企业%04d", k, n), fmt.Sprintf("Sample %s %04d", k, n), country, now, now}
			}},
		{"products", []string{"id", "name", "name_en", "brand", "model", "gtin", "hs_code", "category", "origin_country", "manufacturer_id", "created_at", "updated_at"},
			g.products + 1, func(i int) []any {
				if i == g.products {
					return []any{TraceBenchProduct, "儿童电动滑板车", "Children's e-scooter", "Example", "ES-1", g.chainGTIN, "9503008900", "toys", "CN",
						g.chainParty["manufacturer"], now, now}
				}
				return []any{g.productIDs(i), fmt.Sprintf("样本商品 %d", i), fmt.Sprintf("Sample product %d", i), fmt.Sprintf("Brand%03d", i%500),
					fmt.Sprintf("M-%d", i), g.productGTIN(i), "9503008900", "toys", "CN", g.partyID("manufacturer", i%g.kinds["manufacturer"]), now, now}
			}},
		{"batches", []string{"id", "product_id", "lot", "created_at"}, 1, func(int) []any {
			return []any{"bench-chain-batch", TraceBenchProduct, "L2026-02", now}
		}},
		{"declarations", []string{"id", "number", "order_no", "logistics_no", "trade_mode", "importer_id", "ebc_id", "ebp_id", "customs_code", "port_code", "declared_at", "created_at"},
			g.decls + 1, func(i int) []any {
				if i == g.decls {
					return []any{"bench-chain-declaration", g.chainDecl, "ORD2026030200001", g.chainWaybill, "1210", g.chainParty["importer"],
						g.chainParty["merchant"], g.chainParty["platform"], "2991", "2991", g.chainTime.Add(6 * 24 * time.Hour), now}
				}
				mode := "1210"
				if i%5 == 0 {
					mode = "9610"
				}
				return []any{fmt.Sprintf("bench-decl-%07d", i), g.declNumbers(i), fmt.Sprintf("ORD%012d", i), g.declWaybill(i), mode,
					g.party("importer"), g.party("merchant"), g.party("platform"), "2991", "2991", g.randomTime(), now}
			}},
		{"declaration_lines", []string{"declaration_id", "line_no", "product_id", "hs_code", "name", "barcode", "origin_country", "quantity", "unit", "price", "currency"},
			2*g.decls + 1, func(i int) []any {
				if i == 2*g.decls {
					return []any{"bench-chain-declaration", 1, TraceBenchProduct, "9503008900", "儿童电动滑板车", g.chainGTIN, "CN", int64(200), "台", 399.0, "CNY"}
				}
				d, line := i/2, i%2+1
				p := lineProduct(d, line)
				return []any{fmt.Sprintf("bench-decl-%07d", d), line, g.productIDs(p), "9503008900", fmt.Sprintf("样本商品 %d", p), g.productGTIN(p),
					"CN", int64(1 + g.rnd.IntN(500)), "件", float64(g.rnd.IntN(100000)) / 100, "CNY"}
			}},
		{"shipments", []string{"id", "declaration_id", "carrier_id", "waybill", "status", "from_party_id", "to_party_id", "shipped_at", "arrived_at", "created_at"},
			g.decls + 1, func(i int) []any {
				if i == g.decls {
					return []any{"bench-chain-shipment", "bench-chain-declaration", g.chainParty["logistics"], g.chainWaybill, "released",
						g.chainParty["exporter"], g.chainParty["warehouse"], g.chainTime.Add(2 * 24 * time.Hour), g.chainTime.Add(5 * 24 * time.Hour), now}
				}
				shipped := g.randomTime()
				return []any{fmt.Sprintf("bench-ship-%07d", i), fmt.Sprintf("bench-decl-%07d", i), g.party("logistics"), g.declWaybill(i), "delivered",
					g.party("exporter"), g.party("warehouse"), shipped, shipped.Add(72 * time.Hour), now}
			}},
		{"listings", []string{"id", "platform_id", "merchant_id", "url", "title", "price", "currency", "product_id", "gtins", "discovered_at", "status", "created_at", "updated_at"},
			g.products/2 + 1, func(i int) []any {
				if i == g.products/2 {
					return []any{TraceBenchListing, g.chainParty["platform"], g.chainParty["merchant"], "https://shop.example.com/item/es-1",
						"儿童电动滑板车 ES-1 进口保税", 459.0, "CNY", TraceBenchProduct, []string{g.chainGTIN}, g.chainTime.Add(60 * 24 * time.Hour), "active", now, now}
				}
				p := g.rnd.IntN(g.products)
				return []any{fmt.Sprintf("bench-listing-%07d", i), g.party("platform"), g.party("merchant"), fmt.Sprintf("https://shop.example.com/item/%d", i),
					fmt.Sprintf("样本商品 %d", p), float64(g.rnd.IntN(100000)) / 100, "CNY", g.productIDs(p), []string{g.productGTIN(p)}, g.randomTime(), "active", now, now}
			}},
		{"trace_events", []string{"event_id", "type", "action", "event_time", "event_time_zone", "record_time", "biz_step", "disposition", "product_id", "batch_id",
			"epcs", "quantity", "from_party_id", "to_party_id", "party_id", "documents", "source"},
			g.events + len(g.chain()), func(i int) []any {
				if i >= g.events {
					return g.chain()[i-g.events]
				}
				return g.event(i)
			}},
	}
}

// chain is the eleven events of the benchmark's chain, from the factory to the bonded warehouse.
func (g *benchGen) chain() [][]any {
	if g.chainEvents != nil {
		return g.chainEvents
	}
	p := g.chainParty
	decl := TraceDocument{Type: "declaration", Number: g.chainDecl}
	waybill := TraceDocument{Type: "waybill", Number: g.chainWaybill}
	inv := TraceDocument{Type: "inv", Number: "INV-2026-0301"}
	ev := func(hours int, typ, step, disp string, from, to, at string, docs ...TraceDocument) []any {
		var action *string
		if typ != "transformation" {
			action = str("OBSERVE")
			if step == "commissioning" {
				action = str("ADD")
			}
		}
		t := g.chainTime.Add(time.Duration(hours) * time.Hour)
		opt := func(s string) *string {
			if s == "" {
				return nil
			}
			return &s
		}
		return []any{"urn:uuid:" + uuid.NewString(), typ, action, t, "+08:00", t.Add(time.Minute), step, opt(disp), TraceBenchProduct,
			"bench-chain-batch", []string{"urn:epc:class:lgtin:7000000.000001.L2026-02"}, int64(200), opt(from), opt(to), opt(at), benchDocs(docs...), "api"}
	}
	g.chainEvents = [][]any{
		ev(-240, "transformation", "assembling", "", "", "", p["manufacturer"]),
		ev(-200, "object", "commissioning", "active", "", "", p["manufacturer"]),
		ev(-150, "object", "packing", "in_progress", "", "", p["manufacturer"]),
		ev(-100, "object", "shipping", "in_transit", p["manufacturer"], p["exporter"], "", inv),
		ev(-50, "object", "receiving", "in_progress", p["manufacturer"], p["exporter"], p["exporter"], inv),
		ev(48, "object", "shipping", "in_transit", p["exporter"], p["warehouse"], "", decl, waybill, inv),
		ev(100, "object", "arriving", "in_transit", "", "", "", waybill),
		ev(110, "object", "inspecting", "in_progress", "", "", "", decl),
		ev(120, "object", "receiving", "in_progress", p["exporter"], p["warehouse"], p["warehouse"], decl, waybill),
		ev(130, "object", "storing", "sellable_not_accessible", "", "", p["warehouse"]),
		ev(160, "object", "accepting", "sellable_accessible", p["warehouse"], p["importer"], p["importer"], decl),
	}
	return g.chainEvents
}

// benchSteps are the business steps of the other events, as often as they come in a real
// flow: every unit is made once and shipped and received a few times.
var benchSteps = []struct {
	step, disp, from, to, at string
}{
	{"commissioning", "active", "", "", "manufacturer"},
	{"packing", "in_progress", "", "", "manufacturer"},
	{"shipping", "in_transit", "manufacturer", "exporter", ""},
	{"shipping", "in_transit", "exporter", "warehouse", ""},
	{"shipping", "in_transit", "exporter", "warehouse", ""},
	{"departing", "in_transit", "exporter", "", ""},
	{"arriving", "in_transit", "", "", ""},
	{"receiving", "in_progress", "exporter", "warehouse", "warehouse"},
	{"receiving", "in_progress", "exporter", "warehouse", "warehouse"},
	{"inspecting", "in_progress", "", "", ""},
	{"storing", "sellable_not_accessible", "", "", "warehouse"},
	{"picking", "in_progress", "", "", "warehouse"},
	{"shipping", "in_transit", "warehouse", "", ""},
	{"retail_selling", "retail_sold", "", "", "merchant"},
}

// benchChainNames are the names (zh, en) and countries of the chain's parties.
var benchChainNames = map[string][3]string{
	"manufacturer": {"宁波示例童车制造有限公司", "Ningbo Example Kids Vehicles Co., Ltd.", "CN"},
	"exporter":     {"Example Trading GmbH", "Example Trading GmbH", "DE"},
	"importer":     {"杭州示例进口贸易有限公司", "Hangzhou Example Import Co., Ltd.", "CN"},
	"warehouse":    {"下沙综合保税区示例仓", "Xiasha bonded warehouse", "CN"},
	"logistics":    {"示例国际货运代理有限公司", "Example International Freight", "CN"},
	"merchant":     {"示例母婴跨境专营店", "Example Baby Cross-border Store", "CN"},
	"platform":     {"示例跨境电商平台", "Example CBEC Platform", "CN"},
}

// event is the i-th of the other events: a random step, parties and documents, about a random
// product (the chain's too, as often as any other: events of other consignments of the same goods).
func (g *benchGen) event(i int) []any {
	s := benchSteps[g.rnd.IntN(len(benchSteps))]
	product := g.rnd.IntN(g.products + 1)
	productID, gtin := TraceBenchProduct, g.chainGTIN
	if product < g.products {
		productID, gtin = g.productIDs(product), g.productGTIN(product)
	}
	t := g.randomTime()
	pick := func(kind string) *string {
		if kind == "" {
			return nil
		}
		return str(g.party(kind))
	}
	var docs []TraceDocument
	if s.step != "commissioning" && s.step != "packing" && g.rnd.IntN(10) < 7 {
		d := g.rnd.IntN(g.decls)
		docs = append(docs, TraceDocument{Type: "declaration", Number: g.declNumbers(d)})
		if g.rnd.IntN(2) == 0 {
			docs = append(docs, TraceDocument{Type: "waybill", Number: g.declWaybill(d)})
		}
	}
	if g.rnd.IntN(10) < 3 {
		docs = append(docs, TraceDocument{Type: "inv", Number: fmt.Sprintf("INV-%08d", g.rnd.IntN(10*g.decls))})
	}
	typ, action := "object", str("OBSERVE")
	if s.step == "commissioning" {
		action = str("ADD")
	}
	epcs := make([]string, 1+g.rnd.IntN(3))
	for k := range epcs {
		epcs[k] = fmt.Sprintf("urn:epc:id:sgtin:%s.%s%s.%d", gtin[1:8], gtin[0:1], gtin[8:13], g.rnd.IntN(1_000_000))
	}
	return []any{"urn:uuid:" + uuid.NewString(), typ, action, t, "+08:00", t.Add(time.Duration(g.rnd.IntN(600)) * time.Second), s.step, str(s.disp),
		productID, nil, epcs, int64(1 + g.rnd.IntN(100)), pick(s.from), pick(s.to), pick(s.at), benchDocs(docs...), "api"}
}
