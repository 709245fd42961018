package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/search"
)

// The search benchmark (docs/benchmarks.md, "Search"). By default it loads a few hundred real
// reviews into a fresh test database; with PORTAL_BENCH_DATABASE_URL (and PORTAL_BENCH_INDEX,
// "bench_reviews" by default) it serves a database that `portal bench-data reviews` filled.
//
//	PORTAL_BENCH_REVIEWS   the zip of online_shopping_10_cats.csv (the shared test data by default)
//	PORTAL_BENCH_LIMIT     reviews loaded into a fresh database (300)
//	PORTAL_BENCH_SAMPLES   commit-to-searchable samples (10)
//	PORTAL_BENCH_REQUESTS  searches per side in the latency run (400)

func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// benchServer starts a portal over the benchmark's data.
func benchServer(tb testing.TB) *testServer {
	tb.Helper()
	if dbURL := os.Getenv("PORTAL_BENCH_DATABASE_URL"); dbURL != "" {
		index := os.Getenv("PORTAL_BENCH_INDEX")
		if index == "" {
			index = "bench_reviews"
		}
		ts := startServer(tb, map[string]string{"DATABASE_URL": dbURL, "PORTAL_SEARCH_INDEX": index})
		return ts
	}
	ts := startServer(tb, nil)
	// The reviews state no licence: the repository never ships them (testdata/README.md).
	path := os.Getenv("PORTAL_BENCH_REVIEWS")
	if path == "" {
		tb.Skip("the real shopping reviews are not in the repository: set PORTAL_BENCH_REVIEWS=path/to/online_shopping_10_cats.zip")
	}
	reviews, err := app.ReadReviews(path, benchEnv("PORTAL_BENCH_LIMIT", 300))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := app.LoadReviews(context.Background(), ts.srv.Store(), reviews, "330100", func(int) {}); err != nil {
		tb.Fatal(err)
	}
	if t, ok := tb.(*testing.T); ok {
		importCPSC(t, ts.srv.Store())
	}
	waitBacklog(tb, ts, 2*time.Minute)
	return ts
}

