// Package clock is the portal's one source of the present and its one reading of a date.
//
// Every "now" of models, workflows and handlers comes from a Clock, chosen once where the portal
// is wired (app.Config.Clock; the machine's clock unless a test sets another), so tests run the
// same code at the instants they choose instead of at the hour they happen to run.
//
// Every date typed without a time (a form's <input type="date">, an API field "2026-12-06") is a
// day in Hangzhou (UTC+8), read in one of two ways (When):
//   - when something happened (sampled, discovered, declared, delivered, released): the end of
//     that day, or now when the day is today, so that "today" is never in the future; a day
//     after today stays in the future, for the "not in the future" rules to refuse;
//   - until when something runs (a measure's deadline): the end of that day (23:59:59.999999).
package clock

import (
	"sync"
	"time"
	_ "time/tzdata" // Asia/Shanghai on a machine without the zone files, too
)

// Hangzhou is the zone of the portal's days: dates typed without a time, working days, months.
var Hangzhou = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
}()

// Clock tells the present.
type Clock interface {
	Now() time.Time
}

// System is the machine's clock.
var System Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Manual is a clock a test sets: it stands at the instant it was set to until it is moved.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual returns a clock standing at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t} }

// Now is the instant the clock stands at.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = t
}

// Advance moves the clock on by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
}

// In is the instant of a wall-clock time in Hangzhou, for tests and fixtures:
// In(2026, 12, 4, 9, 0, 0) is 09:00 in Hangzhou, 01:00 UTC.
func In(year int, month time.Month, day, hour, min, sec int) time.Time {
	return time.Date(year, month, day, hour, min, sec, 0, Hangzhou)
}

// Day is the calendar day in Hangzhou of an instant, "2006-01-02".
func Day(t time.Time) string { return t.In(Hangzhou).Format(time.DateOnly) }

// StartOfDay is the first instant of the day in Hangzhou that holds t.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(Hangzhou).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Hangzhou)
}

// EndOfDay is the last instant of the day in Hangzhou that holds t (23:59:59.999999, the
// database's precision), so that something done at 23:59:59.5 is still on time.
func EndOfDay(t time.Time) time.Time { return StartOfDay(t).AddDate(0, 0, 1).Add(-time.Microsecond) }

// Month is the first day of the month in Hangzhou that holds t, at midnight there.
func Month(t time.Time) time.Time {
	y, m, _ := t.In(Hangzhou).Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, Hangzhou)
}

// DaysBetween counts the days in Hangzhou from the day of a to the day of b (negative when b's
// day comes first): from delivery on the 1st to the 8th is 7.
func DaysBetween(a, b time.Time) int {
	da, db := StartOfDay(a), StartOfDay(b)
	// Whole days: China keeps no daylight saving, but count calendar days, not hours, anyway.
	ya, ma, dda := da.Date()
	yb, mb, ddb := db.Date()
	ua := time.Date(ya, ma, dda, 0, 0, 0, 0, time.UTC)
	ub := time.Date(yb, mb, ddb, 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua) / (24 * time.Hour))
}
