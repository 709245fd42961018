package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hzcbec/portal/migrations/testdb"
	"github.com/hzcbec/portal/models"
	"github.com/hzcbec/portal/models/recalls"
)

// cpscSample is ten real US recalls (CPSC, NHTSA, FDA) of children's products, in English.
func cpscSample(tb testing.TB) string {
	return testdb.Testdata(tb, "recalls", "us_cpsc_nhtsa_fda_kids_recalls_kindlykiddo_sample.csv")
}

// searchHit is one hit of GET /api/v1/search.
type searchHit struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	Title     string `json:"title"`
	TitleHTML string `json:"title_html"`
	Snippet   string `json:"snippet"`
	URL       string `json:"url"`
}

// searchAnswer is GET /api/v1/search's answer.
type searchAnswer struct {
	Hits     []searchHit               `json:"hits"`
	Facets   map[string]map[string]int `json:"facets"`
	Total    int                       `json:"total"`
	Degraded bool                      `json:"degraded"`
}

func (a searchAnswer) has(typ, id string) bool {
	return slices.ContainsFunc(a.Hits, func(h searchHit) bool {
		return h.Type == typ && h.ID == id
	})
}

func (a searchAnswer) types() []string {
	var out []string
	for _, h := range a.Hits {
		if !slices.Contains(out, h.Type) {
			out = append(out, h.Type)
		}
	}
	slices.Sort(out)
	return out
}

// searchFor searches as the holder of token ("" for the public).
func (ts *testServer) searchFor(t *testing.T, token, q string, params ...string) searchAnswer {
	t.Helper()
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	r := ts.do(t, "GET", "/api/v1/search?"+v.Encode(), token, nil)
	if r.Status != 200 {
		t.Fatalf("search %q: %d %s", q, r.Status, r.Body)
	}
	var a searchAnswer
	if err := json.Unmarshal(r.Body, &a); err != nil {
		t.Fatalf("search %q: %v\n%s", q, err, r.Body)
	}
	return a
}

