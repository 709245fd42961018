package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The statistics (Art. 21, 33) are read from rollups, never from the records: RefreshStats
// rebuilds them in one transaction (readers keep seeing the previous rows until it commits), so
// a public request reads a few thousand rows however many complaints there are.
//
// stats_facts topics, by jurisdiction ('*' the zone, '' none) and month:
//
//	complaints, claims, cases   key status; n records filed that month now in that status, m of them still open
//	answers                     n complaints filed that month whose merchant answer was due, m answered on time
//	office                      n complaints filed that month that reached the office (in_review)
//	category, origin            key product category / origin country; n inspections sampled, m non-conformant
//	hazard                      key hazard; n alerts raised with it
//	alerts                      n alerts raised (the zone's own: not imported Safety Gate or CPSC alerts)
//	measures                    n measures whose deadline fell that month and has passed, m of them went overdue
//	totals                      key complaints, claims, cases (n filed, m open), inspections (n, m non-conformant), alerts

// StatsPlan is what a refresh measures: the workflows counted and the stages timed. The
// workflows package builds it from its definitions and deadlines.
type StatsPlan struct {
	Kinds  []StatsKind
	Stages []StatsStage
}

// StatsKind is one workflow whose records are counted by status.
type StatsKind struct {
	Kind string   // the table: complaints, claims or cases
	Open []string // states a record can still move from
}

// StatsStage is one timed stretch of a workflow: from the last of the From actions to the first
// of the To actions (or of the actions into ToStates) that follows it.
type StatsStage struct {
	Kind, Stage string
	From        []string
	To          []string
	ToStates    []string
	// Deadline is the stage's time limit; 0 when it has none.
	Deadline time.Duration
}

// durationBucketBase is the ratio between one histogram bucket's bounds and the next.
const durationBucketBase = 1.1

// statsMonth is the month of a timestamp as the zone counts it.
func statsMonth(col string) string {
	return "date_trunc('month', " + col + " AT TIME ZONE 'Asia/Shanghai')::date"
}

// statsGroups is the grouping that writes each district's rows and the zone's ('*') at once.
const statsJurisdiction = "CASE WHEN grouping(jurisdiction) = 1 THEN '*' ELSE jurisdiction END"

// RefreshStats rebuilds every rollup from the records. Two refreshes never overlap.
func (s *Store) RefreshStats(ctx context.Context, plan StatsPlan) error {
	if err := s.rebuildStats(ctx, plan); err != nil {
		return err
	}
	// Each rebuild replaces every row: clear the old ones and give the planner fresh counts.
	_, err := s.pool.Exec(ctx, `VACUUM (ANALYZE) stats_facts, stats_durations, stats_durations_all`)
	return err
}

