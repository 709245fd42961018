package app_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/models/clock"
	"github.com/hzcbec/portal/workflows"
)

// hangzhouInstants are the moments of a Hangzhou day at which the portal's dates went wrong
// before (issue 11): main was red from 08:00 to 12:00 there, when "today" read as noon was
// still in the future. PORTAL_HOLIDAYS holds Tuesday 8 December for the last one.
var hangzhouInstants = []struct {
	name string
	at   time.Time
}{
	{"00:00:30", clock.In(2026, 12, 4, 0, 0, 30)},
	{"07:59", clock.In(2026, 12, 4, 7, 59, 0)},
	{"08:00 (00:00 UTC)", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)},
	{"11:59", clock.In(2026, 12, 4, 11, 59, 0)},
	{"12:00", clock.In(2026, 12, 4, 12, 0, 0)},
	{"23:59:30", clock.In(2026, 12, 4, 23, 59, 30)},
	{"the last day of a month at 23:59", clock.In(2026, 11, 30, 23, 59, 0)},
	{"the first of a month at 00:00:30 (still the month before in UTC)", clock.In(2026, 12, 1, 0, 0, 30)},
	{"a Friday 18:00 before a weekend", clock.In(2026, 12, 11, 18, 0, 0)},
	{"the day before a holiday", clock.In(2026, 12, 7, 9, 0, 0)},
}

const testHoliday = "2026-12-08"

// day is the calendar day in Hangzhou n days from now, as a date input sends it.
func day(now time.Time, n int) string {
	return now.In(clock.Hangzhou).AddDate(0, 0, n).Format(time.DateOnly)
}

// stamp reads a time of an answer.
func stamp(t *testing.T, v any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(v))
	if err != nil {
		t.Fatalf("not a time: %v", v)
	}
	return at
}

