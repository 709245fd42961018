package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"github.com/hzcbec/portal/models"
)

// pageSize is how many records reindexing and checking read and send at a time.
const pageSize = 500

// Reindex makes the whole index the same as Postgres: settings, every record's documents, and
// no document of a record that is gone. progress is told how many records are done of how many.
// Writes may go on meanwhile: each record is read and sent under its lock, like the worker does.
func (c *Client) Reindex(ctx context.Context, progress func(done, total int)) error {
	if err := c.Setup(ctx); err != nil {
		return err
	}
	total := 0
	for _, t := range models.SearchTables {
		n, err := c.store.SearchCount(ctx, t)
		if err != nil {
			return err
		}
		total += n
	}
	done := 0
	progress(done, total)
	seen := map[string]bool{}
	for _, table := range models.SearchTables {
		err := c.eachPage(ctx, table, func(ids []string) error {
			sent, err := c.indexRecords(ctx, table, ids)
			if err != nil {
				return err
			}
			for _, id := range sent {
				seen[id] = true
			}
			done += len(ids)
			progress(done, max(total, done))
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Documents left of records that are gone: index their records again, which deletes them
	// (or, for a record written meanwhile, sends it as it is now).
	extra, err := c.extras(ctx, seen)
	if err != nil {
		return err
	}
	stale := map[string][]string{}
	for _, d := range extra {
		stale[d.Table] = append(stale[d.Table], d.RecordID)
	}
	for table, ids := range stale {
		for chunk := range slices.Chunk(ids, pageSize) {
			if err := c.IndexRecords(ctx, table, chunk); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Client) eachPage(ctx context.Context, table string, fn func(ids []string) error) error {
	after := ""
	for {
		ids, err := c.store.SearchIDs(ctx, table, after, pageSize)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if err := fn(ids); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
}

// Difference is one way the index differs from Postgres.
type Difference struct {
	Problem  string   `json:"problem"` // missing, extra or stale
	Type     string   `json:"type"`    // the document type
	Table    string   `json:"table"`   // the record's kind
	RecordID string   `json:"record_id"`
	Fields   []string `json:"fields,omitempty"` // of a stale document, those that differ
}

// String names the difference for a person.
func (d Difference) String() string {
	switch d.Problem {
	case "missing":
		return fmt.Sprintf("missing: %s %s is in Postgres, not in the index", d.Type, d.RecordID)
	case "extra":
		return fmt.Sprintf("extra:   %s %s is in the index, not in Postgres", d.Type, d.RecordID)
	}
	return fmt.Sprintf("stale:   %s %s differs in %s", d.Type, d.RecordID, strings.Join(d.Fields, ", "))
}

// Check compares every record in Postgres with its documents in the index and names every
// difference: documents missing, documents of records that are gone (or of cases no longer
// published) and documents that differ from what the record gives now. Indexing jobs still
// waiting (models.Store.SearchBacklog) show up as differences until they have run.
func (c *Client) Check(ctx context.Context) ([]Difference, error) {
	var diffs []Difference
	seen := map[string]bool{}
	for _, table := range models.SearchTables {
		err := c.eachPage(ctx, table, func(ids []string) error {
			var want []Document
			err := c.store.SearchRecords(ctx, table, ids, func(rows []models.SearchRow) error {
				for _, r := range rows {
					want = append(want, NewDocument(r))
				}
				return nil
			})
			if err != nil {
				return err
			}
			have, err := c.documents(ctx, fmt.Sprintf("record_id IN %s AND type IN %s", list(ids), list(models.SearchDocTypes(table))), nil)
			if err != nil {
				return err
			}
			for _, d := range want {
				seen[d.ID] = true
				got, ok := have[d.ID]
				if !ok {
					diffs = append(diffs, Difference{Problem: "missing", Type: d.Type, Table: table, RecordID: d.RecordID})
					continue
				}
				if fields := differing(d, got); len(fields) > 0 {
					diffs = append(diffs, Difference{Problem: "stale", Type: d.Type, Table: table, RecordID: d.RecordID, Fields: fields})
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	extra, err := c.extras(ctx, seen)
	if err != nil {
		return nil, err
	}
	diffs = append(diffs, extra...)
	sort.SliceStable(diffs, func(i, j int) bool {
		a, b := diffs[i], diffs[j]
		return a.Problem+a.Type+a.RecordID < b.Problem+b.Type+b.RecordID
	})
	return diffs, nil
}

// extras are the documents in the index that are not among those seen in Postgres.
func (c *Client) extras(ctx context.Context, seen map[string]bool) ([]Difference, error) {
	var diffs []Difference
	for _, t := range models.SearchTypes {
		have, err := c.documents(ctx, "type = "+quote(t), []string{"id", "record_id"})
		if err != nil {
			return nil, err
		}
		for id, doc := range have {
			if !seen[id] {
				var rec string
				_ = json.Unmarshal(doc["record_id"], &rec)
				table := t
				if t == "ruling" {
					table = "case"
				}
				diffs = append(diffs, Difference{Problem: "extra", Type: t, Table: table, RecordID: rec})
			}
		}
	}
	return diffs, nil
}

// documents reads every document a filter selects (the fields named, or all), by id.
func (c *Client) documents(ctx context.Context, filter string, fields []string) (map[string]meilisearch.Hit, error) {
	out := map[string]meilisearch.Hit{}
	for offset := int64(0); ; offset += pageSize {
		callCtx, cancel := context.WithTimeout(ctx, callTimeout)
		var page meilisearch.DocumentsResult
		err := c.meili.Index(c.index).GetDocuments(callCtx, &meilisearch.DocumentsQuery{Offset: offset, Limit: pageSize, Filter: filter, Fields: fields}, &page)
		cancel()
		var me *meilisearch.Error
		if errors.As(err, &me) && me.APIError.Code == "index_not_found" {
			return out, nil // no index yet: every record is missing
		}
		if err != nil {
			return nil, c.failed(fmt.Errorf("meilisearch: reading documents: %w", err))
		}
		for _, h := range page.Results {
			var id string
			if err := json.Unmarshal(h["id"], &id); err != nil {
				return nil, fmt.Errorf("meilisearch: a document without an id: %w", err)
			}
			out[id] = h
		}
		if len(page.Results) < pageSize {
			return out, nil
		}
	}
}

// differing names the fields in which the index's document differs from the one wanted.
func differing(want Document, got meilisearch.Hit) []string {
	raw, err := json.Marshal(want)
	if err != nil {
		return []string{"(unreadable)"}
	}
	var w map[string]json.RawMessage
	if err := json.Unmarshal(raw, &w); err != nil {
		return []string{"(unreadable)"}
	}
	var fields []string
	for k, wv := range w {
		var a, b any
		_ = json.Unmarshal(wv, &a)
		if gv, ok := got[k]; ok {
			_ = json.Unmarshal(gv, &b)
		}
		if !reflect.DeepEqual(a, b) {
			fields = append(fields, k)
		}
	}
	sort.Strings(fields)
	return fields
}
