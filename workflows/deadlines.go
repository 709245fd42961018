package workflows

import (
	"time"
)

// Period is how long a deadline runs: working days (weekends and holidays skipped) or calendar days.
type Period struct {
	WorkingDays int
	Days        int
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
}

// shanghai is where working days are counted.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Calendar computes deadlines: the defaults, the overrides, and the holidays.
type Calendar struct {
	Overrides map[string]time.Duration
	// Holidays are dates (in Shanghai) that are not working days, beside weekends.
	Holidays map[string]bool
}

// Due is when the deadline name falls if it starts at from.
func (c Calendar) Due(name string, from time.Time) time.Time {
	if d, ok := c.Overrides[name]; ok {
		return from.Add(d).UTC()
	}
	p := DefaultDeadlines[name]
	due := from.In(shanghai).AddDate(0, 0, p.Days)
	for n := 0; n < p.WorkingDays; {
		due = due.AddDate(0, 0, 1)
		if c.workingDay(due) {
			n++
		}
	}
	return due.UTC().Truncate(time.Microsecond)
}

func (c Calendar) workingDay(t time.Time) bool {
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !c.Holidays[t.Format("2006-01-02")]
}