func (s *Store) rebuildStats(ctx context.Context, plan StatsPlan) error {
	start := time.Now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(7411029)`).Error; err != nil {
			return err
		}
		for _, stmt := range []string{`DELETE FROM stats_facts`, `DELETE FROM stats_durations`, `DELETE FROM stats_durations_all`, `DELETE FROM stats_stages`} {
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		for _, k := range plan.Kinds {
			if err := refreshStatuses(tx, k); err != nil {
				return fmt.Errorf("statistics of %s: %w", k.Kind, err)
			}
		}
		for _, step := range []func(*gorm.DB) error{refreshAnswers, refreshInspections, refreshAlerts, refreshMeasures} {
			if err := step(tx); err != nil {
				return fmt.Errorf("statistics: %w", err)
			}
		}
		// Each district's totals by month, for the table by district.
		if err := tx.Exec(`INSERT INTO stats_facts (jurisdiction, month, topic, key, n, m)
			SELECT jurisdiction, month, 'totals', CASE topic WHEN 'category' THEN 'inspections' ELSE topic END, sum(n), sum(m)
			FROM stats_facts WHERE topic IN ('complaints', 'claims', 'cases', 'category', 'alerts')
			GROUP BY jurisdiction, month, topic`).Error; err != nil {
			return fmt.Errorf("statistics totals: %w", err)
		}
		if err := refreshDurations(tx, plan.Stages); err != nil {
			return fmt.Errorf("handling times: %w", err)
		}
		if err := tx.Exec(`INSERT INTO stats_durations_all (jurisdiction, kind, stage, bucket, n, seconds, within)
			SELECT jurisdiction, kind, stage, bucket, sum(n), sum(seconds), sum(within) FROM stats_durations
			GROUP BY jurisdiction, kind, stage, bucket`).Error; err != nil {
			return fmt.Errorf("handling times: %w", err)
		}
		return tx.Exec(`INSERT INTO stats_refreshes (id, refreshed_at, took_ms) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET refreshed_at = excluded.refreshed_at, took_ms = excluded.took_ms`,
			tx.NowFunc(), time.Since(start).Milliseconds()).Error
	})
}

// StatsRefreshed is when the rollups were last rebuilt; nil when never.
func (s *Store) StatsRefreshed(ctx context.Context) (*time.Time, error) {
	var at []time.Time
	if err := s.db.WithContext(ctx).Raw(`SELECT refreshed_at FROM stats_refreshes WHERE id = 1`).Scan(&at).Error; err != nil {
		return nil, err
	}
	if len(at) == 0 {
		return nil, nil
	}
	return &at[0], nil
}

func refreshStatuses(tx *gorm.DB, k StatsKind) error {
	if workflowTables[k.Kind] == "" {
		return fmt.Errorf("no workflow table %q", k.Kind)
	}
	return tx.Exec(`INSERT INTO stats_facts (jurisdiction, month, topic, key, n, m)
		SELECT `+statsJurisdiction+`, month, ?, status, count(*), count(*) FILTER (WHERE status IN ?)
		FROM (SELECT jurisdiction, `+statsMonth("created_at")+` AS month, status FROM `+k.Kind+`) r
		GROUP BY GROUPING SETS ((jurisdiction, month, status), (month, status))`, k.Kind, k.Open).Error
}

// refreshAnswers counts the merchants' direct answers to complaints: an answer was due when the
// merchant answered, when the complaint was escalated past them, or when it still waits past its
// time; it was on time when the respond step came before the deadline set at filing.
func refreshAnswers(tx *gorm.DB) error {
	return tx.Exec(`WITH ev AS (
			SELECT record_id, min(at) FILTER (WHERE action = 'respond') AS responded,
			       bool_or(action = 'escalate') AS escalated, bool_or(to_state = 'in_review') AS reached_office
			FROM workflow_events WHERE kind = 'complaints' GROUP BY record_id
		), c AS (
			SELECT c.jurisdiction, `+statsMonth("c.created_at")+` AS month,
			       (ev.responded IS NOT NULL OR coalesce(ev.escalated, false) OR (c.status = 'filed' AND c.respond_due < ?)) AS due,
			       (ev.responded IS NOT NULL AND ev.responded <= coalesce(c.respond_due, c.created_at + interval '14 days')) AS on_time,
			       coalesce(ev.reached_office, false) AS office
			FROM complaints c LEFT JOIN ev ON ev.record_id = c.id
		), g AS (
			SELECT `+statsJurisdiction+` AS jurisdiction, month,
			       count(*) FILTER (WHERE due) AS due, count(*) FILTER (WHERE on_time) AS on_time, count(*) FILTER (WHERE office) AS office
			FROM c GROUP BY GROUPING SETS ((jurisdiction, month), (month))
		)
		INSERT INTO stats_facts (jurisdiction, month, topic, key, n, m)
		SELECT jurisdiction, month, 'answers', '', due, on_time FROM g
		UNION ALL SELECT jurisdiction, month, 'office', '', office, 0 FROM g`, tx.NowFunc()).Error
}

func refreshInspections(tx *gorm.DB) error {
	for _, dim := range []struct{ topic, col string }{{"category", "p.category"}, {"origin", "p.origin_country"}} {
		err := tx.Exec(`INSERT INTO stats_facts (jurisdiction, month, topic, key, n, m)
			SELECT `+statsJurisdiction+`, month, ?, key, count(*), count(*) FILTER (WHERE nc)
			FROM (SELECT coalesce(i.jurisdiction, '') AS jurisdiction, `+statsMonth("i.sampled_at")+` AS month,
			             `+dim.col+` AS key, i.conclusion = 'non_conformant' AS nc
			      FROM inspections i JOIN products p ON p.id = i.product_id) r
			GROUP BY GROUPING SETS ((jurisdiction, month, key), (month, key))`, dim.topic).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// zoneAlerts are the alert sources that are the zone's own findings.
var zoneAlerts = []string{"inspection", "complaints", "internal"}

func refreshAlerts(tx *gorm.DB) error {
	if err := tx.Exec(`INSERT INTO stats_facts (jurisdiction, month, topic, key, n)
		SELECT `+statsJurisdiction+`, month, 'hazard', hazard, count(*)
		FROM (SELECT coalesce(jurisdiction, '') AS jurisdiction, `+statsMonth("created_at")+` AS month, unnest(hazards) AS hazard
		      FROM alerts WHERE source IN ?) r
		GROUP BY GROUPING SETS ((jurisdiction, month, hazard), (month, hazard))`, zoneAlerts).Error; err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO stats_facts (jurisdiction, month, topic, key, n)
		SELECT `+statsJurisdiction+`, month, 'alerts', '', count(*)
		FROM (SELECT coalesce(jurisdiction, '') AS jurisdiction, `+statsMonth("created_at")+` AS month
		      FROM alerts WHERE source IN ?) r
		GROUP BY GROUPING SETS ((jurisdiction, month), (month))`, zoneAlerts).Error
}