func waitBacklog(tb testing.TB, ts *testServer, limit time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		n, err := ts.srv.Store().SearchBacklog(context.Background())
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("indexing backlog %d after %s (%v)", n, limit, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// search answers GET /api/v1/search for token.
func (ts *testServer) searchTB(tb testing.TB, client *http.Client, token, q string) (searchAnswer, error) {
	req, err := http.NewRequest("GET", ts.URL+"/api/v1/search?"+url.Values{"q": {q}, "limit": {"10"}}.Encode(), nil)
	if err != nil {
		return searchAnswer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return searchAnswer{}, err
	}
	defer res.Body.Close()
	var a searchAnswer
	if res.StatusCode != 200 {
		return a, fmt.Errorf("search %q: %d", q, res.StatusCode)
	}
	return a, json.NewDecoder(res.Body).Decode(&a)
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkSearch reports commit-to-searchable p50/p95, and /api/v1/search p50/p99 under 20
// concurrent clients beside the same queries sent straight to Meilisearch with the same filter,
// facets and attributes (search/query.go; the portal marks the matches itself), over the same
// transport (search.Connect).
func BenchmarkSearch(b *testing.B) {
	ts := benchServer(b)
	ctx := context.Background()
	consumer := ts.token(b, "consumer")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}

	// Commit to searchable: file a complaint with a word of its own, poll until it is found.
	var lags []time.Duration
	for i := range benchEnv("PORTAL_BENCH_SAMPLES", 10) {
		word := fmt.Sprintf("benchword%dx%d", time.Now().UnixNano()%1_000_000_007, i)
		body := complaintBody()
		body["description"] = "测试投诉 " + word + " 充电宝鼓包。"
		r := ts.do(b, "POST", "/api/v1/complaints", consumer, body)
		if r.Status != 201 {
			b.Fatalf("file complaint: %d %s", r.Status, r.Body)
		}
		committed := time.Now()
		for {
			a, err := ts.searchTB(b, client, consumer, word)
			if err != nil {
				b.Fatal(err)
			}
			if len(a.Hits) > 0 && !a.Degraded {
				lags = append(lags, time.Since(committed))
				break
			}
			if time.Since(committed) > 30*time.Second {
				b.Fatalf("%s not searchable within 30s", word)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitBacklog(b, ts, time.Minute)

	// The same queries, through the portal and straight to Meilisearch.
	user := ts.users["consumer"]
	policy, err := ts.srv.Store().LoadPolicy()
	if err != nil {
		b.Fatal(err)
	}
	filter := search.AccessFilter(search.ViewerOf(user, policy))
	meili := search.Connect(os.Getenv("MEILI_URL"), os.Getenv("MEILI_MASTER_KEY"))
	index := meili.Index(ts.srv.Search().Index())
	queries := make([]string, len(relevanceQueries))
	for i, q := range relevanceQueries {
		queries[i] = q.Query
	}
	requests := benchEnv("PORTAL_BENCH_REQUESTS", 400)
	run := func(one func(q string) error) []time.Duration {
		var mu sync.Mutex
		var out []time.Duration
		var wg sync.WaitGroup
		for c := range 20 {
			wg.Go(func() {
				var mine []time.Duration
				for i := c; i < requests; i += 20 {
					started := time.Now()
					if err := one(queries[i%len(queries)]); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(started))
				}
				mu.Lock()
				out = append(out, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		return out
	}
	direct := func(q string) error {
		_, err := index.SearchRaw(ctx, q, &meilisearch.SearchRequest{
			Limit: 10, Filter: filter, Facets: search.Facets,
			AttributesToRetrieve: []string{"type", "record_id", "number", "title", "body", "url", "status", "category", "level", "jurisdiction", "date"}})
		return err
	}
	portal := func(q string) error {
		a, err := ts.searchTB(b, client, consumer, q)
		if err == nil && a.Degraded {
			err = fmt.Errorf("search %q answered from Postgres", q)
		}
		return err
	}
	run(direct) // warm both
	run(portal)
	b.ResetTimer()
	for b.Loop() {
		viaMeili := run(direct)
		viaPortal := run(portal)
		b.ReportMetric(ms(percentile(viaPortal, 0.5)), "api-p50-ms")
		b.ReportMetric(ms(percentile(viaPortal, 0.99)), "api-p99-ms")
		b.ReportMetric(ms(percentile(viaMeili, 0.5)), "meili-p50-ms")
		b.ReportMetric(ms(percentile(viaMeili, 0.99)), "meili-p99-ms")
		b.ReportMetric(float64(percentile(viaPortal, 0.5))/float64(percentile(viaMeili, 0.5)), "overhead-p50-x")
		b.ReportMetric(float64(percentile(viaPortal, 0.99))/float64(percentile(viaMeili, 0.99)), "overhead-p99-x")
	}
	b.ReportMetric(ms(percentile(lags, 0.5)), "c2s-p50-ms")
	b.ReportMetric(ms(percentile(lags, 0.95)), "c2s-p95-ms")
	b.Logf("commit to searchable over %d samples: p50 %s p95 %s", len(lags), percentile(lags, 0.5), percentile(lags, 0.95))
}

// relevanceQuery is one query of docs/search-relevance.md: a good answer is a hit of the type
// whose title or snippet matches Good.
type relevanceQuery struct {
	Query string
	Type  string
	Good  string // a regular expression, case-insensitive
}

// relevanceQueries are docs/search-relevance.md's queries; keep the two the same.
var relevanceQueries = []relevanceQuery{
	{"平板 死机", "complaint", `死机|卡死|重启`},
	{"屏幕 坏点", "complaint", `坏点|亮点`},
	{"手机 发热", "complaint", `发热|发烫|烫`},
	{"电池 不耐用", "complaint", `不耐用|续航|待机|耗电`},
	{"水果 烂了", "complaint", `烂`},
	{"苹果 不新鲜", "complaint", `新鲜|烂|坏|蔫`},
	{"洗发水 假货", "complaint", `假`},
	{"头皮 痒", "complaint", `痒|头屑`},
	{"热水器 漏水", "complaint", `漏水|漏`},
	{"热水器 安装费", "complaint", `安装费|安装.{0,6}(费|钱|收)`},
	{"牛奶 变质", "complaint", `变质|坏了|过期|酸`},
	{"蒙牛 过期", "complaint", `过期|日期`},
	{"衣服 色差", "complaint", `色差|颜色`},
	{"衣服 起球", "complaint", `起球`},
	{"尺码 偏小", "complaint", `偏小|小了|码`},
	{"电脑 蓝屏", "complaint", `蓝屏`},
	{"笔记本 散热", "complaint", `散热|热|风扇`},
	{"酒店 隔音", "complaint", `隔音|吵|噪`},
	{"酒店 不干净", "complaint", `干净|脏|卫生`},
	{"盗版 书", "complaint", `盗版`},
	{"印刷 质量差", "complaint", `印刷|纸`},
	{"物流 太慢", "complaint", `慢`},
	{"客服 态度差", "complaint", `客服|态度`},
	{"京东 发货", "complaint", `京东|发货`},
	{"联想 笔记本", "complaint", `联想`},
	{"海尔 热水器", "complaint", `海尔[\s\S]*热水器|热水器[\s\S]*海尔`},
	{"choking hazard", "alert", `chok`},
	{"chokking", "alert", `chok`},
	{"fire hazard", "alert", `fire|burn`},
	{"strangulation", "alert", `strangul`},
	{"lead paint", "alert", `lead`},
	{"magnets swallowed", "alert", `magnet`},
	{"crib", "alert", `crib`},
	{"stroller", "alert", `stroller`},
	{"chemical risk cosmetics", "alert", `chemical`},
	{"electric shock", "alert", `shock|electric`},
}

var markTags = regexp.MustCompile(`</?mark>`)

// TestSearchRelevance counts the queries of docs/search-relevance.md with a good answer in the
// top ten. A benchmark: it runs only with PORTAL_BENCH_REVIEWS (or PORTAL_BENCH_DATABASE_URL).
func TestSearchRelevance(t *testing.T) {
	if os.Getenv("PORTAL_BENCH_REVIEWS") == "" && os.Getenv("PORTAL_BENCH_DATABASE_URL") == "" {
		t.Skip("a benchmark: set PORTAL_BENCH_REVIEWS=path/to/online_shopping_10_cats.zip")
	}
	ts := benchServer(t)
	consumer := ts.token(t, "consumer")
	client := &http.Client{Timeout: 10 * time.Second}
	good, precision := 0, 0.0
	for _, q := range relevanceQueries {
		a, err := ts.searchTB(t, client, consumer, q.Query)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile("(?i)" + q.Good)
		goodHits := 0
		for _, h := range a.Hits {
			if h.Type == q.Type && re.MatchString(markTags.ReplaceAllString(h.Title+" "+h.Snippet, "")) {
				goodHits++
			}
		}
		ok := goodHits > 0
		if ok {
			good++
		}
		precision += float64(goodHits) / 10
		first := ""
		if len(a.Hits) > 0 {
			first = strings.Join(strings.Fields(markTags.ReplaceAllString(a.Hits[0].Snippet, "")), " ")
			first = string([]rune(first)[:min(len([]rune(first)), 50)])
		}
		t.Logf("%-5v %-24q %2d/10 good, %3d hits (total %d); first: %s", ok, q.Query, goodHits, len(a.Hits), a.Total, first)
	}
	t.Logf("relevance: %d of %d queries have a good answer in the top 10; mean precision at 10: %.2f",
		good, len(relevanceQueries), precision/float64(len(relevanceQueries)))
}
