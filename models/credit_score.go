package models

import (
	"math"
	"slices"
	"time"
)

// The credit score of a party, from its credit records:
//
//	score₀ = 100;  scoreᵢ = clamp(scoreᵢ₋₁ − weightᵢ · ½^(ageᵢ / 365 days), 0, 100), oldest first
//
// Every record counts its weight (CreditWeights: positive against the party, negative for it),
// halved for each year of its age, so old conduct fades and recent conduct weighs most. The
// records are applied oldest first and the score never rises above 100 on the way, so good
// marks only win back what was lost: they cannot be banked ahead of misconduct (issue 12: a
// merchant's own accounts accepting its offers summed a reserve before the cap). Grades: A from
// 90, B from 75, C from 60, D below. A party with no records scores 100 (grade A).
const (
	creditHalfLife = 365 * 24 * time.Hour
	gradeA         = 90
	gradeB         = 75
	gradeC         = 60
)

// CreditContribution is what one record takes off (or adds to) the score today.
type CreditContribution struct {
	CreditRecord
	Decay  float64 `json:"decay"`  // ½^(age / half-life)
	Points float64 `json:"points"` // weight × decay, taken off the score
}

// CreditScore is a party's score, its grade and how each record makes it.
type CreditScore struct {
	Score         float64              `json:"score"`
	Grade         string               `json:"grade"`
	Contributions []CreditContribution `json:"contributions"`
}

// ScoreCredit computes the score at now from the records.
func ScoreCredit(records []CreditRecord, now time.Time) CreditScore {
	out := CreditScore{Score: 100, Contributions: []CreditContribution{}}
	records = slices.Clone(records)
	slices.SortStableFunc(records, func(a, b CreditRecord) int { return a.At.Compare(b.At) })
	for _, r := range records {
		age := now.Sub(r.At)
		if age < 0 {
			age = 0
		}
		decay := math.Pow(0.5, float64(age)/float64(creditHalfLife))
		c := CreditContribution{CreditRecord: r, Decay: round2(decay), Points: round2(r.Weight * decay)}
		out.Score = math.Max(0, math.Min(100, out.Score-r.Weight*decay))
		out.Contributions = append(out.Contributions, c)
	}
	out.Score = round2(out.Score)
	out.Grade = GradeOf(out.Score)
	return out
}

// GradeOf maps a score to A, B, C or D.
func GradeOf(score float64) string {
	switch {
	case score >= gradeA:
		return "A"
	case score >= gradeB:
		return "B"
	case score >= gradeC:
		return "C"
	}
	return "D"
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