// within polls cond until it holds, failing after limit.
func within(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// indexed waits until every indexing job has run and `portal search check` finds no difference.
func (ts *testServer) indexed(t *testing.T, limit time.Duration) {
	t.Helper()
	ctx := context.Background()
	last := "nothing yet"
	deadline := time.Now().Add(limit)
	for {
		n, err := ts.srv.Store().SearchBacklog(ctx)
		if err == nil && n == 0 {
			diffs, err := ts.srv.Search().Check(ctx)
			if err == nil && len(diffs) == 0 {
				return
			}
			last = fmt.Sprintf("differences %v (%v)", diffs, err)
		} else {
			last = fmt.Sprintf("%d indexing jobs waiting (%v)", n, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index does not match Postgres within %s: %s", limit, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// userToken makes an account and a token for it.
func (ts *testServer) userToken(t *testing.T, in models.NewUser) (*models.User, string) {
	t.Helper()
	in.Password = "a long password"
	if in.Name == "" {
		in.Name = in.Email
	}
	u, err := ts.srv.Store().CreateUser(context.Background(), models.SystemActor, in)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.srv.Store().IssueToken(context.Background(), u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return u, tok
}

// importCPSC imports the real recall sample's eight CPSC recalls as public alerts.
func importCPSC(t *testing.T, s *models.Store) {
	t.Helper()
	fh, err := os.Open(cpscSample(t))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := recalls.ReadCPSC(fh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportAlerts(context.Background(), f, func(int) {}); err != nil {
		t.Fatal(err)
	}
}

// publishRuling takes a consumer's case to a published award.
func publishRuling(t *testing.T, ts *testServer, consumer, claim, reasoning string) string {
	t.Helper()
	r := ts.do(t, "POST", "/api/v1/cases", consumer, map[string]any{"respondent_id": "demo-merchant",
		"amount": "199.00", "currency": "CNY", "claim": claim, "agreement": "平台用户协议第 12 条：争议提交在线仲裁。"})
	if r.Status != 201 {
		t.Fatalf("file case: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	arbitrator, merchant := ts.token(t, "arbitrator"), ts.token(t, "merchant")
	caseAct(t, ts, arbitrator, id, "accept", nil, 200)
	caseAct(t, ts, merchant, id, "submit_defence", map[string]any{"defence": "产品合格。"}, 200)
	caseAct(t, ts, arbitrator, id, "appoint", map[string]any{"arbitrator_id": ts.users["arbitrator"].ID}, 200)
	caseAct(t, ts, arbitrator, id, "schedule_hearing", map[string]any{"at": time.Now().Add(48 * time.Hour), "mode": "online"}, 200)
	caseAct(t, ts, arbitrator, id, "close_hearing", nil, 200)
	caseAct(t, ts, arbitrator, id, "issue_award", map[string]any{"outcome": "upheld", "amount": "199.00", "currency": "CNY",
		"reasoning": reasoning}, 200)
	caseAct(t, ts, arbitrator, id, "publish", nil, 200)
	return id
}

// Search with the real Meilisearch: Chinese through synonyms, English with a typo, facets, and
// each hit one the caller may open.
func TestSearchFindsWhatEachCallerMayOpen(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	consumer := ts.token(t, "consumer")
	_, otherConsumer := ts.userToken(t, models.NewUser{Email: "other-consumer@example.com", Roles: []string{"consumer"}})
	binjiang := "330108"
	_, otherInspector := ts.userToken(t, models.NewUser{Email: "binjiang-inspector@example.com", Roles: []string{"inspector"}, Jurisdiction: &binjiang})

	// A consumer writes 移动电源 (and 假货); others search for 充电宝, "power bank", "counterfeit".
	body := complaintBody()
	body["description"] = "买的移动电源充了一晚上外壳鼓包，怀疑是假货。"
	r := ts.do(t, "POST", "/api/v1/complaints", consumer, body)
	if r.Status != 201 {
		t.Fatalf("file complaint: %d %s", r.Status, r.Body)
	}
	complaint := r.json(t)["id"].(string)
	other := ts.do(t, "POST", "/api/v1/complaints", otherConsumer, map[string]any{"respondent_id": "demo-merchant",
		"order_ref": "ORD-20261128-009", "category": "quality", "amount": "59.00", "currency": "CNY",
		"description": "童装洗一次就严重起球。", "request": "退款"}).json(t)["id"].(string)
	claim := fileClaim(t, ts, consumer, "return")
	importCPSC(t, ts.srv.Store())
	private := ts.do(t, "POST", "/api/v1/alerts", ts.token(t, "inspector"), map[string]any{"title": "某品牌移动电源抽检不合格，存在起火风险",
		"level": "high", "hazards": []string{"fire"}, "description": "内部预警，暂不公开。", "public": false})
	if private.Status != 201 {
		t.Fatalf("raise alert: %d %s", private.Status, private.Body)
	}
	privateAlert := private.json(t)["id"].(string)
	public := ts.do(t, "POST", "/api/v1/alerts", ts.token(t, "inspector"), map[string]any{"title": "Power bank overheats while charging",
		"level": "high", "hazards": []string{"fire"}, "description": "Recall of a power bank sold online.", "public": true})
	if public.Status != 201 {
		t.Fatalf("raise a public alert: %d %s", public.Status, public.Body)
	}
	powerBank := public.json(t)["id"].(string)
	ruling := publishRuling(t, ts, consumer, "本人王小明购买的充电宝鼓包，请求退款。",
		"申请人王小明提交的检测报告证明产品存在缺陷，联系电话 13812345678。")
	ts.indexed(t, 60*time.Second)

	t.Run("Chinese through synonyms", func(t *testing.T) {
		for _, q := range []string{"充电宝", "power bank", "counterfeit 鼓包", "仿冒"} {
			a := ts.searchFor(t, consumer, q)
			if !a.has("complaint", complaint) || a.Degraded {
				t.Errorf("%q: the complaint written with 移动电源 is not found: %+v", q, a)
			}
		}
		a := ts.searchFor(t, consumer, "充电宝", "types", "complaint")
		if len(a.Hits) != 1 || !strings.Contains(a.Hits[0].Snippet, "<mark>") || a.Hits[0].URL != "/complaints/"+complaint {
			t.Errorf("the hit has no highlighted snippet or no link: %+v", a.Hits)
		}
		if a := ts.searchFor(t, "", "婴儿玩具"); len(a.Hits) == 0 || !strings.Contains(a.Hits[0].Title, "Baby Toy") {
			t.Errorf("婴儿玩具 does not find the recall of baby toys: %+v", a.Hits)
		}
	})

	t.Run("one typo in a four-letter word", func(t *testing.T) {
		a := ts.searchFor(t, "", "powr bank")
		if !a.has("alert", powerBank) {
			t.Errorf("powr bank does not find the public alert titled power bank: %+v", a.Hits)
		}
	})

	t.Run("English with a typo", func(t *testing.T) {
		a := ts.searchFor(t, "", "Montesori baby toy")
		if len(a.Hits) == 0 || !strings.Contains(a.Hits[0].Title, "Montessori") || a.Hits[0].Type != "alert" {
			t.Fatalf("a typo loses the Montessori recall: %+v", a.Hits)
		}
		if !strings.Contains(a.Hits[0].TitleHTML, "<mark>") || !strings.HasPrefix(a.Hits[0].URL, "/alerts/") {
			t.Errorf("hit: %+v", a.Hits[0])
		}
	})

	t.Run("facets count the hits by type", func(t *testing.T) {
		a := ts.searchFor(t, ts.token(t, "admin"), "", "limit", "50")
		want := map[string]int{"complaint": 2, "claim": 1, "case": 1, "ruling": 1, "alert": 10}
		for typ, n := range want {
			if a.Facets["type"][typ] != n {
				t.Errorf("facet type=%s: %d, want %d (%v)", typ, a.Facets["type"][typ], n, a.Facets["type"])
			}
		}
		if a.Facets["hazards"]["fire"] < 1 || a.Facets["status"] == nil {
			t.Errorf("facets: %v", a.Facets)
		}
		c := ts.searchFor(t, consumer, "")
		if c.Facets["type"]["complaint"] != 1 || c.Facets["type"]["alert"] != 9 {
			t.Errorf("a consumer's facets count what others may see: %v", c.Facets["type"])
		}
	})

	t.Run("access", func(t *testing.T) {
		tokens := map[string]string{"owner": consumer, "other consumer": otherConsumer, "merchant": ts.token(t, "merchant"),
			"platform": ts.token(t, "platform"), "inspector": ts.token(t, "inspector"), "other inspector": otherInspector,
			"arbitrator": ts.token(t, "arbitrator"), "admin": ts.token(t, "admin"), "public": ""}
		checks := []struct {
			q, typ, id string
			sees       []string
		}{
			{"鼓包 假货", "complaint", complaint, []string{"owner", "merchant", "platform", "inspector", "admin"}},
			{"起球", "complaint", other, []string{"other consumer", "merchant", "inspector", "admin"}}, // on no platform
			{"无理由退货", "claim", claim, []string{"owner", "merchant", "admin"}},
			{"起火", "alert", privateAlert, []string{"inspector", "other inspector", "admin"}},
			{"充电宝 退款", "case", ruling, []string{"owner", "merchant", "arbitrator", "admin"}},
			{"检测报告", "ruling", ruling, []string{"owner", "other consumer", "merchant", "platform", "inspector", "other inspector", "arbitrator", "admin", "public"}},
		}
		for _, c := range checks {
			for who, tok := range tokens {
				if got, want := ts.searchFor(t, tok, c.q).has(c.typ, c.id), slices.Contains(c.sees, who); got != want {
					t.Errorf("%s searching %q: finds the %s %v, want %v", who, c.q, c.typ, got, want)
				}
			}
		}
		if got := ts.searchFor(t, "", "", "limit", "50").types(); !slices.Equal(got, []string{"alert", "ruling"}) {
			t.Errorf("the public finds %v, want only public alerts and rulings", got)
		}
		// The search filter and the pages' own access checks are written apart (models/search.go,
		// workflows/*.go): every hit anyone gets must open for them.
		opened := map[string]bool{}
		for who, tok := range tokens {
			for _, h := range ts.searchFor(t, tok, "", "limit", "50").Hits {
				if r := ts.do(t, "GET", h.URL, tok, nil); r.Status != 200 {
					t.Errorf("%s finds the %s %s but opening %s answers %d", who, h.Type, h.ID, h.URL, r.Status)
				}
				opened[h.Type] = true
			}
		}
		for _, typ := range []string{"complaint", "claim", "case", "ruling", "alert"} {
			if !opened[typ] {
				t.Errorf("no %s was among the hits opened", typ)
			}
		}
	})

	t.Run("rulings are anonymised in the index", func(t *testing.T) {
		for _, personal := range []string{"王小明", "13812345678"} {
			if ts.searchFor(t, "", personal).has("ruling", ruling) {
				t.Errorf("the public finds the ruling by %q", personal)
			}
		}
		a := ts.searchFor(t, "", "检测报告")
		for _, h := range a.Hits {
			if strings.Contains(h.Snippet+h.Title, "王小明") || strings.Contains(h.Snippet, "13812345678") {
				t.Errorf("a ruling's snippet shows personal data: %+v", h)
			}
		}
		// The consumer changes their name to one the award mentions: the index follows.
		conn, err := pgx.Connect(ctx, ts.dsn(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `UPDATE users SET name = '检测' WHERE id = $1`, ts.users["consumer"].ID); err != nil {
			t.Fatal(err)
		}
		within(t, 30*time.Second, "the renamed consumer's ruling anonymised again", func() bool {
			return !ts.searchFor(t, "", "检测报告").has("ruling", ruling)
		})
	})

	t.Run("deletes reach the index, and indexing twice changes nothing", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, ts.dsn(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DELETE FROM alerts WHERE id = $1`, privateAlert); err != nil {
			t.Fatal(err)
		}
		within(t, 30*time.Second, "the deleted alert gone from the index", func() bool {
			return !ts.searchFor(t, ts.token(t, "admin"), "起火").has("alert", privateAlert)
		})
		for range 2 {
			if err := ts.srv.Search().IndexRecords(ctx, "complaint", []string{complaint, other}); err != nil {
				t.Fatal(err)
			}
			if err := ts.srv.Search().IndexRecords(ctx, "alert", []string{privateAlert}); err != nil {
				t.Fatal(err)
			}
		}
		ts.indexed(t, 30*time.Second)
	})
}

// With Meilisearch away, a second portal on the same database takes writes and answers searches
// from Postgres, degraded, under the same access rules; the live portal drains the backlog until
// the index matches Postgres again.
func TestSearchWithoutMeilisearch(t *testing.T) {
	dsn := testdb.New(t)
	live := startServer(t, map[string]string{"DATABASE_URL": dsn})
	dead := startServer(t, map[string]string{"DATABASE_URL": dsn, "MEILI_URL": "http://127.0.0.1:1"})
	binjiang := "330108"
	_, otherConsumer := dead.userToken(t, models.NewUser{Email: "other-consumer@example.com", Roles: []string{"consumer"}})
	_, otherInspector := dead.userToken(t, models.NewUser{Email: "binjiang-inspector@example.com", Roles: []string{"inspector"}, Jurisdiction: &binjiang})

	consumer := dead.token(t, "consumer")
	body := complaintBody()
	body["description"] = "移动电源使用两天后外壳鼓包发烫。"
	r := dead.do(t, "POST", "/api/v1/complaints", consumer, body)
	if r.Status != 201 {
		t.Fatalf("a write while Meilisearch is away: %d %s", r.Status, r.Body)
	}
	complaint := r.json(t)["id"].(string)
	importCPSC(t, dead.srv.Store())

	tokens := map[string]string{"owner": consumer, "other consumer": otherConsumer, "merchant": dead.token(t, "merchant"),
		"platform": dead.token(t, "platform"), "inspector": dead.token(t, "inspector"), "other inspector": otherInspector,
		"arbitrator": dead.token(t, "arbitrator"), "admin": dead.token(t, "admin"), "public": ""}
	sees := []string{"owner", "merchant", "platform", "inspector", "admin"}
	for who, tok := range tokens {
		a := dead.searchFor(t, tok, "充电宝鼓包")
		if !a.Degraded {
			t.Fatalf("%s: not degraded without Meilisearch: %+v", who, a)
		}
		if got, want := a.has("complaint", complaint), slices.Contains(sees, who); got != want {
			t.Errorf("degraded, %s finds the complaint %v, want %v", who, got, want)
		}
		if got := dead.searchFor(t, tok, "Montessori").types(); !slices.Equal(got, []string{"alert"}) {
			t.Errorf("degraded, %s searching Montessori finds %v", who, got)
		}
	}
	a := dead.searchFor(t, consumer, "充电宝")
	if len(a.Hits) != 1 || !strings.Contains(a.Hits[0].Snippet, "<mark>移动电源</mark>") || a.Facets["type"]["complaint"] != 1 {
		t.Errorf("degraded hit: %+v", a)
	}

	live.indexed(t, 180*time.Second)
	if a := live.searchFor(t, consumer, "充电宝"); a.Degraded || !a.has("complaint", complaint) {
		t.Errorf("after the backlog drained: %+v", a)
	}
}

// dsn is the server's database.
func (ts *testServer) dsn(t *testing.T) string {
	t.Helper()
	var dsn string
	if err := ts.srv.Store().Pool().QueryRow(context.Background(), "SELECT current_database()").Scan(&dsn); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(os.Getenv("DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + dsn
	return u.String()
}

// meiliProxy stands between a portal and the real Meilisearch, to take it away (every
// connection closed at once), slow it down, or give it back.
type meiliProxy struct {
	URL  string
	mode atomic.Value // "up", "down" or "slow"
}

func newMeiliProxy(t *testing.T) *meiliProxy {
	t.Helper()
	target, err := url.Parse(os.Getenv("MEILI_URL"))
	if err != nil || target.Host == "" {
		t.Fatalf("MEILI_URL: %q %v", os.Getenv("MEILI_URL"), err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	p := &meiliProxy{}
	p.mode.Store("up")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p.mode.Load() {
		case "down":
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		case "slow":
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
				return
			}
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Meilisearch slows down, then goes away while a consumer files a complaint, then comes back:
// searches answer from Postgres meanwhile, and the waiting indexing job runs by itself.
func TestSearchOutageAndRecovery(t *testing.T) {
	meili := newMeiliProxy(t)
	ts := startServer(t, map[string]string{"MEILI_URL": meili.URL})
	consumer := ts.token(t, "consumer")
	first := fileComplaint(t, ts, consumer)
	ts.indexed(t, 30*time.Second)

	meili.mode.Store("slow")
	a := ts.searchFor(t, consumer, "充电宝")
	// The answer comes from Postgres rather than waiting for the slow server (speed itself is
	// the benchmarks' business, not this test's).
	if !a.Degraded || !a.has("complaint", first) {
		t.Errorf("with Meilisearch slow: degraded %v, found %v", a.Degraded, a.has("complaint", first))
	}

	meili.mode.Store("down")
	r := ts.do(t, "POST", "/api/v1/complaints", consumer, map[string]any{"respondent_id": "demo-merchant",
		"order_ref": "ORD-20261128-010", "category": "quality", "amount": "59.00", "currency": "CNY",
		"description": "童装洗一次就严重起球。", "request": "退款"})
	if r.Status != 201 {
		t.Fatalf("a write while Meilisearch is down: %d %s", r.Status, r.Body)
	}
	second := r.json(t)["id"].(string)
	if a := ts.searchFor(t, consumer, "儿童服装"); !a.Degraded || !a.has("complaint", second) {
		t.Errorf("with Meilisearch down: %+v", a)
	}
	time.Sleep(time.Second) // the worker tries, and waits
	if n, err := ts.srv.Store().SearchBacklog(context.Background()); err != nil || n == 0 {
		t.Fatalf("with Meilisearch down, %d indexing jobs wait (%v)", n, err)
	}

	meili.mode.Store("up")
	ts.indexed(t, 30*time.Second)
	within(t, 10*time.Second, "searching Meilisearch again", func() bool {
		a := ts.searchFor(t, consumer, "儿童服装")
		return !a.Degraded && a.has("complaint", second)
	})
}

// A portal warms its search index at start (PORTAL_SEARCH_WARM_UP, on unless set to 0): one
// document written, deleted and searched for, so the first user's write does not pay for the
// index's first addition. The document never stays, and no search shows it.
func TestTheSearchIndexWarmsAtStart(t *testing.T) {
	ts := startServer(t, map[string]string{"PORTAL_SEARCH_WARM_UP": "1"})
	index := ts.srv.Search().Index()
	meili := func(path string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", os.Getenv("MEILI_URL")+path, nil)
		req.Header.Set("Authorization", "Bearer "+os.Getenv("MEILI_MASTER_KEY"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	eventuallyWithin(t, 60*time.Second, func() bool {
		_, tasks := meili("/tasks?indexUids=" + index + "&types=documentDeletion&statuses=succeeded")
		results, _ := tasks["results"].([]any)
		return len(results) > 0
	}, "the warm-up document to be written and deleted")
	_, added := meili("/tasks?indexUids=" + index + "&types=documentAdditionOrUpdate&statuses=succeeded")
	if results, _ := added["results"].([]any); len(results) == 0 {
		t.Fatalf("no document was added to warm the index: %v", added)
	}
	if status, doc := meili("/indexes/" + index + "/documents/portal-warm-up"); status != 404 {
		t.Fatalf("the warm-up document stayed in the index: %d %v", status, doc)
	}
	res := ts.do(t, "GET", "/api/v1/search?q="+url.QueryEscape("充电宝外壳鼓包"), ts.token(t, "admin"), nil).json(t)
	if hits := res["hits"].([]any); len(hits) != 0 || res["degraded"] != false {
		t.Fatalf("a search after the warm-up: %v", res)
	}
}
