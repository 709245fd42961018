package models

import (
	"time"

	"github.com/hzcbec/portal/models/clock"
)

// clockSkew is how far ahead of the portal's clock a client's "now" may be before it counts as
// the future.
const clockSkew = 5 * time.Minute

// happened reads a date or time field as when something happened (clock.When.Happened: a day
// typed today is now, an earlier day its end): the field error "date" for what is not a time,
// "not_future" for a moment after now. An empty field is the zero time, for "required" to name.
func happened(field string, w clock.When, now time.Time) (time.Time, *FieldError) {
	if w.IsZero() {
		return time.Time{}, nil
	}
	t, ok := w.Happened(now)
	if !ok {
		return time.Time{}, &FieldError{Field: field, Rule: "date"}
	}
	if t.After(now.Add(clockSkew)) {
		return time.Time{}, &FieldError{Field: field, Rule: "not_future"}
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// until reads a date or time field as until when something runs (clock.When.Until: a day is
// its end in Hangzhou): the field error "date" for what is not a time, "future" for a moment
// that is not after now. An empty field is the zero time, for "required" to name.
func until(field string, w clock.When, now time.Time) (time.Time, *FieldError) {
	if w.IsZero() {
		return time.Time{}, nil
	}
	t, ok := w.Until()
	if !ok {
		return time.Time{}, &FieldError{Field: field, Rule: "date"}
	}
	if !t.After(now) {
		return time.Time{}, &FieldError{Field: field, Rule: "future"}
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// addField appends a field error when there is one.
func addField(fields []FieldError, f *FieldError) []FieldError {
	if f != nil {
		fields = append(fields, *f)
	}
	return fields
}
