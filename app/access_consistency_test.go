package app_test

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
)

// The live policy decides every read: for every actor and every kind, the records a user can
// open are the records their list returns (in every state) and the records search returns, on
// two portals sharing a database, before and after the policy is edited on one of them.
func TestEveryReadFollowsTheLivePolicy(t *testing.T) {
	dsn := testdb.New(t)
	one := startServer(t, map[string]string{"DATABASE_URL": dsn})
	two := startServer(t, map[string]string{"DATABASE_URL": dsn})
	admin := one.token(t, "admin")
	f := accessFixture(t, one)
	one.indexed(t, 60*time.Second)

	// The demo roles, and the relations that need a second holder: another consumer, an
	// inspector of another district.
	actors := map[string]string{}
	for _, role := range roles {
		actors[role] = two.token(t, role)
	}
	_, actors["other consumer"] = one.userToken(t, models.NewUser{Email: "other-reader@example.com", Roles: []string{"consumer"}})
	binjiang := "330108"
	_, actors["inspector of 330108"] = one.userToken(t, models.NewUser{Email: "binjiang-reader@example.com", Roles: []string{"inspector"}, Jurisdiction: &binjiang})

	reads := func(actor, kind string) []string { return readsOf(t, two, actors[actor], kind, f) }
	check := func(when string) {
		t.Helper()
		for _, actor := range slices.Sorted(maps.Keys(actors)) {
			for _, kind := range slices.Sorted(maps.Keys(f.ids)) {
				assertConsistent(t, two, when, actor, actors[actor], kind, f)
			}
		}
	}
	check("with the policy as shipped")
	if got := reads("platform", "complaints"); len(got) != len(f.ids["complaints"]) {
		t.Fatalf("the platform reads %d of the %d complaints on its platform", len(got), len(f.ids["complaints"]))
	}

	// (a) A read rule deleted: the platform reads no complaint, by any path.
	edit(t, one, admin, "DELETE", []string{"platform_operator", "*", "complaint", "read", "*"})
	eventually(t, func() bool { return len(reads("platform", "complaints")) == 0 }, "the other portal to drop the platform's read")
	check("after deleting the platform's read")

	// (b) A read rule limited to some states: the platform reads the complaints in review only.
	edit(t, one, admin, "POST", []string{"platform_operator", "*", "complaint", "read", "in_review"})
	inReview := f.inState("complaints", "in_review")
	eventually(t, func() bool { return slices.Equal(reads("platform", "complaints"), inReview) },
		"the other portal to let the platform read complaints in review")
	check("after letting the platform read complaints in review")

	// (c) A rule for a relation the policy never granted: inspectors read the claims of their
	// district, and those of no other.
	edit(t, one, admin, "POST", []string{"jurisdiction_inspector", "*", "claim", "read", "*"})
	eventually(t, func() bool { return len(reads("inspector", "claims")) == len(f.ids["claims"]) },
		"the other portal to let inspectors read claims")
	check("after letting inspectors read their district's claims")
	if got := reads("inspector of 330108", "claims"); len(got) != 0 {
		t.Errorf("an inspector of another district reads claims: %v", got)
	}
}

// fixture is the records the test reads: ids by kind, and each record's state.
type fixture struct {
	ids   map[string][]string // sorted
	state map[string]string
}

func (f fixture) inState(kind, state string) []string {
	var out []string
	for _, id := range f.ids[kind] {
		if f.state[id] == state {
			out = append(out, id)
		}
	}
	return out
}

// accessFixture files records of every kind in several states, by the demo accounts.
func accessFixture(t *testing.T, ts *testServer) fixture {
	t.Helper()
	consumer, merchant, inspector := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "inspector")
	f := fixture{ids: map[string][]string{}, state: map[string]string{}}
	add := func(kind, id string) { f.ids[kind] = append(f.ids[kind], id) }

	filed := fileComplaint(t, ts, consumer)
	offered := fileComplaint(t, ts, consumer)
	act(t, ts, merchant, offered, "respond", map[string]any{"remedy": "refund", "amount": "129.90", "message": "退款"}, 200)
	review := fileComplaint(t, ts, consumer)
	act(t, ts, merchant, review, "respond", map[string]any{"remedy": "apology", "message": "抱歉"}, 200)
	act(t, ts, consumer, review, "reject_offer", nil, 200)
	withdrawn := fileComplaint(t, ts, consumer)
	act(t, ts, consumer, withdrawn, "withdraw", map[string]any{"reason": "已协商"}, 200)
	for _, id := range []string{filed, offered, review, withdrawn} {
		add("complaints", id)
	}

	add("claims", fileClaim(t, ts, consumer, "return"))
	withdrawnClaim := fileClaim(t, ts, consumer, "refund")
	actOnClaim(t, ts, consumer, withdrawnClaim, "withdraw", nil, 200)
	add("claims", withdrawnClaim)

	for _, id := range []string{filed, review} {
		r := ts.do(t, "POST", "/api/v1/handoffs", inspector, map[string]any{"subject_type": "complaint", "subject_id": id,
			"jurisdiction": map[string]string{filed: "330106", review: "330108"}[id], "reason": "属地查处"})
		if r.Status != 201 {
			t.Fatalf("hand off: %d %s", r.Status, r.Body)
		}
		add("investigations", r.json(t)["investigation_id"].(string))
	}
	r := ts.do(t, "POST", "/api/v1/measures", inspector, map[string]any{"kind": "sales_ban", "target_party_id": "demo-merchant",
		"deadline": ts.srv.Store().Now().AddDate(0, 1, 0).Format("2006-01-02"), "basis": "抽检不合格"})
	if r.Status != 201 {
		t.Fatalf("order a measure: %d %s", r.Status, r.Body)
	}
	add("measures", r.json(t)["id"].(string))

	r = ts.do(t, "POST", "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant", "claim": "退款 299 元",
		"amount": "299.00", "currency": "CNY", "agreement": "双方同意提交杭州仲裁委员会仲裁"})
	if r.Status != 201 {
		t.Fatalf("file a case: %d %s", r.Status, r.Body)
	}
	add("cases", r.json(t)["id"].(string))

	admin := ts.token(t, "admin")
	for kind, ids := range f.ids {
		slices.Sort(ids)
		for _, id := range ids {
			f.state[id] = ts.do(t, "GET", "/api/v1/"+kind+"/"+id, admin, nil).json(t)["status"].(string)
		}
	}
	return f
}

