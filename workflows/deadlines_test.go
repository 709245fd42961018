package workflows

import (
	"testing"
	"time"
)

func TestWorkingDaysSkipWeekendsAndHolidays(t *testing.T) {
	c := Calendar{Holidays: map[string]bool{"2026-12-01": true}}
	// Friday 2026-11-27 10:00 in Shanghai.
	from := time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)
	DefaultDeadlines["test.three"] = Period{WorkingDays: 3}
	defer delete(DefaultDeadlines, "test.three")
	// Mon 30th, (Tue 1st is a holiday), Wed 2nd, Thu 3rd.
	want := time.Date(2026, 12, 3, 10, 0, 0, 0, shanghai)
	if got := c.Due("test.three", from); !got.Equal(want) {
		t.Fatalf("3 working days from Friday: %v, want %v", got.In(shanghai), want)
	}
	// Ten working days are two calendar weeks when nothing else intervenes.
	if got := (Calendar{}).Due("complaint.respond", from); !got.Equal(from.AddDate(0, 0, 14)) {
		t.Fatalf("10 working days: %v", got.In(shanghai))
	}
}

func TestOverridesAreWallClock(t *testing.T) {
	c := Calendar{Overrides: map[string]time.Duration{"complaint.respond": 3 * time.Second}}
	from := time.Date(2026, 11, 28, 23, 59, 59, 0, time.UTC) // a Saturday
	if got := c.Due("complaint.respond", from); !got.Equal(from.Add(3 * time.Second)) {
		t.Fatalf("override: %v", got)
	}
}
