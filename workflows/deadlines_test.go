package workflows

import (
	"testing"
	"time"

	"github.com/hzcbec/portal/models/clock"
)

// hz is a wall-clock time in Hangzhou.
func hz(y int, m time.Month, d, h, min, s int) time.Time { return clock.In(y, m, d, h, min, s) }

// endOf is the end of a day in Hangzhou, where every calendar deadline falls.
func endOf(y int, m time.Month, d int) time.Time { return clock.EndOfDay(hz(y, m, d, 12, 0, 0)) }

func TestWorkingDaysSkipWeekendsAndHolidays(t *testing.T) {
	c := Calendar{Holidays: map[string]bool{"2026-12-01": true}}
	DefaultDeadlines["test.three"] = Period{WorkingDays: 3}
	defer delete(DefaultDeadlines, "test.three")
	// Friday 2026-11-27: Mon 30th, (Tue 1st is a holiday), Wed 2nd, Thu 3rd.
	if got := c.Due("test.three", hz(2026, 11, 27, 10, 0, 0)); !got.Equal(endOf(2026, 12, 3)) {
		t.Fatalf("3 working days from Friday: %v, want the end of Thursday 3 December", got.In(clock.Hangzhou))
	}
	// Ten working days are two calendar weeks when nothing else intervenes.
	if got := (Calendar{}).Due("complaint.respond", hz(2026, 11, 27, 10, 0, 0)); !got.Equal(endOf(2026, 12, 11)) {
		t.Fatalf("10 working days: %v", got.In(clock.Hangzhou))
	}
}

// The instants (issue 11): each deadline of the portal, filed at each of them, falls at
// the end of the day the rules name, whatever the hour of filing.
func TestDeadlinesAtEveryHourOfAHangzhouDay(t *testing.T) {
	holidays := Calendar{Holidays: map[string]bool{"2026-12-08": true}} // PORTAL_HOLIDAYS=2026-12-08 (a Tuesday)
	cases := []struct {
		name     string
		cal      Calendar
		at       time.Time
		deadline string
		want     time.Time
	}{
		// Friday 4 December 2026: 10 working days end on Friday the 18th, at any hour of the 4th.
		{"00:00:30", Calendar{}, hz(2026, 12, 4, 0, 0, 30), "complaint.respond", endOf(2026, 12, 18)},
		{"07:59", Calendar{}, hz(2026, 12, 4, 7, 59, 0), "complaint.respond", endOf(2026, 12, 18)},
		{"08:00 (00:00 UTC)", Calendar{}, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "complaint.respond", endOf(2026, 12, 18)},
		{"11:59", Calendar{}, hz(2026, 12, 4, 11, 59, 0), "complaint.respond", endOf(2026, 12, 18)},
		{"12:00", Calendar{}, hz(2026, 12, 4, 12, 0, 0), "complaint.respond", endOf(2026, 12, 18)},
		{"23:59:30", Calendar{}, hz(2026, 12, 4, 23, 59, 30), "complaint.respond", endOf(2026, 12, 18)},
		// 23:59:30 UTC on the 3rd is already 07:59:30 on the 4th in Hangzhou.
		{"the UTC day before", Calendar{}, time.Date(2026, 12, 3, 23, 59, 30, 0, time.UTC), "complaint.respond", endOf(2026, 12, 18)},
		// The last day of a month at 23:59: 3 working days from Monday 30 November end on Thursday 3 December.
		{"month end 23:59", Calendar{}, hz(2026, 11, 30, 23, 59, 0), "claim.answer", endOf(2026, 12, 3)},
		// Friday 18:00 before a weekend: the merchant's 3 business days are Monday to Wednesday.
		{"Friday 18:00", Calendar{}, hz(2026, 12, 4, 18, 0, 0), "claim.answer", endOf(2026, 12, 9)},
		// The day before a holiday (Monday 7th; Tuesday 8th is off): Wednesday to Friday.
		{"the day before a holiday", holidays, hz(2026, 12, 7, 9, 0, 0), "claim.answer", endOf(2026, 12, 11)},
		// 7 calendar days from Friday 4th end on Friday 11th; from Saturday 5th on Saturday 12th,
		// which moves to Monday 14th.
		{"7 days", Calendar{}, hz(2026, 12, 4, 23, 59, 30), "claim.refund", endOf(2026, 12, 11)},
		{"7 days ending on a Saturday", Calendar{}, hz(2026, 12, 5, 0, 0, 30), "claim.refund", endOf(2026, 12, 14)},
		// 3 months from 30 November end on the last day of February (a Sunday in 2027), moved to Monday 1 March.
		{"3 months from a month end", Calendar{}, hz(2026, 11, 30, 23, 59, 0), "case.award", endOf(2027, 3, 1)},
		{"3 months from 31 October", Calendar{}, hz(2026, 10, 31, 12, 0, 0), "case.award", endOf(2027, 2, 1)},
		{"3 months from 30 September", Calendar{}, hz(2026, 9, 30, 12, 0, 0), "case.award", endOf(2026, 12, 30)},
		// 20 days from a holiday eve falling on a holiday move to the next working day.
		{"days ending on a holiday", holidays, hz(2026, 11, 18, 8, 0, 0), "case.defence_summary", endOf(2026, 12, 9)},
	}
	for _, c := range cases {
		if got := c.cal.Due(c.deadline, c.at); !got.Equal(c.want) {
			t.Errorf("%s from %v (%s): %v, want %v", c.deadline, c.at.In(clock.Hangzhou), c.name,
				got.In(clock.Hangzhou), c.want.In(clock.Hangzhou))
		}
	}
}

func TestDeadlinesNeverFallOnAWeekendOrHoliday(t *testing.T) {
	c := Calendar{Holidays: map[string]bool{"2026-10-01": true, "2026-10-02": true, "2026-10-05": true, "2026-10-06": true, "2026-10-07": true}}
	for name := range DefaultDeadlines {
		for at := hz(2026, 9, 1, 0, 0, 30); at.Before(hz(2026, 11, 1, 0, 0, 0)); at = at.Add(7 * time.Hour) {
			due := c.Due(name, at)
			if !c.WorkingDay(due) || !due.Equal(clock.EndOfDay(due)) || !due.After(at) {
				t.Fatalf("%s from %v falls at %v", name, at.In(clock.Hangzhou), due.In(clock.Hangzhou))
			}
		}
	}
}

func TestOverridesAreWallClock(t *testing.T) {
	c := Calendar{Overrides: map[string]time.Duration{"complaint.respond": 3 * time.Second}}
	from := time.Date(2026, 11, 28, 23, 59, 59, 0, time.UTC) // a Saturday
	if got := c.Due("complaint.respond", from); !got.Equal(from.Add(3 * time.Second)) {
		t.Fatalf("override: %v", got)
	}
}