// readsOf is the ids of the kind a token opens (200, not 404), sorted.
func readsOf(t *testing.T, ts *testServer, token, kind string, f fixture) []string {
	t.Helper()
	var out []string
	for _, id := range f.ids[kind] {
		switch r := ts.do(t, "GET", "/api/v1/"+kind+"/"+id, token, nil); r.Status {
		case 200:
			out = append(out, id)
		case 401, 404:
		default:
			t.Fatalf("open %s %s: %d %s", kind, id, r.Status, r.Body)
		}
	}
	return out
}

// searchTypes are the search document type of each kind the index holds.
var searchTypes = map[string]string{"complaints": "complaint", "claims": "claim", "cases": "case"}

// assertConsistent checks that the records one actor opens are those their list returns (and
// per state, those their list of the state returns) and those their search returns.
func assertConsistent(t *testing.T, ts *testServer, when, actor, token, kind string, f fixture) {
	t.Helper()
	open := readsOf(t, ts, token, kind, f)
	if token == "" {
		return // the public lists nothing here: 401 (the access matrix)
	}
	listed := func(status string) []string {
		q := url.Values{"limit": {"100"}}
		if status != "" {
			q.Set("status", status)
		}
		r := ts.do(t, "GET", "/api/v1/"+kind+"?"+q.Encode(), token, nil)
		if r.Status != 200 {
			t.Fatalf("%s: list %s: %d %s", when, kind, r.Status, r.Body)
		}
		var out []string
		for _, it := range r.json(t)["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		slices.Sort(out)
		return out
	}
	if got := listed(""); !slices.Equal(got, open) {
		t.Errorf("%s: %s lists %s %v but opens %v", when, actor, kind, got, open)
	}
	for _, state := range states(f, kind) {
		var want []string
		for _, id := range open {
			if f.state[id] == state {
				want = append(want, id)
			}
		}
		if got := listed(state); !slices.Equal(got, want) {
			t.Errorf("%s: %s lists %s %s %v but opens %v", when, actor, state, kind, got, want)
		}
	}
	typ, indexed := searchTypes[kind]
	if !indexed {
		return
	}
	a := ts.searchFor(t, token, "", "types", typ, "limit", "50")
	var found []string
	for _, h := range a.Hits {
		found = append(found, h.ID)
	}
	slices.Sort(found)
	if !slices.Equal(found, open) {
		t.Errorf("%s: %s finds %s %v but opens %v", when, actor, kind, found, open)
	}
	if n := a.Facets["type"][typ]; n != len(open) {
		t.Errorf("%s: %s's search counts %d %s, opens %d", when, actor, n, kind, len(open))
	}
}

func states(f fixture, kind string) []string {
	var out []string
	for _, id := range f.ids[kind] {
		if !slices.Contains(out, f.state[id]) {
			out = append(out, f.state[id])
		}
	}
	return out
}

// edit adds (POST) or deletes (DELETE) a policy rule as the admin.
func edit(t *testing.T, ts *testServer, admin, method string, rule []string) {
	t.Helper()
	want := map[string]int{"POST": 201, "DELETE": 204}[method]
	if r := ts.do(t, method, "/api/v1/admin/policies", admin, map[string]any{"ptype": "p", "rule": rule}); r.Status != want {
		t.Fatalf("%s %s: %d %s", method, strings.Join(rule, ","), r.Status, r.Body)
	}
}

// A record's page opens the record once: the queries it sends stay few, whatever it shows.
func TestARecordPageSendsFewQueries(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	id := fileComplaint(t, ts, consumer)
	for i := range 3 {
		if r := ts.do(t, "POST", "/api/v1/complaints/"+id+"/messages", consumer, map[string]any{"body": fmt.Sprint("消息 ", i)}); r.Status != 201 {
			t.Fatalf("message: %d %s", r.Status, r.Body)
		}
	}
	for _, role := range []string{"consumer", "merchant", "inspector", "admin"} {
		if r := ts.do(t, "GET", "/complaints/"+id, ts.token(t, role), nil); r.Status != 200 {
			t.Fatalf("%s opens the page: %d", role, r.Status)
		}
	}
	// portal_db_queries_per_request{route="/complaints/:id"}: every request within the bucket of 8.
	metrics := string(ts.do(t, "GET", "/metrics", ts.token(t, "admin"), nil).Body)
	series := `portal_db_queries_per_request_bucket{method="GET",route="/complaints/:id",le="%s"} 4`
	if !strings.Contains(metrics, fmt.Sprintf(series, "8")) {
		t.Errorf("a record page sends more than 8 queries:\n%s", grepLines(metrics, `route="/complaints/:id"`))
	}
	if strings.Contains(metrics, fmt.Sprintf(series, "2")) {
		t.Errorf("the page's queries are not counted:\n%s", grepLines(metrics, `route="/complaints/:id"`))
	}
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