// TestDatedPathsAtEveryHourOfAHangzhouDay runs every path that reads a date or asks for "now"
// at each instant above, with the portal's clock set there: dates typed "today" in the API and
// in the forms, "not in the future" and "not in the past" rules, the no-reason return window,
// deadlines in working days, the months of the statistics and of the quality index.
func TestDatedPathsAtEveryHourOfAHangzhouDay(t *testing.T) {
	clk := clock.NewManual(hangzhouInstants[0].at)
	ts := startServerAt(t, map[string]string{"PORTAL_HOLIDAYS": testHoliday}, clk)
	f := newTraceFixture(t, ts)
	cal := workflows.Calendar{Holidays: map[string]bool{testHoliday: true}}
	_, importer, _ := registryParties(t, ts, ts.token(t, "inspector"))
	filedIn := map[string]int{} // complaints filed per month in Hangzhou

	for i, in := range hangzhouInstants {
		clk.Set(in.at)
		now := in.at.UTC().Truncate(time.Microsecond)
		today, yesterday, tomorrow := day(now, 0), day(now, -1), day(now, 1)
		inspector, consumer := ts.token(t, "inspector"), ts.token(t, "consumer")
		what := func(s string) string { return in.name + ": " + s }

		// An inspection sampled today, through the API and through the form; tomorrow is refused.
		sample := failingInspection(f)
		sample["sampled_at"] = today
		r := ts.do(t, "POST", "/api/v1/inspections", inspector, sample)
		if r.Status != 201 {
			t.Fatalf("%s: %d %s", what("an inspection sampled today"), r.Status, r.Body)
		}
		if got := stamp(t, r.json(t)["inspection"].(map[string]any)["sampled_at"]); !got.Equal(now) {
			t.Errorf("%s: sampled at %v, want now (%v)", what("an inspection sampled today"), got, now)
		}
		sample["sampled_at"] = tomorrow
		wantInvalid(t, what("an inspection sampled tomorrow"), ts.do(t, "POST", "/api/v1/inspections", inspector, sample), "sampled_at")
		form := url.Values{"product_id": {f.product}, "listing_id": {f.listing}, "kind": {"online_purchase"},
			"sampled_at": {today}, "conclusion": {"conformant"}, "items.name.0": {"输出电压"}, "items.standard.0": {"GB/T 35590-2017"},
			"items.value.0": {"5.1"}, "items.unit.0": {"V"}, "items.limit.0": {"5.0±0.25"}, "items.verdict.0": {"pass"}}
		if p := ts.postForm(t, "/inspect/inspections", "inspector", form); p.status != 303 {
			t.Errorf("%s: %d, want 303 to the inspection\n%s", what("the inspection form sampled today"), p.status, p.body)
		}
		if page := ts.do(t, "GET", "/inspect/inspections/new?product_id="+f.product, inspector, nil); !strings.Contains(string(page.Body), `value="`+today+`"`) {
			t.Errorf("%s: the inspection form does not offer today (%s) as the sampling date", in.name, today)
		}

		// A listing discovered today, a declaration declared today; tomorrow is refused.
		listing := map[string]any{"platform_id": "demo-platform", "merchant_id": "demo-merchant", "url": fmt.Sprintf("https://shop.example.com/clock/%d", i),
			"title": "Voltix 充电宝", "price": "99.00", "currency": "CNY", "discovered_at": today}
		if got := stamp(t, ts.created(t, "/api/v1/listings", inspector, listing)["discovered_at"]); !got.Equal(now) {
			t.Errorf("%s: discovered at %v, want now", in.name, got)
		}
		listing["discovered_at"] = tomorrow
		wantInvalid(t, what("a listing discovered tomorrow"), ts.do(t, "POST", "/api/v1/listings", inspector, listing), "discovered_at")
		decl := map[string]any{"number": fmt.Sprintf("29262026CLOCK%03d", i), "order_no": "ORD-1", "logistics_no": "SF1", "trade_mode": "1210",
			"importer_id": importer, "declared_at": today, "lines": []map[string]any{{"hs_code": "850760", "name": "移动电源",
				"origin_country": "CN", "quantity": 1, "unit": "个", "price": "99", "currency": "CNY"}}}
		if got := stamp(t, ts.created(t, "/api/v1/declarations", inspector, decl)["declared_at"]); !got.Equal(now) {
			t.Errorf("%s: declared at %v, want now", in.name, got)
		}

		// A measure due today ends at the end of today; yesterday is refused as not in the future.
		measure := map[string]any{"kind": "recall", "target_party_id": "demo-merchant", "deadline": today, "basis": "《产品质量法》第四十九条"}
		m := ts.created(t, "/api/v1/measures", inspector, measure)
		if got := stamp(t, m["deadline"]); !got.Equal(clock.EndOfDay(now)) || clock.Day(got) != today {
			t.Errorf("%s: a measure due today is due %v, want the end of %s", in.name, got.In(clock.Hangzhou), today)
		}
		measure["deadline"] = yesterday
		wantInvalid(t, what("a measure due yesterday"), ts.do(t, "POST", "/api/v1/measures", inspector, measure), "deadline")
		measureForm := url.Values{"kind": {"recall"}, "target_party_id": {"demo-merchant"}, "deadline": {today}, "basis": {"《产品质量法》第四十九条"}}
		if p := ts.postForm(t, "/inspect/measures", "inspector", measureForm); p.status != 303 {
			t.Errorf("%s: %d, want 303\n%s", what("the measure form due today"), p.status, p.body)
		}
		measureForm.Set("deadline", yesterday)
		ts.postForm(t, "/inspect/measures", "inspector", measureForm).wantFieldError(t, what("the measure form due yesterday"), "deadline", "future")

		// A no-reason return: delivered today, or 7 days ago, is within the window; 8 days ago is not.
		claim := claimBody("return")
		for _, n := range []int{0, -7} {
			claim["delivered_at"] = day(now, n)
			c := ts.created(t, "/api/v1/claims", consumer, claim)
			due := stamp(t, c["deadlines"].(map[string]any)["answer_by"])
			if want := cal.Due("claim.answer", now); !due.Equal(want) {
				t.Errorf("%s: the merchant's answer is due %v, want %v", in.name, due.In(clock.Hangzhou), want.In(clock.Hangzhou))
			}
			if !cal.WorkingDay(due) {
				t.Errorf("%s: the answer is due on a day off: %v", in.name, due.In(clock.Hangzhou))
			}
		}
		claim["delivered_at"] = day(now, -8)
		wantInvalid(t, what("a no-reason return delivered 8 days ago"), ts.do(t, "POST", "/api/v1/claims", consumer, claim), "delivered_at")
		claim["delivered_at"] = tomorrow
		wantInvalid(t, what("goods delivered tomorrow"), ts.do(t, "POST", "/api/v1/claims", consumer, claim), "delivered_at")
		claimForm := url.Values{"respondent_id": {"demo-merchant"}, "order_ref": {"ORD-FORM"}, "type": {"return"}, "no_reason": {"1"},
			"delivered_at": {today}, "amount": {"59.00"}, "currency": {"CNY"}, "reason": {"不合适"}}
		if p := ts.postForm(t, "/claims", "consumer", claimForm); p.status != 303 {
			t.Errorf("%s: %d, want 303\n%s", what("the claim form delivered today"), p.status, p.body)
		}

		// A complaint: the merchant has 10 working days, ending at the end of a working day.
		c := ts.created(t, "/api/v1/complaints", consumer, complaintBody())
		due := stamp(t, c["deadlines"].(map[string]any)["respond_by"])
		if want := cal.Due("complaint.respond", now); !due.Equal(want) {
			t.Errorf("%s: respond by %v, want %v", in.name, due.In(clock.Hangzhou), want.In(clock.Hangzhou))
		}
		if got := stamp(t, c["created_at"]); !got.Equal(now) {
			t.Errorf("%s: filed at %v, want now", in.name, got)
		}
		filedIn[now.In(clock.Hangzhou).Format("2006-01")]++
	}

	// The statistics count each complaint in its month in Hangzhou, and the monthly job run on
	// the first of December (still November in UTC) computes the index of November.
	clk.Set(clock.In(2026, 12, 1, 0, 30, 0))
	engine, err := workflows.NewEngine(ts.srv.Store(), nil, workflows.Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.QualityIndexJob(context.Background(), ts.srv.Store().Now()); err != nil {
		t.Fatal(err)
	}
	s := getStats(t, ts, "")
	for month, n := range filedIn {
		expect(t, "complaints of "+month, s.row(t, "by_month", "month", month), map[string]string{"complaints": fmt.Sprint(n)})
	}
	if filedIn["2026-11"] != 1 || filedIn["2026-12"] != len(hangzhouInstants)-1 {
		t.Fatalf("the instants fall in other months than planned: %v", filedIn)
	}
	s.row(t, "quality_index", "month", "2026-11")
	for _, r := range s["quality_index"].([]any) {
		if m := r.(map[string]any)["month"]; m == "2026-12" || m == "2026-10" {
			t.Errorf("the monthly job on 1 December computed the index of %v: only November has ended", m)
		}
	}
}

// A deadline job that runs before the portal's clock says its deadline has come waits and runs
// again, instead of being dropped (it used to finish without acting, losing the deadline).
func TestADeadlineJobThatWakesEarlyIsNotLost(t *testing.T) {
	start := time.Now()
	clk := clock.NewManual(start)
	ts := startServerAt(t, map[string]string{"PORTAL_DEADLINES": "complaint.respond=1s"}, clk)
	id := fileComplaint(t, ts, ts.token(t, "consumer"))
	clk.Set(start.Add(-2 * time.Second)) // the job wakes in a second: 3 s early by the portal's clock
	time.Sleep(2 * time.Second)
	if n := ts.count(t, "complaints", "id = ? AND status = 'filed'", id); n != 1 {
		t.Fatal("the deadline fired before its time by the portal's clock")
	}
	clk.Set(start.Add(10 * time.Second))
	for begin := time.Now(); ts.count(t, "complaints", "id = ? AND status = 'in_review'", id) != 1; time.Sleep(200 * time.Millisecond) {
		if time.Since(begin) > 20*time.Second {
			t.Fatal("the deadline that woke early never fired")
		}
	}
}
