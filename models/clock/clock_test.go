package clock_test

import (
	"testing"
	"time"

	"github.com/hzcbec/portal/models/clock"
)

// instants are the moments of a Hangzhou day at which date handling went wrong before (issue 11),
// with the day in Hangzhou each falls on.
var instants = []struct {
	name string
	at   time.Time
	day  string
}{
	{"00:00:30", clock.In(2026, 12, 4, 0, 0, 30), "2026-12-04"},
	{"07:59", clock.In(2026, 12, 4, 7, 59, 0), "2026-12-04"},
	{"08:00 (00:00 UTC)", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "2026-12-04"},
	{"11:59", clock.In(2026, 12, 4, 11, 59, 0), "2026-12-04"},
	{"12:00", clock.In(2026, 12, 4, 12, 0, 0), "2026-12-04"},
	{"23:59:30", clock.In(2026, 12, 4, 23, 59, 30), "2026-12-04"},
	{"last day of a month 23:59", clock.In(2026, 11, 30, 23, 59, 0), "2026-11-30"},
	{"Friday 18:00", clock.In(2026, 12, 4, 18, 0, 0), "2026-12-04"},
	{"the day before a holiday", clock.In(2026, 9, 30, 9, 0, 0), "2026-09-30"},
}

func TestTodayIsNowWhenItHappenedAndTheDaysEndUntilWhen(t *testing.T) {
	for _, in := range instants {
		now := in.at
		if got := clock.Day(now); got != in.day {
			t.Fatalf("%s: the day in Hangzhou is %s, want %s", in.name, got, in.day)
		}
		today := clock.When(in.day)
		if got, ok := today.Happened(now); !ok || !got.Equal(now) {
			t.Errorf("%s: today as when it happened is %v, want now (%v)", in.name, got, now)
		}
		end := clock.EndOfDay(now)
		if got, ok := today.Until(); !ok || !got.Equal(end) || clock.Day(got) != in.day || got.In(clock.Hangzhou).Format("15:04:05.000000") != "23:59:59.999999" {
			t.Errorf("%s: today as until when is %v, want %v", in.name, got, end)
		}
		yesterday := clock.When(now.In(clock.Hangzhou).AddDate(0, 0, -1).Format(time.DateOnly))
		if got, ok := yesterday.Happened(now); !ok || !got.Before(now) || clock.DaysBetween(got, now) != 1 {
			t.Errorf("%s: yesterday happened at %v", in.name, got)
		}
		tomorrow := clock.When(now.In(clock.Hangzhou).AddDate(0, 0, 1).Format(time.DateOnly))
		if got, ok := tomorrow.Happened(now); !ok || !got.After(now) {
			t.Errorf("%s: tomorrow happened at %v, which should be after now so that \"not in the future\" refuses it", in.name, got)
		}
	}
}

func TestWhenReadsInstantsAsGivenAndZonelessTimesInHangzhou(t *testing.T) {
	now := clock.In(2026, 12, 4, 9, 0, 0)
	cases := []struct {
		in   clock.When
		want time.Time
	}{
		{"2026-12-04T00:30:00Z", time.Date(2026, 12, 4, 0, 30, 0, 0, time.UTC)},
		{"2026-12-04T08:30:00+08:00", clock.In(2026, 12, 4, 8, 30, 0)},
		{"2026-12-04T08:30", clock.In(2026, 12, 4, 8, 30, 0)}, // <input type="datetime-local">
		{" 2026-12-03 ", clock.In(2026, 12, 3, 23, 59, 59).Add(999999 * time.Microsecond)},
	}
	for _, c := range cases {
		if got, ok := c.in.Happened(now); !ok || !got.Equal(c.want) {
			t.Errorf("%q: %v, want %v", c.in, got, c.want)
		}
	}
	for _, bad := range []clock.When{"", "tomorrow", "2026-13-01", "2026-02-30", "04/12/2026"} {
		if _, ok := bad.Happened(now); ok || bad.Valid() {
			t.Errorf("%q was read as a time", bad)
		}
	}
}

func TestDaysAreCountedInHangzhou(t *testing.T) {
	// 23:59:30 UTC on the 3rd is 07:59:30 on the 4th in Hangzhou: the same day as 08:00 there.
	a, b := time.Date(2026, 12, 3, 23, 59, 30, 0, time.UTC), clock.In(2026, 12, 4, 8, 0, 0)
	if n := clock.DaysBetween(a, b); n != 0 {
		t.Errorf("days between %v and %v: %d, want 0", a, b, n)
	}
	if n := clock.DaysBetween(clock.In(2026, 11, 30, 23, 59, 59), clock.In(2026, 12, 1, 0, 0, 0)); n != 1 {
		t.Errorf("across a month end: %d, want 1", n)
	}
	if m := clock.Month(clock.In(2026, 12, 1, 0, 0, 30)); !m.Equal(clock.In(2026, 12, 1, 0, 0, 0)) {
		t.Errorf("the month of 00:00:30 on 1 December in Hangzhou (still November in UTC): %v", m)
	}
}

func TestManualClockStandsWhereItIsSet(t *testing.T) {
	at := clock.In(2026, 12, 4, 9, 0, 0)
	c := clock.NewManual(at)
	time.Sleep(2 * time.Millisecond)
	if !c.Now().Equal(at) {
		t.Fatalf("a manual clock moved by itself: %v", c.Now())
	}
	c.Advance(time.Hour)
	if !c.Now().Equal(at.Add(time.Hour)) {
		t.Fatalf("advanced: %v", c.Now())
	}
}
