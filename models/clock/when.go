package clock

import (
	"strings"
	"time"
)

// When is a time as a person or a client gave it: an instant (RFC 3339, or a form's
// datetime-local "2026-12-04T09:30", which is Hangzhou time), or a day in Hangzhou
// ("2026-12-04"). It is kept as given and read, at the moment of use, by Happened or Until.
type When string

// layouts a When may take, the zone-less ones in Hangzhou's time.
var (
	instantLayouts = []string{time.RFC3339Nano}
	localLayouts   = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}
)

// read is the instant given, or the day given (its first instant in Hangzhou) with day true.
func (w When) read() (t time.Time, day bool, ok bool) {
	v := strings.TrimSpace(string(w))
	if v == "" {
		return time.Time{}, false, false
	}
	for _, l := range instantLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, false, true
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, v, Hangzhou); err == nil {
			return t, false, true
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, Hangzhou); err == nil {
		return t, true, true
	}
	return time.Time{}, false, false
}

// IsZero says nothing was given.
func (w When) IsZero() bool { return strings.TrimSpace(string(w)) == "" }

// Valid says the value is an instant or a day.
func (w When) Valid() bool {
	_, _, ok := w.read()
	return ok
}

// Happened reads the value as when something happened: an instant as it is; a day as its end,
// or as now when the day is today (so "today" is never in the future). ok is false when the
// value is empty or not a time.
func (w When) Happened(now time.Time) (t time.Time, ok bool) {
	t, day, ok := w.read()
	if !ok || !day {
		return t, ok
	}
	if Day(t) == Day(now) {
		return now, true
	}
	return EndOfDay(t), true
}

// Until reads the value as until when something runs: an instant as it is, a day as its end
// (23:59:59.999999 in Hangzhou). ok is false when the value is empty or not a time.
func (w When) Until() (t time.Time, ok bool) {
	t, day, ok := w.read()
	if !ok || !day {
		return t, ok
	}
	return EndOfDay(t), true
}

// Time reads the value as an instant only (a form's date and time, an RFC 3339 time); ok is
// false for a day or what is not a time.
func (w When) Time() (t time.Time, ok bool) {
	t, day, ok := w.read()
	return t, ok && !day
}

// At gives an instant as a When (RFC 3339), for code and tests that hold a time.Time.
func At(t time.Time) When { return When(t.Format(time.RFC3339Nano)) }
