package search

import (
	"context"
	"log/slog"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// probeInterval is how often Run checks Meilisearch.
const probeInterval = 2 * time.Second

// Run keeps search working while the portal serves, until ctx ends: it sets the index up if
// start-up could not and checks Meilisearch every probeInterval. While Meilisearch answers, the
// indexing jobs snoozed by a portal that could not reach it are made due at once; when it answers
// after not answering (and once at start, for what an earlier process left), the jobs waiting for
// a retry too. So the backlog drains by itself.
func (c *Client) Run(ctx context.Context) {
	if c.WarmUp {
		c.warm(ctx)
	}
	down, resumed := false, false
	for {
		err := c.probe(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			if !down {
				slog.Warn("meilisearch is not usable: search answers from Postgres, indexing waits", "index", c.index, "err", err)
			}
			down = true
		default:
			if down {
				slog.Info("meilisearch answers again", "index", c.index)
			}
			n, err := c.store.ResumeSearchJobs(ctx, down || !resumed)
			switch {
			case err != nil && ctx.Err() != nil:
				return
			case err != nil:
				slog.Warn("resuming the indexing jobs", "err", err)
			default:
				if n > 0 {
					slog.Info("indexing jobs resumed", "count", n)
				}
				down, resumed = false, true
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(probeInterval):
		}
	}
}

// probe sets the index up if it is not, else pings.
func (c *Client) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, TaskTimeout)
	defer cancel()
	if !c.Ready() {
		if err := c.Setup(ctx); err != nil {
			c.markDown()
			return err
		}
		return nil
	}
	if err := c.Ping(ctx); err != nil {
		c.markDown()
		return err
	}
	c.markUp()
	return nil
}

// warmID is the one document warm writes; its type is no record's, so no search shows it.
const warmID = "portal-warm-up"

// warm writes a document and deletes it again, then searches, in both languages, so that what
// Meilisearch does on first use (an index's first additions take seconds, and so does the
// Chinese segmenter's dictionary on a cold server) is done before the first user's write or
// search waits for it. A Meilisearch that is away is not waited for.
func (c *Client) warm(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, TaskTimeout)
	defer cancel()
	index := c.meili.Index(c.index)
	doc := Document{ID: warmID, Type: "warm_up", Title: "充电宝外壳鼓包 power bank swelling", Access: []string{}}
	task, err := index.AddDocuments(ctx, []Document{doc}, nil)
	if err == nil {
		err = c.wait(ctx, task, "warming up")
	}
	if err == nil {
		task, err = index.DeleteDocument(ctx, warmID, nil)
	}
	if err == nil {
		err = c.wait(ctx, task, "warming up")
	}
	if err == nil {
		_, err = index.SearchRaw(ctx, doc.Title, &meilisearch.SearchRequest{Limit: 1})
	}
	if err != nil {
		slog.Warn("meilisearch: warming up", "index", c.index, "err", err)
	}
}
