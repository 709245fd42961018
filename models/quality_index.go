package models

import (
	"context"
	"math"
	"time"

	"gorm.io/gorm"
)

// QualityIndex is the monthly composite index of the zone's cross-border e-commerce quality
// (Art. 21, 33), from 0 to 100, higher is better:
//
//	index = 100 − 30·c − 30·n − 15·o − 25·(1 − a), kept within [0, 100], one decimal
//
// where, for the month and the district (or the whole zone):
//   - c, complaint rate: the share of the complaints filed that month that the merchant did not
//     put right and that reached the office (in_review); 0 without complaints;
//   - n, non-conformance rate: the share of inspections sampled that month found non-conformant;
//     0 without inspections;
//   - o, overdue measures: the share of measures whose deadline fell that month that went
//     overdue; 0 without measures due;
//   - a, on-time answers: the share of merchant answers due on complaints filed that month that
//     came before the deadline; 1 when none was due.
//
// A month where every complaint reaches the office, every sample fails, every measure is ignored
// and no merchant answers scores 0; a month without any of these problems scores 100.
// docs/statistics.md gives the reasons for the weights.
func QualityIndex(c, n, o, a float64) float64 {
	v := 100 - 30*c - 30*n - 15*o - 25*(1-a)
	return math.Round(math.Max(0, math.Min(100, v))*10) / 10
}

// QualityIndexPoint is one month's index with its terms.
type QualityIndexPoint struct {
	Jurisdiction    string
	Month           time.Time
	Value           float64
	ComplaintRate   float64
	NonConformance  float64
	OverdueMeasures float64
	OnTimeAnswers   float64
}

// ComputeQualityIndex computes the month's index for the zone and each district with data from
// the rollups (refresh them first) and keeps it in the history, replacing an earlier value of the
// same month. It returns how many points it wrote.
func (s *Store) ComputeQualityIndex(ctx context.Context, month time.Time) (int, error) {
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	share := func(part, whole int64, none float64) float64 {
		if whole == 0 {
			return none
		}
		return float64(part) / float64(whole)
	}
	written := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The rollups are read whole: not halfway through a refresh (stats_refresh.go).
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(7411029)`).Error; err != nil {
			return err
		}
		var rows []struct {
			Jurisdiction                                                        string
			Complaints, Office, Inspections, NC, Measures, Overdue, Due, OnTime int64
		}
		err := tx.Raw(`SELECT jurisdiction,
				coalesce(sum(n) FILTER (WHERE topic = 'complaints'), 0) AS complaints,
				coalesce(sum(n) FILTER (WHERE topic = 'office'), 0) AS office,
				coalesce(sum(n) FILTER (WHERE topic = 'category'), 0) AS inspections,
				coalesce(sum(m) FILTER (WHERE topic = 'category'), 0) AS nc,
				coalesce(sum(n) FILTER (WHERE topic = 'measures'), 0) AS measures,
				coalesce(sum(m) FILTER (WHERE topic = 'measures'), 0) AS overdue,
				coalesce(sum(n) FILTER (WHERE topic = 'answers'), 0) AS due,
				coalesce(sum(m) FILTER (WHERE topic = 'answers'), 0) AS on_time
			FROM stats_facts WHERE month = ?::date AND jurisdiction <> '' GROUP BY jurisdiction`, month.Format(time.DateOnly)).Scan(&rows).Error
		if err != nil {
			return err
		}
		for _, r := range rows {
			p := QualityIndexPoint{Jurisdiction: r.Jurisdiction, Month: month,
				ComplaintRate: share(r.Office, r.Complaints, 0), NonConformance: share(r.NC, r.Inspections, 0),
				OverdueMeasures: share(r.Overdue, r.Measures, 0), OnTimeAnswers: share(r.OnTime, r.Due, 1)}
			p.Value = QualityIndex(p.ComplaintRate, p.NonConformance, p.OverdueMeasures, p.OnTimeAnswers)
			if err := tx.Exec(`INSERT INTO stats_quality_index (jurisdiction, month, value, complaint_rate, non_conformance,
					overdue_measures, on_time_answers, computed_at) VALUES (?, ?::date, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (jurisdiction, month) DO UPDATE SET value = excluded.value, complaint_rate = excluded.complaint_rate,
					non_conformance = excluded.non_conformance, overdue_measures = excluded.overdue_measures,
					on_time_answers = excluded.on_time_answers, computed_at = excluded.computed_at`,
				p.Jurisdiction, p.Month.Format(time.DateOnly), p.Value, p.ComplaintRate, p.NonConformance, p.OverdueMeasures, p.OnTimeAnswers, tx.NowFunc()).Error; err != nil {
				return err
			}
		}
		written = len(rows)
		return nil
	})
	return written, err
}

// QualityIndexMonthsDue lists the months before the given one that have data but no index for
// the zone yet, oldest first: what the monthly job computes.
func (s *Store) QualityIndexMonthsDue(ctx context.Context, before time.Time) ([]time.Time, error) {
	var months []time.Time
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT f.month FROM stats_facts f
		WHERE f.jurisdiction = '*' AND f.month < ?::date
		  AND NOT EXISTS (SELECT 1 FROM stats_quality_index q WHERE q.jurisdiction = '*' AND q.month = f.month)
		ORDER BY f.month`, before.Format(time.DateOnly)).Scan(&months).Error
	return months, err
}

func qualityIndexTable(points []QualityIndexPoint) *StatsTable {
	t := &StatsTable{Name: "quality_index", Columns: []string{"month", "index", "complaint_rate", "non_conformance",
		"overdue_measures", "on_time_answers"}}
	r4 := func(v float64) float64 { return math.Round(v*10000) / 10000 }
	for _, p := range points {
		t.Rows = append(t.Rows, []any{p.Month.Format("2006-01"), p.Value, r4(p.ComplaintRate), r4(p.NonConformance),
			r4(p.OverdueMeasures), r4(p.OnTimeAnswers)})
	}
	return t
}
