package search

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/meilisearch/meilisearch-go"
)

// primaryKey is the documents' id: "<type>-<record id>" (Meilisearch ids allow no colon).
const primaryKey = "id"

// searchable are the attributes a query looks in, the most telling first: a word in a title
// ranks above the same word in a description (ranking rule "attribute").
var searchable = []string{"title", "number", "body", "parties", "keywords"}

// filterable are the attributes a query may filter and count (facets) by, and those that say
// who may see a document.
var filterable = []string{
	"type", "status", "jurisdiction", "category", "level", "hazards", "origin_country", "party_ids",
	"record_id", "date", "created_at", "updated_at",
	"public", "access",
}

// sortable are the dates, in unix seconds.
var sortable = []string{"date", "created_at", "updated_at"}

// Facets are the attributes a search answer counts its hits by.
var Facets = []string{"type", "status", "jurisdiction", "category", "level", "hazards"}

// synonymGroups are words that mean the same thing here, in Chinese and English, each one a
// synonym of every other of its group: a consumer writes 充电宝, an inspector 移动电源, a
// Safety Gate alert "power bank".
var synonymGroups = [][]string{
	{"充电宝", "移动电源", "power bank", "powerbank"},
	{"假货", "仿冒", "假冒", "冒牌", "仿品", "counterfeit", "fake"},
	{"鼓包", "膨胀", "swelling", "swollen", "bulging"},
	{"童装", "儿童服装", "children's clothing", "childrenswear", "kids clothing"},
	{"召回", "recall", "recalled"},
	{"起火", "着火", "失火", "fire"},
	{"烧伤", "烫伤", "burns"},
	{"触电", "电击", "electric shock", "electric_shock"},
	{"窒息", "choking", "suffocation", "asphyxiation"},
	{"勒颈", "strangulation"},
	{"割伤", "划伤", "cuts"},
	{"过热", "发烫", "发热", "overheating", "overheat"},
	{"锂电池", "lithium battery", "li-ion battery"},
	{"电池", "battery", "batteries"},
	{"充电器", "charger"},
	{"玩具", "toy", "toys"},
	{"婴儿", "宝宝", "baby", "infant"},
	{"奶粉", "配方奶粉", "infant formula", "baby formula"},
	{"化妆品", "cosmetics"},
	{"化学品", "化学", "chemical"},
	{"退款", "refund"},
	{"退货", "return"},
	{"售后", "after-sales", "after sales"},
	{"货不对板", "与描述不符", "not as described"},
	{"未发货", "没发货", "不发货", "non-delivery", "not delivered"},
	{"下架", "delist", "delisted"},
	{"检测", "检验", "inspection", "test"},
	{"不合格", "non-conformant", "nonconforming"},
}

// Synonyms is synonymGroups as Meilisearch wants them: every word to every other of its group.
func Synonyms() map[string][]string {
	out := map[string][]string{}
	for _, g := range synonymGroups {
		for _, w := range g {
			for _, o := range g {
				if o != w {
					out[w] = append(out[w], o)
				}
			}
		}
	}
	return out
}

// settings are the index settings, all given explicitly so that a new or an old index ends up
// the same.
func settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: searchable,
		FilterableAttributes: filterable,
		SortableAttributes:   sortable,
		DisplayedAttributes:  []string{"*"},
		// Newer first among equally good matches.
		RankingRules: []string{"words", "typo", "proximity", "attribute", "sort", "exactness", "date:desc"},
		Synonyms:     Synonyms(),
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled: true,
			// One typo from four letters ("powr bank"), two from nine.
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 4, TwoTypos: 9},
			// Numbers, GTINs and order references match exactly or not at all.
			DisableOnAttributes: []string{"number"},
			DisableOnWords:      []string{},
			DisableOnNumbers:    true,
		},
		// The text is Chinese or English: tell the tokenizer, which otherwise may take a short
		// Chinese text for Japanese and cut it into the wrong words.
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{
			{Locales: []string{"cmn", "eng"}, AttributePatterns: []string{"title", "body", "parties", "keywords"}},
		},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: 100, SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount}},
		Pagination: &meilisearch.Pagination{MaxTotalHits: 1000},
	}
}

// Setup makes sure the index exists with primary key "id" and has the settings, and waits for
// both tasks and checks that they succeeded. The portal calls it at start-up, with a deadline,
// and again in the background until it succeeds.
func (c *Client) Setup(ctx context.Context) error {
	callCtx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	info, err := c.meili.GetIndex(callCtx, c.index)
	var me *meilisearch.Error
	switch {
	case errors.As(err, &me) && me.StatusCode == http.StatusNotFound:
		task, err := c.meili.CreateIndex(callCtx, &meilisearch.IndexConfig{Uid: c.index, PrimaryKey: primaryKey})
		if err != nil {
			return c.failed(fmt.Errorf("meilisearch: creating index %s: %w", c.index, err))
		}
		if err := c.wait(ctx, task, "creating the index"); err != nil {
			// Another portal may have created it at the same time.
			if !strings.Contains(err.Error(), "index_already_exists") {
				return c.failed(err)
			}
		}
	case err != nil:
		return c.failed(fmt.Errorf("meilisearch: reading index %s: %w", c.index, err))
	case info.PrimaryKey == "":
		task, err := c.meili.Index(c.index).UpdateIndex(callCtx, &meilisearch.UpdateIndexRequestParams{PrimaryKey: primaryKey})
		if err != nil {
			return c.failed(fmt.Errorf("meilisearch: setting the primary key of %s: %w", c.index, err))
		}
		if err := c.wait(ctx, task, "setting the primary key"); err != nil {
			return c.failed(err)
		}
	case info.PrimaryKey != primaryKey:
		return fmt.Errorf("meilisearch: index %s has primary key %q, not %q: delete it and run `portal reindex`", c.index, info.PrimaryKey, primaryKey)
	}
	task, err := c.meili.Index(c.index).UpdateSettings(callCtx, settings())
	if err != nil {
		return c.failed(fmt.Errorf("meilisearch: updating the settings of %s: %w", c.index, err))
	}
	if err := c.wait(ctx, task, "updating the settings"); err != nil {
		return c.failed(err)
	}
	c.markUp()
	c.mu.Lock()
	c.setUp = true
	c.mu.Unlock()
	return nil
}

// failed notes an outage when err says Meilisearch did not answer, and returns err.
func (c *Client) failed(err error) error {
	if unavailable(err) {
		c.markDown()
	}
	return err
}

// Ready tells whether Setup has succeeded.
func (c *Client) Ready() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.setUp
}
