//go:build bench

package models

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// StatsBenchOptions sizes the statistics benchmark's data set.
type StatsBenchOptions struct {
	Complaints, Inspections int
	// Now is the end of the two years the records spread over; zero means now.
	Now time.Time
}

// StatsBench is what FillStatsBench wrote.
type StatsBench struct {
	Complaints, Claims, Cases, Inspections, Alerts, Measures, Events int
}

// The statistics benchmark's vocabulary.
var (
	benchStatsJurisdictions = []string{"330102", "330105", "330106", "330108", "330109", "330110", "330111",
		"330112", "330113", "330114", "330122", "330127", "330182"}
	benchStatsCategories = []string{"electronics", "toys", "cosmetics", "infant_formula", "apparel", "footwear", "kitchenware",
		"small_appliances", "health_food", "jewellery", "bags", "sports", "stationery", "furniture", "lighting",
		"chargers", "baby_care", "pet_food", "wine", "watches"}
	benchStatsCountries = []string{"CN", "JP", "KR", "US", "DE", "FR", "IT", "GB", "AU", "NZ", "NL", "ES", "TH", "VN",
		"MY", "SG", "CA", "CH", "BE", "SE", "DK", "IE", "PL", "TR", "IN"}
	benchStatsHazards = []string{"chemical", "choking", "injuries", "electric_shock", "fire", "burns", "cuts",
		"strangulation", "suffocation", "microbiological", "health_risk", "damage_to_sight", "environment", "other"}
	benchStatsComplaintCategories = []string{"quality", "not_as_described", "counterfeit", "non_delivery", "after_sales", "safety", "other"}
)

// benchStep is one step of a generated record's timeline: the action, the state it leads to, and
// the days since the step before.
type benchStep struct {
	action, to string
	minDays    float64
	maxDays    float64
}

// benchPath is one way a record goes, with how often.
type benchPath struct {
	weight int
	steps  []benchStep
}

var benchComplaintPaths = []benchPath{
	{35, []benchStep{{"respond", "offered", 0.2, 12}, {"accept_offer", "resolved", 0.5, 5}}},
	{10, []benchStep{{"respond", "offered", 0.5, 10}, {"reject_offer", "in_review", 0.5, 4}, {"accept", "in_mediation", 1, 9}, {"settle", "resolved", 3, 50}}},
	{5, []benchStep{{"respond", "offered", 0.5, 10}, {"reject_offer", "in_review", 0.5, 4}, {"accept", "in_mediation", 1, 9}, {"terminate", "unresolved", 30, 63}}},
	{8, []benchStep{{"escalate", "in_review", 14, 14}, {"refuse", "refused", 1, 11}}},
	{7, []benchStep{{"escalate", "in_review", 14, 14}, {"accept", "in_mediation", 1, 11}, {"settle", "resolved", 5, 40}}},
	{5, []benchStep{{"withdraw", "withdrawn", 0.1, 6}}},
	{10, []benchStep{{"respond", "offered", 0.5, 16}}},
	{5, []benchStep{{"escalate", "in_review", 14, 14}}},
}

var benchClaimPaths = []benchPath{
	{50, []benchStep{{"approve", "approved", 0.1, 5}, {"refund", "refunded", 0.5, 6}}},
	{20, []benchStep{{"approve", "approved", 0.1, 4}, {"ship_return", "return_shipped", 1, 5}, {"confirm_receipt", "received", 2, 8}, {"refund", "refunded", 0.5, 9}}},
	{20, []benchStep{{"reject", "rejected", 0.2, 4}}},
	{10, []benchStep{{"withdraw", "withdrawn", 0.1, 3}}},
}

var benchCasePaths = []benchPath{
	{45, []benchStep{{"accept", "accepted", 1, 5}, {"submit_defence", "defence_filed", 5, 25}, {"appoint", "tribunal_formed", 2, 10},
		{"schedule_hearing", "hearing", 3, 15}, {"close_hearing", "deliberation", 0.1, 1}, {"issue_award", "awarded", 10, 80}}},
	{10, []benchStep{{"reject", "rejected", 1, 5}}},
	{25, []benchStep{{"accept", "accepted", 1, 5}, {"settle", "settled", 5, 40}}},
	{20, []benchStep{{"accept", "accepted", 1, 5}, {"submit_defence", "defence_filed", 5, 25}}},
}

