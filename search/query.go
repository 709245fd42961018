package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/hzcbec/portal/models"
)

// Limits of a search request.
const (
	DefaultLimit = 20
	MaxLimit     = 50
	MaxQueryLen  = 200
)

// Request is one search: the words, the document types to look in (all when empty) and how
// many hits to answer.
type Request struct {
	Query string
	Types []string
	Limit int
}

// Validate checks the request's fields and fills in the defaults.
func (r *Request) Validate() error {
	r.Query = strings.TrimSpace(r.Query)
	var fields []models.FieldError
	if len([]rune(r.Query)) > MaxQueryLen {
		fields = append(fields, models.FieldError{Field: "q", Rule: "max", Param: fmt.Sprint(MaxQueryLen)})
	}
	var types []string
	for _, t := range r.Types {
		if !slices.Contains(models.SearchTypes, t) {
			fields = append(fields, models.FieldError{Field: "types", Rule: "oneof", Param: strings.Join(models.SearchTypes, " ")})
			break
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	r.Types = types
	switch {
	case r.Limit == 0:
		r.Limit = DefaultLimit
	case r.Limit < 1 || r.Limit > MaxLimit:
		fields = append(fields, models.FieldError{Field: "limit", Rule: "between", Param: fmt.Sprintf("1-%d", MaxLimit)})
	}
	if len(r.Types) == 0 {
		r.Types = models.SearchTypes
	}
	if len(fields) > 0 {
		return models.Invalid(fields...)
	}
	return nil
}

// Hit is one record found. Title is text; TitleHTML and Snippet are HTML, escaped, with the
// words that matched in <mark>.
type Hit struct {
	Type         string    `json:"type"`
	ID           string    `json:"id"`
	Number       string    `json:"number,omitempty"`
	Title        string    `json:"title"`
	TitleHTML    string    `json:"title_html"`
	Snippet      string    `json:"snippet"`
	URL          string    `json:"url"`
	Status       string    `json:"status,omitempty"`
	Category     string    `json:"category,omitempty"`
	Level        string    `json:"level,omitempty"`
	Jurisdiction string    `json:"jurisdiction,omitempty"`
	Date         time.Time `json:"date"`
}

// Result is a search's answer. Facets count the hits the caller may see by type, status,
// jurisdiction, category, level and hazard. Degraded is true when Postgres answered because
// Meilisearch did not (in time).
type Result struct {
	Hits     []Hit                     `json:"hits"`
	Facets   map[string]map[string]int `json:"facets"`
	Total    int                       `json:"total"`
	Degraded bool                      `json:"degraded"`
}

// cropWords is how long a snippet is: cropWords*3 runes around the first match.
const cropWords = 24

// Search finds what the viewer may see, from Meilisearch, or from Postgres when Meilisearch
// is down, not set up or slower than QueryTimeout. The request must be valid.
func (c *Client) Search(ctx context.Context, v models.SearchViewer, req Request) (*Result, error) {
	if c.Ready() && !c.skip() {
		res, err := c.searchIndex(ctx, v, req)
		if err == nil {
			return res, nil
		}
		switch {
		case ctx.Err() != nil: // the caller is gone, not Meilisearch
		case unavailable(err):
			c.markDown()
		case indexProblem(err):
			c.mu.Lock()
			c.setUp = false // Run sets the index up again
			c.mu.Unlock()
		}
		slog.Warn("search answers from Postgres", "err", err)
	}
	return c.fallback(ctx, v, req)
}

// indexProblem tells an index that is gone or lacks its settings (deleted, or recreated by
// an indexing job before Setup ran) from other refusals.
func indexProblem(err error) bool {
	var me *meilisearch.Error
	if !errors.As(err, &me) {
		return false
	}
	switch me.APIError.Code {
	case "index_not_found", "invalid_search_filter", "invalid_search_facets", "invalid_search_sort":
		return true
	}
	return false
}

func (c *Client) searchIndex(ctx context.Context, v models.SearchViewer, req Request) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, QueryTimeout)
	defer cancel()
	filter := accessFilter(v)
	if len(req.Types) < len(models.SearchTypes) {
		filter += " AND type IN " + list(req.Types)
	}
	sr := &meilisearch.SearchRequest{
		Limit:                int64(req.Limit),
		Filter:               filter,
		Facets:               Facets,
		AttributesToRetrieve: []string{"type", "record_id", "number", "title", "body", "url", "status", "category", "level", "jurisdiction", "date"},
		// No highlighting or cropping by Meilisearch: it cut the searches a machine answers by a
		// third (docs/benchmarks.md, "Search"). The hits are marked below by the highlighter the
		// Postgres fallback uses, so both answers look alike; a word matched only with a typo
		// is found but not marked.
	}
	if req.Query == "" {
		sr.Sort = []string{"date:desc"}
	}
	raw, err := c.meili.Index(c.index).SearchRaw(ctx, req.Query, sr)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Hits               []Document                `json:"hits"`
		FacetDistribution  map[string]map[string]int `json:"facetDistribution"`
		EstimatedTotalHits int                       `json:"estimatedTotalHits"`
	}
	if err := json.Unmarshal(*raw, &answer); err != nil {
		return nil, fmt.Errorf("meilisearch: reading the answer: %w", err)
	}
	res := &Result{Hits: make([]Hit, 0, len(answer.Hits)), Facets: answer.FacetDistribution, Total: answer.EstimatedTotalHits}
	if res.Facets == nil {
		res.Facets = map[string]map[string]int{}
	}
	terms := queryTerms(req.Query)
	for _, d := range answer.Hits {
		hit := newHit(d)
		hit.TitleHTML = highlight(d.Title, terms, 0)
		hit.Snippet = highlight(d.Body, terms, cropWords*3)
		res.Hits = append(res.Hits, hit)
	}
	return res, nil
}

func newHit(d Document) Hit {
	return Hit{Type: d.Type, ID: d.RecordID, Number: d.Number, Title: d.Title, URL: d.URL, Status: d.Status,
		Category: d.Category, Level: d.Level, Jurisdiction: d.Jurisdiction, Date: time.Unix(d.Date, 0).UTC()}
}