// refreshMeasures counts measures by the month of their deadline, once it has passed.
func refreshMeasures(tx *gorm.DB) error {
	return tx.Exec(`INSERT INTO stats_facts (jurisdiction, month, topic, key, n, m)
		SELECT `+statsJurisdiction+`, month, 'measures', '', count(*), count(*) FILTER (WHERE overdue)
		FROM (SELECT m.jurisdiction, `+statsMonth("m.deadline")+` AS month,
		             m.status = 'overdue' OR EXISTS (SELECT 1 FROM workflow_events e
		                 WHERE e.kind = 'measures' AND e.record_id = m.id AND e.action = 'overdue') AS overdue
		      FROM measures m WHERE m.deadline < ?) r
		GROUP BY GROUPING SETS ((jurisdiction, month), (month))`, tx.NowFunc()).Error
}

// refreshDurations times every stage of the plan, one pass over each workflow's timeline.
func refreshDurations(tx *gorm.DB, stages []StatsStage) error {
	byKind := map[string][]int{}
	var kinds []string
	for i, st := range stages {
		if workflowTables[st.Kind] == "" {
			return fmt.Errorf("no workflow table %q", st.Kind)
		}
		if _, ok := byKind[st.Kind]; !ok {
			kinds = append(kinds, st.Kind)
		}
		byKind[st.Kind] = append(byKind[st.Kind], i)
		var deadline *float64
		if st.Deadline > 0 {
			d := st.Deadline.Seconds()
			deadline = &d
		}
		if err := tx.Exec(`INSERT INTO stats_stages (position, kind, stage, deadline_seconds) VALUES (?, ?, ?, ?)`,
			i, st.Kind, st.Stage, deadline).Error; err != nil {
			return err
		}
	}
	for _, kind := range kinds {
		var cols, values []string
		var args []any
		for j, i := range byKind[kind] {
			st := stages[i]
			cols = append(cols, fmt.Sprintf(`max(at) FILTER (WHERE action IN ?) AS f%d,
				min(at) FILTER (WHERE action IN ? OR to_state IN ?) AS t%d`, j, j))
			args = append(args, nonEmpty(st.From), nonEmpty(st.To), nonEmpty(st.ToStates))
		}
		args = append(args, kind)
		for j, i := range byKind[kind] {
			st := stages[i]
			values = append(values, fmt.Sprintf(`(?::text, f%d, t%d, ?::float8)`, j, j))
			var deadline *float64
			if st.Deadline > 0 {
				d := st.Deadline.Seconds()
				deadline = &d
			}
			args = append(args, st.Stage, deadline)
		}
		args = append(args, kind)
		sql := `WITH ev AS (
				SELECT record_id, ` + strings.Join(cols, ", ") + `
				FROM workflow_events WHERE kind = ? GROUP BY record_id
			), d AS (
				SELECT r.jurisdiction, v.stage, ` + statsMonth("v.t") + ` AS month,
				       greatest(extract(epoch FROM v.t - v.f), 0)::float8 AS s, v.dl
				FROM ev JOIN ` + kind + ` r ON r.id = ev.record_id
				CROSS JOIN LATERAL (VALUES ` + strings.Join(values, ", ") + `) AS v (stage, f, t, dl)
				WHERE v.f IS NOT NULL AND v.t IS NOT NULL AND v.t >= v.f
			)
			INSERT INTO stats_durations (jurisdiction, month, kind, stage, bucket, n, seconds, within)
			SELECT ` + statsJurisdiction + `, month, ?, stage, bucket, count(*), sum(s), count(*) FILTER (WHERE s <= dl)
			FROM (SELECT *, floor(ln(greatest(s, 1)) / ln(` + fmt.Sprint(durationBucketBase) + `))::smallint AS bucket FROM d) b
			GROUP BY GROUPING SETS ((jurisdiction, month, stage, bucket), (month, stage, bucket))`
		if err := tx.Exec(sql, args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// nonEmpty keeps "IN ?" valid for an empty list: no action is named "".
func nonEmpty(v []string) []string {
	if len(v) == 0 {
		return []string{""}
	}
	return v
}