// benchRecord is one generated workflow record: when it was filed, where, its final state and
// its timeline.
type benchRecord struct {
	filed        time.Time
	jurisdiction string
	status       string
	events       [][]any
}

// statsBenchGen makes the rows; every record's randomness comes from its own index, so the
// record and its timeline, copied in two passes, agree.
type statsBenchGen struct {
	now, start time.Time
	seed       uint64
}

func (g statsBenchGen) rnd(table uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed+table, uint64(i)))
}

// record walks one record of a kind along a randomly chosen path. Records filed in the last
// two months stay filed (nothing happened yet), so no step lies in the future.
func (g statsBenchGen) record(kind string, paths []benchPath, first string, r *rand.Rand, id string) benchRecord {
	span := g.now.Sub(g.start)
	rec := benchRecord{filed: g.start.Add(time.Duration(r.Int64N(int64(span)))),
		jurisdiction: benchStatsJurisdictions[r.IntN(len(benchStatsJurisdictions))], status: first}
	ev := func(action, from, to string, at time.Time) []any {
		return []any{kind, id, action, "bench", "system", from, to, "{}", at}
	}
	rec.events = append(rec.events, ev("file", "", first, rec.filed))
	if g.now.Sub(rec.filed) < 60*24*time.Hour {
		return rec
	}
	total := 0
	for _, p := range paths {
		total += p.weight
	}
	pick := r.IntN(total)
	var path benchPath
	for _, p := range paths {
		if pick < p.weight {
			path = p
			break
		}
		pick -= p.weight
	}
	at := rec.filed
	for _, s := range path.steps {
		days := s.minDays + r.Float64()*(s.maxDays-s.minDays)
		at = at.Add(time.Duration(days * float64(24*time.Hour)))
		rec.events = append(rec.events, ev(s.action, rec.status, s.to, at))
		rec.status = s.to
	}
	return rec
}

