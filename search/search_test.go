package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/models"
)

// A real Meilisearch (MEILI_URL): Setup creates the index with its primary key and every
// setting, waits for the tasks, and can run again.
func TestSetupSetsTheIndexUpExplicitly(t *testing.T) {
	if os.Getenv("MEILI_URL") == "" {
		t.Fatal("MEILI_URL is not set: run the tests with `make test`, which starts Meilisearch")
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	c, err := Open(os.Getenv("MEILI_URL"), os.Getenv("MEILI_MASTER_KEY"), "test_setup_"+hex.EncodeToString(buf), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Cleanup(func() { _ = c.DeleteIndex(context.Background()) })
	for range 2 {
		if err := c.Setup(ctx); err != nil {
			t.Fatal(err)
		}
	}
	info, err := c.meili.GetIndex(ctx, c.index)
	if err != nil || info.PrimaryKey != "id" {
		t.Fatalf("index: %+v %v", info, err)
	}
	s, err := c.meili.Index(c.index).GetSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"type", "access", "status", "jurisdiction", "public", "hazards", "date"} {
		if !slices.Contains(s.FilterableAttributes, a) {
			t.Errorf("%s is not filterable: %v", a, s.FilterableAttributes)
		}
	}
	if !slices.Equal(s.SearchableAttributes, searchable) || !slices.Contains(s.SortableAttributes, "date") {
		t.Errorf("searchable %v, sortable %v", s.SearchableAttributes, s.SortableAttributes)
	}
	if !slices.Contains(s.Synonyms["充电宝"], "移动电源") || !slices.Contains(s.Synonyms["power bank"], "充电宝") || !s.TypoTolerance.Enabled {
		t.Errorf("synonyms %v, typo tolerance %+v", s.Synonyms["充电宝"], s.TypoTolerance)
	}
	if !c.Ready() {
		t.Error("not ready after Setup")
	}
}

func TestSetupAgainstNoServerFailsFast(t *testing.T) {
	c, err := Open("http://127.0.0.1:1", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Setup(context.Background()); err == nil || !unavailable(err) {
		t.Fatalf("Setup without a server: %v", err)
	}
	if c.Ready() || c.outage() == 0 || !c.skip() {
		t.Errorf("after a refused Setup: ready %v, outage %s, skip %v", c.Ready(), c.outage(), c.skip())
	}
	if d := c.snoozeFor(); d < 500*time.Millisecond || d > time.Minute {
		t.Errorf("snooze %s", d)
	}
}

func TestSynonymsGoBothWays(t *testing.T) {
	syn := Synonyms()
	for w, others := range syn {
		if w != strings.ToLower(w) {
			t.Errorf("%q: synonyms are lower case", w)
		}
		for _, o := range others {
			if !slices.Contains(syn[o], w) {
				t.Errorf("%q → %q but not back", w, o)
			}
		}
	}
	for _, g := range [][2]string{{"充电宝", "power bank"}, {"假货", "counterfeit"}, {"鼓包", "膨胀"}, {"童装", "儿童服装"}, {"召回", "recall"}, {"起火", "着火"}} {
		if !slices.Contains(syn[g[0]], g[1]) {
			t.Errorf("%s is not a synonym of %s", g[1], g[0])
		}
	}
}

func TestAccessFilterNamesEachRelationInItsScope(t *testing.T) {
	if got := accessFilter(ViewerOf(nil, nil)); got != `(public = true)` {
		t.Errorf("public: %s", got)
	}
	rel := func(name string) models.Relation {
		for _, r := range models.Relations["complaint"] {
			if r.Name == name {
				return r
			}
		}
		t.Fatalf("no relation %s", name)
		return models.Relation{}
	}
	v := models.SearchViewer{Kinds: []string{"product", "alert"}, Reads: []models.Access{{Object: "complaint", Clauses: []models.Clause{
		{Relation: rel("respondent"), Value: `shop"1`, Scope: models.Scope{{State: "*", Jurisdiction: "*"}}},
		{Relation: rel("jurisdiction_inspector"), Value: "330106", Scope: models.Scope{{State: "filed", Jurisdiction: "*"}, {State: "*", Jurisdiction: "330106"}}},
		{Relation: rel("administrator"), Scope: models.Scope{{State: "resolved", Jurisdiction: "330102"}}},
	}}}}
	want := `(public = true OR type IN ["product", "alert"] OR (type = "complaint" AND access = "respondent:shop\"1")` +
		` OR (type = "complaint" AND access = "jurisdiction_inspector:330106" AND ((status = "filed") OR (jurisdiction = "330106")))` +
		` OR (type = "complaint" AND access = "administrator" AND ((status = "resolved" AND jurisdiction = "330102"))))`
	if got := accessFilter(v); got != want {
		t.Errorf("filter:\n got %s\nwant %s", got, want)
	}
}

func TestQueryTermsCutChineseAtKnownWords(t *testing.T) {
	got := queryTerms("充电宝鼓包  Power Bank 发烫")
	var heads []string
	for _, term := range got {
		heads = append(heads, term[0])
	}
	if !slices.Equal(heads, []string{"充电宝", "鼓包", "power bank", "发烫"}) {
		t.Fatalf("terms %v", heads)
	}
	if !slices.Contains(got[0], "移动电源") || !slices.Contains(got[2], "充电宝") {
		t.Errorf("alternatives %v", got)
	}
	if len(queryTerms("")) != 0 {
		t.Error("an empty query has terms")
	}
}

func TestHighlightEscapesAndMarks(t *testing.T) {
	text := "<b>移动电源</b> swelled & burnt; " + strings.Repeat("很长的描述", 40)
	got := highlight(text, queryTerms("充电宝"), 30)
	if !strings.HasPrefix(got, "&lt;b&gt;<mark>移动电源</mark>&lt;/b&gt; swelled &amp; burnt") || !strings.HasSuffix(got, "…") {
		t.Errorf("highlight: %s", got)
	}
	if !matchesAll("外壳鼓包的移动电源", queryTerms("充电宝 鼓包")) || matchesAll("外壳鼓包", queryTerms("充电宝 鼓包")) {
		t.Error("matchesAll")
	}
}

func TestRulingDocumentsAreAnonymised(t *testing.T) {
	d := NewDocument(models.SearchRow{Type: "ruling", ID: "c1", Title: "AR-1 Shop", Body: "王小明 13812345678 wang@example.com 鼓包",
		AnonName: "王小明", AnonEmail: "wang@example.com", Date: time.Unix(1700000000, 0), Public: true, Parties: []string{"Shop", "", "Shop"}})
	if strings.Contains(d.Body, "王小明") || strings.Contains(d.Body, "13812345678") || strings.Contains(d.Body, "wang@") {
		t.Errorf("ruling body %q", d.Body)
	}
	if d.ID != "ruling-c1" || d.Date != 1700000000 || !slices.Equal(d.Parties, []string{"Shop"}) || d.Access == nil {
		t.Errorf("document %+v", d)
	}
	if id := DocumentID("complaint", "a:b"); !strings.HasPrefix(id, "complaint--") || !safeID.MatchString(id) {
		t.Errorf("id %s", id)
	}
}

func TestRequestValidate(t *testing.T) {
	r := Request{Query: "  充电宝 "}
	if err := r.Validate(); err != nil || r.Query != "充电宝" || r.Limit != DefaultLimit || len(r.Types) != len(models.SearchTypes) {
		t.Fatalf("%+v %v", r, err)
	}
	r = Request{Types: []string{"alert", "alert", "ruling"}}
	if err := r.Validate(); err != nil || !slices.Equal(r.Types, []string{"alert", "ruling"}) {
		t.Fatalf("repeated types: %+v %v", r, err)
	}
	for _, bad := range []Request{{Limit: 51}, {Limit: -1}, {Types: []string{"user"}}, {Query: strings.Repeat("x", 201)}} {
		if err := bad.Validate(); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// Marks land on the right runes when lower-casing changes a rune's size (İ is two bytes, i one).
func TestHighlightAfterResizedRunes(t *testing.T) {
	got := highlight("İİ Power Bank 充电宝 power bank", queryTerms("power bank"), 0)
	want := "İİ <mark>Power Bank</mark> <mark>充电宝</mark> <mark>power bank</mark>"
	if got != want {
		t.Errorf("highlight:\n got %s\nwant %s", got, want)
	}
}
