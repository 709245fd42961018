package creditscore_test

import (
	"math"
	"testing"
	"time"

	"github.com/hzcbec/portal/models/creditscore"
)

// The worked example of the formula in the package comment.
func TestCreditScoreWorkedExample(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	year := 365 * 24 * time.Hour
	marks := []creditscore.Mark{
		{Weight: 10, At: now},               // award_non_compliance:      10 × 1 = 10
		{Weight: 5, At: now.Add(-year)},     // inspection_failed:          5 × ½ = 2.5
		{Weight: 2, At: now.Add(-2 * year)}, // complaint_upheld:           2 × ¼ = 0.5
		{Weight: -1, At: now},               // complaint_settled_in_time: −1 × 1 = −1
	}
	got := creditscore.Compute(marks, now)
	if math.Abs(got.Score-88) > 1e-9 || got.Grade != "B" {
		t.Fatalf("score %v grade %s, want 88 B", got.Score, got.Grade)
	}
	// Oldest first: the complaint, then the inspection.
	if c := got.Contributions[1]; c.Mark != 1 || c.Decay != 0.5 || c.Points != 2.5 {
		t.Fatalf("the explanation of the inspection: %+v", c)
	}
	if s := creditscore.Compute(nil, now); s.Score != 100 || s.Grade != "A" || s.Contributions == nil {
		t.Fatalf("no marks: %+v", s)
	}
	// Good marks win back what was lost, but cannot be banked ahead of misconduct: ten offers
	// accepted a year ago leave a party at 100, and the award against it today takes 5 off.
	banked := []creditscore.Mark{{Weight: 5, At: now}} // award_against
	for i := 0; i < 10; i++ {
		banked = append(banked, creditscore.Mark{Weight: -1, At: now.Add(-year)}) // complaint_settled_in_time
	}
	if s := creditscore.Compute(banked, now); s.Score != 95 {
		t.Fatalf("good marks banked before the award: score %v, want 95", s.Score)
	}
	for score, grade := range map[float64]string{90: "A", 89.99: "B", 75: "B", 60: "C", 59.9: "D", 0: "D"} {
		if g := creditscore.GradeOf(score); g != grade {
			t.Errorf("grade of %v: %s, want %s", score, g, grade)
		}
	}
}