// FillStatsBench writes the statistics benchmark's data set: opts.Complaints complaints, a
// tenth as many after-sales claims, a fiftieth as many arbitration cases, each with a realistic
// timeline; opts.Inspections inspections of 500 products (20 categories, 25 origins), a fifth
// as many alerts and a twentieth as many measures; all spread over the two years before
// opts.Now across the 13 districts. Rows go in with COPY in one transaction, deterministically,
// without audit records and (where the database role may) without row triggers such as search
// indexing: for benchmark databases only. ECONFLICT when the data set is already there.
func (s *Store) FillStatsBench(ctx context.Context, opts StatsBenchOptions) (*StatsBench, error) {
	if ok, err := rowExists(s.db.WithContext(ctx), "users", "bench-stats-user"); err != nil {
		return nil, err
	} else if ok {
		return nil, Errorf(ECONFLICT, "bench_data_loaded")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	g := statsBenchGen{now: now.UTC(), start: now.UTC().AddDate(-2, 0, 0), seed: 2026}
	out := &StatsBench{Complaints: opts.Complaints, Claims: opts.Complaints / 10, Cases: opts.Complaints / 50,
		Inspections: opts.Inspections, Alerts: opts.Inspections / 5, Measures: opts.Inspections / 20}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	// Skip row triggers (search indexing, foreign-key checks) when allowed: the rows are consistent by construction.
	if _, err := tx.Exec(ctx, `SAVEPOINT replica`); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT replica`); err != nil {
			return nil, err
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, password_hash, roles, jurisdiction)
		VALUES ('bench-stats-user', 'bench-stats@bench.invalid', 'Benchmark', '!', '{consumer,inspector}', '330106')`); err != nil {
		return nil, err
	}
	copyRows := func(table string, cols []string, n int, row func(i int) []any) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i), nil }))
		if err != nil {
			return fmt.Errorf("copying %s: %w", table, err)
		}
		return nil
	}
	merchant := func(i int) string { return fmt.Sprintf("bench-stats-merchant-%04d", i) }
	product := func(i int) string { return fmt.Sprintf("bench-stats-product-%04d", i) }
	if err := copyRows("parties", []string{"id", "kind", "name", "country", "jurisdiction"}, 300, func(i int) []any {
		return []any{merchant(i), "merchant", fmt.Sprintf("基准商家 %04d", i), "CN", benchStatsJurisdictions[i%len(benchStatsJurisdictions)]}
	}); err != nil {
		return nil, err
	}
	if err := copyRows("products", []string{"id", "name", "brand", "category", "origin_country"}, 500, func(i int) []any {
		return []any{product(i), fmt.Sprintf("基准产品 %04d", i), "Bench", benchStatsCategories[i%len(benchStatsCategories)],
			benchStatsCountries[(i*7)%len(benchStatsCountries)]}
	}); err != nil {
		return nil, err
	}

	type workflowTable struct {
		kind, first string
		table       uint64
		n           int
		paths       []benchPath
		cols        []string
		row         func(i int, id string, rec benchRecord, r *rand.Rand) []any
	}
	tables := []workflowTable{
		{"complaints", "filed", 1, out.Complaints, benchComplaintPaths,
			[]string{"id", "number", "complainant_id", "respondent_id", "jurisdiction", "order_ref", "category", "amount", "currency",
				"description", "request", "status", "created_at", "updated_at", "respond_due"},
			func(i int, id string, rec benchRecord, r *rand.Rand) []any {
				return []any{id, fmt.Sprintf("BS-C-%08d", i), "bench-stats-user", merchant(r.IntN(300)), rec.jurisdiction,
					fmt.Sprintf("BO-%08d", i), benchStatsComplaintCategories[r.IntN(len(benchStatsComplaintCategories))], "129.90", "CNY",
					"基准投诉", "退款", rec.status, rec.filed, rec.filed, rec.filed.Add(14 * 24 * time.Hour)}
			}},
		{"claims", "requested", 2, out.Claims, benchClaimPaths,
			[]string{"id", "number", "claimant_id", "respondent_id", "jurisdiction", "order_ref", "type", "delivered_at", "amount",
				"currency", "reason", "status", "created_at", "updated_at"},
			func(i int, id string, rec benchRecord, r *rand.Rand) []any {
				return []any{id, fmt.Sprintf("BS-K-%08d", i), "bench-stats-user", merchant(r.IntN(300)), rec.jurisdiction,
					fmt.Sprintf("BK-%08d", i), "refund", rec.filed.Add(-48 * time.Hour), "99.00", "CNY", "基准售后", rec.status, rec.filed, rec.filed}
			}},
		{"cases", "filed", 3, out.Cases, benchCasePaths,
			[]string{"id", "number", "claimant_id", "respondent_id", "amount", "currency", "claim", "agreement", "procedure",
				"jurisdiction", "status", "created_at", "updated_at"},
			func(i int, id string, rec benchRecord, r *rand.Rand) []any {
				return []any{id, fmt.Sprintf("BS-A-%08d", i), "bench-stats-user", merchant(r.IntN(300)), "500.00", "CNY",
					"基准仲裁请求", "仲裁条款", "summary", rec.jurisdiction, rec.status, rec.filed, rec.filed}
			}},
	}
	for _, t := range tables {
		id := func(i int) string { return fmt.Sprintf("bench-stats-%s-%08d", t.kind, i) }
		if err := copyRows(t.kind, t.cols, t.n, func(i int) []any {
			r := g.rnd(t.table, i)
			rec := g.record(t.kind, t.paths, t.first, r, id(i))
			return t.row(i, id(i), rec, r)
		}); err != nil {
			return nil, err
		}
		events := &benchEvents{n: t.n, timeline: func(i int) [][]any {
			return g.record(t.kind, t.paths, t.first, g.rnd(t.table, i), id(i)).events
		}}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"workflow_events"},
			[]string{"kind", "record_id", "action", "actor_id", "relation", "from_state", "to_state", "payload", "at"}, events); err != nil {
			return nil, fmt.Errorf("copying the timelines of %s: %w", t.kind, err)
		}
		out.Events += events.copied
	}

	span := int64(g.now.Sub(g.start))
	if err := copyRows("inspections", []string{"id", "product_id", "kind", "sampled_at", "items", "conclusion", "jurisdiction", "created_by"},
		out.Inspections, func(i int) []any {
			r := g.rnd(4, i)
			p := r.IntN(500)
			// Some categories fail more often than others: 4 % to 23 %.
			conclusion := "conformant"
			if r.IntN(100) < 4+(p%len(benchStatsCategories)) {
				conclusion = "non_conformant"
			}
			return []any{fmt.Sprintf("bench-stats-inspection-%08d", i), product(p), "market", g.start.Add(time.Duration(r.Int64N(span))),
				"[]", conclusion, benchStatsJurisdictions[r.IntN(len(benchStatsJurisdictions))], "bench-stats-user"}
		}); err != nil {
		return nil, err
	}
	if err := copyRows("alerts", []string{"id", "number", "title", "level", "hazards", "source", "jurisdiction", "created_at"},
		out.Alerts, func(i int) []any {
			r := g.rnd(5, i)
			hazards := []string{benchStatsHazards[r.IntN(len(benchStatsHazards))]}
			if r.IntN(3) == 0 {
				hazards = append(hazards, benchStatsHazards[r.IntN(len(benchStatsHazards))])
			}
			return []any{fmt.Sprintf("bench-stats-alert-%08d", i), fmt.Sprintf("BS-R-%08d", i), "基准预警", "high", hazards, "internal",
				benchStatsJurisdictions[r.IntN(len(benchStatsJurisdictions))], g.start.Add(time.Duration(r.Int64N(span)))}
		}); err != nil {
		return nil, err
	}
	measureID := func(i int) string { return fmt.Sprintf("bench-stats-measure-%08d", i) }
	measure := func(i int) (time.Time, string) {
		r := g.rnd(6, i)
		deadline, status := g.start.Add(time.Duration(r.Int64N(span))), "verified"
		if r.IntN(100) < 15 {
			status = "overdue"
		}
		return deadline, status
	}
	if err := copyRows("measures", []string{"id", "number", "kind", "target_party_id", "deadline", "basis", "issued_by", "jurisdiction", "status", "created_at"},
		out.Measures, func(i int) []any {
			deadline, status := measure(i)
			return []any{measureID(i), fmt.Sprintf("BS-M-%08d", i), "recall", merchant(i % 300), deadline, "基准措施", "bench-stats-user",
				benchStatsJurisdictions[i%len(benchStatsJurisdictions)], status, deadline.Add(-7 * 24 * time.Hour)}
		}); err != nil {
		return nil, err
	}
	overdue := &benchEvents{n: out.Measures, timeline: func(i int) [][]any {
		deadline, status := measure(i)
		if status != "overdue" {
			return nil
		}
		return [][]any{{"measures", measureID(i), "overdue", "system", "system", "issued", "overdue", "{}", deadline}}
	}}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"workflow_events"},
		[]string{"kind", "record_id", "action", "actor_id", "relation", "from_state", "to_state", "payload", "at"}, overdue); err != nil {
		return nil, fmt.Errorf("copying the overdue measures: %w", err)
	}
	out.Events += overdue.copied
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	for _, table := range []string{"complaints", "claims", "cases", "workflow_events", "inspections", "products", "alerts", "measures"} {
		if _, err := s.pool.Exec(ctx, "VACUUM (ANALYZE) "+table); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// benchEvents feeds COPY the timelines of n records, one step at a time.
type benchEvents struct {
	n, i, copied int
	timeline     func(i int) [][]any
	pending      [][]any
	cur          []any
}

func (b *benchEvents) Next() bool {
	for len(b.pending) == 0 {
		if b.i >= b.n {
			return false
		}
		b.pending = b.timeline(b.i)
		b.i++
	}
	b.cur, b.pending = b.pending[0], b.pending[1:]
	b.copied++
	return true
}

func (b *benchEvents) Values() ([]any, error) { return b.cur, nil }
func (b *benchEvents) Err() error             { return nil }
