// Package creditscore is the formula of a party's credit score and grade:
//
//	score₀ = 100;  scoreᵢ = clamp(scoreᵢ₋₁ − weightᵢ · ½^(ageᵢ / 365 days), 0, 100), oldest first
//
// Every mark counts its weight (positive against the party, negative for it), halved for each
// year of its age, so old conduct fades and recent conduct weighs most. The marks are applied
// oldest first and the score never rises above 100 on the way, so good marks only win back what
// was lost: they cannot be banked ahead of misconduct (issue 12: a merchant's own accounts
// accepting its offers summed a reserve before the cap). Grades: A from 90, B from 75, C from 60,
// D below. A party with no marks scores 100 (grade A). It touches no database: models reads the
// marks (credit records) and weighs them here.
package creditscore

import (
	"math"
	"slices"
	"time"
)

const (
	halfLife = 365 * 24 * time.Hour
	gradeA   = 90
	gradeB   = 75
	gradeC   = 60
)

// Mark is one mark on a party's credit record, as the score weighs it.
type Mark struct {
	Weight float64 // points against the party; negative for it
	At     time.Time
}

// Contribution is what one mark takes off (or adds to) the score today.
type Contribution struct {
	Mark   int     // the mark's index in the marks scored
	Decay  float64 // ½^(age / half-life)
	Points float64 // weight × decay, taken off the score
}

// Result is a party's score, its grade and how each mark makes it, oldest mark first.
type Result struct {
	Score         float64
	Grade         string
	Contributions []Contribution
}

// Compute computes the score at now from the marks.
func Compute(marks []Mark, now time.Time) Result {
	out := Result{Score: 100, Contributions: make([]Contribution, 0, len(marks))}
	order := make([]int, len(marks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return marks[a].At.Compare(marks[b].At) })
	for _, i := range order {
		m := marks[i]
		age := now.Sub(m.At)
		if age < 0 {
			age = 0
		}
		decay := math.Pow(0.5, float64(age)/float64(halfLife))
		out.Contributions = append(out.Contributions, Contribution{Mark: i, Decay: round2(decay), Points: round2(m.Weight * decay)})
		out.Score = math.Max(0, math.Min(100, out.Score-m.Weight*decay))
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
