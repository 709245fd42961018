package models

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
)

// StatsFilter narrows the public statistics to a district and a range of months (YYYY-MM, both
// included); empty fields do not narrow.
type StatsFilter struct {
	Jurisdiction string
	From, To     string
}

var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// Validate checks the months' shape and order; the jurisdiction is checked against the table.
func (f StatsFilter) Validate() error {
	var fields []FieldError
	for _, m := range []struct{ field, value string }{{"from", f.From}, {"to", f.To}} {
		if m.value != "" && !monthPattern.MatchString(m.value) {
			fields = append(fields, FieldError{Field: m.field, Rule: "month"})
		}
	}
	if len(fields) == 0 && f.From != "" && f.To != "" && f.To < f.From {
		fields = append(fields, FieldError{Field: "to", Rule: "not_before", Param: f.From})
	}
	if len(fields) > 0 {
		return Invalid(fields...)
	}
	return nil
}

// StatsTable is one section of the statistics: named columns and rows of numbers and words,
// the same in the JSON (an array of objects), the CSV and the XLSX.
type StatsTable struct {
	Name    string
	Columns []string
	Rows    [][]any
}

// Col is the position of a column, or -1.
func (t *StatsTable) Col(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Statistics are the public statistics for a filter, section by section in the order shown.
type Statistics struct {
	// GeneratedAt is when the rollups behind them were rebuilt; nil before the first refresh.
	GeneratedAt  *time.Time
	Jurisdiction string
	From, To     string
	Tables       []*StatsTable
}

// Table returns a section by name.
func (st *Statistics) Table(name string) *StatsTable {
	for _, t := range st.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// QualityIndexFormula is the composite index's formula as the JSON states it.
const QualityIndexFormula = "index = 100 − 30·c − 30·n − 15·o − 25·(1 − a)"

// MarshalJSON writes the filter, then each section as an array of objects, in order.
func (st *Statistics) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	head := map[string]any{"generated_at": st.GeneratedAt, "jurisdiction": nilIfEmpty(st.Jurisdiction),
		"from": nilIfEmpty(st.From), "to": nilIfEmpty(st.To), "index_formula": QualityIndexFormula}
	b.WriteByte('{')
	for i, k := range []string{"generated_at", "jurisdiction", "from", "to", "index_formula"} {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeKV(&b, k, head[k]); err != nil {
			return nil, err
		}
	}
	for _, t := range st.Tables {
		b.WriteByte(',')
		key, _ := json.Marshal(t.Name)
		b.Write(key)
		b.WriteString(":[")
		for r, row := range t.Rows {
			if r > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('{')
			for c, col := range t.Columns {
				if c > 0 {
					b.WriteByte(',')
				}
				if err := writeKV(&b, col, row[c]); err != nil {
					return nil, err
				}
			}
			b.WriteByte('}')
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeKV(b *bytes.Buffer, k string, v any) error {
	key, _ := json.Marshal(k)
	val, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(key)
	b.WriteByte(':')
	b.Write(val)
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// statsFact is one rollup row as read.
type statsFact struct {
	Jurisdiction string
	Month        time.Time
	Topic, Key   string
	N, M         int64
}

// statsBucket is one histogram bucket of a stage's handling times, summed over the range.
type statsBucket struct {
	kind, stage string
	bucket      int
	n, within   int64
	seconds     float64
}

// statsStage is a timed stage and its deadline, in seconds (nil: none).
type statsStage struct {
	kind, stage string
	deadline    *float64
}

// Statistics reads the public statistics from the rollups: one round trip of a few small
// queries over precomputed rows, whatever the number of records behind them.
func (s *Store) Statistics(ctx context.Context, f StatsFilter) (*Statistics, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	sel := "*"
	if f.Jurisdiction != "" {
		sel = f.Jurisdiction
	}
	from, to := monthStart(f.From, "0001-01"), monthStart(f.To, "9999-12")
	out := &Statistics{Jurisdiction: f.Jurisdiction, From: f.From, To: f.To}
	var (
		codes     []string
		facts     []statsFact // the range's totals by topic and key
		monthly   []statsFact // by month: totals, answers, measures
		perPlace  []statsFact
		stages    []statsStage
		buckets   []statsBucket
		index     []QualityIndexPoint
		refreshed []time.Time
	)
	batch := &pgx.Batch{}
	batch.Queue(`SELECT code FROM jurisdictions ORDER BY code`).Query(func(rows pgx.Rows) error {
		var err error
		codes, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	batch.Queue(`SELECT refreshed_at FROM stats_refreshes WHERE id = 1`).Query(func(rows pgx.Rows) error {
		var err error
		refreshed, err = pgx.CollectRows(rows, pgx.RowTo[time.Time])
		return err
	})
	// The range's totals by topic and key, summed in SQL; the months only of what is shown by month.
	batch.Queue(`SELECT topic, key, sum(n)::bigint, sum(m)::bigint FROM stats_facts
		WHERE jurisdiction = $1 AND month BETWEEN $2 AND $3 AND topic <> 'totals' GROUP BY topic, key`,
		sel, from, to).Query(func(rows pgx.Rows) error {
		var err error
		facts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (statsFact, error) {
			var x statsFact
			err := r.Scan(&x.Topic, &x.Key, &x.N, &x.M)
			return x, err
		})
		return err
	})
	batch.Queue(`SELECT month, topic, key, n, m FROM stats_facts
		WHERE jurisdiction = $1 AND month BETWEEN $2 AND $3 AND topic IN ('totals', 'answers', 'measures')`,
		sel, from, to).Query(func(rows pgx.Rows) error {
		var err error
		monthly, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (statsFact, error) {
			var x statsFact
			err := r.Scan(&x.Month, &x.Topic, &x.Key, &x.N, &x.M)
			return x, err
		})
		return err
	})
	// Each district's totals, for the table by district.
	batch.Queue(`SELECT jurisdiction, key, sum(n)::bigint, sum(m)::bigint FROM stats_facts WHERE topic = 'totals' AND month BETWEEN $1 AND $2
		AND (jurisdiction = $3 OR ($3 = '*' AND jurisdiction <> '*')) GROUP BY jurisdiction, key`, from, to, sel).Query(func(rows pgx.Rows) error {
		var err error
		perPlace, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (statsFact, error) {
			var x statsFact
			err := r.Scan(&x.Jurisdiction, &x.Key, &x.N, &x.M)
			return x, err
		})
		return err
	})
	batch.Queue(`SELECT kind, stage, deadline_seconds FROM stats_stages ORDER BY position`).Query(func(rows pgx.Rows) error {
		var err error
		stages, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (statsStage, error) {
			var x statsStage
			err := r.Scan(&x.kind, &x.stage, &x.deadline)
			return x, err
		})
		return err
	})
	var durations *pgx.QueuedQuery
	if f.From == "" && f.To == "" {
		durations = batch.Queue(`SELECT kind, stage, bucket, n, seconds, within FROM stats_durations_all WHERE jurisdiction = $1`, sel)
	} else {
		durations = batch.Queue(`SELECT kind, stage, bucket, sum(n)::bigint, sum(seconds), sum(within)::bigint FROM stats_durations
			WHERE jurisdiction = $1 AND month BETWEEN $2 AND $3 GROUP BY kind, stage, bucket`, sel, from, to)
	}
	durations.Query(func(rows pgx.Rows) error {
		var err error
		buckets, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (statsBucket, error) {
			var x statsBucket
			err := r.Scan(&x.kind, &x.stage, &x.bucket, &x.n, &x.seconds, &x.within)
			return x, err
		})
		return err
	})
	batch.Queue(`SELECT month, value, complaint_rate, non_conformance, overdue_measures, on_time_answers FROM stats_quality_index
		WHERE jurisdiction = $1 AND month BETWEEN $2 AND $3 ORDER BY month`, sel, from, to).Query(func(rows pgx.Rows) error {
		var err error
		index, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (QualityIndexPoint, error) {
			var x QualityIndexPoint
			err := r.Scan(&x.Month, &x.Value, &x.ComplaintRate, &x.NonConformance, &x.OverdueMeasures, &x.OnTimeAnswers)
			return x, err
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return nil, err
	}
	if sel != "*" && !slices.Contains(codes, sel) {
		return nil, Invalid(FieldError{Field: "jurisdiction", Rule: "jurisdiction"})
	}
	if len(refreshed) == 1 {
		out.GeneratedAt = &refreshed[0]
	}
	places := codes
	if sel != "*" {
		places = []string{sel}
	}
	out.Tables = append(out.Tables, volumeTables(facts)...)
	out.Tables = append(out.Tables, handlingTable(stages, buckets), answersTable(facts),
		rateTable(facts, "category", "inspections_by_category", "category"),
		rateTable(facts, "origin", "inspections_by_origin", "origin_country"),
		hazardTable(facts), jurisdictionTable(perPlace, places), monthTable(monthly), qualityIndexTable(index))
	return out, nil
}

// monthStart reads YYYY-MM (or the fallback) as the first day of the month.
func monthStart(m, fallback string) time.Time {
	if m == "" {
		m = fallback
	}
	t, _ := time.Parse("2006-01", m)
	return t
}

// statsKinds are the workflows whose volumes and outcomes are published, in order.
var statsKinds = []string{"complaints", "claims", "cases"}

func volumeTables(facts []statsFact) []*StatsTable {
	vol := &StatsTable{Name: "volumes", Columns: []string{"kind", "filed", "open", "closed"}}
	out := &StatsTable{Name: "outcomes", Columns: []string{"kind", "status", "count"}}
	for _, kind := range statsKinds {
		var filed, open int64
		byStatus := map[string]int64{}
		for _, f := range facts {
			if f.Topic == kind {
				filed += f.N
				open += f.M
				byStatus[f.Key] += f.N
			}
		}
		vol.Rows = append(vol.Rows, []any{kind, filed, open, filed - open})
		for _, st := range sortedKeys(byStatus) {
			out.Rows = append(out.Rows, []any{kind, st, byStatus[st]})
		}
	}
	return []*StatsTable{vol, out}
}

func answersTable(facts []statsFact) *StatsTable {
	var due, onTime int64
	for _, f := range facts {
		if f.Topic == "answers" {
			due += f.N
			onTime += f.M
		}
	}
	return &StatsTable{Name: "merchant_answers", Columns: []string{"due", "on_time", "share"},
		Rows: [][]any{{due, onTime, ratio(onTime, due)}}}
}

func rateTable(facts []statsFact, topic, name, keyCol string) *StatsTable {
	n, m := map[string]int64{}, map[string]int64{}
	for _, f := range facts {
		if f.Topic == topic {
			n[f.Key] += f.N
			m[f.Key] += f.M
		}
	}
	t := &StatsTable{Name: name, Columns: []string{keyCol, "inspections", "non_conformant", "rate"}}
	for _, k := range byCountDesc(n) {
		t.Rows = append(t.Rows, []any{k, n[k], m[k], ratio(m[k], n[k])})
	}
	return t
}

func hazardTable(facts []statsFact) *StatsTable {
	n := map[string]int64{}
	for _, f := range facts {
		if f.Topic == "hazard" {
			n[f.Key] += f.N
		}
	}
	t := &StatsTable{Name: "alerts_by_hazard", Columns: []string{"hazard", "alerts"}}
	for _, k := range byCountDesc(n) {
		t.Rows = append(t.Rows, []any{k, n[k]})
	}
	return t
}

func jurisdictionTable(totals []statsFact, codes []string) *StatsTable {
	t := &StatsTable{Name: "by_jurisdiction", Columns: []string{"jurisdiction", "complaints", "claims", "cases", "inspections", "non_conformant", "alerts"}}
	sums := map[string]map[string][2]int64{}
	for _, r := range totals {
		if sums[r.Jurisdiction] == nil {
			sums[r.Jurisdiction] = map[string][2]int64{}
		}
		sums[r.Jurisdiction][r.Key] = [2]int64{r.N, r.M}
	}
	if _, ok := sums[""]; ok && len(codes) > 1 {
		codes = append(codes[:len(codes):len(codes)], "") // records of no district: counted in the zone's totals
	}
	for _, code := range codes {
		s := sums[code]
		t.Rows = append(t.Rows, []any{code, s["complaints"][0], s["claims"][0], s["cases"][0], s["inspections"][0], s["inspections"][1], s["alerts"][0]})
	}
	return t
}

// monthTable has one row per month from the first to the last with any data, gaps included.
func monthTable(facts []statsFact) *StatsTable {
	t := &StatsTable{Name: "by_month", Columns: []string{"month", "complaints", "claims", "cases", "inspections", "non_conformant",
		"alerts", "answers_due", "answers_on_time", "measures_due", "measures_overdue"}}
	type row struct{ complaints, claims, cases, inspections, nc, alerts, due, onTime, measures, overdue int64 }
	months := map[time.Time]*row{}
	var first, last time.Time
	for _, f := range facts {
		r := months[f.Month]
		if r == nil {
			r = &row{}
			months[f.Month] = r
			if first.IsZero() || f.Month.Before(first) {
				first = f.Month
			}
			if f.Month.After(last) {
				last = f.Month
			}
		}
		switch f.Topic + ":" + f.Key {
		case "totals:complaints":
			r.complaints += f.N
		case "totals:claims":
			r.claims += f.N
		case "totals:cases":
			r.cases += f.N
		case "totals:inspections":
			r.inspections += f.N
			r.nc += f.M
		case "totals:alerts":
			r.alerts += f.N
		case "answers:":
			r.due += f.N
			r.onTime += f.M
		case "measures:":
			r.measures += f.N
			r.overdue += f.M
		}
	}
	if first.IsZero() {
		return t
	}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		r := months[m]
		if r == nil {
			r = &row{}
		}
		t.Rows = append(t.Rows, []any{m.Format("2006-01"), r.complaints, r.claims, r.cases, r.inspections, r.nc, r.alerts,
			r.due, r.onTime, r.measures, r.overdue})
	}
	return t
}

// handlingTable gives each stage's median time and how often it kept its deadline. The median
// is read from the stage's histogram: the mean of the bucket holding the middle duration (of the
// two middle ones for an even count), exact when that bucket holds one value, else within 10 %.
func handlingTable(stages []statsStage, buckets []statsBucket) *StatsTable {
	sort.Slice(buckets, func(i, j int) bool { return buckets[i].bucket < buckets[j].bucket })
	t := &StatsTable{Name: "handling", Columns: []string{"kind", "stage", "count", "median_days", "deadline_days", "within_deadline", "within_deadline_share"}}
	for _, st := range stages {
		var hist []histBucket
		var n, within int64
		for _, b := range buckets {
			if b.kind == st.kind && b.stage == st.stage {
				hist = append(hist, histBucket{n: b.n, sum: b.seconds})
				n += b.n
				within += b.within
			}
		}
		var median, deadline, share any
		if n > 0 {
			median = round2(histMedian(hist, n) / 86400)
		}
		if st.deadline != nil {
			deadline = round2(*st.deadline / 86400)
			share = ratio(within, n)
		}
		t.Rows = append(t.Rows, []any{st.kind, st.stage, n, median, deadline, within, share})
	}
	return t
}

type histBucket struct {
	n   int64
	sum float64
}

// histMedian is the median of n durations held in buckets sorted by duration.
func histMedian(hist []histBucket, n int64) float64 {
	at := func(rank int64) float64 { // rank counts from 1
		var seen int64
		for _, b := range hist {
			seen += b.n
			if rank <= seen {
				return b.sum / float64(b.n)
			}
		}
		return 0
	}
	if n%2 == 1 {
		return at(n/2 + 1)
	}
	return (at(n/2) + at(n/2+1)) / 2
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func ratio(part, whole int64) any {
	if whole == 0 {
		return nil
	}
	return math.Round(float64(part)/float64(whole)*10000) / 10000
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// byCountDesc orders keys by their count, most first, then by name.
func byCountDesc(m map[string]int64) []string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	return keys
}
