package search

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hzcbec/portal/models"
)

// fallbackCandidates bounds the records Postgres reads for one degraded search; the facets
// count those.
const fallbackCandidates = 500

// fallback answers from Postgres: the same access rules (the viewer's ids, party, jurisdiction,
// roles and the kinds their policy lets them read), each query word or one of its synonyms in
// the record's own text, newest first. The documents are built as the index would hold them,
// and checked again, so a ruling is found by its anonymised text only.
func (c *Client) fallback(ctx context.Context, v models.SearchViewer, req Request) (*Result, error) {
	terms := queryTerms(req.Query)
	rows, err := c.store.SearchFallback(ctx, models.SearchMatch{Types: req.Types, Terms: terms, Viewer: v, Limit: fallbackCandidates})
	if err != nil {
		return nil, fmt.Errorf("search from Postgres: %w", err)
	}
	res := &Result{Hits: []Hit{}, Facets: map[string]map[string]int{}, Degraded: true}
	for _, r := range rows {
		d := NewDocument(r)
		if !matchesAll(d.text(), terms) {
			continue
		}
		res.Total++
		count(res.Facets, "type", d.Type)
		count(res.Facets, "status", d.Status)
		count(res.Facets, "jurisdiction", d.Jurisdiction)
		count(res.Facets, "category", d.Category)
		count(res.Facets, "level", d.Level)
		for _, h := range d.Hazards {
			count(res.Facets, "hazards", h)
		}
		if len(res.Hits) < req.Limit {
			hit := newHit(d)
			hit.TitleHTML = highlight(d.Title, terms, 0)
			hit.Snippet = highlight(d.Body, terms, cropWords*3)
			res.Hits = append(res.Hits, hit)
		}
	}
	return res, nil
}

func count(facets map[string]map[string]int, facet, value string) {
	if value == "" {
		return
	}
	if facets[facet] == nil {
		facets[facet] = map[string]int{}
	}
	facets[facet][value]++
}

// queryTerms cuts a query into terms, each with its alternatives (itself and its synonyms).
// Words are cut at spaces, and a run of Chinese at the synonym words it holds (充电宝鼓包 is
// 充电宝 and 鼓包), since Chinese has no spaces and Postgres no segmenter; "power bank" stays
// one term.
func queryTerms(q string) [][]string {
	syn := Synonyms()
	tokens := strings.Fields(strings.ToLower(q))
	var terms [][]string
	for i := 0; i < len(tokens); {
		n := 1
		for k := min(3, len(tokens)-i); k > 1; k-- {
			if _, ok := syn[strings.Join(tokens[i:i+k], " ")]; ok {
				n = k
				break
			}
		}
		phrase := strings.Join(tokens[i:i+n], " ")
		i += n
		for _, piece := range splitAtWords(phrase, syn) {
			terms = append(terms, append([]string{piece}, syn[piece]...))
		}
	}
	return terms
}

// splitAtWords cuts s where it holds a known word (longest first, leftmost first); a word of
// ASCII letters is not cut.
func splitAtWords(s string, words map[string][]string) []string {
	if !hasHan(s) {
		return []string{s}
	}
	r := []rune(s)
	var out []string
	start := 0
	for i := 0; i < len(r); {
		best := 0
		for w := range words {
			wr := []rune(w)
			if len(wr) > best && hasHan(w) && i+len(wr) <= len(r) && string(r[i:i+len(wr)]) == w {
				best = len(wr)
			}
		}
		if best == 0 {
			i++
			continue
		}
		if start < i {
			out = append(out, string(r[start:i]))
		}
		out = append(out, string(r[i:i+best]))
		i += best
		start = i
	}
	if start < len(r) {
		out = append(out, string(r[start:]))
	}
	return out
}

func hasHan(s string) bool {
	for _, c := range s {
		if unicode.Is(unicode.Han, c) {
			return true
		}
	}
	return false
}

// matchesAll tells whether text holds, for every term, one of its alternatives.
func matchesAll(text string, terms [][]string) bool {
	text = strings.ToLower(text)
	for _, alternatives := range terms {
		found := false
		for _, a := range alternatives {
			if strings.Contains(text, a) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// highlight escapes text for HTML with every occurrence of the terms in <mark>; with a crop
// length in runes, only that much of the text around the first occurrence, "…" where it is cut.
func highlight(text string, terms [][]string, crop int) string {
	r := []rune(text)
	// The lower-cased text has a rune for each of text's, though not always of the same size:
	// runeAt maps its byte offsets to rune indexes.
	lower := strings.Map(unicode.ToLower, text)
	// (A match of valid UTF-8 in valid UTF-8 starts and ends where runes do.)
	runeAt := make([]int, len(lower)+1)
	n := 0
	for i := range lower {
		runeAt[i] = n
		n++
	}
	runeAt[len(lower)] = n
	marks := make([]bool, len(r))
	first := -1
	for _, alternatives := range terms {
		for _, a := range alternatives {
			if a == "" {
				continue
			}
			for off := 0; ; {
				k := strings.Index(lower[off:], a)
				if k < 0 {
					break
				}
				from, to := runeAt[off+k], runeAt[off+k+len(a)]
				for j := from; j < to; j++ {
					marks[j] = true
				}
				if first < 0 || from < first {
					first = from
				}
				off += k + len(a)
			}
		}
	}
	from, to := 0, len(r)
	if crop > 0 && len(r) > crop {
		from = max(0, first-crop/3)
		to = min(len(r), from+crop)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	for i := from; i < to; i++ {
		if marks[i] && (i == from || !marks[i-1]) {
			b.WriteString("<mark>")
		}
		b.WriteString(htmlRune(r[i]))
		if marks[i] && (i == to-1 || !marks[i+1]) {
			b.WriteString("</mark>")
		}
	}
	if to < len(r) {
		b.WriteString("…")
	}
	return b.String()
}

func htmlRune(c rune) string {
	switch c {
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	case '&':
		return "&amp;"
	case '"':
		return "&#34;"
	case '\'':
		return "&#39;"
	}
	return string(c)
}
