package workflows

import (
	"time"

	"github.com/hzcbec/portal/models/clock"
)

// Period is how long a deadline runs: working days (weekends and holidays skipped) or calendar days.
type Period struct {
	WorkingDays int
	Days        int
	Months      int
}

// DefaultDeadlines are the deadlines of every workflow, each grounded in the rule it comes from
// (PRODUCT.md, "Disputes"). PORTAL_DEADLINES replaces any of them with a wall-clock duration.
var DefaultDeadlines = map[string]Period{
	// 12315 ODR: the merchant answers a complaint directly within 10 working days.
	"complaint.respond": {WorkingDays: 10},
	// SAMR complaint measures Art. 14: the office accepts or refuses within 7 working days.
	"complaint.review": {WorkingDays: 7},
	// SAMR complaint measures Art. 21: mediation ends after 45 working days without agreement.
	"complaint.mediation": {WorkingDays: 45},
	// After-sales claims: the merchant answers within 3 business days, and silence approves (as
	// PayPal and eBay do); the refund is due within 7 days of the goods coming back (Consumer
	// Protection Law Art. 25, the no-reason return rules).
	"claim.answer": {WorkingDays: 3},
	"claim.refund": {Days: 7},
	// CIETAC online arbitration: the defence is due 20 days after notice (summary procedure)
	// or 45 days (ordinary); the award within 3 months of the tribunal's formation (summary).
	"case.defence_summary":  {Days: 20},
	"case.defence_ordinary": {Days: 45},
	"case.award":            {Months: 3},
	// The respondent performs what an award orders within 15 days of it, the period awards
	// commonly set; only then may the claimant report non-compliance.
	"case.comply": {Days: 15},
}

// Calendar computes deadlines: the defaults, the overrides, and the holidays.
//
// A period runs as the rules for legal periods say (民法典 Art. 201–203; 民事诉讼法 Art. 85):
// the day it starts from is not counted; it ends at the end of its last day in Hangzhou
// (23:59:59); a last day that is not a working day moves to the next working day. Working days
// are counted one by one, skipping weekends and PORTAL_HOLIDAYS; a month from the 31st ends on
// the last day of a shorter month. So what is filed at 00:00:30 and at 23:59:30 of one day has
// the same deadline, and a deadline never falls on a weekend or a holiday.
type Calendar struct {
	Overrides map[string]time.Duration
	// Holidays are days in Hangzhou ("2026-10-01") that are not working days, beside weekends.
	Holidays map[string]bool
}

// Due is when the deadline name falls if it starts at from.
func (c Calendar) Due(name string, from time.Time) time.Time {
	if d, ok := c.Overrides[name]; ok {
		return from.Add(d).UTC()
	}
	p := DefaultDeadlines[name]
	last := clock.StartOfDay(from)
	if p.Months > 0 {
		last = addMonths(last, p.Months)
	}
	last = last.AddDate(0, 0, p.Days)
	for n := 0; n < p.WorkingDays; {
		last = last.AddDate(0, 0, 1)
		if c.WorkingDay(last) {
			n++
		}
	}
	for !c.WorkingDay(last) {
		last = last.AddDate(0, 0, 1)
	}
	return clock.EndOfDay(last).UTC()
}

// WorkingDay says whether the day in Hangzhou that holds t is a working day.
func (c Calendar) WorkingDay(t time.Time) bool {
	t = t.In(clock.Hangzhou)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !c.Holidays[clock.Day(t)]
}

// addMonths is the same day n months on, or the last day of that month when it is shorter
// (a month from 31 January is 28 February).
func addMonths(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, day.Location())
	lastOfMonth := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, lastOfMonth)-1)
}
