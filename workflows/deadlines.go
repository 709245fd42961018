package workflows

import (
	"time"
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
	due := from.In(shanghai).AddDate(0, p.Months, p.Days)
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
